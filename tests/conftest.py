"""Shared fixtures: run the CLI in-process, write projects, find the shared corpus."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from mail_lint.cli import main
from support import CORPUS, Outcome

RunCli = Callable[..., Outcome]
MakeProject = Callable[[dict[str, str]], Path]


@pytest.fixture
def run_cli() -> RunCli:
    """Call ``mail-lint`` in-process: ``run_cli("check", "x", cwd=path)``."""

    def call(*args: str, cwd: Path | None = None) -> Outcome:
        out, err = io.StringIO(), io.StringIO()
        rc = main(list(args), stdout=out, stderr=err, cwd=cwd or Path.cwd())
        return Outcome(rc, out.getvalue(), err.getvalue())

    return call


@pytest.fixture
def make_project(tmp_path: Path) -> MakeProject:
    """Write ``{relative path: text}`` under a fresh folder and return the folder."""

    def make(files: dict[str, str]) -> Path:
        for name, text in files.items():
            path = tmp_path / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        return tmp_path

    return make


@pytest.fixture
def corpus() -> Path:
    """The shared corpus folder; tests that need it skip, loudly, without it."""
    if not CORPUS.is_dir():
        pytest.skip(f"shared corpus not found at {CORPUS}")
    return CORPUS
