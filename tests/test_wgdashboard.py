"""The WGDashboard plugin: its interpretation per version and its ``WGD`` rules, as a user
sees them (``mail-lint --format json``, ``mail-lint inspect --format json``).

Facts: ``shared/reference/apps-wgdashboard-providers.md`` Part A.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from conftest import MakeProject, RunCli
from mail_lint.plugins.wgdashboard.rules import RULES

PASSWORD = "S3cret-pass-123"
_EMAIL_ORDER = (
    "server",
    "port",
    "encryption",
    "username",
    "email_password",
    "authentication_required",
    "send_from",
    "email_template",
)
_GOOD = {
    "server": "smtp.example.org",
    "port": "587",
    "encryption": "STARTTLS",
    "username": "wg@example.org",
    "email_password": PASSWORD,
    "authentication_required": "true",
    "send_from": "WG <wg@example.org>",
    "email_template": "",
}


def ini(**options: str | None) -> str:
    """A ``wg-dashboard.ini``: ``[Account]`` on lines 1-2, ``[Email]`` on line 4, then the
    options in template order from line 5 (server 5, port 6, encryption 7, username 8,
    email_password 9, authentication_required 10, send_from 11, email_template 12); ``None``
    drops an option, unknown names are appended."""
    values: dict[str, str | None] = {**_GOOD, **options}
    keys = [k for k in _EMAIL_ORDER if k in values] + [k for k in values if k not in _EMAIL_ORDER]
    lines = ["[Account]", "username = admin", "", "[Email]"]
    lines += [f"{k} = {values[k]}".rstrip() for k in keys if values[k] is not None]
    return "\n".join(lines) + "\n"


def compose(tag: str = "v4.3.3", env: tuple[str, ...] = (), *, mount: bool = True) -> str:
    """A compose file: the service on line 2, image line 3, ``environment`` items from line 5."""
    text = f"services:\n  wgdashboard:\n    image: ghcr.io/wgdashboard/wgdashboard:{tag}\n"
    if env:
        text += "    environment:\n" + "".join(f"      - {item}\n" for item in env)
    text += (
        "    volumes:\n      - ./data:/data\n" if mount else "    volumes:\n      - data:/data\n"
    )
    return text + ("" if mount else "volumes:\n  data:\n")


def project(
    tag: str = "v4.3.3", env: tuple[str, ...] = (), **options: str | None
) -> dict[str, str]:
    """Compose with a bind-mounted INI."""
    return {"compose.yaml": compose(tag, env), "data/wg-dashboard.ini": ini(**options)}


def env_only(tag: str = "v4.3.3", *env: str) -> dict[str, str]:
    """Compose with ``email_*`` variables and a named ``/data`` volume (no visible INI)."""
    return {"compose.yaml": compose(tag, env, mount=False)}


_ENV_GOOD = (
    "email_server=smtp.example.org",
    "email_port=587",
    "email_encryption=STARTTLS",
    "email_username=wg@example.org",
    f"email_password={PASSWORD}",
    "email_from=wg@example.org",
)


def _env(**changes: str | None) -> tuple[str, ...]:
    items = dict(item.split("=", 1) for item in _ENV_GOOD)
    items.update(changes)  # type: ignore[arg-type]
    return tuple(f"{k}={v}" for k, v in items.items() if v is not None)


def findings(run_cli: RunCli, root: Path) -> list[dict[str, Any]]:
    outcome = run_cli("--format", "json", ".", cwd=root)
    assert outcome.rc in (0, 1), outcome.err + outcome.out
    assert PASSWORD not in outcome.out + outcome.err
    found: list[dict[str, Any]] = json.loads(outcome.out)["findings"]
    return found


def wgd(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [f for f in found if f["code"].startswith("WGD")]


def instances(run_cli: RunCli, root: Path) -> list[dict[str, Any]]:
    outcome = run_cli("inspect", "--format", "json", ".", cwd=root)
    assert outcome.rc == 0, outcome.err + outcome.out
    assert PASSWORD not in outcome.out
    found: list[dict[str, Any]] = json.loads(outcome.out)["instances"]
    return found


def transport(run_cli: RunCli, root: Path) -> dict[str, Any]:
    [inst] = instances(run_cli, root)
    [only] = inst["transports"]
    result: dict[str, Any] = only
    return result


# ------------------------------------------------------------------------- the rule table


def test_rules_are_well_formed_and_explicit() -> None:
    codes = [r.code for r in RULES]
    assert len(set(codes)) == len(codes) == 22
    assert sorted(codes) == [f"WGD{n:03d}" for n in range(1, 23)]
    for rule in RULES:
        assert rule.problems() == [], rule.code
        assert rule.app == "wgdashboard"
        assert "WGDashboard" in rule.doc.split("## References", 1)[1], rule.code


@dataclass(frozen=True)
class Case:
    """A broken project, its fixed twin, and what the user sees for the broken one."""

    code: str
    broken: dict[str, str]
    fixed: dict[str, str]
    where: str
    says: tuple[str, ...]
    #: Other WGD codes the broken project shows too.
    also: frozenset[str] = field(default_factory=frozenset)


CASES = {
    "TLS in email_encryption (the Docker README's value)": Case(
        "WGD001",
        env_only("v4.3.3", *_env(email_encryption="TLS")),
        env_only("v4.3.3", *_env()),
        "compose.yaml:7",
        ("email_encryption = 'TLS'", "plaintext", "#1156", "Use STARTTLS"),
    ),
    "SSL in the INI": Case(
        "WGD001",
        project(encryption="SSL"),
        project(encryption="STARTTLS"),
        "data/wg-dashboard.ini:7",
        ("[Email] encryption = 'SSL'", "no TLS at all"),
    ),
    "lower-case starttls": Case(
        "WGD001",
        project(encryption="starttls"),
        project(encryption="STARTTLS"),
        "data/wg-dashboard.ini:7",
        ("case-sensitively", "'starttls' is not 'STARTTLS'"),
    ),
    "IMPLICITTLS before v4.3.3": Case(
        "WGD002",
        project("v4.3.2", port="465", encryption="IMPLICITTLS"),
        project("v4.3.3", port="465", encryption="IMPLICITTLS"),
        "data/wg-dashboard.ini:7",
        ("needs WGDashboard v4.3.3", "v4.3.2", "hangs"),
        also=frozenset({"WGD003"}),
    ),
    "465 with STARTTLS on v4.3.3": Case(
        "WGD003",
        project(port="465", encryption="STARTTLS"),
        project(port="465", encryption="IMPLICITTLS"),
        "data/wg-dashboard.ini:7",
        (
            "port 465 ([Email] port, data/wg-dashboard.ini:6)",
            "[Email] encryption = 'STARTTLS' (data/wg-dashboard.ini:7)",
            "hangs",
            "panel stops responding",
            "Use IMPLICITTLS",
        ),
    ),
    "465 on v4.2.5, which has no implicit TLS": Case(
        "WGD003",
        project("v4.2.5", port="465"),
        project("v4.2.5", port="587"),
        "data/wg-dashboard.ini:6",
        ("v4.2.5 connect in plaintext", "no implicit TLS: use port 587"),
    ),
    "IMPLICITTLS on 587": Case(
        "WGD003",
        project(port="587", encryption="IMPLICITTLS"),
        project(port="587", encryption="STARTTLS"),
        "data/wg-dashboard.ini:7",
        ("WRONG_VERSION_NUMBER", "port 587", "Use STARTTLS"),
    ),
    "Resend's username becomes the sender on v4.2.1": Case(
        "WGD004",
        project("v4.2.1", server="smtp.resend.com", username="resend", send_from="wg@example.org"),
        project("v4.2.2", server="smtp.resend.com", username="resend", send_from="wg@example.org"),
        "data/wg-dashboard.ini:8",
        ("v4.2.1 sends mail from [Email] username = 'resend'", "MAIL FROM:<resend>", "#702"),
    ),
    "authentication_required = False": Case(
        "WGD005",
        project(authentication_required="False"),
        project(authentication_required="false"),
        "data/wg-dashboard.ini:10",
        ("'False' is not converted", "still logs in"),
    ),
    "authentication_required before v4.3.0": Case(
        "WGD006",
        project("v4.2.5", authentication_required="false"),
        project("v4.3.0", authentication_required="false"),
        "data/wg-dashboard.ini:10",
        ("v4.2.5 has no authentication_required", "always logs in"),
    ),
    "% in the password on v4.2.3": Case(
        "WGD007",
        project("v4.2.3", email_password="S3cret%pass-12"),
        project("v4.2.3", email_password="S3cret%%pass-12"),
        "data/wg-dashboard.ini:9",
        ("[Email] email_password = 'S3cr…' (14 chars)", "InterpolationSyntaxError", "'%%'"),
    ),
    "quoted send_from": Case(
        "WGD008",
        project(send_from='"WG <wg@example.org>"'),
        project(send_from="WG <wg@example.org>"),
        "data/wg-dashboard.ini:11",
        ("[Email] send_from = '\"WG <wg@example.org>\"'", "quotes are part of the value"),
    ),
    "inline comment after the host": Case(
        "WGD009",
        project(server="smtp.example.org  # relay"),
        project(server="smtp.example.org"),
        "data/wg-dashboard.ini:5",
        ("[Email] server", "comment after a value is part of the value"),
    ),
    "& in email_password": Case(
        "WGD010",
        env_only("v4.3.3", *_env(email_password="S3cret&pass|1\\2")),
        {
            "compose.yaml": compose("v4.3.3", _env(email_password=None)),
            "data/wg-dashboard.ini": ini(
                email_password="S3cret&pass|1\\2", send_from="wg@example.org"
            ),
        },
        "compose.yaml:9",
        ("email_password = 'S3cr…'", "'&' turns into", "'|' makes sed fail", "backslashes"),
    ),
    "email_username dropped on first boot": Case(
        "WGD011",
        env_only("v4.3.3", "username=admin", *_env()),
        {
            "compose.yaml": compose("v4.3.3", ("username=admin", *_env())),
            "data/wg-dashboard.ini": ini(send_from="wg@example.org"),
        },
        "compose.yaml:9",
        ("email_username is dropped on the first boot", "username (compose.yaml:5)"),
    ),
    "email_username dropped on every start": Case(
        "WGD011",
        {
            "compose.yaml": compose("v4.3.3", ("email_username=resend",)),
            "data/wg-dashboard.ini": ini(username=None),
        },
        {
            "compose.yaml": compose("v4.3.3", ("email_username=resend",)),
            "data/wg-dashboard.ini": ini(username="resend"),
        },
        "compose.yaml:5",
        ("never written", "[Account] username (data/wg-dashboard.ini:2)", "no username in [Email]"),
        also=frozenset({"WGD014"}),
    ),
    "port 567 from the guide": Case(
        "WGD012",
        project(port="567"),
        project(port="587"),
        "data/wg-dashboard.ini:6",
        ("[Email] port = 567", "did you mean 587?"),
    ),
    "port with a comment": Case(
        "WGD013",
        project(port="587 ; submission"),
        project(port="587"),
        "data/wg-dashboard.ini:6",
        ("not a number", "invalid literal for int()", "comment after a value"),
    ),
    "empty encryption": Case(
        "WGD014",
        project(encryption="", authentication_required="false", port="25"),
        project(encryption="NOTLS", authentication_required="false", port="25"),
        "data/wg-dashboard.ini:7",
        ("not configured", "encryption is empty", "write NOTLS", "SMTP not configured"),
    ),
    "email_* variables on v4.2.5": Case(
        "WGD015",
        env_only("v4.2.5", *_env()),
        env_only("v4.3.0", *_env()),
        "compose.yaml:5",
        ("email_server is ignored", "v4.2.5's entrypoint has no email_* variables"),
    ),
    "dynamic_config=false with a written INI": Case(
        "WGD015",
        project("v4.3.3", ("dynamic_config=false", "email_server=smtp.example.net")),
        project("v4.3.3", ("dynamic_config=false",)),
        "compose.yaml:6",
        ("email_server is ignored", "dynamic_config=false (compose.yaml:5)", "stays as in"),
    ),
    "a variable overwrites the INI": Case(
        "WGD016",
        project("v4.3.3", ("email_server=smtp.example.net",)),
        project("v4.3.3", ("email_server=smtp.example.org",)),
        "data/wg-dashboard.ini:5",
        ("overwritten on every start by email_server (compose.yaml:5)",),
    ),
    "upper-case EMAIL_SERVER": Case(
        "WGD017",
        env_only("v4.3.3", "EMAIL_SERVER=smtp.example.org", *_env(email_server=None)),
        env_only("v4.3.3", *_env()),
        "compose.yaml:5",
        ("ignores EMAIL_SERVER", "case-sensitive", "email_server"),
        also=frozenset({"WGD014"}),
    ),
    "password instead of email_password": Case(
        "WGD018",
        project(email_password=None, password=PASSWORD),
        project(),
        "data/wg-dashboard.ini:12",
        ("never reads [Email] password", "did you mean email_password?"),
        also=frozenset({"WGD014"}),
    ),
    "email_template as a path (the Docker README)": Case(
        "WGD019",
        env_only("v4.3.3", *_env(), "email_template=/data/peer-mail.html"),
        env_only("v4.3.3", *_env()),
        "compose.yaml:11",
        ("looks like a file", "'Path to template file' is wrong"),
    ),
    "STARTTLS to an IP on v4.3.3": Case(
        "WGD020",
        project(server="10.0.0.5"),
        project(server="mail.example.org"),
        "data/wg-dashboard.ini:5",
        ("'10.0.0.5' is an IP address", "CERTIFICATE_VERIFY_FAILED"),
    ),
    "login to Mailpit": Case(
        "WGD021",
        project(server="mailpit", port="1025", encryption="NOTLS"),
        project(server="mailpit", port="1025", encryption="NOTLS", authentication_required="false"),
        "data/wg-dashboard.ini:10",
        ("looks like a mail catcher", "SMTP AUTH extension not supported"),
    ),
    "dynamic_config on v4.3.2": Case(
        "WGD022",
        project("v4.3.2", ("dynamic_config=false",)),
        project("v4.3.3", ("dynamic_config=false",)),
        "compose.yaml:5",
        ("dynamic_config needs WGDashboard v4.3.3", "v4.3.2 ignores it"),
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
    # The CLI runs in each project's folder: paths are relative to it.
    broken = wgd(findings(run_cli, root / "broken"))
    assert {f["code"] for f in broken} == {case.code, *case.also}, broken
    mine = [f for f in broken if f["code"] == case.code]
    shown = [f"{f['path']}:{f['line']}" for f in mine]
    assert case.where in shown, shown
    [finding] = [f for f in mine if f"{f['path']}:{f['line']}" == case.where]
    for text in case.says:
        assert text in finding["message"], (text, finding["message"])
    assert finding["app"] == "wgdashboard"
    fixed = wgd(findings(run_cli, root / "fixed"))
    assert fixed == [], fixed


# ------------------------------------------------------------------------------ the corpus


@pytest.mark.parametrize(
    "args",
    [
        ("wgdashboard",),
        ("-f", "wgdashboard/compose.yaml"),
        ("-f", "wgdashboard/compose.v4.2.5.yaml"),
        ("wgdashboard/wg-dashboard.ini.template",),
    ],
)
def test_corpus_golden_findings(args: tuple[str, ...], run_cli: RunCli, corpus: Path) -> None:
    """The official files show no WGD finding. Deliberately not reported: the template's
    empty ``[Email]`` (mail simply not set up yet, so WGD014 stays quiet until one of server,
    port, username, email_password or send_from is filled in; its ``authentication_required =
    true`` is a valid boolean); the composes' named ``data`` volume hides the INI and they set
    no ``email_*`` variable, so there is nothing to judge. ``donaldzou/wgdashboard:latest`` in
    the v4.2.5 compose is taken as the current release today, not as v4.2.5.
    """
    outcome = run_cli("--format", "json", *args, cwd=corpus)
    assert outcome.rc == 0, outcome.out + outcome.err
    assert wgd(json.loads(outcome.out)["findings"]) == []


@pytest.mark.parametrize("name", ["compose.yaml", "compose.v4.2.5.yaml"])
def test_corpus_composes_have_no_visible_mail_settings(
    name: str, run_cli: RunCli, corpus: Path
) -> None:
    outcome = run_cli("inspect", "--format", "json", "-f", f"wgdashboard/{name}", cwd=corpus)
    assert outcome.rc == 0, outcome.err
    [inst] = json.loads(outcome.out)["instances"]
    assert (inst["version"], inst["files"], inst["transports"]) == ("latest", [], [])


def test_corpus_template_interpretation(run_cli: RunCli, corpus: Path) -> None:
    path = "wgdashboard/wg-dashboard.ini.template"
    outcome = run_cli("inspect", "--format", "json", path, cwd=corpus)
    assert outcome.rc == 0, outcome.err
    [inst] = json.loads(outcome.out)["instances"]
    [template] = inst["transports"]
    # Not ready: server, port, encryption, username, email_password, send_from are empty.
    assert template["kind"]["value"] == "none"
    assert [s["line"] for s in template["kind"]["from"]] == [42, 43, 44, 45, 46, 48]
    assert template["tls"]["value"] == "plaintext"
    assert template["auth"] == {
        "value": True,
        "from": [{"key": "Email.authentication_required", "path": path, "line": 47, "column": 27}],
    }


# ------------------------------------------------------------------------ interpretation


def _field(t: dict[str, Any], name: str) -> Any:
    return t[name]["value"]


@pytest.mark.parametrize(
    ("tag", "encryption", "tls", "verify", "driver"),
    [
        ("v4.3.3", "IMPLICITTLS", "implicit-tls", True, "smtplib.SMTP_SSL"),
        ("latest", "IMPLICITTLS", "implicit-tls", True, "smtplib.SMTP_SSL"),
        ("v4.3.2", "IMPLICITTLS", "plaintext", None, "smtplib.SMTP"),
        ("v4.3.2", "STARTTLS", "starttls-required", False, "smtplib.SMTP"),
        ("v4.3.3", "STARTTLS", "starttls-required", True, "smtplib.SMTP"),
        ("v4.3.3", "TLS", "plaintext", None, "smtplib.SMTP"),
        ("v4.3.3", "starttls", "plaintext", None, "smtplib.SMTP"),
        ("v4.3.3", "NOTLS", "plaintext", None, "smtplib.SMTP"),
    ],
)
def test_tls_per_version(
    tag: str,
    encryption: str,
    tls: str,
    verify: bool | None,
    driver: str,
    run_cli: RunCli,
    make_project: MakeProject,
) -> None:
    root = make_project(project(tag, port="465", encryption=encryption))
    t = transport(run_cli, root)
    assert (_field(t, "tls"), _field(t, "verify_certificate"), _field(t, "driver")) == (
        tls,
        verify,
        driver,
    )
    assert t["tls"]["from"] == [
        {"key": "Email.encryption", "path": "data/wg-dashboard.ini", "line": 7, "column": 14}
    ]
    assert (_field(t, "host"), _field(t, "port"), _field(t, "kind")) == (
        "smtp.example.org",
        465,
        "smtp",
    )


@pytest.mark.parametrize(
    ("tag", "value", "auth"),
    [
        ("v4.3.3", "true", True),
        ("v4.3.3", "false", False),
        ("v4.3.3", "False", True),
        ("v4.3.3", "off", False),
        ("v4.3.3", "", False),
        ("v4.3.3", None, True),
        ("v4.2.5", "false", True),
    ],
)
def test_authentication_required(
    tag: str, value: str | None, auth: bool, run_cli: RunCli, make_project: MakeProject
) -> None:
    root = make_project(project(tag, authentication_required=value))
    assert _field(transport(run_cli, root), "auth") is auth


def test_sender_is_the_username_on_v4_2_1(run_cli: RunCli, make_project: MakeProject) -> None:
    files = dict(username="resend", send_from="wg@example.org")
    old = transport(
        run_cli, make_project({f"a/{k}": v for k, v in project("v4.2.1", **files).items()}) / "a"
    )
    assert _field(old, "sender") == '"wg@example.org" <resend>'
    assert [s["key"] for s in old["sender"]["from"]] == ["Email.username", "Email.send_from"]
    new = transport(
        run_cli, make_project({f"b/{k}": v for k, v in project("v4.2.2", **files).items()}) / "b"
    )
    assert _field(new, "sender") == "wg@example.org"


def test_percent_escapes_per_parser(run_cli: RunCli, make_project: MakeProject) -> None:
    for tag, sender in (
        ("v4.2.3", "100% WG <wg@example.org>"),
        ("v4.2.5", "100%% WG <wg@example.org>"),
    ):
        root = make_project(
            {
                f"{tag}/{k}": v
                for k, v in project(tag, send_from="100%% WG <wg@example.org>").items()
            }
        )
        assert _field(transport(run_cli, root / tag), "sender") == sender


def test_variables_win_over_the_ini_from_v4_3_0(run_cli: RunCli, make_project: MakeProject) -> None:
    env = ("email_server=smtp.example.net", "email_port=", "email_encryption=IMPLICITTLS")
    root = make_project(project("v4.3.3", env, port="465"))
    t = transport(run_cli, root)
    assert _field(t, "host") == "smtp.example.net"
    assert t["host"]["from"] == [
        {"key": "email_server", "path": "compose.yaml", "line": 5, "column": 22}
    ]
    # An empty variable is skipped by the entrypoint: the INI's port stays.
    assert (_field(t, "port"), t["port"]["from"][0]["key"]) == (465, "Email.port")
    assert _field(t, "tls") == "implicit-tls"


@pytest.mark.parametrize(
    ("tag", "extra", "host"),
    [
        ("v4.2.5", (), "smtp.example.org"),
        ("v4.3.3", ("dynamic_config=False",), "smtp.example.org"),
        ("v4.3.2", ("dynamic_config=false",), "smtp.example.net"),
        ("v4.3.0", (), "smtp.example.net"),
    ],
)
def test_when_the_entrypoint_applies_variables(
    tag: str, extra: tuple[str, ...], host: str, run_cli: RunCli, make_project: MakeProject
) -> None:
    root = make_project(project(tag, (*extra, "email_server=smtp.example.net")))
    assert _field(transport(run_cli, root), "host") == host


def test_variables_only(run_cli: RunCli, make_project: MakeProject) -> None:
    root = make_project(env_only("v4.3.3", *_env()))
    t = transport(run_cli, root)
    assert (_field(t, "kind"), _field(t, "host"), _field(t, "port"), _field(t, "tls")) == (
        "smtp",
        "smtp.example.org",
        587,
        "starttls-required",
    )
    assert _field(t, "sender") == "wg@example.org"
    assert _field(t, "password") != PASSWORD


def test_dropped_username_is_not_in_the_transport(
    run_cli: RunCli, make_project: MakeProject
) -> None:
    root = make_project(
        {
            "compose.yaml": compose("v4.3.3", ("email_username=resend",)),
            "data/wg-dashboard.ini": ini(username=None),
        }
    )
    t = transport(run_cli, root)
    assert (_field(t, "username"), _field(t, "kind")) == (None, "none")


def test_standalone_ini_assumes_the_current_version(
    run_cli: RunCli, make_project: MakeProject
) -> None:
    root = make_project({"wg-dashboard.ini": ini(server="10.0.0.5")})
    [finding] = wgd(findings(run_cli, root))
    assert finding["code"] == "WGD020"
    assert "assuming current WGDashboard, v4.3.3 or later" in finding["message"]
    assert (finding["path"], finding["line"]) == ("wg-dashboard.ini", 5)


def test_no_transport_before_the_email_feature(run_cli: RunCli, make_project: MakeProject) -> None:
    root = make_project(project("v4.1.4"))
    [inst] = instances(run_cli, root)
    assert inst["transports"] == []


# ------------------------------------------------- WGD020: what is (not) a Proton Mail Bridge

#: A real deployment (the benchmark corpus's false positive): the INI bind-mounted as the
#: WGDashboard README shows, a public relay of the organisation's own domain.
_WGD_COMPOSE = """\
services:
  wgdashboard:
    image: ghcr.io/wgdashboard/wgdashboard:v4.3.3
    restart: unless-stopped
    ports:
      - 10086:10086/tcp
      - 51820:51820/udp
    volumes:
      - ./wg-dashboard.ini:/data/wg-dashboard.ini
    cap_add:
      - NET_ADMIN
"""


def _wgd_ini(server: str, port: str, user: str) -> str:
    return (
        "[Email]\n"
        f"server = {server}\n"
        f"port = {port}\n"
        "encryption = STARTTLS\n"
        f"username = {user}\n"
        f"email_password = {PASSWORD}\n"
        "authentication_required = true\n"
        f"send_from = {user}\n"
        "email_template =\n"
    )


@pytest.mark.parametrize(
    "server",
    ["smtp.stonebridge-farm.nl", "mail.bridgewater-dental.com", "smtp.cambridge-robotics.co.uk"],
)
def test_public_host_with_bridge_in_its_name_is_not_a_proton_bridge(
    server: str, run_cli: RunCli, make_project: MakeProject
) -> None:
    domain = server.split(".", 1)[1]
    root = make_project(
        {
            "docker-compose.yml": _WGD_COMPOSE,
            "wg-dashboard.ini": _wgd_ini(server, "587", f"vpn@{domain}"),
        }
    )
    assert findings(run_cli, root) == []


_BRIDGE_SERVICE = """\
  protonmail-bridge:
    image: shenxn/protonmail-bridge:latest
    restart: unless-stopped
    volumes:
      - protonmail:/root
volumes:
  protonmail:
"""


@pytest.mark.parametrize(
    ("server", "port", "compose_text", "says"),
    [
        # shenxn/protonmail-bridge forwards the Bridge's SMTP to port 25 of its container.
        (
            "protonmail-bridge",
            "25",
            _WGD_COMPOSE + _BRIDGE_SERVICE,
            "'protonmail-bridge' is a Proton Mail Bridge (self-signed certificate)",
        ),
        (
            "proton-bridge.home.arpa",
            "1025",
            _WGD_COMPOSE,
            "'proton-bridge.home.arpa' is a Proton Mail Bridge (self-signed certificate)",
        ),
        # The Bridge on the host itself, reached with host networking.
        (
            "127.0.0.1",
            "1025",
            _WGD_COMPOSE.replace(
                "    ports:\n      - 10086:10086/tcp\n      - 51820:51820/udp\n",
                "    network_mode: host\n",
            ),
            "the loopback address on port 1025, where Proton Mail Bridge listens by default",
        ),
    ],
    ids=["bridge container", "bridge host name", "loopback on 1025"],
)
def test_proton_bridge_is_recognised(
    server: str,
    port: str,
    compose_text: str,
    says: str,
    run_cli: RunCli,
    make_project: MakeProject,
) -> None:
    root = make_project(
        {
            "docker-compose.yml": compose_text,
            "wg-dashboard.ini": _wgd_ini(server, port, "vpn@proton.me"),
        }
    )
    [finding] = [f for f in findings(run_cli, root) if f["code"] == "WGD020"]
    assert says in finding["message"], finding["message"]
    assert "CERTIFICATE_VERIFY_FAILED" in finding["message"]
    assert (finding["path"], finding["line"]) == ("wg-dashboard.ini", 2)
