"""Docmost's ``/app/.env``, read the way Docmost reads it: Node ``dotenv`` + ``dotenv-expand``.

Docmost (``apps/server`` @ ``549cf7c0``, v0.95.0) loads the file with
``ConfigModule.forRoot({expandVariables: true, envFilePath})`` of ``@nestjs/config`` 4.0.4,
whose ``loadEnvFile`` (``lib/config.module.ts``) runs ``dotenv.parse(fs.readFileSync(path))``
then ``expand({parsed})``; ``pnpm-lock.yaml`` resolves those to **dotenv 17.4.1** and
**dotenv-expand 12.0.3**. Both are ported step by step, quirks included:

dotenv ``lib/main.js`` ``parse()`` (tag ``v17.4.1``)
    * ``\\r\\n`` and ``\\r`` become ``\\n``; then the ``LINE`` regex is applied globally, with
      JavaScript's ``\\s`` (which includes a BOM and U+00A0) and ASCII ``\\w``. Lines it does not
      match are skipped silently: this reader never fails.
    * ``export `` is optional; ``KEY: value`` is accepted as well as ``KEY=value``; keys are
      ``[A-Za-z0-9_.-]+``.
    * Values: ``'...'``, ``"..."`` and ```...``` may span lines; an unquoted value stops at the
      first ``#`` (``a#b`` is ``a``) and is trimmed. ``\\"`` inside quotes stays ``\\"``.
    * After ``KEY=`` with nothing on the line, the next line is taken as the value if it is a
      quoted string (``KEY=`` then ``"x"`` gives ``KEY=x``): the regex's ``\\s*`` crosses lines.
    * Text after a closing quote makes the whole rest of the line the value, quotes kept
      (``A="b" c`` gives ``"b" c``).
    * The value is trimmed, one pair of matching outer quotes is removed; when the value
      *started* with ``"``, ``\\n`` and ``\\r`` become a newline and a carriage return.
    * A repeated key keeps its last value but its *first* position in the object's key order,
      and JavaScript enumerates array-index keys (``"0"``, ``"12"``) first, ascending;
      ``__proto__`` never becomes a key. That order is the order dotenv-expand expands in.

dotenv-expand ``lib/main.js`` ``expand()`` (tag ``v12.0.3``)
    * Keys are expanded in that order; a key the process environment sets to a non-empty text
      different from the file's takes the environment's text, unexpanded.
    * ``expandValue``: repeatedly find the first unescaped ``${...}`` or ``$NAME``, also inside
      single quotes (quotes are gone by then). Names read the environment first, then the
      keys already expanded. ``${A:-x}`` and ``${A-x}`` both give ``x`` when A is unset *or
      empty*; ``${A:+x}`` and ``${A+x}`` give ``x`` when A is non-empty, else empty.
      Without an operator the expression is split on the text ``null`` (``String.split(null)``),
      so ``$nullable`` reads the variable ``""`` with the default ``able``.
    * The replacement is ``String.replace(template, value)``: it replaces the *first*
      occurrence of the template text (possibly an escaped one before it) and expands ``$$``,
      ``$&``, ``$``` and ``$'`` in the value. The result is scanned again from the start, so a
      value's own ``$NAME`` is expanded too; a value equal to an earlier intermediate result
      is replaced by the default (self-reference guard), and expansion stops once the result
      equals the referenced key's already expanded value.
    * Finally every ``\\$`` becomes ``$``, also in a value taken from the environment.

python-dotenv is not used: its parser and its expansion differ from these on the points
above (it unescapes ``\\"`` and ``\\'``, keeps ``#`` that is not preceded by a space, does not
expand ``$NAME`` or single-quoted values, has no ``KEY: value`` form and no backticks).
"""

import re
from bisect import bisect_right
from pathlib import Path
from typing import NamedTuple

from mail_lint.errors import SourceError
from mail_lint.interpolation import Lookup
from mail_lint.model import DotenvEntry, Location, Variable, origin_chain

__all__ = ["parse_node_dotenv"]

#: JavaScript's ``\\s`` (WhiteSpace and LineTerminator).
_JS_SPACE = "\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_S = f"[{_JS_SPACE}]"
#: The same characters, for ``str.strip`` (``String.prototype.trim``).
_JS_SPACE_CHARS = "\t\n\v\f\r \u00a0\u1680\u2028\u2029\u202f\u205f\u3000\ufeff" + "".join(
    chr(c) for c in range(0x2000, 0x200B)
)
#: JavaScript's multiline ``^``, ``$`` and ``.``.
_BOL = r"(?<![^\n\r\u2028\u2029])"
_EOL = r"(?![^\n\r\u2028\u2029])"
_DOT = r"[^\n\r\u2028\u2029]"
#: dotenv ``LINE``, translated token for token:
#: ``(?:^|^)\s*(?:export\s+)?([\w.-]+)(?:\s*=\s*?|:\s+?)(\s*'(?:\\'|[^'])*'|\s*"(?:\\"|[^"])*"``
#: ``|\s*`(?:\\`|[^`])*`|[^#\r\n]+)?\s*(?:#.*)?(?:$|$)``.
_LINE = re.compile(
    rf"{_BOL}{_S}*(?:export{_S}+)?(?P<key>[A-Za-z0-9_.-]+)(?:{_S}*={_S}*?|:{_S}+?)"
    rf"(?P<value>{_S}*'(?:\\'|[^'])*'|{_S}*\"(?:\\\"|[^\"])*\"|{_S}*`(?:\\`|[^`])*`"
    rf"|[^#\r\n]+)?{_S}*(?:#{_DOT}*)?{_EOL}"
)
#: dotenv: ``value.replace(/^(['"`])([\s\S]*)\1$/mg, '$2')``.
_OUTER_QUOTES = re.compile(rf"{_BOL}(['\"`])([\s\S]*)\1{_EOL}")
#: dotenv-expand ``expandValue``.
_REFERENCE = re.compile(r"(?<!\\)\$\{([^{}]+)\}|(?<!\\)\$([A-Za-z_][A-Za-z0-9_]*)")
_OPERATOR = re.compile(r":\+|\+|:-|-")
#: ``String.prototype.replace`` replacement patterns (no capture groups: ``$1`` is literal).
_SUBSTITUTION = re.compile(r"\$([$&`'])")

#: Past this many substitutions in one value (each step replaces one reference; no real value
#: has a thousand) or this much text, Node would loop until it runs out of memory: refuse.
_MAX_STEPS = 1_000
_MAX_LENGTH = 1 << 16


class _Line(NamedTuple):
    """One ``LINE`` match: the key, its value as dotenv leaves it, and where both are."""

    key: str
    value: str
    raw: str
    quote: str
    key_location: Location
    location: Location


def parse_node_dotenv(
    text: str, path: Path, *, lookup: Lookup | None = None
) -> tuple[DotenvEntry, ...]:
    """Every ``KEY=value`` line of a Docmost ``.env``, in file order, as Docmost ends up with it.

    ``lookup`` is the process environment (the container's variables). A repeated key yields
    one entry per line; the last is the one Docmost uses (the earlier ones are computed as if
    they were last). A key the environment sets to a different non-empty text carries that
    text, with ``from_origin`` set and the variable's location as ``origin``. ``location`` is
    the value token (its opening quote when quoted), or the key when the value is empty.

    :raises SourceError: only where dotenv-expand would never finish (self-referencing values).
    """
    env: Lookup = lookup if lookup is not None else _unset
    lines = _parse(text, path)
    last: dict[str, _Line] = {}
    for line in lines:
        if line.key != "__proto__":
            last[line.key] = line
    running: dict[str, Variable] = {}
    results: dict[int, DotenvEntry] = {}
    for key in _enumeration_order(last):
        for index, line in enumerate(lines):
            if line.key == key:
                results[index] = _expand(line, env, running)
        final = results[max(i for i, line in enumerate(lines) if line.key == key)]
        running[key] = Variable(key, final.value or "", final.location, final.origin)
    return tuple(results[i] for i in sorted(results))


def _unset(_name: str) -> Variable | None:
    return None


def _parse(text: str, path: Path) -> list[_Line]:
    """dotenv ``parse()``: every ``LINE`` match, with positions in the original text."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    starts = [0, *(i + 1 for i, c in enumerate(text) if c == "\n")]
    lines: list[_Line] = []
    for match in _LINE.finditer(text):
        key_location = _span(path, starts, match.start("key"), match.end("key"))
        group = match.group("value") or ""
        value = group.strip(_JS_SPACE_CHARS)
        at = match.start("value") + len(group) - len(group.lstrip(_JS_SPACE_CHARS))
        location = key_location if value == "" else _span(path, starts, at, at + len(value))
        maybe_quote = value[:1]
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"`":
            raw, quote = value[1:-1], value[0]
        else:
            raw, quote = value, ""
        value = _OUTER_QUOTES.sub(r"\2", value)
        if maybe_quote == '"':
            value = value.replace("\\n", "\n").replace("\\r", "\r")
        lines.append(_Line(match.group("key"), value, raw, quote, key_location, location))
    return lines


def _span(path: Path, starts: list[int], start: int, end: int) -> Location:
    line = bisect_right(starts, start) - 1
    end_line = bisect_right(starts, end) - 1
    return Location(
        path, line + 1, start - starts[line] + 1, end_line + 1, end - starts[end_line] + 1
    )


def _enumeration_order(keys: dict[str, _Line]) -> list[str]:
    """``for (const key in obj)``: array indices ascending, then insertion order."""
    indices = sorted((k for k in keys if _is_array_index(k)), key=int)
    return indices + [k for k in keys if not _is_array_index(k)]


def _is_array_index(key: str) -> bool:
    return key.isascii() and key.isdigit() and str(int(key)) == key and int(key) < 2**32 - 1


def _expand(line: _Line, env: Lookup, running: dict[str, Variable]) -> DotenvEntry:
    """dotenv-expand ``expand()`` for one key."""
    external = env(line.key)
    if external is not None and external.value and external.value != line.value:
        value = _unescape(external.value)
        return _entry(line, value, (external,), (), from_origin=True)
    expanded = _Expansion(line, env, running)
    value = _unescape(expanded.run())
    whole = (
        len(expanded.used) == 1
        and _REFERENCE.fullmatch(line.value) is not None
        and value == expanded.used[0].value
    )
    return _entry(line, value, tuple(expanded.used), tuple(expanded.missing), from_origin=whole)


def _unescape(value: str) -> str:
    """``_resolveEscapeSequences``."""
    return value.replace("\\$", "$")


def _entry(
    line: _Line,
    value: str,
    used: tuple[Variable, ...],
    missing: tuple[str, ...],
    *,
    from_origin: bool,
) -> DotenvEntry:
    return DotenvEntry(
        key=line.key,
        value=value,
        location=line.location,
        key_location=line.key_location,
        raw=line.raw,
        quote=line.quote,
        origin=origin_chain(used),
        missing=tuple(dict.fromkeys(missing)),
        from_origin=from_origin,
    )


class _Expansion:
    """``expandValue(value, processEnv, runningParsed)`` with what it read."""

    def __init__(self, line: _Line, env: Lookup, running: dict[str, Variable]) -> None:
        self.line = line
        self.env = env
        self.running = running
        self.used: list[Variable] = []
        self.missing: list[str] = []

    def get(self, name: str) -> Variable | None:
        """``{...runningParsed, ...processEnv}[name]``: the environment wins."""
        if name == "":
            return None
        found = self.env(name)
        return found if found is not None else self.running.get(name)

    def run(self) -> str:
        result = self.line.value
        seen: set[str] = set()
        for _ in range(_MAX_STEPS):
            match = _REFERENCE.search(result)
            if match is None:
                return result
            seen.add(result)
            template = match.group(0)
            name, replacement = self._replacement(match.group(1) or match.group(2), seen)
            result = _js_replace(result, template, replacement)
            if len(result) > _MAX_LENGTH:
                break
            previous = self.running.get(name)
            if previous is not None and result == previous.value:
                return result
        raise SourceError(
            f"dotenv-expand never finishes expanding {self.line.key} (a variable that"
            " refers to itself): Docmost would hang at start-up",
            self.line.location,
        )

    def _replacement(self, expression: str, seen: set[str]) -> tuple[str, str]:
        """The referenced name and the text that replaces the template."""
        operator = _OPERATOR.search(expression)
        if operator is None:
            # expression.split(null) splits on the text "null"; r.join(null) joins with it.
            name, _, default = expression.partition("null")
            has_operator = False
        else:
            name, default = expression[: operator.start()], expression[operator.end() :]
            has_operator = True
        variable = self.get(name)
        if operator is not None and operator.group() in (":+", "+"):
            return name, default if variable is not None and variable.value else ""
        if variable is not None and variable.value:
            if variable.value in seen:
                return name, default
            self.used.append(variable)
            return name, variable.value
        if variable is None and not has_operator and name:
            self.missing.append(name)
        return name, default


def _js_replace(text: str, template: str, replacement: str) -> str:
    """``text.replace(template, replacement)`` with a string pattern (first occurrence)."""
    at = text.find(template)
    after = at + len(template)

    def substitute(match: re.Match[str]) -> str:
        code = match.group(1)
        if code == "$":
            return "$"
        if code == "&":
            return template
        return text[:at] if code == "`" else text[after:]

    return text[:at] + _SUBSTITUTION.sub(substitute, replacement) + text[after:]
