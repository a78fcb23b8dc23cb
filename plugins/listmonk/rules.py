"""Listmonk's rules (prefix ``LMK``): what only Listmonk's code does with its mail settings.

Generic SMTP pitfalls (credentials over plaintext, provider usernames, generic placeholders,
a container-local SMTP host, Compose ``$`` damage, key typos) are core's ``SMTP`` rules, which
judge the :class:`~mail_lint.Transport` of each enabled ``smtp[]`` server that
:mod:`.transport` builds. The port/TLS mismatch is also reported here, in Listmonk's keys and
with the error Listmonk's users see.

Facts: ``shared/reference/apps-plausible-listmonk.md`` Part B (B9 pitfalls, B10 candidates),
re-read in ``knadh/listmonk`` @ ``911e0b77``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from urllib.parse import urlsplit

from mail_lint import (
    AppInstance,
    FileFormat,
    Finding,
    Location,
    Rule,
    RuleContext,
    Setting,
    Severity,
    TlsMode,
    address_of,
    ip_address,
    rule,
)
from mail_lint.plugins.listmonk.transport import (
    AUTH_PROTOCOLS,
    FROM_ADDRESSES_SINCE,
    IDEMPOTENT_SINCE,
    LOGIN_PROTOCOLS,
    SETTINGS_IN_DB_SINCE,
    SMTPPOOL_V2_SINCE,
    TLS_TYPES,
    SmtpServer,
    at_least,
    enabled_servers,
    export_files,
    export_setting,
    is_masked,
    security,
    smtp_servers,
    version_text,
)
from mail_lint.providers import organisational_domain, provider_for

APP = "listmonk"

#: Go ``net/smtp`` ``isLocalhost``: the only hosts ``PlainAuth`` logs in to without TLS.
_GO_LOCALHOST = frozenset({"localhost", "127.0.0.1", "::1"})
_LOOPBACK_NAMES = frozenset({"localhost", "0.0.0.0", "ip6-localhost", "ip6-loopback"})
#: ``schema.sql``'s SMTP placeholders (the first item is enabled on a fresh install).
_PLACEHOLDER_HOSTS = frozenset({"smtp.yoursite.com"})
_PLACEHOLDER_USERNAMES = frozenset({"username", "username@gmail.com"})
#: ``schema.sql``: ``app.root_url`` on a fresh install.
DEFAULT_ROOT_URL = "http://localhost:9000"
#: Ports that speak plaintext first (SMTP, submission, the 2525 alternative).
_PLAINTEXT_PORTS = frozenset({25, 587, 2525})
_IMPLICIT_TLS_PORT = 465

#: Database settings (``schema.sql`` ``INSERT INTO settings``) about mail: in ``config.toml``
#: or ``LISTMONK_*`` they are overridden by the database (``cmd/main.go``, #705).
MAIL_DB_KEYS = frozenset(
    {
        "app.root_url",
        "app.from_email",
        "app.notify_emails",
        "app.send_optin_confirmation",
        "app.show_optin_page",
        "app.concurrency",
        "app.message_rate",
        "app.batch_size",
        "app.max_send_errors",
        "app.message_sliding_window",
        "app.message_sliding_window_duration",
        "app.message_sliding_window_rate",
        "privacy.unsubscribe_header",
        "privacy.individual_tracking",
        "privacy.disable_tracking",
        "messengers",
    }
)
_MAIL_DB_PREFIXES = ("smtp", "bounce")
#: Keys Listmonk never had (or no longer has), and what the user meant.
_NO_SUCH_KEY = {
    "app.root": "the pre-v0.7.0 name of the Root URL",
    "app.public_url": "not a listmonk setting (#2393)",
    "app.site_url": "not a listmonk setting (#2141)",
    "app.base_url": "not a listmonk setting",
    "app.url": "not a listmonk setting",
    "root_url": "a top-level key (the setting is app.root_url)",
    "root-url": "a top-level key (the setting is app.root_url)",
    "public_url": "not a listmonk setting (#2393)",
    "site_url": "not a listmonk setting (#2141)",
    "from_email": "a top-level key (the setting is app.from_email, #102)",
    "from-email": "a top-level key (the setting is app.from_email, #102)",
}
_SHELL_SPLIT = re.compile(r"&&|\|\||[;|\n]")


# -- helpers ------------------------------------------------------------------------------


def _place(instance: AppInstance, where: Setting | Location | None) -> str:
    """``listmonk-settings.json:12`` for the line a person edits."""
    location = where.blame if isinstance(where, Setting) else where
    if location is None:
        return "not set"
    base = instance.project.project_dir if instance.project else instance.path.parent
    relative = os.path.relpath(location.path, base)
    shown = location.path.name if relative.startswith("..") else relative
    return f"{shown}:{location.line}"


def _field(instance: AppInstance, server: SmtpServer, name: str) -> str:
    """``tls_type 'TLS' (export.json:12)`` for a message; secrets never shown."""
    found = server.get(name)
    if found is None:
        return f"{name} (not set)"
    text = found.value
    quoted = found.raw is None or found.raw.startswith(('"', "'"))
    shown = "null" if text is None else repr(text) if quoted else text
    return f"{name} {shown} ({_place(instance, found)})"


def _server_name(server: SmtpServer) -> str:
    """``smtp[0] (smtp.example.org)``."""
    return f"{server.label} ({server.host or 'no host'})"


def _finding_at(server: SmtpServer, names: tuple[str, ...]) -> Setting | None:
    for name in names:
        found = server.get(name)
        if found is not None:
            return found
    return server.first


def _is_loopback(host: str) -> bool:
    text = host.strip().strip("[]").lower()
    if text in _LOOPBACK_NAMES or text.endswith(".localhost"):
        return True
    address = ip_address(text)
    return address is not None and (address.is_loopback or address.is_unspecified)


def _is_ip(host: str) -> bool:
    return ip_address(host.strip("[]")) is not None


def _address(text: str | None) -> str:
    """The address part of ``Name <addr>`` (lower-case), ``""`` when there is none."""
    address = address_of(text)
    return address.lower() if "@" in address else ""


def _placeholder_address(address: str) -> bool:
    """An address on ``schema.sql``'s ``yoursite.com`` placeholder domain."""
    domain = address.rsplit("@", 1)[-1]
    return domain == "yoursite.com" or domain.endswith(".yoursite.com")


def _routes(server: SmtpServer, address: str) -> bool:
    """Whether a server's ``from_addresses`` route ``address`` (by address or domain)."""
    routes = {(s.value or "").strip().lower() for s in server.from_addresses}
    return address in routes or address.rsplit("@", 1)[-1] in routes


def _koanf_key(env_key: str) -> str | None:
    """``LISTMONK_app__root_url`` → ``app.root_url`` (``cmd/main.go``'s env provider)."""
    if not env_key.upper().startswith("LISTMONK_"):
        return None
    key = env_key[len("LISTMONK_") :].lower().replace("__", ".")
    return key


def _is_mail_db_key(key: str) -> bool:
    return key in MAIL_DB_KEYS or any(
        key == p or key.startswith((p + ".", p + "[")) for p in _MAIL_DB_PREFIXES
    )


def _toml_files(instance: AppInstance) -> Iterator[Setting]:
    for loaded in instance.files:
        if loaded.spec.format is FileFormat.TOML:
            yield from loaded.settings.values()


def _group(key: str) -> str:
    """``smtp.my0.host`` → ``smtp.my0``; ``smtp[0].host`` → ``smtp[0]``;
    ``app.notify_emails[0]`` → ``app.notify_emails``; other keys as they are."""
    if key.startswith(("smtp.", "bounce.")):
        return ".".join(key.split(".")[:2]).split("[")[0]
    match = re.match(r"^((?:smtp|bounce)[^.]*?\[\d+\])", key)
    return match.group(1) if match else re.sub(r"\[\d+\].*$", "", key)


# -- the settings export ------------------------------------------------------------------


@rule("LMK001", "optin-confirmation-off", severity=Severity.WARNING, app=APP)
def optin_confirmation_off(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports a settings export whose `app.send_optin_confirmation` is `false`.

    ## Why is this bad?
    Listmonk sends the double opt-in confirmation mail only when this toggle is on
    (`internal/core/subscribers.go`: `if !preconfirm && c.consts.SendOptinConfirmation`).
    With it off, subscribers to double opt-in lists never get the mail, stay
    `unconfirmed`, and never receive a campaign; nothing is logged. #1995 ("Confirmation
    Emails Fail to Send") was exactly this toggle.

    ## Example
    ```json
    {"app.send_optin_confirmation": false}
    ```

    Use instead:
    ```json
    {"app.send_optin_confirmation": true}
    ```
    (Settings → General → "Send opt-in confirmation".)

    ## References
    - listmonk `internal/core/subscribers.go` (`InsertSubscriber`), `cmd/init.go`
    - https://github.com/knadh/listmonk/issues/1995
    """
    found = export_setting(ctx.instance, "app.send_optin_confirmation")
    if found is None or found.value != "false":
        return
    yield ctx.finding(
        "app.send_optin_confirmation is false: listmonk never sends the double opt-in "
        "confirmation mail, so subscribers to double opt-in lists stay unconfirmed and get "
        "no campaign, with nothing in the logs (#1995). Turn on Settings → General → "
        "'Send opt-in confirmation'.",
        at=found,
        fix="true",
    )


@rule(
    "LMK002",
    "tls-type-port-mismatch",
    severity=Severity.ERROR,
    app=APP,
    supersedes=("SMTP001", "SMTP002"),
)
def tls_type_port_mismatch(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports an enabled SMTP server whose `tls_type` does not fit its port: `TLS` (implicit
    TLS) on 25, 587 or 2525, or `STARTTLS`/`none` (or a value that means plaintext) on 465.

    ## Why is this bad?
    With `TLS` listmonk starts a TLS handshake at once (`tls.DialWithDialer`); a
    submission port answers with a plaintext greeting and the send fails with
    `tls: first record does not look like a TLS handshake` (#779). With `STARTTLS` or
    `none` on 465 listmonk waits for a greeting the implicit-TLS server never sends, and
    every send times out.

    ## Example
    ```json
    {"smtp": [{"enabled": true, "host": "in-v3.mailjet.com", "port": 587, "tls_type": "TLS"}]}
    ```

    Use instead:
    ```json
    {"smtp": [{"enabled": true, "host": "in-v3.mailjet.com", "port": 465, "tls_type": "TLS"}]}
    ```

    ## References
    - listmonk `internal/messenger/email/email.go` (`New`); knadh/smtppool `pool.go`
    - https://github.com/knadh/listmonk/issues/779
    """
    instance = ctx.instance
    for server in enabled_servers(instance):
        port, mode = server.port, security(server, instance.version).tls.value
        if port is None or server.legacy_tls:
            continue
        where = f"{_field(instance, server, 'tls_type')} with {_field(instance, server, 'port')}"
        if mode is TlsMode.IMPLICIT and port in _PLAINTEXT_PORTS:
            yield ctx.finding(
                f"{_server_name(server)}: {where}: listmonk opens a TLS handshake, but port "
                f"{port} starts in plaintext, so every send fails with 'tls: first record does "
                "not look like a TLS handshake' (#779). Use tls_type STARTTLS on port "
                f"{port}, or port 465 with TLS.",
                at=_finding_at(server, ("tls_type", "port")),
                key=f"{server.label}.tls_type",
            )
        elif mode is not TlsMode.IMPLICIT and port == _IMPLICIT_TLS_PORT:
            yield ctx.finding(
                f"{_server_name(server)}: {where}: port 465 expects TLS from the first byte, "
                "but listmonk connects in plaintext and waits for a greeting that never "
                "comes, so every send times out. Set tls_type to TLS (or use port 587 with "
                "STARTTLS).",
                at=_finding_at(server, ("tls_type", "port")),
                key=f"{server.label}.tls_type",
            )


@rule("LMK003", "unknown-tls-type", severity=Severity.ERROR, app=APP)
def unknown_tls_type(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports an enabled SMTP server whose `tls_type` is not exactly `none`, `STARTTLS` or
    `TLS` (listmonk compares case-sensitively), or is missing.

    ## Why is this bad?
    Since v5.0.0 (smtppool v2) any other value (`""`, `starttls`, `tls`, `SSL`) leaves the
    connection in plaintext, silently, although a TLS config is built. Up to v4.1.x the
    same values meant STARTTLS, so an upgrade turns encryption off without a word.

    ## Example
    ```json
    {"smtp": [{"enabled": true, "port": 587, "tls_type": "starttls"}]}
    ```

    Use instead:
    ```json
    {"smtp": [{"enabled": true, "port": 587, "tls_type": "STARTTLS"}]}
    ```

    ## References
    - listmonk `internal/messenger/email/email.go` @ v5.0.0 and @ v3.0.0; `go.mod` (smtppool
      v1.1.0 → v2.0.0 in v5.0.0)
    """
    instance = ctx.instance
    for server in enabled_servers(instance):
        if server.legacy_tls or server.tls_type in TLS_TYPES:
            continue
        version = instance.version
        if at_least(version, SMTPPOOL_V2_SINCE):
            effect = (
                f"{version_text(version)} (v5.0.0 and later) sends in plaintext for any value "
                "but none, STARTTLS or TLS, silently"
            )
        else:
            effect = (
                f"{version_text(version)} treats it as STARTTLS, but from v5.0.0 on it means "
                "plaintext, silently"
            )
        yield ctx.finding(
            f"{_server_name(server)}: {_field(instance, server, 'tls_type')} is not one of "
            f"'none', 'STARTTLS', 'TLS' (case-sensitive): {effect}. Write STARTTLS (port 587) "
            "or TLS (port 465).",
            at=_finding_at(server, ("tls_type", "enabled")),
            key=f"{server.label}.tls_type",
        )


@rule("LMK004", "plain-auth-without-tls", severity=Severity.ERROR, app=APP)
def plain_auth_without_tls(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports an enabled SMTP server with `auth_protocol: plain` whose connection is not
    encrypted (`tls_type: none`, or a value that means plaintext) to a host other than
    `localhost`, `127.0.0.1` or `::1`.

    ## Why is this bad?
    Listmonk uses Go's `smtp.PlainAuth`, which refuses to send the password over an
    unencrypted connection to any other host: every send fails with `unencrypted
    connection`.

    ## Example
    ```json
    {"smtp": [{"enabled": true, "host": "mail.example.org", "port": 587,
               "auth_protocol": "plain", "tls_type": "none"}]}
    ```

    Use instead:
    ```json
    {"smtp": [{"enabled": true, "host": "mail.example.org", "port": 587,
               "auth_protocol": "plain", "tls_type": "STARTTLS"}]}
    ```

    ## References
    - listmonk `internal/messenger/email/email.go` (`smtp.PlainAuth("", user, pass, host)`)
    - Go `net/smtp/auth.go` `plainAuth.Start` (commit 4be3fc33)
    """
    instance = ctx.instance
    for server in enabled_servers(instance):
        if server.auth_protocol != "plain" or server.host.lower() in _GO_LOCALHOST:
            continue
        if security(server, instance.version).tls.value is not TlsMode.PLAINTEXT:
            continue
        tls = "tls_enabled" if server.legacy_tls else "tls_type"
        yield ctx.finding(
            f"{_server_name(server)}: {_field(instance, server, 'auth_protocol')} over "
            f"{_field(instance, server, tls)}: Go's PlainAuth refuses to send the password "
            f"unencrypted to '{server.host}', so every send fails with 'unencrypted "
            "connection'. Use tls_type STARTTLS (587) or TLS (465).",
            at=_finding_at(server, ("auth_protocol",)),
            key=f"{server.label}.auth_protocol",
        )


@rule("LMK005", "no-enabled-smtp-server", severity=Severity.ERROR, app=APP)
def no_enabled_smtp_server(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports a settings export in which no `smtp[]` server is enabled.

    ## Why is this bad?
    Opt-in confirmations, notifications and campaigns all go through the `email`
    messenger, which holds only enabled servers: with none, no mail leaves. The settings UI
    refuses to save this ("At least one SMTP block should be enabled"), so such an export
    comes from a hand edit, SQL or an old version.

    ## Example
    ```json
    {"smtp": [{"enabled": false, "host": "smtp.example.org"}]}
    ```

    Use instead:
    ```json
    {"smtp": [{"enabled": true, "host": "smtp.example.org"}]}
    ```

    ## References
    - listmonk `cmd/init.go` (`initSMTPMessengers`), `cmd/settings.go` (`settings.errorNoSMTP`)
    """
    for loaded in export_files(ctx.instance):
        smtp = loaded.settings.get("smtp")
        servers = [s for s in smtp_servers(ctx.instance) if s.file is loaded]
        if smtp is None and not servers:
            continue
        if any(s.enabled for s in servers):
            continue
        at = smtp if smtp is not None else servers[0].get("enabled") or servers[0].first
        shown = ", ".join(_field(ctx.instance, s, "enabled") for s in servers) or "smtp is []"
        yield ctx.finding(
            f"No SMTP server is enabled ({shown}): listmonk sends no mail at all, not even "
            "opt-in confirmations. Enable one in Settings → SMTP.",
            at=at,
            key="smtp",
        )


@rule(
    "LMK006",
    "placeholder-smtp-server",
    severity=Severity.ERROR,
    app=APP,
    supersedes=("SMTP014",),
)
def placeholder_smtp_server(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports an enabled SMTP server that still has the install placeholders: host
    `smtp.yoursite.com`, or user name `username` / `username@gmail.com`.

    ## Why is this bad?
    A fresh install seeds an *enabled* server `smtp.yoursite.com:25` with user `username`
    (and a disabled Gmail one with `username@gmail.com`). Left enabled, it takes part in the
    random round-robin, so a share of all mails fails (the "Test connection" of another
    block still passes).

    ## Example
    ```json
    {"smtp": [{"enabled": true, "host": "smtp.yoursite.com", "username": "username"}]}
    ```

    Use instead:
    ```json
    {"smtp": [{"enabled": true, "host": "smtp.example.org", "username": "news@example.org"}]}
    ```

    ## References
    - listmonk `schema.sql` (`INSERT INTO settings ... 'smtp'`)
    - https://github.com/knadh/listmonk/issues/133
    """
    instance = ctx.instance
    for server in enabled_servers(instance):
        if server.host.lower() in _PLACEHOLDER_HOSTS:
            what, at = _field(instance, server, "host"), server.get("host")
        elif (server.text("username") or "") in _PLACEHOLDER_USERNAMES:
            what, at = _field(instance, server, "username"), server.get("username")
        else:
            continue
        yield ctx.finding(
            f"{server.label} is enabled with the install placeholder {what}: listmonk tries "
            "to send through it and those mails fail. Fill in your SMTP server, or disable "
            "or delete this block in Settings → SMTP.",
            at=at,
        )


@rule("LMK007", "root-url-not-public", severity=Severity.ERROR, app=APP)
def root_url_not_public(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports an `app.root_url` that is the install default `http://localhost:9000`, points at
    a loopback address, is empty, or is not an `http(s)` URL.

    ## Why is this bad?
    Every link in every mail is built from it: the opt-in confirmation, unsubscribe
    (`List-Unsubscribe` too), tracking and archive links. With `localhost` subscribers get
    links to their own machine, so nobody can confirm or unsubscribe (#2227, #826, #2393).

    ## Example
    ```json
    {"app.root_url": "http://localhost:9000"}
    ```

    Use instead:
    ```json
    {"app.root_url": "https://lists.example.org"}
    ```

    ## References
    - listmonk `schema.sql`, `cmd/init.go` (`initUrlConfig`)
    - https://github.com/knadh/listmonk/issues/2227, /826, /2393
    """
    found = export_setting(ctx.instance, "app.root_url")
    if found is None:
        return
    text = (found.value or "").strip()
    parts = urlsplit(text)
    if text.rstrip("/") == DEFAULT_ROOT_URL:
        why = "the install default"
    elif not text:
        why = "empty"
    elif parts.scheme not in ("http", "https") or not parts.hostname:
        why = "not an http(s) URL"
    elif _is_loopback(parts.hostname):
        why = f"'{parts.hostname}', the subscriber's own machine"
    else:
        return
    yield ctx.finding(
        f"app.root_url {text!r} is {why}: the opt-in confirmation, unsubscribe and tracking "
        "links in every mail are built from it, so subscribers cannot confirm or "
        "unsubscribe. Set Settings → General → Root URL to the public address of listmonk.",
        at=found,
    )


@rule(
    "LMK008",
    "placeholder-from-email",
    severity=Severity.ERROR,
    app=APP,
    supersedes=("SMTP015", "SMTP021"),
)
def placeholder_from_email(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports an `app.from_email` that is the install default
    (`listmonk <noreply@listmonk.yoursite.com>`), on the `yoursite.com` placeholder domain,
    or has no address at all.

    ## Why is this bad?
    It is the From of every system mail (opt-in confirmations, notifications, the SMTP
    test) and the default From of campaigns. Relays refuse a domain you do not own, and
    receivers reject or junk mail whose domain has no SPF/DKIM; without an address the mail
    cannot be built.

    ## Example
    ```json
    {"app.from_email": "listmonk <noreply@listmonk.yoursite.com>"}
    ```

    Use instead:
    ```json
    {"app.from_email": "Newsletter <news@example.org>"}
    ```

    ## References
    - listmonk `schema.sql`, `cmd/init.go` (`FromEmail`), `internal/notifs`
    """
    found = export_setting(ctx.instance, "app.from_email")
    if found is None:
        return
    text = found.value or ""
    address = _address(text)
    if not address:
        why = "has no e-mail address, so the mail cannot be sent"
    elif _placeholder_address(address):
        why = "is the install placeholder: relays refuse it and receivers reject it"
    else:
        return
    yield ctx.finding(
        f"app.from_email {text!r} {why}. It is the From of opt-in confirmations and "
        "notifications: set Settings → General → Default 'from' email to an address on your "
        "own domain.",
        at=found,
    )


@rule("LMK012", "multiple-servers-round-robin", severity=Severity.INFO, app=APP)
def multiple_servers_round_robin(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports more than one enabled SMTP server without `from_addresses` routing on each.

    ## Why is this bad?
    Listmonk picks one of the enabled servers at random for every mail
    (`rand.Intn(len(pool))`), opt-in confirmations included, while "Test connection" tests
    only the block being edited. One broken server fails about 1/N of all mails, which looks
    like "the test works but campaigns fail" (#1905).

    ## Example
    ```json
    {"smtp": [{"enabled": true, "host": "smtp.a.example"},
              {"enabled": true, "host": "smtp.b.example"}]}
    ```

    Use instead: disable the servers you do not use, or (v6.2.0+) give each a distinct
    `from_addresses` list.
    ```json
    {"smtp": [{"enabled": true, "host": "smtp.a.example"},
              {"enabled": false, "host": "smtp.b.example"}]}
    ```

    ## References
    - listmonk `internal/messenger/email/email.go` (`Push`, `getPool`), `cmd/init.go`
    - https://github.com/knadh/listmonk/issues/1905
    """
    instance = ctx.instance
    servers = enabled_servers(instance)
    if len(servers) < 2:
        return
    routing = at_least(instance.version, FROM_ADDRESSES_SINCE)
    if routing and all(s.from_addresses for s in servers):
        return
    names = ", ".join(_server_name(s) for s in servers)
    note = "" if routing else f" ({version_text(instance.version)} has no from_addresses routing)"
    second = servers[1]
    yield ctx.finding(
        f"{len(servers)} SMTP servers are enabled: {names}. listmonk picks one at random "
        f"for every mail{note}, and 'Test connection' checks only one block, so a broken "
        "server fails a share of the mails unnoticed. Disable the ones you do not use.",
        at=second.get("enabled") or second.first,
        key=f"{second.label}.enabled",
    )


@rule("LMK013", "max-conns-below-one", severity=Severity.ERROR, app=APP)
def max_conns_below_one(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports an enabled SMTP server whose `max_conns` is missing or below 1.

    ## Why is this bad?
    smtppool refuses the pool (`MaxConns should be >= 1`) and listmonk exits at start-up
    (`error initializing e-mail messenger`), so the whole app is down.

    ## Example
    ```json
    {"smtp": [{"enabled": true, "max_conns": 0}]}
    ```

    Use instead:
    ```json
    {"smtp": [{"enabled": true, "max_conns": 10}]}
    ```

    ## References
    - knadh/smtppool `pool.go` (`New`); listmonk `cmd/init.go` (`initSMTPMessengers`)
    """
    instance = ctx.instance
    for server in enabled_servers(instance):
        text = server.text("max_conns")
        try:
            value = int(float(text)) if text is not None else 0
        except ValueError:
            continue
        if value >= 1:
            continue
        yield ctx.finding(
            f"{_server_name(server)}: {_field(instance, server, 'max_conns')}: smtppool "
            "refuses it ('MaxConns should be >= 1') and listmonk exits at start-up. Set "
            "max_conns to at least 1 (10 is the default).",
            at=_finding_at(server, ("max_conns", "enabled")),
            key=f"{server.label}.max_conns",
        )


@rule("LMK014", "unknown-auth-protocol", severity=Severity.ERROR, app=APP)
def unknown_auth_protocol(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports an enabled SMTP server whose `auth_protocol` is not `cram`, `plain`, `login`,
    `none` or empty.

    ## Why is this bad?
    `email.New` returns `unknown SMTP auth type` and listmonk exits at start-up.

    ## Example
    ```json
    {"smtp": [{"enabled": true, "auth_protocol": "LOGIN"}]}
    ```

    Use instead:
    ```json
    {"smtp": [{"enabled": true, "auth_protocol": "login"}]}
    ```

    ## References
    - listmonk `internal/messenger/email/email.go` (`New`), `cmd/init.go`
    """
    instance = ctx.instance
    for server in enabled_servers(instance):
        protocol = server.auth_protocol
        if protocol in AUTH_PROTOCOLS:
            continue
        hint = (
            f" (did you mean '{protocol.lower()}'?)" if protocol.lower() in AUTH_PROTOCOLS else ""
        )
        yield ctx.finding(
            f"{_server_name(server)}: {_field(instance, server, 'auth_protocol')} is not "
            f"cram, plain, login or none{hint}: listmonk exits at start-up with 'unknown SMTP "
            "auth type'.",
            at=server.get("auth_protocol"),
        )


@rule("LMK015", "skip-verify-without-tls", severity=Severity.INFO, app=APP)
def skip_verify_without_tls(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports `tls_skip_verify: true` on an enabled server with `tls_type: none`.

    ## Why is this bad?
    Without TLS there is no certificate to verify: the toggle does nothing, and the mail
    goes unencrypted. It is often a sign of a TLS problem "fixed" by turning TLS off (#1905).

    ## Example
    ```json
    {"smtp": [{"enabled": true, "tls_type": "none", "tls_skip_verify": true}]}
    ```

    Use instead:
    ```json
    {"smtp": [{"enabled": true, "tls_type": "STARTTLS", "tls_skip_verify": false}]}
    ```

    ## References
    - listmonk `internal/messenger/email/email.go`
    - https://github.com/knadh/listmonk/issues/1905 (maintainer's answer)
    """
    instance = ctx.instance
    for server in enabled_servers(instance):
        if server.tls_type != "none" or server.text("tls_skip_verify") != "true":
            continue
        yield ctx.finding(
            f"{_server_name(server)}: {_field(instance, server, 'tls_skip_verify')} has no "
            "effect with tls_type 'none': listmonk never starts TLS on this server, so "
            "nothing is verified and the mail is unencrypted.",
            at=server.get("tls_skip_verify"),
        )


@rule("LMK016", "credentials-without-auth", severity=Severity.INFO, app=APP)
def credentials_without_auth(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports an enabled server with `auth_protocol` `none` (or empty) that still has a user
    name or password.

    ## Why is this bad?
    Listmonk does not log in at all with `none`: the credentials are ignored, and a relay
    that requires login refuses the mail (`530 Authentication required`).

    ## Example
    ```json
    {"smtp": [{"enabled": true, "auth_protocol": "none", "username": "news@example.org"}]}
    ```

    Use instead:
    ```json
    {"smtp": [{"enabled": true, "auth_protocol": "login", "username": "news@example.org"}]}
    ```

    ## References
    - listmonk `internal/messenger/email/email.go` (`case "", "none":`)
    """
    instance = ctx.instance
    for server in enabled_servers(instance):
        if server.auth_protocol not in ("", "none"):
            continue
        given = [n for n in ("username", "password") if (server.text(n) or "").strip()]
        if not given:
            continue
        yield ctx.finding(
            f"{_server_name(server)}: {_field(instance, server, 'auth_protocol')} means no "
            f"login, so the {' and '.join(given)} set here are never used. Choose cram, plain "
            "or login if the server needs a login, or clear them.",
            at=_finding_at(server, ("auth_protocol", "username")),
            key=f"{server.label}.auth_protocol",
        )


@rule("LMK017", "default-helo-hostname", severity=Severity.INFO, app=APP)
def default_helo_hostname(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports an enabled server on port 25 of a remote host with an empty `hello_hostname`.

    ## Why is this bad?
    Listmonk then greets with `EHLO localhost` (the compose `hostname:` is not used). Mail
    servers on port 25 often reject or junk mail from a client that calls itself
    `localhost`.

    ## Example
    ```json
    {"smtp": [{"enabled": true, "host": "mx.example.org", "port": 25, "hello_hostname": ""}]}
    ```

    Use instead:
    ```json
    {"smtp": [{"enabled": true, "host": "mx.example.org", "port": 25,
               "hello_hostname": "lists.example.org"}]}
    ```

    ## References
    - listmonk `i18n/en.json` (`settings.smtp.heloHostHelp`); knadh/smtppool `Opt.HelloHostname`
    """
    instance = ctx.instance
    for server in enabled_servers(instance):
        host = server.host
        if server.port != 25 or (server.text("hello_hostname") or "").strip():
            continue
        if "." not in host or _is_loopback(host) or server.host.lower() in _PLACEHOLDER_HOSTS:
            continue
        yield ctx.finding(
            f"{_server_name(server)}: {_field(instance, server, 'hello_hostname')} on port "
            "25: listmonk greets with 'EHLO localhost', which many mail servers reject or "
            "score as spam. Set the HELO hostname to listmonk's public host name.",
            at=_finding_at(server, ("hello_hostname", "port")),
            key=f"{server.label}.hello_hostname",
        )


@rule("LMK018", "return-path-header", severity=Severity.INFO, app=APP)
def return_path_header(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports a `Return-Path` entry in an enabled server's `email_headers`.

    ## Why is this bad?
    Listmonk removes the header and uses its address as the SMTP envelope sender
    (`em.Sender`). SPF is then checked against that domain, and DMARC alignment breaks when
    it differs from the From domain (#2172).

    ## Example
    ```json
    {"smtp": [{"enabled": true, "email_headers": [{"Return-Path": "bounce@other.example"}]}]}
    ```

    Use instead: a Return-Path on the From domain, or none.
    ```json
    {"smtp": [{"enabled": true, "email_headers": []}]}
    ```

    ## References
    - listmonk `internal/messenger/email/email.go` (`hdrReturnPath`)
    - https://github.com/knadh/listmonk/issues/2172
    """
    instance = ctx.instance
    for server in enabled_servers(instance):
        for setting in server.nested:
            name = setting.key.rsplit(".", 1)[-1]
            if ".email_headers[" not in setting.key or name.lower() != "return-path":
                continue
            yield ctx.finding(
                f"{_server_name(server)}: the email header {name}: {setting.value!r} "
                f"({_place(instance, setting)}) becomes the SMTP envelope sender, so SPF and "
                "DMARC alignment are checked against it, not against app.from_email (#2172).",
                at=setting,
            )


@rule("LMK019", "legacy-tls-enabled", severity=Severity.INFO, app=APP)
def legacy_tls_enabled(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports an SMTP server with `tls_enabled` instead of `tls_type` (listmonk before v2.1.0).

    ## Why is this bad?
    The v2.1.0 migration turns `tls_enabled: true` into `tls_type: STARTTLS` and `false`
    into `none`. A server on port 465 becomes STARTTLS on 465, which never connects.

    ## Example
    ```json
    {"smtp": [{"enabled": true, "port": 465, "tls_enabled": true}]}
    ```

    Use instead:
    ```json
    {"smtp": [{"enabled": true, "port": 465, "tls_type": "TLS"}]}
    ```

    ## References
    - listmonk `internal/migrations/v2.1.0.go`
    """
    instance = ctx.instance
    for server in smtp_servers(instance):
        if not server.legacy_tls:
            continue
        on = server.text("tls_enabled") == "true"
        after = "STARTTLS" if on else "none"
        extra = (
            " On port 465 that is STARTTLS on an implicit-TLS port, which never connects: set "
            "tls_type TLS after the upgrade."
            if on and server.port == _IMPLICIT_TLS_PORT
            else ""
        )
        yield ctx.finding(
            f"{_server_name(server)}: {_field(instance, server, 'tls_enabled')} is the "
            f"settings shape of listmonk before v2.1.0; the upgrade turns it into tls_type "
            f"'{after}'.{extra}",
            at=server.get("tls_enabled"),
        )


@rule("LMK020", "masked-password", severity=Severity.INFO, app=APP)
def masked_password(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports an enabled server with login whose password is the mask of
    `GET /api/settings` (all `•`).

    ## Why is this bad?
    The export hides the password, so it cannot be checked here. Sent back with
    `PUT /api/settings`, listmonk keeps the stored password only for an *empty* one with
    the same `uuid`: the `•` characters themselves become the password and login fails.

    ## Example
    ```json
    {"smtp": [{"enabled": true, "auth_protocol": "login", "password": "••••••••"}]}
    ```

    Use instead: send `"password": ""` with the server's `uuid` to keep the stored password.
    ```json
    {"smtp": [{"enabled": true, "uuid": "…", "auth_protocol": "login", "password": ""}]}
    ```

    ## References
    - listmonk `cmd/settings.go` (`pwdMask`, `handleUpdateSettings`)
    """
    instance = ctx.instance
    for server in enabled_servers(instance):
        if server.auth_protocol not in LOGIN_PROTOCOLS or not is_masked(server.text("password")):
            continue
        length = len(server.text("password") or "")
        yield ctx.finding(
            f"{_server_name(server)}: the password is masked ({length} '•', set but not "
            "shown), so mail-lint cannot check it. Do not PUT this file back to "
            "/api/settings as is: listmonk would save the '•' characters as the password; "
            'send "" with the uuid to keep it.',
            at=server.get("password"),
        )


@rule("LMK021", "from-email-not-smtp-user", severity=Severity.WARNING, app=APP)
def from_email_not_smtp_user(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports an enabled server whose user name is an e-mail address its provider does not
    let send as `app.from_email`.

    What counts depends on the provider of the server's `host`:

    - mailbox providers (Gmail / Google Workspace, Microsoft 365, Outlook.com, Zoho,
      Fastmail, iCloud) and servers mail-lint does not know: any other address;
    - Mailgun, whose SMTP login belongs to one sending domain: only a From that does not
      align with it (another organisational domain, as DMARC compares them);
      `postmaster@mg.example.org` may send as `news@mg.example.org` or
      `news@example.org`.

    Providers whose login is an account name rather than a mailbox (Brevo's
    `…@smtp-brevo.com`, SendGrid's `apikey`, Resend, SES access keys, Postmark tokens,
    Mailjet keys) check a verified sender or domain instead, which the settings cannot
    show: not reported. Nor (v6.2.0+) when `from_addresses` cover the address or domain.

    ## Why is this bad?
    Mailbox providers only send as the account that logged in and its aliases: they
    refuse the mail (`503 5.5.1`, #1239; Zoho `553 Relaying disallowed`) or rewrite the
    From. Mailgun signs the mail for the login's domain, so a From on another domain fails
    DMARC alignment and receivers that enforce it reject or junk the mail.

    ## Example
    ```json
    {"app.from_email": "News <news@example.org>",
     "smtp": [{"enabled": true, "host": "smtp.gmail.com", "username": "me@gmail.com"}]}
    ```

    Use instead:
    ```json
    {"app.from_email": "News <me@gmail.com>",
     "smtp": [{"enabled": true, "host": "smtp.gmail.com", "username": "me@gmail.com"}]}
    ```

    ## References
    - https://github.com/knadh/listmonk/issues/1239
    - listmonk `internal/messenger/email/email.go` (`getPool`)
    - Zoho Mail SMTP help ("The email address should match the email address/ aliases of
      the account", quoted in reference B.11); mailbox providers: reference B.9-B.13
    - [Mailgun SMTP](https://documentation.mailgun.com/docs/mailgun/user-manual/sending-messages/send-smtp)
      (credentials "are set and managed on a per-domain basis"); reference B.4
    - [Brevo SMTP keys](https://help.brevo.com/hc/en-us/articles/7959631848850-Create-and-manage-your-SMTP-keys)
      ("SMTP Login: a unique email address that acts as a username"); SendGrid, SES,
      Postmark, Resend, Mailjet sender verification: reference B.1-B.8
    """
    instance = ctx.instance
    found = export_setting(instance, "app.from_email")
    sender = _address(found.value if found else None)
    if not sender:
        return
    if _placeholder_address(sender):
        return  # LMK008
    servers = enabled_servers(instance)
    if at_least(instance.version, FROM_ADDRESSES_SINCE) and any(
        _routes(s, sender) for s in servers
    ):
        return  # getPool() sends it only through servers routed for it on purpose
    for server in servers:
        if server.auth_protocol not in LOGIN_PROTOCOLS:
            continue
        user = (server.text("username") or "").strip().lower()
        if "@" not in user or user == sender or user in _PLACEHOLDER_USERNAMES:
            continue
        if server.host.lower() in _PLACEHOLDER_HOSTS:
            continue  # LMK006
        why = _sender_rule(server, user, sender)
        if why is None:
            continue
        yield ctx.finding(
            f"{_server_name(server)} logs in as {_field(instance, server, 'username')} but "
            f"app.from_email is {sender!r} ({_place(instance, found)}){why}",
            at=found,
            key=f"{server.label}.username",
        )


def _sender_rule(server: SmtpServer, user: str, sender: str) -> str | None:
    """Why ``server``'s provider does not send as ``sender`` when logged in as ``user``
    (the end of LMK021's message); ``None`` when it does, or when the login says nothing."""
    provider = provider_for(server.host)
    if provider is None:
        return (
            ": many relays refuse or rewrite mail from another address (#1239). Send from "
            "the account's address, or use an account allowed to send as it."
        )
    if provider.sender_owned:
        return (
            f": {provider.title} only sends as the account that logged in and its aliases, "
            "and refuses or rewrites any other From (#1239). Send from the account's "
            f"address, or add {sender!r} to the account as an alias."
        )
    if not provider.login_domain_bound:
        return None  # an account login: the provider checks a verified sender instead
    domain = user.rsplit("@", 1)[1]
    if organisational_domain(sender.rsplit("@", 1)[1]) == organisational_domain(domain):
        return None  # DMARC's relaxed alignment: mg.example.org signs for news@example.org
    return (
        f", which is not on {domain}: {provider.title} SMTP credentials belong to that one "
        "sending domain and sign the mail for it, so a From on another domain fails DMARC "
        "alignment, and receivers that enforce its DMARC policy reject or junk the mail. "
        f"Send from an address at {domain}, or use the SMTP credentials of the From's domain."
    )


@rule("LMK022", "tls-to-ip-address", severity=Severity.WARNING, app=APP, supersedes=("SMTP006",))
def tls_to_ip_address(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports an enabled server reached by IP address (or `localhost`,
    `host.docker.internal`) with TLS (`STARTTLS` or `TLS`) and
    certificate verification on.

    ## Why is this bad?
    Listmonk verifies the certificate against the `host` as written
    (`TLSConfig.ServerName = host`). Certificates name hosts, not IPs, so every send fails
    with `x509: certificate is valid for mail.example.org, not 10.0.0.5` (#575).

    ## Example
    ```json
    {"smtp": [{"enabled": true, "host": "10.0.0.5", "tls_type": "STARTTLS"}]}
    ```

    Use instead:
    ```json
    {"smtp": [{"enabled": true, "host": "mail.example.org", "tls_type": "STARTTLS"}]}
    ```

    ## References
    - listmonk `internal/messenger/email/email.go`
    - https://github.com/knadh/listmonk/issues/575
    """
    instance = ctx.instance
    for server in enabled_servers(instance):
        secured = security(server, instance.version)
        host = server.host.lower()
        named = host in ("localhost", "host.docker.internal")
        if not (_is_ip(host) or named) or secured.verify.value is not True:
            continue
        yield ctx.finding(
            f"{_server_name(server)}: {_field(instance, server, 'host')} is "
            f"{'a local name' if named else 'an IP address'}, but listmonk checks the server "
            "certificate against it, and certificates name public hosts: sends fail with "
            "'x509: certificate is valid for …' (#575). Use the host "
            "name on the certificate.",
            at=server.get("host"),
        )


# -- compose and config.toml --------------------------------------------------------------


@rule("LMK009", "install-wipes-database", severity=Severity.ERROR, app=APP)
def install_wipes_database(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports a compose `command` or `entrypoint` that runs `listmonk --install` without
    `--idempotent`.

    ## Why is this bad?
    `--install` without `--idempotent` drops and recreates every listmonk table on each
    container start ("This will wipe existing listmonk tables"): subscribers, campaigns
    and all settings, SMTP servers and Root URL included, fall back to the placeholders
    (#1618).

    ## Example
    ```yaml
    command: [sh, -c, "yes | ./listmonk --install && ./listmonk"]
    ```

    Use instead:
    ```yaml
    command: [sh, -c, "./listmonk --install --idempotent --yes && ./listmonk"]
    ```

    ## References
    - listmonk `cmd/install.go`, `docker-compose.yml`
    - https://github.com/knadh/listmonk/issues/1618
    """
    from mail_lint.yamlsource import YScalar, YSeq

    service = ctx.instance.service
    if service is None:
        return
    for key in ("entrypoint", "command"):
        node = service.node.get(key)
        if isinstance(node, YScalar):
            words = [node.value or ""]
        elif isinstance(node, YSeq):
            words = [i.value or "" for i in node.items if isinstance(i, YScalar)]
        else:
            continue
        text = " ".join(words)
        for part in _SHELL_SPLIT.split(text):
            tokens = part.split()
            if "--install" not in tokens or "--idempotent" in tokens:
                continue
            old = not at_least(ctx.instance.version, IDEMPOTENT_SINCE)
            advice = (
                "upgrade to v2.0.0+ and add --idempotent"
                if old
                else "add --idempotent (as the official docker-compose.yml does)"
            )
            yield ctx.finding(
                f"{key} of service '{service.name}' runs '{part.strip()}' without "
                "--idempotent: listmonk wipes its database on every start, and with it "
                "every setting, SMTP servers and Root URL included (#1618). "
                f"{advice[0].upper()}{advice[1:]}.",
                at=node.location,
                key=key,
            )
            break


@rule("LMK010", "mail-setting-outside-database", severity=Severity.WARNING, app=APP)
def mail_setting_outside_database(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports mail settings that Listmonk keeps in its database (`app.root_url`,
    `app.from_email`, opt-in toggles, `smtp`, `bounce`, `privacy.unsubscribe_header`, …)
    written as `LISTMONK_*` variables or in `config.toml`.

    ## Why is this bad?
    Since v0.7.0 listmonk loads the database `settings` table after the file and the
    environment, and it overrides them: these values are ignored (#705, #2393, #2141).

    ## Example
    ```yaml
    environment:
      LISTMONK_app__root_url: https://lists.example.org
    ```

    Use instead: set it in Settings (or `PUT /api/settings`, or SQL
    `UPDATE settings SET value='"https://lists.example.org"' WHERE key='app.root_url'`).

    ## References
    - listmonk `cmd/main.go`, `cmd/init.go` (`initSettings`), `schema.sql`
    - https://github.com/knadh/listmonk/issues/705
    """
    instance = ctx.instance
    if not at_least(instance.version, SETTINGS_IN_DB_SINCE):
        return
    for setting in instance.environment.values():
        key = _koanf_key(setting.key)
        if key is None or not _is_mail_db_key(key):
            continue
        yield ctx.finding(
            f"{setting.key} is ignored: listmonk keeps {key} in its database, which overrides "
            "LISTMONK_* variables (#705). Set it in Settings (or with PUT /api/settings).",
            at=setting.key_location or setting,
            key=setting.key,
        )
    seen: set[str] = set()
    for setting in _toml_files(instance):
        group = _group(setting.key)
        if not _is_mail_db_key(group) or group in seen:
            continue
        seen.add(group)
        yield ctx.finding(
            f"{group} ({_place(instance, setting)}) is ignored: since v0.7.0 listmonk keeps "
            "it in its database, which overrides config.toml. Set it in Settings (or with "
            "PUT /api/settings).",
            at=setting.key_location or setting,
            key=group,
        )


@rule("LMK011", "no-such-setting", severity=Severity.WARNING, app=APP, supersedes=("SMTP023",))
def no_such_setting(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports keys people write for listmonk's public URL or sender that listmonk does not
    have: `public_url`, `site_url`, the pre-v0.7.0 `[app] root`, a top-level `from_email`.

    ## Why is this bad?
    Nothing reads them, so the mail links keep pointing at `localhost:9000` and the sender
    stays the default (#2393, #2141, #102). The real settings are `app.root_url` and
    `app.from_email`, in the database.

    ## Example
    ```toml
    [app]
    public_url = "https://lists.example.org"
    ```

    Use instead: Settings → General → Root URL (stored as `app.root_url` in the database).

    ## References
    - https://github.com/knadh/listmonk/issues/2393, /2141, /102
    - listmonk `config.toml.sample` @ v0.6.2-alpha and @ HEAD
    """
    instance = ctx.instance
    old = not at_least(instance.version, SETTINGS_IN_DB_SINCE)
    candidates: list[tuple[str, Setting]] = []
    for setting in instance.environment.values():
        key = _koanf_key(setting.key)
        if key is not None:
            candidates.append((key, setting))
    candidates += [(s.key, s) for s in _toml_files(instance)]
    for key, setting in candidates:
        why = _NO_SUCH_KEY.get(key)
        if why is None or (old and key in ("app.root", "from_email")):
            continue
        target = "app.from_email" if "from" in key else "app.root_url"
        yield ctx.finding(
            f"{setting.key} is not read by listmonk ({why}). Set {target} in Settings → "
            "General instead; it is stored in the database.",
            at=setting.key_location or setting,
            key=setting.key,
        )


RULES: tuple[Rule, ...] = (
    optin_confirmation_off,
    tls_type_port_mismatch,
    unknown_tls_type,
    plain_auth_without_tls,
    no_enabled_smtp_server,
    placeholder_smtp_server,
    root_url_not_public,
    placeholder_from_email,
    install_wipes_database,
    mail_setting_outside_database,
    no_such_setting,
    multiple_servers_round_robin,
    max_conns_below_one,
    unknown_auth_protocol,
    skip_verify_without_tls,
    credentials_without_auth,
    default_helo_hostname,
    return_path_header,
    legacy_tls_enabled,
    masked_password,
    from_email_not_smtp_user,
    tls_to_ip_address,
)
