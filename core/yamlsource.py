"""Load YAML with positions and Compose's (Go yaml.v3) view of scalars.

PyYAML's C parser (libyaml) produces the event stream; this module composes the events itself,
without recursion, into a small frozen tree of :class:`YScalar`, :class:`YMap` and :class:`YSeq`
that carry 1-based locations. Composing here, rather than with ``yaml.compose``, lets the loader

- resolve plain scalars the way Go's ``go.yaml.in/yaml/v3`` does (what Docker Compose v2 uses),
  not with PyYAML's YAML 1.1 resolver: ``yes``/``on`` stay strings, ``True`` is a boolean that
  Compose ships as ``true``, ``025`` is octal 21, ``0587`` is the float 587;
- reject duplicate keys with compose-go's message (``loader/reset.go`` ``resolveReset``:
  ``mapping key "X" already defined at line N``), including two ``<<`` keys in one mapping;
- keep Compose's ``!reset`` and ``!override`` tags on the nodes;
- resolve YAML merge keys (``<<``) as yaml.v3's decoder does (local keys win, and in a list of
  mappings the earlier mapping wins) and aliases, sharing the aliased subtree instead of copying
  it, while counting the expanded size to refuse billion-laughs documents;
- bound the nesting depth (``yaml.compose`` with the C loader segfaults on ~100 000 levels).
"""

import functools
import math
import operator
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import yaml
from mail_lint.errors import SourceError
from mail_lint.model import Location

_ScalarEvent = yaml.ScalarEvent
_AliasEvent = yaml.AliasEvent
_MappingStartEvent = yaml.MappingStartEvent
_MappingEndEvent = yaml.MappingEndEvent
_SequenceStartEvent = yaml.SequenceStartEvent
_SequenceEndEvent = yaml.SequenceEndEvent
_DocumentEndEvent = yaml.DocumentEndEvent

try:
    # libyaml's event parser alone: CSafeLoader is this class plus a constructor and a
    # resolver that this module never uses (their set-up cost ~2 us per file).
    _Loader: type[Any] = yaml.cyaml.CParser  # type: ignore[attr-defined]
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader

#: Expanded node count (aliases counted as the size of what they expand to) past which a
#: document is refused; yaml.v3 refuses "excessive aliasing" by a ratio, this is simpler.
MAX_EXPANDED_NODES = 100_000
#: Nesting depth past which a document is refused. Compose (yaml.v3) allows 10 000; a real
#: compose file nests under 10, and the rest of the loader recurses over the tree.
MAX_DEPTH = 200

STR = "!!str"
INT = "!!int"
FLOAT = "!!float"
BOOL = "!!bool"
NULL = "!!null"
TIMESTAMP = "!!timestamp"
BINARY = "!!binary"
MERGE = "!!merge"
MAP = "!!map"
SEQ = "!!seq"
RESET = "!reset"
OVERRIDE = "!override"

_STD_PREFIX = "tag:yaml.org,2002:"

# yaml.v3 resolve.go: the resolve map of plain scalars.
_PLAIN_MAP: dict[str, tuple[str, str | None]] = {
    **{s: (BOOL, "true") for s in ("true", "True", "TRUE")},
    **{s: (BOOL, "false") for s in ("false", "False", "FALSE")},
    **{s: (NULL, None) for s in ("", "~", "null", "Null", "NULL")},
    **{s: (FLOAT, "NaN") for s in (".nan", ".NaN", ".NAN")},
    **{s: (FLOAT, "+Inf") for s in (".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF")},
    **{s: (FLOAT, "-Inf") for s in ("-.inf", "-.Inf", "-.INF")},
    "<<": (MERGE, "<<"),
}
# yaml.v3 resolve.go yamlStyleFloat.
_YAML_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
# Go strconv.ParseFloat on a value starting with "." (no underscores, no hex there).
_DOT_FLOAT = re.compile(r"\.[0-9]+([eE][-+]?[0-9]+)?")
# yaml.v3 parseTimestamp formats (Go layouts "2006-1-2", "2006-1-2T15:4:5.999999999Z07:00",
# "2006-1-2t15:4:5.999999999Z07:00", "2006-1-2 15:4:5.999999999").
_TIMESTAMP = re.compile(
    r"(?P<y>[0-9]{4})-(?P<m>[0-9]{1,2})-(?P<d>[0-9]{1,2})"
    r"(?:(?:[Tt](?P<t1>[0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(?:\.[0-9]+)?)"
    r"(?:Z|[+-][0-9]{2}:[0-9]{2}))"
    r"|(?: (?P<t2>[0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(?:\.[0-9]+)?)))?"
)
_GO_DIGITS = {2: "01", 8: "01234567", 10: "0123456789", 16: "0123456789abcdefABCDEF"}
_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
#: First characters of a plain scalar that may resolve to something else than a string
#: (``resolve_plain``: a number, a timestamp, ``.inf``; the words of ``_PLAIN_MAP`` are
#: looked up before this is consulted).
_NON_STR_START = frozenset("0123456789.+-")


class YScalar(NamedTuple):
    """A scalar: its text (``None`` for a null), its resolved tag, quoting style and place.

    ``tag`` is yaml.v3's resolution (``!!str``, ``!!int``, ``!!float``, ``!!bool``, ``!!null``,
    ``!!timestamp``, ``!!binary``, ``!!merge``) or an explicit custom tag kept as written
    (``!reset``, ``!override``). ``style`` is ``""`` (plain), ``'``, ``"``, ``|`` or ``>``.
    ``raw`` is the source text of the scalar, quotes included.

    The fields after ``raw`` are only set on the interpolated scalars of the Compose model
    (``mail_lint.compose.IScalar`` and ``EnvItem``, subclasses that add no field: a
    NamedTuple cannot grow fields by inheritance).
    """

    value: str | None
    tag: str
    style: str
    location: Location
    raw: str | None = None
    #: The interpolation chain (``IScalar``).
    origin: tuple[Location, ...] = ()
    #: Variables that were unset and became empty text (``IScalar``).
    missing: tuple[str, ...] = ()
    #: The whole value is one variable's text (``IScalar``).
    from_origin: bool = False
    #: An ``environment`` definition's key, its place and form (``EnvItem``).
    key: str = ""
    key_location: Location | None = None
    form: str = "map"

    @property
    def text(self) -> str:
        """The scalar's text, ``""`` for a null."""
        return "" if self.value is None else self.value


class YMap(NamedTuple):
    """A mapping with merge keys resolved: ``(key, value)`` pairs in document order.

    Build one with :func:`ymap`, which indexes the keys.
    """

    items: "tuple[tuple[YScalar, YNode], ...]"
    location: Location
    tag: str
    #: Key text to the position of its first pair in ``items``.
    positions: dict[str, int]

    def get(self, key: str) -> "YNode | None":  # type: ignore[override]
        """The value of ``key`` (its text as written), ``None`` when absent."""
        i = self.positions.get(key)
        return None if i is None else self.items[i][1]

    def key(self, key: str) -> YScalar | None:
        """The key node of ``key``, ``None`` when absent."""
        i = self.positions.get(key)
        return None if i is None else self.items[i][0]

    def keys(self) -> Iterator[str]:
        """The keys' texts in order."""
        return (k.text for k, _ in self.items)

    def __contains__(self, key: object) -> bool:
        return key in self.positions


def ymap(items: "tuple[tuple[YScalar, YNode], ...]", location: Location, tag: str = MAP) -> YMap:
    """A :class:`YMap` of ``items`` (a repeated key keeps its first position)."""
    names = list(map(_VALUE, map(_KEY, items)))
    if None in names:
        names = ["" if name is None else name for name in names]
    positions = dict(zip(names, range(len(names)), strict=True))
    if len(positions) < len(names):  # a repeated key: keep its first position
        positions = {}
        for i, name in enumerate(names):
            positions.setdefault(name, i)
    return _new(YMap, (items, location, tag, positions))


_KEY = operator.itemgetter(0)
_VALUE = operator.itemgetter(0)


class YSeq(NamedTuple):
    """A sequence."""

    items: "tuple[YNode, ...]"
    location: Location
    tag: str = SEQ


YNode = YScalar | YMap | YSeq

#: ``YScalar``'s fields after ``raw`` at their defaults, for building one with
#: ``tuple.__new__`` (the generated ``__new__`` is a Python call, on the loader's hot path).
_NO_META = tuple(YScalar._field_defaults[name] for name in YScalar._fields[5:])
assert _NO_META == ((), (), False, "", None, "map")  # as _Composer._document writes them
_new = tuple.__new__


def load_yaml(text: str, path: Path) -> YNode | None:
    """The first document of ``text`` (``None`` for an empty stream)."""
    docs = load_yaml_documents(text, path)
    return docs[0] if docs else None


def load_yaml_documents(text: str, path: Path) -> tuple[YNode | None, ...]:
    """Every document of ``text``; raises :class:`SourceError` where Compose refuses it."""
    return _Composer(text, path).compose()


class YStream(NamedTuple):
    """The documents of a YAML stream, and whether any node carries a Compose merge tag."""

    documents: tuple[YNode | None, ...]
    #: Whether some node (of any document) is tagged ``!reset`` or ``!override``.
    resets: bool


def load_yaml_stream(text: str, path: Path) -> YStream:
    """:func:`load_yaml_documents`, telling whether a ``!reset``/``!override`` tag was seen
    (a file without one needs no walk to find and strip them)."""
    composer = _Composer(text, path)
    documents = composer.compose()
    return YStream(documents, composer.tagged)


def go_format_float(value: float) -> str:
    """Go's ``strconv.FormatFloat(f, 'g', -1, 64)`` (what ``fmt.Sprint`` gives a float64)."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    from decimal import Decimal  # only for float scalars; not on the start-up path

    sign, digit_tuple, exponent = Decimal(repr(value)).as_tuple()
    assert isinstance(exponent, int)
    digits = "".join(map(str, digit_tuple)).rstrip("0") or "0"
    # Decimal point position of 0.<digits> * 10**dp.
    dp = len(digit_tuple) + exponent if digits != "0" else 1
    neg = "-" if sign else ""
    exp = dp - 1
    if exp < -4 or exp >= 6:
        mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return f"{neg}{mantissa}e{'-' if exp < 0 else '+'}{abs(exp):02d}"
    if dp <= 0:
        return f"{neg}0.{'0' * -dp}{digits}"
    if dp >= len(digits):
        return f"{neg}{digits}{'0' * (dp - len(digits))}"
    return f"{neg}{digits[:dp]}.{digits[dp:]}"


def go_parse_int(text: str, *, unsigned: bool = False) -> int | None:
    """Go's ``strconv.ParseInt(s, 0, 64)`` (or ``ParseUint``); ``None`` on error."""
    sign = 1
    body = text
    if body[:1] in "+-" and body:
        if unsigned:
            return None
        sign = -1 if body[0] == "-" else 1
        body = body[1:]
    base = 10
    low = body[:2].lower()
    if low in ("0x", "0o", "0b"):
        base = {"0x": 16, "0o": 8, "0b": 2}[low]
        body = body[2:]
    elif len(body) > 1 and body[0] == "0":
        base = 8
        body = body[1:]
    if not body or any(c not in _GO_DIGITS[base] for c in body):
        return None
    value = sign * int(body, base)
    if unsigned:
        return value if value < 1 << 64 else None
    return value if -(1 << 63) <= value < 1 << 63 else None


def _valid_timestamp(text: str) -> bool:
    match = _TIMESTAMP.fullmatch(text)
    if match is None:
        return False
    month, day = int(match["m"]), int(match["d"])
    if not 1 <= month <= 12 or not 1 <= day <= _DAYS[month - 1]:
        return False
    year = int(match["y"])
    if month == 2 and day == 29 and not (year % 4 == 0 and (year % 100 or year % 400 == 0)):
        return False
    clock = match["t1"] or match["t2"]
    if clock:
        h, m, s = (int(float(p)) for p in clock.split(":"))
        return h < 24 and m < 60 and s < 60
    return True


@functools.lru_cache(maxsize=4096)
def resolve_plain(text: str) -> tuple[str, str | None]:
    """yaml.v3's resolution of a plain scalar: ``(tag, canonical string Compose ships)``.

    Cached: the texts that look like numbers (ports, versions, sizes) recur in every file.
    """
    hit = _PLAIN_MAP.get(text)
    if hit is not None:
        return hit
    first = text[0]
    if first == ".":
        if _DOT_FLOAT.fullmatch(text):
            return FLOAT, go_format_float(float(text))
        return STR, text
    if not (first.isascii() and (first.isdigit() or first in "+-")):
        return STR, text
    if _valid_timestamp(text):
        return TIMESTAMP, text
    plain = text.replace("_", "")
    if plain:
        for unsigned in (False, True):
            number = go_parse_int(plain, unsigned=unsigned)
            if number is not None:
                return INT, str(number)
        if _YAML_FLOAT.fullmatch(plain):
            value = float(plain)
            if not math.isinf(value):  # Go's ParseFloat reports out of range
                return FLOAT, go_format_float(value)
    return STR, text


def _resolve_explicit(tag: str, text: str, location: Location) -> tuple[str, str | None]:
    """An explicitly tagged scalar (``!!int "25"``) as yaml.v3 decodes it into ``any``."""
    if tag == STR:
        return STR, text
    if tag == BINARY:
        import base64
        import binascii

        try:
            data = base64.b64decode("".join(text.split()), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise SourceError(
                f"!!binary value contains invalid base64 data: {exc}", location
            ) from exc
        return BINARY, data.decode("utf-8", errors="replace")
    resolved, canonical = resolve_plain(text) if text else (NULL, None)
    if tag == resolved or (tag == FLOAT and resolved == INT):
        if tag == FLOAT and resolved == INT and canonical is not None:
            canonical = go_format_float(float(canonical))
        return tag, canonical
    if tag in (INT, FLOAT, BOOL, NULL, TIMESTAMP):
        raise SourceError(f"cannot decode {resolved} `{text}` as a {tag}", location)
    # An unknown tag decodes as the scalar's text (yaml.v3 resolve: not a resolvable tag).
    return tag, text


def _short_tag(tag: str | None) -> str | None:
    if tag is None or tag == "!":
        return None
    if tag.startswith(_STD_PREFIX):
        return "!!" + tag[len(_STD_PREFIX) :]
    return tag


def _location(path: Path, start: Any, end: Any) -> Location:
    return Location(path, start.line + 1, start.column + 1, end.line + 1, end.column + 1)


class _Frame:
    """A collection being composed."""

    __slots__ = ("anchor", "children", "kind", "location", "size", "tag")

    def __init__(self, kind: str, tag: str, location: Location, anchor: str | None) -> None:
        self.kind = kind  # "map" or "seq"
        self.tag = tag
        self.location = location
        self.anchor = anchor
        self.children: list[YNode] = []
        self.size = 1


class _Composer:
    """Builds :data:`YNode` trees from libyaml events, iteratively."""

    def __init__(self, text: str, path: Path) -> None:
        self.text = text
        self.path = path
        self.anchors: dict[str, YNode] = {}
        self.open_anchors: set[str] = set()
        self.sizes: dict[int, int] = {}
        self.aliased = False
        #: Whether a node is tagged ``!reset`` or ``!override`` (none: nothing to strip).
        self.tagged = False

    def compose(self) -> tuple[YNode | None, ...]:
        loader = _Loader(self.text)
        docs: list[YNode | None] = []
        try:
            while True:
                event = loader.get_event()
                if event is None or isinstance(event, yaml.StreamEndEvent):
                    break
                if isinstance(event, yaml.DocumentStartEvent):
                    self.anchors.clear()
                    docs.append(self._document(loader))
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
            message = exc.problem or exc.context or "invalid YAML"
            if exc.context and exc.problem:
                message = f"{exc.context}: {exc.problem}"
            raise SourceError(
                f"YAML syntax error: {message}", Location(self.path, line, column)
            ) from None
        except yaml.YAMLError as exc:
            raise SourceError(f"YAML error: {exc}", Location(self.path, 1, 1)) from None
        finally:
            loader.dispose()
        return tuple(docs)

    def _document(self, loader: Any) -> YNode | None:
        """Compose one document's events.

        This loop is the loader's hot path: it dispatches on the event's class, keeps the
        open collection in a local, and builds the common plain scalar inline (with
        ``tuple.__new__``: a NamedTuple's generated ``__new__`` is a Python call).
        """
        get_event = loader.get_event
        path = self.path
        text = self.text
        anchors = self.anchors
        sizes = self.sizes
        plain_map = _PLAIN_MAP
        stack: list[_Frame] = []  # the open collections around ``frame``
        frame: _Frame | None = None  # the innermost open collection
        root: YNode | None = None
        while True:
            event = get_event()
            kind = event.__class__
            node: YNode
            size = 1
            if kind is _ScalarEvent:
                start, end = event.start_mark, event.end_mark
                location = _new(
                    Location,
                    (path, start.line + 1, start.column + 1, end.line + 1, end.column + 1),
                )
                raw = text[start.index : end.index]
                value = event.value
                if event.tag is None and not event.style and event.implicit[0]:
                    # A plain scalar: resolve_plain, with its most common answers first.
                    # The fields after ``raw`` are written out at their defaults (_NO_META).
                    hit = plain_map.get(value)
                    if hit is None and value[0] not in _NON_STR_START:
                        node = _new(
                            YScalar, (value, STR, "", location, raw, (), (), False, "", None, "map")
                        )
                    else:
                        tag, resolved = resolve_plain(value) if hit is None else hit
                        node = _new(
                            YScalar,
                            (resolved, tag, "", location, raw, (), (), False, "", None, "map"),
                        )
                else:
                    node = self._scalar(event, location, raw)
                if event.anchor is not None:
                    anchors[event.anchor] = node
                if frame is not None:
                    frame.children.append(node)
                    frame.size += 1
                    if frame.size > MAX_EXPANDED_NODES:
                        raise self._too_big(node.location)
                    continue
            elif kind is _MappingStartEvent or kind is _SequenceStartEvent:
                start, end = event.start_mark, event.end_mark
                location = _new(
                    Location,
                    (path, start.line + 1, start.column + 1, end.line + 1, end.column + 1),
                )
                if len(stack) + (frame is not None) >= MAX_DEPTH:
                    raise SourceError(f"exceeded max depth of {MAX_DEPTH}", location)
                is_map = kind is _MappingStartEvent
                tag = _short_tag(event.tag) or (MAP if is_map else SEQ)
                if tag in (RESET, OVERRIDE):
                    self.tagged = True
                if event.anchor is not None:
                    self.open_anchors.add(event.anchor)
                if frame is not None:
                    stack.append(frame)
                frame = _Frame("map" if is_map else "seq", tag, location, event.anchor)
                continue
            elif kind is _MappingEndEvent or kind is _SequenceEndEvent:
                done = frame
                assert done is not None
                frame = stack.pop() if stack else None
                node = self._mapping(done) if done.kind == "map" else self._sequence(done)
                size = done.size
                sizes[id(node)] = size
                if done.anchor is not None:
                    self.open_anchors.discard(done.anchor)
                    anchors[done.anchor] = node
                if frame is not None:
                    frame.children.append(node)
                    frame.size += size
                    if frame.size > MAX_EXPANDED_NODES:
                        raise self._too_big(node.location)
                    continue
            elif kind is _AliasEvent:
                node = self._alias(event)
                size = sizes.get(id(node), 1)
                if frame is not None:
                    frame.children.append(node)
                    frame.size += size
                    if frame.size > MAX_EXPANDED_NODES:
                        raise self._too_big(_location(path, event.start_mark, event.end_mark))
                    continue
            elif kind is _DocumentEndEvent:
                return root
            else:  # pragma: no cover - no other event occurs inside a document
                continue
            root = node  # a node outside any collection

    def _too_big(self, location: Location) -> SourceError:
        """The error for a document past :data:`MAX_EXPANDED_NODES` (at the node that
        crossed the limit)."""
        # Without an alias, the document is simply too big (no aliasing to blame).
        message = (
            "document contains excessive aliasing "
            f"(more than {MAX_EXPANDED_NODES} nodes once aliases are expanded)"
            if self.aliased
            else f"document has more than {MAX_EXPANDED_NODES} nodes: refused"
        )
        return SourceError(message, location)

    def _scalar(self, event: Any, location: Location, raw: str) -> YScalar:
        """A scalar that is quoted, a block scalar or explicitly tagged."""
        style = event.style or ""
        tag = _short_tag(event.tag)
        value: str | None
        if tag is None:
            if style == "" and event.implicit[0]:
                tag, value = resolve_plain(event.value)
            else:
                tag, value = STR, event.value
        else:
            tag, value = _resolve_explicit(tag, event.value, location)
            if tag in (RESET, OVERRIDE):
                self.tagged = True
                if style == "" and event.value == "":
                    value = None
        return YScalar(value, tag, style, location, raw)

    def _alias(self, event: Any) -> YNode:
        self.aliased = True
        location = _location(self.path, event.start_mark, event.end_mark)
        if event.anchor in self.open_anchors:
            raise SourceError(f"anchor '{event.anchor}' value contains itself", location)
        node = self.anchors.get(event.anchor)
        if node is None:
            raise SourceError(f"unknown anchor '{event.anchor}' referenced", location)
        return node

    def _sequence(self, frame: _Frame) -> YSeq:
        return YSeq(tuple(frame.children), frame.location, frame.tag)

    def _mapping(self, frame: _Frame) -> YMap:
        """Check duplicate keys as compose-go does, then apply ``<<`` as yaml.v3 does.

        Builds the :class:`YMap` with its key positions directly: the keys are unique once
        duplicates are refused, and a merged key is added only when absent.
        """
        children = frame.children
        seen: dict[str, YScalar] = {}
        local: list[tuple[YScalar, YNode]] = []
        positions: dict[str, int] = {}
        merges: list[tuple[YScalar, YNode]] = []
        for key, value in zip(children[0::2], children[1::2], strict=True):
            if not isinstance(key, YScalar):
                raise SourceError("a mapping key must be a scalar", key.location)
            name = key.value
            if name is None:
                name = ""
            if name in seen:
                raise SourceError(
                    f'mapping key "{name}" already defined at line {seen[name].location.line}',
                    key.location,
                )
            seen[name] = key
            if key.tag == MERGE:
                merges.append((key, value))
            else:
                positions[name] = len(local)
                local.append((key, value))
        for _, value in merges:
            self._merge_into(value, local, positions, frame)
        return _new(YMap, (tuple(local), frame.location, frame.tag, positions))

    def _merge_into(
        self,
        value: YNode,
        local: list[tuple[YScalar, YNode]],
        positions: dict[str, int],
        frame: _Frame,
    ) -> None:
        """Append the pairs of the mapping(s) a ``<<`` key names whose keys are absent."""
        sources: tuple[YNode, ...] = value.items if isinstance(value, YSeq) else (value,)
        for source in sources:
            if not isinstance(source, YMap):
                raise SourceError(
                    "map merge requires map or sequence of maps as the value", source.location
                )
            for item_key, item_value in source.items:
                name = item_key.text
                if name not in positions:
                    positions[name] = len(local)
                    local.append((item_key, item_value))
                    frame.size += self.sizes.get(id(item_value), 1)


def compose_string(node: YNode, *, what: str = "value") -> str | None:
    """The string Compose ships for a scalar in ``environment:`` (``None`` for null).

    compose-go ``types/mapping.go`` ``mappingValue``: a string is kept, a null stays unset,
    anything else is ``fmt.Sprint`` of yaml.v3's decoded value (``True`` gives ``true``,
    ``025`` gives ``21``, ``1e3`` gives ``1000``). A timestamp fails Compose's schema
    validation (``invalid jsonType time.Time``); a mapping or a list is refused too.
    """
    if not isinstance(node, YScalar):
        raise SourceError(f"{what} must be a boolean, null, number or string", node.location)
    if node.tag == TIMESTAMP:
        raise SourceError(f"{what} invalid jsonType time.Time", node.location)
    return node.value
