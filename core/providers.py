"""What SMTP providers really require, as frozen data for the generic ``SMTP`` rules.

Facts: ``shared/reference/apps-wgdashboard-providers.md`` Part B (B.1 table and B.2-B.18 with
each provider's documentation page) and the port cheat-sheet C.2. Entries marked UNCONFIRMED
there are left out: a port is listed only where the provider's own page (or, for the few
marked, consistent third-party sources) names it, so "not offered" findings stay exact.
"""

import functools
from typing import NamedTuple


class Provider(NamedTuple):
    """One SMTP service: how to recognise its host and what it accepts."""

    #: Stable slug (``sendgrid``).
    name: str
    #: How people call it (``SendGrid``).
    title: str
    #: Host names, lower-case; ``{region}`` stands for one label (``us-east-1``).
    hosts: tuple[str, ...]
    #: Ports that speak TLS from the first byte.
    implicit_ports: frozenset[int] = frozenset()
    #: Ports with a plaintext greeting (STARTTLS offered or required).
    starttls_ports: frozenset[int] = frozenset()
    #: False when the port list above is not known to be complete (no "not offered" findings).
    ports_complete: bool = True
    #: The literal user name the provider requires (``apikey``), if any.
    fixed_username: str | None = None
    #: The user name must be a full e-mail address.
    username_is_address: bool = False
    #: The From address must be the authenticated mailbox (or one of its aliases).
    sender_owned: bool = False
    #: The login is an address at the one domain it sends for (Mailgun, reference B.4): any
    #: From in that organisational domain is fine, one on another domain fails DMARC.
    login_domain_bound: bool = False
    #: The provider refuses any connection without TLS.
    tls_required: bool = False
    #: Basic-auth (password) SMTP AUTH: ``None`` fine, else how it ends (``retired``/``retiring``).
    basic_auth: str | None = None
    #: A development catcher or sandbox: mail is never delivered.
    catcher: bool = False
    #: The provider's documentation page for SMTP settings.
    docs: str = ""

    @property
    def ports(self) -> frozenset[int]:
        """Every port the provider listens on."""
        return self.implicit_ports | self.starttls_ports

    def matches(self, host: str) -> bool:
        """Whether ``host`` (lower-case, no trailing dot) is one of this provider's hosts."""
        return any(_host_matches(pattern, host) for pattern in self.hosts)


def _host_matches(pattern: str, host: str) -> bool:
    if "{region}" in pattern:
        head, tail = pattern.split("{region}", 1)
        if not (host.startswith(head) and host.endswith(tail)):
            return False
        middle = host[len(head) : len(host) - len(tail)]
        return bool(middle) and "." not in middle
    return host == pattern


def _ports(*ports: int) -> frozenset[int]:
    return frozenset(ports)


#: Part B's table. Order matters only for readability; hosts do not overlap.
PROVIDERS: tuple[Provider, ...] = (
    Provider(
        "resend",
        "Resend",
        ("smtp.resend.com",),
        implicit_ports=_ports(465, 2465),
        starttls_ports=_ports(25, 587, 2587),
        fixed_username="resend",
        docs="https://resend.com/docs/send-with-smtp",
    ),
    Provider(
        "sendgrid",
        "SendGrid",
        ("smtp.sendgrid.net",),
        implicit_ports=_ports(465),
        starttls_ports=_ports(25, 587, 2525),
        fixed_username="apikey",
        docs="https://www.twilio.com/docs/sendgrid/for-developers/sending-email/integrating-with-the-smtp-api",
    ),
    Provider(
        "mailgun",
        "Mailgun",
        ("smtp.mailgun.org", "smtp.eu.mailgun.org"),
        implicit_ports=_ports(465),
        starttls_ports=_ports(25, 587, 2525),
        username_is_address=True,
        login_domain_bound=True,
        docs="https://documentation.mailgun.com/docs/mailgun/user-manual/sending-messages/send-smtp",
    ),
    Provider(
        "postmark",
        "Postmark",
        ("smtp.postmarkapp.com", "smtp-broadcasts.postmarkapp.com"),
        starttls_ports=_ports(25, 587, 2525),
        docs="https://postmarkapp.com/support/article/811-what-are-the-smtp-details-credentials-i-should-be-using",
    ),
    Provider(
        "ses",
        "Amazon SES",
        ("email-smtp.{region}.amazonaws.com",),
        implicit_ports=_ports(465, 2465),
        starttls_ports=_ports(25, 587, 2587),
        tls_required=True,
        docs="https://docs.aws.amazon.com/ses/latest/dg/smtp-connect.html",
    ),
    Provider(
        "brevo",
        "Brevo",
        ("smtp-relay.brevo.com", "smtp-relay.sendinblue.com"),
        implicit_ports=_ports(465),
        starttls_ports=_ports(587, 2525),
        username_is_address=True,
        docs="https://developers.brevo.com/docs/smtp-integration",
    ),
    Provider(
        "mailjet",
        "Mailjet",
        ("in-v3.mailjet.com",),
        implicit_ports=_ports(465),
        starttls_ports=_ports(25, 587, 2525),
        ports_complete=False,
        docs="https://cloud.google.com/compute/docs/tutorials/sending-mail/using-mailjet",
    ),
    Provider(
        "gmail",
        "Gmail / Google Workspace",
        ("smtp.gmail.com", "smtp.googlemail.com"),
        implicit_ports=_ports(465),
        starttls_ports=_ports(587),
        ports_complete=False,
        username_is_address=True,
        sender_owned=True,
        docs="https://support.google.com/a/answer/176600",
    ),
    Provider(
        "microsoft365",
        "Microsoft 365",
        ("smtp.office365.com", "smtp-legacy.office365.com"),
        starttls_ports=_ports(587),
        ports_complete=False,
        username_is_address=True,
        sender_owned=True,
        basic_auth="retiring",
        docs="https://techcommunity.microsoft.com/blog/exchange/exchange-online-to-retire-basic-auth-for-client-submission-smtp-auth/4114750",
    ),
    Provider(
        "outlook",
        "Outlook.com",
        ("smtp-mail.outlook.com", "smtp.live.com", "smtp.outlook.com"),
        starttls_ports=_ports(587),
        ports_complete=False,
        username_is_address=True,
        sender_owned=True,
        basic_auth="retired",
        docs="https://support.microsoft.com/en-us/office/pop-imap-and-smtp-settings-for-outlook-com-d088b986-291d-42b8-9564-9c414e2aa040",
    ),
    Provider(
        "zoho",
        "Zoho Mail",
        ("smtp.zoho.com", "smtp.zoho.eu", "smtp.zoho.in", "smtppro.zoho.com", "smtppro.zoho.eu"),
        implicit_ports=_ports(465),
        starttls_ports=_ports(587),
        ports_complete=False,
        username_is_address=True,
        sender_owned=True,
        docs="https://www.zoho.com/mail/help/zoho-smtp.html",
    ),
    Provider(
        "fastmail",
        "Fastmail",
        ("smtp.fastmail.com",),
        implicit_ports=_ports(465),
        ports_complete=False,
        username_is_address=True,
        sender_owned=True,
        docs="https://www.fastmail.help/hc/en-us/articles/1500000279921-IMAP-POP-and-SMTP",
    ),
    Provider(
        "icloud",
        "iCloud Mail",
        ("smtp.mail.me.com",),
        starttls_ports=_ports(587),
        ports_complete=False,
        username_is_address=True,
        sender_owned=True,
        docs="https://support.apple.com/en-us/102525",
    ),
    Provider(
        "scaleway",
        "Scaleway TEM",
        ("smtp.tem.scaleway.com", "smtp.tem.scw.cloud"),
        implicit_ports=_ports(465, 2465),
        starttls_ports=_ports(25, 587, 2587),
        tls_required=True,
        docs="https://www.scaleway.com/en/docs/transactional-email/reference-content/smtp-configuration/",
    ),
    Provider(
        "smtp2go",
        "SMTP2GO",
        (
            "mail.smtp2go.com",
            "mail-us.smtp2go.com",
            "mail-eu.smtp2go.com",
            "mail-eu2.smtp2go.com",
            "mail-au.smtp2go.com",
        ),
        implicit_ports=_ports(465, 8465, 443),
        starttls_ports=_ports(25, 2525, 8025, 587, 80),
        docs="https://developers.smtp2go.com/docs/smtp-relay",
    ),
    Provider(
        "mailtrap",
        "Mailtrap sending",
        ("live.smtp.mailtrap.io", "bulk.smtp.mailtrap.io"),
        starttls_ports=_ports(587),
        ports_complete=False,
        fixed_username="api",
        docs="https://docs.mailtrap.io/email-api-smtp/setup/smtp-integration",
    ),
    Provider(
        "mailtrap-sandbox",
        "Mailtrap sandbox (Email Testing)",
        ("sandbox.smtp.mailtrap.io", "smtp.mailtrap.io"),
        implicit_ports=_ports(465),
        starttls_ports=_ports(25, 587, 2525),
        ports_complete=False,
        catcher=True,
        docs="https://docs.mailtrap.io/email-sandbox",
    ),
)

#: Development catchers recognised by host name (a compose service or image of that name).
CATCHERS = {
    "mailpit": "Mailpit",
    "mailhog": "MailHog",
    "mailcatcher": "MailCatcher",
    "maildev": "MailDev",
    "smtp4dev": "smtp4dev",
    "mailcrab": "MailCrab",
}
#: Implicit-TLS ports whatever the provider (C.2): 465 everywhere; 2465 and 8465 are only ever
#: used as implicit-TLS alternatives (Resend, SES, Scaleway; SMTP2GO).
IMPLICIT_TLS_PORTS = frozenset({465, 2465, 8465})
#: Ports that start in plaintext (C.2): submission, MTA, provider alternatives, dev catchers.
PLAINTEXT_START_PORTS = frozenset({25, 587, 2525, 2587, 8025, 1025})


def provider_for(host: str | None) -> Provider | None:
    """The provider whose SMTP host this is, ``None`` when unknown."""
    if not host:
        return None
    return _provider_named(host)


@functools.lru_cache(maxsize=1024)
def _provider_named(host: str) -> Provider | None:
    """:func:`provider_for` a non-empty host. Cached: every rule about the transport asks
    for the same few hosts, and each answer tries every provider's host patterns."""
    name = host.strip().strip("[]").rstrip(".").lower()
    return next((p for p in PROVIDERS if p.matches(name)), None)


def catcher_name(host: str | None) -> str | None:
    """``Mailpit`` when ``host`` names a development mail catcher; ``None`` otherwise."""
    if not host:
        return None
    provider = provider_for(host)
    if provider is not None and provider.catcher:
        return provider.title
    labels = host.strip().lower().replace("-", ".").replace("_", ".").split(".")
    return next((title for name, title in CATCHERS.items() if name in labels), None)


#: Second-level labels under a country code that are public suffixes themselves
#: (``co.uk``, ``com.au``): the organisational domain then has three labels.
_SECOND_LEVEL = frozenset({"ac", "co", "com", "edu", "gov", "ne", "net", "or", "org"})


def organisational_domain(domain: str) -> str:
    """``example.co.uk`` for ``mg.example.co.uk``: DMARC's organisational domain,
    approximated without the Public Suffix List."""
    labels = domain.lower().rstrip(".").split(".")
    size = 3 if len(labels) > 2 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL else 2
    return ".".join(labels[-size:])
