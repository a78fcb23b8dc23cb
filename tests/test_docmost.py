"""The Docmost plugin: its Transport (how Docmost 0.95 configures nodemailer) and its DOC rules,
on the official example files and on broken deployments next to their fixed twins."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import MakeProject, RunCli
from mail_lint.plugins.docmost.rules import RULES
from mail_lint.plugins.docmost.transport import js_parse_int
from twins import Twin as Case
from twins import check_twin

# -- a realistic deployment -------------------------------------------------------------

#: The Docmost service's environment of a working deployment (mapping form, in order).
GOOD_ENV: dict[str, str] = {
    "APP_URL": '"https://docs.example.org"',
    "APP_SECRET": "${APP_SECRET:?set APP_SECRET in .env}",
    "DATABASE_URL": '"postgresql://docmost:${POSTGRES_PASSWORD}@db:5432/docmost"',
    "REDIS_URL": '"redis://redis:6379"',
    "MAIL_DRIVER": "smtp",
    "SMTP_HOST": "smtp.mailgun.org",
    "SMTP_PORT": "${SMTP_PORT:-587}",
    "SMTP_SECURE": '"${SMTP_SECURE:-false}"',
    "SMTP_USERNAME": "docmost@mg.example.org",
    "SMTP_PASSWORD": "${SMTP_PASSWORD}",
    "MAIL_FROM_ADDRESS": "docmost@example.org",
    "MAIL_FROM_NAME": "Example Docs",
}
GOOD_DOTENV = """\
APP_SECRET=4f9c2e7d1b8a6f3e0c5d9b2a7e4f1c8d6b3a0e9f
POSTGRES_PASSWORD=Zq8pLm2vXr4t
SMTP_PASSWORD=mg-key-7Hq2Lp9Xz4Wv
"""
SIBLINGS = """\

  db:
    image: postgres:18
    environment:
      POSTGRES_DB: docmost
      POSTGRES_USER: docmost
      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}
    volumes:
      - db_data:/var/lib/postgresql

  redis:
    image: redis:8
    command: ["redis-server", "--appendonly", "yes", "--maxmemory-policy", "noeviction"]
    volumes:
      - redis_data:/data

volumes:
  docmost:
  db_data:
  redis_data:
"""
DROP = object()


def compose(
    changes: dict[str, Any] | None = None,
    *,
    image: str = "docmost/docmost:0.95.0",
    volumes: tuple[str, ...] = (),
    siblings: str = SIBLINGS,
    env_lines: list[str] | None = None,
) -> str:
    """The deployment's ``docker-compose.yml``; ``changes`` replaces values (``DROP``
    removes a key, a new key is appended); ``env_lines`` replaces the block verbatim."""
    env = dict(GOOD_ENV)
    for key, new in (changes or {}).items():
        if new is DROP:
            env.pop(key, None)
        else:
            env[key] = new
    lines = env_lines if env_lines is not None else [f"      {k}: {v}" for k, v in env.items()]
    mounts = "".join(f"      - {m}\n" for m in ("docmost:/app/data/storage", *volumes))
    return (
        "services:\n"
        "  docmost:\n"
        f"    image: {image}\n"
        "    depends_on:\n      - db\n      - redis\n"
        "    environment:\n" + "\n".join(lines) + "\n"
        '    ports:\n      - "3000:3000"\n'
        "    restart: unless-stopped\n"
        f"    volumes:\n{mounts}" + siblings
    )


def lint(run_cli: RunCli, root: Path, *args: str) -> list[dict[str, Any]]:
    """The DOC findings of a run (core's generic SMTP rules are tested elsewhere)."""
    outcome = run_cli("--format", "json", *args, cwd=root)
    assert outcome.rc in (0, 1), outcome.err + outcome.out
    findings: list[dict[str, Any]] = json.loads(outcome.out)["findings"]
    assert not [f for f in findings if f["code"].startswith("ML")], findings
    return [f for f in findings if f["code"].startswith("DOC")]


def transport(run_cli: RunCli, root: Path, *args: str) -> dict[str, Any]:
    """The one transport ``inspect --format json`` shows, each field as its value."""
    outcome = run_cli("inspect", "--format", "json", *(args or (".",)), cwd=root)
    assert outcome.rc == 0, outcome.err
    [instance] = json.loads(outcome.out)["instances"]
    [found] = instance["transports"]
    return {name: f["value"] for name, f in found.items() if name != "name"} | {
        "_from": {name: f["from"] for name, f in found.items() if name != "name"}
    }


# -- the official example files -----------------------------------------------------------

#: corpus file -> the DOC findings expected: (code, line, key).
CORPUS_GOLDEN: dict[str, list[tuple[str, int, str]]] = {
    # No mail keys at all (mail is dropped by the log driver); APP_URL left at localhost.
    # REDIS_URL redis://redis:6379 names the project's redis service: nothing to report.
    # APP_SECRET 'REPLACE_WITH_LONG_SECRET' fails Docmost's validation too, but it is not
    # a mail setting.
    "docmost.docker-compose.yml": [("DOC002", 2, "MAIL_DRIVER"), ("DOC015", 8, "APP_URL")],
    "docmost-docs-installation.docker-compose.yml": [
        ("DOC002", 2, "MAIL_DRIVER"),
        ("DOC015", 8, "APP_URL"),
    ],
    "docmost.docker-compose.pre-2025-09.yml": [
        ("DOC002", 4, "MAIL_DRIVER"),
        ("DOC015", 10, "APP_URL"),
    ],
    # Template with blanks. SMTP_HOST= empty makes nodemailer connect to localhost: that is
    # core's container-local-host rule on the Transport (host 'localhost'), not a DOC rule.
    # SMTP_PORT= and SMTP_SECURE= empty are Docmost's defaults (587, false): not reported.
    # SMTP_USERNAME/SMTP_PASSWORD both empty: no login, consistently (not half-set).
    # hello@example.com is a placeholder sender: core's placeholder rule. No REDIS_URL or
    # APP_URL: a fragment (no DATABASE_URL), so missing keys are not reported.
    "docmost-docs-smtp.env": [],
    "docmost-docs-postmark.env": [("DOC018", 2, "POSTMARK_TOKEN")],
    # For a bare-metal run: REDIS_URL=redis://127.0.0.1:6379 is right outside a container,
    # so it is not reported for a standalone file (it is when mounted into a service).
    # SMTP_HOST=127.0.0.1 (container-local host) is core's rule; DOC019 is the Docmost side:
    # STARTTLS to an IP with no way to skip certificate checks.
    "docmost.env.example": [("DOC015", 2, "APP_URL"), ("DOC019", 38, "SMTP_HOST")],
}


def test_golden_covers_every_corpus_file(corpus: Path) -> None:
    names = {p.name for p in (corpus / "docmost").iterdir() if p.name != "SOURCE.md"}
    assert names == set(CORPUS_GOLDEN)


@pytest.mark.parametrize("name", sorted(CORPUS_GOLDEN))
def test_corpus_file_golden_findings(corpus: Path, run_cli: RunCli, name: str) -> None:
    path = corpus / "docmost" / name
    args = ("-f", str(path)) if name.endswith(".yml") else (str(path),)
    found = lint(run_cli, corpus, *args)
    assert [(f["code"], f["line"], f["key"]) for f in found] == CORPUS_GOLDEN[name]


def test_corpus_env_example_mounted_into_a_service_reports_local_redis(
    corpus: Path, run_cli: RunCli, make_project: MakeProject
) -> None:
    text = (corpus / "docmost" / "docmost.env.example").read_text()
    root = make_project(
        {
            "docker-compose.yml": compose(
                env_lines=["      NODE_ENV: production"], volumes=("./.env.docmost:/app/.env",)
            ),
            ".env.docmost": text,
            ".env": GOOD_DOTENV,
        }
    )
    found = {(f["code"], f["path"], f["line"]) for f in lint(run_cli, root, ".")}
    assert ("DOC012", ".env.docmost", 11) in found


# -- every rule: a broken deployment and its fixed twin -----------------------------------


def project(changes: dict[str, Any] | None = None, dotenv: str = GOOD_DOTENV, **kw: Any) -> dict:
    return {"docker-compose.yml": compose(changes, **kw), ".env": dotenv}


GOOD = project()


def renamed_redis(changes: dict[str, Any] | None = None) -> dict[str, str]:
    """The deployment with its Redis service called ``cache``."""
    files = project(changes)
    text = files["docker-compose.yml"].replace("  redis:\n    image", "  cache:\n    image")
    return {**files, "docker-compose.yml": text.replace("      - redis\n", "      - cache\n")}


RELAY = {
    "SMTP_HOST": "host.docker.internal",
    "SMTP_PORT": "25",
    "SMTP_USERNAME": DROP,
    "SMTP_PASSWORD": DROP,
}

CASES = [
    Case(
        "DOC001 smtp settings without MAIL_DRIVER",
        project({"MAIL_DRIVER": DROP}),
        GOOD,
        "DOC001",
        "docker-compose.yml",
        "SMTP_HOST:",
        "MAIL_DRIVER",
        ("SMTP_HOST is set but MAIL_DRIVER is not", "log driver", "drops every mail"),
    ),
    Case(
        "DOC002 no mail configuration",
        project({k: DROP for k in GOOD_ENV if k.startswith(("SMTP_", "MAIL_"))}),
        GOOD,
        "DOC002",
        "docker-compose.yml",
        "  docmost:",
        "MAIL_DRIVER",
        ("no mail configuration", "drops every invitation"),
        severity="warning",
    ),
    Case(
        "DOC003 upper-case driver",
        project({"MAIL_DRIVER": "SMTP"}),
        GOOD,
        "DOC003",
        "docker-compose.yml",
        "MAIL_DRIVER:",
        "MAIL_DRIVER",
        ("MAIL_DRIVER=SMTP must be lower-case 'smtp'", "server exits"),
    ),
    Case(
        "DOC003 log driver from .env",
        project({"MAIL_DRIVER": "${MAIL_DRIVER}"}, GOOD_DOTENV + "MAIL_DRIVER=log\n"),
        project({"MAIL_DRIVER": "${MAIL_DRIVER}"}, GOOD_DOTENV + "MAIL_DRIVER=smtp\n"),
        "DOC003",
        ".env",
        4,
        "MAIL_DRIVER",
        ("MAIL_DRIVER=log is not accepted", "only used when MAIL_DRIVER is unset"),
    ),
    Case(
        "DOC003 empty driver",
        project({"MAIL_DRIVER": '""'}),
        GOOD,
        "DOC003",
        "docker-compose.yml",
        "MAIL_DRIVER:",
        "MAIL_DRIVER",
        ("MAIL_DRIVER is empty", "server exits"),
    ),
    Case(
        "DOC004 SMTP_SECURE=TLS on 587",
        project(dotenv=GOOD_DOTENV + "SMTP_SECURE=TLS\n"),
        project(dotenv=GOOD_DOTENV + "SMTP_SECURE=false\n"),
        "DOC004",
        ".env",
        4,
        "SMTP_SECURE",
        ("SMTP_SECURE=TLS is read as false", "only for the text 'true'"),
        severity="warning",
    ),
    Case(
        "DOC005 465 without SMTP_SECURE",
        project(dotenv=GOOD_DOTENV + "SMTP_PORT=465\n"),
        project(dotenv=GOOD_DOTENV + "SMTP_PORT=465\nSMTP_SECURE=true\n"),
        "DOC005",
        ".env",
        4,
        "SMTP_PORT",
        (
            "SMTP_PORT=465 (.env:4) is the implicit-TLS port",
            "SMTP_SECURE=false (docker-compose.yml:",
            "'Greeting never received' (ETIMEDOUT)",
        ),
    ),
    Case(
        "DOC006 SMTP_SECURE=true on 587",
        project(dotenv=GOOD_DOTENV + "SMTP_SECURE=true\n"),
        project(dotenv=GOOD_DOTENV + "SMTP_SECURE=true\nSMTP_PORT=465\n"),
        "DOC006",
        ".env",
        4,
        "SMTP_SECURE",
        (
            "SMTP_SECURE=true (.env:4) starts TLS at once",
            "SMTP_PORT=587 (docker-compose.yml:",
            "'wrong version number' (ESOCKET)",
        ),
    ),
    Case(
        "DOC007 quotes kept by the list form",
        project(
            env_lines=[
                "      - APP_URL=https://docs.example.org",
                "      - APP_SECRET=${APP_SECRET}",
                "      - DATABASE_URL=postgresql://docmost:${POSTGRES_PASSWORD}@db/docmost",
                "      - REDIS_URL=redis://redis:6379",
                "      - MAIL_DRIVER=smtp",
                "      - SMTP_HOST=smtp.mailgun.org",
                '      - SMTP_PORT="465"',
                "      - SMTP_SECURE=true",
                "      - SMTP_USERNAME=docmost@mg.example.org",
                "      - SMTP_PASSWORD=${SMTP_PASSWORD}",
                "      - MAIL_FROM_ADDRESS=docmost@example.org",
            ]
        ),
        project(
            env_lines=[
                "      - APP_URL=https://docs.example.org",
                "      - APP_SECRET=${APP_SECRET}",
                "      - DATABASE_URL=postgresql://docmost:${POSTGRES_PASSWORD}@db/docmost",
                "      - REDIS_URL=redis://redis:6379",
                "      - MAIL_DRIVER=smtp",
                "      - SMTP_HOST=smtp.mailgun.org",
                "      - SMTP_PORT=465",
                "      - SMTP_SECURE=true",
                "      - SMTP_USERNAME=docmost@mg.example.org",
                "      - SMTP_PASSWORD=${SMTP_PASSWORD}",
                "      - MAIL_FROM_ADDRESS=docmost@example.org",
            ]
        ),
        "DOC007",
        "docker-compose.yml",
        "SMTP_PORT=",
        "SMTP_PORT",
        # SMTP_SECURE=true with a NaN port gives 465 by luck: only the quotes are reported.
        ("Compose keeps the quotes", "parseInt() gives NaN", "587"),
    ),
    Case(
        "DOC008 port name instead of number",
        project({"SMTP_PORT": "submission"}),
        GOOD,
        "DOC008",
        "docker-compose.yml",
        "SMTP_PORT:",
        "SMTP_PORT",
        ("SMTP_PORT=submission is not a plain port number", "NaN", "nodemailer uses 587"),
        severity="warning",
    ),
    Case(
        "DOC009 password variable not defined",
        project(dotenv=GOOD_DOTENV.replace("SMTP_PASSWORD=", "SMTP_PASS=")),
        GOOD,
        "DOC009",
        "docker-compose.yml",
        "SMTP_PASSWORD:",
        "SMTP_PASSWORD",
        (
            "SMTP_USERNAME is set (docker-compose.yml:",
            "SMTP_PASSWORD is empty (${SMTP_PASSWORD} is not defined)",
            "without logging in",
        ),
        severity="warning",
    ),
    Case(
        "DOC010 no MAIL_FROM_ADDRESS",
        project({"MAIL_FROM_ADDRESS": DROP}),
        GOOD,
        "DOC010",
        "docker-compose.yml",
        "MAIL_DRIVER:",
        "MAIL_FROM_ADDRESS",
        ("MAIL_FROM_ADDRESS is not set", "'Example Docs <undefined>'"),
    ),
    Case(
        "DOC011 SMTP_FROM_EMAIL (#205)",
        project({"MAIL_FROM_ADDRESS": DROP, "SMTP_FROM_EMAIL": "docmost@example.org"}),
        GOOD,
        "DOC011",
        "docker-compose.yml",
        "SMTP_FROM_EMAIL:",
        "SMTP_FROM_EMAIL",
        ("Docmost never reads SMTP_FROM_EMAIL", "probably meant MAIL_FROM_ADDRESS"),
        severity="warning",
        also=frozenset({"DOC010"}),
    ),
    Case(
        "DOC011 SMTP_IGNORE_TLS",
        project({**RELAY, "SMTP_IGNORE_TLS": '"true"'}),
        project({**RELAY, "SMTP_IGNORETLS": '"true"'}),
        "DOC011",
        "docker-compose.yml",
        "SMTP_IGNORE_TLS:",
        "SMTP_IGNORE_TLS",
        ("probably meant SMTP_IGNORETLS",),
        severity="warning",
        also=frozenset({"DOC019"}),
    ),
    Case(
        "DOC011 SMTP_IGNORETLS before v0.4.0",
        project({**RELAY, "SMTP_IGNORETLS": '"true"'}, image="docmost/docmost:0.3.1"),
        project({**RELAY, "SMTP_IGNORETLS": '"true"'}, image="docmost/docmost:0.4.0"),
        "DOC011",
        "docker-compose.yml",
        "SMTP_IGNORETLS:",
        "SMTP_IGNORETLS",
        ("Docmost 0.3.1 does not read SMTP_IGNORETLS", "read since v0.4.0"),
        severity="warning",
        also=frozenset({"DOC019"}),
    ),
    Case(
        "DOC011 misspelt key",
        project({"SMTP_PASSWORD": DROP, "SMTP_PASWORD": "${SMTP_PASSWORD}"}),
        GOOD,
        "DOC011",
        "docker-compose.yml",
        "SMTP_PASWORD:",
        "SMTP_PASWORD",
        ("Docmost never reads SMTP_PASWORD: it probably meant SMTP_PASSWORD",),
        severity="warning",
        also=frozenset({"DOC009"}),
    ),
    Case(
        "DOC012 Redis on localhost in the container",
        project({"REDIS_URL": "redis://127.0.0.1:6379"}),
        GOOD,
        "DOC012",
        "docker-compose.yml",
        "REDIS_URL:",
        "REDIS_URL",
        ("REDIS_URL points at 127.0.0.1", "the container itself", "no invitation"),
    ),
    Case(
        "DOC012 no REDIS_URL",
        project({"REDIS_URL": DROP}),
        GOOD,
        "DOC012",
        "docker-compose.yml",
        "  docmost:",
        "REDIS_URL",
        ("REDIS_URL is not set", "server exits"),
    ),
    Case(
        "DOC013 Redis service renamed",
        renamed_redis(),
        renamed_redis({"REDIS_URL": "redis://cache:6379"}),
        "DOC013",
        "docker-compose.yml",
        "REDIS_URL:",
        "REDIS_URL",
        ("host 'redis'", "no service of this Compose project"),
        severity="warning",
    ),
    Case(
        "DOC014 APP_URL without scheme (#76)",
        project({"APP_URL": "docs.example.org"}),
        GOOD,
        "DOC014",
        "docker-compose.yml",
        "APP_URL:",
        "APP_URL",
        ("APP_URL=docs.example.org has no http:// or https:// scheme", "ERR_INVALID_URL"),
    ),
    Case(
        "DOC014 APP_URL without scheme before v0.9.0",
        project({"APP_URL": "docs.example.org"}, image="docmost/docmost:0.8.4"),
        project(image="docmost/docmost:0.8.4"),
        "DOC014",
        "docker-compose.yml",
        "APP_URL:",
        "APP_URL",
        ("links in mails have no scheme and are not clickable",),
    ),
    Case(
        "DOC015 APP_URL left at localhost",
        project({"APP_URL": "'http://localhost:3000'"}),
        GOOD,
        "DOC015",
        "docker-compose.yml",
        "APP_URL:",
        "APP_URL",
        ("APP_URL=http://localhost:3000 points at localhost", "reader's own machine"),
        severity="warning",
    ),
    Case(
        "DOC016 APP_URL with a path",
        project({"APP_URL": "https://example.org/wiki/"}),
        project({"APP_URL": "https://wiki.example.org"}),
        "DOC016",
        "docker-compose.yml",
        "APP_URL:",
        "APP_URL",
        ("keeps only its origin (https://example.org)", "'/wiki/' is dropped"),
        severity="warning",
    ),
    Case(
        "DOC017 dollar in the mounted /app/.env",
        {
            **project({"SMTP_PASSWORD": DROP}, volumes=("./docmost.env:/app/.env:ro",)),
            "docmost.env": "# Docmost mail secret\nSMTP_PASSWORD='Xy7$Tq9!kWz3'\n",
        },
        {
            **project({"SMTP_PASSWORD": DROP}, volumes=("./docmost.env:/app/.env:ro",)),
            "docmost.env": "# Docmost mail secret\nSMTP_PASSWORD=Xy7\\$Tq9!kWz3\n",
        },
        "DOC017",
        "docmost.env",
        2,
        "SMTP_PASSWORD",
        (
            "dotenv-expand reads $Tq9 in SMTP_PASSWORD",
            "Docmost gets (8 chars) instead of the",
            "escape each literal $ as \\$",
        ),
        severity="warning",
    ),
    Case(
        "DOC018 Postmark without token",
        project({"MAIL_DRIVER": "postmark", "POSTMARK_TOKEN": "${POSTMARK_TOKEN}"}),
        project(
            {"MAIL_DRIVER": "postmark", "POSTMARK_TOKEN": "${POSTMARK_TOKEN}"},
            GOOD_DOTENV + "POSTMARK_TOKEN=6f0e1a2b-3c4d-5e6f-7a8b-9c0d1e2f3a4b\n",
        ),
        "DOC018",
        "docker-compose.yml",
        "POSTMARK_TOKEN:",
        "POSTMARK_TOKEN",
        ("MAIL_DRIVER=postmark (docker-compose.yml:", "POSTMARK_TOKEN is empty"),
    ),
    Case(
        "DOC019 STARTTLS to a relay on the Docker host (#1262)",
        project(RELAY),
        project({**RELAY, "SMTP_IGNORETLS": '"true"'}),
        "DOC019",
        "docker-compose.yml",
        "SMTP_HOST:",
        "SMTP_HOST",
        ("SMTP_HOST=host.docker.internal", "no option to skip the check", "SMTP_IGNORETLS=true"),
        severity="info",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_broken_project_reports_and_fixed_twin_is_clean(
    case: Case, run_cli: RunCli, tmp_path: Path
) -> None:
    check_twin(case, tmp_path, lambda root: lint(run_cli, root, "."))


def test_every_rule_has_a_broken_case() -> None:
    assert {c.code for c in CASES} == {r.code for r in RULES}


def test_rules_are_well_formed_and_numbered() -> None:
    assert [r.problems() for r in RULES] == [[] for _ in RULES]
    assert [r.code for r in RULES] == [f"DOC{n:03d}" for n in range(1, len(RULES) + 1)]
    assert len({r.name for r in RULES}) == len(RULES)
    assert all(r.app == "docmost" for r in RULES)


def test_clean_deployment_prints_nothing(run_cli: RunCli, make_project: MakeProject) -> None:
    root = make_project(GOOD)
    outcome = run_cli(".", cwd=root)
    assert (outcome.rc, outcome.out) == (0, "")


def test_secrets_stay_out_of_messages(run_cli: RunCli, make_project: MakeProject) -> None:
    root = make_project(
        {
            **project(
                {"SMTP_PASSWORD": DROP, "POSTMARK_TOKEN": "'\"tok-7Hq2Lp9Xz4Wv\"'"},
                volumes=("./docmost.env:/app/.env",),
            ),
            "docmost.env": "SMTP_PASSWORD=pa$word-Secret99\n",
        }
    )
    outcome = run_cli("--format", "json", "--fail-level", "info", ".", cwd=root)
    assert "pa$word" not in outcome.out and "Secret99" not in outcome.out
    assert "7Hq2Lp9Xz4Wv" not in outcome.out
    codes = {f["code"] for f in json.loads(outcome.out)["findings"]}
    assert {"DOC007", "DOC017"} <= codes


# -- the Transport: Docmost's reading of each value ---------------------------------------


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        (None, None),
        ("", None),
        ("587", 587),
        (" 465 ", 465),
        ("587abc", 587),
        ('"465"', None),
        ("0x24b", 587),
        ("-1", -1),
        ("smtp", None),
        ("+25", 25),
    ],
)
def test_js_parse_int(text: str | None, parsed: int | None) -> None:
    assert js_parse_int(text) == parsed


@dataclass(frozen=True)
class Reading:
    """A service environment and the transport fields Docmost ends up with."""

    id: str
    env: dict[str, str]
    expect: dict[str, Any]
    image: str = "docmost/docmost:0.95.0"


BASE = {"MAIL_DRIVER": "smtp", "SMTP_HOST": "smtp.example.org", "REDIS_URL": "redis://redis:6379"}
READINGS = [
    Reading(
        "587 default STARTTLS",
        {**BASE, "SMTP_PORT": "587"},
        {"kind": "smtp", "port": 587, "tls": "starttls-opportunistic", "verify_certificate": True},
    ),
    Reading(
        "True is true (#742)",
        {**BASE, "SMTP_PORT": "465", "SMTP_SECURE": "True"},
        {"port": 465, "tls": "implicit-tls"},
    ),
    Reading(
        "TLS is false (#898): plaintext to 465",
        {**BASE, "SMTP_PORT": "465", "SMTP_SECURE": "TLS"},
        {"port": 465, "tls": "starttls-opportunistic"},
    ),
    Reading("no port, not secure", BASE, {"port": 587, "tls": "starttls-opportunistic"}),
    Reading(
        "no port, secure", {**BASE, "SMTP_SECURE": "true"}, {"port": 465, "tls": "implicit-tls"}
    ),
    Reading(
        "port NaN falls back",
        {**BASE, "SMTP_PORT": "smtp", "SMTP_SECURE": "true"},
        {"port": 465, "tls": "implicit-tls"},
    ),
    Reading(
        "quoted list values",
        {**BASE, "SMTP_PORT": "'\"465\"'", "SMTP_SECURE": "'\"true\"'"},
        {"port": 587, "tls": "starttls-opportunistic"},
    ),
    Reading(
        "SMTP_IGNORETLS any case",
        {**BASE, "SMTP_PORT": "25", "SMTP_IGNORETLS": "TRUE"},
        {"port": 25, "tls": "plaintext", "verify_certificate": None},
    ),
    Reading(
        "secure wins over ignoretls",
        {**BASE, "SMTP_PORT": "465", "SMTP_SECURE": "true", "SMTP_IGNORETLS": "true"},
        {"tls": "implicit-tls"},
    ),
    Reading(
        "SMTP_IGNORETLS not read before v0.4.0",
        {**BASE, "SMTP_PORT": "25", "SMTP_IGNORETLS": "true"},
        {"tls": "starttls-opportunistic"},
        image="docmost/docmost:0.3.1",
    ),
    Reading(
        "before v0.2.7 nodemailer's 465 default applies",
        {**BASE, "SMTP_PORT": "465", "SMTP_SECURE": "false"},
        {"tls": "implicit-tls", "auth": True},
        image="docmost/docmost:0.2.5",
    ),
    Reading(
        "auth only with both",
        {**BASE, "SMTP_USERNAME": "docmost@example.org"},
        {"auth": False, "username": "docmost@example.org", "password": None},
    ),
    Reading(
        "auth with both",
        {**BASE, "SMTP_USERNAME": "u@example.org", "SMTP_PASSWORD": "s3cr3t-s3cr3t"},
        {"auth": True, "password": "**** (13 chars)"},
    ),
    Reading(
        "no host is localhost",
        {"MAIL_DRIVER": "smtp", "SMTP_HOST": '""'},
        {"host": "localhost", "port": 587},
    ),
    Reading(
        "sender without address",
        BASE,
        {"sender": "Docmost <undefined>"},
    ),
    Reading(
        "sender with name and address",
        {**BASE, "MAIL_FROM_NAME": "Acme Docs", "MAIL_FROM_ADDRESS": "docs@acme.example"},
        {"sender": "Acme Docs <docs@acme.example>"},
    ),
    Reading(
        "no driver is the log driver",
        {"SMTP_HOST": "smtp.example.org"},
        {"kind": "none", "driver": "log", "host": None},
    ),
    Reading(
        "invalid driver: Docmost does not start",
        {"MAIL_DRIVER": "SMTP", "SMTP_HOST": "smtp.example.org"},
        {"kind": "none", "driver": "SMTP", "host": None},
    ),
    Reading(
        "postmark is an API",
        {"MAIL_DRIVER": "postmark", "POSTMARK_TOKEN": "tok-7Hq2Lp9Xz4Wv"},
        {"kind": "api", "driver": "postmark", "host": "api.postmarkapp.com", "auth": True},
    ),
]


def _yaml(text: str) -> str:
    """A YAML scalar for ``text``; a value that starts with a quote is written as is."""
    return text if text.startswith(("'", '"')) else json.dumps(text)


@pytest.mark.parametrize("reading", READINGS, ids=[r.id for r in READINGS])
def test_transport_reads_values_as_docmost_does(
    reading: Reading, run_cli: RunCli, make_project: MakeProject
) -> None:
    lines = [f"      {k}: {_yaml(v)}" for k, v in reading.env.items()]
    root = make_project({"docker-compose.yml": compose(image=reading.image, env_lines=lines)})
    found = transport(run_cli, root)
    assert {k: found[k] for k in reading.expect} == reading.expect


def test_transport_points_at_the_lines_it_was_read_from(
    run_cli: RunCli, make_project: MakeProject
) -> None:
    root = make_project(project(dotenv=GOOD_DOTENV + "SMTP_PORT=465\nSMTP_SECURE=true\n"))
    found = transport(run_cli, root)
    assert (found["port"], found["tls"]) == (465, "implicit-tls")
    assert found["_from"]["port"] == [{"key": "SMTP_PORT", "path": ".env", "line": 4, "column": 11}]
    assert found["_from"]["tls"][0]["path"] == ".env"
    assert "mg-key" not in json.dumps(found)


def test_container_environment_wins_over_app_dotenv(
    run_cli: RunCli, make_project: MakeProject
) -> None:
    root = make_project(
        {
            **project({"SMTP_PASSWORD": DROP}, volumes=("./docmost.env:/app/.env",)),
            "docmost.env": "SMTP_HOST=ignored.example.org\nSMTP_PASSWORD=from-file-pw1\n",
        }
    )
    found = transport(run_cli, root)
    assert found["host"] == "smtp.mailgun.org"
    assert found["auth"] is True
    assert found["_from"]["password"][0]["path"] == "docmost.env"
