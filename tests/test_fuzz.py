"""Fuzzing every loader and the interpolation engine with hypothesis.

Each loader (compose YAML via ``load_yaml_documents``, the Compose, Laravel and Node dotenv
dialects, INI, TOML, JSON), ``interpolate()``/``references()`` and the read path
(``read_source``/``decode``) is fed near-valid generated text (tokens of its own grammar:
``$``, ``${``, operators, quotes, ``#``, ``=``, ``:``, newlines, deep nesting) and raw text.
The only exception allowed out is :class:`~mail_lint.errors.SourceError` (and, on the read
path, :class:`~mail_lint.textio.UnreadableError`).

The default run takes a few hundred examples (:data:`QUICK`); ``pytest -m fuzz`` runs
:data:`LONG` examples per target (≥ 100 000 in all) and prints the count. Runs are
deterministic (``derandomize``) and keep no example database.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mail_lint.dotenv_compose import parse_compose_dotenv
from mail_lint.dotenv_laravel import parse_laravel_dotenv
from mail_lint.dotenv_node import parse_node_dotenv
from mail_lint.errors import SourceError
from mail_lint.interpolation import interpolate, references
from mail_lint.model import Location, Variable
from mail_lint.settingsfiles import load_ini, load_json, load_toml
from mail_lint.textio import UnreadableError, decode, read_source
from mail_lint.yamlsource import load_yaml_documents

PATH = Path("fuzz.txt")
QUICK = 25  # per target in the default run
LONG = 10_000  # per target with -m fuzz
COUNT = {"inputs": 0}

_ENV = {
    name: Variable(name, value, Location(Path(".env"), 1, 1))
    for name, value in {"A": "va", "E": "", "B": "b$c", "PORT": "465"}.items()
}


def _settings(examples: int) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )


def _joined(tokens: list[str]) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(tokens) | st.text(max_size=3), max_size=60).map("".join)


def _nested(open_: str, close: str, inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.tuples(st.integers(0, 400), inner).map(
        lambda pair: open_ * pair[0] + pair[1] + close * pair[0]
    )


_INTERP = [
    "$", "$$", "${", "}", "{", "A", "B", "C", "E", "_x", ":", "-", "+", "?", ":-", ":?", ":+",
    "${A}", "${A:-", "${B-", "${C:?err", "${E:+", "$A", "$C", "\u212a", "\n", " ", "'", '"',
]  # fmt: skip
_DOTENV = [
    *_INTERP, "=", "KEY", "export ", "#", " #", "\\", "\\n", "\\$", "\\0101", "'", '"', "\r\n",
    "\n", "\t", "A=", 'A="', "A='", "\ufeff", "=\n", "${A:-x}", "\\'", '\\"',
]  # fmt: skip
_YAML = [
    "services:", "\n", "  ", "- ", "x: ", "&a ", "*a", "<<: ", "!reset ", "!override ", "!!int ",
    "!!binary ", "{", "}", "[", "]", ", ", '"', "'", "|", ">", "#", "---\n", "...\n", "~",
    "0x1F", "025", "1e3", "yes", "True", ".inf", "2001-02-29", "${A:-b}", "$$", ": ", "? ",
    "\t", "%YAML 1.1\n", "!!str ", "!!float ", "!!timestamp ",
]  # fmt: skip
_INI = [
    "[Email]", "[DEFAULT]", "\n", "  ", "server", " = ", ": ", "=", ":", "#", ";", "%(x)s",
    "encryption", "STARTTLS", "[", "]", "\r\n", "\t",
]  # fmt: skip
_TOML = [
    "[smtp]", "[[smtp]]", "\n", "host", " = ", '"x"', "'y'", '"""', "'''", "\\", "\\u00e9",
    "[", "]", "{", "}", ", ", "1", "0x1F", "1e3", "true", "inf", "nan", "#", ".", "a.b",
    "1979-05-27T07:32:00Z", "1979-05-27 07:32:00", "\r\n", '"k"', "=",
]  # fmt: skip
_JSON = [
    "{", "}", "[", "]", ", ", ": ", '"data"', '"smtp"', '"host"', '"x"', "1", "-1.5e3", "true",
    "null", "NaN", "-Infinity", '"\\u00e9"', '"\\ud800"', '"\\"', "\n", " ",
]  # fmt: skip

TEXT = st.text(max_size=200)
TARGETS: dict[str, tuple[Callable[[str], object], st.SearchStrategy[str]]] = {
    "interpolate": (
        lambda t: interpolate(t, _ENV.get, what="services.x.environment.A"),
        _joined(_INTERP) | _nested("${A:-", "}", _joined(_INTERP)) | TEXT,
    ),
    "references": (references, _joined(_INTERP) | _nested("${A:-", "}", TEXT) | TEXT),
    "yaml": (
        lambda t: load_yaml_documents(t, PATH),
        _joined(_YAML) | _nested("[", "]", _joined(_YAML)) | _nested("- ", "", TEXT) | TEXT,
    ),
    "dotenv-compose": (lambda t: parse_compose_dotenv(t, PATH, lookup=_ENV.get), _joined(_DOTENV)),
    "dotenv-compose-raw": (lambda t: parse_compose_dotenv(t, PATH, raw=True), _joined(_DOTENV)),
    "dotenv-laravel": (lambda t: parse_laravel_dotenv(t, PATH, lookup=_ENV.get), _joined(_DOTENV)),
    "dotenv-node": (lambda t: parse_node_dotenv(t, PATH, lookup=_ENV.get), _joined(_DOTENV)),
    "ini": (lambda t: load_ini(t, PATH), _joined(_INI) | TEXT),
    "toml": (
        lambda t: load_toml(t, PATH),
        _joined(_TOML)
        | st.tuples(st.integers(0, 400)).map(lambda n: "a = " + "[" * n[0] + "]" * n[0])
        | TEXT,
    ),
    "json": (
        lambda t: load_json(t, PATH),
        _joined(_JSON) | _nested('{"a": ', "}", _joined(_JSON)) | _nested("[", "]", TEXT) | TEXT,
    ),
}


def _check(target: Callable[[str], object], text: str) -> None:
    COUNT["inputs"] += 1
    with contextlib.suppress(SourceError):
        target(text)


def _make(name: str, examples: int) -> Callable[[], None]:
    target, strategy = TARGETS[name]

    @_settings(examples)
    @given(strategy)
    def run(text: str) -> None:
        _check(target, text)

    return run


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_loader_quick(name: str) -> None:
    _make(name, QUICK)()


@pytest.mark.fuzz
@pytest.mark.parametrize("name", sorted(TARGETS))
def test_loader_long(name: str) -> None:
    _make(name, LONG)()


def _read_path(examples: int, tmp: Path) -> None:
    @_settings(examples)
    @given(st.binary(max_size=200) | _joined(_DOTENV).map(lambda t: t.encode("utf-16")))
    def run(data: bytes) -> None:
        COUNT["inputs"] += 1
        with contextlib.suppress(SourceError):
            decode(data, PATH)
        path = tmp / "f"
        path.write_bytes(data)
        with contextlib.suppress(SourceError, UnreadableError):
            read_source(path)

    run()


def test_read_path_quick(tmp_path: Path) -> None:
    _read_path(QUICK, tmp_path)


@pytest.mark.fuzz
def test_read_path_long(tmp_path: Path) -> None:
    _read_path(LONG, tmp_path)


@pytest.fixture(autouse=True, scope="module")
def _report_count() -> object:
    yield
    if os.environ.get("PYTEST_XDIST_WORKER") is None:
        print(f"\nfuzzed {COUNT['inputs']} inputs")


# -- regressions found by fuzzing (each was an uncaught exception) -----------------------------


@pytest.mark.parametrize(
    "text",
    [
        "${X:-a}" * 1_000,  # RecursionError: each rest was substituted recursively
        "${A:-" * 1_000 + "}" * 1_000,  # RecursionError: nested defaults
    ],
)
def test_interpolation_regressions(text: str) -> None:
    try:
        interpolate(text, _ENV.get)
    except SourceError as exc:
        assert "nested deeper than 100" in exc.message
    references(text)
