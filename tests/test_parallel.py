"""A large run is linted by forked workers: what the user sees must not depend on it."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest
from conftest import RunCli
from mail_lint import parallel

REPO = Path(__file__).resolve().parent.parent


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_generate", REPO / "benchmarks/generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """40 generated projects (eight per app) with a suppression, a secret in a finding's
    neighbourhood, a standalone settings file and a broken file among them."""
    root = tmp_path_factory.mktemp("corpus")
    _generator().generate(root, 40, seed=7)
    first = sorted(p for p in root.iterdir() if p.is_dir())[0]
    compose = next(first.glob("*compose.y*ml"))
    # A file that cannot be parsed: ML001 must come back from a worker like any finding.
    (root / "broken").mkdir()
    (root / "broken" / "compose.yaml").write_text("services:\n  app: [unclosed\n")
    # A standalone Listmonk settings file, linted after the projects.
    (root / "loose").mkdir()
    (root / "loose" / "config.toml").write_text(
        '[app]\naddress = "0.0.0.0:9000"\nroot_url = "http://localhost:9000"\n'
        '[db]\nhost = "db"\ndatabase = "listmonk"\n'
    )
    assert compose.is_file()
    # Suppressions are read by the worker that read the file: in a project with a mistake,
    # comments that silence every finding, and one that silences nothing (ML004).
    items = json.loads((root / "MANIFEST.json").read_text())["items"]
    muted = next(i for i in items if i["expect"] and i["app"] != "listmonk")
    for name in muted["files"]:
        if name != "Caddyfile":
            path = root / muted["dir"] / name
            codes = ", ".join(sorted({c.rstrip("0123456789") for c in muted["expect"]}))
            path.write_text(f"# mail-lint: ignore-file[{codes}]\n" + path.read_text())
    unused = root / "p00002-docmost" / ".env"
    unused.write_text(unused.read_text() + "# mail-lint: ignore[NOPE999]\n")
    return root


def _json(run_cli: RunCli, *args: str) -> tuple[int, dict[str, object]]:
    outcome = run_cli("--format", "json", *args)
    return outcome.rc, json.loads(outcome.out)


def test_workers_report_exactly_what_one_process_reports(
    run_cli: RunCli, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    serial_rc, serial = _json(run_cli, "-j", "1", str(corpus))
    handed: list[int] = []
    real = parallel.lint_in_workers

    def spy(run: object, targets: list[object], jobs: int) -> object:
        handed.append(len(targets))
        return real(run, targets, jobs)  # type: ignore[arg-type]

    monkeypatch.setattr(parallel, "lint_in_workers", spy)
    parallel_rc, forked = _json(run_cli, "-j", "2", str(corpus))
    assert handed[0] > parallel.CHUNK  # the projects really went to the workers
    assert (parallel_rc, forked) == (serial_rc, serial)
    assert serial_rc == 1
    codes = {f["code"] for f in serial["findings"]}  # type: ignore[attr-defined]
    assert "ML001" in codes  # the broken file, reported from a worker
    assert len(codes) > 5
    # Every instance was linted once: as many as `inspect` (one process) lists.
    inspected = json.loads(run_cli("inspect", "--format", "json", str(corpus)).out)
    assert forked["summary"]["instances"] == len(inspected["instances"]) > 40  # type: ignore[index]
    found = [(f["code"], Path(f["path"]).parts) for f in forked["findings"]]  # type: ignore[attr-defined]
    assert [c for c, parts in found if "p00002-docmost" in parts] == ["ML004"]  # unused
    muted = next(
        i
        for i in json.loads((corpus / "MANIFEST.json").read_text())["items"]
        if i["expect"] and i["app"] != "listmonk"
    )
    assert {c for c, parts in found if muted["dir"] in parts} <= {"ML004"}


def test_text_output_is_the_same_and_secrets_stay_masked(run_cli: RunCli, corpus: Path) -> None:
    serial = run_cli("-j", "1", str(corpus))
    forked = run_cli("-j", "2", str(corpus))
    assert forked.out == serial.out
    assert forked.err == serial.err
    inspect = run_cli("inspect", "--format", "json", "--show-secrets", str(corpus))
    passwords = {
        m.split('"', 1)[0]
        for m in inspect.out.split('"password": {"value": "')[1:]
        if not m.startswith("null")
    }
    leaked = [p for p in passwords if len(p) >= 8 and p in forked.out]
    assert not leaked


def test_the_default_forks_only_for_a_large_run() -> None:
    assert parallel.worker_count(None, 1) == 1
    assert parallel.worker_count(None, parallel.MIN_PARALLEL - 1) == 1
    assert parallel.worker_count(3, 2) == 2  # never more workers than targets
    assert parallel.worker_count(1, 10_000) == 1


def test_a_bad_jobs_value_is_a_one_line_error(
    run_cli: RunCli, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outcome = run_cli("-j", "0", str(tmp_path))
    err = capsys.readouterr().err  # argparse writes its usage errors to sys.stderr
    assert outcome.rc == 2
    assert err.splitlines()[-1] == (
        "mail-lint check: error: argument -j/--jobs: must be a whole number of processes, "
        "1 or more: '0'"
    )


def test_many_standalone_files_go_to_the_workers_too(
    run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for i in range(parallel.MIN_PARALLEL + 6):
        folder = tmp_path / f"site{i:02d}"
        folder.mkdir()
        (folder / "config.toml").write_text(
            '[app]\naddress = "0.0.0.0:9000"\nroot_url = "http://localhost:9000"\n'
            f'[db]\nhost = "db"\ndatabase = "listmonk"\npassword = "Zq8-secret-{i:02d}-xyzw"\n'
        )
    serial = _json(run_cli, "-j", "1", str(tmp_path))
    handed: list[int] = []
    real = parallel.lint_in_workers

    def spy(run: object, targets: list[object], jobs: int) -> object:
        handed.append(len(targets))
        return real(run, targets, jobs)  # type: ignore[arg-type]

    monkeypatch.setattr(parallel, "lint_in_workers", spy)
    assert _json(run_cli, "-j", "2", str(tmp_path)) == serial
    assert handed == [0, parallel.MIN_PARALLEL + 6]  # no project; every file to the workers
    assert len(serial[1]["findings"]) >= parallel.MIN_PARALLEL + 6  # type: ignore[arg-type]
