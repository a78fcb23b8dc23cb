"""INI (WGDashboard), TOML (listmonk config.toml) and JSON (listmonk settings export) loaders."""

from __future__ import annotations

import configparser
import json
import tomllib
from pathlib import Path

import pytest
from mail_lint.errors import SourceError
from mail_lint.model import Location, Setting, SourceKind
from mail_lint.settingsfiles import MAX_DEPTH, load_ini, load_json, load_toml
from support import CORPUS

INI = Path("wg-dashboard.ini")
TOML = Path("config.toml")
JSON = Path("settings.json")


def table(settings: tuple[Setting, ...]) -> dict[str, str | None]:
    return {s.key: s.value for s in settings}


def at(setting: Setting) -> tuple[int, int, int | None, int | None]:
    assert setting.location is not None
    loc = setting.location
    return loc.line, loc.column, loc.end_line, loc.end_column


def by_key(settings: tuple[Setting, ...]) -> dict[str, Setting]:
    return {s.key: s for s in settings}


# --------------------------------------------------------------------------------------- INI


def configparser_view(text: str) -> dict[str, str | None]:
    """What ``RawConfigParser(strict=False)`` itself gives, in this module's key naming."""
    parser = configparser.RawConfigParser(strict=False)
    parser.read_string(text)
    view: dict[str, str | None] = {f"DEFAULT.{k}": v for k, v in parser.defaults().items()}
    for section in parser.sections():
        for option in parser.options(section):
            view[f"{section}.{option}"] = parser.get(section, option)
    return view


INI_TEXT = """\
[DEFAULT]
shared = from default

[Email]
Server = smtp.example.com ; not a comment
port: 587
send_from = "WG <wg@example.com>"
encryption =
email_template = line one
    line two

    # a comment line inside
    line three
password = p%40ss
PORT = 465
  ; indented comment
[email]
server = other section

[Email]
username = again
"""


def test_ini_values_match_configparser() -> None:
    settings = load_ini(INI_TEXT, INI)
    assert table(settings) == configparser_view(INI_TEXT)
    values = table(settings)
    assert values["Email.server"] == "smtp.example.com ; not a comment"
    assert values["Email.port"] == "465"  # repeated option (case-insensitive): last wins
    assert values["Email.send_from"] == '"WG <wg@example.com>"'
    assert values["Email.encryption"] == ""
    assert values["Email.email_template"] == "line one\nline two\n\nline three"
    assert values["Email.password"] == "p%40ss"  # no interpolation
    assert values["Email.username"] == "again"  # a repeated section continues the first
    assert values["email.server"] == "other section"  # section names are case-sensitive
    assert values["Email.shared"] == "from default"
    assert all(s.kind is SourceKind.SETTINGS_FILE for s in settings)


def test_ini_positions() -> None:
    s = by_key(load_ini(INI_TEXT, INI))
    assert at(s["Email.server"]) == (5, 10, 5, 42)
    assert s["Email.server"].raw == "smtp.example.com ; not a comment"
    assert at(s["Email.port"]) == (15, 8, 15, 11)
    assert at(s["Email.encryption"]) == (8, 1, 8, 11)  # empty: the key
    assert s["Email.encryption"].raw == ""
    assert at(s["Email.email_template"]) == (9, 18, 13, 15)
    assert s["Email.email_template"].raw == (
        "line one\n    line two\n\n    # a comment line inside\n    line three"
    )
    assert at(s["Email.shared"]) == at(s["DEFAULT.shared"]) == (2, 10, 2, 22)
    assert at(s["Email.username"]) == (21, 12, 21, 17)


def test_ini_crlf() -> None:
    s = by_key(load_ini("[Email]\r\nserver = a\r\nport = 1\r\n", INI))
    assert (s["Email.server"].value, at(s["Email.server"])) == ("a", (2, 10, 2, 11))
    assert at(s["Email.port"]) == (3, 8, 3, 9)


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        ("server = x\n", 1, 1, "no [section] header before this line: 'server = x'"),
        ("# c\n\n  x = 1\n", 3, 3, "no [section] header before this line: 'x = 1'"),
        ("[Email]\nserver\n", 2, 1, "configparser cannot parse this line: 'server'"),
        ("[Email]\na = 1\n= 2\nb\n", 3, 1, "configparser cannot parse this line: '= 2'"),
    ],
)
def test_ini_errors(text: str, line: int, column: int, message: str) -> None:
    with pytest.raises(SourceError) as info:
        load_ini(text, INI)
    assert (info.value.location.line, info.value.location.column) == (line, column)
    assert info.value.message == message
    with pytest.raises(configparser.Error):
        configparser_view(text)


def test_ini_corpus_template() -> None:
    path = CORPUS / "wgdashboard" / "wg-dashboard.ini.template"
    text = path.read_text(encoding="utf-8")
    settings = load_ini(text, path)
    assert table(settings) == configparser_view(text)
    s = by_key(settings)
    assert len(settings) == 42
    assert [
        (k, s[k].value, at(s[k]))
        for k in ("Email.server", "Email.authentication_required", "Server.app_port")
    ] == [
        ("Email.server", "", (42, 1, 42, 7)),
        ("Email.authentication_required", "true", (47, 27, 47, 31)),
        ("Server.app_port", "10086", (10, 12, 10, 17)),
    ]
    assert s["Account.password"].value == (
        "$2b$12$nWgPW.4adylN2oMhTyS5AeoiAvDj9SZxnXS.lCMkJYCV6jytmHKzu"
    )
    lines = text.split("\n")
    for setting in settings:
        assert setting.location is not None
        line = lines[setting.location.line - 1]
        if setting.raw:
            assert line[setting.location.column - 1 :] == setting.raw


# -------------------------------------------------------------------------------------- TOML


def flat(value: object, prefix: str = "") -> dict[str, object]:
    """Flatten tomllib/json output independently of the module under test."""
    out: dict[str, object] = {}
    if isinstance(value, dict):
        if not value and prefix:
            out[prefix] = "{}"
        for key, item in value.items():
            out.update(flat(item, f"{prefix}.{key}" if prefix else key))
    elif isinstance(value, list):
        if not value:
            out[prefix] = "[]"
        for index, item in enumerate(value):
            out.update(flat(item, f"{prefix}[{index}]"))
    elif isinstance(value, bool):
        out[prefix] = "true" if value else "false"
    elif isinstance(value, int | float):
        out[prefix] = str(value)
    else:
        out[prefix] = value
    return out


TOML_TEXT = '''\
# top
title = "x" # comment
[app]
root_url = "https://lists.example.com"
notify_emails = ["a@example.com", 'b@example.com',
   # comment inside
   "c@example.com",]
"quoted.key" = 1
dotted.inner = true
inline = { host = "h", port = 25, tls = { on = false } }
multi = """
two
lines"""
lit = \'\'\'raw \\n\'\'\'
hex = 0x1F
when = 1979-05-27 07:32:00Z
empty = []

[[smtp]]
host = "one"
[[smtp]]
host = "two"
  [smtp.sub]
  x = 1
[[smtp.list]]
y = 2

[db]
'''


def test_toml_values_match_tomllib() -> None:
    settings = load_toml(TOML_TEXT, TOML)
    expected = flat(tomllib.loads(TOML_TEXT))
    expected["app.when"] = "1979-05-27T07:32:00+00:00"
    assert table(settings) == expected
    values = table(settings)
    assert values["app.hex"] == "31"
    assert values["smtp[1].sub.x"] == "1"
    assert values["smtp[1].list[0].y"] == "2"
    assert values["db"] == "{}"
    assert values["app.empty"] == "[]"


def test_toml_positions() -> None:
    s = by_key(load_toml(TOML_TEXT, TOML))
    expected = {
        "title": ((2, 9, 2, 12), '"x"'),
        "app.root_url": ((4, 12, 4, 39), '"https://lists.example.com"'),
        "app.notify_emails[0]": ((5, 18, 5, 33), '"a@example.com"'),
        "app.notify_emails[1]": ((5, 35, 5, 50), "'b@example.com'"),
        "app.notify_emails[2]": ((7, 4, 7, 19), '"c@example.com"'),
        "app.quoted.key": ((8, 16, 8, 17), "1"),
        "app.dotted.inner": ((9, 16, 9, 20), "true"),
        "app.inline.host": ((10, 19, 10, 22), '"h"'),
        "app.inline.port": ((10, 31, 10, 33), "25"),
        "app.inline.tls.on": ((10, 48, 10, 53), "false"),
        "app.multi": ((11, 9, 13, 9), '"""\ntwo\nlines"""'),
        "app.lit": ((14, 7, 14, 19), "'''raw \\n'''"),
        "app.hex": ((15, 7, 15, 11), "0x1F"),
        "app.when": ((16, 8, 16, 28), "1979-05-27 07:32:00Z"),
        "app.empty": ((17, 9, 17, 11), "[]"),
        "smtp[0].host": ((20, 8, 20, 13), '"one"'),
        "smtp[1].host": ((22, 8, 22, 13), '"two"'),
        "smtp[1].sub.x": ((24, 7, 24, 8), "1"),
        "smtp[1].list[0].y": ((26, 5, 26, 6), "2"),
        "db": ((28, 1, 28, 4), "[db"),
    }
    assert {k: (at(s[k]), s[k].raw) for k in expected} == expected


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        ("a = ", 1, 5, "invalid TOML: Invalid value"),
        ("[a]\nb = 1\nb = 2\n", 3, 6, "invalid TOML: Cannot overwrite a value"),
        ('a = "x', 1, 7, "invalid TOML: Unterminated string"),
    ],
)
def test_toml_errors(text: str, line: int, column: int, message: str) -> None:
    with pytest.raises(SourceError) as info:
        load_toml(text, TOML)
    assert info.value.message == message
    assert (info.value.location.line, info.value.location.column) == (line, column)


def test_toml_depth_refused() -> None:
    deep = "a = " + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1) + "\n"
    with pytest.raises(SourceError) as info:
        load_toml(deep, TOML)
    assert info.value.location == Location(TOML, 1, 5 + MAX_DEPTH)
    ok = "a = " + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "\n"
    assert table(load_toml(ok, TOML)) == {"a" + "[0]" * (MAX_DEPTH - 1): "[]"}
    # Brackets inside strings and comments do not count.
    assert table(load_toml('a = "' + "[" * 500 + '" # ' + "{" * 500, TOML)) == {"a": "[" * 500}


@pytest.mark.parametrize(
    "name",
    sorted(p.name for p in (CORPUS / "listmonk").glob("*.toml*")),
)
def test_toml_corpus(name: str) -> None:
    path = CORPUS / "listmonk" / name
    text = path.read_text(encoding="utf-8")
    settings = load_toml(text, path)
    assert table(settings) == flat(tomllib.loads(text))
    lines = text.split("\n")
    for setting in settings:  # every value points at its own text on its line
        assert setting.location is not None and setting.raw
        line = lines[setting.location.line - 1]
        assert line[setting.location.column - 1 :].startswith(setting.raw)


def test_toml_corpus_positions() -> None:
    path = CORPUS / "listmonk" / "listmonk-v0.6.2-alpha.config.toml.sample"
    s = by_key(load_toml(path.read_text(encoding="utf-8"), path))
    assert (s["app.root"].value, at(s["app.root"])) == (
        "https://listmonk.mysite.com",
        (7, 8, 7, 37),
    )
    assert (s["smtp.my0.port"].value, at(s["smtp.my0.port"])) == ("25", (87, 16, 87, 18))
    assert at(s["smtp.my0.max_msg_retries"]) == (113, 24, 113, 25)  # tab-indented line
    assert (s["smtp.postal.tls_enabled"].value, at(s["smtp.postal.tls_enabled"])) == (
        "true",
        (151, 23, 151, 27),
    )
    assert at(s["app.notify_emails[1]"]) == (25, 39, 25, 58)
    path = CORPUS / "listmonk" / "listmonk-v3.0.0.config.toml.sample"
    s = by_key(load_toml(path.read_text(encoding="utf-8"), path))
    assert [(k, v.value, at(v)) for k, v in s.items() if k.startswith("app.")] == [
        ("app.address", "localhost:9000", (6, 11, 6, 27)),
        ("app.admin_username", "listmonk", (12, 18, 12, 28)),
        ("app.admin_password", "listmonk", (13, 18, 13, 28)),
    ]


# -------------------------------------------------------------------------------------- JSON

SETTINGS = {
    "app.root_url": "http://localhost:9000",
    "app.from_email": "listmonk <noreply@listmonk.yoursite.com>",
    "app.notify_emails": [],
    "app.send_optin_confirmation": True,
    "app.message_rate": 10,
    "privacy.domain_blocklist": ["a.example", 'b"q\\u.example'],
    "smtp": [
        {
            "uuid": "",
            "enabled": True,
            "host": "smtp.yoursite.com",
            "port": 25,
            "auth_protocol": "cram",
            "password": "\u2022" * 8,
            "email_headers": [{"Return-Path": "bounce@example.com"}],
            "tls_type": "STARTTLS",
            "tls_skip_verify": False,
        },
        {"enabled": False, "host": "smtp.gmail.com", "port": 465, "tls_type": "TLS"},
    ],
    "bounce.mailboxes": [{"return_path": None, "scan_interval": "15m", "weight": 1.50}],
}


@pytest.mark.parametrize("wrapped", [False, True])
@pytest.mark.parametrize("indent", [None, 2])
def test_json_export(wrapped: bool, indent: int | None) -> None:
    document = {"data": SETTINGS} if wrapped else SETTINGS
    text = json.dumps(document, indent=indent, ensure_ascii=bool(indent))
    settings = load_json(text, JSON)
    values = table(settings)
    expected = {k: (None if v is None else v) for k, v in flat(SETTINGS).items()}
    assert values == expected
    assert values["smtp[0].email_headers[0].Return-Path"] == "bounce@example.com"
    assert values["smtp[1].port"] == "465"
    assert values["bounce.mailboxes[0].return_path"] is None
    assert values["privacy.domain_blocklist[1]"] == 'b"q\\u.example'
    for setting in settings:  # the position is the value's own text
        assert setting.location is not None and setting.raw is not None
        line = text.split("\n")[setting.location.line - 1]
        assert line[setting.location.column - 1 :].startswith(setting.raw)
        assert json.loads(setting.raw) == json.loads(setting.raw)  # a JSON value on its own


def test_json_positions_and_numbers_as_written() -> None:
    text = (
        '{"data": {\n  "app.root_url": "http://x",\n  "n": 1.50e1, "m": -0,\n'
        '  "smtp": [\n    {"host": "h\\u00e9", "port": 25}\n  ]\n}}'
    )
    s = by_key(load_json(text, JSON))
    assert (s["app.root_url"].value, at(s["app.root_url"])) == ("http://x", (2, 19, 2, 29))
    assert (s["n"].value, s["m"].value) == ("1.50e1", "-0")
    assert (s["smtp[0].host"].value, s["smtp[0].host"].raw, at(s["smtp[0].host"])) == (
        "hé",
        '"h\\u00e9"',
        (5, 14, 5, 23),
    )
    assert at(s["smtp[0].port"]) == (5, 33, 5, 35)


def test_json_data_is_only_unwrapped_alone() -> None:
    values = table(load_json('{"data": {"a": 1}, "other": 2}', JSON))
    assert values == {"data.a": "1", "other": "2"}


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        ('{"a": }', 1, 7, "invalid JSON: Expecting value"),
        (
            '{\n  "a": 1,\n}',
            3,
            1,
            "invalid JSON: Expecting property name enclosed in double quotes",
        ),
        ("", 1, 1, "invalid JSON: Expecting value"),
        ("[1, 2]", 1, 1, 'a settings export is a JSON object of settings (or {"data": {...}})'),
        ('  {"data": [1]}', 1, 3, None),
    ],
)
def test_json_errors(text: str, line: int, column: int, message: str | None) -> None:
    if message is None:  # {"data": [...]} is not an envelope: one setting per item
        assert table(load_json(text, JSON)) == {"data[0]": "1"}
        return
    with pytest.raises(SourceError) as info:
        load_json(text, JSON)
    assert info.value.message == message
    assert (info.value.location.line, info.value.location.column) == (line, column)


def test_json_depth_refused() -> None:
    deep = '{"a": ' + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "}"
    with pytest.raises(SourceError) as info:
        load_json(deep, JSON)
    assert info.value.location == Location(JSON, 1, 6 + MAX_DEPTH)
    assert "nested deeper than 200 levels" in info.value.message
    ok = '{"a": ' + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "}"
    assert len(load_json(ok, JSON)) == 1
    assert table(load_json('{"a": "' + "[" * 1000 + '"}', JSON)) == {"a": "[" * 1000}
