"""WGDashboard's own rules (prefix ``WGD``): what only WGDashboard's ``[Email]`` settings, its
parser and its Docker entrypoint get wrong.

Generic SMTP checks (credentials over plaintext, provider usernames, placeholders,
container-local hosts, Compose ``$`` damage) are core's, judged on the Transport that
:mod:`.transport` builds. Facts: ``shared/reference/apps-wgdashboard-providers.md`` Part A.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path

from mail_lint import (
    Finding,
    RuleContext,
    Setting,
    Severity,
    TlsMode,
    address_of,
    ip_address,
    rule,
)

from .transport import (
    AUTH_TOGGLE,
    EMAIL_FEATURE,
    EMAIL_KEYS,
    ENV_FOR_KEY,
    FALSE_WORDS,
    IMPLICIT_TLS,
    IMPLICIT_TLS_PORTS,
    RAW_PARSER,
    SECRET_KEYS,
    SEND_FROM_FIXED,
    STARTTLS_PORTS,
    TRUE_WORDS,
    EmailConfig,
    EnvMode,
    Resolved,
    auth_required,
    dropped,
    email_config,
    ini_setting,
    missing_for_ready,
    parse_port,
    tls_mode,
    version_text,
)

APP = "wgdashboard"
EMAIL_VARIABLES = frozenset(ENV_FOR_KEY.values())
_KNOWN_ENCRYPTION = ("STARTTLS", "IMPLICITTLS", "NOTLS")
_INLINE_COMMENT = re.compile(r"\s[;#]")
_LONE_PERCENT = re.compile(r"%(?!%)")
_CATCHERS = ("mailpit", "mailhog", "mailcatcher", "maildev", "smtp4dev")
#: A host label naming Proton Mail Bridge (``protonmail-bridge``, ``proton-bridge``, a compose
#: container ``mail-protonmail-bridge-1``): the whole words, not any name with "bridge" in it.
_PROTON_BRIDGE = re.compile(r"(?:^|[-_])proton(?:[-_]?mail)?[-_]?bridge(?:$|[-_])")
#: Proton Mail Bridge's default SMTP port (its IMAP port is 1143): proton-bridge
#: ``internal/vault/types_settings.go``.
_BRIDGE_SMTP_PORT = 1025
_TEMPLATE_FILE = re.compile(r"^(?:/|\./|~/)\S*$|\.(?:html?|txt|j2|jinja2?|tpl|tmpl)$", re.I)
_KEY_SUGGESTIONS = {
    "password": "email_password",
    "pass": "email_password",
    "user": "username",
    "login": "username",
    "from": "send_from",
    "sender": "send_from",
    "from_address": "send_from",
    "email_from": "send_from",
    "host": "server",
    "smtp_server": "server",
    "tls": "encryption",
    "ssl": "encryption",
    "security": "encryption",
    "auth": "authentication_required",
    "template": "email_template",
}
_VARIABLE_SUGGESTIONS = {
    "email_host": "email_server",
    "email_user": "email_username",
    "email_login": "email_username",
    "email_pass": "email_password",
    "email_sender": "email_from",
    "email_send_from": "email_from",
    "email_security": "email_encryption",
    "email_tls": "email_encryption",
}


# ------------------------------------------------------------------------------- helpers


def _where(ctx: RuleContext, setting: Setting | None) -> str:
    """``data/wg-dashboard.ini:5`` (relative to the project), for messages."""
    location = None if setting is None else setting.blame
    if location is None:
        return "nowhere"
    base = (
        ctx.instance.project.project_dir
        if ctx.instance.project is not None
        else ctx.instance.path.parent
    )
    try:
        path = Path(location.path).resolve().relative_to(Path(base).resolve())
    except ValueError:
        path = Path(location.path)
    return f"{path.as_posix()}:{location.line}"


def _shown(option: Resolved | Setting, value: str | None) -> str:
    """A value for a message: secrets by their shape only."""
    from mail_lint import is_secret_key, shape

    if value is None:
        return "(unset)"
    if option.key.rsplit(".", 1)[-1] in SECRET_KEYS or is_secret_key(option.key):
        return shape(value)
    return repr(value)


def _assign(option: Resolved, value: str) -> str:
    """How the user writes ``value`` where the option is decided."""
    if option.from_env and option.env is not None:
        return f"{option.env.key}={value}"
    return f"{option.key} = {value} in [Email] of wg-dashboard.ini"


def _find(ctx: RuleContext, option: Resolved, message: str, fix: str | None = None) -> Finding:
    """A finding at the definition that decides ``option``; for an absent option, at the
    INI's ``[Email]`` section (its first option) or else the service."""
    if option.setting is not None:
        return ctx.finding(message, at=option.setting, fix=fix)
    cfg_ini = ctx.instance.files[0] if ctx.instance.files else None
    first = next(
        (s for n, s in (cfg_ini.settings.items() if cfg_ini else ()) if n.startswith("Email.")),
        None,
    )
    location = first.location if first is not None else None
    return ctx.finding(message, at=location, key=f"Email.{option.key}", fix=fix)


def _env_values(ctx: RuleContext) -> Iterator[Setting]:
    """The ``email_*`` variables that are set and not empty (the entrypoint skips others)."""
    for name in ENV_FOR_KEY.values():
        setting = ctx.instance.environment.get(name)
        if setting is not None and setting.value:
            yield setting


def _email_ini(cfg: EmailConfig) -> Iterator[Setting]:
    """Every option of the INI's ``[Email]`` section."""
    if cfg.ini is None:
        return
    for name, setting in cfg.ini.settings.items():
        if name.startswith("Email."):
            yield setting


def _intends_mail(cfg: EmailConfig) -> bool:
    return any(cfg.value(k) for k in ("server", "port", "username", "email_password", "send_from"))


def _wanted_encryption(cfg: EmailConfig) -> str:
    port = parse_port(cfg.value("port"))
    if port in IMPLICIT_TLS_PORTS:
        if cfg.at_least(IMPLICIT_TLS):
            return "IMPLICITTLS"
        return "STARTTLS (with port 587; IMPLICITTLS needs v4.3.3)"
    return "STARTTLS"


# --------------------------------------------------------------------------- TLS and port


@rule(
    "WGD001",
    "encryption-means-plaintext",
    severity=Severity.ERROR,
    app=APP,
    supersedes=("SMTP004",),
)
def encryption_means_plaintext(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Checks that `encryption` (or the `email_encryption` variable) is one of the exact strings
    WGDashboard compares against: `STARTTLS`, `IMPLICITTLS` (v4.3.3+) or `NOTLS`.

    ## Why is this bad?
    `Email.py` compares the value case-sensitively; anything else — `TLS`, `SSL`,
    lower-case `starttls` — silently means no encryption at all, so the password and the
    mail cross the network in plaintext, and servers that only allow AUTH after STARTTLS
    refuse the login. The Docker README documents `email_encryption` with the values `TLS`,
    `SSL` (issue #1156), which are exactly the ones that do not work.

    ## Example
    ```yaml
    environment:
      - email_encryption=TLS
    ```

    Use instead:
    ```yaml
    environment:
      - email_encryption=STARTTLS
    ```

    ## References
    - WGDashboard `src/modules/Email.py` (`if self.Encryption == "STARTTLS"`), every tag
    - [WGDashboard#1156](https://github.com/WGDashboard/WGDashboard/issues/1156): README says `TLS`
    """
    cfg = email_config(ctx.instance)
    option = cfg["encryption"]
    value = option.value
    if not value or value in _KNOWN_ENCRYPTION:
        return
    wanted = _wanted_encryption(cfg)
    if value.upper() in _KNOWN_ENCRYPTION:
        why = (
            f"{option.label} = {value!r}: WGDashboard compares it case-sensitively, so "
            f"{value!r} is not {value.upper()!r}"
        )
    else:
        why = (
            f"{option.label} = {value!r}: WGDashboard only knows STARTTLS, IMPLICITTLS (v4.3.3+) "
            f"and NOTLS"
        )
        if option.from_env:
            why += " (the Docker README's `TLS`/`SSL` values are wrong, issue #1156)"
    message = f"{why}; any other value means plaintext SMTP, no TLS at all. Use {wanted}."
    yield _find(ctx, option, message, fix=_assign(option, wanted.split(" ", 1)[0]))


@rule("WGD002", "implicit-tls-unsupported", severity=Severity.ERROR, app=APP)
def implicit_tls_unsupported(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports `encryption = IMPLICITTLS` on an image older than v4.3.3.

    ## Why is this bad?
    Implicit TLS (`smtplib.SMTP_SSL`) was added in v4.3.3; older versions compare the value
    against `STARTTLS` only and connect in plaintext. On port 465 the plaintext client waits
    for a greeting the server never sends: the test mail hangs and the panel stops
    responding.

    ## Example
    ```ini
    # image ghcr.io/wgdashboard/wgdashboard:v4.3.2
    [Email]
    port = 465
    encryption = IMPLICITTLS
    ```

    Use instead:
    ```ini
    # image ghcr.io/wgdashboard/wgdashboard:v4.3.3
    [Email]
    port = 465
    encryption = IMPLICITTLS
    ```

    ## References
    - WGDashboard commit `b6e2f084` "chore: add implicit TLS support for email" (first tag v4.3.3)
    - [WGDashboard#1074](https://github.com/WGDashboard/WGDashboard/issues/1074)
    """
    cfg = email_config(ctx.instance)
    option = cfg["encryption"]
    if option.value != "IMPLICITTLS" or cfg.at_least(IMPLICIT_TLS):
        return
    message = (
        f"{option.label} = 'IMPLICITTLS' needs WGDashboard v4.3.3; "
        f"{version_text(cfg.version)} only knows STARTTLS and connects in plaintext"
    )
    if parse_port(cfg.value("port")) in IMPLICIT_TLS_PORTS:
        message += ": the test mail to an implicit-TLS port hangs and the panel stops responding"
    yield _find(
        ctx,
        option,
        message + ".",
        fix="upgrade the image to v4.3.3 or later, or use port 587 with STARTTLS",
    )


@rule(
    "WGD003",
    "port-tls-mismatch",
    severity=Severity.ERROR,
    app=APP,
    supersedes=("SMTP001", "SMTP002"),
)
def port_tls_mismatch(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Checks that the port and `encryption` agree: implicit-TLS ports (465, 2465, 8465) need
    `IMPLICITTLS`; `IMPLICITTLS` needs such a port, not 25/587/2525/2587.

    ## Why is this bad?
    WGDashboard passes no timeout to `smtplib`. A plaintext or STARTTLS connection to an
    implicit-TLS port waits forever for the server greeting: the Send Test Email request
    hangs and, with gunicorn's one or two threads, the whole panel stops responding
    (issues #702, #1283). `IMPLICITTLS` on a STARTTLS port fails at once with
    `[SSL: WRONG_VERSION_NUMBER] wrong version number`. Before v4.3.3 there is no implicit
    TLS at all, so port 465 cannot work.

    ## Example
    ```ini
    [Email]
    port = 465
    encryption = STARTTLS
    ```

    Use instead:
    ```ini
    [Email]
    port = 587
    encryption = STARTTLS
    ```

    ## References
    - WGDashboard `src/modules/Email.py` (`smtplib.SMTP(server, port=int(port))`, no timeout)
    - WGDashboard `src/gunicorn.conf.py` (`workers = 1`, `threads = 2`)
    - [WGDashboard#702](https://github.com/WGDashboard/WGDashboard/issues/702),
      "Email sending crash the pannel"
    """
    cfg = email_config(ctx.instance)
    port_option, encryption = cfg["port"], cfg["encryption"]
    port = parse_port(port_option.value)
    tls = tls_mode(cfg)
    shown = encryption.value or ""
    if port in IMPLICIT_TLS_PORTS and tls is not TlsMode.IMPLICIT:
        message = (
            f"port {port} ({port_option.label}, {_where(ctx, port_option.setting)}) expects TLS "
            f"from the first byte, but {encryption.label} = {shown!r} "
            f"({_where(ctx, encryption.setting)}) makes WGDashboard "
            f"{cfg.version_text} connect in plaintext with no timeout: the Send Test Email "
            f"request hangs and the panel stops responding"
        )
        if cfg.at_least(IMPLICIT_TLS):
            target, fix = encryption, _assign(encryption, "IMPLICITTLS")
            message += f". Use IMPLICITTLS{cfg.assumption()}."
        else:
            target, fix = port_option, "use port 587 with STARTTLS, or upgrade to v4.3.3+"
            message += ". This version has no implicit TLS: use port 587 with STARTTLS."
        yield _find(ctx, target, message, fix=fix)
    elif port in STARTTLS_PORTS and tls is TlsMode.IMPLICIT:
        message = (
            f"{encryption.label} = 'IMPLICITTLS' ({_where(ctx, encryption.setting)}) opens TLS "
            f"at once (smtplib.SMTP_SSL), but port "
            f"{port} ({port_option.label}, {_where(ctx, port_option.setting)}) expects a "
            f"plaintext greeting and STARTTLS: the test mail fails with "
            f"[SSL: WRONG_VERSION_NUMBER] wrong version number. Use STARTTLS."
        )
        yield _find(ctx, encryption, message, fix=_assign(encryption, "STARTTLS"))


@rule("WGD012", "submission-port-typo", severity=Severity.WARNING, app=APP, supersedes=("SMTP003",))
def submission_port_typo(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports port `567`, the port shown in WGDashboard's Email Service guide.

    ## Why is this bad?
    567 is not an SMTP port; the guide's example is a typo for 587 (submission). The
    connection is refused or, behind a firewall that drops it, hangs the test mail.

    ## Example
    ```ini
    [Email]
    port = 567
    ```

    Use instead:
    ```ini
    [Email]
    port = 587
    ```

    ## References
    - WGDashboard documentation `guides/Email-Service.md` ("Port | `567`")
    """
    cfg = email_config(ctx.instance)
    option = cfg["port"]
    if parse_port(option.value) != 567:
        return
    message = (
        f"{option.label} = 567 is not an SMTP port: did you mean 587? "
        f"(WGDashboard's Email Service guide shows 567 by mistake)"
    )
    yield _find(ctx, option, message, fix=_assign(option, "587"))


@rule("WGD013", "port-not-a-number", severity=Severity.ERROR, app=APP)
def port_not_a_number(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Checks that the port is a number `int()` accepts.

    ## Why is this bad?
    `Email.py` calls `int(port)` when it sends; anything else raises `ValueError` and every
    send fails with `Send failed | Reason: invalid literal for int()`. An inline comment
    after the port is part of the value in `wg-dashboard.ini`.

    ## Example
    ```ini
    [Email]
    port = 587 ; submission
    ```

    Use instead:
    ```ini
    [Email]
    ; submission
    port = 587
    ```

    ## References
    - WGDashboard `src/modules/Email.py` (`port=int(self.Port)`)
    """
    cfg = email_config(ctx.instance)
    option = cfg["port"]
    if not option.value or parse_port(option.value) is not None:
        return
    message = (
        f"{option.label} = {option.value!r} is not a number: int() fails and every send ends "
        f"with 'Send failed | Reason: invalid literal for int()'"
    )
    if _INLINE_COMMENT.search(option.value) and not option.from_env:
        message += " (a comment after a value is part of it in wg-dashboard.ini)"
    yield _find(ctx, option, message + ".")


@rule(
    "WGD020",
    "certificate-now-verified",
    severity=Severity.WARNING,
    app=APP,
    supersedes=("SMTP006",),
)
def certificate_now_verified(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    From v4.3.3, reports a TLS connection to a server named by an IP address, a
    single-label (container) name or a Proton Mail Bridge.

    A Proton Mail Bridge is a host named like it (`protonmail-bridge`, `proton-bridge`,
    `protonmail-bridge.lan`) or the loopback address on the Bridge's default SMTP port
    1025; a public name that merely contains "bridge" (`smtp.stonebridge.nl`) is not one.

    ## Why is this bad?
    Up to v4.3.2 `starttls()` ran without a context, which does not verify certificates.
    From v4.3.3 both STARTTLS and IMPLICITTLS use `ssl.create_default_context()`: a
    certificate must be trusted and name the host. Certificates rarely name an IP address
    or a container name, and self-signed ones (Proton Mail Bridge, snakeoil relays) fail
    with `CERTIFICATE_VERIFY_FAILED` after an upgrade that changed nothing else. The
    Bridge runs on the user's machine (`127.0.0.1`, SMTP on 1025 by default; Docker images
    of it are usually named `protonmail-bridge`) and always presents a self-signed
    certificate, as no authority signs one for `localhost`.

    ## Example
    ```ini
    [Email]
    server = 10.0.0.5
    encryption = STARTTLS
    ```

    Use instead:
    ```ini
    [Email]
    server = mail.example.org
    encryption = STARTTLS
    ```

    ## References
    - WGDashboard `src/modules/Email.py` at v4.3.3 (`context = ssl.create_default_context()`)
    - CPython `smtplib.SMTP.starttls` (no context: `ssl._create_stdlib_context`, unverified)
    - [Proton: certificate warning with Bridge](https://proton.me/support/macos-certificate-warning)
      ("Bridge operates locally (on localhost or 127.0.0.1)", "a self-signed certificate");
      ProtonMail/proton-bridge `internal/vault/types_settings.go` (`SMTPPort: 1025`,
      `IMAPPort: 1143`); reference B.14
    """
    cfg = email_config(ctx.instance)
    option = cfg["server"]
    host = (option.value or "").strip().strip("[]")
    if not host or tls_mode(cfg) is TlsMode.PLAINTEXT or not cfg.at_least(IMPLICIT_TLS):
        return
    reason = _unverifiable(host, parse_port(cfg["port"].value))
    if reason is None:
        return
    message = (
        f"{option.label} = {host!r} is {reason}; from v4.3.3 WGDashboard verifies the server "
        f"certificate (ssl.create_default_context()), so unless the certificate is trusted "
        f"and names {host!r} every send fails with CERTIFICATE_VERIFY_FAILED"
        f"{cfg.assumption()}."
    )
    yield _find(ctx, option, message)


def _unverifiable(host: str, port: int | None) -> str | None:
    """Why a certificate cannot name ``host``, or ``None`` for an ordinary DNS name."""
    name = host.lower().rstrip(".")
    if any(_PROTON_BRIDGE.search(label) for label in name.split(".")):
        return "a Proton Mail Bridge (self-signed certificate)"
    if port == _BRIDGE_SMTP_PORT and _is_loopback(name):
        return (
            f"the loopback address on port {port}, where Proton Mail Bridge listens by default "
            "(self-signed certificate)"
        )
    if ip_address(name) is not None:
        return "an IP address"
    if "." not in name:
        return "a single-label (container) name"
    return None


def _is_loopback(host: str) -> bool:
    """``localhost`` or a loopback address (``127.0.0.1``, ``::1``)."""
    if host == "localhost":
        return True
    address = ip_address(host)
    return address is not None and address.is_loopback


@rule("WGD021", "login-without-auth-offered", severity=Severity.WARNING, app=APP)
def login_without_auth_offered(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports authentication left on against a development mail catcher (Mailpit, MailHog,
    MailCatcher, MailDev, smtp4dev).

    ## Why is this bad?
    WGDashboard calls `login()` whenever `authentication_required` is truthy — its default,
    and always before v4.3.0. Catchers do not advertise AUTH by default, so every send
    fails with `SMTPNotSupportedError: SMTP AUTH extension not supported by server.`
    There is no environment variable for the switch.

    ## Example
    ```ini
    [Email]
    server = mailpit
    authentication_required = true
    ```

    Use instead:
    ```ini
    [Email]
    server = mailpit
    authentication_required = false
    ```

    ## References
    - WGDashboard `src/modules/Email.py` (`if self.AuthRequired: smtp.login(...)`)
    - [WGDashboard#839](https://github.com/WGDashboard/WGDashboard/issues/839),
      commit `4b713ab6` (v4.3.0)
    """
    cfg = email_config(ctx.instance)
    server = cfg["server"]
    host = (server.value or "").lower()
    if not any(name in host for name in _CATCHERS) or not auth_required(cfg):
        return
    toggle = cfg["authentication_required"]
    if cfg.at_least(AUTH_TOGGLE):
        fix = "authentication_required = false in [Email] of wg-dashboard.ini"
        target = toggle if toggle.setting is not None else server
        why = "authentication_required is " + (
            repr(toggle.value) if toggle.value is not None else "unset (default true)"
        )
    else:
        fix = "upgrade to v4.3.0+ and set authentication_required = false"
        target = server
        why = f"WGDashboard {version_text(cfg.version)} always logs in"
    message = (
        f"{server.label} = {server.value!r} looks like a mail catcher, but {why}: login() "
        f"raises 'SMTP AUTH extension not supported by server' unless the catcher offers AUTH."
    )
    yield _find(ctx, target, message, fix=fix)


# ------------------------------------------------------------------ auth, sender, readiness


@rule(
    "WGD004",
    "username-used-as-sender",
    severity=Severity.WARNING,
    app=APP,
    supersedes=("SMTP021",),
)
def username_used_as_sender(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    On v4.2.0 and v4.2.1, reports an SMTP `username` that is not the `send_from` address.

    ## Why is this bad?
    These versions send `MAIL FROM:<username>` and `From: "send_from" <username>`:
    `send_from` is only the display name. With providers whose SMTP user is a token
    (Resend's `resend`, SendGrid's `apikey`, an access-key ID) the sender is not an address
    at all and the mail is refused; issue #702 reports the test mail hanging with Resend.

    ## Example
    ```ini
    # image donaldzou/wgdashboard:v4.2.1
    [Email]
    server = smtp.resend.com
    username = resend
    send_from = wg@example.org
    ```

    Use instead:
    ```ini
    # image donaldzou/wgdashboard:v4.2.2 (or later): send_from is the sender
    [Email]
    server = smtp.resend.com
    username = resend
    send_from = wg@example.org
    ```

    ## References
    - WGDashboard commit `510f60bd` (v4.2.2): "Fixed to accomodate SMTP service where
      `username` is not an email address"
    - [WGDashboard#702](https://github.com/WGDashboard/WGDashboard/issues/702)
    """
    cfg = email_config(ctx.instance)
    if cfg.assumed or cfg.at_least(SEND_FROM_FIXED) or not cfg.at_least(EMAIL_FEATURE):
        return
    username = cfg["username"]
    user = username.value or ""
    address = address_of(cfg.value("send_from"))
    if not user or user.lower() == address.lower():
        return
    version = version_text(cfg.version)
    if "@" not in user:
        message = (
            f"WGDashboard {version} sends mail from {username.label} = {user!r}, not from "
            f'send_from: MAIL FROM:<{user}> and From: "…" <{user}>, which is not an address; '
            f"the provider refuses it (issue #702, fixed in v4.2.2)."
        )
    else:
        message = (
            f"WGDashboard {version} sends mail from {username.label} = {user!r}; send_from "
            f"({address or 'unset'}) is only the display name (fixed in v4.2.2)."
        )
    yield _find(ctx, username, message, fix="upgrade the image to v4.2.2 or later")


@rule("WGD005", "authentication-required-not-boolean", severity=Severity.ERROR, app=APP)
def authentication_required_not_boolean(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Checks that `authentication_required` is one of the lower-case words WGDashboard turns
    into a boolean: `true`, `false`, `yes`, `no`, `on`, `off`, `1`, `0`.

    ## Why is this bad?
    `DashboardConfig.GetConfig` converts only those exact strings. `False`, `FALSE` or
    `No` stay strings, which are truthy, so WGDashboard still calls `login()` — against a
    relay without AUTH that fails with `SMTP AUTH extension not supported by server`. An
    empty value is falsy: WGDashboard never logs in, and servers that need AUTH refuse the
    mail.

    ## Example
    ```ini
    [Email]
    authentication_required = False
    ```

    Use instead:
    ```ini
    [Email]
    authentication_required = false
    ```

    ## References
    - WGDashboard `src/modules/DashboardConfig.py` `GetConfig` (`in ["0", "no", "false", "off"]`)
    - [WGDashboard#839](https://github.com/WGDashboard/WGDashboard/issues/839)
    """
    cfg = email_config(ctx.instance)
    option = cfg["authentication_required"]
    value = option.value
    if not cfg.at_least(AUTH_TOGGLE) or value is None or value in TRUE_WORDS | FALSE_WORDS:
        return
    if value == "":
        if cfg.value("username") and cfg.value("email_password"):
            yield _find(
                ctx,
                option,
                "authentication_required is empty, which WGDashboard reads as false: it never "
                "logs in although username and email_password are set, so a server that "
                "requires AUTH refuses the mail.",
                fix="authentication_required = true",
            )
        return
    if value.strip().lower() in FALSE_WORDS:
        message = (
            f"authentication_required = {value!r} is not converted (only lower-case "
            f"{value.strip().lower()!r} is): it stays a non-empty string, which is true, so "
            f"WGDashboard still logs in (on a relay without AUTH: 'SMTP AUTH extension not "
            f"supported by server')."
        )
        yield _find(ctx, option, message, fix=f"authentication_required = {value.strip().lower()}")
    elif value.strip().lower() not in TRUE_WORDS:
        message = (
            f"authentication_required = {value!r} is not a boolean WGDashboard knows (true, "
            f"false, yes, no, on, off, 1, 0, lower-case); as a non-empty string it means true."
        )
        yield _find(ctx, option, message)


@rule("WGD006", "authentication-toggle-unsupported", severity=Severity.WARNING, app=APP)
def authentication_toggle_unsupported(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports `authentication_required` turned off on an image older than v4.3.0.

    ## Why is this bad?
    The switch was added in v4.3.0; older versions ignore it and always call `login()`,
    which fails against a relay that authorizes by IP and offers no AUTH.

    ## Example
    ```ini
    # image donaldzou/wgdashboard:v4.2.5
    [Email]
    authentication_required = false
    ```

    Use instead:
    ```ini
    # image ghcr.io/wgdashboard/wgdashboard:v4.3.0 (or later)
    [Email]
    authentication_required = false
    ```

    ## References
    - WGDashboard commit `4b713ab6` (PR #893), first tag v4.3.0
    - [WGDashboard#839](https://github.com/WGDashboard/WGDashboard/issues/839)
    """
    cfg = email_config(ctx.instance)
    option = cfg["authentication_required"]
    value = (option.value or "").strip().lower()
    if cfg.at_least(AUTH_TOGGLE) or option.setting is None or value not in FALSE_WORDS:
        return
    message = (
        f"WGDashboard {version_text(cfg.version)} has no authentication_required (added in "
        f"v4.3.0): it always logs in with username and email_password."
    )
    yield _find(ctx, option, message, fix="upgrade the image to v4.3.0 or later")


@rule("WGD014", "email-not-ready", severity=Severity.ERROR, app=APP)
def email_not_ready(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports mail settings that are partly filled in but miss an option WGDashboard's
    readiness check needs (`server`, `port`, `encryption`, `username`, `email_password`,
    `send_from`, per version and `authentication_required`).

    ## Why is this bad?
    Until every needed option is non-empty WGDashboard considers mail unconfigured: the
    Send Test Email box is hidden and every send returns `SMTP not configured`. The
    template ships `encryption =` empty, and an empty encryption does not mean plaintext:
    write `NOTLS` for a plaintext relay.

    ## Example
    ```ini
    [Email]
    server = smtp.example.org
    port = 25
    encryption =
    authentication_required = false
    send_from = wg@example.org
    ```

    Use instead:
    ```ini
    [Email]
    server = smtp.example.org
    port = 25
    encryption = NOTLS
    authentication_required = false
    send_from = wg@example.org
    ```

    ## References
    - WGDashboard `src/modules/Email.py` `is_ready()` (v4.3.0+), `ready()` (v4.2.x)
    """
    cfg = email_config(ctx.instance)
    if not cfg.at_least(EMAIL_FEATURE) or not _intends_mail(cfg):
        return
    missing = missing_for_ready(cfg)
    if not missing:
        return
    first = cfg[missing[0]]
    names = ", ".join(missing)
    message = (
        f"WGDashboard {cfg.version_text} treats mail as not configured: {names} "
        f"{'is' if len(missing) == 1 else 'are'} empty, so there is no Send Test Email and "
        f"every send returns 'SMTP not configured'"
    )
    if "encryption" in missing:
        message += " (an empty encryption is not plaintext: write NOTLS)"
    yield _find(ctx, first, message + ".")


# ---------------------------------------------------------------------- INI file pitfalls


@rule("WGD007", "percent-in-ini-value", severity=Severity.ERROR, app=APP)
def percent_in_ini_value(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    On v4.2.0 to v4.2.4, reports a `%` in a `wg-dashboard.ini` value that is not written `%%`.

    ## Why is this bad?
    These versions read the file with `configparser.ConfigParser`, whose interpolation
    rejects a lone `%`: reading the value raises `InterpolationSyntaxError: '%' must be
    followed by '%' or '('`, and WGDashboard cannot use it (a `%` in `email_password` makes
    every send fail). From v4.2.5 (`RawConfigParser`) values are literal.

    ## Example
    ```ini
    [Email]
    email_password = ab%cd
    ```

    Use instead:
    ```ini
    [Email]
    email_password = ab%%cd
    ```

    ## References
    - WGDashboard `src/dashboard.py` at v4.2.0 to v4.2.4 (`configparser.ConfigParser(strict=False)`)
    - WGDashboard commit `ae160aef` "Updated `ConfigParser` to `RawConfigParser`" (v4.2.5)
    """
    cfg = email_config(ctx.instance)
    if cfg.assumed or cfg.at_least(RAW_PARSER) or cfg.ini is None:
        return
    for name, setting in cfg.ini.settings.items():
        value = setting.value or ""
        if name.startswith("DEFAULT.") or not _LONE_PERCENT.search(value.replace("%%", "")):
            continue
        section, key = name.split(".", 1)
        message = (
            f"[{section}] {key} = {_shown(setting, value)} holds a '%': WGDashboard "
            f"{version_text(cfg.version)} reads wg-dashboard.ini with ConfigParser, which raises "
            f"InterpolationSyntaxError for it. Write '%%' (v4.2.5+ reads values literally)."
        )
        yield ctx.finding(message, at=setting, fix="write each % as %%, or upgrade to v4.2.5+")


@rule("WGD008", "quoted-value", severity=Severity.WARNING, app=APP, supersedes=("SMTP018",))
def quoted_value(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports `[Email]` values wrapped in quotes, in `wg-dashboard.ini` or in an `email_*`
    variable.

    ## Why is this bad?
    configparser keeps quotes: `send_from = "WG <wg@example.org>"` is sent with the quotes,
    a quoted password is the wrong password. The entrypoint writes a variable's quotes into
    the file too (Compose keeps them in the list form `- email_from="…"`).

    ## Example
    ```ini
    [Email]
    send_from = "WG <wg@example.org>"
    ```

    Use instead:
    ```ini
    [Email]
    send_from = WG <wg@example.org>
    ```

    ## References
    - CPython `configparser.RawConfigParser` (values are not unquoted)
    - WGDashboard `docker/entrypoint.sh` `set_ini` (writes `key = value` verbatim)
    """
    cfg = email_config(ctx.instance)
    candidates: list[Setting] = [s for s in _email_ini(cfg) if not s.key.endswith("template")]
    if cfg.env_mode is EnvMode.APPLIED:
        candidates += [s for s in _env_values(ctx) if s.key != "email_template"]
    for setting in candidates:
        value = setting.value or ""
        if len(value) < 2 or value[0] not in "\"'" or value[-1] != value[0]:
            continue
        where = "the entrypoint writes it into wg-dashboard.ini" if "." not in setting.key else ""
        label = setting.key if "." not in setting.key else f"[Email] {setting.key[6:]}"
        message = (
            f"{label} = {_shown(setting, value)}: the quotes are part of the value"
            f"{' (' + where + ')' if where else ''}; WGDashboard does not strip them."
        )
        yield ctx.finding(message, at=setting, fix="remove the quotes")


@rule("WGD009", "inline-comment-in-value", severity=Severity.WARNING, app=APP)
def inline_comment_in_value(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports a `;` or `#` comment after an `[Email]` value in `wg-dashboard.ini`.

    ## Why is this bad?
    WGDashboard's configparser only knows whole-line comments: `server = smtp.example.org
    # relay` makes the comment part of the host name.

    ## Example
    ```ini
    [Email]
    server = smtp.example.org  # relay
    ```

    Use instead:
    ```ini
    [Email]
    # relay
    server = smtp.example.org
    ```

    ## References
    - CPython `configparser` (`inline_comment_prefixes=None` by default)
    - WGDashboard `src/modules/DashboardConfig.py` (`RawConfigParser(strict=False)`)
    """
    cfg = email_config(ctx.instance)
    for setting in _email_ini(cfg):
        key = setting.key[len("Email.") :]
        value = setting.value or ""
        # port: WGD013 reports the consequence; the template is free text.
        if key in {"port", "email_template"} or not _INLINE_COMMENT.search(value):
            continue
        message = (
            f"[Email] {key} = {_shown(setting, value)}: a comment after a value is part of the "
            f"value in wg-dashboard.ini."
        )
        yield ctx.finding(message, at=setting, fix="move the comment to a line of its own")


@rule("WGD018", "unknown-email-key", severity=Severity.WARNING, app=APP, supersedes=("SMTP023",))
def unknown_email_key(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports options in `[Email]` that WGDashboard never reads, and an e-mail section whose
    name is not exactly `[Email]`.

    ## Why is this bad?
    The password key is `email_password`, the sender `send_from`, the host `server`; any
    other name is ignored. Section names are case-sensitive: `[email]` is a different
    section, and WGDashboard adds an empty `[Email]` of its own.

    ## Example
    ```ini
    [email]
    password = …
    ```

    Use instead:
    ```ini
    [Email]
    email_password = …
    ```

    ## References
    - WGDashboard `src/modules/DashboardConfig.py` (the `"Email"` defaults)
    """
    cfg = email_config(ctx.instance)
    if cfg.ini is None:
        return
    for name, setting in cfg.ini.settings.items():
        section, _, key = name.partition(".")
        if section.lower() == "email" and section != "Email":
            message = (
                f"section [{section}] is not [Email]: section names are case-sensitive and "
                f"WGDashboard never reads [{section}] {key}."
            )
            yield ctx.finding(message, at=setting, fix="rename the section to [Email]")
        elif section == "Email" and key not in EMAIL_KEYS:
            guess = _KEY_SUGGESTIONS.get(key) or next(
                iter(_close_matches(key, EMAIL_KEYS, n=1)), None
            )
            hint = f"; did you mean {guess}?" if guess else "."
            message = f"WGDashboard never reads [Email] {key}{hint}"
            yield ctx.finding(message, at=setting, fix=f"rename it to {guess}" if guess else None)


# ---------------------------------------------------------------- the Docker entrypoint


@rule("WGD010", "entrypoint-sed-special-characters", severity=Severity.WARNING, app=APP)
def entrypoint_sed_special_characters(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports `&`, `|` or `\\` in an `email_*` variable (above all `email_password`).

    ## Why is this bad?
    The entrypoint writes the variable into `wg-dashboard.ini` with an unescaped
    `sed s|…|key = value|`: on every start after the first, `&` becomes the whole old line
    (`re_abc&def` → `re_abcemail_password = def`), a `|` makes sed fail (`unknown option to
    's'`) so the value is not written, and backslashes are interpreted on every start.
    API keys and generated passwords often contain these characters.

    ## Example
    ```yaml
    environment:
      email_password: "re_abc&def"
    ```

    Use instead:
    ```ini
    # wg-dashboard.ini (bind-mounted), no email_password variable
    [Email]
    email_password = re_abc&def
    ```

    ## References
    - WGDashboard `docker/entrypoint.sh` `set_ini` (v4.3.0+)
    """
    cfg = email_config(ctx.instance)
    if cfg.env_mode is not EnvMode.APPLIED:
        return
    for setting in _env_values(ctx):
        value = setting.value or ""
        damage = [
            text
            for char, text in (
                ("&", "'&' turns into the old line on every restart"),
                ("|", "'|' makes sed fail, so the value is never updated"),
                ("\\", "backslashes are interpreted by sed"),
            )
            if char in value
        ]
        if not damage:
            continue
        message = (
            f"{setting.key} = {_shown(setting, value)}: the entrypoint writes it with an "
            f"unescaped sed command: {'; '.join(damage)}."
        )
        fix = f"set it in wg-dashboard.ini or the UI and remove {setting.key}"
        yield ctx.finding(message, at=setting, fix=fix)


#: ``email_*`` variable → the variables whose ``set_ini`` runs first and puts the same option
#: name into another section, with the first version whose entrypoint maps them.
_CLASHES: dict[str, tuple[tuple[str, str, tuple[int, ...]], ...]] = {
    "email_username": (
        ("username", "Account", (4, 3, 0)),
        ("database_username", "Database", IMPLICIT_TLS),
    ),
    "email_port": (("database_port", "Database", IMPLICIT_TLS),),
}


def _other_section(cfg: EmailConfig, key: str) -> Setting:
    """The option ``key`` of a section other than ``[Email]`` (see :func:`dropped`)."""
    assert cfg.ini is not None
    return next(
        s
        for n, s in cfg.ini.settings.items()
        if n.endswith("." + key) and not n.startswith(("Email.", "DEFAULT."))
    )


@rule("WGD011", "email-variable-dropped", severity=Severity.WARNING, app=APP)
def email_variable_dropped(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports `email_username` (or `email_port`) that the entrypoint silently does not write:
    on a first boot together with the admin `username` variable (or `database_username`,
    `database_port` on v4.3.3+), or always when the bind-mounted INI has the option in
    another section but not in `[Email]`.

    ## Why is this bad?
    `set_ini` looks the key up in the whole file but replaces it only inside `[Email]`. When
    `[Account] username` exists and `[Email]` has no `username` line, nothing is written —
    yet the log says `Updated username to: …`. Mail then has no SMTP user.

    ## Example
    ```yaml
    environment:
      - username=admin
      - email_username=resend
    ```

    Use instead:
    ```ini
    # wg-dashboard.ini, bind-mounted: [Email] has the option, so the update works
    [Email]
    username =
    ```

    ## References
    - WGDashboard `docker/entrypoint.sh` `set_ini` (`grep` on the file, `sed` on the section)
    """
    cfg = email_config(ctx.instance)
    if cfg.env_mode is not EnvMode.APPLIED:
        return
    env = ctx.instance.environment
    visible = cfg.ini is not None and bool(cfg.ini.settings)
    for variable, clashes in _CLASHES.items():
        setting = env.get(variable)
        if setting is None or not setting.value:
            continue
        key = next(k for k, v in ENV_FOR_KEY.items() if v == variable)
        if visible:
            if dropped(key, cfg.ini):
                other = _other_section(cfg, key)
                message = (
                    f"{variable} is never written: wg-dashboard.ini has "
                    f"[{other.key.split('.', 1)[0]}] {key} ({_where(ctx, other)}) but no {key} "
                    f"in [Email], and the entrypoint's set_ini then edits nothing (while "
                    f"logging 'Updated {key}')."
                )
                yield ctx.finding(message, at=setting, fix=f"add '{key} =' to [Email]")
            continue
        for other_name, section, since in clashes:
            other = env.get(other_name)
            if other is None or not other.value or not cfg.at_least(since):
                continue
            message = (
                f"{variable} is dropped on the first boot: {other_name} ({_where(ctx, other)}) "
                f"writes [{section}] {key} first, and set_ini then finds {key} there and edits "
                f"only [Email], where there is none yet (mail has no SMTP {key} until the next "
                f"restart)."
            )
            yield ctx.finding(message, at=setting, fix="restart once after the first boot")
            break


@rule("WGD015", "email-variables-ignored", severity=Severity.WARNING, app=APP)
def email_variables_ignored(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports `email_*` variables that the entrypoint does not apply: on images older than
    v4.3.0, or with `dynamic_config=false` and a non-empty `wg-dashboard.ini` (v4.3.3+).

    ## Why is this bad?
    WGDashboard reads mail settings only from `wg-dashboard.ini`; the variables reach it only
    through the entrypoint, which gained them in v4.3.0 and skips them all when
    `dynamic_config` is `false` or `no`.

    ## Example
    ```yaml
    services:
      wgdashboard:
        image: donaldzou/wgdashboard:v4.2.5
        environment:
          - email_server=smtp.example.org
    ```

    Use instead:
    ```yaml
    services:
      wgdashboard:
        image: ghcr.io/wgdashboard/wgdashboard:v4.3.3
        environment:
          - email_server=smtp.example.org
    ```

    ## References
    - WGDashboard PR #743 (commit `b2f30678`, v4.3.0), `docker/entrypoint.sh` `set_envvars`
    - WGDashboard commit `f58226e3` (`dynamic_config`, v4.3.3)
    """
    cfg = email_config(ctx.instance)
    if cfg.env_mode is EnvMode.APPLIED:
        return
    if cfg.env_mode is EnvMode.TOO_OLD:
        why = (
            f"WGDashboard {version_text(cfg.version)}'s entrypoint has no email_* variables "
            f"(added in v4.3.0) and the app reads mail settings only from wg-dashboard.ini"
        )
        fix = "upgrade the image to v4.3.0+, or set it in wg-dashboard.ini"
    else:
        dynamic = ctx.instance.environment.get("dynamic_config")
        why = (
            f"dynamic_config={dynamic.value if dynamic else 'false'} ({_where(ctx, dynamic)}) "
            f"and wg-dashboard.ini is not empty, so the entrypoint writes no variable"
        )
        fix = "set it in wg-dashboard.ini, or drop dynamic_config=false"
    for setting in _env_values(ctx):
        key = next(k for k, v in ENV_FOR_KEY.items() if v == setting.key)
        in_ini = ini_setting(cfg.ini, key)
        now = f"; [Email] {key} stays as in {_where(ctx, in_ini)}" if in_ini is not None else ""
        yield ctx.finding(f"{setting.key} is ignored: {why}{now}.", at=setting, fix=fix)


@rule("WGD016", "variable-overwrites-ini", severity=Severity.INFO, app=APP)
def variable_overwrites_ini(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports an `[Email]` option of the bind-mounted `wg-dashboard.ini` that an `email_*`
    variable overwrites with a different value.

    ## Why is this bad?
    The entrypoint writes the variables into the file on every container start (unless
    `dynamic_config=false` on v4.3.3+), so edits in the file or in the web UI are lost at
    the next restart.

    ## Example
    ```yaml
    environment:
      - email_port=465    # wg-dashboard.ini says port = 587
    ```

    Use instead:
    ```yaml
    environment:
      - email_port=587
    ```

    ## References
    - WGDashboard `docker/entrypoint.sh` `set_envvars` (runs on every start)
    """
    cfg = email_config(ctx.instance)
    if cfg.env_mode is not EnvMode.APPLIED:
        return
    for key in ENV_FOR_KEY:
        option = cfg[key]
        if not option.from_env or option.ini is None or option.ini.value == option.value:
            continue
        env = option.env
        message = (
            f"[Email] {key} here is overwritten on every start by {option.label} "
            f"({_where(ctx, env)}); edits in this file or in the UI are lost"
        )
        if ctx.instance.environment.get("dynamic_config") is not None and not cfg.at_least(
            IMPLICIT_TLS
        ):
            message += " (dynamic_config needs v4.3.3)"
        yield ctx.finding(message + ".", at=option.ini)


@rule("WGD022", "dynamic-config-unsupported", severity=Severity.WARNING, app=APP)
def dynamic_config_unsupported(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports `dynamic_config=false` on an image older than v4.3.3.

    ## Why is this bad?
    The switch was added in v4.3.3; older entrypoints write every `email_*` variable into
    `wg-dashboard.ini` on every start regardless, overwriting changes made in the UI.

    ## Example
    ```yaml
    image: ghcr.io/wgdashboard/wgdashboard:v4.3.2
    environment:
      - dynamic_config=false
    ```

    Use instead:
    ```yaml
    image: ghcr.io/wgdashboard/wgdashboard:v4.3.3
    environment:
      - dynamic_config=false
    ```

    ## References
    - WGDashboard commit `f58226e3` (`dynamic_config`, first tag v4.3.3)
    """
    cfg = email_config(ctx.instance)
    setting = ctx.instance.environment.get("dynamic_config")
    value = (setting.value or "").lower() if setting is not None else ""
    if value not in {"false", "no"} or cfg.at_least(IMPLICIT_TLS):
        return
    message = (
        f"dynamic_config needs WGDashboard v4.3.3; {version_text(cfg.version)} ignores it "
        f"and writes the email_* variables into wg-dashboard.ini on every start."
    )
    yield ctx.finding(message, at=setting, fix="upgrade the image to v4.3.3 or later")


@rule(
    "WGD017",
    "unknown-email-variable",
    severity=Severity.WARNING,
    app=APP,
    supersedes=("SMTP023",),
)
def unknown_email_variable(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports mail-looking container variables WGDashboard never reads: `EMAIL_SERVER`
    (names are case-sensitive), `SMTP_*`, `MAIL_*`, and `email_*` names the entrypoint does
    not map (`email_user`, `email_authentication_required`).

    ## Why is this bad?
    WGDashboard itself reads no mail variable; its entrypoint maps exactly `email_server`,
    `email_port`, `email_encryption`, `email_username`, `email_password`, `email_from` and
    `email_template` (lower-case). Anything else is silently ignored.

    ## Example
    ```yaml
    environment:
      - EMAIL_SERVER=smtp.example.org
    ```

    Use instead:
    ```yaml
    environment:
      - email_server=smtp.example.org
    ```

    ## References
    - WGDashboard `docker/entrypoint.sh` (`email_fields`)
    - WGDashboard `docker/README.md` "Environment Variables"
    """
    for name, setting in ctx.instance.environment.items():
        lower = name.lower()
        if name in EMAIL_VARIABLES or name == "dynamic_config":
            continue
        if lower in EMAIL_VARIABLES or lower == "dynamic_config":
            hint = f"variable names are case-sensitive: the entrypoint reads {lower}"
        elif lower == "email_authentication_required":
            hint = "there is no such variable: set authentication_required in wg-dashboard.ini"
        elif lower.startswith("email_"):
            guess = _VARIABLE_SUGGESTIONS.get(lower) or next(
                iter(_close_matches(lower, sorted(EMAIL_VARIABLES), n=1)), None
            )
            hint = "the entrypoint does not map it" + (f"; did you mean {guess}?" if guess else "")
        elif lower.startswith(("smtp_", "mail_")):
            hint = "WGDashboard reads no SMTP_*/MAIL_* variable; its entrypoint maps email_*"
        else:
            continue
        yield ctx.finding(f"WGDashboard ignores {name}: {hint}.", at=setting)


@rule("WGD019", "email-template-not-a-path", severity=Severity.WARNING, app=APP)
def email_template_not_a_path(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports an `email_template` variable that looks like a file path.

    ## Why is this bad?
    The Docker README calls it "Path to template file", but the entrypoint writes the text
    itself into `[Email] email_template`; no file is read, so every shared-peer mail body is
    the path.

    ## Example
    ```yaml
    environment:
      - email_template=/data/peer-mail.html
    ```

    Use instead:
    ```text
    (write the template in the web UI: Settings → Email)
    ```

    ## References
    - WGDashboard `docker/entrypoint.sh` (`email_template:email_template`), `docker/README.md`
    """
    setting = ctx.instance.environment.get("email_template")
    value = (setting.value or "").strip() if setting is not None else ""
    if not value or not (_TEMPLATE_FILE.search(value) or value == "your-template"):
        return
    message = (
        f"email_template = {value!r} looks like a file, but the entrypoint writes this text "
        f"itself as the template (the Docker README's 'Path to template file' is wrong): "
        f"every shared-peer mail's body is {value!r}."
    )
    yield ctx.finding(message, at=setting, fix="write the template in the UI (Settings, Email)")


RULES = (
    encryption_means_plaintext,
    implicit_tls_unsupported,
    port_tls_mismatch,
    username_used_as_sender,
    authentication_required_not_boolean,
    authentication_toggle_unsupported,
    percent_in_ini_value,
    quoted_value,
    inline_comment_in_value,
    entrypoint_sed_special_characters,
    email_variable_dropped,
    submission_port_typo,
    port_not_a_number,
    email_not_ready,
    email_variables_ignored,
    variable_overwrites_ini,
    unknown_email_variable,
    unknown_email_key,
    email_template_not_a_path,
    certificate_now_verified,
    login_without_auth_offered,
    dynamic_config_unsupported,
)


def _close_matches(
    word: str, candidates: Sequence[str], n: int = 3, cutoff: float = 0.6
) -> list[str]:
    """``difflib.get_close_matches``, imported only when a key needs a suggestion."""
    import difflib

    return difflib.get_close_matches(word, candidates, n=n, cutoff=cutoff)
