"""A Docker Compose project, resolved the way Docker Compose v2.40.3 (compose-go v2.9.1) does.

Only what a mail check needs is modelled, but that part follows compose-go step by step
(``loader/loader.go`` ``loadYamlFile``), per file and per YAML document:

1. parse (:mod:`mail_lint.yamlsource`: anchors, merge keys, duplicate keys) and record
   ``!reset``/``!override`` paths (``loader/reset.go``);
2. interpolate every string value, never a key (``interpolation/interpolation.go``), with the
   project environment; list-form ``environment`` items are interpolated whole;
3. apply ``extends`` (``loader/extends.go``), then the file's ``!reset``/``!override`` to what
   earlier files built, then ``include`` (``loader/include.go``);
4. merge into the model (``override/merge.go``: mappings by key, sequences appended,
   ``command``/``entrypoint``/``healthcheck.test`` replaced, ``environment``/``env_file``
   concatenated and de-duplicated, ``override/uncity.go``).

Then relative paths resolve against the project directory, bare ``environment`` entries against
the project environment (``loader/environment.go``), and each service's container environment is
built from its ``env_file`` layers and ``environment`` (``types/project.go``
``WithServicesEnvironmentResolved``). The shell environment is never read: ``ComposeOptions.env``
stands in for it.
"""

import errno
import os
import stat
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import NamedTuple

from mail_lint.compose_schema import (
    ENV_FILE_KEYS,
    go_type,
    is_string,
    unknown_keys,
    validate_model,
)
from mail_lint.dotenv_compose import parse_compose_dotenv
from mail_lint.errors import SourceError
from mail_lint.interpolation import interpolate
from mail_lint.model import DotenvEntry, Location, Setting, Settings, SourceKind, Variable
from mail_lint.textio import read_source
from mail_lint.yamlsource import (
    BOOL,
    MAP,
    NULL,
    OVERRIDE,
    RESET,
    STR,
    TIMESTAMP,
    YMap,
    YNode,
    YScalar,
    YSeq,
    YStream,
    compose_string,
    load_yaml_stream,
    ymap,
)

#: compose-go ``cli/options.go`` DefaultFileNames and DefaultOverrideFileNames.
COMPOSE_FILE_NAMES = ("compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml")
OVERRIDE_FILE_NAMES = (
    "compose.override.yml",
    "compose.override.yaml",
    "docker-compose.override.yml",
    "docker-compose.override.yaml",
)

Lookup = Callable[[str], Variable | None]
_new = tuple.__new__
_Path = tuple[str, ...]
_COMPOSE = SourceKind.COMPOSE

# override/merge.go mergeSpecials (the ones that change a service's meaning).
_REPLACE = {("command",), ("entrypoint",), ("healthcheck", "test")}
_TO_SEQUENCE = {
    ("annotations",),
    ("build", "args"),
    ("build", "additional_contexts"),
    ("build", "labels"),
    ("deploy", "labels"),
    ("dns",),
    ("dns_opt",),
    ("dns_search",),
    ("labels",),
    ("label_file",),
    ("sysctls",),
    ("tmpfs",),
}
_TO_MAPPING = {("depends_on",), ("networks",), ("models",)}


class ComposeOptions(NamedTuple):
    """What ``docker compose`` would be given on its command line.

    ``project_dir`` is the working directory (``files`` are relative to it). ``env`` stands in
    for the shell environment. ``env_files`` are ``--env-file`` (they replace the project
    ``.env``). ``profiles`` ``None`` means ``COMPOSE_PROFILES`` when set, else every profile.
    """

    project_dir: Path
    files: tuple[Path, ...] = ()
    env: Mapping[str, str] = MappingProxyType({})
    env_files: tuple[Path, ...] = ()
    profiles: tuple[str, ...] | None = None


class EnvFileRef(NamedTuple):
    """One ``env_file`` entry of a service, its path resolved."""

    path: Path
    required: bool
    exists: bool
    location: Location
    format: str | None = None


class Service(NamedTuple):
    """One service of the effective model."""

    name: str
    location: Location
    image: Setting | None
    environment: Settings
    unset: tuple[Setting, ...]
    env_files: tuple[EnvFileRef, ...]
    node: YMap
    profiles: tuple[str, ...] = ()


class ComposeProject(NamedTuple):
    """The resolved project."""

    project_dir: Path
    files: tuple[Path, ...]
    dotenv: Path | None
    variables: Settings
    services: Mapping[str, Service]


class IScalar(YScalar):
    """A string scalar after interpolation: ``raw`` is the text before it; ``origin``,
    ``missing`` and ``from_origin`` say where its interpolated text came from."""

    __slots__ = ()


class EnvItem(IScalar):
    """One ``environment`` definition (``K: v`` or ``- K=v``); ``value`` ``None`` is unset.
    ``key``, ``key_location`` and ``form`` (``map`` or ``list``) say how it was written."""

    __slots__ = ()

    def to_setting(self) -> Setting:
        """This definition as a :class:`Setting` of kind ``COMPOSE``."""
        # Setting(key=..., ...) without the generated Python-level __new__.
        value, _, _, location, raw, origin, missing, from_origin, key, key_location, _ = self
        return _new(
            Setting,
            (key, value, location, _COMPOSE, origin, raw, missing, from_origin, key_location),
        )


class _FileModel(NamedTuple):
    """One YAML document of one compose file, interpolated, with its reset paths."""

    root: YMap
    resets: tuple[_Path, ...]


class _Context(NamedTuple):
    """What loading one (possibly included) project needs (``included``, ``cache`` and
    ``raw`` are filled as the load goes)."""

    project_dir: Path
    lookup: Lookup
    variables: Mapping[str, Variable]
    included: list[Path]
    cache: dict[tuple[Path, Path, int], tuple[_FileModel, ...]]
    raw: dict[Path, YStream]


# --------------------------------------------------------------------------- public entry


def load_project(options: ComposeOptions) -> ComposeProject:
    """Load the project ``docker compose config`` would load; :class:`SourceError` if refused."""
    cwd = _realpath(options.project_dir)  # options.project_dir.resolve(), but for its last stat
    look_for_env = not options.env_files and not options.files
    if not look_for_env:
        _check_loop(cwd)  # that stat, now (else the .env lookup below makes it)
    shell = dict(options.env)
    # Docker Compose puts its working directory in the environment when the shell has none.
    shell.setdefault("PWD", str(cwd))
    cli = {k: Variable(k, v) for k, v in shell.items()}
    cli_settings = [Setting(k, v, None, SourceKind.CLI) for k, v in options.env.items()]
    explicit_env_files = tuple(_absolute(cwd, p) for p in options.env_files)
    self_config: dict[str, Variable] = dict(cli)
    cwd_dotenv: tuple[DotenvEntry, ...] = ()
    cwd_env = cwd / ".env"
    if explicit_env_files:
        cwd_dotenv = _project_dotenv(explicit_env_files, cli)
    elif look_for_env and _env_is_file(cwd, cwd_env):
        cwd_dotenv = _project_dotenv((cwd_env,), cli, checked=True)
    for entry in cwd_dotenv:
        var = entry.to_variable()
        if var is not None and entry.key not in cli:
            self_config[entry.key] = var
    files = _compose_files(options, cwd, self_config)
    project_dir = files[0].parent
    dotenv_path: Path | None = None
    layers: list[DotenvEntry] = []
    if explicit_env_files:
        layers = list(cwd_dotenv)
        dotenv_path = explicit_env_files[-1]
    else:
        # (With neither, this .env is the one looked at above.)
        if (options.files or project_dir != cwd) and (project_dir / ".env").is_file():
            layers.extend(_project_dotenv((project_dir / ".env",), cli))
            dotenv_path = project_dir / ".env"
        if not options.files and cwd_dotenv:
            layers.extend(cwd_dotenv)
            dotenv_path = cwd_env
    settings = [e.to_setting(SourceKind.PROJECT_DOTENV) for e in layers if e.value is not None]
    variables = Settings.from_layers(settings + cli_settings)
    var_map = _variables(layers, cli)
    context = _Context(project_dir, var_map.get, var_map, [], {}, {})
    name = _project_name(files, project_dir, var_map, context)
    var_map["COMPOSE_PROJECT_NAME"] = Variable("COMPOSE_PROJECT_NAME", name)
    model = _load_model(files, context)
    profiles = _active_profiles(options.profiles, var_map)
    services = _services(model, context, profiles)
    return ComposeProject(
        project_dir=project_dir,
        files=files,
        dotenv=dotenv_path,
        variables=variables,
        services=MappingProxyType(services),
    )


def _project_name(
    files: tuple[Path, ...], project_dir: Path, env: Mapping[str, Variable], context: _Context
) -> str:
    """``cli/options.go`` ``withNamePrecedenceLoad`` and ``loader.projectName``.

    ``COMPOSE_PROJECT_NAME`` (shell or ``.env``) must already be normalised; else the last
    non-empty top-level ``name:`` of the files, interpolated then normalised; else the project
    folder's name, normalised. Compose then sets ``COMPOSE_PROJECT_NAME`` to it for the
    interpolation of the files.
    """
    given = env.get("COMPOSE_PROJECT_NAME")
    if given is not None and given.value:
        if _normalise_name(given.value) != given.value:
            raise SourceError(
                f'invalid project name "{given.value}": must consist only of lowercase '
                "alphanumeric characters, hyphens, and underscores as well as start with a "
                "letter or number",
                given.location or Location(files[0], 1, 1),
            )
        return given.value
    node: YScalar | None = None
    for path in files:
        for doc in _raw_documents(path, context):
            value = doc.get("name") if isinstance(doc, YMap) else None
            if isinstance(value, YScalar) and value.value:
                node = value
    if node is None:
        name = _normalise_name(project_dir.name)
        location = Location(files[0], 1, 1)
    else:
        text = node.text
        if "$" in text and node.tag not in (BOOL, NULL):
            text = interpolate(text, context.lookup, location=node.location, what="name").value
        name = _normalise_name(text)
        location = node.location
    if not name:
        raise SourceError("project name must not be empty", location)
    return name


def _normalise_name(name: str) -> str:
    """``loader.NormalizeProjectName``: lower-case, ``[a-z0-9_-]`` only, no leading ``_``/``-``."""
    return "".join(c for c in name.lower() if c in _NAME_CHARS).lstrip("_-")


_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_-")


# --------------------------------------------------------------------------- environment


def _realpath(path: Path) -> Path:
    """``path.resolve()`` up to its final ``stat`` (:func:`_check_loop`): ``realpath`` walks
    the path with an ``lstat`` per component, leaving a symlink loop unresolved."""
    try:
        real = os.path.realpath(path)
    except OSError as exc:
        _check_eloop(exc)
        raise
    return Path(real)


def _check_loop(real: Path) -> None:
    """The end of ``Path.resolve()``: a stat of the result, a symlink loop a RuntimeError."""
    try:
        real.stat()
    except OSError as exc:
        _check_eloop(exc)


def _check_eloop(exc: OSError) -> None:
    if exc.errno == errno.ELOOP:
        raise RuntimeError(f"Symlink loop from {exc.filename!r}")


def _env_is_file(cwd: Path, env: Path) -> bool:
    """``env.is_file()`` for ``env`` directly in ``cwd`` (a :func:`_realpath`), with the
    :func:`_check_loop` of ``cwd`` that ``resolve()`` would have made just before: one stat.

    When the stat of ``env`` succeeds or fails with ``ENOENT``/``ENOTDIR``, the system
    resolved ``cwd`` (as a directory of the path) with the outcome a stat of ``cwd`` would
    have met: no symlink loop there. Any other error checks ``cwd`` first, as before."""
    try:
        return stat.S_ISREG(os.stat(str(env)).st_mode)
    except OSError as exc:
        if exc.errno not in (errno.ENOENT, errno.ENOTDIR):
            _check_loop(cwd)
        if exc.errno not in _NOT_FOUND_ERRNOS:
            raise
        return False
    except ValueError:  # (a NUL: realpath refused it already)
        return False


def _absolute(base: Path, path: Path) -> Path:
    return path if path.is_absolute() else base / path


def _variables(layers: Iterable[DotenvEntry], cli: Mapping[str, Variable]) -> dict[str, Variable]:
    """The interpolation environment: ``.env`` values, the (stand-in) shell winning."""
    out: dict[str, Variable] = {}
    for entry in layers:
        var = entry.to_variable()
        if var is not None:
            out[entry.key] = var
    out.update(cli)
    return out


def _read_text(path: Path, location: Location | None = None) -> str:
    """The file's text (``textio.read_source``: a file that cannot be read at all raises
    ``UnreadableError``, which the engine reports as ``ML002``; bad encoding is a
    ``SourceError`` at its line)."""
    return read_source(path)


def _read_env_files(
    paths: Iterable[Path],
    base: Mapping[str, Variable],
    texts: dict[Path, str] | None = None,
    *,
    checked: bool = False,
) -> tuple[DotenvEntry, ...]:
    """``dotenv.GetEnvFromFile``: a name is looked up in ``base``, then in everything read so
    far (earlier files and earlier lines alike, the latest value winning). ``texts`` keeps
    the files' texts for a second reading. ``checked``: the caller has just seen that every
    path is a file (not stat'ed again; one that vanished since fails to read instead)."""
    known: dict[str, Variable] = {}
    entries: list[DotenvEntry] = []
    for path in paths:
        if not checked and not _is_file(os.fspath(path)):
            raise SourceError(f"couldn't find env file: {path}", Location(path, 1, 1))
        text = texts.get(path) if texts is not None else None
        if text is None:
            text = _read_text(path)
            if texts is not None:
                texts[path] = text
        entries.extend(_parse_dotenv(text, path, base.get, known))
    return tuple(entries)


def _project_dotenv(
    paths: tuple[Path, ...], shell: Mapping[str, Variable], *, checked: bool = False
) -> tuple[DotenvEntry, ...]:
    """The project's ``.env``/``--env-file`` entries, read the way Docker Compose reads them.

    The CLI reads the files twice (``cli/options.go`` ``WithDotEnv`` runs once to find the
    project, once to load it): the values are the first read's, but the second read, whose
    environment is the shell plus the first read's values, refuses what it cannot interpolate
    (``X=one``, ``Y=${X:?}`` then ``X=`` fails).
    """
    texts: dict[Path, str] = {}
    entries = _read_env_files(paths, shell, texts, checked=checked)
    # Only interpolation depends on the environment, and it needs a `$` (or a backslash
    # escape that makes one, `"\0044"`): other text reads the same the second time.
    if any("$" in text or "\\" in text for text in texts.values()):
        again = _variables(entries, shell)
        _read_env_files(paths, again, texts, checked=True)
    return entries


def _parse_dotenv(
    text: str,
    path: Path,
    lookup: Lookup,
    known: dict[str, Variable],
    *,
    raw: bool = False,
) -> tuple[DotenvEntry, ...]:
    """Parse one Compose dotenv file into the shared map ``known``.

    compose-go's parser writes every entry into one map that also answers its look-ups after
    ``lookup`` (``dotenv/godotenv.go`` ``expandVariables``); the map outlives one file, so a
    later file sees an earlier file's values.
    """
    return parse_compose_dotenv(text, path, lookup=lookup, raw=raw, known=known)


def _compose_files(
    options: ComposeOptions, cwd: Path, env: Mapping[str, Variable]
) -> tuple[Path, ...]:
    """``-f``, else ``COMPOSE_FILE``, else discovery plus the first override partner."""
    if options.files:
        files = tuple(_absolute(cwd, p) for p in options.files)
    elif (compose_file := env.get("COMPOSE_FILE")) is not None and compose_file.value:
        separator = env.get("COMPOSE_PATH_SEPARATOR")
        sep = separator.value if separator is not None and separator.value else ":"
        files = tuple(_absolute(cwd, Path(p)) for p in compose_file.value.split(sep) if p)
    else:
        found = _first_file(cwd, COMPOSE_FILE_NAMES)
        if found is None:
            raise SourceError(
                "no configuration file provided: not found",
                Location(cwd / COMPOSE_FILE_NAMES[0], 1),
            )
        override = _first_file(cwd, OVERRIDE_FILE_NAMES)
        return (found,) if override is None else (found, override)  # files, as just seen
    for path in files:
        if not path.is_file():
            raise SourceError(f"open {path}: no such file or directory", Location(path, 1))
    return files


def _first_file(folder: Path, names: tuple[str, ...]) -> Path | None:
    """The first of ``names`` that is a file in ``folder`` (``Path.is_file`` of each, without
    making a ``Path`` of each name tried)."""
    base = str(folder)
    for name in names:
        if _is_file(os.path.join(base, name)):
            return folder / name
    return None


#: ``pathlib``'s errors that mean "no such file" to ``is_file`` (others are raised).
_NOT_FOUND_ERRNOS = frozenset({errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP})


def _is_file(path: str) -> bool:
    """``Path(path).is_file()``."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError as exc:
        if exc.errno not in _NOT_FOUND_ERRNOS:
            raise
        return False
    except ValueError:  # a path the OS cannot encode (a NUL)
        return False


def _active_profiles(
    profiles: tuple[str, ...] | None, env: Mapping[str, Variable]
) -> frozenset[str] | None:
    """``--profile`` or ``COMPOSE_PROFILES``; ``None`` (all active) when neither is given."""
    if profiles is not None:
        return frozenset(profiles)
    var = env.get("COMPOSE_PROFILES")
    if var is None or not var.value:
        return None
    return frozenset(p.strip() for p in var.value.split(",") if p.strip())


# --------------------------------------------------------------------------- per file


def _load_model(files: tuple[Path, ...], context: _Context) -> YMap:
    """``loadYamlModel``: every file and document in turn, merged into one model, the merged
    model checked against the schema after each (``schema.Validate`` in ``loadYamlFile``)."""
    model = ymap((), Location(files[0], 1, 1))
    checked: dict[int, YNode] = {}  # services validated already (validate_model)
    for path in files:
        for doc in _file_models(path, context.project_dir, context):
            cfg = _apply_extends(doc.root, path, context.project_dir, context, doc.resets)
            model = _apply_resets(model, doc.resets)
            cfg = _apply_include(cfg, path, context)
            model = _merge_map(model, cfg, ())
            validate_model(model, checked)
    if not model.items:
        raise SourceError("empty compose file", Location(files[0], 1, 1))
    return model


def _file_models(path: Path, base_dir: Path, context: _Context) -> tuple[_FileModel, ...]:
    """Parse and interpolate ``path`` once per base directory (relative paths differ)."""
    cache_key = (path, base_dir, id(context.variables))
    cached = context.cache.get(cache_key)
    if cached is not None:
        return cached
    models: list[_FileModel] = []
    stream = _raw_stream(path, context)
    for doc in stream.documents:
        if doc is None:
            continue
        if not isinstance(doc, YMap):
            raise SourceError("top-level object must be a mapping", doc.location)
        resets: list[_Path] = []
        # Without a !reset/!override tag in the file there is nothing to record or drop.
        root = _strip_resets(doc, (), resets) if stream.resets else doc
        assert isinstance(root, YMap)
        root = _interpolate_map(root, (), context.lookup, base_dir)
        models.append(_FileModel(root, tuple(resets)))
    result = tuple(models)
    context.cache[cache_key] = result
    return result


def _raw_documents(path: Path, context: _Context) -> tuple[YNode | None, ...]:
    """The parsed documents of ``path``, read and parsed once per load."""
    return _raw_stream(path, context).documents


def _raw_stream(path: Path, context: _Context) -> YStream:
    """The parsed stream of ``path``, read and parsed once per load."""
    stream = context.raw.get(path)
    if stream is None:
        stream = context.raw[path] = load_yaml_stream(_read_text(path), path)
    return stream


def _strip_resets(node: YNode, path: _Path, resets: list[_Path]) -> YNode | None:
    """``ResetProcessor.resolveReset``: record ``!reset``/``!override`` paths, drop resets."""
    if node.tag == RESET:
        resets.append(path)
        return None
    if node.tag == OVERRIDE:
        resets.append(path)
    if isinstance(node, YMap):
        items = []
        for key, value in node.items:
            kept = _strip_resets(value, (*path, key.text), resets)
            if kept is not None:
                items.append((key, kept))
        return ymap(tuple(items), node.location, node.tag)
    if isinstance(node, YSeq):
        kept_items = (_strip_resets(v, (*path, str(i)), resets) for i, v in enumerate(node.items))
        return YSeq(tuple(v for v in kept_items if v is not None), node.location, node.tag)
    return node


def _what(path: _Path) -> str:
    return ".".join(path)


def _interpolate_scalar(node: YScalar, path: _Path, lookup: Lookup) -> YScalar:
    """Interpolate one string value; numbers, booleans and nulls are left alone."""
    if node.value is None or "$" not in node.value:
        return node
    if node.tag in (BOOL, NULL) or (node.tag.startswith("!!") and node.tag != STR):
        return node
    result = interpolate(node.value, lookup, location=node.location, what=_what(path))
    return IScalar(
        result.value,
        node.tag,
        node.style,
        node.location,
        node.raw,
        tuple(result.origin),
        tuple(result.missing),
        result.from_origin,
    )


def _interpolate(node: YNode, path: _Path, lookup: Lookup, base_dir: Path) -> YNode:
    """Interpolate the string values under ``node``; a collection in which nothing changed
    is returned as it is rather than rebuilt.

    Here and in :func:`_interpolate_map`, a value that interpolation certainly leaves as it
    is, a plain :class:`YScalar` (not yet interpolated) that is null or has no ``$``, is
    skipped inline, before the path a nested value would need (only an interpolation error
    names it) is built."""
    if isinstance(node, YScalar):
        return _interpolate_scalar(node, path, lookup)
    if isinstance(node, YSeq):
        items = node.items
        new: list[YNode] | None = None
        for i, value in enumerate(items):
            if value.__class__ is YScalar and (
                value.value is None or "$" not in value.value  # type: ignore[union-attr]
            ):
                if new is not None:
                    new.append(value)
                continue
            done = _interpolate(value, (*path, str(i)), lookup, base_dir)
            if new is None:
                if done is value:
                    continue
                new = list(items[:i])
            new.append(done)
        return node if new is None else YSeq(tuple(new), node.location, node.tag)
    return _interpolate_map(node, path, lookup, base_dir)


def _interpolate_map(node: YMap, path: _Path, lookup: Lookup, base_dir: Path) -> YMap:
    """Interpolate values (never keys); normalise a service's ``environment`` and ``env_file``.

    A mapping in which nothing changed is returned as it is rather than rebuilt."""
    items = node.items
    new: list[tuple[YScalar, YNode]] | None = None
    in_service = len(path) == 2 and path[0] == "services"
    for i, pair in enumerate(items):
        key, value = pair
        name = key.value
        if key.tag != STR or name is None:  # else a string: nothing to check
            _check_key(key, path)
            name = key.text
        if in_service and name in _NORMALISED:
            sub = (*path, name)
            if name == "environment":
                done = _environment(value, sub, lookup)
            else:
                done = _env_file_node(_interpolate(value, sub, lookup, base_dir), sub, base_dir)
        elif value.__class__ is YScalar:  # (most values are plain scalars without a `$`)
            text = value.value  # type: ignore[union-attr]
            if text is None or "$" not in text:
                done = value
            else:
                done = _interpolate_scalar(value, (*path, name), lookup)  # type: ignore[arg-type]
        else:
            done = _interpolate(value, (*path, name), lookup, base_dir)
        if new is None:
            if done is value:
                continue
            new = list(items[:i])
        new.append(pair if done is value else (key, done))
    return node if new is None else ymap(tuple(new), node.location, node.tag)


#: The service keys :func:`_interpolate_map` normalises rather than interpolates as they are.
_NORMALISED = frozenset({"environment", "env_file"})


def _check_key(key: YScalar, path: _Path) -> None:
    """``convertToStringKeysRecursive``: a key yaml.v3 decodes to a non-string is refused."""
    if is_string(key) or key.tag == "!!merge":
        return
    where = f"in {_what(path)}" if path else "at top level"
    text = "<nil>" if key.value is None else key.value
    raise SourceError(f"non-string key {where}: {text}", key.location)


# --------------------------------------------------------------------------- environment:


def _environment(node: YNode, path: _Path, lookup: Lookup) -> YNode:
    """``environment`` as a list of :class:`EnvItem` (``types/mapping.go`` DecodeMapstructure).

    A mapping keeps the tag ``!!map`` on its list: compose-go keeps it a mapping until a later
    file's ``environment`` is merged in (``mergeToSequence``), and only a mapping loses single
    keys to ``!reset``. A null is kept for the schema check after the merge (an earlier
    file's ``environment`` absorbs it). A list item that is not a string is kept as it is, for
    ``unexpected type`` once the model is built.
    """
    if isinstance(node, YMap):
        for key, _ in node.items:
            if key.tag != STR or not key.value:  # (a non-empty string key passes both)
                _check_key(key, path)
            if not key.text:
                raise SourceError(
                    f"{_what(path)} additional properties '' not allowed", key.location
                )
        return YSeq(
            tuple(_map_env_item(k, v, path, lookup) for k, v in node.items), node.location, MAP
        )
    if isinstance(node, YSeq):
        items = [
            _list_env_item(v, path, lookup) if is_string(v) or not isinstance(v, YScalar) else v
            for v in node.items
        ]
        return YSeq(tuple(i for i in items if i is not None), node.location)
    if node.value is None:
        return node
    raise SourceError(f"{_what(path)} must be a mapping", node.location)


def _map_env_item(key: YScalar, value: YNode, path: _Path, lookup: Lookup) -> EnvItem:
    name = key.text
    if not isinstance(value, YScalar):
        compose_string(value, what=_what((*path, name)))  # raises: not a scalar
    assert isinstance(value, YScalar)
    if value.value is not None and "$" in value.value:
        value = _interpolate_scalar(value, (*path, name), lookup)
    elif value.tag == TIMESTAMP:  # (an interpolated string is no timestamp)
        compose_string(value, what=_what((*path, name)))  # raises
    text = value.value  # compose_string of any other scalar
    meta = value if isinstance(value, IScalar) else None
    location = value.location if text is not None or value.raw else key.location
    return _new(
        EnvItem,
        (
            text,
            value.tag,
            value.style,
            location,
            value.raw if value.raw else None,
            meta.origin if meta else (),
            meta.missing if meta else (),
            meta.from_origin if meta else False,
            name,
            key.location,
            "map",
        ),
    )


def _list_env_item(node: YNode, path: _Path, lookup: Lookup) -> EnvItem | None:
    """``- K=V``: quotes are kept, the key is interpolated too, a bare ``- K`` is unset."""
    if isinstance(node, YScalar) and node.tag != TIMESTAMP:
        text = node.value  # compose_string of a scalar it accepts
    else:
        text = compose_string(node, what=_what(path))  # raises
    if text is None:
        return None
    assert isinstance(node, YScalar)
    key_text, eq, value_text = text.partition("=")
    if "$" in key_text:
        whole = interpolate(text, lookup, location=node.location, what=_what(path))
        key_text, eq, value = whole.value.partition("=")
        origin, missing, from_origin = tuple(whole.origin), tuple(whole.missing), False
        raw: str | None = value_text if eq else None
    elif eq and "$" not in value_text:  # interpolate() leaves it as it is
        value, origin, missing, from_origin, raw = value_text, (), (), False, value_text
    elif eq:
        result = interpolate(
            value_text, lookup, location=node.location, what=_what((*path, key_text))
        )
        value = result.value
        origin, missing = tuple(result.origin), tuple(result.missing)
        from_origin, raw = result.from_origin, value_text
    else:
        value, origin, missing, from_origin, raw = "", (), (), False, None
    if key_text and key_text[-1].isspace():
        raise SourceError(
            f"environment variable {key_text} is declared with a trailing space", node.location
        )
    location = node.location
    single_line = node.location.line == node.location.end_line
    if (
        eq
        and raw is not None
        and "$" not in key_text
        and node.style in ("", "'", '"')
        and single_line
    ):
        offset = len(key_text) + 1 + (1 if node.style else 0)
        location = Location(
            location.path,
            location.line,
            location.column + offset,
            location.end_line,
            location.end_column,
        )
    return _new(
        EnvItem,
        (
            value if eq else None,
            STR if eq else NULL,
            node.style,
            location,
            raw,
            origin,
            missing,
            from_origin,
            key_text,
            node.location,
            "list",
        ),
    )


# --------------------------------------------------------------------------- env_file:


def _env_file_node(node: YNode, path: _Path, base_dir: Path) -> YNode:
    """``transform/envfile.go``: a string or list of strings/``{path, required, format}``,
    each made a mapping with an absolute ``path`` (``paths/resolve.go``) and its spelling as
    written (``envFileIndexer`` de-duplicates by it). A null is kept for the schema check
    after the merge (an earlier file's ``env_file`` absorbs it)."""
    what = _what(path)
    entries: tuple[YNode, ...]
    if isinstance(node, YScalar):
        if node.value is None:
            return node
        if not is_string(node):
            raise SourceError(f"{what} must be a string", node.location)
        entries = (node,)
    elif isinstance(node, YSeq):
        entries = node.items
    else:
        raise SourceError(f"{what} must be a string", node.location)
    out: list[YNode] = []
    for i, entry in enumerate(entries):
        if is_string(entry):
            assert isinstance(entry, YScalar)
            out.append(_env_file_entry(((_PATH_KEY, entry),), entry, base_dir))
        elif isinstance(entry, YMap):
            unknown_keys(entry, ENV_FILE_KEYS, f"{what}.{i}", extensions=False)
            path_node = entry.get("path")
            if path_node is None:
                raise SourceError(
                    f"environment path attribute {what}.[{i}] is missing", entry.location
                )
            if not is_string(path_node):
                raise SourceError(f"{what}.{i}.path must be a string", path_node.location)
            out.append(_env_file_entry(entry.items, entry, base_dir))
        else:
            raise SourceError(f"{what}.{i} must be a string", entry.location)
    return YSeq(tuple(out), node.location, node.tag)


_PATH_KEY = YScalar("path", STR, "", Location(Path(), 1, 1))
_SPELLING_KEY = YScalar("x-spelling", STR, "", Location(Path(), 1, 1))


def _env_file_entry(items: tuple[tuple[YScalar, YNode], ...], entry: YNode, base_dir: Path) -> YMap:
    """One ``env_file`` entry as a mapping: ``path`` made absolute, ``x-spelling`` as written."""
    out: list[tuple[YScalar, YNode]] = []
    for key, value in items:
        if key.text == "path":
            assert isinstance(value, YScalar)
            key = YScalar("path", STR, "", value.location)
            out.append((key, _resolved_path(value, base_dir)))
            out.append((_SPELLING_KEY, value))
        else:
            out.append((key, value))
    return ymap(tuple(out), entry.location, MAP)


def _resolved_path(node: YScalar, base_dir: Path) -> YScalar:
    text = node.value or ""
    absolute = _joined_name(str(base_dir), text)
    if absolute is None:
        resolved = Path(text).expanduser() if text.startswith("~") else Path(text)
        absolute = str(resolved if resolved.is_absolute() else base_dir / resolved)
    tag, style, location, raw = node[1:5]
    if isinstance(node, IScalar):  # IScalar(absolute, ..., node.from_origin)
        return _new(IScalar, (absolute, tag, style, location, raw, *node[5:8], "", None, "map"))
    return _new(YScalar, (absolute, tag, style, location, raw, *_NO_META))


#: ``YScalar``'s fields after ``raw`` at their defaults.
_NO_META = tuple(YScalar._field_defaults[name] for name in YScalar._fields[5:])
assert _NO_META[3:] == ("", None, "map")


def _joined_name(base: str, text: str) -> str | None:
    """``str(Path(base) / text)`` for an absolute POSIX ``base`` (a normalised path's text)
    and a relative ``text`` made of plain names (``a.env``, ``./conf/a.env``), without
    building either path; ``None`` for anything else (``~``, empty, ``.``/``..`` or empty
    components, a trailing ``/``: left to pathlib's rules).

    Exact for such texts: pathlib drops a leading ``.`` component and joins the names with
    single slashes onto ``base``, which ends with a slash only when it is the root (``/`` or
    ``//``)."""
    rel = text[2:] if text.startswith("./") else text
    if base[:1] != "/" or not rel or rel[0] in "/~" or rel[-1] == "/" or "//" in rel:
        return None
    if "." in rel and ("." in (parts := rel.split("/")) or ".." in parts):
        return None
    return base + rel if base.endswith("/") else f"{base}/{rel}"


# --------------------------------------------------------------------------- merge


def _service_subpath(path: _Path) -> _Path | None:
    """The part of ``path`` below ``services.<name>`` (``None`` outside a service)."""
    return path[2:] if len(path) > 2 and path[0] == "services" else None


def _merge(base: YNode, over: YNode, path: _Path) -> YNode:
    """``override/merge.go`` ``mergeYaml`` for two values at ``path`` (specials first)."""
    sub = _service_subpath(path)
    if sub in _REPLACE:
        return over
    if sub in (("environment",), ("env_file",)):
        return _concat(base, over)  # both already normalised to lists
    if sub in _TO_MAPPING:
        return _merge_map(_to_mapping(base), _to_mapping(over), path)
    if sub in _TO_SEQUENCE:
        return _concat(_to_sequence(base), _to_sequence(over))
    if sub == ("build",):
        return _merge_map(_build_map(base), _build_map(over), path)
    if isinstance(over, YScalar) and over.value is None and over.tag == NULL:
        return base
    if isinstance(base, YMap):
        if not isinstance(over, YMap):
            raise SourceError(f"cannot override {_what(path)}", over.location)
        if sub == ("logging",):
            driver_b, driver_o = base.get("driver"), over.get("driver")
            if driver_b and driver_o and _plain(driver_b) != _plain(driver_o):
                return over
        return _merge_map(base, over, path)
    if isinstance(base, YSeq):
        if not isinstance(over, YSeq):
            raise SourceError(f"cannot override {_what(path)}", over.location)
        return _concat(base, over)
    return over


def _merge_map(base: YMap, over: YMap, path: _Path) -> YMap:
    """``mergeMappings``: keys of ``over`` merged into ``base`` (base key nodes kept)."""
    items = list(base.items)
    positions = base.positions
    if len(positions) == len(items):  # distinct keys: the index below is their positions
        index = dict(positions)
    else:  # (a repeated key: its last position, as the general comprehension gives it)
        index = {k.text: i for i, (k, _) in enumerate(items)}
    for key, value in over.items:
        name = key.value or ""  # key.text
        i = index.get(name)
        if i is None:
            index[name] = len(items)
            items.append((key, value))
        else:
            items[i] = (items[i][0], _merge(items[i][1], value, (*path, name)))
    return ymap(tuple(items), base.location, base.tag)


def _concat(base: YNode, over: YNode) -> YNode:
    """``mergeToSequence``: both lists appended (a null adds nothing).

    A mapping-form ``environment`` becomes a list here, its null values bare ``KEY`` items
    that ``loader/environment.go`` then resolves from the project environment.
    """
    if not isinstance(base, YSeq) and not isinstance(over, YSeq):
        return base
    first = _as_sequence(base.items) if isinstance(base, YSeq) else ()
    second = _as_sequence(over.items) if isinstance(over, YSeq) else ()
    location = base.location if isinstance(base, YSeq) else over.location
    return YSeq(first + second, location)


def _as_sequence(items: tuple[YNode, ...]) -> tuple[YNode, ...]:
    return tuple(
        i._replace(form="list") if isinstance(i, EnvItem) and i.value is None else i for i in items
    )


def _build_map(node: YNode) -> YMap:
    if isinstance(node, YMap):
        return node
    key = YScalar("context", STR, "", node.location)
    return ymap(((key, node),), node.location)


def _to_sequence(node: YNode) -> YSeq:
    """``convertIntoSequence``: a mapping becomes sorted ``k=v`` strings."""
    if isinstance(node, YSeq):
        return node
    if isinstance(node, YScalar):
        return YSeq((node,), node.location) if node.value is not None else YSeq((), node.location)
    items: list[YScalar] = []
    for key, value in node.items:
        text = compose_string(value) if isinstance(value, YScalar) else None
        entry = key.text if text is None else f"{key.text}={text}"
        items.append(YScalar(entry, STR, "", value.location, None))
    items.sort(key=lambda s: s.text)
    return YSeq(tuple(items), node.location)


def _to_mapping(node: YNode) -> YMap:
    """``convertIntoMapping``: a list of names becomes a mapping of names to null."""
    if isinstance(node, YMap):
        return node
    if isinstance(node, YSeq):
        items = tuple(
            (YScalar(v.text, STR, v.style, v.location, v.raw), YScalar(None, NULL, "", v.location))
            for v in node.items
            if isinstance(v, YScalar)
        )
        return ymap(items, node.location)
    return ymap((), node.location)


def _plain(node: YNode) -> object:
    """A location-free value for equality (``reflect.DeepEqual`` in ``importResource``)."""
    if isinstance(node, YScalar):
        if isinstance(node, EnvItem):
            return (node.key, node.value)
        return node.value
    if isinstance(node, YSeq):
        return tuple(_plain(v) for v in node.items)
    return tuple(sorted((k.text, repr(_plain(v))) for k, v in node.items))


def _delete_path(node: YNode, path: _Path) -> YNode:
    """``ResetProcessor.Apply``: remove the value at ``path`` (mapping keys only; an
    ``environment`` still in mapping form counts as a mapping)."""
    if len(path) == 1 and isinstance(node, YSeq) and node.tag == MAP:
        kept = tuple(i for i in node.items if not (isinstance(i, EnvItem) and i.key == path[0]))
        return YSeq(kept, node.location, node.tag)
    if not path or not isinstance(node, YMap) or path[0] not in node:
        return node
    if len(path) == 1:
        return ymap(
            tuple((k, v) for k, v in node.items if k.text != path[0]), node.location, node.tag
        )
    items = tuple((k, _delete_path(v, path[1:]) if k.text == path[0] else v) for k, v in node.items)
    return ymap(items, node.location, node.tag)


def _apply_resets(model: YMap, resets: Iterable[_Path]) -> YMap:
    for path in resets:
        node = _delete_path(model, path)
        assert isinstance(node, YMap)
        model = node
    return model


# --------------------------------------------------------------------------- extends


def _services_map(root: YMap) -> YMap | None:
    services = root.get("services")
    if services is None or (isinstance(services, YScalar) and services.value is None):
        return None
    if not isinstance(services, YMap):
        raise SourceError("services must be a mapping", services.location)
    return services


def _apply_extends(
    root: YMap, path: Path, base_dir: Path, context: _Context, resets: tuple[_Path, ...]
) -> YMap:
    """``loader/extends.go`` ``ApplyExtends`` on one file's services."""
    services = _services_map(root)
    if services is None:
        return root
    if not _extending(services):
        return root  # nothing extends: each service stays as it is
    resolved: dict[str, YNode] = {k.text: v for k, v in services.items}
    for key, _ in services.items:
        _extend(key.text, resolved, path, base_dir, context, [], resets)
    items = tuple((k, resolved[k.text]) for k, _ in services.items)
    new_services = ymap(items, services.location, services.tag)
    return ymap(
        tuple((k, new_services if k.text == "services" else v) for k, v in root.items),
        root.location,
        root.tag,
    )


def _extending(services: YMap) -> bool:
    """Whether a service has ``extends``; refuses, as :func:`_extend` would (in the same
    order), a service that is neither a mapping nor null."""
    for key, service in services.items:
        if isinstance(service, YMap):
            if "extends" in service.positions:
                return True
        elif not (isinstance(service, YScalar) and service.value is None):
            raise SourceError(f"services.{key.text} must be a mapping", service.location)
    return False


def _extend(
    name: str,
    services: dict[str, YNode],
    path: Path,
    base_dir: Path,
    context: _Context,
    chain: list[tuple[Path, str]],
    post: tuple[_Path, ...],
) -> YNode | None:
    """``applyServiceExtends``: the service merged onto what it extends, recursively."""
    service = services.get(name)
    if service is None or (isinstance(service, YScalar) and service.value is None):
        return None
    if not isinstance(service, YMap):
        raise SourceError(f"services.{name} must be a mapping", service.location)
    extends = service.get("extends")
    if extends is None:
        return service
    ref, file_node = _extends_target(name, extends)
    ref_services, ref_path, ref_dir = services, path, base_dir
    ref_post: tuple[_Path, ...] = ()
    if file_node is not None:
        ref_path = _absolute(base_dir, Path(file_node.text)).resolve()
        if not ref_path.is_file():
            raise SourceError(f"open {ref_path}: no such file or directory", file_node.location)
        ref_dir = ref_path.parent
        docs = _file_models(ref_path, ref_dir, context)
        ref_map = _services_map(docs[-1].root) if docs else None
        if ref_map is None:
            raise SourceError(
                f'cannot extend service "{name}" in {ref_path}: no services section',
                file_node.location,
            )
        ref_services = {k.text: v for k, v in ref_map.items}
        ref_post = docs[-1].resets
        if ref not in ref_services:
            raise SourceError(
                f'cannot extend service "{name}" in {path}: service "{ref}" not found in '
                f"{file_node.text}",
                extends.location,
            )
    elif ref not in services:
        raise SourceError(
            f'cannot extend service "{name}" in {path}: service "{ref}" not found',
            extends.location,
        )
    if (path, name) in chain:
        lines = [f"  {chain[0][1]} in {chain[0][0]}"]
        lines += [f"  extends {s} in {f}" for f, s in [*chain[1:], (path, name)]]
        raise SourceError("Circular reference:\n" + "\n".join(lines), extends.location)
    chain = [*chain, (path, name)]
    base = _extend(ref, ref_services, ref_path, ref_dir, context, chain, ref_post)
    if base is None:
        return service
    for reset in post:
        if reset[:2] == ("services", name):
            base = _delete_path(base, reset[2:])
    merged = _merge(base, service, ("services", "x"))
    assert isinstance(merged, YMap)
    merged = ymap(tuple((k, v) for k, v in merged.items if k.text != "extends"), merged.location)
    services[name] = merged
    return merged


def _extends_target(name: str, extends: YNode) -> tuple[str, YScalar | None]:
    if isinstance(extends, YScalar) and extends.value is not None:
        return extends.value, None
    if isinstance(extends, YMap):
        service = extends.get("service")
        if not isinstance(service, YScalar) or service.value is None:
            raise SourceError(f"extends.{name}.service is required", extends.location)
        file_node = extends.get("file")
        if file_node is not None and not isinstance(file_node, YScalar):
            raise SourceError(f"services.{name}.extends.file must be a string", file_node.location)
        return service.value, file_node if file_node is None or file_node.value else None
    raise SourceError(f"services.{name}.extends must be a string or a mapping", extends.location)


# --------------------------------------------------------------------------- include


def _apply_include(root: YMap, path: Path, context: _Context) -> YMap:
    """``loader/include.go`` ``ApplyInclude``: import each included project's services."""
    include = root.get("include")
    if include is None:
        return root
    if not isinstance(include, YSeq):
        raise SourceError("`include` must be a list", include.location)
    services = _services_map(root)
    imported: dict[str, tuple[YScalar, YNode]] = {}
    if services is not None:
        imported = {k.text: (k, v) for k, v in services.items}
    for entry in include.items:
        for key, node in _include_entry(entry, path, context):
            existing = imported.get(key.text)
            if existing is not None:
                if _plain(existing[1]) == _plain(node):
                    continue
                raise SourceError(
                    f"services.{key.text} conflicts with imported resource", existing[0].location
                )
            imported[key.text] = (key, node)
    services_key = root.key("services") or YScalar("services", STR, "", root.location)
    new_services = ymap(tuple(imported.values()), services.location if services else root.location)
    items = [(k, v) for k, v in root.items if k.text not in ("include", "services")]
    items.append((services_key, new_services))
    return ymap(tuple(items), root.location, root.tag)


def _include_entry(
    entry: YNode, path: Path, context: _Context
) -> tuple[tuple[YScalar, YNode], ...]:
    """Load one ``include`` entry as its own project (own directory, own ``.env``)."""
    paths: tuple[YNode, ...]
    if isinstance(entry, YScalar):
        paths, project_dir_node, env_node = (entry,), None, None
    elif isinstance(entry, YMap):
        path_node = entry.get("path")
        paths = (
            path_node.items if isinstance(path_node, YSeq) else (path_node,) if path_node else ()
        )
        project_dir_node, env_node = entry.get("project_directory"), entry.get("env_file")
    else:
        raise SourceError("invalid include entry", entry.location)
    files: list[Path] = []
    for node in paths:
        if not isinstance(node, YScalar) or not node.value:
            raise SourceError("include path must be a string", entry.location)
        files.append(_absolute(context.project_dir, Path(node.value)).resolve())
        if not files[-1].is_file():
            raise SourceError(f"open {files[-1]}: no such file or directory", node.location)
    if not files:
        raise SourceError("include entry without a path", entry.location)
    if files[0] in context.included or files[0] == path.resolve():
        chain = [*context.included, path.resolve(), files[0]]
        raise SourceError(
            "include cycle detected:\n"
            + f"{chain[0]}\n include "
            + "\n include ".join(map(str, chain[1:])),
            entry.location,
        )
    project_dir = files[0].parent
    if isinstance(project_dir_node, YScalar) and project_dir_node.value:
        project_dir = _absolute(context.project_dir, Path(project_dir_node.value)).resolve()
    env_paths: tuple[Path, ...] = ()
    if isinstance(env_node, YScalar) and env_node.value:
        env_paths = (_absolute(context.project_dir, Path(env_node.value)),)
    elif isinstance(env_node, YSeq):
        env_paths = tuple(
            _absolute(context.project_dir, Path(n.text))
            for n in env_node.items
            if isinstance(n, YScalar)
        )
    elif (project_dir / ".env").is_file():
        env_paths = (project_dir / ".env",)
    entries = _read_env_files(env_paths, context.variables) if env_paths else ()
    variables = dict(_variables(entries, {}))
    variables.update(context.variables)
    sub = _Context(
        project_dir,
        variables.get,
        variables,
        [*context.included, path.resolve()],
        context.cache,
        {},
    )
    model = _load_model(tuple(files), sub)
    services = _services_map(model)
    if services is None:
        return ()
    return tuple((k, _resolve_list_env(v, variables)) for k, v in services.items)


def _resolve_list_env(service: YNode, variables: Mapping[str, Variable]) -> YNode:
    """``loader/environment.go``: a bare list ``- K`` takes ``K`` from this project's env."""
    if not isinstance(service, YMap):
        return service
    env = service.get("environment")
    if not isinstance(env, YSeq):
        return service
    items = tuple(
        _resolved_item(i, variables) if isinstance(i, EnvItem) and i.form == "list" else i
        for i in env.items
    )
    return _with_value(service, "environment", YSeq(items, env.location, env.tag))


def _with_value(node: YMap, key: str, value: YNode) -> YMap:
    """``node`` with the value of every pair whose key is ``key`` replaced by ``value``.

    A mapping whose keys are distinct (``positions`` has one per pair, the usual case) has
    one such pair, at ``positions[key]``: only it is replaced, and the positions are shared.
    """
    if len(node.positions) != len(node.items):
        items = tuple((k, value if k.text == key else v) for k, v in node.items)
        return ymap(items, node.location, node.tag)
    i = node.positions[key]
    pairs = list(node.items)
    pairs[i] = (pairs[i][0], value)
    return _new(YMap, (tuple(pairs), node.location, node.tag, node.positions))


def _resolved_item(item: EnvItem, variables: Mapping[str, Variable]) -> EnvItem:
    if item.value is not None:
        return item
    var = variables.get(item.key)
    if var is None:
        return item
    return EnvItem(
        var.value,
        STR,
        item.style,
        item.location,
        item.raw,
        (var.location, *var.origin) if var.location else var.origin,
        (),
        var.location is not None,
        key=item.key,
        key_location=item.key_location,
        form=item.form,
    )


# --------------------------------------------------------------------------- services


def _services(
    model: YMap, context: _Context, profiles: frozenset[str] | None
) -> dict[str, Service]:
    services = _services_map(model)
    out: dict[str, Service] = {}
    if services is None:
        return out
    for key, node in services.items:
        if not isinstance(node, YMap):
            raise SourceError(f"services.{key.text} must be a mapping", node.location)
        _check_env_items(key.text, node.get("environment"))
    for key, node in services.items:
        assert isinstance(node, YMap)
        service_profiles = _strings(node.get("profiles"))
        if not _active(service_profiles, profiles):
            continue
        _check_image(key, node)
        out[key.text] = _service(key, node, context, service_profiles)
    return out


def _check_env_items(name: str, env: YNode | None) -> None:
    """``types/mapping.go`` decoding: a list item that is not a string is refused."""
    if not isinstance(env, YSeq):
        return
    for i, item in enumerate(env.items):
        if not isinstance(item, EnvItem):
            raise SourceError(
                f"services.{name}.environment.[{i}]: unexpected type {go_type(item)}",
                item.location,
            )


def _check_image(key: YScalar, node: YMap) -> None:
    """``loader/validate.go`` ``checkConsistency`` (active services only)."""
    image = node.get("image")
    if (
        node.get("build") is None
        and node.get("provider") is None
        and not (isinstance(image, YScalar) and image.value)
    ):
        raise SourceError(
            f'service "{key.text}" has neither an image nor a build context specified: '
            "invalid compose project",
            key.location,
        )


def _active(service_profiles: tuple[str, ...], active: frozenset[str] | None) -> bool:
    """``types/project.go`` ``WithProfiles``: no profiles, ``*``, or a shared profile."""
    if not service_profiles or active is None or "*" in active:
        return True
    return any(p in active for p in service_profiles)


def _strings(node: YNode | None) -> tuple[str, ...]:
    if isinstance(node, YSeq):
        return tuple(v.text for v in node.items if isinstance(v, YScalar))
    if isinstance(node, YScalar) and node.value is not None:
        return (node.value,)
    return ()


def _service(key: YScalar, node: YMap, context: _Context, profiles: tuple[str, ...]) -> Service:
    # Every environment item is resolved here, and the node's ``environment`` replaced by
    # them below: what _resolve_list_env (list items only) would give is overwritten.
    env_node = node.get("environment")
    items = (
        [i for i in env_node.items if isinstance(i, EnvItem)] if isinstance(env_node, YSeq) else []
    )
    variables = context.variables
    items = [i if i.value is not None else _resolved_item(i, variables) for i in items]
    declared = {i.key: i for i in items}  # the last definition of each key wins (uncity.go)
    env_files = _env_file_refs(node.get("env_file"))
    layers = _env_file_layers(env_files, declared, variables) if env_files else []
    layers += [i.to_setting() for i in items]
    environment = Settings.from_layers(layers)
    unset = tuple(s for s in environment.values() if s.value is None)
    if isinstance(env_node, YSeq):
        node = _with_value(node, "environment", YSeq(tuple(declared.values()), env_node.location))
    return Service(
        name=key.text,
        location=key.location,
        image=_image(node.get("image")),
        environment=environment,
        unset=unset,
        env_files=env_files,
        node=node,
        profiles=profiles,
    )


def _image(node: YNode | None) -> Setting | None:
    if not isinstance(node, YScalar) or node.value is None:
        return None
    meta = node if isinstance(node, IScalar) else None
    # Setting(key="image", ...) without the generated Python-level __new__.
    return _new(
        Setting,
        (
            "image",
            node.value,
            node.location,
            _COMPOSE,
            meta.origin if meta else (),
            node.raw,
            meta.missing if meta else (),
            meta.from_origin if meta else False,
            None,
        ),
    )


def _env_file_refs(node: YNode | None) -> tuple[EnvFileRef, ...]:
    """The service's ``env_file`` entries, de-duplicated by their spelling as written
    (``override/uncity.go`` ``envFileIndexer``: ``a.env`` and ``./a.env`` are two entries)."""
    if not isinstance(node, YSeq):
        return ()
    refs: dict[str, EnvFileRef] = {}
    for entry in node.items:
        if not isinstance(entry, YMap):
            continue
        path_node = entry.get("path")
        if not isinstance(path_node, YScalar) or path_node.value is None:
            continue
        path = Path(path_node.value)
        required_node = entry.get("required")
        required = not (
            isinstance(required_node, YScalar) and (required_node.value or "").lower() == "false"
        )
        format_node = entry.get("format")
        fmt = format_node.value if isinstance(format_node, YScalar) else None
        if fmt not in (None, "raw", ".env"):
            raise SourceError(f'unsupported env_file format "{fmt}"', format_node.location)  # type: ignore[union-attr]
        exists = _is_file(str(path))  # Path.is_file
        ref = _new(EnvFileRef, (path, required, exists, path_node.location, fmt))
        spelling = entry.get("x-spelling")
        key = spelling.text if isinstance(spelling, YScalar) else str(path)
        refs[key] = ref  # keeps the first position, takes the last definition
    return tuple(refs.values())


def _env_file_layers(
    refs: tuple[EnvFileRef, ...],
    declared: Mapping[str, EnvItem],
    variables: Mapping[str, Variable],
) -> list[Setting]:
    """Each env_file's entries (``types/project.go`` ``WithServicesEnvironmentResolved``).

    A name is looked up in the project env, then in the service's ``environment:``, then in
    the map being filled: it starts as the service's set values and takes every entry read,
    from earlier files and earlier lines alike, the latest winning (``loadEnvFile``).
    """
    own = {
        k: _new(Variable, (k, i.value, i.location, i.origin))
        for k, i in declared.items()
        if i.value is not None
    }

    def lookup(name: str) -> Variable | None:
        return variables.get(name) or own.get(name)

    known = dict(own)
    layers: list[Setting] = []
    for ref in refs:
        if not ref.exists:
            if ref.required:
                raise SourceError(f"env file {ref.path} not found", ref.location)
            continue
        text = _read_text(ref.path, ref.location)
        raw = ref.format == "raw"
        for entry in _parse_dotenv(text, ref.path, lookup, known, raw=raw):
            if entry.value is not None:
                layers.append(entry.to_setting(SourceKind.ENV_FILE))
    return layers
