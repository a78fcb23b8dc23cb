"""Docmost's ``/app/.env`` as dotenv 17.4.1 + dotenv-expand 12.0.3 read it.

The differential test runs both packages when ``node`` and a ``node_modules`` holding them
are available (``MAIL_LINT_NODE_MODULES``, default ``/tmp/mlnode/node_modules``; made with
``npm install dotenv@17.4.1 dotenv-expand@12.0.3``).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from mail_lint.dotenv_node import parse_node_dotenv
from mail_lint.errors import SourceError
from mail_lint.model import Location, SourceKind, Variable
from support import CORPUS

ENV = Path("/app/.env")


def values(text: str, env: dict[str, str] | None = None) -> dict[str, str | None]:
    lookup = None if env is None else {k: Variable(k, v) for k, v in env.items()}.get
    return {e.key: e.value for e in parse_node_dotenv(text, ENV, lookup=lookup)}


#: (text, process environment, what Docmost ends up with). Each is also run through the real
#: packages by the differential test below.
VALUES: list[tuple[str, dict[str, str], dict[str, str | None]]] = [
    # --- dotenv parse()
    ("A=1", {}, {"A": "1"}),
    ("A=a#b", {}, {"A": "a"}),
    ("A=a # b", {}, {"A": "a"}),
    ('A="a#b" # c', {}, {"A": "a#b"}),
    ("A=x y z", {}, {"A": "x y z"}),  # unquoted spaces are fine
    ("  A  =  1  ", {}, {"A": "1"}),
    ("A: 1", {}, {"A": "1"}),  # YAML-ish form
    ("A:1", {}, {}),  # ... needs a space after ':'
    ("export A=1", {}, {"A": "1"}),
    ("A-B.c=1", {}, {"A-B.c": "1"}),
    ("A=`x 'y' \"z\"`", {}, {"A": "x 'y' \"z\""}),
    ('A="a\\nb\\rc"', {}, {"A": "a\nb\rc"}),
    ("A='a\\nb'", {}, {"A": "a\\nb"}),  # only double quotes expand \n
    ('A="x\\"y"', {}, {"A": 'x\\"y'}),  # \" is not unescaped
    ('A="multi\nline"\nB=2', {}, {"A": "multi\nline", "B": "2"}),
    ("A='multi\nline'", {}, {"A": "multi\nline"}),
    ('A="b" c', {}, {"A": '"b" c'}),  # text after the quote: the whole rest, quotes kept
    ('A="open', {}, {"A": '"open'}),
    ("A=\n'q'", {}, {"A": "q"}),  # the value's \s* crosses the line break
    ("A=\nB=2", {}, {"A": "", "B": "2"}),
    ("A=1\r\nB=2\rC=3", {}, {"A": "1", "B": "2", "C": "3"}),
    ("\ufeffA=1", {}, {"A": "1"}),
    ("A=x\u00a0", {}, {"A": "x"}),  # JavaScript's trim() removes U+00A0
    ("foo bar\nA=1", {}, {"A": "1"}),  # lines that do not match are skipped
    ("A=1\nA=2", {}, {"A": "2"}),
    ("__proto__=1\nA=2", {}, {"A": "2"}),
    # --- dotenv-expand
    ("A=1\nB=$A\nC=${A}x", {}, {"A": "1", "B": "1", "C": "1x"}),
    ("A=1\nB='$A'", {}, {"A": "1", "B": "1"}),  # expands inside single quotes too
    ("SMTP_PASSWORD=pa$word", {}, {"SMTP_PASSWORD": "pa"}),
    ("P=p@$$w0rd", {}, {"P": "p@$"}),
    ("P=s3cr3t$1", {}, {"P": "s3cr3t$1"}),
    ("P=abc\\$def", {}, {"P": "abc$def"}),
    ("B=${X:-dflt}\nC=${X-d2}\nD=${X:+alt}", {}, {"B": "dflt", "C": "d2", "D": ""}),
    ("X=\nB=${X:-dflt}\nC=${X-d2}", {}, {"X": "", "B": "dflt", "C": "d2"}),  # both: empty too
    ("X=1\nD=${X:+alt}\nE=${X+alt2}", {}, {"X": "1", "D": "alt", "E": "alt2"}),
    ("B=$A\nA=1", {}, {"B": "", "A": "1"}),  # not yet expanded
    ("A=${nullable}\nB=$nullvar", {}, {"A": "able", "B": "var"}),  # split(null)
    ("A=1\nB=\\${A} ${A}", {}, {"A": "1", "B": "\\1 1"}),  # replaces the first occurrence
    ("A=x\nA=y\nB=$A", {}, {"A": "y", "B": "y"}),
    ("B=$A\nA=x\nA=y", {}, {"B": "", "A": "y"}),
    ("1=one\n0=zero\nB=${0}${1}", {}, {"1": "one", "0": "zero", "B": "zeroone"}),
    ("C=${1}\n1=one", {}, {"C": "one", "1": "one"}),  # array-index keys expand first
    ("A=$A", {}, {"A": ""}),
    ("A=x$A", {}, {"A": "x"}),
    ("A=a\nB=$A$$", {}, {"A": "a", "B": "a$$"}),
    # --- process environment
    ("K=file\nL=$K", {"K": "env"}, {"K": "env", "L": "env"}),
    ("K=file", {"K": ""}, {"K": "file"}),  # an empty variable does not win
    ("M=$E", {"E": "e$$v"}, {"M": "e"}),  # $$ in a value: String.replace patterns
    ("M=x$E", {"E": "<$`>"}, {"M": "x<x>"}),
    ("M=x$E y", {"E": "$'"}, {"M": "x y y"}),
    ("K=file", {"K": "a\\$b"}, {"K": "a$b"}),  # \$ resolved in the environment's text too
    ("K=$V", {"K": "$V", "V": "v"}, {"K": "v"}),  # same text: expanded anyway
]


@pytest.mark.parametrize(("text", "env", "expected"), VALUES)
def test_values(text: str, env: dict[str, str], expected: dict[str, str | None]) -> None:
    assert values(text, env) == expected


def test_never_ends_is_an_error() -> None:
    # Node loops until it runs out of memory on these (checked by hand, not in the suite).
    env = {"A": Variable("A", "a$A")}
    with pytest.raises(SourceError) as info:
        parse_node_dotenv("X=1\nB=${A}:${A}", ENV, lookup=env.get)
    assert "never finishes" in info.value.message
    assert info.value.location == Location(ENV, 2, 3, 2, 12)


# ------------------------------------------------------------------------------- positions


def test_positions_raw_and_quote() -> None:
    text = 'A=1\n  export B = "x\\ny" # c\nC=\nD: `q`\nE="a\nbc"\nF=x#y\n'
    a, b, c, d, e, f = parse_node_dotenv(text, ENV)
    assert (a.key_location, a.location, a.raw, a.quote) == (
        Location(ENV, 1, 1, 1, 2),
        Location(ENV, 1, 3, 1, 4),
        "1",
        "",
    )
    assert (b.key, b.value, b.raw, b.quote) == ("B", "x\ny", "x\\ny", '"')
    assert b.key_location == Location(ENV, 2, 10, 2, 11)
    assert b.location == Location(ENV, 2, 14, 2, 20)
    assert (c.value, c.raw, c.location) == ("", "", Location(ENV, 3, 1, 3, 2))
    assert (d.value, d.quote, d.location) == ("q", "`", Location(ENV, 4, 4, 4, 7))
    assert (e.value, e.location) == ("a\nbc", Location(ENV, 5, 3, 6, 4))
    assert (f.value, f.raw, f.location) == ("x", "x", Location(ENV, 7, 3, 7, 4))


def test_crlf_positions() -> None:
    a, b = parse_node_dotenv('A=1\r\nB="x\r\ny"', ENV)
    assert a.location == Location(ENV, 1, 3, 1, 4)
    assert (b.value, b.location) == ("x\ny", Location(ENV, 2, 3, 3, 3))


def test_origin_missing_and_environment() -> None:
    env_at = Location(Path("compose.yaml"), 4, 9)
    env = {"H": Variable("H", "smtp.example.com", env_at)}
    a, b, c, d = parse_node_dotenv("A=1\nB=$A\nC=${H}:$A:$NOPE\nH=ignored", ENV, lookup=env.get)
    assert (b.value, b.origin, b.from_origin) == ("1", (a.location,), True)
    assert (c.value, c.origin, c.missing, c.from_origin) == (
        "smtp.example.com:1:",
        (env_at, a.location),
        ("NOPE",),
        False,
    )
    assert (d.value, d.raw, d.origin, d.from_origin) == (
        "smtp.example.com",
        "ignored",
        (env_at,),
        True,
    )
    setting = c.to_setting(SourceKind.APP_DOTENV)
    assert (setting.raw, setting.missing) == ("${H}:$A:$NOPE", ("NOPE",))


def test_repeated_key_every_line_reported() -> None:
    first, second = parse_node_dotenv("A=x\nA=y", ENV)
    assert (first.value, first.location.line, second.value, second.location.line) == (
        "x",
        1,
        "y",
        2,
    )


# ---------------------------------------------------------------------------------- corpus


def test_corpus_env_example() -> None:
    path = CORPUS / "docmost" / "docmost.env.example"
    text = path.read_text(encoding="utf-8")
    entries = parse_node_dotenv(text, path)
    lines = text.split("\n")
    assert len(entries) == sum(1 for line in lines if line[:1].isalpha())
    by_key = {e.key: e for e in entries}
    mail = [
        (k, by_key[k].value, by_key[k].location.line, by_key[k].location.column)
        for k in (
            "MAIL_DRIVER",
            "MAIL_FROM_ADDRESS",
            "MAIL_FROM_NAME",
            "SMTP_HOST",
            "SMTP_PORT",
            "SMTP_USERNAME",
            "SMTP_PASSWORD",
            "SMTP_SECURE",
            "SMTP_IGNORETLS",
            "POSTMARK_TOKEN",
        )
    ]
    assert mail == [
        ("MAIL_DRIVER", "smtp", 33, 13),
        ("MAIL_FROM_ADDRESS", "hello@example.com", 34, 19),
        ("MAIL_FROM_NAME", "Docmost", 35, 16),
        ("SMTP_HOST", "127.0.0.1", 38, 11),
        ("SMTP_PORT", "587", 39, 11),
        ("SMTP_USERNAME", "", 40, 1),
        ("SMTP_PASSWORD", "", 41, 1),
        ("SMTP_SECURE", "false", 42, 13),
        ("SMTP_IGNORETLS", "false", 43, 16),
        ("POSTMARK_TOKEN", "", 46, 1),
    ]
    url = by_key["DATABASE_URL"]
    assert (url.value, url.quote, url.location) == (
        "postgresql://postgres:password@localhost:5432/docmost?schema=public",
        '"',
        Location(path, 10, 14, 10, 83),
    )
    assert by_key["APP_URL"].value == "http://localhost:3000"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "docmost-docs-smtp.env",
            [
                ("MAIL_DRIVER", "smtp", 1, 13),
                ("SMTP_HOST", "", 2, 1),
                ("SMTP_PORT", "", 3, 1),
                ("SMTP_USERNAME", "", 4, 1),
                ("SMTP_PASSWORD", "", 5, 1),
                ("SMTP_SECURE", "", 6, 1),
                ("MAIL_FROM_ADDRESS", "hello@example.com", 7, 19),
                ("MAIL_FROM_NAME", "Docmost", 8, 16),
            ],
        ),
        (
            "docmost-docs-postmark.env",
            [
                ("MAIL_DRIVER", "postmark", 1, 13),
                ("POSTMARK_TOKEN", "", 2, 1),
                ("MAIL_FROM_ADDRESS", "hello@example.com", 3, 19),
                ("MAIL_FROM_NAME", "Docmost", 4, 16),
            ],
        ),
    ],
)
def test_corpus_docs_snippets(name: str, expected: list[tuple[str, str, int, int]]) -> None:
    path = CORPUS / "docmost" / name
    entries = parse_node_dotenv(path.read_text(encoding="utf-8"), path)
    assert [(e.key, e.value, e.location.line, e.location.column) for e in entries] == expected


def test_every_docmost_env_file_is_covered() -> None:
    names = {p.name for p in (CORPUS / "docmost").glob("*.env*")}
    assert names == {"docmost.env.example", "docmost-docs-smtp.env", "docmost-docs-postmark.env"}


# ------------------------------------------------------- differential: dotenv + dotenv-expand

_NODE_HARNESS = """
const dotenv = require('dotenv');
const { expand } = require('dotenv-expand');
const cases = JSON.parse(require('fs').readFileSync(0, 'utf8'));
console.log(JSON.stringify(cases.map(([text, env]) => {
  const parsed = dotenv.parse(Buffer.from(text, 'utf8'));
  return Object.entries(expand({ parsed, processEnv: Object.assign({}, env) }).parsed);
})));
"""


def _node_modules() -> Path:
    modules = Path(os.environ.get("MAIL_LINT_NODE_MODULES", "/tmp/mlnode/node_modules"))
    if shutil.which("node") is None:
        pytest.skip("node not installed")
    for package, version in (("dotenv", "17.4.1"), ("dotenv-expand", "12.0.3")):
        manifest = modules / package / "package.json"
        if not manifest.is_file():
            pytest.skip(f"{package} not installed under {modules}")
        found = json.loads(manifest.read_text(encoding="utf-8")).get("version")
        if found != version:
            pytest.skip(f"{package} {found} under {modules}, want {version}")
    return modules


def test_differential_against_node(tmp_path: Path) -> None:
    modules = _node_modules()
    harness = tmp_path / "run.js"
    harness.write_text(_NODE_HARNESS, encoding="utf-8")
    cases = [(text, env) for text, env, _ in VALUES]
    for path in sorted((CORPUS / "docmost").glob("*.env*")):
        cases.append((path.read_text(encoding="utf-8"), {}))
    result = subprocess.run(
        ["node", str(harness)],
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        env={**os.environ, "NODE_PATH": str(modules)},
    )
    for (text, env), expected in zip(cases, json.loads(result.stdout), strict=True):
        got = values(text, env)
        assert got == dict(expected), text
        # Same keys in the same order as the object dotenv-expand returns (last wins, first
        # position; array indices first).
        assert sorted(got) == sorted(k for k, _ in expected)
