"""Configuration files, as a user writes them next to a Docmost deployment: selection,
per-file and per-service ignores with reasons, severity overrides, fail-level, app pins, the
closest file winning, and one-line errors for a bad configuration."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import MakeProject, RunCli
from test_docmost import DROP, GOOD_DOTENV, compose

IMPLICIT_TLS = compose({"SMTP_PORT": '"465"', "SMTP_SECURE": DROP})


def findings(run_cli: RunCli, root: Path, *args: str) -> tuple[int, list[dict[str, str]]]:
    outcome = run_cli("check", "--format", "json", *args, cwd=root)
    assert outcome.rc in (0, 1), outcome.err
    return outcome.rc, json.loads(outcome.out)["findings"]


def project(make_project: MakeProject, **config: str) -> Path:
    return make_project({"docker-compose.yml": IMPLICIT_TLS, ".env": GOOD_DOTENV, **config})


def test_no_configuration(run_cli: RunCli, make_project: MakeProject) -> None:
    rc, found = findings(run_cli, project(make_project))
    assert rc == 1 and [f["code"] for f in found] == ["DOC005"]


def test_ignore_by_prefix_in_mail_lint_toml(run_cli: RunCli, make_project: MakeProject) -> None:
    root = project(make_project, **{".mail-lint.toml": 'ignore = ["DOC"]\n'})
    assert findings(run_cli, root) == (0, [])


def test_select_and_extend_select(run_cli: RunCli, make_project: MakeProject) -> None:
    root = project(make_project, **{".mail-lint.toml": 'select = ["SMTP"]\n'})
    assert findings(run_cli, root) == (0, [])
    (root / ".mail-lint.toml").write_text('select = ["SMTP"]\nextend-select = ["DOC005"]\n')
    assert [f["code"] for f in findings(run_cli, root)[1]] == ["DOC005"]
    # The command line overrides the file's select.
    assert findings(run_cli, root, "--select", "ML")[1] == []


def test_pyproject_table(run_cli: RunCli, make_project: MakeProject) -> None:
    root = project(
        make_project,
        **{"pyproject.toml": '[project]\nname = "ops"\n\n[tool.mail-lint]\nignore = ["DOC005"]\n'},
    )
    assert findings(run_cli, root) == (0, [])


def test_mail_lint_toml_wins_over_pyproject_and_closest_wins(
    run_cli: RunCli, make_project: MakeProject
) -> None:
    root = make_project(
        {
            "pyproject.toml": '[tool.mail-lint]\nignore = ["DOC005"]\n',
            "docs/docker-compose.yml": IMPLICIT_TLS,
            "docs/.env": GOOD_DOTENV,
            "wiki/docker-compose.yml": IMPLICIT_TLS,
            "wiki/.env": GOOD_DOTENV,
            # Closer than the pyproject: wiki's findings are judged by this file alone.
            "wiki/.mail-lint.toml": 'severity = { DOC005 = "warning" }\n',
        }
    )
    rc, found = findings(run_cli, root)
    assert [(f["path"], f["code"], f["severity"]) for f in found] == [
        ("wiki/docker-compose.yml", "DOC005", "warning")
    ]
    assert rc == 0
    (root / "pyproject.toml").write_text('[tool.mail-lint]\nignore = ["DOC005"]\n')
    (root / "docs/.mail-lint.toml").write_text("fail-level = 'warning'\n")
    # .mail-lint.toml in the same folder as a pyproject.toml wins.
    (root / "docs/pyproject.toml").write_text('[tool.mail-lint]\nignore = ["DOC"]\n')
    rc, found = findings(run_cli, root / "docs")
    assert [f["code"] for f in found] == ["DOC005"]


def test_per_file_and_per_service_ignores(run_cli: RunCli, make_project: MakeProject) -> None:
    root = project(
        make_project,
        **{
            ".mail-lint.toml": (
                '[per-service-ignores]\ndocmost = { codes = ["DOC005"], reason = "stunnel" }\n'
            )
        },
    )
    assert findings(run_cli, root) == (0, [])
    (root / ".mail-lint.toml").write_text(
        '[per-file-ignores]\n"docker-compose.yml" = { codes = ["DOC"], reason = "staging" }\n'
    )
    assert findings(run_cli, root) == (0, [])
    (root / ".mail-lint.toml").write_text(
        '[per-file-ignores]\n"prod/*.yml" = { codes = ["DOC"], reason = "other folder" }\n'
    )
    assert len(findings(run_cli, root)[1]) == 1


def test_fail_level_from_config_and_cli_override(
    run_cli: RunCli, make_project: MakeProject
) -> None:
    root = project(
        make_project,
        **{".mail-lint.toml": 'fail-level = "error"\n[severity]\nDOC005 = "warning"\n'},
    )
    assert run_cli("check", cwd=root).rc == 0
    (root / ".mail-lint.toml").write_text('fail-level = "warning"\n[severity]\nDOC = "warning"\n')
    assert run_cli("check", cwd=root).rc == 1
    assert run_cli("check", "--fail-level", "error", cwd=root).rc == 0
    assert run_cli("check", "--isolated", cwd=root).rc == 1  # DOC005 is an error again


def test_version_pin(run_cli: RunCli, make_project: MakeProject) -> None:
    """`docmost/docmost:latest` has no version; a pin supplies it to the rules."""
    text = IMPLICIT_TLS.replace("docmost/docmost:0.95.0", "docmost/docmost:latest")
    root = make_project(
        {
            "docker-compose.yml": text,
            ".env": GOOD_DOTENV,
            ".mail-lint.toml": '[[app]]\npath = "docker-compose.yml"\nversion = "0.95"\n',
        }
    )
    outcome = run_cli("inspect", "--format", "json", cwd=root)
    assert outcome.rc == 0, outcome.err
    [instance] = json.loads(outcome.out)["instances"]
    assert "0.95" in json.dumps(instance)


def test_app_pin_for_a_standalone_file(run_cli: RunCli, make_project: MakeProject) -> None:
    root = make_project(
        {
            "www/settings.env": "MAIL_DRIVER=smtp\nMAIL_HOST=smtp.example.org\nMAIL_PORT=465\n",
            ".mail-lint.toml": '[[app]]\npath = "www/settings.env"\napp = "bookstack"\n',
        }
    )
    with_pin = run_cli("inspect", "--format", "json", "www/settings.env", cwd=root)
    assert with_pin.rc == 0, with_pin.err
    assert json.loads(with_pin.out)["instances"][0]["app"] == "bookstack"
    (root / ".mail-lint.toml").write_text('[[app]]\npath = "www/*"\napp = "nosuchapp"\n')
    outcome = run_cli("check", "www/settings.env", cwd=root)
    assert outcome.rc == 2
    assert "unknown app 'nosuchapp' (allowed: " in outcome.err


def error_of(run_cli: RunCli, root: Path) -> str:
    outcome = run_cli("check", cwd=root)
    assert outcome.rc == 2, outcome.out
    assert outcome.out == ""
    lines = outcome.err.splitlines()
    assert len(lines) == 1, outcome.err
    return lines[0]


def test_bad_configuration_is_one_line_exit_2(run_cli: RunCli, make_project: MakeProject) -> None:
    root = project(make_project, **{".mail-lint.toml": 'slect = ["DOC"]\n'})
    line = error_of(run_cli, root)
    assert ".mail-lint.toml" in line and "unknown key 'slect'" in line
    assert "allowed: app, extend-select, fail-level, ignore" in line

    (root / ".mail-lint.toml").write_text('fail-level = "fatal"\n')
    line = error_of(run_cli, root)
    assert "fail-level: 'fatal' is not allowed (allowed: error, warning, info)" in line

    (root / ".mail-lint.toml").write_text("[severity]\nDOC005 = 'loud'\n")
    assert "severity.DOC005: 'loud' is not allowed (allowed: error, warning, info)" in error_of(
        run_cli, root
    )

    (root / ".mail-lint.toml").write_text(
        '[per-service-ignores]\ndocmost = { codes = ["DOC005"] }\n'
    )
    line = error_of(run_cli, root)
    assert "per-service-ignores.docmost" in line and "'reason' is a required property" in line

    (root / ".mail-lint.toml").write_text('ignore = ["DOC999"]\n')
    assert "ignore: 'DOC999' matches no rule" in error_of(run_cli, root)

    (root / ".mail-lint.toml").write_text("ignore = [\n")
    assert "invalid TOML" in error_of(run_cli, root)

    (root / ".mail-lint.toml").unlink()
    (root / "pyproject.toml").write_text("[tool.mail-lint]\nselect = 'DOC'\n")
    line = error_of(run_cli, root)
    assert "pyproject.toml: [tool.mail-lint] select: 'DOC' is not of type 'array'" in line


def test_jsonschema_is_imported_only_with_a_configuration(make_project: MakeProject) -> None:
    root = make_project({"docker-compose.yml": IMPLICIT_TLS, ".env": GOOD_DOTENV})
    probe = (
        "import sys\nfrom mail_lint.cli import main\n"
        "rc = main(['check', '-q', '.'])\n"
        "print(rc, 'jsonschema' in sys.modules)\n"
    )

    def run() -> str:
        done = subprocess.run(
            [sys.executable, "-c", probe], cwd=root, capture_output=True, text=True, check=True
        )
        return done.stdout.splitlines()[-1]

    assert run() == "1 False"
    (root / ".mail-lint.toml").write_text('ignore = ["DOC005"]\n')
    assert run() == "0 True"


@pytest.mark.parametrize(
    ("pyproject", "parsed"),
    [
        # A project that only names mail-lint (its own name, a dev dependency).
        ('[project\nname = "mail-lint"\n[tool.ruff]\n', False),
        ('[project]\ndependencies = ["mail-lint>=0.1"\n', False),
        # Every way TOML can define tool.mail-lint.
        ("[tool.mail-lint\nselect = []\n", True),
        ('[ "tool" . "mail-lint" ]\nselect = [\n', True),
        ("[tool]\nmail-lint = {select = [}\n", True),
        ("tool.mail-lint.select = [\n", True),
    ],
)
def test_a_pyproject_is_parsed_only_when_it_can_hold_our_table(
    run_cli: RunCli, make_project: MakeProject, pyproject: str, parsed: bool
) -> None:
    """Each file here is broken TOML: an error shows that it was parsed."""
    root = make_project(
        {
            "pyproject.toml": pyproject,
            "compose.yaml": "services:\n  docmost:\n    image: docmost/docmost\n",
        }
    )
    outcome = run_cli(".", cwd=root)
    if parsed:
        assert outcome.rc == 2
        assert "pyproject.toml: invalid TOML" in outcome.err
    else:
        assert outcome.rc in (0, 1), outcome.err
        assert outcome.err == ""


def test_a_pyproject_without_our_table_is_not_even_parsed(
    run_cli: RunCli, make_project: MakeProject
) -> None:
    """Someone else's pyproject.toml, even a broken one, is not a mail-lint configuration."""
    root = make_project(
        {
            "pyproject.toml": "[project\nname = 'broken toml, not ours'\n",
            "compose.yaml": "services:\n  docmost:\n    image: docmost/docmost\n",
        }
    )
    outcome = run_cli(".", cwd=root)
    assert outcome.rc in (0, 1), outcome.err
    assert outcome.err == ""
