"""The Compose project model. Every expected environment below is what Docker Compose v2.40.3
printed for the same files (``config --format json``, run with ``env -i``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from mail_lint.compose import ComposeOptions, ComposeProject, load_project
from mail_lint.errors import SourceError
from mail_lint.model import Location, SourceKind


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def load(root: Path, **kwargs: object) -> ComposeProject:
    return load_project(ComposeOptions(project_dir=root, **kwargs))  # type: ignore[arg-type]


def env(project: ComposeProject, service: str) -> dict[str, str | None]:
    return {k: s.value for k, s in project.services[service].environment.items()}


BASE = """\
x-env: &env
  SHARED: "from-anchor"
  OVR: base
services:
  app:
    image: ${IMG:-app}:${TAG-latest}
    command: ["a", "b"]
    environment:
      <<: *env
      MAP1: one
      NUL:
      LISTED: fromMap
    env_file: [a.env]
  other:
    image: o
    environment:
      - A=1
      - B
      - C="q u o t e d"
      - ${KEYV}=x
      - D=$${NOT} $KEYV
"""
OVERRIDE = """\
services:
  app:
    command: ["c"]
    environment:
      - OVR=over
      - LISTED
      - NEWKEY=${MISSING_X:-dflt}
    env_file:
      - path: b.env
        required: false
      - c.env
  other:
    environment:
      A: 2
      E: 1e3
"""


@pytest.fixture
def s1(tmp_path: Path) -> Path:
    return write(
        tmp_path,
        {
            "compose.yaml": BASE,
            "compose.override.yml": OVERRIDE,
            ".env": "KEYV=kv\nLISTED=dotenv-listed\nB=bval\nTAG=9\n",
            "a.env": "FA=a\nOVR=fromfileA\nREF=${B}-${MAP1}\n",
            "c.env": "FC=${FA}c\nFA=cc\n",
        },
    )


def test_override_merge_env_file_and_environment(s1: Path) -> None:
    project = load(s1)
    assert project.files == (s1 / "compose.yaml", s1 / "compose.override.yml")
    assert project.dotenv == s1 / ".env"
    assert env(project, "app") == {
        "FA": "cc",
        "OVR": "over",
        "REF": "bval-one",
        "FC": "ac",
        "MAP1": "one",
        "NUL": None,
        "LISTED": "dotenv-listed",
        "SHARED": "from-anchor",
        "NEWKEY": "dflt",
    }
    assert env(project, "other") == {
        "A": "2",
        "B": "bval",
        "C": '"q u o t e d"',
        "kv": "x",
        "D": "${NOT} kv",
        "E": "1000",
    }


def test_settings_carry_location_origin_and_history(s1: Path) -> None:
    app = load(s1).services["app"]
    assert app.location == Location(s1 / "compose.yaml", 5, 3, 5, 6)
    assert app.image is not None
    assert app.image.value == "app:9"
    assert app.image.raw == "${IMG:-app}:${TAG-latest}"
    assert [o.line for o in app.image.origin] == [4]
    listed = app.environment["LISTED"]
    assert listed.kind is SourceKind.COMPOSE
    assert listed.location == Location(s1 / "compose.override.yml", 6, 9, 6, 15)
    assert listed.origin[0].path == s1 / ".env" and listed.origin[0].line == 2
    assert listed.from_origin and listed.blame == listed.origin[0]
    ovr = app.environment.history("OVR")
    assert [(s.kind, s.value, s.location.path.name) for s in ovr if s.location] == [
        (SourceKind.ENV_FILE, "fromfileA", "a.env"),
        (SourceKind.COMPOSE, "base", "compose.yaml"),
        (SourceKind.COMPOSE, "over", "compose.override.yml"),
    ]
    # Merged from an anchor: the location is where the text is written.
    assert app.environment["SHARED"].location == Location(s1 / "compose.yaml", 2, 11, 2, 24)
    assert app.environment["SHARED"].raw == '"from-anchor"'
    newkey = app.environment["NEWKEY"]
    assert (newkey.raw, newkey.location.column) == ("${MISSING_X:-dflt}", 16)  # type: ignore[union-attr]
    ref = app.environment["REF"]
    assert ref.kind is SourceKind.ENV_FILE
    assert [(o.path.name, o.line) for o in ref.origin] == [(".env", 3), ("compose.yaml", 10)]
    assert [s.key for s in app.unset] == ["NUL"]


def test_env_files_resolved_required_and_optional(s1: Path) -> None:
    app = load(s1).services["app"]
    assert [(r.path, r.required, r.exists) for r in app.env_files] == [
        (s1 / "a.env", True, True),
        (s1 / "b.env", False, False),
        (s1 / "c.env", True, True),
    ]
    assert app.node.get("command") is not None
    command = app.node.get("command")
    assert [v.value for v in command.items] == ["c"]  # type: ignore[union-attr]


def test_variables_and_cli_env_win_over_dotenv(s1: Path) -> None:
    project = load(s1, env={"TAG": "cli", "B": "shell"})
    assert project.variables["TAG"].kind is SourceKind.CLI
    assert project.variables.history("TAG")[0].kind is SourceKind.PROJECT_DOTENV
    app = project.services["app"]
    assert app.image is not None and app.image.value == "app:cli"
    assert env(project, "app")["REF"] == "shell-one"
    assert env(project, "other")["B"] == "shell"


def test_null_in_environment_overrides_env_file(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "compose.yaml": "services:\n  a:\n    image: x\n    env_file: a.env\n"
            "    environment:\n      FOO:\n  b:\n    image: x\n    env_file: a.env\n"
            "    environment:\n      - BAR\n      - NOPE\n",
            "a.env": "FOO=bar\nBAR=b\nL=l\n",
        },
    )
    project = load(tmp_path)
    assert env(project, "a") == {"FOO": None, "BAR": "b", "L": "l"}
    assert env(project, "b") == {"FOO": "bar", "BAR": None, "L": "l", "NOPE": None}


def test_compose_file_separator_and_profiles_from_dotenv(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "sub/one.yml": "services:\n  a:\n    image: a\n    profiles: [mail]\n"
            '    environment: {X: "1"}\n  b:\n    image: b\n',
            "sub/two.yml": 'services:\n  a:\n    environment: {X: "2", Y: "${SUBV}"}\n',
            ".env": "COMPOSE_FILE=sub/one.yml;sub/two.yml\nCOMPOSE_PATH_SEPARATOR=;\n"
            "COMPOSE_PROFILES=mail\n",
            "sub/.env": "SUBV=fromsub\nCOMPOSE_PROFILES=none\n",
        },
    )
    project = load(tmp_path)
    assert project.project_dir == tmp_path / "sub"
    assert env(project, "a") == {"X": "2", "Y": "fromsub"}
    assert sorted(project.services) == ["a", "b"]
    assert project.services["a"].profiles == ("mail",)


def test_profiles(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "compose.yaml": "services:\n  a:\n    image: x\n    profiles: [mail]\n"
            "  b:\n    image: y\n  c:\n    image: z\n    profiles: [dev, mail2]\n"
        },
    )
    assert sorted(load(tmp_path).services) == ["a", "b", "c"]
    assert sorted(load(tmp_path, profiles=("*",)).services) == ["a", "b", "c"]
    assert sorted(load(tmp_path, profiles=("mail",)).services) == ["a", "b"]
    assert sorted(load(tmp_path, profiles=()).services) == ["b"]
    assert sorted(load(tmp_path, env={"COMPOSE_PROFILES": "dev"}).services) == ["b", "c"]


def test_explicit_files_project_dir_and_env_file(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "sub/compose.yaml": "services:\n  a:\n    image: x\n    env_file: ./x.env\n"
            "    environment:\n      V: ${V}\n      P: ${P:-none}\n",
            "o/override.yaml": "services:\n  a:\n    env_file: ./y.env\n"
            "    environment:\n      W: ${W}\n",
            "sub/x.env": "X=sub\n",
            "sub/y.env": "Y=suby\n",
            "sub/.env": "V=subenv\nW=subw\n",
            ".env": "V=cwd\n",
            "custom.env": "P=custom\nV=custom\n",
        },
    )
    files = (Path("sub/compose.yaml"), Path("o/override.yaml"))
    project = load(tmp_path, files=files)
    # The cwd .env is ignored with -f; override paths are relative to the project directory.
    assert project.dotenv == tmp_path / "sub/.env"
    assert env(project, "a") == {"X": "sub", "Y": "suby", "V": "subenv", "P": "none", "W": "subw"}
    project = load(tmp_path, files=files, env_files=(Path("custom.env"),))
    assert env(project, "a") == {"X": "sub", "Y": "suby", "V": "custom", "P": "custom", "W": ""}
    assert project.services["a"].environment["W"].missing == ("W",)


def test_reset_and_override(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "compose.yaml": "services:\n  a:\n    image: a\n    environment:\n      K1: v1\n"
            "      K2: v2\n    command: x\n    env_file: a.env\n",
            "compose.override.yaml": "services:\n  a:\n    environment: !override\n"
            "      K3: v3\n    env_file: !reset []\n    command: !reset null\n",
            "a.env": "F=1\n",
        },
    )
    service = load(tmp_path).services["a"]
    assert env(load(tmp_path), "a") == {"K3": "v3"}
    assert service.env_files == ()
    assert "command" not in service.node


def test_extends_same_file_and_other_file(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "compose.yaml": "services:\n  base:\n    image: base\n    environment:\n"
            '      W: "1"\n      BASE: b\n  mid:\n    extends: base\n    environment:\n'
            '      W: "2"\n  ext:\n    extends:\n      file: lib/base.yaml\n'
            "      service: libsvc\n    environment:\n      - OWN=own\n",
            "lib/base.yaml": "services:\n  libsvc:\n    image: lib\n    env_file: lib.env\n"
            "    environment:\n      L: ${LV:-ldef}\n",
            "lib/lib.env": "LIBF=1\n",
        },
    )
    project = load(tmp_path)
    assert env(project, "mid") == {"W": "2", "BASE": "b"}
    assert env(project, "ext") == {"LIBF": "1", "L": "ldef", "OWN": "own"}
    ext = project.services["ext"]
    assert ext.env_files[0].path == tmp_path / "lib/lib.env"
    assert ext.image is not None and ext.image.location is not None
    assert ext.image.location.path == tmp_path / "lib/base.yaml"
    assert "extends" not in ext.node


def test_include(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "compose.yaml": "include:\n  - mail/compose.yaml\n  - path: inc2.yaml\n"
            "    env_file: inc2.env\nservices:\n  web:\n    image: web\n    environment:\n"
            "      SMTP_HOST: ${SMTP_HOST}\n",
            "mail/compose.yaml": "services:\n  mail:\n    image: postfix\n    env_file: mail.env\n"
            "    environment:\n      - SMTP_HOST\n      - INNER=${INNER_V}\n      - ONLYINC\n",
            "mail/mail.env": "RELAYHOST=relay\n",
            "mail/.env": "SMTP_HOST=inner-host\nINNER_V=iv\nONLYINC=oi\n",
            ".env": "SMTP_HOST=root-host\n",
            "inc2.yaml": "services:\n  two:\n    image: two\n    environment:\n"
            "      T: ${TV}\n      ONLYINC:\n",
            "inc2.env": "TV=tv\nONLYINC=x\n",
        },
    )
    project = load(tmp_path)
    assert env(project, "web") == {"SMTP_HOST": "root-host"}
    assert env(project, "mail") == {
        "RELAYHOST": "relay",
        "SMTP_HOST": "root-host",
        "INNER": "iv",
        "ONLYINC": "oi",
    }
    # A mapping null resolves later, from the including project's environment only.
    assert env(project, "two") == {"T": "tv", "ONLYINC": None}
    inner = project.services["mail"].environment["INNER"]
    assert inner.origin[0].path == tmp_path / "mail/.env"


def test_multiple_documents_merge(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "compose.yaml": 'services:\n  a:\n    image: x\n    environment: {A: "1"}\n---\n'
            'services:\n  a:\n    environment: {B: "2"}\n'
        },
    )
    assert env(load(tmp_path), "a") == {"A": "1", "B": "2"}


def test_env_file_format_raw(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "compose.yaml": "services:\n  a:\n    image: x\n    env_file:\n"
            "      - path: r.env\n        format: raw\n",
            "r.env": 'RAW="quoted $HOME" # c\n',
        },
    )
    assert env(load(tmp_path), "a") == {"RAW": '"quoted $HOME" # c'}


ERRORS = [
    (
        "services:\n  a:\n    image: x\n    environment:\n      A: 1\n      A: 2\n",
        'mapping key "A" already defined at line 5',
        (6, 7),
    ),
    (
        "services:\n  a:\n    extends: b\n    image: x\n  b:\n    extends: a\n",
        "Circular reference",
        (3, 14),
    ),
    ("services:\n  a:\n    image: x\n    env_file: nope.env\n", "nope.env not found", (4, 15)),
    (
        'services:\n  a:\n    image: x\n    environment:\n      A: "${BAD"\n',
        "invalid interpolation format",
        (5, 10),
    ),
    (
        "services:\n  a:\n    image: ${REQ:?need it}\n",
        "required variable REQ is missing a value: need it",
        (3, 12),
    ),
    (
        "include:\n  - compose.yaml\nservices:\n  a:\n    image: x\n",
        "include cycle detected",
        (2, 5),
    ),
    (
        'services:\n  a:\n    image: x\n    environment:\n      - "A =1"\n',
        "declared with a trailing space",
        (5, 9),
    ),
    (
        "services:\n  a:\n    image: x\n    extends:\n      service: zz\n",
        'service "zz" not found',
        (5, 7),
    ),
    (
        "services:\n  a:\n    image: x\n    env_file:\n"
        "      - path: compose.yaml\n        format: weird\n",
        'unsupported env_file format "weird"',
        (6, 17),
    ),
    ("services: [a]\n", "services must be a mapping", (1, 11)),
    ("", "empty compose file", (1, 1)),
    ("- a\n", "top-level object must be a mapping", (1, 1)),
]


@pytest.mark.parametrize(("text", "message", "where"), ERRORS)
def test_errors_compose_refuses(
    tmp_path: Path, text: str, message: str, where: tuple[int, int]
) -> None:
    write(tmp_path, {"compose.yaml": text})
    with pytest.raises(SourceError, match=message) as info:
        load(tmp_path)
    assert info.value.location.path == tmp_path / "compose.yaml"
    assert (info.value.location.line, info.value.location.column) == where


def test_missing_env_file_option_and_missing_compose_file(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no configuration file provided"):
        load(tmp_path)
    write(tmp_path, {"compose.yaml": "services:\n  a:\n    image: x\n"})
    with pytest.raises(SourceError, match="couldn't find env file"):
        load(tmp_path, env_files=(Path("nope.env"),))


def test_corpus_files_load(tmp_path: Path) -> None:
    corpus = Path("/work/shared/corpus")
    if not corpus.is_dir():
        pytest.skip("corpus not present")
    for source in sorted(corpus.glob("*/*compose*.y*ml")):
        project_dir = tmp_path / source.name
        project_dir.mkdir()
        (project_dir / "compose.yaml").write_text(source.read_text())
        for env_file in source.parent.glob("*plausible-conf.env"):
            (project_dir / "plausible-conf.env").write_text(env_file.read_text())
        assert load(project_dir).services, source


def test_env_file_duplicates_keep_first_position_and_earlier_lines_win(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "compose.yaml": "services:\n  e:\n    image: e\n"
            "    env_file: [e1.env, e2.env, e1.env]\n",
            "e1.env": "E=1\nZ=1\nY=${E}\n",
            "e2.env": "E=2\nZ=${E}\nW=${Y}\n",
        },
    )
    service = load(tmp_path).services["e"]
    assert [r.path.name for r in service.env_files] == ["e1.env", "e2.env"]
    assert env(load(tmp_path), "e") == {"E": "2", "Z": "2", "Y": "1", "W": "1"}


def test_reset_in_extending_service_and_list_items(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "compose.yaml": "services:\n  base:\n    image: b\n"
            '    environment: {A: "1", B: "2"}\n  a:\n    extends: base\n'
            "    environment: !reset {}\n  d:\n    image: d\n    environment:\n"
            "      - \"Q=${X}\"\n      - 'S=$X'\n      - T=$$X\n",
            ".env": "X=xv\n",
        },
    )
    project = load(tmp_path)
    assert env(project, "a") == {}
    assert env(project, "d") == {"Q": "xv", "S": "xv", "T": "$X"}
    q = project.services["d"].environment["Q"]
    assert (q.location.line, q.location.column, q.raw) == (11, 12, "${X}")  # type: ignore[union-attr]
    assert q.from_origin and q.origin[0].path == tmp_path / ".env"


def test_keys_are_never_interpolated(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "compose.yaml": "services:\n  c:\n    image: c\n    environment:\n      ${X}: v\n",
            ".env": "X=xv\n",
        },
    )
    assert env(load(tmp_path), "c") == {"${X}": "v"}


# --------------------------------------------------------------------------------------------
# Cases checked one by one against Docker Compose v2.40.3 (``config --format json``, ``env -i``).

IMG = "services:\n  app:\n    image: x\n"

#: name -> (files, ``--env-file`` arguments, the environment of ``app`` or a refusal message).
COMPOSE_CASES: dict[str, tuple[dict[str, str], tuple[str, ...], dict[str, str | None] | str]] = {
    "null-environment": (
        {"compose.yaml": IMG + "    environment:\n"},
        (),
        "services.app.environment must be a mapping",
    ),
    "null-environment-absorbed-by-earlier-file": (
        {
            "compose.yaml": IMG + "    environment: {A: '1'}\n",
            "compose.override.yaml": "services:\n  app:\n    environment:\n",
        },
        (),
        {"A": "1"},
    ),
    "null-env_file": (
        {"compose.yaml": IMG + "    env_file:\n"},
        (),
        "services.app.env_file must be a string",
    ),
    "null-service": ({"compose.yaml": "services:\n  app:\n"}, (), "services.app must be a mapping"),
    "reset-one-key": (
        {
            "compose.yaml": IMG + "    env_file: [a.env]\n    environment:\n"
            "      SMTP_HOST: a\n      SMTP_PORT: '587'\n",
            "compose.override.yaml": "services:\n  app:\n    environment:\n"
            "      SMTP_HOST: !reset null\n",
            "a.env": "SMTP_HOST=from-file\n",
        },
        (),
        {"SMTP_HOST": "from-file", "SMTP_PORT": "587"},
    ),
    "reset-one-key-after-list-form": (
        {
            "compose.yaml": IMG + "    environment:\n      - SMTP_HOST=a\n",
            "compose.override.yaml": "services:\n  app:\n    environment:\n"
            "      SMTP_HOST: !reset null\n",
        },
        (),
        {"SMTP_HOST": "a"},
    ),
    "reset-one-key-after-extends": (
        {
            "compose.yaml": "services:\n  base:\n    image: x\n    environment:\n"
            "      SMTP_HOST: b\n  app:\n    extends: base\n    environment:\n"
            "      SMTP_HOST: a\n",
            "compose.override.yaml": "services:\n  app:\n    environment:\n"
            "      SMTP_HOST: !reset null\n",
        },
        (),
        {"SMTP_HOST": "a"},
    ),
    "env_file-sees-earlier-env_file": (
        {
            "compose.yaml": IMG + "    env_file: [base.env, mail.env]\n",
            "base.env": "MAIL_DOMAIN=example.com\n",
            "mail.env": "MAIL_FROM=noreply@${MAIL_DOMAIN:-unset}\n",
        },
        (),
        {"MAIL_DOMAIN": "example.com", "MAIL_FROM": "noreply@example.com"},
    ),
    "env_file-sees-earlier-raw-env_file": (
        {
            "compose.yaml": IMG
            + "    env_file:\n      - path: base.env\n        format: raw\n      - mail.env\n",
            "base.env": "MAIL_DOMAIN=example.com\n",
            "mail.env": "MAIL_FROM=noreply@${MAIL_DOMAIN:-unset}\n",
        },
        (),
        {"MAIL_DOMAIN": "example.com", "MAIL_FROM": "noreply@example.com"},
    ),
    "env_file-precedence": (
        {
            "compose.yaml": IMG
            + "    env_file: [a.env, b.env]\n    environment:\n      S: svc\n      N:\n",
            ".env": "P=project\n",
            "a.env": "P=a\nS=a\nE=a\nL=a\n",
            "b.env": "E=b\nL=b-line\nV=${P}/${S}/${E}/${L}\n",
        },
        (),
        {"P": "a", "S": "svc", "E": "b", "L": "b-line", "N": None, "V": "project/svc/b/b-line"},
    ),
    "several-env-files-later-lines": (
        {
            "compose.yaml": IMG + "    environment:\n      MAIL_FROM: ${MAIL_FROM}\n",
            "base.env": "MAIL_DOMAIN=example.com\n",
            "prod.env": "MAIL_DOMAIN=prod.example\nMAIL_FROM=noreply@${MAIL_DOMAIN}\n",
        },
        ("base.env", "prod.env"),
        {"MAIL_FROM": "noreply@prod.example"},
    ),
    "several-env-files-read-twice": (
        {
            "compose.yaml": IMG + "    environment:\n      Y: ${Y}\n",
            "a.env": "X=one\nY=${X:?need X}\n",
            "b.env": "X=\n",
        },
        ("a.env", "b.env"),
        "required variable X is missing a value: need X",
    ),
    "predefined-variables": (
        {
            "compose.yaml": "name: ${STACK:-Mail_Stack}\n"
            + IMG
            + "    env_file: e.env\n    environment:\n      P: ${PWD}\n"
            "      N: ${COMPOSE_PROJECT_NAME}\n",
            ".env": "PWD=/not-this\n",
            "e.env": "E=${COMPOSE_PROJECT_NAME}\n",
        },
        (),
        {"P": "<dir>", "N": "mail_stack", "E": "mail_stack"},
    ),
    "project-name-from-dotenv": (
        {
            "compose.yaml": "name: ignored\n"
            + IMG
            + "    environment:\n      - COMPOSE_PROJECT_NAME\n",
            ".env": "COMPOSE_PROJECT_NAME=from-dotenv\n",
        },
        (),
        {"COMPOSE_PROJECT_NAME": "from-dotenv"},
    ),
    "project-name-invalid": (
        {"compose.yaml": IMG, ".env": "COMPOSE_PROJECT_NAME=Mail\n"},
        (),
        'invalid project name "Mail": must consist only of lowercase alphanumeric characters, '
        "hyphens, and underscores as well as start with a letter or number",
    ),
    "project-name-empty": (
        {"compose.yaml": "name: ${UNSET_NAME}\n" + IMG},
        (),
        "project name must not be empty",
    ),
    "no-image-nor-build": (
        {"compose.yaml": "services:\n  app:\n    environment: {A: '1'}\n"},
        (),
        'service "app" has neither an image nor a build context specified: invalid compose project',
    ),
    "unknown-service-key": (
        {"compose.yaml": IMG + "    enviroment:\n      - A=1\n"},
        (),
        "services.app additional properties 'enviroment' not allowed",
    ),
    "unknown-top-level-key": (
        {"compose.yaml": "jobs: {}\n" + IMG},
        (),
        "additional properties 'jobs' not allowed",
    ),
    "extension-keys": (
        {"compose.yaml": "x-top: 1\n" + IMG + "    x-mine: {a: b}\n    environment: {A: '1'}\n"},
        (),
        {"A": "1"},
    ),
    "bad-service-name": (
        {"compose.yaml": "services:\n  app bad:\n    image: x\n"},
        (),
        "services additional properties 'app bad' not allowed",
    ),
    "profiles-not-a-list": (
        {"compose.yaml": IMG + "    profiles: mail\n"},
        (),
        "services.app.profiles must be a array",
    ),
    "env_file-entry-not-a-string": (
        {"compose.yaml": IMG + "    env_file: [1]\n"},
        (),
        "services.app.env_file.0 must be a string",
    ),
    "env_file-entry-without-path": (
        {"compose.yaml": IMG + "    env_file: [{required: true}]\n"},
        (),
        "environment path attribute services.app.env_file.[0] is missing",
    ),
    "environment-list-int": (
        {"compose.yaml": IMG + "    environment:\n      - 587\n"},
        (),
        "services.app.environment.[0]: unexpected type int",
    ),
    "environment-empty-key": (
        {"compose.yaml": IMG + "    environment:\n      '': v\n"},
        (),
        "services.app.environment additional properties '' not allowed",
    ),
    "environment-int-key": (
        {"compose.yaml": IMG + "    environment:\n      25: v\n"},
        (),
        "non-string key in services.app.environment: 25",
    ),
    "env_file-spelled-two-ways": (
        {
            "compose.yaml": IMG + "    env_file: [a.env, b.env]\n",
            "compose.override.yaml": "services:\n  app:\n    env_file: ./a.env\n",
            "a.env": "SMTP_PORT=465\n",
            "b.env": "SMTP_PORT=587\n",
        },
        (),
        {"SMTP_PORT": "465"},
    ),
    "include-list-of-paths": (
        {
            "compose.yaml": "include:\n  - path: [sub/compose.yaml, sub/more.yaml]\n",
            "sub/compose.yaml": IMG + "    environment:\n      SMTP_PORT: '587'\n",
            "sub/more.yaml": "services:\n  app:\n    environment:\n      RELAYHOST:\n",
            "sub/.env": "RELAYHOST=smtp.example.com\n",
        },
        (),
        {"SMTP_PORT": "587", "RELAYHOST": "smtp.example.com"},
    ),
    "include-single-path": (
        {
            "compose.yaml": "include:\n  - sub/compose.yaml\n",
            "sub/compose.yaml": IMG + "    environment:\n      RELAYHOST:\n",
            "sub/.env": "RELAYHOST=smtp.example.com\n",
        },
        (),
        {"RELAYHOST": None},
    ),
}


def _app_environment(project: ComposeProject) -> dict[str, str | None]:
    app = project.services["app"]
    values: dict[str, str | None] = {k: s.value for k, s in app.environment.items()}
    values.update({s.key: None for s in app.unset})
    return values


@pytest.mark.parametrize("name", sorted(COMPOSE_CASES))
def test_compose_agrees(name: str, tmp_path: Path) -> None:
    files, env_files, expected = COMPOSE_CASES[name]
    root = write(tmp_path / "proj", files)
    shell = {"PATH": "/usr/bin:/bin", "HOME": str(root)}
    options = {"env": shell, "env_files": tuple(root / f for f in env_files)}
    if isinstance(expected, str):
        with pytest.raises(SourceError) as info:
            load(root, **options)
        assert info.value.message == expected
        return
    want = {k: str(root) if v == "<dir>" else v for k, v in expected.items()}
    assert _app_environment(load(root, **options)) == want


def test_refusals_point_at_the_offending_node(tmp_path: Path) -> None:
    root = write(tmp_path, {"compose.yaml": IMG + "    x-ok: 1\n    enviroment:\n      - A=1\n"})
    with pytest.raises(SourceError) as info:
        load(root)
    assert (info.value.location.path, info.value.location.line) == (root / "compose.yaml", 5)
    (root / "compose.yaml").write_text(IMG + "    environment:\n      - A=1\n      - 587\n")
    with pytest.raises(SourceError) as info:
        load(root)
    assert info.value.message == "services.app.environment.[1]: unexpected type int"
    assert info.value.location.line == 6
    (root / "compose.yaml").write_text("services:\n  app:\n")
    with pytest.raises(SourceError) as info:
        load(root)
    assert info.value.location.line == 2


def test_inactive_service_needs_no_image(tmp_path: Path) -> None:
    root = write(tmp_path, {"compose.yaml": IMG + "  off:\n    profiles: [debug]\n"})
    assert set(load(root, profiles=()).services) == {"app"}


SCHEMA = Path(__file__).resolve().parents[2] / "shared" / "schemas" / "compose-spec.json"
#: Keys the shared (newer) schema has that Compose v2.40.3's embedded schema lacks; the
#: binary refuses each ("additional properties 'umask' not allowed").
NEWER_THAN_COMPOSE = {"top": {"jobs"}, "service": {"pre_start", "umask"}}


def _schema_properties(schema: dict[str, object], node: dict[str, object]) -> set[str]:
    """``properties`` of ``node``, following ``allOf`` and local ``$ref``s."""
    defs = schema.get("$defs") or schema.get("definitions")
    assert isinstance(defs, dict)
    out = set(node.get("properties", {}))  # type: ignore[arg-type]
    for sub in node.get("allOf", []):  # type: ignore[union-attr]
        ref = sub.get("$ref")
        out |= _schema_properties(schema, defs[ref.rsplit("/", 1)[1]] if ref else sub)
    return out


def test_schema_key_sets_match_the_compose_spec() -> None:
    if not SCHEMA.is_file():
        pytest.skip(f"{SCHEMA} is absent")
    import json

    from mail_lint import compose_schema

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    defs = schema.get("$defs") or schema["definitions"]
    top = set(schema["properties"]) - NEWER_THAN_COMPOSE["top"]
    assert top == compose_schema.TOP_LEVEL_KEYS
    service = _schema_properties(schema, defs["service"]) - NEWER_THAN_COMPOSE["service"]
    assert service == compose_schema.SERVICE_KEYS
    spec = defs.get("container_spec", defs["service"])
    extends = spec["properties"].get("extends") or defs["service"]["properties"]["extends"]
    assert set(extends["oneOf"][1]["properties"]) == compose_schema.EXTENDS_KEYS
    env_file = defs["env_file"]["oneOf"][1]["items"]["oneOf"][1]
    assert set(env_file["properties"]) == compose_schema.ENV_FILE_KEYS
    assert set(defs["include"]["oneOf"][1]["properties"]) == compose_schema.INCLUDE_KEYS
    pattern = next(iter(schema["properties"]["services"]["patternProperties"]))
    assert pattern == "^" + compose_schema.SERVICE_NAME.pattern + "$"
