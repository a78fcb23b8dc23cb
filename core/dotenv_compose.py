"""The Compose dotenv dialect: the project ``.env`` and ``env_file:`` files.

A port of compose-go v2.9.1 ``dotenv/parser.go`` (the parser Docker Compose v2.40.3 runs),
kept statement for statement so that its quirks survive, each checked against the binary:

* Statements start at the first non-space character; ``#`` there starts a comment line. A
  leading UTF-8 BOM is dropped (positions count from after it).
* ``export`` followed by whitespace (a newline included) is dropped: ``export =1`` defines
  the empty key, ``export`` alone on a line is skipped, a final ``export `` with nothing
  after it fails with "zero length string".
* The key ends at ``=``, ``:`` or a newline (a bare ``KEY``). Key characters are Unicode
  letters and numbers, ``_ . - [ ]`` and the non-newline spaces (tab, VT, FF, CR, space,
  U+0085, U+00A0); a space inside the key is then an error, a tab is kept in the key.
* A last line with no ``=``/``:`` and no newline (``KEY`` at end of file) is not a bare key:
  the whole line becomes the value of the empty key ``""``.
* A bare ``KEY`` takes its value from the lookup, else keeps an earlier value of the same
  file, else stays unset (``value`` None).
* Unquoted values run to the end of the line; only space-hash `` #`` starts a comment
  (``a\\t#b`` keeps the hash), then Unicode spaces are trimmed on the right. Leading spaces
  are trimmed *before* the comment is looked for, so ``K= #c`` is the value ``#c``.
* Quoted values end at the first unescaped matching quote and may span lines. ``\\`` pairs
  with the next character: ``\\<quote>`` becomes the quote, every other pair is kept as
  written. Double-quoted text then has ``\\a \\b \\f \\n \\r \\t \\v \\\\ \\$`` and ``\\0NNN``
  (exactly three octal digits, at most 255) expanded, ``\\$`` becoming ``$$``; a ``\\0``
  sequence that is not a valid octal escape loses its ``0`` (``\\08`` gives ``\\8``,
  ``\\0`` a lone backslash). The text is then interpolated. Single-quoted text is literal.
* Text after a closing quote starts a new statement: ``A="x" B=y`` defines B, ``A="x"z``
  makes ``z`` a bare key and ``A='x'=y`` defines the empty key as ``y``.
* Interpolation (unquoted and double-quoted) resolves names through ``lookup`` first, then
  the earlier entries of the same file; see :mod:`mail_lint.interpolation`.

``raw=True`` is ``env_file`` ``format: raw``, which Compose reads with docker/cli v28.5.1
``kvfile``: lines split on ``\\n`` with one trailing ``\\r`` dropped, leading Unicode spaces
trimmed, ``#`` and empty lines skipped, the key up to the first ``=`` (no spaces or tabs),
the value kept exactly (quotes, `` # comments`` and trailing spaces included).

Deliberate deviations: errors are reported at the exact position of the fault rather than
with Compose's ``line N:`` prefix (its line counter drifts); the ``unterminated quoted
value`` message drops a trailing ``\\r``; compose-go's ``failed to read <file>:`` prefix is
left to the location. Text is taken as already decoded (Compose reads bytes).
"""

from __future__ import annotations

import bisect
import re
from itertools import accumulate
from pathlib import Path

from mail_lint.errors import SourceError
from mail_lint.interpolation import Lookup, go_quote, interpolate
from mail_lint.model import DotenvEntry, Location, Variable

# Go's unicode.IsSpace, and the parser's own isSpace (no line break among them).
_UNICODE_SPACE = (
    "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_INLINE_SPACE = "\t\v\f\r \x85\xa0"
_NON_SPACE = re.compile("[^" + _UNICODE_SPACE + "]")
_INLINE_SPACES = re.compile("[" + _INLINE_SPACE + "]*")
_LEADING_SPACES = re.compile("[" + _UNICODE_SPACE + "]*")
# Go's \s is [\t\n\f\r ].
_EXPORT = re.compile(r"export[\t\n\f\r ]+")
_KEY_RUN = re.compile(r"[A-Za-z0-9_.\-\[\]" + _INLINE_SPACE + "]*")
#: A key of ASCII key characters (no space) directly followed by ``=``.
_PLAIN_KEY = re.compile(r"[A-Za-z0-9_.\-\[\]]+(?==)")
_QUOTED = {
    '"': re.compile(r'"((?:[^"\\]|\\.)*+)"', re.DOTALL),
    "'": re.compile(r"'((?:[^'\\]|\\.)*+)'", re.DOTALL),
}
_ESCAPE = re.compile(r'\\(?:[abcfnrtv$"\\]|0[0-9]{0,3})')
_SIMPLE_ESCAPES = {
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "v": "\v",
    "\\": "\\",
    '"': '"',
    "$": "$$",
}
_OCTAL = re.compile("[0-7]{3}")
_new = tuple.__new__
_PLUS_ONE = (1).__add__
_BOM = "\ufeff"


class _Positions:
    """Turns offsets into 1-based line/column :class:`Location` objects."""

    __slots__ = ("_path", "_starts")

    def __init__(self, text: str, path: Path) -> None:
        self._path = path
        # The offset after each "\n": the running sum of the lines' lengths plus one.
        pieces = text.split("\n")
        pieces.pop()
        self._starts = list(accumulate(map(_PLUS_ONE, map(len, pieces)), initial=0))

    def at(self, offset: int, end: int | None = None) -> Location:
        """The location of ``offset``, spanning to the exclusive ``end`` when given."""
        starts = self._starts
        line = bisect.bisect_right(starts, offset) - 1
        if end is None:
            return Location(self._path, line + 1, offset - starts[line] + 1)
        # The end is on the same line (the usual case) when no line starts at or before it.
        nxt = line + 1
        if nxt == len(starts) or end < starts[nxt]:
            end_line = line
        else:
            end_line = bisect.bisect_right(starts, end) - 1
        # tuple.__new__: Location's generated __new__ is a Python call, made twice a line.
        return _new(
            Location,
            (
                self._path,
                line + 1,
                offset - starts[line] + 1,
                end_line + 1,
                end - starts[end_line] + 1,
            ),
        )

    def _line_column(self, offset: int) -> tuple[int, int]:
        index = bisect.bisect_right(self._starts, offset) - 1
        return index + 1, offset - self._starts[index] + 1


def _unescape(match: re.Match[str]) -> str:
    """One escape sequence of a double-quoted value, as ``expandEscapes`` does it."""
    text = match.group(0)
    if text[1] != "0":
        return _SIMPLE_ESCAPES.get(text[1], text)
    digits = text[2:]
    if len(digits) == 3 and _OCTAL.fullmatch(digits) and int(digits, 8) <= 0o377:
        return chr(int(digits, 8))
    return "\\" + digits  # Go returns the match after rewriting "\\0" to "\\"


def _is_key_char(char: str) -> bool:
    """Go's ``unicode.IsLetter || unicode.IsNumber`` for a non-ASCII character."""
    import unicodedata  # only for the rare non-ASCII key: ~0.3 ms of a start-up

    return unicodedata.category(char)[0] in "LN"


def _first_line(text: str, start: int) -> str:
    """The text from ``start`` to the end of its line."""
    end = text.find("\n", start)
    return text[start:] if end == -1 else text[start:end]


class _Reader:
    """State shared by both readers: positions, the lookup and the entries so far."""

    __slots__ = ("_entries", "_known", "_lookup", "_pos", "_text")

    def __init__(
        self,
        text: str,
        path: Path,
        lookup: Lookup | None,
        known: dict[str, Variable] | None = None,
    ) -> None:
        self._text = text
        self._pos = _Positions(text, path)
        self._lookup = lookup
        self._known: dict[str, Variable] = {} if known is None else known
        self._entries: list[DotenvEntry] = []

    def _resolve(self, name: str) -> Variable | None:
        """The lookup first, then the earlier entries of this file."""
        if self._lookup is not None:
            variable = self._lookup(name)
            if variable is not None:
                return variable
        return self._known.get(name)

    def _add(self, entry: DotenvEntry) -> None:
        """Record ``entry``; later lines can interpolate it."""
        self._entries.append(entry)
        if entry.value is not None:  # entry.to_variable()
            self._known[entry.key] = _new(
                Variable, (entry.key, entry.value, entry.location, entry.origin)
            )

    def _inherited(self, key: str, key_location: Location) -> DotenvEntry:
        """A bare ``KEY``: its value comes from the lookup, else it is left unset."""
        variable = self._resolve(key)
        if variable is None:
            return DotenvEntry(key, None, key_location, key_location, "")
        origin = tuple(loc for loc in (variable.location, *variable.origin) if loc is not None)
        return DotenvEntry(
            key, variable.value, key_location, key_location, "", origin=origin, from_origin=True
        )


class _Parser(_Reader):
    """compose-go's ``parser``, walking one text by absolute offsets."""

    __slots__ = ()

    def parse(self) -> tuple[DotenvEntry, ...]:
        """Every statement of the text, in order."""
        offset = self._statement_start(0)
        while offset < len(self._text):
            offset = self._statement_start(self._statement(offset))
        return tuple(self._entries)

    def _statement_start(self, offset: int) -> int:
        """``getStatementStart``: skip spaces and comment lines."""
        text = self._text
        while True:
            match = _NON_SPACE.search(text, offset)
            if match is None:
                return len(text)
            offset = match.start()
            if text[offset] != "#":
                return offset
            newline = text.find("\n", offset)
            if newline == -1:
                return len(text)
            offset = newline

    def _statement(self, start: int) -> int:
        """One ``KEY=value`` (or bare ``KEY``) from ``start``; returns the offset after it."""
        text = self._text
        if text.startswith("export", start) and _EXPORT.match(text, start):
            start = _INLINE_SPACES.match(text, start + len("export")).end()
        if start == len(text):
            raise SourceError("zero length string", self._pos.at(start))
        plain = _PLAIN_KEY.match(text, start)
        if plain is not None:
            # ``KEY=`` with ASCII key characters and no space: what _key_end finds (the key
            # run stops at the `=`), the key needing no trimming.
            key = plain.group()
            stop = plain.end()
            terminator = "="
        else:
            stop = self._key_end(start)
            terminator = text[stop] if stop < len(text) else ""
            key = text[start:stop].rstrip(_UNICODE_SPACE) if terminator else ""
        key_location = self._pos.at(start, start + len(key))
        if " " in key:
            raise SourceError("key cannot contain a space", key_location)
        value_start = start if not terminator else stop + 1
        if value_start < len(text) and text[value_start] in _INLINE_SPACE:
            value_start = _INLINE_SPACES.match(text, value_start).end()
        if terminator == "\n":
            self._add(self._inherited(key, key_location))
            return value_start
        if value_start < len(text) and text[value_start] in _QUOTED:
            return self._quoted(key, key_location, value_start)
        return self._unquoted(key, key_location, value_start)

    def _key_end(self, start: int) -> int:
        """The offset of the ``=``, ``:`` or newline ending the key (``len`` if none)."""
        text = self._text
        offset = start
        while True:
            offset = _KEY_RUN.match(text, offset).end()
            if offset == len(text) or text[offset] in "=:\n":
                return offset
            char = text[offset]
            if char < "\x80" or not _is_key_char(char):
                line = _first_line(text, start)
                raise SourceError(
                    f"unexpected character {go_quote(char)} in variable name {go_quote(line)}",
                    self._pos.at(offset, offset + 1),
                )
            offset += 1

    def _unquoted(self, key: str, key_location: Location, start: int) -> int:
        """``KEY=value # comment``: to the end of the line, interpolated."""
        text = self._text
        newline = text.find("\n", start)
        end = len(text) if newline == -1 else newline
        raw = text[start:end]
        comment = raw.find(" #")
        if comment != -1:
            raw = raw[:comment]
        raw = raw.rstrip(_UNICODE_SPACE)
        location = self._pos.at(start, start + len(raw))
        self._add(self._interpolated(key, key_location, location, raw, raw, ""))
        return end if newline == -1 else newline + 1

    def _quoted(self, key: str, key_location: Location, start: int) -> int:
        """``KEY="value"`` or ``KEY='value'``; returns the offset after the closing quote."""
        text = self._text
        quote = text[start]
        match = _QUOTED[quote].match(text, start)
        if match is None:
            message = _first_line(text, start).removesuffix("\r")
            raise SourceError(f"unterminated quoted value {message}", self._pos.at(start))
        raw = match.group(1)
        value = raw.replace("\\" + quote, quote)
        location = self._pos.at(start, match.end())
        if quote == "'":
            self._add(
                _new(DotenvEntry, (key, value, location, key_location, raw, quote, (), (), False))
            )
        else:
            template = _ESCAPE.sub(_unescape, value)
            self._add(self._interpolated(key, key_location, location, template, raw, quote))
        return match.end()

    def _interpolated(
        self,
        key: str,
        key_location: Location,
        location: Location,
        template: str,
        raw: str,
        quote: str,
    ) -> DotenvEntry:
        """An entry whose value is ``template`` interpolated."""
        # DotenvEntry(key, value, ..., from_origin) without the generated Python-level
        # __new__; a template without `$` is its own value (what interpolate returns).
        if "$" not in template:
            return _new(
                DotenvEntry, (key, template, location, key_location, raw, quote, (), (), False)
            )
        result = interpolate(template, self._resolve, location=location)
        return _new(
            DotenvEntry,
            (
                key,
                result.value,
                location,
                key_location,
                raw,
                quote,
                result.origin,
                result.missing,
                result.from_origin,
            ),
        )


class _RawParser(_Reader):
    """docker/cli ``kvfile``, the reader of ``env_file`` ``format: raw``."""

    __slots__ = ()

    def parse(self) -> tuple[DotenvEntry, ...]:
        """Every ``KEY=value`` line, values as written."""
        offset = 0
        for line in self._text.split("\n"):
            self._line(line.removesuffix("\r"), offset)
            offset += len(line) + 1
        return tuple(self._entries)

    def _line(self, line: str, offset: int) -> None:
        start = _LEADING_SPACES.match(line).end()
        body = line[start:]
        if not body or body[0] == "#":
            return
        key, equals, value = body.partition("=")
        key_offset = offset + start
        key_location = self._pos.at(key_offset, key_offset + len(key))
        if not key:
            raise SourceError(f"no variable name on line '{body}'", key_location)
        if " " in key or "\t" in key:
            raise SourceError(f"variable '{key}' contains whitespaces", key_location)
        if equals:
            value_offset = key_offset + len(key) + 1
            location = self._pos.at(value_offset, value_offset + len(value))
            entry = (key, value, location, key_location, value, "", (), (), False)
            self._add(_new(DotenvEntry, entry))
            return
        self._add(self._inherited(key, key_location))


def parse_compose_dotenv(
    text: str,
    path: Path,
    *,
    lookup: Lookup | None = None,
    raw: bool = False,
    known: dict[str, Variable] | None = None,
) -> tuple[DotenvEntry, ...]:
    """Every entry of a Compose dotenv text, in file order (a later duplicate key wins).

    ``lookup`` resolves ``${VAR}`` and bare ``KEY`` lines before the file's own earlier
    entries do: pass the shell environment for a project ``.env``, the project environment
    then the service's ``environment:`` for an ``env_file``. ``raw`` reads ``format: raw``.
    (With several ``--env-file`` files Compose looks at the shell, then at everything read so
    far with this file's earlier lines winning; passing earlier files inside ``lookup`` puts
    them before this file's lines, which differs only when both define the same name.)
    ``known`` is compose-go's shared map of values read so far (``dotenv/godotenv.go``
    ``expandVariables``): it answers look-ups after ``lookup`` and receives this file's
    entries, so a later file sees an earlier one's values. By default each call has its own.
    Raises :class:`SourceError` at the offending position.
    """
    text = text.removeprefix(_BOM)
    reader = _RawParser if raw else _Parser
    return reader(text, path, lookup, known).parse()
