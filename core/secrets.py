"""Secrets never appear in output: which keys hold secrets, how a secret is described, and a
last-line scrubber that every output passes through.
"""

from __future__ import annotations

import functools
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
    if _secret_name(key):
        return True
    if not extra:
        return False
    return key.lower() in _lowered(extra if isinstance(extra, frozenset) else frozenset(extra))


@functools.lru_cache(maxsize=4096)
def _secret_name(key: str) -> bool:
    """Whether the last part of a key's name says it holds a secret (keys recur in every
    project: the regular expression runs once per distinct key)."""
    return bool(_SECRET_KEY.search(key.rsplit(".", 1)[-1]))


@functools.lru_cache(maxsize=64)
def _lowered(keys: frozenset[str]) -> frozenset[str]:
    """The keys in lower case (an app's secret keys, lowered once rather than per look-up)."""
    return frozenset(k.lower() for k in keys)


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


#: Every masked secret is at least this long (``_worth_masking`` wants three characters that
#: are not blank): the scrubber indexes secrets by their first ``_SHORT`` characters.
_SHORT = 3
#: Secrets at least this long are indexed by this many first characters too, so that many
#: secrets sharing a short prefix (SendGrid's ``SG.``, Mailgun's ``key-``) are told apart by
#: one dictionary look-up instead of a comparison each.
_LONG = 8


class Scrubber:
    """Replaces every known secret value in a text; the last defence for all output.

    Masking is the same as replacing every secret, longest first, in the text as it stands
    after the longer ones were masked. The secrets are indexed by prefix so that a text is
    scanned once (each position looked up) rather than searched once per secret: a large
    run knows tens of thousands of secrets and writes tens of thousands of texts.
    """

    __slots__ = ("_index", "_public", "_secrets", "_starred")

    def __init__(self) -> None:
        self._secrets: set[str] = set()
        #: Text that is shown legitimately elsewhere (a non-secret value, an app name): a
        #: weak secret equal to it (``POSTGRES_USER=listmonk``, ``POSTGRES_PASSWORD=listmonk``)
        #: is not masked, or every mention of the word would be.
        self._public: set[str] = set()
        #: First ``_SHORT`` characters to the secrets shorter than ``_LONG`` and, by their
        #: first ``_LONG`` characters, the longer ones.
        self._index: dict[str, tuple[list[str], dict[str, list[str]]]] = {}
        #: Secrets containing ``*``: only they can appear in a text once a longer secret
        #: became ``****`` there without having been in it before.
        self._starred: set[str] = set()

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
        if value and _worth_masking(value):
            self._remember(value)
        self.add_url_passwords(value)

    def add_url_passwords(self, value: str | None) -> None:
        """Remember the passwords inside URLs of a non-secret value."""
        if value and "://" in value:
            for match in _URL_PASSWORD.finditer(value):
                if _worth_masking(match.group("pw")):
                    self._remember(match.group("pw"))

    def learnt(self) -> tuple[frozenset[str], frozenset[str]]:
        """The secrets and the public text this scrubber knows (to pass to another)."""
        return frozenset(self._secrets), frozenset(self._public)

    def learn(self, secrets: Iterable[str], public: Iterable[str]) -> None:
        """Know what another scrubber knows (:meth:`learnt`)."""
        self._public.update(public)
        for secret in secrets:
            self._remember(secret)

    def _remember(self, secret: str) -> None:
        if secret in self._secrets:
            return
        self._secrets.add(secret)
        shorts, longs = self._index.setdefault(secret[:_SHORT], ([], {}))
        if len(secret) < _LONG:
            shorts.append(secret)
        else:
            longs.setdefault(secret[:_LONG], []).append(secret)
        if "*" in secret:
            self._starred.add(secret)

    def __call__(self, text: str) -> str:
        found = self._present(text)
        if not found:
            return text
        public = self._public
        # Longest first; equal lengths in a fixed order (they only interact when they overlap).
        for secret in sorted(found - public, key=lambda s: (-len(s), s)):
            if secret in text:
                text = text.replace(secret, MASK)
        return text

    def _present(self, text: str) -> set[str]:
        """The secrets masking ``text`` can involve: those occurring in it, and those that
        contain ``*``. Exact: replacing a secret by ``****`` leaves the rest of the text as
        it was, so a secret that occurs only after a replacement overlaps a ``****``."""
        found = set(self._starred)
        index = self._index
        if not index:
            return found
        for i in range(len(text) - _SHORT + 1):
            entry = index.get(text[i : i + _SHORT])
            if entry is None:
                continue
            shorts, longs = entry
            for secret in shorts:
                if text.startswith(secret, i):
                    found.add(secret)
            if longs:
                for secret in longs.get(text[i : i + _LONG], ()):
                    if text.startswith(secret, i):
                        found.add(secret)
        return found


def _worth_masking(value: str | None) -> bool:
    """Whether masking a secret value everywhere in the output does more good than harm:
    not very short, and not a short single word (``password``, ``changeme``: placeholders
    that would mask every ordinary use of the word)."""
    return bool(value) and len(value.strip()) >= 3 and not (value.isalpha() and len(value) < 12)
