"""App settings files (INI, TOML, JSON) as flat :class:`Setting` tuples with exact positions.

Values come from the standard library readers themselves (``configparser``, ``tomllib``,
``json``), imported inside the loaders so that nothing else pays for them; positions come
from a light scan of the same text that follows the reader's own grammar.

Key names: INI ``<Section>.<option>`` (section as written, option lower-cased); TOML and JSON
nested tables joined with ``.`` and list items as ``[i]`` (``smtp[0].host``); an empty list
or table is one setting whose value is ``[]`` or ``{}``.
"""

import re
from bisect import bisect_right
from collections.abc import Callable
from itertools import accumulate
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from mail_lint.errors import SourceError
from mail_lint.model import Location, Setting, SourceKind

if TYPE_CHECKING:
    import configparser

__all__ = ["MAX_DEPTH", "load_ini", "load_json", "load_toml"]

#: Deeper nesting than this is refused rather than parsed (no settings file comes close).
MAX_DEPTH = 200

_UNIVERSAL_NEWLINE = re.compile(r"\r\n?")
_TOML_ERROR_AT = re.compile(r"\(at line (\d+), column (\d+)\)$")
_TOML_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_TOML_SPACE = re.compile(r"[ \t]*")
_TOML_SPACE_NL = re.compile(r"(?:[ \t\r\n]|#[^\n]*)*")
#: A date-time may hold a space between date and time (TOML 1.0 "Offset Date-Time").
_TOML_DATETIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})?"
)
_TOML_SCALAR_END = re.compile(r"[ \t\r\n,\]}#]")
_JSON_SPACE = re.compile(r"[ \t\n\r]*")
_NON_SPACE = re.compile(r"\S")

_KeyPath = tuple[str | int, ...]
_new = tuple.__new__
_PLUS_ONE = (1).__add__


class _Span(NamedTuple):
    start: int
    end: int


class _Lines:
    """Offsets to 1-based (line, column); lines end at ``\\n``."""

    def __init__(self, text: str, path: Path) -> None:
        self.path = path
        # The offset after each "\n": the running sum of the lines' lengths plus one.
        pieces = text.split("\n")
        pieces.pop()
        self.starts = list(accumulate(map(_PLUS_ONE, map(len, pieces)), initial=0))

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self.starts, offset) - 1
        return line + 1, offset - self.starts[line] + 1

    def location(self, start: int, end: int | None = None) -> Location:
        starts = self.starts
        line = bisect_right(starts, start) - 1
        if end is None:
            return Location(self.path, line + 1, start - starts[line] + 1)
        # The end is on the same line (the usual case) when no line starts at or before it.
        nxt = line + 1
        if nxt == len(starts) or end < starts[nxt]:
            end_line = line
        else:
            end_line = bisect_right(starts, end) - 1
        return _new(
            Location,
            (
                self.path,
                line + 1,
                start - starts[line] + 1,
                end_line + 1,
                end - starts[end_line] + 1,
            ),
        )


def _setting(key: str, value: str | None, location: Location | None, raw: str | None) -> Setting:
    # Setting(key, value, location, SETTINGS_FILE, raw=raw), without the Python-level __new__.
    return _new(Setting, (key, value, location, _SETTINGS_FILE, (), raw, (), False, None))


_SETTINGS_FILE = SourceKind.SETTINGS_FILE
assert Setting("k", None, None, _SETTINGS_FILE, raw="r") == _setting("k", None, None, "r")


# --------------------------------------------------------------------------------------- INI


class _IniOption(NamedTuple):
    """Where one option's value is written: the key span and the value's first/last char."""

    key: _Span
    value: _Span | None


def load_ini(text: str, path: Path) -> tuple[Setting, ...]:
    """``wg-dashboard.ini`` as ``configparser.RawConfigParser(strict=False)`` reads it.

    WGDashboard ``src/modules/DashboardConfig.py`` (v4.2.5+). CPython ``Lib/configparser.py``
    ``RawConfigParser._read``: option names lower-cased (``optionxform``), values literal (no
    interpolation, quotes kept, ``;``/``#`` after a value kept: only whole-line comments are
    comments), ``=`` or ``:`` at the first occurrence, continuation lines indented deeper
    than the option join with ``\\n`` (blank lines inside kept, trailing ones dropped), a
    repeated section continues the first and a repeated option replaces the earlier one
    (``strict=False``). ``[DEFAULT]`` options are settings ``DEFAULT.<option>`` and also appear
    in every section that does not set them, located at the ``DEFAULT`` line. The file is
    read with universal newlines, as ``open()`` does.

    Before v4.2.5 WGDashboard used ``ConfigParser`` (``%`` interpolation): not modelled here.

    :raises SourceError: at the line configparser rejects (the first one it lists).
    """
    import configparser

    text = _UNIVERSAL_NEWLINE.sub("\n", text)
    simple = _simple_ini(text, configparser.RawConfigParser)
    if simple is not None:
        return _simple_ini_settings(*simple, _Lines(text, path), text)
    parser = configparser.RawConfigParser(strict=False)
    try:
        parser.read_string(text, source=str(path))
    except configparser.MissingSectionHeaderError as exc:
        raise _ini_error(path, text, exc.lineno, "no [section] header before this line") from None
    except configparser.ParsingError as exc:
        lineno = exc.errors[0][0] if exc.errors else 1
        raise _ini_error(path, text, lineno, "configparser cannot parse this line") from None
    positions = _ini_positions(text, parser)
    lines = _Lines(text, path)
    default = parser.default_section
    settings = [
        _ini_setting(f"{default}.{option}", value, positions.get((default, option)), lines, text)
        for option, value in parser.defaults().items()
    ]
    for section in parser.sections():
        for option in parser.options(section):
            # An option the section does not set itself comes from [DEFAULT].
            found = positions.get((section, option)) or positions.get((default, option))
            value = parser.get(section, option)
            settings.append(_ini_setting(f"{section}.{option}", value, found, lines, text))
    return tuple(settings)


#: ``configparser.DEFAULTSECT``, the ``default_section`` of ``RawConfigParser()``.
_DEFAULT_SECTION = "DEFAULT"
_IniSections = dict[str, dict[str, str]]
_IniPositions = dict[tuple[str, str], "_IniOption"]


def _simple_ini(
    text: str, parser: "type[configparser.RawConfigParser]"
) -> tuple[dict[str, str], _IniSections, _IniPositions] | None:
    """Read an INI text in which every line is blank, a comment, or a section header or an
    ``option = value`` line starting in the first column; ``None`` for any other text
    (configparser then reads it). Returns the ``[DEFAULT]`` options, every other section's
    own options, and where each option is written.

    Exact for such a text: ``RawConfigParser._read`` then takes no line as a continuation
    (none is indented), adds only empty lines to values (which its final ``rstrip`` drops),
    and finds no error; a repeated section continues the first, a repeated option takes the
    later value in the earlier place. Its own header pattern is used; its option pattern
    (``RawConfigParser.OPTCRE``, ``(?P<option>.*?)\\s*(?P<vi>=|:)\\s*(?P<value>.*)$``) is
    applied by hand, see below.
    """
    default = _DEFAULT_SECTION
    defaults: dict[str, str] = {}
    sections: _IniSections = {}
    positions: _IniPositions = {}
    current: dict[str, str] | None = None
    section = ""
    header = parser.SECTCRE.match
    offset = 0
    lines = text.split("\n")
    if lines[-1] == "":  # io.StringIO yields no line after a final newline
        lines.pop()
    for line in lines:
        at, offset = offset, offset + len(line) + 1
        stripped = line.strip()
        if not stripped or stripped[0] in "#;":
            continue
        if line[0].isspace():  # a continuation line, or an indented header or option
            return None
        # (The header pattern starts with a "[": no other line needs trying.)
        found = header(stripped) if stripped[0] == "[" else None
        if found is not None:
            section = found.group("header")
            current = defaults if section == default else sections.setdefault(section, {})
            continue
        # OPTCRE by hand (its lazy group costs a try per character): the option is the text
        # before the first delimiter less the spaces (``\s``: str.isspace) before it, the
        # value what follows less the spaces after it; no delimiter, no match. A line has no
        # "\n", which ``.`` would not match. ``stripped`` starts where ``line`` does.
        equals, colon = stripped.find("="), stripped.find(":")
        delimiter = equals if colon == -1 or -1 < equals < colon else colon
        if current is None or delimiter <= 0:  # no match, or an empty option
            return None  # configparser reports an error
        name = stripped[:delimiter].rstrip()
        key = name.lower()  # RawConfigParser.optionxform
        after = stripped[delimiter + 1 :]
        value = after.strip()
        current[key] = value
        value_at = at + delimiter + 1 + len(after) - len(after.lstrip())
        # _IniOption(_Span(...), _Span(...) or None), without the generated __new__ calls.
        key_span = _new(_Span, (at, at + len(name)))
        value_span = _new(_Span, (value_at, value_at + len(value))) if value else None
        positions[(section, key)] = _new(_IniOption, (key_span, value_span))
    return defaults, sections, positions


def _simple_ini_settings(
    defaults: dict[str, str],
    sections: _IniSections,
    positions: _IniPositions,
    lines: _Lines,
    text: str,
) -> tuple[Setting, ...]:
    """:func:`load_ini`'s settings from what :func:`_simple_ini` read: ``defaults()``, then
    each section's ``options()`` (its own, then the defaults it does not set) and ``get()``."""
    default = _DEFAULT_SECTION
    settings = [
        _ini_setting(f"{default}.{option}", value, positions.get((default, option)), lines, text)
        for option, value in defaults.items()
    ]
    location = lines.location
    for section, own in sections.items():
        options = dict(own)
        for option, value in defaults.items():
            options.setdefault(option, value)
        for option, value in options.items():
            found = positions.get((section, option)) or positions.get((default, option))
            key = f"{section}.{option}"
            if found is not None and found.value is not None:
                # _ini_setting of an option with a value, inlined (most options).
                start, end = found.value
                place = location(start, end)
                setting = (key, value, place, _SETTINGS_FILE, (), text[start:end], (), False, None)
                settings.append(_new(Setting, setting))
            else:
                settings.append(_ini_setting(key, value, found, lines, text))
    return tuple(settings)


def _ini_error(path: Path, text: str, lineno: int, what: str) -> SourceError:
    lines = text.split("\n")
    line = lines[lineno - 1] if 0 < lineno <= len(lines) else ""
    column = len(line) - len(line.lstrip()) + 1
    return SourceError(f"{what}: {line.strip()!r}", Location(path, lineno, column))


def _ini_setting(
    key: str, value: str | None, found: _IniOption | None, lines: _Lines, text: str
) -> Setting:
    if found is None:
        return _setting(key, value, None, None)
    if found.value is None:
        return _setting(key, value, lines.location(found.key.start, found.key.end), "")
    span = found.value
    return _setting(key, value, lines.location(span.start, span.end), text[span.start : span.end])


def _ini_positions(
    text: str, parser: "configparser.RawConfigParser"
) -> dict[tuple[str, str], _IniOption]:
    """Replay ``RawConfigParser._read`` line by line, recording spans instead of values."""
    positions: dict[tuple[str, str], _IniOption] = {}
    section: str | None = None
    option: str | None = None
    indent_level = 0
    offset = 0
    for line in text.split("\n"):
        start, offset = offset, offset + len(line) + 1
        stripped = line.strip()
        if not stripped or stripped.startswith(("#", ";")):
            # A blank line may continue a value; a comment line is skipped and ends nothing.
            continue
        first = _NON_SPACE.search(line)
        indent = first.start() if first else 0
        at = start + indent
        if section is not None and option is not None and indent > indent_level:
            old = positions[(section, option)]
            begin = old.value.start if old.value is not None else at
            positions[(section, option)] = _IniOption(old.key, _Span(begin, at + len(stripped)))
            continue
        indent_level = indent
        header = parser.SECTCRE.match(stripped)
        if header is not None:
            section, option = header.group("header"), None
            continue
        # The parser's own option pattern (default delimiters, no valueless options).
        match = parser.OPTCRE.match(stripped)
        if match is None or section is None:
            continue
        name = match.group("option").rstrip()
        option = parser.optionxform(name)
        value = match.group("value").strip()
        value_at = at + match.start("value")
        positions[(section, option)] = _IniOption(
            _Span(at, at + len(name)), _Span(value_at, value_at + len(value)) if value else None
        )
    return positions


# ------------------------------------------------------------------------------ TOML and JSON


def _leaves(
    value: object, keypath: _KeyPath, name: str, out: list[tuple[_KeyPath, str, object]]
) -> None:
    """Every leaf (and every empty list or table) with its key path and its setting name
    (``("smtp", 0, "host")`` is ``smtp[0].host``), in document order."""
    # A scalar member is appended here rather than by a call of its own (most are).
    if isinstance(value, dict):
        if not value and keypath:
            out.append((keypath, name, value))
        for key, item in value.items():
            item_name = f"{name}.{key}" if name else key
            if isinstance(item, _CONTAINERS):
                _leaves(item, (*keypath, key), item_name, out)
            else:
                out.append(((*keypath, key), item_name, item))
    elif isinstance(value, list):
        if not value:
            out.append((keypath, name, value))
        for index, item in enumerate(value):
            if isinstance(item, _CONTAINERS):
                _leaves(item, (*keypath, index), f"{name}[{index}]", out)
            else:
                out.append(((*keypath, index), f"{name}[{index}]", item))
    else:
        out.append((keypath, name, value))


_CONTAINERS = (dict, list)


def _settings(
    data: dict[str, object],
    spans: dict[_KeyPath, _Span],
    text: str,
    lines: _Lines,
    render: Callable[[object, str], str | None],
    prefix: _KeyPath = (),
) -> tuple[Setting, ...]:
    leaves: list[tuple[_KeyPath, str, object]] = []
    _leaves(data, (), "", leaves)
    settings: list[Setting] = []
    for keypath, name, value in leaves:
        full = (*prefix, *keypath) if prefix else keypath
        span = spans.get(full)
        while span is None and len(full) > len(prefix):
            full = full[:-1]
            span = spans.get(full)
        raw: str | None = None
        location: Location | None = None
        if span is not None:
            start, end = span
            raw = text[start:end]
            location = lines.location(start, end)
        if value.__class__ is str:  # (no str equals [] or {})
            shown = render(value, raw or "")
        else:
            shown = "[]" if value == [] else "{}" if value == {} else render(value, raw or "")
        settings.append(_setting(name, shown, location, raw))
    return tuple(settings)


def _check_depth(text: str, path: Path, tokens: re.Pattern[str], what: str) -> None:
    """Refuse nesting deeper than :data:`MAX_DEPTH` before a recursive reader sees it."""
    depth = 0
    for match in tokens.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                lines = _Lines(text, path)
                raise SourceError(
                    f"{what} nested deeper than {MAX_DEPTH} levels: refused",
                    lines.location(match.start()),
                )
        elif token in "]}":
            depth = max(depth - 1, 0)


_TOML_DEPTH_TOKENS = re.compile(
    r"#[^\n]*|\"\"\"(?:[^\\]|\\.)*?\"\"\"|'''[\s\S]*?'''|\"(?:[^\"\\\n]|\\.)*\"|'[^'\n]*'"
    r"|[\[\]{}]"
)
_JSON_DEPTH_TOKENS = re.compile(r"\"(?:[^\"\\]|\\.)*\"|[\[\]{}]")


def load_toml(text: str, path: Path) -> tuple[Setting, ...]:
    """A listmonk ``config.toml`` as ``tomllib`` (TOML 1.0) reads it, flattened.

    Tables join with ``.`` and arrays with ``[i]``: ``[[smtp]]`` gives ``smtp[0].host``,
    ``[smtp.my0]`` gives ``smtp.my0.host``. Values: strings as decoded, booleans ``true`` /
    ``false``, integers as decimal digits (``0x1F`` is ``31``), floats as Python writes them,
    dates and times in ISO form. ``raw`` is the value's source text (quotes included).

    :raises SourceError: at the line and column tomllib reports.
    """
    import tomllib

    _check_depth(text, path, _TOML_DEPTH_TOKENS, "TOML")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _toml_error(exc, text, path) from None
    except RecursionError:  # pragma: no cover - _check_depth comes first
        raise SourceError("TOML nested too deeply", Location(path, 1, 1)) from None
    scanner = _TomlScanner(text)
    scanner.run()
    return _settings(data, scanner.spans, text, _Lines(text, path), _toml_text)


def _toml_error(exc: Exception, text: str, path: Path) -> SourceError:
    message = str(exc)
    match = _TOML_ERROR_AT.search(message)
    if match is not None:
        location = Location(path, int(match.group(1)), int(match.group(2)))
        message = message[: match.start()].rstrip()
    else:
        lines = _Lines(text, path)
        location = lines.location(len(text))
        message = message.replace("(at end of document)", "").rstrip()
    return SourceError(f"invalid TOML: {message}", location)


def _toml_text(value: object, _raw: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        # repr gives 'inf', '-inf' and 'nan' as TOML writes them.
        return repr(value)
    if isinstance(value, str):
        return value
    isoformat = getattr(value, "isoformat", None)
    return isoformat() if callable(isoformat) else str(value)


class _TomlScanner:
    """Spans of every key's value in a document tomllib accepted (so it is valid TOML)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.spans: dict[_KeyPath, _Span] = {}
        self.arrays: dict[_KeyPath, int] = {}

    def run(self) -> None:
        text, end = self.text, len(self.text)
        table: _KeyPath = ()
        at = self._blank(0)
        while at < end:
            if text.startswith("[[", at):
                keys, stop = self._key(at + 2)
                table = self._table(keys, array=True, span=_Span(at, stop))
                at = self._space(stop) + 2
            elif text[at] == "[":
                keys, stop = self._key(at + 1)
                table = self._table(keys, array=False, span=_Span(at, stop))
                at = self._space(stop) + 1
            else:
                keys, at = self._key(at)
                at = self._value(self._space(self._space(at) + 1), (*table, *keys))
            at = self._blank(at)

    def _space(self, at: int) -> int:
        match = _TOML_SPACE.match(self.text, at)
        return match.end() if match else at

    def _blank(self, at: int) -> int:
        match = _TOML_SPACE_NL.match(self.text, at)
        return match.end() if match else at

    def _key(self, at: int) -> tuple[tuple[str, ...], int]:
        """A dotted key: its parts and the offset just after it."""
        parts: list[str] = []
        while True:
            at = self._space(at)
            char = self.text[at]
            if char == '"':
                stop = self._basic_string_end(at)
                parts.append(_toml_unescape(self.text[at + 1 : stop - 1]))
            elif char == "'":
                stop = self.text.index("'", at + 1) + 1
                parts.append(self.text[at + 1 : stop - 1])
            else:
                match = _TOML_BARE_KEY.match(self.text, at)
                stop = match.end() if match else at + 1
                parts.append(self.text[at:stop])
            after = self._space(stop)
            if after < len(self.text) and self.text[after] == ".":
                at = after + 1
                continue
            return tuple(parts), stop

    def _table(self, keys: tuple[str, ...], *, array: bool, span: _Span) -> _KeyPath:
        """Resolve a header to a key path; ``[x]`` under ``[[a]]`` means the last ``a``."""
        path: _KeyPath = ()
        for key in keys[:-1]:
            path = (*path, key)
            if path in self.arrays:
                path = (*path, self.arrays[path] - 1)
        path = (*path, keys[-1])
        if array:
            index = self.arrays.get(path, 0)
            self.arrays[path] = index + 1
            path = (*path, index)
        self.spans.setdefault(path, span)
        return path

    def _value(self, at: int, keypath: _KeyPath) -> int:
        text = self.text
        if text.startswith(('"""', "'''"), at):
            stop = self._multiline_end(at)
        elif text[at] == '"':
            stop = self._basic_string_end(at)
        elif text[at] == "'":
            stop = text.index("'", at + 1) + 1
        elif text[at] == "[":
            stop = self._array(at, keypath)
        elif text[at] == "{":
            stop = self._inline_table(at, keypath)
        else:
            match = _TOML_DATETIME.match(text, at) or _TOML_SCALAR_END.search(text, at)
            stop = (
                len(text)
                if match is None
                else match.end()
                if match.start() == at
                else (match.start())
            )
        self.spans[keypath] = _Span(at, stop)
        return stop

    def _array(self, at: int, keypath: _KeyPath) -> int:
        index, at = 0, self._blank(at + 1)
        while self.text[at] != "]":
            at = self._blank(self._value(at, (*keypath, index)))
            index += 1
            if self.text[at] == ",":
                at = self._blank(at + 1)
        return at + 1

    def _inline_table(self, at: int, keypath: _KeyPath) -> int:
        at = self._space(at + 1)
        while self.text[at] != "}":
            keys, at = self._key(at)
            at = self._space(self._value(self._space(self._space(at) + 1), (*keypath, *keys)))
            if self.text[at] == ",":
                at = self._space(at + 1)
        return at + 1

    def _basic_string_end(self, at: int) -> int:
        text, at = self.text, at + 1
        while text[at] != '"':
            at += 2 if text[at] == "\\" else 1
        return at + 1

    def _multiline_end(self, at: int) -> int:
        text, quote = self.text, self.text[at]
        delimiter, at = quote * 3, at + 3
        while not text.startswith(delimiter, at):
            at += 2 if quote == '"' and text[at] == "\\" else 1
        at += 3
        # Up to two more quotes belong to the content (""""a"""" ends in a quote).
        extra = 0
        while extra < 2 and at < len(text) and text[at] == quote:
            at, extra = at + 1, extra + 1
        return at


_TOML_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "\\": "\\"}
_TOML_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))")


def _toml_unescape(text: str) -> str:
    """A basic string's escapes (TOML 1.0, as tomllib accepts them)."""

    def one(match: re.Match[str]) -> str:
        code = match.group(1) or match.group(2)
        return chr(int(code, 16)) if code else _TOML_ESCAPES[match.group(3)]

    return _TOML_ESCAPE.sub(one, text)


def load_json(text: str, path: Path) -> tuple[Setting, ...]:
    """A listmonk settings export (``GET /api/settings``), flattened.

    The ``{"data": {...}}`` envelope of the API response is removed when it is the only key.
    Top-level keys stay as they are (``app.root_url``); nested objects join with ``.`` and
    list items are ``[i]`` (``smtp[0].host``). Values: strings as decoded, ``true`` /
    ``false``, numbers exactly as written, ``null`` as ``None``. Duplicate keys: the last
    wins, as for ``json`` and Go's ``encoding/json``.

    :raises SourceError: at the line and column ``json`` reports, or when the document is not
        an object.
    """
    import json
    from json.decoder import scanstring  # type: ignore[attr-defined]  # untyped in typeshed

    # Nesting deeper than MAX_DEPTH is refused before anything else is said about the text:
    # a text json refuses is checked for it first; one json reads, while its spans are found.
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        _check_depth(text, path, _JSON_DEPTH_TOKENS, "JSON")
        location = Location(path, exc.lineno, exc.colno)
        raise SourceError(f"invalid JSON: {exc.msg}", location) from None
    except RecursionError:  # pragma: no cover - deeper than MAX_DEPTH, refused just below
        _check_depth(text, path, _JSON_DEPTH_TOKENS, "JSON")
        raise SourceError("JSON nested too deeply", Location(path, 1, 1)) from None
    lines = _Lines(text, path)
    spans = _json_spans(text, scanstring, lines)
    prefix: _KeyPath = ()
    if isinstance(data, dict) and list(data) == ["data"] and isinstance(data["data"], dict):
        data, prefix = data["data"], ("data",)
    if not isinstance(data, dict):
        start = _JSON_SPACE.match(text, 0)
        at = start.end() if start else 0
        raise SourceError(
            'a settings export is a JSON object of settings (or {"data": {...}})',
            lines.location(at),
        )
    return _settings(data, spans, text, lines, _json_text, prefix)


def _json_text(value: object, raw: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    return raw


#: One JSON token, by group: a string, ``:``, ``,``, an opening or a closing bracket, or a
#: number or literal (``true``, ``NaN``, ``-Infinity``: in a document ``json`` accepted,
#: one runs to the next delimiter or space). The JSON whitespace before a token is part of
#: the match (one run, rather than a failed try of every alternative at each space): the
#: token is the group ``lastindex``.
_JSON_TOKEN = re.compile(
    r'[ \t\n\r]*(?:("[^"\\]*(?:\\.[^"\\]*)*")|(:)|(,)|([{\[])|([}\]])|([^\s{}\[\],:"]+))',
    re.DOTALL,
)
_STRING, _COLON, _COMMA, _OPEN, _CLOSE, _LITERAL = 1, 2, 3, 4, 5, 6


def _json_spans(
    text: str, scanstring: Callable[[str, int], tuple[str, int]], lines: _Lines
) -> dict[_KeyPath, _Span]:
    """The span of every value, by key path, of a document ``json`` accepted; refuses one
    nested deeper than :data:`MAX_DEPTH` at the bracket :func:`_check_depth` names.

    The tokens come from one regular expression rather than a scan per character. That is
    exact because the document is valid JSON: between tokens there is only JSON whitespace,
    a string ends at its first unescaped quote, and a number or literal is the whole run of
    characters up to the next delimiter (else ``json`` would have refused the text).
    A container's span is recorded when it closes, after its members', as a recursive
    scanner records it; a repeated key's later value replaces the earlier span.
    """
    spans: dict[_KeyPath, _Span] = {}
    #: The open containers: key path, start offset, whether an object, next array index.
    stack: list[list[Any]] = []
    path: _KeyPath = ()  # the key path of the next value
    expect_key = False
    for match in _JSON_TOKEN.finditer(text):
        kind = match.lastindex
        if kind == _STRING:
            if expect_key:
                token = match.group(kind)
                key = token[1:-1] if "\\" not in token else scanstring(token, 1)[0]
                path = (*stack[-1][0], key)
                expect_key = False
            else:
                spans[path] = _new(_Span, match.span(kind))
        elif kind == _COLON:
            continue
        elif kind == _COMMA:
            top = stack[-1]
            if top[2]:
                expect_key = True
            else:
                top[3] += 1
                path = (*top[0], top[3])
        elif kind == _OPEN:
            start = match.start(kind)
            is_object = text[start] == "{"
            stack.append([path, start, is_object, 0])
            if len(stack) > MAX_DEPTH:
                raise SourceError(
                    f"JSON nested deeper than {MAX_DEPTH} levels: refused",
                    lines.location(start),
                )
            if is_object:
                expect_key = True
            else:
                path = (*path, 0)
        elif kind == _CLOSE:
            container, start = stack.pop()[:2]
            spans[container] = _Span(start, match.end())
            expect_key = False
        else:  # a number or literal
            spans[path] = _new(_Span, match.span(_LITERAL))
    return spans
