"""The Listmonk plugin: detection, its interpretation of the settings export per version, and
its ``LMK`` rules, as a user sees them (``mail-lint --format json``, ``inspect --format json``).

Facts: ``shared/reference/apps-plausible-listmonk.md`` Part B.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from conftest import MakeProject, RunCli
from mail_lint.plugins.listmonk.rules import RULES

MASK = "\u2022" * 8
EXPORT = "listmonk-settings.json"
_SERVER: dict[str, Any] = {
    "name": "",
    "uuid": "5f1c2d3e-0000-4000-8000-000000000001",
    "enabled": True,
    "host": "smtp.example.org",
    "hello_hostname": "",
    "port": 587,
    "auth_protocol": "login",
    "username": "news@example.org",
    "password": MASK,
    "email_headers": [],
    "max_conns": 10,
    "max_msg_retries": 2,
    "msg_retry_delay": "10ms",
    "idle_timeout": "15s",
    "wait_timeout": "5s",
    "tls_type": "STARTTLS",
    "tls_skip_verify": False,
    "from_addresses": [],
}
_APP: dict[str, Any] = {
    "app.root_url": "https://lists.example.org",
    "app.from_email": "News <news@example.org>",
    "app.send_optin_confirmation": True,
    "app.show_optin_page": True,
    "privacy.unsubscribe_header": True,
}


def server(**changes: Any) -> dict[str, Any]:
    """A working SMTP block (587, STARTTLS, login); ``None`` drops a field."""
    merged = {**_SERVER, **changes}
    return {k: v for k, v in merged.items() if v is not None}


def export(*servers: dict[str, Any], envelope: bool = True, **app: Any) -> str:
    """A ``GET /api/settings`` response, one key per line (``app`` keys use ``_`` for ``.``:
    ``app_root_url=...``)."""
    settings = {**_APP, **{k.replace("_", ".", 1): v for k, v in app.items()}}
    settings = {k: v for k, v in settings.items() if v is not None}
    settings["smtp"] = list(servers) if servers else [server()]
    return json.dumps({"data": settings} if envelope else settings, indent=2, ensure_ascii=False)


def files(*servers: dict[str, Any], **app: Any) -> dict[str, str]:
    return {EXPORT: export(*servers, **app)}


def compose(
    tag: str = "v5.1.0",
    command: str = "./listmonk --install --idempotent --yes --config '' && ./listmonk --config ''",
    env: tuple[str, ...] = (),
) -> dict[str, str]:
    """A compose file: service line 2, image 3, command 4, environment items from line 7."""
    text = (
        f"services:\n  app:\n    image: listmonk/listmonk:{tag}\n"
        f'    command: [sh, -c, "{command}"]\n'
        "    environment:\n      LISTMONK_app__address: 0.0.0.0:9000\n"
    )
    text += "".join(f"      {item}\n" for item in env)
    return {"compose.yaml": text}


def findings(run_cli: RunCli, root: Path, *args: str) -> list[dict[str, Any]]:
    outcome = run_cli("--format", "json", *(args or (".",)), cwd=root)
    assert outcome.rc in (0, 1), outcome.err + outcome.out
    assert "S3cret" not in outcome.out + outcome.err
    found: list[dict[str, Any]] = json.loads(outcome.out)["findings"]
    return found


def lmk(found: list[dict[str, Any]], keep_masked: bool = False) -> list[dict[str, Any]]:
    """The ``LMK`` findings; ``LMK020`` (every real export's masked passwords) only on
    request."""
    return [
        f for f in found if f["code"].startswith("LMK") and (keep_masked or f["code"] != "LMK020")
    ]


def line_of(text: str, needle: str, after: str = "") -> int:
    """The 1-based line of the first ``needle`` (after the first ``after``)."""
    start = text.index(after) if after else 0
    return text[: text.index(needle, start)].count("\n") + 1


def instances(run_cli: RunCli, root: Path, *args: str) -> list[dict[str, Any]]:
    outcome = run_cli("inspect", "--format", "json", *(args or (".",)), cwd=root)
    assert outcome.rc == 0, outcome.err + outcome.out
    assert "S3cret" not in outcome.out
    found: list[dict[str, Any]] = json.loads(outcome.out)["instances"]
    return found


# ------------------------------------------------------------------------- the rule table


def test_rules_are_well_formed_and_explicit() -> None:
    codes = [r.code for r in RULES]
    assert len(set(codes)) == len(codes) == 22
    assert sorted(codes) == [f"LMK{n:03d}" for n in range(1, 23)]
    for rule in RULES:
        assert rule.problems() == [], rule.code
        assert rule.app == "listmonk"
        refs = rule.doc.split("## References", 1)[1]
        assert "listmonk" in refs or "smtppool" in refs, rule.code


@dataclass(frozen=True)
class Case:
    """A broken project, its fixed twin, and what the user sees for the broken one."""

    code: str
    broken: dict[str, str]
    fixed: dict[str, str]
    #: (file, text on the reported line, text before it to skip to).
    where: tuple[str, str, str]
    says: tuple[str, ...]
    also: frozenset[str] = field(default_factory=frozenset)


CASES = {
    "opt-in confirmation off": Case(
        "LMK001",
        files(app_send_optin_confirmation=False),
        files(),
        (EXPORT, '"app.send_optin_confirmation": false', ""),
        ("app.send_optin_confirmation is false", "stay unconfirmed", "#1995"),
    ),
    "TLS on 587 (#779)": Case(
        "LMK002",
        files(server(host="in-v3.mailjet.com", tls_type="TLS")),
        files(server(host="in-v3.mailjet.com", tls_type="TLS", port=465)),
        (EXPORT, '"tls_type": "TLS"', ""),
        (
            "smtp[0] (in-v3.mailjet.com)",
            "tls_type 'TLS' (listmonk-settings.json:25)",
            "port 587 (listmonk-settings.json:15)",
            "first record does not look like a TLS handshake",
            "port 465 with TLS",
        ),
    ),
    "STARTTLS on 465": Case(
        "LMK002",
        files(server(port=465)),
        files(server(port=465, tls_type="TLS")),
        (EXPORT, '"tls_type": "STARTTLS"', ""),
        ("port 465 expects TLS from the first byte", "times out", "Set tls_type to TLS"),
    ),
    "none on 465": Case(
        "LMK002",
        files(server(port=465, tls_type="none", auth_protocol="cram")),
        files(server(port=465, tls_type="TLS", auth_protocol="cram")),
        (EXPORT, '"tls_type": "none"', ""),
        ("tls_type 'none'", "port 465"),
    ),
    "lower-case starttls on current listmonk": Case(
        "LMK003",
        files(server(tls_type="starttls")),
        files(server(tls_type="STARTTLS")),
        (EXPORT, '"tls_type": "starttls"', ""),
        (
            "'starttls' (listmonk-settings.json:25)",
            "case-sensitive",
            "sends in plaintext for any value",
        ),
    ),
    "PLAIN auth without TLS": Case(
        "LMK004",
        files(server(auth_protocol="plain", tls_type="none")),
        files(server(auth_protocol="plain", tls_type="STARTTLS")),
        (EXPORT, '"auth_protocol": "plain"', ""),
        ("auth_protocol 'plain'", "tls_type 'none'", "unencrypted connection"),
    ),
    "no enabled server": Case(
        "LMK005",
        files(server(enabled=False)),
        files(server()),
        (EXPORT, '"enabled": false', ""),
        ("No SMTP server is enabled", "enabled false (listmonk-settings.json:12)"),
    ),
    "placeholder server from the install": Case(
        "LMK006",
        files(server(host="smtp.yoursite.com", port=25, auth_protocol="cram", username="u@x.org")),
        files(server(host="smtp.yoursite.com", enabled=False), server(host="smtp.example.org")),
        (EXPORT, '"host": "smtp.yoursite.com"', ""),
        ("smtp[0] is enabled with the install placeholder host 'smtp.yoursite.com'",),
    ),
    "root_url default": Case(
        "LMK007",
        files(app_root_url="http://localhost:9000"),
        files(app_root_url="https://lists.example.org"),
        (EXPORT, '"app.root_url"', ""),
        ("'http://localhost:9000' is the install default", "cannot confirm or unsubscribe"),
    ),
    "root_url on loopback": Case(
        "LMK007",
        files(app_root_url="http://127.0.0.1:9000/"),
        files(app_root_url="https://lists.example.org/"),
        (EXPORT, '"app.root_url"', ""),
        ("'127.0.0.1', the subscriber's own machine",),
    ),
    "from_email placeholder": Case(
        "LMK008",
        files(app_from_email="listmonk <noreply@listmonk.yoursite.com>"),
        files(),
        (EXPORT, '"app.from_email"', ""),
        ("is the install placeholder", "From of opt-in confirmations"),
    ),
    "--install without --idempotent (#1618)": Case(
        "LMK009",
        compose(command="yes | ./listmonk --install --config '' && ./listmonk --config ''"),
        compose(),
        ("compose.yaml", "command:", ""),
        (
            "command of service 'app' runs './listmonk --install --config ''' without --idempotent",
            "wipes its database on every start",
            "SMTP servers and Root URL",
        ),
    ),
    "root_url as a LISTMONK_ variable (#705)": Case(
        "LMK010",
        compose(env=("LISTMONK_app__root_url: https://lists.example.org",)),
        compose(),
        ("compose.yaml", "LISTMONK_app__root_url", ""),
        ("LISTMONK_app__root_url is ignored", "keeps app.root_url in its database"),
    ),
    "public_url in config.toml (#2393)": Case(
        "LMK011",
        {
            **compose(),
            "compose.yaml": compose()["compose.yaml"]
            + "    volumes:\n      - ./config.toml:/listmonk/config.toml\n",
            "config.toml": '[app]\naddress = "0.0.0.0:9000"\npublic_url = "https://l.example.org"\n',
        },
        {
            **compose(),
            "compose.yaml": compose()["compose.yaml"]
            + "    volumes:\n      - ./config.toml:/listmonk/config.toml\n",
            "config.toml": '[app]\naddress = "0.0.0.0:9000"\n',
        },
        ("config.toml", "public_url", ""),
        ("app.public_url is not read by listmonk", "#2393", "app.root_url in Settings"),
    ),
    "two enabled servers": Case(
        "LMK012",
        files(server(), server(host="smtp.backup.example", username="b@example.org")),
        files(server(), server(host="smtp.backup.example", enabled=False)),
        (EXPORT, '"enabled": true', '"from_addresses"'),
        ("2 SMTP servers are enabled", "at random", "'Test connection' checks only one"),
        also=frozenset({"LMK021"}),
    ),
    "max_conns 0": Case(
        "LMK013",
        files(server(max_conns=0)),
        files(server(max_conns=1)),
        (EXPORT, '"max_conns": 0', ""),
        ("max_conns 0", "MaxConns should be >= 1", "exits at start-up"),
    ),
    "auth_protocol LOGIN": Case(
        "LMK014",
        files(server(auth_protocol="LOGIN")),
        files(server(auth_protocol="login")),
        (EXPORT, '"auth_protocol": "LOGIN"', ""),
        ("did you mean 'login'?", "unknown SMTP auth type"),
    ),
    "skip verify without TLS": Case(
        "LMK015",
        files(server(host="localhost", port=25, tls_type="none", tls_skip_verify=True)),
        files(server(host="localhost", port=25, tls_type="none")),
        (EXPORT, '"tls_skip_verify": true', ""),
        ("no effect with tls_type 'none'",),
    ),
    "credentials with auth none": Case(
        "LMK016",
        files(server(auth_protocol="none", password="")),
        files(server(auth_protocol="none", password="", username="")),
        (EXPORT, '"auth_protocol": "none"', ""),
        ("means no login, so the username set here are never used",),
    ),
    "EHLO localhost to an MTA on 25": Case(
        "LMK017",
        files(server(host="mx.example.org", port=25, auth_protocol="", username="", password="")),
        files(
            server(
                host="mx.example.org",
                port=25,
                auth_protocol="",
                username="",
                password="",
                hello_hostname="lists.example.org",
            )
        ),
        (EXPORT, '"hello_hostname": ""', ""),
        ("'EHLO localhost'",),
    ),
    "Return-Path header (#2172)": Case(
        "LMK018",
        files(server(email_headers=[{"Return-Path": "bounce@other.example"}])),
        files(server()),
        (EXPORT, '"Return-Path"', ""),
        ("becomes the SMTP envelope sender", "#2172"),
    ),
    "pre-v2.1.0 tls_enabled on 465": Case(
        "LMK019",
        files(server(port=465, tls_type=None, tls_enabled=True)),
        files(server(port=465, tls_type="TLS")),
        (EXPORT, '"tls_enabled": true', ""),
        ("before v2.1.0", "tls_type 'STARTTLS'", "On port 465"),
    ),
    "masked password sent back": Case(
        "LMK020",
        files(server()),
        files(server(password="")),
        (EXPORT, '"password"', ""),
        ("masked (8 '•'", "Do not PUT this file back"),
    ),
    "from_email differs from the login (#1239)": Case(
        "LMK021",
        files(server(host="smtp.gmail.com", port=465, tls_type="TLS", username="me@gmail.com")),
        files(
            server(host="smtp.gmail.com", port=465, tls_type="TLS", username="me@gmail.com"),
            app_from_email="Me <me@gmail.com>",
        ),
        (EXPORT, '"app.from_email"', ""),
        ("logs in as username 'me@gmail.com'", "'news@example.org'", "#1239"),
    ),
    "STARTTLS to an IP (#575)": Case(
        "LMK022",
        files(server(host="10.0.0.5")),
        files(server(host="mail.example.org")),
        (EXPORT, '"host": "10.0.0.5"', ""),
        ("is an IP address", "x509"),
    ),
}


@pytest.mark.parametrize("case", CASES.values(), ids=list(CASES))
def test_broken_project_and_its_fixed_twin(
    case: Case, run_cli: RunCli, make_project: MakeProject
) -> None:
    root = make_project(
        {
            **{f"broken/{k}": v for k, v in case.broken.items()},
            **{f"fixed/{k}": v for k, v in case.fixed.items()},
        }
    )
    keep = case.code == "LMK020"
    broken = lmk(findings(run_cli, root / "broken"), keep)
    assert {f["code"] for f in broken} == {case.code, *case.also}, broken
    path, needle, after = case.where
    line = line_of(case.broken[path], needle, after)
    [finding] = [f for f in broken if f["code"] == case.code]
    assert (finding["path"], finding["line"]) == (path, line), finding
    for text in case.says:
        assert text in finding["message"], (text, finding["message"])
    assert finding["app"] == "listmonk"
    assert MASK not in finding["message"]
    fixed = lmk(findings(run_cli, root / "fixed"), keep)
    assert fixed == [], fixed


def test_from_addresses_route_several_servers(run_cli: RunCli, make_project: MakeProject) -> None:
    routed = export(
        server(from_addresses=["news@example.org"]),
        server(
            host="smtp.other.example", username="o@other.example", from_addresses=["other.example"]
        ),
    )
    root = make_project({EXPORT: routed})
    assert lmk(findings(run_cli, root)) == []


def test_unknown_tls_type_before_v5_is_starttls(run_cli: RunCli, make_project: MakeProject) -> None:
    root = make_project({EXPORT: export(server(tls_type="tls"))})
    [finding] = lmk(findings(run_cli, root))
    assert finding["code"] == "LMK003"
    assert "current listmonk (v5.0.0 and later) sends in plaintext" in finding["message"]


def test_bare_export_and_odd_name(run_cli: RunCli, make_project: MakeProject) -> None:
    root = make_project({"backup/settings-2026-07.json": export(envelope=False, app_root_url="")})
    [finding] = lmk(findings(run_cli, root))
    assert (finding["code"], finding["path"], finding["key"]) == (
        "LMK007",
        "backup/settings-2026-07.json",
        "app.root_url",
    )
    assert "is empty" in finding["message"]


def test_v6_compose_command_is_quiet_and_settings_not_visible(
    run_cli: RunCli, make_project: MakeProject
) -> None:
    root = make_project(compose())
    [inst] = instances(run_cli, root)
    assert (inst["app"], inst["version"], inst["transports"]) == ("listmonk", "5.1.0", [])
    assert lmk(findings(run_cli, root)) == []


def test_install_wipe_before_v2_advice(run_cli: RunCli, make_project: MakeProject) -> None:
    root = make_project(compose("v1.1.0", command="./listmonk --install --yes && ./listmonk"))
    [finding] = lmk(findings(run_cli, root))
    assert "Upgrade to v2.0.0+ and add --idempotent" in finding["message"]


def test_legacy_toml_read_by_v0_6(run_cli: RunCli, make_project: MakeProject) -> None:
    toml = '[app]\nroot = "https://l.example.org"\nfrom_email = "x <x@example.org>"\n'
    base = compose("v0.6.2-alpha", command="./listmonk")["compose.yaml"]
    mount = "    volumes:\n      - ./config.toml:/listmonk/config.toml\n"
    root = make_project({"compose.yaml": base + mount, "config.toml": toml})
    assert lmk(findings(run_cli, root)) == []


# ------------------------------------------------------------------------------ the corpus


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("-f", "listmonk/listmonk-master-911e0b7.docker-compose.yml"), []),
        (("-f", "listmonk/listmonk-v4.0.0.docker-compose.yml"), []),
        (("-f", "listmonk/listmonk-master-911e0b7.dev.docker-compose.yml"), []),
        (
            ("-f", "listmonk/listmonk-v3.0.0.docker-compose.yml"),
            [("LMK009", "listmonk/listmonk-v3.0.0.docker-compose.yml", 58, "command")],
        ),
        (("listmonk/listmonk-master-911e0b7.config.toml.sample",), []),
        (("listmonk/listmonk-master-911e0b7.dev.config.toml",), []),
        (("listmonk/listmonk-v3.0.0.config.toml.sample",), []),
        (
            ("listmonk/listmonk-v0.6.2-alpha.config.toml.sample",),
            [
                ("LMK011", "listmonk/listmonk-v0.6.2-alpha.config.toml.sample", 7, "app.root"),
                (
                    "LMK010",
                    "listmonk/listmonk-v0.6.2-alpha.config.toml.sample",
                    20,
                    "app.from_email",
                ),
                (
                    "LMK010",
                    "listmonk/listmonk-v0.6.2-alpha.config.toml.sample",
                    25,
                    "app.notify_emails",
                ),
                (
                    "LMK010",
                    "listmonk/listmonk-v0.6.2-alpha.config.toml.sample",
                    31,
                    "app.concurrency",
                ),
                (
                    "LMK010",
                    "listmonk/listmonk-v0.6.2-alpha.config.toml.sample",
                    38,
                    "app.message_rate",
                ),
                (
                    "LMK010",
                    "listmonk/listmonk-v0.6.2-alpha.config.toml.sample",
                    43,
                    "app.max_send_errors",
                ),
                ("LMK010", "listmonk/listmonk-v0.6.2-alpha.config.toml.sample", 85, "smtp.my0"),
                ("LMK010", "listmonk/listmonk-v0.6.2-alpha.config.toml.sample", 120, "smtp.postal"),
            ],
        ),
    ],
)
def test_corpus_golden_findings(
    args: tuple[str, ...], expected: list[tuple[str, str, int, str]], run_cli: RunCli, corpus: Path
) -> None:
    """The official files. Deliberately not reported:

    * the current and v4.0.0 composes run ``--install --idempotent`` and set only bootstrap
      variables (``LISTMONK_app__address``, ``LISTMONK_db__*``, ``LISTMONK_ADMIN_*``);
      ``listmonk/listmonk:latest`` is taken as the current release;
    * the v3.0.0 compose's ``app`` service mounts ``./config.toml``, which the corpus does not
      hold; only its ``demo-app`` (a demo that resets on purpose, but a copied command wipes a
      real database the same way) is reported;
    * the dev compose runs listmonk from source (no listmonk service);
    * the v3.0.0 sample's ``admin_username``/``admin_password`` (BasicAuth, removed in v4):
      not mail settings;
    * the v0.6.2 sample's ``[privacy]`` options other than mail ones, ``logo_url``,
      ``favicon_url`` and ``[upload]``: database settings too, but not about mail. Its
      ``[smtp.*]`` blocks are reported once per block (at their first key), not per key.
    """
    outcome = run_cli("--format", "json", *args, cwd=corpus)
    assert outcome.rc in (0, 1), outcome.out + outcome.err
    found = lmk(json.loads(outcome.out)["findings"], keep_masked=True)
    assert [(f["code"], f["path"], f["line"], f["key"]) for f in found] == expected


def test_corpus_master_compose_has_no_transport(run_cli: RunCli, corpus: Path) -> None:
    args = ("-f", "listmonk/listmonk-master-911e0b7.docker-compose.yml")
    [inst] = instances(run_cli, corpus, *args)
    assert (inst["app"], inst["service"], inst["version"], inst["transports"]) == (
        "listmonk",
        "app",
        "latest",
        [],
    )


# ------------------------------------------------------------------------ interpretation


def transports(run_cli: RunCli, root: Path, *args: str) -> list[dict[str, Any]]:
    [inst] = instances(run_cli, root, *args)
    found: list[dict[str, Any]] = inst["transports"]
    return found


def _value(t: dict[str, Any], name: str) -> Any:
    return t[name]["value"]


@pytest.mark.parametrize(
    ("tag", "tls_type", "tls", "verify"),
    [
        ("latest", "TLS", "implicit-tls", True),
        ("latest", "STARTTLS", "starttls-required", True),
        ("latest", "none", "plaintext", None),
        ("latest", "starttls", "plaintext", None),
        ("latest", "", "plaintext", None),
        ("v5.0.0", "SSL", "plaintext", None),
        ("v4.1.0", "SSL", "starttls-required", True),
        ("v4.1.0", "", "starttls-required", True),
        ("v3.0.0", "TLS", "implicit-tls", True),
    ],
)
def test_tls_type_per_version(
    tag: str,
    tls_type: str,
    tls: str,
    verify: bool | None,
    run_cli: RunCli,
    make_project: MakeProject,
) -> None:
    """A standalone export is read as the current release (no image tag to read), so the
    older versions are given to the interpretation directly, as a pinned image would."""
    from mail_lint import AppInstance, Settings
    from mail_lint.apps import ImageRef
    from mail_lint.engine import parse_settings
    from mail_lint.instance import LoadedFile
    from mail_lint.plugins.listmonk import APP
    from mail_lint.plugins.listmonk.transport import interpret

    text = export(server(tls_type=tls_type))
    path = make_project({EXPORT: text}) / EXPORT
    spec = APP.settings_files[1]
    loaded = LoadedFile(path, spec, parse_settings(text, path, spec))
    version = ImageRef.parse(f"listmonk/listmonk:{tag}").version
    instance = AppInstance(APP, version, Settings(), (loaded,), path)
    [t] = interpret(instance)
    assert (t.tls.value.value, t.verify_certificate.value) == (tls, verify)
    assert t.tls.setting is not None and t.tls.setting.key == "smtp[0].tls_type"


def test_transport_through_inspect(run_cli: RunCli, make_project: MakeProject) -> None:
    text = export(
        server(host=" smtp.example.org ", port=465, tls_type="TLS", tls_skip_verify=True),
        server(enabled=False, host="smtp.disabled.example"),
        server(name="email-bulk", host="smtp.bulk.example", auth_protocol="none", username=""),
    )
    root = make_project({EXPORT: text})
    first, third = transports(run_cli, root)
    assert (first["name"], third["name"]) == ("smtp[0]", "smtp[2]")
    assert (_value(first, "kind"), _value(first, "host"), _value(first, "port")) == (
        "smtp",
        "smtp.example.org",
        465,
    )
    assert (_value(first, "tls"), _value(first, "verify_certificate")) == ("implicit-tls", False)
    assert first["tls"]["from"] == [
        {
            "key": "smtp[0].tls_type",
            "path": EXPORT,
            "line": line_of(text, '"tls_type": "TLS"'),
            "column": 21,
        }
    ]
    assert [s["key"] for s in first["verify_certificate"]["from"]] == ["smtp[0].tls_skip_verify"]
    assert (_value(first, "auth"), _value(first, "username")) == (True, "news@example.org")
    assert _value(first, "sender") == "News <news@example.org>"
    assert _value(first, "driver") == "email"
    assert MASK not in json.dumps(first)
    assert (_value(third, "auth"), _value(third, "driver")) == (False, "email, email-bulk")


def test_legacy_tls_enabled_export(run_cli: RunCli, make_project: MakeProject) -> None:
    text = export(server(tls_type=None, tls_enabled=True), server(tls_type=None, tls_enabled=False))
    root = make_project({EXPORT: text})
    on, off = transports(run_cli, root)
    assert (_value(on, "tls"), _value(off, "tls")) == ("starttls-required", "plaintext")
    assert on["tls"]["from"][0]["key"] == "smtp[0].tls_enabled"


def test_compose_and_toml_have_no_transport(run_cli: RunCli, make_project: MakeProject) -> None:
    root = make_project(compose(env=("LISTMONK_smtp__0__host: smtp.example.org",)))
    assert transports(run_cli, root) == []
    [finding] = lmk(findings(run_cli, root))
    assert (finding["code"], finding["line"]) == ("LMK010", 7)


def test_detection_by_file_name_and_shape(run_cli: RunCli, make_project: MakeProject) -> None:
    root = make_project(
        {
            EXPORT: export(),
            "other/package.json": '{"name": "x", "version": "1.0.0"}',
        }
    )
    [inst] = instances(run_cli, root)
    assert (inst["app"], inst["path"], inst["version"]) == ("listmonk", EXPORT, "latest")
    [t] = inst["transports"]
    assert _value(t, "host") == "smtp.example.org"


def test_forced_app_on_an_export(run_cli: RunCli, make_project: MakeProject) -> None:
    root = make_project({EXPORT: export()})
    [inst] = instances(run_cli, root, "--app", "listmonk", EXPORT)
    assert inst["app"] == "listmonk"


def test_fresh_install_export_in_listmonk_terms(run_cli: RunCli, make_project: MakeProject) -> None:
    """The install defaults (``schema.sql``), exported: LMK findings replace the generic
    placeholder and port/TLS ones."""
    text = export(
        server(host="smtp.yoursite.com", port=25, auth_protocol="cram", username="username"),
        server(
            enabled=False,
            host="smtp.gmail.com",
            port=465,
            username="username@gmail.com",
            tls_type="TLS",
        ),
        app_root_url="http://localhost:9000",
        app_from_email="listmonk <noreply@listmonk.yoursite.com>",
    )
    root = make_project({EXPORT: text})
    found = findings(run_cli, root)
    assert sorted(f["code"] for f in lmk(found)) == ["LMK006", "LMK007", "LMK008"]
    generic = {f["code"] for f in found if f["code"].startswith("SMTP")}
    assert not generic & {"SMTP001", "SMTP002", "SMTP014", "SMTP015", "SMTP021"}, generic


# ----------------------------------------------- LMK021: only where the provider ties From to login


def _provider_export(host: str, username: str, from_email: str, port: int = 587) -> str:
    """A bare ``GET /api/settings`` export as people keep it next to the compose file (the
    benchmark corpus's false positive, ``listmonk-settings.json``)."""
    return json.dumps(
        {
            "app.root_url": "https://lists.northwind-labs.io",
            "app.from_email": from_email,
            "app.send_optin_confirmation": True,
            "smtp": [
                {
                    "enabled": True,
                    "host": host,
                    "port": port,
                    "auth_protocol": "login",
                    "username": username,
                    "password": "3f1c2b9a8d7e6f5a4b3c2d1e0f9a8b7c-5d4c3b2a-1e2f3a4b",
                    "max_conns": 10,
                    "tls_type": "STARTTLS",
                    "tls_skip_verify": False,
                }
            ],
        },
        indent=2,
    )


@pytest.mark.parametrize(
    ("host", "username", "from_email"),
    [
        # Mailgun: a per-domain login may send as any address of its domain ...
        (
            "smtp.mailgun.org",
            "postmaster@mg.northwind-labs.io",
            "Northwind Labs <news@mg.northwind-labs.io>",
        ),
        # ... and of its parent domain (DMARC's relaxed alignment).
        ("smtp.eu.mailgun.org", "mailer@mg.northwind-labs.io", "updates@northwind-labs.io"),
        # Brevo: the login is the account's id at smtp-brevo.com, never the sender's domain.
        ("smtp-relay.brevo.com", "8b59b1596@smtp-brevo.com", "News <news@northwind-labs.io>"),
        ("smtp-relay.sendinblue.com", "8b59b1596@smtp-brevo.com", "news@northwind-labs.io"),
    ],
    ids=["mailgun same domain", "mailgun parent domain", "brevo", "brevo old host"],
)
def test_sender_allowed_by_the_provider_is_not_reported(
    host: str, username: str, from_email: str, run_cli: RunCli, make_project: MakeProject
) -> None:
    root = make_project({EXPORT: _provider_export(host, username, from_email)})
    found = findings(run_cli, root)
    assert lmk(found) == [], lmk(found)
    assert "SMTP022" not in {f["code"] for f in found}


def test_mailgun_sender_on_another_domain_is_reported(
    run_cli: RunCli, make_project: MakeProject
) -> None:
    text = _provider_export(
        "smtp.mailgun.org", "postmaster@mg.northwind-labs.io", "News <news@northwind.example>"
    )
    root = make_project({EXPORT: text})
    [finding] = lmk(findings(run_cli, root))
    assert finding["code"] == "LMK021"
    assert (finding["path"], finding["line"]) == (EXPORT, line_of(text, '"app.from_email"'))
    for says in (
        "logs in as username 'postmaster@mg.northwind-labs.io'",
        "'news@northwind.example'",
        "which is not on mg.northwind-labs.io",
        "fails DMARC alignment",
    ):
        assert says in finding["message"], finding["message"]


def test_mailbox_provider_names_itself_and_unknown_server_stays_reported(
    run_cli: RunCli, make_project: MakeProject
) -> None:
    """Zoho only sends as the mailbox (reference B.11); an unknown relay keeps #1239's rule."""
    zoho = _provider_export(
        "smtppro.zoho.eu", "it@northwind-labs.io", "News <news@northwind-labs.io>"
    )
    own = _provider_export(
        "mail.northwind-labs.io", "it@northwind-labs.io", "News <news@northwind-labs.io>"
    )
    root = make_project({f"zoho/{EXPORT}": zoho, f"own/{EXPORT}": own})
    [by_zoho] = lmk(findings(run_cli, root / "zoho"))
    assert by_zoho["code"] == "LMK021"
    assert "Zoho Mail only sends as the account that logged in" in by_zoho["message"]
    [by_own] = lmk(findings(run_cli, root / "own"))
    assert by_own["code"] == "LMK021"
    assert "many relays refuse or rewrite mail from another address (#1239)" in by_own["message"]
