"""Compose variable interpolation: exact values, origins, warnings and errors.

Every expectation here was checked against Docker Compose v2.40.3 (see
``test_dotenv_compose_oracle.py`` for the differential run).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from mail_lint.errors import SourceError
from mail_lint.interpolation import Interpolated, go_quote, interpolate, references
from mail_lint.model import Location, Variable

ENV = Path(".env")
HOST = Location(ENV, 1, 11)
PORT = Location(ENV, 2, 11)
CHAIN = Location(ENV, 9, 1)
VARIABLES = {
    "SMTP_HOST": Variable("SMTP_HOST", "mail.example.org", HOST),
    "SMTP_PORT": Variable("SMTP_PORT", "465", PORT, (CHAIN,)),
    "EMPTY": Variable("EMPTY", ""),
    "DOLLAR": Variable("DOLLAR", "pa${ss$X"),
    "lower": Variable("lower", "low"),
}
HERE = Location(Path("compose.yaml"), 7, 18)


def lookup(name: str) -> Variable | None:
    return VARIABLES.get(name)


def value(text: str) -> str:
    return interpolate(text, lookup).value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain", "plain"),
        ("", ""),
        ("$$", "$"),
        ("$$SMTP_HOST", "$SMTP_HOST"),
        ("$$$SMTP_PORT", "$465"),
        ("123$456", "123$456"),
        ("a $ b", "a $ b"),
        ("$-x", "$-x"),
        ("$SMTP_HOST:$SMTP_PORT", "mail.example.org:465"),
        ("${SMTP_HOST}x", "mail.example.orgx"),
        ("$SMTP_HOSTx", ""),
        ("${lower}", "low"),
        ("$lower", "low"),
        ("${MISSING}", ""),
        ("${MISSING:-587}", "587"),
        ("${MISSING-587}", "587"),
        ("${EMPTY:-587}", "587"),
        ("${EMPTY-587}", ""),
        ("${SMTP_PORT:-587}", "465"),
        ("${SMTP_PORT:+tls}", "tls"),
        ("${SMTP_PORT+tls}", "tls"),
        ("${EMPTY:+tls}", ""),
        ("${EMPTY+tls}", "tls"),
        ("${MISSING+tls}", ""),
        ("${MISSING:+tls}", ""),
        ("${EMPTY?e}", ""),
        ("${SMTP_PORT:?e}", "465"),
        ("${MISSING:-${SMTP_HOST:-fallback}}", "mail.example.org"),
        ("${MISSING:-${ALSO_MISSING:-fallback}}", "fallback"),
        ("${MISSING:-a}-${SMTP_PORT}", "a-465"),
        ("${MISSING:-a}}", "a}"),
        ("${MISSING:-x:-y}", "x:-y"),
        ("${MISSING:-$$}", "$"),
        ("${MISSING:-{x}}", "{x}"),
        ("${MISSING:-{}}", "{}"),
        ("${DOLLAR}", "pa${ss$X"),
        ("${SMTP_HOST:-a}b${SMTP_PORT}", "mail.example.orgb465"),
        ("${K\u212a}", ""),
        ("multi\n${SMTP_PORT}\nline", "multi\n465\nline"),
    ],
)
def test_values(text: str, expected: str) -> None:
    assert value(text) == expected


def test_result_of_plain_text_is_bare() -> None:
    assert interpolate("smtp.example.org", lookup) == Interpolated("smtp.example.org")


def test_origin_and_from_origin_for_a_single_reference() -> None:
    result = interpolate("${SMTP_PORT:-587}", lookup)
    assert result == Interpolated("465", (PORT, CHAIN), (), True)


@pytest.mark.parametrize("text", ["$SMTP_HOST", "${SMTP_HOST}", "${SMTP_HOST-x}", "${SMTP_HOST?e}"])
def test_every_single_reference_form_is_from_origin(text: str) -> None:
    assert interpolate(text, lookup) == Interpolated("mail.example.org", (HOST,), (), True)


@pytest.mark.parametrize(
    ("text", "origin", "from_origin"),
    [
        ("smtp://${SMTP_HOST}", (HOST,), False),
        ("${SMTP_HOST}${SMTP_HOST}", (HOST,), False),
        ("${SMTP_HOST:+x}", (), False),
        ("${MISSING:-${SMTP_HOST}}", (HOST,), False),
        ("${SMTP_HOST:-${SMTP_PORT}}", (HOST,), True),
        ("${SMTP_PORT}:${SMTP_HOST}", (PORT, CHAIN, HOST), False),
        ("${SMTP_HOST:-x}${SMTP_PORT}", (HOST, PORT, CHAIN), False),
        ("${SMTP_HOST:-x}}", (HOST,), False),
    ],
)
def test_origin_holds_only_variables_whose_text_was_used(
    text: str, origin: tuple[Location, ...], from_origin: bool
) -> None:
    result = interpolate(text, lookup)
    assert result.origin == origin
    assert result.from_origin is from_origin


def test_default_and_empty_set_variables_are_not_from_origin() -> None:
    assert not interpolate("${MISSING:-587}", lookup).from_origin
    assert not interpolate("${EMPTY:-587}", lookup).from_origin
    # EMPTY is set, its (empty) text is the value, but it has no location.
    assert interpolate("${EMPTY-587}", lookup) == Interpolated("", (), (), True)


@pytest.mark.parametrize(
    ("text", "missing"),
    [
        ("${MISSING}", ("MISSING",)),
        ("$MISSING and ${MISSING}", ("MISSING",)),
        ("${MISSING:-x}", ()),
        ("${MISSING-x}", ()),
        ("${MISSING:+x}", ()),
        ("${SMTP_HOST:-$INNER}", ("INNER",)),  # Compose evaluates the default eagerly
        ("${A:-$B} $C", ("B", "C")),
        ("$EMPTY", ()),
    ],
)
def test_missing_follows_composes_warnings(text: str, missing: tuple[str, ...]) -> None:
    assert interpolate(text, lookup).missing == missing


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("pa${ss", 'Invalid template: "pa${ss"'),
        ("${", 'Invalid template: "${"'),
        ("${SMTP_HOST", 'Invalid template: "${SMTP_HOST"'),
        ("${A:x}", 'Invalid template: "${A:x}"'),
        ("${A/b/c}", 'Invalid template: "${A/b/c}"'),
        ("${\u0131}", 'Invalid template: "${\u0131}"'),  # no dotless i in Go's case folding
        ("${}", 'Invalid template: "${}"'),
        ("${ A}", 'Invalid template: "${ A}"'),
        ("${A:-x\n}", 'Invalid template: "${A:-x\\n}"'),
        # The brace counter skips the character after "{", so "{}}" does not balance and
        # the rest of the match is interpolated as a template of its own.
        ("${SMTP_HOST:-{}} ${B}", 'Invalid template: "{}} ${B"'),
        ("${MISSING:-${B}", 'Invalid template: "${B"'),
        ("${MISSING:?}", "required variable MISSING is missing a value"),
        ("${MISSING?need it}", "required variable MISSING is missing a value: need it"),
        ("${EMPTY:?empty}", "required variable EMPTY is missing a value: empty"),
        ("${MISSING:?at $SMTP_PORT}", "required variable MISSING is missing a value: at 465"),
        # The default is interpolated before SMTP_HOST is looked at.
        ("${SMTP_HOST:-${NOPE:?x}}", "required variable NOPE is missing a value: x"),
        ("$X ${Y:?y} ${", "required variable Y is missing a value: y"),
    ],
)
def test_errors_without_what(text: str, message: str) -> None:
    with pytest.raises(SourceError) as caught:
        interpolate(text, lookup, location=HERE)
    assert caught.value.message == message
    assert caught.value.location == HERE


def test_errors_with_what_use_the_loader_wording() -> None:
    what = "services.app.environment.SMTP_HOST"
    with pytest.raises(SourceError) as caught:
        interpolate("pa${ss", lookup, what=what)
    assert caught.value.message == (
        f'invalid interpolation format for {what}: "pa${{ss". '
        "You may need to escape any $ with another $."
    )
    assert caught.value.location == Location(Path("<string>"), 1, 1)
    with pytest.raises(SourceError) as caught:
        interpolate("${REQ:?set it}", lookup, what=what)
    assert caught.value.message == (
        f"error while interpolating {what}: required variable REQ is missing a value: set it"
    )


def test_values_from_the_lookup_are_not_reinterpolated() -> None:
    assert interpolate("$DOLLAR", lookup) == Interpolated("pa${ss$X", (), (), True)


def test_lookup_is_asked_only_for_names_case_sensitively() -> None:
    asked: list[str] = []

    def spy(name: str) -> Variable | None:
        asked.append(name)
        return None

    interpolate("$a ${B:-$c} $$d 1$2", spy)
    assert asked == ["a", "c", "B"]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("", ()),
        ("no refs", ()),
        ("$$NOT $A ${B} ${C:-$D} ${E?${F}} $A", ("A", "B", "C", "D", "E", "F")),
        ("${G:+x} ${H-}", ("G", "H")),
        ("${BAD ${AFTER}", ("AFTER",)),
        ("${X:?}", ("X",)),
        ("123$456", ()),
    ],
)
def test_references(text: str, names: tuple[str, ...]) -> None:
    assert references(text) == names


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ("plain", '"plain"'),
        ('a"b\\c', '"a\\"b\\\\c"'),
        ("tab\tnl\nbell\a", '"tab\\tnl\\nbell\\a"'),
        ("\x00\x7f", '"\\x00\\x7f"'),
        ("é\u00a0\u2028", '"é\\u00a0\\u2028"'),
        ("\U0001f600\U000e0001", '"\U0001f600\\U000e0001"'),
    ],
)
def test_go_quote(text: str, quoted: str) -> None:
    assert go_quote(text) == quoted
