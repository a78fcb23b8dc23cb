"""Core's generic SMTP rules (prefix ``SMTP``): every pitfall that does not depend on the app.

Transport rules judge each :class:`~mail_lint.Transport` a plugin builds (its fields remember
the app's own settings, so findings name the app's keys at their file and line); instance
rules judge the settings as Compose and the app's dotenv reader leave them (interpolation
damage, key typos). An app rule that says the same thing in the app's own terms lists the
generic code in its ``supersedes=``, so a user never sees one pitfall twice.

Facts: ``shared/reference/apps-wgdashboard-providers.md`` Parts B and C (providers, ports,
client behaviour on mismatches) and ``compose-semantics-and-peer-linters.md`` B.3, B.4, B.9
(interpolation damage). Secrets are only ever shown by their shape.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from mail_lint.addresses import address_of, ip_address
from mail_lint.instance import AppInstance
from mail_lint.model import Location, Setting, SourceKind
from mail_lint.providers import (
    IMPLICIT_TLS_PORTS,
    PLAINTEXT_START_PORTS,
    Provider,
    catcher_name,
    provider_for,
)
from mail_lint.rules import Finding, RuleContext, Scope, Severity, rule
from mail_lint.secrets import is_secret_key, shape
from mail_lint.transport import Field, TlsMode, Transport, TransportKind

# -- what each app's mail library does on a TLS/port mismatch (reference C.3) ----------------

#: app -> (plaintext to an implicit-TLS port, implicit TLS to a plaintext port)
_SYMPTOMS: dict[str, tuple[str, str]] = {
    "docmost": (
        "nodemailer waits for a greeting that never comes and every mail fails after 30 s"
        " with 'Greeting never received' (ETIMEDOUT)",
        "nodemailer's TLS handshake reads the plaintext greeting and every mail fails at once"
        " with 'wrong version number' (ESOCKET)",
    ),
    "wgdashboard": (
        "smtplib waits for the greeting with no timeout: the send hangs and the panel stops"
        " responding",
        "smtplib.SMTP_SSL fails at once with '[SSL: WRONG_VERSION_NUMBER] wrong version number'",
    ),
    "bookstack": (
        "Symfony Mailer waits for the greeting until the socket timeout (60 s) and the send fails",
        "Symfony Mailer fails at once with 'SSL routines::wrong version number'",
    ),
    "plausible": (
        "the mailer waits for the greeting until its timeout (Mua: 30 s, 'timeout'; gen_smtp:"
        " up to 20 minutes) and the mail is lost",
        "the TLS handshake reads the plaintext greeting and every mail fails at once",
    ),
    "listmonk": (
        "Go's SMTP client waits for the greeting until the timeout (or gets EOF) and the send"
        " fails",
        "the TLS handshake fails at once ('tls: first record does not look like a TLS handshake')",
    ),
}
_DEFAULT_SYMPTOMS = (
    "the client waits for a greeting that never comes: each send hangs until a timeout",
    "the TLS handshake reads the plaintext greeting: each send fails at once with 'wrong"
    " version number'",
)
_STARTTLS_MODES = (TlsMode.STARTTLS_REQUIRED, TlsMode.STARTTLS_OPPORTUNISTIC)
_LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})

# -- placeholders copied from documentation ---------------------------------------------------

_PLACEHOLDER_HOSTS = frozenset(
    {
        "your.smtp.com",
        "smtp.example.com",
        "mail.example.com",
        "smtp.domain.com",
        "mail.domain.com",
        "smtp.domain.tld",
        "smtp.server.com",
        "smtp.provider.com",
        "smtp.host.com",
        "smtp.mailserver.com",
    }
)
#: Defaults and examples of the apps' own docs (reference: BookStack, Docmost, Plausible,
#: Listmonk, WGDashboard sections).
_PLACEHOLDER_ADDRESSES = frozenset(
    {
        "user@domain.com",
        "your@email.com",
        "you@domain.com",
        "your-email@gmail.com",
        "your_email@gmail.com",
        "youremail@gmail.com",
        "mail@bookstackapp.com",
        "hello@plausible.local",
        "noreply@listmonk.yoursite.com",
        "example@qq.com",
        "noreply@yourdomain.tld",
        "bookstack@example.com",
        "hello@example.com",
        "user@example.com",
        "you@example.com",
        "email@example.com",
        "noreply@example.com",
        "admin@example.com",
    }
)
_PLACEHOLDER_SECRETS = frozenset(
    {
        "password",
        "your_password",
        "yourpassword",
        "your-password",
        "changeme",
        "change_me",
        "change-me",
        "secret",
        "your_api_key",
        "your-api-key",
        "yourapikey",
        "your_api_token",
        "api_key",
        "smtp_password",
        "mypassword",
        "xxx",
        "xxxx",
        "xxxxxx",
        "xxxxxxxx",
        "********",
        "your_smtp_password",
        "app_password",
        "your_app_password",
    }
)
_PLACEHOLDER_USERS = frozenset(
    {
        "username",
        "your_username",
        "your-username",
        "yourusername",
        "smtp_username",
        "smtp_user",
        "user",
        "changeme",
    }
)
#: Domains that stand for "your domain" in docs (placeholders whatever the mailbox).
_PLACEHOLDER_DOMAINS = ("domain.com", "domain.tld", "yourdomain.com", "yoursite.com")
#: RFC 2606 / RFC 6761 reserved names: not a real site (for "looks like production").
_RESERVED_TLDS = ("example", "test", "invalid", "localhost", "local")
_RESERVED_DOMAINS = ("example.com", "example.org", "example.net")

# -- helpers -----------------------------------------------------------------------------------


def _is_mail(transport: Transport | None) -> bool:
    """Whether the transport is an SMTP connection the rules can judge."""
    return transport is not None and transport.kind.value is TransportKind.SMTP


def _host(transport: Transport) -> str:
    """The host, lower-case, without brackets or a trailing dot (``""`` when unset)."""
    return (transport.host.value or "").strip().strip("[]").rstrip(".").lower()


def _is_ip(host: str) -> bool:
    return ip_address(host) is not None


def _is_loopback(host: str) -> bool:
    if host in _LOOPBACK_NAMES:
        return True
    address = ip_address(host)
    return address is not None and address.is_loopback


def _is_local(host: str) -> bool:
    """Loopback, the Docker host, or a single-label name (a service on the same network)."""
    return _is_loopback(host) or host == "host.docker.internal" or "." not in host


def _relative(ctx: RuleContext, location: Location) -> str:
    instance = ctx.instance
    base = instance.project.project_dir if instance.project else instance.path.parent
    shown = os.path.relpath(location.path, base)
    return Path(location.path).name if shown.startswith("..") else Path(shown).as_posix()


def _where(ctx: RuleContext, setting: Setting | None) -> str:
    """``docker-compose.yml:7`` (the line to change), ``not set`` without one."""
    if setting is None or setting.blame is None:
        return "not set"
    return f"{_relative(ctx, setting.blame)}:{setting.blame.line}"


def _label(setting: Setting) -> str:
    """The key as the user writes it: ``SMTP_PORT``, ``[Email] port``."""
    section, dot, key = setting.key.partition(".")
    if dot and setting.kind is SourceKind.SETTINGS_FILE:
        return f"[{section}] {key}"
    return setting.key


def _secret(ctx: RuleContext, key: str) -> bool:
    return is_secret_key(key, ctx.instance.app.secret_keys)


def _shown(ctx: RuleContext, setting: Setting) -> str:
    """``SMTP_PORT=465``, a secret (or an API key pasted as user name) by its shape, an
    unset key as ``(unset)``."""
    if setting.value is None:
        return f"{_label(setting)} (unset)"
    if _secret(ctx, setting.key) or _key_like(setting.value):
        return f"{_label(setting)} {shape(setting.value)}"
    return f"{_label(setting)}={setting.value}"


def _named(ctx: RuleContext, field: Field[object]) -> str:
    """Each setting behind a field, with its place: ``SMTP_PORT=465 (.env:4)``."""
    parts = [f"{_shown(ctx, s)} ({_where(ctx, s)})" for s in field.settings]
    return ", ".join(dict.fromkeys(parts)) or "no setting (the app's default)"


def _written_host(transport: Transport) -> bool:
    """Whether the host is written in a setting (not an empty key the app replaces by its
    default ``localhost``)."""
    return any(s.value and s.value.strip() for s in transport.host.settings)


def _first(*fields: Field[object]) -> Setting | None:
    """The first setting with a place among the fields: where the finding points."""
    for field in fields:
        for setting in field.settings:
            if setting.blame is not None:
                return setting
    return None


def _key_like(text: str) -> bool:
    """An API key or token: ``SG.…``, ``re_…``, or 20+ characters of one word with digits
    (people paste the API key into the user name)."""
    if text.startswith(("SG.", "re_")):
        return True
    return (
        len(text) >= 20
        and not any(c in text for c in "@. /:")
        and any(c.isdigit() for c in text)
        and any(c.isalpha() for c in text)
    )


def _user_text(user: str) -> str:
    """A user name for a message: as is, or by its shape when it looks like a key."""
    return shape(user) if _key_like(user) else repr(user)


def _address(sender: str) -> str:
    """The address of ``Name <addr>`` or ``addr``."""
    return address_of(sender) or sender.strip()


def _domain(address: str) -> str:
    return address.rpartition("@")[2].strip().strip(">").lower()


def _reserved(domain: str) -> bool:
    """A domain that cannot be a real site (RFC 2606/6761) or a docs stand-in."""
    domain = domain.rstrip(".").lower()
    if domain.split(".")[-1] in _RESERVED_TLDS or _placeholder_domain(domain):
        return True
    return any(domain == d or domain.endswith("." + d) for d in _RESERVED_DOMAINS)


def _placeholder_domain(domain: str) -> bool:
    """``domain.com``, ``yoursite.com``, ``listmonk.yoursite.com``: "your domain" in docs."""
    labels = domain.rstrip(".").lower().split(".")
    return any(label.startswith("your") for label in labels) or any(
        domain == d or domain.endswith("." + d) for d in _PLACEHOLDER_DOMAINS
    )


def _title(ctx: RuleContext) -> str:
    return ctx.instance.app.title


def _in_own_network(instance: AppInstance) -> bool:
    """A compose service with its own network namespace (not ``host``, not shared with a
    sidecar through ``service:``/``container:``)."""
    if instance.service is None:
        return False
    from mail_lint.yamlsource import YScalar

    mode = instance.service.node.get("network_mode")
    text = (mode.value or "").strip() if isinstance(mode, YScalar) else ""
    return not (text == "host" or text.startswith(("service:", "container:")))


# -- TLS mode against port ---------------------------------------------------------------------


def _implicit_ports(provider: Provider | None) -> frozenset[int]:
    return IMPLICIT_TLS_PORTS | (provider.implicit_ports if provider else frozenset())


def _not_offered(provider: Provider | None, port: int) -> bool:
    return provider is not None and provider.ports_complete and port not in provider.ports


@rule("SMTP001", "plaintext-to-implicit-tls-port", severity=Severity.ERROR, scope=Scope.TRANSPORT)
def plaintext_to_implicit_tls_port(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports a connection that starts in plaintext (plain SMTP or STARTTLS) to a port that
    speaks TLS from the first byte: 465 everywhere, 2465 and 8465, and 443 for SMTP2GO.

    ## Why is this bad?
    The server waits for a TLS handshake while the client waits for the `220` greeting, so
    nothing happens until a timeout: nodemailer fails after 30 s with `Greeting never
    received`, Python's smtplib without a timeout blocks forever, Symfony waits 60 s,
    gen_smtp up to 20 minutes. No mail is sent, and often nothing useful is logged.

    ## Example
    ```yaml
    environment:
      SMTP_HOST: smtp.resend.com
      SMTP_PORT: 465
      SMTP_SECURE: "false"
    ```

    Use instead:
    ```yaml
    environment:
      SMTP_HOST: smtp.resend.com
      SMTP_PORT: 465
      SMTP_SECURE: "true"
    ```

    ## References
    - [RFC 8314](https://www.rfc-editor.org/rfc/rfc8314) §3.3 and §7.3 (port 465, implicit TLS)
    - Resend, Amazon SES, Scaleway (2465) and SMTP2GO (8465, 443) SMTP docs
    - nodemailer `lib/smtp-connection/index.js` (`GREETING_TIMEOUT`), CPython `smtplib`
      (reference C.3)
    """
    transport = ctx.transport
    if not _is_mail(transport):
        return
    assert transport is not None
    port, tls = transport.port.value, transport.tls.value
    if port is None or tls not in (TlsMode.PLAINTEXT, *_STARTTLS_MODES):
        return
    provider = provider_for(_host(transport))
    if port not in _implicit_ports(provider) or _not_offered(provider, port):
        return
    if port == 443 and (provider is None or 443 not in provider.implicit_ports):
        return
    how = "in plaintext" if tls is TlsMode.PLAINTEXT else "in plaintext, for STARTTLS"
    hang = _SYMPTOMS.get(transport.app, _DEFAULT_SYMPTOMS)[0]
    tls_keys = _named(ctx, transport.tls) if transport.tls.settings else "its settings"
    yield ctx.finding(
        f"port {port} ({_named(ctx, transport.port)}) expects TLS from the first byte, but"
        f" {tls_keys} make {_title(ctx)} connect {how}: {hang}",
        at=_first(transport.port, transport.tls),
        key=None if _first(transport.port, transport.tls) else "port",
        fix="turn on implicit TLS (SSL) for this port, or use port 587 with STARTTLS",
    )


@rule("SMTP002", "implicit-tls-to-starttls-port", severity=Severity.ERROR, scope=Scope.TRANSPORT)
def implicit_tls_to_starttls_port(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports implicit TLS ("SSL", SMTPS) to a port whose server first speaks plaintext: 25,
    587, 2525, 2587, 8025, 1025, and a provider's own plaintext ports (SMTP2GO's 80).

    ## Why is this bad?
    The client sends a TLS ClientHello and reads the server's plaintext `220` greeting as a
    TLS record: every send fails at once with `wrong version number` (OpenSSL
    `ssl3_get_record`). STARTTLS on these ports already encrypts the connection.

    ## Example
    ```ini
    [Email]
    port = 587
    encryption = IMPLICITTLS
    ```

    Use instead:
    ```ini
    [Email]
    port = 587
    encryption = STARTTLS
    ```

    ## References
    - [RFC 8314](https://www.rfc-editor.org/rfc/rfc8314) §3.3 (STARTTLS on 587 vs TLS on 465)
    - symfony/symfony#34846, nodemailer `secure: true` on 587 (reference C.3)
    """
    transport = ctx.transport
    if not _is_mail(transport):
        return
    assert transport is not None
    port = transport.port.value
    if port is None or transport.tls.value is not TlsMode.IMPLICIT:
        return
    provider = provider_for(_host(transport))
    plain = PLAINTEXT_START_PORTS | (provider.starttls_ports if provider else frozenset())
    if port not in plain or port in _implicit_ports(provider):
        return
    fail = _SYMPTOMS.get(transport.app, _DEFAULT_SYMPTOMS)[1]
    yield ctx.finding(
        f"{_named(ctx, transport.tls)} make {_title(ctx)} start TLS at once, but port {port}"
        f" ({_named(ctx, transport.port)}) expects a plaintext greeting and STARTTLS: {fail}",
        at=_first(transport.tls, transport.port),
        fix="use STARTTLS on this port (or implicit TLS on port 465)",
    )


@rule("SMTP003", "port-not-offered-by-provider", severity=Severity.ERROR, scope=Scope.TRANSPORT)
def port_not_offered_by_provider(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports a port that the SMTP provider of the host does not listen on, such as 465 for
    Postmark, which has no implicit-TLS port at all.

    ## Why is this bad?
    Nothing answers on that port: the connection times out ("Calls using 465 result in a
    timeout, as if there is no service listening there"), so no mail is sent.

    ## Example
    ```dotenv
    SMTP_HOST=smtp.postmarkapp.com
    SMTP_PORT=465
    ```

    Use instead:
    ```dotenv
    SMTP_HOST=smtp.postmarkapp.com
    SMTP_PORT=587
    ```

    ## References
    - [Postmark SMTP details](https://postmarkapp.com/support/article/811-what-are-the-smtp-details-credentials-i-should-be-using)
      ("Ports — 25, 2525, or 587"); umputun/remark42#1359
    - The provider table of mail-lint (`mail_lint.providers`), reference Part B
    """
    transport = ctx.transport
    if not _is_mail(transport):
        return
    assert transport is not None
    port = transport.port.value
    provider = provider_for(_host(transport))
    if port is None or provider is None or not _not_offered(provider, port):
        return
    implicit = ", ".join(map(str, sorted(provider.implicit_ports))) or "none"
    plain = ", ".join(map(str, sorted(provider.starttls_ports)))
    yield ctx.finding(
        f"{provider.title} does not listen on port {port} ({_named(ctx, transport.port)}):"
        f" it offers implicit TLS on {implicit} and STARTTLS on {plain}, so the connection"
        f" times out and no mail is sent (see {provider.docs})",
        at=_first(transport.port),
        key=None if _first(transport.port) else "port",
        fix="use port 587 with STARTTLS"
        + ("" if not provider.implicit_ports else f" (or {implicit} with implicit TLS)"),
    )


# -- credentials and certificates -----------------------------------------------------------


@rule("SMTP004", "credentials-over-plaintext", severity=Severity.WARNING, scope=Scope.TRANSPORT)
def credentials_over_plaintext(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports a login (user name and password) over a connection that is never encrypted, to
    a host that is not on the same machine or Compose network.

    ## Why is this bad?
    The password crosses the network in clear text (AUTH PLAIN/LOGIN is only base64). Most
    submission servers also refuse to authenticate before TLS (RFC 4954), Amazon SES and
    Scaleway refuse any unencrypted connection, and Go's `PlainAuth` refuses to send the
    password (`unencrypted connection`), so the login usually fails too.

    ## Example
    ```dotenv
    SMTP_HOST=smtp.example-provider.net
    SMTP_IGNORETLS=true
    SMTP_PASSWORD=...
    ```

    Use instead:
    ```dotenv
    SMTP_HOST=smtp.example-provider.net
    SMTP_IGNORETLS=false
    SMTP_PASSWORD=...
    ```

    ## References
    - [RFC 8314](https://www.rfc-editor.org/rfc/rfc8314) ("Cleartext Considered Obsolete")
    - RFC 4954 §4; Amazon SES
      [smtp-connect](https://docs.aws.amazon.com/ses/latest/dg/smtp-connect.html); Go
      `net/smtp/auth.go` (reference C.1, C.3)
    """
    transport = ctx.transport
    if not _is_mail(transport):
        return
    assert transport is not None
    host = _host(transport)
    if transport.tls.value is not TlsMode.PLAINTEXT or not transport.auth.value:
        return
    if not transport.password.value or not host or _is_local(host):
        return
    provider = provider_for(host)
    refused = (
        f"; {provider.title} refuses unencrypted connections, so the login fails too"
        if provider is not None and provider.tls_required
        else "; most providers refuse to log in before TLS"
    )
    yield ctx.finding(
        f"{_title(ctx)} logs in to {host} over an unencrypted connection"
        f" ({_named(ctx, transport.tls)}): the password"
        f" ({_named(ctx, transport.password)}) crosses the network in clear text{refused}",
        at=_first(transport.tls, transport.password),
        fix="use STARTTLS (port 587) or implicit TLS (port 465)",
    )


@rule(
    "SMTP005", "certificate-verification-disabled", severity=Severity.WARNING, scope=Scope.TRANSPORT
)
def certificate_verification_disabled(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports a setting that turns off verification of the SMTP server's certificate.

    ## Why is this bad?
    TLS without verification encrypts, but to anyone on the path: a machine in the middle
    presents its own certificate, reads the password and every mail. It is usually set to
    silence a certificate-name error that has a real fix (the right host name, or trusting
    the relay's CA).

    ## Example
    ```dotenv
    MAIL_HOST=smtp.example-provider.net
    MAIL_VERIFY_SSL=false
    ```

    Use instead:
    ```dotenv
    MAIL_HOST=smtp.example-provider.net
    MAIL_VERIFY_SSL=true
    ```

    ## References
    - [RFC 8314](https://www.rfc-editor.org/rfc/rfc8314) §4.1 (certificate validation)
    - BookStack #4234 (`MAIL_VERIFY_SSL`), CPython `smtplib.starttls()` (reference C.3)
    """
    transport = ctx.transport
    if not _is_mail(transport):
        return
    assert transport is not None
    verify = transport.verify_certificate
    if verify.value is not False or transport.tls.value is TlsMode.PLAINTEXT:
        return
    # Only a setting of its own: an app that never verifies is the app's rule to report.
    tls_keys = {s.key for s in transport.tls.settings}
    own = [s for s in verify.settings if s.key not in tls_keys]
    if not own:
        return
    yield ctx.finding(
        f"{_named(ctx, Field(False, tuple(own)))} turns off certificate verification for"
        f" {_host(transport) or 'the SMTP server'}: the connection is encrypted to whoever"
        " answers, so a machine in the middle can read the password and every mail",
        at=own[0],
        fix="turn verification back on and use the host name on the server's certificate",
    )


@rule("SMTP006", "certificate-name-cannot-match", severity=Severity.WARNING, scope=Scope.TRANSPORT)
def certificate_name_cannot_match(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports TLS with certificate verification to an SMTP host given as an IP address,
    `localhost` or `host.docker.internal`.

    ## Why is this bad?
    A server's certificate names its public host name; it almost never names an IP address,
    `localhost` or Docker's alias for the host. Verification then fails
    (`CERTIFICATE_VERIFY_FAILED`, `Hostname/IP does not match certificate's altnames`) and
    every mail with it, often only once the relay starts offering STARTTLS.

    ## Example
    ```dotenv
    MAIL_HOST=host.docker.internal
    MAIL_PORT=587
    ```

    Use instead:
    ```dotenv
    MAIL_HOST=mail.example-company.net   # the name on the relay's certificate
    MAIL_PORT=587
    ```

    ## References
    - [RFC 6125](https://www.rfc-editor.org/rfc/rfc6125) (service identity in certificates)
    - docmost/docmost#1262, BookStack #4234 and #4897 (reference, apps sections)
    """
    transport = ctx.transport
    if not _is_mail(transport):
        return
    assert transport is not None
    host = _host(transport)
    tls = transport.tls.value
    if not host or transport.verify_certificate.value is not True:
        return
    if not _written_host(transport) or tls not in (TlsMode.IMPLICIT, *_STARTTLS_MODES):
        return
    if _is_loopback(host) and _in_own_network(ctx.instance):
        return  # SMTP007: nothing listens there at all
    if not (_is_ip(host) or _is_loopback(host) or host == "host.docker.internal"):
        return
    what = "an IP address" if _is_ip(host) else f"'{host}'"
    when = "if the server offers STARTTLS, " if tls is TlsMode.STARTTLS_OPPORTUNISTIC else ""
    yield ctx.finding(
        f"the SMTP host is {what} ({_named(ctx, transport.host)}) and {_title(ctx)} verifies"
        f" the certificate: {when}the certificate must name {host!r}, which a real"
        " certificate almost never does, so every mail fails certificate verification",
        at=_first(transport.host),
        fix="use the host name on the server's certificate",
    )


@rule("SMTP007", "container-local-smtp-host", severity=Severity.ERROR, scope=Scope.TRANSPORT)
def container_local_smtp_host(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports `localhost`, `127.0.0.1` or `::1` as the SMTP host of an app that runs in a
    Compose service with its own network (no `network_mode: host`, no
    `network_mode: service:…` sidecar).

    ## Why is this bad?
    Inside a container, `localhost` is the container itself, not the Docker host and not
    another service. Nothing listens on the SMTP port there, so every send fails with
    `connection refused` (`ECONNREFUSED`, `[Errno 111]`).

    ## Example
    ```yaml
    services:
      app:
        environment:
          SMTP_HOST: localhost
    ```

    Use instead:
    ```yaml
    services:
      app:
        environment:
          SMTP_HOST: postfix        # the relay's service name
    ```

    ## References
    - [Compose networking](https://docs.docker.com/compose/how-tos/networking/)
    - [`network_mode`](https://docs.docker.com/reference/compose-file/services/#network_mode)
    - reference C.4 (local/container host names), B.14 (Proton Bridge on loopback)
    """
    transport = ctx.transport
    if not _is_mail(transport) or not _in_own_network(ctx.instance):
        return
    assert transport is not None
    host = _host(transport)
    if not _is_loopback(host) or not _written_host(transport):
        return  # an unset host is the app's "mail not configured" rule
    service = ctx.instance.service_name
    source = _named(ctx, transport.host)
    yield ctx.finding(
        f"the SMTP host is {host!r} ({source}), but {_title(ctx)} runs in the Compose service"
        f" '{service}' with its own network: there {host!r} is the container itself, so every"
        " send fails with 'connection refused'",
        at=_first(transport.host),
        fix="use the relay's service name, or host.docker.internal (with extra_hosts:"
        ' "host.docker.internal:host-gateway") for a relay on the Docker host',
    )


# -- providers ------------------------------------------------------------------------------


@rule("SMTP008", "provider-fixed-username", severity=Severity.ERROR, scope=Scope.TRANSPORT)
def provider_fixed_username(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Checks the SMTP user name of providers that require a fixed literal: `resend` for
    Resend, `apikey` for SendGrid, `api` for Mailtrap sending.

    ## Why is this bad?
    These providers take the API key as the password and a constant as the user name. An
    address, the account name or the API key itself as user name fails the login
    (`535 Authentication failed`), so no mail is sent.

    ## Example
    ```dotenv
    SMTP_HOST=smtp.sendgrid.net
    SMTP_USERNAME=me@example-company.net
    ```

    Use instead:
    ```dotenv
    SMTP_HOST=smtp.sendgrid.net
    SMTP_USERNAME=apikey
    ```

    ## References
    - [Resend SMTP](https://resend.com/docs/send-with-smtp) ("Username: `resend`")
    - [SendGrid SMTP](https://www.twilio.com/docs/sendgrid/for-developers/sending-email/integrating-with-the-smtp-api)
      ("the exact string "apikey"")
    - [Mailtrap SMTP](https://docs.mailtrap.io/email-api-smtp/setup/smtp-integration)
      (`MAIL_USERNAME=api`)
    """
    transport = ctx.transport
    if not _is_mail(transport):
        return
    assert transport is not None
    provider = provider_for(_host(transport))
    if provider is None or provider.fixed_username is None:
        return
    user = transport.username.value
    wanted = provider.fixed_username
    if user == wanted:
        return
    if user:
        state = f"is {_user_text(user)} ({_named(ctx, transport.username)})"
    elif transport.username.settings:
        state = f"is empty ({_named(ctx, transport.username)})"
    else:
        state = "is not set"
    yield ctx.finding(
        f"{provider.title}'s SMTP user name is the literal '{wanted}' (the API key is the"
        f" password), but the user name {state}: the login fails and no mail is sent",
        at=_first(transport.username, transport.host),
        key=None if _first(transport.username) else "username",
        fix=f"set the SMTP user name to {wanted} and the API key as the password",
    )


@rule("SMTP009", "provider-login-not-an-address", severity=Severity.ERROR, scope=Scope.TRANSPORT)
def provider_login_not_an_address(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Checks that the SMTP user name is a full e-mail address for providers that log in with
    one: Mailgun (the domain's SMTP credential, `postmaster@mg.example.com`), Gmail and
    Google Workspace, Microsoft 365, Outlook.com, Zoho, Fastmail, iCloud, Brevo.

    ## Why is this bad?
    A bare name (`postmaster`, `john`) is another account or none: the server answers
    `535 Authentication failed` / `Username and Password not accepted`.

    ## Example
    ```dotenv
    SMTP_HOST=smtp.mailgun.org
    SMTP_USERNAME=postmaster
    ```

    Use instead:
    ```dotenv
    SMTP_HOST=smtp.mailgun.org
    SMTP_USERNAME=postmaster@mg.example-company.net
    ```

    ## References
    - [Mailgun SMTP](https://documentation.mailgun.com/docs/mailgun/user-manual/smtp-protocol/)
      ("Use a full address … as a login for SMTP")
    - [Google Workspace SMTP](https://support.google.com/a/answer/176600) (full address);
      reference B.9-B.13
    """
    transport = ctx.transport
    if not _is_mail(transport):
        return
    assert transport is not None
    provider = provider_for(_host(transport))
    user = transport.username.value
    if provider is None or not provider.username_is_address or not user or "@" in user:
        return
    if not transport.auth.value:
        return
    yield ctx.finding(
        f"{provider.title} logs in with a full e-mail address, but the SMTP user name is"
        f" {_user_text(user)} ({_named(ctx, transport.username)}): the login fails with"
        " '535 Authentication failed' and no mail is sent",
        at=_first(transport.username),
        fix=f"use the full address of the {provider.title} mailbox or SMTP credential",
    )


@rule("SMTP010", "ses-credential-shape", severity=Severity.WARNING, scope=Scope.TRANSPORT)
def ses_credential_shape(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Checks the shape of Amazon SES SMTP credentials: the user name is the SMTP IAM user's
    access key ID (`AKIA…`, 20 characters), and the password is the derived SES SMTP
    password (44 characters), not the 40-character IAM secret access key.

    ## Why is this bad?
    The SES SMTP password is computed from the secret key and is different for each
    region; the IAM secret key itself, an e-mail address or the console login are refused
    with `535 Authentication Credentials Invalid`.

    ## Example
    ```dotenv
    SMTP_HOST=email-smtp.eu-west-1.amazonaws.com
    SMTP_USERNAME=ops@example-company.net
    ```

    Use instead:
    ```dotenv
    SMTP_HOST=email-smtp.eu-west-1.amazonaws.com
    SMTP_USERNAME=AKIA...          # from "Create SMTP credentials"
    ```

    ## References
    - [Amazon SES SMTP credentials](https://docs.aws.amazon.com/ses/latest/dg/smtp-credentials.html)
      ("The SMTP password is different from your AWS secret access key")
    - reference B.6 (the 44-character shape is a heuristic)
    """
    transport = ctx.transport
    if not _is_mail(transport):
        return
    assert transport is not None
    provider = provider_for(_host(transport))
    if provider is None or provider.name != "ses":
        return
    user, password = transport.username.value, transport.password.value
    if user and not (len(user) == 20 and user.isalnum() and user.isupper()):
        yield ctx.finding(
            f"the SES SMTP user name is {_user_text(user)} ({_named(ctx, transport.username)}),"
            " not an access key ID ('AKIA…', 20 characters): SES refuses the login",
            at=_first(transport.username),
            fix="use the SMTP user name shown by SES 'Create SMTP credentials'",
        )
    if password and len(password) == 40:
        yield ctx.finding(
            f"the SES SMTP password ({_named(ctx, transport.password)}) has the shape of an IAM"
            " secret access key (40 characters), not of a derived SES SMTP password"
            " (44 characters): SES refuses the login",
            at=_first(transport.password),
            fix="use the SMTP password shown by SES 'Create SMTP credentials' (per region)",
        )


@rule("SMTP011", "outlook-personal-basic-auth", severity=Severity.ERROR, scope=Scope.TRANSPORT)
def outlook_personal_basic_auth(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports password login to Outlook.com (Hotmail, Live, MSN) personal accounts.

    ## Why is this bad?
    Microsoft removed Basic Authentication, SMTP included, from personal Outlook.com
    accounts on 16 September 2024: only OAuth 2.0 works, and self-hosted apps log in with a
    password. Every login is refused, so no mail is sent.

    ## Example
    ```ini
    [Email]
    server = smtp-mail.outlook.com
    username = me@outlook.com
    ```

    Use instead:
    ```ini
    [Email]
    server = smtp.example-provider.net   # a relay that accepts passwords or API keys
    username = ...
    ```

    ## References
    - [Outlook.com POP, IMAP and SMTP settings](https://support.microsoft.com/en-us/office/pop-imap-and-smtp-settings-for-outlook-com-d088b986-291d-42b8-9564-9c414e2aa040)
    - reference B.10
    """
    transport = ctx.transport
    if not _is_mail(transport) or not transport or not transport.auth.value:
        return
    provider = provider_for(_host(transport))
    if provider is None or provider.basic_auth != "retired":
        return
    yield ctx.finding(
        f"{_host(transport)} ({_named(ctx, transport.host)}) is Outlook.com for personal"
        " accounts, which no longer accepts password login (Basic Authentication was removed"
        f" on 16 September 2024; OAuth only): {_title(ctx)}'s login is refused and no mail is"
        " sent",
        at=_first(transport.host),
        fix="send through a transactional provider or your domain's mail server",
    )


@rule("SMTP012", "microsoft-365-basic-auth", severity=Severity.WARNING, scope=Scope.TRANSPORT)
def microsoft_365_basic_auth(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports password login (SMTP AUTH with Basic authentication) to Microsoft 365
    (`smtp.office365.com`).

    ## Why is this bad?
    SMTP AUTH is disabled in many tenants (`535 5.7.139 … SmtpClientAuthentication is
    disabled for the Tenant`), and Microsoft is retiring Basic authentication for client
    submission: disabled by default for existing tenants at the end of December 2026,
    unavailable for new ones, final removal to be announced (`550 5.7.30 Basic
    authentication is not supported for Client Submission`).

    ## Example
    ```dotenv
    SMTP_HOST=smtp.office365.com
    SMTP_USERNAME=app@example-company.net
    ```

    Use instead:
    ```dotenv
    SMTP_HOST=smtp.example-provider.net   # or Microsoft's High Volume Email / a relay
    ```

    ## References
    - [Exchange Online to retire Basic auth for Client Submission (SMTP AUTH)](https://techcommunity.microsoft.com/blog/exchange/exchange-online-to-retire-basic-auth-for-client-submission-smtp-auth/4114750)
      (MC786329); reference B.10
    """
    transport = ctx.transport
    if not _is_mail(transport) or not transport or not transport.auth.value:
        return
    provider = provider_for(_host(transport))
    if provider is None or provider.basic_auth != "retiring":
        return
    yield ctx.finding(
        f"{_title(ctx)} logs in to Microsoft 365 ({_named(ctx, transport.host)}) with a"
        " password: SMTP AUTH is often disabled per tenant ('535 5.7.139') and Microsoft"
        " retires Basic authentication for SMTP (off by default from the end of December"
        " 2026), after which every login fails",
        at=_first(transport.host),
        fix="plan a move to a relay or transactional provider; check that SMTP AUTH is"
        " enabled for this mailbox",
    )


def _production_signal(instance: AppInstance, transport: Transport) -> str | None:
    """What makes a configuration look like production, or ``None``."""
    for key in ("APP_ENV", "NODE_ENV", "MIX_ENV", "ENVIRONMENT", "ENV"):
        setting = instance.setting(key)
        if setting is not None and (setting.value or "").lower() in ("production", "prod"):
            return f"{key}={setting.value}"
    settings = [*instance.environment.values()]
    for loaded in instance.files:
        settings += loaded.settings.values()
    for setting in settings:
        text = setting.value or ""
        if text.startswith("https://") and not is_secret_key(setting.key):
            host = text[8:].split("/", 1)[0].split(":", 1)[0].lower()
            if host and "." in host and not _reserved(host) and not _is_ip(host):
                return f"{setting.key}={text}"
    sender = transport.sender.value
    if sender:
        domain = _domain(_address(sender))
        if "." in domain and not _reserved(domain):
            return f"the sender {_address(sender)}"
    return None


@rule("SMTP013", "dev-mail-catcher-in-production", severity=Severity.WARNING, scope=Scope.TRANSPORT)
def dev_mail_catcher_in_production(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports a development mail catcher (Mailpit, MailHog, MailDev, the Mailtrap sandbox)
    as the SMTP host of a configuration that otherwise looks like production: a public
    `https://` URL, `APP_ENV=production`, or a sender on a real domain.

    ## Why is this bad?
    Catchers keep every mail in their web UI and deliver none: password resets and
    invitations never arrive, silently. MailHog and default Mailpit offer no STARTTLS and no
    AUTH either, so apps that require them fail outright.

    ## Example
    ```yaml
    environment:
      APP_URL: https://wiki.example-company.net
      MAIL_HOST: mailpit
    ```

    Use instead:
    ```yaml
    environment:
      APP_URL: https://wiki.example-company.net
      MAIL_HOST: smtp.example-provider.net
    ```

    ## References
    - [Mailpit](https://mailpit.axllent.org/) (`internal/smtpd/smtpd.go`), MailHog
      `MailHog-Server`, Mailtrap [Email Testing](https://docs.mailtrap.io/email-sandbox);
      reference B.17, B.18
    """
    transport = ctx.transport
    if not _is_mail(transport):
        return
    assert transport is not None
    catcher = catcher_name(_host(transport))
    if catcher is None:
        return
    signal = _production_signal(ctx.instance, transport)
    if signal is None:
        return
    yield ctx.finding(
        f"the SMTP host {_host(transport)!r} ({_named(ctx, transport.host)}) is {catcher}, a"
        f" development mail catcher that delivers nothing, but {signal} looks like production:"
        " no mail will reach anyone",
        at=_first(transport.host),
        fix="point the SMTP settings at a real relay or provider for production",
    )


# -- placeholders ---------------------------------------------------------------------------


def _placeholder_host(host: str) -> bool:
    if host in _PLACEHOLDER_HOSTS or host.startswith(("<", "{")):
        return True
    return "." in host and _placeholder_domain(host)


def _placeholder_secret(text: str) -> bool:
    low = text.strip().lower()
    return low in _PLACEHOLDER_SECRETS or low.startswith(("your_", "your-", "<", "{{"))


def _placeholder_user(text: str) -> bool:
    low = text.strip().lower()
    if low in _PLACEHOLDER_USERS or low in _PLACEHOLDER_ADDRESSES or low.startswith("<"):
        return True
    return low.startswith(("your_", "your-", "youremail")) or (
        "@" in low and _placeholder_domain(_domain(low))
    )


@rule("SMTP014", "placeholder-smtp-setting", severity=Severity.ERROR, scope=Scope.TRANSPORT)
def placeholder_smtp_setting(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports an SMTP host, user name or password left at a placeholder copied from
    documentation: `your.smtp.com`, `smtp.example.com`, a host on `domain.com` or a
    `your…` domain (`smtp.yoursite.com`), `user@domain.com`, `username`, `your_password`,
    `changeme`.

    ## Why is this bad?
    Placeholder host names do not resolve (`getaddrinfo ENOTFOUND`,
    `Name or service not known`), and placeholder credentials are refused: no mail is sent.

    ## Example
    ```dotenv
    SMTP_HOST=smtp.example.com
    SMTP_PASSWORD=your_password
    ```

    Use instead:
    ```dotenv
    SMTP_HOST=smtp.eu.mailgun.org
    SMTP_PASSWORD=${SMTP_PASSWORD}   # the real secret, kept in .env
    ```

    ## References
    - [RFC 2606](https://www.rfc-editor.org/rfc/rfc2606) and
      [RFC 6761](https://www.rfc-editor.org/rfc/rfc6761) (reserved names)
    - Listmonk's default `smtp.yoursite.com` / `username` / `password` (knadh/listmonk#133)
    """
    transport = ctx.transport
    if not _is_mail(transport):
        return
    assert transport is not None
    host = _host(transport)
    if host and _placeholder_host(host):
        yield ctx.finding(
            f"the SMTP host {host!r} ({_named(ctx, transport.host)}) is a placeholder from"
            " documentation: it does not resolve, so no mail is sent",
            at=_first(transport.host),
            fix="set your provider's SMTP host",
        )
    user = transport.username.value
    if transport.auth.value and user and _placeholder_user(user):
        yield ctx.finding(
            f"the SMTP user name {user!r} ({_named(ctx, transport.username)}) is a"
            " placeholder from documentation: the login fails",
            at=_first(transport.username),
            fix="set the user name your provider gave you",
        )
    password = transport.password.value
    if password and _placeholder_secret(password):
        yield ctx.finding(
            f"the SMTP password ({_named(ctx, transport.password)}) is a placeholder from"
            " documentation, not a real password: the login fails",
            at=_first(transport.password),
            fix="set the real password (keep it in .env, not in the compose file)",
        )


def _placeholder_sender(address: str) -> bool:
    low = address.lower()
    if low in _PLACEHOLDER_ADDRESSES or low.startswith(("your", "<")):
        return True
    return "@" in low and _placeholder_domain(_domain(low))


@rule("SMTP015", "placeholder-sender", severity=Severity.WARNING, scope=Scope.TRANSPORT)
def placeholder_sender(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports a From address left at an app's default or a documentation placeholder:
    BookStack's `bookstack@example.com` (`mail@bookstackapp.com` before v23.10), Docmost's
    `hello@example.com`, Plausible's `hello@plausible.local`, Listmonk's
    `noreply@listmonk.yoursite.com`, `user@domain.com`.

    ## Why is this bad?
    Providers only send from verified domains and mailboxes: a From on a reserved or
    foreign domain is refused (`553 Sender address rejected: not owned by user`,
    SendGrid `403 You are not authorized to send from that email address`) or lands in
    spam, failing DMARC.

    ## Example
    ```dotenv
    MAIL_FROM=bookstack@example.com
    ```

    Use instead:
    ```dotenv
    MAIL_FROM=wiki@example-company.net
    ```

    ## References
    - BookStack `app/Config/mail.php` (`MAIL_FROM` default), solidnerd/docker-bookstack#82
    - Docmost `.env.example`; Plausible `config/runtime.exs` (`MAILER_EMAIL`); Listmonk
      `schema.sql` (`app.from_email`); SendGrid SMTP errors (reference B.3, C.4)
    """
    transport = ctx.transport
    if transport is None or transport.kind.value not in (TransportKind.SMTP, TransportKind.API):
        return
    sender = transport.sender.value
    if not sender:
        return
    address = _address(sender)
    if "@" not in address or not _placeholder_sender(address):
        return
    if not transport.sender.settings and not _written_host(transport):
        return  # mail not configured at all: the app's own rule says so
    where = _named(ctx, transport.sender) if transport.sender.settings else "the app's default"
    yield ctx.finding(
        f"the From address {address!r} ({where}) is a placeholder or the app's default:"
        " providers refuse senders on domains you have not verified, or the mail lands in spam",
        at=_first(transport.sender),
        key=None if _first(transport.sender) else "sender",
        fix="set the From address to a mailbox on your own, verified domain",
    )


# -- interpolation damage -------------------------------------------------------------------


def _whole_reference(raw: str) -> bool:
    """``${NAME}`` or ``$NAME`` and nothing else (the value is that variable's text)."""
    return re.fullmatch(r"\$(?:\{[A-Za-z_][A-Za-z0-9_]*\}|[A-Za-z_][A-Za-z0-9_]*)", raw) is not None


def _damaged(setting: Setting) -> bool:
    """A value some of whose text was taken for unset variables (not a whole reference)."""
    return bool(setting.missing) and setting.raw is not None and not _whole_reference(setting.raw)


def _origin_settings(instance: AppInstance) -> dict[Location, Setting]:
    """Every definition an interpolation can draw from, by its location."""
    found: dict[Location, Setting] = {}
    pools: list[Iterable[Setting]] = [instance.environment.values()]
    if instance.project is not None:
        pools.append(instance.project.variables.values())
    for pool in pools:
        for setting in pool:
            if setting.location is not None:
                found.setdefault(setting.location, setting)
    return found


def _change(ctx: RuleContext, setting: Setting) -> str:
    got, written = setting.value or "", setting.raw or ""
    if _secret(ctx, setting.key):
        return f"gets {shape(got)} instead of the {shape(written)} written"
    return f"gets {got!r} instead of {written!r}"


@rule("SMTP016", "dollar-interpolated-by-compose", severity=Severity.WARNING)
def dollar_interpolated_by_compose(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports a value in which Docker Compose took a `$` for a variable reference that is not
    set, and removed it with the text after it: in `docker-compose.yml`, in the project
    `.env`, or in an `env_file`.

    ## Why is this bad?
    Compose interpolates unquoted and double-quoted values, and `$def` in `abc$def` is the
    unset variable `def`: the app gets `abc`, and a password cut short fails the login.
    Compose only prints a warning (`The "def" variable is not set. Defaulting to a blank
    string.`), and Compose v1 kept the text, so an upgrade silently breaks it.

    ## Example
    ```dotenv
    SMTP_PASSWORD=Tr0ub4dor&3$xyz
    ```

    Use instead:
    ```dotenv
    SMTP_PASSWORD='Tr0ub4dor&3$xyz'
    ```

    ## References
    - [Compose interpolation](https://docs.docker.com/compose/how-tos/environment-variables/variable-interpolation/)
      (`$$` for a literal `$`); compose-go `dotenv/parser.go`
    - reference compose-semantics B.3, B.9 item 1
    """
    instance = ctx.instance
    seen: set[Location | None] = set()
    pool = _origin_settings(instance)
    for setting in instance.environment.values():
        candidates = [setting] + [pool[loc] for loc in setting.origin if loc in pool]
        for candidate in candidates:
            if not _damaged(candidate) or candidate.location in seen:
                continue
            seen.add(candidate.location)
            names = ", ".join(f"${n}" for n in candidate.missing)
            via = "" if candidate.key == setting.key else f" (used by {setting.key})"
            dotenv = candidate.kind in (SourceKind.PROJECT_DOTENV, SourceKind.ENV_FILE)
            yield ctx.finding(
                f"Compose reads {names} in {candidate.key}{via} as unset variables and removes"
                f" them: the app {_change(ctx, candidate)}",
                at=candidate,
                fix=(
                    "single-quote the value ('...') or write each literal $ as $$"
                    if dotenv
                    else "write each literal $ as $$"
                ),
            )


@rule("SMTP017", "dollar-expanded-by-app-dotenv", severity=Severity.WARNING)
def dollar_expanded_by_app_dotenv(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports a value in the app's own dotenv file (BookStack's Laravel `.env`, Docmost's
    `/app/.env`) in which the app's dotenv reader replaced a `$` reference by an undefined
    variable, i.e. by nothing.

    ## Why is this bad?
    The value the app uses is not the one written: a password loses its tail and the login
    fails. Node's dotenv-expand expands `$NAME` even inside single quotes; only `\\$` keeps
    a literal dollar sign.

    ## Example
    ```dotenv
    SMTP_PASSWORD=Xy7$Tq9!
    ```

    Use instead:
    ```dotenv
    SMTP_PASSWORD=Xy7\\$Tq9!
    ```

    ## References
    - motdotla/dotenv-expand `lib/main.js`; vlucas/phpdotenv `src/Parser/Value.php`
    - reference compose-semantics B.3 (readers differ)
    """
    for loaded in ctx.instance.files:
        for setting in loaded.settings.values():
            if setting.kind is not SourceKind.APP_DOTENV or not _damaged(setting):
                continue
            names = ", ".join(f"${n}" for n in setting.missing)
            reader = loaded.spec.dialect or "dotenv"
            yield ctx.finding(
                f"the app's {reader} dotenv reader takes {names} in {setting.key} for undefined"
                f" variables and removes them: the app {_change(ctx, setting)}",
                at=setting,
                fix="escape each literal $ (\\$)",
            )


def _quoted(text: str | None) -> bool:
    return text is not None and len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'"


def _relevant(ctx: RuleContext, key: str) -> bool:
    """A key the app reads, or a mail key of any name."""
    upper = key.upper()
    return key in ctx.instance.app.keys or upper.startswith(("SMTP", "MAIL", "EMAIL"))


@rule("SMTP018", "quotes-kept-in-value", severity=Severity.ERROR)
def quotes_kept_in_value(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports a container environment value that still carries its quotes, as Compose's list
    form `- KEY="value"` (and `env_file` with `format: raw`) keeps them.

    ## Why is this bad?
    In the list form everything after `=` is the value, quotes included: the app gets
    `"587"`, `"smtp.example-provider.net"` or `"secret"` with the quotes, so the port is not
    a number, the host does not resolve and the password is wrong.

    ## Example
    ```yaml
    environment:
      - SMTP_PASSWORD="s3cret"
    ```

    Use instead:
    ```yaml
    environment:
      - SMTP_PASSWORD=s3cret
    ```

    ## References
    - [Compose `environment`](https://docs.docker.com/reference/compose-file/services/#environment)
    - docker-library/postgres#1228; reference compose-semantics B.4, B.9 item 3
    """
    if ctx.instance.app.unquotes_environment:
        return  # the app strips the quotes itself (BookStack: Laravel's Env)
    for setting in ctx.instance.environment.values():
        if setting.kind not in (SourceKind.COMPOSE, SourceKind.ENV_FILE):
            continue
        if not _quoted(setting.value) or not _relevant(ctx, setting.key):
            continue
        yield ctx.finding(
            f"{_shown(ctx, setting)}: Compose keeps the quotes of the list form"
            " '- KEY=\"value\"', so the app gets them as part of the value",
            at=setting,
            fix="drop the quotes ('- KEY=value'), or use the mapping form KEY: \"value\"",
        )


def _line(cache: dict[Path, list[str]], location: Location) -> str:
    path = location.path
    lines = cache.get(path)
    if lines is None:
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError:
            lines = []
        else:
            # As ``read_text(encoding="utf-8", errors="replace")``: its newline translation
            # changes no line that ``splitlines`` finds.
            lines = data.decode("utf-8", errors="replace").splitlines()
        cache[path] = lines
    return lines[location.line - 1] if 0 < location.line <= len(lines) else ""


def _cut_at_hash(ctx: RuleContext, setting: Setting, cache: dict[Path, list[str]]) -> bool:
    """Whether the reader stopped an unquoted value at a ``#`` that looks like data."""
    if setting.location is None or setting.raw is None or setting.value is None:
        return False
    rest = _line(cache, setting.location)[setting.location.column - 1 :]
    if not rest.startswith(setting.raw) or rest[:1] in "\"'":
        return False
    after = rest[len(setting.raw) :]
    if not after.lstrip().startswith("#") or after.lstrip()[1:2] in ("", " ", "\t", "#"):
        return False
    if after.startswith("#"):  # `a#b`: Laravel cuts at any '#'
        return True
    # `pass #word`: a comment or the rest of a secret? Only one word after the '#'.
    return _secret(ctx, setting.key) and " " not in after.strip()


def _dotenv_settings(instance: AppInstance) -> Iterator[Setting]:
    """Values written in dotenv files: env_file entries, project ``.env`` variables used by
    the instance, and the app's own dotenv file."""
    pool = _origin_settings(instance)
    for setting in instance.environment.values():
        if setting.kind is SourceKind.ENV_FILE:
            yield setting
        for location in setting.origin:
            found = pool.get(location)
            if found is not None and found.kind is SourceKind.PROJECT_DOTENV:
                yield found
    for loaded in instance.files:
        for setting in loaded.settings.values():
            if setting.kind is SourceKind.APP_DOTENV:
                yield setting


@rule("SMTP019", "value-cut-at-hash", severity=Severity.WARNING)
def value_cut_at_hash(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports an unquoted dotenv value that the reader cut at a `#`: Compose and Node dotenv
    start a comment at ` #`, Laravel's phpdotenv at any `#`.

    ## Why is this bad?
    `SMTP_PASSWORD=abc #def` reaches the app as `abc`, and Laravel reads
    `MAIL_PASSWORD=abc#def` as `abc`: a password cut short fails the login, with no warning
    from any reader.

    ## Example
    ```dotenv
    MAIL_PASSWORD=x8Tq#p2Lm
    ```

    Use instead:
    ```dotenv
    MAIL_PASSWORD="x8Tq#p2Lm"
    ```

    ## References
    - [Compose `.env` syntax](https://docs.docker.com/compose/how-tos/environment-variables/variable-interpolation/#env-file-syntax)
    - vlucas/phpdotenv `src/Parser/EntryParser.php`; reference compose-semantics B.3
    """
    cache: dict[Path, list[str]] = {}
    seen: set[Location | None] = set()
    for setting in _dotenv_settings(ctx.instance):
        if setting.location in seen or not _cut_at_hash(ctx, setting, cache):
            continue
        seen.add(setting.location)
        kept = shape(setting.value or "") if _secret(ctx, setting.key) else repr(setting.value)
        yield ctx.finding(
            f"{setting.key} is unquoted and the reader cuts it at '#': the app gets {kept}"
            " and the rest of the line is a comment",
            at=setting,
            fix="quote the value",
        )


@rule("SMTP020", "unset-variable", severity=Severity.WARNING, scope=Scope.TRANSPORT)
def unset_variable(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports an SMTP setting written as a bare `- KEY` (or `KEY:`) or as `${KEY}` whose
    variable is defined nowhere mail-lint can see (the project `.env`, `--env`,
    `--env-file`).

    ## Why is this bad?
    A bare key that Compose cannot resolve is removed, so the app falls back to its default;
    `${KEY}` becomes an empty string with only a warning (`The "KEY" variable is not set.
    Defaulting to a blank string.`). Either way the host, user or password the app gets is
    not the one meant, unless the shell that runs `docker compose` exports it.

    ## Example
    ```yaml
    environment:
      SMTP_PASSWORD: ${SMTP_PASSWORD}     # and no SMTP_PASSWORD in .env
    ```

    Use instead:
    ```yaml
    environment:
      SMTP_PASSWORD: ${SMTP_PASSWORD:?set SMTP_PASSWORD in .env}
    ```

    ## References
    - [Compose interpolation](https://docs.docker.com/compose/how-tos/environment-variables/variable-interpolation/)
    - [Compose `environment`](https://docs.docker.com/reference/compose-file/services/#environment)
      ("if not resolved, the variable is unset and removed"); reference B.4, B.9 item 5
    """
    transport = ctx.transport
    if transport is None or transport.kind.value not in (TransportKind.SMTP, TransportKind.API):
        return
    seen: set[str] = set()
    for name in ("host", "port", "username", "password", "sender"):
        for setting in transport.fields()[name].settings:
            if setting.key in seen or setting.kind is not SourceKind.COMPOSE:
                continue
            if setting.value is None:
                how = (
                    f"is declared bare ({_where(ctx, setting)}) and {setting.key} is not defined"
                    " in .env: Compose removes it, so the app uses its default"
                )
                var = setting.key
            elif setting.value == "" and setting.raw and _whole_reference(setting.raw):
                var = setting.missing[0] if setting.missing else setting.key
                how = (
                    f"is {setting.raw} ({_where(ctx, setting)}) and {var} is not defined in"
                    " .env: Compose passes an empty value"
                )
            else:
                continue
            seen.add(setting.key)
            yield ctx.finding(
                f"{setting.key} {how} (unless the shell running docker compose exports {var})",
                at=setting,
                fix=f"define {var} in .env, or write ${{{var}:?}} so Compose refuses to start"
                " without it",
            )


# -- sender ---------------------------------------------------------------------------------


def _is_address(address: str) -> bool:
    local, at, domain = address.rpartition("@")
    return bool(at and local and domain) and "@" not in local and " " not in address


@rule("SMTP021", "sender-not-an-address", severity=Severity.ERROR, scope=Scope.TRANSPORT)
def sender_not_an_address(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports a From that is not an e-mail address (`Name <addr>` or `addr`): a bare name,
    an API user name like `resend` or `apikey`, text with two `@`.

    ## Why is this bad?
    Servers refuse `MAIL FROM:<resend>` (`501 Invalid sender`, `553`), and some mailers
    crash on it (Plausible's Mua splits the address at its one `@`): no mail is sent.

    ## Example
    ```ini
    [Email]
    send_from = WGDashboard
    ```

    Use instead:
    ```ini
    [Email]
    send_from = WGDashboard <vpn@example-company.net>
    ```

    ## References
    - [RFC 5322](https://www.rfc-editor.org/rfc/rfc5322) §3.4 (address specification)
    - WGDashboard#702; ruslandoga/mua `lib/mua.ex`; reference C.4
    """
    transport = ctx.transport
    if transport is None or transport.kind.value not in (TransportKind.SMTP, TransportKind.API):
        return
    sender = transport.sender.value
    if sender is None or not sender.strip():
        return
    address = _address(sender)
    if _is_address(address):
        return
    yield ctx.finding(
        f"the From {sender!r} ({_named(ctx, transport.sender)}) is not an e-mail address:"
        " servers refuse the sender and no mail is sent",
        at=_first(transport.sender),
        key=None if _first(transport.sender) else "sender",
        fix="use 'Name <mailbox@your-domain>' or a bare address",
    )


@rule("SMTP022", "sender-domain-not-owned", severity=Severity.WARNING, scope=Scope.TRANSPORT)
def sender_domain_not_owned(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports a From address on another domain than the authenticated mailbox, for
    providers that only send as the mailbox or its aliases: Gmail / Google Workspace,
    Microsoft 365, Outlook.com, Zoho, Fastmail, iCloud.

    ## Why is this bad?
    These providers refuse or rewrite a foreign From: Zoho `553 Relaying disallowed`,
    Microsoft 365 `554 5.2.0 … SendAsDeniedException`, Gmail replaces it with the account's
    address. Unless the address is a configured alias, mail is lost or sent as someone else.

    ## Example
    ```dotenv
    MAIL_HOST=smtp.office365.com
    MAIL_USERNAME=it@example-company.net
    MAIL_FROM=wiki@other-company.org
    ```

    Use instead:
    ```dotenv
    MAIL_HOST=smtp.office365.com
    MAIL_USERNAME=it@example-company.net
    MAIL_FROM=it@example-company.net
    ```

    ## References
    - Zoho Mail SMTP ("The email address should match the email address/ aliases of the
      account"); BookStack #2479, #2895 (Office 365 SendAsDenied); reference B.9-B.13
    """
    transport = ctx.transport
    if not _is_mail(transport):
        return
    assert transport is not None
    provider = provider_for(_host(transport))
    user, sender = transport.username.value, transport.sender.value
    if provider is None or not provider.sender_owned or not user or not sender:
        return
    address = _address(sender)
    if "@" not in user or not _is_address(address) or _domain(address) == _domain(user):
        return
    yield ctx.finding(
        f"the From {address!r} ({_named(ctx, transport.sender)}) is on another domain than"
        f" the {provider.title} mailbox {user!r} ({_named(ctx, transport.username)}):"
        f" {provider.title} only sends as the mailbox and its aliases, so the mail is refused"
        " or its From rewritten",
        at=_first(transport.sender),
        fix="send from the mailbox's own address, or add the From as an alias of it",
    )


# -- key typos ------------------------------------------------------------------------------


def _one_edit(a: str, b: str) -> bool:
    """Whether ``a`` becomes ``b`` by one insertion, deletion, substitution or swap of two
    neighbouring characters."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        i, j = diff[0], diff[-1]
        return len(diff) == 2 and j == i + 1 and a[i] == b[j] and a[j] == b[i]
    short, long = (a, b) if len(a) < len(b) else (b, a)
    i = next((k for k in range(len(short)) if short[k] != long[k]), len(short))
    return short[i:] == long[i + 1 :]


def _suggestion(key: str, known: tuple[str, ...]) -> str | None:
    """The one key of ``known`` that ``key`` looks like a typo of, if any."""
    if len(key) < 5:
        return None
    return _suggestion_among(key, known)


@functools.lru_cache(maxsize=8192)
def _suggestion_among(key: str, known: tuple[str, ...]) -> str | None:
    """:func:`_suggestion` for a key of at least five characters. Cached: the same unknown
    keys recur in every project of an app, and comparing one with every key the app reads
    cost more than the rest of the rule."""
    close = [k for k in known if _one_edit(key, k) or key.lower() == k.lower()]
    if not close and len(key) >= 8:
        close = [k for k in known if k.startswith(key) and len(k) - len(key) >= 2]
    return close[0] if len(close) == 1 else None


@functools.lru_cache(maxsize=64)
def _key_set(known: tuple[str, ...]) -> frozenset[str]:
    """An app's keys as a set, built once per app rather than searched per setting."""
    return frozenset(known)


@rule("SMTP023", "key-typo", severity=Severity.WARNING)
def key_typo(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports a key the app does not read that is one edit away from a key it reads (a
    letter missing, added, changed or two swapped, or another case), or a truncation of
    one: `MAIL_ENCRPYTION`, `SMTP_IGNORE_TLS`, `SMTP_PASS`.

    ## Why is this bad?
    The app never sees the misspelt key and silently uses its default for the real one:
    no TLS, the wrong port, no password.

    ## Example
    ```dotenv
    MAIL_ENCRPYTION=tls
    ```

    Use instead:
    ```dotenv
    MAIL_ENCRYPTION=tls
    ```

    ## References
    - Each app plugin's list of the keys it reads (`AppSpec.keys`), from the app's source
    - docmost/docmost#205 (`SMTP_FROM_EMAIL`); reference, apps sections
    """
    instance = ctx.instance
    known = tuple(instance.app.keys)
    if not known:
        return
    read = _key_set(known)
    settings = [*instance.environment.values()]
    for loaded in instance.files:
        settings += loaded.settings.values()
    seen: set[str] = set()
    for setting in settings:
        key = setting.key
        if key in read or key in seen:
            continue
        meant = _suggestion(key, known)
        if meant is None:
            continue
        seen.add(key)
        yield ctx.finding(
            f"{instance.app.title} does not read {_label(setting)}: did you mean"
            f" {_label(Setting(meant, None, None, setting.kind))}?",
            at=setting.key_location or setting.location or setting,
            key=key,
            fix=f"rename it to {meant}",
        )


RULES = (
    plaintext_to_implicit_tls_port,
    implicit_tls_to_starttls_port,
    port_not_offered_by_provider,
    credentials_over_plaintext,
    certificate_verification_disabled,
    certificate_name_cannot_match,
    container_local_smtp_host,
    provider_fixed_username,
    provider_login_not_an_address,
    ses_credential_shape,
    outlook_personal_basic_auth,
    microsoft_365_basic_auth,
    dev_mail_catcher_in_production,
    placeholder_smtp_setting,
    placeholder_sender,
    dollar_interpolated_by_compose,
    dollar_expanded_by_app_dotenv,
    quotes_kept_in_value,
    value_cut_at_hash,
    unset_variable,
    sender_not_an_address,
    sender_domain_not_owned,
    key_typo,
)
