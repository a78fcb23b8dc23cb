"""How WGDashboard really sends mail, per version: the effective ``[Email]`` settings and the
:class:`~mail_lint.Transport` built from them.

Facts: ``shared/reference/apps-wgdashboard-providers.md`` Part A; WGDashboard sources
``src/modules/Email.py``, ``src/modules/DashboardConfig.py`` and ``docker/entrypoint.sh`` at
each tag.

How the container environment and ``wg-dashboard.ini`` combine
---------------------------------------------------------------
WGDashboard itself reads no environment variable for mail: it reads ``[Email]`` of
``wg-dashboard.ini`` only. From v4.3.0 the Docker entrypoint (``set_envvars``) writes each
*non-empty* ``email_*`` variable into ``[Email]`` on every container start, so

* v4.3.0 and later: a non-empty ``email_*`` variable wins over the INI key it maps to; an
  empty or unset one leaves the INI value alone;
* v4.3.3 and later, ``dynamic_config=false|no`` (any case, the entrypoint lower-cases it) and
  a non-empty INI: the entrypoint writes nothing, the INI wins. Without a visible INI (a named
  volume) the first boot still applies the variables and they persist, so they count;
* before v4.3.0: the variables are never read; the INI is all there is.

Two cases are modelled as not applied although a variable is set. ``set_ini`` looks the key
up in the whole file but replaces it only inside ``[Email]``, so when the bind-mounted INI has
no ``[Email]`` option of that name but another section has one (``[Account] username``), the
value is silently dropped on every start; and when the INI has the key, a ``|`` in the value
makes the update's ``sed`` fail. The other entrypoint damage (``&``, ``\\``, a first boot that
drops ``email_username``) depends on the volume's state at start-up and is reported by rules;
the transport keeps the variable's value.

Values of the INI are literal (``RawConfigParser``, v4.2.5+); v4.2.0 to v4.2.4 used
``ConfigParser`` whose interpolation turns ``%%`` into ``%`` (a lone ``%`` is an error, see
rule WGD007). An unknown version (``latest``, ``main``, a commit tag, a standalone file) is
taken as the current release, :data:`CURRENT`.
"""

import enum
import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import NamedTuple

from mail_lint import (
    AppInstance,
    Field,
    LoadedFile,
    Setting,
    TlsMode,
    Transport,
    TransportKind,
    Version,
)
from mail_lint.instance import per_instance

#: The release whose behaviour is assumed when the image tag names none.
CURRENT: Version = (4, 3, 3)
#: First release with the e-mail feature (``src/modules/Email.py``).
EMAIL_FEATURE: Version = (4, 2, 0)
#: ``From:`` and MAIL FROM come from ``send_from``, not ``username`` (commit ``510f60bd``, #702).
SEND_FROM_FIXED: Version = (4, 2, 2)
#: ``RawConfigParser`` replaces ``ConfigParser`` (commit ``ae160aef``).
RAW_PARSER: Version = (4, 2, 5)
#: ``authentication_required`` (commit ``4b713ab6``, #839) and the entrypoint's ``email_*``
#: variables (PR #743, commit ``b2f30678``).
AUTH_TOGGLE: Version = (4, 3, 0)
ENV_VARIABLES: Version = (4, 3, 0)
#: ``IMPLICITTLS`` (``b6e2f084``, #1074), verified certificates, ``dynamic_config``
#: (``f58226e3``) and the ``database_*`` variables.
IMPLICIT_TLS: Version = (4, 3, 3)

#: ``[Email]`` option → the entrypoint variable that writes it (``docker/entrypoint.sh``).
ENV_FOR_KEY: Mapping[str, str] = MappingProxyType(
    {
        "server": "email_server",
        "port": "email_port",
        "encryption": "email_encryption",
        "username": "email_username",
        "email_password": "email_password",
        "send_from": "email_from",
        "email_template": "email_template",
    }
)
#: Every ``[Email]`` option WGDashboard reads.
EMAIL_KEYS = (*ENV_FOR_KEY, "authentication_required")
SECRET_KEYS = frozenset({"email_password"})
#: The exact strings ``DashboardConfig.GetConfig`` turns into booleans (case-sensitive).
TRUE_WORDS = frozenset({"1", "yes", "true", "on"})
FALSE_WORDS = frozenset({"0", "no", "false", "off"})
#: Ports that speak TLS from the first byte; ports that expect a plaintext greeting.
IMPLICIT_TLS_PORTS = frozenset({465, 2465, 8465})
STARTTLS_PORTS = frozenset({25, 587, 2525, 2587})

_PERCENT_ESCAPE = re.compile(r"%%")


class EnvMode(enum.StrEnum):
    """Whether the entrypoint writes the ``email_*`` variables into the INI."""

    APPLIED = "applied"
    #: The image is older than v4.3.0: its entrypoint has no ``email_*`` variables.
    TOO_OLD = "too-old"
    #: ``dynamic_config=false`` with a non-empty INI (v4.3.3+).
    DYNAMIC_CONFIG_OFF = "dynamic-config-off"


class Resolved(NamedTuple):
    """One ``[Email]`` option: the text WGDashboard will read, and where it was written."""

    key: str
    #: The string configparser hands WGDashboard (``None``: the option is absent).
    value: str | None
    #: The definition that decides the value (the variable or the INI line), if any.
    setting: Setting | None
    ini: Setting | None
    env: Setting | None

    @property
    def from_env(self) -> bool:
        """Whether the entrypoint's variable decides the value."""
        return self.setting is not None and self.setting is self.env

    @property
    def label(self) -> str:
        """How the user names it: ``email_port`` or ``[Email] port``."""
        if self.from_env and self.env is not None:
            return self.env.key
        return f"[Email] {self.key}"

    @property
    def settings(self) -> tuple[Setting, ...]:
        """The deciding setting, as a tuple for :class:`Field`."""
        return () if self.setting is None else (self.setting,)


class EmailConfig(NamedTuple):
    """WGDashboard's effective mail settings for one instance."""

    version: Version
    #: True when the image tag names no version and :data:`CURRENT` is assumed.
    assumed: bool
    ini: LoadedFile | None
    env_mode: EnvMode
    options: Mapping[str, Resolved]

    def __getitem__(self, key: str) -> Resolved:
        return self.options[key]

    def value(self, key: str) -> str:
        """The option's text, ``""`` when absent."""
        return self.options[key].value or ""

    def at_least(self, version: Version) -> bool:
        """Whether the instance runs ``version`` or later."""
        return self.version >= version

    @property
    def configured(self) -> bool:
        """Whether any mail option is written anywhere (INI or variables)."""
        return any(r.ini is not None or r.env is not None for r in self.options.values())

    @property
    def version_text(self) -> str:
        """``v4.2.3``, or ``latest (assumed v4.3.3 or later)``."""
        if self.assumed:
            return f"an unknown version (assumed current, {_v(CURRENT)} or later)"
        return _v(self.version)

    def assumption(self) -> str:
        """A sentence to append where the behaviour depends on the version."""
        if not self.assumed:
            return ""
        return (
            f" (the image tag names no version: assuming current WGDashboard, "
            f"{_v(CURRENT)} or later)"
        )


def _v(version: Version) -> str:
    return "v" + ".".join(str(part) for part in version)


def version_text(version: Version) -> str:
    """``(4, 3, 3)`` → ``v4.3.3``."""
    return _v(version)


# ------------------------------------------------------------------------------ settings


@per_instance
def email_config(instance: AppInstance) -> EmailConfig:
    """The effective ``[Email]`` options of ``instance`` at its version."""
    version = instance.version or CURRENT
    ini = instance.files[0] if instance.files else None
    mode = env_mode(instance, version, ini)
    options = {key: _resolve(key, instance, version, ini, mode) for key in EMAIL_KEYS}
    return EmailConfig(version, instance.version is None, ini, mode, MappingProxyType(options))


def env_mode(instance: AppInstance, version: Version, ini: LoadedFile | None) -> EnvMode:
    """Whether the entrypoint of this version writes the ``email_*`` variables."""
    if version < ENV_VARIABLES:
        return EnvMode.TOO_OLD
    if version >= IMPLICIT_TLS and dynamic_config_off(instance) and ini and ini.settings:
        return EnvMode.DYNAMIC_CONFIG_OFF
    return EnvMode.APPLIED


def dynamic_config_off(instance: AppInstance) -> bool:
    """``dynamic_config`` is ``false``/``no`` in any case (``${dynamic_config,,}``)."""
    value = instance.environment.value("dynamic_config")
    return value is not None and value.lower() in {"false", "no"}


def ini_setting(ini: LoadedFile | None, key: str, section: str = "Email") -> Setting | None:
    """An option of the INI (the section name is case-sensitive, as configparser's)."""
    return None if ini is None else ini.settings.get(f"{section}.{key}")


def _resolve(
    key: str, instance: AppInstance, version: Version, ini: LoadedFile | None, mode: EnvMode
) -> Resolved:
    in_ini = ini_setting(ini, key)
    var = ENV_FOR_KEY.get(key)
    env = instance.environment.get(var) if var else None
    if env is not None and mode is EnvMode.APPLIED and env.value and written(key, env.value, ini):
        return Resolved(key, env.value, env, in_ini, env)
    if in_ini is not None:
        return Resolved(key, ini_value(in_ini.value, version), in_ini, in_ini, env)
    return Resolved(key, None, None, None, env)


def ini_value(value: str | None, version: Version) -> str | None:
    """What WGDashboard's parser makes of an INI value: ``ConfigParser`` (before v4.2.5)
    unescapes ``%%``; ``RawConfigParser`` keeps everything."""
    if value is None or version >= RAW_PARSER:
        return value
    return _PERCENT_ESCAPE.sub("%", value)


def written(key: str, value: str, ini: LoadedFile | None) -> bool:
    """Whether ``set_ini`` surely writes ``value``: not when the option is dropped, nor when
    the bind-mounted INI already has ``key`` (sed's update branch) and ``value`` holds a
    ``|``, which ends sed's ``s|…|…|`` early (``unknown option to `s'``)."""
    if dropped(key, ini):
        return False
    if "|" in value and ini is not None and ini.settings:
        return not any(name.split(".", 1)[-1] == key for name in ini.settings)
    return True


def dropped(key: str, ini: LoadedFile | None) -> bool:
    """Whether ``set_ini`` takes its "update" branch but cannot write: the bind-mounted INI
    has no ``[Email]`` option ``key``, while another section has one of that name."""
    if ini is None or not ini.settings or ini_setting(ini, key) is not None:
        return False
    return any(
        name.split(".", 1)[1] == key and not name.startswith(("Email.", "DEFAULT."))
        for name in ini.settings
        if "." in name
    )


def coerce(value: str | None) -> bool | str | None:
    """``DashboardConfig.GetConfig``: exact lower-case words become booleans."""
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    return value


# ----------------------------------------------------------------------------- transport


def auth_required(cfg: EmailConfig) -> bool:
    """Whether ``login()`` is called: always before v4.3.0, else ``authentication_required``
    as ``GetConfig`` returns it (absent: the app writes its default ``true``)."""
    if not cfg.at_least(AUTH_TOGGLE):
        return True
    option = cfg["authentication_required"]
    if option.value is None:
        return True
    return bool(coerce(option.value))


def tls_mode(cfg: EmailConfig) -> TlsMode:
    """``encryption`` compared exactly: ``STARTTLS``; ``IMPLICITTLS`` from v4.3.3; anything
    else (``TLS``, ``SSL``, ``starttls``, ``NOTLS``, empty) is plaintext."""
    encryption = cfg.value("encryption")
    if encryption == "IMPLICITTLS" and cfg.at_least(IMPLICIT_TLS):
        return TlsMode.IMPLICIT
    if encryption == "STARTTLS":
        # starttls() raises SMTPNotSupportedError when the server does not offer it.
        return TlsMode.STARTTLS_REQUIRED
    return TlsMode.PLAINTEXT


def missing_for_ready(cfg: EmailConfig) -> tuple[str, ...]:
    """The options ``ready()`` / ``is_ready()`` of this version finds empty."""
    if cfg.at_least(AUTH_TOGGLE):
        needed = ["server", "port", "encryption", "send_from"]
        if auth_required(cfg):
            needed[3:3] = ["username", "email_password"]
    elif cfg.at_least(SEND_FROM_FIXED):
        needed = ["server", "port", "encryption", "username", "email_password", "send_from"]
    else:
        needed = ["server", "port", "encryption", "username", "email_password"]
    return tuple(key for key in needed if not coerce(cfg.value(key)))


def parse_port(value: str | None) -> int | None:
    """``int(port)`` as ``Email.py`` calls it; ``None`` when it would raise."""
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        return None


def interpret(instance: AppInstance) -> tuple[Transport, ...]:
    """The one SMTP connection of a WGDashboard instance (none when no mail setting is
    visible, or the version has no mail feature)."""
    cfg = email_config(instance)
    if not cfg.configured or not cfg.at_least(EMAIL_FEATURE):
        return ()
    return (build_transport(cfg),)


def build_transport(cfg: EmailConfig) -> Transport:
    """The transport of an instance's effective settings."""
    tls = tls_mode(cfg)
    encryption = cfg["encryption"]
    implicit = tls is TlsMode.IMPLICIT
    server, port = cfg["server"], cfg["port"]
    username, password = cfg["username"], cfg["email_password"]
    kind = TransportKind.NONE if missing_for_ready(cfg) else TransportKind.SMTP
    verify = None if tls is TlsMode.PLAINTEXT else cfg.at_least(IMPLICIT_TLS)
    auth_settings = cfg["authentication_required"].settings if cfg.at_least(AUTH_TOGGLE) else ()
    return Transport(
        app="wgdashboard",
        kind=Field(kind, tuple(s for k in missing_for_ready(cfg) for s in cfg[k].settings)),
        driver=Field("smtplib.SMTP_SSL" if implicit else "smtplib.SMTP", encryption.settings),
        host=Field(server.value or None, server.settings),
        port=Field(parse_port(port.value), port.settings),
        tls=Field(tls, encryption.settings),
        verify_certificate=Field(verify, encryption.settings if verify is not None else ()),
        username=Field(username.value or None, username.settings),
        password=Field(password.value or None, password.settings),
        auth=Field(auth_required(cfg), auth_settings),
        sender=_sender(cfg),
    )


def _sender(cfg: EmailConfig) -> Field[str | None]:
    """``send_from`` from v4.2.2; before, ``formataddr((send_from, username))``: the
    address (and MAIL FROM) is ``username``, ``send_from`` only the display name."""
    send_from, username = cfg["send_from"], cfg["username"]
    if cfg.at_least(SEND_FROM_FIXED):
        return Field(send_from.value or None, send_from.settings)
    if not username.value:
        return Field(None, username.settings)
    from email.utils import formataddr  # only for images before v4.2.2 (email is heavy)

    text = formataddr((send_from.value or "", username.value))
    return Field(text, (*username.settings, *send_from.settings))
