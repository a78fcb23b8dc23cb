"""Guards: pyproject, entry points, plugin folders and the installed package agree."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
import tomllib
from pathlib import Path

from support import REPO


def test_builtin_entry_points_match_plugin_dirs() -> None:
    dist = importlib.metadata.distribution("mail-lint")
    declared = {ep.name for ep in dist.entry_points if ep.group == "mail_lint"}
    on_disk = {p.name for p in (REPO / "plugins").iterdir() if (p / "__init__.py").exists()}
    assert declared == on_disk == {"bookstack", "docmost", "plausible", "wgdashboard", "listmonk"}


def test_every_package_dir_is_listed_in_pyproject() -> None:
    cfg = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]
    found = set()
    for prefix, top in (("mail_lint", REPO / "core"), ("mail_lint.plugins", REPO / "plugins")):
        for init in top.rglob("__init__.py"):
            found.add(".".join((prefix, *init.parent.relative_to(top).parts)))
    assert found == set(cfg["packages"])


def test_python_dash_m_runs_from_another_folder(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "mail_lint", "--version"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"mail-lint {importlib.metadata.version('mail-lint')}"


def test_no_module_imports_core_or_plugins_by_folder_name() -> None:
    offenders = [
        str(path.relative_to(REPO))
        for top in ("core", "plugins", "tests")
        for path in (REPO / top).rglob("*.py")
        for line in path.read_text().splitlines()
        if line.lstrip().startswith(("import core", "from core", "import plugins", "from plugins"))
    ]
    assert offenders == []


def test_every_module_imports_without_warnings() -> None:
    modules = [
        "mail_lint." + p.stem for p in (REPO / "core").glob("*.py") if p.stem not in ("__main__",)
    ]
    code = "import importlib,sys\nfor m in sys.argv[1:]: importlib.import_module(m)"
    proc = subprocess.run(
        [sys.executable, "-W", "error", "-c", code, *modules],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr


def test_wheel_holds_mail_lint_and_its_plugins_only(tmp_path: Path) -> None:
    """`pip install .` ships core/ as mail_lint and plugins/ as mail_lint.plugins."""
    import zipfile

    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--wheel-dir",
            str(tmp_path),
            str(REPO),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    [wheel] = tmp_path.glob("mail_lint-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    tops = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert tops == {"mail_lint"}
    for app in ("bookstack", "docmost", "plausible", "wgdashboard", "listmonk"):
        assert f"mail_lint/plugins/{app}/__init__.py" in names
    assert "mail_lint/py.typed" in names
    assert "mail_lint/cli.py" in names
