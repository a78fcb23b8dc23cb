"""Plausible CE's rules (prefix ``PLA``): what only Plausible's ``config/runtime.exs`` does
with its mail variables, per version.

Generic SMTP pitfalls (credentials over plaintext, provider usernames, placeholders, a
container-local SMTP host, Compose ``$`` damage, key typos) are core's ``SMTP`` rules, which
judge the :class:`~mail_lint.Transport` that :mod:`.transport` builds. The port/TLS mismatch
is also reported here, in Plausible's own variables and with what Plausible's users see.

Facts: ``shared/reference/apps-plausible-listmonk.md`` Part A (A9 pitfalls, A10 candidates);
``config/runtime.exs`` @ ``a27653cd`` (the ``case mailer_adapter`` block) and of the v2.0 era.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from urllib.parse import urlsplit

from mail_lint import (
    AppInstance,
    Finding,
    ImageRef,
    Location,
    RuleContext,
    Setting,
    Severity,
    SourceKind,
    TlsMode,
    ip_address,
    is_secret_key,
    rule,
    shape,
)
from mail_lint.plugins.plausible import APP as PLAUSIBLE
from mail_lint.plugins.plausible.transport import (
    API_ADAPTERS,
    BOOL_HELPER,
    BOOL_KEYS,
    KNOWN_ADAPTERS,
    MUA,
    MUA_ADAPTER,
    MUA_DEFAULT,
    MUA_RELAY_NO_MX,
    MUA_SSL,
    NO_MAIL_ADAPTERS,
    SMTP_ADAPTER,
    Config,
    SmtpPlan,
    accepted_booleans,
    adapter,
    base_host,
    config,
    default_sender,
    known_adapter,
    read_bool,
    smtp_plan,
)
from mail_lint.providers import organisational_domain, provider_for

APP = "plausible"
_SECRET_KEYS = (
    "SECRET_KEY_BASE",
    "SMTP_USER_PWD",
    "POSTMARK_API_KEY",
    "MAILGUN_API_KEY",
    "MANDRILL_API_KEY",
    "SENDGRID_API_KEY",
)
_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "0.0.0.0", "::1"})
_RELAY_IMAGE = "bytemark/smtp"
#: Variables Plausible reads that matter for mail (the ones PLA011 follows from ``.env``).
_MAIL_KEYS = (
    *(k for k in PLAUSIBLE.keys if k != "SECRET_KEY_BASE"),
    "LOG_LEVEL",
    "SENTRY_DSN",
)
_SMTP_KEYS = tuple(k for k in _MAIL_KEYS if k.startswith("SMTP_"))
_API_KEYS = tuple(
    k for k in _MAIL_KEYS if k.startswith(("POSTMARK_", "MAILGUN_", "MANDRILL_", "SENDGRID_"))
)
_SYMPTOM = (
    "invitation and password-reset mails are not sent (the log says only 'Failed to send e-mail')"
)


# -- helpers ------------------------------------------------------------------------------


def _place(instance: AppInstance, setting: Setting | None) -> str:
    """``.env:7`` for the line a person edits; ``not set`` without one."""
    if setting is None or setting.blame is None:
        return "not set"
    location = setting.blame
    base = instance.project.project_dir if instance.project else instance.path.parent
    relative = os.path.relpath(location.path, base)
    shown = location.path.name if relative.startswith("..") else relative
    return f"{shown}:{location.line}"


def _shown(setting: Setting) -> str:
    """``KEY=value`` in a message; a secret by its shape only."""
    text = setting.value or ""
    if is_secret_key(setting.key, _SECRET_KEYS):
        return f"{setting.key} {shape(text)}"
    return f"{setting.key}={text}" if text else f"{setting.key} (empty)"


def _at(cfg: Config, key: str) -> Setting | None:
    """Where ``key`` is written, also when it is listed but unset (``- SMTP_HOST_ADDR``)."""
    return cfg.settings.get(key)


def _relay_plan(cfg: Config) -> SmtpPlan | None:
    """The SMTP plan when the adapter in effect talks SMTP to a relay, else ``None``."""
    chosen = adapter(cfg).value
    if chosen not in (MUA, SMTP_ADAPTER) or not known_adapter(chosen, cfg.version):
        return None
    plan = smtp_plan(cfg, chosen)
    return None if plan.host.value is None and chosen == MUA else plan


def _adapter_phrase(cfg: Config) -> str:
    """``MAILER_ADAPTER=Bamboo.Mua (.env:3)`` or ``Bamboo.Mua (v3.2.0's default)``."""
    chosen = adapter(cfg)
    if chosen.setting is not None:
        return f"MAILER_ADAPTER={chosen.value}"
    return f"{chosen.value} ({cfg.version_text}'s default adapter)"


def _is_ip(host: str) -> bool:
    return ip_address(host.strip("[]")) is not None


def _local_host(host: str | None) -> bool:
    """A host no recipient can reach: ``localhost``, an IP address, a name without a dot."""
    if not host:
        return True
    host = host.lower()
    return host in _LOCAL_HOSTS or _is_ip(host) or "." not in host


def _sends(cfg: Config) -> bool:
    """Whether the adapter in effect sends mail at all (known, not Local/Test)."""
    chosen = adapter(cfg).value
    return known_adapter(chosen, cfg.version) and chosen not in NO_MAIL_ADAPTERS


def _project_names(instance: AppInstance) -> set[str]:
    """Every name Docker's DNS resolves inside the project (services, hostnames, aliases)."""
    from mail_lint.yamlsource import YMap, YScalar, YSeq

    if instance.project is None:
        return set()
    names: set[str] = set()
    for name, service in instance.project.services.items():
        names.add(name.lower())
        for key in ("container_name", "hostname"):
            found = service.node.get(key)
            if isinstance(found, YScalar) and found.value:
                names.add(found.value.lower())
        networks = service.node.get("networks")
        if isinstance(networks, YMap):
            for _, net in networks.items:
                aliases = net.get("aliases") if isinstance(net, YMap) else None
                if isinstance(aliases, YSeq):
                    names.update(
                        a.value.lower() for a in aliases.items if isinstance(a, YScalar) and a.value
                    )
    return names


def _relay_services(instance: AppInstance) -> dict[str, Location]:
    """Services of the project running the old bundled relay image (``bytemark/smtp``)."""
    if instance.project is None:
        return {}
    found: dict[str, Location] = {}
    for name, service in instance.project.services.items():
        if service.image is None or not service.image.value:
            continue
        if _RELAY_IMAGE in ImageRef.parse(service.image.value).names:
            found[name] = service.location
    return found


# -- the adapter ----------------------------------------------------------------------------


@rule("PLA001", "unknown-mailer-adapter", severity=Severity.ERROR, app=APP)
def unknown_mailer_adapter(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports a `MAILER_ADAPTER` that this Plausible version has no branch for: a misspelled or
    lower-case name, an empty value, or `Bamboo.Mua` on a v2.0 image.

    ## Why is this bad?
    `config/runtime.exs` matches the text exactly (`case mailer_adapter do "Bamboo.Mua" -> …`)
    and ends with `_ -> raise ArgumentError, "Unknown mailer_adapter: …"`: Plausible does not
    start. v2.0 has no `Bamboo.Mua` branch (it was added in v2.1, PR #3654) and raises
    "Unknown mailer_adapter; expected SMTPAdapter or PostmarkAdapter".

    ## Example
    ```dotenv
    MAILER_ADAPTER=mua
    ```

    Use instead:
    ```dotenv
    MAILER_ADAPTER=Bamboo.Mua
    ```

    ## References
    - plausible/analytics `config/runtime.exs` @ a27653cd, `case mailer_adapter do … _ ->
      raise ArgumentError, "Unknown mailer_adapter: …"`
    - plausible/analytics#3654 (adds `Bamboo.Mua`, v2.1)
    """
    cfg = config(ctx.instance)
    setting = cfg.get("MAILER_ADAPTER")
    if setting is None or setting.value is None or known_adapter(setting.value, cfg.version):
        return
    text = setting.value
    if text == MUA:
        yield ctx.finding(
            f"MAILER_ADAPTER=Bamboo.Mua, but Plausible {cfg.version_text} has no Mua adapter"
            " (added in v2.1): the boot stops with 'Unknown mailer_adapter' and Plausible does"
            " not start",
            at=setting,
            fix="upgrade the image to ghcr.io/plausible/community-edition:v2.1.4 or later, or"
            " use MAILER_ADAPTER=Bamboo.SMTPAdapter",
        )
        return
    guess = _adapter_guess(text, cfg)
    what = (
        "is empty (an empty value is still set)"
        if text.strip() == ""
        else "is not an adapter Plausible knows"
    )
    yield ctx.finding(
        f"MAILER_ADAPTER={text} {what}: runtime.exs matches the exact, case-sensitive name and"
        f" raises 'Unknown mailer_adapter: \"{text}\"', so Plausible does not start",
        at=setting,
        fix=f"MAILER_ADAPTER={guess}",
    )


def _adapter_guess(text: str, cfg: Config) -> str:
    bare = text.strip().strip("'\"")
    for known in KNOWN_ADAPTERS:
        if bare.lower() in (known.lower(), known.lower().removeprefix("bamboo.")):
            return known
    for known in API_ADAPTERS:
        if bare.lower() in known.lower():
            return known
    return MUA if cfg.at_least(MUA_ADAPTER) else SMTP_ADAPTER


@rule("PLA002", "api-adapter-without-key", severity=Severity.ERROR, app=APP)
def api_adapter_without_key(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports an API adapter (`Bamboo.PostmarkAdapter`, `MailgunAdapter`, `MandrillAdapter`,
    `SendGridAdapter`) without the variables it needs: `POSTMARK_API_KEY`;
    `MAILGUN_API_KEY` and `MAILGUN_DOMAIN`; `MANDRILL_API_KEY`; `SENDGRID_API_KEY`.

    ## Why is this bad?
    Plausible does not check them at start-up: it configures the adapter with `api_key: nil`
    and the provider refuses every request, so no mail is sent. The variables are passed
    through by the CE compose only when they are set in `.env`.

    ## Example
    ```dotenv
    MAILER_ADAPTER=Bamboo.MailgunAdapter
    MAILGUN_API_KEY=key-…
    ```

    Use instead:
    ```dotenv
    MAILER_ADAPTER=Bamboo.MailgunAdapter
    MAILGUN_API_KEY=key-…
    MAILGUN_DOMAIN=mg.example.com
    ```

    ## References
    - plausible/analytics `config/runtime.exs` @ a27653cd (`"Bamboo.MailgunAdapter" ->
      api_key: get_var_from_path_or_env(config_dir, "MAILGUN_API_KEY"), domain: …`)
    - plausible/docs `self-hosting-configuration.md` @ 4e541a9f ("Required")
    """
    cfg = config(ctx.instance)
    chosen = adapter(cfg)
    if chosen.value not in API_ADAPTERS:
        return
    keys, _ = API_ADAPTERS[chosen.value]
    for key in keys:
        setting = cfg.get(key)
        if key in cfg.hidden or (setting is not None and (setting.value or "").strip()):
            continue
        state = "empty" if setting is not None else "not set"
        yield ctx.finding(
            f"MAILER_ADAPTER={chosen.value} ({_place(ctx.instance, chosen.setting)}) but {key} is"
            f" {state}: the adapter is configured without it and the provider refuses every"
            f" request, so {_SYMPTOM}",
            at=setting if setting is not None else (_at(cfg, key) or chosen.setting),
            key=key,
            fix=f"set {key} in .env (the CE compose passes it through)",
        )


# -- TLS and port -------------------------------------------------------------------------


@rule(
    "PLA003",
    "ssl-on-starttls-port",
    severity=Severity.ERROR,
    app=APP,
    supersedes=("SMTP002",),
)
def ssl_on_starttls_port(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports `SMTP_HOST_SSL_ENABLED` set to true with a port other than 465 (587, 25, 2525),
    as several third-party guides recommend.

    ## Why is this bad?
    `SMTP_HOST_SSL_ENABLED` means implicit TLS ("SMTPS") from the first byte: Mua's `protocol:
    :ssl`, bamboo_smtp's `ssl: true`. A submission port such as 587 greets in plaintext and
    offers STARTTLS, so the TLS handshake fails and no mail is sent. Without the variable,
    Plausible uses STARTTLS whenever the server offers it.

    ## Example
    ```dotenv
    SMTP_HOST_PORT=587
    SMTP_HOST_SSL_ENABLED=true
    ```

    Use instead:
    ```dotenv
    SMTP_HOST_PORT=587
    ```

    ## References
    - plausible/analytics `config/runtime.exs` @ a27653cd (`protocol = cond do ssl_enabled ->
      :ssl; is_nil(ssl_enabled) and port == 465 -> :ssl; true -> :tcp end`)
    - plausible/analytics#4606 (Mua: support 465 port connections); community-edition#95
      (what SSL_ENABLED means)
    """
    cfg = config(ctx.instance)
    plan = _relay_plan(cfg)
    if plan is None or plan.tls.value is not TlsMode.IMPLICIT or plan.ssl.value is not True:
        return
    port = plan.port.value
    if port is None or port == 465:
        return
    ssl_s = cfg.get("SMTP_HOST_SSL_ENABLED")
    port_s = cfg.get("SMTP_HOST_PORT")
    port_where = (
        f"SMTP_HOST_PORT={port} ({_place(ctx.instance, port_s)})"
        if port_s is not None
        else f"SMTP_HOST_PORT is not set, so {plan.adapter} uses port {port}"
    )
    assert ssl_s is not None
    yield ctx.finding(
        f"SMTP_HOST_SSL_ENABLED={ssl_s.value} ({_place(ctx.instance, ssl_s)}) makes Plausible"
        f" start TLS at once (implicit TLS), but {port_where}: that port greets in plaintext"
        f" and offers STARTTLS, so the TLS handshake fails and {_SYMPTOM}",
        at=ssl_s,
        fix="remove SMTP_HOST_SSL_ENABLED (STARTTLS is used when the server offers it), or"
        " use SMTP_HOST_PORT=465",
    )


@rule(
    "PLA004",
    "no-ssl-on-implicit-tls-port",
    severity=Severity.ERROR,
    app=APP,
    supersedes=("SMTP001",),
)
def no_ssl_on_implicit_tls_port(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports port 465 without implicit TLS: `SMTP_HOST_SSL_ENABLED` false (or, with
    `Bamboo.SMTPAdapter`, unset), a v2.0 value other than the exact text `true`, or `Bamboo.Mua`
    on a version before v2.1.4, which cannot speak implicit TLS at all.

    ## Why is this bad?
    Port 465 expects a TLS handshake from the first byte, while Plausible connects in
    plaintext and waits for the server's greeting: the connection hangs until the timeout
    (Mua: 30 s, `Mua.TransportError{reason: :timeout}`), and no mail is sent.

    ## Example
    ```dotenv
    SMTP_HOST_PORT=465
    SMTP_HOST_SSL_ENABLED=false
    ```

    Use instead:
    ```dotenv
    SMTP_HOST_PORT=465
    SMTP_HOST_SSL_ENABLED=true
    ```

    ## References
    - plausible/analytics `config/runtime.exs` @ a27653cd (Mua `protocol` cond; SMTPAdapter
      `ssl: get_bool_from_path_or_env(config_dir, "SMTP_HOST_SSL_ENABLED", false)`)
    - plausible/analytics#4606 and discussion #4584 (465 did not work with Mua before it)
    - fewlinesco/bamboo_smtp `smtp_adapter.ex` (only `"true"`/`"false"` strings are read)
    """
    cfg = config(ctx.instance)
    plan = _relay_plan(cfg)
    if plan is None or plan.port.value != 465 or plan.tls.value is TlsMode.IMPLICIT:
        return
    ssl_s, port_s = cfg.get("SMTP_HOST_SSL_ENABLED"), cfg.get("SMTP_HOST_PORT")
    if "SMTP_HOST_SSL_ENABLED" in cfg.hidden:
        return
    effect = (
        "port 465 expects TLS from the first byte, while Plausible connects in plaintext and"
        f" waits for a greeting that never comes: the send times out and {_SYMPTOM}"
    )
    if plan.adapter == MUA and not cfg.at_least(MUA_SSL):
        yield ctx.finding(
            f"SMTP_HOST_PORT=465 ({_place(ctx.instance, port_s)}): the Mua adapter of Plausible"
            f" {cfg.version_text} has no implicit TLS (added in v2.1.4, PR #4606) and ignores"
            f" SMTP_HOST_SSL_ENABLED; {effect}",
            at=port_s,
            fix="SMTP_HOST_PORT=587 (STARTTLS), or upgrade to v2.1.4 or later",
        )
        return
    if ssl_s is None:
        yield ctx.finding(
            f"SMTP_HOST_PORT=465 ({_place(ctx.instance, port_s)}) with Bamboo.SMTPAdapter, whose"
            f" SMTP_HOST_SSL_ENABLED defaults to false: {effect}",
            at=port_s,
            fix="SMTP_HOST_SSL_ENABLED=true",
        )
        return
    reading = read_bool(ssl_s.value, cfg.version)
    if reading.crashes:
        return
    if reading.dropped:
        yield ctx.finding(
            f"SMTP_HOST_SSL_ENABLED={ssl_s.value} ({_place(ctx.instance, ssl_s)}) is not the exact"
            f" text 'true': Plausible {cfg.version_text} hands it to bamboo_smtp, which drops it,"
            f" so SSL stays off on SMTP_HOST_PORT=465 ({_place(ctx.instance, port_s)}); {effect}",
            at=ssl_s,
            fix="SMTP_HOST_SSL_ENABLED=true",
        )
        return
    yield ctx.finding(
        f"SMTP_HOST_SSL_ENABLED={ssl_s.value} ({_place(ctx.instance, ssl_s)}) turns implicit TLS"
        f" off, but SMTP_HOST_PORT=465 ({_place(ctx.instance, port_s)}): {effect}",
        at=ssl_s,
        fix="SMTP_HOST_SSL_ENABLED=true, or SMTP_HOST_PORT=587 without it",
    )


@rule("PLA005", "invalid-boolean", severity=Severity.ERROR, app=APP)
def invalid_boolean(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports a boolean mail variable (`SMTP_HOST_SSL_ENABLED`, `SMTP_MX_LOOKUPS_ENABLED`,
    `SMTP_MIDDLEBOX_COMP_MODE`) whose text this version rejects, including an empty value.

    ## Why is this bad?
    Since v2.1 Plausible reads booleans with `get_bool_from_path_or_env`, which raises
    `ArgumentError, "Invalid boolean value: …"` for any other text: Plausible does not start.
    v2.1.4+ accepts `1/0, t/f, true/false, y/n, yes/no, on/off` in any case (PR #4632);
    earlier v2.1 releases only `true`/`false` (`SMTP_HOST_SSL_ENABLED=1` gave a cryptic
    error, discussion #4618). An empty value counts as set and is rejected too.

    ## Example
    ```dotenv
    SMTP_HOST_SSL_ENABLED=ssl
    ```

    Use instead:
    ```dotenv
    SMTP_HOST_SSL_ENABLED=true
    ```

    ## References
    - plausible/analytics `lib/plausible/helpers/config.ex` @ 33db8713 (`parse_bool`)
    - plausible/analytics#4632 (Improve boolean environment variables reading);
      `test/plausible/config_test.exs` @ 9722056a ("raises on invalid var")
    """
    cfg = config(ctx.instance)
    if not cfg.at_least(BOOL_HELPER):
        return
    for key in _bools_read(cfg):
        setting = cfg.get(key)
        if setting is None or not read_bool(setting.value, cfg.version).crashes:
            continue
        shown = f"{key}={setting.value}" if setting.value else f"{key} is empty (still set) and"
        yield ctx.finding(
            f"{shown} is not a boolean Plausible {cfg.version_text} accepts"
            f" ({accepted_booleans(cfg.version)}): the boot stops with 'Invalid boolean value'"
            " and Plausible does not start",
            at=setting,
            fix=f"{key}=true or {key}=false, or remove it",
        )


def _bools_read(cfg: Config) -> tuple[str, ...]:
    """The booleans the branch in effect reads (Mua reads SSL only with a relay, v2.1.4+)."""
    chosen = adapter(cfg).value
    if chosen == SMTP_ADAPTER:
        return BOOL_KEYS[SMTP_ADAPTER]
    if chosen == MUA and cfg.at_least(MUA_SSL):
        relay = cfg.present("SMTP_HOST_ADDR")
        return tuple(k for k in BOOL_KEYS[MUA] if relay or k != "SMTP_HOST_SSL_ENABLED")
    return ()


@rule("PLA006", "boolean-dropped-by-v2-0", severity=Severity.WARNING, app=APP)
def boolean_dropped_by_v2_0(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports, on Plausible v2.0, `SMTP_HOST_SSL_ENABLED` or `SMTP_MX_LOOKUPS_ENABLED` with a
    text other than the exact lower-case `true` or `false` (`1`, `yes`, `True`, empty).

    ## Why is this bad?
    v2.0 passes these variables to bamboo_smtp as raw strings. bamboo_smtp only understands
    `"true"` and `"false"` and silently drops anything else, so the setting has no effect:
    `SMTP_HOST_SSL_ENABLED=1` leaves SSL off. Issue #3839: "I tried changing the
    SMTP_HOST_SSL_ENABLED to "true" and "1". Nothing was working."

    ## Example
    ```dotenv
    SMTP_HOST_SSL_ENABLED=True
    ```

    Use instead:
    ```dotenv
    SMTP_HOST_SSL_ENABLED=true
    ```

    ## References
    - plausible/analytics v2.0 `config/runtime.exs` (`ssl: get_var_from_path_or_env(config_dir,
      "SMTP_HOST_SSL_ENABLED") || false`)
    - fewlinesco/bamboo_smtp `lib/bamboo/adapters/smtp_adapter.ex` (catch-all clause drops
      unknown values); plausible/analytics#3839, #3676
    """
    cfg = config(ctx.instance)
    if cfg.at_least(BOOL_HELPER) or adapter(cfg).value != SMTP_ADAPTER:
        return
    port = smtp_plan(cfg, SMTP_ADAPTER).port.value
    for key in BOOL_KEYS[SMTP_ADAPTER]:
        setting = cfg.get(key)
        if setting is None or not read_bool(setting.value, cfg.version).dropped:
            continue
        if key == "SMTP_HOST_SSL_ENABLED" and port == 465:
            continue  # PLA004 says it with its consequence
        default = (
            "SSL stays off" if key == "SMTP_HOST_SSL_ENABLED" else "bamboo_smtp's default applies"
        )
        yield ctx.finding(
            f"{_shown(setting)} is not the exact text 'true' or 'false': Plausible v2.0 hands it"
            f" to bamboo_smtp as a string, which silently drops it, so {default}",
            at=setting,
            fix=f"{key}=true or {key}=false (lower case)",
        )


@rule("PLA007", "port-not-an-integer", severity=Severity.ERROR, app=APP)
def port_not_an_integer(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports an `SMTP_HOST_PORT` that is not a plain integer (`587 `, `"587"` kept with its
    quotes, `smtp`, empty).

    ## Why is this bad?
    With `Bamboo.Mua`, `get_int_from_path_or_env` raises "Config variable SMTP_HOST_PORT must
    be an integer" and Plausible does not start. `Bamboo.SMTPAdapter` passes the text on and
    bamboo_smtp's `String.to_integer` raises on every send. An environment value is not
    trimmed, and an empty value counts as set.

    ## Example
    ```dotenv
    SMTP_HOST_PORT="587 "
    ```

    Use instead:
    ```dotenv
    SMTP_HOST_PORT=587
    ```

    ## References
    - plausible/analytics `lib/plausible/helpers/config.ex` @ 33db8713
      (`get_int_from_path_or_env`: `{int, ""} -> int; _ -> raise "… must be an integer"`)
    - plausible/analytics `config/runtime.exs` @ a27653cd (`port: get_var_from_path_or_env(…,
      "SMTP_HOST_PORT", "25")` for SMTPAdapter)
    """
    cfg = config(ctx.instance)
    plan = _relay_plan(cfg)
    if plan is None or plan.bad_port is None:
        return
    setting = plan.bad_port
    text = (
        f"SMTP_HOST_PORT='{setting.value}'"
        if setting.value
        else "SMTP_HOST_PORT is empty (still set) and"
    )
    if plan.adapter == MUA:
        effect = (
            "the boot stops with 'Config variable SMTP_HOST_PORT must be an integer' and"
            " Plausible does not start"
        )
    else:
        effect = f"bamboo_smtp's String.to_integer raises on every send, so {_SYMPTOM}"
    yield ctx.finding(
        f"{text} is not an integer: {effect}",
        at=setting,
        fix="SMTP_HOST_PORT=587 (digits only, no quotes or spaces)",
    )


# -- auth and sender ----------------------------------------------------------------------


@rule("PLA008", "half-set-smtp-auth", severity=Severity.ERROR, app=APP)
def half_set_smtp_auth(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports `SMTP_USER_NAME` without `SMTP_USER_PWD`, or the other way round.

    ## Why is this bad?
    With `Bamboo.Mua`, current Plausible raises "Both SMTP_USER_NAME and SMTP_USER_PWD must
    be set for SMTP authentication" and does not start. With `Bamboo.SMTPAdapter`, gen_smtp
    logs in only with both, so Plausible sends without logging in and the relay refuses to
    relay. A password left out of `.env` (the CE compose passes it through only when set) is
    the usual cause.

    ## Example
    ```dotenv
    SMTP_USER_NAME=plausible@example.com
    ```

    Use instead:
    ```dotenv
    SMTP_USER_NAME=plausible@example.com
    SMTP_USER_PWD=…
    ```

    ## References
    - plausible/analytics `config/runtime.exs` @ a27653cd (`username || password -> raise
      ArgumentError, "Both SMTP_USER_NAME and SMTP_USER_PWD must be set …"`)
    """
    cfg = config(ctx.instance)
    plan = _relay_plan(cfg)
    chosen = adapter(cfg).value
    if plan is None and chosen != MUA:
        return
    if chosen not in (MUA, SMTP_ADAPTER) or not known_adapter(chosen, cfg.version):
        return
    user, pwd = cfg.present("SMTP_USER_NAME"), cfg.present("SMTP_USER_PWD")
    if user == pwd:
        return
    have, missing = (
        ("SMTP_USER_NAME", "SMTP_USER_PWD") if user else ("SMTP_USER_PWD", "SMTP_USER_NAME")
    )
    setting = cfg.get(have)
    if chosen == MUA:
        effect = (
            "Plausible raises 'Both SMTP_USER_NAME and SMTP_USER_PWD must be set for SMTP"
            " authentication' and does not start"
        )
        if not cfg.at_least(MUA_SSL):
            effect = f"the Mua adapter gets an incomplete login and {_SYMPTOM}"
    else:
        effect = f"gen_smtp logs in only with both, so the relay refuses to relay and {_SYMPTOM}"
    yield ctx.finding(
        f"{have} is set ({_place(ctx.instance, setting)}) but {missing} is not: {effect}",
        at=setting,
        key=missing,
        fix=f"set {missing} in .env too, or remove {have}",
    )


@rule(
    "PLA009",
    "undeliverable-default-sender",
    severity=Severity.WARNING,
    app=APP,
    supersedes=("SMTP015",),
)
def undeliverable_default_sender(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports an unset `MAILER_EMAIL` when the version's default sender cannot be delivered:
    `hello@plausible.local` before v2.1.3, or `plausible@<BASE_URL host>` when that host is
    `localhost`, an IP address or a name without a dot.

    ## Why is this bad?
    Relays refuse or rewrite a sender domain the account does not own, and receiving servers
    reject mail from `.local` or IP domains (no SPF, no DKIM). With `Bamboo.Mua` the sender's
    domain is also the EHLO name, so a `localhost` domain gets the connection refused by
    many servers. In #5346, setting `MAILER_EMAIL` to the SMTP user fixed delivery.

    ## Example
    ```dotenv
    BASE_URL=http://192.168.1.20:8000
    ```

    Use instead:
    ```dotenv
    BASE_URL=http://192.168.1.20:8000
    MAILER_EMAIL=plausible@example.com
    ```

    ## References
    - plausible/analytics `config/runtime.exs` @ a27653cd (`"MAILER_EMAIL",
      "plausible@#{base_url.host}"`); v2.0 (`"hello@plausible.local"`); PR #4538
    - ruslandoga/mua `lib/mua.ex` (`[_, sender_hostname] = String.split(sender, "@")`)
    - plausible/analytics#5346, #4840
    """
    cfg = config(ctx.instance)
    if cfg.present("MAILER_EMAIL") or not _sends(cfg):
        return
    if cfg.at_least(MUA_DEFAULT):
        host = base_host(cfg)
        if host is None or not _local_host(host):
            return
        why = f"its domain '{host}' (the BASE_URL host) is not a mail domain"
    else:
        why = "'.local' is not a public mail domain"
    sender = default_sender(cfg)
    yield ctx.finding(
        f"MAILER_EMAIL is not set, so Plausible {cfg.version_text} sends from {sender}: {why},"
        " so relays refuse or rewrite it and recipients' servers reject or junk the mail",
        at=_at(cfg, "MAILER_EMAIL"),
        key="MAILER_EMAIL",
        fix="MAILER_EMAIL=plausible@<a domain you send mail for> (the relay's login address)",
    )


@rule(
    "PLA010",
    "malformed-mailer-email",
    severity=Severity.ERROR,
    app=APP,
    supersedes=("SMTP021",),
)
def malformed_mailer_email(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports a `MAILER_EMAIL` that is not a bare address with exactly one `@`: no `@`, two, or
    a display-name form such as `Plausible <plausible@example.com>`.

    ## Why is this bad?
    Mua splits the sender at `@` (`[_, sender_hostname] = String.split(sender, "@")`) for its
    EHLO name: without exactly one `@` every send crashes with a `MatchError`. A display name
    in `MAILER_EMAIL` becomes part of the envelope sender and the EHLO name (`example.com>`),
    which servers reject. Plausible has `MAILER_NAME` for the display name.

    ## Example
    ```dotenv
    MAILER_EMAIL=Plausible <plausible@example.com>
    ```

    Use instead:
    ```dotenv
    MAILER_EMAIL=plausible@example.com
    MAILER_NAME=Plausible
    ```

    ## References
    - ruslandoga/mua `lib/mua.ex` (`easy_send`)
    - plausible/analytics `config/runtime.exs` @ a27653cd (`MAILER_NAME` →
      `{mailer_name, mailer_email}`; PR #2937)
    """
    cfg = config(ctx.instance)
    setting = cfg.get("MAILER_EMAIL")
    if setting is None or setting.value is None or not _sends(cfg):
        return
    text = setting.value
    if text.count("@") == 1 and not any(c in text for c in '<> \t"') and text.strip():
        return
    if "<" in text or ">" in text:
        why = (
            "a display name belongs in MAILER_NAME: the whole text becomes the envelope sender"
            " and the EHLO name, which servers reject"
        )
        fix = "MAILER_EMAIL=<address only> and MAILER_NAME=<display name>"
    elif text.count("@") != 1:
        why = (
            f"it has {text.count('@')} '@' signs, so Mua's split of the sender fails"
            " (MatchError) and every send crashes"
        )
        fix = "MAILER_EMAIL=plausible@<your mail domain>"
    else:
        why = "it contains spaces or quotes, which are sent as part of the address"
        fix = "MAILER_EMAIL=plausible@<your mail domain> (no quotes or spaces)"
    yield ctx.finding(f"MAILER_EMAIL='{text}' is not a bare address: {why}", at=setting, fix=fix)


# -- Compose and the CE layout --------------------------------------------------------------


@rule("PLA011", "variable-not-passed-to-container", severity=Severity.WARNING, app=APP)
def variable_not_passed_to_container(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports a mail variable set in the project `.env` that the Plausible service's
    `environment:` never passes into the container (for example `SMTP_MIDDLEBOX_COMP_MODE`,
    `SMTP_RETRIES` or `SMTP_MX_LOOKUPS_ENABLED` with the CE `compose.yml`).

    ## Why is this bad?
    Compose reads the project `.env` only to fill in `${…}` in the compose file and bare
    `- NAME` entries. The CE `compose.yml` (v2.1.3+) forwards only the variables it lists,
    so anything else in `.env` never reaches Plausible, silently.

    ## Example
    ```dotenv
    # .env
    SMTP_MIDDLEBOX_COMP_MODE=true
    ```

    Use instead:
    ```yaml
    # compose.override.yml
    services:
      plausible:
        environment:
          - SMTP_MIDDLEBOX_COMP_MODE
    ```

    ## References
    - plausible/community-edition `compose.yml` @ 285eb87, 3f0adbb, 7ba2a0e (the `environment:`
      list)
    - compose-spec/compose-go#654 (a bare `- NAME` takes the value from `.env` or stays unset)
    """
    instance = ctx.instance
    project = instance.project
    if project is None:
        return
    used = {loc for s in instance.environment.values() for loc in s.origin}
    env_files = {ref.path for ref in instance.service.env_files} if instance.service else set()
    for key, setting in project.variables.items():
        if key not in _MAIL_KEYS or setting.kind is not SourceKind.PROJECT_DOTENV:
            continue
        if key in instance.environment or setting.location in used:
            continue
        if setting.location is not None and setting.location.path in env_files:
            continue
        yield ctx.finding(
            f"{key} is set in .env ({_place(instance, setting)}), but the"
            f" '{instance.service_name}' service's environment does not list it: Compose uses"
            " .env only to fill in the compose file, so Plausible never sees it",
            at=setting.key_location or setting.location,
            key=key,
            fix=f"add '- {key}' to the {instance.service_name} service's environment"
            " (in compose.override.yml for the CE compose.yml)",
        )


@rule("PLA012", "mx-lookups-inverted", severity=Severity.WARNING, app=APP)
def mx_lookups_inverted(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports `SMTP_MX_LOOKUPS_ENABLED` set to false with `Bamboo.SMTPAdapter`.

    ## Why is this bad?
    The name says the opposite of what it does: Plausible passes it as
    `no_mx_lookups: SMTP_MX_LOOKUPS_ENABLED`, so `false` turns MX lookups *on*. bamboo_smtp
    then looks up the MX records of `SMTP_HOST_ADDR` and connects to them instead of the
    relay, which times out or reaches an unrelated server (compare #4343).

    ## Example
    ```dotenv
    SMTP_MX_LOOKUPS_ENABLED=false
    ```

    Use instead:
    ```dotenv
    # leave SMTP_MX_LOOKUPS_ENABLED unset: Plausible connects to SMTP_HOST_ADDR itself
    ```

    ## References
    - plausible/analytics `config/runtime.exs` @ a27653cd (`no_mx_lookups:
      get_bool_from_path_or_env(config_dir, "SMTP_MX_LOOKUPS_ENABLED", true)`)
    """
    cfg = config(ctx.instance)
    if adapter(cfg).value != SMTP_ADAPTER:
        return
    setting = cfg.get("SMTP_MX_LOOKUPS_ENABLED")
    if setting is None or read_bool(setting.value, cfg.version).value is not False:
        return
    host = smtp_plan(cfg, SMTP_ADAPTER).host.value
    yield ctx.finding(
        f"SMTP_MX_LOOKUPS_ENABLED={setting.value} does the opposite of its name: Plausible passes"
        " it as no_mx_lookups, so false turns MX lookups on, and bamboo_smtp connects to the MX"
        f" hosts of '{host}' instead of the relay itself",
        at=setting,
        fix="remove SMTP_MX_LOOKUPS_ENABLED",
    )


@rule("PLA013", "stale-mail-relay-service", severity=Severity.INFO, app=APP)
def stale_mail_relay_service(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports a `bytemark/smtp` relay service (the `mail` service of the v2.0 compose) that the
    Plausible service does not send through.

    ## Why is this bad?
    Since v2.1.3 Plausible defaults to `Bamboo.Mua`, which never connects to `mail`; the
    relay is dead weight, and its empty logs mislead anyone debugging mail. In CE #186 the
    maintainer answered: "bytemark/smtp is no longer used in the default configuration."

    ## Example
    ```yaml
    services:
      mail:
        image: bytemark/smtp
      plausible:
        image: ghcr.io/plausible/community-edition:v2.1.4
    ```

    Use instead:
    ```yaml
    services:
      plausible:
        image: ghcr.io/plausible/community-edition:v2.1.4
        # SMTP_HOST_ADDR etc. in .env
    ```

    ## References
    - plausible/community-edition#186; `compose.yml` @ 285eb87 (no `mail` service)
    """
    cfg = config(ctx.instance)
    relays = _relay_services(ctx.instance)
    if not relays or not _sends(cfg):
        return
    plan = _relay_plan(cfg)
    host = (plan.host.value or "").lower() if plan is not None else ""
    for name, location in relays.items():
        if name.lower() == host:
            continue
        how = (
            f"sends through {host} ({_adapter_phrase(cfg)})"
            if plan is not None
            else f"uses {_adapter_phrase(cfg)}, which does not connect to it"
        )
        yield ctx.finding(
            f"service '{name}' (bytemark/smtp) is a leftover relay: Plausible {how}, so it"
            " carries no mail",
            at=location,
            key="SMTP_HOST_ADDR",
            fix=f"remove the '{name}' service (and its depends_on entry)",
        )


@rule("PLA014", "direct-delivery", severity=Severity.WARNING, app=APP)
def direct_delivery(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports mail delivered straight from the server to each recipient's domain: `Bamboo.Mua`
    (the default since v2.1.3) without `SMTP_HOST_ADDR`, or the v2.0 bundled `bytemark/smtp`
    relay without `RELAY_HOST`.

    ## Why is this bad?
    Direct delivery needs outbound port 25, which most cloud and home providers block, and
    a sender domain with SPF, DKIM and a matching reverse DNS; without them receiving
    servers reject the mail or file it as spam. Mua's direct mode also fails for mails with
    recipients on several domains (`MultihostError`).

    ## Example
    ```dotenv
    BASE_URL=https://plausible.example.com
    SECRET_KEY_BASE=…
    ```

    Use instead:
    ```dotenv
    SMTP_HOST_ADDR=smtp.example.com
    SMTP_HOST_PORT=587
    SMTP_USER_NAME=plausible@example.com
    SMTP_USER_PWD=…
    MAILER_EMAIL=plausible@example.com
    ```

    ## References
    - plausible/analytics `config/runtime.exs` @ a27653cd (`if relay = … "SMTP_HOST_ADDR"`);
      `test/plausible/config_test.exs` @ 9722056a ("defaults to Bamboo.Mua")
    - ruslandoga/bamboo_mua `lib/bamboo_mua.ex` (`Enum.group_by(&host/1)` without a relay)
    - plausible/community-edition PR #70 `smtp/README.md` (bytemark/smtp "sends email out
      directly" without RELAY_HOST)
    """
    cfg = config(ctx.instance)
    if not _sends(cfg):
        return
    chosen = adapter(cfg)
    if chosen.value == MUA and not cfg.present("SMTP_HOST_ADDR"):
        yield ctx.finding(
            f"SMTP_HOST_ADDR is not set, so {_adapter_phrase(cfg)} has no relay and sends each"
            " mail straight to the recipient's domain on port 25: blocked by most hosting"
            " providers, and rejected or junked without SPF/DKIM and reverse DNS for the"
            " sender domain",
            at=_at(cfg, "SMTP_HOST_ADDR"),
            key="SMTP_HOST_ADDR",
            fix="set SMTP_HOST_ADDR, SMTP_HOST_PORT, SMTP_USER_NAME and SMTP_USER_PWD to your"
            " mail provider's SMTP relay in .env",
        )
        return
    plan = _relay_plan(cfg)
    if plan is None or plan.adapter != SMTP_ADAPTER:
        return
    host = (plan.host.value or "").lower()
    relays = _relay_services(ctx.instance)
    if host not in relays or ctx.instance.project is None:
        return
    relay = ctx.instance.project.services[host]
    if relay.environment.value("RELAY_HOST"):
        return
    yield ctx.finding(
        f"Plausible sends through the bundled '{host}' relay (bytemark/smtp), which has no"
        " RELAY_HOST and so delivers each mail itself to the recipient's domain on port 25:"
        " blocked by most hosting providers, and rejected or junked without SPF/DKIM and"
        " reverse DNS",
        at=relays[host],
        key="SMTP_HOST_ADDR",
        fix="set SMTP_HOST_ADDR etc. to your mail provider's relay (or RELAY_HOST, RELAY_PORT,"
        f" RELAY_USERNAME, RELAY_PASSWORD on the '{host}' service)",
    )


# -- BASE_URL ------------------------------------------------------------------------------


@rule("PLA015", "invalid-base-url", severity=Severity.ERROR, app=APP)
def invalid_base_url(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports a `BASE_URL` that is unset, empty, or not an `http`/`https` URL (such as the
    template's `replace-me`, or `plausible.example.com` without a scheme).

    ## Why is this bad?
    Plausible refuses to start: "BASE_URL configuration option is required" or "BASE_URL
    must start with `http` or `https`". The links in every mail and the default sender are
    built from it. With the CE `compose.yml`, `BASE_URL=${BASE_URL}` is empty when `.env`
    does not set it.

    ## Example
    ```dotenv
    BASE_URL=plausible.example.com
    ```

    Use instead:
    ```dotenv
    BASE_URL=https://plausible.example.com
    ```

    ## References
    - plausible/analytics `config/runtime.exs` @ a27653cd (`if !base_url do raise …`;
      `if base_url.scheme not in ["http", "https"] do raise …`)
    """
    cfg = config(ctx.instance)
    if "BASE_URL" in cfg.hidden:
        return
    setting = cfg.get("BASE_URL")
    if setting is None or setting.value is None:
        yield ctx.finding(
            "BASE_URL is not set: Plausible raises 'BASE_URL configuration option is required'"
            " and does not start",
            at=_at(cfg, "BASE_URL"),
            key="BASE_URL",
            fix="BASE_URL=https://<the domain Plausible is served at>",
        )
        return
    text = setting.value
    try:
        scheme = urlsplit(text).scheme.lower()
    except ValueError:
        scheme = ""
    if scheme in ("http", "https"):
        return
    if text:
        shown = f"BASE_URL={text} is not an http(s) URL"
    elif setting.missing:
        shown = f"BASE_URL is empty (${', $'.join(setting.missing)} is not defined in .env)"
    else:
        shown = "BASE_URL is empty"
    yield ctx.finding(
        f"{shown}: Plausible raises 'BASE_URL must start with"
        " `http` or `https`' and does not start",
        at=setting,
        fix="BASE_URL=https://<the domain Plausible is served at>",
    )


@rule("PLA016", "local-base-url", severity=Severity.WARNING, app=APP)
def local_base_url(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports a `BASE_URL` whose host is `localhost`, an IP address, or a name without a dot.

    ## Why is this bad?
    Plausible builds the links in invitation, password-reset and report mails from
    `BASE_URL`: recipients get links to their own machine or to an address they cannot
    reach, and an invitation (the only way to join with the CE default
    `DISABLE_REGISTRATION=invite_only`) cannot be accepted. Since v2.1.3 the host is also
    the default sender domain.

    ## Example
    ```dotenv
    BASE_URL=http://localhost:8000
    ```

    Use instead:
    ```dotenv
    BASE_URL=https://plausible.example.com
    ```

    ## References
    - plausible/analytics `lib/plausible_web/email.ex` @ f621e589 (links from
      `PlausibleWeb.Endpoint.url()`); `config/runtime.exs` @ a27653cd (`url: [host:
      base_url.host, …]`); CHANGELOG v2.1.4 (#4616, `invite_only`)
    """
    cfg = config(ctx.instance)
    setting = cfg.get("BASE_URL")
    if setting is None or not setting.value:
        return
    try:
        parts = urlsplit(setting.value)
    except ValueError:
        return
    host = parts.hostname
    if parts.scheme.lower() not in ("http", "https") or host is None or not _local_host(host):
        return
    yield ctx.finding(
        f"BASE_URL={setting.value} points at '{host}': the links in invitation and"
        " password-reset mails lead there, which recipients cannot reach, so invitations"
        " cannot be accepted",
        at=setting,
        fix="BASE_URL=https://<the public domain Plausible is served at>",
    )


# -- variables the adapter never reads ----------------------------------------------------


@rule("PLA017", "variable-ignored-by-adapter", severity=Severity.INFO, app=APP)
def variable_ignored_by_adapter(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports mail variables the adapter in effect never reads: `SMTP_*` with an API adapter,
    API keys with an SMTP adapter, `SMTP_RETRIES`/`SMTP_MX_LOOKUPS_ENABLED` with `Bamboo.Mua`,
    `SMTP_MIDDLEBOX_COMP_MODE` with `Bamboo.SMTPAdapter`, `SMTP_HOST_PORT` and
    `SMTP_HOST_SSL_ENABLED` with Mua but no `SMTP_HOST_ADDR`, and `SMTP_HOST_SSL_ENABLED`
    with Mua before v2.1.4.

    ## Why is this bad?
    The setting has no effect, which usually means the configuration does not do what its
    author thinks, for example relay settings left behind while Plausible uses an API.

    ## Example
    ```dotenv
    MAILER_ADAPTER=Bamboo.PostmarkAdapter
    SMTP_HOST_ADDR=smtp.example.com
    ```

    Use instead:
    ```dotenv
    MAILER_ADAPTER=Bamboo.PostmarkAdapter
    POSTMARK_API_KEY=…
    ```

    ## References
    - plausible/analytics `config/runtime.exs` @ a27653cd (`case mailer_adapter` branches)
    """
    cfg = config(ctx.instance)
    chosen = adapter(cfg).value
    if not _sends(cfg):
        return
    for key, why in _ignored(cfg, chosen).items():
        setting = cfg.get(key)
        if setting is None:
            continue
        yield ctx.finding(
            f"{key} is set ({_place(ctx.instance, setting)}) but {why}, so it has no effect",
            at=setting,
            fix=f"remove {key}, or choose the adapter that reads it",
        )


def _ignored(cfg: Config, chosen: str) -> dict[str, str]:
    """Key → why the adapter in effect does not read it."""
    phrase = _adapter_phrase(cfg)
    if chosen in API_ADAPTERS:
        own = API_ADAPTERS[chosen][0][0].split("_", 1)[0] + "_"
        keys = [*_SMTP_KEYS, *(k for k in _API_KEYS if not k.startswith(own))]
        return {k: f"{phrase} sends through an HTTP API" for k in keys}
    out = {k: f"{phrase} sends over SMTP, not an API" for k in _API_KEYS}
    if chosen == SMTP_ADAPTER:
        out["SMTP_MIDDLEBOX_COMP_MODE"] = f"only Bamboo.Mua reads it, not {phrase}"
        return out
    for key in ("SMTP_RETRIES", "SMTP_MX_LOOKUPS_ENABLED"):
        out[key] = f"only Bamboo.SMTPAdapter reads it, not {phrase}"
    if not cfg.present("SMTP_HOST_ADDR"):
        for key in ("SMTP_HOST_PORT", "SMTP_HOST_SSL_ENABLED"):
            out[key] = f"{phrase} reads it only when SMTP_HOST_ADDR is set"
    elif not cfg.at_least(MUA_SSL):
        out["SMTP_HOST_SSL_ENABLED"] = (
            f"the Mua adapter of Plausible {cfg.version_text} has no implicit TLS (v2.1.4 added it)"
        )
    return out


# -- relay pitfalls -------------------------------------------------------------------------


@rule("PLA018", "mua-relay-mx-lookup", severity=Severity.WARNING, app=APP)
def mua_relay_mx_lookup(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports `Bamboo.Mua` with `SMTP_HOST_ADDR` on v2.1.0 and v2.1.1.

    ## Why is this bad?
    In those releases Mua looked up the MX record of the relay host and connected to that
    instead of the relay itself; a relay domain with its own MX (such as an Amazon SES
    feedback host) made every send time out (`Mua.TransportError{reason: :timeout}`).
    Fixed in v2.1.2 (bamboo_mua 0.2.1, "no mx lookup when relay is used").

    ## Example
    ```yaml
    image: ghcr.io/plausible/community-edition:v2.1.1
    ```

    Use instead:
    ```yaml
    image: ghcr.io/plausible/community-edition:v2.1.4
    ```

    ## References
    - plausible/analytics#4343, #4350 (CHANGELOG v2.1.2); ruslandoga/bamboo_mua commit 997b564
    """
    cfg = config(ctx.instance)
    if cfg.assumed or not (MUA_ADAPTER <= cfg.version < MUA_RELAY_NO_MX):
        return
    plan = _relay_plan(cfg)
    if plan is None or plan.adapter != MUA:
        return
    host_s = cfg.get("SMTP_HOST_ADDR")
    yield ctx.finding(
        f"Plausible {cfg.version_text}'s Mua adapter looks up the MX record of"
        f" SMTP_HOST_ADDR={plan.host.value} and connects there instead of the relay: when"
        " that domain has its own MX, every send times out (#4343, fixed in v2.1.2)",
        at=host_s or ctx.instance.image,
        fix="upgrade the image to v2.1.2 or later",
    )


@rule("PLA019", "relay-port-25-with-login", severity=Severity.WARNING, app=APP)
def relay_port_25_with_login(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports a relay with a login (`SMTP_USER_NAME`/`SMTP_USER_PWD`) on port 25, including
    the default port of `Bamboo.SMTPAdapter` and of Mua before v2.1.4.

    ## Why is this bad?
    Port 25 is for server-to-server delivery: providers expect authenticated submission on
    587 (STARTTLS) or 465 (implicit TLS), many refuse `AUTH` on 25, and cloud hosts block
    outbound port 25. In #4840 the maintainer pointed out exactly this ("you are using a
    relay but send to port 25 … that wouldn't work for someone on, say, Gmail").

    ## Example
    ```dotenv
    SMTP_HOST_ADDR=smtp.example.com
    SMTP_HOST_PORT=25
    SMTP_USER_NAME=plausible@example.com
    ```

    Use instead:
    ```dotenv
    SMTP_HOST_ADDR=smtp.example.com
    SMTP_HOST_PORT=587
    SMTP_USER_NAME=plausible@example.com
    ```

    ## References
    - plausible/analytics#4840; plausible/analytics#4606 (Mua default port 25 → 587)
    """
    cfg = config(ctx.instance)
    plan = _relay_plan(cfg)
    if plan is None or plan.port.value != 25 or not plan.auth.value:
        return
    port_s = cfg.get("SMTP_HOST_PORT")
    where = (
        f"SMTP_HOST_PORT=25 ({_place(ctx.instance, port_s)})"
        if port_s is not None
        else f"SMTP_HOST_PORT is not set and {plan.adapter} on {cfg.version_text} uses port 25"
    )
    yield ctx.finding(
        f"{where} with a login to {plan.host.value}: port 25 is for server-to-server mail;"
        " providers expect a login on 587 or 465, many refuse it on 25, and cloud hosts block"
        " outbound port 25",
        at=port_s or cfg.get("SMTP_HOST_ADDR"),
        key="SMTP_HOST_PORT",
        fix="SMTP_HOST_PORT=587",
    )


@rule("PLA020", "legacy-smtp-adapter", severity=Severity.WARNING, app=APP)
def legacy_smtp_adapter(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports `Bamboo.SMTPAdapter` with an external relay on v2.1 or later, where `Bamboo.Mua`
    is available.

    ## Why is this bad?
    Plausible configures bamboo_smtp with TLS 1.0 to 1.2 only and without CA certificates. On
    current Erlang/OTP the STARTTLS or SSL handshake then fails with `{:options,
    :incompatible, [verify: :verify_peer, cacerts: :undefined]}` (#3839) or `{:error,
    :closed}` (#5346, OVH on 587); switching to `Bamboo.Mua` fixed it. Mua was added to fix
    exactly these "SSL issues with bamboo_smtp".

    ## Example
    ```dotenv
    MAILER_ADAPTER=Bamboo.SMTPAdapter
    SMTP_HOST_ADDR=ssl0.ovh.net
    SMTP_HOST_PORT=587
    ```

    Use instead:
    ```dotenv
    MAILER_ADAPTER=Bamboo.Mua
    SMTP_HOST_ADDR=ssl0.ovh.net
    SMTP_HOST_PORT=587
    ```

    ## References
    - plausible/analytics#3839, #5346; PR #3654 ("SSL issues with bamboo_smtp")
    - fewlinesco/bamboo_smtp PR #223 (OTP 26 needs tls_options)
    """
    cfg = config(ctx.instance)
    if not cfg.at_least(MUA_ADAPTER) or adapter(cfg).value != SMTP_ADAPTER:
        return
    host_s = cfg.get("SMTP_HOST_ADDR")
    if host_s is None or not host_s.value:
        return
    if host_s.value.lower() in _project_names(ctx.instance):
        return
    chosen = adapter(cfg).setting
    yield ctx.finding(
        f"MAILER_ADAPTER=Bamboo.SMTPAdapter ({_place(ctx.instance, chosen)}) with the external"
        f" relay {host_s.value}: bamboo_smtp gets no CA certificates and no TLS 1.3 from"
        " Plausible, and its TLS handshake fails on current images ({:options, :incompatible,"
        " …} or {:error, :closed}), so mails are not sent",
        at=chosen or host_s,
        fix="MAILER_ADAPTER=Bamboo.Mua (same SMTP_* variables)",
    )


@rule("PLA021", "default-relay-host-missing", severity=Severity.ERROR, app=APP)
def default_relay_host_missing(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports `Bamboo.SMTPAdapter` (explicit, or the default before v2.1.3) without
    `SMTP_HOST_ADDR` in a project that has no service called `mail`.

    ## Why is this bad?
    SMTPAdapter's relay host defaults to `mail`, the bundled `bytemark/smtp` service of the
    v2.0 compose. Without that service the name does not resolve and every send fails.

    ## Example
    ```dotenv
    MAILER_ADAPTER=Bamboo.SMTPAdapter
    ```

    Use instead:
    ```dotenv
    MAILER_ADAPTER=Bamboo.SMTPAdapter
    SMTP_HOST_ADDR=smtp.example.com
    ```

    ## References
    - plausible/analytics `config/runtime.exs` @ a27653cd (`server:
      get_var_from_path_or_env(config_dir, "SMTP_HOST_ADDR", "mail")`)
    """
    cfg = config(ctx.instance)
    if adapter(cfg).value != SMTP_ADAPTER or cfg.present("SMTP_HOST_ADDR"):
        return
    if ctx.instance.project is None or "mail" in _project_names(ctx.instance):
        return
    yield ctx.finding(
        f"SMTP_HOST_ADDR is not set, so {_adapter_phrase(cfg)} sends to the host 'mail', but"
        f" the project has no service of that name: the name does not resolve and {_SYMPTOM}",
        at=_at(cfg, "SMTP_HOST_ADDR") or adapter(cfg).setting,
        key="SMTP_HOST_ADDR",
        fix="SMTP_HOST_ADDR=<your mail provider's SMTP host>",
    )


@rule(
    "PLA022",
    "relay-certificate-unverifiable",
    severity=Severity.INFO,
    app=APP,
    supersedes=("SMTP006",),
)
def relay_certificate_unverifiable(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports `Bamboo.Mua` sending to a relay given as an IP address, `host.docker.internal` or a
    name without a dot (a container or host alias).

    ## Why is this bad?
    Mua verifies the relay's certificate against `SMTP_HOST_ADDR` whenever TLS is used
    (implicit, or STARTTLS when offered). Such relays rarely have a certificate for that name,
    and Plausible has no variable to turn the check off, so every send fails the handshake.
    The maintainer on PR #4289: "The error means your relay presents an invalid certificate."

    ## Example
    ```dotenv
    SMTP_HOST_ADDR=172.17.0.1
    ```

    Use instead:
    ```dotenv
    SMTP_HOST_ADDR=mail.example.com   # the name on the relay's certificate
    ```

    ## References
    - ruslandoga/mua `lib/mua/ssl.ex` (`verify: :verify_peer`, hostname check)
    - plausible/analytics PR #4289
    """
    cfg = config(ctx.instance)
    plan = _relay_plan(cfg)
    if plan is None or plan.adapter != MUA or not plan.host.value:
        return
    host = plan.host.value.strip().lower()
    if host in _LOCAL_HOSTS:
        return  # core's container-local host rule
    if not (_is_ip(host) or host == "host.docker.internal" or "." not in host):
        return
    yield ctx.finding(
        f"SMTP_HOST_ADDR={plan.host.value}: Mua checks that the relay's certificate names this"
        " host whenever TLS is used, and Plausible has no option to skip the check; a"
        " self-signed or mismatched certificate fails every send",
        at=cfg.get("SMTP_HOST_ADDR"),
        fix="use the host name on the relay's certificate",
    )


@rule(
    "PLA023",
    "sender-not-owned-by-login",
    severity=Severity.WARNING,
    app=APP,
    supersedes=("SMTP022",),
)
def sender_not_owned_by_login(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports a sender (`MAILER_EMAIL`, or its default) on a different domain than an
    address-shaped `SMTP_USER_NAME`, for providers that tie the sender to the login.

    Those are the mailbox providers (Gmail / Google Workspace, Microsoft 365, Outlook.com, Zoho,
    Fastmail, iCloud), Mailgun (whose SMTP login belongs to one sending domain) and relays
    mail-lint does not know. A subdomain or parent domain of the login's domain is fine;
    for Mailgun, any domain that aligns with it as DMARC compares them (the same
    organisational domain: `mg.example.org` and `analytics.example.org`).

    Providers whose login is an account name rather than a mailbox (Brevo's
    `…@smtp-brevo.com`, SendGrid's `apikey`, Resend, SES access keys, Postmark tokens,
    Mailjet keys) check a verified sender or domain instead, which the variables cannot
    show: not reported.

    ## Why is this bad?
    Mailbox providers and most self-run relays only let an account send from its own
    address or domain and refuse or rewrite any other sender. In #5346 and #4840 the fix
    was `MAILER_EMAIL` equal to the SMTP user. Mailgun signs the mail for the login's
    domain, so a sender on another domain fails DMARC alignment and receivers that
    enforce it reject or junk the mail.

    ## Example
    ```dotenv
    SMTP_HOST_ADDR=smtp.office365.com
    SMTP_USER_NAME=mailer@example.com
    MAILER_EMAIL=plausible@analytics.example.org
    ```

    Use instead:
    ```dotenv
    SMTP_HOST_ADDR=smtp.office365.com
    SMTP_USER_NAME=mailer@example.com
    MAILER_EMAIL=mailer@example.com
    ```

    ## References
    - plausible/analytics#5346, #4840
    - Zoho Mail SMTP help ("The email address should match the email address/ aliases of
      the account", quoted in reference B.11); mailbox providers: reference B.9-B.13
    - [Mailgun SMTP](https://documentation.mailgun.com/docs/mailgun/user-manual/sending-messages/send-smtp)
      (credentials "are set and managed on a per-domain basis"); reference B.4
    - [Brevo SMTP keys](https://help.brevo.com/hc/en-us/articles/7959631848850-Create-and-manage-your-SMTP-keys)
      ("SMTP Login: a unique email address that acts as a username"); SendGrid, SES,
      Postmark, Resend, Mailjet sender verification: reference B.1-B.8
    """
    cfg = config(ctx.instance)
    plan = _relay_plan(cfg)
    user = cfg.text("SMTP_USER_NAME")
    if plan is None or not plan.auth.value or not user or user.count("@") != 1:
        return
    provider = provider_for(plan.host.value)
    if provider is not None and not (provider.sender_owned or provider.login_domain_bound):
        return  # an account login (Brevo, SES, Postmark...): the provider checks the sender
    email_s = cfg.get("MAILER_EMAIL")
    email = email_s.value if email_s is not None and email_s.value else default_sender(cfg)
    if email.count("@") != 1 or any(c in email for c in '<> \t"'):
        return  # PLA010
    login_domain = user.rsplit("@", 1)[1].lower()
    local, domain = email.rsplit("@", 1)
    domain = domain.lower()
    if provider is not None and not provider.sender_owned:
        # Mailgun: DMARC's relaxed alignment (mg.example.org signs for analytics.example.org).
        related = organisational_domain(domain) == organisational_domain(login_domain)
    else:
        related = (
            domain == login_domain
            or domain.endswith("." + login_domain)
            or login_domain.endswith("." + domain)
        )
    if related:
        return
    what = f"MAILER_EMAIL={email}" if email_s is not None else f"the default sender {email}"
    if provider is None:
        why = "most relays refuse or rewrite a sender the account does not own"
        fix = f"MAILER_EMAIL={user}"
    elif provider.sender_owned:
        why = (
            f"{provider.title} only sends as the mailbox that logged in and its aliases, and"
            " refuses or rewrites any other sender"
        )
        fix = f"MAILER_EMAIL={user}"
    else:
        why = (
            f"{provider.title} SMTP credentials belong to that one sending domain and sign the"
            " mail for it, so the sender fails DMARC alignment and receivers that enforce it"
            " reject or junk the mail"
        )
        fix = f"MAILER_EMAIL={local}@{login_domain}"
    yield ctx.finding(
        f"{what} is not on the domain of SMTP_USER_NAME={user}: {why}",
        at=email_s or _at(cfg, "MAILER_EMAIL") or cfg.get("SMTP_USER_NAME"),
        key="MAILER_EMAIL",
        fix=fix,
    )


RULES = (
    unknown_mailer_adapter,
    api_adapter_without_key,
    ssl_on_starttls_port,
    no_ssl_on_implicit_tls_port,
    invalid_boolean,
    boolean_dropped_by_v2_0,
    port_not_an_integer,
    half_set_smtp_auth,
    undeliverable_default_sender,
    malformed_mailer_email,
    variable_not_passed_to_container,
    mx_lookups_inverted,
    stale_mail_relay_service,
    direct_delivery,
    invalid_base_url,
    local_base_url,
    variable_ignored_by_adapter,
    mua_relay_mx_lookup,
    relay_port_25_with_login,
    legacy_smtp_adapter,
    default_relay_host_missing,
    relay_certificate_unverifiable,
    sender_not_owned_by_login,
)
