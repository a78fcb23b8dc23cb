"""The ``Transport``: how one app instance will really connect to send mail.

A plugin builds it from its app's settings, applying the app's own value parsing (the
exact strings its code compares against, its defaults per version). Core's generic rules judge
every ``Transport`` the same way, so a pitfall like "STARTTLS to port 465" is written once.
Every field remembers the settings it was derived from, so a finding can point at them.
"""

import enum
from typing import Generic, NamedTuple, TypeVar

from mail_lint.model import Setting

T = TypeVar("T")


class TlsMode(enum.StrEnum):
    """How the connection is secured, as the app's mail library will actually behave."""

    #: TLS from the first byte (SMTPS, "SSL"); the usual port is 465.
    IMPLICIT = "implicit-tls"
    #: Plaintext greeting, then STARTTLS; the send fails if the server does not offer it.
    STARTTLS_REQUIRED = "starttls-required"
    #: STARTTLS when the server offers it, plaintext otherwise.
    STARTTLS_OPPORTUNISTIC = "starttls-opportunistic"
    #: Never encrypted.
    PLAINTEXT = "plaintext"
    #: The app's settings do not decide it (a value that only exists at run time).
    UNKNOWN = "unknown"


class TransportKind(enum.StrEnum):
    """What kind of delivery the app uses."""

    SMTP = "smtp"
    #: A provider's HTTP API (Postmark, Mailgun, SendGrid adapters).
    API = "api"
    #: A local sendmail binary.
    SENDMAIL = "sendmail"
    #: Direct delivery to the recipient's MX (Plausible's Mua without a relay).
    DIRECT = "direct"
    #: Mail is not sent: written to a log, kept in memory.
    NONE = "none"


class Field(NamedTuple, Generic[T]):
    """A derived value and the settings it was derived from (empty for a code default)."""

    value: T
    settings: tuple[Setting, ...] = ()

    @property
    def setting(self) -> Setting | None:
        """The main setting behind the value, if any."""
        return self.settings[0] if self.settings else None


_NONE: Field[None] = Field(None)


class Transport(NamedTuple):
    """One outgoing-mail connection of an app instance, as the app will make it."""

    #: The app slug (``bookstack``).
    app: str
    kind: Field[TransportKind]
    #: A label when an instance has several (Listmonk's ``smtp[1]``); ``""`` otherwise.
    name: str = ""
    #: The app's own name for the driver/adapter in effect (``smtp``, ``Bamboo.Mua``).
    driver: Field[str | None] = _NONE
    host: Field[str | None] = _NONE
    port: Field[int | None] = _NONE
    tls: Field[TlsMode] = Field(TlsMode.UNKNOWN)
    #: Whether the server certificate is verified; ``None`` when TLS is never used.
    verify_certificate: Field[bool | None] = _NONE
    username: Field[str | None] = _NONE
    #: The password as the app will send it (rules may inspect its shape; output never shows it).
    password: Field[str | None] = _NONE
    #: Whether the app will authenticate at all.
    auth: Field[bool] = Field(False)
    #: The From address (possibly ``Name <addr>``) as the app will send it.
    sender: Field[str | None] = _NONE

    def fields(self) -> dict[str, Field[object]]:
        """Every field by name, for ``inspect`` and generic rules."""
        return {
            "kind": self.kind,
            "driver": self.driver,
            "host": self.host,
            "port": self.port,
            "tls": self.tls,
            "verify_certificate": self.verify_certificate,
            "username": self.username,
            "password": self.password,
            "auth": self.auth,
            "sender": self.sender,
        }
