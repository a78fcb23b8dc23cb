"""Detection: compose services by image or keys, settings files by name, shape or mount."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

from conftest import MakeProject, RunCli

WG_INI = """\
[Account]
username = admin

[Email]
server = smtp.resend.com
port = 465
encryption = STARTTLS
username = resend
email_password = re_abc123def456
send_from = WG <wg@example.org>
"""

LISTMONK_EXPORT = {
    "data": {
        "app.root_url": "http://localhost:9000",
        "app.from_email": "listmonk <noreply@listmonk.yoursite.com>",
        "smtp": [
            {
                "enabled": True,
                "host": "smtp.yoursite.com",
                "port": 25,
                "password": "\u2022\u2022\u2022\u2022",
            }
        ],
    }
}


def _instances(run_cli: RunCli, root: Path, *args: str) -> list[dict[str, object]]:
    outcome = run_cli("inspect", "--format", "json", *args, cwd=root)
    assert outcome.rc == 0, outcome.err + outcome.out
    instances: list[dict[str, object]] = json.loads(outcome.out)["instances"]
    return instances


def test_service_detected_by_image_with_version(run_cli: RunCli, make_project: MakeProject) -> None:
    root = make_project(
        {
            "compose.yaml": """\
services:
  analytics:
    image: ghcr.io/plausible/community-edition:v2.1.4
  db:
    image: postgres:16-alpine
"""
        }
    )
    [inst] = _instances(run_cli, root, ".")
    assert (inst["app"], inst["version"], inst["service"]) == ("plausible", "2.1.4", "analytics")


def test_service_without_known_image_detected_by_its_keys(
    run_cli: RunCli, make_project: MakeProject
) -> None:
    root = make_project(
        {
            "compose.yaml": """\
services:
  wiki:
    build: .
    environment:
      APP_SECRET: x
      DATABASE_URL: postgresql://a@db/b
      REDIS_URL: redis://redis:6379
"""
        }
    )
    [inst] = _instances(run_cli, root, ".")
    assert (inst["app"], inst["version"]) == ("docmost", "latest")


def test_bind_mounted_ini_belongs_to_the_service(
    run_cli: RunCli, make_project: MakeProject
) -> None:
    root = make_project(
        {
            "compose.yaml": """\
services:
  wireguard-dashboard:
    image: donaldzou/wgdashboard:v4.2.3
    volumes:
      - ./conf:/etc/wireguard
      - ./data:/data
""",
            "data/wg-dashboard.ini": WG_INI,
        }
    )
    [inst] = _instances(run_cli, root, ".")
    assert (inst["app"], inst["version"]) == ("wgdashboard", "4.2.3")
    [ini] = inst["files"]  # type: ignore[misc]
    assert ini["path"] == "data/wg-dashboard.ini"
    assert ini["settings"]["Email.encryption"]["value"] == "STARTTLS"
    assert ini["settings"]["Email.encryption"]["location"] == {
        "path": "data/wg-dashboard.ini",
        "line": 7,
        "column": 14,
    }
    assert "re_abc123def456" not in json.dumps(inst)


def test_standalone_ini_and_settings_export(run_cli: RunCli, make_project: MakeProject) -> None:
    root = make_project(
        {
            "wg/wg-dashboard.ini": WG_INI,
            "listmonk/settings-2026.json": json.dumps(LISTMONK_EXPORT, indent=2),
            "other/package.json": '{"name": "x", "version": "1.0.0"}',
        }
    )
    instances = _instances(run_cli, root, ".")
    assert sorted((i["app"], i["path"]) for i in instances) == [
        ("listmonk", "listmonk/settings-2026.json"),
        ("wgdashboard", "wg/wg-dashboard.ini"),
    ]


def test_generic_dotenv_is_told_apart_by_its_keys(
    run_cli: RunCli, make_project: MakeProject
) -> None:
    root = make_project(
        {
            "bookstack/.env": "APP_URL=https://wiki.example.org\nAPP_KEY=base64:abc\n"
            "DB_DATABASE=bookstack\nMAIL_DRIVER=smtp\nMAIL_FROM=wiki@example.org\n",
            "docmost/.env": "APP_SECRET=abc\nDATABASE_URL=postgresql://d@db/d\n"
            "REDIS_URL=redis://redis:6379\nMAIL_DRIVER=smtp\n",
        }
    )
    instances = _instances(run_cli, root, ".")
    assert sorted((i["app"], i["path"]) for i in instances) == [
        ("bookstack", "bookstack/.env"),
        ("docmost", "docmost/.env"),
    ]
    [bks] = [i for i in instances if i["app"] == "bookstack"]
    assert bks["files"][0]["dialect"] == "laravel"  # type: ignore[index]


def test_app_option_forces_the_app_of_a_named_file(
    run_cli: RunCli, make_project: MakeProject
) -> None:
    root = make_project({"mail.env": "MAIL_HOST=smtp.example.org\n"})
    assert _instances(run_cli, root, "mail.env") == []
    unrecognised = run_cli("mail.env", cwd=root)
    assert unrecognised.err == (
        "mail-lint: mail.env: no app recognised in this file (use --app NAME)\n"
    )
    [inst] = _instances(run_cli, root, "--app", "bookstack", "mail.env")
    assert inst["app"] == "bookstack"


def test_project_dotenv_and_env_files_are_not_standalone_files(
    run_cli: RunCli, make_project: MakeProject
) -> None:
    root = make_project(
        {
            "compose.yaml": "services:\n  docmost:\n    image: docmost/docmost\n"
            "    env_file: docmost.env\n",
            ".env": "APP_SECRET=a\nDATABASE_URL=postgresql://x@db/x\nREDIS_URL=redis://r\n",
            "docmost.env": "APP_SECRET=a\nDATABASE_URL=postgresql://x@db/x\nREDIS_URL=redis://r\n",
        }
    )
    [inst] = _instances(run_cli, root, ".")
    assert inst["service"] == "docmost"


def _after_a_lint(root: Path, expression: str) -> object:
    """The value of ``expression`` (``sys`` and ``typing`` imported) in a fresh interpreter
    that has just linted ``root`` with the CLI."""
    code = (
        "import sys, io, typing\nfrom mail_lint.cli import main\n"
        f"main([{str(root)!r}], stdout=io.StringIO())\n"
        f"print(repr({expression}))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return ast.literal_eval(proc.stdout.strip())


def test_plain_lint_imports_no_heavy_module(make_project: MakeProject) -> None:
    root = make_project({"compose.yaml": "services:\n  d:\n    image: docmost/docmost\n"})
    heavy = _after_a_lint(
        root,
        "sorted(m for m in sys.modules if m.split('.')[0] in "
        "('rich', 'jsonschema', 'ruamel', 'tomllib', 'configparser', 'email', 'difflib',"
        " 'multiprocessing', 'json', 'dataclasses'))",
    )
    assert heavy == []


def test_ascii_env_keys_do_not_import_unicodedata(make_project: MakeProject) -> None:
    # unicodedata (~0.3 ms of a start-up) serves only a non-ASCII key in a Compose or Laravel
    # .env file.
    root = make_project(
        {
            "compose.yaml": "services:\n  b:\n    image: lscr.io/linuxserver/bookstack\n"
            "    env_file: b.env\n    environment:\n      MAIL_HOST: ${MAIL_HOST}\n",
            ".env": "MAIL_HOST=smtp.example.org\nexport MAIL_PORT=587\n",
            "b.env": "APP_URL=https://b.example.org\nMAIL_DRIVER=smtp\nMAIL_PORT=587\n",
        }
    )
    assert _after_a_lint(root, "'unicodedata' in sys.modules") is False


def test_plain_lint_compiles_few_annotation_strings(make_project: MakeProject) -> None:
    # typing.NamedTuple compiles every string field annotation into a ForwardRef when the class
    # is created: under `from __future__ import annotations` that was 245 compiles (~2.7 ms of
    # every run). Modules that define NamedTuples evaluate their annotations instead; only
    # forward references stay strings.
    root = make_project(
        {
            "compose.yaml": "services:\n  b:\n    image: lscr.io/linuxserver/bookstack\n"
            "    env_file: b.env\n",
            "b.env": "APP_URL=https://b.example.org\nMAIL_DRIVER=smtp\n",
        }
    )
    forward = _after_a_lint(
        root,
        "sorted(f'{c.__module__}.{c.__name__}.{f}' for m in list(sys.modules.values())"
        " if m.__name__.startswith('mail_lint') for c in vars(m).values()"
        " if isinstance(c, type) and issubclass(c, tuple) and c.__module__ == m.__name__"
        " for f, t in getattr(c, '__annotations__', {}).items()"
        " if isinstance(t, typing.ForwardRef))",
    )
    assert isinstance(forward, list) and len(forward) <= 12, forward


def test_forced_app_tries_each_of_its_readers(run_cli: RunCli, make_project: MakeProject) -> None:
    root = make_project(
        {
            "listmonk.conf": '[app]\naddress = "0.0.0.0:9000"\n\n[db]\nhost = "db"\n',
            "broken.json": '{"app.root_url": "http://x",',
        }
    )
    [inst] = _instances(run_cli, root, "--app", "listmonk", "listmonk.conf")
    assert inst["files"][0]["format"] == "toml"  # type: ignore[index]
    outcome = run_cli("--app", "listmonk", "broken.json", cwd=root)
    assert outcome.rc == 1
    assert outcome.out.startswith("broken.json:1:")
    assert " ML001 [error] " in outcome.out


def test_rules_of_apps_not_in_the_run_are_not_imported(make_project: MakeProject) -> None:
    root = make_project({"compose.yaml": "services:\n  d:\n    image: docmost/docmost\n"})
    rules = _after_a_lint(
        root, "sorted(m for m in sys.modules if m.endswith('.rules') and 'plugins' in m)"
    )
    assert rules == ["mail_lint.plugins.docmost.rules"]
