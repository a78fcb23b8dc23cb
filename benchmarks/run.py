#!/usr/bin/env python3
"""Measure mail-lint against yamllint, compose-lint and dclint on the same files (issue 11).

    python benchmarks/run.py

installs the comparators (pinned) and mail-lint itself (a regular install of this checkout)
into benchmarks/.tools/, generates the corpora into benchmarks/.corpora/, times every
scenario in one run and writes benchmarks/RESULTS.md. Exit code: 0 every measured budget
passes, 1 a budget fails, 2 an error (a tool failed, a sanity check failed, set-up failed).
See benchmarks/README.md for what is measured and how.
"""

from __future__ import annotations

import argparse
import datetime
import errno
import hashlib
import json
import os
import platform
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import IO, NamedTuple

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "benchmarks"

YAMLLINT_PIN = "1.38.0"
COMPOSE_LINT_PIN = "0.36.2"
DCLINT_PIN = "3.1.0"

MAIL_LINT = "mail-lint"
YAMLLINT = "yamllint"
COMPOSE_LINT = "compose-lint"
DCLINT = "dclint"
FLOOR = "floor"
PYTHON = "python"
TOOLS = (MAIL_LINT, FLOOR, YAMLLINT, COMPOSE_LINT, DCLINT, PYTHON)
# mail-lint and the floor carry the budgets: they are never dropped for being slow.
BUDGET_TOOLS = frozenset({MAIL_LINT, FLOOR})

# The exit codes with which each tool "ran fine" (0 clean, 1 findings); anything else is an
# error. dclint also exits 1 when it crashes (a stack trace on stderr): see Command.quiet_stderr.
RAN_FINE: Mapping[str, frozenset[int]] = MappingProxyType(
    {
        MAIL_LINT: frozenset({0, 1}),
        YAMLLINT: frozenset({0, 1}),
        COMPOSE_LINT: frozenset({0, 1}),
        DCLINT: frozenset({0, 1}),
        FLOOR: frozenset({0}),
        PYTHON: frozenset({0}),
    }
)

LARGE = 10_000
MB = 1_000_000
TIMES = "\u00d7"  # the multiplication sign of "0.50x"
DASH = "\u2013"  # the en dash of "min-max"
VERSION_LIMIT_S = 0.060
MEMORY_LIMIT_BYTES = 150 * MB
ONE_PROJECT_LIMIT = 1.0
COMPOSE_LINT_LIMIT = 0.5
FLOOR_LIMIT = 3.0
LINEAR_LIMIT = 11.0
BASE_NAMES = frozenset({"compose.yml", "compose.yaml", "docker-compose.yml", "docker-compose.yaml"})
OVERRIDE_NAMES = frozenset(
    {
        "compose.override.yml",
        "compose.override.yaml",
        "docker-compose.override.yml",
        "docker-compose.override.yaml",
    }
)
DCLINT_PATTERN = re.compile(r"^(?:docker-)?compose.*\.ya?ml$")
DCLINT_EXCLUDES = ("node_modules", ".git", ".idea", ".tsimp")


class BenchError(Exception):
    """Set-up failed: nothing was measured."""


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ----------------------------------------------------------------------------- options


@dataclass(frozen=True)
class Options:
    sizes: tuple[int, ...]
    repeat: int
    repeat_large: int
    only: frozenset[str]
    results: Path
    install: bool
    mail_lint: Path | None
    python: Path | None
    seed: int
    tools_dir: Path
    corpora_dir: Path
    generator: Path
    time_limit: float
    timeout: float
    interval: float
    argv: tuple[str, ...]


def _sizes(text: str) -> tuple[int, ...]:
    try:
        sizes = tuple(sorted({int(part) for part in text.split(",") if part.strip()}))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a list of numbers: {text!r}") from exc
    if not sizes or sizes[0] < 1:
        raise argparse.ArgumentTypeError("sizes are numbers of projects, at least 1")
    return sizes


def _tools(text: str) -> frozenset[str]:
    names = frozenset(part.strip() for part in text.split(",") if part.strip())
    unknown = names - set(TOOLS)
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown tool(s) {', '.join(sorted(unknown))} (known: {', '.join(TOOLS)})"
        )
    return names


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="benchmarks/run.py",
        description="Benchmark mail-lint against yamllint, compose-lint, dclint and the "
        "PyYAML parse floor; writes benchmarks/RESULTS.md.",
    )
    add = parser.add_argument
    add(
        "--sizes",
        type=_sizes,
        default=(1, 100, 1000, 10000),
        help="corpus sizes in projects (default 1,100,1000,10000; 1 is the one-project scenario)",
    )
    add(
        "--repeat",
        type=_positive,
        default=5,
        help="measured runs per tool and scenario, after one warm-up (default 5)",
    )
    add(
        "--repeat-large",
        type=_positive,
        default=None,
        help=f"measured runs for sizes >= {LARGE:,} (default: --repeat)",
    )
    add(
        "--only",
        type=_tools,
        default=frozenset(TOOLS),
        help=f"tools to measure, comma-separated (default all: {','.join(TOOLS)})",
    )
    add(
        "--results",
        type=Path,
        default=BENCH / "RESULTS.md",
        help="where to write the results (default benchmarks/RESULTS.md)",
    )
    add(
        "--no-install",
        dest="install",
        action="store_false",
        help="use what is in the tools folder; error if a selected tool is missing",
    )
    add(
        "--mail-lint",
        type=Path,
        default=None,
        help="measure this mail-lint executable instead of installing the checkout",
    )
    add(
        "--python",
        type=Path,
        default=None,
        help="interpreter for the floor and `python -c pass` (default: the one beside the "
        "mail-lint executable)",
    )
    add("--seed", type=int, default=1, help="corpus seed (default 1)")
    add("--tools-dir", type=Path, default=BENCH / ".tools")
    add("--corpora-dir", type=Path, default=BENCH / ".corpora")
    add("--generator", type=Path, default=BENCH / "generate.py")
    add(
        "--time-limit",
        type=float,
        default=300.0,
        help="a comparator whose warm-up run (or predicted time from the smaller corpus) "
        "exceeds this many seconds is reported as not measured at that size (default 300)",
    )
    add(
        "--timeout",
        type=float,
        default=3600.0,
        help="kill any single run after this many seconds (default 3600)",
    )
    add(
        "--interval",
        type=float,
        default=0.002,
        help="memory sampling interval in seconds (default 0.002)",
    )
    return parser  # fmt: skip


def parse_options(argv: Sequence[str]) -> Options:
    args = _parser().parse_args(argv)
    return Options(
        sizes=args.sizes,
        repeat=args.repeat,
        repeat_large=args.repeat_large or args.repeat,
        only=args.only,
        results=args.results.resolve(),
        install=args.install,
        mail_lint=args.mail_lint.absolute() if args.mail_lint else None,
        python=args.python.absolute() if args.python else None,
        seed=args.seed,
        tools_dir=args.tools_dir.resolve(),
        corpora_dir=args.corpora_dir.resolve(),
        generator=args.generator.resolve(),
        time_limit=args.time_limit,
        timeout=args.timeout,
        interval=args.interval,
        argv=tuple(argv),
    )


def shown(path: Path | str) -> str:
    """A path as it is typed from the repository root: relative inside it, else absolute."""
    path = Path(path)
    try:
        return str(path.relative_to(REPO))
    except ValueError:
        return str(path)


# ----------------------------------------------------------------------------- tools


class Absence(NamedTuple):
    """Why a tool has no measurement; ``error`` when that is a failure, not a choice."""

    reason: str
    error: bool = False


@dataclass(frozen=True)
class Toolbox:
    executables: Mapping[str, Path]  # mail-lint, python, yamllint, compose-lint, dclint
    absent: Mapping[str, Absence]

    def has(self, tool: str) -> bool:
        needed = PYTHON if tool in (FLOOR, PYTHON) else tool
        return needed in self.executables and tool not in self.absent


def _run(argv: Sequence[str | Path], **kwargs: object) -> subprocess.CompletedProcess[str]:
    words = [str(word) for word in argv]
    return subprocess.run(words, text=True, check=False, **kwargs)  # type: ignore[call-overload, no-any-return]


def _checked(argv: Sequence[str | Path], what: str) -> None:
    log(f"  $ {shlex.join(shown(a) if isinstance(a, Path) else a for a in argv)}")
    if _run(argv, cwd=REPO, stdout=sys.stderr).returncode != 0:
        raise BenchError(f"{what} failed: {shlex.join(str(a) for a in argv)}")


def _dist_version(python: Path, dist: str) -> str | None:
    # -I: the repository's own mail_lint.egg-info must not count as installed.
    code = f"import importlib.metadata as m; print(m.version({dist!r}))"
    done = _run([python, "-I", "-c", code], capture_output=True)
    return done.stdout.strip() if done.returncode == 0 else None


def _ensure_venv(path: Path) -> Path:
    python = path / "bin" / "python"
    if not python.exists():
        _checked([sys.executable, "-m", "venv", path], f"creating the venv {shown(path)}")
    return python


def install_comparators(tools_dir: Path) -> None:
    """yamllint and compose-lint (PyPI), pinned, in benchmarks/.tools/venv."""
    venv = tools_dir / "venv"
    pins = {"yamllint": YAMLLINT_PIN, "compose-lint": COMPOSE_LINT_PIN}
    python = venv / "bin" / "python"
    if python.exists() and all(_dist_version(python, d) == v for d, v in pins.items()):
        log(f"yamllint {YAMLLINT_PIN}, compose-lint {COMPOSE_LINT_PIN}: already in {shown(venv)}")
        return
    log(f"installing yamllint=={YAMLLINT_PIN} compose-lint=={COMPOSE_LINT_PIN} into {shown(venv)}")
    python = _ensure_venv(venv)
    specs = [f"{dist}=={version}" for dist, version in pins.items()]
    _checked([python, "-I", "-m", "pip", "install", "-q", *specs], "pip install of the comparators")


def _dclint_version(node_dir: Path) -> str | None:
    package = node_dir / "node_modules" / "dclint" / "package.json"
    try:
        return str(json.loads(package.read_text(encoding="utf-8"))["version"])
    except (OSError, ValueError, KeyError):
        return None


def install_dclint(tools_dir: Path) -> Absence | None:
    """dclint (npm), pinned, in benchmarks/.tools/node; why not, when npm is missing."""
    node_dir = tools_dir / "node"
    if _dclint_version(node_dir) == DCLINT_PIN:
        log(f"dclint {DCLINT_PIN}: already in {shown(node_dir)}")
        return None
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        log("dclint: not measured (npm missing)")
        return Absence("not measured (npm missing)")
    log(f"installing dclint@{DCLINT_PIN} into {shown(node_dir)}")
    node_dir.mkdir(parents=True, exist_ok=True)
    _checked(
        [npm, "install", "--prefix", node_dir, "--no-audit", "--no-fund", f"dclint@{DCLINT_PIN}"],
        "npm install of dclint",
    )
    return None


def install_mail_lint(tools_dir: Path) -> None:
    """A regular (non-editable) install of this checkout, in benchmarks/.tools/mail-lint.

    Dependencies are installed once; the package itself is reinstalled every run so that the
    current checkout is what is measured.
    """
    venv = tools_dir / "mail-lint"
    python = _ensure_venv(venv)
    pip: list[str | Path] = [python, "-I", "-m", "pip", "install", "-q"]
    if _dist_version(python, "mail-lint") is None:
        log(f"installing mail-lint (this checkout, not editable) into {shown(venv)}")
        _checked([*pip, REPO], "pip install of mail-lint")
        return
    log(f"reinstalling mail-lint from this checkout (not editable) into {shown(venv)}")
    _checked([*pip, "--force-reinstall", "--no-deps", REPO], "pip install of mail-lint")
    if _run([python, "-I", "-m", "pip", "check"], capture_output=True).returncode != 0:
        log("  its dependencies changed: installing them")
        _checked([*pip, REPO], "pip install of mail-lint")


def _wanted(opts: Options, *tools: str) -> bool:
    return any(tool in opts.only for tool in tools)


def _install(opts: Options) -> dict[str, Absence]:
    """Install what the selected tools need; the tools that cannot be had, and why."""
    absent: dict[str, Absence] = {}
    if _wanted(opts, YAMLLINT, COMPOSE_LINT):
        install_comparators(opts.tools_dir)
    if _wanted(opts, DCLINT):
        missing = install_dclint(opts.tools_dir)
        if missing is not None:
            absent[DCLINT] = missing
    if opts.mail_lint is None and _wanted(opts, MAIL_LINT, FLOOR, PYTHON):
        install_mail_lint(opts.tools_dir)
    return absent


def prepare_tools(opts: Options) -> Toolbox:
    """Install (unless --no-install) and locate every selected tool."""
    absent: dict[str, Absence] = {
        tool: Absence("not measured (not selected by --only)")
        for tool in TOOLS
        if tool not in opts.only
    }
    if opts.install:
        absent.update(_install(opts))
    mail_lint = opts.mail_lint or opts.tools_dir / "mail-lint" / "bin" / "mail-lint"
    candidates = {
        MAIL_LINT: mail_lint,
        PYTHON: opts.python or mail_lint.parent / "python",
        YAMLLINT: opts.tools_dir / "venv" / "bin" / "yamllint",
        COMPOSE_LINT: opts.tools_dir / "venv" / "bin" / "compose-lint",
        DCLINT: opts.tools_dir / "node" / "node_modules" / ".bin" / "dclint",
    }
    # The interpreter runs the floor and `python -c pass`, and describes mail-lint's venv.
    needs = {PYTHON: (FLOOR, PYTHON, MAIL_LINT)}
    executables: dict[str, Path] = {}
    for tool, path in candidates.items():
        users = needs.get(tool, (tool,))
        if not any(user in opts.only and user not in absent for user in users):
            continue
        if not os.access(path, os.X_OK):
            hint = "" if opts.install else " (run without --no-install to install it)"
            raise BenchError(f"{tool}: {shown(path)} is missing{hint}")
        executables[tool] = path
    return Toolbox(MappingProxyType(executables), MappingProxyType(absent))


# ----------------------------------------------------------------------------- corpora


class Project(NamedTuple):
    dir: Path
    app: str
    compose_files: tuple[Path, ...]
    broken: bool  # the manifest expects findings ("expect" not empty)


@dataclass(frozen=True)
class Corpus:
    root: Path
    size: int
    seed: int
    generator_version: str
    projects: tuple[Project, ...]

    @property
    def compose_files(self) -> tuple[Path, ...]:
        return tuple(path for project in self.projects for path in project.compose_files)

    @property
    def broken(self) -> int:
        return sum(project.broken for project in self.projects)


def _compose_path(root: Path, folder: str, name: str) -> Path:
    """As floor.manifest_compose_files: relative to the corpus, or else to the project."""
    folder = folder.rstrip("/")
    if name == folder or name.startswith(folder + "/"):
        return root / name
    return root / folder / name


def load_corpus(root: Path) -> Corpus:
    manifest = json.loads((root / "MANIFEST.json").read_text(encoding="utf-8"))
    projects = tuple(
        Project(
            dir=root / item["dir"],
            app=str(item["app"]),
            compose_files=tuple(_compose_path(root, item["dir"], f) for f in item["compose_files"]),
            broken=bool(item.get("expect")),
        )
        for item in manifest["items"]
    )
    corpus = Corpus(
        root=root,
        size=int(manifest["projects"]),
        seed=int(manifest["seed"]),
        generator_version=str(manifest.get("generator_version", "?")),
        projects=projects,
    )
    missing = [path for path in corpus.compose_files if not path.is_file()]
    if len(projects) != corpus.size or missing:
        raise BenchError(
            f"{shown(root)}/MANIFEST.json: {len(projects)} items for {corpus.size} projects, "
            f"{len(missing)} compose files missing (first: {missing[:1]})"
        )
    return corpus


def _fingerprint(generator: Path) -> str:
    return hashlib.sha256(generator.read_bytes()).hexdigest()


def _reusable(root: Path, stamp: Path, size: int, seed: int, fingerprint: str) -> bool:
    try:
        manifest = json.loads((root / "MANIFEST.json").read_text(encoding="utf-8"))
        recorded = stamp.read_text(encoding="utf-8").strip()
    except (OSError, ValueError):
        return False
    same = manifest.get("projects") == size and manifest.get("seed") == seed
    return same and recorded == fingerprint


def ensure_corpus(opts: Options, size: int) -> Corpus:
    """benchmarks/.corpora/N-seedS, generated unless an identical one is there.

    Identical: its MANIFEST has this size and seed, and it was made by a generate.py with
    the same content (its SHA-256 is kept beside the corpus, in N-seedS.generator).
    """
    if not opts.generator.is_file():
        raise BenchError(f"the corpus generator {shown(opts.generator)} does not exist")
    root = opts.corpora_dir / f"{size}-seed{opts.seed}"
    stamp = opts.corpora_dir / f"{size}-seed{opts.seed}.generator"
    fingerprint = _fingerprint(opts.generator)
    if _reusable(root, stamp, size, opts.seed, fingerprint):
        log(f"corpus {shown(root)}: reused")
        return load_corpus(root)
    partial = root.with_name(root.name + ".partial")
    for stale in (root, partial):
        shutil.rmtree(stale, ignore_errors=True)
    stamp.unlink(missing_ok=True)
    opts.corpora_dir.mkdir(parents=True, exist_ok=True)
    log(f"corpus {shown(root)}: generating {size} projects")
    argv: list[str | Path] = [sys.executable, opts.generator, partial, "--projects", str(size)]
    _checked([*argv, "--seed", str(opts.seed)], "the corpus generator")
    partial.rename(root)
    stamp.write_text(fingerprint + "\n", encoding="utf-8")
    return load_corpus(root)


# ----------------------------------------------------------------------------- one run


class RunSample(NamedTuple):
    wall: float  # seconds, spawn to reaped
    cpu: float  # seconds, user + system, the process and its reaped descendants
    rss_largest: int  # bytes, the largest VmHWM of one process of the tree
    rss_tree: int  # bytes, the largest sampled sum of RSS over the process tree
    exit_code: int
    problem: str | None  # why this run does not count
    # bytes, the largest sampled sum of PSS over the process tree, or why there is none;
    # None: not sampled (the timed runs never read smaps_rollup)
    pss_tree: int | Absence | None = None


def _read(path: str) -> bytes:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return b""
    try:
        return os.read(fd, 4096)
    except OSError:
        return b""
    finally:
        os.close(fd)


def _parent(pid: int) -> int:
    fields = _read(f"/proc/{pid}/stat").rpartition(b")")[2].split()
    return int(fields[1]) if len(fields) > 1 else 0


def tree_members(root: int, parents: dict[int, int]) -> list[int]:
    """``root`` and its live descendants; ``parents`` caches each seen pid's parent."""
    live = {int(name) for name in os.listdir("/proc") if name.isdigit()}
    for gone in parents.keys() - live:
        del parents[gone]
    for pid in live - parents.keys():
        parents[pid] = _parent(pid)
    children: dict[int, list[int]] = {}
    for pid, parent in parents.items():
        children.setdefault(parent, []).append(pid)
    members, todo = [], [root]
    while todo:
        pid = todo.pop()
        members.append(pid)
        todo.extend(children.get(pid, ()))
    return members


def last_pid() -> bytes:
    """The most recently created pid on the machine (the last field of /proc/loadavg)."""
    return _read("/proc/loadavg").rpartition(b" ")[2]


STATUS_FIELD = re.compile(rb"^(VmHWM|VmRSS):\s+(\d+) kB", re.MULTILINE)


class Memory(NamedTuple):
    rss: int  # bytes resident now
    hwm: int  # bytes, the most ever resident since the process's last exec (VmHWM)


def memory(pid: int) -> Memory:
    """A process's memory from /proc/<pid>/status (zero once it has exited)."""
    fields = {key: int(kb) * 1024 for key, kb in STATUS_FIELD.findall(_read(f"/proc/{pid}/status"))}
    return Memory(fields.get(b"VmRSS", 0), fields.get(b"VmHWM", 0))


PSS_FIELD = re.compile(rb"^Pss:\s+(\d+) kB", re.MULTILINE)
GONE = frozenset({errno.ENOENT, errno.ESRCH})  # the process exited after it was listed


def read_pss(pid: int) -> int | None:
    """A process's proportional set size in bytes, from /proc/<pid>/smaps_rollup.

    0 once it has exited (ENOENT, or ESRCH while it is a zombie): it occupies nothing any
    more. None when it may not be read (permission, or any other error), so that no number
    is made up for it. Reading it makes the kernel walk the process's page tables: only the
    memory run does (see measure_memory).
    """
    try:
        fd = os.open(f"/proc/{pid}/smaps_rollup", os.O_RDONLY)
        try:
            data = os.read(fd, 4096)
        finally:
            os.close(fd)
    except OSError as exc:
        return 0 if exc.errno in GONE else None
    match = PSS_FIELD.search(data)
    return int(match.group(1)) * 1024 if match else 0


def tree_pss(members: Iterable[int]) -> int | None:
    """The sum of the members' PSS; None when one of them could not be read."""
    total = 0
    for pid in members:
        share = read_pss(pid)
        if share is None:
            return None
        total += share
    return total


def pss_unavailable(probe: str = "/proc/self/smaps_rollup") -> str | None:
    """Why PSS cannot be measured on this machine (Linux < 4.14 has no smaps_rollup), or None."""
    try:
        data = Path(probe).read_bytes()
    except OSError as exc:
        return f"{probe} unreadable: {exc.strerror or exc}"
    return None if PSS_FIELD.search(data) else f"{probe} has no Pss: line"


class TreeSampler:
    """Samples a process tree's memory from /proc, and kills the tree past a timeout.

    ``peak_tree`` is the largest sum of the members' resident sets at one sample;
    ``peak_largest`` the largest high-water mark (VmHWM) of any one member. The kernel's
    ``ru_maxrss`` is not used for the latter: it includes the runner's own pages that the
    child had before its exec. With ``pss``, each sample also sums the members' PSS from
    smaps_rollup (``pss_result``); a sample in which one was unreadable counts as denied.
    The thread is started before the process is spawned, so its start-up is not timed.
    """

    def __init__(self, interval: float, timeout: float, pss: bool = False) -> None:
        self._interval = interval
        self._timeout = timeout
        self._pss = pss
        self._pid = 0
        self._attached = threading.Event()
        self._done = threading.Event()
        self.peak_tree = 0
        self.peak_largest = 0
        self.peak_pss = 0
        self.samples = 0
        self.pss_denied = 0  # samples in which a member's smaps_rollup could not be read
        self.timed_out = False
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def attach(self, pid: int) -> None:
        self._pid = pid
        self._attached.set()

    def finish(self) -> None:
        self._done.set()
        self._attached.set()
        self._thread.join()

    def _loop(self) -> None:
        self._attached.wait()
        started = time.perf_counter()
        parents: dict[int, int] = {}
        newest, members = b"", [self._pid]
        while not self._done.is_set():
            # The tree can only have changed if a process was created since the last look.
            if (created := last_pid()) != newest:
                newest, members = created, tree_members(self._pid, parents)
            self._record(members)
            if time.perf_counter() - started > self._timeout and not self.timed_out:
                self.timed_out = True
                os.killpg(self._pid, signal.SIGKILL)
            self._done.wait(self._interval)

    def _record(self, members: Sequence[int]) -> None:
        sample = [memory(pid) for pid in members]
        self.peak_tree = max(self.peak_tree, sum(m.rss for m in sample))
        self.peak_largest = max(self.peak_largest, *(m.hwm for m in sample))
        self.samples += 1
        if self._pss:
            pss = tree_pss(members)
            if pss is None:
                self.pss_denied += 1
            else:
                self.peak_pss = max(self.peak_pss, pss)

    def pss_result(self) -> int | Absence:
        """The peak PSS of the tree, or why there is none: never a number from partial reads."""
        if self.pss_denied:
            return Absence(
                f"not measured (the smaps_rollup of a process of the tree was unreadable, "
                f"not for its exit: permission denied?, in {self.pss_denied} of "
                f"{self.samples} samples)"
            )
        if not self.peak_pss:
            return Absence("not measured (no sample while it ran)")
        return self.peak_pss


@dataclass(frozen=True)
class Command:
    tool: str
    argv: tuple[str, ...]  # run from the repository root
    display: str  # the command as written in RESULTS.md (copy-pasteable)
    ran_fine: frozenset[int]
    expect_stdout: str | None = None  # text the end of stdout must contain (a file count)
    quiet_stderr: bool = False  # anything on stderr is a crash (dclint)


def _tail(data: bytes, lines: int = 4) -> str:
    text = data.decode("utf-8", "replace").strip().splitlines()
    return " | ".join(text[-lines:])


def judge_run(
    cmd: Command, exit_code: int, stdout: bytes, stderr: bytes, timed_out: bool, timeout: float
) -> str | None:
    """Why a finished run does not count, or None when it ran fine."""
    if timed_out:
        return f"{cmd.tool} was killed after {timeout:.0f} s (--timeout)"
    if exit_code not in cmd.ran_fine:
        allowed = ", ".join(str(code) for code in sorted(cmd.ran_fine))
        what = f"was killed by signal {-exit_code}" if exit_code < 0 else f"exited {exit_code}"
        return f"{cmd.tool} {what} (ran fine: {allowed}); stderr: {_tail(stderr)!r}"
    if cmd.quiet_stderr and stderr.strip():
        return f"{cmd.tool} exited {exit_code} with a crash on stderr: {_tail(stderr)!r}"
    if cmd.expect_stdout is not None and cmd.expect_stdout not in stdout.decode("utf-8", "replace"):
        return f"{cmd.tool} did not print {cmd.expect_stdout!r}; stdout: {_tail(stdout)!r}"
    return None


def _tail_bytes(stream: IO[bytes], size: int = 65536) -> bytes:
    """The last ``size`` bytes of a file (a summary line is at the end of the output)."""
    stream.seek(0, os.SEEK_END)
    stream.seek(max(0, stream.tell() - size))
    return stream.read()


def run_once(cmd: Command, timeout: float, interval: float, pss: bool = False) -> RunSample:
    """Run ``cmd`` once from the repository root, its output to temporary files.

    ``pss``: also sample smaps_rollup (the memory run; never a timed one).
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        sampler = TreeSampler(interval, timeout, pss)
        started = time.perf_counter()
        try:
            proc = subprocess.Popen(
                cmd.argv, cwd=REPO, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                start_new_session=True,
            )  # fmt: skip
        except OSError as exc:
            sampler.finish()
            return RunSample(0.0, 0.0, 0, 0, -1, f"{cmd.tool} could not start: {exc}")
        sampler.attach(proc.pid)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        sampler.finish()
        stdout = _tail_bytes(out) if cmd.expect_stdout is not None else b""
        err.seek(0)
        problem = judge_run(cmd, proc.returncode, stdout, err.read(), sampler.timed_out, timeout)
    return RunSample(
        wall=wall,
        cpu=usage.ru_utime + usage.ru_stime,
        rss_largest=sampler.peak_largest,
        rss_tree=max(sampler.peak_tree, sampler.peak_largest),
        exit_code=proc.returncode,
        problem=problem,
        pss_tree=sampler.pss_result() if pss else None,
    )


# ----------------------------------------------------------------------------- statistics


NO_MEMORY_RUN = Absence("not measured (no memory run)")


class ToolStats(NamedTuple):
    runs: int  # timed runs
    wall_median: float
    wall_min: float
    wall_max: float
    cpu_median: float
    rss_largest: int  # max over the timed runs and the memory run
    rss_tree: int  # max over the timed runs and the memory run
    pss_tree: int | Absence = NO_MEMORY_RUN  # from the memory run, or why there is none


def summarize(
    timed: Sequence[RunSample], memory_run: RunSample | Absence = NO_MEMORY_RUN
) -> ToolStats:
    """Wall and CPU from the timed runs; peak RSS over them and the memory run; its PSS."""
    walls = [sample.wall for sample in timed]
    sampled = [*timed, memory_run] if isinstance(memory_run, RunSample) else list(timed)
    pss = memory_run.pss_tree if isinstance(memory_run, RunSample) else memory_run
    return ToolStats(
        runs=len(timed),
        wall_median=statistics.median(walls),
        wall_min=min(walls),
        wall_max=max(walls),
        cpu_median=statistics.median(sample.cpu for sample in timed),
        rss_largest=max(sample.rss_largest for sample in sampled),
        rss_tree=max(sample.rss_tree for sample in sampled),
        pss_tree=NO_MEMORY_RUN if pss is None else pss,
    )


def ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator > 0 else float("inf")


def rotated(items: Sequence[Command], shift: int) -> list[Command]:
    """Round-robin: each round starts with the next tool, so drift hits all of them."""
    if not items:
        return []
    shift %= len(items)
    return [*items[shift:], *items[:shift]]


# ----------------------------------------------------------------------------- scenarios


@dataclass(frozen=True)
class Scenario:
    key: str  # "version", "project", "corpus-1000"
    title: str
    size: int  # projects (0 for the version scenario)
    commands: tuple[Command, ...]
    absent: Mapping[str, Absence]
    given: tuple[str, ...]  # what each tool was given, for RESULTS.md
    repeat: int
    preflight_errors: Mapping[str, str]  # tool -> why its sanity check failed
    notes: tuple[str, ...]  # what the sanity checks saw
    #: Folders whose files are read, untimed, before every run (see warm_page_cache).
    inputs: tuple[Path, ...] = ()


@dataclass(frozen=True)
class ScenarioResult:
    scenario: Scenario
    stats: Mapping[str, ToolStats]
    absent: Mapping[str, Absence]
    errors: tuple[str, ...]


def _cmd(
    tool: str,
    argv: Sequence[str | Path],
    display: str | None = None,
    expect_stdout: str | None = None,
    quiet_stderr: bool = False,
) -> Command:
    words = tuple(shown(a) if isinstance(a, Path) else a for a in argv)
    return Command(
        tool, words, display or shlex.join(words), RAN_FINE[tool], expect_stdout, quiet_stderr
    )


def _floor_cmd(tb: Toolbox, args: Sequence[Path], expected: int) -> Command:
    argv = [tb.executables[PYTHON], BENCH / "floor.py", *args]
    return _cmd(FLOOR, argv, expect_stdout=f"composed {expected} YAML files")


def _absent_for(tb: Toolbox, tools: Iterable[str]) -> dict[str, Absence]:
    return {tool: tb.absent[tool] for tool in tools if tool in tb.absent}


def version_scenario(tb: Toolbox, opts: Options) -> Scenario:
    commands = []
    if tb.has(MAIL_LINT):
        commands.append(_cmd(MAIL_LINT, [tb.executables[MAIL_LINT], "--version"]))
    if tb.has(PYTHON):
        commands.append(_cmd(PYTHON, [tb.executables[PYTHON], "-c", "pass"]))
    return Scenario(
        key="version",
        title="`mail-lint --version` (start-up)",
        size=0,
        commands=tuple(commands),
        absent=MappingProxyType(_absent_for(tb, (MAIL_LINT, PYTHON))),
        given=(
            "mail-lint: `--version`",
            "python: `-c pass` with the same interpreter (the start-up no Python tool can beat)",
        ),
        repeat=opts.repeat,
        preflight_errors=MappingProxyType({}),
        notes=(),
    )


def compose_lint_inputs(project: Project) -> tuple[Path, ...]:
    """What compose-lint is given: the base file, not an override it merges by itself.

    compose-lint merges the (docker-)compose.override.y*ml beside a base file it is given
    (and reads that folder's .env and env_file targets); any other compose file is given too.
    """
    base = project.compose_files[0]
    merged_by_itself = {
        path
        for path in project.compose_files[1:]
        if base.name in BASE_NAMES and path.parent == base.parent and path.name in OVERRIDE_NAMES
    }
    return tuple(path for path in project.compose_files if path not in merged_by_itself)


class FileArgs(NamedTuple):
    files: tuple[Path, ...]  # in the order they are passed
    display: str  # shell words that expand to exactly these files, in this order


def file_args(files: Sequence[Path], root: Path) -> FileArgs:
    """Many files as ``root/*/NAME`` globs, one per file name, when that is exact.

    The files are then passed in the globs' order, so the command in RESULTS.md is exactly
    what ran. Otherwise (a glob would match more) they are passed in the manifest's order and
    shown as a python one-liner that prints them.
    """
    names = list(dict.fromkeys(path.name for path in files))
    expanded = [sorted(root.glob(f"*/{name}")) for name in names]
    ordered = tuple(path for group in expanded for path in group)
    if sorted(ordered) == sorted(files) and len(set(ordered)) == len(ordered):
        words = [f"{shlex.quote(shown(root))}/*/{shlex.quote(name)}" for name in names]
        return FileArgs(ordered, " ".join(words))
    snippet = (
        "import sys; sys.path.insert(0, 'benchmarks'); import run; "
        f"print(*run.compose_lint_files({shown(root)!r}), sep=chr(10))"
    )
    return FileArgs(tuple(files), f"$(python3 -c {shlex.quote(snippet)})")


def compose_lint_files(root: str) -> list[str]:
    """The files compose-lint is given for a corpus (for the command shown in RESULTS.md)."""
    corpus = load_corpus(REPO / root)
    files = [p for project in corpus.projects for p in compose_lint_inputs(project)]
    return [shown(path) for path in file_args(files, corpus.root).files]


def dclint_files(root: Path) -> int:
    """How many files `dclint -r root` lints: names matching its pattern, its excludes skipped."""
    count = 0
    for folder, dirs, files in os.walk(root):
        dirs[:] = [
            d for d in dirs if not any(x in os.path.join(folder, d) for x in DCLINT_EXCLUDES)
        ]
        count += sum(1 for name in files if DCLINT_PATTERN.match(name))
    return count


def yamllint_files(tb: Toolbox, target: Path) -> int | None:
    argv: list[str | Path] = [tb.executables[YAMLLINT], "--list-files", shown(target)]
    done = _run(argv, cwd=REPO, capture_output=True)
    return len(done.stdout.splitlines()) if done.returncode == 0 else None


def _mail_lint_json(tb: Toolbox, args: Sequence[str]) -> tuple[str | None, dict[str, object]]:
    """Run mail-lint with JSON output (untimed): (error or None, the parsed report)."""
    argv = [shown(tb.executables[MAIL_LINT]), *args]
    done = subprocess.run(argv, cwd=REPO, capture_output=True, check=False)
    if done.returncode not in RAN_FINE[MAIL_LINT]:
        return f"`{shlex.join(argv)}` exited {done.returncode}: {_tail(done.stderr)!r}", {}
    try:
        report = json.loads(done.stdout)
    except ValueError:
        output = f"stdout {_tail(done.stdout)!r}, stderr {_tail(done.stderr)!r}"
        return f"`{shlex.join(argv)}` exited {done.returncode} without JSON: {output}", {}
    if not isinstance(report, dict):
        return f"`{shlex.join(argv)}` printed {type(report).__name__}, not a JSON object", {}
    return None, report


def _projects_hit(entries: object, key: str, projects: Sequence[Project]) -> set[Path]:
    """The project folders the ``key`` paths of a JSON list point into."""
    folders = {project.dir for project in projects}
    hit: set[Path] = set()
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict) or not entry.get(key):
            continue
        where = (REPO / str(entry[key])).resolve()
        hit.update(folder for folder in where.parents if folder in folders)
    return hit


def mail_lint_check(
    tb: Toolbox, target: Path, projects: Sequence[Project]
) -> tuple[str | None, str]:
    """Sanity: mail-lint really linted every project of ``target`` (untimed).

    `mail-lint inspect --format json` must find an app instance in every project, and
    `mail-lint --format json` must lint as many instances, and not call its run incomplete.
    Returns (error or None, what it saw). Which rules fire is the tests' business, not this.
    """
    error, inspected = _mail_lint_json(tb, ["inspect", "--format", "json", shown(target)])
    if error:
        return error, ""
    error, checked = _mail_lint_json(tb, ["--format", "json", shown(target)])
    if error:
        return error, ""
    instances = inspected.get("instances")
    count = len(instances) if isinstance(instances, list) else 0
    summary = checked.get("summary")
    summary = summary if isinstance(summary, dict) else {}
    seen = f"{summary.get('instances')} app instances, {summary.get('findings')} findings"
    linted = _projects_hit(instances, "path", projects)
    empty = [p.dir for p in projects if p.dir not in linted]
    if empty:
        return f"mail-lint found no app in {len(empty)} projects (first: {shown(empty[0])})", seen
    if summary.get("instances") != count:
        return f"`mail-lint --format json` linted {seen}; `inspect` lists {count} instances", seen
    if summary.get("incomplete"):
        return f"`mail-lint --format json` reported an incomplete run ({seen})", seen
    flagged = _projects_hit(checked.get("findings"), "path", projects)
    broken = [p for p in projects if p.broken]
    hits = sum(p.dir in flagged for p in broken)
    return None, (
        f"{seen}; an app instance in every project; findings in {hits} of the {len(broken)} "
        f"projects the manifest expects them from"
    )


def preflight(
    tb: Toolbox, target: Path, projects: Sequence[Project], yaml_count: int | None
) -> tuple[dict[str, str], list[str]]:
    """Untimed sanity checks before a scenario: (errors by tool, notes).

    mail-lint must lint every project (mail_lint_check); yamllint, when it is given the
    folder (``yaml_count`` set), must list at least every compose file.
    """
    errors: dict[str, str] = {}
    notes: list[str] = []
    if tb.has(MAIL_LINT):
        error, seen = mail_lint_check(tb, target, projects)
        if error:
            errors[MAIL_LINT] = error
        else:
            notes.append(f"`mail-lint --format json`: {seen}")
    if tb.has(YAMLLINT) and yaml_count is not None:
        listed = yamllint_files(tb, target)
        if listed is None or listed < yaml_count:
            errors[YAMLLINT] = (
                f"yamllint --list-files found {listed} files, fewer than {yaml_count}"
            )
        else:
            notes.append(f"`yamllint --list-files`: {listed} files")
    return errors, notes


COMPARED = (MAIL_LINT, FLOOR, YAMLLINT, COMPOSE_LINT, DCLINT)


def project_scenario(tb: Toolbox, opts: Options, corpus: Corpus) -> Scenario:
    project = corpus.projects[0]
    base = project.compose_files[0]
    commands = []
    if tb.has(MAIL_LINT):
        commands.append(_cmd(MAIL_LINT, [tb.executables[MAIL_LINT], project.dir]))
    if tb.has(FLOOR):
        commands.append(_floor_cmd(tb, project.compose_files, len(project.compose_files)))
    for tool in (YAMLLINT, COMPOSE_LINT, DCLINT):
        if tb.has(tool):
            commands.append(_cmd(tool, [tb.executables[tool], base], quiet_stderr=tool == DCLINT))
    errors, notes = preflight(tb, project.dir, (project,), None)
    others = ", ".join(shown(p) for p in project.compose_files[1:]) or "none"
    return Scenario(
        key="project",
        title=f"One project ({project.app}, {shown(project.dir)})",
        size=1,
        commands=tuple(commands),
        absent=MappingProxyType(_absent_for(tb, COMPARED)),
        given=(
            "mail-lint: the project folder (its compose files, override, .env, env_file "
            "targets and settings files)",
            f"floor: the project's {len(project.compose_files)} compose files",
            f"yamllint: {shown(base)} only",
            f"compose-lint: {shown(base)}; it merges the override beside it by itself "
            f"(other compose files of the project: {others}) and reads the .env",
            f"dclint: {shown(base)} only (it never merges overrides)",
        ),
        repeat=opts.repeat,
        preflight_errors=MappingProxyType(errors),
        notes=tuple(notes),
        inputs=(project.dir,),
    )


def _corpus_commands(tb: Toolbox, corpus: Corpus) -> tuple[Command, ...]:
    root = corpus.root
    exe = tb.executables
    commands = []
    if tb.has(MAIL_LINT):
        commands.append(_cmd(MAIL_LINT, [exe[MAIL_LINT], root]))
    if tb.has(FLOOR):
        commands.append(_floor_cmd(tb, [root], len(corpus.compose_files)))
    if tb.has(YAMLLINT):
        commands.append(_cmd(YAMLLINT, [exe[YAMLLINT], root]))
    if tb.has(COMPOSE_LINT):
        args = file_args([p for pr in corpus.projects for p in compose_lint_inputs(pr)], root)
        display = f"{shown(exe[COMPOSE_LINT])} {args.display}"
        scanned = f"{len(args.files)} files scanned"  # its summary line: it graded them all
        argv = [exe[COMPOSE_LINT], *args.files]
        commands.append(_cmd(COMPOSE_LINT, argv, display, expect_stdout=scanned))
    if tb.has(DCLINT):
        commands.append(_cmd(DCLINT, [exe[DCLINT], "-r", root], quiet_stderr=True))
    return tuple(commands)


def corpus_scenario(tb: Toolbox, opts: Options, corpus: Corpus) -> Scenario:
    size, root = corpus.size, corpus.root
    yaml_count = len(corpus.compose_files)
    compose_lint_count = sum(len(compose_lint_inputs(p)) for p in corpus.projects)
    errors, notes = preflight(tb, root, corpus.projects, yaml_count)
    return Scenario(
        key=f"corpus-{size}",
        title=f"{size:,} projects, one invocation",
        size=size,
        commands=_corpus_commands(tb, corpus),
        absent=MappingProxyType(_absent_for(tb, COMPARED)),
        given=(
            f"mail-lint: the corpus folder (walks it: {size:,} projects with their compose "
            f"files, overrides, .env, env_file targets and settings files)",
            f"floor: the {yaml_count:,} compose files listed in MANIFEST.json",
            "yamllint: the corpus folder (it recurses into every *.yml/*.yaml)",
            f"compose-lint: {compose_lint_count:,} files (the base compose file of each project; "
            f"it merges the override beside each by itself and reads the .env and env_file "
            f"targets)",
            f"dclint: `-r` the corpus folder; it lints {dclint_files(root):,} files matching "
            f"(docker-)compose*.y(a)ml one at a time (overrides unmerged)",
        ),
        repeat=opts.repeat_large if size >= LARGE else opts.repeat,
        preflight_errors=MappingProxyType(errors),
        notes=tuple(notes),
        inputs=(root,),
    )


def _too_slow(cmd: Command, predicted: Mapping[str, float], limit: float) -> Absence | None:
    guess = predicted.get(cmd.tool)
    if cmd.tool in BUDGET_TOOLS or guess is None or guess <= limit:
        return None
    return Absence(
        f"not measured: predicted {guess:,.0f} s per run from the smaller corpus, over "
        f"--time-limit {limit:,.0f} s"
    )


def drop_after(cmd: Command, sample: RunSample, warm_up: bool, time_limit: float) -> Absence | None:
    """Why ``cmd`` is measured no further after this run, if it is not."""
    if sample.problem is not None:
        return Absence(f"error: {sample.problem}", error=True)
    if warm_up and cmd.tool not in BUDGET_TOOLS and sample.wall > time_limit:
        return Absence(
            f"not measured: its warm-up run took {sample.wall:,.0f} s, over "
            f"--time-limit {time_limit:,.0f} s"
        )
    return None


def warm_page_cache(folders: Iterable[Path]) -> int:
    """Read every file under ``folders`` (untimed) and return how many bytes that was.

    Every run then starts with its input in the page cache. Without it, a run that followed a
    long one paid for re-reading the corpus: on the machine of RESULTS.md the page cache of a
    folder left alone for tens of seconds was dropped, and the floor at 10,000 projects took
    2.6-3.1 s instead of 1.7 s on the first run after 30 s of something else, mail-lint
    14.5-16.3 s instead of 10.6 s right after compose-lint's 60 s runs (the 10k/1k budget
    failed on that alone). Reading the files again costs a second or less when they are
    cached and is the same for every tool.
    """
    total = 0
    for folder in folders:
        for parent, _dirs, files in os.walk(folder):
            for name in files:
                try:
                    with open(os.path.join(parent, name), "rb") as handle:
                        total += len(handle.read())
                except OSError:
                    continue
    return total


def measure(scenario: Scenario, opts: Options, predicted: Mapping[str, float]) -> ScenarioResult:
    """One warm-up round (discarded), then ``repeat`` round-robin rounds."""
    absent = dict(scenario.absent)
    errors = [f"{scenario.key}: {error}" for error in scenario.preflight_errors.values()]
    for tool in scenario.preflight_errors:
        absent[tool] = Absence("error: sanity check failed (see Errors)", error=True)
    for cmd in scenario.commands:
        slow = _too_slow(cmd, predicted, opts.time_limit)
        if slow is not None:
            absent[cmd.tool] = slow
    samples: dict[str, list[RunSample]] = {cmd.tool: [] for cmd in scenario.commands}
    for round_no in range(scenario.repeat + 1):
        label = "warm-up" if round_no == 0 else f"{round_no}/{scenario.repeat}"
        for cmd in rotated(scenario.commands, round_no):
            if cmd.tool in absent:
                continue
            warm_page_cache(scenario.inputs)
            sample = run_once(cmd, opts.timeout, opts.interval)
            log(f"  [{scenario.key} {label}] {cmd.tool}: {sample.wall * 1000:,.1f} ms")
            if sample.problem is not None:
                log(f"    error: {sample.problem}")
                errors.append(f"{scenario.key}: {sample.problem} \u2014 `{cmd.display}`")
            dropped = drop_after(cmd, sample, warm_up=round_no == 0, time_limit=opts.time_limit)
            if dropped is not None:
                absent[cmd.tool] = dropped
            elif round_no > 0:
                samples[cmd.tool].append(sample)
    measured = [cmd for cmd in scenario.commands if samples[cmd.tool] and cmd.tool not in absent]
    memory_runs, memory_errors = measure_memory(scenario.key, measured, opts, scenario.inputs)
    errors += memory_errors
    stats = {tool: summarize(samples[tool], memory_runs[tool]) for tool in memory_runs}
    return ScenarioResult(
        scenario, MappingProxyType(stats), MappingProxyType(absent), tuple(errors)
    )


def measure_memory(
    key: str, commands: Sequence[Command], opts: Options, inputs: Sequence[Path] = ()
) -> tuple[dict[str, RunSample | Absence], list[str]]:
    """One extra, untimed run per tool, after the timed rounds, that also samples PSS.

    Reading smaps_rollup makes the kernel walk every page table of the process (about 4 ms
    for 300 MB resident, against 20 us for status) under the process's memory-map lock, so
    it would slow a tool in proportion to its size: the timed runs never read it. Returns
    each tool's memory run (or why there is none) and the errors of failed ones.
    """
    unavailable = pss_unavailable()
    runs: dict[str, RunSample | Absence] = {}
    errors: list[str] = []
    for cmd in commands:
        if unavailable is not None:
            runs[cmd.tool] = Absence(f"not measured ({unavailable})")
            continue
        warm_page_cache(inputs)
        sample = run_once(cmd, opts.timeout, opts.interval, pss=True)
        if sample.problem is not None:
            log(f"  [{key} memory] {cmd.tool}: error: {sample.problem}")
            errors.append(f"{key}: memory run: {sample.problem} \u2014 `{cmd.display}`")
            runs[cmd.tool] = Absence("error: its memory run failed (see Errors)", error=True)
            continue
        rss = fmt_mb(sample.rss_tree)
        log(
            f"  [{key} memory] {cmd.tool}: PSS tree {fmt_pss(sample.pss_tree)}, RSS tree {rss} (MB)"
        )
        runs[cmd.tool] = sample
    return runs, errors


def predictions(measured: Mapping[str, tuple[int, float]], size: int) -> dict[str, float]:
    """Each tool's expected seconds per run at ``size``, scaling linearly from its wall
    median on the largest corpus it was measured on (``tool: (projects, seconds)``): a tool
    too slow for the last corpus is predicted from an earlier one, not run blind."""
    return {tool: wall * size / at for tool, (at, wall) in measured.items() if at >= 1}


def remember_walls(
    measured: dict[str, tuple[int, float]], result: ScenarioResult
) -> dict[str, tuple[int, float]]:
    """``measured`` with the wall medians of a corpus scenario (the one-project scenario
    times one compose file, not a project: it predicts nothing)."""
    if result.scenario.size > 1:
        for tool, stats in result.stats.items():
            measured[tool] = (result.scenario.size, stats.wall_median)
    return measured


# ----------------------------------------------------------------------------- budgets


class BudgetRow(NamedTuple):
    name: str
    measured: str
    limit: str
    status: str  # PASS, FAIL, NOT MEASURED, ERROR


def find(results: Mapping[str, ScenarioResult], key: str, tool: str) -> ToolStats | Absence:
    result = results.get(key)
    if result is None:
        return Absence(f"not measured ({key} not run: see --sizes)")
    if tool in result.stats:
        return result.stats[tool]
    return result.absent.get(tool, Absence("not measured"))


def _absent_status(absence: Absence) -> str:
    return "ERROR" if absence.error else "NOT MEASURED"


def _unmeasured(name: str, limit: str, *found: ToolStats | Absence) -> BudgetRow | None:
    for item in found:
        if isinstance(item, Absence):
            return BudgetRow(name, item.reason, limit, _absent_status(item))
    return None


def ratio_budget(
    name: str, numerator: ToolStats | Absence, denominator: ToolStats | Absence, limit: float
) -> BudgetRow:
    limit_text = f"\u2264 {limit:g}{TIMES}"
    missing = _unmeasured(name, limit_text, numerator, denominator)
    if missing is not None:
        return missing
    assert isinstance(numerator, ToolStats) and isinstance(denominator, ToolStats)
    value = ratio(numerator.wall_median, denominator.wall_median)
    times = f"{fmt_ms(numerator.wall_median)} ms / {fmt_ms(denominator.wall_median)} ms"
    return BudgetRow(
        name, f"{value:.2f}{TIMES} ({times})", limit_text, "PASS" if value <= limit else "FAIL"
    )


def absolute_budget(
    name: str,
    found: ToolStats | Absence,
    value_of: Callable[[ToolStats], float],
    limit: float,
    unit: str,
    scale: float,
) -> BudgetRow:
    limit_text = f"\u2264 {limit / scale:g} {unit}"
    missing = _unmeasured(name, limit_text, found)
    if missing is not None:
        return missing
    assert isinstance(found, ToolStats)
    value = value_of(found)
    status = "PASS" if value <= limit else "FAIL"
    return BudgetRow(name, f"{value / scale:.1f} {unit}", limit_text, status)


def memory_budget(name: str, found: ToolStats | Absence, limit: int) -> BudgetRow:
    """The process tree's peak PSS against ``limit``, its RSS figures beside it."""
    limit_text = f"\u2264 {limit / MB:g} MB"
    missing = _unmeasured(name, limit_text, found)
    if missing is not None:
        return missing
    assert isinstance(found, ToolStats)
    rss = f"RSS tree {fmt_mb(found.rss_tree)} MB, largest process {fmt_mb(found.rss_largest)} MB"
    pss = found.pss_tree
    if isinstance(pss, Absence):
        return BudgetRow(name, f"{pss.reason}; {rss}", limit_text, _absent_status(pss))
    status = "PASS" if pss <= limit else "FAIL"
    return BudgetRow(name, f"{fmt_mb(pss)} MB PSS tree ({rss})", limit_text, status)


def evaluate_budgets(results: Mapping[str, ScenarioResult]) -> tuple[BudgetRow, ...]:
    big, large = "corpus-1000", f"corpus-{LARGE}"
    return (
        ratio_budget(
            "one project: mail-lint / yamllint on its compose file",
            find(results, "project", MAIL_LINT),
            find(results, "project", YAMLLINT),
            ONE_PROJECT_LIMIT,
        ),
        ratio_budget(
            "1,000 projects: mail-lint / compose-lint",
            find(results, big, MAIL_LINT),
            find(results, big, COMPOSE_LINT),
            COMPOSE_LINT_LIMIT,
        ),
        ratio_budget(
            "1,000 projects: mail-lint / floor",
            find(results, big, MAIL_LINT),
            find(results, big, FLOOR),
            FLOOR_LIMIT,
        ),
        ratio_budget(
            "10,000 projects / 1,000 projects: mail-lint",
            find(results, large, MAIL_LINT),
            find(results, big, MAIL_LINT),
            LINEAR_LIMIT,
        ),
        absolute_budget(
            "`mail-lint --version` wall median",
            find(results, "version", MAIL_LINT),
            lambda stats: stats.wall_median,
            VERSION_LIMIT_S,
            "ms",
            0.001,
        ),
        memory_budget(
            "10,000 projects: mail-lint peak memory (PSS, process tree)",
            find(results, large, MAIL_LINT),
            MEMORY_LIMIT_BYTES,
        ),
    )


def exit_code(errors: Sequence[str], budgets: Iterable[BudgetRow]) -> int:
    statuses = {row.status for row in budgets}
    if errors or "ERROR" in statuses:
        return 2
    return 1 if "FAIL" in statuses else 0


# ----------------------------------------------------------------------------- the machine


class Machine(NamedTuple):
    rows: tuple[tuple[str, str], ...]


def _first_line(argv: Sequence[str | Path]) -> str:
    try:
        done = _run(argv, capture_output=True, cwd=REPO, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"? ({exc})"
    text = (done.stdout or done.stderr).strip().splitlines()
    return text[0] if text else "?"


def load_average() -> str:
    return Path("/proc/loadavg").read_text(encoding="utf-8").split(" ")[0]


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
        if line.startswith("model name"):
            return line.partition(":")[2].strip()
    return platform.processor() or "?"


def _memory() -> str:
    for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
        if line.startswith("MemTotal:"):
            return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    return "?"


def _os_name() -> str:
    try:
        text = Path("/etc/os-release").read_text(encoding="utf-8")
    except OSError:
        text = ""
    pretty = re.search(r'^PRETTY_NAME="?([^"\n]*)"?', text, re.MULTILINE)
    name = pretty.group(1) if pretty else platform.system()
    return f"{name}, kernel {platform.release()} ({platform.machine()})"


def _checkout() -> str:
    head = _first_line(["git", "-C", REPO, "rev-parse", "--short", "HEAD"])
    status = _run(
        ["git", "--no-optional-locks", "-C", REPO, "status", "--porcelain", "--untracked-files=no"],
        capture_output=True,
    )
    return head + (" + uncommitted changes" if status.stdout.strip() else "")


def _python_rows(python: Path) -> list[tuple[str, str]]:
    code = (
        "import sys, yaml; print(sys.version.split()[0], yaml.__version__, yaml.__with_libyaml__)"
    )
    version, pyyaml, libyaml = (_first_line([python, "-I", "-c", code]) + " ? ? ?").split()[:3]
    return [
        ("Python", f"{version} ({shown(python)})"),
        ("PyYAML", f"{pyyaml}, LibYAML C loader: {libyaml}"),
    ]


def _tool_rows(exe: Mapping[str, Path]) -> list[tuple[str, str]]:
    rows = []
    if MAIL_LINT in exe:
        code = "import mail_lint, os; print(os.path.dirname(mail_lint.__file__))"
        where = shown(_first_line([exe[PYTHON], "-I", "-c", code]))
        version = _first_line([exe[MAIL_LINT], "--version"])
        rows.append((MAIL_LINT, f"{version} (imported from {where})"))
    for tool in (YAMLLINT, COMPOSE_LINT):
        if tool in exe:
            rows.append((tool, f"{_first_line([exe[tool], '--version'])} ({shown(exe[tool])})"))
    if DCLINT in exe:
        node = _first_line(["node", "--version"])
        version = _first_line([exe[DCLINT], "--version"])
        rows.append((DCLINT, f"{version}, node {node} ({shown(exe[DCLINT])})"))
    return rows


def describe_machine(tb: Toolbox) -> Machine:
    rows: list[tuple[str, str]] = [
        ("CPU", _cpu_model()),
        ("cores", f"{os.cpu_count()} (usable by this process: {len(os.sched_getaffinity(0))})"),
        ("RAM", _memory()),
        ("OS", _os_name()),
        ("load average (1 min) at start", load_average()),
        ("checkout", _checkout()),
    ]
    if PYTHON in tb.executables:
        rows += _python_rows(tb.executables[PYTHON])
    rows += _tool_rows(tb.executables)
    return Machine(tuple(rows))


def check_floor_loader(tb: Toolbox) -> str | None:
    """The floor needs PyYAML's C loader in mail-lint's interpreter."""
    if not tb.has(FLOOR):
        return None
    argv: list[str | Path] = [tb.executables[PYTHON], "-c", "import yaml; yaml.CSafeLoader"]
    done = _run(argv, capture_output=True)
    if done.returncode != 0:
        return f"the floor needs PyYAML's C loader (CSafeLoader): {done.stderr.strip()[-200:]}"
    return None


# ----------------------------------------------------------------------------- RESULTS.md


def fmt_ms(seconds: float) -> str:
    ms = seconds * 1000
    return f"{ms:,.0f}" if ms >= 100 else f"{ms:.1f}"


def fmt_mb(size: int) -> str:
    return f"{size / MB:.1f}"


def fmt_pss(pss: int | Absence | None) -> str:
    """A PSS figure in MB, or why there is none (never a number then)."""
    if isinstance(pss, int):
        return fmt_mb(pss)
    return (pss or NO_MEMORY_RUN).reason


def _table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


HEADER = (
    "tool",
    "wall median (ms)",
    f"min{DASH}max (ms)",
    "CPU (ms)",
    "peak RSS largest process (MB)",
    "peak RSS tree (MB)",
    "peak PSS tree (MB)",
    "ratio mail-lint / tool",
)


def _stats_row(tool: str, stats: ToolStats, reference: ToolStats | None) -> list[str]:
    shown_ratio = "\u2014"  # no mail-lint measurement to compare with
    if reference is not None:
        shown_ratio = f"{ratio(reference.wall_median, stats.wall_median):.2f}{TIMES}"
    return [
        tool,
        fmt_ms(stats.wall_median),
        f"{fmt_ms(stats.wall_min)}{DASH}{fmt_ms(stats.wall_max)}",
        fmt_ms(stats.cpu_median),
        fmt_mb(stats.rss_largest),
        fmt_mb(stats.rss_tree),
        fmt_pss(stats.pss_tree),
        shown_ratio,
    ]


def scenario_rows(result: ScenarioResult) -> list[list[str]]:
    reference = result.stats.get(MAIL_LINT)
    tools = [cmd.tool for cmd in result.scenario.commands]
    tools += [tool for tool in result.absent if tool not in tools]
    rows = []
    for tool in tools:
        stats = result.stats.get(tool)
        if stats is None:
            reason = result.absent.get(tool, Absence("not measured")).reason
            rows.append([tool, reason, *[""] * (len(HEADER) - 2)])
        else:
            rows.append(_stats_row(tool, stats, reference))
    return rows


def render_scenario(result: ScenarioResult) -> list[str]:
    scenario = result.scenario
    lines = [f"### {scenario.title}", ""]
    lines += [
        f"Median of {scenario.repeat} runs after one warm-up, round-robin; peak PSS from one "
        "more, untimed run per tool after them.",
        "",
    ]
    lines += _table(HEADER, scenario_rows(result))
    lines += ["", "Given:", ""] + [f"- {line}" for line in scenario.given]
    if scenario.notes:
        lines += ["", "Sanity: " + "; ".join(scenario.notes) + "."]
    lines += ["", "Commands (from the repository root):", "", "```sh"]
    lines += [cmd.display for cmd in scenario.commands] + ["```", ""]
    return lines


def corpus_line(corpus: Corpus) -> str:
    return (
        f"- `{shown(corpus.root)}`: {corpus.size:,} project(s), seed {corpus.seed}, generator "
        f"version {corpus.generator_version}, {len(corpus.compose_files):,} compose files, "
        f"{corpus.broken:,} with a mistake the manifest expects findings from"
    )


METHOD = (
    "Wall: spawn to exit (`time.perf_counter`), median and range of the measured runs. "
    "CPU: user + system of the process and its reaped children (`os.wait4`), median. "
    "Memory is sampled from /proc/PID/status of the process and all its descendants every "
    "{interval:g} ms: peak RSS largest process is the largest high-water mark (VmHWM) of one "
    "of them, peak RSS tree the largest sum of their RSS at one sample; both the maximum over "
    "the timed runs and the memory run. Peak PSS tree is the largest sum of their PSS "
    "(/proc/PID/smaps_rollup: each shared page divided among the processes sharing it, so "
    "pages forked workers share with their parent count once) at one sample, in one extra, "
    "untimed run per tool after the timed ones (reading it walks page tables: the timed runs "
    "never do); the memory budget uses it. MB = 10^6 bytes. Ratio: mail-lint's wall median "
    "over the tool's. Every run's output goes to a temporary file."
)


def render(
    machine: Machine,
    opts: Options,
    results: Sequence[ScenarioResult],
    budgets: Sequence[BudgetRow],
    errors: Sequence[str],
    corpora: Sequence[Corpus],
) -> str:
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    command = shlex.join(["python", "benchmarks/run.py", *opts.argv])
    lines = [
        "# mail-lint benchmark results",
        "",
        f"Written by `{command}` on {now}. Produced by the runner: do not edit by hand.",
        "How each number is measured: [README.md](README.md).",
        "",
        "## Machine",
        "",
        *_table(("", ""), machine.rows),
        "",
        "## Budgets",
        "",
        *_table(("budget", "measured", "limit", "status"), budgets),
        "",
    ]
    if errors:
        lines += ["## Errors", "", *[f"- {error}" for error in errors], ""]
    if corpora:
        lines += ["## Corpora", "", *[corpus_line(corpus) for corpus in corpora], ""]
    lines += ["## Scenarios", "", METHOD.format(interval=opts.interval * 1000), ""]
    for result in results:
        lines += render_scenario(result)
    return "\n".join(lines).rstrip() + "\n"


# ----------------------------------------------------------------------------- main


def run_scenarios(opts: Options, tb: Toolbox) -> tuple[list[ScenarioResult], list[Corpus]]:
    results: list[ScenarioResult] = []
    corpora: list[Corpus] = []
    if tb.has(MAIL_LINT) or tb.has(PYTHON):
        log("scenario version")
        results.append(measure(version_scenario(tb, opts), opts, {}))
    measured: dict[str, tuple[int, float]] = {}
    for size in opts.sizes:
        corpus = ensure_corpus(opts, size)
        corpora.append(corpus)
        build = project_scenario if size == 1 else corpus_scenario
        scenario = build(tb, opts, corpus)
        log(f"scenario {scenario.key}: {', '.join(cmd.tool for cmd in scenario.commands)}")
        result = measure(scenario, opts, predictions(measured, size))
        results.append(result)
        remember_walls(measured, result)
    return results, corpora


def main(argv: Sequence[str] | None = None) -> int:
    opts = parse_options(sys.argv[1:] if argv is None else argv)
    try:
        tb = prepare_tools(opts)
        loader_error = check_floor_loader(tb)
        machine = describe_machine(tb)
        results, corpora = run_scenarios(opts, tb)
    except BenchError as exc:
        log(f"run.py: error: {exc}")
        return 2
    except Exception:  # an internal error is exit 2 too, never a budget failure (1)
        log(traceback.format_exc())
        return 2
    machine = Machine((*machine.rows, ("load average (1 min) at the end", load_average())))
    errors = ([loader_error] if loader_error else []) + [e for r in results for e in r.errors]
    budgets = evaluate_budgets({result.scenario.key: result for result in results})
    opts.results.parent.mkdir(parents=True, exist_ok=True)
    report = render(machine, opts, results, budgets, errors, corpora)
    opts.results.write_text(report, encoding="utf-8")
    code = exit_code(errors, budgets)
    for row in budgets:
        log(f"{row.status:>12}  {row.name}: {row.measured} (limit {row.limit})")
    log(f"wrote {shown(opts.results)}; exit {code}")
    return code


if __name__ == "__main__":
    sys.exit(main())
