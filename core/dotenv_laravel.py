"""BookStack's own ``.env``, read the way Laravel reads it: vlucas/phpdotenv v5.

Laravel 10 (BookStack v24.10) requires ``vlucas/phpdotenv ^5.4.1``; the parser is the same
from v5.5.0 to v5.6.3 (read at tag ``v5.6.3``; v5.4 took ASCII names only, v5.6.4 strips
``\f`` instead of ``\0`` after ``export``). Laravel's ``LoadEnvironmentVariables`` calls
``Dotenv::create(Env::getRepository(), ...)->safeLoad()`` with an *immutable* repository, and
on ``InvalidFileException`` prints ``The environment file is invalid!`` and the exception's
message, then exits: no part of the file is loaded. Every step below is ported, not
approximated:

``src/Store/File/Reader.php`` + ``src/Util/Str.php`` ``utf8()``
    A leading UTF-8 BOM is dropped.
``src/Parser/Parser.php``
    The text is split on ``\\r\\n``, ``\\n`` or ``\\r``; the entries are parsed in order and the
    first bad one fails the whole file (``Failed to parse dotenv file. <error>``).
``src/Parser/Lines.php``
    A line containing ``="`` whose ``"`` count (a ``"`` after any character but ``\\``, once
    ``\\\\`` pairs are removed) is below two starts a multi-line value; it ends at the next line
    with such a ``"`` (or a line that is exactly ``"``), and the lines are joined with ``\\n``.
    This runs *before* comments are dropped, so ``# MAIL_FROM_NAME="Acme`` swallows the lines
    up to the next quote, and a value never closed swallows the rest of the file silently.
    Then blank lines and lines whose first non-blank character is ``#`` are dropped.
``src/Parser/EntryParser.php``
    ``NAME=VALUE`` is split at the first ``=`` and both halves are trimmed (`` \\t\\n\\r\\0\\v``;
    not ``\\f``). An empty name is ``an unexpected equals``. A line without ``=`` is a name with
    no value (the variable is *cleared*), and that name is not trimmed: ``FOO `` is ``an
    invalid name``. ``export`` plus whitespace is dropped from names longer than 8 characters
    (so ``export A=1`` is an invalid name), one pair of matching quotes around a name of 3+
    characters is dropped, and names must match ``[\\p{Ll}\\p{Lu}\\p{M}\\p{N}_.]+``.
    The value is read by a state machine over the tokens of ``Lexer.php``:

    * unquoted: a ``#`` *anywhere* starts a comment (``a#b`` is ``a``); whitespace ends the
      value, and anything but a comment after it is ``unexpected whitespace``
      (``MAIL_FROM_NAME=Book Stack`` fails the whole file); quotes and ``\\`` are literal inside
      (``a"b``); a value starting with ``\\f`` keeps it (trim does not remove it).
    * ``'...'``: everything literal, no escapes, no interpolation, may span lines.
    * ``"..."``: ``\\"`` ``\\\\`` ``\\$`` give the character (``\\$`` is then not interpolated);
      ``\\f \\n \\r \\t \\v`` the control character; any other escape (``\\'``, ``\\#``, ``\\ ``,
      ``\\u``) is ``an unexpected escape sequence``.
    * after a closing quote only whitespace and a comment may follow (``"a"b`` and ``'a'"b"``
      are ``unexpected whitespace``); an unclosed quote is ``a missing closing quote``.

    Error text: ``Encountered <cause> at [<first line of the subject>].``
``src/Parser/Value.php`` + ``src/Loader/Resolver.php``
    Only ``${NAME}`` with ``NAME`` in ``[a-zA-Z0-9_.]+`` is interpolated, where an unquoted or
    double-quoted ``$`` was read; ``$NAME`` is literal, and so is ``${NAME}`` when NAME is
    unset (the text stays, it does not become empty). References are resolved right to left,
    so ``${A${B}}`` reads the variable ``A<value of B>``. A value is never re-interpolated.
``src/Loader/Loader.php`` + ``src/Repository/Adapter/ImmutableWriter.php``
    Entries are applied in file order, so a later line can use an earlier one and the last of
    two definitions wins. A name already set in the process environment is never written or
    cleared: the environment wins, also for the ``${NAME}`` of later lines.

``null``, ``true``, ``(empty)`` and the unwrapping of matching quotes in a value are
Laravel's ``env()`` helper (``Illuminate\\Support\\Env``), not the reader: the string is kept.

python-dotenv is not used: it differs on every point above that fails or is literal here
(it accepts unquoted spaces, strips ``a #b`` only at `` #``, unescapes ``\\'`` and expands
``$NAME`` forms and ``${A:-b}``).
"""

import re
from bisect import bisect_right
from pathlib import Path
from typing import NamedTuple

from mail_lint.errors import SourceError
from mail_lint.interpolation import Lookup
from mail_lint.model import DotenvEntry, Location, Variable, origin_chain

__all__ = ["parse_laravel_dotenv"]

#: ``Parser.php``: ``Regex::split("/(\\r\\n|\\n|\\r)/", $content)``.
_LINE_BREAK = re.compile(r"\r\n|\n|\r")
#: ``Lines.php`` ``looksLikeMultilineStop``: ``(?=([^\\\\]"))`` counted after ``\\\\`` is removed.
_QUOTE_AFTER_CHAR = re.compile(r'(?=[^\\]")')
#: ``Lexer.php`` ``PATTERNS``; PCRE's ``\\s`` without ``/u`` is ASCII ``[ \\t\\n\\v\\f\\r]``.
_TOKEN = re.compile(
    r"(?P<nl>[\r\n]{1,1000})|(?P<ws>[ \t\v\f]{1,1000})|(?P<bs>\\)|(?P<sq>')|(?P<dq>\")"
    r"|(?P<hash>\#)|(?P<dollar>\$)|(?P<other>[^ \t\n\v\f\r\\'\"\#$]{1,1000})"
)
#: A value made of ``other`` tokens only (no space, quote, backslash, ``#`` or ``$``).
_PLAIN_VALUE = re.compile(r"[^ \t\n\v\f\r\\'\"\#$]+")
#: ``Resolver.php`` ``resolveVariable``.
_REFERENCE = re.compile(r"\$\{([a-zA-Z0-9_.]+)\}")

#: PHP ``trim()``'s characters, as ``EntryParser.php`` and ``Lines.php`` pass them.
_TRIM = " \n\r\t\0\x0b"
#: ``ctype_space``.
_CTYPE_SPACE = frozenset(" \t\n\r\v\f")
#: ``isValidName``: ``[\\p{Ll}\\p{Lu}\\p{M}\\p{N}_.]``.
_NAME_CATEGORIES = frozenset({"Ll", "Lu", "Mn", "Mc", "Me", "Nd", "Nl", "No"})
#: ``ESCAPE_SEQUENCE_STATE``: ``stripcslashes('\\\\' . $first)``.
_C_ESCAPES = {"f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}

# EntryParser.php states.
_INITIAL, _UNQUOTED, _SINGLE, _DOUBLE, _ESCAPE, _WHITESPACE, _COMMENT = range(7)
_REJECT_STATES = (_SINGLE, _DOUBLE, _ESCAPE)

_INVALID = "The environment file is invalid! Failed to parse dotenv file."
_new = tuple.__new__


class _Entry(NamedTuple):
    """One entry of ``Lines::process``: its text and where each of its lines starts."""

    text: str
    #: 1-based file line of each line of ``text``.
    lines: tuple[int, ...]
    #: Offset in ``text`` where each of those lines starts.
    starts: tuple[int, ...]

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of an offset in ``text``."""
        index = bisect_right(self.starts, offset) - 1
        return self.lines[index], offset - self.starts[index] + 1


class _Value:
    """What ``EntryParser::parseValue`` builds, plus where the value text sits."""

    __slots__ = ("chars", "end", "quote", "raw_end", "raw_start", "start", "variables")

    def __init__(self) -> None:
        self.chars = ""
        #: Offsets in ``chars`` of every ``$`` that may start a reference (``Value::getVars``).
        self.variables: list[int] = []
        self.quote = ""
        #: Span of the value token in the parsed text (quotes included), ``None`` when empty.
        self.start: int | None = None
        self.end = 0
        #: Span of the raw text (quotes excluded).
        self.raw_start = 0
        self.raw_end = 0


class _ParseError(Exception):
    """An ``EntryParser`` error: its cause, subject and where in the entry text."""

    def __init__(self, cause: str, subject: str, offset: int) -> None:
        # strtok($subject, "\n"): the first non-empty line of the subject.
        first = next((part for part in subject.split("\n") if part), "")
        super().__init__(f"Encountered {cause} at [{first}].")
        self.offset = offset


def parse_laravel_dotenv(
    text: str, path: Path, *, lookup: Lookup | None = None
) -> tuple[DotenvEntry, ...]:
    """The entries of a BookStack ``.env``, each as phpdotenv v5 leaves it in Laravel.

    ``lookup`` is the process environment (the container's variables): a name it defines is
    never overwritten by the file, and ``${NAME}`` reads it first. Such an entry carries the
    environment's value with ``from_origin`` set and the variable's location as ``origin``.
    ``location`` is the value token (its opening quote when quoted), or the name when the
    value is empty; ``end_line``/``end_column`` end after its last character (exclusive).

    :raises SourceError: where Laravel would stop with "The environment file is invalid!".
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    entries: list[DotenvEntry] = []
    loaded: dict[str, Variable] = {}
    for entry in _entries(text):
        try:
            parsed = _parse_entry(entry, path)
        except _ParseError as exc:
            line, column = entry.position(exc.offset)
            raise SourceError(f"{_INVALID} {exc}", Location(path, line, column)) from None
        entries.append(_load(parsed, loaded, lookup))
    return tuple(entries)


def _entries(text: str) -> list[_Entry]:
    """``Lines::process``: join multi-line values, drop blank and comment lines."""
    output: list[_Entry] = []
    buffer: list[tuple[int, str]] = []
    multiline = False
    for number, line in enumerate(_LINE_BREAK.split(text), start=1):
        starts = False if multiline else _looks_like_multiline_start(line)
        if starts:
            multiline = True
        if multiline:
            buffer.append((number, line))
            if not _looks_like_multiline_stop(line, started=starts):
                continue
            multiline = False
            chunk, buffer = buffer, []
        else:
            chunk = [(number, line)]
        joined = "\n".join(part for _, part in chunk)
        stripped = joined.strip(_TRIM)
        if stripped and not stripped.startswith("#"):
            offsets, offset = [], 0
            for _, part in chunk:
                offsets.append(offset)
                offset += len(part) + 1
            output.append(_Entry(joined, tuple(n for n, _ in chunk), tuple(offsets)))
    # A multi-line value still open at the end of the file is dropped without an error.
    return output


def _looks_like_multiline_start(line: str) -> bool:
    return '="' in line and not _looks_like_multiline_stop(line, started=True)


def _looks_like_multiline_stop(line: str, *, started: bool) -> bool:
    if line == '"':
        return True
    count = len(_QUOTE_AFTER_CHAR.findall(line.replace("\\\\", "")))
    return count > 1 if started else count >= 1


class _Parsed(NamedTuple):
    name: str
    value: _Value | None
    key_location: Location
    location: Location
    raw: str


def _parse_entry(entry: _Entry, path: Path) -> _Parsed:
    """``EntryParser::parse``: name, value and their positions."""
    text = entry.text
    equals = text.find("=")
    if equals < 0:
        name, name_at, value_text, value_at = text, 0, None, 0
    else:
        head, tail = text[:equals], text[equals + 1 :]
        name = head.strip(_TRIM)
        name_at = len(head) - len(head.lstrip(_TRIM))
        if name == "":
            raise _ParseError("an unexpected equals", text, equals)
        value_text = tail.strip(_TRIM)
        value_at = equals + 1 + len(tail) - len(tail.lstrip(_TRIM))
    name, name_at = _parse_name(name, name_at)
    key_location = _span(entry, path, name_at, name_at + len(name))
    if value_text is None:
        return _Parsed(name, None, key_location, key_location, "")
    value = _parse_value(value_text, value_at)
    if value.start is None:
        return _Parsed(name, value, key_location, key_location, "")
    location = _span(entry, path, value_at + value.start, value_at + value.end)
    raw = value_text[value.raw_start : value.raw_end]
    return _Parsed(name, value, key_location, location, raw)


def _parse_name(name: str, at: int) -> tuple[str, int]:
    """``EntryParser::parseName``: drop ``export``, drop quotes, validate."""
    if len(name) > 8 and name[:6] == "export" and name[6] in _CTYPE_SPACE:
        # ltrim() with its default characters (v5.6.4 passes " \t\n\r\v\f" instead).
        rest = name[6:].lstrip(_TRIM)
        at += len(name) - len(rest)
        name = rest
    if len(name) >= 3 and name[0] == name[-1] and name[0] in "\"'":
        name, at = name[1:-1], at + 1
    if not name or not _is_name(name):
        raise _ParseError("an invalid name", name, at)
    return name, at


def _is_name(name: str) -> bool:
    r"""``_``, ``.``, letters and numbers (``\p{Ll}\p{Lu}\p{M}\p{N}``) only."""
    if name.isascii():
        # ASCII letters and digits are exactly the ASCII characters of those categories.
        rest = name.replace("_", "").replace(".", "")
        return not rest or rest.isalnum()
    import unicodedata  # only for the rare non-ASCII name: ~0.3 ms of a start-up

    return all(c in "_." or unicodedata.category(c) in _NAME_CATEGORIES for c in name)


def _parse_value(text: str, at: int) -> _Value:
    """``EntryParser::parseValue``: run the state machine over ``Lexer::lex`` tokens.

    Offsets in the result are relative to ``text``; ``at`` only places errors.
    """
    value = _Value()
    if text.strip(_TRIM) == "":
        return value
    if _PLAIN_VALUE.fullmatch(text):
        # Only "other" tokens: the state machine appends each one, unquoted (INITIAL, then
        # UNQUOTED), and accepts; the value is the text itself.
        value.chars = text
        value.start = value.raw_start = 0
        value.raw_end = value.end = len(text)
        return value
    state = _INITIAL
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or ""
        state = _step(state, kind, match.group(), value, match.start(), match.end(), text, at)
    if state in _REJECT_STATES:
        raise _ParseError("a missing closing quote", text, at + (value.start or 0))
    return value


def _step(
    state: int, kind: str, token: str, value: _Value, start: int, end: int, text: str, at: int
) -> int:
    """``EntryParser::processToken`` for one token; updates ``value`` in place."""
    space = kind in ("nl", "ws")
    if state == _INITIAL:
        value.start = start
        if kind in ("sq", "dq"):
            value.quote, value.raw_start = token, end
            return _SINGLE if kind == "sq" else _DOUBLE
        if kind == "hash":
            value.start = None
            return _COMMENT
        value.raw_start = start
        return _append_unquoted(value, kind, token, end)
    if state == _UNQUOTED:
        if kind == "hash":
            return _COMMENT
        if space:
            return _WHITESPACE
        return _append_unquoted(value, kind, token, end)
    if state == _SINGLE:
        if kind == "sq":
            return _close(value, start, end)
        value.chars += token
        return _SINGLE
    if state == _DOUBLE:
        if kind == "dq":
            return _close(value, start, end)
        if kind == "bs":
            return _ESCAPE
        if kind == "dollar":
            value.variables.append(len(value.chars))
        value.chars += token
        return _DOUBLE
    if state == _ESCAPE:
        if kind in ("dq", "bs", "dollar"):
            value.chars += token
            return _DOUBLE
        escape = _C_ESCAPES.get(token[0])
        if escape is None:
            raise _ParseError("an unexpected escape sequence", text, at + start - 1)
        value.chars += escape + token[1:]
        return _DOUBLE
    if state == _WHITESPACE:
        if kind == "hash":
            return _COMMENT
        if not space:
            raise _ParseError("unexpected whitespace", text, at + start)
        return _WHITESPACE
    return _COMMENT


def _append_unquoted(value: _Value, kind: str, token: str, end: int) -> int:
    if kind == "dollar":
        value.variables.append(len(value.chars))
    value.chars += token
    value.raw_end = value.end = end
    return _UNQUOTED


def _close(value: _Value, start: int, end: int) -> int:
    value.raw_end, value.end = start, end
    return _WHITESPACE


def _span(entry: _Entry, path: Path, start: int, end: int) -> Location:
    line, column = entry.position(start)
    end_line, end_column = entry.position(end)
    return Location(path, line, column, end_line, end_column)


def _load(parsed: _Parsed, loaded: dict[str, Variable], lookup: Lookup | None) -> DotenvEntry:
    """``Loader::load`` for one entry: resolve, then write unless the environment has it."""
    external = lookup(parsed.name) if lookup is not None else None
    if parsed.value is None:
        # A bare NAME clears the variable (Repository::clear), unless the environment has it.
        if external is None:
            loaded.pop(parsed.name, None)
        return _entry(parsed, external)

    def get(name: str) -> Variable | None:
        found = lookup(name) if lookup is not None else None
        return found if found is not None else loaded.get(name)

    resolved, used, missing = _resolve(parsed.value, get)
    if external is not None:
        return _entry(parsed, external)
    whole = len(used) == 1 and _REFERENCE.fullmatch(parsed.value.chars) is not None
    entry = _entry(parsed, None, resolved, origin_chain(used), missing, from_origin=whole)
    variable = entry.to_variable()
    if variable is not None:
        loaded[parsed.name] = variable
    return entry


def _entry(
    parsed: _Parsed,
    external: Variable | None,
    value: str | None = None,
    origin: tuple[Location, ...] = (),
    missing: tuple[str, ...] = (),
    *,
    from_origin: bool = False,
) -> DotenvEntry:
    """The entry; a name the environment already sets keeps the environment's value."""
    if external is not None:
        value, origin, missing = external.value, origin_chain((external,)), ()
        from_origin = True
    quote = parsed.value.quote if parsed.value is not None else ""
    # DotenvEntry(key=..., ...) without the generated Python-level __new__.
    return _new(
        DotenvEntry,
        (
            parsed.name,
            value,
            parsed.location,
            parsed.key_location,
            parsed.raw,
            quote,
            origin,
            missing,
            from_origin,
        ),
    )


def _resolve(value: _Value, get: Lookup) -> tuple[str, tuple[Variable, ...], tuple[str, ...]]:
    """``Resolver::resolve``: each ``$`` position, right to left, resolved once."""
    text = value.chars
    used: list[tuple[int, Variable]] = []
    missing: list[str] = []
    for index in sorted(value.variables, reverse=True):
        match = _REFERENCE.match(text, index)
        if match is None:
            continue
        variable = get(match.group(1))
        if variable is None:
            missing.append(match.group(1))
            continue
        text = text[:index] + variable.value + text[match.end() :]
        used.append((index, variable))
    used.sort(key=lambda pair: pair[0])
    return text, tuple(v for _, v in used), tuple(dict.fromkeys(reversed(missing)))
