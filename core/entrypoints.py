"""Find entry points without importing ``importlib.metadata``.

``importlib.metadata`` imports the ``email`` package to parse every distribution's METADATA
and costs about as much as the rest of mail-lint's start-up, which runs on every commit.
This scanner reads what it needs directly: the ``entry_points.txt`` of each ``*.dist-info``
/ ``*.egg-info`` folder on ``sys.path`` (the first distribution of a name wins, as in
``importlib.metadata``), and the ``Name``/``Version`` header lines of the distributions that
have an entry point in the group. A test compares it with ``importlib.metadata``.
"""

import os
import re
import sys
from collections.abc import Sequence
from typing import NamedTuple

_NORMALIZE = re.compile(r"[-_.]+")


class EntryPoint(NamedTuple):
    """``name = value`` of a group, with the distribution that declares it."""

    name: str
    value: str
    group: str
    distribution: str
    version: str

    def load(self) -> object:
        """Import the object the entry point names (``module`` or ``module:attr``)."""
        import importlib

        module_name, _, attrs = self.value.partition(":")
        target: object = importlib.import_module(module_name.strip())
        for attr in filter(None, attrs.strip().split(".")):
            target = getattr(target, attr)
        return target


def entry_points(group: str, path: Sequence[str] | None = None) -> list[EntryPoint]:
    """Every entry point of ``group`` in the distributions on ``path`` (default
    ``sys.path``), except those in the working directory."""
    found: list[EntryPoint] = []
    seen: set[str] = set()
    here = os.getcwd()
    for entry in sys.path if path is None else path:
        # The working directory (on sys.path under `python -m`) is the tree being linted:
        # plugins come only from installed distributions, never from the files under review.
        if not entry or os.path.abspath(entry) == here:
            continue
        folder = entry
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            continue
        for name in names:
            if not name.endswith((".dist-info", ".egg-info")):
                continue
            key = _NORMALIZE.sub("_", name.rsplit(".", 1)[0].split("-", 1)[0]).lower()
            if key in seen:
                continue
            seen.add(key)
            info = os.path.join(folder, name)
            eps = _group(_read(os.path.join(info, "entry_points.txt")), group)
            if not eps:
                continue
            dist, version = _name_version(info)
            found += [EntryPoint(n, v, group, dist, version) for n, v in eps]
    return found


def _read(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except OSError:
        return ""


def _group(text: str, group: str) -> list[tuple[str, str]]:
    """The ``name = value`` lines of one ``[group]`` section of an INI-style file."""
    pairs: list[tuple[str, str]] = []
    inside = False
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            inside = line[1:-1].strip() == group
            continue
        if inside and "=" in line:
            name, _, value = line.partition("=")
            pairs.append((name.strip(), value.strip()))
    return pairs


def _name_version(info: str) -> tuple[str, str]:
    """``Name`` and ``Version`` from the metadata header (the lines before the body)."""
    text = _read(os.path.join(info, "METADATA")) or _read(os.path.join(info, "PKG-INFO"))
    name = version = "?"
    for line in text.splitlines():
        if not line:
            break
        if line.startswith("Name:"):
            name = line[5:].strip()
        elif line.startswith("Version:"):
            version = line[8:].strip()
    return name, version
