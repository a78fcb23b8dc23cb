"""A run changes nothing, connects nowhere, executes nothing, and loads plugins only from
installed distributions — never from the tree it lints."""

from __future__ import annotations

import hashlib
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import MakeProject, RunCli
from test_secrets_sweep import PROJECTS

FORMATS = ("text", "json", "sarif", "github", "junit", "gitlab")


def _snapshot(root: Path) -> dict[str, tuple[str, int]]:
    """Every file under root: its hash and its modification time."""
    return {
        str(p.relative_to(root)): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def guarded(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record (and refuse) every attempt to open a connection or run a program."""
    attempts: list[str] = []

    def refuse(what: str):  # type: ignore[no-untyped-def]
        def call(*args: object, **kwargs: object) -> None:
            attempts.append(what)
            raise OSError(f"mail-lint must not {what}")

        return call

    monkeypatch.setattr(socket.socket, "connect", refuse("connect a socket"))
    monkeypatch.setattr(socket.socket, "connect_ex", refuse("connect a socket"))
    monkeypatch.setattr(socket, "create_connection", refuse("connect"))
    monkeypatch.setattr(socket, "getaddrinfo", refuse("resolve a name"))
    monkeypatch.setattr(subprocess, "Popen", refuse("run a program"))
    monkeypatch.setattr(os, "system", refuse("run a program"))
    monkeypatch.setattr(os, "posix_spawn", refuse("run a program"))
    for name in ("execv", "execve", "execvp", "execvpe"):
        monkeypatch.setattr(os, name, refuse("run a program"))
    return attempts


@pytest.mark.parametrize("app", sorted(PROJECTS))
def test_a_run_connects_nowhere_runs_nothing_and_changes_nothing(
    app: str, run_cli: RunCli, make_project: MakeProject, guarded: list[str]
) -> None:
    root = make_project(PROJECTS[app])
    before = _snapshot(root)
    for fmt in FORMATS:
        outcome = run_cli("--format", fmt, ".", cwd=root)
        assert outcome.rc in (0, 1), outcome.err + outcome.out
    for fmt in ("text", "json"):
        assert run_cli("inspect", "--format", fmt, ".", cwd=root).rc == 0
    assert guarded == []
    assert _snapshot(root) == before


def test_plugins_in_the_linted_tree_are_never_loaded(make_project: MakeProject) -> None:
    """A hostile repository ships a distribution that registers a mail-lint plugin, a
    `.pth` file and a plugin-looking module. Linting it from inside must load none of them."""
    root = make_project(
        {
            "compose.yaml": "services:\n  docmost:\n    image: docmost/docmost\n",
            "evil_plugin.py": "open(__import__('os').environ['MARK'], 'w').write('loaded')\n",
            "evil-1.0.dist-info/METADATA": "Metadata-Version: 2.1\nName: evil\nVersion: 1.0\n",
            "evil-1.0.dist-info/entry_points.txt": "[mail_lint]\nevil = evil_plugin\n",
            "evil.pth": "import evil_plugin\n",
            "mail_lint_evil.py": "open(__import__('os').environ['MARK'], 'w').write('loaded')\n",
        }
    )
    mark = root.parent / "loaded.mark"
    script = Path(sys.executable).parent / "mail-lint"
    for command in ([str(script)], [sys.executable, "-m", "mail_lint"]):
        for args in (["."], ["plugins"]):
            proc = subprocess.run(
                [*command, *args],
                cwd=root,
                capture_output=True,
                text=True,
                check=False,
                env={**os.environ, "MARK": str(mark)},
            )
            assert proc.returncode in (0, 1), proc.stderr
            assert "evil" not in proc.stdout
            assert not mark.exists(), f"{command} {args} imported a module from the linted tree"
