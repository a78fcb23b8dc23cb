"""Inline suppressions: ``# mail-lint: ignore[CODE,…] reason`` and ``ignore-file[…]``.

Every format mail-lint reads (YAML, dotenv, INI, TOML) writes comments with ``#``. The line
form suppresses the listed codes for findings located on that line (or whose interpolation
chain passes through it); the file form, anywhere in a file, for every finding in the file.
A selector is a code (``DOC005``), a prefix (``DOC``, ``SMTP0``) or a rule name
(``dollar-interpolated-by-compose``). A suppression that suppresses nothing is reported as
``ML004 unused-suppression``.
"""

import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import NamedTuple

from mail_lint.model import Location
from mail_lint.rules import Finding

# `#` at the start of the line or after whitespace: a comment in YAML, INI, TOML and the
# Compose/Node/phpdotenv dialects of .env (an unquoted value ends at ` #`). A string: `re`
# compiles it on first use, in the few runs whose files hold the mark.
_DIRECTIVE = (
    r"(?:^|(?<=\s))#\s*mail-lint:\s*(?P<kind>ignore-file|ignore)\[(?P<codes>[^\]]*)\]"
    r"[ \t]*(?P<reason>.*?)\s*$"
)
_MARK = "mail-lint:"
_MARK_BYTES = _MARK.encode()


class Suppression(NamedTuple):
    """One ``# mail-lint: ignore…`` comment; ``used`` collects the selectors that matched."""

    location: Location
    selectors: tuple[str, ...]
    reason: str
    whole_file: bool
    used: set[str]

    def matching(self, finding: Finding) -> str | None:
        """The selector of this suppression that covers ``finding``, if any."""
        for selector in self.selectors:
            if selector_matches(selector, finding.code, finding.name):
                return selector
        return None


def selector_matches(selector: str, code: str, name: str) -> bool:
    """``DOC005``, a prefix of it (``DOC``, ``DOC0``) or its name (``smtp-port-tls``)."""
    return code.startswith(selector.upper()) if selector[:1].isupper() else selector == name


def scan(text: str, path: Path) -> list[Suppression]:
    """The suppression comments of a file's text."""
    if _MARK not in text:
        return []
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        if _MARK not in line:
            continue
        match = re.search(_DIRECTIVE, line)
        if match is None:
            continue
        selectors = tuple(s.strip() for s in match.group("codes").split(",") if s.strip())
        found.append(
            Suppression(
                Location(path, number, match.start() + 1),
                selectors,
                match.group("reason"),
                match.group("kind") == "ignore-file",
                set(),
            )
        )
    return found


def scan_files(paths: Iterable[str]) -> dict[str, list[Suppression]]:
    """The suppression comments of each of ``paths`` that has any, by path."""
    found = {}
    for path in paths:
        text = _text_with_marks(path)
        if text:
            comments = scan(text, Path(path))
            if comments:
                found[path] = comments
    return found


def _text_with_marks(path: str | Path) -> str:
    """The text of ``path`` if it may hold a ``mail-lint:`` comment, else ``""``.

    Every linted file is read again here, for its comments; most have none, and a look at
    the raw bytes spares decoding and scanning them. UTF-16 text is decoded first (its
    bytes never contain the ASCII mark). An unreadable file has no comments (it is reported
    as ML001/ML002 by the loader).
    """
    from mail_lint.errors import SourceError
    from mail_lint.textio import MAX_BYTES, UnreadableError, decode, read_bytes

    try:
        data = read_bytes(path)
    except OSError:
        return ""
    utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))
    if len(data) > MAX_BYTES or not (utf16 or _MARK_BYTES in data):
        return ""
    try:
        return decode(data, Path(path))
    except (UnreadableError, SourceError):
        return ""


class Suppressor:
    """Reads each file's comments once and filters findings through them."""

    def __init__(self, scanned: Mapping[str, list[Suppression]] | None = None) -> None:
        #: By absolute path (a string: a ``Path`` per look-up cost more than the look-up);
        #: ``scanned`` holds files already read (:func:`scan_files`), with or without comments.
        self._by_path: dict[str, list[Suppression]] = dict(scanned or {})

    def comments(self, path: Path) -> list[Suppression]:
        key = os.path.abspath(path)
        found = self._by_path.get(key)
        if found is None:
            found = self._by_path[key] = scan(_text_with_marks(path), path)
        return found

    def _covering(self, finding: Finding) -> bool:
        places = [loc for loc in (finding.location, *finding.origin) if loc is not None]
        for place in places:
            for suppression in self.comments(place.path):
                if not suppression.whole_file and suppression.location.line != place.line:
                    continue
                selector = suppression.matching(finding)
                if selector is not None:
                    suppression.used.add(selector)
                    return True
        return False

    def apply(self, findings: Iterable[Finding], linted: Iterable[Path] = ()) -> list[Finding]:
        """The findings no comment suppresses; then scan ``linted`` for unused comments
        (files not given to the constructor already scanned)."""
        kept = [f for f in findings if not self._covering(f)]
        for path in linted:
            self.comments(path)
        return kept

    def unused(self) -> list[Suppression]:
        """Suppressions with at least one selector that suppressed nothing."""
        return [
            s
            for comments in self._by_path.values()
            for s in comments
            if not s.selectors or set(s.selectors) - s.used
        ]
