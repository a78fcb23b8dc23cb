"""The run: discover, load, detect app instances, interpret, run the rules.

Every failure is contained: a file that cannot be read or parsed becomes an ``ML`` finding and
the other files are still linted; a plugin or rule that raises becomes an ``ML003`` finding
and the other rules still run.
"""

import functools
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from pathlib import Path, PurePosixPath
from types import MappingProxyType
from typing import TYPE_CHECKING, NamedTuple

from mail_lint.apps import AppSpec, DotenvDialect, FileFormat, ImageRef, SettingsFile, Version
from mail_lint.discover import (
    COMPOSE_NAMES,
    OVERRIDE_NAMES,
    WALK_SIZE_LIMIT,
    ComposeTarget,
    FileTarget,
    plan,
)
from mail_lint.errors import PluginCrashError, SourceError
from mail_lint.instance import AppInstance, LoadedFile
from mail_lint.model import Location, Setting, Settings, SourceKind
from mail_lint.pluginhost import PluginHost
from mail_lint.rules import Finding, Rule, RuleContext, Scope, Severity
from mail_lint.secrets import Scrubber, is_secret_key, shape
from mail_lint.textio import UnreadableError, read_source
from mail_lint.transport import Transport

if TYPE_CHECKING:
    from mail_lint.compose import ComposeProject, Service
    from mail_lint.config import Configs
    from mail_lint.suppress import Suppression

_PROJECT_NAMES = frozenset((*COMPOSE_NAMES, *OVERRIDE_NAMES, ".env"))
_INDEXED = re.compile(r"^[^.\[]+\[\d+\]")
# Only a parse error needs these two: strings, compiled (and cached) by `re` on first use.
_QUOTED = r"([\"'])(.*?)(?:\1|$)|\[([^\]]*)\]"
# A `KEY=value` / `KEY: value` / `- KEY=value` line, to find the key of a failing line.
_KEY_VALUE = (
    r"^\s*(?:-\s+)?(?:export\s+)?[\"']?(?P<key>[A-Za-z_][A-Za-z0-9_.\-\[\]]*)[\"']?"
    r"\s*[=:]\s?(?P<value>.*)$"
)


class RunOptions(NamedTuple):
    """What the user asked for."""

    paths: tuple[Path, ...] = (Path("."),)
    #: ``-f`` files: one project from exactly these files, as ``docker compose -f``.
    compose_files: tuple[Path, ...] = ()
    project_dir: Path | None = None
    #: ``--env KEY=VAL``: the shell environment Compose would see (never read implicitly).
    env: Mapping[str, str] = MappingProxyType({})
    #: ``--env-file``: replaces the project ``.env``, as ``docker compose --env-file``.
    env_files: tuple[Path, ...] = ()
    #: Active profiles; ``None`` lints every service of every profile.
    profiles: tuple[str, ...] | None = None
    #: ``--app``: the app of standalone files.
    app: str | None = None
    #: The configuration files (``None``: no configuration, as the engine API's default).
    configs: "Configs | None" = None
    #: Apply ``# mail-lint: ignore[…]`` comments (and report unused ones as ML004).
    suppressions: bool = True
    #: Keep every instance and its transports in the result (``inspect``); without it only
    #: their number is kept, so memory stays flat however many projects a run lints.
    keep_instances: bool = True
    #: Worker processes: ``None`` picks one per core for a large run, ``1`` never forks.
    jobs: int | None = None


class InstanceReport(NamedTuple):
    """A detected instance and how it will send mail."""

    instance: AppInstance
    transports: tuple[Transport, ...]


class RunResult(NamedTuple):
    """Everything a run found."""

    findings: tuple[Finding, ...]
    instances: tuple[InstanceReport, ...]
    #: True when part of the input could not be read or a plugin crashed (exit code 2).
    incomplete: bool
    #: Files named on the command line in which no app was recognised.
    unrecognised: tuple[Path, ...]
    scrub: Scrubber
    #: How many instances were linted (``None``: ``len(instances)``, all of them kept).
    instance_count: int | None = None

    @property
    def instances_linted(self) -> int:
        """How many app instances the run linted."""
        return len(self.instances) if self.instance_count is None else self.instance_count


class Partial(NamedTuple):
    """What linting part of a run's work found (a worker process's share)."""

    findings: tuple[Finding, ...]
    reports: tuple[InstanceReport, ...]
    instance_count: int
    incomplete: bool
    unrecognised: tuple[Path, ...]
    #: Files a project read (real paths): never also linted as standalone files.
    consumed: frozenset[str]
    #: The suppression comments of those files, for the files that have any.
    comments: "tuple[tuple[str, tuple[Suppression, ...]], ...]"
    #: What the worker's scrubber learnt (secret values, public text), for the parent's.
    secrets: frozenset[str]
    public: frozenset[str]


def run(host: PluginHost, options: RunOptions) -> RunResult:
    """Lint everything ``options`` names."""
    return _Run(host, options).execute()


class _Run:
    """One run's state; :func:`run` is the interface."""

    def __init__(self, host: PluginHost, options: RunOptions) -> None:
        self.host = host
        self.options = options
        self.apps = host.apps()
        from mail_lint.engine_rules import RULES as ENGINE_RULES

        self.engine_rules = {r.code: r for r in ENGINE_RULES}
        self.findings: list[Finding] = []
        self.reports: list[InstanceReport] = []
        self.instance_count = 0
        self.unrecognised: list[Path] = []
        self.incomplete = False
        #: Real paths (``os.path.realpath``) of the files read, and of those not yet scanned
        #: for suppression comments.
        self.consumed: set[str] = set()
        self.unscanned: set[str] = set()
        #: What the run that made this one (:meth:`part`) had consumed already.
        self.before: AbstractSet[str] = frozenset()
        #: The suppression comments of every scanned file that has any, by real path.
        self.comments: dict[str, list[Suppression]] = {}
        #: Folders' real paths, by the path as written (shared with :meth:`part`'s runs).
        self.real_dirs: dict[str, str] = {}
        # A frozenset: is_secret_key caches its lower-cased form by the set's value.
        self.secret_keys = frozenset(k for app in self.apps for k in app.secret_keys)
        self.scrub = Scrubber()
        for app in self.apps:
            self.scrub.allow(app.name)
            self.scrub.allow(app.title)

    # -- driver ---------------------------------------------------------------------------

    def execute(self) -> RunResult:
        work = plan(
            self.options.paths,
            self.apps,
            compose_files=self.options.compose_files,
            project_dir=self.options.project_dir,
        )
        from mail_lint.parallel import worker_count

        # Instances (for inspect) hold whole Compose models: they stay in this process.
        jobs = (
            1
            if self.options.keep_instances
            else worker_count(self.options.jobs, len(work.projects) + len(work.files))
        )
        if jobs > 1:
            from mail_lint.parallel import MIN_PARALLEL, lint_in_workers

            for partial in lint_in_workers(self, work.projects, jobs):
                self._absorb(partial)
            # The files no project read: most walked files are projects' own.
            files = [f for f in work.files if not self._consumed(f.where)]
            if len(files) >= MIN_PARALLEL:
                for partial in lint_in_workers(self, files, jobs):
                    self._absorb(partial)
            else:
                self.lint(files)
        else:
            self.lint(work.projects)
            self.lint(work.files)
        self._scan_comments()
        findings = sorted(
            set(self._policy(sorted(set(self.findings), key=Finding.sort_key))),
            key=Finding.sort_key,
        )
        return RunResult(
            tuple(findings),
            tuple(self.reports),
            self.incomplete,
            tuple(self.unrecognised),
            self.scrub,
            None if self.options.keep_instances else self.instance_count,
        )

    def lint(self, targets: Iterable[ComposeTarget | FileTarget]) -> None:
        """Lint projects and standalone files, adding to this run's findings."""
        for target in targets:
            if isinstance(target, ComposeTarget):
                for instance in self._project_instances(target):
                    self._finish_instance(instance)
            elif not self._consumed(target.where):
                found = self._standalone_instance(target)
                if found is not None:
                    self._finish_instance(found)
                elif target.explicit:
                    self.unrecognised.append(target.path)

    def _finish_instance(self, instance: AppInstance) -> None:
        report = self._judge(instance)
        self._remember_secrets(instance)
        self.instance_count += 1
        if self.options.keep_instances:
            self.reports.append(report)

    def part(self) -> "_Run":
        """A run with the same plugins and options and nothing found yet (in a worker):
        it still skips the files this run consumed."""
        fresh = _Run(self.host, self.options)
        fresh.before = self.consumed
        fresh.real_dirs = self.real_dirs
        return fresh

    def _consumed(self, path: Path | str) -> bool:
        real = self._real(path)
        return real in self.consumed or real in self.before

    def _consume(self, path: Path) -> None:
        real = self._real(path)
        if real not in self.consumed:
            self.consumed.add(real)
            self.unscanned.add(real)

    def _real(self, path: Path | str) -> str:
        """``os.path.realpath(path)``, what ``Path.resolve()`` gives, with each folder
        resolved once: resolving walks every component of a path with ``lstat``, and a
        project's files share their folders."""
        text = os.fspath(path)
        folder, name = os.path.split(text)
        if name in ("", os.curdir, os.pardir):
            return os.path.realpath(text)
        return self._join_real(self._real_dir(folder), name)

    def _real_dir(self, folder: str) -> str:
        real = self.real_dirs.get(folder)
        if real is None:
            parent, name = os.path.split(folder)
            if not parent or name in ("", os.curdir, os.pardir):
                real = os.path.realpath(folder or os.curdir)
            else:
                real = self._join_real(self._real_dir(parent), name)
            self.real_dirs[folder] = real
        return real

    @staticmethod
    def _join_real(real_folder: str, name: str) -> str:
        """The real path of ``name`` in a folder whose real path is ``real_folder``."""
        joined = os.path.join(real_folder, name)
        return os.path.realpath(joined) if os.path.islink(joined) else joined

    def _scan_comments(self) -> None:
        """Read the suppression comments of the files consumed since the last scan."""
        if self.options.suppressions and self.unscanned:
            from mail_lint.suppress import scan_files

            self.comments.update(scan_files(sorted(self.unscanned)))
        self.unscanned.clear()

    def partial(self) -> Partial:
        """What this (worker's) run found, to send to the parent."""
        self._scan_comments()
        return Partial(
            tuple(self.findings),
            tuple(self.reports),
            self.instance_count,
            self.incomplete,
            tuple(self.unrecognised),
            frozenset(self.consumed),
            tuple((path, tuple(found)) for path, found in self.comments.items()),
            *self.scrub.learnt(),
        )

    def _absorb(self, partial: Partial) -> None:
        self.findings += partial.findings
        self.reports += partial.reports
        self.instance_count += partial.instance_count
        self.incomplete = self.incomplete or partial.incomplete
        self.unrecognised += partial.unrecognised
        self.consumed |= partial.consumed
        for path, found in partial.comments:
            self.comments.setdefault(path, list(found))
        self.scrub.learn(partial.secrets, partial.public)

    def _policy(self, findings: list[Finding]) -> list[Finding]:
        """Inline suppressions first (so a comment on a finding the configuration also
        ignores is not "unused"), then the configuration: select/ignore, per-file and
        per-service ignores, severity overrides."""
        kept = findings
        if self.options.suppressions:
            from mail_lint.suppress import Suppressor

            # Every consumed file was scanned (here, or by the worker that read it).
            suppressor = Suppressor({path: self.comments.get(path, []) for path in self.consumed})
            kept = suppressor.apply(findings)
            rule = self.engine_rules["ML004"]
            for unused in suppressor.unused():
                form = "ignore-file" if unused.whole_file else "ignore"
                idle = [s for s in unused.selectors if s not in unused.used]
                what = ", ".join(idle) if idle else "no code"
                kept.append(
                    Finding(
                        rule.code,
                        rule.name,
                        rule.severity,
                        f"unused suppression: `{form}[{', '.join(unused.selectors)}]` "
                        f"suppresses nothing for {what}",
                        unused.location,
                        fix="remove the comment, or the codes that no longer occur",
                    )
                )
        configs = self.options.configs
        if configs is None:
            return kept
        result = []
        for finding in kept:
            where = finding.location.path if finding.location is not None else None
            config = configs.for_path(where) if where is not None else configs.default()
            if not config.enabled(finding) or config.ignored_for(finding):
                continue
            severity = config.severity_of(finding)
            if severity is not finding.severity:
                finding = finding._replace(severity=severity)
            result.append(finding)
        return result

    def _pin(self, path: Path) -> tuple[str | None, Version | None]:
        """The app and version ``[[tool.mail-lint.app]]`` pins for ``path``."""
        configs = self.options.configs
        if configs is None:
            return None, None
        pin = configs.for_path(path).pin_for(path)
        if pin is None:
            return None, None
        if pin.app is not None and not any(a.name == pin.app for a in self.apps):
            from mail_lint.config import ConfigError

            names = ", ".join(a.name for a in self.apps)
            raise ConfigError(
                f"{configs.for_path(path).path}: app: unknown app {pin.app!r} (allowed: {names})"
            )
        return pin.app, pin.version

    # -- loading --------------------------------------------------------------------------

    def _engine_finding(
        self,
        code: str,
        message: str,
        location: Location,
        *,
        app: str | None = None,
        key: str | None = None,
        fix: str | None = None,
    ) -> None:
        rule = self.engine_rules[code]
        self.findings.append(
            Finding(
                rule.code, rule.name, rule.severity, message, location, key=key, app=app, fix=fix
            )
        )

    def _source_error(self, exc: SourceError) -> None:
        key, message = self._redact_error(exc)
        fix = None
        if "nvalid template" in message or "invalid interpolation format" in message:
            fix = "write a literal $ as $$, or single-quote the value in a .env file"
        self._engine_finding("ML001", message, exc.location, key=key, fix=fix)

    def _redact_error(self, exc: SourceError) -> tuple[str | None, str]:
        """The key of the failing line, if any, and the error message with the value of a
        secret on that line described by its shape (Compose quotes the whole value:
        ``Invalid template: "pa${ss"``)."""
        message = exc.message
        try:
            lines = read_source(exc.location.path).splitlines()
        except (SourceError, UnreadableError):
            return None, message
        if not 0 < exc.location.line <= len(lines):
            return None, message
        match = re.match(_KEY_VALUE, lines[exc.location.line - 1])
        if match is None:
            return None, message
        key = match.group("key")
        if not is_secret_key(key, self.secret_keys):
            return key, message
        value = match.group("value").strip()
        candidates = {value, value.strip("'\""), value.split(" #", 1)[0].strip()}
        candidates = {c for c in candidates if len(c) >= 3}

        def hide(quoted: re.Match[str]) -> str:
            inner = quoted.group(2) if quoted.group(3) is None else quoted.group(3)
            if any(c in inner or inner in c for c in candidates if len(inner) >= 3):
                hidden = f"<secret {shape(inner)}>"
                return hidden if quoted.group(3) is None else f"[{hidden}]"
            return quoted.group(0)

        # Messages quote the value ("Invalid template: \"pa${ss\""), or bracket the line
        # (Laravel: "Encountered unexpected whitespace at [pw x]."): hide that text only.
        message = re.sub(_QUOTED, hide, message)
        return key, message

    def _unreadable(self, exc: UnreadableError) -> None:
        self.incomplete = True
        self._engine_finding(
            "ML002", f"cannot read this file: {exc.reason}", Location(exc.path, 1, 1)
        )

    def _project_instances(self, target: ComposeTarget) -> list[AppInstance]:
        from mail_lint.compose import ComposeOptions, load_project

        if not target.files and not self._has_compose_file(target.project_dir):
            return []
        # The project's own files are never also standalone files, even if it fails to load.
        for path in (*target.files, target.project_dir / ".env", *self.options.env_files):
            self._consume(path)

        options = ComposeOptions(
            project_dir=target.project_dir,
            files=target.files,
            env=dict(self.options.env),
            env_files=self.options.env_files,
            profiles=self.options.profiles,
        )
        try:
            project = load_project(options)
        except SourceError as exc:
            self._source_error(exc)
            return []
        except UnreadableError as exc:
            self._unreadable(exc)
            return []
        for path in project.files:
            self._consume(path)
        if project.dotenv is not None:
            self._consume(project.dotenv)
        for setting in project.variables.values():
            self._maybe_secret(setting)
        found = []
        for service in project.services.values():
            for ref in service.env_files:
                self._consume(ref.path)
            app = self._detect_service(service)
            if app is not None:
                found.append(self._service_instance(app, project, service))
        return found

    def _has_compose_file(self, folder: Path) -> bool:
        """Whether Compose would find a file in ``folder``; report compose-named entries
        that are not files (a folder named ``docker-compose.yml``)."""
        try:
            # One listing instead of a stat per name: most of the names are absent.
            present = _PROJECT_NAMES.intersection(os.listdir(folder))
        except OSError:
            present = _PROJECT_NAMES
        found = False
        for name in (*COMPOSE_NAMES, *OVERRIDE_NAMES, ".env"):
            if name not in present:
                continue
            path = folder / name
            if path.is_file():
                found = found or name != ".env"
            elif path.exists():
                self._unreadable(
                    UnreadableError(
                        path,
                        "is a directory, not a file" if path.is_dir() else "is not a regular file",
                    )
                )
            elif path.is_symlink():  # dangling, or a loop: silently skipped before
                self._unreadable(UnreadableError(path, "is a symlink to nothing readable"))
        return found

    def _detect_service(self, service: "Service") -> AppSpec | None:
        if service.image is not None and service.image.value:
            image = ImageRef.parse(service.image.value)
            for app in self.apps:
                if app.matches_image(image):
                    return app
        keys = set(service.environment)
        best: tuple[int, AppSpec] | None = None
        for app in self.apps:
            hits = len(keys.intersection(app.distinctive_keys))
            if hits >= app.min_distinctive and (best is None or hits > best[0]):
                best = (hits, app)
        return None if best is None else best[1]

    def _service_instance(
        self, app: AppSpec, project: "ComposeProject", service: "Service"
    ) -> AppInstance:
        version: Version | None = None
        if service.image is not None and service.image.value:
            version = ImageRef.parse(service.image.value).version
        version = self._pin(service.location.path)[1] or version
        files = []
        for spec in app.settings_files:
            for host_path in _mounted_files(project.project_dir, service, spec):
                loaded = self._load_settings_file(host_path, spec)
                if loaded is not None:
                    files.append(loaded)
        return AppInstance(
            app=app,
            version=version,
            environment=service.environment,
            files=tuple(files),
            path=service.location.path,
            service=service,
            project=project,
            image=service.image,
        )

    def _load_settings_file(self, path: Path, spec: SettingsFile) -> LoadedFile | None:
        self._consume(path)
        try:
            settings = load_settings(path, spec)
        except SourceError as exc:
            self._source_error(exc)
            return None
        except UnreadableError as exc:
            self._unreadable(exc)
            return None
        return LoadedFile(path, spec, settings)

    def _standalone_instance(self, file: FileTarget) -> AppInstance | None:
        path = file.path
        pinned_app, pinned_version = self._pin(path)
        forced = self.options.app or pinned_app
        explicit = file.explicit or pinned_app is not None
        candidates = [
            (app, spec)
            for app in self.apps
            if forced is None or app.name == forced
            for spec in app.settings_files
            if spec.matches_name(path.name) or (forced is not None and explicit)
        ]
        if not candidates:
            return None
        if not explicit and _too_big_for_a_walk(path):
            return None
        try:
            text = read_source(path)
        except UnreadableError as exc:
            self._unreadable(exc)
            return None
        except SourceError as exc:
            self._source_error(exc)
            return None
        # Readers whose file names match come first: `--app listmonk x.json` is JSON, not TOML.
        candidates.sort(key=lambda pair: not pair[1].matches_name(path.name))
        best: tuple[int, AppSpec, SettingsFile, Settings] | None = None
        tied = False
        first_error: SourceError | None = None
        lowered: str | None = None
        for app, spec in candidates:
            if forced is None and not explicit and spec.detect_keys:
                # A file found by the walk is parsed only if it can hold enough keys.
                lowered = text.lower() if lowered is None else lowered
                if _key_names_in(lowered, spec) < spec.min_keys:
                    continue
            try:
                settings = parse_settings(text, path, spec)
            except SourceError as exc:
                first_error = first_error or exc
                continue
            hits = sum(
                1 for key in spec.detect_keys if key in settings or _has_prefix(settings, key)
            )
            # A file the user named needs one distinctive key; one found by a walk, min_keys.
            needed = 1 if explicit else spec.min_keys
            if spec.detect_keys and hits < needed and forced is None:
                continue
            if best is None or hits > best[0]:
                best = (hits, app, spec, settings)
                tied = False
            elif hits == best[0] and app is not best[1]:
                tied = True
        if best is None and first_error is not None:
            # No reader could parse it: an error if the file is surely the app's.
            if forced is not None or explicit or len(candidates) == 1:
                self._source_error(first_error)
            return None
        if best is None or (tied and forced is None):
            return None
        _, app, spec, settings = best
        self._consume(path)
        return AppInstance(
            app=app,
            version=pinned_version,
            environment=Settings(),
            files=(LoadedFile(path, spec, settings),),
            path=path,
        )

    # -- judging --------------------------------------------------------------------------

    def _judge(self, instance: AppInstance) -> InstanceReport:
        try:
            transports = self.host.interpret(instance)
        except PluginCrashError as exc:
            self._crash(exc, instance)
            transports = ()
        found: list[Finding] = []
        rules = self.host.rules(instance.app.name)
        for rule in rules:
            if rule.scope is Scope.TRANSPORT:
                for transport in transports:
                    found += self._check(rule, RuleContext(rule, instance, transport))
            elif rule.scope is not Scope.ENGINE:
                found += self._check(rule, RuleContext(rule, instance))
        self.findings += _drop_superseded(found, rules) if found else found
        return InstanceReport(instance, transports)

    def _check(self, rule: Rule, ctx: RuleContext) -> list[Finding]:
        try:
            return list(rule.check(ctx))
        except Exception as exc:
            plugin = self.host.rule_owner(rule.code)
            crash = PluginCrashError(plugin, f"rule {rule.code}", str(ctx.instance.path), exc)
            self._crash(crash, ctx.instance)
            return []

    def _crash(self, exc: PluginCrashError, instance: AppInstance) -> None:
        self.incomplete = True
        location = (
            instance.service.location
            if instance.service is not None
            else Location(instance.path, 1, 1)
        )
        self._engine_finding("ML003", str(exc), location, app=instance.app.name)

    # -- secrets --------------------------------------------------------------------------

    def _maybe_secret(self, setting: Setting) -> None:
        if is_secret_key(setting.key, self.secret_keys):
            self.scrub.add(setting.value)
        else:
            self.scrub.allow(setting.value)
            self.scrub.add_url_passwords(setting.value)

    def _remember_secrets(self, instance: AppInstance) -> None:
        for setting in instance.environment.values():
            self._maybe_secret(setting)
        for loaded in instance.files:
            for setting in loaded.settings.values():
                self._maybe_secret(setting)


def _drop_superseded(found: list[Finding], rules: Sequence[Rule]) -> list[Finding]:
    """Drop each generic finding that an app finding on the same instance makes redundant.

    A finding of a code an app rule names in ``supersedes`` is redundant when it is about
    the same thing: for a per-setting rule (``Scope.INSTANCE``) the same key; for a transport
    rule the same transport (Listmonk's ``smtp[1]`` is not ``smtp[0]``). Either side without
    a key matches.
    """
    by_code = {r.code: r for r in rules}
    claims = [(by_code[f.code].supersedes, f.key) for f in found if by_code[f.code].supersedes]

    def same_subject(finding: Finding, key: str | None) -> bool:
        if key is None or finding.key is None:
            return True
        if by_code[finding.code].scope is Scope.TRANSPORT:
            return _transport_of(key) == _transport_of(finding.key)
        return key == finding.key

    def redundant(finding: Finding) -> bool:
        return any(finding.code in codes and same_subject(finding, key) for codes, key in claims)

    return [f for f in found if not redundant(f)]


def _transport_of(key: str) -> str | None:
    """``smtp[1]`` for ``smtp[1].port``; ``None`` for a key of an app's only transport."""
    match = _INDEXED.match(key)
    return match.group(0) if match else None


def _too_big_for_a_walk(path: Path) -> bool:
    """Whether a file found by the walk is larger than it reads (a data dump is not a
    settings file); a file it cannot stat is read, and the reader reports why."""
    try:
        return os.stat(path).st_size > WALK_SIZE_LIMIT
    except OSError:
        return False


def _key_names_in(lowered_text: str, spec: SettingsFile) -> int:
    """How many of ``spec.detect_keys`` may be in a file, by their last name in its
    lower-cased text: ``root_url`` for ``app.root_url``, in a flat JSON key, a TOML table or
    an INI section alike. An upper bound of what the parsed file holds (INI names are
    case-insensitive), so a file below ``min_keys`` is skipped without being parsed; a key
    written only with escapes (JSON ``\\u0072oot_url``) is not seen."""
    return sum(1 for name in _last_names(spec.detect_keys) if name in lowered_text)


@functools.lru_cache(maxsize=64)
def _last_names(keys: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(re.sub(r"\[\d+\]", "", key).rsplit(".", 1)[-1].lower() for key in keys)


def _has_prefix(settings: Settings, key: str) -> bool:
    """``smtp`` is present when ``smtp[0].host`` is (flattened arrays)."""
    return any(k.startswith((key + "[", key + ".")) for k in settings)


def load_settings(path: Path, spec: SettingsFile) -> Settings:
    """Read and parse a settings file in its declared format and dialect."""
    return parse_settings(read_source(path), path, spec)


def parse_settings(text: str, path: Path, spec: SettingsFile) -> Settings:
    """Parse settings text in the spec's format and dialect (the parsers load lazily)."""
    layers: Iterable[Setting]
    if spec.format is FileFormat.DOTENV:
        layers = (e.to_setting(SourceKind.APP_DOTENV) for e in _parse_dotenv(text, path, spec))
    elif spec.format is FileFormat.INI:
        from mail_lint.settingsfiles import load_ini

        layers = load_ini(text, path)
    elif spec.format is FileFormat.TOML:
        from mail_lint.settingsfiles import load_toml

        layers = load_toml(text, path)
    else:
        from mail_lint.settingsfiles import load_json

        layers = load_json(text, path)
    return Settings.from_layers(list(layers))


def _parse_dotenv(text: str, path: Path, spec: SettingsFile) -> Sequence[object]:
    if spec.dialect is DotenvDialect.LARAVEL:
        from mail_lint.dotenv_laravel import parse_laravel_dotenv

        return parse_laravel_dotenv(text, path)
    if spec.dialect is DotenvDialect.NODE:
        from mail_lint.dotenv_node import parse_node_dotenv

        return parse_node_dotenv(text, path)
    from mail_lint.dotenv_compose import parse_compose_dotenv

    return parse_compose_dotenv(text, path)


def _mounted_files(project_dir: Path, service: "Service", spec: SettingsFile) -> list[Path]:
    """Host files that a bind mount of ``service`` places where the app reads ``spec``."""
    found: list[Path] = []
    for source, target in _bind_mounts(service):
        for container_path in spec.container_paths:
            inside = PurePosixPath(container_path)
            mount = PurePosixPath(target)
            if inside != mount and mount not in inside.parents:
                continue
            rest = inside.relative_to(mount)
            host = Path(source).expanduser()
            if not host.is_absolute():
                host = project_dir / host
            candidate = host / rest if str(rest) != "." else host
            if candidate.is_file() and candidate not in found:
                found.append(candidate)
    return found


def _bind_mounts(service: "Service") -> list[tuple[str, str]]:
    """``(host source, container target)`` of each bind mount of a service."""
    from mail_lint.yamlsource import YMap, YScalar, YSeq

    volumes = service.node.get("volumes")
    mounts: list[tuple[str, str]] = []
    if not isinstance(volumes, YSeq):
        return mounts
    for item in volumes.items:
        if isinstance(item, YScalar) and item.value:
            parts = item.value.split(":")
            if len(parts) >= 2 and parts[0].startswith((".", "/", "~")):
                mounts.append((parts[0], parts[1]))
        elif isinstance(item, YMap):
            kind, source, target = item.get("type"), item.get("source"), item.get("target")
            if (
                isinstance(kind, YScalar)
                and kind.value == "bind"
                and isinstance(source, YScalar)
                and isinstance(target, YScalar)
                and source.value
                and target.value
            ):
                mounts.append((source.value, target.value))
    return mounts


def worst(findings: Iterable[Finding]) -> Severity | None:
    """The most severe severity among findings."""
    ranked = sorted((f.severity for f in findings), key=lambda s: s.rank, reverse=True)
    return ranked[0] if ranked else None
