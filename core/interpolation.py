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

import contextlib
import functools
import re
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from mail_lint.errors import SourceError
from mail_lint.model import Location, Variable, origin_chain

#: Resolves a variable name to its definition, ``None`` when unset.
Lookup = Callable[[str], Variable | None]

# compose-go's pattern is
#   \$(?:(?P<escaped>\$)|(?P<named>NAME)|\{(?:(?P<braced>NAME(?::?[-+?](.*))?)\}|(?P<invalid>)))
# with NAME (?i)[_a-z][_a-z0-9]*. Go's (?i) folds k to the Kelvin sign and s to the long s;
# nothing else (not the dotted/dotless i that Python's re.IGNORECASE would add).
_FOLDED = ("\u017f", "\u212a")  # (tested one by one in _Template)
_NAME = "[_a-zA-Z][_a-zA-Z0-9]*"
_FOLDED_NAME = "[_a-zA-Z\u017f\u212a][_a-zA-Z0-9\u017f\u212a]*"
#: ``${A:-${B:-...}}`` nested deeper than this is refused: the nesting is interpolated
#: recursively, and no real value nests more than a few levels.
MAX_NESTING = 100
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


class Interpolated(NamedTuple):
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


class _TooDeep(Exception):
    """References nested deeper than :data:`MAX_NESTING` (refused, not a Compose error)."""


class _Piece(NamedTuple):
    """A substituted text, the variables whose text it holds, and the single direct one.

    A named tuple rather than a frozen dataclass: it is built per match, and cheaply."""

    value: str
    used: tuple[Variable, ...] = ()
    direct: Variable | None = None


class _Run:
    """State of one interpolation: the lookup, and what it saw along the way."""

    __slots__ = ("depth", "lookup", "missing", "referenced", "strict")

    def __init__(self, lookup: Lookup, *, strict: bool = True) -> None:
        self.lookup = lookup
        self.strict = strict
        self.depth = 0
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


def _closing_brace(text: str, start: int, end: int) -> int:
    """compose-go ``getFirstBraceClosingIndex`` on ``text[start:end]``: skips the character
    after each ``{``. Returns an index into ``text``, or -1."""
    depth = 0
    i = start
    while i < end:
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


class _Template:
    """One template: ``text[start:end]``, scanned without copying it.

    compose-go matches a braced reference with an operator by a greedy ``.*`` up to the last
    ``}`` of the line; a regex doing that here costs the rest of the line for every such
    reference (quadratic on one long line). The last ``}`` of the current line is looked up
    once per line instead, so a scan is linear.
    """

    __slots__ = ("_brace", "_line_end", "end", "head", "start", "text")

    def __init__(self, text: str, start: int, end: int) -> None:
        self.text = text
        self.start = start
        self.end = end
        self._line_end = -1
        self._brace = -1
        #: The head pattern for this text: ASCII names, unless a folded letter occurs.
        self.head = _folded_head() if "\u017f" in text or "\u212a" in text else _head()

    def last_brace(self, at: int) -> int:
        """The last ``}`` at or after ``at`` on its line (inside the template), or -1."""
        if at > self._line_end:
            newline = self.text.find("\n", at, self.end)
            self._line_end = self.end if newline == -1 else newline
            self._brace = self.text.rfind("}", at, self._line_end)
        return self._brace if self._brace >= at else -1


class _Match(NamedTuple):
    """One match of compose-go's pattern, cut at its first balanced ``}``."""

    start: int
    end: int  # where the pattern's match ends (the scan goes on from here)
    cut: int  # where the reference itself ends; ``cut < end``: a rest follows
    kind: str  # "escaped", "named", "braced", "operator" or "invalid"
    name: str = ""
    operator: str = ""
    argument: tuple[int, int] = (0, 0)


_HEAD_SOURCE = (
    r"\$(?:(?P<escaped>\$)|(?P<named>NAME)|\{(?:(?P<braced>NAME)(?P<operator>:?[-+?])?)?)"
)


@functools.cache
def _head() -> re.Pattern[str]:
    """The head pattern, compiled when a first text holds a ``$``."""
    return re.compile(_HEAD_SOURCE.replace("NAME", _NAME))


@functools.cache
def _folded_head() -> re.Pattern[str]:
    """The head pattern with Go's case folding, for the rare text that holds a Kelvin sign
    or a long s (its character classes cost 4x more to compile than the ASCII ones)."""
    return re.compile(_HEAD_SOURCE.replace("NAME", _FOLDED_NAME))


def _next_match(template: _Template, at: int) -> _Match | None:
    """compose-go's pattern at or after ``at``, as ``finditer`` finds it, with
    ``DefaultReplacementAppliedFunc``'s cut at the first balanced closing brace."""
    text = template.text
    head = template.head.search(text, at, template.end)
    if head is None:
        return None
    start = head.start()
    if head.group("escaped"):
        return _Match(start, head.end(), head.end(), "escaped")
    if head.group("named"):
        return _Match(start, head.end(), head.end(), "named", head.group("named"))
    name = head.group("braced")
    if name:
        operator = head.group("operator")
        if operator:
            brace = template.last_brace(head.end())
            if brace != -1:
                end = brace + 1
                closing = _closing_brace(text, start, end)
                cut = end if closing == -1 else closing + 1
                return _Match(start, end, cut, "operator", name, operator, (head.end(), cut - 1))
        elif head.end() < template.end and text[head.end()] == "}":
            return _Match(start, head.end() + 1, head.end() + 1, "braced", name)
    # "${" that is not a valid braced reference.
    return _Match(start, start + 2, start + 2, "invalid")


def _substitute(template: str, run: _Run) -> _Piece:
    """compose-go ``SubstituteWithOptions``: replace every match of the pattern."""
    if "$" not in template:
        return _Piece(template)
    return _substitute_in(_Template(template, 0, len(template)), run)


def _substitute_in(template: _Template, run: _Run) -> _Piece:
    """Substitute ``template``; the text after a cut reference (the "rest", which compose-go
    substitutes as a template of its own, recursively) is scanned in the same loop: it ends
    at the last ``}`` of its line, so no match crosses its end and the result is the same."""
    text = template.text
    parts: list[str] = []
    used: list[Variable] = []
    direct: Variable | None = None
    pos = template.start
    rest: tuple[int, int] | None = None  # the innermost rest being scanned
    while True:
        match = _next_match(template, pos)
        if match is None:
            break
        if rest is not None and match.start >= rest[1]:
            rest = None
        parts.append(text[pos : match.start])
        try:
            piece = _replace(match, template, run)
        except _InvalidTemplate as exc:
            if exc.template is None:
                where = rest or (template.start, template.end)
                exc.template = text[where[0] : where[1]]
            if run.strict:
                raise
            piece = _Piece("")
        parts.append(piece.value)
        used.extend(piece.used)
        if rest is None:
            whole = match.start == template.start and match.end == template.end
            direct = piece.direct if whole and match.cut == match.end else None
        if match.cut < match.end:
            rest = (match.cut, match.end)
        pos = match.cut
    parts.append(text[pos : template.end])
    return _Piece("".join(parts), tuple(used), direct)


def _replace(match: _Match, template: _Template, run: _Run) -> _Piece:
    """compose-go ``DefaultReplacementAppliedFunc`` for one match (its rest excluded)."""
    if match.kind == "escaped":
        return _Piece("$")
    if match.kind == "invalid":
        raise _InvalidTemplate()
    if match.kind == "operator":
        start, end = match.argument
        return _apply(match.name, match.operator, _Template(template.text, start, end), run)
    variable = run.resolve(match.name, warn=True)
    if variable is None:
        return _Piece("")
    return _Piece(variable.value, (variable,), variable)


def _apply(name: str, operator: str, argument: _Template, run: _Run) -> _Piece:
    """One of the six operators; ``argument`` is interpolated first, whatever happens next."""
    run.referenced.append(name)
    if run.depth >= MAX_NESTING:
        raise _TooDeep()
    run.depth += 1
    alternative = _substitute_in(argument, run)
    run.depth -= 1
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
    whole = _WHOLE.fullmatch(text)
    run = _Run(lookup)
    try:
        if whole is not None:  # the most common template, without the general scan
            return _whole(whole, lookup)
        piece = _substitute(text, run)
    except (_InvalidTemplate, _MissingRequired) as exc:
        raise SourceError(_error(exc, what), location or _DEFAULT_LOCATION) from None
    except _TooDeep:
        message = f"variable references nested deeper than {MAX_NESTING} levels: refused"
        raise SourceError(
            f"{what}: {message}" if what else message, location or _DEFAULT_LOCATION
        ) from None
    return Interpolated(
        value=piece.value,
        origin=origin_chain(piece.used),
        missing=tuple(dict.fromkeys(run.missing)),
        from_origin=piece.direct is not None,
    )


#: A text that is one reference, ``${NAME}`` or ``${NAME<operator><text>}``, whose text holds
#: no ``$``, brace or newline (a plain default, alternate or error message).
_WHOLE = re.compile(r"\$\{(" + _NAME + r")(?:(:?[-+?])([^${}\n]*))?\}")


def _whole(match: re.Match[str], lookup: Lookup) -> Interpolated:
    """:func:`interpolate` of a text :data:`_WHOLE` matches, without the scan.

    Exact: the scan finds that one reference, cut at its only ``}``, and interpolating its
    text (no ``$``) gives the text itself and looks nothing up; then :func:`_replace` or
    :func:`_apply` decides, and the value is the variable's own text exactly when it comes
    from the variable (``from_origin``). Only ``${NAME}`` warns about an unset variable."""
    name, operator, argument = match.groups()
    variable = lookup(name)
    if operator is None:
        if variable is None:
            return Interpolated("", (), (name,))
    else:
        empty = variable is None or variable.value == ""
        if operator in ("-", ":-"):
            if variable is None or (operator == ":-" and empty):
                return Interpolated(argument)
        elif operator in ("+", ":+"):
            if variable is not None and (operator == "+" or not empty):
                return Interpolated(argument)
            if variable is None:
                return Interpolated("")
        elif variable is None or (operator == ":?" and empty):
            raise _MissingRequired(name, argument)
    assert variable is not None
    return Interpolated(variable.value, origin_chain((variable,)), (), True)


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
    with contextlib.suppress(_TooDeep):  # the names seen so far
        _substitute(text, run)
    return tuple(dict.fromkeys(run.referenced))
