"""The Plausible CE plugin: its Transport (how each version's ``config/runtime.exs`` configures
the mailer) and its PLA rules, on the official example files and on broken deployments next
to their fixed twins."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import MakeProject, RunCli
from mail_lint.plugins.plausible.rules import RULES
from mail_lint.plugins.plausible.transport import read_bool
from twins import Twin as Case
from twins import check_twin

# -- a realistic CE deployment (compose.yml as the CE repository ships it, plus .env) -------

PASS_THROUGH = (
    "TOTP_VAULT_KEY",
    "DISABLE_REGISTRATION",
    "ENABLE_EMAIL_VERIFICATION",
    "HTTP_PORT",
    "HTTPS_PORT",
    "DATABASE_URL",
    "CLICKHOUSE_DATABASE_URL",
    "MAILER_ADAPTER",
    "MAILER_EMAIL",
    "MAILER_NAME",
    "SMTP_HOST_ADDR",
    "SMTP_HOST_PORT",
    "SMTP_USER_NAME",
    "SMTP_USER_PWD",
    "SMTP_HOST_SSL_ENABLED",
    "POSTMARK_API_KEY",
    "MAILGUN_API_KEY",
    "MAILGUN_DOMAIN",
    "MAILGUN_BASE_URI",
    "MANDRILL_API_KEY",
    "SENDGRID_API_KEY",
)
GOOD_DOTENV: dict[str, str] = {
    "BASE_URL": "https://plausible.acme-corp.net",
    "SECRET_KEY_BASE": "q7ZkV2xP9mT4rW8nB3cL6yH1jF5dS0aG2eK7uI9oP4lM8nX3",
    "HTTP_PORT": "80",
    "HTTPS_PORT": "443",
    "SMTP_HOST_ADDR": "smtp.mailgun.org",
    "SMTP_HOST_PORT": "587",
    "SMTP_USER_NAME": "plausible@mg.acme-corp.net",
    "SMTP_USER_PWD": "Hq2Lp9Xz4WvKd8",
    "MAILER_EMAIL": "plausible@mg.acme-corp.net",
    "MAILER_NAME": "Acme Analytics",
}
DROP = object()


def compose(
    image: str = "ghcr.io/plausible/community-edition:v3.2.0",
    *,
    extra_env: tuple[str, ...] = (),
    siblings: str = "",
) -> str:
    """The CE ``compose.yml`` (v2.1.3+ layout): only the listed variables are passed."""
    env = "".join(f"      - {k}\n" for k in (*PASS_THROUGH, *extra_env))
    return (
        "services:\n"
        "  plausible_db:\n"
        "    image: postgres:16-alpine\n"
        "    environment:\n"
        "      - POSTGRES_PASSWORD=postgres\n"
        "  plausible_events_db:\n"
        "    image: clickhouse/clickhouse-server:24.12-alpine\n"
        "  plausible:\n"
        f"    image: {image}\n"
        '    command: sh -c "/entrypoint.sh db createdb && /entrypoint.sh db migrate &&'
        ' /entrypoint.sh run"\n'
        "    depends_on:\n      - plausible_db\n      - plausible_events_db\n"
        "    environment:\n"
        "      - BASE_URL=${BASE_URL}\n"
        "      - SECRET_KEY_BASE=${SECRET_KEY_BASE}\n" + env + siblings
    )


def dotenv(changes: dict[str, Any] | None = None) -> str:
    values = dict(GOOD_DOTENV)
    for key, new in (changes or {}).items():
        if new is DROP:
            values.pop(key, None)
        else:
            values[key] = new
    return "".join(f"{k}={v}\n" for k, v in values.items())


def project(
    changes: dict[str, Any] | None = None,
    *,
    image: str = "ghcr.io/plausible/community-edition:v3.2.0",
    extra_env: tuple[str, ...] = (),
    siblings: str = "",
) -> dict[str, str]:
    return {
        "compose.yml": compose(image, extra_env=extra_env, siblings=siblings),
        ".env": dotenv(changes),
    }


MAIL_SERVICE = "  mail:\n    image: bytemark/smtp\n    restart: always\n"
POSTFIX_SERVICE = (
    "  mail:\n    image: boky/postfix\n    environment:\n      - RELAYHOST=smtp.mailgun.org\n"
)
GOOD = project()


def lint(run_cli: RunCli, root: Path, *args: str) -> list[dict[str, Any]]:
    """Every finding of a run except the engine's (core SMTP rules included)."""
    outcome = run_cli("--format", "json", "--fail-level", "info", *(args or (".",)), cwd=root)
    assert outcome.rc in (0, 1), outcome.err + outcome.out
    findings: list[dict[str, Any]] = json.loads(outcome.out)["findings"]
    assert not [f for f in findings if f["code"].startswith("ML")], findings
    return findings


def pla(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [f for f in found if f["code"].startswith("PLA")]


def transport(run_cli: RunCli, root: Path) -> dict[str, Any]:
    outcome = run_cli("inspect", "--format", "json", ".", cwd=root)
    assert outcome.rc == 0, outcome.err
    [instance] = json.loads(outcome.out)["instances"]
    [found] = instance["transports"]
    return {name: f["value"] for name, f in found.items() if name != "name"} | {
        "_from": {name: f["from"] for name, f in found.items() if name != "name"}
    }


# -- the official example files -----------------------------------------------------------

#: corpus compose file → (its env file, the findings expected: (code, path, line, key)).
#: Each is linted in a temporary project as the CE README sets it up: the v2.0/v2.1.0-rc
#: compose next to its ``plausible-conf.env``; the v2.1.3+ compose alone (the CE repository
#: ships no ``.env``; users create it).
CORPUS_GOLDEN: dict[str, tuple[str | None, list[tuple[str, str, int, str]]]] = {
    # SMTPAdapter (v2.0 default) to the bundled bytemark/smtp `mail` service, which has no
    # RELAY_HOST: direct delivery from that container (PLA014 at the `mail:` service). No
    # MAILER_EMAIL: hello@plausible.local (PLA009, at the plausible service; it supersedes
    # core's SMTP015). BASE_URL=replace-me: not http(s), boot crash (PLA015). The `mail`
    # service is used, so PLA013 stays quiet. SECRET_KEY_BASE=replace-me is not mail.
    "ce-v2.0.0-branch.docker-compose.yml": (
        "ce-v2.0.0-branch.plausible-conf.env",
        [
            ("PLA014", "docker-compose.yml", 3, "SMTP_HOST_ADDR"),
            ("PLA009", "docker-compose.yml", 29, "MAILER_EMAIL"),
            ("PLA015", "plausible-conf.env", 1, "BASE_URL"),
        ],
    ),
    # v2.1.0-rc.0: still SMTPAdapter by default (the Mua default came with #4538, placed at
    # v2.1.3), same findings.
    "ce-v2.1.0-branch.docker-compose.yml": (
        "ce-v2.1.0-branch.plausible-conf.env",
        [
            ("PLA014", "docker-compose.yml", 3, "SMTP_HOST_ADDR"),
            ("PLA009", "docker-compose.yml", 28, "MAILER_EMAIL"),
            ("PLA015", "plausible-conf.env", 1, "BASE_URL"),
        ],
    ),
    # No .env: BASE_URL=${BASE_URL} is empty (PLA015 at the compose line). Mua (default)
    # without SMTP_HOST_ADDR: direct delivery (PLA014 at `- SMTP_HOST_ADDR`). PLA009 is not
    # reported: without a BASE_URL host Plausible does not start anyway.
    "ce-285eb87-v2.1.3.compose.yml": (
        None,
        [
            ("PLA015", "compose.yml", 48, "BASE_URL"),
            ("PLA014", "compose.yml", 73, "SMTP_HOST_ADDR"),
        ],
    ),
    "ce-3f0adbb-v2.1.4.compose.yml": (
        None,
        [
            ("PLA015", "compose.yml", 48, "BASE_URL"),
            ("PLA014", "compose.yml", 73, "SMTP_HOST_ADDR"),
        ],
    ),
    "ce-7ba2a0e-v3.2.0.compose.yml": (
        None,
        [
            ("PLA015", "compose.yml", 59, "BASE_URL"),
            ("PLA014", "compose.yml", 84, "SMTP_HOST_ADDR"),
        ],
    ),
}


def test_golden_covers_every_corpus_file(corpus: Path) -> None:
    names = {p.name for p in (corpus / "plausible").iterdir() if p.name != "SOURCE.md"}
    listed = set(CORPUS_GOLDEN) | {env for env, _ in CORPUS_GOLDEN.values() if env}
    assert names == listed


@pytest.mark.parametrize("name", sorted(CORPUS_GOLDEN))
def test_corpus_file_golden_findings(
    corpus: Path, run_cli: RunCli, tmp_path: Path, name: str
) -> None:
    env_file, expected = CORPUS_GOLDEN[name]
    target = "docker-compose.yml" if env_file else "compose.yml"
    shutil.copyfile(corpus / "plausible" / name, tmp_path / target)
    if env_file:
        shutil.copyfile(corpus / "plausible" / env_file, tmp_path / "plausible-conf.env")
    found = lint(run_cli, tmp_path)
    assert [(f["code"], f["path"], f["line"], f["key"]) for f in found] == expected


def test_corpus_v2_1_4_with_a_working_dotenv_is_clean(
    corpus: Path, run_cli: RunCli, tmp_path: Path
) -> None:
    shutil.copyfile(
        corpus / "plausible" / "ce-3f0adbb-v2.1.4.compose.yml", tmp_path / "compose.yml"
    )
    (tmp_path / ".env").write_text(dotenv())
    assert lint(run_cli, tmp_path) == []


# -- every rule: a broken deployment and its fixed twin -----------------------------------


V2_0 = "plausible/analytics:v2.0"
V2_1_1 = "ghcr.io/plausible/community-edition:v2.1.1"
V2_1_4 = "ghcr.io/plausible/community-edition:v2.1.4"
SMTPA = {"MAILER_ADAPTER": "Bamboo.SMTPAdapter"}
V20_ENV = "BASE_URL=https://plausible.acme-corp.net\nSECRET_KEY_BASE=x\n"


def old_layout(conf: str, *, siblings: str = MAIL_SERVICE, image: str = V2_0) -> dict[str, str]:
    """The v2.0 layout: ``env_file: plausible-conf.env`` and the bundled relay."""
    text = (
        "services:\n" + siblings + "  plausible:\n"
        f"    image: {image}\n"
        "    env_file:\n      - plausible-conf.env\n"
    )
    return {"docker-compose.yml": text, "plausible-conf.env": V20_ENV + conf}


RELAY_CONF = (
    "SMTP_HOST_ADDR=smtp.mailgun.org\nSMTP_HOST_PORT=587\n"
    "SMTP_USER_NAME=plausible@mg.acme-corp.net\nSMTP_USER_PWD=Hq2Lp9Xz4WvKd8\n"
    "MAILER_EMAIL=plausible@mg.acme-corp.net\n"
)

CASES = [
    Case(
        "PLA001 lower-case adapter",
        project({"MAILER_ADAPTER": "bamboo.mua"}),
        project({"MAILER_ADAPTER": "Bamboo.Mua"}),
        "PLA001",
        ".env",
        "MAILER_ADAPTER",
        "MAILER_ADAPTER",
        ("MAILER_ADAPTER=bamboo.mua is not an adapter", "Unknown mailer_adapter", "does not start"),
    ),
    Case(
        "PLA001 Mua on v2.0",
        old_layout(RELAY_CONF + "MAILER_ADAPTER=Bamboo.Mua\n", siblings=""),
        old_layout(RELAY_CONF, siblings="", image=V2_1_4),
        "PLA001",
        "plausible-conf.env",
        "MAILER_ADAPTER",
        "MAILER_ADAPTER",
        ("Plausible v2.0 has no Mua adapter",),
        also=frozenset(),
    ),
    Case(
        "PLA002 mailgun without domain",
        project(
            {
                "MAILER_ADAPTER": "Bamboo.MailgunAdapter",
                "MAILGUN_API_KEY": "key-3ax6xnjp29jd6fds4gc373sgvjxteol0",
                **{
                    k: DROP
                    for k in ("SMTP_HOST_ADDR", "SMTP_HOST_PORT", "SMTP_USER_NAME", "SMTP_USER_PWD")
                },
            }
        ),
        project(
            {
                "MAILER_ADAPTER": "Bamboo.MailgunAdapter",
                "MAILGUN_API_KEY": "key-3ax6xnjp29jd6fds4gc373sgvjxteol0",
                "MAILGUN_DOMAIN": "mg.acme-corp.net",
                **{
                    k: DROP
                    for k in ("SMTP_HOST_ADDR", "SMTP_HOST_PORT", "SMTP_USER_NAME", "SMTP_USER_PWD")
                },
            }
        ),
        "PLA002",
        "compose.yml",
        "- MAILGUN_DOMAIN",
        "MAILGUN_DOMAIN",
        (
            "MAILER_ADAPTER=Bamboo.MailgunAdapter (.env:",
            "MAILGUN_DOMAIN is not set",
            "Failed to send e-mail",
        ),
    ),
    Case(
        "PLA003 SSL on 587",
        project({"SMTP_HOST_SSL_ENABLED": "true"}),
        project({"SMTP_HOST_SSL_ENABLED": "false"}),
        "PLA003",
        ".env",
        "SMTP_HOST_SSL_ENABLED",
        "SMTP_HOST_SSL_ENABLED",
        ("SMTP_HOST_SSL_ENABLED=true (.env:11)", "SMTP_HOST_PORT=587 (.env:6)", "handshake fails"),
    ),
    Case(
        "PLA004 no SSL on 465",
        project({"SMTP_HOST_PORT": "465", "SMTP_HOST_SSL_ENABLED": "false"}),
        project({"SMTP_HOST_PORT": "465"}),
        "PLA004",
        ".env",
        "SMTP_HOST_SSL_ENABLED",
        "SMTP_HOST_SSL_ENABLED",
        (
            "SMTP_HOST_SSL_ENABLED=false (.env:11) turns implicit TLS off",
            "SMTP_HOST_PORT=465 (.env:6)",
            "times out",
        ),
    ),
    Case(
        "PLA004 Mua before v2.1.4 cannot do 465",
        project({"SMTP_HOST_PORT": "465"}, image="ghcr.io/plausible/community-edition:v2.1.3"),
        project({"SMTP_HOST_PORT": "587"}, image="ghcr.io/plausible/community-edition:v2.1.3"),
        "PLA004",
        ".env",
        "SMTP_HOST_PORT",
        "SMTP_HOST_PORT",
        ("Mua adapter of Plausible v2.1.3 has no implicit TLS",),
    ),
    Case(
        "PLA005 invalid boolean",
        project({"SMTP_HOST_SSL_ENABLED": "ssl"}),
        project({"SMTP_HOST_SSL_ENABLED": "no"}),
        "PLA005",
        ".env",
        "SMTP_HOST_SSL_ENABLED",
        "SMTP_HOST_SSL_ENABLED",
        (
            "SMTP_HOST_SSL_ENABLED=ssl is not a boolean Plausible v3.2.0 accepts",
            "Invalid boolean value",
        ),
    ),
    Case(
        "PLA006 v2.0 drops True",
        old_layout(RELAY_CONF + "SMTP_HOST_SSL_ENABLED=True\nSMTP_HOST_PORT=2525\n", siblings=""),
        old_layout(RELAY_CONF + "SMTP_HOST_PORT=2525\n", siblings=""),
        "PLA006",
        "plausible-conf.env",
        "SMTP_HOST_SSL_ENABLED",
        "SMTP_HOST_SSL_ENABLED",
        ("SMTP_HOST_SSL_ENABLED=True is not the exact text", "silently drops it"),
        severity="warning",
    ),
    Case(
        "PLA007 port with a space (Mua)",
        project({"SMTP_HOST_PORT": "'587 '"}),
        GOOD,
        "PLA007",
        ".env",
        "SMTP_HOST_PORT",
        "SMTP_HOST_PORT",
        ("SMTP_HOST_PORT='587 ' is not an integer", "must be an integer"),
    ),
    Case(
        "PLA008 password missing",
        project({"SMTP_USER_PWD": DROP}),
        GOOD,
        "PLA008",
        ".env",
        "SMTP_USER_NAME",
        "SMTP_USER_PWD",
        ("SMTP_USER_NAME is set (.env:7) but SMTP_USER_PWD is not", "does not start"),
    ),
    Case(
        "PLA009 IP BASE_URL without MAILER_EMAIL",
        project(
            {
                "BASE_URL": "http://192.168.1.20:8000",
                "MAILER_EMAIL": DROP,
                **{k: DROP for k in ("SMTP_USER_NAME", "SMTP_USER_PWD")},
            }
        ),
        project(
            {
                "BASE_URL": "https://plausible.acme-corp.net",
                "MAILER_EMAIL": DROP,
                **{k: DROP for k in ("SMTP_USER_NAME", "SMTP_USER_PWD")},
            }
        ),
        "PLA009",
        "compose.yml",
        "- MAILER_EMAIL",
        "MAILER_EMAIL",
        ("sends from plausible@192.168.1.20", "not a mail domain"),
        severity="warning",
        also=frozenset({"PLA016"}),
    ),
    Case(
        "PLA010 display name in MAILER_EMAIL",
        project({"MAILER_EMAIL": "'Acme <plausible@mg.acme-corp.net>'"}),
        GOOD,
        "PLA010",
        ".env",
        "MAILER_EMAIL",
        "MAILER_EMAIL",
        ("is not a bare address", "MAILER_NAME"),
    ),
    Case(
        "PLA011 middlebox mode not passed",
        project({"SMTP_MIDDLEBOX_COMP_MODE": "true"}),
        project({"SMTP_MIDDLEBOX_COMP_MODE": "true"}, extra_env=("SMTP_MIDDLEBOX_COMP_MODE",)),
        "PLA011",
        ".env",
        "SMTP_MIDDLEBOX_COMP_MODE",
        "SMTP_MIDDLEBOX_COMP_MODE",
        ("set in .env (.env:11)", "does not list it", "never sees it"),
        severity="warning",
    ),
    Case(
        "PLA012 inverted MX lookups",
        old_layout(RELAY_CONF + "SMTP_MX_LOOKUPS_ENABLED=false\n", siblings=""),
        old_layout(RELAY_CONF, siblings=""),
        "PLA012",
        "plausible-conf.env",
        "SMTP_MX_LOOKUPS_ENABLED",
        "SMTP_MX_LOOKUPS_ENABLED",
        ("does the opposite of its name", "MX hosts of 'smtp.mailgun.org'"),
        severity="warning",
    ),
    Case(
        "PLA013 stale bytemark relay",
        project(siblings=MAIL_SERVICE),
        GOOD,
        "PLA013",
        "compose.yml",
        "  mail:",
        "SMTP_HOST_ADDR",
        ("service 'mail' (bytemark/smtp) is a leftover relay", "carries no mail"),
        severity="info",
    ),
    Case(
        "PLA014 Mua without relay",
        project(
            {
                k: DROP
                for k in ("SMTP_HOST_ADDR", "SMTP_HOST_PORT", "SMTP_USER_NAME", "SMTP_USER_PWD")
            }
        ),
        GOOD,
        "PLA014",
        "compose.yml",
        "- SMTP_HOST_ADDR",
        "SMTP_HOST_ADDR",
        ("SMTP_HOST_ADDR is not set", "Bamboo.Mua (v3.2.0's default adapter)", "port 25"),
        severity="warning",
    ),
    Case(
        "PLA015 BASE_URL without scheme",
        project({"BASE_URL": "plausible.acme-corp.net"}),
        GOOD,
        "PLA015",
        ".env",
        "BASE_URL",
        "BASE_URL",
        ("BASE_URL=plausible.acme-corp.net is not an http(s) URL", "does not start"),
    ),
    Case(
        "PLA016 localhost BASE_URL",
        project({"BASE_URL": "http://localhost:8000"}),
        GOOD,
        "PLA016",
        ".env",
        "BASE_URL",
        "BASE_URL",
        ("points at 'localhost'", "invitations cannot be accepted"),
        severity="warning",
    ),
    Case(
        "PLA017 SMTP_RETRIES with Mua",
        project({"SMTP_RETRIES": "5"}, extra_env=("SMTP_RETRIES",)),
        GOOD,
        "PLA017",
        ".env",
        "SMTP_RETRIES",
        "SMTP_RETRIES",
        ("only Bamboo.SMTPAdapter reads it", "no effect"),
        severity="info",
    ),
    Case(
        "PLA018 Mua relay MX lookup on v2.1.1",
        project({"MAILER_ADAPTER": "Bamboo.Mua"}, image=V2_1_1),
        project({"MAILER_ADAPTER": "Bamboo.Mua"}, image=V2_1_4),
        "PLA018",
        ".env",
        "SMTP_HOST_ADDR",
        "SMTP_HOST_ADDR",
        ("looks up the MX record", "#4343"),
        severity="warning",
    ),
    Case(
        "PLA019 login on port 25",
        project({"SMTP_HOST_PORT": "25"}),
        GOOD,
        "PLA019",
        ".env",
        "SMTP_HOST_PORT",
        "SMTP_HOST_PORT",
        ("SMTP_HOST_PORT=25 (.env:6) with a login", "587 or 465"),
        severity="warning",
    ),
    Case(
        "PLA020 SMTPAdapter to OVH",
        project(
            {
                **SMTPA,
                "SMTP_HOST_ADDR": "ssl0.ovh.net",
                "SMTP_USER_NAME": "plausible@acme-corp.net",
                "MAILER_EMAIL": "plausible@acme-corp.net",
            }
        ),
        project(
            {
                "MAILER_ADAPTER": "Bamboo.Mua",
                "SMTP_HOST_ADDR": "ssl0.ovh.net",
                "SMTP_USER_NAME": "plausible@acme-corp.net",
                "MAILER_EMAIL": "plausible@acme-corp.net",
            }
        ),
        "PLA020",
        ".env",
        "MAILER_ADAPTER",
        "MAILER_ADAPTER",
        ("MAILER_ADAPTER=Bamboo.SMTPAdapter (.env:", "TLS handshake fails"),
        severity="warning",
    ),
    Case(
        "PLA021 SMTPAdapter default host mail missing",
        project(
            {**SMTPA, **{k: DROP for k in ("SMTP_HOST_ADDR", "SMTP_USER_NAME", "SMTP_USER_PWD")}}
        ),
        project(
            {**SMTPA, **{k: DROP for k in ("SMTP_HOST_ADDR", "SMTP_USER_NAME", "SMTP_USER_PWD")}},
            siblings=POSTFIX_SERVICE,
        ),
        "PLA021",
        "compose.yml",
        "- SMTP_HOST_ADDR",
        "SMTP_HOST_ADDR",
        ("sends to the host 'mail'", "does not resolve"),
    ),
    Case(
        "PLA022 relay by container name",
        project(
            {"SMTP_HOST_ADDR": "postfix", **{k: DROP for k in ("SMTP_USER_NAME", "SMTP_USER_PWD")}}
        ),
        project(
            {
                "SMTP_HOST_ADDR": "smtp.acme-corp.net",
                **{k: DROP for k in ("SMTP_USER_NAME", "SMTP_USER_PWD")},
            }
        ),
        "PLA022",
        ".env",
        "SMTP_HOST_ADDR",
        "SMTP_HOST_ADDR",
        ("SMTP_HOST_ADDR=postfix", "certificate names this host"),
        severity="info",
    ),
    Case(
        "PLA023 sender on another domain",
        project({"MAILER_EMAIL": "analytics@acme-analytics.org"}),
        GOOD,
        "PLA023",
        ".env",
        "MAILER_EMAIL",
        "MAILER_EMAIL",
        ("MAILER_EMAIL=analytics@acme-analytics.org is not on the domain",),
        severity="warning",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_rule_fires_on_broken_and_not_on_fixed(case: Case, run_cli: RunCli, tmp_path: Path) -> None:
    check_twin(case, tmp_path, lambda root: pla(lint(run_cli, root)))


def test_every_rule_has_a_broken_case() -> None:
    assert {c.code for c in CASES} == {r.code for r in RULES}


def test_rules_are_well_formed_and_numbered() -> None:
    assert [r.problems() for r in RULES] == [[] for _ in RULES]
    assert [r.code for r in RULES] == [f"PLA{n:03d}" for n in range(1, len(RULES) + 1)]
    assert len({r.name for r in RULES}) == len(RULES)
    assert all(r.app == "plausible" for r in RULES)


def test_clean_deployment_prints_nothing(run_cli: RunCli, make_project: MakeProject) -> None:
    root = make_project(GOOD)
    outcome = run_cli(".", cwd=root)
    assert (outcome.rc, outcome.out) == (0, "")


def test_generic_port_rule_is_superseded(run_cli: RunCli, make_project: MakeProject) -> None:
    root = make_project(project({"SMTP_HOST_SSL_ENABLED": "true"}))
    codes = {f["code"] for f in lint(run_cli, root)}
    assert "PLA003" in codes and "SMTP002" not in codes


def test_secrets_stay_out_of_output(run_cli: RunCli, make_project: MakeProject) -> None:
    root = make_project(project({"SMTP_USER_NAME": DROP, "SMTP_HOST_PORT": "25"}))
    outcome = run_cli("--format", "json", "--fail-level", "info", ".", cwd=root)
    assert "Hq2Lp9Xz4WvKd8" not in outcome.out
    inspected = run_cli("inspect", "--format", "json", ".", cwd=root)
    assert "Hq2Lp9Xz4WvKd8" not in inspected.out


def test_secret_file_counts_as_set(run_cli: RunCli, make_project: MakeProject) -> None:
    files = project({"SMTP_USER_PWD": DROP})
    files["compose.override.yml"] = (
        "services:\n  plausible:\n    secrets:\n      - SMTP_USER_PWD\n"
        "secrets:\n  SMTP_USER_PWD:\n    file: ./smtp_password.txt\n"
    )
    root = make_project(files)
    assert "PLA008" not in {f["code"] for f in lint(run_cli, root)}
    assert transport(run_cli, root)["auth"] is True


# -- the Transport: each version's reading ------------------------------------------------


@pytest.mark.parametrize(
    ("text", "version", "expect"),
    [
        ("true", (2, 0), (True, False, False)),
        ("True", (2, 0), (None, False, True)),
        ("1", (2, 0), (None, False, True)),
        ("1", (2, 1, 3), (None, True, False)),
        ("TRUE", (2, 1, 4), (True, False, False)),
        ("off", (3, 2, 0), (False, False, False)),
        ("", (3, 2, 0), (None, True, False)),
    ],
)
def test_read_bool_per_version(
    text: str, version: tuple[int, ...], expect: tuple[Any, ...]
) -> None:
    got = read_bool(text, version)
    assert (got.value, got.crashes, got.dropped) == expect


@dataclass(frozen=True)
class Reading:
    id: str
    changes: dict[str, Any]
    expect: dict[str, Any]
    image: str = "ghcr.io/plausible/community-edition:v3.2.0"


NO_RELAY = {
    k: DROP for k in ("SMTP_HOST_ADDR", "SMTP_HOST_PORT", "SMTP_USER_NAME", "SMTP_USER_PWD")
}
READINGS = [
    Reading(
        "Mua relay 587 STARTTLS",
        {},
        {
            "kind": "smtp",
            "driver": "Bamboo.Mua",
            "port": 587,
            "tls": "starttls-opportunistic",
            "auth": True,
        },
    ),
    Reading(
        "Mua 465 unset SSL is implicit",
        {"SMTP_HOST_PORT": "465"},
        {"port": 465, "tls": "implicit-tls"},
    ),
    Reading(
        "Mua SSL yes",
        {"SMTP_HOST_PORT": "2525", "SMTP_HOST_SSL_ENABLED": "yes"},
        {"port": 2525, "tls": "implicit-tls"},
    ),
    Reading("Mua default port 587", {"SMTP_HOST_PORT": DROP}, {"port": 587}),
    Reading(
        "Mua before v2.1.4: port 25, no SSL",
        {"SMTP_HOST_PORT": DROP, "SMTP_HOST_SSL_ENABLED": "true"},
        {"port": 25, "tls": "starttls-opportunistic"},
        image="ghcr.io/plausible/community-edition:v2.1.3",
    ),
    Reading(
        "Mua without relay is direct",
        NO_RELAY,
        {
            "kind": "direct",
            "host": None,
            "port": 25,
            "sender": "Acme Analytics <plausible@mg.acme-corp.net>",
        },
    ),
    Reading(
        "default sender from BASE_URL",
        {**NO_RELAY, "MAILER_EMAIL": DROP, "MAILER_NAME": DROP},
        {"sender": "plausible@plausible.acme-corp.net"},
    ),
    Reading(
        "SMTPAdapter defaults",
        {**SMTPA, "SMTP_HOST_ADDR": DROP, "SMTP_HOST_PORT": DROP},
        {"kind": "smtp", "host": "mail", "port": 25, "tls": "starttls-opportunistic"},
    ),
    Reading(
        "SMTPAdapter ssl",
        {**SMTPA, "SMTP_HOST_PORT": "465", "SMTP_HOST_SSL_ENABLED": "1"},
        {"port": 465, "tls": "implicit-tls"},
    ),
    Reading(
        "v2.0 default is SMTPAdapter",
        {**NO_RELAY, "MAILER_EMAIL": DROP, "MAILER_NAME": DROP},
        {"driver": "Bamboo.SMTPAdapter", "host": "mail", "sender": "hello@plausible.local"},
        image=V2_0,
    ),
    Reading(
        "API adapter",
        {
            **NO_RELAY,
            "MAILER_ADAPTER": "Bamboo.PostmarkAdapter",
            "POSTMARK_API_KEY": "pm-7Hq2Lp9Xz4WvKd",
        },
        {"kind": "api", "host": "api.postmarkapp.com", "port": 443, "auth": True},
    ),
    Reading(
        "Mailgun EU",
        {
            **NO_RELAY,
            "MAILER_ADAPTER": "Bamboo.MailgunAdapter",
            "MAILGUN_API_KEY": "k",
            "MAILGUN_DOMAIN": "mg.acme-corp.net",
            "MAILGUN_BASE_URI": "https://api.eu.mailgun.net/v3",
        },
        {"kind": "api", "host": "api.eu.mailgun.net"},
    ),
    Reading(
        "unknown adapter: no transport to speak of",
        {"MAILER_ADAPTER": "mua"},
        {"kind": "none", "driver": "mua"},
    ),
    Reading(
        "latest assumes current",
        {"SMTP_HOST_PORT": "465"},
        {"tls": "implicit-tls"},
        image="ghcr.io/plausible/community-edition:latest",
    ),
]


@pytest.mark.parametrize("reading", READINGS, ids=[r.id for r in READINGS])
def test_transport_reads_values_as_plausible_does(
    reading: Reading, run_cli: RunCli, make_project: MakeProject
) -> None:
    root = make_project(
        project(reading.changes, image=reading.image, extra_env=("POSTMARK_API_KEY",))
    )
    found = transport(run_cli, root)
    assert {k: found[k] for k in reading.expect} == reading.expect


def test_transport_points_at_dotenv_lines(run_cli: RunCli, make_project: MakeProject) -> None:
    root = make_project(project({"SMTP_HOST_PORT": "465"}))
    found = transport(run_cli, root)
    assert found["_from"]["port"][0]["path"] == ".env"
    assert found["_from"]["port"][0]["line"] == 6
    assert found["_from"]["host"][0]["key"] == "SMTP_HOST_ADDR"


# -- PLA023: only where the provider ties the sender to the login ------------------------------

#: The benchmark corpus's false positive: the v2.x layout (``env_file: plausible-conf.env``),
#: still common on v3 installs, with Brevo's SMTP relay.
BREVO_CONF = (
    "BASE_URL=https://plausible.northwind-labs.io\n"
    "SECRET_KEY_BASE=FG9QaSlZ3gpK81Pj8zIELuVmvRqzQt8IwI4DyEYkbtjUHDTEHgnmDTRU3dTAivPX\n"
    "MAILER_EMAIL=plausible@northwind-labs.io\n"
    "SMTP_HOST_ADDR=smtp-relay.brevo.com\n"
    "SMTP_HOST_PORT=587\n"
    "SMTP_USER_NAME=8b59b1596@smtp-brevo.com\n"
    "SMTP_USER_PWD=xsmtpsib-9c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d"
    "-Qk3mZp8rT2vX7wLn\n"
)
ENV_FILE_COMPOSE = (
    "services:\n  plausible:\n    image: ghcr.io/plausible/community-edition:v3.2.0\n"
    "    env_file: plausible-conf.env\n"
)


def test_brevo_login_is_not_the_senders_domain(run_cli: RunCli, make_project: MakeProject) -> None:
    root = make_project({"compose.yml": ENV_FILE_COMPOSE, "plausible-conf.env": BREVO_CONF})
    assert lint(run_cli, root) == []


@pytest.mark.parametrize(
    "changes",
    [
        # Mailgun: the default sender plausible@<BASE_URL host> aligns with mg.<domain>.
        {"MAILER_EMAIL": DROP},
        {"MAILER_EMAIL": "plausible@acme-corp.net"},
        {"MAILER_EMAIL": "analytics@plausible.acme-corp.net"},
        # Brevo (the old Sendinblue host too), SendGrid, SES: an account login.
        {"SMTP_HOST_ADDR": "smtp-relay.brevo.com", "SMTP_USER_NAME": "8b59b1596@smtp-brevo.com"},
        {
            "SMTP_HOST_ADDR": "smtp-relay.sendinblue.com",
            "SMTP_USER_NAME": "8b59b1596@smtp-brevo.com",
        },
        {"SMTP_HOST_ADDR": "smtp.sendgrid.net", "SMTP_USER_NAME": "apikey"},
        {
            "SMTP_HOST_ADDR": "email-smtp.eu-west-1.amazonaws.com",
            "SMTP_USER_NAME": "AKIAZ3MSJV4WEXAMPLE7",
        },
    ],
    ids=[
        "mailgun default sender",
        "mailgun parent domain",
        "mailgun sibling subdomain",
        "brevo",
        "sendinblue",
        "sendgrid",
        "ses",
    ],
)
def test_sender_the_provider_accepts_is_not_reported(
    changes: dict[str, Any], run_cli: RunCli, make_project: MakeProject
) -> None:
    root = make_project(project(changes))
    codes = {f["code"] for f in lint(run_cli, root)}
    assert not codes & {"PLA023", "SMTP022"}, codes


@pytest.mark.parametrize(
    ("changes", "says", "fix"),
    [
        (
            {"MAILER_EMAIL": "analytics@acme-analytics.org"},
            "Mailgun SMTP credentials belong to that one sending domain",
            "MAILER_EMAIL=analytics@mg.acme-corp.net",
        ),
        (
            {
                "SMTP_HOST_ADDR": "smtp.gmail.com",
                "SMTP_USER_NAME": "acme.analytics@gmail.com",
                "MAILER_EMAIL": "plausible@acme-corp.net",
            },
            "Gmail / Google Workspace only sends as the mailbox that logged in and its aliases",
            "MAILER_EMAIL=acme.analytics@gmail.com",
        ),
        (
            {
                "SMTP_HOST_ADDR": "ssl0.ovh.net",
                "SMTP_USER_NAME": "plausible@acme-corp.net",
                "MAILER_EMAIL": "plausible@acme-analytics.org",
            },
            "most relays refuse or rewrite a sender the account does not own",
            "MAILER_EMAIL=plausible@acme-corp.net",
        ),
    ],
    ids=["mailgun other domain", "gmail", "unknown relay (#5346)"],
)
def test_sender_the_provider_refuses_and_its_fix(
    changes: dict[str, Any], says: str, fix: str, run_cli: RunCli, make_project: MakeProject
) -> None:
    root = make_project(project(changes))
    found = lint(run_cli, root)
    [finding] = [f for f in found if f["code"] == "PLA023"]
    assert says in finding["message"], finding["message"]
    assert finding["fix"] == fix
    assert "SMTP022" not in {f["code"] for f in found}
