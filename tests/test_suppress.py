"""Inline suppressions, as a user writes them in a Docmost deployment: a line comment on the
offending line (YAML or .env), a file-level comment, and ML004 for a comment that suppresses
nothing."""

from __future__ import annotations

from pathlib import Path

from conftest import MakeProject, RunCli
from mail_lint.suppress import scan
from test_docmost import DROP, GOOD_DOTENV, compose

IMPLICIT_TLS = {"SMTP_PORT": '"465"', "SMTP_SECURE": DROP}


def codes(out: str) -> list[str]:
    """The codes of the text output's finding lines (``path:line:col: CODE [severity] …``)."""
    return [
        line.split()[1]
        for line in out.splitlines()
        if line[:1] not in ("", " ") and " [" in line and not line.startswith("Found ")
    ]


def test_unsuppressed_project_reports_doc005(run_cli: RunCli, make_project: MakeProject) -> None:
    root = make_project({"docker-compose.yml": compose(IMPLICIT_TLS), ".env": GOOD_DOTENV})
    outcome = run_cli("check", cwd=root)
    assert outcome.rc == 1
    assert codes(outcome.out) == ["DOC005"]


def test_line_comment_suppresses_the_finding_on_that_line(
    run_cli: RunCli, make_project: MakeProject
) -> None:
    port = '"465"  # mail-lint: ignore[DOC005] relay at :465 is reached through stunnel'
    root = make_project(
        {"docker-compose.yml": compose({**IMPLICIT_TLS, "SMTP_PORT": port}), ".env": GOOD_DOTENV}
    )
    outcome = run_cli("check", cwd=root)
    assert outcome.rc == 0, outcome.out
    assert outcome.out == ""


def test_prefix_and_rule_name_suppress(run_cli: RunCli, make_project: MakeProject) -> None:
    for selector in ("DOC", "DOC0", "implicit-tls-port-without-smtp-secure", "SMTP,DOC005"):
        port = f'"465"  # mail-lint: ignore[{selector}] stunnel'
        root = make_project(
            {
                "docker-compose.yml": compose({**IMPLICIT_TLS, "SMTP_PORT": port}),
                ".env": GOOD_DOTENV,
            }
        )
        outcome = run_cli("check", cwd=root)
        # Every selector suppressed DOC005; a selector that matched nothing is ML004.
        assert "DOC005" not in codes(outcome.out), selector
        if "SMTP" in selector:
            assert codes(outcome.out) == ["ML004"]
            assert "suppresses nothing for SMTP" in outcome.out
            assert outcome.rc == 0  # ML004 is a warning
        else:
            assert outcome.out == "", selector


def test_suppression_on_another_line_does_not_apply(
    run_cli: RunCli, make_project: MakeProject
) -> None:
    host = "smtp.mailgun.org  # mail-lint: ignore[DOC005] wrong line"
    root = make_project(
        {"docker-compose.yml": compose({**IMPLICIT_TLS, "SMTP_HOST": host}), ".env": GOOD_DOTENV}
    )
    outcome = run_cli("check", cwd=root)
    assert outcome.rc == 1
    assert sorted(codes(outcome.out)) == ["DOC005", "ML004"]
    assert "docker-compose.yml:13:" in outcome.out  # the ML004 points at the comment's line


def test_dotenv_comment_suppresses_a_value_that_came_from_dotenv(
    run_cli: RunCli, make_project: MakeProject
) -> None:
    """The value is written in .env and interpolated into the compose file: a comment on
    the .env line (an unquoted value ends at ` #` in Compose's dotenv) covers it."""
    dotenv = GOOD_DOTENV + "SMTP_PORT=465 # mail-lint: ignore[DOC005] stunnel on the host\n"
    root = make_project(
        {
            "docker-compose.yml": compose({"SMTP_PORT": "${SMTP_PORT}", "SMTP_SECURE": DROP}),
            ".env": dotenv,
        }
    )
    outcome = run_cli("check", cwd=root)
    assert outcome.out == ""
    assert outcome.rc == 0
    # Without the comment the finding is at the .env line.
    (root / ".env").write_text(GOOD_DOTENV + "SMTP_PORT=465\n")
    outcome = run_cli("check", cwd=root)
    assert ".env:4:" in outcome.out and "DOC005" in outcome.out


def test_comment_in_a_utf16_dotenv_suppresses(run_cli: RunCli, make_project: MakeProject) -> None:
    """A .env saved as UTF-16 (Windows editors do) is read by Compose; its comments count too,
    though its bytes never hold the ASCII text ``mail-lint:``."""
    dotenv = GOOD_DOTENV + "SMTP_PORT=465 # mail-lint: ignore[DOC005] stunnel on the host\n"
    root = make_project(
        {"docker-compose.yml": compose({"SMTP_PORT": "${SMTP_PORT}", "SMTP_SECURE": DROP})}
    )
    (root / ".env").write_bytes(dotenv.encode("utf-16"))
    outcome = run_cli("check", cwd=root)
    assert (outcome.rc, outcome.out) == (0, "")


def test_file_level_comment(run_cli: RunCli, make_project: MakeProject) -> None:
    text = "# mail-lint: ignore-file[DOC005] staging stack, relay wraps TLS\n" + compose(
        IMPLICIT_TLS
    )
    root = make_project({"docker-compose.yml": text, ".env": GOOD_DOTENV})
    outcome = run_cli("check", cwd=root)
    assert outcome.rc == 0 and outcome.out == ""


def test_unused_suppression_is_ml004_warning(run_cli: RunCli, make_project: MakeProject) -> None:
    port = '"587"  # mail-lint: ignore[DOC005] relay wraps TLS'
    root = make_project({"docker-compose.yml": compose({"SMTP_PORT": port}), ".env": GOOD_DOTENV})
    outcome = run_cli("check", cwd=root)
    assert codes(outcome.out) == ["ML004"]
    assert "ML004 [warning] unused suppression: `ignore[DOC005]`" in outcome.out
    assert outcome.rc == 0
    assert run_cli("check", "--fail-level", "warning", cwd=root).rc == 1
    assert run_cli("check", "--ignore", "ML004", cwd=root).out == ""


def test_ml004_is_documented(run_cli: RunCli) -> None:
    outcome = run_cli("rule", "ML004", "--format", "markdown")
    assert outcome.rc == 0
    for heading in ("## What it does", "## Why is this bad?", "## Example", "Use instead:"):
        assert heading in outcome.out
    assert "ML004" in run_cli("rules").out


def test_scan_forms() -> None:
    path = Path("x")
    text = (
        "a: b  # mail-lint: ignore[DOC005, SMTP] reason here\n"
        "url: http://x/#mail-lint: ignore[DOC005]\n"  # not a comment: no space before #
        "# mail-lint: ignore-file[dollar-interpolated-by-compose] legacy\n"
    )
    found = scan(text, path)
    assert [(s.location.line, s.selectors, s.whole_file, s.reason) for s in found] == [
        (1, ("DOC005", "SMTP"), False, "reason here"),
        (3, ("dollar-interpolated-by-compose",), True, "legacy"),
    ]
