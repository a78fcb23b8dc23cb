"""Plain helpers shared by the tests (importable by name: ``pythonpath = ["tests"]``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
#: The apps' official example files (shared/corpus next to the repository).
CORPUS = REPO.parent / "shared" / "corpus"


@dataclass(frozen=True)
class Outcome:
    """What a user sees from one CLI run."""

    rc: int
    out: str
    err: str
