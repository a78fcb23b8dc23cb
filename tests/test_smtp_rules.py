"""Core's generic SMTP rules, as a user sees them: ``mail-lint --format json`` on realistic
Docmost (compose + ``.env``) and WGDashboard (compose + ``wg-dashboard.ini``) projects, each
broken project next to its fixed twin; and the app rules that supersede a generic one.

Facts: ``shared/reference/apps-wgdashboard-providers.md`` Parts B and C,
``compose-semantics-and-peer-linters.md`` B.3, B.4, B.9.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from conftest import MakeProject, RunCli
from mail_lint.providers import PROVIDERS, catcher_name, provider_for
from mail_lint.smtp_rules import RULES, _one_edit

PASSWORD = "mg-key-7Hq2Lp9Xz4Wv"

# -- Docmost: a compose service (mapping environment) and the project .env -------------------

DOCMOST_ENV: dict[str, str | None] = {
    "APP_URL": "https://docs.acme-corp.io",
    "APP_SECRET": "${APP_SECRET}",
    "DATABASE_URL": '"postgresql://docmost:${POSTGRES_PASSWORD}@db:5432/docmost"',
    "REDIS_URL": "redis://redis:6379",
    "MAIL_DRIVER": "smtp",
    "SMTP_HOST": "smtp.eu.mailgun.org",
    "SMTP_PORT": "${SMTP_PORT:-587}",
    "SMTP_SECURE": '"false"',
    "SMTP_USERNAME": "docmost@mg.acme-corp.io",
    "SMTP_PASSWORD": "${SMTP_PASSWORD}",
    "MAIL_FROM_ADDRESS": "docs@acme-corp.io",
    "MAIL_FROM_NAME": "Acme Docs",
}
DOCMOST_DOTENV = f"""\
APP_SECRET=4f9c2e7d1b8a6f3e0c5d9b2a7e4f1c8d6b3a0e9f
POSTGRES_PASSWORD=Zq8pLm2vXr4t
SMTP_PASSWORD={PASSWORD}
"""


def docmost(
    dotenv: str = DOCMOST_DOTENV, *, service_extra: str = "", **changes: str | None
) -> dict[str, str]:
    """A Docmost project: ``docker-compose.yml`` (service on line 2, environment from line 6,
    in :data:`DOCMOST_ENV` order, new keys appended) and ``.env``; ``None`` drops a key."""
    env = {**DOCMOST_ENV, **changes}
    lines = [f"      {k}: {v}" for k, v in env.items() if v is not None]
    compose = (
        "services:\n  docmost:\n    image: docmost/docmost:0.95.0\n"
        "    depends_on:\n      - db\n    environment:\n"
        + "\n".join(lines)
        + "\n"
        + service_extra
        + "    volumes:\n      - docmost:/app/data/storage\n"
        "  db:\n    image: postgres:18\n    environment:\n"
        "      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}\n"
        "  redis:\n    image: redis:8\n"
        "volumes:\n  docmost:\n"
    )
    return {"docker-compose.yml": compose, ".env": dotenv}


def docmost_line(key: str, **changes: str | None) -> int:
    """The compose line of ``key`` in :func:`docmost`."""
    keys = [k for k, v in {**DOCMOST_ENV, **changes}.items() if v is not None]
    return 7 + keys.index(key)


# -- WGDashboard: compose with a bind-mounted wg-dashboard.ini -------------------------------

_WGD_ORDER = (
    "server",
    "port",
    "encryption",
    "username",
    "email_password",
    "authentication_required",
    "send_from",
)
WGD_GOOD = {
    "server": "smtp.fastmail.com",
    "port": "465",
    "encryption": "IMPLICITTLS",
    "username": "vpn@acme-corp.io",
    "email_password": PASSWORD,
    "authentication_required": "true",
    "send_from": "VPN <vpn@acme-corp.io>",
}


def wgd(tag: str = "v4.3.3", **options: str) -> dict[str, str]:
    """compose.yaml + data/wg-dashboard.ini: ``[Email]`` on line 4, then server 5, port 6,
    encryption 7, username 8, email_password 9, authentication_required 10, send_from 11."""
    values = {**WGD_GOOD, **options}
    ini = ["[Account]", "username = admin", "", "[Email]"]
    ini += [f"{k} = {values[k]}" for k in _WGD_ORDER]
    compose = (
        f"services:\n  wgdashboard:\n    image: ghcr.io/wgdashboard/wgdashboard:{tag}\n"
        "    cap_add:\n      - NET_ADMIN\n    volumes:\n      - ./data:/data\n"
    )
    return {"compose.yaml": compose, "data/wg-dashboard.ini": "\n".join(ini) + "\n"}


# -- running --------------------------------------------------------------------------------


def lint(run_cli: RunCli, root: Path) -> tuple[list[dict[str, Any]], str]:
    outcome = run_cli("--format", "json", ".", cwd=root)
    assert outcome.rc in (0, 1), outcome.err + outcome.out
    assert PASSWORD not in outcome.out + outcome.err
    found: list[dict[str, Any]] = json.loads(outcome.out)["findings"]
    assert not [f for f in found if f["code"].startswith("ML")], found
    return found, outcome.out


def smtp(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [f for f in found if f["code"].startswith("SMTP")]


@dataclass(frozen=True)
class Case:
    """A broken project, its fixed twin, and what the user sees for the broken one."""

    code: str
    broken: dict[str, str]
    fixed: dict[str, str]
    #: ``path:line`` of the finding.
    where: str
    says: tuple[str, ...]
    #: Text that must not appear in the output (secrets).
    hidden: tuple[str, ...] = ()
    #: Other SMTP codes the broken project shows too.
    also: frozenset[str] = field(default_factory=frozenset)


SES_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEYZ"[:40]
CASES: dict[str, Case] = {
    "Docmost: STARTTLS to Resend's implicit-TLS port 2465": Case(
        "SMTP001",
        docmost(SMTP_HOST="smtp.resend.com", SMTP_PORT="2465", SMTP_USERNAME="resend"),
        docmost(
            SMTP_HOST="smtp.resend.com",
            SMTP_PORT="2465",
            SMTP_USERNAME="resend",
            SMTP_SECURE='"true"',
        ),
        f"docker-compose.yml:{docmost_line('SMTP_PORT')}",
        (
            "port 2465 (SMTP_PORT=2465 (docker-compose.yml:13))",
            "SMTP_SECURE=false (docker-compose.yml:14)",
            "Greeting never received",
        ),
    ),
    "WGDashboard: STARTTLS to SMTP2GO's implicit-TLS port 443": Case(
        "SMTP001",
        wgd(server="mail.smtp2go.com", port="443", encryption="STARTTLS"),
        wgd(server="mail.smtp2go.com", port="443", encryption="IMPLICITTLS"),
        "data/wg-dashboard.ini:6",
        (
            "port 443 ([Email] port=443 (data/wg-dashboard.ini:6))",
            "[Email] encryption=STARTTLS (data/wg-dashboard.ini:7)",
            "panel stops responding",
        ),
    ),
    "Docmost: implicit TLS to Resend's STARTTLS port 2587": Case(
        "SMTP002",
        docmost(
            SMTP_HOST="smtp.resend.com",
            SMTP_PORT="2587",
            SMTP_USERNAME="resend",
            SMTP_SECURE='"true"',
        ),
        docmost(SMTP_HOST="smtp.resend.com", SMTP_PORT="2587", SMTP_USERNAME="resend"),
        f"docker-compose.yml:{docmost_line('SMTP_SECURE')}",
        ("SMTP_SECURE=true (docker-compose.yml:14)", "port 2587", "wrong version number"),
    ),
    "Docmost: Postmark has no implicit-TLS port": Case(
        "SMTP003",
        docmost(SMTP_HOST="smtp.postmarkapp.com", SMTP_PORT="465", SMTP_SECURE='"true"'),
        docmost(SMTP_HOST="smtp.postmarkapp.com", SMTP_PORT="587"),
        f"docker-compose.yml:{docmost_line('SMTP_PORT')}",
        (
            "Postmark does not listen on port 465",
            "implicit TLS on none",
            "STARTTLS on 25, 587, 2525",
            "times out",
        ),
    ),
    "Docmost: SMTP_IGNORETLS with a login to Mailgun": Case(
        "SMTP004",
        docmost(SMTP_IGNORETLS='"true"'),
        docmost(SMTP_IGNORETLS='"false"'),
        f"docker-compose.yml:{docmost_line('SMTP_IGNORETLS', SMTP_IGNORETLS='x')}",
        (
            "logs in to smtp.eu.mailgun.org over an unencrypted connection",
            "SMTP_IGNORETLS=true",
            "SMTP_PASSWORD 'mg-k…' (19 chars) (.env:3)",
            "clear text",
        ),
    ),
    "WGDashboard: STARTTLS to host.docker.internal with verification": Case(
        "SMTP006",
        wgd(server="host.docker.internal", port="587", encryption="STARTTLS"),
        wgd(server="mail.acme-corp.io", port="587", encryption="STARTTLS"),
        "data/wg-dashboard.ini:5",
        ("'host.docker.internal'", "verifies the certificate", "must name"),
    ),
    "Docmost: localhost inside the container": Case(
        "SMTP007",
        docmost(SMTP_HOST="localhost", SMTP_USERNAME=None, SMTP_PASSWORD=None),
        docmost(
            SMTP_HOST="localhost",
            SMTP_USERNAME=None,
            SMTP_PASSWORD=None,
            service_extra='    network_mode: "service:relay"\n',
        ),
        f"docker-compose.yml:{docmost_line('SMTP_HOST')}",
        (
            "'localhost' (SMTP_HOST=localhost (docker-compose.yml:12))",
            "service 'docmost'",
            "connection refused",
        ),
    ),
    "Docmost: SendGrid with an address as user name": Case(
        "SMTP008",
        docmost(SMTP_HOST="smtp.sendgrid.net"),
        docmost(SMTP_HOST="smtp.sendgrid.net", SMTP_USERNAME="apikey"),
        f"docker-compose.yml:{docmost_line('SMTP_USERNAME')}",
        (
            "SendGrid's SMTP user name is the literal 'apikey'",
            "'docmost@mg.acme-corp.io' (SMTP_USERNAME=docmost@mg.acme-corp.io",
        ),
    ),
    "WGDashboard: Resend with the API key as user name": Case(
        "SMTP008",
        wgd(
            server="smtp.resend.com",
            username="re_Ab12Cd34Ef56Gh78Ij90",
            send_from="vpn@acme-corp.io",
        ),
        wgd(server="smtp.resend.com", username="resend", send_from="vpn@acme-corp.io"),
        "data/wg-dashboard.ini:8",
        ("Resend's SMTP user name is the literal 'resend'", "'re_A…' (23 chars)"),
        hidden=("re_Ab12Cd34Ef56Gh78Ij90",),
    ),
    "Docmost: Mailgun with a bare user name": Case(
        "SMTP009",
        docmost(SMTP_USERNAME="postmaster"),
        docmost(SMTP_USERNAME="postmaster@mg.acme-corp.io"),
        f"docker-compose.yml:{docmost_line('SMTP_USERNAME')}",
        ("Mailgun logs in with a full e-mail address", "'postmaster'", "535"),
    ),
    "Docmost: SES with an address and the IAM secret key": Case(
        "SMTP010",
        docmost(
            DOCMOST_DOTENV.replace(PASSWORD, SES_SECRET),
            SMTP_HOST="email-smtp.eu-west-1.amazonaws.com",
        ),
        docmost(
            DOCMOST_DOTENV.replace(PASSWORD, "B" + "x7Kq2Lp9Zr4Wv8Ty3Nm6Hj1Gf5Dc0Sa7Qe2Rt9Yu4I"),
            SMTP_HOST="email-smtp.eu-west-1.amazonaws.com",
            SMTP_USERNAME="AKIAIOSFODNN7EXAMPLE",
        ),
        f"docker-compose.yml:{docmost_line('SMTP_USERNAME')}",
        ("not an access key ID ('AKIA…', 20 characters)",),
        hidden=(SES_SECRET,),
    ),
    "WGDashboard: Outlook.com personal account": Case(
        "SMTP011",
        wgd(
            server="smtp-mail.outlook.com",
            port="587",
            encryption="STARTTLS",
            username="vpn@outlook.com",
            send_from="vpn@outlook.com",
        ),
        wgd(),
        "data/wg-dashboard.ini:5",
        ("Outlook.com for personal accounts", "16 September 2024", "OAuth only"),
    ),
    "Docmost: Microsoft 365 with a password": Case(
        "SMTP012",
        docmost(SMTP_HOST="smtp.office365.com", SMTP_USERNAME="docs@acme-corp.io"),
        docmost(),
        f"docker-compose.yml:{docmost_line('SMTP_HOST')}",
        ("logs in to Microsoft 365", "535 5.7.139", "December 2026"),
    ),
    "Docmost: Mailpit behind a public https URL": Case(
        "SMTP013",
        docmost(SMTP_HOST="mailpit", SMTP_PORT="1025", SMTP_USERNAME=None, SMTP_PASSWORD=None),
        docmost(
            SMTP_HOST="mailpit",
            SMTP_PORT="1025",
            SMTP_USERNAME=None,
            SMTP_PASSWORD=None,
            APP_URL="http://localhost:3000",
            MAIL_FROM_ADDRESS="docs@example.org",
        ),
        f"docker-compose.yml:{docmost_line('SMTP_HOST')}",
        ("is Mailpit", "delivers nothing", "APP_URL=https://docs.acme-corp.io"),
    ),
    "Docmost: placeholder host and password from the docs": Case(
        "SMTP014",
        docmost(
            DOCMOST_DOTENV.replace(PASSWORD, "your_password"),
            SMTP_HOST="smtp.example.com",
            SMTP_USERNAME="user@domain.com",
        ),
        docmost(),
        f"docker-compose.yml:{docmost_line('SMTP_HOST')}",
        ("the SMTP host 'smtp.example.com'", "placeholder from documentation"),
    ),
    "Docmost: the docs' default From": Case(
        "SMTP015",
        docmost(MAIL_FROM_ADDRESS="hello@example.com"),
        docmost(),
        f"docker-compose.yml:{docmost_line('MAIL_FROM_ADDRESS')}",
        ("'hello@example.com'", "placeholder or the app's default"),
    ),
    "Docmost: a $ in the .env password": Case(
        "SMTP016",
        docmost(DOCMOST_DOTENV.replace(PASSWORD, "Tr0ub4dor&3$xyzQ")),
        docmost(DOCMOST_DOTENV.replace(PASSWORD, "'Tr0ub4dor&3$xyzQ'")),
        ".env:3",
        (
            "Compose reads $xyzQ in SMTP_PASSWORD as unset variables",
            "gets (11 chars) instead of the 'Tr0u…' (16 chars; contains '$') written",
        ),
        hidden=("Tr0ub4dor&3",),
    ),
    "Docmost: a ' #' in an env_file password": Case(
        "SMTP019",
        {
            **docmost(SMTP_PASSWORD=None, service_extra="    env_file: mail.env\n"),
            "mail.env": "SMTP_PASSWORD=Zq8pLm2v #Xr4tQ9\n",
        },
        {
            **docmost(SMTP_PASSWORD=None, service_extra="    env_file: mail.env\n"),
            "mail.env": "SMTP_PASSWORD='Zq8pLm2v #Xr4tQ9'\n",
        },
        "mail.env:1",
        ("SMTP_PASSWORD is unquoted and the reader cuts it at '#'", "(8 chars)"),
        hidden=("Zq8pLm2v",),
    ),
    "Docmost: ${SMTP_HOST} defined nowhere": Case(
        "SMTP020",
        docmost(SMTP_HOST="${SMTP_HOST}"),
        docmost(DOCMOST_DOTENV + "SMTP_HOST=smtp.eu.mailgun.org\n", SMTP_HOST="${SMTP_HOST}"),
        f"docker-compose.yml:{docmost_line('SMTP_HOST')}",
        ("SMTP_HOST is ${SMTP_HOST}", "not defined in .env", "empty value"),
    ),
    "WGDashboard: send_from is a name only": Case(
        "SMTP021",
        wgd(send_from="WGDashboard"),
        wgd(send_from="WGDashboard <vpn@acme-corp.io>"),
        "data/wg-dashboard.ini:11",
        ("the From 'WGDashboard'", "not an e-mail address"),
    ),
    "WGDashboard: Fastmail mailbox sending as another domain": Case(
        "SMTP022",
        wgd(send_from="VPN <vpn@other-corp.org>"),
        wgd(),
        "data/wg-dashboard.ini:11",
        ("'vpn@other-corp.org'", "the Fastmail mailbox 'vpn@acme-corp.io'", "aliases"),
    ),
}


def _by_code(code: str) -> list[tuple[str, Case]]:
    return [(n, c) for n, c in CASES.items() if c.code == code]


@pytest.mark.parametrize("name", sorted(CASES))
def test_broken_project_shows_the_finding_and_its_twin_does_not(
    run_cli: RunCli, make_project: MakeProject, tmp_path: Path, name: str
) -> None:
    case = CASES[name]
    found, out = lint(run_cli, make_project(case.broken))
    codes = {f["code"] for f in smtp(found)}
    assert codes - {case.code} == case.also, smtp(found)
    at = [f for f in found if f["code"] == case.code]
    [finding] = [f for f in at if f"{f['path']}:{f['line']}" == case.where] or [at]
    for text in case.says:
        assert text in finding["message"], finding["message"]
    for secret in case.hidden:
        assert secret not in out
    fixed_root = tmp_path / "fixed"
    for rel, text in case.fixed.items():
        (fixed_root / rel).parent.mkdir(parents=True, exist_ok=True)
        (fixed_root / rel).write_text(text)
    fixed, _ = lint(run_cli, fixed_root)
    assert [f for f in fixed if f["code"] == case.code] == []


def test_the_ses_password_shape_is_reported_without_the_password(
    run_cli: RunCli, make_project: MakeProject
) -> None:
    root = make_project(
        docmost(
            DOCMOST_DOTENV.replace(PASSWORD, SES_SECRET),
            SMTP_HOST="email-smtp.eu-west-1.amazonaws.com",
            SMTP_USERNAME="AKIAIOSFODNN7EXAMPLE",
        )
    )
    found, out = lint(run_cli, root)
    [finding] = [f for f in found if f["code"] == "SMTP010"]
    assert (finding["path"], finding["line"]) == (".env", 3)
    assert "IAM secret access key (40 characters)" in finding["message"]
    assert SES_SECRET not in out


def test_placeholder_password_is_named_by_its_shape(
    run_cli: RunCli, make_project: MakeProject
) -> None:
    root = make_project(docmost(DOCMOST_DOTENV.replace(PASSWORD, "your_password")))
    found, _ = lint(run_cli, root)
    [finding] = [f for f in found if f["code"] == "SMTP014"]
    assert (finding["path"], finding["line"]) == (".env", 3)
    assert "SMTP_PASSWORD 'your…' (13 chars) (.env:3)" in finding["message"]
    assert "your_password" not in finding["message"]


def test_bare_list_key_that_resolves_to_nothing(run_cli: RunCli, make_project: MakeProject) -> None:
    compose = (
        "services:\n  docmost:\n    image: docmost/docmost:0.95.0\n    environment:\n"
        "      - APP_URL=https://docs.acme-corp.io\n      - MAIL_DRIVER=smtp\n"
        "      - SMTP_USERNAME=docmost@mg.acme-corp.io\n      - SMTP_PASSWORD=Zq8pLm2vXr4t\n"
        "      - SMTP_HOST\n      - MAIL_FROM_ADDRESS=docs@acme-corp.io\n"
    )
    found, _ = lint(run_cli, make_project({"docker-compose.yml": compose}))
    [finding] = [f for f in found if f["code"] == "SMTP020"]
    assert (finding["path"], finding["line"], finding["key"]) == (
        "docker-compose.yml",
        9,
        "SMTP_HOST",
    )
    assert "declared bare" in finding["message"]
    assert "Compose removes it" in finding["message"]


def test_network_mode_host_is_not_container_local(
    run_cli: RunCli, make_project: MakeProject
) -> None:
    root = make_project(
        docmost(
            SMTP_HOST="127.0.0.1",
            SMTP_USERNAME=None,
            SMTP_PASSWORD=None,
            service_extra="    network_mode: host\n",
        )
    )
    found, _ = lint(run_cli, root)
    assert "SMTP007" not in {f["code"] for f in found}


# -- supersedes: one pitfall, one finding -----------------------------------------------------

SUPERSEDED = {
    # DOC005 says 465 without SMTP_SECURE in Docmost's words: no SMTP001 as well.
    "DOC005": (docmost(SMTP_PORT="465"), "SMTP001"),
    "DOC006": (docmost(SMTP_SECURE='"true"'), "SMTP002"),
    "WGD003": (wgd(port="465", encryption="STARTTLS"), "SMTP001"),
    "WGD003 (IMPLICITTLS on 587)": (wgd(port="587"), "SMTP002"),
    "WGD001": (wgd(port="587", encryption="TLS"), "SMTP004"),
    "WGD004": (wgd("v4.2.1", server="smtp.resend.com", username="resend"), "SMTP021"),
    "WGD012": (wgd(server="smtp.postmarkapp.com", port="567", encryption="STARTTLS"), "SMTP003"),
    "WGD020": (wgd(server="10.0.0.5", port="587", encryption="STARTTLS"), "SMTP006"),
    "DOC019": (docmost(SMTP_HOST="host.docker.internal"), "SMTP006"),
    "DOC011": (docmost(SMTP_IGNORE_TLS='"true"'), "SMTP023"),
    "DOC009": (docmost(SMTP_USERNAME="${SMTP_USER}"), "SMTP020"),
}


@pytest.mark.parametrize("name", sorted(SUPERSEDED))
def test_app_rule_supersedes_the_generic_one(
    run_cli: RunCli, make_project: MakeProject, name: str
) -> None:
    files, generic = SUPERSEDED[name]
    found, _ = lint(run_cli, make_project(files))
    codes = {f["code"] for f in found}
    assert name.split()[0] in codes, found
    assert generic not in codes, found


def test_quoted_list_value_is_reported_once(run_cli: RunCli, make_project: MakeProject) -> None:
    compose = (
        "services:\n  docmost:\n    image: docmost/docmost:0.95.0\n    environment:\n"
        "      - MAIL_DRIVER=smtp\n      - SMTP_HOST=smtp.eu.mailgun.org\n"
        '      - SMTP_PORT="587"\n'
    )
    found, _ = lint(run_cli, make_project({"docker-compose.yml": compose}))
    codes = [f["code"] for f in found]
    assert "DOC007" in codes
    assert "SMTP018" not in codes


def test_app_dotenv_dollar_is_docmosts_rule(run_cli: RunCli, make_project: MakeProject) -> None:
    files = docmost(SMTP_PASSWORD=None, service_extra="")
    files["docker-compose.yml"] = files["docker-compose.yml"].replace(
        "      - docmost:/app/data/storage\n",
        "      - docmost:/app/data/storage\n      - ./docmost.env:/app/.env:ro\n",
    )
    files["docmost.env"] = "SMTP_PASSWORD=Xy7$Tq9w2Lp!\n"
    found, _ = lint(run_cli, make_project(files))
    codes = [f["code"] for f in found]
    assert "DOC017" in codes
    assert "SMTP017" not in codes


# -- rules no app plugin shows today: a test app whose Transport comes from compose keys ------


def _relay_plugin() -> object:
    from mail_lint import (
        AppSpec,
        DotenvDialect,
        Field,
        FileFormat,
        SettingsFile,
        TlsMode,
        Transport,
        TransportKind,
        hookimpl,
    )

    class Relay:
        @hookimpl
        def mail_lint_apps(self) -> Sequence[AppSpec]:
            return [
                AppSpec(
                    name="relayapp",
                    title="RelayApp",
                    code_prefix="RLY",
                    images=("acme/relayapp",),
                    settings_files=(
                        SettingsFile(
                            patterns=("relay.env",),
                            format=FileFormat.DOTENV,
                            dialect=DotenvDialect.NODE,
                            container_paths=("/app/.env",),
                        ),
                    ),
                    keys=("RELAY_HOST", "RELAY_VERIFY", "RELAY_PASSWORD", "MAIL_ENCRYPTION"),
                    secret_keys=("RELAY_PASSWORD",),
                )
            ]

        @hookimpl
        def mail_lint_interpret(self, instance: Any) -> Sequence[Transport] | None:
            if instance.app.name != "relayapp":
                return None
            host = instance.setting("RELAY_HOST")
            verify = instance.setting("RELAY_VERIFY")
            return [
                Transport(
                    app="relayapp",
                    kind=Field(TransportKind.SMTP),
                    host=Field(host.value if host else None, (host,) if host else ()),
                    port=Field(587),
                    tls=Field(TlsMode.STARTTLS_OPPORTUNISTIC),
                    verify_certificate=Field(
                        not (verify and verify.value == "false"), (verify,) if verify else ()
                    ),
                )
            ]

    return Relay()


def _relay_lint(root: Path) -> list[Any]:
    from mail_lint.engine import RunOptions, run
    from mail_lint.pluginhost import PluginHost

    host = PluginHost.create(load_entry_points=False, extra_plugins=[("relay", _relay_plugin())])
    return list(run(host, RunOptions(paths=(root,))).findings)


RELAY_COMPOSE = """\
services:
  relay:
    image: acme/relayapp:1.2.0
    environment:
      RELAY_HOST: smtp.eu.mailgun.org
      RELAY_VERIFY: "{verify}"
      MAIL_ENCRPYTION: tls
    volumes:
      - ./relay.env:/app/.env:ro
"""


def test_certificate_verification_turned_off(make_project: MakeProject, tmp_path: Path) -> None:
    broken = make_project({"compose.yaml": RELAY_COMPOSE.format(verify="false")})
    [finding] = [f for f in _relay_lint(broken) if f.code == "SMTP005"]
    assert (finding.location.path.name, finding.location.line) == ("compose.yaml", 6)
    assert "RELAY_VERIFY=false (compose.yaml:6) turns off certificate verification" in (
        finding.message
    )
    fixed = tmp_path / "fixed"
    fixed.mkdir()
    (fixed / "compose.yaml").write_text(RELAY_COMPOSE.format(verify="true"))
    assert [f for f in _relay_lint(fixed) if f.code == "SMTP005"] == []


def test_key_typo_suggests_the_key(make_project: MakeProject) -> None:
    root = make_project({"compose.yaml": RELAY_COMPOSE.format(verify="true")})
    [finding] = [f for f in _relay_lint(root) if f.code == "SMTP023"]
    assert finding.location.line == 7
    assert (
        finding.message == "RelayApp does not read MAIL_ENCRPYTION: did you mean MAIL_ENCRYPTION?"
    )


def test_app_dotenv_dollar_for_an_app_without_its_own_rule(
    make_project: MakeProject, tmp_path: Path
) -> None:
    compose = RELAY_COMPOSE.format(verify="true")
    broken = make_project({"compose.yaml": compose, "relay.env": "RELAY_PASSWORD=Xy7$Tq9w2Lp!\n"})
    [finding] = [f for f in _relay_lint(broken) if f.code == "SMTP017"]
    assert (finding.location.path.name, finding.location.line) == ("relay.env", 1)
    assert "$Tq9w2Lp in RELAY_PASSWORD" in finding.message
    assert "Xy7" not in finding.message.replace("'Xy7$…'", "")
    fixed = tmp_path / "fixed"
    fixed.mkdir()
    (fixed / "compose.yaml").write_text(compose)
    (fixed / "relay.env").write_text("RELAY_PASSWORD=Xy7\\$Tq9w2Lp!\n")
    assert [f for f in _relay_lint(fixed) if f.code == "SMTP017"] == []


def test_list_form_quotes_for_an_app_without_its_own_rule(make_project: MakeProject) -> None:
    compose = (
        "services:\n  relay:\n    image: acme/relayapp:1.2.0\n    environment:\n"
        '      - RELAY_HOST="smtp.eu.mailgun.org"\n'
    )
    [finding] = [
        f for f in _relay_lint(make_project({"compose.yaml": compose})) if f.code == "SMTP018"
    ]
    assert finding.location.line == 5
    assert 'RELAY_HOST="smtp.eu.mailgun.org": Compose keeps the quotes' in finding.message


# -- the rule table and the provider table ---------------------------------------------------


def test_rules_are_well_formed_and_numbered() -> None:
    assert [r.problems() for r in RULES] == [[] for _ in RULES]
    assert [r.code for r in RULES] == [f"SMTP{n:03d}" for n in range(1, len(RULES) + 1)]
    assert len({r.name for r in RULES}) == len(RULES)
    assert all(r.app is None for r in RULES)


def test_every_rule_has_a_test() -> None:
    tested = {c.code for c in CASES.values()} | {"SMTP005", "SMTP017", "SMTP018", "SMTP023"}
    assert tested == {r.code for r in RULES}


@pytest.mark.parametrize(
    ("host", "provider"),
    [
        ("smtp.resend.com", "resend"),
        ("SMTP.SendGrid.net.", "sendgrid"),
        ("email-smtp.us-east-1.amazonaws.com", "ses"),
        ("email-smtp.amazonaws.com", None),
        ("smtp.eu.mailgun.org", "mailgun"),
        ("mail-eu.smtp2go.com", "smtp2go"),
        ("smtp.acme-corp.io", None),
    ],
)
def test_provider_lookup(host: str, provider: str | None) -> None:
    found = provider_for(host)
    assert (found.name if found else None) == provider


def test_provider_table_facts() -> None:
    by_name = {p.name: p for p in PROVIDERS}
    assert by_name["postmark"].implicit_ports == frozenset()
    assert by_name["smtp2go"].implicit_ports == {465, 8465, 443}
    assert {p.fixed_username for p in PROVIDERS} - {None} == {"resend", "apikey", "api"}
    assert {p.name for p in PROVIDERS if p.sender_owned} == {
        "gmail",
        "microsoft365",
        "outlook",
        "zoho",
        "fastmail",
        "icloud",
    }
    assert catcher_name("mailpit") == "Mailpit"
    assert catcher_name("sandbox.smtp.mailtrap.io") == "Mailtrap sandbox (Email Testing)"
    assert catcher_name("smtp.acme-corp.io") is None


@pytest.mark.parametrize(
    ("a", "b", "near"),
    [
        ("MAIL_ENCRPYTION", "MAIL_ENCRYPTION", True),
        ("SMTP_IGNORE_TLS", "SMTP_IGNORETLS", True),
        ("SMTP_HOTS", "SMTP_HOST", True),
        ("SMTP_HOST", "SMTP_PORT", False),
    ],
)
def test_one_edit(a: str, b: str, near: bool) -> None:
    assert _one_edit(a, b) is near
