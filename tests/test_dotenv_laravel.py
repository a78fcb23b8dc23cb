"""BookStack's ``.env`` as Laravel's phpdotenv v5 reads it: values, positions, failures.

The differential test runs phpdotenv itself when ``php`` and its sources are available
(``MAIL_LINT_PHPDOTENV``: a folder with ``dotenv/src`` from vlucas/phpdotenv v5.6.3,
``option/src`` from schmittjoh/php-option and ``result/src`` from GrahamCampbell/Result-Type).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from mail_lint.dotenv_laravel import parse_laravel_dotenv
from mail_lint.errors import SourceError
from mail_lint.model import Location, SourceKind, Variable
from support import CORPUS

ENV = Path("/config/www/.env")


def values(text: str, env: dict[str, str] | None = None) -> dict[str, str | None]:
    lookup = None if env is None else {k: Variable(k, v) for k, v in env.items()}.get
    return {e.key: e.value for e in parse_laravel_dotenv(text, ENV, lookup=lookup)}


def error(text: str) -> SourceError:
    with pytest.raises(SourceError) as info:
        parse_laravel_dotenv(text, ENV)
    return info.value


# ----------------------------------------------------------------------------- reader quirks

#: (text, what phpdotenv + Laravel's immutable repository end up with). Each is also checked
#: against phpdotenv itself by the differential test below.
VALUES: list[tuple[str, dict[str, str | None]]] = [
    ("A=1", {"A": "1"}),
    ("A=1 # comment", {"A": "1"}),
    ("A=a#b", {"A": "a"}),  # '#' anywhere in an unquoted value starts a comment
    ("A=#b", {"A": ""}),
    ('A="a#b"', {"A": "a#b"}),
    ('A="x y" # c', {"A": "x y"}),
    ("A='x y'", {"A": "x y"}),
    ('A=a"b', {"A": 'a"b'}),  # quotes inside an unquoted value are literal
    ("A=a\\nb", {"A": "a\\nb"}),  # no escapes unquoted
    ('A="a\\nb\\tc\\"d\\\\e"', {"A": 'a\nb\tc"d\\e'}),
    ("A='a\\nb'", {"A": "a\\nb"}),
    ('A="\\fx\\vy"', {"A": "\fx\vy"}),
    ("A=", {"A": ""}),
    ('A=""', {"A": ""}),
    ("A", {"A": None}),  # a bare name clears the variable
    ("A=1\nA", {"A": None}),
    ("A=1\nA=2", {"A": "2"}),
    ("export AB=1", {"AB": "1"}),
    ("export\tAB=1", {"AB": "1"}),
    ("'AB'=1", {"AB": "1"}),
    ('"AB"=1', {"AB": "1"}),
    ("A.B=1", {"A.B": "1"}),
    ("Äé=1", {"Äé": "1"}),
    ("  A  =  1  ", {"A": "1"}),
    ("A=\fx", {"A": "\fx"}),  # trim() leaves \f, and the lexer keeps it
    ("A=x\f", {"A": "x"}),
    ("A=1\r\nB=2\rC=3", {"A": "1", "B": "2", "C": "3"}),
    ("\ufeffA=1", {"A": "1"}),
    ('A="multi\nline"\nB=2', {"A": "multi\nline", "B": "2"}),
    # A comment with an unbalanced =" swallows lines up to the next quote.
    ('# X="foo\nA=1\nB="z"\nC=3', {"C": "3"}),
    # A multi-line value never closed swallows the rest of the file, silently.
    ('A=1\nB="open\nC=3', {"A": "1"}),
    ("A=1\nB=${A}", {"A": "1", "B": "1"}),
    ("A=1\nB=$A", {"A": "1", "B": "$A"}),  # only ${NAME} expands
    ("B=${A}\nA=1", {"B": "${A}", "A": "1"}),  # unset: the text stays
    ("A=1\nB='${A}'", {"A": "1", "B": "${A}"}),  # not in single quotes
    ('A=1\nB="\\${A}"', {"A": "1", "B": "${A}"}),  # \$ is not a reference
    ('A=1\nB="<${A}>"', {"A": "1", "B": "<1>"}),
    ("A=1\nB=${A:-x}", {"A": "1", "B": "${A:-x}"}),  # no operators
    ("A=$\nB=${A}", {"A": "$", "B": "$"}),
    ("A=${B}\nB=1\nC=${B}${A}", {"A": "${B}", "B": "1", "C": "1${B}"}),  # right to left
    ("X=B\nAB=2\nC=${A${X}}", {"X": "B", "AB": "2", "C": "2"}),  # the inner one first
    ("A=1\nA\nB=${A}", {"A": None, "B": "${A}"}),
]


@pytest.mark.parametrize(("text", "expected"), VALUES)
def test_values(text: str, expected: dict[str, str | None]) -> None:
    assert values(text) == expected


#: (text, phpdotenv's message, line, column).
ERRORS: list[tuple[str, str, int, int]] = [
    ("A=foo bar", "Encountered unexpected whitespace at [foo bar].", 1, 7),
    ("MAIL_FROM_NAME=Book Stack", "Encountered unexpected whitespace at [Book Stack].", 1, 21),
    ('A="a"b', 'Encountered unexpected whitespace at ["a"b].', 1, 6),
    ("A='a'\"b\"", "Encountered unexpected whitespace at ['a'\"b\"].", 1, 6),
    ('A="\\q"', 'Encountered an unexpected escape sequence at ["\\q"].', 1, 4),
    ('A="\\\'"', 'Encountered an unexpected escape sequence at ["\\\'"].', 1, 4),
    ('A="\\ x"', 'Encountered an unexpected escape sequence at ["\\ x"].', 1, 4),
    ("=x", "Encountered an unexpected equals at [=x].", 1, 1),
    ("A=1\n  = x", "Encountered an unexpected equals at [  = x].", 2, 3),
    ("A = 'x", "Encountered a missing closing quote at ['x].", 1, 5),
    ('A = "x', 'Encountered a missing closing quote at ["x].', 1, 5),  # no multi-line: "= "
    ("FOO ", "Encountered an invalid name at [FOO ].", 1, 1),  # no '=': not trimmed
    ("export A=1", "Encountered an invalid name at [export A].", 1, 1),  # not > 8 chars
    ("A-B=1", "Encountered an invalid name at [A-B].", 1, 1),
    ("中=1", "Encountered an invalid name at [中].", 1, 1),  # Lo is not a letter class here
    ("OK=1\nfoo bar", "Encountered an invalid name at [foo bar].", 2, 1),
    ("A='multi\nline'", "Encountered a missing closing quote at ['multi].", 1, 3),  # only ="
    ('A="x\ny"z', 'Encountered unexpected whitespace at ["x].', 2, 3),
]


@pytest.mark.parametrize(("text", "message", "line", "column"), ERRORS)
def test_errors(text: str, message: str, line: int, column: int) -> None:
    exc = error(text)
    assert exc.message == (
        f"The environment file is invalid! Failed to parse dotenv file. {message}"
    )
    assert (exc.location.line, exc.location.column) == (line, column)
    assert exc.location.path == ENV


# ------------------------------------------------------------------------------- positions


def test_positions_raw_and_quote() -> None:
    text = "A=1\n  export  B = \"x\\ny\" # c\nC=\nD\nE=#x\n'F'='q'\nG=\"a\nbc\"\n"
    a, b, c, d, e, f, g = parse_laravel_dotenv(text, ENV)
    assert (a.key_location, a.location, a.raw, a.quote) == (
        Location(ENV, 1, 1, 1, 2),
        Location(ENV, 1, 3, 1, 4),
        "1",
        "",
    )
    assert (b.key, b.value, b.raw, b.quote) == ("B", "x\ny", "x\\ny", '"')
    assert b.key_location == Location(ENV, 2, 11, 2, 12)
    assert b.location == Location(ENV, 2, 15, 2, 21)
    # Empty values sit at the key.
    assert (c.value, c.raw, c.location) == ("", "", Location(ENV, 3, 1, 3, 2))
    assert (d.value, d.raw, d.location) == (None, "", Location(ENV, 4, 1, 4, 2))
    assert (e.value, e.location) == ("", Location(ENV, 5, 1, 5, 2))
    assert (f.key, f.key_location, f.location, f.quote) == (
        "F",
        Location(ENV, 6, 2, 6, 3),
        Location(ENV, 6, 5, 6, 8),
        "'",
    )
    assert (g.value, g.raw, g.location) == ("a\nbc", "a\nbc", Location(ENV, 7, 3, 8, 4))


def test_crlf_positions() -> None:
    a, b = parse_laravel_dotenv('A=1\r\nB="x\r\ny"', ENV)
    assert a.location == Location(ENV, 1, 3, 1, 4)
    assert (b.value, b.location) == ("x\ny", Location(ENV, 2, 3, 3, 3))


def test_origin_and_missing() -> None:
    a, b, c, d = parse_laravel_dotenv("A=1\nB=${A}\nC=x${B}${NOPE}\nD=${B}", ENV)
    assert (b.value, b.origin, b.from_origin) == ("1", (a.location,), True)
    assert (c.value, c.origin, c.missing, c.from_origin) == (
        "x1${NOPE}",
        (b.location, a.location),
        ("NOPE",),
        False,
    )
    assert (d.origin, d.from_origin) == ((b.location, a.location), True)
    setting = c.to_setting(SourceKind.APP_DOTENV)
    assert (setting.key, setting.value, setting.raw, setting.location) == (
        "C",
        "x1${NOPE}",
        "x${B}${NOPE}",
        c.location,
    )


def test_environment_wins() -> None:
    env_at = Location(Path("compose.yaml"), 9, 7)
    env = {"A": Variable("A", "from-env", env_at), "E": Variable("E", "", env_at)}
    a, b, e, f = parse_laravel_dotenv("A=file\nB=${A}\nE=x\nF=${E}", ENV, lookup=env.get)
    # Immutable repository: the file line has no effect on A, and ${A} reads the environment.
    assert (a.value, a.raw, a.from_origin, a.origin) == ("from-env", "file", True, (env_at,))
    assert (b.value, b.origin) == ("from-env", (env_at,))
    # An empty environment variable is still set: the file does not override it.
    assert (e.value, f.value) == ("", "")


def test_clear_refused_when_set_in_environment() -> None:
    env = {"A": Variable("A", "e")}
    (a,) = parse_laravel_dotenv("A", ENV, lookup=env.get)
    assert (a.value, a.from_origin) == ("e", True)


# ---------------------------------------------------------------------------------- corpus


def test_corpus_env_example() -> None:
    path = CORPUS / "bookstack" / "bookstack.env.example"
    entries = parse_laravel_dotenv(path.read_text(encoding="utf-8"), path)
    got = [(e.key, e.value, e.location.line, e.location.column, e.quote) for e in entries]
    assert got == [
        ("APP_KEY", "SomeRandomString", 12, 9, ""),
        ("APP_URL", "https://example.com", 21, 9, ""),
        ("DB_HOST", "localhost", 24, 9, ""),
        ("DB_DATABASE", "database_database", 25, 13, ""),
        ("DB_USERNAME", "database_username", 26, 13, ""),
        ("DB_PASSWORD", "database_user_password", 27, 13, ""),
        ("MAIL_DRIVER", "smtp", 31, 13, ""),
        ("MAIL_FROM_NAME", "BookStack", 34, 16, '"'),
        ("MAIL_FROM", "bookstack@example.com", 35, 11, ""),
        ("MAIL_HOST", "localhost", 42, 11, ""),
        ("MAIL_PORT", "587", 43, 11, ""),
        ("MAIL_USERNAME", "null", 44, 15, ""),  # Laravel's env() turns it into null later
        ("MAIL_PASSWORD", "null", 45, 15, ""),
        ("MAIL_ENCRYPTION", "null", 46, 17, ""),
    ]
    assert entries[7].location == Location(path, 34, 16, 34, 27)
    assert entries[7].key_location == Location(path, 34, 1, 34, 15)


def test_corpus_env_example_complete() -> None:
    path = CORPUS / "bookstack" / "bookstack.env.example.complete"
    text = path.read_text(encoding="utf-8")
    entries = parse_laravel_dotenv(text, path)
    lines = text.split("\n")
    assert len(entries) == sum(1 for line in lines if line[:1].isalpha())
    by_key = {e.key: e for e in entries}
    sendmail = by_key["MAIL_SENDMAIL_COMMAND"]
    assert (sendmail.value, sendmail.location) == (
        "/usr/sbin/sendmail -bs",
        Location(path, 85, 23, 85, 47),
    )
    assert by_key["LDAP_USER_FILTER"].value == "(&(uid={user}))"
    assert by_key["MAIL_VERIFY_SSL"].value == "true"
    # Every entry's position points at its own line's text.
    for entry in entries:
        line = lines[entry.location.line - 1]
        assert line.startswith(f"{entry.key}=")
        assert line[entry.key_location.column - 1 :].startswith(entry.key)
        if entry.raw:
            assert line[entry.location.column - 1 + len(entry.quote) :].startswith(entry.raw)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "bookstack-docs-smtp.env",
            [
                ("MAIL_DRIVER", "smtp", 1, 13),
                ("MAIL_HOST", "smtp.provider.tld", 4, 11),
                ("MAIL_PORT", "587", 8, 11),
                ("MAIL_ENCRYPTION", "tls", 16, 17),
                ("MAIL_USERNAME", "user@provider.tld", 19, 15),
                ("MAIL_PASSWORD", "onlyifneeded", 20, 15),
                ("MAIL_FROM", "noreply@yourdomain.tld", 23, 11),  # trailing spaces trimmed
                ("MAIL_FROM_NAME", "BookStack", 26, 16),
            ],
        ),
        (
            "bookstack-docs-sendmail.env",
            [
                ("MAIL_DRIVER", "sendmail", 1, 13),
                ("MAIL_FROM", "noreply@yourdomain.tld", 4, 11),
                ("MAIL_FROM_NAME", "BookStack", 7, 16),
                ("MAIL_SENDMAIL_COMMAND", "/usr/sbin/sendmail -bs", 10, 23),
            ],
        ),
        ("bookstack-docs-verify-ssl.env", [("MAIL_VERIFY_SSL", "false", 4, 17)]),
    ],
)
def test_corpus_docs_snippets(name: str, expected: list[tuple[str, str, int, int]]) -> None:
    path = CORPUS / "bookstack" / name
    entries = parse_laravel_dotenv(path.read_text(encoding="utf-8"), path)
    assert [(e.key, e.value, e.location.line, e.location.column) for e in entries] == expected


def test_every_bookstack_env_file_is_covered() -> None:
    names = {p.name for p in (CORPUS / "bookstack").glob("*.env*")}
    assert names == {
        "bookstack.env.example",
        "bookstack.env.example.complete",
        "bookstack-docs-smtp.env",
        "bookstack-docs-sendmail.env",
        "bookstack-docs-verify-ssl.env",
    }


# ------------------------------------------------------------------ differential: phpdotenv

_PHP_HARNESS = r"""<?php
$root = $argv[1];
spl_autoload_register(function ($c) use ($root) {
  $map = ['Dotenv\\' => "$root/dotenv/src/", 'PhpOption\\' => "$root/option/src/PhpOption/",
          'GrahamCampbell\\ResultType\\' => "$root/result/src/"];
  foreach ($map as $p => $d) {
    if (strncmp($c, $p, strlen($p)) === 0) {
      $f = $d.str_replace('\\', '/', substr($c, strlen($p))).'.php';
      if (is_file($f)) { require $f; }
      return;
    }
  }
});
use Dotenv\Repository\RepositoryBuilder; use Dotenv\Repository\Adapter\ArrayAdapter;
$out = [];
foreach (json_decode(stream_get_contents(STDIN), true) as [$text, $env]) {
  $adapter = ArrayAdapter::create()->get();
  foreach ($env as $k => $v) { $adapter->write($k, $v); }
  $repo = RepositoryBuilder::createWithNoAdapters()->addAdapter($adapter)->immutable()->make();
  try {
    $entries = (new Dotenv\Parser\Parser())->parse($text);
    (new Dotenv\Loader\Loader())->load($repo, $entries);
    $vals = [];
    foreach ($entries as $e) { $vals[] = [(string) $e->getName(), $repo->get($e->getName())]; }
    $out[] = ['ok', $vals];
  } catch (Dotenv\Exception\InvalidFileException $e) { $out[] = ['err', $e->getMessage()]; }
}
echo json_encode($out);
"""


def _phpdotenv() -> Path:
    root = Path(os.environ.get("MAIL_LINT_PHPDOTENV", "/tmp/mlphp"))
    if shutil.which("php") is None:
        pytest.skip("php not installed")
    if not (root / "dotenv" / "src" / "Parser" / "EntryParser.php").is_file():
        pytest.skip(f"phpdotenv sources not found under {root}")
    return root


def test_differential_against_phpdotenv(tmp_path: Path) -> None:
    root = _phpdotenv()
    harness = tmp_path / "run.php"
    harness.write_text(_PHP_HARNESS, encoding="utf-8")
    # The BOM is dropped by the file reader (Str::utf8), which the harness bypasses.
    cases = [(text, {}) for text, _ in VALUES if not text.startswith("\ufeff")]
    cases += [(text, {}) for text, *_ in ERRORS]
    cases += [("A=file\nB=${A}\nE=x\nF=${E}", {"A": "env", "E": ""}), ("A", {"A": "e"})]
    for path in sorted((CORPUS / "bookstack").glob("*.env*")):
        cases.append((path.read_text(encoding="utf-8"), {}))
    result = subprocess.run(
        ["php", str(harness), str(root)],
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    for (text, env), (status, expected) in zip(cases, json.loads(result.stdout), strict=True):
        if status == "err":
            exc = error(text)
            assert exc.message == f"The environment file is invalid! {expected}", text
        else:
            assert values(text, env) == dict(expected), text
