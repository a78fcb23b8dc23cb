"""How Docmost really sends mail: its settings read the way its server code reads them.

Sources (``docmost/docmost`` @ ``549cf7c0``, v0.95.0, ``apps/server/src/integrations``):

* ``environment/environment.service.ts``: ``getMailDriver`` = ``get('MAIL_DRIVER', 'log')``;
  ``getSmtpPort`` = ``parseInt(get('SMTP_PORT'))``; ``getSmtpSecure`` /
  ``getSmtpIgnoreTLS`` = ``get(KEY, 'false').toLowerCase() === 'true'``;
  ``getMailFromName`` = ``get('MAIL_FROM_NAME', 'Docmost')``.
* ``environment/environment.validation.ts``: ``MAIL_DRIVER`` ``@IsOptional() @IsIn(['smtp',
  'postmark'])``; class-validator's ``IsOptional`` skips only ``null``/``undefined``, so an
  empty, upper-case or ``log`` value fails and ``validate()`` calls ``process.exit(1)``.
* ``mail/providers/mail.provider.ts``: ``auth`` only when username *and* password are truthy;
  ``secure`` and ``ignoreTLS`` always passed as booleans (so nodemailer's "port 465 means TLS"
  default, ``lib/smtp-connection/index.js`` l.88-90, never applies); no ``tls`` options.
* ``mail/mail.service.ts``: the sender is `` `${fromName} <${fromAddress}> ` ``.
* nodemailer ``lib/smtp-connection/index.js`` l.81: ``port = Number(port) || (secure ? 465 :
  587)``; an empty or missing host becomes ``localhost``.

Version history (``git tag --contains``): ``SMTP_SECURE`` is read since v0.2.7 (227ac30d,
which also made ``auth`` conditional: before it nodemailer always got ``{user, pass}``);
``SMTP_IGNORETLS`` since v0.4.0 (9390b39e); ``MAIL_BLOCKED_RECIPIENT_DOMAINS`` since v0.90.0
(2b631372); ``APP_URL`` reduced to its origin with ``new URL()`` since v0.9.0 (b81c9ee1). The
``MAIL_DRIVER`` validation (bc7cd033) and the ``SMTP_*`` names (a582d478) are in every
release (v0.2.0 is the first tag).
"""

import re
from typing import NamedTuple

from mail_lint import (
    AppInstance,
    Field,
    Setting,
    TlsMode,
    Transport,
    TransportKind,
    Version,
)

APP = "docmost"

#: The values ``MAIL_DRIVER`` may have (``environment.validation.ts``: ``@IsIn``).
VALID_DRIVERS = ("smtp", "postmark")
#: ``getMailDriver``'s default when the key is absent: the log driver, a no-op in production.
DEFAULT_DRIVER = "log"

SMTP_SECURE_SINCE: Version = (0, 2, 7)
SMTP_IGNORETLS_SINCE: Version = (0, 4, 0)
APP_URL_ORIGIN_SINCE: Version = (0, 9, 0)
BLOCKED_DOMAINS_SINCE: Version = (0, 90, 0)

#: Where ``postmark.js``'s ``ServerClient`` sends (its default ``requestHost``, HTTPS).
POSTMARK_API_HOST = "api.postmarkapp.com"

_JS_INT = re.compile(r"^([+-]?)(0[xX][0-9a-fA-F]+|[0-9]+)")


def at_least(version: Version | None, since: Version) -> bool:
    """Whether ``version`` (``None``: latest) has a behaviour introduced in ``since``."""
    return version is None or version >= since


def effective(instance: AppInstance, key: str) -> Setting | None:
    """The definition Docmost uses: the container environment wins over ``/app/.env``
    (``@nestjs/config`` merges ``{...fileConfig, ...process.env}``), but a key the container
    leaves unset (a bare ``- KEY`` Compose could not resolve) is taken from the file.
    Returns the unset definition when nothing sets the key, ``None`` when it is absent."""
    env = instance.environment.get(key)
    if env is not None and env.value is not None:
        return env
    for loaded in instance.files:
        found = loaded.settings.get(key)
        if found is not None and found.value is not None:
            return found
    return env


def value(instance: AppInstance, key: str) -> str | None:
    """The text Docmost gets for ``key`` (``None`` when absent or unset)."""
    setting = effective(instance, key)
    return None if setting is None else setting.value


def js_parse_int(text: str | None) -> int | None:
    """JavaScript ``parseInt(text)`` without a radix; ``None`` stands for ``NaN``.

    Leading white space is skipped, a sign and a ``0x`` prefix are honoured, and only the
    leading digits count: ``"587abc"`` is 587, ``'"465"'`` (quotes kept) is ``NaN``.
    """
    if text is None:
        return None
    match = _JS_INT.match(text.strip())
    if match is None:
        return None
    sign = -1 if match.group(1) == "-" else 1
    digits = match.group(2)
    base = 16 if digits[:2].lower() == "0x" else 10
    return sign * int(digits[2:] if base == 16 else digits, base)


def js_true(text: str | None) -> bool:
    """``getSmtpSecure`` / ``getSmtpIgnoreTLS``: only ``true``, in any case, is true."""
    return text is not None and text.lower() == "true"


def is_quoted(text: str | None) -> bool:
    """Whether a value still carries a pair of outer quotes (``- KEY="x"`` in Compose's list
    syntax keeps them, and Docmost does not strip them)."""
    return text is not None and len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'"


def _present(*settings: Setting | None) -> tuple[Setting, ...]:
    return tuple(s for s in settings if s is not None)


class SmtpOptions(NamedTuple):
    """The nodemailer options ``mail.provider.ts`` builds, each with its settings."""

    host: Field[str | None]
    port: Field[int | None]
    #: The port text parsed (``None``: ``NaN``, so nodemailer chose the port).
    port_parsed: int | None
    secure: Field[bool]
    ignore_tls: Field[bool]
    username: Field[str | None]
    password: Field[str | None]
    auth: Field[bool]


def smtp_options(instance: AppInstance) -> SmtpOptions:
    """The SMTP options exactly as this Docmost version hands them to nodemailer."""
    version = instance.version
    host_s = effective(instance, "SMTP_HOST")
    port_s = effective(instance, "SMTP_PORT")
    secure_s = effective(instance, "SMTP_SECURE")
    ignore_s = effective(instance, "SMTP_IGNORETLS")
    user_s = effective(instance, "SMTP_USERNAME")
    pass_s = effective(instance, "SMTP_PASSWORD")

    parsed = js_parse_int(port_s.value if port_s else None)
    if at_least(version, SMTP_SECURE_SINCE):
        secure = Field(js_true(secure_s.value if secure_s else None), _present(secure_s))
        port_value = parsed or (465 if secure.value else 587)
    else:
        # No `secure` option yet: nodemailer's own rule, port 465 means implicit TLS.
        port_value = parsed or 587
        secure = Field(port_value == 465, _present(port_s))
    port_from = _present(port_s) if parsed else _present(port_s, secure_s)
    ignore = Field(
        at_least(version, SMTP_IGNORETLS_SINCE) and js_true(ignore_s.value if ignore_s else None),
        _present(ignore_s),
    )
    user = user_s.value if user_s else None
    password = pass_s.value if pass_s else None
    auth = bool(user) and bool(password) if at_least(version, SMTP_SECURE_SINCE) else True
    return SmtpOptions(
        host=Field((host_s.value if host_s else None) or "localhost", _present(host_s)),
        port=Field(port_value, port_from),
        port_parsed=parsed,
        secure=secure,
        ignore_tls=ignore,
        username=Field(user, _present(user_s)),
        password=Field(password, _present(pass_s)),
        auth=Field(auth, _present(user_s, pass_s)),
    )


def sender(instance: AppInstance) -> Field[str | None]:
    """``mail.service.ts``: `` `${MAIL_FROM_NAME} <${MAIL_FROM_ADDRESS}> ` `` (the trailing
    space dropped); an unset address is the text ``undefined``."""
    address_s = effective(instance, "MAIL_FROM_ADDRESS")
    name_s = effective(instance, "MAIL_FROM_NAME")
    address = address_s.value if address_s and address_s.value is not None else "undefined"
    name = name_s.value if name_s and name_s.value is not None else "Docmost"
    return Field(f"{name} <{address}>", _present(address_s, name_s))


def driver(instance: AppInstance) -> Field[str]:
    """The ``MAIL_DRIVER`` text as configured, ``log`` when absent."""
    setting = effective(instance, "MAIL_DRIVER")
    if setting is None or setting.value is None:
        return Field(DEFAULT_DRIVER, _present(setting))
    return Field(setting.value, (setting,))


def interpret(instance: AppInstance) -> tuple[Transport, ...]:
    """The one way this Docmost instance sends mail.

    * ``MAIL_DRIVER`` unset: the log driver (kind ``none``), which drops mail in production.
    * ``MAIL_DRIVER`` not exactly ``smtp``/``postmark``: the server exits at start-up
      (kind ``none``, the driver shown as written).
    * ``postmark``: Postmark's HTTPS API with ``POSTMARK_TOKEN`` (kind ``api``).
    * ``smtp``: nodemailer with the options of :func:`smtp_options`.
    """
    chosen = driver(instance)
    if chosen.value == "smtp":
        return (_smtp_transport(instance, chosen),)
    if chosen.value == "postmark":
        return (_postmark_transport(instance, chosen),)
    return (
        Transport(
            app=APP,
            kind=Field(TransportKind.NONE, chosen.settings),
            driver=Field[str | None](chosen.value, chosen.settings),
        ),
    )


def _smtp_transport(instance: AppInstance, chosen: Field[str]) -> Transport:
    options = smtp_options(instance)
    tls: Field[TlsMode]
    verify: Field[bool | None]
    if options.secure.value:
        tls = Field(TlsMode.IMPLICIT, options.secure.settings or options.port.settings)
        verify = Field(True)
    elif options.ignore_tls.value:
        tls = Field(TlsMode.PLAINTEXT, options.ignore_tls.settings + options.secure.settings)
        verify = Field(None)
    else:
        tls = Field(
            TlsMode.STARTTLS_OPPORTUNISTIC,
            options.secure.settings + options.ignore_tls.settings,
        )
        verify = Field(True)
    return Transport(
        app=APP,
        kind=Field(TransportKind.SMTP, chosen.settings),
        driver=Field[str | None](chosen.value, chosen.settings),
        host=options.host,
        port=options.port,
        tls=tls,
        verify_certificate=verify,
        username=options.username,
        password=options.password,
        auth=options.auth,
        sender=sender(instance),
    )


def _postmark_transport(instance: AppInstance, chosen: Field[str]) -> Transport:
    token_s = effective(instance, "POSTMARK_TOKEN")
    token = token_s.value if token_s else None
    return Transport(
        app=APP,
        kind=Field(TransportKind.API, chosen.settings),
        driver=Field[str | None](chosen.value, chosen.settings),
        host=Field(POSTMARK_API_HOST),
        port=Field(443),
        tls=Field(TlsMode.IMPLICIT),
        verify_certificate=Field(True),
        password=Field(token, _present(token_s)),
        auth=Field(bool(token), _present(token_s)),
        sender=sender(instance),
    )
