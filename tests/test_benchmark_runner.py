"""benchmarks/run.py: the benchmark runner of issue 11, end to end on a tiny configuration.

No network: mail-lint and the floor only (--only), mail-lint taken from this test venv
(--mail-lint, so nothing is pip-installed), the corpora and RESULTS.md in tmp_path.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parent.parent
RUNNER = REPO / "benchmarks" / "run.py"
FLOOR = REPO / "benchmarks" / "floor.py"
MAIL_LINT = Path(sys.executable).parent / "mail-lint"
NUMBER = r"[0-9][0-9,]*(?:\.[0-9]+)?"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("benchmark_run", RUNNER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


run = _load()


def _runner(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    argv = [
        sys.executable,
        str(RUNNER),
        "--repeat",
        "1",
        "--no-install",
        "--results",
        str(tmp_path / "RESULTS.md"),
        "--corpora-dir",
        str(tmp_path / "corpora"),
        *args,
    ]
    return subprocess.run(argv, cwd=REPO, capture_output=True, text=True, timeout=120)


def _row(results: str, section: str, tool: str) -> list[str]:
    """The cells of ``tool``'s row in the table under the heading containing ``section``."""
    part = results.split(section, 1)[1].split("\n### ", 1)[0]
    line = next(line for line in part.splitlines() if line.startswith(f"| {tool} |"))
    return [cell.strip() for cell in line.strip("|").split("|")]


def _budget(results: str, name: str) -> list[str]:
    return _row(results, "## Budgets", name)


# ------------------------------------------------------------------------- end to end


@pytest.fixture(scope="module")
def small_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, str, str]:
    tmp_path = tmp_path_factory.mktemp("bench")
    done = _runner(
        tmp_path, "--sizes", "1,5", "--only", "mail-lint,floor", "--mail-lint", str(MAIL_LINT)
    )
    return done.returncode, (tmp_path / "RESULTS.md").read_text(encoding="utf-8"), done.stderr


def test_small_run_writes_tables_with_real_numbers(small_run: tuple[int, str, str]) -> None:
    code, results, stderr = small_run
    assert code in (0, 1), stderr
    assert "## Errors" not in results
    for section in ("### One project", "### 5 projects, one invocation"):
        for tool in ("mail-lint", "floor"):
            wall, span, cpu, rss, tree, pss, ratio = _row(results, section, tool)[1:]
            assert re.fullmatch(NUMBER, wall) and float(wall.replace(",", "")) > 0, (tool, wall)
            assert re.fullmatch(rf"{NUMBER}\u2013{NUMBER}", span)
            assert re.fullmatch(NUMBER, cpu)
            # A Python process with PyYAML loaded is over 5 MB; the tree is at least its root.
            assert float(rss) > 5 and float(tree) >= float(rss)
            # Its PSS: its private pages and a share of the interpreter's; never above its RSS.
            assert re.fullmatch(NUMBER, pss) and 1 < float(pss) <= float(tree) + 0.5, (tool, pss)
            assert re.fullmatch(rf"{NUMBER}\u00d7", ratio)
        assert _row(results, section, "mail-lint")[-1] == "1.00\u00d7"
    # The floor composes the same files mail-lint reads, and the commands are listed.
    assert "benchmarks/floor.py" in results and "--version" in results


def test_small_run_describes_the_machine(small_run: tuple[int, str, str]) -> None:
    _, results, _ = small_run
    machine = results.split("## Machine", 1)[1].split("## Budgets", 1)[0]
    for key in ("CPU", "cores", "RAM", "OS", "Python", "PyYAML", "mail-lint"):
        assert f"| {key} |" in machine
    assert re.search(r"\| Python \| 3\.\d+\.\d+", machine)
    assert re.search(r"UTC", results.split("\n", 3)[2])


def test_skipped_comparators_are_not_measured_never_pass(small_run: tuple[int, str, str]) -> None:
    _, results, _ = small_run
    for tool in ("yamllint", "compose-lint", "dclint"):
        cells = _row(results, "### One project", tool)
        assert cells[1] == "not measured (not selected by --only)"
    one_project = _budget(results, "one project: mail-lint / yamllint on its compose file")
    assert one_project[-1] == "NOT MEASURED"
    compose_lint = _budget(results, "1,000 projects: mail-lint / compose-lint")
    assert compose_lint[-1] == "NOT MEASURED"
    assert "PASS" not in (one_project[-1], compose_lint[-1])
    memory = _budget(results, "10,000 projects: mail-lint peak memory (PSS, process tree)")
    assert memory[1:] == ["not measured (corpus-10000 not run: see --sizes)", "\u2264 150 MB",
                          "NOT MEASURED"]  # fmt: skip


def test_measured_budget_matches_its_number_and_the_exit_code(
    small_run: tuple[int, str, str],
) -> None:
    code, results, _ = small_run
    _, measured, limit, status = _budget(results, "`mail-lint --version` wall median")
    assert limit == "\u2264 60 ms"
    value = float(re.fullmatch(rf"({NUMBER}) ms", measured).group(1))  # type: ignore[union-attr]
    assert status == ("PASS" if value <= 60 else "FAIL")
    assert code == (0 if status == "PASS" else 1)


def test_a_tool_exiting_2_is_an_error_and_exit_2(tmp_path: Path) -> None:
    broken = tmp_path / "bin" / "mail-lint"
    broken.parent.mkdir()
    broken.write_text("#!/bin/sh\necho 'mail-lint: error: boom' >&2\nexit 2\n")
    broken.chmod(0o755)
    done = _runner(
        tmp_path, "--sizes", "1", "--only", "mail-lint,floor", "--mail-lint", str(broken),
        "--python", sys.executable,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    results = (tmp_path / "RESULTS.md").read_text(encoding="utf-8")
    errors = results.split("## Errors", 1)[1]
    assert "exited 2" in errors and "boom" in errors
    assert _budget(results, "`mail-lint --version` wall median")[-1] == "ERROR"
    assert _row(results, "### One project", "mail-lint")[1].startswith("error:")
    # The floor is still measured; with no mail-lint number there is no ratio to show.
    floor = _row(results, "### One project", "floor")
    assert float(floor[1]) > 0 and floor[-1] == "\u2014"


def test_missing_tool_with_no_install_is_an_error(tmp_path: Path) -> None:
    done = _runner(
        tmp_path, "--sizes", "1", "--only", "yamllint", "--tools-dir", str(tmp_path / "none")
    )
    assert done.returncode == 2
    assert "yamllint" in done.stderr and "missing" in done.stderr
    assert not (tmp_path / "RESULTS.md").exists()


# ------------------------------------------------------------------------- statistics, budgets


def _sample(
    wall: float, cpu: float = 0.1, rss: int = 10, tree: int = 10, pss: object = None
) -> object:
    return run.RunSample(wall, cpu, rss, tree, 0, None, pss)


def test_summary_is_median_range_and_peak_memory() -> None:
    stats = run.summarize(
        [_sample(0.3, rss=5, tree=9), _sample(0.1, rss=7, tree=7), _sample(0.2, cpu=0.5)]
    )
    assert (stats.wall_median, stats.wall_min, stats.wall_max) == (0.2, 0.1, 0.3)
    assert stats.cpu_median == 0.1
    assert (stats.rss_largest, stats.rss_tree) == (10, 10)
    assert run.summarize([_sample(0.4), _sample(0.1)]).wall_median == pytest.approx(0.25)
    assert stats.pss_tree == run.Absence("not measured (no memory run)")


def test_memory_run_adds_pss_and_its_rss_but_no_time() -> None:
    timed = [_sample(0.1, rss=10, tree=12), _sample(0.3, rss=11, tree=13)]
    stats = run.summarize(timed, _sample(9.0, cpu=9.0, rss=14, tree=20, pss=15))
    assert (stats.runs, stats.wall_median, stats.wall_max, stats.cpu_median) == (2, 0.2, 0.3, 0.1)
    assert (stats.rss_largest, stats.rss_tree, stats.pss_tree) == (14, 20, 15)
    unavailable = run.Absence("not measured (no smaps_rollup)")
    assert run.summarize(timed, unavailable).pss_tree == unavailable
    assert run.summarize(timed, unavailable).rss_tree == 13


def _stats(wall: float, tree: int = 0, largest: int = 0, pss: object = 0) -> object:
    return run.ToolStats(5, wall, wall, wall, wall, largest or tree, tree, pss or tree)


def test_ratio_budget_pass_at_the_limit_fail_above() -> None:
    assert run.ratio(1.0, 4.0) == 0.25
    assert run.ratio_budget("b", _stats(0.5), _stats(1.0), 0.5).status == "PASS"
    failing = run.ratio_budget("b", _stats(0.51), _stats(1.0), 0.5)
    assert failing.status == "FAIL"
    assert failing.measured.startswith("0.51\u00d7 (510 ms / 1,000 ms)")


def test_budget_without_a_measurement_is_not_measured_or_error() -> None:
    skipped = run.Absence("not measured (npm missing)")
    broken = run.Absence("error: dclint exited 2", error=True)
    row = run.ratio_budget("b", _stats(1.0), skipped, 1.0)
    assert (row.status, row.measured) == ("NOT MEASURED", "not measured (npm missing)")
    assert run.ratio_budget("b", broken, _stats(1.0), 1.0).status == "ERROR"


def test_budgets_from_scenario_results() -> None:
    def result(key: str, **stats: object) -> object:
        scenario = run.Scenario(key, key, 0, (), {}, (), 1, {}, ())
        return run.ScenarioResult(scenario, stats, {}, ())

    results = {
        "version": result("version", **{"mail-lint": _stats(0.061)}),
        "corpus-1000": result("corpus-1000", **{"mail-lint": _stats(1.0), "floor": _stats(0.4)}),
        "corpus-10000": result("corpus-10000", **{"mail-lint": _stats(10.0, tree=151 * 10**6)}),
    }
    rows = {row.name: row for row in run.evaluate_budgets(results)}
    assert rows["1,000 projects: mail-lint / floor"].status == "PASS"  # 2.5x <= 3x
    assert rows["10,000 projects / 1,000 projects: mail-lint"].status == "PASS"  # 10x
    assert rows["`mail-lint --version` wall median"].status == "FAIL"  # 61 ms
    memory = rows["10,000 projects: mail-lint peak memory (PSS, process tree)"]
    assert (memory.status, memory.limit) == ("FAIL", "\u2264 150 MB")
    assert memory.measured.startswith("151.0 MB PSS tree")
    assert rows["1,000 projects: mail-lint / compose-lint"].status == "NOT MEASURED"
    assert run.exit_code([], rows.values()) == 1
    assert run.exit_code(["boom"], []) == 2


MEMORY_BUDGET = "10,000 projects: mail-lint peak memory (PSS, process tree)"


def _memory_row(stats: object) -> object:
    scenario = run.Scenario("corpus-10000", "", 10_000, (), {}, (), 1, {}, ())
    result = run.ScenarioResult(scenario, {"mail-lint": stats}, {}, ())
    return next(
        r for r in run.evaluate_budgets({"corpus-10000": result}) if r.name == MEMORY_BUDGET
    )


def test_memory_budget_is_the_pss_tree_and_shows_the_rss_figures() -> None:
    # Workers sharing the parent's pages: the RSS tree is over the limit, the PSS tree is not.
    shared = _stats(10.0, tree=240 * 10**6, largest=90 * 10**6, pss=140 * 10**6)
    row = _memory_row(shared)
    assert row.status == "PASS"
    assert row.measured == "140.0 MB PSS tree (RSS tree 240.0 MB, largest process 90.0 MB)"
    over = _memory_row(_stats(10.0, tree=240 * 10**6, largest=90 * 10**6, pss=150_000_001))
    assert over.status == "FAIL" and over.measured.startswith("150.0 MB PSS tree (RSS tree 240.0")
    # No PSS: not measured (or an error), never PASS, and the RSS figures still shown.
    missing = run.Absence("not measured (/proc/self/smaps_rollup unreadable: No such file)")
    row = _memory_row(_stats(10.0, tree=100 * 10**6, largest=90 * 10**6, pss=missing))
    assert row.status == "NOT MEASURED"
    assert row.measured == (
        "not measured (/proc/self/smaps_rollup unreadable: No such file); "
        "RSS tree 100.0 MB, largest process 90.0 MB"
    )
    failed = run.Absence("error: its memory run failed (see Errors)", error=True)
    assert _memory_row(_stats(10.0, tree=100 * 10**6, pss=failed)).status == "ERROR"


# ------------------------------------------------------------------------- sanity of one run


def _command(tool: str, code: str, **extra: object) -> object:
    return run.Command(tool, (sys.executable, "-c", code), "shown", run.RAN_FINE[tool], **extra)


def test_exit_code_outside_ran_fine_is_a_problem() -> None:
    sample = run.run_once(_command("compose-lint", "import sys; sys.exit(2)"), 60, 0.002)
    assert sample.exit_code == 2
    assert "compose-lint exited 2 (ran fine: 0, 1)" in (sample.problem or "")
    assert (
        run.run_once(_command("compose-lint", "import sys; sys.exit(1)"), 60, 0.002).problem is None
    )


def test_dclint_crash_and_a_floor_that_skipped_files_are_problems() -> None:
    crash = _command("dclint", "import sys; print('Error: x', file=sys.stderr); sys.exit(1)",
                     quiet_stderr=True)  # fmt: skip
    assert "crash on stderr" in (run.run_once(crash, 60, 0.002).problem or "")
    short = _command("floor", "print('composed 3 YAML files')",
                     expect_stdout="composed 4 YAML files")  # fmt: skip
    assert "did not print 'composed 4 YAML files'" in (run.run_once(short, 60, 0.002).problem or "")


def test_memory_of_the_whole_process_tree_is_sampled() -> None:
    child = "import time; b = bytearray(60_000_000); time.sleep(0.4)"
    code = textwrap.dedent(f"""
        import subprocess, sys
        kids = [subprocess.Popen([sys.executable, "-c", {child!r}]) for _ in range(2)]
        sys.exit(max(kid.wait() for kid in kids))
    """)
    sample = run.run_once(_command("mail-lint", code), 60, 0.002)
    assert sample.problem is None
    assert 60e6 < sample.rss_largest < 100e6  # one child
    assert sample.rss_tree > 120e6  # both children at once, and the parent
    assert sample.cpu > 0 and sample.wall >= 0.4


def test_memory_is_the_tools_own_not_the_runners() -> None:
    # wait4's ru_maxrss would report the runner's size: the child is a copy of it until exec.
    ballast = bytearray(300_000_000)
    ballast[::4096] = b"x" * len(ballast[::4096])  # make every page resident
    sample = run.run_once(_command("python", "pass"), 60, 0.002)
    assert sample.problem is None
    assert 1e6 < sample.rss_largest < 100e6 and sample.rss_tree < 100e6
    del ballast


FORKED_TREE = textwrap.dedent("""
    import os, time
    shared = bytearray(40_000_000)  # resident before the fork: shared copy-on-write
    shared[::4096] = b"s" * len(shared[::4096])
    pid = os.fork()
    if pid == 0:
        own = bytearray(50_000_000)  # the child's private memory
        own[::4096] = b"o" * len(own[::4096])
        time.sleep(0.6)
        os._exit(0)
    os.waitpid(pid, 0)
""")


def test_pss_of_a_forked_tree_counts_shared_pages_once() -> None:
    sample = run.run_once(_command("mail-lint", FORKED_TREE), 60, 0.002, pss=True)
    assert sample.problem is None
    pss, rss_tree = sample.pss_tree, sample.rss_tree
    assert isinstance(pss, int), pss
    # The child's own 50 MB and the 40 MB shared with its parent, once.
    assert 90e6 <= pss < 140e6, pss
    # The RSS tree counts the 40 MB in both processes (and the interpreter twice).
    assert rss_tree > 130e6 and rss_tree - pss > 35e6, (rss_tree, pss)
    assert 90e6 < sample.rss_largest < rss_tree  # the child alone


def test_timed_runs_never_read_smaps_rollup(monkeypatch: pytest.MonkeyPatch) -> None:
    reads: list[int] = []
    monkeypatch.setattr(run, "read_pss", lambda pid: reads.append(pid) or 0)
    sample = run.run_once(_command("mail-lint", "import time; time.sleep(0.1)"), 60, 0.002)
    assert sample.problem is None and sample.pss_tree is None and reads == []
    sample = run.run_once(_command("mail-lint", "import time; time.sleep(0.1)"), 60, 0.002, True)
    assert reads and sample.pss_tree == run.Absence("not measured (no sample while it ran)")


def test_smaps_rollup_of_an_exited_or_unreadable_process(monkeypatch: pytest.MonkeyPatch) -> None:
    assert run.read_pss(os.getpid()) > 1_000_000  # this interpreter
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    assert run.read_pss(gone.pid) == 0  # exited after it was listed: skipped, no crash
    assert run.tree_pss([gone.pid]) == 0 and run.tree_pss([os.getpid(), gone.pid]) > 1e6

    def denied(path: str, flags: int) -> int:
        raise PermissionError(13, "Permission denied", path)

    monkeypatch.setattr(run.os, "open", denied)
    assert run.read_pss(os.getpid()) is None
    assert run.tree_pss([os.getpid()]) is None


def test_an_unreadable_tree_member_makes_pss_not_measured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(run, "read_pss", lambda pid: None)
    sample = run.run_once(_command("mail-lint", "import time; time.sleep(0.1)"), 60, 0.002, True)
    assert sample.problem is None and sample.rss_tree > 1e6  # RSS still measured
    assert isinstance(sample.pss_tree, run.Absence) and not sample.pss_tree.error
    assert sample.pss_tree.reason.startswith("not measured (the smaps_rollup of a process")
    assert run.fmt_pss(sample.pss_tree) == sample.pss_tree.reason  # a reason, not a number


def _scenario(repeat: int) -> object:
    commands = (_command("mail-lint", "pass"), _command("python", "pass"))
    return run.Scenario("project", "One project", 1, commands, {}, (), repeat, {}, ())


def test_pss_comes_from_one_extra_run_after_the_timed_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[tuple[str, bool]] = []
    real = run.run_once

    def spy(cmd: object, timeout: float, interval: float, pss: bool = False) -> object:
        calls.append((cmd.tool, pss))  # type: ignore[attr-defined]
        return real(cmd, timeout, interval, pss)

    monkeypatch.setattr(run, "run_once", spy)
    result = run.measure(_scenario(2), run.parse_options(["--repeat", "2"]), {})
    # A warm-up and two timed rounds, none reading smaps_rollup; then one memory run each.
    assert [pss for _, pss in calls] == [False] * 6 + [True] * 2
    assert sorted(tool for tool, pss in calls if pss) == ["mail-lint", "python"]
    assert result.errors == ()
    for tool in ("mail-lint", "python"):
        stats = result.stats[tool]
        assert stats.runs == 2 and isinstance(stats.pss_tree, int)
        assert 1e6 < stats.pss_tree <= stats.rss_tree + 500_000


def test_every_run_starts_with_its_input_read_into_the_page_cache(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "p1").mkdir()
    (tmp_path / "p1" / "compose.yaml").write_text("services: {}\n")
    (tmp_path / "p1" / ".env").write_text("A=1\n")
    assert run.warm_page_cache([tmp_path]) == len("services: {}\n") + len("A=1\n")
    events: list[str] = []
    real_warm, real_run = run.warm_page_cache, run.run_once

    def warm(folders: object) -> int:
        events.append("warm")
        return real_warm(folders)  # type: ignore[arg-type]

    def once(cmd: object, timeout: float, interval: float, pss: bool = False) -> object:
        events.append("run")
        return real_run(cmd, timeout, interval, pss)  # type: ignore[arg-type]

    monkeypatch.setattr(run, "warm_page_cache", warm)
    monkeypatch.setattr(run, "run_once", once)
    commands = (_command("mail-lint", "pass"), _command("python", "pass"))
    scenario = run.Scenario("project", "p", 1, commands, {}, (), 1, {}, (), (tmp_path,))
    run.measure(scenario, run.parse_options(["--repeat", "1"]), {})
    # Warm-up, one timed round and the memory runs: 6 runs, each right after a warming read.
    assert events == ["warm", "run"] * 6


def test_without_smaps_rollup_pss_is_not_measured(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    reason = run.pss_unavailable(str(tmp_path / "smaps_rollup"))
    assert reason is not None and "No such file" in reason
    (tmp_path / "smaps_rollup").write_text("Rss: 10 kB\n")
    assert "no Pss: line" in (run.pss_unavailable(str(tmp_path / "smaps_rollup")) or "")
    assert run.pss_unavailable() is None  # this machine has it
    monkeypatch.setattr(run, "pss_unavailable", lambda: reason)
    result = run.measure(_scenario(1), run.parse_options(["--repeat", "1"]), {})
    stats = result.stats["mail-lint"]
    assert stats.pss_tree == run.Absence(f"not measured ({reason})") and stats.rss_tree > 1e6
    cells = next(row for row in run.scenario_rows(result) if row[0] == "mail-lint")
    assert cells[run.HEADER.index("peak PSS tree (MB)")] == f"not measured ({reason})"


def test_timeout_kills_the_run() -> None:
    sample = run.run_once(_command("yamllint", "import time; time.sleep(30)"), 0.3, 0.002)
    assert "killed after" in (sample.problem or "") and sample.wall < 10


# ------------------------------------------------------------------------- inputs and the floor


def _project(tmp_path: Path, *names: str) -> object:
    folder = tmp_path / "p00001-docmost"
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).write_text("services: {}\n")
    return run.Project(folder, "docmost", tuple(folder / n for n in names), True)


def test_compose_lint_gets_base_files_and_merges_the_override_itself(tmp_path: Path) -> None:
    standard = _project(tmp_path / "a", "compose.yaml", "compose.override.yaml")
    assert run.compose_lint_inputs(standard) == (standard.compose_files[0],)
    other = _project(tmp_path / "b", "docker-compose.yml", "prod.yml")
    assert run.compose_lint_inputs(other) == other.compose_files


def test_many_files_are_shown_as_exact_globs(tmp_path: Path) -> None:
    files = [_project(tmp_path / d, n).compose_files[0] for d, n in (("a", "compose.yml"),)]
    args = run.file_args(files, tmp_path / "a")
    assert args.display.endswith("/*/compose.yml") and args.files == tuple(files)
    # A stray file the glob would also match: the files are listed another way.
    (tmp_path / "a" / "stray").mkdir()
    (tmp_path / "a" / "stray" / "compose.yml").write_text("{}\n")
    fallback = run.file_args(files, tmp_path / "a")
    assert fallback.display.startswith("$(python3 -c ") and fallback.files == tuple(files)


def test_floor_composes_every_compose_file_of_the_manifest(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    (corpus / "p1").mkdir(parents=True)
    (corpus / "p1" / "compose.yml").write_text("services:\n  a: {image: x}\n")
    (corpus / "p1" / "compose.override.yml").write_text("services: {}\n")
    items = [{"dir": "p1", "app": "x", "compose_files": ["compose.yml", "compose.override.yml"]}]
    (corpus / "MANIFEST.json").write_text(json.dumps({"items": items}))
    done = subprocess.run([sys.executable, str(FLOOR), str(corpus)], capture_output=True, text=True)
    assert (done.returncode, done.stdout) == (0, "composed 2 YAML files\n")
    (corpus / "p1" / "compose.override.yml").write_text("services: [\n")
    broken = subprocess.run([sys.executable, str(FLOOR), str(corpus)], capture_output=True)
    assert broken.returncode != 0 and b"composed" not in broken.stdout


def test_a_tool_too_slow_for_one_corpus_is_predicted_for_the_next() -> None:
    def result(size: int, **stats: object) -> object:
        scenario = run.Scenario(f"corpus-{size}", "c", size, (), {}, (), 1, {}, ())
        return run.ScenarioResult(scenario, stats, {}, ())

    measured: dict[str, tuple[int, float]] = {}
    run.remember_walls(measured, result(1, **{"dclint": _stats(0.4)}))
    assert measured == {}  # one project times one compose file: it predicts no corpus
    run.remember_walls(measured, result(100, **{"dclint": _stats(13.0), "floor": _stats(0.1)}))
    # dclint was too slow for the 1,000-project corpus: not in that result's stats.
    run.remember_walls(measured, result(1000, **{"floor": _stats(0.4)}))
    guess = run.predictions(measured, 10_000)
    assert guess == {"dclint": 1300.0, "floor": 4.0}
    too_slow = run._too_slow(run._cmd("dclint", ["dclint"]), guess, 60.0)
    assert too_slow is not None and "predicted 1,300 s per run" in too_slow.reason
