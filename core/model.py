"""Value objects shared by loaders, the Compose model, plugins and rules.

Every value object here is a ``typing.NamedTuple``: immutable, cheap to define and to create
(a frozen dataclass costs ~0.5 ms to define and ~2x to instantiate, and the CLI starts on every
commit). A loader builds them once; nothing mutates them after.
Line and column numbers are 1-based, as editors and every peer linter show them.
"""

import enum
from collections.abc import ItemsView, Iterator, KeysView, Mapping, ValuesView
from pathlib import Path
from typing import NamedTuple


class Location(NamedTuple):
    """A position in a file: 1-based line and column, with an optional end."""

    path: Path
    line: int
    column: int = 1
    end_line: int | None = None
    end_column: int | None = None

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


class SourceKind(enum.StrEnum):
    """Where a setting's value was written."""

    #: ``environment:`` of a compose service.
    COMPOSE = "compose"
    #: A file named by a service's ``env_file:``.
    ENV_FILE = "env_file"
    #: The Compose project ``.env`` (interpolation only, never the container directly).
    PROJECT_DOTENV = "project-dotenv"
    #: An app's own dotenv file (BookStack's ``/config/www/.env``, Docmost's ``/app/.env``).
    APP_DOTENV = "app-dotenv"
    #: An app settings file (INI, TOML, JSON).
    SETTINGS_FILE = "settings-file"
    #: ``--env KEY=VAL`` / ``--env-file`` given on the command line.
    CLI = "cli"
    #: A code default a plugin supplies where the key is absent.
    DEFAULT = "default"


class Setting(NamedTuple):
    """One effective value and where it came from.

    ``location`` is where the key is written: the value's position when there is a value,
    else the key's. ``origin`` is the interpolation chain: the definitions of the variables
    whose text went into the value, outermost first (``SMTP_PORT=465`` at ``.env:7`` for
    ``SMTP_PORT: ${SMTP_PORT:-587}``). ``value`` is ``None`` when the key is present but
    unset (a YAML null, a bare ``- KEY`` that resolved to nothing).
    """

    key: str
    value: str | None
    location: Location | None
    kind: SourceKind
    origin: tuple[Location, ...] = ()
    #: The text as written, before unquoting and interpolation (``None`` when unknown).
    raw: str | None = None
    #: Variables referenced by the raw text that were unset and became empty text.
    missing: tuple[str, ...] = ()
    #: True when the whole value is one variable's text (``${SMTP_PORT:-587}`` resolved
    #: from ``.env``): that definition, ``origin[0]``, is then the line to change.
    from_origin: bool = False
    #: Where the key itself is written (for findings about the key: a typo, a key the app
    #: never reads); ``None`` when unknown.
    key_location: Location | None = None

    @property
    def blame(self) -> Location | None:
        """The line a person must change to change this value."""
        if self.from_origin and self.origin:
            return self.origin[0]
        return self.location


class Settings(Mapping[str, Setting]):
    """A read-only mapping of key to the effective :class:`Setting`.

    ``history`` keeps every definition of a key in precedence order, lowest first (an
    ``env_file`` value that ``environment:`` overrides comes before it).
    """

    __slots__ = ("_effective", "_history")

    def __init__(
        self,
        effective: Mapping[str, Setting] | None = None,
        history: Mapping[str, tuple[Setting, ...]] | None = None,
    ) -> None:
        self._effective: Mapping[str, Setting] = {} if effective is None else effective
        self._history: Mapping[str, tuple[Setting, ...]] = {} if history is None else history

    def __repr__(self) -> str:
        return f"Settings({dict(self._effective)!r})"

    @classmethod
    def from_layers(cls, layers: list[Setting]) -> "Settings":
        """Build from definitions in precedence order, lowest first; the last one wins."""
        effective = {setting.key: setting for setting in layers}
        if len(effective) == len(layers):
            # Every key defined once (the usual case): each history is that one definition,
            # in the same (first-definition) order the general loop below gives.
            return cls(effective, {k: (s,) for k, s in effective.items()})
        history: dict[str, list[Setting]] = {}
        for setting in layers:
            history.setdefault(setting.key, []).append(setting)
        return cls(effective, {k: tuple(v) for k, v in history.items()})

    def __getitem__(self, key: str) -> Setting:
        return self._effective[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._effective)

    def __len__(self) -> int:
        return len(self._effective)

    # The Mapping mixins go through __getitem__ per key, in Python; rules walk settings all
    # the time, so these hand out the underlying mapping's own (read-only) views and get.

    def __contains__(self, key: object) -> bool:
        return key in self._effective

    def get(self, key: str, default: Setting | None = None) -> Setting | None:  # type: ignore[override]
        return self._effective.get(key, default)

    def keys(self) -> KeysView[str]:
        return self._effective.keys()

    def values(self) -> ValuesView[Setting]:
        return self._effective.values()

    def items(self) -> ItemsView[str, Setting]:
        return self._effective.items()

    def value(self, key: str) -> str | None:
        """The effective value of ``key``, ``None`` when absent or unset."""
        setting = self._effective.get(key)
        return None if setting is None else setting.value

    def history(self, key: str) -> tuple[Setting, ...]:
        """Every definition of ``key``, lowest precedence first."""
        return self._history.get(key, ())


class Variable(NamedTuple):
    """A variable an interpolation can read: its text and where that text was written."""

    name: str
    value: str
    location: Location | None = None
    origin: tuple[Location, ...] = ()


def origin_chain(used: tuple[Variable, ...]) -> tuple[Location, ...]:
    """The interpolation chain of a value: each used variable's location, then its own
    chain, in order, without duplicates."""
    seen: dict[Location, None] = {}
    for variable in used:
        for location in (variable.location, *variable.origin):
            if location is not None:
                seen.setdefault(location, None)
    return tuple(seen)


class DotenvEntry(NamedTuple):
    """One ``KEY=value`` line of a dotenv file, as one dialect's reader understands it.

    ``value`` is what the reader ends up with (unquoted, unescaped, interpolated); it is
    ``None`` for a bare ``KEY`` line that the reader leaves unset. ``raw`` is the value text
    exactly as written (quotes and trailing comment excluded, ``""`` for a bare key).
    """

    key: str
    value: str | None
    location: Location
    key_location: Location
    raw: str
    quote: str = ""
    origin: tuple[Location, ...] = ()
    missing: tuple[str, ...] = ()
    from_origin: bool = False

    def to_setting(self, kind: SourceKind) -> Setting:
        """This entry as a :class:`Setting` of the given kind."""
        # Setting(key=..., ...) with every field given, without the generated Python-level
        # __new__ (one call per dotenv line).
        key, value, location, key_location, raw, _, origin, missing, from_origin = self
        return _new(
            Setting, (key, value, location, kind, origin, raw, missing, from_origin, key_location)
        )

    def to_variable(self) -> Variable | None:
        """This entry as a variable later lines and other files can interpolate."""
        if self.value is None:
            return None
        return _new(Variable, (self.key, self.value, self.location, self.origin))


_new = tuple.__new__
# The tuple.__new__ calls above write the fields in this order.
assert Setting._fields == (
    "key", "value", "location", "kind", "origin", "raw", "missing", "from_origin", "key_location"
)  # fmt: skip
assert DotenvEntry._fields == (
    "key", "value", "location", "key_location", "raw", "quote", "origin", "missing", "from_origin"
)  # fmt: skip
assert Variable._fields == ("name", "value", "location", "origin")
