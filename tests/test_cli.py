"""The command line as a user sees it: output lines, exit codes, JSON contract, inspect."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import mail_lint
from conftest import MakeProject, RunCli
from support import REPO

DOCMOST = """\
services:
  docmost:
    image: docmost/docmost:0.95.0
    environment:
      APP_URL: "https://docs.example.org"
      SMTP_HOST: smtp.example.org
      SMTP_PORT: ${SMTP_PORT:-587}
      SMTP_PASSWORD: ${SMTP_PASSWORD}
      DATABASE_URL: "postgresql://docmost:${DB_PASSWORD}@db:5432/docmost"
"""
DOTENV = "SMTP_PORT=465\nSMTP_PASSWORD=Tr0ub4dor&3xyz\nDB_PASSWORD=hunter2hunter2\n"

# A Docmost deployment with nothing wrong in its mail settings.
HEALTHY = """\
services:
  docmost:
    image: docmost/docmost:0.95.0
    depends_on: [db, redis]
    environment:
      APP_URL: "https://wiki.acme-corp.net"
      APP_SECRET: ${APP_SECRET}
      DATABASE_URL: "postgresql://docmost:${DB_PASSWORD}@db:5432/docmost"
      REDIS_URL: "redis://redis:6379"
      MAIL_DRIVER: smtp
      MAIL_FROM_ADDRESS: wiki@acme-corp.net
      SMTP_HOST: mail.acme-corp.net
      SMTP_PORT: "587"
      SMTP_USERNAME: wiki@acme-corp.net
      SMTP_PASSWORD: ${SMTP_PASSWORD}
  db:
    image: postgres:18
  redis:
    image: redis:8
"""
HEALTHY_DOTENV = (
    "APP_SECRET=4c1f0e9a7d2b8e6f3a5c\nDB_PASSWORD=hunter2hunter2\nSMTP_PASSWORD=Tr0ub4dor3xyz\n"
)


def test_clean_project_prints_nothing_and_exits_0(
    run_cli: RunCli, make_project: MakeProject
) -> None:
    root = make_project({"docker-compose.yml": HEALTHY, ".env": HEALTHY_DOTENV})
    outcome = run_cli(str(root))
    assert (outcome.rc, outcome.out, outcome.err) == (0, "", "")


def test_default_path_is_the_current_folder(run_cli: RunCli, make_project: MakeProject) -> None:
    root = make_project(
        {"compose.yaml": "services:\n  a:\n    image: x\n    environment:\n      P: ${BAD\n"}
    )
    outcome = run_cli(cwd=root)
    assert outcome.rc == 1
    assert outcome.out.splitlines()[0].startswith("compose.yaml:5:")


def test_parse_error_is_a_finding_at_the_line_and_other_files_are_linted(
    run_cli: RunCli, make_project: MakeProject
) -> None:
    root = make_project(
        {
            "a/docker-compose.yml": "services:\n  app:\n    image: x\n    image: y\n",
            "b/docker-compose.yml": DOCMOST,
            "b/.env": "SMTP_PASSWORD='unterminated\n",
        }
    )
    outcome = run_cli(".", cwd=root)
    assert outcome.rc == 1
    lines = outcome.out.splitlines()
    assert (
        lines[0]
        == 'a/docker-compose.yml:4:5: ML001 [error] mapping key "image" already defined at line 3'
    )
    assert lines[1] == (
        "b/.env:1:15: ML001 [error] unterminated quoted value <secret 'unte…' (12 chars)>"
    )
    assert lines[-1] == "Found 2 findings (2 errors) in 2 files."


def test_quiet_drops_the_summary(run_cli: RunCli, make_project: MakeProject) -> None:
    root = make_project({"compose.yaml": "services: [\n"})
    outcome = run_cli("-q", str(root / "compose.yaml"), cwd=root)
    assert outcome.rc == 1
    assert len(outcome.out.splitlines()) == 1
    assert "Found" not in outcome.out


def test_colour_only_when_asked_or_on_a_terminal(
    run_cli: RunCli, make_project: MakeProject
) -> None:
    root = make_project({"compose.yaml": "services: [\n"})
    plain = run_cli(".", cwd=root)
    coloured = run_cli("--color", "always", ".", cwd=root)
    assert "\x1b[" not in plain.out
    assert "\x1b[31mML001\x1b[0m" in coloured.out


def test_json_contract(run_cli: RunCli, make_project: MakeProject) -> None:
    root = make_project(
        {
            "compose.yaml": "services:\n  a:\n    image: x\n    environment:\n"
            "      SMTP_HOST: ${SMTP_HOST:?set it}\n"
        }
    )
    outcome = run_cli("--format", "json", ".", cwd=root)
    assert outcome.rc == 1
    document = json.loads(outcome.out)
    assert document["version"] == 1
    [finding] = document["findings"]
    assert list(finding) == [
        "code",
        "name",
        "severity",
        "message",
        "path",
        "line",
        "column",
        "end_line",
        "end_column",
        "key",
        "app",
        "service",
        "origin",
        "fix",
    ]
    assert (finding["code"], finding["name"], finding["severity"]) == (
        "ML001",
        "parse-error",
        "error",
    )
    assert finding["message"] == (
        "error while interpolating services.a.environment.SMTP_HOST: "
        "required variable SMTP_HOST is missing a value: set it"
    )
    assert finding["key"] == "SMTP_HOST"
    assert (finding["path"], finding["line"]) == ("compose.yaml", 5)
    assert document["summary"] == {
        "findings": 1,
        "by_severity": {"error": 1, "warning": 0, "info": 0},
        "instances": 0,
        "incomplete": False,
    }


def test_fail_level_decides_the_exit_code(run_cli: RunCli, make_project: MakeProject) -> None:
    root = make_project({"compose.yaml": "services: [\n"})
    assert run_cli("--fail-level", "warning", ".", cwd=root).rc == 1
    assert run_cli("--fail-level", "info", ".", cwd=root).rc == 1


def test_missing_path_is_one_line_on_stderr_and_exit_2(run_cli: RunCli, tmp_path: Path) -> None:
    outcome = run_cli("nope/docker-compose.yml", cwd=tmp_path)
    assert outcome.rc == 2
    assert outcome.out == ""
    assert outcome.err == "mail-lint: error: nope/docker-compose.yml: no such file or directory\n"
    assert run_cli("-f", "nope.yml", cwd=tmp_path).err == (
        "mail-lint: error: nope.yml: no such file or directory\n"
    )


def test_usage_error_exits_2(run_cli: RunCli, tmp_path: Path) -> None:
    assert run_cli("--format", "xml", cwd=tmp_path).rc == 2
    outcome = run_cli("--app", "wordpress", ".", cwd=tmp_path)
    assert outcome.rc == 2
    assert outcome.err.startswith("mail-lint: error: --app 'wordpress': unknown app (known: ")
    assert run_cli("--env", "NOEQUALS", ".", cwd=tmp_path).rc == 2


def test_unreadable_file_is_reported_and_exits_2(
    run_cli: RunCli, make_project: MakeProject
) -> None:
    # A FIFO where the project .env should be: unreadable even for root, and must not hang.
    root = make_project({"compose.yaml": DOCMOST})
    os.mkfifo(root / ".env")
    outcome = run_cli(".", cwd=root)
    assert outcome.rc == 2
    assert outcome.out.splitlines()[0] == (
        ".env:1:1: ML002 [error] cannot read this file: is not a regular file"
    )


def test_directory_named_like_a_compose_file_is_reported_and_exits_2(
    run_cli: RunCli, make_project: MakeProject
) -> None:
    root = make_project({"ok/compose.yaml": DOCMOST})
    (root / "bad" / "docker-compose.yml").mkdir(parents=True)
    outcome = run_cli(".", cwd=root)
    assert outcome.rc == 2
    assert outcome.out.splitlines()[0] == (
        "bad/docker-compose.yml:1:1: ML002 [error] cannot read this file: "
        "is a directory, not a file"
    )


def test_inspect_shows_values_with_origin_and_hides_secrets(
    run_cli: RunCli, make_project: MakeProject
) -> None:
    root = make_project({"docker-compose.yml": DOCMOST, ".env": DOTENV})
    outcome = run_cli("inspect", "--format", "json", ".", cwd=root)
    assert outcome.rc == 0, outcome.err
    [instance] = json.loads(outcome.out)["instances"]
    assert (instance["app"], instance["version"], instance["service"]) == (
        "docmost",
        "0.95.0",
        "docmost",
    )
    port = instance["environment"]["SMTP_PORT"]
    assert port["value"] == "465"
    assert port["location"] == {"path": "docker-compose.yml", "line": 7, "column": 18}
    assert port["origin"] == [{"path": ".env", "line": 1, "column": 11}]
    assert "Tr0ub4dor" not in outcome.out
    assert "hunter2" not in outcome.out
    assert instance["environment"]["DATABASE_URL"]["value"] == (
        "postgresql://docmost:****@db:5432/docmost"
    )
    shown = run_cli("inspect", "--format", "json", "--show-secrets", ".", cwd=root)
    assert "Tr0ub4dor&3xyz" in shown.out


def test_inspect_text_lists_the_instance(run_cli: RunCli, make_project: MakeProject) -> None:
    root = make_project({"docker-compose.yml": DOCMOST, ".env": DOTENV})
    outcome = run_cli("inspect", ".", cwd=root)
    assert outcome.out.splitlines()[0] == "Docmost 0.95.0 — service 'docmost' in docker-compose.yml"
    assert "    SMTP_PORT=465  (docker-compose.yml:7:18 <- .env:1:11)" in outcome.out
    assert "Tr0ub4dor" not in outcome.out


def test_env_option_acts_as_the_shell(run_cli: RunCli, make_project: MakeProject) -> None:
    root = make_project({"docker-compose.yml": DOCMOST})
    outcome = run_cli("inspect", "--format", "json", "--env", "SMTP_PORT=2525", ".", cwd=root)
    [instance] = json.loads(outcome.out)["instances"]
    assert instance["environment"]["SMTP_PORT"]["value"] == "2525"
    assert instance["environment"]["SMTP_PORT"]["origin"] == []


def test_rules_and_rule(run_cli: RunCli) -> None:
    listing = run_cli("rules")
    assert listing.rc == 0
    assert listing.out.splitlines()[0].split() == ["code", "name", "app", "severity"]
    assert ["ML001", "parse-error", "*", "error"] in [
        row.split() for row in listing.out.splitlines()
    ]
    doc = run_cli("rule", "ML001")
    assert doc.out.startswith("# parse-error (ML001)\n")
    assert "## Why is this bad?" in doc.out
    assert run_cli("rule", "NOPE999").rc == 2


def test_console_script_and_module_agree(tmp_path: Path) -> None:
    script = Path(sys.executable).parent / "mail-lint"
    for command in ([str(script)], [sys.executable, "-m", "mail_lint"]):
        proc = subprocess.run(
            [*command, "--version"], cwd=tmp_path, capture_output=True, text=True, check=False
        )
        assert (proc.returncode, proc.stdout.split()[0]) == (0, "mail-lint")


def test_version_is_answered_without_the_cli_module() -> None:
    # `mail-lint --version` is what installs are checked with: it imports nothing of the CLI
    # (argparse, typing; pathlib too, but an editable install's import hook brings that);
    # every other command line still goes through it.
    probe = (
        "import sys\nsys.argv = ['mail-lint', *sys.argv[1:]]\n"
        "from mail_lint.console import main\nrc = main()\n"
        "print(rc, sorted(m for m in ('mail_lint.cli', 'argparse', 'typing') "
        "if m in sys.modules))"
    )
    fast = subprocess.run(
        [sys.executable, "-c", probe, "--version"], capture_output=True, text=True
    )
    assert fast.stdout.splitlines() == ["mail-lint " + mail_lint.__version__, "0 []"]
    slow = subprocess.run(
        [sys.executable, "-c", probe, "rules"], capture_output=True, text=True, cwd=REPO
    )
    assert slow.stdout.splitlines()[0].split() == ["code", "name", "app", "severity"]
    assert slow.stdout.splitlines()[-1] == "0 ['argparse', 'mail_lint.cli', 'typing']"


def test_a_closed_pipe_ends_quietly() -> None:
    # SARIF carries every rule's doc: far more than a pipe buffer, so `head` closes early.
    script = Path(sys.executable).parent / "mail-lint"
    proc = subprocess.run(
        f"'{script}' --format sarif examples/docmost-smtp | head -c 20",
        shell=True,
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.stdout.startswith("{")
    assert proc.stderr == ""
