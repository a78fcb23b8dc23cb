"""Where mail-lint's time goes: the figures behind "Where the time goes" in README.md.

    python benchmarks/profile.py startup PROJECT_DIR   # one run, start-up included
    python benchmarks/profile.py stages CORPUS_DIR     # CPU per stage of a -j1 lint

Run it with the interpreter of the venv to measure (``benchmarks/.tools/mail-lint/bin/python``
after ``run.py``: a regular, non-editable install). Both commands time one run in this
process by wrapping functions with a clock, so they add a little overhead of their own; a
figure is meant to rank costs, the runner's wall times are the measurement.

``startup`` reports the wall time of: importing PyYAML (mail-lint's heaviest dependency, which
yamllint imports too), mail-lint's own modules and the lint, and, across the whole run, the
time spent creating ``typing.NamedTuple`` classes, compiling regular expressions and creating
enums, the three costs of importing a module that are more than reading its bytecode.

``stages`` lints a corpus in this process with ``-j 1`` and splits its CPU time (after the
imports) into stages, each without the stages it calls.
"""

from __future__ import annotations

import argparse
import contextlib
import enum
import io
import re
import sys
import time
import typing
from collections.abc import Callable, Iterator, Sequence


class Clock:
    """Seconds spent inside wrapped callables, by label, excluding nested wrapped calls."""

    def __init__(self, timer: Callable[[], float]) -> None:
        self.timer = timer
        self.spent: dict[str, float] = {}
        self.calls: dict[str, int] = {}
        self._stack: list[float] = []

    def wrap(self, label: str, function: Callable[..., object]) -> Callable[..., object]:
        def timed(*args: object, **kwargs: object) -> object:
            start = self.timer()
            self._stack.append(0.0)
            try:
                return function(*args, **kwargs)
            finally:
                elapsed = self.timer() - start
                inner = self._stack.pop()
                self.spent[label] = self.spent.get(label, 0.0) + elapsed - inner
                self.calls[label] = self.calls.get(label, 0) + 1
                if self._stack:
                    self._stack[-1] += elapsed

        return timed


@contextlib.contextmanager
def patched(owner: object, name: str, replacement: object) -> Iterator[None]:
    original = getattr(owner, name)
    setattr(owner, name, replacement)
    try:
        yield
    finally:
        setattr(owner, name, original)


def _lint(argv: Sequence[str]) -> None:
    from mail_lint import cli

    with contextlib.suppress(SystemExit):
        cli.main(list(argv), stdout=io.StringIO())


def startup(project: str) -> list[tuple[str, float, int]]:
    """(what, seconds, count) for one lint of ``project``, imports included."""
    if any(name.split(".")[0] in ("mail_lint", "yaml") for name in sys.modules):
        raise SystemExit("profile.py startup must run before mail_lint or yaml is imported")
    clock = Clock(time.perf_counter)
    rows = []
    with contextlib.ExitStack() as stack:
        # Wrapped before anything imports them: every creation and compile is seen.
        meta = typing.NamedTupleMeta  # type: ignore[attr-defined]
        stack.enter_context(patched(meta, "__new__", clock.wrap("NamedTuple", meta.__new__)))
        stack.enter_context(patched(re, "_compile", clock.wrap("re.compile", re._compile)))  # type: ignore[attr-defined]
        stack.enter_context(
            patched(enum.EnumType, "__new__", clock.wrap("enum", enum.EnumType.__new__))
        )
        start = time.perf_counter()
        import yaml  # noqa: F401

        yaml_done = time.perf_counter()
        spent_in_yaml, calls_in_yaml = dict(clock.spent), dict(clock.calls)
        import mail_lint.cli  # noqa: F401

        imported = time.perf_counter()
        _lint([project])
        done = time.perf_counter()
    rows.append(("import PyYAML", yaml_done - start, 1))
    rows.append(("import mail_lint.cli and what it imports", imported - yaml_done, 1))
    rows.append(("lint (lazy imports of the run included)", done - imported, 1))
    for label in ("NamedTuple", "re.compile", "enum"):
        outside_yaml = clock.spent.get(label, 0.0) - spent_in_yaml.get(label, 0.0)
        calls = clock.calls.get(label, 0) - calls_in_yaml.get(label, 0)
        rows.append((f"  of which {label} after PyYAML", outside_yaml, calls))
    return rows


STAGES = (
    ("mail_lint.yamlsource", "load_yaml_stream", "YAML: composing nodes from CParser events"),
    ("mail_lint.compose", "load_yaml_stream", "YAML: composing nodes from CParser events"),
    ("mail_lint.compose", "load_project", "Compose model: merge, interpolation, validation"),
    ("mail_lint.compose", "parse_compose_dotenv", ".env files (Compose dialect)"),
    ("mail_lint.dotenv_compose", "parse_compose_dotenv", ".env files (Compose dialect)"),
    ("mail_lint.dotenv_laravel", "parse_laravel_dotenv", "app .env files (Laravel dialect)"),
    ("mail_lint.dotenv_node", "parse_node_dotenv", "app .env files (Node dialect)"),
    ("mail_lint.settingsfiles", "load_ini", "settings files (INI, TOML, JSON)"),
    ("mail_lint.settingsfiles", "load_toml", "settings files (INI, TOML, JSON)"),
    ("mail_lint.settingsfiles", "load_json", "settings files (INI, TOML, JSON)"),
    ("mail_lint.pluginhost", "PluginHost.interpret", "plugins: transports of each instance"),
    ("mail_lint.engine", "_Run._check", "rules"),
    ("mail_lint.engine", "plan", "discovery: the walk"),
    ("mail_lint.engine", "_Run._policy", "policy: configuration, suppressions"),
)


def stages(corpus: str) -> list[tuple[str, float, int]]:
    """(stage, CPU seconds, calls) of a ``-j 1`` lint of ``corpus``, after the imports."""
    import importlib

    clock = Clock(time.process_time)
    # Every module first (imports are not a stage): a module imported after another's function
    # is wrapped would bind the wrapper, and its calls would count twice.
    modules = {name: importlib.import_module(name) for name, _, _ in STAGES}
    import mail_lint.cli  # noqa: F401

    with contextlib.ExitStack() as stack:
        for module_name, attribute, label in STAGES:
            owner: object = modules[module_name]
            *path, name = attribute.split(".")
            for part in path:
                owner = getattr(owner, part)
            stack.enter_context(patched(owner, name, clock.wrap(label, getattr(owner, name))))
        start = time.process_time()
        _lint(["-j", "1", "--format", "json", corpus])
        total = time.process_time() - start
    rows = [("total", total, 1)]
    rows += sorted(((k, v, clock.calls[k]) for k, v in clock.spent.items()), key=lambda r: -r[1])
    rest = total - sum(clock.spent.values())
    rows.append(("everything else: reading files, detection, instances, secrets, report", rest, 1))
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=("startup", "stages"))
    parser.add_argument("path", help="a project folder (startup) or a corpus folder (stages)")
    args = parser.parse_args(argv)
    if args.what == "startup":
        rows = startup(args.path)
        total = sum(seconds for label, seconds, _ in rows[:3])
    else:
        rows = stages(args.path)
        total = rows[0][1]
    for label, seconds, count in rows:
        share = f"{100 * seconds / total:5.1f}%" if total else "     -"
        counted = f"  ({count:,} calls)" if count > 1 else ""
        print(f"{seconds * 1000:9.1f} ms {share}  {label}{counted}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
