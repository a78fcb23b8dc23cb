"""How Plausible CE really sends mail, per version: its mail variables read the way
``config/runtime.exs`` reads them, and the :class:`~mail_lint.Transport` built from them.

Facts: ``shared/reference/apps-plausible-listmonk.md`` Part A; ``config/runtime.exs`` of the
v2.0 era and @ ``a27653cd`` (v3), ``lib/plausible/helpers/config.ex`` @ ``33db8713``.

Reading
-------
Every variable comes from ``$CONFIG_DIR/<NAME>`` (default ``/run/secrets``, trimmed) when
that file exists, else from the environment (not trimmed). An empty value counts as set
(``System.get_env`` returns ``""``, which Elixir treats as true). A Compose ``secrets:``
entry mounted at ``/run/secrets/<NAME>`` is such a file: the variable is then set, its value
unknown to mail-lint, and the environment's value of that name is not used.

Version boundaries (``Version`` tuples; an image tag that names no version, such as
``latest``, is taken as the current release, :data:`CURRENT`, and messages say so):

* before v2.1.0 (:data:`MUA_ADAPTER`): no ``Bamboo.Mua``; the default adapter is
  ``Bamboo.SMTPAdapter``; booleans and the port go to bamboo_smtp as raw strings, which
  understands only the lower-case text ``true``/``false`` and drops anything else.
* v2.1.0 (:data:`BOOL_HELPER`): ``get_bool_from_path_or_env``: an unknown boolean text
  crashes the boot. Until v2.1.4 (:data:`BOOL_LENIENT`, PR #4632) it knew only
  ``true``/``false``; since then ``1/0/t/f/y/n/yes/no/on/off`` too, in any case.
* v2.1.2 (:data:`MUA_RELAY_NO_MX`): Mua stops looking up the relay's MX record (#4350).
* v2.1.3 (:data:`MUA_DEFAULT`, PR #4538): default adapter ``Bamboo.Mua`` (which delivers
  directly without ``SMTP_HOST_ADDR``) and default sender ``plausible@<BASE_URL host>``
  (before: ``hello@plausible.local``). The changelog files #4538 under v2.1.0; the CE
  compose of v2.1.3 is the first without the ``mail`` relay, so the switch is placed there.
* v2.1.4 (:data:`MUA_SSL`, PR #4606): Mua gets ``protocol`` (implicit TLS when
  ``SMTP_HOST_SSL_ENABLED`` is true, or unset with port 465) and its default port becomes
  587 (before: always plaintext + opportunistic STARTTLS, port 25). v2.1.4 is the first
  release known to have it (issue #4840's runtime dump); v2.1.3 may already.
"""

import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import NamedTuple
from urllib.parse import urlsplit

from mail_lint import (
    AppInstance,
    Field,
    Setting,
    TlsMode,
    Transport,
    TransportKind,
    Version,
)
from mail_lint.instance import per_instance

APP = "plausible"

#: The release whose behaviour is assumed when the image tag names none.
CURRENT: Version = (3, 2, 0)
MUA_ADAPTER: Version = (2, 1, 0)
BOOL_HELPER: Version = (2, 1, 0)
MUA_RELAY_NO_MX: Version = (2, 1, 2)
MUA_DEFAULT: Version = (2, 1, 3)
BOOL_LENIENT: Version = (2, 1, 4)
MUA_SSL: Version = (2, 1, 4)

MUA = "Bamboo.Mua"
SMTP_ADAPTER = "Bamboo.SMTPAdapter"
#: API adapter → the variables it needs, and the API host it posts to.
API_ADAPTERS: Mapping[str, tuple[tuple[str, ...], str]] = MappingProxyType(
    {
        "Bamboo.PostmarkAdapter": (("POSTMARK_API_KEY",), "api.postmarkapp.com"),
        "Bamboo.MailgunAdapter": (("MAILGUN_API_KEY", "MAILGUN_DOMAIN"), "api.mailgun.net"),
        "Bamboo.MandrillAdapter": (("MANDRILL_API_KEY",), "mandrillapp.com"),
        "Bamboo.SendGridAdapter": (("SENDGRID_API_KEY",), "api.sendgrid.com"),
    }
)
NO_MAIL_ADAPTERS = ("Bamboo.LocalAdapter", "Bamboo.TestAdapter")
#: The ``case mailer_adapter`` branches of every version (exact, case-sensitive).
KNOWN_ADAPTERS = (*API_ADAPTERS, SMTP_ADAPTER, MUA, *NO_MAIL_ADAPTERS)

TRUE_WORDS = frozenset({"1", "t", "true", "y", "yes", "on"})
FALSE_WORDS = frozenset({"0", "f", "false", "n", "no", "off"})
#: The booleans each adapter branch reads (so only those can crash the boot).
BOOL_KEYS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        SMTP_ADAPTER: ("SMTP_HOST_SSL_ENABLED", "SMTP_MX_LOOKUPS_ENABLED"),
        MUA: ("SMTP_MIDDLEBOX_COMP_MODE", "SMTP_HOST_SSL_ENABLED"),
    }
)
SECRETS_DIR = "/run/secrets"

_INTEGER = re.compile(r"^[+-]?[0-9]+$")


def vtext(version: Version) -> str:
    """``(2, 1, 4)`` → ``v2.1.4``."""
    return "v" + ".".join(str(part) for part in version)


class BoolReading(NamedTuple):
    """What one Plausible version makes of a boolean text."""

    #: The boolean (``None``: unset, or a text the version rejects or drops).
    value: bool | None
    #: The boot fails on this text (``Invalid boolean value``).
    crashes: bool = False
    #: v2.0 hands the text to bamboo_smtp, which drops it silently.
    dropped: bool = False


def read_bool(text: str | None, version: Version) -> BoolReading:
    """``get_bool_from_path_or_env`` (v2.1.0+) or bamboo_smtp's raw-string match (v2.0)."""
    if text is None:
        return BoolReading(None)
    if version < BOOL_HELPER:
        if text in ("true", "false"):
            return BoolReading(text == "true")
        return BoolReading(None, dropped=True)
    if version < BOOL_LENIENT:
        if text in ("true", "false"):
            return BoolReading(text == "true")
        return BoolReading(None, crashes=True)
    if text.lower() in TRUE_WORDS:
        return BoolReading(True)
    if text.lower() in FALSE_WORDS:
        return BoolReading(False)
    return BoolReading(None, crashes=True)


def accepted_booleans(version: Version) -> str:
    """The texts a version accepts, for messages."""
    if version < BOOL_LENIENT:
        return "only the lower-case text true or false"
    return "1/0, t/f, true/false, y/n, yes/no or on/off (any case)"


def is_integer(text: str) -> bool:
    """``Integer.parse(text)`` gives ``{int, ""}`` (and ``String.to_integer`` succeeds)."""
    return bool(_INTEGER.match(text))


# ------------------------------------------------------------------------------ settings


class Config(NamedTuple):
    """Plausible's effective variables for one instance, at its version."""

    version: Version
    #: True when the image tag names no version and :data:`CURRENT` is assumed.
    assumed: bool
    #: The definition Plausible reads for each key (its value ``None`` when unset).
    settings: Mapping[str, Setting]
    #: Keys read from a ``/run/secrets`` file whose text mail-lint cannot see.
    hidden: frozenset[str]

    def get(self, key: str) -> Setting | None:
        """The setting of ``key`` when it is set (an empty value counts), else ``None``."""
        found = self.settings.get(key)
        return found if found is not None and found.value is not None else None

    def text(self, key: str) -> str | None:
        """The text Plausible gets for ``key`` (``None``: unset or hidden)."""
        found = self.get(key)
        return None if found is None else found.value

    def present(self, key: str) -> bool:
        """Whether Plausible finds ``key`` set (a hidden secret file counts)."""
        return self.get(key) is not None or key in self.hidden

    def at_least(self, version: Version) -> bool:
        """Whether the instance runs ``version`` or later."""
        return self.version >= version

    @property
    def version_text(self) -> str:
        """``v2.1.4``, or a phrase saying the current release is assumed."""
        if self.assumed:
            return f"an untagged version (assumed current, {vtext(CURRENT)})"
        return vtext(self.version)

    def assumption(self) -> str:
        """A clause to append where the verdict depends on the version."""
        if not self.assumed:
            return ""
        return f" (the image tag names no version: assuming current Plausible, {vtext(CURRENT)})"


@per_instance
def config(instance: AppInstance) -> Config:
    """The variables Plausible reads for ``instance``."""
    version = instance.version or CURRENT
    settings: dict[str, Setting] = {}
    for key, setting in instance.environment.items():
        settings[key] = setting
    for loaded in instance.files:
        for key, setting in loaded.settings.items():
            if settings.get(key) is None or settings[key].value is None:
                settings[key] = setting
    hidden = frozenset(secret_files(instance))
    for key in hidden:
        settings.pop(key, None)
    return Config(version, instance.version is None, MappingProxyType(settings), hidden)


def secret_files(instance: AppInstance) -> set[str]:
    """Variables the service gets as Compose ``secrets:`` files in ``CONFIG_DIR``.

    Their text is not visible to mail-lint (the top-level ``secrets:`` may name an external
    secret or a file outside the project), so they count as set with an unknown value.
    """
    from mail_lint.yamlsource import YMap, YScalar, YSeq

    if instance.service is None:
        return set()
    config_dir = (instance.environment.value("CONFIG_DIR") or SECRETS_DIR).rstrip("/")
    entries = instance.service.node.get("secrets")
    if not isinstance(entries, YSeq):
        return set()
    names: set[str] = set()
    for entry in entries.items:
        source = target = None
        if isinstance(entry, YScalar):
            source = entry.value
        elif isinstance(entry, YMap):
            found, aimed = entry.get("source"), entry.get("target")
            source = found.value if isinstance(found, YScalar) else None
            target = aimed.value if isinstance(aimed, YScalar) else None
        if not source:
            continue
        path = target if target and target.startswith("/") else f"{SECRETS_DIR}/{target or source}"
        directory, _, name = path.rpartition("/")
        if directory == config_dir and name:
            names.add(name)
    return names


def adapter(cfg: Config) -> Field[str]:
    """``MAILER_ADAPTER`` as written, or the version's default."""
    setting = cfg.get("MAILER_ADAPTER")
    if setting is not None and setting.value is not None:
        return Field(setting.value, (setting,))
    return Field(MUA if cfg.at_least(MUA_DEFAULT) else SMTP_ADAPTER)


def known_adapter(name: str, version: Version) -> bool:
    """Whether this version's ``case mailer_adapter`` has a branch for ``name``."""
    if name == MUA:
        return version >= MUA_ADAPTER
    return name in KNOWN_ADAPTERS


def default_sender(cfg: Config) -> str:
    """``MAILER_EMAIL``'s default at this version."""
    if not cfg.at_least(MUA_DEFAULT):
        return "hello@plausible.local"
    return f"plausible@{base_host(cfg) or ''}"


def base_host(cfg: Config) -> str | None:
    """``URI.parse(BASE_URL).host`` (``None`` when it has none)."""
    text = cfg.text("BASE_URL")
    if text is None:
        return None
    try:
        return urlsplit(text).hostname
    except ValueError:
        return None


def _present(*settings: Setting | None) -> tuple[Setting, ...]:
    return tuple(s for s in settings if s is not None)


class SmtpPlan(NamedTuple):
    """The relay connection of ``Bamboo.Mua`` or ``Bamboo.SMTPAdapter``, as configured."""

    adapter: str
    #: ``None``: Mua has no relay and delivers to each recipient's domain.
    host: Field[str | None]
    port: Field[int | None]
    #: The port text when it is not an integer (boot crash for Mua, send crash otherwise).
    bad_port: Setting | None
    ssl: Field[bool | None]
    tls: Field[TlsMode]
    auth: Field[bool]


def smtp_plan(cfg: Config, chosen: str) -> SmtpPlan:
    """How ``chosen`` (Mua or SMTPAdapter) connects at this version."""
    host_s, port_s = cfg.get("SMTP_HOST_ADDR"), cfg.get("SMTP_HOST_PORT")
    ssl_s = cfg.get("SMTP_HOST_SSL_ENABLED")
    user_s, pwd_s = cfg.get("SMTP_USER_NAME"), cfg.get("SMTP_USER_PWD")
    port_text = None if port_s is None else port_s.value
    bad_port = port_s if port_text is not None and not is_integer(port_text) else None
    auth = Field(
        cfg.present("SMTP_USER_NAME") and cfg.present("SMTP_USER_PWD"), _present(user_s, pwd_s)
    )
    if chosen == SMTP_ADAPTER:
        ssl = read_bool(None if ssl_s is None else ssl_s.value, cfg.version)
        port = 25 if port_text is None else (int(port_text) if bad_port is None else None)
        host = host_s.value if host_s is not None else "mail"
        tls_mode = TlsMode.IMPLICIT if ssl.value else TlsMode.STARTTLS_OPPORTUNISTIC
        return SmtpPlan(
            chosen,
            Field(host, _present(host_s)),
            Field(port, _present(port_s)),
            bad_port,
            Field(bool(ssl.value), _present(ssl_s)),
            Field(tls_mode, _present(ssl_s, port_s)),
            auth,
        )
    if host_s is None and not cfg.present("SMTP_HOST_ADDR"):
        return SmtpPlan(
            chosen,
            Field(None),
            Field(25),
            None,
            Field(None),
            Field(TlsMode.STARTTLS_OPPORTUNISTIC),
            auth,
        )
    default_port = 587 if cfg.at_least(MUA_SSL) else 25
    port = default_port if port_text is None else (int(port_text) if bad_port is None else None)
    if not cfg.at_least(MUA_SSL):
        return SmtpPlan(
            chosen,
            Field(None if host_s is None else host_s.value, _present(host_s)),
            Field(port, _present(port_s)),
            bad_port,
            Field(None),
            Field(TlsMode.STARTTLS_OPPORTUNISTIC),
            auth,
        )
    ssl = read_bool(None if ssl_s is None else ssl_s.value, cfg.version)
    implicit = bool(ssl.value) or (ssl_s is None and port == 465)
    tls_from = _present(ssl_s) if ssl.value else _present(ssl_s, port_s)
    return SmtpPlan(
        chosen,
        Field(None if host_s is None else host_s.value, _present(host_s)),
        Field(port, _present(port_s)),
        bad_port,
        Field(ssl.value, _present(ssl_s)),
        Field(TlsMode.IMPLICIT if implicit else TlsMode.STARTTLS_OPPORTUNISTIC, tls_from),
        auth,
    )


def sender(cfg: Config) -> Field[str | None]:
    """``MAILER_EMAIL`` (or its default), as ``{MAILER_NAME, email}`` when a name is set."""
    email_s, name_s = cfg.get("MAILER_EMAIL"), cfg.get("MAILER_NAME")
    email = email_s.value if email_s is not None else default_sender(cfg)
    if name_s is not None and name_s.value is not None:
        return Field(f"{name_s.value} <{email}>", _present(email_s, name_s))
    return Field(email, _present(email_s, cfg.get("BASE_URL") if email_s is None else None))


# ----------------------------------------------------------------------------- transport


def interpret(instance: AppInstance) -> tuple[Transport, ...]:
    """The one way this Plausible instance sends mail.

    * an unknown ``MAILER_ADAPTER``: Plausible does not start (kind ``none``);
    * ``Bamboo.LocalAdapter``/``TestAdapter``: mail is kept in memory (kind ``none``);
    * an API adapter: the provider's HTTPS API with its key (kind ``api``);
    * ``Bamboo.Mua`` without ``SMTP_HOST_ADDR``: straight to each recipient's domain on
      port 25 (kind ``direct``);
    * ``Bamboo.Mua`` with a relay, or ``Bamboo.SMTPAdapter``: SMTP (kind ``smtp``).
    """
    cfg = config(instance)
    chosen = adapter(cfg)
    name = chosen.value
    if not known_adapter(name, cfg.version) or name in NO_MAIL_ADAPTERS:
        return (_none(chosen),)
    if name in API_ADAPTERS:
        return (_api(cfg, chosen),)
    plan = smtp_plan(cfg, name)
    user_s, pwd_s = cfg.get("SMTP_USER_NAME"), cfg.get("SMTP_USER_PWD")
    direct = plan.host.value is None and name == MUA
    return (
        Transport(
            app=APP,
            kind=Field(
                TransportKind.DIRECT if direct else TransportKind.SMTP,
                chosen.settings + plan.host.settings,
            ),
            driver=Field[str | None](name, chosen.settings),
            host=plan.host,
            port=plan.port,
            tls=plan.tls,
            verify_certificate=Field(True),
            username=Field(None if user_s is None else user_s.value, _present(user_s)),
            password=Field(None if pwd_s is None else pwd_s.value, _present(pwd_s)),
            auth=plan.auth,
            sender=sender(cfg),
        ),
    )


def _none(chosen: Field[str]) -> Transport:
    return Transport(
        app=APP,
        kind=Field(TransportKind.NONE, chosen.settings),
        driver=Field[str | None](chosen.value, chosen.settings),
    )


def _api(cfg: Config, chosen: Field[str]) -> Transport:
    keys, host = API_ADAPTERS[chosen.value]
    key_s = cfg.get(keys[0])
    if chosen.value == "Bamboo.MailgunAdapter":
        base = cfg.text("MAILGUN_BASE_URI")
        if base:
            host = urlsplit(base).hostname or host
    return Transport(
        app=APP,
        kind=Field(TransportKind.API, chosen.settings),
        driver=Field[str | None](chosen.value, chosen.settings),
        host=Field(host, _present(cfg.get("MAILGUN_BASE_URI"))),
        port=Field(443),
        tls=Field(TlsMode.IMPLICIT),
        verify_certificate=Field(True),
        password=Field(None if key_s is None else key_s.value, _present(key_s)),
        auth=Field(all(cfg.present(k) for k in keys), _present(*(cfg.get(k) for k in keys))),
        sender=sender(cfg),
    )
