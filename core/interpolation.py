"""Docker Compose variable interpolation, as compose-go v2.9.1 ``template/template.go`` does it.

Docker Compose v2.40.3 ships compose-go v2.9.1; this module ports its algorithm step by step
(not a cleaner grammar), because the quirks are what users meet:

* ``$$`` is a literal ``$``; ``$NAME`` and ``${NAME}`` take names matching
  ``[_a-z][_a-z0-9]*`` case-insensitively, with Go's Unicode simple case folding, so the
  Kelvin sign (U+212A) and the long s (U+017F) are name characters too. A ``$``
  followed by anything else stays literal (``123$456``); a ``${`` that is not a valid
  braced reference is an error.
* A braced reference with an operator (``:-  -  :?  ?  :+  +``) is matched by a greedy
  ``.*`` up to the last ``}`` of the line, then cut at the first balanced ``}``; the text
  after it is interpolated separately. Go's brace counter skips the character after every
  ``{``, so ``${A:-{}} ${B}`` does not balance and fails as an invalid template whose text
  is ``{}} ${B`` (checked against the binary).
* The default, alternate and error texts are interpolated *eagerly*, before the variable
  is looked at: ``${A:-${B:?x}}`` fails when B is unset even though A is set, and
  ``${A:-$B}`` warns that B is not set even when A is. ``missing`` follows those warnings.
* A variable's value is never re-interpolated.
* ``.`` in the pattern does not cross a newline, so an operator reference must close on its
  own line.

Error wording: with ``what`` (a path such as ``services.app.environment.SMTP_HOST``) the
messages are those of compose-go's loader, ``invalid interpolation format for <what>: ...``
and ``error while interpolating <what>: required variable X is missing a value: <err>``;
Compose prints the first on three lines (path, advice, template), this module joins them on
one line and quotes the template. Without ``what`` they are the bare template errors the
dotenv reader reports: ``Invalid template: "<text>"`` and ``required variable X is missing a
value: <err>``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from mail_lint.errors import SourceError
from mail_lint.model import Location, Variable, origin_chain

#: Resolves a variable name to its definition, ``None`` when unset.
Lookup = Callable[[str], Variable | None]

# Go's (?i)[_a-z] folds k to the Kelvin sign and s to the long s; nothing else (not the
# dotted/dotless i that Python's re.IGNORECASE would add).
_NAME = "[_a-zA-Z\u017f\u212a][_a-zA-Z0-9\u017f\u212a]*"
_PATTERN = re.compile(
    r"\$(?:(?P<escaped>\$)|(?P<named>"
    + _NAME
    + r")|\{(?:(?P<braced>"
    + _NAME
    + r"(?::?[-+?](.*))?)\}|(?P<invalid>)))"
)
_OPERATOR = re.compile("(" + _NAME + ")(:?[-+?])", re.DOTALL)
_DEFAULT_LOCATION = Location(Path("<string>"), 1, 1)
_GO_ESCAPES = {
    "\a": "\\a",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\v": "\\v",
}


@dataclass(frozen=True, slots=True)
class Interpolated:
    """The result of interpolating one text.

    ``origin`` lists, for each set variable whose text went into the value, its location
    followed by its own origin chain (de-duplicated, in order). ``missing`` names the unset
    variables that became empty text (Compose's "is not set. Defaulting to a blank string."
    warnings). ``from_origin`` is true when the whole text is one reference and the value is
    that variable's own text.
    """

    value: str
    origin: tuple[Location, ...] = ()
    missing: tuple[str, ...] = ()
    from_origin: bool = False


class _InvalidTemplate(Exception):
    """compose-go's InvalidTemplateError; ``template`` is filled by the enclosing call."""

    def __init__(self, template: str | None = None) -> None:
        super().__init__(template)
        self.template = template


class _MissingRequired(Exception):
    """compose-go's MissingRequiredError (``${V:?err}`` / ``${V?err}``)."""

    def __init__(self, variable: str, reason: str) -> None:
        super().__init__(variable, reason)
        self.variable = variable
        self.reason = reason


class _Piece(NamedTuple):
    """A substituted text, the variables whose text it holds, and the single direct one.

    A named tuple rather than a frozen dataclass: it is built per match, and cheaply."""

    value: str
    used: tuple[Variable, ...] = ()
    direct: Variable | None = None


class _Run:
    """State of one interpolation: the lookup, and what it saw along the way."""

    __slots__ = ("lookup", "missing", "referenced", "strict")

    def __init__(self, lookup: Lookup, *, strict: bool = True) -> None:
        self.lookup = lookup
        self.strict = strict
        self.missing: list[str] = []
        self.referenced: list[str] = []

    def resolve(self, name: str, *, warn: bool) -> Variable | None:
        """Look ``name`` up; record it as referenced, and as missing when ``warn`` applies."""
        self.referenced.append(name)
        variable = self.lookup(name)
        if variable is None and warn:
            self.missing.append(name)
        return variable


def go_quote(text: str) -> str:
    """``text`` as Go's ``%q`` / ``strconv.Quote`` writes it, for Compose-identical messages."""
    out = ['"']
    for char in text:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif char.isprintable() and not 0xD800 <= code <= 0xDFFF:
            out.append(char)
        elif char in _GO_ESCAPES:
            out.append(_GO_ESCAPES[char])
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\x{code:02x}")
        elif 0xD800 <= code <= 0xDFFF:
            out.append("\\ufffd")
        elif code < 0x10000:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    out.append('"')
    return "".join(out)


def _closing_brace(text: str) -> int:
    """compose-go ``getFirstBraceClosingIndex``: skips the character after each ``{``."""
    depth = 0
    i = 0
    while i < len(text):
        char = text[i]
        if char == "}":
            depth -= 1
            if depth == 0:
                return i
        if char == "{":
            depth += 1
            i += 1
        i += 1
    return -1


def _substitute(template: str, run: _Run) -> _Piece:
    """compose-go ``SubstituteWithOptions``: replace every match of the pattern."""
    if "$" not in template:
        return _Piece(template)
    parts: list[str] = []
    used: list[Variable] = []
    direct: Variable | None = None
    pos = 0
    for match in _PATTERN.finditer(template):
        parts.append(template[pos : match.start()])
        try:
            piece = _replace(match.group(0), run)
        except _InvalidTemplate as exc:
            if exc.template is None:
                exc.template = template
            if run.strict:
                raise
            piece = _Piece("")
        parts.append(piece.value)
        used.extend(piece.used)
        whole = match.start() == 0 and match.end() == len(template)
        direct = piece.direct if whole else None
        pos = match.end()
    parts.append(template[pos:])
    return _Piece("".join(parts), tuple(used), direct)


def _replace(substring: str, run: _Run) -> _Piece:
    """compose-go ``DefaultReplacementAppliedFunc`` for one match."""
    closing = _closing_brace(substring)
    rest = ""
    if closing > -1:
        rest = substring[closing + 1 :]
        substring = substring[: closing + 1]
    match = _PATTERN.search(substring)
    if match is None:  # pragma: no cover - a cut match still starts with a match
        raise _InvalidTemplate()
    if match.group("escaped"):
        return _Piece("$")
    name = match.group("named")
    if not name:
        braced = match.group("braced")
        if not braced:
            raise _InvalidTemplate()
        operator = _OPERATOR.match(braced)
        if operator is not None:
            head = _apply(operator.group(1), operator.group(2), braced[operator.end() :], run)
            tail = _substitute(rest, run)
            direct = head.direct if not rest else None
            return _Piece(head.value + tail.value, head.used + tail.used, direct)
        name = braced
    variable = run.resolve(name, warn=True)
    if variable is None:
        return _Piece("")
    return _Piece(variable.value, (variable,), variable)


def _apply(name: str, operator: str, argument: str, run: _Run) -> _Piece:
    """One of the six operators; ``argument`` is interpolated first, whatever happens next."""
    run.referenced.append(name)
    alternative = _substitute(argument, run)
    variable = run.resolve(name, warn=False)
    empty = variable is None or variable.value == ""
    if operator in ("-", ":-"):
        if variable is None or (operator == ":-" and empty):
            return _Piece(alternative.value, alternative.used)
        return _Piece(variable.value, (variable,), variable)
    if operator in ("+", ":+"):
        if variable is not None and (operator == "+" or not empty):
            return _Piece(alternative.value, alternative.used)
        if variable is None:
            return _Piece("")
        return _Piece(variable.value, (variable,), variable)
    if variable is None or (operator == ":?" and empty):
        if run.strict:
            raise _MissingRequired(name, alternative.value)
        return _Piece("")
    return _Piece(variable.value, (variable,), variable)


def _error(exc: _InvalidTemplate | _MissingRequired, what: str) -> str:
    """Compose's message for a template error (see the module docstring)."""
    if isinstance(exc, _InvalidTemplate):
        template = go_quote(exc.template or "")
        if what:
            return (
                f"invalid interpolation format for {what}: {template}. "
                "You may need to escape any $ with another $."
            )
        return f"Invalid template: {template}"
    message = f"required variable {exc.variable} is missing a value"
    if exc.reason:
        message += f": {exc.reason}"
    return f"error while interpolating {what}: {message}" if what else message


def interpolate(
    text: str, lookup: Lookup, *, location: Location | None = None, what: str = ""
) -> Interpolated:
    """Interpolate ``text`` as Compose does, resolving names through ``lookup``.

    Raises :class:`SourceError` at ``location`` (``<string>:1:1`` by default) for an invalid
    template or a required variable that is missing; ``what`` names the setting in the
    message.
    """
    if "$" not in text:
        return Interpolated(text)
    run = _Run(lookup)
    try:
        piece = _substitute(text, run)
    except (_InvalidTemplate, _MissingRequired) as exc:
        raise SourceError(_error(exc, what), location or _DEFAULT_LOCATION) from None
    return Interpolated(
        value=piece.value,
        origin=origin_chain(piece.used),
        missing=tuple(dict.fromkeys(run.missing)),
        from_origin=piece.direct is not None,
    )


def _unset(_name: str) -> Variable | None:
    """A lookup where nothing is set."""
    return None


def references(text: str) -> tuple[str, ...]:
    """The variable names ``text`` references, defaults and nested texts included.

    No lookup is made and nothing raises: an invalid ``${`` is skipped as Compose would
    replace it, and the names around it are still reported. Names come de-duplicated, in
    the order they are written.
    """
    if "$" not in text:
        return ()
    run = _Run(_unset, strict=False)
    _substitute(text, run)
    return tuple(dict.fromkeys(run.referenced))
