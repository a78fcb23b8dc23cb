"""The Compose dotenv dialect: values, exact positions, quirks and errors.

Expectations were checked against Docker Compose v2.40.3; the generated differential run is
``test_dotenv_compose_oracle.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from mail_lint.dotenv_compose import parse_compose_dotenv
from mail_lint.errors import SourceError
from mail_lint.model import DotenvEntry, Location, Variable

PATH = Path("stack/.env")
SHELL_LOCATION = Location(Path("<shell>"), 1, 1)
SHELL = {
    "SH": Variable("SH", "shell", SHELL_LOCATION),
    "A": Variable("A", "from-shell"),
    "SH_EMPTY": Variable("SH_EMPTY", ""),
}


def shell(name: str) -> Variable | None:
    return SHELL.get(name)


def at(
    line: int, column: int, end_line: int | None = None, end_column: int | None = None
) -> Location:
    return Location(PATH, line, column, end_line, end_column)


def parse(text: str, *, raw: bool = False, lookup: bool = False) -> tuple[DotenvEntry, ...]:
    return parse_compose_dotenv(text, PATH, lookup=shell if lookup else None, raw=raw)


def values(text: str, *, raw: bool = False, lookup: bool = False) -> dict[str, str | None]:
    """The effective mapping: later entries win, unset bare keys stay ``None``."""
    result: dict[str, str | None] = {}
    for entry in parse(text, raw=raw, lookup=lookup):
        result[entry.key] = entry.value
    return result


def error(text: str, *, raw: bool = False) -> SourceError:
    with pytest.raises(SourceError) as caught:
        parse(text, raw=raw)
    return caught.value


# --- values --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A=1", {"A": "1"}),
        ("A=1\nA=2\n", {"A": "2"}),
        ("A = 1 ", {"A": "1"}),
        ("A: 1", {"A": "1"}),
        ("A:1=2", {"A": "1=2"}),
        ("A=x=y:z", {"A": "x=y:z"}),
        ("A=", {"A": ""}),
        ("A=\nB=2", {"A": "", "B": "2"}),
        ("export A=1", {"A": "1"}),
        ("export\tA=1", {"A": "1"}),
        ("exporter=1", {"exporter": "1"}),
        ("export=1", {"export": "1"}),
        ("export =1", {"": "1"}),
        ("  # comment\n\n\tA=1 # trailing\n#B=2", {"A": "1"}),
        ("A=a#b", {"A": "a#b"}),
        ("A=a\t#b", {"A": "a\t#b"}),
        ("A=a #b", {"A": "a"}),
        ("A= #b", {"A": "#b"}),
        ("A=#b", {"A": "#b"}),
        ("A=a b  c   ", {"A": "a b  c"}),
        ("A=a\u2003", {"A": "a"}),
        ("A=a\x1c", {"A": "a\x1c"}),
        (
            "K.dot=1\nK-dash=2\nK[0]=3\n9a=4\nÜnï=5\nK²=6",
            {
                "K.dot": "1",
                "K-dash": "2",
                "K[0]": "3",
                "9a": "4",
                "Ünï": "5",
                "K²": "6",
            },
        ),
        ("A\t=1", {"A": "1"}),
        ("A\tB=1", {"A\tB": "1"}),
        ('A="x y"', {"A": "x y"}),
        ('A="x # y" # c', {"A": "x # y"}),
        ("A='x # y'", {"A": "x # y"}),
        ('A="a\\nb\\tc\\rd\\\\e\\"f\\$g"', {"A": 'a\nb\tc\rd\\e"f$g'}),
        ('A="\\a\\b\\f\\v"', {"A": "\a\b\f\v"}),
        ('A="\\q\\c\\\'"', {"A": "\\q\\c\\'"}),
        ('A="\\0101\\01234"', {"A": "AS4"}),
        ('A="\\0377"', {"A": "\u00ff"}),
        ('A="\\0400|\\08|\\012|\\0|\\0777"', {"A": "\\400|\\8|\\12|\\|\\777"}),
        ("A='\\n\\$x\\''", {"A": "\\n\\$x'"}),
        ("A='a\\\\'", {"A": "a\\\\"}),
        ('A="multi\nline"\nB=2', {"A": "multi\nline", "B": "2"}),
        ("A='multi\nline'", {"A": "multi\nline"}),
        ('A=""', {"A": ""}),
        ("A=''", {"A": ""}),
        ('A="x" B=y', {"A": "x", "B": "y"}),
        ('A="x" B\n', {"A": "x", "B": None}),
        ('A="x" B', {"A": "x", "": "B"}),  # no newline at the end: not a bare key
        ('A="x"zz\n', {"A": "x", "zz": None}),
        ("A='x'=y", {"A": "x", "": "y"}),
        ('A="x"#c\nB=1', {"A": "x", "B": "1"}),
        ('A=x"y"', {"A": 'x"y"'}),
        ("A=it's", {"A": "it's"}),
        ("A=1\r\nB='2'\r\nC=\"3\" # c\r\n", {"A": "1", "B": "2", "C": "3"}),
        ("A='x\r\ny'", {"A": "x\r\ny"}),
        ("\ufeffA=1", {"A": "1"}),
        ("A=1\nLAST", {"A": "1", "": "LAST"}),
        ("A=1\nexport", {"A": "1", "": "export"}),
        ("A=1\nexport\nB=2", {"A": "1", "": None, "B": "2"}),
        ("export =1\nexport\nB=2", {"": "1", "B": "2"}),
        ("export\vA=1", {"export\vA": "1"}),  # Go's \s has no \v, so no export here
        ("export\fA=1", {"A": "1"}),
        ("A\x85B=1", {"A\x85B": "1"}),
        ("A=\u20031", {"A": "\u20031"}),
        ('A="\\000"', {"A": "\\00"}),
        ("A=${SH:-{a}}b}", {"A": "{a}b}"}),
        ("A=$\u017f", {"A": ""}),
        ("NOPE\n", {"NOPE": None}),
        ("NOPE \n", {"NOPE": None}),
    ],
)
def test_values(text: str, expected: dict[str, str | None]) -> None:
    assert values(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("B=${A}-x", {"B": "from-shell-x"}),
        ("A=dotenv\nB=${A}-x", {"A": "dotenv", "B": "from-shell-x"}),  # the shell wins
        ("C=1\nD=$C$C", {"C": "1", "D": "11"}),
        ("D=${C}\nC=1", {"D": "", "C": "1"}),  # only earlier lines
        ("D=${C-unset}\nC\n", {"D": "unset", "C": None}),
        ("C\nD=${C-was-unset}", {"C": None, "D": "was-unset"}),
        ("SH\nD=${SH-x}", {"SH": "shell", "D": "shell"}),
        ("C=1\nC\n", {"C": "1"}),
        ("SH_EMPTY\nD=${SH_EMPTY-x}|${SH_EMPTY:-y}", {"SH_EMPTY": "", "D": "|y"}),
        ('D="$SH \\$SH $$SH"', {"D": "shell $SH $SH"}),
        ("D='$SH'", {"D": "$SH"}),
        ("D=$SH #c $SH", {"D": "shell"}),
        ("D=${NOPE:-a b} # c", {"D": "a b"}),
        ("P='pa$${x'\nQ=${P}", {"P": "pa$${x", "Q": "pa$${x"}),
        ("D=${SH:+set}${NOPE:+set}", {"D": "set"}),
    ],
)
def test_interpolation(text: str, expected: dict[str, str | None]) -> None:
    assert values(text, lookup=True) == expected


# --- positions and provenance ---------------------------------------------------------------


def test_positions_of_keys_and_values() -> None:
    text = (
        "# SMTP\n"
        "SMTP_HOST=mail.example.org # relay\n"
        "export  SMTP_PORT : 587\n"
        '  SMTP_FROM="App <noreply@example.org>"\n'
        "SMTP_PASSWORD='multi\n"
        "line'\n"
        "SMTP_USER\n"
    )
    a, b, c, d, e = parse(text)
    assert a == DotenvEntry(
        "SMTP_HOST", "mail.example.org", at(2, 11, 2, 27), at(2, 1, 2, 10), "mail.example.org"
    )
    assert (b.key, b.value, b.location, b.key_location) == (
        "SMTP_PORT",
        "587",
        at(3, 21, 3, 24),
        at(3, 9, 3, 18),
    )
    assert (c.location, c.key_location, c.raw, c.quote) == (
        at(4, 13, 4, 40),
        at(4, 3, 4, 12),
        "App <noreply@example.org>",
        '"',
    )
    assert (d.value, d.location, d.raw, d.quote) == (
        "multi\nline",
        at(5, 15, 6, 6),
        "multi\nline",
        "'",
    )
    assert e == DotenvEntry("SMTP_USER", None, at(7, 1, 7, 10), at(7, 1, 7, 10), "")


def test_positions_with_bom_and_crlf() -> None:
    first, second = parse('\ufeffA=1\r\nB="2"\r\n')
    assert first.location == at(1, 3, 1, 4)
    assert second.key_location == at(2, 1, 2, 2)
    assert second.location == at(2, 3, 2, 6)


def test_empty_value_position_is_after_the_separator() -> None:
    (entry,) = parse("KEY=\n")
    assert entry.location == at(1, 5, 1, 5)
    assert entry.raw == ""


def test_raw_keeps_escapes_and_drops_the_comment() -> None:
    unquoted, quoted = parse('A=x\\n$$y  # c\nB="a\\"b\\n" # c')
    assert (unquoted.raw, unquoted.value) == ("x\\n$$y", "x\\n$y")
    assert (quoted.raw, quoted.value) == ('a\\"b\\n', 'a"b\n')


def test_origin_chain_through_earlier_lines() -> None:
    host, url, copy = parse("HOST=mail\nURL=smtp://${HOST}\nCOPY=${URL}", lookup=True)
    assert url.origin == (host.location,)
    assert not url.from_origin
    assert copy.origin == (url.location, host.location)
    assert copy.from_origin


def test_origin_from_the_lookup() -> None:
    (entry,) = parse("X=${SH:-default}", lookup=True)
    assert entry.origin == (SHELL_LOCATION,)
    assert entry.from_origin
    (quoted,) = parse('X="${SH}"', lookup=True)
    assert quoted.from_origin


def test_bare_key_takes_the_lookup_value_with_its_origin() -> None:
    (entry,) = parse("SH\n", lookup=True)
    assert entry == DotenvEntry(
        "SH",
        "shell",
        at(1, 1, 1, 3),
        at(1, 1, 1, 3),
        "",
        origin=(SHELL_LOCATION,),
        from_origin=True,
    )


def test_bare_key_keeps_an_earlier_value_of_the_file() -> None:
    first, bare = parse("C=1\nC\n")
    assert bare.value == "1"
    assert bare.origin == (first.location,)


def test_missing_names() -> None:
    (entry,) = parse("URL=smtp://$NOPE:${PORT:-25}/${NOPE}$OTHER", lookup=True)
    assert entry.missing == ("NOPE", "OTHER")
    assert entry.value == "smtp://:25/"


def test_all_entries_are_returned_in_file_order() -> None:
    entries = parse("A=1\nB=2\nA=3\n")
    assert [(e.key, e.value) for e in entries] == [("A", "1"), ("B", "2"), ("A", "3")]


def test_to_variable_and_setting_round_trip() -> None:
    (entry,) = parse("A=1")
    assert entry.to_variable() == Variable("A", "1", at(1, 3, 1, 4))


# --- errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message", "location"),
    [
        ("SMTP PASSWORD=x", "key cannot contain a space", at(1, 1, 1, 14)),
        ("A=1\n  SMTP PASSWORD\n", "key cannot contain a space", at(2, 3, 2, 16)),
        ("A$B=1", 'unexpected character "$" in variable name "A$B=1"', at(1, 2, 1, 3)),
        (
            'A=1\r\n"B"=1\r\n',
            'unexpected character "\\"" in variable name "\\"B\\"=1\\r"',
            at(2, 1, 2, 2),
        ),
        (
            "A\u2003B=1",
            'unexpected character "\\u2003" in variable name "A\\u2003B=1"',
            at(1, 2, 1, 3),
        ),
        ('A="abc', 'unterminated quoted value "abc', at(1, 3)),
        ("A=1\nB='x\r\ny", "unterminated quoted value 'x", at(2, 3)),
        ('A="abc\\"', 'unterminated quoted value "abc\\"', at(1, 3)),
        ("A=1\nexport ", "zero length string", at(2, 8)),
        ("A=pa${ss", 'Invalid template: "pa${ss"', at(1, 3, 1, 9)),
        ('A="x\\n${"', 'Invalid template: "x\\n${"', at(1, 3, 1, 10)),
        (
            "A=${NOPE:?set NOPE}",
            "required variable NOPE is missing a value: set NOPE",
            at(1, 3, 1, 20),
        ),
        ("A=${NOPE?}", "required variable NOPE is missing a value", at(1, 3, 1, 11)),
    ],
)
def test_errors(text: str, message: str, location: Location) -> None:
    caught = error(text)
    assert caught.message == message
    assert caught.location == location


def test_single_quotes_never_interpolate_so_never_fail() -> None:
    assert values("A='pa${ss'") == {"A": "pa${ss"}


# --- format: raw ------------------------------------------------------------------------------


def test_raw_values_are_kept_as_written() -> None:
    text = '\ufeff  A="quoted $HOME" # c  \r\nB=it\'s\n#C=1\n\nD=\n E=a=b\n'
    assert values(text, raw=True) == {
        "A": '"quoted $HOME" # c  ',
        "B": "it's",
        "D": "",
        "E": "a=b",
    }


def test_raw_positions() -> None:
    first, second = parse("A=1\n  B=x y \n", raw=True)
    assert (first.key_location, first.location, first.raw) == (at(1, 1, 1, 2), at(1, 3, 1, 4), "1")
    assert (second.key_location, second.location) == (at(2, 3, 2, 4), at(2, 5, 2, 9))


def test_raw_bare_keys_use_the_lookup() -> None:
    assert values("SH\nNOPE\n", raw=True, lookup=True) == {"SH": "shell", "NOPE": None}


def test_raw_knows_no_export_and_no_colon() -> None:
    assert values("A:1=2\n", raw=True) == {"A:1": "2"}
    assert error("export A=1", raw=True).message == "variable 'export A' contains whitespaces"


@pytest.mark.parametrize(
    ("text", "message", "location"),
    [
        ("=x", "no variable name on line '=x'", at(1, 1, 1, 1)),
        ("A=1\n  A B=1", "variable 'A B' contains whitespaces", at(2, 3, 2, 6)),
        ("A\t=1", "variable 'A\t' contains whitespaces", at(1, 1, 1, 3)),
    ],
)
def test_raw_errors(text: str, message: str, location: Location) -> None:
    caught = error(text, raw=True)
    assert (caught.message, caught.location) == (message, location)
