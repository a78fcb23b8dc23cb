"""No secret appears in any output: a distinct secret in every secret-bearing setting of every
app, through ``check`` (text, json), ``inspect`` (text, json), ``--debug`` and error paths.

The secrets look real (20 mixed letters and digits, so the scrubber's exemption of short
single-word placeholders does not apply). Besides the whole secret, no run may show any
five consecutive characters of one: a shape shows at most the first four.
"""

from __future__ import annotations

import random
import string
from pathlib import Path

import pytest
from conftest import MakeProject, RunCli
from mail_lint.pluginhost import PluginHost


def _secret(n: int) -> str:
    rng = random.Random(n)
    alphabet = string.ascii_letters + string.digits
    while True:
        text = "".join(rng.choice(alphabet) for _ in range(20))
        if any(c.isdigit() for c in text) and any(c.isupper() for c in text):
            return text


SECRETS: dict[str, str] = {}


def s(name: str) -> str:
    """The secret planted as ``name`` (one per setting)."""
    if name not in SECRETS:
        SECRETS[name] = _secret(len(SECRETS) + 1)
    return SECRETS[name]


#: Realistic projects of the five apps (also used by test_no_side_effects.py).
PROJECTS: dict[str, dict[str, str]] = {
    "bookstack": {
        "docker-compose.yml": f"""\
services:
  bookstack:
    image: lscr.io/linuxserver/bookstack:24.10.1
    environment:
      - APP_URL=https://wiki.example.org
      - APP_KEY=base64:{s("bks-app-key")}
      - DB_HOST=db
      - DB_USERNAME=bookstack
      - DB_PASSWORD=${{DB_PASSWORD}}
      - MAIL_DRIVER=smtp
      - MAIL_HOST=smtp.sendgrid.net
      - MAIL_PORT=465
      - MAIL_ENCRYPTION=tls
      - MAIL_USERNAME=apikey
      - MAIL_PASSWORD={s("bks-mail-password")}
      - MAIL_FROM=wiki@example.org
    volumes:
      - ./config:/config
  db:
    image: mariadb:11
    environment:
      MYSQL_ROOT_PASSWORD: {s("bks-mysql-root")}
      MYSQL_PASSWORD: ${{DB_PASSWORD}}
""",
        ".env": f"DB_PASSWORD={s('bks-db-password')}\n",
        "config/www/.env": f"""\
APP_KEY=base64:{s("bks-www-app-key")}
APP_URL=https://wiki.example.org
DB_DATABASE=bookstack
DB_PASSWORD="{s("bks-www-db-password")}"
MAIL_DRIVER=smtp
MAIL_HOST=smtp.example.org
MAIL_PORT=587
MAIL_PASSWORD='{s("bks-www-mail-password")}'
""",
    },
    "docmost": {
        "docker-compose.yml": f"""\
services:
  docmost:
    image: docmost/docmost:0.20.4
    env_file: docmost.env
    environment:
      APP_URL: https://docs.example.org
      APP_SECRET: {s("doc-app-secret")}
      DATABASE_URL: postgresql://docmost:{s("doc-db-url")}@db:5432/docmost?schema=public
      REDIS_URL: redis://:{s("doc-redis-url")}@redis:6379
      MAIL_DRIVER: smtp
      SMTP_HOST: smtp.example.org
      SMTP_PORT: 465
      SMTP_USERNAME: docmost@example.org
      SMTP_PASSWORD: ${{SMTP_PASSWORD}}
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: {s("doc-postgres")}
""",
        ".env": f"SMTP_PASSWORD={s('doc-smtp-password')}\n",
        "docmost.env": (
            f"POSTMARK_TOKEN={s('doc-postmark-token')}\nMAIL_FROM_ADDRESS=d@example.org\n"
        ),
    },
    "plausible": {
        "compose.yaml": f"""\
services:
  plausible:
    image: ghcr.io/plausible/community-edition:v2.1.4
    env_file: plausible-conf.env
    environment:
      - DATABASE_URL=postgres://postgres:{s("pla-db-url")}@plausible_db:5432/plausible_db
      - CLICKHOUSE_DATABASE_URL=http://ch:{s("pla-ch-url")}@plausible_events_db:8123/ev
      - SMTP_HOST_ADDR=smtp.example.org
      - SMTP_HOST_PORT=465
      - SMTP_USER_NAME=plausible
      - SMTP_USER_PWD={s("pla-smtp-pwd")}
      - SMTP_HOST_SSL_ENABLED=false
""",
        "plausible-conf.env": f"""\
BASE_URL=https://stats.example.org
SECRET_KEY_BASE={s("pla-secret-key-base")}
TOTP_VAULT_KEY={s("pla-totp")}
POSTMARK_API_KEY={s("pla-postmark")}
MAILGUN_API_KEY={s("pla-mailgun")}
MANDRILL_API_KEY={s("pla-mandrill")}
SENDGRID_API_KEY={s("pla-sendgrid")}
MAILER_EMAIL=stats@example.org
""",
    },
    "wgdashboard": {
        "compose.yaml": """\
services:
  wireguard-dashboard:
    image: donaldzou/wgdashboard:v4.2.5
    volumes:
      - ./data:/data
""",
        "data/wg-dashboard.ini": f"""\
[Server]
app_port = 10086
dashboard_api_key = {s("wgd-api-key")}

[Account]
username = admin
password = {s("wgd-account-password")}
totp_key = {s("wgd-totp-key")}

[Database]
type = postgresql
password = {s("wgd-db-password")}

[Email]
server = smtp.example.org
port = 465
encryption = STARTTLS
username = wg@example.org
email_password = {s("wgd-email-password")}
send_from = WG <wg@example.org>
""",
    },
    "listmonk": {
        "docker-compose.yml": f"""\
services:
  app:
    image: listmonk/listmonk:v4.0.0
    environment:
      LISTMONK_app__address: 0.0.0.0:9000
      LISTMONK_db__host: listmonk_db
      LISTMONK_db__password: {s("lmk-env-db-password")}
      LISTMONK_ADMIN_USER: admin
      LISTMONK_ADMIN_PASSWORD: {s("lmk-admin-password")}
    volumes:
      - ./config.toml:/listmonk/config.toml
  db:
    image: postgres:17
    environment:
      POSTGRES_PASSWORD: {s("lmk-postgres")}
""",
        "config.toml": f"""\
[app]
address = "0.0.0.0:9000"
admin_password = "{s("lmk-toml-admin")}"

[db]
host = "listmonk_db"
port = 5432
database = "listmonk"
password = "{s("lmk-toml-db-password")}"
""",
        "export/settings.json": f"""\
{{"data": {{
  "app.root_url": "https://lists.example.org",
  "app.from_email": "Lists <lists@example.org>",
  "smtp": [{{"enabled": true, "host": "smtp.example.org", "port": 465, "tls_type": "STARTTLS",
             "username": "lists", "password": "{s("lmk-export-smtp")}"}}]
}}}}
""",
    },
}

#: Error paths: files that cannot be parsed, where the bad line holds a secret.
BROKEN: dict[str, dict[str, str]] = {
    # Compose refuses the .env: an invalid template inside a secret value.
    "compose-refuses": {
        "docker-compose.yml": PROJECTS["docmost"]["docker-compose.yml"],
        ".env": f"SMTP_PASSWORD={s('err-invalid-template')}${{oops\n",
        "docmost.env": PROJECTS["docmost"]["docmost.env"],
    },
    # Laravel stops on the line: "Encountered unexpected whitespace at [MAIL_PASSWORD=...]".
    "laravel-invalid": {
        "www/.env": f"APP_KEY=x\nAPP_URL=https://w.example.org\nDB_DATABASE=b\n"
        f"MAIL_DRIVER=smtp\nMAIL_PASSWORD={s('err-laravel')} trailing words\n",
    },
    # A YAML error on a secret's line.
    "yaml-error": {
        "docker-compose.yml": f"""\
services:
  docmost:
    image: docmost/docmost:0.20.4
    environment:
      SMTP_PASSWORD: "{s("err-yaml")}
      APP_SECRET: x
""",
    },
    # An invalid template in a secret's default: Compose's message quotes the template.
    "invalid-default": {
        "docker-compose.yml": f"""\
services:
  docmost:
    image: docmost/docmost:0.20.4
    environment:
      SMTP_PASSWORD: ${{SMTP_PASS:-{s("err-default")}${{}}
""",
    },
}

RUNS = [
    ("check",),
    ("check", "--format", "json"),
    ("check", "--debug"),
    ("check", "--format", "json", "--debug", "--fail-level", "info"),
    ("inspect",),
    ("inspect", "--format", "json"),
    ("inspect", "--debug"),
]


def _assert_clean(text: str, where: str) -> None:
    for name, secret in SECRETS.items():
        assert secret not in text, f"secret {name} in {where}"
        for i in range(len(secret) - 4):
            assert secret[i : i + 5] not in text, f"part of secret {name} in {where}"


def _sweep(run_cli: RunCli, root: Path, *paths: str) -> list[str]:
    outputs = []
    for args in RUNS:
        outcome = run_cli(*args, *paths, cwd=root)
        assert "Traceback" not in outcome.err or "--debug" in args
        _assert_clean(outcome.out, f"stdout of {args}")
        _assert_clean(outcome.err, f"stderr of {args}")
        outputs.append(outcome.out + outcome.err)
    return outputs


@pytest.mark.parametrize("app", sorted(PROJECTS))
def test_no_secret_in_any_output(run_cli: RunCli, make_project: MakeProject, app: str) -> None:
    root = make_project(PROJECTS[app])
    outputs = _sweep(run_cli, root, ".")
    inspect_json = outputs[5]
    assert f'"app": "{app}"' in inspect_json, inspect_json


def test_secrets_of_every_app_in_one_run(run_cli: RunCli, make_project: MakeProject) -> None:
    files = {
        f"{app}/{name}": text for app, project in PROJECTS.items() for name, text in project.items()
    }
    root = make_project(files)
    _sweep(run_cli, root, ".")


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_no_secret_on_error_paths(run_cli: RunCli, make_project: MakeProject, case: str) -> None:
    root = make_project(BROKEN[case])
    outputs = _sweep(run_cli, root, ".", *(["--app", "bookstack"] if "laravel" in case else []))
    assert any("ML001" in out for out in outputs), outputs[0]


def test_no_secret_when_a_rule_crashes(
    run_cli: RunCli, make_project: MakeProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rule that raises with a secret in its message (as a buggy plugin might)."""
    original = PluginHost.rules

    def rules(self: PluginHost, app: str | None = None) -> tuple[object, ...]:
        found = original(self, app)

        def crash(ctx: object) -> list[object]:
            raise ValueError(f"bad value {SECRETS['doc-smtp-password']!r}")

        return tuple(
            r._replace(check=crash) if r.code == "DOC005" else r
            for r in found  # type: ignore[attr-defined]
        )

    monkeypatch.setattr(PluginHost, "rules", rules)
    root = make_project(PROJECTS["docmost"])
    outputs = _sweep(run_cli, root, ".")
    assert "ML003" in outputs[0], outputs[0]
