#!/usr/bin/env python3
"""Generate a realistic, deterministic benchmark corpus of self-hosted mail configurations.

    python benchmarks/generate.py OUT_DIR --projects N [--seed S]

writes N Compose projects ``OUT_DIR/p00001-bookstack/``, ``p00002-docmost/``, ... rotating over
the five apps mail-lint knows (BookStack, Docmost, Plausible CE, WGDashboard, Listmonk), and
``OUT_DIR/MANIFEST.json`` describing them. Every project is what a self-hoster keeps next to a
deployment: ``docker-compose.yml`` (the app, its database, Redis or ClickHouse where the app
uses them, sometimes a Caddy proxy; healthchecks, networks, ``x-`` anchors and merge keys),
``docker-compose.override.yml`` (local ports, a pinned tag, extra variables), the project
``.env`` that ``${VAR}`` interpolation reads, one or two ``env_file:`` targets, and the app's own
settings file bind-mounted where the image reads it (BookStack's Laravel ``.env`` under the
linuxserver ``/config`` volume, Docmost's ``/app/.env``, ``wg-dashboard.ini``, Listmonk's
``config.toml``; some Listmonk projects also keep a settings export of ``GET /api/settings``).

About 60 % of the projects are configured correctly for one of a dozen SMTP providers; the
others carry exactly one realistic mistake of a class mail-lint's rules catch (a TLS mode that
does not fit the port, Docmost without ``MAIL_DRIVER``, a BookStack queue nobody works, a
placeholder sender, an unset variable, a ``$`` Compose eats, quotes kept by list syntax, ...).
The manifest names each project's mistake and the rule codes it should produce.

The keys, defaults and image layouts follow ``shared/reference/apps-*.md`` and the official
examples in ``shared/corpus/``. Secrets are random tokens shaped like the real ones; none is
real. Domains are made-up organisation names on ordinary TLDs.

Determinism: project ``k`` is generated from its own ``random.Random`` seeded with
``seed * 1_000_003 + k``, so it is byte-identical whatever ``N`` is, and two seeds do not share
projects. Standard library only.
"""

from __future__ import annotations

import argparse
import base64
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from random import Random
from typing import Any, TypeVar

T = TypeVar("T")

GENERATOR_VERSION = 1
APPS = ("bookstack", "docmost", "plausible", "wgdashboard", "listmonk")
#: Share of projects that carry one mistake.
BROKEN_SHARE = 0.4
#: Keeps the per-project streams of two seeds apart.
_SEED_STRIDE = 1_000_003


# ----------------------------------------------------------------------------------------------
# The project being built


@dataclass
class Project:
    """One generated project: its files and what it is meant to show."""

    app: str
    files: dict[str, str] = field(default_factory=dict)
    compose_files: list[str] = field(default_factory=list)
    env_files: list[str] = field(default_factory=list)
    settings_files: list[str] = field(default_factory=list)
    #: ``None`` for a correct configuration, else the name of its one mistake.
    mistake: str | None = None
    #: Rule codes the configuration should produce (its mistake's, and justified ones).
    expect: list[str] = field(default_factory=list)

    def add(self, path: str, text: str) -> None:
        self.files[path] = text if text.endswith("\n") else text + "\n"


# ----------------------------------------------------------------------------------------------
# Randomness helpers (fast: secrets come from randbytes, not per-character choices)


def pick(r: Random, items: Sequence[T]) -> T:
    """One of ``items`` (one ``random()`` call: cheaper than ``Random.choice``)."""
    return items[int(r.random() * len(items))]


def weighted(r: Random, pairs: Sequence[tuple[T, int]]) -> T:
    """One item of ``(item, weight)`` pairs."""
    total = sum(w for _, w in pairs)
    x = r.random() * total
    for item, w in pairs:
        x -= w
        if x < 0:
            return item
    return pairs[-1][0]


def chance(r: Random, p: float) -> bool:
    return r.random() < p


def hexs(r: Random, n: int) -> str:
    return r.randbytes((n + 1) // 2).hex()[:n]


def alnum(r: Random, n: int) -> str:
    raw = base64.b64encode(r.randbytes(n)).decode()
    return raw.replace("+", "k").replace("/", "Q").replace("=", "")[:n]


def b64(r: Random, nbytes: int) -> str:
    return base64.b64encode(r.randbytes(nbytes)).decode()


def urlsafe(r: Random, n: int) -> str:
    return base64.urlsafe_b64encode(r.randbytes(n)).decode().replace("=", "")[:n]


def upper_alnum(r: Random, n: int) -> str:
    return base64.b32encode(r.randbytes(n)).decode().replace("=", "")[:n]


def lower_letters(r: Random, n: int) -> str:
    return "".join(chr(97 + b % 26) for b in r.randbytes(n))


def uuid4(r: Random) -> str:
    h = hexs(r, 32)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) % 4]}{h[17:20]}-{h[20:32]}"


def password(r: Random, n: int | None = None) -> str:
    """A strong password of the kind a password manager makes (no ``$ # % & | \\ ' \"``)."""
    n = n or pick(r, (16, 20, 24, 28, 32))
    base = list(alnum(r, n))
    for _ in range(pick(r, (0, 1, 2, 3))):
        base[int(r.random() * n)] = pick(r, ("-", "_", ".", "!", "@", "^", "~", "+", "="))
    if not base[0].isalnum():
        base[0] = "x"
    return "".join(base)


# ----------------------------------------------------------------------------------------------
# Vocabulary

_ORG_A = (
    "northwind", "bluepeak", "harbor", "kestrel", "lumen", "tallgrass", "copperleaf",
    "brightwater", "ironbark", "meadowlark", "quillon", "redfern", "saltmarsh", "silverline",
    "stonebridge", "thornfield", "upland", "westmoor", "alder", "birchwood", "cedarline",
    "driftwood", "elmstead", "foxglove", "granite", "juniper", "larkspur", "marigold",
    "oakridge", "pinecrest", "rowan", "sparrow", "tidewater", "vantage", "wrenfield", "zephyr",
    "ashgrove", "bramble", "coldbrook", "dunmore", "emberly", "fjordline", "greywell", "hazel",
)  # fmt: skip
_ORG_B = (
    "labs", "works", "systems", "collective", "studio", "group", "digital", "health", "legal",
    "media", "robotics", "bikes", "coffee", "farm", "school", "clinic", "events", "ventures",
    "analytics", "press", "cycling", "foundation", "partners", "software", "energy", "logistics",
)  # fmt: skip
_TLDS = (
    "com", "com", "com", "net", "org", "io", "io", "dev", "de", "nl", "fr", "co.uk", "se",
    "ch", "be", "eu", "app", "cloud", "at", "dk", "no", "fi", "ie", "es", "it", "pl",
)  # fmt: skip
_TZS = (
    "Europe/Berlin", "Europe/Amsterdam", "Europe/London", "Europe/Paris", "Europe/Zurich",
    "Europe/Stockholm", "America/New_York", "America/Chicago", "America/Los_Angeles",
    "America/Toronto", "Asia/Singapore", "Australia/Sydney", "Etc/UTC", "UTC", "Europe/Vienna",
)  # fmt: skip
_FIRST = (
    "anna", "ben", "chris", "dana", "elif", "finn", "greta", "hugo", "ines", "jonas",
    "kim", "lea", "mats", "nora", "omar", "paula", "rui", "sara", "tomas", "vera",
)  # fmt: skip
_LAST = (
    "berg", "costa", "dekker", "eriksen", "fischer", "garcia", "hansen", "ivanova",
    "jansen", "kovac", "lindqvist", "moreau", "novak", "olsen", "peters", "quinn",
)  # fmt: skip
_SES_REGIONS = ("us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "eu-north-1",
                "ap-southeast-2", "ca-central-1")  # fmt: skip


@dataclass
class Site:
    """Who runs the project."""

    org: str
    domain: str
    tz: str
    admin: str

    def host(self, label: str) -> str:
        return f"{label}.{self.domain}"


def make_site(r: Random) -> Site:
    a, b = pick(r, _ORG_A), pick(r, _ORG_B)
    sep = pick(r, ("", "-", ""))
    domain = f"{a}{sep}{b}.{pick(r, _TLDS)}"
    org = f"{a.capitalize()} {b.capitalize()}"
    admin = f"{pick(r, _FIRST)}.{pick(r, _LAST)}@{domain}"
    return Site(org, domain, pick(r, _TZS), admin)


# ----------------------------------------------------------------------------------------------
# SMTP providers


@dataclass
class Mail:
    """One SMTP relay configuration, as a person would copy it from the provider's docs."""

    provider: str
    host: str
    port: int
    implicit: bool
    user: str | None
    password: str | None
    sender: str
    sender_name: str

    @property
    def auth(self) -> bool:
        return bool(self.user and self.password)


#: (provider, weight). ``m365`` is correct today but mail-lint warns (SMTP012) about its
#: Basic-auth retirement: that warning is expected, hence the small weight.
PROVIDERS = (
    ("sendgrid", 12), ("mailgun", 12), ("postmark", 10), ("ses", 12), ("brevo", 9),
    ("resend", 10), ("gmail", 9), ("m365", 4), ("relay", 12), ("mailjet", 5), ("zoho", 3),
)  # fmt: skip
#: Implicit-TLS port and STARTTLS ports per provider (from the providers' documentation).
_PORTS = {
    "sendgrid": ((465,), (587, 587, 2525)),
    "mailgun": ((465,), (587, 587, 2525)),
    "postmark": ((), (587, 587, 2525)),
    "ses": ((465,), (587, 587, 2587)),
    "brevo": ((465,), (587, 587, 2525)),
    "resend": ((465,), (587, 2587)),
    "gmail": ((465,), (587,)),
    "m365": ((), (587,)),
    "relay": ((465,), (587,)),
    "mailjet": ((465,), (587,)),
    "zoho": ((465,), (587,)),
}


def make_mail(
    r: Random,
    site: Site,
    local: str,
    name: str,
    *,
    provider: str | None = None,
    implicit: bool | None = None,
) -> Mail:
    """A correct configuration for a provider (random unless given)."""
    prov = provider or weighted(r, PROVIDERS)
    implicit_ports, starttls_ports = _PORTS[prov]
    if implicit is None:
        implicit = bool(implicit_ports) and chance(r, 0.3)
    if implicit and not implicit_ports:
        implicit = False
    port = pick(r, implicit_ports) if implicit else pick(r, starttls_ports)
    sender = f"{local}@{site.domain}"
    user: str | None
    pw: str | None
    if prov == "sendgrid":
        host, user = "smtp.sendgrid.net", "apikey"
        pw = f"SG.{urlsafe(r, 22)}.{urlsafe(r, 43)}"
    elif prov == "mailgun":
        host = pick(r, ("smtp.mailgun.org", "smtp.mailgun.org", "smtp.eu.mailgun.org"))
        mg = f"mg.{site.domain}"
        user = f"{pick(r, ('postmaster', local, 'mailer'))}@{mg}"
        pw = f"{hexs(r, 32)}-{hexs(r, 8)}-{hexs(r, 8)}"
        if chance(r, 0.5):
            sender = f"{local}@{mg}"
    elif prov == "postmark":
        host = "smtp.postmarkapp.com"
        user = pw = uuid4(r)
    elif prov == "ses":
        host = f"email-smtp.{pick(r, _SES_REGIONS)}.amazonaws.com"
        user = "AKIA" + upper_alnum(r, 16)
        pw = "B" + b64(r, 33)[:43]
    elif prov == "brevo":
        host = "smtp-relay.brevo.com"
        user = f"{hexs(r, 6)}{int(r.random() * 900) + 100:03d}@smtp-brevo.com"
        pw = f"xsmtpsib-{hexs(r, 64)}-{alnum(r, 16)}"
    elif prov == "resend":
        host, user = "smtp.resend.com", "resend"
        pw = f"re_{alnum(r, 8)}_{alnum(r, 24)}"
    elif prov == "gmail":
        host = "smtp.gmail.com"
        if chance(r, 0.5):
            user = f"{pick(r, _FIRST)}.{pick(r, _LAST)}{int(r.random() * 90) + 10}@gmail.com"
        else:
            user = f"{pick(r, ('it', 'ops', 'admin', 'noreply', local))}@{site.domain}"
        letters = lower_letters(r, 16)
        pw = letters if chance(r, 0.5) else " ".join(letters[i : i + 4] for i in (0, 4, 8, 12))
        sender = user
    elif prov == "m365":
        host = "smtp.office365.com"
        user = f"{pick(r, ('noreply', 'notifications', local))}@{site.domain}"
        pw = password(r)
        sender = user
    elif prov == "zoho":
        host = pick(r, ("smtp.zoho.eu", "smtp.zoho.com", "smtppro.zoho.eu", "smtppro.zoho.com"))
        user = f"{local}@{site.domain}"
        pw = alnum(r, 12)
        sender = user
    elif prov == "mailjet":
        host = "in-v3.mailjet.com"
        user, pw = hexs(r, 32), hexs(r, 32)
    else:  # a self-hosted relay (Postfix, Mailcow, Stalwart...) of the organisation
        host = f"{pick(r, ('smtp', 'mail', 'mx1', 'relay', 'mailout'))}.{site.domain}"
        if chance(r, 0.8):
            user, pw = f"{local}@{site.domain}", password(r)
        else:
            user = pw = None
    return Mail(prov, host, port, implicit, user, pw, sender, name)


#: Providers that only send as the logged-in mailbox (SMTP022 for any other From).
SENDER_OWNED = ("gmail", "m365", "zoho")


def other_provider(r: Random) -> str:
    """A provider that does not tie the From to the login (for sender mistakes)."""
    return weighted(r, tuple((n, w) for n, w in PROVIDERS if n not in SENDER_OWNED))


def ensure_auth(r: Random, mail: Mail, site: Site, local: str) -> None:
    """Give a relay without login one (mistakes about the password need a password)."""
    if not mail.auth:
        mail.user, mail.password = f"{local}@{site.domain}", password(r)


def justify(p: Project, mail: Mail) -> None:
    """Record the findings a correct configuration for this provider still (rightly) gets:
    Microsoft 365 with a password is warned about Basic-auth retirement (SMTP012)."""
    if mail.provider == "m365" and mail.auth:
        p.expect.append("SMTP012")


# ----------------------------------------------------------------------------------------------
# Text formats

_YAML_WORDS = {
    "true", "false", "yes", "no", "on", "off", "y", "n", "null", "none", "~",
}  # fmt: skip
_PLAIN_OK = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./@+=-:${}")


def yaml_plain_ok(text: str) -> bool:
    if not text or text.lower() in _YAML_WORDS:
        return False
    if text.isdigit():
        return text[0] != "0" or text == "0"
    if not (text[0].isalpha() or text[0] in "/$_"):
        return False
    if text[0] == "$" and not text.startswith("${"):
        return False
    if text.endswith(":") or ": " in text or " #" in text:
        return False
    return all(c in _PLAIN_OK or c == " " for c in text) and text == text.strip()


def yq(text: str, style: str) -> str:
    """A YAML scalar: plain where safe (``style`` ``plain``), else in the project's quotes."""
    if style == "plain" and yaml_plain_ok(text):
        return text
    if style == "plain" and text.isdigit():
        return f'"{text}"'
    if style == "single" or (style == "plain" and "\\" in text):
        return "'" + text.replace("'", "''") + "'"
    if text.isdigit() and style == "double":
        return text  # ports stay numbers in most files
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def compose_literal(text: str) -> str:
    """A literal value written in a compose file: ``$`` is doubled."""
    return text.replace("$", "$$")


def dotenv_line(key: str, value: str, dialect: str = "compose") -> str:
    """``KEY=value`` quoted the way a careful person quotes for that reader."""
    needs = any(c in value for c in " #\"'") or value == ""
    if dialect == "laravel" and any(c in value for c in "#"):
        needs = True
    if not needs:
        return f"{key}={value}"
    if value == "":
        return f"{key}="
    if '"' in value and "'" not in value:
        return f"{key}='{value}'"
    return f'{key}="{value}"'


# ----------------------------------------------------------------------------------------------
# Compose building blocks


@dataclass
class Env:
    """The environment of one service, in the order and form it is written."""

    items: list[tuple[str, str | None, str | None]] = field(default_factory=list)

    def set(self, key: str, value: str | None, comment: str | None = None) -> None:
        self.items.append((key, value, comment))

    def keys(self) -> list[str]:
        return [k for k, _, _ in self.items]


def env_lines(
    env: Env, form: str, indent: str, style: str, *, keep_quotes: tuple[str, ...] = ()
) -> list[str]:
    """``environment:`` entries. ``form`` is ``map`` or ``list``; ``keep_quotes`` lists keys
    written ``- KEY="value"`` in list form (the quotes reach the container)."""
    out = []
    for key, value, comment in env.items:
        tail = f"  # {comment}" if comment else ""
        if form == "list":
            if value is None:
                out.append(f"{indent}- {key}{tail}")
            elif key in keep_quotes:
                out.append(f'{indent}- {key}="{value}"{tail}')
            else:
                item = f"{key}={value}"
                if yaml_plain_ok(item) or (
                    " #" not in item and ": " not in item and not item.endswith(":")
                ):
                    out.append(f"{indent}- {item}{tail}")
                else:
                    out.append(f"{indent}- {yq(item, 'double')}{tail}")
        elif value is None:
            out.append(f"{indent}{key}:{tail}")
        else:
            out.append(f"{indent}{key}: {yq(value, style)}{tail}")
    return out


@dataclass
class Service:
    name: str
    lines: list[str]


@dataclass
class Compose:
    """A compose file being assembled: header, extension fields, services, top-level keys."""

    header: list[str] = field(default_factory=list)
    xfields: list[str] = field(default_factory=list)
    services: list[Service] = field(default_factory=list)
    volumes: list[str] = field(default_factory=list)
    networks: list[str] = field(default_factory=list)
    name: str | None = None

    def render(self, r: Random) -> str:
        out: list[str] = [*self.header]
        if self.name:
            out.append(f"name: {self.name}")
            out.append("")
        if self.xfields:
            out += self.xfields
            out.append("")
        out.append("services:")
        for i, svc in enumerate(self.services):
            if i:
                out.append("")
            out.append(f"  {svc.name}:")
            out += svc.lines
        if self.volumes:
            out.append("")
            out.append("volumes:")
            out += [f"  {v}:" for v in self.volumes]
        if self.networks:
            out.append("")
            out.append("networks:")
            out += self.networks
        return "\n".join(out) + "\n"


def healthcheck(test: str, r: Random, indent: str = "    ") -> list[str]:
    lines = [f"{indent}healthcheck:", f"{indent}  test: {test}"]
    lines.append(f"{indent}  interval: {pick(r, ('10s', '15s', '30s'))}")
    lines.append(f"{indent}  timeout: {pick(r, ('5s', '10s'))}")
    lines.append(f"{indent}  retries: {pick(r, (3, 5, 6, 10))}")
    if chance(r, 0.5):
        lines.append(f"{indent}  start_period: {pick(r, ('20s', '30s', '1m'))}")
    return lines


@dataclass
class Style:
    """Per-project writing habits."""

    quote: str  # plain | double | single
    anchors: bool  # x- extension fields with anchors and merge keys
    restart: str
    compose_name: str  # docker-compose.yml | compose.yaml | compose.yml
    caddy: bool
    comments: bool

    @property
    def override_name(self) -> str:
        stem, _dot, ext = self.compose_name.rpartition(".")
        return f"{stem}.override.{ext}"


def make_style(r: Random, app: str) -> Style:
    names: tuple[str, ...] = ("docker-compose.yml",) * 6 + ("compose.yaml", "compose.yml")
    if app == "plausible":
        names = ("compose.yml", "compose.yml", "docker-compose.yml")
    return Style(
        quote=pick(r, ("plain", "plain", "double", "single")),
        anchors=chance(r, 0.35),
        restart=pick(r, ("unless-stopped", "unless-stopped", "always", "on-failure")),
        compose_name=pick(r, names),
        caddy=chance(r, 0.3),
        comments=chance(r, 0.6),
    )


def restart_lines(st: Style) -> list[str]:
    if st.anchors:
        return ["    <<: *restart-policy"]
    return [f"    restart: {st.restart}"]


def logging_lines(st: Style) -> list[str]:
    return ["    logging: *default-logging"] if st.anchors else []


def anchor_fields(st: Style, r: Random) -> list[str]:
    if not st.anchors:
        return []
    return [
        "x-logging: &default-logging",
        "  driver: json-file",
        "  options:",
        f'    max-size: "{pick(r, ("10m", "20m", "50m"))}"',
        f'    max-file: "{pick(r, ("3", "5"))}"',
        "",
        "x-restart: &restart-policy",
        f"  restart: {st.restart}",
    ]


def env_file_lines(names: list[str], r: Random, indent: str = "    ") -> list[str]:
    """``env_file:`` as a string, a list, or the long ``path``/``required`` form."""
    shape = pick(r, ("string", "list", "list", "long")) if len(names) == 1 else "list"
    if len(names) > 1 and chance(r, 0.3):
        shape = "long"
    if shape == "string":
        return [f"{indent}env_file: {names[0]}"]
    if shape == "list":
        return [f"{indent}env_file:"] + [f"{indent}  - {pick(r, ('', './'))}{n}" for n in names]
    out = [f"{indent}env_file:"]
    for n in names:
        out += [f"{indent}  - path: ./{n}", f"{indent}    required: true"]
    return out


def caddy_service(st: Style, r: Random, upstream: str) -> Service:
    lines = [
        f"    image: caddy:{pick(r, ('2.8-alpine', '2.9-alpine', '2.10-alpine', '2'))}",
        *restart_lines(st),
        "    ports:",
        '      - "80:80"',
        '      - "443:443"',
    ]
    if chance(r, 0.5):
        lines.append('      - "443:443/udp"')
    lines += [
        "    volumes:",
        "      - ./Caddyfile:/etc/caddy/Caddyfile:ro",
        "      - caddy_data:/data",
        "      - caddy_config:/config",
        "    depends_on:",
        f"      - {upstream}",
        *logging_lines(st),
    ]
    return Service("caddy", lines)


def caddyfile(host: str, upstream: str, r: Random, admin: str) -> str:
    lines = []
    if chance(r, 0.5):
        lines += ["{", f"\temail {admin}", "}", ""]
    lines += [f"{host} {{", "\tencode zstd gzip"]
    if chance(r, 0.4):
        lines.append('\theader Strict-Transport-Security "max-age=31536000;"')
    lines += [f"\treverse_proxy {upstream}", "}"]
    return "\n".join(lines) + "\n"


def dotenv_file(sections: list[tuple[str | None, list[str]]]) -> str:
    """A dotenv file from ``(comment, lines)`` sections."""
    out: list[str] = []
    for comment, lines in sections:
        if not lines:
            continue
        if out:
            out.append("")
        if comment:
            out += [f"# {c}" if c else "#" for c in comment.split("\n")]
        out += lines
    return "\n".join(out) + "\n"


# ----------------------------------------------------------------------------------------------
# Override files


@dataclass
class OverrideParts:
    """What a project's override file changes, per service."""

    services: dict[str, list[str]] = field(default_factory=dict)
    env: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    env_form: str = "map"
    extra_services: list[Service] = field(default_factory=list)
    header: list[str] = field(default_factory=list)

    def add(self, service: str, lines: list[str]) -> None:
        self.services.setdefault(service, []).extend(lines)

    def set_env(self, service: str, key: str, value: str) -> None:
        self.services.setdefault(service, [])
        self.env.setdefault(service, []).append((key, value))

    def render(self) -> str:
        out = [*self.header, "services:"]
        first = True
        for name, lines in self.services.items():
            if not first:
                out.append("")
            first = False
            out.append(f"  {name}:")
            env = self.env.get(name)
            if env:
                out.append("    environment:")
                if self.env_form == "map":
                    out += [f"      {k}: {yq(v, 'double')}" for k, v in env]
                else:
                    out += [f"      - {k}={v}" for k, v in env]
            out += lines
        for svc in self.extra_services:
            out.append("")
            out.append(f"  {svc.name}:")
            out += svc.lines
        return "\n".join(out) + "\n"


_OVERRIDE_HEADERS: tuple[list[str], ...] = (
    ["# Local overrides for this host. Compose merges this file automatically."],
    ["# docker-compose.override.yml: host-specific settings, not part of the upstream file"],
    ["# Overrides for the production VM (ports behind the proxy, pinned tags)"],
    [],
)


def override_common(
    r: Random,
    ov: OverrideParts,
    app_service: str,
    port_line: str | None,
    extra_env: list[tuple[str, str]],
) -> None:
    """Realistic, mail-neutral local changes: ports, extra variables, labels, limits."""
    ov.header = list(pick(r, _OVERRIDE_HEADERS))
    done = False
    if port_line and chance(r, 0.5):
        tag = " !override" if chance(r, 0.5) else ""
        ov.add(app_service, [f"    ports:{tag}", f'      - "{port_line}"'])
        done = True
    ov.env_form = pick(r, ("map", "list"))
    if extra_env and (chance(r, 0.5) or not done):
        for k, v in extra_env:
            ov.set_env(app_service, k, v)
        done = True
    if chance(r, 0.3):
        ov.add(
            app_service,
            [
                "    deploy:",
                "      resources:",
                "        limits:",
                f"          memory: {pick(r, ('512M', '768M', '1G', '2G'))}",
            ],
        )
    if chance(r, 0.25) or not done:
        ov.add(
            app_service,
            [
                "    labels:",
                f'      com.centurylinklabs.watchtower.enable: "{pick(r, ("true", "false"))}"',
            ],
        )


# ----------------------------------------------------------------------------------------------
# Mistakes: name -> codes mail-lint should report (checked against real runs).

MISTAKES: dict[str, dict[str, tuple[str, ...]]] = {
    "bookstack": {
        "queue-without-worker": ("BKS001",),
        "queue-only-in-app-dotenv": ("BKS002",),
        "laravel-mail-mailer-key": ("BKS003",),
        "mail-driver-uppercase": ("BKS004",),
        "placeholder-from": ("BKS006",),
        "mail-in-project-dotenv-only": ("BKS007", "BKS017"),
        "hash-in-app-dotenv-password": ("BKS010",),
        "encryption-uppercase": ("BKS012",),
        "dotenv-mounted-into-solidnerd": ("BKS018", "BKS017"),
        "app-url-localhost": ("BKS009",),
        "localhost-smtp-host": ("SMTP007", "BKS015"),
        "implicit-port-2465": ("BKS011",),
        "dollar-in-compose-password": ("SMTP016",),
        # The .env defines MAIL_PASS, which never reaches the container (BKS007).
        "unset-password-variable": ("SMTP020", "BKS007"),
        "sendgrid-username-not-apikey": ("SMTP008",),
        "postmark-port-465": ("SMTP003",),
        "mail-catcher-in-override": ("SMTP013",),
        "encryption-key-typo": ("SMTP023",),
    },
    "docmost": {
        "missing-mail-driver": ("DOC001",),
        "smtp-secure-not-boolean": ("DOC004",),
        "port-465-without-secure": ("DOC005",),
        "secure-on-port-587": ("DOC006",),
        "quotes-kept-in-list-env": ("DOC007",),
        "missing-from-address": ("DOC010",),
        "ignore-tls-key-typo": ("DOC011",),
        "postmark-without-token": ("DOC018",),
        "app-url-localhost": ("DOC015",),
        "dollar-in-app-dotenv": ("DOC017",),
        "redis-host-not-in-project": ("DOC013",),
        "dollar-in-compose-password": ("SMTP016",),
        # DOC009 (user name without password) supersedes SMTP020 for Docmost.
        "unset-password-variable": ("DOC009",),
        "resend-username-not-resend": ("SMTP008",),
        "placeholder-from": ("SMTP015",),
        "localhost-smtp-host": ("SMTP007", "DOC019"),
        "mail-catcher-in-override": ("SMTP013", "DOC019"),
    },
    "plausible": {
        "mailer-adapter-typo": ("PLA001",),
        "mailgun-adapter-without-domain": ("PLA002",),
        "ssl-on-port-587": ("PLA003",),
        "port-465-without-ssl": ("PLA004",),
        "invalid-boolean": ("PLA005",),
        "half-set-auth": ("PLA008",),
        "mailer-email-display-name": ("PLA010",),
        "mail-vars-not-passed": ("PLA011", "PLA014"),
        "direct-delivery": ("PLA014",),
        "base-url-without-scheme": ("PLA015",),
        "base-url-localhost": ("PLA016",),
        "env-file-value-unset-by-passthrough": ("PLA014",),
        "dollar-in-env-file-password": ("SMTP016",),
        # PLA023 (sender not on the login's domain) supersedes SMTP022 for Plausible.
        "gmail-sender-not-owned": ("PLA023",),
        "ses-secret-key-as-password": ("SMTP010",),
    },
    "wgdashboard": {
        "encryption-tls-from-readme": ("WGD001",),
        "implicittls-on-old-image": ("WGD002",),
        "port-465-with-starttls": ("WGD003",),
        # ... which WGDashboard reads as true, so it is not ready without a login (WGD014).
        "auth-required-capitalised": ("WGD005", "WGD014"),
        "quoted-ini-value": ("WGD008", "SMTP021"),
        "inline-comment-in-ini": ("WGD009",),
        "ampersand-in-env-password": ("WGD010",),
        "port-567-from-docs": ("WGD012",),
        "missing-send-from": ("WGD014",),
        "email-env-on-old-image": ("WGD015",),
        "uppercase-email-variables": ("WGD017",),
        "placeholder-sender": ("SMTP015",),
        "sendgrid-username-not-apikey": ("SMTP008",),
    },
    "listmonk": {
        "optin-confirmation-off": ("LMK001",),
        "tls-on-port-587": ("LMK002",),
        "tls-type-lowercase": ("LMK003",),
        "plain-auth-without-tls": ("LMK004",),
        "no-enabled-server": ("LMK005",),
        "placeholder-smtp-server": ("LMK006",),
        "root-url-localhost": ("LMK007",),
        "placeholder-from-email": ("LMK008",),
        "install-without-idempotent": ("LMK009",),
        "root-url-as-env-variable": ("LMK010",),
        "public-url-in-config-toml": ("LMK011",),
        "max-conns-zero": ("LMK013",),
    },
}


# ----------------------------------------------------------------------------------------------
# Shared: where mail settings are written


@dataclass
class Placed:
    """Settings spread over compose ``environment:``, the project ``.env`` and env_files."""

    compose: Env = field(default_factory=Env)
    dotenv: list[str] = field(default_factory=list)
    files: dict[str, list[str]] = field(default_factory=dict)


def place_in_compose(
    r: Random,
    placed: Placed,
    items: list[tuple[str, str]],
    secrets: tuple[str, ...],
    *,
    dotenv_dialect: str = "compose",
) -> None:
    """Write ``items`` into the compose environment: secrets as ``${VAR}`` read from the
    project ``.env``, other values literal or ``${VAR:-default}``."""
    for key, value in items:
        if key in secrets:
            form = pick(r, ("plain", "plain", "required"))
            ref = f"${{{key}}}" if form == "plain" else f"${{{key}:?set {key} in .env}}"
            placed.compose.set(key, ref)
            placed.dotenv.append(dotenv_line(key, value, dotenv_dialect))
        elif value.isdigit() and chance(r, 0.4):
            placed.compose.set(key, f"${{{key}:-{value}}}")
            if chance(r, 0.5):
                placed.dotenv.append(dotenv_line(key, value))
        elif chance(r, 0.25) and " " not in value:
            placed.compose.set(key, f"${{{key}}}")
            placed.dotenv.append(dotenv_line(key, value))
        else:
            placed.compose.set(key, compose_literal(value))


# ----------------------------------------------------------------------------------------------
# BookStack

_BKS_LSIO_TAGS = (
    "v24.10.3-ls186", "version-v24.12.1", "v25.02.5-ls201", "v25.05.2-ls207", "v25.07.3-ls212",
    "v25.12.1-ls229", "latest", "latest", "24.10.3", "v26.03.2-ls240",
)  # fmt: skip
_BKS_SOLIDNERD_TAGS = ("24.10.1", "25.2.3", "25.5.1", "25.12.3", "26.5.1", "24.5.4")


def build_bookstack(r: Random, p: Project, site: Site, m: str | None) -> None:
    st = make_style(r, "bookstack")
    lsio_only = {
        "queue-only-in-app-dotenv",
        "hash-in-app-dotenv-password",
        "mail-in-project-dotenv-only",
    }
    solid_only = {"queue-without-worker", "dotenv-mounted-into-solidnerd"}
    if m in solid_only:
        family = "solidnerd"
    elif m in lsio_only:
        family = "linuxserver"
    else:
        family = "solidnerd" if chance(r, 0.3) else "linuxserver"
    svc = pick(r, ("bookstack", "bookstack", "app", "wiki"))
    db = pick(r, ("bookstack_db", "db", "mariadb", "mysql"))
    label = pick(r, ("wiki", "docs", "kb", "handbook", "bookstack", "intranet"))
    host = site.host(label)
    app_url = f"https://{host}"
    if m == "app-url-localhost":
        app_url = f"http://localhost:{pick(r, ('6875', '8080', '80'))}"
    local = pick(r, ("wiki", "bookstack", "noreply", "no-reply", "docs", "notifications"))
    name = pick(r, (f"{site.org} Wiki", "BookStack", f"{site.org} Knowledge Base", "Wiki"))
    provider = None
    implicit = None
    if m == "sendgrid-username-not-apikey":
        provider = "sendgrid"
    elif m == "postmark-port-465":
        provider = "postmark"
    elif m == "implicit-port-2465":
        provider = pick(r, ("resend", "ses"))
    elif m == "placeholder-from":
        provider = other_provider(r)
    mail = make_mail(r, site, local, name, provider=provider, implicit=implicit)
    if m in ("dollar-in-compose-password", "unset-password-variable"):
        ensure_auth(r, mail, site, local)
    if m == "postmark-port-465":
        mail.port, mail.implicit = 465, True
    if m == "implicit-port-2465":
        mail.port, mail.implicit = 2465, True
    if m == "sendgrid-username-not-apikey":
        mail.user = site.admin
    if m == "localhost-smtp-host":
        mail.host, mail.port, mail.implicit = pick(r, ("localhost", "127.0.0.1")), 25, False
        mail.user = mail.password = None
    if m == "dollar-in-compose-password":
        mail.password = password(r, 12) + "$" + pick(r, ("Hk", "x9", "Pq", "abc")) + alnum(r, 5)
    sender = mail.sender
    if m == "placeholder-from":
        sender = pick(r, ("noreply@yourdomain.tld", "bookstack@example.com"))

    # The mail keys BookStack reads, as a person writes them.
    encryption = "tls" if not mail.implicit else pick(r, ("ssl", "tls"))
    if not mail.implicit and chance(r, 0.3):
        encryption = "null"
    if m == "encryption-uppercase":
        encryption = pick(r, ("TLS", "SSL", "STARTTLS"))
    driver_key, driver = "MAIL_DRIVER", "smtp"
    if m == "mail-driver-uppercase":
        driver = "SMTP"
    if m == "laravel-mail-mailer-key":
        driver_key = "MAIL_MAILER"
    from_key = "MAIL_FROM"
    items: list[tuple[str, str]] = [
        (driver_key, driver),
        ("MAIL_HOST", mail.host),
        ("MAIL_PORT", str(mail.port)),
    ]
    if mail.auth:
        items += [("MAIL_USERNAME", mail.user or ""), ("MAIL_PASSWORD", mail.password or "")]
    enc_key = "MAIL_ENCRPYTION" if m == "encryption-key-typo" else "MAIL_ENCRYPTION"
    items.append((enc_key, encryption))
    items += [(from_key, sender), ("MAIL_FROM_NAME", name)]
    if chance(r, 0.15) and m != "localhost-smtp-host":
        items.append(("MAIL_VERIFY_SSL", "true"))
    if m not in (
        "mail-catcher-in-override",  # the override sends to Mailpit instead
        "dotenv-mounted-into-solidnerd",  # the image moves these settings aside
        "mail-driver-uppercase",  # no mailer, no connection
        "mail-in-project-dotenv-only",  # never reaches the container
    ):
        justify(p, mail)

    queue = None
    if m in ("queue-without-worker", "queue-only-in-app-dotenv") or (
        family == "linuxserver" and chance(r, 0.25)
    ):
        queue = "database"

    # Where the mail settings live.
    if family == "linuxserver":
        placement = pick(r, ("appenv", "appenv", "envfile", "compose"))
    else:
        placement = pick(r, ("envfile", "compose"))
    if m in ("hash-in-app-dotenv-password", "queue-only-in-app-dotenv"):
        placement = "appenv"
    if m == "dollar-in-compose-password":
        placement = "compose-literal-password"
    if m == "unset-password-variable":
        placement = "compose"
    if m == "dotenv-mounted-into-solidnerd":
        placement = "solidnerd-dotenv"
    if m == "mail-in-project-dotenv-only":
        placement = "project-dotenv"
    if m == "hash-in-app-dotenv-password":
        mail.password = password(r, 10) + "#" + alnum(r, 6)
        items = [(k, mail.password if k == "MAIL_PASSWORD" else v) for k, v in items]
        if not mail.auth:
            mail.user, mail.password = f"{local}@{site.domain}", password(r, 10) + "#" + alnum(r, 6)
            items.insert(3, ("MAIL_USERNAME", mail.user))
            items.insert(4, ("MAIL_PASSWORD", mail.password))

    p.mistake = m
    db_name = pick(r, ("bookstackapp", "bookstack", "bookstack_db"))
    db_user = pick(r, ("bookstack", "bookstack_user", "bsuser"))
    db_pw = password(r, 24)
    root_pw = password(r, 28)
    app_key = "base64:" + b64(r, 32)
    env_file = pick(r, ("bookstack.env", "bookstack.env", "app.env", "stack.env"))
    db_env_file = "db.env" if chance(r, 0.4) else None

    placed = Placed()
    bs_env = Env()
    envfile_lines: list[str] = []
    app_dotenv: list[str] | None = None
    if family == "linuxserver":
        bs_env.set("PUID", "1000")
        bs_env.set("PGID", "1000")
        bs_env.set("TZ", site.tz)
    bs_env.set("APP_URL", app_url)
    if chance(r, 0.5):
        bs_env.set("APP_KEY", "${APP_KEY}")
        placed.dotenv.append(f"APP_KEY={app_key}")
    else:
        envfile_lines.append(f"APP_KEY={app_key}")
    if family == "linuxserver":
        bs_env.set("DB_HOST", db)
        bs_env.set("DB_PORT", "3306")
    else:
        bs_env.set("DB_HOST", f"{db}:3306")
    bs_env.set("DB_USERNAME", db_user)
    bs_env.set("DB_PASSWORD", "${DB_PASSWORD}")
    bs_env.set("DB_DATABASE", db_name)
    if queue and m != "queue-only-in-app-dotenv":
        bs_env.set("QUEUE_CONNECTION", queue, "mail is sent by the image's queue worker")

    mail_lines = [dotenv_line(k, v) for k, v in items]
    if placement == "envfile":
        envfile_lines += ["", "# Mail", *mail_lines]
    elif placement in ("compose", "compose-literal-password"):
        secrets = ("MAIL_PASSWORD",) if placement == "compose" else ()
        place_in_compose(r, placed, items, secrets)
        if placement == "compose-literal-password":
            # The password pasted as is: Compose reads its `$` as a variable reference.
            placed.compose.items = [
                (k, mail.password if k == "MAIL_PASSWORD" else v, note)
                for k, v, note in placed.compose.items
            ]
        if m == "unset-password-variable":
            # The .env spells the variable differently from the compose file.
            placed.dotenv = [ln.replace("MAIL_PASSWORD=", "MAIL_PASS=", 1) for ln in placed.dotenv]
            placed.compose.items = [
                (k, "${MAIL_PASSWORD}" if k == "MAIL_PASSWORD" else v, note)
                for k, v, note in placed.compose.items
            ]
    for k, v, note in placed.compose.items:
        bs_env.set(k, v, note)

    # BookStack's own .env: linuxserver keeps it in the /config volume.
    if family == "linuxserver":
        app_dotenv = bookstack_app_dotenv(r, site, app_url, db, db_name, db_user, db_pw, app_key)
        if placement == "appenv":
            app_dotenv += ["", "# Mail settings"] + [dotenv_line(k, v, "laravel") for k, v in items]
            if m == "hash-in-app-dotenv-password":
                app_dotenv = [
                    f"MAIL_PASSWORD={mail.password}" if ln.startswith("MAIL_PASSWORD=") else ln
                    for ln in app_dotenv
                ]
        else:
            app_dotenv += [
                "",
                "# Mail settings come from the container environment (they win over this file)",
                "MAIL_DRIVER=smtp",
                "MAIL_FROM_NAME=BookStack",
                f"MAIL_FROM=bookstack@{site.domain}",
            ]
        if m == "queue-only-in-app-dotenv":
            app_dotenv += ["", "QUEUE_CONNECTION=database"]
    elif placement == "solidnerd-dotenv":
        app_dotenv = bookstack_app_dotenv(r, site, app_url, db, db_name, db_user, db_pw, app_key)
        app_dotenv += ["", "# Mail settings"] + [dotenv_line(k, v, "laravel") for k, v in items]
    if placement == "project-dotenv":
        placed.dotenv += ["", "# Mail (BookStack)", *mail_lines]

    # -- compose file
    c = Compose()
    if st.comments:
        c.header = pick(
            r,
            (
                [f"# BookStack for {site.org}", f"# https://{host}"],
                ["# Knowledge base stack: BookStack + MariaDB"],
                [f"# {host} -- managed with docker compose"],
            ),
        )
    if chance(r, 0.3):
        c.name = pick(r, ("bookstack", "wiki", f"{label}-stack"))
    c.xfields = anchor_fields(st, r)
    if family == "linuxserver":
        tag = pick(r, _BKS_LSIO_TAGS)
        image = f"lscr.io/linuxserver/bookstack:{tag}"
        if chance(r, 0.3):
            image = f"lscr.io/linuxserver/bookstack:${{BOOKSTACK_TAG:-{tag}}}"
    else:
        image = f"solidnerd/bookstack:{pick(r, _BKS_SOLIDNERD_TAGS)}"
    lines = [f"    image: {image}"]
    if chance(r, 0.6):
        lines.append(f"    container_name: {svc}")
    lines += restart_lines(st)
    form = pick(r, ("list", "list", "map"))
    lines.append("    environment:")
    # `- MAIL_FROM_NAME="Acme Wiki"`: the quotes reach the container, and Laravel drops them.
    kept = ("MAIL_FROM_NAME",) if form == "list" and chance(r, 0.4) else ()
    lines += env_lines(bs_env, form, "      ", st.quote, keep_quotes=kept)
    ef = [env_file]
    lines += env_file_lines(ef, r)
    lines.append("    volumes:")
    data_dir = pick(r, ("./bookstack_app_data", "./config", "./data/bookstack", "./bookstack"))
    if family == "linuxserver":
        lines.append(f"      - {data_dir}:/config")
        settings_path = f"{data_dir[2:]}/www/.env"
    else:
        lines += [
            "      - uploads:/var/www/bookstack/public/uploads",
            "      - storage-uploads:/var/www/bookstack/storage/uploads",
        ]
        settings_path = pick(r, ("bookstack.app.env", "config/bookstack.env.php", "laravel.env"))
        if placement == "solidnerd-dotenv":
            lines.append(f"      - ./{settings_path}:/var/www/bookstack/.env")
    internal_port = "80" if family == "linuxserver" else "8080"
    host_port = pick(r, ("6875", "8080", "8081", "3000")) if family == "linuxserver" else "8080"
    if st.caddy:
        lines += ["    expose:", f'      - "{internal_port}"']
    else:
        lines += ["    ports:", f'      - "{host_port}:{internal_port}"']
    lines += ["    depends_on:"]
    if chance(r, 0.6):
        lines += [f"      {db}:", "        condition: service_healthy"]
    else:
        lines += [f"      - {db}"]
    lines += logging_lines(st)
    c.services.append(Service(svc, lines))

    # the database
    db_image = pick(
        r,
        ("lscr.io/linuxserver/mariadb:11.4.5", "mariadb:11.4", "mariadb:10.11", "mysql:8.4"),
    )
    dlines = [f"    image: {db_image}"]
    if chance(r, 0.6):
        dlines.append(f"    container_name: {db}")
    dlines += restart_lines(st)
    db_env = Env()
    if db_image.startswith("lscr.io"):
        db_env.set("PUID", "1000")
        db_env.set("PGID", "1000")
        db_env.set("TZ", site.tz)
    db_env.set("MYSQL_ROOT_PASSWORD", "${DB_ROOT_PASSWORD}")
    db_env.set("MYSQL_DATABASE", db_name)
    db_env.set("MYSQL_USER", db_user)
    db_env.set("MYSQL_PASSWORD", "${DB_PASSWORD}")
    if db_env_file:
        dlines += env_file_lines([db_env_file], r)
        p.add(
            db_env_file,
            dotenv_file(
                [
                    (
                        "Database container settings",
                        [f"MYSQL_DATABASE={db_name}", f"MYSQL_USER={db_user}"],
                    ),
                    (None, ["MYSQL_CHARSET=utf8mb4"] if chance(r, 0.5) else []),
                ]
            ),
        )
        db_env = Env([e for e in db_env.items if e[0] not in ("MYSQL_DATABASE", "MYSQL_USER")])
    dlines.append("    environment:")
    dlines += env_lines(db_env, form, "      ", st.quote)
    dlines.append("    volumes:")
    if db_image.startswith("lscr.io"):
        dlines.append(
            f"      - ./{pick(r, ('bookstack_db_data', 'db_config', 'data/mariadb'))}:/config"
        )
        hc = '["CMD", "mariadb-admin", "ping", "-h", "localhost"]'
    else:
        dlines.append("      - db_data:/var/lib/mysql")
        c.volumes.append("db_data")
        hc = (
            '["CMD", "healthcheck.sh", "--connect", "--innodb_initialized"]'
            if db_image.startswith("mariadb")
            else '["CMD", "mysqladmin", "ping", "-h", "127.0.0.1", "--silent"]'
        )
    dlines += healthcheck(hc, r)
    dlines += logging_lines(st)
    c.services.append(Service(db, dlines))
    if family == "solidnerd":
        c.volumes += ["uploads", "storage-uploads"]
    if st.caddy:
        c.services.append(caddy_service(st, r, svc))
        c.volumes += ["caddy_data", "caddy_config"]
        p.add("Caddyfile", caddyfile(host, f"{svc}:{internal_port}", r, site.admin))

    # -- files
    p.add(st.compose_name, c.render(r))
    envfile_text = dotenv_file(
        [
            (
                "BookStack settings (read by the container; see .env.example.complete)",
                envfile_lines,
            ),
            (
                None,
                pick(
                    r,
                    (
                        [],
                        ["APP_LANG=en", "APP_AUTO_LANG_PUBLIC=true"],
                        ["STORAGE_TYPE=local", "FILE_UPLOAD_SIZE_LIMIT=50"],
                        [f'ALLOWED_IFRAME_HOSTS="https://*.{site.domain}"'],
                        ["APP_VIEWS_BOOKS=list", "APP_VIEWS_BOOKSHELVES=grid"],
                    ),
                ),
            ),
        ]
    )
    if envfile_text.strip() == "":
        envfile_text = f"# BookStack container settings\nAPP_LANG=en\nAPP_TIMEZONE={site.tz}\n"
    p.add(env_file, envfile_text)
    dotenv = [f"DB_PASSWORD={db_pw}", f"DB_ROOT_PASSWORD={root_pw}", *placed.dotenv]
    if "${BOOKSTACK_TAG" in image and chance(r, 0.5):
        dotenv.append(f"BOOKSTACK_TAG={image.split(':-', 1)[1].rstrip('}')}")
    p.add(".env", dotenv_file([("Variables for docker compose interpolation", dotenv)]))
    if app_dotenv is not None:
        p.add(settings_path, "\n".join(app_dotenv))
        p.settings_files.append(settings_path)
    p.env_files = [env_file] + ([db_env_file] if db_env_file else [])

    # -- override
    ov = OverrideParts()
    extra = [("APP_DEFAULT_DARK_MODE", "true")] if chance(r, 0.3) else [("TZ", site.tz)]
    override_common(
        r, ov, svc, None if st.caddy else f"127.0.0.1:{host_port}:{internal_port}", extra
    )
    if chance(r, 0.4) and family == "linuxserver":
        ov.add(svc, [f"    image: lscr.io/linuxserver/bookstack:{pick(r, _BKS_LSIO_TAGS[:6])}"])
    if chance(r, 0.3):
        ov.add(db, ["    ports:", '      - "127.0.0.1:3306:3306"'])
    if m == "mail-catcher-in-override":
        add_mailpit(
            r, ov, svc, {"MAIL_HOST": "mailpit", "MAIL_PORT": "1025", "MAIL_ENCRYPTION": "null"}
        )
    p.add(st.override_name, ov.render())
    p.compose_files = [st.compose_name, st.override_name]


def bookstack_app_dotenv(
    r: Random, site: Site, app_url: str, db: str, db_name: str, db_user: str, db_pw: str, key: str
) -> list[str]:
    """BookStack's ``.env`` as the image copies it from ``.env.example`` and a person edits it."""
    lines = [
        '# This file, when named as ".env" in the root of your BookStack install',
        "# folder, is used for the core configuration of the application.",
        "",
        "# Application key",
        "# Used for encryption where needed.",
        f"APP_KEY={key}",
        "",
        "# Application URL",
        f"APP_URL={app_url}",
        "",
        "# Database details",
        f"DB_HOST={db}",
        "DB_PORT=3306",
        f"DB_DATABASE={db_name}",
        f"DB_USERNAME={db_user}",
        f"DB_PASSWORD={db_pw}",
    ]
    if chance(r, 0.4):
        lines += ["", "# Session", "SESSION_SECURE_COOKIE=true"]
    if chance(r, 0.3):
        lines += ["", f'APP_TIMEZONE="{site.tz}"']
    return lines


def add_mailpit(r: Random, ov: OverrideParts, svc: str, env: dict[str, str]) -> None:
    """The dev mail catcher someone left in the override on the production host."""
    for k, v in env.items():
        ov.set_env(svc, k, v)
    ov.extra_services.append(
        Service(
            "mailpit",
            [
                "    # catch all outgoing mail while testing",
                f"    image: axllent/mailpit:{pick(r, ('v1.21', 'v1.24', 'latest'))}",
                "    restart: unless-stopped",
                "    ports:",
                '      - "127.0.0.1:8025:8025"',
                "    environment:",
                "      MP_SMTP_AUTH_ACCEPT_ANY: 1",
                "      MP_SMTP_AUTH_ALLOW_INSECURE: 1",
            ],
        )
    )


# ----------------------------------------------------------------------------------------------
# Docmost

_DOCMOST_TAGS = ("0.20.4", "0.21.0", "0.23.2", "0.24.1", "0.70.3", "0.80.1", "0.90.3",
                 "0.95.0", "latest", "latest")  # fmt: skip


def build_docmost(r: Random, p: Project, site: Site, m: str | None) -> None:
    st = make_style(r, "docmost")
    svc = pick(r, ("docmost", "docmost", "app"))
    db = pick(r, ("db", "db", "postgres", "docmost-db"))
    redis = pick(r, ("redis", "redis", "docmost-redis", "cache"))
    label = pick(r, ("docs", "notes", "docmost", "wiki", "kb"))
    host = site.host(label)
    app_url = f"https://{host}"
    if m == "app-url-localhost":
        app_url = "http://localhost:3000"
    local = pick(r, ("docs", "docmost", "noreply", "no-reply", "notifications"))
    name = pick(r, ("Docmost", f"{site.org} Docs", f"{site.org}"))
    provider = None
    if m == "resend-username-not-resend":
        provider = "resend"
    if m == "placeholder-from":
        provider = other_provider(r)
    use_postmark = m == "postmark-without-token" or (m is None and chance(r, 0.1))
    implicit = None
    if m == "port-465-without-secure":
        implicit = True
        provider = pick(r, ("sendgrid", "mailgun", "ses", "gmail", "relay"))
    if m in ("secure-on-port-587", "smtp-secure-not-boolean"):
        implicit = False
    mail = make_mail(r, site, local, name, provider=provider, implicit=implicit)
    if m == "secure-on-port-587":
        mail.port = 587
    if m == "resend-username-not-resend":
        mail.user = mail.sender
    if m == "localhost-smtp-host":
        mail.host, mail.port, mail.implicit = "127.0.0.1", 587, False
    if m in ("dollar-in-compose-password", "dollar-in-app-dotenv", "unset-password-variable"):
        ensure_auth(r, mail, site, local)
    if m == "dollar-in-compose-password" or m == "dollar-in-app-dotenv":
        mail.password = alnum(r, 8) + "$" + pick(r, ("word", "Secret", "x", "Kq7")) + alnum(r, 4)
    sender = mail.sender
    if m == "placeholder-from":
        sender = "hello@example.com"

    items: list[tuple[str, str]] = []
    if use_postmark:
        items.append(("MAIL_DRIVER", "postmark"))
        if m != "postmark-without-token":
            items.append(("POSTMARK_TOKEN", uuid4(r)))
        items += [("MAIL_FROM_ADDRESS", sender), ("MAIL_FROM_NAME", name)]
    else:
        if m != "missing-mail-driver":
            items.append(("MAIL_DRIVER", "smtp"))
        items += [("SMTP_HOST", mail.host), ("SMTP_PORT", str(mail.port))]
        if mail.auth:
            items += [("SMTP_USERNAME", mail.user or ""), ("SMTP_PASSWORD", mail.password or "")]
        secure = "true" if mail.implicit else "false"
        if m == "port-465-without-secure":
            secure = pick(r, ("false", "", "omit"))
        if m == "secure-on-port-587":
            secure = "true"
        if m == "smtp-secure-not-boolean":
            secure = pick(r, ("TLS", "STARTTLS", "yes", "1"))
        if secure != "omit" and (secure != "false" or chance(r, 0.6)):
            if secure == "":
                items.append(("SMTP_SECURE", ""))
            else:
                items.append(("SMTP_SECURE", secure))
        if m == "ignore-tls-key-typo":
            items.append(("SMTP_IGNORE_TLS", "false"))
        elif chance(r, 0.2):
            items.append(("SMTP_IGNORETLS", "false"))
        if m != "missing-from-address":
            items.append(("MAIL_FROM_ADDRESS", sender))
        items.append(("MAIL_FROM_NAME", name))
        if m not in ("missing-mail-driver", "mail-catcher-in-override", "quotes-kept-in-list-env"):
            justify(p, mail)
    p.mistake = m

    placement = pick(r, ("compose", "compose", "envfile", "appenv"))
    if m in ("dollar-in-compose-password", "quotes-kept-in-list-env", "unset-password-variable"):
        placement = "compose"
    if m == "dollar-in-app-dotenv":
        placement = "appenv"
    app_secret = hexs(r, 64)
    pg_pw = password(r, 24)
    pg_user = pick(r, ("docmost", "docmost"))
    pg_db = "docmost"
    env_file = pick(r, ("docmost.env", "docmost.env", "app.env", "mail.env"))
    settings_name = pick(r, ("docmost-app.env", "config/app.env", "server.env"))
    redis_host = redis
    if m == "redis-host-not-in-project":
        redis_host = "redis" if redis != "redis" else "docmost-redis"

    env = Env()
    env.set("APP_URL", app_url)
    env.set("APP_SECRET", "${APP_SECRET}")
    env.set("DATABASE_URL", f"postgresql://{pg_user}:${{POSTGRES_PASSWORD}}@{db}:5432/{pg_db}")
    env.set("REDIS_URL", f"redis://{redis_host}:6379")
    dotenv = [f"APP_SECRET={app_secret}", f"POSTGRES_PASSWORD={pg_pw}"]
    envfile: list[str] = []
    appenv: list[str] | None = None
    keep_quotes: tuple[str, ...] = ()
    form = pick(r, ("map", "map", "list"))
    if m == "quotes-kept-in-list-env":
        form = "list"
        keep_quotes = tuple(k for k, _ in items if k in ("SMTP_PORT", "SMTP_HOST", "SMTP_SECURE"))
    if chance(r, 0.3):
        env.set("DISABLE_TELEMETRY", "true")
    if placement == "compose":
        placed = Placed()
        place_in_compose(r, placed, items, ("SMTP_PASSWORD", "POSTMARK_TOKEN"))
        if m == "dollar-in-compose-password":
            placed.compose.items = [
                (k, mail.password if k == "SMTP_PASSWORD" else v, note)
                for k, v, note in placed.compose.items
            ]
        if m == "unset-password-variable":
            placed.dotenv = [
                ln
                for ln in placed.dotenv
                if not ln.startswith(("SMTP_PASSWORD=", "POSTMARK_TOKEN="))
            ]
            placed.compose.items = [
                (k, "${SMTP_PASSWORD}" if k == "SMTP_PASSWORD" else v, note)
                for k, v, note in placed.compose.items
            ]
            placed.dotenv.append(f"SMTP_PASS={mail.password or password(r)}")
        if keep_quotes:
            # `- SMTP_PORT="465"` written with the literal value (quotes reach Docmost).
            literal = dict(items)
            placed.compose.items = [
                (k, literal[k] if k in keep_quotes else v, note)
                for k, v, note in placed.compose.items
            ]
            placed.dotenv = [ln for ln in placed.dotenv if ln.split("=", 1)[0] not in keep_quotes]
        for k, v, note in placed.compose.items:
            env.set(k, v, note)
        dotenv += placed.dotenv
    elif placement == "envfile":
        envfile += [dotenv_line(k, v) for k, v in items]
    else:
        appenv = docmost_app_dotenv(r, items, m, mail)
    if appenv is None:
        # The mounted /app/.env of a deployment whose mail comes from the container.
        appenv = [
            "# Docmost reads this file from /app/.env; the container environment wins over it.",
            "",
            "# options: local | s3 | azure",
            "STORAGE_DRIVER=local",
        ]
        appenv += pick(
            r,
            (
                ["FILE_UPLOAD_SIZE_LIMIT=50mb"],
                ["JWT_TOKEN_EXPIRES_IN=30d", "DRAWIO_URL=https://embed.diagrams.net"],
                ["IFRAME_EMBED_ALLOWED=false", "LOG_HTTP=false"],
                [
                    "IFRAME_EMBED_ALLOWED=true",
                    f"IFRAME_ALLOWED_ORIGINS=https://intranet.{site.domain}",
                ],
            ),
        )

    c = Compose()
    if st.comments:
        c.header = pick(
            r, ([f"# Docmost -- {host}"], ["# Docmost wiki: app + Postgres + Redis"], [])
        )
    c.xfields = anchor_fields(st, r)
    tag = pick(r, _DOCMOST_TAGS)
    lines = [f"    image: docmost/docmost:{tag}"]
    if chance(r, 0.4):
        lines.append(f"    container_name: {svc}")
    lines += ["    depends_on:", f"      - {db}", f"      - {redis}"]
    lines.append("    environment:")
    lines += env_lines(env, form, "      ", st.quote, keep_quotes=keep_quotes)
    lines += env_file_lines([env_file], r)
    if st.caddy:
        lines += ["    expose:", '      - "3000"']
    else:
        lines += ["    ports:", f'      - "{pick(r, ("3000", "127.0.0.1:3000", "8080"))}:3000"']
    lines += restart_lines(st)
    lines += ["    volumes:", "      - docmost:/app/data/storage"]
    if appenv is not None:
        lines.append(f"      - ./{settings_name}:/app/.env:ro")
    lines += logging_lines(st)
    c.services.append(Service(svc, lines))
    pg_tag = pick(r, ("16-alpine", "17", "18", "16", "17-alpine"))
    dlines = [f"    image: postgres:{pg_tag}"]
    denv = Env()
    denv.set("POSTGRES_DB", pg_db)
    denv.set("POSTGRES_USER", pg_user)
    denv.set("POSTGRES_PASSWORD", "${POSTGRES_PASSWORD}")
    dlines.append("    environment:")
    dlines += env_lines(denv, "map", "      ", st.quote)
    dlines += restart_lines(st)
    data_path = "/var/lib/postgresql" if pg_tag.startswith("18") else "/var/lib/postgresql/data"
    dlines += ["    volumes:", f"      - db_data:{data_path}"]
    dlines += healthcheck(f'["CMD-SHELL", "pg_isready -U {pg_user} -d {pg_db}"]', r)
    c.services.append(Service(db, dlines))
    rtag = pick(r, ("7.2-alpine", "8", "7.4-alpine", "8-alpine"))
    rlines = [f"    image: redis:{rtag}"]
    if rtag.startswith("8") or chance(r, 0.5):
        rlines.append(
            '    command: ["redis-server", "--appendonly", "yes",'
            ' "--maxmemory-policy", "noeviction"]'
        )
    rlines += restart_lines(st)
    rlines += ["    volumes:", "      - redis_data:/data"]
    if chance(r, 0.5):
        rlines += healthcheck('["CMD", "redis-cli", "ping"]', r)
    c.services.append(Service(redis, rlines))
    c.volumes = ["docmost", "db_data", "redis_data"]
    if st.caddy:
        c.services.append(caddy_service(st, r, svc))
        c.volumes += ["caddy_data", "caddy_config"]
        p.add("Caddyfile", caddyfile(host, f"{svc}:3000", r, site.admin))
    p.add(st.compose_name, c.render(r))
    p.add(".env", dotenv_file([("docker compose variables", dotenv)]))
    extra_ef = pick(
        r,
        (
            ["FILE_UPLOAD_SIZE_LIMIT=100mb"],
            ["JWT_TOKEN_EXPIRES_IN=30d"],
            ["STORAGE_DRIVER=local"],
            [f"DRAWIO_URL=https://draw.{site.domain}"],
            [],
        ),
    )
    if not envfile and not extra_ef:
        extra_ef = ["STORAGE_DRIVER=local"]
    p.add(env_file, dotenv_file([("Docmost settings", envfile), (None, extra_ef)]))
    p.env_files = [env_file]
    if appenv is not None:
        p.add(settings_name, "\n".join(appenv))
        p.settings_files.append(settings_name)

    ov = OverrideParts()
    override_common(
        r, ov, svc, None if st.caddy else "127.0.0.1:3000:3000",
        [("DEBUG_MODE", "false")] if chance(r, 0.5) else [("LOG_HTTP", "false")],
    )  # fmt: skip
    if chance(r, 0.4):
        ov.add(svc, [f"    image: docmost/docmost:{pick(r, _DOCMOST_TAGS[4:8])}"])
    if m == "mail-catcher-in-override":
        add_mailpit(
            r, ov, svc, {"SMTP_HOST": "mailpit", "SMTP_PORT": "1025", "SMTP_SECURE": "false"}
        )
    p.add(st.override_name, ov.render())
    p.compose_files = [st.compose_name, st.override_name]


def docmost_app_dotenv(
    r: Random, items: list[tuple[str, str]], m: str | None, mail: Mail
) -> list[str]:
    """Docmost's ``/app/.env`` (Node dotenv + dotenv-expand), shaped like ``.env.example``."""
    lines = [
        "# Docmost reads this file from /app/.env; the container environment wins over it.",
        "",
        "# options: smtp | postmark",
    ]
    for k, v in items:
        if k == "SMTP_HOST":
            lines += ["", "# SMTP driver config"]
        if k == "POSTMARK_TOKEN":
            lines += ["", "# Postmark driver config"]
        if k == "SMTP_PASSWORD" and m == "dollar-in-app-dotenv":
            lines.append(f"SMTP_PASSWORD={v}")
            continue
        if "$" in v:
            v = v.replace("$", "\\$")
        lines.append(dotenv_line(k, v, "node"))
    if chance(r, 0.5):
        lines += ["", "# Log http requests", "LOG_HTTP=false"]
    return lines


# ----------------------------------------------------------------------------------------------
# Plausible CE

_PLAUSIBLE_TAGS = ("v2.1.4", "v2.1.5", "v3.0.1", "v3.1.0", "v3.2.0", "v3.2.0")
_PASSTHROUGH = (
    "MAILER_ADAPTER", "MAILER_EMAIL", "MAILER_NAME", "SMTP_HOST_ADDR", "SMTP_HOST_PORT",
    "SMTP_USER_NAME", "SMTP_USER_PWD", "SMTP_HOST_SSL_ENABLED", "POSTMARK_API_KEY",
    "MAILGUN_API_KEY", "MAILGUN_DOMAIN", "MAILGUN_BASE_URI", "MANDRILL_API_KEY",
    "SENDGRID_API_KEY",
)  # fmt: skip


def build_plausible(r: Random, p: Project, site: Site, m: str | None) -> None:
    st = make_style(r, "plausible")
    label = pick(r, ("plausible", "analytics", "stats", "metrics"))
    host = site.host(label)
    base_url = f"https://{host}"
    if m == "base-url-without-scheme":
        base_url = host
    if m == "base-url-localhost":
        base_url = pick(r, ("http://localhost:8000", "http://127.0.0.1:8000"))
    local = pick(r, ("plausible", "analytics", "stats", "noreply"))
    tag = pick(r, _PLAUSIBLE_TAGS)
    if m == "port-465-without-ssl" or m == "ssl-on-port-587":
        tag = pick(r, ("v2.1.4", "v2.1.5", "v3.0.1", "v3.2.0"))
    adapter_kind = weighted(r, (("mua", 7), ("postmark", 1), ("sendgrid", 1), ("mailgun", 1)))
    if m in ("mailer-adapter-typo", "port-465-without-ssl", "ssl-on-port-587", "invalid-boolean",
             "half-set-auth", "gmail-sender-not-owned", "ses-secret-key-as-password",
             "env-file-value-unset-by-passthrough", "dollar-in-env-file-password",
             "mail-vars-not-passed", "mailer-email-display-name", "direct-delivery"):  # fmt: skip
        adapter_kind = "mua"
    if m == "mailgun-adapter-without-domain":
        adapter_kind = "mailgun"
    provider = None
    implicit = None
    if m == "gmail-sender-not-owned":
        provider = "gmail"
    if m == "ses-secret-key-as-password":
        provider = "ses"
    if m == "port-465-without-ssl":
        implicit = True
        provider = pick(r, ("sendgrid", "mailgun", "ses", "relay", "gmail"))
    if m in ("ssl-on-port-587", "invalid-boolean"):
        implicit = False
        provider = pick(r, ("sendgrid", "mailgun", "ses", "relay", "postmark"))
    if m == "half-set-auth":
        provider = pick(r, ("sendgrid", "mailgun", "ses", "postmark"))
    mail = make_mail(r, site, local, "Plausible", provider=provider, implicit=implicit)
    if m == "ses-secret-key-as-password":
        mail.password = b64(r, 30)[:40]
    if m == "gmail-sender-not-owned" and not (mail.user or "").endswith("@gmail.com"):
        mail.user = f"{pick(r, _FIRST)}.{pick(r, _LAST)}{int(r.random() * 90) + 10}@gmail.com"
    if m == "dollar-in-env-file-password":
        ensure_auth(r, mail, site, local)
        mail.password = alnum(r, 9) + "$" + pick(r, ("Qz", "aB3", "pw")) + alnum(r, 6)

    items: list[tuple[str, str]] = []
    if adapter_kind == "mua":
        if m == "mailer-adapter-typo":
            items.append(("MAILER_ADAPTER", pick(r, ("Bamboo.MUA", "Bamboo.SmtpAdapter", "mua"))))
        elif chance(r, 0.4):
            items.append(("MAILER_ADAPTER", "Bamboo.Mua"))
        email = mail.sender
        if m == "gmail-sender-not-owned":
            email = f"{local}@{site.domain}"
        if m == "mailer-email-display-name":
            email = f"Plausible Analytics <{mail.sender}>"
        items.append(("MAILER_EMAIL", email))
        if chance(r, 0.4):
            items.append(("MAILER_NAME", pick(r, ("Plausible", f"{site.org} Analytics"))))
        if m != "direct-delivery":
            items += [("SMTP_HOST_ADDR", mail.host), ("SMTP_HOST_PORT", str(mail.port))]
            if mail.auth:
                items.append(("SMTP_USER_NAME", mail.user or ""))
                if m != "half-set-auth":
                    items.append(("SMTP_USER_PWD", mail.password or ""))
            ssl = "true" if mail.implicit else "false"
            if m == "port-465-without-ssl":
                ssl = "false"
            if m == "ssl-on-port-587":
                ssl = "true"
            if m == "invalid-boolean":
                ssl = pick(r, ("enabled", "TRUE ", "starttls"))
            if ssl == "true" or chance(r, 0.5) or m in ("port-465-without-ssl", "invalid-boolean"):
                items.append(("SMTP_HOST_SSL_ENABLED", ssl))
            if m not in (
                "env-file-value-unset-by-passthrough",
                "mail-vars-not-passed",
                "mailer-adapter-typo",
            ):
                justify(p, mail)
    elif adapter_kind == "postmark":
        items += [
            ("MAILER_ADAPTER", "Bamboo.PostmarkAdapter"),
            ("POSTMARK_API_KEY", uuid4(r)),
            ("MAILER_EMAIL", mail.sender),
        ]
    elif adapter_kind == "sendgrid":
        items += [
            ("MAILER_ADAPTER", "Bamboo.SendGridAdapter"),
            ("SENDGRID_API_KEY", f"SG.{urlsafe(r, 22)}.{urlsafe(r, 43)}"),
            ("MAILER_EMAIL", mail.sender),
        ]
    else:
        mg_domain = f"mg.{site.domain}"
        items += [
            ("MAILER_ADAPTER", "Bamboo.MailgunAdapter"),
            ("MAILGUN_API_KEY", f"key-{hexs(r, 32)}"),
        ]
        if m != "mailgun-adapter-without-domain":
            items.append(("MAILGUN_DOMAIN", mg_domain))
        if chance(r, 0.5):
            items.append(("MAILGUN_BASE_URI", "https://api.eu.mailgun.net/v3"))
        items.append(("MAILER_EMAIL", f"{local}@{mg_domain}"))
    p.mistake = m

    # Where: the CE compose passes `- VAR` through from .env; many keep plausible-conf.env.
    placement = pick(r, ("conf", "conf", "dotenv"))
    if m in ("env-file-value-unset-by-passthrough", "dollar-in-env-file-password"):
        placement = "conf"
    if m == "mail-vars-not-passed":
        placement = "dotenv-unpassed"
    passthrough = placement in ("dotenv",) or m == "env-file-value-unset-by-passthrough"
    secret_key = b64(r, 48)
    totp = b64(r, 32)
    pg_pw = password(r, 24) if chance(r, 0.6) else "postgres"
    conf_name = "plausible-conf.env"
    conf: list[str] = []
    dotenv = [f"BASE_URL={base_url}"]
    secrets_in = pick(r, ("dotenv", "conf"))
    if secrets_in == "dotenv":
        dotenv += [f"SECRET_KEY_BASE={secret_key}", f"TOTP_VAULT_KEY={totp}"]
    else:
        conf += [f"SECRET_KEY_BASE={secret_key}", f"TOTP_VAULT_KEY={totp}"]
    # How it is served: the CE README's built-in TLS (ports 80/443), behind Caddy, or local.
    web = "proxy" if st.caddy else pick(r, ("ce-tls", "local", "local"))
    if web == "ce-tls":
        dotenv += ["HTTP_PORT=80", "HTTPS_PORT=443"]
    elif web == "proxy" and chance(r, 0.5):
        dotenv.append("HTTP_PORT=8000")
    if pg_pw != "postgres":
        dotenv.append(f"POSTGRES_PASSWORD={pg_pw}")
    mail_lines = [dotenv_line(k, v) for k, v in items]
    if placement == "conf":
        conf += (["", "# Mail"] if conf else ["# Mail"]) + mail_lines
    else:
        dotenv += [
            "",
            "# email: https://github.com/plausible/community-edition/wiki/configuration#email",
        ]
        dotenv += mail_lines
    if m == "mail-vars-not-passed":
        dotenv = [ln for ln in dotenv if not ln.startswith("SMTP_MIDDLEBOX")]
    conf += pick(r, ([], ["DISABLE_REGISTRATION=invite_only"], ["ENABLE_EMAIL_VERIFICATION=true"]))
    if not conf:
        conf = ["DISABLE_REGISTRATION=invite_only"]

    c = Compose()
    if st.comments:
        c.header = pick(
            r,
            (
                ["# Plausible CE, based on the community-edition compose.yml"],
                [f"# {host}: Plausible Analytics (community edition)"],
                [],
            ),
        )
    c.xfields = anchor_fields(st, r)
    pg_image = pick(r, ("postgres:16-alpine", "postgres:16-alpine", "postgres:17-alpine"))
    ch_image = pick(
        r,
        (
            "clickhouse/clickhouse-server:24.12-alpine",
            "clickhouse/clickhouse-server:24.3.3.102-alpine",
        ),
    )
    dlines = [f"    image: {pg_image}", *restart_lines(st)]
    dlines += ["    volumes:", "      - db-data:/var/lib/postgresql/data", "    environment:"]
    dlines.append(
        f"      - POSTGRES_PASSWORD={'${POSTGRES_PASSWORD}' if pg_pw != 'postgres' else 'postgres'}"
    )
    dlines += [
        "    healthcheck:",
        '      test: ["CMD-SHELL", "pg_isready -U postgres"]',
        "      start_period: 1m",
    ]
    c.services.append(Service("plausible_db", dlines))
    elines = [f"    image: {ch_image}", *restart_lines(st)]
    elines += [
        "    volumes:",
        "      - event-data:/var/lib/clickhouse",
        "      - event-logs:/var/log/clickhouse-server",
        "      - ./clickhouse/logs.xml:/etc/clickhouse-server/config.d/logs.xml:ro",
    ]
    if st.comments:
        elines.append(
            "      # This makes ClickHouse bind to IPv4 only, since Docker doesn't enable IPv6"
            " in bridge networks by default."
        )
    elines += [
        "      - ./clickhouse/ipv4-only.xml:/etc/clickhouse-server/config.d/ipv4-only.xml:ro",
    ]
    low = chance(r, 0.5)
    if low:
        elines.append(
            "      - ./clickhouse/low-resources.xml"
            ":/etc/clickhouse-server/config.d/low-resources.xml:ro"
        )
    elines += [
        "    ulimits:",
        "      nofile:",
        "        soft: 262144",
        "        hard: 262144",
        "    environment:",
        "      - CLICKHOUSE_SKIP_USER_SETUP=1",
        "    healthcheck:",
        '      test: ["CMD-SHELL",'
        ' "wget --no-verbose --tries=1 -O - http://127.0.0.1:8123/ping || exit 1"]',
        "      start_period: 1m",
    ]
    c.services.append(Service("plausible_events_db", elines))
    image = f"ghcr.io/plausible/community-edition:{tag}"
    plines = [f"    image: {image}", *restart_lines(st)]
    plines.append(
        '    command: sh -c "/entrypoint.sh db createdb'
        ' && /entrypoint.sh db migrate && /entrypoint.sh run"'
    )
    plines += [
        "    depends_on:",
        "      plausible_db:",
        "        condition: service_healthy",
        "      plausible_events_db:",
        "        condition: service_healthy",
        "    volumes:",
        "      - plausible-data:/var/lib/plausible",
        "    ulimits:",
        "      nofile:",
        "        soft: 65535",
        "        hard: 65535",
    ]
    plines += env_file_lines([conf_name], r)
    env = Env()
    env.set("TMPDIR", "/var/lib/plausible/tmp")
    env.set("BASE_URL", "${BASE_URL}")
    if secrets_in == "dotenv":
        env.set("SECRET_KEY_BASE", "${SECRET_KEY_BASE}")
        env.set("TOTP_VAULT_KEY", "${TOTP_VAULT_KEY}")
    if pg_pw != "postgres":
        env.set(
            "DATABASE_URL",
            "postgres://postgres:${POSTGRES_PASSWORD}@plausible_db:5432/plausible_db",
        )
    if web == "proxy":
        env.set("HTTP_PORT", "${HTTP_PORT:-8000}")
    if web == "ce-tls":
        env.set("HTTP_PORT", None)
        env.set("HTTPS_PORT", None)
    if passthrough:
        keys = list(_PASSTHROUGH)
        if m == "env-file-value-unset-by-passthrough":
            keys = [k for k, _ in items if k in _PASSTHROUGH]
        for k in keys:
            env.set(k, None)
    plines.append("    environment:")
    plines += env_lines(env, "list", "      ", st.quote)
    if web == "local":
        plines += ["    ports:", f"      - {pick(r, ('127.0.0.1:8000:8000', '8000:8000'))}"]
    c.services.append(Service("plausible", plines))
    c.volumes = ["db-data", "event-data", "event-logs", "plausible-data"]
    if st.caddy:
        c.services.append(caddy_service(st, r, "plausible"))
        c.volumes += ["caddy_data", "caddy_config"]
        p.add("Caddyfile", caddyfile(host, "plausible:8000", r, site.admin))
    p.add(st.compose_name, c.render(r))
    p.add(".env", "\n".join(dotenv) + "\n")
    p.add(conf_name, "\n".join(conf) + "\n")
    p.env_files = [conf_name]
    p.add("clickhouse/logs.xml", _CH_LOGS)
    p.add(
        "clickhouse/ipv4-only.xml",
        "<clickhouse>\n    <listen_host>0.0.0.0</listen_host>\n</clickhouse>\n",
    )
    if low:
        p.add("clickhouse/low-resources.xml", _CH_LOW)

    ov = OverrideParts()
    override_common(
        r, ov, "plausible", "127.0.0.1:8000:8000" if web == "local" else None,
        [("LOG_LEVEL", "warning")] if chance(r, 0.5) else [],
    )  # fmt: skip
    if web == "ce-tls":
        ov.add("plausible", ["    ports:", "      - 80:80", "      - 443:443"])
    if chance(r, 0.3):
        ov.add("plausible", [f"    image: ghcr.io/plausible/community-edition:{tag}"])
    p.add(st.override_name, ov.render())
    p.compose_files = [st.compose_name, st.override_name]


_CH_LOGS = """<clickhouse>
    <logger>
        <level>warning</level>
        <console>true</console>
    </logger>

    <query_log replace="1">
        <database>system</database>
        <table>query_log</table>
        <flush_interval_milliseconds>7500</flush_interval_milliseconds>
        <engine>
            ENGINE = MergeTree
            PARTITION BY event_date
            ORDER BY (event_time)
            TTL event_date + interval 30 day
            SETTINGS ttl_only_drop_parts=1
        </engine>
    </query_log>

    <!-- Stops unnecessary logging -->
    <metric_log remove="remove" />
    <asynchronous_metric_log remove="remove" />
    <query_thread_log remove="remove" />
    <text_log remove="remove" />
    <trace_log remove="remove" />
    <session_log remove="remove" />
    <part_log remove="remove" />
</clickhouse>
"""
_CH_LOW = """<!-- https://clickhouse.com/docs/en/operations/tips#using-less-than-16gb-of-ram -->
<clickhouse>
    <mark_cache_size>524288000</mark_cache_size>
    <profile>
        <default>
            <max_threads>1</max_threads>
            <max_block_size>8192</max_block_size>
            <max_download_threads>1</max_download_threads>
            <input_format_parallel_parsing>0</input_format_parallel_parsing>
            <output_format_parallel_formatting>0</output_format_parallel_formatting>
        </default>
    </profile>
</clickhouse>
"""


# ----------------------------------------------------------------------------------------------
# WGDashboard

_WGD_IMAGES = (
    ("donaldzou/wgdashboard", "v4.2.5"),
    ("donaldzou/wgdashboard", "v4.3.0.1"),
    ("ghcr.io/wgdashboard/wgdashboard", "v4.3.1"),
    ("ghcr.io/wgdashboard/wgdashboard", "v4.3.2"),
    ("ghcr.io/wgdashboard/wgdashboard", "v4.3.3"),
    ("ghcr.io/wgdashboard/wgdashboard", "v4.3.3"),
    ("ghcr.io/wgdashboard/wgdashboard", "latest"),
)


def public_ip(r: Random) -> str:
    """A server address from the documentation ranges (RFC 5737): never someone's host."""
    return f"{pick(r, ('192.0.2', '198.51.100', '203.0.113'))}.{int(r.random() * 250) + 2}"


def _wgd_version(tag: str) -> tuple[int, ...]:
    return (99,) if tag == "latest" else tuple(int(x) for x in tag.lstrip("v").split("."))


def build_wgdashboard(r: Random, p: Project, site: Site, m: str | None) -> None:
    st = make_style(r, "wgdashboard")
    repo, tag = pick(r, _WGD_IMAGES)
    if m == "implicittls-on-old-image":
        repo, tag = pick(r, _WGD_IMAGES[:4])
    if m == "auth-required-capitalised":
        repo, tag = pick(r, _WGD_IMAGES[1:])
    if m in ("email-env-on-old-image",):
        repo, tag = _WGD_IMAGES[0]
    if m in (
        "encryption-tls-from-readme",
        "ampersand-in-env-password",
        "uppercase-email-variables",
    ):
        repo, tag = pick(r, _WGD_IMAGES[2:])
    ver = _wgd_version(tag)
    svc = pick(r, ("wgdashboard", "wgdashboard", "wireguard-dashboard", "wg"))
    local = pick(r, ("vpn", "wireguard", "noreply", "wgdashboard"))
    provider = None
    implicit: bool | None = False if ver < (4, 3, 3) else None
    if m == "sendgrid-username-not-apikey":
        provider = "sendgrid"
    if m in ("port-465-with-starttls", "implicittls-on-old-image"):
        implicit = True
        provider = pick(r, ("sendgrid", "mailgun", "gmail", "relay", "ses"))
    if m in ("port-567-from-docs", "encryption-tls-from-readme"):
        implicit = False
    if m == "placeholder-sender":
        provider = other_provider(r)
    mail = make_mail(r, site, local, "WGDashboard", provider=provider, implicit=implicit)
    if not mail.auth and ver < (4, 3, 0):
        mail.user, mail.password = f"{local}@{site.domain}", password(r)
    if m == "sendgrid-username-not-apikey":
        mail.user = mail.sender
    if m == "ampersand-in-env-password":
        mail.password = alnum(r, 8) + "&" + alnum(r, 8)
    encryption = "IMPLICITTLS" if mail.implicit else "STARTTLS"
    if m == "port-465-with-starttls":
        encryption = "STARTTLS"
    if m == "encryption-tls-from-readme":
        encryption = pick(r, ("TLS", "SSL"))
    port = str(mail.port)
    if m == "port-567-from-docs":
        port = "567"
    sender = mail.sender
    if m == "placeholder-sender":
        sender = "example@qq.com"
    if chance(r, 0.3) and m != "placeholder-sender":
        sender = f"WGDashboard <{sender}>"
    if m == "auth-required-capitalised":
        # An IP-authorised relay: no login, and auth switched off, but in capitals.
        mail.provider, mail.user, mail.password = "relay", None, None
        mail.host = f"{pick(r, ('smtp', 'relay', 'mailout'))}.{site.domain}"
    auth = "true" if mail.auth else "false"
    if m == "auth-required-capitalised":
        auth = pick(r, ("False", "FALSE", "No", "Off"))
    p.mistake = m

    email: list[tuple[str, str]] = [
        ("server", mail.host),
        ("port", port),
        ("encryption", encryption),
        ("username", mail.user or ""),
        ("email_password", mail.password or ""),
    ]
    if ver >= (4, 3, 0):
        email.append(("authentication_required", auth))
    if m != "missing-send-from":
        email.append(("send_from", sender))
    else:
        email.append(("send_from", ""))
    email.append(("email_template", ""))
    if m not in (
        "missing-send-from",
        "inline-comment-in-ini",
        "uppercase-email-variables",
        "email-env-on-old-image",
    ):
        justify(p, mail)
    if m == "implicittls-on-old-image":
        # Before v4.3.3 IMPLICITTLS means plaintext: to port 465 (WGD003), login in clear.
        p.expect += ["WGD003", "SMTP004"] if mail.auth else ["WGD003"]

    env_mode = ver >= (4, 3, 0) and chance(r, 0.4)
    if m in (
        "encryption-tls-from-readme",
        "ampersand-in-env-password",
        "uppercase-email-variables",
    ):
        env_mode = True
    if m == "email-env-on-old-image":
        env_mode = True
    if m in ("quoted-ini-value", "inline-comment-in-ini", "auth-required-capitalised"):
        env_mode = False
    env_names = {
        "server": "email_server",
        "port": "email_port",
        "encryption": "email_encryption",
        "username": "email_username",
        "email_password": "email_password",
        "send_from": "email_from",
    }
    env = Env()
    env.set("tz", site.tz)
    if chance(r, 0.6):
        env.set(
            "public_ip",
            public_ip(r),
        )
    env.set("wgd_port", "10086")
    if chance(r, 0.6):
        env.set("wg_autostart", "wg0")
    env_file = pick(r, ("wgdashboard.env", "wgd.env", "wireguard.env"))
    envfile: list[str] = [f"global_dns={pick(r, ('1.1.1.1', '9.9.9.9', '10.8.0.1'))}"]
    if env_mode:
        where = pick(r, ("compose", "envfile"))
        for k, v in email:
            if k not in env_names or (k == "send_from" and v == ""):
                continue
            name = env_names[k].upper() if m == "uppercase-email-variables" else env_names[k]
            if where == "compose":
                env.set(name, compose_literal(v))
            else:
                envfile.append(dotenv_line(name, v))
    # The ini: on a running install the entrypoint has written the variables into it.
    ini_email = list(email)
    if m == "email-env-on-old-image" or m == "uppercase-email-variables":
        ini_email = [(k, "" if k != "email_template" else v) for k, v in email]
    if m == "quoted-ini-value":
        ini_email = [(k, f'"{v}"' if k == "send_from" else v) for k, v in ini_email]
    if m == "inline-comment-in-ini":
        ini_email = [
            (
                k,
                f"{v}  {pick(r, (';', '#'))} {pick(r, ('relay', 'provider', 'outgoing mail'))}"
                if k == "server"
                else v,
            )
            for k, v in ini_email
        ]
    use_pg = ver >= (4, 3, 0) and chance(r, 0.45)
    pg_pw = password(r, 24)
    ini = wgd_ini(r, tag, ini_email, ("wgd-db" if use_pg else None, pg_pw))
    mount = pick(r, ("data-dir", "file", "file-src"))
    if mount == "data-dir":
        ini_path = "data/wg-dashboard.ini"
        vol = "./data:/data"
    elif mount == "file":
        ini_path = "wg-dashboard.ini"
        vol = "./wg-dashboard.ini:/data/wg-dashboard.ini"
    else:
        ini_path = "config/wg-dashboard.ini"
        vol = "./config/wg-dashboard.ini:/opt/wgdashboard/src/wg-dashboard.ini"

    c = Compose()
    if st.comments:
        c.header = pick(
            r,
            (
                ["# WireGuard + WGDashboard", f"# {site.host('vpn')}"],
                ["# WGDashboard (https://wgdashboard.dev)"],
                [],
            ),
        )
    c.xfields = anchor_fields(st, r)
    # Most people keep the comments of the upstream docker/compose.yaml.
    upstream = chance(r, 0.7)
    lines = []
    if upstream and repo.startswith("ghcr.io"):
        lines += [
            "    # Since the github organisation we recommend the ghcr.io.",
            "    # Alternatively we also still push to docker.io under donaldzou/wgdashboard.",
        ]
    lines.append(f"    image: {repo}:{tag}")
    if upstream:
        lines += [
            "",
            "    # Make sure to set the restart policy."
            " Because for a VPN its important to come back IF it crashes.",
        ]
    lines += restart_lines(st)
    lines.append(f"    container_name: {pick(r, ('wgdashboard', svc))}")
    if upstream:
        lines += [
            "",
            "    # Environment variables can be used to configure certain values at startup.",
            "    # Refer to the documentation on https://wgdashboard.dev/ for more info.",
        ]
    lines.append("    environment:")
    lines += env_lines(env, pick(r, ("list", "list", "map")), "      ", st.quote)
    lines += env_file_lines([env_file], r)
    if upstream:
        lines += [
            "",
            "    # The following section, ports is very important for exposing more than one"
            " Wireguard/AmneziaWireguard interfaces.",
            "    # Once you create a new configuration and assign a port in the dashboard,"
            " don't forget to add it to the ports as well.",
        ]
    lines += ["    ports:", "      - 10086:10086/tcp", "      - 51820:51820/udp"]
    if upstream:
        lines += ["", "    # Volumes can be configured however you'd like."]
    lines += [
        "    volumes:",
        "      - aconf:/etc/amnezia/amneziawg",
        "      - ./conf:/etc/wireguard",
        f"      - {vol}",
    ]
    if upstream:
        lines += ["", "    # Needed for network administration."]
    lines += ["    cap_add:", "      - NET_ADMIN"]
    if chance(r, 0.5):
        lines.append("      - SYS_MODULE")
    if chance(r, 0.6):
        lines += [
            "    sysctls:",
            "      - net.ipv4.ip_forward=1",
            "      - net.ipv4.conf.all.src_valid_mark=1",
        ]
    if chance(r, 0.4):
        lines += healthcheck('["CMD", "wget", "-q", "--spider", "http://127.0.0.1:10086/"]', r)
    network = pick(r, (None, None, "wg", "vpn_net"))
    if network:
        lines += ["    networks:", f"      - {network}"]
    if use_pg:
        lines += ["    depends_on:", "      wgd-db:", "        condition: service_healthy"]
    lines += logging_lines(st)
    c.services.append(Service(svc, lines))
    c.volumes = ["aconf"]
    if use_pg:
        dl = [f"    image: postgres:{pick(r, ('16-alpine', '17-alpine', '17'))}"]
        dl += restart_lines(st)
        dl += [
            "    environment:",
            "      POSTGRES_DB: wgdashboard",
            "      POSTGRES_USER: wgdashboard",
            "      POSTGRES_PASSWORD: ${WGD_DB_PASSWORD}",
            "    volumes:",
            "      - pgdata:/var/lib/postgresql/data",
        ]
        dl += healthcheck('["CMD-SHELL", "pg_isready -U wgdashboard"]', r)
        if network:
            dl += ["    networks:", f"      - {network}"]
        c.services.append(Service("wgd-db", dl))
        c.volumes.append("pgdata")
    if st.caddy:
        cs = caddy_service(st, r, svc)
        if network:
            cs.lines += ["    networks:", f"      - {network}"]
        c.services.append(cs)
        c.volumes += ["caddy_data", "caddy_config"]
        p.add("Caddyfile", caddyfile(site.host("vpn"), f"{svc}:10086", r, site.admin))
    if network:
        c.networks = [f"  {network}:", "    driver: bridge"]
        if chance(r, 0.5):
            c.networks += [
                "    ipam:",
                "      config:",
                f"        - subnet: 172.{int(r.random() * 12) + 20}.0.0/24",
            ]
    p.add(st.compose_name, c.render(r))
    dot = [f"COMPOSE_PROJECT_NAME={pick(r, ('wireguard', 'vpn', 'wgdashboard'))}"]
    if chance(r, 0.5):
        dot.append(f"TZ={site.tz}")
    if use_pg:
        dot.append(f"WGD_DB_PASSWORD={pg_pw}")
    p.add(".env", "\n".join(dot) + "\n")
    p.add(env_file, dotenv_file([("WGDashboard container settings", envfile)]))
    p.env_files = [env_file]
    p.add(ini_path, ini)
    p.settings_files.append(ini_path)
    p.add("conf/wg0.conf", wg_conf(r))

    ov = OverrideParts()
    override_common(r, ov, svc, None, [("log_level", "INFO")] if chance(r, 0.5) else [])
    if chance(r, 0.3):
        ov.add(
            svc,
            [
                "    ports: !override",
                "      - 127.0.0.1:10086:10086/tcp",
                "      - 51820:51820/udp",
            ],
        )
    p.add(st.override_name, ov.render())
    p.compose_files = [st.compose_name, st.override_name]


def wgd_ini(
    r: Random, tag: str, email: list[tuple[str, str]], database: tuple[str | None, str]
) -> str:
    """``wg-dashboard.ini`` as WGDashboard writes it (the template of v4.3), with the mail set."""
    version = tag if tag != "latest" else "v4.3.3"
    bcrypt = "$2b$12$" + base64.b64encode(r.randbytes(40)).decode().replace("+", ".")[:53]
    lines = [
        "[Peers]",
        f"remote_endpoint = {public_ip(r)}",
        f"peer_global_dns = {pick(r, ('1.1.1.1', '9.9.9.9', '10.8.0.1'))}",
        "peer_endpoint_allowed_ip = 0.0.0.0/0",
        "peer_display_mode = grid",
        "peer_mtu = 1420",
        "peer_keep_alive = 21",
        "",
        "[Server]",
        "app_port = 10086",
        "wg_conf_path = /etc/wireguard",
        "awg_conf_path = /etc/amnezia/amneziawg",
        "app_prefix =",
        "app_ip = 0.0.0.0",
        "auth_req = true",
        f"version = {version}",
        "dashboard_refresh_interval = 60000",
        "dashboard_peer_list_display = grid",
        "dashboard_sort = status",
        f"dashboard_theme = {pick(r, ('dark', 'light'))}",
        "dashboard_api_key = false",
        "dashboard_language = en-US",
        "",
        "[Account]",
        "username = admin",
        f"password = {bcrypt}",
        "enable_totp = false",
        "totp_verified = false",
        f"totp_key = {upper_alnum(r, 32)}",
        "",
        "[Other]",
        "welcome_session = false",
        "",
        "[Database]",
        *(
            [
                "type = postgresql",
                f"host = {database[0]}",
                "port = 5432",
                "username = wgdashboard",
                f"password = {database[1]}",
            ]
            if database[0]
            else ["type = sqlite", "host =", "port =", "username =", "password ="]
        ),
        "",
        "[Email]",
    ]
    lines += [f"{k} = {v}" if v else f"{k} =" for k, v in email]
    lines += [
        "",
        "[OIDC]",
        "admin_enable = false",
        "client_enable = false",
        "",
        "[Clients]",
        "enable = true",
        "",
        "[WireGuardConfiguration]",
        "autostart = wg0",
    ]
    return "\n".join(lines) + "\n"


def wg_conf(r: Random) -> str:
    lines = [
        "[Interface]",
        f"PrivateKey = {b64(r, 32)}",
        "Address = 10.8.0.1/24",
        "ListenPort = 51820",
        "SaveConfig = true",
    ]
    for i in range(pick(r, (1, 2, 3))):
        lines += [
            "",
            "[Peer]",
            f"PublicKey = {b64(r, 32)}",
            f"AllowedIPs = 10.8.0.{i + 2}/32",
        ]
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------------------------
# Listmonk

_LISTMONK_TAGS = ("v3.0.0", "v4.1.0", "v5.0.3", "v5.1.0", "v6.0.0", "latest")


def build_listmonk(r: Random, p: Project, site: Site, m: str | None) -> None:
    st = make_style(r, "listmonk")
    tag = pick(r, _LISTMONK_TAGS)
    svc = pick(r, ("app", "listmonk", "app"))
    db = pick(r, ("db", "listmonk_db", "postgres"))
    label = pick(r, ("lists", "newsletter", "listmonk", "news"))
    host = site.host(label)
    local = pick(r, ("newsletter", "news", "hello", "updates", "team"))
    name = pick(r, (f"{site.org}", f"{site.org} Newsletter", "Newsletter"))
    provider = None
    implicit = None
    if m == "tls-on-port-587":
        implicit = False
        provider = pick(r, ("sendgrid", "mailgun", "ses", "brevo", "relay"))
    if m == "plain-auth-without-tls":
        provider = "relay"
    if m == "placeholder-from-email":
        provider = other_provider(r)
    if m == "tls-type-lowercase":
        implicit = False
    mail = make_mail(r, site, local, name, provider=provider, implicit=implicit)
    if m == "plain-auth-without-tls" and not mail.auth:
        mail.user, mail.password = f"{local}@{site.domain}", password(r)
    from_email = f"{name} <{mail.sender}>"
    if m == "placeholder-from-email":
        from_email = "listmonk <noreply@listmonk.yoursite.com>"
    root_url = f"https://{host}"
    if m == "root-url-localhost":
        root_url = "http://localhost:9000"
    p.mistake = m
    export_needed = m in (
        "optin-confirmation-off", "tls-on-port-587", "tls-type-lowercase", "plain-auth-without-tls",
        "no-enabled-server", "placeholder-smtp-server", "root-url-localhost",
        "placeholder-from-email", "max-conns-zero",
    )  # fmt: skip
    has_export = export_needed or chance(r, 0.6)

    db_user = "listmonk"
    db_pw = password(r, 24)
    db_name = "listmonk"
    admin_pw = password(r, 20)
    admin_user = pick(r, ("admin", "listmonk", site.admin.split("@")[0].split(".")[0]))
    env_file = pick(r, ("listmonk.env", "listmonk.env", "app.env"))
    use_toml_db = chance(r, 0.5)

    c = Compose()
    if st.comments:
        c.header = pick(
            r,
            (
                [f"# listmonk -- {host}"],
                [
                    "# Newsletter: listmonk + Postgres."
                    " Mail (SMTP) is configured in Settings -> SMTP."
                ],
                [],
            ),
        )
    anchors = chance(r, 0.5)
    x = anchor_fields(st, r)
    if anchors:
        if x:
            x.append("")
        x += [
            "x-db-credentials: &db-credentials",
            f"  POSTGRES_USER: &db-user {db_user}",
            "  POSTGRES_PASSWORD: &db-password ${POSTGRES_PASSWORD}",
            f"  POSTGRES_DB: &db-name {db_name}",
        ]
    c.xfields = x
    lines = [f"    image: listmonk/listmonk:{tag}"]
    if chance(r, 0.6):
        lines.append("    container_name: listmonk_app")
    lines += restart_lines(st)
    if not st.caddy:
        lines += ["    ports:", f'      - "{pick(r, ("9000:9000", "127.0.0.1:9000:9000"))}"']
    lines += ["    networks:", "      - listmonk"]
    if chance(r, 0.5):
        lines.append(f"    hostname: {host}")
    lines += ["    depends_on:", f"      - {db}"]
    install = "./listmonk --install --idempotent --yes --config /listmonk/config.toml"
    if m == "install-without-idempotent":
        install = "yes | ./listmonk --install --config /listmonk/config.toml"
    lines.append(
        f'    command: [sh, -c, "{install}'
        " && ./listmonk --upgrade --yes --config /listmonk/config.toml"
        ' && ./listmonk --config /listmonk/config.toml"]'
    )
    env = Env()
    env.set("LISTMONK_app__address", "0.0.0.0:9000")
    if not use_toml_db:
        if anchors:
            env.set("LISTMONK_db__user", "*db-user")
            env.set("LISTMONK_db__password", "*db-password")
            env.set("LISTMONK_db__database", "*db-name")
        else:
            env.set("LISTMONK_db__user", db_user)
            env.set("LISTMONK_db__password", "${POSTGRES_PASSWORD}")
            env.set("LISTMONK_db__database", db_name)
        env.set("LISTMONK_db__host", db)
        env.set("LISTMONK_db__port", "5432")
    env.set("TZ", site.tz)
    env.set("LISTMONK_ADMIN_USER", "${LISTMONK_ADMIN_USER:-}")
    env.set("LISTMONK_ADMIN_PASSWORD", "${LISTMONK_ADMIN_PASSWORD:-}")
    if m == "root-url-as-env-variable":
        env.set("LISTMONK_app__root_url", root_url)
    lines.append("    environment:")
    for k, v, _ in env.items:
        if v is not None and v.startswith("*"):
            lines.append(f"      {k}: {v}")
        else:
            lines.append(f"      {k}: {yq(v or '', st.quote)}")
    lines += env_file_lines([env_file], r)
    lines += [
        "    volumes:",
        "      - ./uploads:/listmonk/uploads:rw",
        "      - ./config.toml:/listmonk/config.toml:ro",
    ]
    lines += logging_lines(st)
    c.services.append(Service(svc, lines))
    dlines = [f"    image: postgres:{pick(r, ('17-alpine', '16-alpine', '15-alpine'))}"]
    if chance(r, 0.6):
        dlines.append("    container_name: listmonk_db")
    dlines += restart_lines(st)
    dlines += ["    networks:", "      - listmonk", "    environment:"]
    if anchors:
        dlines.append("      <<: *db-credentials")
    else:
        dlines += [
            f"      POSTGRES_USER: {db_user}",
            "      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}",
            f"      POSTGRES_DB: {db_name}",
        ]
    dlines += healthcheck(f'["CMD-SHELL", "pg_isready -U {db_user}"]', r)
    dlines += [
        "    volumes:",
        "      - type: volume",
        "        source: listmonk-data",
        "        target: /var/lib/postgresql/data",
    ]
    c.services.append(Service(db, dlines))
    c.volumes = ["listmonk-data"]
    c.networks = ["  listmonk:"]
    if st.caddy:
        cs = caddy_service(st, r, svc)
        cs.lines += ["    networks:", "      - listmonk"]
        c.services.append(cs)
        c.volumes += ["caddy_data", "caddy_config"]
        p.add("Caddyfile", caddyfile(host, f"{svc}:9000", r, site.admin))
    p.add(st.compose_name, c.render(r))
    p.add(
        ".env",
        dotenv_file(
            [
                (
                    "compose variables",
                    [
                        f"POSTGRES_PASSWORD={db_pw}",
                        f"LISTMONK_ADMIN_USER={admin_user}",
                        f"LISTMONK_ADMIN_PASSWORD={admin_pw}",
                    ],
                )
            ]
        ),
    )
    ef = [f"TZ={site.tz}"] if chance(r, 0.3) else []
    if use_toml_db:
        ef += [f"LISTMONK_db__password={db_pw}"]
    else:
        ef += [
            "LISTMONK_db__ssl_mode=disable",
            "LISTMONK_db__max_open=25",
            "LISTMONK_db__max_idle=25",
        ]
    p.add(env_file, dotenv_file([("listmonk bootstrap settings (the DB holds the rest)", ef)]))
    p.env_files = [env_file]
    toml = [
        "[app]",
        "# Interface and port where the app will run its webserver.",
        'address = "0.0.0.0:9000"',
    ]
    if tag == "v3.0.0":
        toml += [
            "",
            "# BasicAuth authentication for the admin dashboard.",
            'admin_username = ""',
            'admin_password = ""',
        ]
    if m == "public-url-in-config-toml":
        toml.append(f'public_url = "{root_url}"')
    toml += [
        "",
        "# Database.",
        "[db]",
        f'host = "{db}"',
        "port = 5432",
        f'user = "{db_user}"',
        f'password = "{db_pw if use_toml_db else "listmonk"}"',
        "",
        "# Ensure that this database has been created in Postgres.",
        f'database = "{db_name}"',
        "",
        'ssl_mode = "disable"',
        "max_open = 25",
        "max_idle = 25",
        'max_lifetime = "300s"',
        "",
        "# Optional space separated Postgres DSN params."
        ' eg: "application_name=listmonk gssencmode=disable"',
        'params = ""',
    ]
    p.add("config.toml", "\n".join(toml) + "\n")
    p.settings_files.append("config.toml")
    if has_export:
        export_name = pick(
            r, ("listmonk-settings.json", "settings.json", "backup/settings-export.json")
        )
        p.add(export_name, listmonk_export(r, p, m, mail, from_email, root_url, site))
        p.settings_files.append(export_name)

    ov = OverrideParts()
    override_common(r, ov, svc, None, [("LISTMONK_db__max_open", "50")] if chance(r, 0.3) else [])
    if chance(r, 0.3):
        ov.add(db, ["    ports:", '      - "127.0.0.1:5432:5432"'])
    p.add(st.override_name, ov.render())
    p.compose_files = [st.compose_name, st.override_name]


def listmonk_export(
    r: Random, p: Project, m: str | None, mail: Mail, from_email: str, root_url: str, site: Site
) -> str:
    """A settings export: ``GET /api/settings`` (``{"data": ...}``, passwords masked) or the
    body a provisioning script sends with ``PUT /api/settings`` (bare, password in clear)."""
    wrapped = chance(r, 0.5)
    tls = "TLS" if mail.implicit else "STARTTLS"
    if m == "tls-on-port-587":
        tls = "TLS"
        mail.port = 587
    if m == "tls-type-lowercase":
        tls = pick(r, ("starttls", "tls", "SSL", "ssl"))
    auth_protocol = "login" if mail.auth else "none"
    if mail.auth and chance(r, 0.4):
        auth_protocol = "plain"
    if m == "plain-auth-without-tls":
        auth_protocol, tls = "plain", "none"
        mail.port = 587
        p.expect.append("SMTP004")
    if m == "tls-type-lowercase" and mail.auth:
        # listmonk >= v5 (the export's version is unknown: current) sends it in plaintext.
        p.expect += ["SMTP004", "LMK004"] if auth_protocol == "plain" else ["SMTP004"]
    pw = mail.password or ""
    if wrapped and pw:
        pw = "\u2022" * len(pw)
    from_email_text = from_email  # (for Gmail, Microsoft 365, Zoho the sender is the login)
    server = {
        "uuid": uuid4(r),
        "enabled": m != "no-enabled-server",
        "host": mail.host if m != "placeholder-smtp-server" else "smtp.yoursite.com",
        "hello_hostname": pick(r, ("", site.domain)) if mail.port != 25 else site.domain,
        "port": mail.port,
        "auth_protocol": auth_protocol,
        "username": mail.user or "",
        "password": pw,
        "email_headers": [],
        "max_conns": 0 if m == "max-conns-zero" else pick(r, (10, 10, 5, 20)),
        "max_msg_retries": 2,
        "idle_timeout": "15s",
        "wait_timeout": "5s",
        "tls_type": tls,
        "tls_skip_verify": False,
    }
    if m not in ("no-enabled-server", "placeholder-smtp-server"):
        justify(p, mail)
    if m != "no-enabled-server" and wrapped and pw and auth_protocol != "none":
        # GET /api/settings masks passwords: mail-lint says it cannot check this one.
        p.expect.append("LMK020")
    data = {
        "app.site_name": f"{site.org} Newsletter",
        "app.root_url": root_url,
        "app.logo_url": f"{root_url}/public/static/logo.svg",
        "app.favicon_url": f"{root_url}/public/static/favicon.png",
        "app.from_email": from_email_text,
        "app.notify_emails": [site.admin],
        "app.enable_public_subscription_page": True,
        "app.enable_public_archive": chance(r, 0.5),
        "app.send_optin_confirmation": m != "optin-confirmation-off",
        "app.check_updates": True,
        "app.lang": "en",
        "app.batch_size": 1000,
        "app.concurrency": 10,
        "app.max_send_errors": 1000,
        "app.message_rate": 10,
        "privacy.individual_tracking": False,
        "privacy.unsubscribe_header": True,
        "privacy.allow_blocklist": True,
        "privacy.allow_export": True,
        "privacy.allow_wipe": True,
        "privacy.exportable": ["profile", "subscriptions", "campaign_views", "link_clicks"],
        "privacy.domain_blocklist": [],
        "upload.provider": "filesystem",
        "upload.filesystem.upload_path": "uploads",
        "upload.filesystem.upload_uri": "/uploads",
        "smtp": [server],
        "messengers": [],
        "bounce.enabled": False,
    }
    if chance(r, 0.2) and m is None:
        second = dict(server)
        second.update(
            {"uuid": uuid4(r), "enabled": False, "host": "smtp.gmail.com", "port": 465,
             "username": "", "password": "", "tls_type": "TLS", "auth_protocol": "login"}
        )  # fmt: skip
        data["smtp"] = [server, second]
    body = {"data": data} if wrapped else data
    return json.dumps(body, indent=pick(r, (2, 4)), ensure_ascii=False) + "\n"


# ----------------------------------------------------------------------------------------------
# Driver

_BUILDERS = {
    "bookstack": build_bookstack,
    "docmost": build_docmost,
    "plausible": build_plausible,
    "wgdashboard": build_wgdashboard,
    "listmonk": build_listmonk,
}


def build_project(index: int, seed: int = 1) -> Project:
    """Project number ``index`` (1-based) of the corpus of ``seed``."""
    app = APPS[(index - 1) % len(APPS)]
    r = Random(seed * _SEED_STRIDE + index)
    site = make_site(r)
    mistake = None
    if chance(r, BROKEN_SHARE):
        mistake = pick(r, tuple(MISTAKES[app]))
    p = Project(app)
    _BUILDERS[app](r, p, site, mistake)
    p.mistake = mistake
    wanted = list(MISTAKES[app][mistake]) if mistake else []
    p.expect = wanted + [c for c in dict.fromkeys(p.expect) if c not in wanted]
    return p


def project_dir_name(index: int, app: str) -> str:
    return f"p{index:05d}-{app}"


def generate(out_dir: Path, projects: int, seed: int = 1) -> dict[str, Any]:
    """Write the corpus into ``out_dir`` (created; must be absent or empty) and return the
    manifest, which is also written to ``out_dir/MANIFEST.json``.

    Each manifest item has ``dir``, ``app``, ``compose_files`` (what Compose reads: base,
    then override), ``files`` (every file, relative to ``dir``), and, for tests and reports,
    ``env_files`` (the ``env_file:`` targets), ``settings_files`` (the app's own files),
    ``mistake`` (``None`` for a correct configuration) and ``expect`` (the rule codes
    mail-lint should report: the mistake's, then justified notes such as SMTP012 for
    Microsoft 365 Basic auth or LMK020 for the masked passwords of a settings export).
    """
    out_dir = Path(out_dir)
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        raise FileExistsError(f"{out_dir} exists and is not an empty folder")
    out_dir.mkdir(parents=True, exist_ok=True)
    items = []
    for index in range(1, projects + 1):
        p = build_project(index, seed)
        name = project_dir_name(index, p.app)
        root = out_dir / name
        made = {root}
        root.mkdir()
        for rel, text in p.files.items():
            path = root / rel
            if path.parent not in made:
                path.parent.mkdir(parents=True, exist_ok=True)
                made.add(path.parent)
            path.write_bytes(text.encode("utf-8"))
        items.append(
            {
                "dir": name,
                "app": p.app,
                "compose_files": p.compose_files,
                "files": sorted(p.files),
                "env_files": p.env_files,
                "settings_files": p.settings_files,
                "mistake": p.mistake,
                "expect": p.expect,
            }
        )
    manifest = {
        "seed": seed,
        "projects": projects,
        "generator_version": GENERATOR_VERSION,
        "items": items,
    }
    (out_dir / "MANIFEST.json").write_bytes(
        (json.dumps(manifest, indent=1, sort_keys=False) + "\n").encode("utf-8")
    )
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="generate.py",
        description="Write a realistic, deterministic mail-lint benchmark corpus.",
    )
    parser.add_argument("out_dir", metavar="OUT_DIR", type=Path)
    parser.add_argument("--projects", type=int, required=True, metavar="N")
    parser.add_argument("--seed", type=int, default=1, metavar="S")
    args = parser.parse_args(argv)
    if args.projects < 0:
        parser.error("--projects must be 0 or more")
    try:
        generate(args.out_dir, args.projects, args.seed)
    except FileExistsError as exc:
        print(f"generate.py: error: {exc}; refusing to write into it", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
