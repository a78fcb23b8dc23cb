"""Baselines: record today's findings so that only new ones are reported.

An entry is keyed by path (relative to the baseline file's folder), code, service and key,
never by line or column, so that unrelated edits do not invalidate it (ruff#1149). Equal
keys are counted: two recorded findings of one key absorb two, a third is new.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import IO

from mail_lint.errors import MailLintError
from mail_lint.rules import Finding

VERSION = 1
DEFAULT_NAME = ".mail-lint-baseline.json"

Key = tuple[str, str, str | None, str | None]


class BaselineError(MailLintError):
    """A baseline file that cannot be read or is not one."""


def _path_key(finding: Finding, root: Path) -> str:
    if finding.location is None:
        return ""
    path = Path(os.path.abspath(finding.location.path))
    try:
        return Path(os.path.relpath(path, os.path.abspath(root))).as_posix()
    except ValueError:  # another drive (Windows)
        return path.as_posix()


def key_of(finding: Finding, root: Path) -> Key:
    return (_path_key(finding, root), finding.code, finding.service, finding.key)


def write_baseline(findings: Iterable[Finding], out: IO[str], root: Path) -> int:
    """Write the baseline JSON; return how many findings it records."""
    counts = Counter(key_of(f, root) for f in findings)
    entries = [
        {"path": p, "code": c, "service": s, "key": k, "count": n}
        for (p, c, s, k), n in sorted(counts.items(), key=lambda i: tuple(str(x) for x in i[0]))
    ]
    json.dump({"version": VERSION, "findings": entries}, out, indent=2)
    out.write("\n")
    return sum(counts.values())


def read_baseline(path: Path) -> Counter[Key]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BaselineError(
            f"{path}: no such baseline file (create it with `mail-lint baseline`)"
        ) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BaselineError(f"{path}: not a mail-lint baseline: {exc}") from None
    if not isinstance(data, dict) or data.get("version") != VERSION:
        raise BaselineError(f"{path}: not a mail-lint baseline (expected version {VERSION})")
    counts: Counter[Key] = Counter()
    try:
        for entry in data["findings"]:
            key = (entry["path"], entry["code"], entry.get("service"), entry.get("key"))
            counts[key] += int(entry.get("count", 1))
    except (KeyError, TypeError, ValueError) as exc:
        raise BaselineError(f"{path}: malformed baseline entry: {exc}") from None
    return counts


def new_findings(findings: Iterable[Finding], baseline: Path) -> list[Finding]:
    """The findings the baseline file does not account for."""
    remaining = read_baseline(baseline)
    root = Path(os.path.abspath(baseline)).parent
    fresh = []
    for finding in findings:
        key = key_of(finding, root)
        if remaining[key] > 0:
            remaining[key] -= 1
        else:
            fresh.append(finding)
    return fresh
