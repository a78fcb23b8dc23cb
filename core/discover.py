"""Find what to lint: Compose projects (by Compose's own file names) and candidate settings
files (``.env*`` and each plugin's declared settings files) under the given paths."""

import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import NamedTuple

from mail_lint.apps import AppSpec
from mail_lint.errors import UsageError

#: Compose's default file names, in the order it picks them (compose-go cli/options.go).
COMPOSE_NAMES = ("compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml")
OVERRIDE_NAMES = (
    "compose.override.yml",
    "compose.override.yaml",
    "docker-compose.override.yml",
    "docker-compose.override.yaml",
)
_SKIP_DIRS = frozenset({"node_modules", "__pycache__", "venv", "site-packages"})
#: Candidate files larger than this are skipped when found by a directory walk (a data dump
#: is not a settings file); a file named on the command line is always read. The engine
#: checks the size when it comes to the file: most candidates are a project's own files.
WALK_SIZE_LIMIT = 1 << 20


class ComposeTarget(NamedTuple):
    """A Compose project: its directory, and the ``-f`` files (empty: Compose's discovery)."""

    project_dir: Path
    files: tuple[Path, ...] = ()


class FileTarget(NamedTuple):
    """A file that may be an app's settings file; ``explicit`` when named by the user."""

    #: The file's path as text: a large walk keeps tens of thousands of these, and most are
    #: a project's own files, which need no :class:`Path`.
    where: str
    explicit: bool = False

    @property
    def path(self) -> Path:
        """The file's path."""
        return Path(self.where)


class Plan(NamedTuple):
    """Everything one run will read."""

    projects: tuple[ComposeTarget, ...]
    files: tuple[FileTarget, ...]


def is_compose_name(name: str) -> bool:
    """Whether a file name is one Compose finds by itself (base or override)."""
    return name in COMPOSE_NAMES or name in OVERRIDE_NAMES


def _is_candidate(name: str, apps: Sequence[AppSpec]) -> bool:
    if name == ".env" or name.startswith(".env.") or name.endswith(".env"):
        return True
    return any(spec.matches_name(name) for app in apps for spec in app.settings_files)


def plan(
    paths: Sequence[Path],
    apps: Sequence[AppSpec],
    *,
    compose_files: Sequence[Path] = (),
    project_dir: Path | None = None,
) -> Plan:
    """Turn command-line paths into projects and candidate files.

    A directory is walked (hidden folders and dependency folders skipped, symlinked folders
    not followed): each folder holding a Compose file is a project. A file with a Compose
    name makes its folder a project; other YAML files named together in one folder are that
    project's ``-f`` files, in the order given. Any other file is a candidate settings file.

    :raises UsageError: a path that does not exist.
    """
    projects: dict[tuple[Path, tuple[Path, ...]], ComposeTarget] = {}
    files: dict[str, FileTarget] = {}
    explicit_yaml: dict[Path, list[Path]] = {}

    if compose_files:
        base = project_dir or compose_files[0].parent
        target = ComposeTarget(base, tuple(compose_files))
        projects[(target.project_dir, target.files)] = target

    # Whether a file name is a candidate, by name: the same few names recur in every folder.
    candidate: dict[str, bool] = {}
    for path in paths:
        if not path.exists() and not path.is_symlink():
            raise UsageError(f"{path}: no such file or directory")
        # A folder named like a Compose file is that project's (unreadable) Compose file.
        if path.is_dir() and not is_compose_name(path.name):
            for folder, names in _walk(path):
                if any(name in COMPOSE_NAMES for name in names):
                    target = ComposeTarget(Path(folder))
                    projects.setdefault((target.project_dir, ()), target)
                for name in names:
                    wanted = candidate.get(name)
                    if wanted is None:
                        wanted = candidate[name] = _is_candidate(name, apps)
                    if wanted:
                        file = os.path.join(folder, name)
                        files.setdefault(file, FileTarget(file))
        elif is_compose_name(path.name):
            projects.setdefault((path.parent, ()), ComposeTarget(path.parent))
        elif path.suffix in (".yml", ".yaml") and not _is_candidate(path.name, apps):
            explicit_yaml.setdefault(path.parent, []).append(path)
        else:
            files[str(path)] = FileTarget(str(path), explicit=True)

    for folder, yaml_files in explicit_yaml.items():
        target = ComposeTarget(folder, tuple(yaml_files))
        projects.setdefault((folder, target.files), target)
    return Plan(tuple(projects.values()), tuple(files.values()))


def _walk(root: Path) -> Iterable[tuple[str, list[str]]]:
    for folder, dirs, names in os.walk(root, followlinks=False):
        # A folder named like a Compose file is reported (Compose would fail on it).
        odd = [d for d in dirs if is_compose_name(d)]
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _SKIP_DIRS)
        yield folder, sorted(names + odd)
