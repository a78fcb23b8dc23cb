"""YAML loading with positions and Go yaml.v3 scalar typing (expectations checked against
Docker Compose v2.40.3, ``config --format json``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from mail_lint.errors import SourceError
from mail_lint.model import Location
from mail_lint.yamlsource import (
    MAX_DEPTH,
    YMap,
    YScalar,
    YSeq,
    compose_string,
    go_format_float,
    load_yaml,
    load_yaml_documents,
    resolve_plain,
)

P = Path("compose.yaml")


def env_of(text: str) -> dict[str, str | None]:
    root = load_yaml("services:\n  a:\n    environment:\n" + text, P)
    assert isinstance(root, YMap)
    services = root.get("services")
    assert isinstance(services, YMap)
    service = services.get("a")
    assert isinstance(service, YMap)
    env = service.get("environment")
    assert isinstance(env, YMap)
    return {k.text: compose_string(v) for k, v in env.items}


# What Compose v2.40.3 ships for each unquoted scalar in an environment mapping.
SHIPPED = {
    "yes": "yes",
    "on": "on",
    "True": "true",
    "TRUE": "true",
    "tRue": "tRue",
    "False": "false",
    "025": "21",
    "0587": "587",
    "0o17": "15",
    "0x1F": "31",
    "0b101": "5",
    "1_000": "1000",
    "-025": "-21",
    "+12": "12",
    "1e3": "1000",
    "1E3": "1000",
    "1e6": "1e+06",
    "1e20": "1e+20",
    "0.00001": "1e-05",
    "0.0001": "0.0001",
    "1.50": "1.5",
    ".5": "0.5",
    "-0": "0",
    "-0.0": "-0",
    ".inf": "+Inf",
    "-.Inf": "-Inf",
    ".nan": "NaN",
    "1.": "1",
    "123456789012345678901234": "1.2345678901234569e+23",
    "9223372036854775808": "9223372036854775808",
    "18446744073709551616": "1.8446744073709552e+19",
    "3.14159265358979323846": "3.141592653589793",
    "012345678": "1.2345678e+07",
    "0_1": "1",
    "1_0.5": "10.5",
    "1:30": "1:30",
    "1e400": "1e400",
    "2001-02-29": "2001-02-29",
    "nULL": "nULL",
}


@pytest.mark.parametrize(("text", "shipped"), SHIPPED.items())
def test_plain_scalars_resolve_like_go_yaml_v3(text: str, shipped: str) -> None:
    assert env_of(f"      K: {text}\n") == {"K": shipped}


@pytest.mark.parametrize("text", ["~", "null", "Null", "NULL", ""])
def test_nulls_are_unset(text: str) -> None:
    assert env_of(f"      K: {text}\n") == {"K": None}


def test_quoted_tagged_and_block_scalars() -> None:
    env = env_of(
        '      Q: "True"\n'
        "      S: !!str 025\n"
        '      I: !!int "25"\n'
        "      F: !!float 3\n"
        "      B: !!binary aGVsbG8=\n"
        "      L: |\n        line1\n        line2\n"
        "      G: >-\n        folded\n        text\n"
    )
    assert env == {
        "Q": "True",
        "S": "025",
        "I": "25",
        "F": "3",
        "B": "hello",
        "L": "line1\nline2\n",
        "G": "folded text",
    }


@pytest.mark.parametrize("text", ["2001-12-14", "2001-1-1", "2001-01-01 10:00:00", "2000-02-29"])
def test_timestamps_are_refused_in_environment(text: str) -> None:
    with pytest.raises(SourceError, match=r"invalid jsonType time\.Time"):
        env_of(f"      T: {text}\n")


def test_resolve_plain_tags() -> None:
    assert resolve_plain("yes") == ("!!str", "yes")
    assert resolve_plain("True") == ("!!bool", "true")
    assert resolve_plain("025") == ("!!int", "21")
    assert resolve_plain("<<") == ("!!merge", "<<")
    assert resolve_plain("2001-12-14")[0] == "!!timestamp"


def test_go_format_float() -> None:
    assert [go_format_float(v) for v in (1000.0, 1e6, 123456.0, 1e-5, 0.0001, -0.0)] == [
        "1000",
        "1e+06",
        "123456",
        "1e-05",
        "0.0001",
        "-0",
    ]


def test_locations_are_one_based_and_raw_kept() -> None:
    root = load_yaml('a:\n  key: "v a l"\n', P)
    assert isinstance(root, YMap)
    inner = root.get("a")
    assert isinstance(inner, YMap)
    key = inner.key("key")
    value = inner.get("key")
    assert key == YScalar("key", "!!str", "", Location(P, 2, 3, 2, 6), "key")
    assert value == YScalar("v a l", "!!str", '"', Location(P, 2, 8, 2, 15), '"v a l"')
    assert inner.location.line == 2


def test_duplicate_key_uses_composes_message_at_the_duplicate() -> None:
    with pytest.raises(SourceError) as info:
        load_yaml("services:\n  a:\n    environment:\n      A: 1\n      B: 2\n      A: 3\n", P)
    assert info.value.message == 'mapping key "A" already defined at line 4'
    assert info.value.location == Location(P, 6, 7, 6, 8)


def test_two_merge_keys_are_a_duplicate() -> None:
    with pytest.raises(SourceError, match='mapping key "<<" already defined at line 4'):
        load_yaml("x: &a {k: 1}\ny: &b {k: 2}\ns:\n  <<: *a\n  i: x\n  <<: *b\n", P)


def test_merge_keys_local_wins_and_earlier_source_wins() -> None:
    root = load_yaml(
        "a: &a {K: a, A: 1}\nb: &b {K: b, B: 2}\n"
        "m:\n  <<: [*a, *b]\n  L: 3\nn:\n  K: own\n  <<: *a\n",
        P,
    )
    assert isinstance(root, YMap)
    m, n = root.get("m"), root.get("n")
    assert isinstance(m, YMap) and isinstance(n, YMap)
    assert {k.text: compose_string(v) for k, v in m.items} == {
        "L": "3",
        "K": "a",
        "A": "1",
        "B": "2",
    }
    assert {k.text: compose_string(v) for k, v in n.items} == {"K": "own", "A": "1"}
    # A merged value keeps the location where it was written (the anchor).
    assert m.key("B") is not None and m.key("B").location.line == 2  # type: ignore[union-attr]
    assert "<<" not in m


def test_merge_of_a_non_mapping_is_refused() -> None:
    with pytest.raises(SourceError, match="map merge requires map or sequence of maps"):
        load_yaml("a:\n  <<: [1, 2]\n", P)


def test_aliases_share_nodes() -> None:
    root = load_yaml("a: &x [1, 2]\nb: *x\n", P)
    assert isinstance(root, YMap)
    assert root.get("a") is root.get("b")
    assert isinstance(root.get("b"), YSeq)


def test_reset_and_override_tags_are_kept() -> None:
    root = load_yaml("a: !reset []\nb: !override {k: v}\nc: !reset\nd: !override 025\n", P)
    assert isinstance(root, YMap)
    assert [root.get(k).tag for k in "abcd"] == ["!reset", "!override", "!reset", "!override"]  # type: ignore[union-attr]
    c, d = root.get("c"), root.get("d")
    assert isinstance(c, YScalar) and c.value is None
    assert isinstance(d, YScalar) and compose_string(d) == "025"


def test_billion_laughs_is_refused() -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for prev, name in zip("abcdefg", "bcdefgh", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 10) + "]")
    with pytest.raises(SourceError, match="excessive aliasing") as info:
        load_yaml("\n".join(lines) + "\n", P)
    assert info.value.location.line == 5


def test_recursive_and_unknown_aliases() -> None:
    with pytest.raises(SourceError, match="anchor 'a' value contains itself"):
        load_yaml("a: &a [*a]\n", P)
    with pytest.raises(SourceError, match="unknown anchor 'zz' referenced"):
        load_yaml("a: *zz\n", P)


def test_deep_nesting_is_refused_without_recursion() -> None:
    depth = 100_000
    with pytest.raises(SourceError, match=f"exceeded max depth of {MAX_DEPTH}"):
        load_yaml("[" * depth + "]" * depth, P)


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        ("a: b: c\n", (1, 5), "mapping values are not allowed"),
        ("a:\n  - x\n - y\n", (3, 2), "did not find expected key"),
        ('a: "unterminated\n', (2, 1), "found unexpected end of stream"),
    ],
)
def test_syntax_errors_point_at_the_problem(
    text: str, where: tuple[int, int], message: str
) -> None:
    with pytest.raises(SourceError, match=message) as info:
        load_yaml(text, P)
    assert (info.value.location.line, info.value.location.column) == where


def test_documents_and_empty_stream() -> None:
    assert load_yaml("", P) is None
    docs = load_yaml_documents("a: 1\n---\nb: 2\n", P)
    assert len(docs) == 2
    assert all(isinstance(d, YMap) for d in docs)


def test_compose_string_refuses_collections() -> None:
    with pytest.raises(SourceError, match="must be a boolean, null, number or string"):
        env_of("      A: [1]\n")
