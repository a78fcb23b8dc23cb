"""The fast paths that make linting many projects cheap give exactly what the general code
gives: each is checked here against the general path (or a reference) on the cases where
exactness is not obvious."""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from mail_lint import (
    compose,
    compose_schema,
    dotenv_compose,
    dotenv_laravel,
    interpolation,
    settingsfiles,
)
from mail_lint.compose import ComposeOptions, load_project
from mail_lint.dotenv_compose import parse_compose_dotenv
from mail_lint.dotenv_laravel import parse_laravel_dotenv
from mail_lint.errors import SourceError
from mail_lint.instance import AppInstance, per_instance
from mail_lint.interpolation import interpolate
from mail_lint.model import Location, Setting, Settings, SourceKind, Variable
from mail_lint.secrets import MASK, Scrubber
from mail_lint.settingsfiles import MAX_DEPTH, load_ini, load_json
from mail_lint.yamlsource import YMap, YNode, load_yaml_documents, load_yaml_stream

# -- the scrubber ----------------------------------------------------------------------------


def _reference_scrub(secrets: set[str], public: set[str], text: str) -> str:
    """The scrubber's definition: every secret, longest first, replaced in the text as it
    stands after the longer ones were masked."""
    for secret in sorted(secrets - public, key=lambda s: (-len(s), s)):
        text = text.replace(secret, MASK)
    return text


def test_scrubber_masks_the_longer_of_overlapping_secrets_first() -> None:
    scrub = Scrubber()
    for secret in ("abc123", "c123xyz9", "123xyz"):
        scrub.add(secret)
    # "c123xyz9" goes first; "abc123" no longer occurs once it is masked.
    assert scrub("ab" + "c123xyz9") == "ab" + MASK
    assert scrub("abc123 and 123xyz") == f"{MASK} and {MASK}"


def test_scrubber_masks_a_secret_that_only_appears_once_another_is_masked() -> None:
    scrub = Scrubber()
    scrub.add("k7Qz9wLp2x")  # becomes ****
    scrub.add("a****b")  # then occurs
    assert scrub("ak7Qz9wLp2xb") == MASK


def test_scrubber_leaves_allowed_text_and_unknown_prefixes() -> None:
    scrub = Scrubber()
    scrub.add("listmonk-db-pass")
    scrub.allow("listmonk-db-pass")
    scrub.add("SG.aaaaaaaaaaaaaaaa")
    assert scrub("listmonk-db-pass SG.aaaaaaaaaaaaaaab SG.") == (
        "listmonk-db-pass SG.aaaaaaaaaaaaaaab SG."
    )


def test_scrubber_equals_its_definition_on_random_texts() -> None:
    rnd = random.Random(5)
    alphabet = "ab*1-"
    for _ in range(300):
        secrets = {
            "".join(rnd.choice(alphabet) for _ in range(rnd.randint(3, 10))) for _ in range(8)
        }
        secrets |= {"SG." + "".join(rnd.choice(alphabet) for _ in range(9)) for _ in range(4)}
        public = {s for s in secrets if rnd.random() < 0.2}
        scrub = Scrubber()
        for secret in secrets:
            scrub.add(secret)
        for value in public:
            scrub.allow(value)
        kept = {s for s in secrets if not (s.isalpha() and len(s) < 12)}  # _worth_masking
        for _ in range(5):
            pieces = [rnd.choice([*sorted(secrets), "x", "a", "*", "SG."]) for _ in range(6)]
            text = "".join(pieces)
            assert scrub(text) == _reference_scrub(kept, public, text), (secrets, text)


# -- YAML and Compose ------------------------------------------------------------------------

UNTAGGED = """\
x-base: &base
  image: alpine
  labels: [a, b]
services:
  app:
    <<: *base
    environment:
      A: "1"
    command: [sh, -c, "echo $$A"]
  db: {image: postgres, ports: ["5432:5432"]}
"""


def test_the_stream_tells_whether_a_reset_or_override_tag_occurs() -> None:
    path = Path("compose.yml")
    assert not load_yaml_stream(UNTAGGED, path).resets
    assert load_yaml_stream("services:\n  app: !reset null\n", path).resets
    assert load_yaml_stream("services:\n  app:\n    ports: !override [1]\n", path).resets
    assert load_yaml_stream("a: !override {b: 1}\n---\nc: 1\n", path).resets
    assert load_yaml_stream(UNTAGGED, path).documents == load_yaml_documents(UNTAGGED, path)


def test_stripping_a_file_without_tags_changes_nothing() -> None:
    """Why a file without ``!reset``/``!override`` is not walked to strip them."""
    for text in (UNTAGGED, yaml.safe_dump({"services": {"a": {"image": "x", "n": [1, {}]}}})):
        (doc,) = load_yaml_documents(text, Path("compose.yml"))
        resets: list[tuple[str, ...]] = []
        assert isinstance(doc, YMap)
        assert compose._strip_resets(doc, (), resets) == doc
        assert resets == []


def test_interpolation_returns_an_unchanged_tree_as_it_is() -> None:
    (doc,) = load_yaml_documents("x-a:\n  b: [1, two, {c: null}]\n", Path("compose.yml"))
    assert isinstance(doc, YMap)
    assert compose._interpolate_map(doc, (), lambda _: None, Path("/p")) is doc


def test_the_second_reading_of_the_project_env_still_fails_through_an_escaped_dollar(
    tmp_path: Path,
) -> None:
    """The .env is read a second time only when it holds a `$` or a backslash: an octal
    escape makes a `$` that only the second reading's environment cannot resolve."""
    (tmp_path / "docker-compose.yml").write_text("services:\n  a:\n    image: alpine\n")
    (tmp_path / ".env").write_text('X=one\nY="\\0044{X:?gone}"\nX=\n')
    with pytest.raises(SourceError, match="required variable X is missing a value: gone"):
        load_project(ComposeOptions(project_dir=tmp_path))
    (tmp_path / ".env").write_text("X=one\nY=two\n")
    project = load_project(ComposeOptions(project_dir=tmp_path))
    assert project.variables.value("Y") == "two"


def _outcome(call: Callable[[], object]) -> object:
    """What ``call`` returns, or its error's message and place."""
    try:
        return call()
    except SourceError as exc:
        return f"{exc.message} at {exc.location}"


def test_a_whole_reference_interpolates_as_the_general_scan_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``${NAME}`` and ``${NAME<op>text}`` skip the scan (interpolation._whole)."""
    env = {"A": Variable("A", "a", Location(Path(".env"), 1, 3)), "E": Variable("E", "")}
    names = ["A", "E", "U", "a", "A1"]
    operators = ["", ":-", "-", ":+", "+", ":?", "?", ":", "!"]
    arguments = ["", "x", "a b", "é", "{", "$A", "${A}", "}", "\n"]
    texts = [
        f"${{{name}{operator}{argument}}}{tail}"
        for name in names
        for operator in operators
        for argument in arguments
        for tail in ("", "}", " ")
    ]
    texts += ["$A", "${A", "${}", "$${A}", "${A}${A}"]
    fast = [_outcome(lambda t=t: interpolate(t, env.get, what="x")) for t in texts]
    monkeypatch.setattr(interpolation, "_WHOLE", re.compile(r"(?!)"))
    general = [_outcome(lambda t=t: interpolate(t, env.get, what="x")) for t in texts]
    assert fast == general
    assert fast[texts.index("${A}")] == interpolate("${A}", env.get)  # (the fast path ran)


def test_an_env_file_name_joins_onto_the_project_folder_as_pathlib_joins_it() -> None:
    rnd = random.Random(11)
    pieces = ["a", "b.env", ".", "..", "/", "./", "~", " ", ".env", "x/"]
    bases = ["/", "//", "/p", "/p/q", "p", "."]
    for _ in range(2000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 4)))
        base = rnd.choice(bases)
        joined = compose._joined_name(base, text)
        if joined is not None:
            assert not text.startswith(("~", "/"))
            assert joined == str(Path(base) / Path(text)), (base, text)


def test_compose_dotenv_plain_keys_read_as_the_general_key_scan_reads_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rnd = random.Random(13)
    pieces = ["A", "b_1", ".", "-", "[", "]", "=", ":", " ", "\t", "\u00a0", "export ", "'"]
    pieces += ['"', "#", "é", "\n", "$A", "x", "=v", "=\t v"]
    texts = ["".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 12))) for _ in range(1500)]

    def parse(text: str) -> object:
        return _outcome(lambda: parse_compose_dotenv(text, Path(".env"), lookup={}.get))

    fast = [parse(text) for text in texts]
    monkeypatch.setattr(dotenv_compose, "_PLAIN_KEY", re.compile(r"(?!)"))
    assert fast == [parse(text) for text in texts]


def test_a_symlink_loop_is_refused_whether_or_not_the_project_env_is_looked_up(
    tmp_path: Path,
) -> None:
    """``load_project`` resolves the folder without ``resolve()``'s last stat when the
    ``.env`` lookup stands in for it."""
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    for files in ((), (Path("compose.yml"),)):
        with pytest.raises(RuntimeError, match="Symlink loop from"):
            load_project(ComposeOptions(project_dir=tmp_path / "a", files=files))
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "compose.yml").write_text("services:\n  a:\n    image: alpine\n")
    (tmp_path / "p" / ".env").symlink_to(tmp_path / "p" / ".env")  # a loop of its own
    project = load_project(ComposeOptions(project_dir=tmp_path / "p"))
    assert project.dotenv is None and list(project.services) == ["a"]


def test_a_service_a_later_file_leaves_alone_is_validated_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "compose.yml").write_text(
        "services:\n  a:\n    image: alpine\n  b:\n    image: alpine\n"
    )
    (tmp_path / "compose.override.yml").write_text("services:\n  b:\n    image: [x]\n")
    checked: list[str] = []
    validate = compose_schema.validate_service

    def counting(name: str, service: YNode) -> None:
        checked.append(name)
        validate(name, service)

    monkeypatch.setattr(compose_schema, "validate_service", counting)
    with pytest.raises(SourceError, match=r"services\.b\.image must be a string"):
        load_project(ComposeOptions(project_dir=tmp_path))
    assert checked == ["a", "b", "b"]


def test_settings_history_of_repeated_and_single_keys() -> None:
    rnd = random.Random(17)
    for _ in range(200):
        layers = [
            Setting(rnd.choice("abcd"), str(i), None, SourceKind.COMPOSE)
            for i in range(rnd.randint(0, 6))
        ]
        settings = Settings.from_layers(layers)
        assert dict(settings) == {s.key: s for s in layers}
        for key in settings:
            assert settings.history(key) == tuple(s for s in layers if s.key == key)


# -- settings files --------------------------------------------------------------------------

INI_TEXTS = (
    "[Email]\nserver = smtp.example.org\nport: 587\n",
    "[DEFAULT]\nport = 25\n[Email]\nPort = 587\nusername =\n\n[Other]\n; c\n# c\nx = 1",
    "[Email]\na = 1\n[Server]\nb = 2\n[Email]\na = 3\nc = 4\n",
    "# lead\n\n[Email]\nsend_from = a@b.c ; not a comment\nv = x = y\n[a] tail\nk = v\n",
    "[Email]\r\nserver = x\r\n\r\n",
    "[Email]\nkey = value\n  continued\n",  # not simple: configparser reads it
    "key = value\n",  # no section header: an error either way
    "[Email]\n = value\n",  # no option name: an error either way
    # The option pattern applied by hand: first delimiter of either kind, spaces around it.
    "[Email]\nurl: http://x?a=b\nk=v:w\nt\t =\t v \nn\u00a0= \u00a0v\u3000\ne =   \n",
    "[Email]\n[x = 1\nk = v\n",  # a bracket that is no header: an option
    "[Email]\n=v\n",  # an empty option: an error either way
    "[Email]\nno delimiter\n",  # an error either way
    "[Email]\n\u00a0k = v\n",  # an indented option (a Unicode space): configparser reads it
)


def _through_configparser(text: str) -> tuple[object, ...] | str:
    original = settingsfiles._simple_ini
    settingsfiles._simple_ini = lambda _text, _parser: None  # type: ignore[assignment]
    try:
        return load_ini(text, Path("wg-dashboard.ini"))
    except SourceError as exc:
        return f"{exc.message} at {exc.location}"
    finally:
        settingsfiles._simple_ini = original


@pytest.mark.parametrize("text", INI_TEXTS)
def test_simple_ini_files_read_as_configparser_reads_them(text: str) -> None:
    try:
        fast: tuple[object, ...] | str = load_ini(text, Path("wg-dashboard.ini"))
    except SourceError as exc:
        fast = f"{exc.message} at {exc.location}"
    assert fast == _through_configparser(text)


def test_simple_ini_random_option_lines_read_as_configparser_reads_them() -> None:
    """The option pattern applied by hand, on lines of delimiters and (Unicode) spaces."""
    rnd = random.Random(7)
    alphabet = ["a", "B", " ", "\t", "=", ":", "\u00a0", "\u3000", "#", ";", "[", "]", "x"]
    for _ in range(300):
        lines = ["[S]"]
        for _ in range(rnd.randint(1, 4)):
            lines.append("k" + "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 8))))
        text = "\n".join(lines) + rnd.choice(["", "\n"])
        try:
            fast: tuple[object, ...] | str = load_ini(text, Path("wg-dashboard.ini"))
        except SourceError as exc:
            fast = f"{exc.message} at {exc.location}"
        assert fast == _through_configparser(text), text


def test_laravel_plain_values_read_as_the_token_state_machine_reads_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rnd = random.Random(19)
    pieces = ["A=", "v", "é", " ", "\t", "#", "'", '"', "\\", "$", "${A}", "\n", "\f", "\0", "x"]
    texts = ["".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 8))) for _ in range(1500)]

    def parse(text: str) -> object:
        return _outcome(lambda: parse_laravel_dotenv(text, Path(".env"), lookup={}.get))

    fast = [parse(text) for text in texts]
    monkeypatch.setattr(dotenv_laravel, "_PLAIN_VALUE", re.compile(r"(?!)"))
    assert fast == [parse(text) for text in texts]


def test_json_spans_are_the_values_as_written() -> None:
    rnd = random.Random(3)

    def value(depth: int) -> object:
        if depth > 3 or rnd.random() < 0.5:
            return rnd.choice([1, -2.5e-3, True, None, 'a"b\\c', "é", "", 10**20])
        if rnd.random() < 0.5:
            return {rnd.choice(["k", "a.b", 'q"', ""]): value(depth + 1) for _ in range(3)}
        return [value(depth + 1) for _ in range(rnd.randint(0, 3))]

    for _ in range(200):
        data = {f"key{i}": value(1) for i in range(4)}
        text = json.dumps(data, indent=rnd.choice([None, 1, "\t"]), ensure_ascii=False)
        for setting in load_json(text, Path("settings.json")):
            assert setting.raw is not None
            written = json.loads(setting.raw)
            if written in ([], {}):
                assert setting.value == json.dumps(written)
            elif isinstance(written, str):
                assert setting.value == written


@pytest.mark.parametrize(
    "text",
    [
        "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1),  # valid, and not an object
        '{"a": ' + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "}",
        '{"a": ' + "[" * (MAX_DEPTH + 5) + "]" * MAX_DEPTH + "}",  # also invalid
        "[" * 5000 + "]" * 5000,  # deeper than json's own recursion limit
    ],
)
def test_json_nested_too_deep_is_refused_at_the_first_bracket_too_deep(text: str) -> None:
    path = Path("settings.json")
    with pytest.raises(SourceError) as info:
        load_json(text, path)
    with pytest.raises(SourceError) as expected:
        settingsfiles._check_depth(text, path, settingsfiles._JSON_DEPTH_TOKENS, "JSON")
    assert (info.value.message, info.value.location) == (
        expected.value.message,
        expected.value.location,
    )


# -- plugins ---------------------------------------------------------------------------------


def test_per_instance_remembers_the_last_instance_only() -> None:
    calls: list[AppInstance] = []

    @per_instance
    def view(instance: AppInstance) -> tuple[str, ...]:
        calls.append(instance)
        return tuple(instance.environment)

    from mail_lint.apps import AppSpec

    app = AppSpec("x", "X", "X")
    first = AppInstance(app, None, Settings(), (), Path("a"))
    second = AppInstance(app, None, Settings(), (), Path("a"))  # equal, not the same
    assert view(first) is view(first)
    view(second)
    view(first)
    assert calls == [first, second, first]


# -- the engine's real paths and the walk's pre-filter ------------------------------------------


def test_real_paths_are_what_path_resolve_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mail_lint.engine import RunOptions, _Run
    from mail_lint.pluginhost import PluginHost

    (tmp_path / "real" / "deep").mkdir(parents=True)
    (tmp_path / "real" / "deep" / ".env").write_text("A=1\n")
    (tmp_path / "real" / "file.env").write_text("A=1\n")
    (tmp_path / "linkdir").symlink_to(tmp_path / "real")
    (tmp_path / "real" / "link.env").symlink_to(tmp_path / "real" / "deep" / ".env")
    (tmp_path / "real" / "dangling.env").symlink_to(tmp_path / "nowhere")
    monkeypatch.chdir(tmp_path)
    run = _Run(PluginHost.create(load_entry_points=False), RunOptions())
    paths = [
        Path("real/file.env"),
        Path("linkdir/file.env"),
        Path("linkdir/deep/.env"),
        Path("linkdir/deep/../file.env"),
        Path("real/link.env"),
        Path("linkdir/link.env"),
        Path("real/dangling.env"),
        Path("real/missing/x.env"),
        Path("file.env"),
        Path("linkdir"),
        Path("."),
        tmp_path / "linkdir" / "deep" / ".env",
    ]
    for _ in range(2):  # the second time from the folder cache
        assert [run._real(p) for p in paths] == [str(p.resolve()) for p in paths]


def _walked_listmonk_json(tmp_path: Path, text: str, *extra: str) -> list[str]:
    from mail_lint.cli import main

    (tmp_path / "backup").mkdir()
    (tmp_path / "backup" / "export.json").write_text(text)
    import io

    out = io.StringIO()
    main(["--format", "json", *extra, str(tmp_path)], stdout=out)
    return [f["code"] for f in json.loads(out.getvalue())["findings"]]


def test_a_walked_json_file_without_the_export_keys_is_not_parsed(tmp_path: Path) -> None:
    # A broken package.json is nobody's mail settings: no ML001 for it.
    assert _walked_listmonk_json(tmp_path, '{"name": "x", "smtp": [ oops') == []


def test_a_walked_settings_export_is_still_found(tmp_path: Path) -> None:
    export = (
        '{"app.root_url": "http://localhost:9000", "app.from_email": "x <noreply@example.com>",'
        ' "smtp": [{"enabled": true, "host": "smtp.gmail.com", "port": 465, "tls_type": "STARTTLS",'
        ' "auth_protocol": "login", "username": "me@gmail.com", "password": "abcdefghijklmnop"}]}'
    )
    assert "LMK021" in _walked_listmonk_json(tmp_path, export)  # From is not the Gmail login


def test_a_walked_file_over_the_walk_limit_is_skipped_but_a_named_one_is_read(
    tmp_path: Path,
) -> None:
    from mail_lint.discover import WALK_SIZE_LIMIT

    big = '{"app.root_url": "x", "smtp": [], "pad": "' + "x" * WALK_SIZE_LIMIT + '"}'
    assert _walked_listmonk_json(tmp_path, big) == []
    import io

    from mail_lint.cli import main

    out = io.StringIO()
    main(["--format", "json", str(tmp_path / "backup" / "export.json")], stdout=out)
    assert [f["code"] for f in json.loads(out.getvalue())["findings"]] == ["ML002"]


@given(st.text(alphabet=st.characters(max_codepoint=0x2FF), max_size=12))
def test_laravel_name_check_agrees_with_the_unicode_categories(name: str) -> None:
    # phpdotenv's isValidName is [\p{Ll}\p{Lu}\p{M}\p{N}_.]+; the ASCII fast path must give
    # the same answer as the category lookup it spares.
    import unicodedata

    from mail_lint.dotenv_laravel import _NAME_CATEGORIES, _is_name

    expected = all(c in "_." or unicodedata.category(c) in _NAME_CATEGORIES for c in name)
    assert _is_name(name) == expected
