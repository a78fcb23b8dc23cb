"""Baselines: adopt mail-lint on a deployment with known problems, then see only new ones,
even after unrelated edits move the old ones to other lines."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import MakeProject, RunCli
from test_docmost import DROP, GOOD_DOTENV, compose

IMPLICIT_TLS = compose({"SMTP_PORT": '"465"', "SMTP_SECURE": DROP})


def codes(run_cli: RunCli, root: Path, *args: str) -> tuple[int, list[str]]:
    outcome = run_cli("check", "--format", "json", *args, cwd=root)
    assert outcome.rc in (0, 1), outcome.err
    return outcome.rc, [f["code"] for f in json.loads(outcome.out)["findings"]]


def test_baseline_records_findings_without_lines(
    run_cli: RunCli, make_project: MakeProject
) -> None:
    root = make_project({"stack/docker-compose.yml": IMPLICIT_TLS, "stack/.env": GOOD_DOTENV})
    outcome = run_cli("baseline", cwd=root)
    assert outcome.rc == 0, outcome.err
    assert "recorded 1 finding(s) in .mail-lint-baseline.json" in outcome.err
    data = json.loads((root / ".mail-lint-baseline.json").read_text())
    assert data == {
        "version": 1,
        "findings": [
            {
                "path": "stack/docker-compose.yml",
                "code": "DOC005",
                "service": "docmost",
                "key": "SMTP_PORT",
                "count": 1,
            }
        ],
    }
    assert "line" not in json.dumps(data)


def test_check_with_baseline_reports_only_new_findings(
    run_cli: RunCli, make_project: MakeProject
) -> None:
    root = make_project({"docker-compose.yml": IMPLICIT_TLS, ".env": GOOD_DOTENV})
    assert run_cli("baseline", "--output", "ml-baseline.json", cwd=root).rc == 0
    assert codes(run_cli, root, "--baseline", "ml-baseline.json") == (0, [])
    # An unrelated edit moves the known finding down three lines: still known.
    text = IMPLICIT_TLS.replace(
        "    environment:\n", "    # mail\n    # config\n    environment:\n"
    )
    (root / "docker-compose.yml").write_text(text)
    assert codes(run_cli, root, "--baseline", "ml-baseline.json") == (0, [])
    # A new problem is reported: the sender address is no longer an address.
    text = text.replace("MAIL_FROM_ADDRESS: docmost@example.org", "MAIL_FROM_ADDRESS: docmost")
    (root / "docker-compose.yml").write_text(text)
    rc, found = codes(run_cli, root)
    assert "DOC005" in found and len(found) >= 2
    rc, new = codes(run_cli, root, "--baseline", "ml-baseline.json")
    assert "DOC005" not in new and new and rc == 1


def test_baseline_counts_multiplicity(run_cli: RunCli, make_project: MakeProject) -> None:
    """Two findings with the same key: a baseline of one absorbs one of them."""
    from mail_lint.baseline import new_findings
    from mail_lint.model import Location
    from mail_lint.rules import Finding, Severity

    root = make_project({})
    f = Finding(
        "DOC005", "n", Severity.ERROR, "m", Location(root / "c.yml", 3), key="K", service="s"
    )
    (root / "b.json").write_text(
        json.dumps(
            {
                "version": 1,
                "findings": [{"path": "c.yml", "code": "DOC005", "service": "s", "key": "K"}],
            }
        )
    )
    moved = Finding(
        "DOC005", "n", Severity.ERROR, "m", Location(root / "c.yml", 9), key="K", service="s"
    )
    assert new_findings([f, moved], root / "b.json") == [moved]


def test_missing_or_broken_baseline_is_exit_2(run_cli: RunCli, make_project: MakeProject) -> None:
    root = make_project({"docker-compose.yml": IMPLICIT_TLS, ".env": GOOD_DOTENV})
    outcome = run_cli("check", "--baseline", "nope.json", cwd=root)
    assert outcome.rc == 2 and "nope.json: no such baseline file" in outcome.err
    (root / "bad.json").write_text("{}")
    outcome = run_cli("check", "--baseline", "bad.json", cwd=root)
    assert outcome.rc == 2 and "not a mail-lint baseline" in outcome.err


def test_baseline_to_stdout(run_cli: RunCli, make_project: MakeProject) -> None:
    root = make_project({"docker-compose.yml": IMPLICIT_TLS, ".env": GOOD_DOTENV})
    outcome = run_cli("baseline", "-o", "-", cwd=root)
    assert json.loads(outcome.out)["findings"][0]["code"] == "DOC005"
    assert not (root / ".mail-lint-baseline.json").exists()
