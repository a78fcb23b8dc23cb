"""Docmost's rules (prefix ``DOC``): what only Docmost's code does with its mail settings.

Generic SMTP pitfalls (credentials over plaintext, provider usernames, placeholders, a
container-local SMTP host, Compose ``$`` damage) are core's ``SMTP`` rules, which judge the
:class:`~mail_lint.Transport` that :mod:`.transport` builds. The port/TLS mismatch is also
reported here, in Docmost's own keys and with the error Docmost's users see.

Facts: ``shared/reference/apps-bookstack-docmost.md`` §2 and §4 (the ``DM-*`` candidates),
re-read in ``docmost/docmost`` @ ``549cf7c0`` (v0.95.0).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from urllib.parse import urlsplit

from mail_lint import (
    AppInstance,
    DotenvDialect,
    Finding,
    RuleContext,
    Setting,
    Severity,
    ip_address,
    is_secret_key,
    rule,
    shape,
)
from mail_lint.plugins.docmost.transport import (
    APP_URL_ORIGIN_SINCE,
    BLOCKED_DOMAINS_SINCE,
    DEFAULT_DRIVER,
    SMTP_IGNORETLS_SINCE,
    SMTP_SECURE_SINCE,
    VALID_DRIVERS,
    at_least,
    effective,
    is_quoted,
    js_parse_int,
    smtp_options,
    value,
)

APP = "docmost"
_SECRET_KEYS = ("APP_SECRET", "SMTP_PASSWORD", "POSTMARK_TOKEN", "DATABASE_URL", "REDIS_URL")
_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "0.0.0.0", "::1", "[::1]"})

#: Keys Docmost never reads, and the key the user probably meant (``None``: nothing to set).
_UNREAD: dict[str, tuple[str | None, str]] = {
    "SMTP_FROM_EMAIL": ("MAIL_FROM_ADDRESS", "docmost/docmost#205"),
    "SMTP_FROM": ("MAIL_FROM_ADDRESS", ""),
    "SMTP_FROM_ADDRESS": ("MAIL_FROM_ADDRESS", ""),
    "SMTP_SENDER": ("MAIL_FROM_ADDRESS", ""),
    "MAIL_FROM": ("MAIL_FROM_ADDRESS", ""),
    "MAIL_FROM_EMAIL": ("MAIL_FROM_ADDRESS", ""),
    "SMTP_FROM_NAME": ("MAIL_FROM_NAME", ""),
    "SMTP_AUTH": (None, "docmost/docmost#119"),
    "SMTP_IGNORE_TLS": ("SMTP_IGNORETLS", ""),
    "SMTP_TLS": ("SMTP_SECURE", ""),
    "SMTP_SSL": ("SMTP_SECURE", ""),
    "SMTP_STARTTLS": (None, ""),
    "SMTP_REQUIRE_TLS": (None, ""),
    "SMTP_USER": ("SMTP_USERNAME", ""),
    "SMTP_PASS": ("SMTP_PASSWORD", ""),
    "MAIL_HOST": ("SMTP_HOST", "renamed before v0.2.0, commit a582d478"),
    "MAIL_PORT": ("SMTP_PORT", "renamed before v0.2.0, commit a582d478"),
    "MAIL_USERNAME": ("SMTP_USERNAME", "renamed before v0.2.0, commit a582d478"),
    "MAIL_PASSWORD": ("SMTP_PASSWORD", "renamed before v0.2.0, commit a582d478"),
    "MAIL_MAILER": ("MAIL_DRIVER", ""),
    "MAIL_ENCRYPTION": ("SMTP_SECURE", ""),
    "MAIL_SECURE": ("SMTP_SECURE", ""),
}
#: Why an unread key needs no replacement.
_NO_REPLACEMENT = {
    "SMTP_AUTH": "Docmost logs in whenever SMTP_USERNAME and SMTP_PASSWORD are both set",
    "SMTP_STARTTLS": "Docmost uses STARTTLS whenever the server offers it (SMTP_SECURE=false)",
    "SMTP_REQUIRE_TLS": "Docmost has no way to require STARTTLS; it uses it when offered",
}
#: Mail keys Docmost reads, and the first version that reads them.
_READ_SINCE = {
    "SMTP_SECURE": SMTP_SECURE_SINCE,
    "SMTP_IGNORETLS": SMTP_IGNORETLS_SINCE,
    "MAIL_BLOCKED_RECIPIENT_DOMAINS": BLOCKED_DOMAINS_SINCE,
}
_MAIL_KEYS = (
    "MAIL_DRIVER",
    "MAIL_FROM_ADDRESS",
    "MAIL_FROM_NAME",
    "MAIL_BLOCKED_RECIPIENT_DOMAINS",
    "SMTP_HOST",
    "SMTP_PORT",
    "SMTP_USERNAME",
    "SMTP_PASSWORD",
    "SMTP_SECURE",
    "SMTP_IGNORETLS",
    "POSTMARK_TOKEN",
)
_SMTP_KEYS = tuple(k for k in _MAIL_KEYS if k.startswith("SMTP_"))
_MAIL_PREFIXES = ("SMTP_", "MAIL_", "POSTMARK_")
#: What Docmost does with a value that still has its quotes.
_QUOTED_EFFECT = {
    "MAIL_DRIVER": "start-up validation (smtp or postmark) fails and the server exits",
    "SMTP_HOST": "the quotes are part of the host name, so the DNS lookup fails",
    "SMTP_PORT": "parseInt() gives NaN, so nodemailer silently uses 587 (465 with SMTP_SECURE)",
    "SMTP_SECURE": "it is not the text 'true', so implicit TLS is off",
    "SMTP_IGNORETLS": "it is not the text 'true', so it is off",
    "SMTP_USERNAME": "the quotes are sent as part of the user name, so login fails",
    "SMTP_PASSWORD": "the quotes are sent as part of the password, so login fails",
    "POSTMARK_TOKEN": "the quotes are sent as part of the token, so Postmark refuses it",
    "MAIL_FROM_ADDRESS": "the quotes become part of the sender address",
    "REDIS_URL": "start-up validation (a redis:// URL) fails and the server exits",
    "APP_URL": "start-up validation (an http(s) URL) fails and the server exits",
}


# -- helpers ------------------------------------------------------------------------------


def _place(instance: AppInstance, setting: Setting | None) -> str:
    """``docker-compose.yml:7`` for the line a person edits; ``not set`` without one."""
    if setting is None or setting.blame is None:
        return "not set"
    location = setting.blame
    base = instance.project.project_dir if instance.project else instance.path.parent
    relative = os.path.relpath(location.path, base)
    shown = location.path.name if relative.startswith("..") else relative
    return f"{shown}:{location.line}"


def _is_secret(key: str) -> bool:
    return is_secret_key(key, _SECRET_KEYS)


def _shown(setting: Setting) -> str:
    """``KEY=value`` in a message, a secret by its shape only."""
    text = setting.value or ""
    if _is_secret(setting.key):
        return f"{setting.key} {shape(text)}"
    return f"{setting.key}={text}"


def _with_place(instance: AppInstance, setting: Setting | None, key: str) -> str:
    """``SMTP_SECURE=false (.env:3)`` or ``SMTP_SECURE (not set)``."""
    if setting is None or setting.value is None:
        return f"{key} ({_place(instance, setting)})" if setting else f"{key} (not set)"
    return f"{_shown(setting)} ({_place(instance, setting)})"


def _set(setting: Setting | None) -> bool:
    """Whether a setting has a non-empty value (JavaScript truthiness of a string)."""
    return setting is not None and bool(setting.value)


def _every_definition(instance: AppInstance) -> Iterator[Setting]:
    """Every key written for the instance: container environment, then ``/app/.env``."""
    yield from instance.environment.values()
    for loaded in instance.files:
        yield from loaded.settings.values()


def _mail_settings(instance: AppInstance) -> list[Setting]:
    """Non-empty mail settings other than ``MAIL_DRIVER`` (SMTP, Postmark, sender, and keys
    Docmost does not read but that show the user wants mail)."""
    found: dict[str, Setting] = {}
    for setting in _every_definition(instance):
        key = setting.key
        if key in ("MAIL_DRIVER", "MAIL_FROM_NAME") or not key.startswith(_MAIL_PREFIXES):
            continue
        chosen = effective(instance, key)
        if chosen is not None and chosen.value:
            found.setdefault(key, chosen)
    return sorted(found.values(), key=lambda s: (s.key != "SMTP_HOST", _order(s)))


def _order(setting: Setting) -> tuple[str, int]:
    location = setting.blame
    return ("", 0) if location is None else (str(location.path), location.line)


def _whole_config(instance: AppInstance) -> bool:
    """Whether the instance shows Docmost's whole configuration (a compose service, or a
    settings file that also sets the database): only then is a missing key missing."""
    return instance.service is not None or _set(effective(instance, "DATABASE_URL"))


def _driver_text(instance: AppInstance) -> str | None:
    return value(instance, "MAIL_DRIVER")


def _sends_smtp(instance: AppInstance) -> bool:
    """Whether the SMTP settings matter: the driver is smtp, or unset/invalid while SMTP
    settings are written (the user means SMTP; other rules say why it is not used yet)."""
    text = _driver_text(instance)
    if text is not None and text.strip("\"'").lower() == "postmark":
        return False
    if text == "smtp":
        return True
    return any(_set(effective(instance, key)) for key in _SMTP_KEYS)


def _wants_mail(instance: AppInstance) -> bool:
    text = _driver_text(instance)
    return (text is not None and text.strip("\"'").lower() in VALID_DRIVERS) or bool(
        _mail_settings(instance)
    )


def _anchor(instance: AppInstance) -> Setting | None:
    """Where a missing mail key is reported: at MAIL_DRIVER, else the first mail setting."""
    chosen = effective(instance, "MAIL_DRIVER")
    if chosen is not None:
        return chosen
    found = _mail_settings(instance)
    return found[0] if found else None


def _in_container(instance: AppInstance) -> bool:
    """A compose service that does not share the host's network."""
    if instance.service is None:
        return False
    from mail_lint.yamlsource import YScalar

    mode = instance.service.node.get("network_mode")
    return not (isinstance(mode, YScalar) and (mode.value or "").strip() == "host")


def _hostname(url: str) -> str | None:
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    return host


def _is_ip(host: str) -> bool:
    return ip_address(host.strip("[]")) is not None


# -- driver --------------------------------------------------------------------------------


@rule("DOC001", "smtp-without-mail-driver", severity=Severity.ERROR, app=APP)
def smtp_without_mail_driver(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports SMTP (or Postmark) settings in a Docmost configuration that does not set
    `MAIL_DRIVER`.

    ## Why is this bad?
    Without `MAIL_DRIVER` Docmost uses its `log` driver, and in production — which is what
    the Docker image runs (`NODE_ENV=production`) — that driver returns without doing
    anything. Every invitation and password-reset mail is dropped, and nothing is logged.
    The `SMTP_*` settings are never read.

    ## Example
    ```yaml
    environment:
      SMTP_HOST: smtp.example.org
      SMTP_PORT: 587
    ```

    Use instead:
    ```yaml
    environment:
      MAIL_DRIVER: smtp
      SMTP_HOST: smtp.example.org
      SMTP_PORT: 587
    ```

    ## References
    - Docmost `apps/server/src/integrations/mail/drivers/log.driver.ts` l.11
      (`if (process.env.NODE_ENV === 'production') return;`)
    - Docmost `environment.service.ts` `getMailDriver`: `get('MAIL_DRIVER', 'log')`
    - docmost/docmost#205, #742, #1566 ("SMTP not working", no error in the logs)
    """
    instance = ctx.instance
    if effective(instance, "MAIL_DRIVER") is not None:
        return
    found = _mail_settings(instance)
    if not found:
        return
    first = found[0]
    wanted = "postmark" if first.key == "POSTMARK_TOKEN" else "smtp"
    yield ctx.finding(
        f"{first.key} is set but MAIL_DRIVER is not: Docmost uses"
        " its log driver, which in production drops every mail without a trace, and never"
        " reads the SMTP settings",
        at=first,
        key="MAIL_DRIVER",
        fix=f"add MAIL_DRIVER={wanted}",
    )


@rule("DOC002", "mail-not-configured", severity=Severity.WARNING, app=APP)
def mail_not_configured(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports a Docmost deployment with no mail configuration at all (no `MAIL_DRIVER` and no
    SMTP or Postmark settings), as in the official `docker-compose.yml`.

    ## Why is this bad?
    Docmost then uses its `log` driver, which drops every mail in production: invitations,
    password resets and notifications are never sent, silently. Docmost has no "send a
    test mail" button, so this is usually noticed when an invited user waits for a mail.
    Without mail, invite links must be copied by hand from the members page.

    ## Example
    ```yaml
    environment:
      APP_URL: https://docs.example.org
      REDIS_URL: redis://redis:6379
    ```

    Use instead:
    ```yaml
    environment:
      APP_URL: https://docs.example.org
      REDIS_URL: redis://redis:6379
      MAIL_DRIVER: smtp
      SMTP_HOST: smtp.example.org
      SMTP_PORT: 587
      SMTP_USERNAME: docmost@example.org
      SMTP_PASSWORD: ${SMTP_PASSWORD}
      MAIL_FROM_ADDRESS: docmost@example.org
    ```

    ## References
    - Docmost `mail/drivers/log.driver.ts` l.11; official `docker-compose.yml` (no mail keys)
    - docmost/docmost#2426 (maintainer: configure SMTP or copy the invite link)
    - docmost/docmost#1147 (maintainer: the log driver is "only in dev mode")
    """
    instance = ctx.instance
    if not _whole_config(instance):
        return
    if effective(instance, "MAIL_DRIVER") is not None or _mail_settings(instance):
        return
    yield ctx.finding(
        "Docmost has no mail configuration (no MAIL_DRIVER): it uses its log driver, which in"
        " production drops every invitation and password-reset mail silently",
        key="MAIL_DRIVER",
        fix="set MAIL_DRIVER=smtp with SMTP_HOST, SMTP_PORT, SMTP_USERNAME, SMTP_PASSWORD"
        " and MAIL_FROM_ADDRESS (or MAIL_DRIVER=postmark with POSTMARK_TOKEN)",
    )


@rule("DOC003", "invalid-mail-driver", severity=Severity.ERROR, app=APP)
def invalid_mail_driver(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports a `MAIL_DRIVER` that is not exactly `smtp` or `postmark`: empty, upper-case
    (`SMTP`), `log`, or any other name.

    ## Why is this bad?
    Docmost validates its environment at start-up with `@IsOptional() @IsIn(['smtp',
    'postmark'])`. `IsOptional` only skips a *missing* key, so `MAIL_DRIVER=` (empty) is
    checked too, and the check is case-sensitive. A failed check prints "The Environment
    variables has failed the following validations" and the server exits: Docmost does not
    start. `log` is not accepted either — the log driver is only what an *unset*
    `MAIL_DRIVER` gives, and it drops mail in production.

    ## Example
    ```dotenv
    MAIL_DRIVER=SMTP
    ```

    Use instead:
    ```dotenv
    MAIL_DRIVER=smtp
    ```

    ## References
    - Docmost `apps/server/src/integrations/environment/environment.validation.ts`
      (`MAIL_DRIVER`, and `validate()` → `process.exit(1)`), since v0.2.0 (bc7cd033)
    - class-validator `src/decorator/common/IsOptional.ts` (only `null`/`undefined` skip)
    """
    instance = ctx.instance
    setting = effective(instance, "MAIL_DRIVER")
    if setting is None or setting.value is None or setting.value in VALID_DRIVERS:
        return
    text = setting.value
    if is_quoted(text):
        return  # DOC007 explains the quotes
    if text == "":
        why = "MAIL_DRIVER is empty"
    elif text.lower() in VALID_DRIVERS:
        why = f"MAIL_DRIVER={text} must be lower-case '{text.lower()}'"
    elif text.lower() == DEFAULT_DRIVER:
        why = (
            "MAIL_DRIVER=log is not accepted (the log driver is only used when MAIL_DRIVER is"
            " unset, and drops mail in production)"
        )
    else:
        why = f"MAIL_DRIVER={text} is not a Docmost mail driver"
    yield ctx.finding(
        f"{why}: Docmost's start-up validation accepts only 'smtp' or 'postmark', so the"
        " server exits before it starts",
        at=setting,
        fix="MAIL_DRIVER=smtp (or postmark)",
    )


# -- SMTP options --------------------------------------------------------------------------


@rule("DOC004", "non-boolean-tls-flag", severity=Severity.WARNING, app=APP)
def non_boolean_tls_flag(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports `SMTP_SECURE` or `SMTP_IGNORETLS` set to anything other than `true` or `false`
    (`TLS`, `SSL`, `yes`, `1`, `on`, `STARTTLS`).

    ## Why is this bad?
    Docmost compares the lower-cased text with `'true'`; every other text is false. So
    `SMTP_SECURE=TLS` or `SMTP_SECURE=1` does *not* turn on implicit TLS: on port 465 that
    means a plaintext connection to a TLS port (see DOC005). The value says one thing and
    Docmost does another.

    ## Example
    ```dotenv
    SMTP_PORT=465
    SMTP_SECURE=TLS
    ```

    Use instead:
    ```dotenv
    SMTP_PORT=465
    SMTP_SECURE=true
    ```

    ## References
    - Docmost `environment.service.ts` `getSmtpSecure` / `getSmtpIgnoreTLS`
      (`.toLowerCase(); return secure === 'true'`)
    - docmost/docmost#898 (`SMTP_SECURE=TLS`; fixed with `true`)
    """
    instance = ctx.instance
    for key, since in (
        ("SMTP_SECURE", SMTP_SECURE_SINCE),
        ("SMTP_IGNORETLS", SMTP_IGNORETLS_SINCE),
    ):
        setting = effective(instance, key)
        if setting is None or not setting.value or not at_least(instance.version, since):
            continue
        text = setting.value
        if text.lower() in ("true", "false") or is_quoted(text):
            continue
        effect = (
            "implicit TLS stays off (STARTTLS is still used when the server offers it)"
            if key == "SMTP_SECURE"
            else "STARTTLS is still attempted"
        )
        yield ctx.finding(
            f"{key}={text} is read as false: Docmost turns it on only for the text 'true'"
            f" (any case), so {effect}",
            at=setting,
            fix=f"{key}=true or {key}=false"
            + (" (true only for port 465)" if key == "SMTP_SECURE" else ""),
        )


@rule(
    "DOC005",
    "implicit-tls-port-without-smtp-secure",
    severity=Severity.ERROR,
    app=APP,
    supersedes=("SMTP001",),
)
def implicit_tls_port_without_smtp_secure(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports SMTP port 465 without `SMTP_SECURE=true`.

    ## Why is this bad?
    Port 465 speaks TLS from the first byte. nodemailer would switch TLS on for port 465 by
    itself, but only when `secure` is left undefined — and Docmost always passes a boolean.
    So Docmost connects in plaintext, waits for a greeting that never comes, and every mail
    fails after 30 s with `Error: Greeting never received` (`ETIMEDOUT`), retried three
    times by the mail queue.

    ## Example
    ```yaml
    SMTP_PORT: 465
    SMTP_SECURE: "false"
    ```

    Use instead:
    ```yaml
    SMTP_PORT: 465
    SMTP_SECURE: "true"
    ```

    ## References
    - Docmost `mail/providers/mail.provider.ts` l.40-48 (`secure: getSmtpSecure()`)
    - nodemailer `lib/smtp-connection/index.js` l.78, l.88-90
    - docmost/docmost#131 ("Greeting never received"), #742
    """
    instance = ctx.instance
    if not _sends_smtp(instance) or not at_least(instance.version, SMTP_SECURE_SINCE):
        return
    options = smtp_options(instance)
    port = effective(instance, "SMTP_PORT")
    if options.port.value != 465 or options.secure.value or port is None:
        return
    secure = effective(instance, "SMTP_SECURE")
    yield ctx.finding(
        f"SMTP_PORT=465 ({_place(instance, port)}) is the implicit-TLS port but"
        f" {_with_place(instance, secure, 'SMTP_SECURE')} is not true: Docmost connects in"
        " plaintext and every mail fails after 30 s with 'Greeting never received' (ETIMEDOUT)",
        at=port,
        fix="set SMTP_SECURE=true (or use port 587 with SMTP_SECURE=false)",
    )


@rule(
    "DOC006",
    "smtp-secure-on-starttls-port",
    severity=Severity.ERROR,
    app=APP,
    supersedes=("SMTP002",),
)
def smtp_secure_on_starttls_port(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports `SMTP_SECURE=true` with port 25, 587 or 2525.

    ## Why is this bad?
    `SMTP_SECURE=true` makes nodemailer start TLS immediately (implicit TLS, port 465). On
    25, 587 and 2525 the server first speaks plaintext and offers STARTTLS, so the TLS
    handshake reads an SMTP greeting and every mail fails at once with
    `ssl3_get_record:wrong version number` (`ESOCKET`). With `SMTP_SECURE=false` Docmost
    still upgrades to TLS with STARTTLS when the server offers it.

    ## Example
    ```dotenv
    SMTP_PORT=587
    SMTP_SECURE=true
    ```

    Use instead:
    ```dotenv
    SMTP_PORT=587
    SMTP_SECURE=false
    ```

    ## References
    - Docmost `mail/providers/mail.provider.ts` l.40-48; nodemailer README "I get TLS
      errors" (`secure` … "should be set to true only for port 465")
    - Docmost docs `self-hosting/environment-variables.md` (`SMTP_SECURE`: "typically for
      port 465")
    """
    instance = ctx.instance
    if not _sends_smtp(instance) or not at_least(instance.version, SMTP_SECURE_SINCE):
        return
    options = smtp_options(instance)
    if not options.secure.value or options.port.value not in (25, 587, 2525):
        return
    secure = effective(instance, "SMTP_SECURE")
    port = effective(instance, "SMTP_PORT")
    if secure is None:
        return
    yield ctx.finding(
        f"SMTP_SECURE={secure.value} ({_place(instance, secure)}) starts TLS at once, but"
        f" SMTP_PORT={options.port.value} ({_place(instance, port)}) expects plaintext then"
        " STARTTLS: every mail fails immediately with 'wrong version number' (ESOCKET)",
        at=secure,
        fix="set SMTP_SECURE=false (Docmost still uses STARTTLS when the server offers it)",
    )


@rule("DOC007", "quoted-value-kept", severity=Severity.ERROR, app=APP, supersedes=("SMTP018",))
def quoted_value_kept(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports a Docmost mail setting whose value reaches Docmost with its quotes, as
    `- SMTP_PORT="465"` does in Compose's list syntax.

    ## Why is this bad?
    In the list form of `environment:` Compose keeps quotes as part of the value, and
    Docmost does not strip them (BookStack's Laravel does; Docmost's Node does not). So
    `"465"` is parsed by `parseInt` as `NaN` and nodemailer silently falls back to 587,
    `"true"` is not `true`, `"smtp"` fails start-up validation, and a quoted password or
    host never works.

    ## Example
    ```yaml
    environment:
      - SMTP_PORT="465"
      - SMTP_SECURE="true"
    ```

    Use instead:
    ```yaml
    environment:
      - SMTP_PORT=465
      - SMTP_SECURE=true
    ```

    ## References
    - Docmost `environment.service.ts` (`parseInt(get('SMTP_PORT'))`, `=== 'true'`)
    - Compose: list syntax keeps quotes (thijsvanloef/palworld-server-docker PR #336)
    - nodemailer `lib/smtp-connection/index.js` l.81 (`Number(port) || (secure ? 465 : 587)`)
    """
    instance = ctx.instance
    for key, effect in _QUOTED_EFFECT.items():
        setting = effective(instance, key)
        if setting is None or not is_quoted(setting.value):
            continue
        shown = (
            f"{key} {shape(setting.value or '')}" if _is_secret(key) else f"{key}={setting.value}"
        )
        listed = setting.raw is not None and is_quoted(setting.raw)
        how = (
            "Compose keeps the quotes of the list form '- KEY=\"value\"'"
            if listed
            else "the quotes are part of the value"
        )
        yield ctx.finding(
            f"{shown}: {how} and Docmost does not strip them, so {effect}",
            at=setting,
            fix="drop the quotes (in list form, '- KEY=value'; or use the mapping form)",
        )


@rule("DOC008", "smtp-port-not-a-number", severity=Severity.WARNING, app=APP)
def smtp_port_not_a_number(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports an `SMTP_PORT` that is not a plain number (`smtp`, `587/tcp`, `0x24b`, `0`).

    ## Why is this bad?
    Docmost reads the port with JavaScript's `parseInt`: only leading digits count, and a
    value without them becomes `NaN`, which nodemailer replaces with 587 (465 with
    `SMTP_SECURE=true`) — silently, so the port in the file is not the port used.

    ## Example
    ```dotenv
    SMTP_PORT=submission
    ```

    Use instead:
    ```dotenv
    SMTP_PORT=587
    ```

    ## References
    - Docmost `environment.service.ts` `getSmtpPort` (`parseInt(get('SMTP_PORT'))`)
    - nodemailer `lib/smtp-connection/index.js` l.81
    """
    instance = ctx.instance
    setting = effective(instance, "SMTP_PORT")
    if setting is None or not setting.value or is_quoted(setting.value):
        return
    text = setting.value.strip()
    parsed = js_parse_int(text)
    if parsed is not None and parsed > 0 and str(parsed) == text:
        return
    used = smtp_options(instance).port.value
    if parsed:
        how = f"Docmost's parseInt() reads it as {parsed}"
    else:
        result = "0" if parsed == 0 else "NaN"
        how = f"Docmost's parseInt() gives {result}, so nodemailer uses {used}"
    yield ctx.finding(
        f"SMTP_PORT={setting.value} is not a plain port number: {how}",
        at=setting,
        fix=f"SMTP_PORT={used}",
    )


@rule("DOC009", "half-set-smtp-auth", severity=Severity.WARNING, app=APP, supersedes=("SMTP020",))
def half_set_smtp_auth(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports `SMTP_USERNAME` without `SMTP_PASSWORD`, or the password without the user name.

    ## Why is this bad?
    Docmost logs in only when *both* are non-empty; otherwise it sends mail without
    authenticating, and submission servers refuse it (`530 5.7.0 Authentication
    required`). A password lost to an unset variable (`${SMTP_PASSWORD}` with no
    definition) looks exactly like this. Docmost before v0.2.7 always logged in, with the
    missing value empty, which fails too.

    ## Example
    ```yaml
    SMTP_USERNAME: docmost@example.org
    SMTP_PASSWORD: ${SMTP_PASS}   # the .env defines SMTP_PASSWORD
    ```

    Use instead:
    ```yaml
    SMTP_USERNAME: docmost@example.org
    SMTP_PASSWORD: ${SMTP_PASSWORD}
    ```

    ## References
    - Docmost `mail/providers/mail.provider.ts` l.30-37 (`if (username && password)`)
    - docmost/docmost#119 (there is no `SMTP_AUTH`; both values enable login)
    """
    instance = ctx.instance
    if not _sends_smtp(instance):
        return
    user = effective(instance, "SMTP_USERNAME")
    password = effective(instance, "SMTP_PASSWORD")
    if _set(user) == _set(password):
        return
    present, absent_key = (user, "SMTP_PASSWORD") if _set(user) else (password, "SMTP_USERNAME")
    absent = password if _set(user) else user
    if absent is None:
        state = "not set"
    elif absent.missing:
        state = f"empty (${{{absent.missing[0]}}} is not defined) ({_place(instance, absent)})"
    else:
        state = f"empty ({_place(instance, absent)})"
    assert present is not None
    login = (
        "Docmost sends mail without logging in (it logs in only when both are set), and"
        " most servers refuse it with '530 Authentication required'"
        if at_least(instance.version, SMTP_SECURE_SINCE)
        else "this Docmost version logs in with the missing value empty, which fails"
    )
    yield ctx.finding(
        f"{present.key} is set ({_place(instance, present)}) but {absent_key} is {state}: {login}",
        at=absent if absent is not None and absent.blame is not None else present,
        key=absent_key,
        fix=f"set {absent_key}, or remove {present.key} for a relay without login",
    )


@rule(
    "DOC010",
    "missing-mail-from-address",
    severity=Severity.ERROR,
    app=APP,
    supersedes=("SMTP021",),
)
def missing_mail_from_address(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports a Docmost that sends mail without `MAIL_FROM_ADDRESS`.

    ## Why is this bad?
    Docmost builds the sender as `` `${MAIL_FROM_NAME} <${MAIL_FROM_ADDRESS}> ` ``; with the
    key unset that is literally `Docmost <undefined>`, an address without a domain that
    every server and Postmark reject. There is no default address.

    ## Example
    ```dotenv
    MAIL_DRIVER=smtp
    SMTP_HOST=smtp.example.org
    ```

    Use instead:
    ```dotenv
    MAIL_DRIVER=smtp
    SMTP_HOST=smtp.example.org
    MAIL_FROM_ADDRESS=docmost@example.org
    ```

    ## References
    - Docmost `apps/server/src/integrations/mail/mail.service.ts` l.37
    - Docmost `environment.service.ts` `getMailFromAddress` (no default)
    """
    instance = ctx.instance
    if not _wants_mail(instance):
        return
    setting = effective(instance, "MAIL_FROM_ADDRESS")
    if _set(setting):
        return
    name = value(instance, "MAIL_FROM_NAME")
    name = "Docmost" if name is None else name
    if setting is not None:
        sent = f"'{name} <>'"
        what = f"MAIL_FROM_ADDRESS is empty ({_place(instance, setting)})"
        at: Setting | None = setting if setting.blame is not None else _anchor(instance)
    else:
        sent = f"'{name} <undefined>'"
        what = "MAIL_FROM_ADDRESS is not set"
        at = _anchor(instance)
    yield ctx.finding(
        f"{what}: Docmost sends every mail from {sent}, which mail servers reject",
        at=at,
        key="MAIL_FROM_ADDRESS",
        fix="set MAIL_FROM_ADDRESS to an address your mail provider lets you send from",
    )


@rule(
    "DOC011",
    "key-not-read-by-docmost",
    severity=Severity.WARNING,
    app=APP,
    supersedes=("SMTP023",),
)
def key_not_read_by_docmost(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports mail keys Docmost never reads — `SMTP_FROM_EMAIL`, `SMTP_AUTH`,
    `SMTP_IGNORE_TLS`, `MAIL_HOST`, `MAIL_ENCRYPTION`, misspellings — and keys the image's
    Docmost version does not read yet (`SMTP_SECURE` before v0.2.7, `SMTP_IGNORETLS`
    before v0.4.0), with the key that was probably meant.

    ## Why is this bad?
    An unread key changes nothing, so the setting the user believes is in effect is not:
    the sender stays `<undefined>`, STARTTLS is still attempted, the host stays
    `localhost`. Names from other apps (Laravel's `MAIL_HOST`) and Docmost's own
    pre-release names are the usual cause.

    ## Example
    ```dotenv
    SMTP_FROM_EMAIL=docmost@example.org
    SMTP_IGNORE_TLS=true
    ```

    Use instead:
    ```dotenv
    MAIL_FROM_ADDRESS=docmost@example.org
    SMTP_IGNORETLS=true
    ```

    ## References
    - Docmost `environment.service.ts` (the keys it reads); commit a582d478 (`MAIL_HOST`…
      renamed `SMTP_*`), 227ac30d (`SMTP_SECURE`, v0.2.7), 9390b39e (`SMTP_IGNORETLS`,
      v0.4.0), 2b631372 (`MAIL_BLOCKED_RECIPIENT_DOMAINS`, v0.90.0)
    - docmost/docmost#205 (`SMTP_FROM_EMAIL`), #119 (`SMTP_AUTH`), #1262 (`SMTP_IGNORETLS`)
    """
    instance = ctx.instance
    for setting in _every_definition(instance):
        message = _unread_message(setting.key, instance)
        if message is not None:
            # The key is what to change, not where an interpolated value came from.
            yield ctx.finding(
                message, at=setting.key_location or setting.location or setting, key=setting.key
            )


def _unread_message(key: str, instance: AppInstance) -> str | None:
    since = _READ_SINCE.get(key)
    if since is not None:
        if at_least(instance.version, since):
            return None
        version = ".".join(map(str, instance.version or ()))
        return (
            f"Docmost {version} does not read {key} (it is read since"
            f" v{'.'.join(map(str, since))}): the setting has no effect"
        )
    if key in _MAIL_KEYS or not key.startswith(_MAIL_PREFIXES):
        return None
    if key in _UNREAD:
        meant, _source = _UNREAD[key]
    else:
        close = _close_matches(key, _MAIL_KEYS, n=1, cutoff=0.75)
        meant = close[0] if close else None
    if meant is not None:
        return f"Docmost never reads {key}: it probably meant {meant}"
    reason = _NO_REPLACEMENT.get(key)
    return f"Docmost never reads {key}" + (f": {reason}" if reason else "")


# -- queue ---------------------------------------------------------------------------------


@rule("DOC012", "redis-url-unusable", severity=Severity.ERROR, app=APP)
def redis_url_unusable(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports a `REDIS_URL` that is missing, empty, not a `redis://`/`rediss://` URL, or
    points at `localhost` from inside a container.

    ## Why is this bad?
    Docmost sends every mail through a BullMQ queue in Redis (`sendToQueue`, never a
    direct send). A missing, empty or non-Redis URL fails start-up validation and the
    server exits; `localhost`/`127.0.0.1` inside the Docmost container is the container
    itself, where no Redis runs, so no invitation or password-reset mail is ever queued.

    ## Example
    ```yaml
    environment:
      REDIS_URL: redis://127.0.0.1:6379
    ```

    Use instead:
    ```yaml
    environment:
      REDIS_URL: redis://redis:6379   # the Redis service of this project
    ```

    ## References
    - Docmost `environment.validation.ts` (`REDIS_URL`: `@IsNotEmpty() @IsUrl({protocols:
      ['redis', 'rediss']})`)
    - Docmost `mail/mail.service.ts` `sendToQueue`; `queue/queue.module.ts`
    - Docmost `.env.example` (`REDIS_URL=redis://127.0.0.1:6379`, for a bare-metal run)
    """
    instance = ctx.instance
    setting = effective(instance, "REDIS_URL")
    if setting is None or setting.value is None:
        if _whole_config(instance):
            yield ctx.finding(
                "REDIS_URL is not set: Docmost's start-up validation requires it and the"
                " server exits (all of Docmost's mail goes through the Redis queue)",
                at=setting,
                key="REDIS_URL",
                fix="REDIS_URL=redis://redis:6379 with a redis service in the project",
            )
        return
    text = setting.value
    scheme = text.split("://", 1)[0].lower() if "://" in text else ""
    if text == "" or scheme not in ("redis", "rediss"):
        what = "REDIS_URL is empty" if text == "" else "REDIS_URL is not a redis:// URL"
        yield ctx.finding(
            f"{what}: Docmost's start-up validation requires a redis:// or rediss:// URL and"
            " the server exits",
            at=setting,
            fix="REDIS_URL=redis://redis:6379",
        )
        return
    host = _hostname(text)
    if host is not None and host.lower() in _LOCAL_HOSTS and _in_container(instance):
        yield ctx.finding(
            f"REDIS_URL points at {host}, which inside the Docmost container is the container"
            " itself: the mail queue is unreachable and no invitation or password-reset mail"
            " is sent",
            at=setting,
            fix="use the Redis service name, e.g. redis://redis:6379",
        )


@rule("DOC013", "redis-host-not-in-project", severity=Severity.WARNING, app=APP)
def redis_host_not_in_project(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports a `REDIS_URL` whose host is a bare name that no service of the Compose project
    answers to (service name, `container_name`, `hostname`, network alias, `links` alias or
    `extra_hosts` entry).

    ## Why is this bad?
    Docmost queues every mail in Redis. A host name Docker's DNS cannot resolve (a Redis
    service that was renamed, or left out when copying the official compose file) makes
    the queue unreachable, so no mail is sent. A Redis on an external network is the
    exception: then this warning can be ignored.

    ## Example
    ```yaml
    services:
      docmost:
        environment:
          REDIS_URL: redis://redis:6379
      cache:
        image: redis:8
    ```

    Use instead:
    ```yaml
    services:
      docmost:
        environment:
          REDIS_URL: redis://cache:6379
      cache:
        image: redis:8
    ```

    ## References
    - Docmost official `docker-compose.yml` (`REDIS_URL: 'redis://redis:6379'` with a
      `redis` service); Docmost `mail/mail.service.ts` `sendToQueue`
    """
    instance = ctx.instance
    project = instance.project
    if project is None or not _in_container(instance):
        return
    setting = effective(instance, "REDIS_URL")
    if setting is None or not setting.value or "://" not in setting.value:
        return
    host = _hostname(setting.value)
    if host is None or "." in host or ":" in host or host.lower() in _LOCAL_HOSTS:
        return
    if host.lower() in _project_names(instance):
        return
    yield ctx.finding(
        f"REDIS_URL points at host '{host}', but no service of this Compose project is"
        " called that: unless Redis is on an external network, Docmost cannot reach its"
        " mail queue and sends no mail",
        at=setting,
        fix="use the name of the project's Redis service in REDIS_URL",
    )


def _project_names(instance: AppInstance) -> set[str]:
    """Every name Docker's DNS resolves for the instance's service."""
    from mail_lint.yamlsource import YMap, YScalar, YSeq

    assert instance.project is not None
    names: set[str] = set()
    for name, service in instance.project.services.items():
        names.add(name.lower())
        node = service.node
        for key in ("container_name", "hostname"):
            found = node.get(key)
            if isinstance(found, YScalar) and found.value:
                names.add(found.value.lower())
        networks = node.get("networks")
        if isinstance(networks, YMap):
            for _, net in networks.items:
                aliases = net.get("aliases") if isinstance(net, YMap) else None
                if isinstance(aliases, YSeq):
                    names.update(
                        a.value.lower() for a in aliases.items if isinstance(a, YScalar) and a.value
                    )
    assert instance.service is not None
    for key, separator in (("links", ":"), ("extra_hosts", ":")):
        entries = instance.service.node.get(key)
        if isinstance(entries, YSeq):
            for entry in entries.items:
                if isinstance(entry, YScalar) and entry.value:
                    parts = entry.value.replace("=", separator).split(separator)
                    names.add((parts[-1] if key == "links" else parts[0]).strip().lower())
        elif isinstance(entries, YMap):
            names.update(k.text.lower() for k, _ in entries.items)
    return names


# -- links in mails ------------------------------------------------------------------------


@rule("DOC014", "invalid-app-url", severity=Severity.ERROR, app=APP)
def invalid_app_url(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports an `APP_URL` that is empty, has a scheme other than `http`/`https`, or has no
    scheme at all (`docs.example.org`).

    ## Why is this bad?
    An empty value or another scheme fails Docmost's start-up validation (`@IsUrl` with
    `protocols: ['http','https']`; `IsOptional` does not skip an empty text) and the
    server exits. A value without a scheme passes that check, but since v0.9.0 Docmost
    reads it with `new URL(APP_URL)` when it starts, which throws `ERR_INVALID_URL`; older
    versions put the bare host into invitation links, which mail clients do not make
    clickable.

    ## Example
    ```dotenv
    APP_URL=docs.example.org
    ```

    Use instead:
    ```dotenv
    APP_URL=https://docs.example.org
    ```

    ## References
    - Docmost `environment.validation.ts` (`APP_URL`), `environment.service.ts`
      `getAppUrl` (`new URL(rawUrl).origin`, since v0.9.0, b81c9ee1),
      `static/static.module.ts` (`getAppUrl()` in `onModuleInit`)
    - docmost/docmost#76 (maintainer: "Did you add the protocol to the env APP_URL?")
    """
    instance = ctx.instance
    setting = effective(instance, "APP_URL")
    if setting is None or setting.value is None or is_quoted(setting.value):
        return
    text = setting.value.strip()
    if text == "":
        yield ctx.finding(
            "APP_URL is empty: Docmost's start-up validation rejects an empty URL (only an"
            " unset APP_URL is optional) and the server exits",
            at=setting,
            fix="APP_URL=https://<the domain users open Docmost at>",
        )
        return
    if "://" in text:
        scheme = text.split("://", 1)[0].lower()
        if scheme in ("http", "https"):
            return
        yield ctx.finding(
            f"APP_URL={text} is not an http(s) URL: Docmost's start-up validation fails and"
            " the server exits",
            at=setting,
            fix="APP_URL=https://<host>",
        )
        return
    if at_least(instance.version, APP_URL_ORIGIN_SINCE):
        effect = (
            "new URL() rejects it (ERR_INVALID_URL) when the server starts, so Docmost does"
            " not start"
        )
    else:
        effect = "invitation and password-reset links in mails have no scheme and are not clickable"
    yield ctx.finding(
        f"APP_URL={text} has no http:// or https:// scheme: {effect}",
        at=setting,
        fix=f"APP_URL=https://{text}",
    )


@rule("DOC015", "app-url-localhost", severity=Severity.WARNING, app=APP)
def app_url_localhost(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports an `APP_URL` that is unset or points at `localhost`/`127.0.0.1`, as the official
    `docker-compose.yml` and `.env.example` ship it.

    ## Why is this bad?
    Docmost builds the links in invitation and password-reset mails from `APP_URL`
    (`${APP_URL}/invites/<id>?token=…`), defaulting to `http://localhost:<PORT>`. Every
    recipient then gets a link to their own machine, and the invitation cannot be
    accepted.

    ## Example
    ```yaml
    APP_URL: 'http://localhost:3000'
    ```

    Use instead:
    ```yaml
    APP_URL: 'https://docs.example.org'
    ```

    ## References
    - Docmost `environment.service.ts` `getAppUrl`; `workspace-invitation.service.ts`
      l.458; `auth.service.ts` l.204
    - easypanel-io/templates PR #1582 (template shipped `APP_URL=http://localhost:3000`)
    """
    instance = ctx.instance
    setting = effective(instance, "APP_URL")
    if setting is None or setting.value is None:
        if not _whole_config(instance) or not _wants_mail(instance):
            return
        port = value(instance, "PORT") or "3000"
        yield ctx.finding(
            f"APP_URL is not set: Docmost uses http://localhost:{port}, so the links in"
            " invitation and password-reset mails point at the reader's own machine",
            at=setting,
            key="APP_URL",
            fix="APP_URL=https://<the domain users open Docmost at>",
        )
        return
    host = _hostname(setting.value.strip()) if "://" in setting.value else None
    if host is None or host.lower() not in _LOCAL_HOSTS:
        return
    yield ctx.finding(
        f"APP_URL={setting.value} points at {host}: the links in invitation and password-reset"
        " mails open the reader's own machine, not this Docmost",
        at=setting,
        fix="APP_URL=https://<the domain users open Docmost at>",
    )


@rule("DOC016", "app-url-path-dropped", severity=Severity.WARNING, app=APP)
def app_url_path_dropped(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports an `APP_URL` with a path (`https://example.org/wiki`), query or fragment.

    ## Why is this bad?
    Since v0.9.0 Docmost keeps only the origin of `APP_URL` (`new URL(APP_URL).origin`):
    `https://example.org/wiki` becomes `https://example.org`, so links in invitation and
    password-reset mails lead to `https://example.org/invites/…`, outside the path Docmost
    is served under. Docmost is meant to be served at the root of its own host name.

    ## Example
    ```dotenv
    APP_URL=https://example.org/wiki
    ```

    Use instead:
    ```dotenv
    APP_URL=https://wiki.example.org
    ```

    ## References
    - Docmost `environment.service.ts` `getAppUrl` (`const { origin } = new URL(rawUrl)`),
      since v0.9.0 (b81c9ee1)
    """
    instance = ctx.instance
    setting = effective(instance, "APP_URL")
    if setting is None or not setting.value or "://" not in setting.value:
        return
    if not at_least(instance.version, APP_URL_ORIGIN_SINCE):
        return
    try:
        parts = urlsplit(setting.value.strip())
    except ValueError:
        return
    if parts.scheme.lower() not in ("http", "https"):
        return
    dropped = setting.value.strip()[len(f"{parts.scheme}://{parts.netloc}") :]
    if dropped in ("", "/"):
        return
    origin = f"{parts.scheme}://{parts.netloc}"
    yield ctx.finding(
        f"APP_URL={setting.value} has a path, but Docmost keeps only its origin ({origin}):"
        f" '{dropped}' is dropped from the links in invitation and password-reset mails",
        at=setting,
        fix=f"APP_URL={origin} (serve Docmost at the root of its own host name)",
    )


# -- /app/.env -----------------------------------------------------------------------------


@rule(
    "DOC017",
    "dollar-expanded-in-app-dotenv",
    severity=Severity.WARNING,
    app=APP,
    supersedes=("SMTP017",),
)
def dollar_expanded_in_app_dotenv(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports a value in Docmost's own `.env` (`/app/.env`) in which `dotenv-expand` replaced
    `$NAME` or `${NAME}` by an undefined variable, i.e. by nothing.

    ## Why is this bad?
    Docmost loads `/app/.env` with `expandVariables: true`. dotenv-expand expands
    unescaped `$` references even inside single quotes, so `SMTP_PASSWORD=pa$word` becomes
    `pa`, `p@$$w0rd` becomes `p@$`, and login fails with a password nobody typed. Only `\\$`
    keeps a literal dollar sign.

    ## Example
    ```dotenv
    SMTP_PASSWORD='Xy7$Tq9!'
    ```

    Use instead:
    ```dotenv
    SMTP_PASSWORD=Xy7\\$Tq9!
    ```

    ## References
    - Docmost `environment/environment.module.ts` (`ConfigModule.forRoot({expandVariables:
      true})`); @nestjs/config `lib/config.module.ts` l.199-219
    - motdotla/dotenv-expand v12.0.3 `lib/main.js` (`expandValue`, `\\$` escapes)
    """
    instance = ctx.instance
    for loaded in instance.files:
        if loaded.spec.dialect is not DotenvDialect.NODE:
            continue
        for setting in loaded.settings.values():
            lost = [n for n in setting.missing if n not in instance.environment]
            if not lost or setting.raw is None or effective(instance, setting.key) is not setting:
                continue
            yield ctx.finding(_dollar_message(setting, lost), at=setting)


def _dollar_message(setting: Setting, lost: list[str]) -> str:
    names = ", ".join(f"${name}" for name in lost)
    got, written = setting.value or "", setting.raw or ""
    if _is_secret(setting.key):
        change = f"Docmost gets {shape(got)} instead of the {shape(written)} written"
    else:
        change = f"Docmost gets '{got}' instead of '{written}'"
    return (
        f"dotenv-expand reads {names} in {setting.key} as undefined variables and removes"
        f" them: {change}; escape each literal $ as \\$"
    )


# -- Postmark and TLS ----------------------------------------------------------------------


@rule("DOC018", "postmark-without-token", severity=Severity.ERROR, app=APP)
def postmark_without_token(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports `MAIL_DRIVER=postmark` without a `POSTMARK_TOKEN`.

    ## Why is this bad?
    Docmost creates its Postmark client with `new ServerClient(POSTMARK_TOKEN)` and does not
    validate the token at start-up, so the missing token shows up only when the first
    invitation is sent: no mail is delivered.

    ## Example
    ```dotenv
    MAIL_DRIVER=postmark
    POSTMARK_TOKEN=
    ```

    Use instead:
    ```dotenv
    MAIL_DRIVER=postmark
    POSTMARK_TOKEN=${POSTMARK_SERVER_TOKEN}
    ```

    ## References
    - Docmost `mail/drivers/postmark.driver.ts` (`new ServerClient(config.postmarkToken)`)
    - Docmost docs `self-hosting/configuration` ("Using Postmark")
    """
    instance = ctx.instance
    chosen = effective(instance, "MAIL_DRIVER")
    if chosen is None or chosen.value != "postmark":
        return
    token = effective(instance, "POSTMARK_TOKEN")
    if _set(token):
        return
    state = "empty" if token is not None else "not set"
    yield ctx.finding(
        f"MAIL_DRIVER=postmark ({_place(instance, chosen)}) but POSTMARK_TOKEN is {state}:"
        " Docmost's Postmark client has no server token, so no mail is sent",
        at=token if token is not None and token.blame is not None else chosen,
        key="POSTMARK_TOKEN",
        fix="set POSTMARK_TOKEN to the Postmark server API token",
    )


@rule(
    "DOC019",
    "starttls-certificate-unverifiable",
    severity=Severity.INFO,
    app=APP,
    supersedes=("SMTP006",),
)
def starttls_certificate_unverifiable(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports STARTTLS to an SMTP host given as an IP address, `host.docker.internal`,
    `localhost` or a bare container name, while `SMTP_IGNORETLS` is not `true`.

    ## Why is this bad?
    When such a relay offers STARTTLS, its certificate rarely names that host (self-signed,
    internal CA, or issued for the public name). nodemailer verifies the certificate, and
    Docmost has no option to turn verification off or trust another CA, so every mail
    fails the upgrade. The only escape Docmost offers is `SMTP_IGNORETLS=true` (no
    STARTTLS at all), which is acceptable only for a relay on a trusted local network.

    ## Example
    ```dotenv
    SMTP_HOST=host.docker.internal
    SMTP_PORT=25
    ```

    Use instead:
    ```dotenv
    SMTP_HOST=host.docker.internal
    SMTP_PORT=25
    SMTP_IGNORETLS=true   # local relay only
    ```

    ## References
    - Docmost `mail/providers/mail.provider.ts` (no `tls` options)
    - docmost/docmost#1262 (relay via `host.docker.internal:25`, fixed by `SMTP_IGNORETLS`),
      #211 and PR #299 (which added `SMTP_IGNORETLS` in v0.4.0)
    """
    instance = ctx.instance
    if not _sends_smtp(instance):
        return
    options = smtp_options(instance)
    if options.secure.value or options.ignore_tls.value:
        return
    host_s = effective(instance, "SMTP_HOST")
    if not _set(host_s):
        return
    assert host_s is not None and host_s.value is not None
    host = host_s.value.strip().lower()
    if not (
        _is_ip(host) or host in _LOCAL_HOSTS or host == "host.docker.internal" or "." not in host
    ):
        return
    escape = (
        "set SMTP_IGNORETLS=true only if the relay is on a trusted network"
        if at_least(instance.version, SMTP_IGNORETLS_SINCE)
        else "this Docmost version has no SMTP_IGNORETLS (v0.4.0 added it)"
    )
    yield ctx.finding(
        f"SMTP_HOST={host_s.value}: if this server offers STARTTLS,"
        " its certificate must name this host, and Docmost has no option to skip the check;"
        f" a self-signed or mismatched certificate fails every mail ({escape})",
        at=host_s,
        fix="use the host name on the server's certificate, or SMTP_IGNORETLS=true for a"
        " trusted local relay",
    )


RULES = (
    smtp_without_mail_driver,
    mail_not_configured,
    invalid_mail_driver,
    non_boolean_tls_flag,
    implicit_tls_port_without_smtp_secure,
    smtp_secure_on_starttls_port,
    quoted_value_kept,
    smtp_port_not_a_number,
    half_set_smtp_auth,
    missing_mail_from_address,
    key_not_read_by_docmost,
    redis_url_unusable,
    redis_host_not_in_project,
    invalid_app_url,
    app_url_localhost,
    app_url_path_dropped,
    dollar_expanded_in_app_dotenv,
    postmark_without_token,
    starttls_certificate_unverifiable,
)


def _close_matches(
    word: str, candidates: Sequence[str], n: int = 3, cutoff: float = 0.6
) -> list[str]:
    """``difflib.get_close_matches``, imported only when a key needs a suggestion."""
    import difflib

    return difflib.get_close_matches(word, candidates, n=n, cutoff=cutoff)
