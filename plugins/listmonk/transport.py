"""How Listmonk really sends mail: its ``smtp[]`` settings read the way its Go code reads them.

Listmonk keeps every mail setting in the database ``settings`` table (since v0.7.0); the only
file that shows them is the settings export of ``GET /api/settings`` (``{"data": {...}}`` or
bare), flattened by core as ``smtp[0].host``, ``app.from_email``... ``config.toml`` and the
``LISTMONK_*`` variables hold bootstrap settings only (``app.address``, ``db.*``), and the
database overrides them (``cmd/main.go``: ``initSettings`` loads the table after the env).

Sources (``knadh/listmonk`` @ ``911e0b77``, and the tags named):

* ``cmd/init.go`` ``initSMTPMessengers``: every ``smtp[]`` item whose ``enabled`` is true joins
  the ``email`` messenger (a random round-robin, ``rand.Intn(len(pool))``); a named one is
  also the standalone messenger ``email-<name>``.
* ``internal/messenger/email/email.go`` ``New``: ``auth_protocol`` ``cram``/``plain``/``login``
  log in, ``""``/``none`` do not, anything else is ``unknown SMTP auth type`` (fatal at
  start-up). ``tls_type != "none"`` builds a ``tls.Config`` (``ServerName = host`` unless
  ``tls_skip_verify``); ``TLS`` is implicit TLS, ``STARTTLS`` requires STARTTLS.
* smtppool v2 (listmonk >= v5.0.0): any other ``tls_type`` (``""``, ``starttls``, ``ssl``)
  leaves ``SSLNone``: plaintext. smtppool v1.1.0 (listmonk v2.1.0 - v4.1.x, ``email.go`` @
  v3.0.0 ``if s.TLSType == "TLS" { s.Opt.SSL = true }``) does STARTTLS whenever a
  ``TLSConfig`` is set: the same values meant STARTTLS, required.
* Before v2.1.0 the field was ``tls_enabled`` (STARTTLS or nothing);
  ``internal/migrations/v2.1.0.go`` turned ``true`` into ``STARTTLS`` and ``false`` into ``none``.
* ``cmd/settings.go``: the export masks each password as ``•`` repeated to its length
  (``pwdMask``): such a password is set, its text unknown.
"""

import re
from collections.abc import Iterator, Mapping
from typing import NamedTuple

from mail_lint import (
    AppInstance,
    Field,
    FileFormat,
    LoadedFile,
    Setting,
    TlsMode,
    Transport,
    TransportKind,
    Version,
)
from mail_lint.instance import per_instance

APP = "listmonk"

#: ``tls_type`` values Listmonk compares against (case-sensitive).
TLS_TYPES = ("none", "STARTTLS", "TLS")
#: ``auth_protocol`` values ``email.New`` accepts.
AUTH_PROTOCOLS = ("cram", "plain", "login", "none", "")
#: The ones that log in.
LOGIN_PROTOCOLS = ("cram", "plain", "login")
#: ``cmd/settings.go`` ``pwdMask``.
PASSWORD_MASK = "\u2022"

#: Mail settings moved from ``config.toml`` to the database ``settings`` table.
SETTINGS_IN_DB_SINCE: Version = (0, 7, 0)
#: ``--install --idempotent``.
IDEMPOTENT_SINCE: Version = (2, 0, 0)
#: ``tls_type`` (``TLS`` implicit TLS) replaced ``tls_enabled``.
TLS_TYPE_SINCE: Version = (2, 1, 0)
#: smtppool v2: an unknown ``tls_type`` is plaintext (before: STARTTLS).
SMTPPOOL_V2_SINCE: Version = (5, 0, 0)
#: ``smtp[].name``: standalone messengers per server.
SMTP_NAME_SINCE: Version = (5, 0, 0)
#: ``smtp[].from_addresses`` routing (commit ``41a29fb2``, #2953).
FROM_ADDRESSES_SINCE: Version = (6, 2, 0)

_SERVER_KEY = re.compile(r"^smtp\[(\d+)\]\.([A-Za-z0-9_-]+)(.*)$")


def at_least(version: Version | None, since: Version) -> bool:
    """Whether ``version`` (``None``: the current release) has a behaviour of ``since``."""
    return version is None or version >= since


def version_text(version: Version | None) -> str:
    """``v4.1.0``, or ``current listmonk`` for an unknown version."""
    return "current listmonk" if version is None else "v" + ".".join(map(str, version))


def is_masked(text: str | None) -> bool:
    """A password as ``GET /api/settings`` shows it: set, but its text unknown."""
    return bool(text) and set(text or "") == {PASSWORD_MASK}


class SmtpServer(NamedTuple):
    """One ``smtp[]`` item of a settings export, with every flattened setting under it."""

    index: int
    file: LoadedFile
    #: ``host`` → ``smtp[0].host`` (the item's direct fields).
    fields: Mapping[str, Setting]
    #: Deeper settings (``smtp[0].email_headers[0].Return-Path``), in document order.
    nested: tuple[Setting, ...] = ()

    @property
    def label(self) -> str:
        """``smtp[0]``: the transport's name."""
        return f"smtp[{self.index}]"

    def get(self, name: str) -> Setting | None:
        """The setting of a direct field, ``None`` when the item lacks it."""
        return self.fields.get(name)

    def text(self, name: str) -> str | None:
        """The value of a direct field (JSON rendered as text), ``None`` when absent/null."""
        found = self.fields.get(name)
        return None if found is None else found.value

    @property
    def enabled(self) -> bool:
        """``item.Bool("enabled")``: a missing key is Go's zero value, false."""
        return self.text("enabled") == "true"

    @property
    def host(self) -> str:
        """The host as saved (``cmd/settings.go`` trims white space)."""
        return (self.text("host") or "").strip()

    @property
    def port(self) -> int | None:
        """The port number, ``None`` when absent or not an integer."""
        text = self.text("port")
        return int(text) if text is not None and text.strip().isdigit() else None

    @property
    def tls_type(self) -> str:
        """The ``tls_type`` text; absent is Go's zero value ``""``."""
        return self.text("tls_type") or ""

    @property
    def legacy_tls(self) -> bool:
        """The pre-v2.1.0 shape: ``tls_enabled`` and no ``tls_type``."""
        return "tls_enabled" in self.fields and "tls_type" not in self.fields

    @property
    def auth_protocol(self) -> str:
        """The ``auth_protocol`` text; absent is ``""`` (no login)."""
        return self.text("auth_protocol") or ""

    @property
    def from_addresses(self) -> tuple[Setting, ...]:
        """The non-empty ``from_addresses`` entries (v6.2.0+ routing)."""
        return tuple(
            s
            for s in self.nested
            if s.key.startswith(f"{self.label}.from_addresses[") and (s.value or "").strip()
        )

    @property
    def first(self) -> Setting | None:
        """The item's first setting (where a finding about the whole item points)."""
        return next(iter(self.fields.values()), None)


def export_files(instance: AppInstance) -> tuple[LoadedFile, ...]:
    """The settings exports (JSON) among the instance's files."""
    return tuple(f for f in instance.files if f.spec.format is FileFormat.JSON)


def export_setting(instance: AppInstance, key: str) -> Setting | None:
    """A top-level key of the settings export (``app.root_url``)."""
    for loaded in export_files(instance):
        found = loaded.settings.get(key)
        if found is not None:
            return found
    return None


@per_instance
def smtp_servers(instance: AppInstance) -> tuple[SmtpServer, ...]:
    """Every ``smtp[]`` item of the instance's settings export(s), enabled or not."""
    return tuple(server for loaded in export_files(instance) for server in _servers(loaded))


@per_instance
def enabled_servers(instance: AppInstance) -> tuple[SmtpServer, ...]:
    """The items ``initSMTPMessengers`` uses."""
    return tuple(s for s in smtp_servers(instance) if s.enabled)


def _servers(loaded: LoadedFile) -> Iterator[SmtpServer]:
    direct: dict[int, dict[str, Setting]] = {}
    nested: dict[int, list[Setting]] = {}
    for key, setting in loaded.settings.items():
        match = _SERVER_KEY.match(key)
        if match is None:
            continue
        index, name, rest = int(match.group(1)), match.group(2), match.group(3)
        direct.setdefault(index, {})
        if rest:
            nested.setdefault(index, []).append(setting)
        else:
            direct[index][name] = setting
    for index in sorted(direct):
        yield SmtpServer(index, loaded, direct[index], tuple(nested.get(index, ())))


def _present(*settings: Setting | None) -> tuple[Setting, ...]:
    return tuple(s for s in settings if s is not None)


class Security(NamedTuple):
    """How a server's connection is secured, with the settings that decide it."""

    tls: Field[TlsMode]
    verify: Field[bool | None]


def security(server: SmtpServer, version: Version | None) -> Security:
    """``email.New``'s TLS decision for this listmonk version (see the module doc)."""
    if server.legacy_tls:
        enabled = server.get("tls_enabled")
        mode = TlsMode.STARTTLS_REQUIRED if server.text("tls_enabled") == "true" else None
        return _security(server, mode or TlsMode.PLAINTEXT, _present(enabled))
    kind = server.tls_type
    decided_by = _present(server.get("tls_type"))
    if kind == "none":
        return _security(server, TlsMode.PLAINTEXT, decided_by)
    if kind == "TLS":
        return _security(server, TlsMode.IMPLICIT, decided_by)
    if kind == "STARTTLS" or not at_least(version, SMTPPOOL_V2_SINCE):
        return _security(server, TlsMode.STARTTLS_REQUIRED, decided_by)
    return _security(server, TlsMode.PLAINTEXT, decided_by)


def _security(server: SmtpServer, mode: TlsMode, decided_by: tuple[Setting, ...]) -> Security:
    if mode is TlsMode.PLAINTEXT:
        return Security(Field(mode, decided_by), Field(None))
    skip = server.get("tls_skip_verify")
    return Security(
        Field(mode, decided_by), Field(server.text("tls_skip_verify") != "true", _present(skip))
    )


def sender(instance: AppInstance) -> Field[str | None]:
    """``app.from_email``: the From of system mails (opt-in, notifications) and the default
    of campaigns."""
    found = export_setting(instance, "app.from_email")
    return Field(None if found is None else found.value, _present(found))


def server_transport(instance: AppInstance, server: SmtpServer) -> Transport:
    """One enabled ``smtp[]`` item as the ``email`` messenger will use it."""
    secured = security(server, instance.version)
    protocol = server.auth_protocol
    auth_from = _present(server.get("auth_protocol"))
    host_s, port_s = server.get("host"), server.get("port")
    name = server.text("name") or ""
    driver = "email" if not name else f"email, {name}"
    return Transport(
        app=APP,
        kind=Field(TransportKind.SMTP, _present(server.get("enabled"))),
        name=server.label,
        driver=Field[str | None](driver, _present(server.get("name"))),
        host=Field[str | None](server.host if host_s is not None else None, _present(host_s)),
        port=Field[int | None](server.port, _present(port_s)),
        tls=secured.tls,
        verify_certificate=secured.verify,
        username=Field[str | None](server.text("username"), _present(server.get("username"))),
        password=Field[str | None](server.text("password"), _present(server.get("password"))),
        auth=Field(protocol in LOGIN_PROTOCOLS, auth_from),
        sender=sender(instance),
    )


def interpret(instance: AppInstance) -> tuple[Transport, ...]:
    """One transport per enabled ``smtp[]`` item of the settings export; none when the
    instance shows no export (a compose service or ``config.toml``: the SMTP servers are in
    the database, out of sight)."""
    return tuple(server_transport(instance, s) for s in enabled_servers(instance))
