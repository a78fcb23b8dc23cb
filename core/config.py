"""Configuration: ``.mail-lint.toml`` or ``[tool.mail-lint]`` in ``pyproject.toml``.

For each linted file the closest configuration wins, found by walking up from its folder; in
one folder ``.mail-lint.toml`` wins over ``pyproject.toml``. Configurations are not merged. A
``pyproject.toml`` without a ``[tool.mail-lint]`` table is not a configuration.

The file is validated with a JSON schema; ``jsonschema`` is imported only when a
configuration file is found.
"""

import fnmatch
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple

from mail_lint.errors import MailLintError
from mail_lint.rules import Finding, Rule, Severity

CONFIG_NAMES = (".mail-lint.toml", "pyproject.toml")
SEVERITIES = ("error", "warning", "info")

# A selector: a code or a prefix of one (`SMTP`, `DOC0`, `DOC005`), or a rule name.
_SELECTOR = {"type": "string", "pattern": r"^(?:[A-Z]{1,5}[0-9]{0,3}|[a-z0-9]+(?:-[a-z0-9]+)*)$"}
_SELECTORS = {"type": "array", "items": _SELECTOR}
_IGNORE = {
    "type": "object",
    "properties": {
        "codes": {**_SELECTORS, "minItems": 1},
        "reason": {"type": "string", "minLength": 1},
    },
    "required": ["codes", "reason"],
    "additionalProperties": False,
}
SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "select": _SELECTORS,
        "ignore": _SELECTORS,
        "extend-select": _SELECTORS,
        "per-file-ignores": {"type": "object", "additionalProperties": _IGNORE},
        "per-service-ignores": {"type": "object", "additionalProperties": _IGNORE},
        "severity": {
            "type": "object",
            "propertyNames": _SELECTOR,
            "additionalProperties": {"enum": list(SEVERITIES)},
        },
        "fail-level": {"enum": list(SEVERITIES)},
        "app": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "path": {"type": "string", "minLength": 1},
                    "app": {"type": "string", "minLength": 1},
                    "version": {"type": "string", "pattern": r"^[0-9]+(?:\.[0-9]+)*$"},
                },
                "required": ["path"],
                "anyOf": [{"required": ["app"]}, {"required": ["version"]}],
                "additionalProperties": False,
            },
        },
    },
    "additionalProperties": False,
}


def _may_have_our_table(text: str) -> bool:
    """Whether a ``pyproject.toml`` can define ``tool.mail-lint``: a ``[tool.mail-lint…]``
    header, or ``tool`` defined as a whole (a ``[tool]`` table, a root ``tool.…`` dotted key or
    ``tool = {…}``). False for a project that only names mail-lint (``name = "mail-lint"``, a
    dependency), so its file is not parsed on every run."""
    if "mail-lint" not in text:
        return False
    import re

    return (
        re.search(
            r"""^[ \t]*(?:\[\[?[ \t]*["']?tool["']?[ \t]*(?:\.[ \t]*["']?mail-lint|\])"""
            r"""|["']?tool["']?[ \t]*[.=])""",
            text,
            re.MULTILINE,
        )
        is not None
    )


class ConfigError(MailLintError):
    """A configuration file that is not valid TOML or does not follow the schema."""


class Ignore(NamedTuple):
    """A per-file or per-service ignore: the selectors and the reason given."""

    codes: tuple[str, ...]
    reason: str


class Pin(NamedTuple):
    """``[[tool.mail-lint.app]]``: the app and/or version of the files under ``path``."""

    path: str
    app: str | None
    version: tuple[int, ...] | None


class Config(NamedTuple):
    """One configuration file's settings (or the defaults: ``path is None``)."""

    path: Path | None = None
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    per_file_ignores: Mapping[str, Ignore] = MappingProxyType({})
    per_service_ignores: Mapping[str, Ignore] = MappingProxyType({})
    severity: Mapping[str, Severity] = MappingProxyType({})
    fail_level: Severity | None = None
    pins: tuple[Pin, ...] = ()

    @property
    def root(self) -> Path | None:
        return None if self.path is None else self.path.parent

    def enabled(self, finding: Finding) -> bool:
        """Whether select/extend-select/ignore keep the finding's rule: the most specific
        matching selector decides (a tie goes to ignore), as in ruff."""
        chosen = ("",) if self.select is None else self.select
        on = _specificity((*chosen, *self.extend_select), finding)
        off = _specificity(self.ignore, finding)
        return on > off

    def ignored_for(self, finding: Finding) -> bool:
        """Whether a per-file or per-service ignore covers the finding."""
        from mail_lint.suppress import selector_matches

        def covers(rule: Ignore) -> bool:
            return any(selector_matches(s, finding.code, finding.name) for s in rule.codes)

        if finding.service is not None:
            found = self.per_service_ignores.get(finding.service)
            if found is not None and covers(found):
                return True
        if finding.location is not None and self.per_file_ignores:
            relative, name = self._relative(finding.location.path), finding.location.path.name
            for pattern, rule in self.per_file_ignores.items():
                if (
                    fnmatch.fnmatchcase(relative, pattern) or fnmatch.fnmatchcase(name, pattern)
                ) and covers(rule):
                    return True
        return False

    def severity_of(self, finding: Finding) -> Severity:
        best: tuple[int, Severity] | None = None
        for selector, severity in self.severity.items():
            rank = _specificity((selector,), finding)
            if rank > 0 and (best is None or rank > best[0]):
                best = (rank, severity)
        return finding.severity if best is None else best[1]

    def pin_for(self, path: Path) -> Pin | None:
        if not self.pins:
            return None
        relative = self._relative(path)
        for pin in self.pins:
            if fnmatch.fnmatchcase(relative, pin.path) or fnmatch.fnmatchcase(path.name, pin.path):
                return pin
        return None

    def _relative(self, path: Path) -> str:
        root = self.root
        resolved = Path(os.path.abspath(path))
        if root is not None and resolved.is_relative_to(root):
            return resolved.relative_to(root).as_posix()
        return path.as_posix()


def _specificity(selectors: Iterable[str], finding: Finding) -> int:
    """0: no selector matches; else the length of the most specific match (a name or a
    full code counts as the most specific)."""
    from mail_lint.suppress import selector_matches

    best = 0
    for selector in selectors:
        if selector == "":
            best = max(best, 1)
        elif selector_matches(selector, finding.code, finding.name):
            exact = selector == finding.name or selector.upper() == finding.code
            best = max(best, 100 if exact else 1 + len(selector))
    return best


class Configs:
    """Finds the configuration of each path (closest wins), caching per folder."""

    def __init__(
        self,
        root: Path,
        rules: Callable[[], Sequence[Rule]] = tuple,
        *,
        isolated: bool = False,
        select: Sequence[str] | None = None,
        ignore: Sequence[str] = (),
        extend_select: Sequence[str] = (),
    ) -> None:
        self._root = root
        #: Called only when a selector must be checked: listing every rule imports every
        #: plugin's rules module.
        self._rules = rules
        self._isolated = isolated
        self._select = None if select is None else tuple(select)
        self._ignore = tuple(ignore)
        self._extend_select = tuple(extend_select)
        self._by_folder: dict[Path, Config] = {}
        #: The configuration of each path asked about, by absolute path (a run asks for the
        #: same files again and again, and a folder's configuration never changes in one).
        self._by_path: dict[str, Config] = {}
        self._files: dict[Path, Config | None] = {}
        self._overridden: dict[int, Config] = {}

    def default(self) -> Config:
        """The configuration of the first linted path (for ``fail-level``)."""
        return self.for_path(self._root)

    def for_path(self, path: Path) -> Config:
        """The closest configuration of ``path``, with the command line's selection."""
        if self._isolated:
            found = self._by_folder.setdefault(Path("/"), Config())
        else:
            absolute = os.path.abspath(path)
            cached = self._by_path.get(absolute)
            if cached is None:
                start = Path(absolute)
                cached = self._by_path[absolute] = self._for_folder(
                    start if start.is_dir() else start.parent
                )
            found = cached
        key = id(found)
        if key not in self._overridden:
            self._overridden[key] = found._replace(
                select=self._select if self._select is not None else found.select,
                ignore=(*found.ignore, *self._ignore),
                # A command-line --select replaces the file's whole selection, as in ruff.
                extend_select=(
                    (*found.extend_select, *self._extend_select)
                    if self._select is None
                    else self._extend_select
                ),
            )
        return self._overridden[key]

    def check_selectors(self, selectors: Iterable[str], where: str) -> None:
        """Refuse a command-line selector that matches no rule."""
        from mail_lint.suppress import selector_matches

        selectors = list(selectors)
        rules = self._rules() if selectors else ()
        for selector in selectors:
            if not any(selector_matches(selector, r.code, r.name) for r in rules):
                raise ConfigError(
                    f"{where}: {selector!r} matches no rule (allowed: a rule code, a code "
                    "prefix or a rule name; see `mail-lint rules`)"
                )

    def _for_folder(self, folder: Path) -> Config:
        if folder in self._by_folder:
            return self._by_folder[folder]
        found: Config | None = None
        for name in CONFIG_NAMES:
            candidate = folder / name
            if candidate.is_file():
                found = self._load(candidate)
                if found is not None:
                    break
        if found is None:
            found = Config() if folder.parent == folder else self._for_folder(folder.parent)
        self._by_folder[folder] = found
        return found

    def _load(self, path: Path) -> Config | None:
        if path in self._files:
            return self._files[path]
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: cannot read configuration: {exc}") from None
        if path.name == "pyproject.toml" and not _may_have_our_table(text):
            # Most pyproject.toml files are someone else's: no table of ours, nothing to
            # parse (and no tomllib import, no error for a file that is not ours to judge).
            self._files[path] = None
            return None
        import tomllib

        try:
            document = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: invalid TOML: {exc}") from None
        table: Any
        if path.name == "pyproject.toml":
            table = document.get("tool", {}).get("mail-lint")
            if table is None:
                return None
            label = "[tool.mail-lint]"
        elif set(document) == {"tool"} and "mail-lint" in document["tool"]:
            table, label = document["tool"]["mail-lint"], "[tool.mail-lint]"
        else:
            table, label = document, ""
        _validate(table, path, label)
        config = _build(table, path)
        self._check_codes(config, path)
        self._files[path] = config
        return config

    def _check_codes(self, config: Config, path: Path) -> None:
        from mail_lint.suppress import selector_matches

        rules = self._rules()

        used: list[tuple[str, str]] = [("select", s) for s in config.select or ()]
        used += [("ignore", s) for s in config.ignore]
        used += [("extend-select", s) for s in config.extend_select]
        used += [("severity", s) for s in config.severity]
        for where, ignores in (
            ("per-file-ignores", config.per_file_ignores),
            ("per-service-ignores", config.per_service_ignores),
        ):
            used += [(f"{where}.{k}.codes", s) for k, v in ignores.items() for s in v.codes]
        for key, selector in used:
            if not any(selector_matches(selector, r.code, r.name) for r in rules):
                raise ConfigError(
                    f"{path}: {key}: {selector!r} matches no rule "
                    "(allowed: a rule code, a code prefix or a rule name; see `mail-lint rules`)"
                )


def _validate(table: object, path: Path, label: str) -> None:
    import jsonschema  # heavy: only when a configuration file exists

    validator = jsonschema.Draft202012Validator(SCHEMA)
    errors = sorted(validator.iter_errors(table), key=lambda e: list(e.absolute_path))
    if not errors:
        return
    error = errors[0]
    where = ".".join(str(p) for p in error.absolute_path)
    prefix = f"{path}: {label + ' ' if label else ''}"
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = sorted(error.schema.get("properties", {}))
        extra = [k for k in error.instance if k not in allowed]
        key = ".".join([*(str(p) for p in error.absolute_path), extra[0]]) if extra else where
        raise ConfigError(f"{prefix}unknown key {key!r} (allowed: {', '.join(allowed)})")
    if error.validator == "enum":
        values = ", ".join(str(v) for v in error.validator_value)
        raise ConfigError(f"{prefix}{where}: {error.instance!r} is not allowed (allowed: {values})")
    if error.validator == "required":
        raise ConfigError(
            f"{prefix}{where or 'table'}: {error.message} (a reason is required for ignores)"
        )
    if error.validator in ("pattern", "propertyNames"):
        raise ConfigError(
            f"{prefix}{where}: {error.instance!r} is not a rule code, code prefix or rule name "
            "(allowed: e.g. DOC005, DOC, SMTP0, dollar-interpolated-by-compose)"
        )
    raise ConfigError(f"{prefix}{where or 'table'}: {error.message}")


def _build(table: Mapping[str, Any], path: Path) -> Config:
    def ignores(key: str) -> dict[str, Ignore]:
        return {k: Ignore(tuple(v["codes"]), v["reason"]) for k, v in table.get(key, {}).items()}

    pins = tuple(
        Pin(
            item["path"],
            item.get("app"),
            tuple(int(p) for p in item["version"].split(".")) if "version" in item else None,
        )
        for item in table.get("app", ())
    )
    return Config(
        path=Path(os.path.abspath(path)),
        select=tuple(table["select"]) if "select" in table else None,
        ignore=tuple(table.get("ignore", ())),
        extend_select=tuple(table.get("extend-select", ())),
        per_file_ignores=ignores("per-file-ignores"),
        per_service_ignores=ignores("per-service-ignores"),
        severity={k: Severity(v) for k, v in table.get("severity", {}).items()},
        fail_level=Severity(table["fail-level"]) if "fail-level" in table else None,
        pins=pins,
    )
