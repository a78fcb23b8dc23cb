"""Broken/fixed twins: a realistic project with one pitfall, its fixed twin, and what the
user must see for the broken one. Shared by the app plugins' tests."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Lint a project folder; return the findings (JSON dicts) the test is about.
Lint = Callable[[Path], list[dict[str, Any]]]


@dataclass(frozen=True)
class Twin:
    """A broken project, its fixed twin, and the finding the broken one must show."""

    id: str
    broken: dict[str, str]
    fixed: dict[str, str]
    code: str
    path: str
    #: The line: a number, or a text whose first line is meant.
    line: int | str
    key: str
    says: tuple[str, ...]
    severity: str = "error"
    #: Other codes (of the same family) the broken project shows too.
    also: frozenset[str] = field(default_factory=frozenset)


def line_of(text: str, needle: str) -> int:
    """The 1-based line of the first line containing ``needle``."""
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def write(root: Path, files: dict[str, str]) -> Path:
    """Write ``{relative path: text}`` under ``root``."""
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def check_twin(case: Twin, tmp_path: Path, lint: Lint) -> None:
    """The broken project shows exactly the expected finding (plus ``also``) at the exact
    place, with the message essentials; the fixed twin shows nothing."""
    broken = write(tmp_path / "broken", case.broken)
    fixed = write(tmp_path / "fixed", case.fixed)
    found = lint(broken)
    [finding] = [f for f in found if f["code"] == case.code]
    line = (
        case.line
        if isinstance(case.line, int)
        else line_of((broken / case.path).read_text(), case.line)
    )
    assert (finding["path"], finding["line"], finding["key"]) == (case.path, line, case.key)
    assert finding["severity"] == case.severity
    for text in case.says:
        assert text in finding["message"], finding["message"]
    assert {f["code"] for f in found} - {case.code} == case.also, found
    assert lint(fixed) == []
