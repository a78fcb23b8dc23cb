"""Secrets never appear in output: which keys hold secrets, how a secret is described, and a
last-line scrubber that every output passes through.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# Key names that hold secrets in any app (SMTP_PASSWORD, SMTP_USER_PWD, POSTMARK_TOKEN,
# SENDGRID_API_KEY, APP_SECRET, email_password, ...).
_SECRET_KEY = re.compile(
    r"(?i)(pass(word|wd)?|pwd|secret|token|api[_-]?key|private[_-]?key|credential|"
    r"(^|[_.])key$|_key_base$|auth[_-]?key|dsn)"
)
# scheme://user:password@host. The scheme is bounded: an unbounded ``[A-Za-z0-9+.-]*`` is
# tried from every letter of a long word and made the scan quadratic (100 KB took 5 s).
_URL_PASSWORD = re.compile(
    r"(?P<head>[A-Za-z][A-Za-z0-9+.-]{0,31}://[^:/@\s]*:)(?P<pw>[^@/\s]+)(?=@)"
)
MASK = "****"


def is_secret_key(key: str, extra: Iterable[str] = ()) -> bool:
    """Whether a key's value is a secret: by its name, or listed by an app."""
    last = key.rsplit(".", 1)[-1]
    return bool(_SECRET_KEY.search(last)) or key.lower() in {k.lower() for k in extra}


def shape(value: str) -> str:
    """Describe a secret without showing it: ``'Tr0u…' (12 chars, contains '$')``.

    Only the first four characters of values of at least twelve characters are shown;
    shorter ones show none.
    """
    notes = [f"{len(value)} chars"]
    specials = [c for c in "$#'\" \\`" if c in value]
    if specials:
        notes.append("contains " + ", ".join(repr(c) for c in specials))
    head = f"'{value[:4]}…' " if len(value) >= 12 else ""
    return f"{head}({'; '.join(notes)})"


def redact_url(value: str) -> str:
    """Mask the password of ``scheme://user:password@host`` URLs in a value."""
    return _URL_PASSWORD.sub(lambda m: m.group("head") + MASK, value)


class Scrubber:
    """Replaces every known secret value in a text; the last defence for all output."""

    __slots__ = ("_public", "_secrets")

    def __init__(self) -> None:
        self._secrets: set[str] = set()
        #: Text that is shown legitimately elsewhere (a non-secret value, an app name): a
        #: weak secret equal to it (``POSTGRES_USER=listmonk``, ``POSTGRES_PASSWORD=listmonk``)
        #: is not masked, or every mention of the word would be.
        self._public: set[str] = set()

    def allow(self, value: str | None) -> None:
        """Remember text that is not secret."""
        if value:
            self._public.add(value)

    def add(self, value: str | None) -> None:
        """Remember a secret value.

        Very short values, and short single words (``password``, ``changeme``,
        ``listmonk``: placeholders, which the placeholder rules name anyway), are not
        masked: masking them would mask every ordinary use of the word in the output.
        Secrets are kept out of messages by the rules and ``inspect`` in the first place;
        this is the last defence for everything else.
        """
        if _worth_masking(value):
            self._secrets.add(value or "")
        self.add_url_passwords(value)

    def add_url_passwords(self, value: str | None) -> None:
        """Remember the passwords inside URLs of a non-secret value."""
        if value:
            for match in _URL_PASSWORD.finditer(value):
                if _worth_masking(match.group("pw")):
                    self._secrets.add(match.group("pw"))

    def __call__(self, text: str) -> str:
        for secret in sorted(self._secrets - self._public, key=len, reverse=True):
            if secret in text:
                text = text.replace(secret, MASK)
        return text


def _worth_masking(value: str | None) -> bool:
    """Whether masking a secret value everywhere in the output does more good than harm:
    not very short, and not a short single word (``password``, ``changeme``: placeholders
    that would mask every ordinary use of the word)."""
    return bool(value) and len(value.strip()) >= 3 and not (value.isalpha() and len(value) < 12)
