"""The pre-commit hook, through the real `pre-commit try-repo`: a repository with a broken
Docmost deployment in a subfolder fails the commit; once fixed, it passes.

`try-repo` installs this repository into a fresh virtualenv, as a user's pre-commit would.
The hook repository is a snapshot of the working tree (tracked and untracked, not ignored,
files) committed in a temporary git repository, so the test checks what is on disk.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support import REPO
from test_docmost import DROP, GOOD_DOTENV, compose

GIT = shutil.which("git")
pytestmark = [
    pytest.mark.skipif(GIT is None, reason="git is not installed: pre-commit needs it"),
    pytest.mark.skipif(
        importlib.util.find_spec("pre_commit") is None,
        reason="pre-commit is not installed (pip install -e '.[test]')",
    ),
]


def git(*args: str, cwd: Path, env: dict[str, str]) -> None:
    subprocess.run([GIT or "git", *args], cwd=cwd, env=env, check=True, capture_output=True)


def clean_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    env |= {
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    return env


def snapshot_of_this_repository(target: Path, env: dict[str, str]) -> Path:
    listed = subprocess.run(
        [GIT or "git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = REPO / name
        if source.is_file() and not source.is_symlink():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    git("init", "-q", cwd=target, env=env)
    git("add", "-A", cwd=target, env=env)
    git("commit", "-q", "-m", "snapshot", cwd=target, env=env)
    return target


def try_repo(hooks: Path, project: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(hooks), "mail-lint", "--all-files"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    print(done.stdout, done.stderr)  # shown by pytest -rP / on failure
    return done


def test_pre_commit_try_repo_fails_broken_and_passes_fixed(tmp_path: Path) -> None:
    env = clean_env(tmp_path)
    if not (REPO / ".git").exists():
        pytest.skip("not a git checkout: cannot list the repository's files")
    hooks = snapshot_of_this_repository(tmp_path / "hooks", env)
    project = tmp_path / "ops"
    stack = project / "deploy" / "docmost"
    stack.mkdir(parents=True)
    git("init", "-q", cwd=project, env=env)
    (project / "README.md").write_text("ops\n")
    # The broken value is in .env, the compose file reads it: only a whole-project run sees it.
    (stack / "docker-compose.yml").write_text(
        compose({"SMTP_PORT": "${SMTP_PORT:-587}", "SMTP_SECURE": DROP})
    )
    (stack / ".env").write_text(GOOD_DOTENV + "SMTP_PORT=465\n")
    git("add", "-A", cwd=project, env=env)

    broken = try_repo(hooks, project, env)
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert "mail-lint" in broken.stdout and "Failed" in broken.stdout
    assert "deploy/docmost/.env:4:" in broken.stdout and "DOC005" in broken.stdout

    (stack / ".env").write_text(GOOD_DOTENV + "SMTP_PORT=465\nSMTP_SECURE=true\n")
    (stack / "docker-compose.yml").write_text(
        compose({"SMTP_PORT": "${SMTP_PORT:-587}", "SMTP_SECURE": "${SMTP_SECURE:-false}"})
    )
    git("add", "-A", cwd=project, env=env)
    fixed = try_repo(hooks, project, env)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert "Passed" in fixed.stdout
