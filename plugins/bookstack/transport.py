"""How BookStack really sends mail: its settings read the way Laravel and its mailer read them.

Sources (``BookStackApp/BookStack`` @ ``6f1c54d0``, v24.10, and the history in
``shared/reference/apps-bookstack-docmost.md`` §1.2):

* ``app/Config/mail.php``: ``MAIL_DRIVER`` (default ``smtp``; mailers ``smtp``, ``sendmail``,
  ``log``, ``array``, ``failover``), ``MAIL_FROM`` (``bookstack@example.com``; before v23.10
  ``mail@bookstackapp.com``), ``MAIL_FROM_NAME`` (``BookStack``), ``MAIL_HOST``
  (``smtp.mailgun.org``), ``MAIL_PORT`` (587), ``MAIL_VERIFY_SSL`` (true, read since v23.05),
  ``'tls_required' => ($mailEncryption === 'tls' || $mailEncryption === 'ssl')`` (l.42),
  ``'scheme' => null``.
* laravel/framework 10.x ``Support/Env.php``: the container environment wins over ``.env``
  (immutable repository); ``true``/``(true)``, ``false``/``(false)``, ``null``/``(null)``,
  ``empty``/``(empty)`` in any case become true, false, null and ``''``; one pair of matching
  outer quotes is removed. An empty value is ``''``, not the default.
* ssddanbrown/symfony-mailer (the fork BookStack pins) ``EsmtpTransportFactory.php`` /
  ``EsmtpTransport.php``: implicit TLS only for port 465 (or port 0 to a host other than
  ``localhost``); otherwise STARTTLS whenever the server offers it, required when
  ``tls_required``; ``verify_peer`` off when the option is not ``''`` and
  ``filter_var(…, FILTER_VALIDATE_BOOL)`` is false; login only with a truthy username.

History: up to v23.01 Laravel 8 and SwiftMailer: ``encryption`` = ``MAIL_ENCRYPTION``
(default ``tls``), lower-cased, ``tls`` = STARTTLS required, ``ssl`` = implicit TLS on any
port, empty/null = plaintext, anything else an unknown socket transport. v23.02-v23.05:
Symfony Mailer, only port 465 gives implicit TLS, ``MAIL_ENCRYPTION`` has no effect. v23.06:
``tls``/``ssl`` force implicit TLS on every port (#4358). v23.06.1: the fork's
``tls_required`` (commit 465989ef), the behaviour above.

Images: linuxserver copies ``/app/www/.env.example`` to ``/config/www/.env`` on first start
(``init-bookstack-config/run``), so without a mounted ``.env`` its values (``MAIL_HOST=
localhost``) are live. solidnerd moves a ``.env`` aside since 23.8.1 (``docker-entrypoint.sh``,
commit f533881) and before that wrote one from the environment with ``MAIL_HOST=localhost``,
``MAIL_PORT=1025`` (commit 152145a removed it).
"""

import enum
import re
from typing import NamedTuple

from mail_lint import (
    AppInstance,
    Field,
    ImageRef,
    Setting,
    TlsMode,
    Transport,
    TransportKind,
    Version,
)
from mail_lint.instance import per_instance

APP = "bookstack"

#: ``mail.php``: the mailers BookStack defines (``MailManager::resolve`` throws for others).
VALID_DRIVERS = ("smtp", "sendmail", "log", "array", "failover")
#: Mailers that never deliver.
NON_SENDING_DRIVERS = ("log", "array")
DEFAULT_DRIVER = "smtp"
DEFAULT_HOST = "smtp.mailgun.org"
DEFAULT_PORT = 587
DEFAULT_FROM_NAME = "BookStack"
DEFAULT_FROM = "bookstack@example.com"
#: ``MAIL_FROM``'s default before v23.10 (commit 3928cbac, #4518).
OLD_DEFAULT_FROM = "mail@bookstackapp.com"
#: The values ``tls_required`` compares against (strict, lower-case).
TLS_REQUIRED_VALUES = ("tls", "ssl")
#: Ports that speak TLS from the first byte but that BookStack can only reach via 465.
OTHER_IMPLICIT_TLS_PORTS = frozenset({2465, 8465})

SYMFONY_MAILER_SINCE: Version = (23, 2)
VERIFY_SSL_SINCE: Version = (23, 5)
FORCED_IMPLICIT_TLS: Version = (23, 6)
TLS_REQUIRED_SINCE: Version = (23, 6, 1)
NEW_DEFAULT_FROM_SINCE: Version = (23, 10)
#: The first solidnerd tag that moves a ``.env`` aside instead of writing one.
SOLIDNERD_ENV_ONLY_SINCE: Version = (23, 8, 1)

LINUXSERVER_IMAGES = (
    "lscr.io/linuxserver/bookstack",
    "linuxserver/bookstack",
    "docker.io/linuxserver/bookstack",
    "ghcr.io/linuxserver/bookstack",
)
SOLIDNERD_IMAGES = ("solidnerd/bookstack", "docker.io/solidnerd/bookstack")

#: ``.env.example`` (v24.10) as linuxserver copies it to ``/config/www/.env``.
LINUXSERVER_EXAMPLE = {
    "APP_URL": "https://example.com",
    "MAIL_DRIVER": "smtp",
    "MAIL_FROM_NAME": "BookStack",
    "MAIL_FROM": "bookstack@example.com",
    "MAIL_HOST": "localhost",
    "MAIL_PORT": "587",
    "MAIL_USERNAME": "null",
    "MAIL_PASSWORD": "null",
    "MAIL_ENCRYPTION": "null",
}
#: The ``.env`` old solidnerd entrypoints wrote when none existed (``${VAR:-default}``).
SOLIDNERD_OLD_DEFAULTS = {
    "MAIL_DRIVER": "smtp",
    "MAIL_HOST": "localhost",
    "MAIL_PORT": "1025",
    "MAIL_USERNAME": "null",
    "MAIL_PASSWORD": "null",
    "MAIL_ENCRYPTION": "null",
}

_QUOTED = re.compile(r"\A(['\"])(.*)\1\Z", re.S)
_PHP_INT = re.compile(r"\A[ \t\n\r\v\f]*[+-]?[0-9]+[ \t\n\r\v\f]*\Z")
_PHP_TRUE = ("1", "true", "on", "yes")


class Image(enum.StrEnum):
    """Which packaging runs BookStack."""

    LINUXSERVER = "linuxserver"
    SOLIDNERD = "solidnerd"
    #: Another image, a build, or a standalone ``.env`` (bare metal).
    OTHER = "other"


class Source(enum.StrEnum):
    """Where the value BookStack reads comes from."""

    ENVIRONMENT = "environment"
    DOTENV = "dotenv"
    #: A value the image supplies (linuxserver's copied ``.env.example``, old solidnerd).
    IMAGE = "image"
    ABSENT = "absent"


class Raw(NamedTuple):
    """The text the Laravel repository holds for a key, and where it comes from."""

    key: str
    text: str | None
    setting: Setting | None
    source: Source

    @property
    def settings(self) -> tuple[Setting, ...]:
        return () if self.setting is None else (self.setting,)

    @property
    def present(self) -> bool:
        """Whether ``env()`` finds the key (its default is then not used)."""
        return self.text is not None


def at_least(version: Version | None, since: Version) -> bool:
    """Whether ``version`` (``None``: latest) has a behaviour introduced in ``since``."""
    return version is None or version >= since


def is_forced_implicit_release(version: Version | None) -> bool:
    """v23.06 exactly (v23.06.1 fixed it)."""
    return version is not None and version[:2] == FORCED_IMPLICIT_TLS and version < (23, 6, 1)


@per_instance
def image_kind(instance: AppInstance) -> Image:
    """The image family of a service (``OTHER`` for a standalone file or another image)."""
    if instance.image is None or not instance.image.value:
        return Image.OTHER
    names = ImageRef.parse(instance.image.value).names
    if any(name in LINUXSERVER_IMAGES for name in names):
        return Image.LINUXSERVER
    if any(name in SOLIDNERD_IMAGES for name in names):
        return Image.SOLIDNERD
    return Image.OTHER


def dotenv_ignored(instance: AppInstance) -> bool:
    """solidnerd since 23.8.1 moves any ``.env`` to ``.env.bak`` before BookStack starts."""
    return _ignores_dotenv(image_kind(instance), instance.version)


def _ignores_dotenv(kind: Image, version: Version | None) -> bool:
    return kind is Image.SOLIDNERD and at_least(version, SOLIDNERD_ENV_ONLY_SINCE)


def image_defaults(instance: AppInstance) -> dict[str, str]:
    """Values the image puts in BookStack's ``.env`` when none is mounted."""
    kind = image_kind(instance)
    return _image_defaults(instance, kind, _ignores_dotenv(kind, instance.version))


def _image_defaults(instance: AppInstance, kind: Image, ignored: bool) -> dict[str, str]:
    # A setting in a file BookStack reads means a .env is mounted (readable_files).
    if not ignored and any(loaded.settings for loaded in instance.files):
        return {}
    if kind is Image.LINUXSERVER:
        return LINUXSERVER_EXAMPLE
    if kind is Image.SOLIDNERD and not at_least(instance.version, SOLIDNERD_ENV_ONLY_SINCE):
        return SOLIDNERD_OLD_DEFAULTS
    return {}


def readable_files(instance: AppInstance) -> tuple[Setting, ...]:
    """Every setting of the ``.env`` files BookStack reads (none for solidnerd ≥ 23.8.1)."""
    if dotenv_ignored(instance):
        return ()
    return tuple(s for loaded in instance.files for s in loaded.settings.values())


def raw(instance: AppInstance, key: str) -> Raw:
    """What ``getenv``/the immutable repository holds for ``key``: the container environment
    first (a key Compose left unset is not in it), then the ``.env`` BookStack reads, then
    what the image writes into that ``.env``."""
    env = instance.environment.get(key)
    if env is not None and env.value is not None:
        return Raw(key, env.value, env, Source.ENVIRONMENT)
    kind = image_kind(instance)
    ignored = _ignores_dotenv(kind, instance.version)
    if not ignored:
        for loaded in instance.files:
            found = loaded.settings.get(key)
            if found is not None and found.value is not None:
                return Raw(key, found.value, found, Source.DOTENV)
    default = _image_defaults(instance, kind, ignored).get(key)
    if default is not None:
        return Raw(key, default, None, Source.IMAGE)
    return Raw(key, None, env, Source.ABSENT)


def laravel_env(text: str | None) -> str | bool | None:
    """``Illuminate\\Support\\Env::get`` of a present value (``None`` for an absent one)."""
    if text is None:
        return None
    lowered = text.lower()
    if lowered in ("true", "(true)"):
        return True
    if lowered in ("false", "(false)"):
        return False
    if lowered in ("empty", "(empty)"):
        return ""
    if lowered in ("null", "(null)"):
        return None
    match = _QUOTED.match(text)
    return match.group(2) if match else text


def env_text(instance: AppInstance, key: str, default: str | None = None) -> str | None:
    """``env(key, default)`` as text: absent → default; ``null`` → ``None``; booleans as
    PHP casts them to strings (``'1'`` / ``''``)."""
    found = raw(instance, key)
    if not found.present:
        return default
    value = laravel_env(found.text)
    if isinstance(value, bool):
        return "1" if value else ""
    return value


def php_truthy(text: str | None) -> bool:
    """PHP's truthiness of a string (``''`` and ``'0'`` are false)."""
    return text not in (None, "", "0")


def php_port(text: str | None) -> int | None:
    """The ``?int`` the mailer's ``Dsn`` receives: ``None`` for null, ``-1`` for a text PHP
    cannot coerce (a ``TypeError`` when the mailer is built)."""
    if text is None:
        return None
    if _PHP_INT.match(text) is None:
        return -1
    return int(text.strip())


def verify_enabled(value: str | bool | None) -> bool:
    """``'' !== verify_peer && !filter_var(verify_peer ?? true, FILTER_VALIDATE_BOOL)``
    turns verification off; this is its negation."""
    if value is None or value == "":
        return True
    if isinstance(value, bool):
        return value
    return value.strip().lower() in _PHP_TRUE


def driver(instance: AppInstance) -> Field[str | None]:
    """The mailer name BookStack resolves (``None`` for ``MAIL_DRIVER=null``)."""
    found = raw(instance, "MAIL_DRIVER")
    return Field(env_text(instance, "MAIL_DRIVER", DEFAULT_DRIVER), found.settings)


def default_from(version: Version | None) -> str:
    """``MAIL_FROM``'s code default for this version."""
    return DEFAULT_FROM if at_least(version, NEW_DEFAULT_FROM_SINCE) else OLD_DEFAULT_FROM


def sender(instance: AppInstance) -> Field[str | None]:
    """``Name <address>`` of ``mail.from``."""
    address_raw = raw(instance, "MAIL_FROM")
    name_raw = raw(instance, "MAIL_FROM_NAME")
    address = env_text(instance, "MAIL_FROM", default_from(instance.version)) or ""
    name = env_text(instance, "MAIL_FROM_NAME", DEFAULT_FROM_NAME) or ""
    text = f"{name} <{address}>" if name else address
    return Field(text, address_raw.settings + name_raw.settings)


class SmtpSettings(NamedTuple):
    """The SMTP connection as this BookStack version builds it."""

    host: Field[str | None]
    port: Field[int | None]
    tls: Field[TlsMode]
    verify: Field[bool | None]
    username: Field[str | None]
    password: Field[str | None]
    auth: Field[bool]
    #: The ``MAIL_ENCRYPTION`` value after ``env()`` (``None``: absent or null).
    encryption: str | None


@per_instance
def smtp_settings(instance: AppInstance) -> SmtpSettings:
    """Host, port, TLS mode, verification and login, version by version."""
    version = instance.version
    host_raw, port_raw = raw(instance, "MAIL_HOST"), raw(instance, "MAIL_PORT")
    enc_raw, verify_raw = raw(instance, "MAIL_ENCRYPTION"), raw(instance, "MAIL_VERIFY_SSL")
    user_raw, pass_raw = raw(instance, "MAIL_USERNAME"), raw(instance, "MAIL_PASSWORD")

    host = env_text(instance, "MAIL_HOST", DEFAULT_HOST)
    port = php_port(env_text(instance, "MAIL_PORT", str(DEFAULT_PORT)))
    swift = not at_least(version, SYMFONY_MAILER_SINCE)
    encryption = env_text(instance, "MAIL_ENCRYPTION", "tls" if swift else None)
    if swift:
        mode, port_value = _swift_tls(encryption), port
        mode_from = enc_raw.settings
    else:
        mode, port_value = _symfony_tls(version, host, port, encryption)
        mode_from = port_raw.settings + enc_raw.settings
    if mode is TlsMode.PLAINTEXT:
        verify = Field[bool | None](None)
    elif at_least(version, VERIFY_SSL_SINCE) and verify_raw.present:
        verify = Field[bool | None](
            verify_enabled(laravel_env(verify_raw.text)), verify_raw.settings
        )
    else:
        verify = Field[bool | None](True)
    user = env_text(instance, "MAIL_USERNAME")
    password = env_text(instance, "MAIL_PASSWORD")
    return SmtpSettings(
        host=Field(host, host_raw.settings),
        port=Field(None if port_value == -1 else port_value, port_raw.settings),
        tls=Field(mode, mode_from),
        verify=verify,
        username=Field(user, user_raw.settings),
        password=Field(password, pass_raw.settings),
        auth=Field(php_truthy(user), user_raw.settings + pass_raw.settings),
        encryption=encryption,
    )


def _swift_tls(encryption: str | None) -> TlsMode:
    """Laravel 8 ``createSmtpDriver`` + ``Swift_Transport_EsmtpTransport::setEncryption``."""
    if not php_truthy(encryption):
        return TlsMode.PLAINTEXT
    assert encryption is not None
    lowered = encryption.lower()
    if lowered == "tls":
        return TlsMode.STARTTLS_REQUIRED
    if lowered == "ssl":
        return TlsMode.IMPLICIT
    return TlsMode.UNKNOWN  # "<value>://host": PHP has no such socket transport


def _symfony_tls(
    version: Version | None, host: str | None, port: int | None, encryption: str | None
) -> tuple[TlsMode, int | None]:
    """The fork's ``EsmtpTransport`` constructor (and v23.06's forced ``smtps``)."""
    required = encryption in TLS_REQUIRED_VALUES
    if is_forced_implicit_release(version) and required:
        return TlsMode.IMPLICIT, port
    if port == -1:
        return TlsMode.UNKNOWN, port
    if port == 465:
        return TlsMode.IMPLICIT, port
    if port in (None, 0):
        implicit = host != "localhost"
        return (TlsMode.IMPLICIT, 465) if implicit else (_starttls(version, required=required), 25)
    return _starttls(version, required=required), port


def _starttls(version: Version | None, *, required: bool) -> TlsMode:
    if required and at_least(version, TLS_REQUIRED_SINCE):
        return TlsMode.STARTTLS_REQUIRED
    return TlsMode.STARTTLS_OPPORTUNISTIC


def interpret(instance: AppInstance) -> tuple[Transport, ...]:
    """The one way this BookStack instance sends mail.

    * ``smtp`` and ``failover`` (SMTP, then the log): SMTP as :func:`smtp_settings` builds it.
    * ``sendmail``: the local ``sendmail -bs`` (kind ``sendmail``).
    * ``log``, ``array``, or a mailer BookStack does not define: nothing is sent (``none``).
    """
    chosen = driver(instance)
    name = chosen.value
    if name in ("smtp", "failover"):
        return (_smtp(instance, chosen),)
    kind = TransportKind.SENDMAIL if name == "sendmail" else TransportKind.NONE
    return (
        Transport(
            app=APP,
            kind=Field(kind, chosen.settings),
            driver=chosen,
            sender=sender(instance),
        ),
    )


def _smtp(instance: AppInstance, chosen: Field[str | None]) -> Transport:
    smtp = smtp_settings(instance)
    return Transport(
        app=APP,
        kind=Field(TransportKind.SMTP, chosen.settings),
        driver=chosen,
        host=smtp.host,
        port=smtp.port,
        tls=smtp.tls,
        verify_certificate=smtp.verify,
        username=smtp.username,
        password=smtp.password,
        auth=smtp.auth,
        sender=sender(instance),
    )
