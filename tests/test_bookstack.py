"""The BookStack plugin: its Transport (how BookStack builds its mailer, version by version)
and its BKS rules, on the official example files and on broken deployments next to their
fixed twins."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import MakeProject, RunCli
from mail_lint.plugins.bookstack.rules import RULES
from mail_lint.plugins.bookstack.transport import laravel_env, php_port, verify_enabled
from twins import Twin as Case
from twins import check_twin

# -- a realistic deployment -------------------------------------------------------------

LSIO = "lscr.io/linuxserver/bookstack:v24.10.3-ls180"
SOLIDNERD = "solidnerd/bookstack:26.5.1"

#: The BookStack service's environment of a working deployment (list form, in order).
GOOD_ENV: dict[str, str] = {
    "PUID": "1000",
    "PGID": "1000",
    "APP_URL": "https://wiki.kesslerbau.de",
    "APP_KEY": "${APP_KEY}",
    "DB_HOST": "db",
    "DB_PORT": "3306",
    "DB_USERNAME": "bookstack",
    "DB_PASSWORD": "${DB_PASSWORD}",
    "DB_DATABASE": "bookstack",
    "MAIL_DRIVER": "smtp",
    "MAIL_HOST": "smtp.kesslerbau.de",
    "MAIL_PORT": "587",
    "MAIL_ENCRYPTION": "tls",
    "MAIL_USERNAME": "wiki@kesslerbau.de",
    "MAIL_PASSWORD": "${MAIL_PASSWORD}",
    "MAIL_FROM": "wiki@kesslerbau.de",
    "MAIL_FROM_NAME": "Kessler Wiki",
}
GOOD_DOTENV = """\
APP_KEY=base64:Zq8pLm2vXr4tZq8pLm2vXr4tZq8pLm2vXr4tZq8pLm0=
DB_PASSWORD=Hv3nQ8rTz1Lp
MAIL_PASSWORD=Mx7kP2wQz9Rt
"""
DB = """\
  db:
    image: lscr.io/linuxserver/mariadb:11.4.5
    environment:
      - MYSQL_DATABASE=bookstack
      - MYSQL_USER=bookstack
      - MYSQL_PASSWORD=${DB_PASSWORD}
"""
DROP = object()


def compose(
    changes: dict[str, Any] | None = None,
    *,
    image: str = LSIO,
    volumes: tuple[str, ...] = ("./bookstack_config:/config",),
    extra: str = "",
    service_extra: str = "",
) -> str:
    """The deployment's ``docker-compose.yml``; ``changes`` replaces values (``DROP``
    removes a key, a new key is appended)."""
    env = dict(GOOD_ENV)
    for key, new in (changes or {}).items():
        if new is DROP:
            env.pop(key, None)
        else:
            env[key] = new
    lines = "".join(f"      - {k}={v}\n" for k, v in env.items())
    mounts = "".join(f"      - {m}\n" for m in volumes)
    return (
        "services:\n"
        "  bookstack:\n"
        f"    image: {image}\n"
        f"{service_extra}"
        "    environment:\n"
        f"{lines}" + (f"    volumes:\n{mounts}" if mounts else "") + "    ports:\n      - 6875:80\n"
        "    depends_on:\n      - db\n" + DB + extra
    )


def project(
    changes: dict[str, Any] | None = None, dotenv: str = GOOD_DOTENV, **kw: Any
) -> dict[str, str]:
    return {"docker-compose.yml": compose(changes, **kw), ".env": dotenv}


def lint(run_cli: RunCli, root: Path, *args: str) -> list[dict[str, Any]]:
    """The BKS findings of a run (core's generic rules are tested elsewhere)."""
    outcome = run_cli("--format", "json", *args, cwd=root)
    assert outcome.rc in (0, 1), outcome.err + outcome.out
    findings: list[dict[str, Any]] = json.loads(outcome.out)["findings"]
    return [f for f in findings if f["code"].startswith("BKS")]


def transport(run_cli: RunCli, root: Path, *args: str) -> dict[str, Any]:
    """The one transport ``inspect --format json`` shows, each field as its value."""
    outcome = run_cli("inspect", "--format", "json", *(args or (".",)), cwd=root)
    assert outcome.rc == 0, outcome.err
    [instance] = [i for i in json.loads(outcome.out)["instances"] if i["app"] == "bookstack"]
    [found] = instance["transports"]
    return {name: f["value"] for name, f in found.items() if name != "name"} | {
        "_from": {name: f["from"] for name, f in found.items() if name != "name"},
        "_version": instance["version"],
    }


# -- the official example files -----------------------------------------------------------

#: corpus file -> the BKS findings expected: (code, line, key).
CORPUS_GOLDEN: dict[str, list[tuple[str, int, str]]] = {
    # Dev compose (a local build, detected by its keys): APP_URL on localhost; MAIL_FROM unset
    # so the default bookstack@example.com is sent. MAIL_HOST=mailhog:1025 is a mail catcher
    # (core's SMTP013 judges catchers); no certificate warning for it.
    "bookstack-dev.docker-compose.yml": [("BKS009", 23, "APP_URL"), ("BKS006", 31, "MAIL_FROM")],
    # The README compose: no MAIL_* at all, so the copied .env.example's localhost:587 is
    # live (BKS017; core's SMTP007 says localhost is the container). APP_URL= is empty.
    # `QUEUE_CONNECTION= #optional` is empty in YAML: no queue, nothing to report.
    "linuxserver.docker-compose.yml": [("BKS017", 3, "MAIL_HOST"), ("BKS008", 10, "APP_URL")],
    # Not a compose file (readme-vars data): core's ML001; no BookStack instance.
    "linuxserver-readme-vars.yml": [],
    # No MAIL_*: the code default smtp.mailgun.org; APP_URL on localhost.
    "solidnerd.docker-compose.yml": [("BKS017", 12, "MAIL_HOST"), ("BKS009", 26, "APP_URL")],
    "solidnerd.docker-compose.test.yml": [
        ("BKS017", 17, "MAIL_HOST"),
        ("BKS009", 22, "APP_URL"),
    ],
    # Template: APP_URL example.com, MAIL_FROM placeholder, MAIL_HOST=localhost with STARTTLS
    # and verification on (#4234). MAIL_USERNAME=null / MAIL_PASSWORD=null are PHP null (no
    # login), not placeholders. APP_KEY=SomeRandomString is not a mail setting.
    "bookstack.env.example": [
        ("BKS009", 21, "APP_URL"),
        ("BKS006", 35, "MAIL_FROM"),
        ("BKS015", 42, "MAIL_HOST"),
    ],
    # Same mail block; QUEUE_CONNECTION=sync sends inline; MAIL_VERIFY_SSL=true is default.
    "bookstack.env.example.complete": [
        ("BKS009", 27, "APP_URL"),
        ("BKS006", 75, "MAIL_FROM"),
        ("BKS015", 78, "MAIL_HOST"),
    ],
    # Docs blocks (fragments: nothing missing is reported). The trailing spaces after
    # MAIL_FROM are trimmed by phpdotenv. MAIL_ENCRYPTION=tls on 587 is right (STARTTLS
    # required). smtp.provider.tld / onlyifneeded are core's placeholder rule (SMTP014).
    "bookstack-docs-smtp.env": [("BKS006", 23, "MAIL_FROM")],
    "bookstack-docs-sendmail.env": [("BKS006", 4, "MAIL_FROM")],
    # One line, MAIL_VERIFY_SSL=false: core's SMTP005 reports verification turned off.
    "bookstack-docs-verify-ssl.env": [],
}


def test_golden_covers_every_corpus_file(corpus: Path) -> None:
    names = {p.name for p in (corpus / "bookstack").iterdir() if p.name != "SOURCE.md"}
    assert names == set(CORPUS_GOLDEN)


@pytest.mark.parametrize("name", sorted(CORPUS_GOLDEN))
def test_corpus_file_golden_findings(corpus: Path, run_cli: RunCli, name: str) -> None:
    path = corpus / "bookstack" / name
    args = ("-f", str(path)) if name.endswith(".yml") else (str(path),)
    found = lint(run_cli, corpus, *args)
    assert [(f["code"], f["line"], f["key"]) for f in found] == CORPUS_GOLDEN[name]


def test_corpus_env_example_is_detected_as_bookstack(corpus: Path, run_cli: RunCli) -> None:
    found = transport(run_cli, corpus, str(corpus / "bookstack" / "bookstack.env.example"))
    assert (found["host"], found["port"], found["tls"]) == (
        "localhost",
        587,
        "starttls-opportunistic",
    )
    assert (found["username"], found["auth"]) == (None, False)


def test_unquoted_space_makes_the_whole_dotenv_invalid(
    run_cli: RunCli, make_project: MakeProject
) -> None:
    """An unquoted space is not a BKS rule: Laravel refuses the whole file, and core reports
    it as ML001 at the line (BookStack stops with "The environment file is invalid!")."""
    root = make_project(
        {"bookstack.env": "APP_KEY=x\nDB_DATABASE=bookstack\nMAIL_FROM_NAME=Kessler Wiki\n"}
    )
    outcome = run_cli("--format", "json", "--app", "bookstack", "bookstack.env", cwd=root)
    [finding] = json.loads(outcome.out)["findings"]
    assert (finding["code"], finding["line"], finding["key"]) == ("ML001", 3, "MAIL_FROM_NAME")
    assert "The environment file is invalid!" in finding["message"]


# -- every rule: a broken deployment and its fixed twin -----------------------------------


GOOD = project()
#: A local build of BookStack v21.11 (detected by its keys; SwiftMailer era).
CUSTOM_OLD = "registry.kesslerbau.de/bookstack:v21.11"
WORKER = """\
  bookstack-queue:
    extends: bookstack
    entrypoint: ["php", "artisan", "queue:work", "--sleep=3", "--tries=3"]
"""
SOLID_ENV = {"PUID": DROP, "PGID": DROP, "QUEUE_CONNECTION": "database"}
APP_DOTENV = "bookstack_config/www/.env"
MOUNTED_BASE = "APP_KEY=base64:abc\nDB_DATABASE=bookstack\n"

CASES = [
    Case(
        "BKS001 solidnerd queue without worker (#4915)",
        project(SOLID_ENV, image=SOLIDNERD, volumes=("uploads:/var/www/bookstack/public/uploads",)),
        project(
            SOLID_ENV,
            image=SOLIDNERD,
            volumes=("uploads:/var/www/bookstack/public/uploads",),
            extra=WORKER,
        ),
        "BKS001",
        "docker-compose.yml",
        "QUEUE_CONNECTION=",
        "QUEUE_CONNECTION",
        ("QUEUE_CONNECTION=database queues every invitation", "runs only Apache", "Test Email"),
    ),
    Case(
        "BKS002 linuxserver queue only in /config/www/.env",
        {**GOOD, APP_DOTENV: MOUNTED_BASE + "QUEUE_CONNECTION=database\n"},
        {**project({"QUEUE_CONNECTION": "database"}), APP_DOTENV: MOUNTED_BASE},
        "BKS002",
        APP_DOTENV,
        3,
        "QUEUE_CONNECTION",
        ("set only in BookStack's .env", "container environment"),
    ),
    Case(
        "BKS003 Laravel names MAIL_MAILER / MAIL_FROM_ADDRESS",
        project({"MAIL_FROM": DROP, "MAIL_FROM_ADDRESS": "wiki@kesslerbau.de"}),
        GOOD,
        "BKS003",
        "docker-compose.yml",
        "MAIL_FROM_ADDRESS=",
        "MAIL_FROM_ADDRESS",
        ("never reads MAIL_FROM_ADDRESS", "it reads MAIL_FROM", "bookstack@example.com"),
        severity="warning",
        also=frozenset({"BKS006"}),
    ),
    Case(
        "BKS004 mailgun is not a BookStack mailer",
        project({"MAIL_DRIVER": "mailgun"}),
        GOOD,
        "BKS004",
        "docker-compose.yml",
        "MAIL_DRIVER=",
        "MAIL_DRIVER",
        ("MAIL_DRIVER=mailgun is not a BookStack mailer", "'Mailer [mailgun] is not defined.'"),
    ),
    Case(
        "BKS004 upper-case SMTP",
        project({"MAIL_DRIVER": "SMTP"}),
        GOOD,
        "BKS004",
        "docker-compose.yml",
        "MAIL_DRIVER=",
        "MAIL_DRIVER",
        ("case-sensitive: 'smtp'",),
    ),
    Case(
        "BKS005 log driver",
        project({"MAIL_DRIVER": "log"}),
        GOOD,
        "BKS005",
        "docker-compose.yml",
        "MAIL_DRIVER=",
        "MAIL_DRIVER",
        ("MAIL_DRIVER=log", "delivers no mail"),
        severity="warning",
    ),
    Case(
        "BKS006 placeholder sender",
        project({"MAIL_FROM": "noreply@yourdomain.tld"}),
        GOOD,
        "BKS006",
        "docker-compose.yml",
        "MAIL_FROM=",
        "MAIL_FROM",
        ("MAIL_FROM=noreply@yourdomain.tld is an example address", "not owned by user"),
        severity="warning",
    ),
    Case(
        "BKS007 MAIL_* only in the project .env (#4937, linuxserver#271)",
        project(
            {k: DROP for k in GOOD_ENV if k.startswith("MAIL_")},
            GOOD_DOTENV + "MAIL_HOST=smtp.kesslerbau.de\nMAIL_PORT=587\n",
        ),
        {
            "docker-compose.yml": compose(
                {k: DROP for k in GOOD_ENV if k.startswith("MAIL_")},
                service_extra="    env_file: .env\n",
            ),
            ".env": GOOD_DOTENV.replace("MAIL_PASSWORD", "MAIL_PASSWORD")
            + "MAIL_HOST=smtp.kesslerbau.de\nMAIL_PORT=587\nMAIL_USERNAME=wiki@kesslerbau.de\n"
            "MAIL_FROM=wiki@kesslerbau.de\n",
        },
        "BKS007",
        ".env",
        3,
        "MAIL_PASSWORD",
        ("MAIL_PASSWORD, MAIL_HOST, MAIL_PORT are set only in the Compose project .env",),
        also=frozenset({"BKS017"}),
    ),
    Case(
        "BKS008 APP_URL without scheme",
        project({"APP_URL": "wiki.kesslerbau.de"}),
        GOOD,
        "BKS008",
        "docker-compose.yml",
        "APP_URL=",
        "APP_URL",
        ("APP_URL=wiki.kesslerbau.de has no http:// or https:// scheme", "not clickable"),
        severity="warning",
    ),
    Case(
        "BKS009 APP_URL on localhost",
        project({"APP_URL": "http://localhost:6875"}),
        GOOD,
        "BKS009",
        "docker-compose.yml",
        "APP_URL=",
        "APP_URL",
        ("points at localhost", "reader's own machine"),
        severity="warning",
    ),
    Case(
        "BKS010 # in the password of /config/www/.env (#2910)",
        {
            **project({"MAIL_PASSWORD": DROP}),
            APP_DOTENV: MOUNTED_BASE + "MAIL_PASSWORD=Xy7#Tq9!kWz3\n",
        },
        {
            **project({"MAIL_PASSWORD": DROP}),
            APP_DOTENV: MOUNTED_BASE + 'MAIL_PASSWORD="Xy7#Tq9!kWz3"\n',
        },
        "BKS010",
        APP_DOTENV,
        3,
        "MAIL_PASSWORD",
        ("unquoted '#' starts a comment", "BookStack reads (3 chars) instead of the"),
    ),
    Case(
        "BKS011 port 2465",
        project({"MAIL_PORT": "2465", "MAIL_ENCRYPTION": "ssl"}),
        project({"MAIL_PORT": "465", "MAIL_ENCRYPTION": "ssl"}),
        "BKS011",
        "docker-compose.yml",
        "MAIL_PORT=",
        "MAIL_PORT",
        ("MAIL_PORT=2465 is an implicit-TLS port", "only on port 465"),
    ),
    Case(
        "BKS012 MAIL_ENCRYPTION=TLS",
        project({"MAIL_ENCRYPTION": "TLS"}),
        GOOD,
        "BKS012",
        "docker-compose.yml",
        "MAIL_ENCRYPTION=",
        "MAIL_ENCRYPTION",
        ("MAIL_ENCRYPTION=TLS has no effect", "lower-case 'tls'"),
        severity="warning",
    ),
    Case(
        "BKS013 ssl on 587",
        project({"MAIL_ENCRYPTION": "ssl"}),
        GOOD,
        "BKS013",
        "docker-compose.yml",
        "MAIL_ENCRYPTION=",
        "MAIL_ENCRYPTION",
        ("MAIL_ENCRYPTION=ssl does not mean implicit TLS", "only requires STARTTLS"),
        severity="info",
    ),
    Case(
        "BKS014 v23.06 forces implicit TLS on 587 (#4358)",
        project(image="lscr.io/linuxserver/bookstack:v23.06-ls90"),
        project(image="lscr.io/linuxserver/bookstack:v23.06.1-ls91"),
        "BKS014",
        "docker-compose.yml",
        "MAIL_ENCRYPTION=",
        "MAIL_ENCRYPTION",
        ("BookStack v23.06 forces implicit TLS", "port 587"),
    ),
    Case(
        "BKS014 SwiftMailer: default tls on 465 (#3116)",
        project({"MAIL_PORT": "465", "MAIL_ENCRYPTION": DROP}, image=CUSTOM_OLD),
        project({"MAIL_PORT": "465", "MAIL_ENCRYPTION": "ssl"}, image=CUSTOM_OLD),
        "BKS014",
        "docker-compose.yml",
        "MAIL_PORT=",
        "MAIL_ENCRYPTION",
        ("MAIL_ENCRYPTION (not set: 'tls') on port 465", "SwiftMailer", "220"),
    ),
    Case(
        "BKS015 relay on the Docker host (#4234)",
        project({"MAIL_HOST": "host.docker.internal", "MAIL_ENCRYPTION": DROP}),
        project(
            {
                "MAIL_HOST": "host.docker.internal",
                "MAIL_ENCRYPTION": DROP,
                "MAIL_VERIFY_SSL": "false",
            }
        ),
        "BKS015",
        "docker-compose.yml",
        "MAIL_HOST=",
        "MAIL_HOST",
        ("MAIL_HOST=host.docker.internal", "MAIL_VERIFY_SSL=false"),
        severity="warning",
    ),
    Case(
        "BKS016 MAIL_VERIFY_SSL before v23.05",
        project(
            {"MAIL_VERIFY_SSL": "true"}, image="lscr.io/linuxserver/bookstack:version-v23.01.1"
        ),
        project(image="lscr.io/linuxserver/bookstack:version-v23.01.1"),
        "BKS016",
        "docker-compose.yml",
        "MAIL_VERIFY_SSL=",
        "MAIL_VERIFY_SSL",
        ("does not read MAIL_VERIFY_SSL (added in v23.05)",),
        severity="warning",
    ),
    Case(
        "BKS017 no MAIL_HOST, linuxserver's example localhost",
        project({"MAIL_HOST": DROP}),
        GOOD,
        "BKS017",
        "docker-compose.yml",
        "  bookstack:",
        "MAIL_HOST",
        ("no MAIL_HOST", "localhost:587", ".env.example the image copies"),
        severity="warning",
    ),
    Case(
        "BKS018 .env mounted into solidnerd",
        {
            **project(
                {"PUID": DROP, "PGID": DROP, "MAIL_HOST": DROP},
                image=SOLIDNERD,
                volumes=("./bookstack.env:/var/www/bookstack/.env",),
            ),
            "bookstack.env": "MAIL_HOST=smtp.kesslerbau.de\n",
        },
        {
            **project(
                {"PUID": DROP, "PGID": DROP, "MAIL_HOST": DROP},
                image=SOLIDNERD,
                volumes=(),
                service_extra="    env_file: bookstack.env\n",
            ),
            "bookstack.env": "MAIL_HOST=smtp.kesslerbau.de\n",
        },
        "BKS018",
        "bookstack.env",
        1,
        "MAIL_HOST",
        ("moves this .env to .env.bak", "none of its 1 settings take effect"),
        also=frozenset({"BKS017"}),
    ),
    Case(
        "BKS019 empty MAIL_PORT",
        project({"MAIL_PORT": ""}),
        GOOD,
        "BKS019",
        "docker-compose.yml",
        "MAIL_PORT=",
        "MAIL_PORT",
        ("MAIL_PORT= is not a port number", "TypeError"),
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
    assert [r.code for r in RULES] == [f"BKS{n:03d}" for n in range(1, len(RULES) + 1)]
    assert len({r.name for r in RULES}) == len(RULES)
    assert all(r.app == "bookstack" for r in RULES)


def test_clean_deployment_prints_nothing(run_cli: RunCli, make_project: MakeProject) -> None:
    root = make_project(GOOD)
    outcome = run_cli(".", cwd=root)
    assert (outcome.rc, outcome.out) == (0, "")


def test_sibling_worker_counts_for_linuxserver_dotenv_queue(
    run_cli: RunCli, make_project: MakeProject
) -> None:
    worker = WORKER.replace('["php", "artisan"', '["php", "/app/www/artisan"')
    root = make_project(
        {**project(extra=worker), APP_DOTENV: MOUNTED_BASE + "QUEUE_CONNECTION=redis\n"}
    )
    assert lint(run_cli, root, ".") == []


def test_linuxserver_queue_in_environment_starts_its_worker(
    run_cli: RunCli, make_project: MakeProject
) -> None:
    root = make_project(project({"QUEUE_CONNECTION": "database"}))
    assert lint(run_cli, root, ".") == []


def test_secrets_stay_out_of_messages(run_cli: RunCli, make_project: MakeProject) -> None:
    root = make_project(
        {
            **project({"MAIL_PASSWORD": DROP}),
            APP_DOTENV: MOUNTED_BASE + "MAIL_PASSWORD=Xy7#Tq9!kWz3\n",
        }
    )
    outcome = run_cli("--format", "json", "--fail-level", "info", ".", cwd=root)
    assert "Xy7" not in outcome.out and "kWz3" not in outcome.out
    assert "BKS010" in {f["code"] for f in json.loads(outcome.out)["findings"]}


# -- the Transport: BookStack's reading of each value --------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("null", None),
        ("(NULL)", None),
        ("True", True),
        ("(false)", False),
        ("empty", ""),
        ('"Kessler Wiki"', "Kessler Wiki"),
        ("'tls'", "tls"),
        ("tls", "tls"),
    ],
)
def test_laravel_env(text: str, value: object) -> None:
    assert laravel_env(text) == value


def test_php_values() -> None:
    assert [php_port(t) for t in ("587", " 465 ", "", "smtp", None)] == [587, 465, -1, -1, None]
    assert [verify_enabled(v) for v in (None, "", True, False, "yes", "0", "no", "off")] == [
        True,
        True,
        True,
        False,
        True,
        False,
        False,
        False,
    ]


@dataclass(frozen=True)
class Reading:
    """A service environment and the transport fields BookStack ends up with."""

    id: str
    env: dict[str, Any]
    expect: dict[str, Any]
    image: str = LSIO


READINGS = [
    Reading(
        "587 with tls requires STARTTLS",
        {},
        {"kind": "smtp", "port": 587, "tls": "starttls-required", "verify_certificate": True},
    ),
    Reading(
        "null: opportunistic STARTTLS",
        {"MAIL_ENCRYPTION": "null"},
        {"tls": "starttls-opportunistic"},
    ),
    Reading(
        "TLS upper-case is not required",
        {"MAIL_ENCRYPTION": "TLS"},
        {"tls": "starttls-opportunistic"},
    ),
    Reading(
        "465 is implicit", {"MAIL_PORT": "465", "MAIL_ENCRYPTION": DROP}, {"tls": "implicit-tls"}
    ),
    Reading("ssl on 587 is STARTTLS", {"MAIL_ENCRYPTION": "ssl"}, {"tls": "starttls-required"}),
    Reading(
        "quoted list values are unquoted",
        {"MAIL_PORT": '"465"', "MAIL_HOST": "'smtp.kesslerbau.de'"},
        {"port": 465, "tls": "implicit-tls", "host": "smtp.kesslerbau.de"},
    ),
    Reading(
        "MAIL_VERIFY_SSL=false",
        {"MAIL_VERIFY_SSL": "false"},
        {"verify_certificate": False},
    ),
    Reading(
        "MAIL_VERIFY_SSL before v23.05 is ignored",
        {"MAIL_VERIFY_SSL": "false"},
        {"verify_certificate": True},
        image="lscr.io/linuxserver/bookstack:v23.01.1-ls60",
    ),
    Reading(
        "v23.06 forces implicit TLS",
        {},
        {"port": 587, "tls": "implicit-tls", "_version": "23.6"},
        image="solidnerd/bookstack:23.6",
    ),
    Reading(
        "v23.02-v23.05 ignore MAIL_ENCRYPTION",
        {},
        {"tls": "starttls-opportunistic"},
        image="solidnerd/bookstack:23.5.2",
    ),
    Reading(
        "SwiftMailer: absent encryption is tls",
        {"MAIL_ENCRYPTION": DROP},
        {"tls": "starttls-required", "_version": "21.11"},
        image=CUSTOM_OLD,
    ),
    Reading(
        "old images write MAIL_ENCRYPTION=null: plaintext under SwiftMailer",
        {"MAIL_ENCRYPTION": DROP},
        {"tls": "plaintext"},
        image="solidnerd/bookstack:22.11",
    ),
    Reading(
        "SwiftMailer: SSL is implicit on any port",
        {"MAIL_ENCRYPTION": "SSL"},
        {"tls": "implicit-tls"},
        image="solidnerd/bookstack:22.11",
    ),
    Reading(
        "SwiftMailer: null is plaintext",
        {"MAIL_ENCRYPTION": "null"},
        {"tls": "plaintext", "verify_certificate": None},
        image="solidnerd/bookstack:22.11",
    ),
    Reading(
        "linuxserver without MAIL_*: the copied .env.example",
        {k: DROP for k in GOOD_ENV if k.startswith("MAIL_")},
        {
            "host": "localhost",
            "port": 587,
            "auth": False,
            "sender": "BookStack <bookstack@example.com>",
        },
    ),
    Reading(
        "solidnerd without MAIL_*: code defaults",
        {k: DROP for k in GOOD_ENV if k.startswith("MAIL_")},
        {"host": "smtp.mailgun.org", "port": 587, "tls": "starttls-opportunistic"},
        image=SOLIDNERD,
    ),
    Reading(
        "old solidnerd wrote localhost:1025",
        {k: DROP for k in GOOD_ENV if k.startswith("MAIL_")},
        {"host": "localhost", "port": 1025, "sender": "BookStack <mail@bookstackapp.com>"},
        image="solidnerd/bookstack:23.5.2",
    ),
    Reading(
        "MAIL_USERNAME=null: no login",
        {"MAIL_USERNAME": "null"},
        {"username": None, "auth": False},
    ),
    Reading("sendmail", {"MAIL_DRIVER": "sendmail"}, {"kind": "sendmail", "host": None}),
    Reading("log sends nothing", {"MAIL_DRIVER": "log"}, {"kind": "none", "driver": "log"}),
    Reading("failover is SMTP first", {"MAIL_DRIVER": "failover"}, {"kind": "smtp"}),
    Reading("MAIL_MAILER is not read", {"MAIL_MAILER": "log"}, {"kind": "smtp", "driver": "smtp"}),
]


@pytest.mark.parametrize("reading", READINGS, ids=[r.id for r in READINGS])
def test_transport_reads_values_as_bookstack_does(
    reading: Reading, run_cli: RunCli, make_project: MakeProject
) -> None:
    root = make_project(project(reading.env, image=reading.image, volumes=()))
    found = transport(run_cli, root)
    assert {k: found[k] for k in reading.expect} == reading.expect


def test_container_environment_wins_over_app_dotenv(
    run_cli: RunCli, make_project: MakeProject
) -> None:
    root = make_project(
        {
            **project({"MAIL_PASSWORD": DROP}),
            APP_DOTENV: MOUNTED_BASE
            + "MAIL_HOST=ignored.kesslerbau.de\nMAIL_PASSWORD=from-file-pw1\n",
        }
    )
    found = transport(run_cli, root)
    assert found["host"] == "smtp.kesslerbau.de"
    assert found["_from"]["password"][0]["path"] == APP_DOTENV
    assert found["_from"]["host"][0]["path"] == "docker-compose.yml"
    assert "from-file-pw1" not in json.dumps(found)


def test_transport_points_at_the_lines_it_was_read_from(
    run_cli: RunCli, make_project: MakeProject
) -> None:
    root = make_project(project({"MAIL_PORT": "${MAIL_PORT}"}, GOOD_DOTENV + "MAIL_PORT=465\n"))
    found = transport(run_cli, root)
    assert (found["port"], found["tls"]) == (465, "implicit-tls")
    assert found["_from"]["port"][0] | {"column": 0} == {
        "key": "MAIL_PORT",
        "path": ".env",
        "line": 4,
        "column": 0,
    }
    assert "Mx7kP2wQz9Rt" not in json.dumps(found)


def test_quoted_list_form_value_is_harmless_for_laravel(
    run_cli: RunCli, make_project: MakeProject
) -> None:
    """Laravel's Env strips matching outer quotes, so core's SMTP018 does not apply."""
    root = make_project(project({"MAIL_FROM_NAME": '"Kessler Wiki"'}))
    text = (root / "docker-compose.yml").read_text()
    assert '- MAIL_FROM_NAME="Kessler Wiki"' in text
    outcome = run_cli(".", cwd=root)
    assert (outcome.rc, outcome.out) == (0, "")
