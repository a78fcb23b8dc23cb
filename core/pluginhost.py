"""The plugin host: loads every plugin from the ``mail_lint`` entry-point group and offers a
typed facade over the hooks.

Built-in app plugins and third-party ones arrive through the same door (flake8's model).
pluggy's own loader silently skips a second plugin of the same name; this one refuses, naming
both distributions. Plugins are only ever loaded from installed distributions, never from the
linted tree.
"""

from collections.abc import Iterable, Sequence
from types import FunctionType, MethodType, ModuleType
from typing import Any, NamedTuple

import pluggy
from mail_lint import hookspecs
from mail_lint.apps import AppSpec
from mail_lint.entrypoints import EntryPoint, entry_points
from mail_lint.errors import PluginConflictError, PluginCrashError, PluginLoadError
from mail_lint.instance import AppInstance
from mail_lint.rules import Rule
from mail_lint.transport import Transport

GROUP = "mail_lint"


class PluginInfo(NamedTuple):
    """A loaded plugin: its name, the distribution that ships it and its version."""

    name: str
    distribution: str
    version: str
    module: str


class _Manager(pluggy.PluginManager):
    """pluggy's manager, told that a module's name bound to anything but a function cannot
    be a hook implementation: pluggy looks up every name of ``dir(plugin)`` with
    ``inspect.getattr_static``, imports and dunders included (150 names on each start-up)."""

    def parse_hookimpl_opts(self, plugin: object, name: str) -> pluggy.HookimplOpts | None:
        if isinstance(plugin, ModuleType) and not isinstance(
            vars(plugin).get(name),
            (FunctionType, MethodType, staticmethod, classmethod),
        ):
            return None
        return super().parse_hookimpl_opts(plugin, name)


def _candidates(group: str) -> list[EntryPoint]:
    """Every entry point of ``group`` in every installed distribution, in a stable order."""
    return sorted(entry_points(group), key=lambda c: (c.name, c.distribution.lower()))


class PluginHost:
    """The plugin manager behind a typed facade. Build one with :meth:`create`."""

    def __init__(self, pm: pluggy.PluginManager, infos: Sequence[PluginInfo]) -> None:
        self._pm = pm
        self.plugins: tuple[PluginInfo, ...] = tuple(infos)
        self._apps: tuple[AppSpec, ...] | None = None
        self._rules: dict[str | None, tuple[Rule, ...]] = {}
        self._owner: dict[str, str] = {}

    @classmethod
    def create(
        cls,
        *,
        load_entry_points: bool = True,
        block: Iterable[str] = (),
        extra_plugins: Iterable[tuple[str, ModuleType | object]] = (),
        group: str = GROUP,
    ) -> "PluginHost":
        """Load the plugins: entry points of ``group`` (unless disabled), then ``extra_plugins``
        (name, module) pairs, which tests use.

        :raises PluginConflictError: two distributions claim one plugin name.
        :raises PluginLoadError: a plugin cannot be imported or does not fit the hooks.
        """
        pm = _Manager("mail_lint")
        pm.add_hookspecs(hookspecs)
        for name in block:
            pm.set_blocked(name)
        from mail_lint import core_plugin

        pm.register(core_plugin, name="core")
        from mail_lint import __version__

        infos: list[PluginInfo] = [
            PluginInfo("core", "mail-lint", __version__, core_plugin.__name__)
        ]
        if load_entry_points:
            infos += _load_entry_points(pm, group)
        for name, plugin in extra_plugins:
            _register(pm, plugin, name, "<extra>")
            infos.append(PluginInfo(name, "<extra>", "", getattr(plugin, "__name__", "?")))
        try:
            pm.check_pending()
        except pluggy.PluginValidationError as exc:
            raise PluginLoadError(f"plugin {exc.plugin!r}: {exc}") from exc
        return cls(pm, infos)

    def _name_of(self, impl_plugin: object) -> str:
        return self._pm.get_name(impl_plugin) or "?"

    def apps(self) -> tuple[AppSpec, ...]:
        """Every app any plugin describes.

        :raises PluginConflictError: one app name or rule-code prefix claimed twice.
        :raises PluginCrashError: a plugin's hook raised.
        """
        if self._apps is None:
            found: list[AppSpec] = []
            owner: dict[str, str] = {}
            for impl in reversed(self._pm.hook.mail_lint_apps.get_hookimpls()):
                plugin = self._name_of(impl.plugin)
                specs = _call(plugin, "mail_lint_apps", impl.function)
                for spec in specs:
                    for claim in (f"app {spec.name!r}", f"code prefix {spec.code_prefix!r}"):
                        if claim in owner:
                            raise PluginConflictError(
                                f"{claim} is claimed by both plugin {owner[claim]!r} "
                                f"and plugin {plugin!r}"
                            )
                        owner[claim] = plugin
                    found.append(spec)
            self._apps = tuple(sorted(found, key=lambda spec: spec.name))
        return self._apps

    def app(self, name: str) -> AppSpec | None:
        """The app of that name, if a plugin describes it."""
        return next((spec for spec in self.apps() if spec.name == name), None)

    def rules(self, app: str | None = None) -> tuple[Rule, ...]:
        """The rules that judge instances of ``app`` (its own and the generic ones), by
        code; every rule of every plugin when ``app`` is ``None``.

        Asked per app, so a plugin imports its rule modules only when its app appears.

        :raises PluginConflictError: one code used by two rules.
        """
        if app not in self._rules:
            by_code: dict[str, tuple[Rule, str]] = {}
            for impl in reversed(self._pm.hook.mail_lint_rules.get_hookimpls()):
                plugin = self._name_of(impl.plugin)
                kwargs = {"app": app} if "app" in impl.argnames else {}
                for found in _call(plugin, "mail_lint_rules", impl.function, kwargs):
                    if app is not None and found.app not in (None, app):
                        continue
                    if found.code in by_code:
                        other = by_code[found.code][1]
                        raise PluginConflictError(
                            f"rule code {found.code!r} is defined by both plugin {other!r} "
                            f"and plugin {plugin!r}"
                        )
                    by_code[found.code] = (found, plugin)
            self._owner.update({code: plugin for code, (_, plugin) in by_code.items()})
            ordered = sorted(by_code.values(), key=lambda pair: pair[0].code)
            self._rules[app] = tuple(r for r, _ in ordered)
        return self._rules[app]

    def rule_owner(self, code: str) -> str:
        """The plugin that contributes a rule (for crash reports)."""
        return self._owner.get(code, "?")

    def interpret(self, instance: AppInstance) -> tuple[Transport, ...]:
        """The transports of an instance, from the first plugin that answers.

        :raises PluginCrashError: the answering plugin raised.
        """
        for impl in reversed(self._pm.hook.mail_lint_interpret.get_hookimpls()):
            plugin = self._name_of(impl.plugin)
            try:
                result = impl.function(instance=instance)
            except Exception as exc:
                raise PluginCrashError(
                    plugin, "mail_lint_interpret", str(instance.path), exc
                ) from exc
            if result is not None:
                return tuple(result)
        return ()


def _call(plugin: str, hook: str, function: Any, kwargs: dict[str, Any] | None = None) -> list[Any]:
    try:
        return list(function(**(kwargs or {})) or ())
    except Exception as exc:
        raise PluginCrashError(plugin, hook, None, exc) from exc


def _register(pm: pluggy.PluginManager, plugin: object, name: str, dist: str) -> None:
    try:
        pm.register(plugin, name=name)
    except (pluggy.PluginValidationError, ValueError) as exc:
        raise PluginLoadError(f"plugin {name!r} from {dist!r} cannot be registered: {exc}") from exc


def _load_entry_points(pm: pluggy.PluginManager, group: str) -> list[PluginInfo]:
    infos: list[PluginInfo] = []
    by_name: dict[str, EntryPoint] = {}
    for cand in _candidates(group):
        if cand.name in by_name:
            first = by_name[cand.name]
            raise PluginConflictError(
                f"plugin name {cand.name!r} is provided by both distribution "
                f"{first.distribution!r} and distribution {cand.distribution!r}"
            )
        by_name[cand.name] = cand
    for cand in by_name.values():
        if pm.is_blocked(cand.name):
            continue
        try:
            plugin = cand.load()
        except Exception as exc:
            raise PluginLoadError(
                f"plugin {cand.name!r} from distribution {cand.distribution!r} failed to load: "
                f"{type(exc).__name__}: {exc}"
            ) from exc
        _register(pm, plugin, cand.name, cand.distribution)
        infos.append(PluginInfo(cand.name, cand.distribution, cand.version, cand.value))
    return infos
