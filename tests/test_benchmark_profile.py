"""benchmarks/profile.py: the figures behind "Where the time goes" come out of it."""

from __future__ import annotations

import re
import subprocess
import sys

from support import REPO

PROFILE = REPO / "benchmarks" / "profile.py"
ROW = re.compile(
    r"^ +(?P<ms>[0-9.]+) ms +(?P<share>[0-9.]+)%  (?P<label>.+?)"
    r"(?:  \((?P<calls>[0-9,]+) calls\))?$"
)


def _rows(*args: str) -> dict[str, tuple[float, int]]:
    proc = subprocess.run(
        [sys.executable, str(PROFILE), *args], capture_output=True, text=True, cwd=REPO
    )
    assert proc.returncode == 0, proc.stderr
    rows = {}
    for line in proc.stdout.splitlines():
        match = ROW.match(line)
        assert match, line
        rows[match["label"]] = (float(match["ms"]), int((match["calls"] or "1").replace(",", "")))
    return rows


def test_startup_splits_one_run_into_imports_and_the_lint() -> None:
    rows = _rows("startup", "examples/docmost-smtp")
    assert list(rows)[:3] == [
        "import PyYAML",
        "import mail_lint.cli and what it imports",
        "lint (lazy imports of the run included)",
    ]
    assert all(ms > 0 for ms, _ in list(rows.values())[:3])
    named_tuples = rows["  of which NamedTuple after PyYAML"]
    assert named_tuples[0] > 0 and named_tuples[1] >= 30  # mail-lint's records, each class


def test_stages_split_a_sequential_lint() -> None:
    rows = _rows("stages", "examples")
    total = rows.pop("total")[0]
    assert total > 0
    assert {
        "rules",
        "YAML: composing nodes from CParser events",
        ".env files (Compose dialect)",
        "Compose model: merge, interpolation, validation",
    } <= set(rows)
    assert abs(sum(ms for ms, _ in rows.values()) - total) < 0.5  # the stages add up
    # The example has one compose file: composed once, whatever imported what first.
    assert rows["YAML: composing nodes from CParser events"][1] == 1
