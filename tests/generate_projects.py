"""A seeded generator of realistic Compose projects for the differential oracle tests.

``generate(seed)`` returns a :class:`GeneratedProject`: a few files (compose files, overrides,
``-f`` extras, the project ``.env``, ``env_file`` targets, ``extends`` bases, ``include``d
sub-projects), the ``-f`` list (empty for Compose's own discovery), ``--env-file`` arguments,
a shell environment and whether every profile is active. The same seed always gives the same
bytes.

The generator knows no Compose semantics beyond what it needs to steer *validity*: the oracle,
not this module, says what each project means. It never writes ``${`` that is not a complete
template, and it only writes ``${V:?e}`` / ``${V?e}`` for variables it knows are set (and
non-empty). About one project in eight is made invalid on purpose (``expect_refusal`` says
how); Compose must refuse those, and so must mail-lint.

Run ``python tests/generate_projects.py SEED DIR`` to write one project for debugging.
"""

from __future__ import annotations

import random
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

# --------------------------------------------------------------------------------------------
# Vocabulary

MAIL_KEYS: tuple[str, ...] = (
    "SMTP_HOST", "SMTP_PORT", "SMTP_USER", "SMTP_USERNAME", "SMTP_PASSWORD", "SMTP_SECURE",
    "SMTP_FROM", "SMTP_IGNORETLS", "SMTP_TLS", "MAIL_DRIVER", "MAIL_MAILER", "MAIL_HOST",
    "MAIL_PORT", "MAIL_USERNAME", "MAIL_PASSWORD", "MAIL_ENCRYPTION", "MAIL_FROM",
    "MAIL_FROM_NAME", "MAIL_FROM_ADDRESS", "MAIL_VERIFY_SSL", "MAILER_ADAPTER", "MAILER_DSN",
    "EMAIL_HOST", "EMAIL_PORT", "EMAIL_USE_TLS", "EMAIL_USE_SSL", "EMAIL_HOST_USER",
    "EMAIL_HOST_PASSWORD", "SMTP_HOST_ADDR", "POSTMARK_TOKEN", "RELAYHOST", "APP_URL",
    "BASE_URL", "smtp_relay", "Mail_Domain",
)  # fmt: skip
#: Variables a project's ``.env`` or shell may define, for interpolation.
VAR_NAMES: tuple[str, ...] = (
    "SMTP_HOST", "SMTP_PORT", "SMTP_USER", "SMTP_PASSWORD", "SMTP_SECURE", "MAIL_HOST",
    "MAIL_PORT", "MAIL_PASSWORD", "MAIL_DOMAIN", "MAIL_FROM", "DOMAIN", "SMTP_PASS",
    "PROVIDER_KEY", "RELAY", "smtp_lower", "TLS_MODE", "_PRIVATE", "APP_URL",
)  # fmt: skip
#: Variables no file and no shell ever defines.
UNSET_NAMES: tuple[str, ...] = ("UNSET_SMTP_RELAY", "MAIL_FALLBACK", "NOT_SET_PORT", "smtp_unset")
HOSTS = (
    "smtp.example.com", "mail.example.org", "mailhog", "127.0.0.1", "smtp.sendgrid.net",
    "email-smtp.eu-west-1.amazonaws.com", "smtp.postmarkapp.com", "postfix", "localhost",
)  # fmt: skip
PORTS = ("25", "465", "587", "2525", "1025", "0587", "025")
FLAGS = ("true", "false", "True", "FALSE", "yes", "no", "on", "tls", "ssl", "starttls", "null", "1")
SENDERS = (
    "noreply@example.com", "Mail Bot <bot@example.com>", '"Plausible" <p@example.org>',
    "bookstack@mail.example.org",
)  # fmt: skip
#: YAML scalars whose Compose rendering differs from their text.
YAML_SPECIALS = (
    "True", "true", "False", "yes", "no", "on", "off", "ON", "025", "0587", "1e3", "1.50",
    "1:30", "0x1F", "0o17", "-1", "~", "null", "Null", "", "3.0", "+465", "2525",
)  # fmt: skip
SERVICES = (
    ("bookstack", "lscr.io/linuxserver/bookstack:latest"),
    ("docmost", "docmost/docmost:latest"),
    ("plausible", "ghcr.io/plausible/community-edition:v2.1.4"),
    ("listmonk", "listmonk/listmonk:latest"),
    ("wgdashboard", "ghcr.io/wgdashboard/wgdashboard:latest"),
    ("app", "example/app:1.0"),
    ("worker", "example/app:1.0"),
    ("mailer", "example/mailer"),
)
INCLUDED_SERVICES = (
    ("relay", "boky/postfix"),
    ("mailhog", "mailhog/mailhog"),
    ("smtpd", "x/smtpd"),
)
DISCOVERY_NAMES = ("compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml")
OVERRIDE_NAMES = (
    "compose.override.yml", "compose.override.yaml",
    "docker-compose.override.yml", "docker-compose.override.yaml",
)  # fmt: skip
ENV_FILE_NAMES = (
    "mail.env", "smtp.env", "app.env", "config/mail.env", "./env/smtp.env", "secrets/mail.env",
    "plausible-conf.env", ".env.mail",
)  # fmt: skip

_PLAIN_BAD_START = set("-?:,[]{}#&*!|>'\"%@`")
#: An environment entry of a service, mapping or list form (group 1 is the key).
_ENV_KEY = re.compile(r"""^      (?:- )?['"]?([A-Za-z_][A-Za-z0-9_]*)(?:['"]?:|=|$)""")

# --------------------------------------------------------------------------------------------
# The result


@dataclass
class GeneratedProject:
    """One generated project: its files and how to run Compose on it."""

    seed: int
    files: dict[str, str] = field(default_factory=dict)
    #: ``-f`` arguments relative to the project directory; empty means discovery.
    compose_files: tuple[str, ...] = ()
    #: The shell environment (the oracle gets it through ``env -i``, mail-lint as ``env``).
    env: dict[str, str] = field(default_factory=dict)
    #: ``--env-file`` arguments relative to the project directory (they replace ``.env``).
    env_files: tuple[str, ...] = ()
    profiles_all: bool = True
    #: Why the generator meant Compose to refuse the project, or ``None``.
    expect_refusal: str | None = None
    #: Which constructs the project uses (for the coverage check).
    features: set[str] = field(default_factory=set)

    def write(self, root: Path) -> None:
        """Write every file under ``root`` (which may exist)."""
        for rel, text in self.files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")

    def describe(self) -> str:
        """The run parameters and every file, for an assertion message."""
        head = [
            f"seed={self.seed} -f={list(self.compose_files) or '(discovery)'} "
            f"env={self.env!r} --env-file={list(self.env_files)} profiles_all={self.profiles_all} "
            f"expect_refusal={self.expect_refusal!r}"
        ]
        for rel in sorted(self.files):
            head.append(f"--- {rel}\n{self.files[rel]}")
        return "\n".join(head)


# --------------------------------------------------------------------------------------------
# Value text (the text Compose's interpolator sees), built so that templates stay valid


@dataclass
class Scope:
    """What interpolation in one place may rely on."""

    #: Variables certainly set and non-empty here (``${V:?e}`` is safe).
    nonempty: list[str]
    #: Variables certainly set, maybe empty (``${V?e}`` is safe).
    defined: list[str]
    #: Variables that may or may not be defined here.
    maybe: list[str]


def _name_for(rng: random.Random, scope: Scope, features: set[str]) -> str:
    if rng.random() < 0.015:
        # Set by Compose itself (PWD, the project name) or by the run (HOME).
        features.add("interp-compose-variable")
        return rng.choice(("PWD", "COMPOSE_PROJECT_NAME", "HOME"))
    pools = [scope.maybe or list(VAR_NAMES), list(UNSET_NAMES)]
    if scope.defined:
        pools.append(scope.defined)
    return rng.choice(rng.choice(pools))


def _arg_text(rng: random.Random, scope: Scope, depth: int, features: set[str]) -> str:
    """A default / alternative / error text: no ``#``, quotes or braces; may nest a template."""
    if depth < 2 and rng.random() < 0.25:
        features.add("interp-nested")
        return _template(rng, scope, depth + 1, features)
    return rng.choice(
        (
            rng.choice(HOSTS),
            rng.choice(PORTS),
            rng.choice(FLAGS),
            "",
            "smtp://user:pw@relay.example.com:587",
            "missing value",
            "set SMTP_PASSWORD in .env",
            "a:b",
            "x=y",
            "$$literal",
        )
    )


def _template(rng: random.Random, scope: Scope, depth: int, features: set[str]) -> str:
    """One ``${…}`` or ``$NAME`` reference."""
    ops = ["", ":-", "-", ":+", "+", "bare"]
    if scope.nonempty:
        ops.append(":?")
    if scope.defined:
        ops.append("?")
    op = rng.choice(ops)
    if op == ":?":
        name = rng.choice(scope.nonempty)
    elif op == "?":
        name = rng.choice(scope.defined)
    else:
        name = _name_for(rng, scope, features)
    if op == "bare":
        features.add("interp-unbraced")
        return "$" + name
    features.add(f"interp-op[{op or 'plain'}]")
    if op == "":
        return "${" + name + "}"
    return "${" + name + op + _arg_text(rng, scope, depth, features) + "}"


def _password(rng: random.Random, features: set[str]) -> str:
    pieces = []
    for _ in range(rng.randint(1, 4)):
        pieces.append(
            rng.choice(
                (
                    "Tr0ub4dor", "s3cr3t", "pa", "ss", "word", "P@ssw0rd", "x", "é", "%!", "&*",
                    "#", " #", " ", "=", ":", "'", '"', "\\", "{", "}", "a;b", "k=v", "c:d",
                    "tab\t", "\\n", "_",
                )
            )
        )  # fmt: skip
        roll = rng.random()
        if roll < 0.15:
            features.add("dollar-escaped")
            pieces.append("$$")
        elif roll < 0.25:
            features.add("dollar-lone")
            pieces.append(rng.choice(("$ ", "$1", "$%", "$.", "$-")))
        elif roll < 0.35:
            features.add("dollar-unbraced-name")
            pieces.append("$" + rng.choice(("word", "ecret", "X", "HOME", "smtp_lower")))
        elif roll < 0.38:
            features.add("dollar-escaped-template")
            pieces.append("$${NOT_A_VAR}")
    text = "".join(pieces)
    if rng.random() < 0.1:
        features.add("dollar-trailing")
        text += "$"
    return text


def value_text(rng: random.Random, scope: Scope, features: set[str], key: str = "") -> str:
    """A realistic value for ``key``, as the text Compose's interpolator sees."""
    roll = rng.random()
    upper = key.upper()
    if roll < 0.3:
        features.add("interp")
        template = _template(rng, scope, 0, features)
        if rng.random() < 0.3:
            return (
                rng.choice(("smtp://", "prefix-", "")) + template + rng.choice((":587", "-x", ""))
            )
        return template
    if roll < 0.35:
        return ""
    if roll < 0.4:
        features.add("value-multiline")
        return "line one\nline two"
    if "PASS" in upper or "TOKEN" in upper or "KEY" in upper:
        features.add("value-password")
        return _password(rng, features)
    if "HOST" in upper or "RELAY" in upper:
        return rng.choice(HOSTS)
    if "PORT" in upper:
        return rng.choice(PORTS)
    if "FROM" in upper or "USER" in upper:
        return (
            rng.choice(SENDERS) if "FROM" in upper else rng.choice(("apikey", "user@example.com"))
        )
    if "URL" in upper or "DSN" in upper:
        return rng.choice(
            (
                "https://mail.example.com",
                "smtp://apikey:SG.x$$y@smtp.sendgrid.net:587",
                "http://x:8000",
            )
        )
    if rng.random() < 0.5:
        return rng.choice(FLAGS)
    features.add("value-password")
    return _password(rng, features)


# --------------------------------------------------------------------------------------------
# Encoders: value text -> YAML / dotenv syntax


def _plain_safe(text: str) -> bool:
    if not text or text != text.strip() or "\n" in text or "\t" in text:
        return False
    if text[0] in _PLAIN_BAD_START or text.endswith(":"):
        return False
    return ": " not in text and " #" not in text


def yaml_scalar(rng: random.Random, text: str, features: set[str]) -> str:
    """``text`` as a YAML scalar that loads as the *string* ``text`` (plain only when safe)."""
    styles = ["double"]
    if "\n" not in text:
        styles += ["single", "single"]
    if _plain_safe(text) and not _looks_typed(text):
        styles += ["plain", "plain", "plain"]
    style = rng.choice(styles)
    features.add(f"yaml-{style}")
    if style == "plain":
        return text
    if style == "single":
        return "'" + text.replace("'", "''") + "'"
    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    )
    return '"' + escaped + '"'


def yaml_block(rng: random.Random, text: str, indent: str, features: set[str]) -> str | None:
    """``text`` as a YAML block scalar (``|``, ``>-``, ...), or ``None`` when it cannot be one."""
    lines = text.split("\n")
    if not text.strip() or any(line[:1] in {" ", "\t"} or line != line.rstrip() for line in lines):
        return None
    style = rng.choice(("|", "|-", ">", ">-"))
    features.add("yaml-block-scalar")
    return style + "".join(f"\n{indent}{line}" if line else "\n" for line in lines)


def _looks_typed(text: str) -> bool:
    """Whether a plain scalar might not load as a string (left to the deliberate specials)."""
    return bool(
        re.fullmatch(r"[-+]?[0-9][0-9_.eExXoOa-fA-F:+-]*|[-+]?\.[0-9].*|~|null|Null|NULL", text)
        or text.lower() in {"true", "false", "yes", "no", "on", "off", "y", "n", ".inf", ".nan"}
    )


def dotenv_value(rng: random.Random, text: str, features: set[str], *, raw: bool = False) -> str:
    """``text`` as the right-hand side of a Compose dotenv line."""
    styles = ["double"]
    # In single quotes only ``\'`` is an escape: a backslash before a quote or at the end
    # would escape the closing quote.
    if not text.endswith("\\") and "\\'" not in text and ("'" not in text or rng.random() < 0.5):
        styles += ["single"]
    if "\n" not in text and text.lstrip()[:1] not in {"'", '"'} and not raw:
        styles += ["unquoted", "unquoted", "unquoted"]
    if raw:
        # ``format: raw`` has no quoting: one line is one value.
        text = text.replace("\n", " ")
        styles = ["unquoted"]
    style = rng.choice(styles)
    features.add(f"dotenv-{style}")
    if style == "unquoted":
        if " #" in text:
            features.add("dotenv-inline-comment")
        return text
    if style == "single":
        if "\\" in text:
            features.add("dotenv-single-backslash")
        return "'" + text.replace("'", "\\'") + "'"
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    if "\n" in escaped and rng.random() < 0.5:
        features.add("dotenv-multiline-literal")
    else:
        escaped = escaped.replace("\n", "\\n")
    if "$" in escaped and rng.random() < 0.2:
        features.add("dotenv-escaped-dollar")
        escaped = escaped.replace("$$", "\\$", 1)
    return '"' + escaped + '"'


def dotenv_line(rng: random.Random, key: str, text: str | None, features: set[str]) -> str:
    """One dotenv line; ``text`` ``None`` writes a bare ``KEY`` (inherit from the environment)."""
    if text is None:
        features.add("dotenv-bare-key")
        return key
    prefix = ""
    sep = "="
    roll = rng.random()
    if roll < 0.08:
        prefix = "export "
        features.add("dotenv-export")
    elif roll < 0.13:
        sep = ": "
        features.add("dotenv-colon")
    elif roll < 0.16:
        sep = " = "
        features.add("dotenv-spaced-equals")
    elif roll < 0.19:
        prefix = "  "
        features.add("dotenv-indented")
    line = f"{prefix}{key}{sep}{dotenv_value(rng, text, features)}"
    if rng.random() < 0.08 and not line.endswith("\\") and not line.rstrip().endswith("$"):
        features.add("dotenv-trailing-comment")
        line += " # set by ops"
    return line


# --------------------------------------------------------------------------------------------
# Builders


class _Builder:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.project = GeneratedProject(seed=seed)
        self.features = self.project.features
        self.env_files_written: set[str] = set()
        self.anchor_count = 0
        #: A scalar anchor defined above the services being written (aliases may use it).
        self.scalar_alias: str | None = None
        #: Mail keys each main-file service writes (override files reset some of them).
        self.service_keys: dict[str, list[str]] = {}
        #: The service that carries the deliberate defect (override files leave it alone).
        self.defect_service: str | None = None

    def refuse(self, why: str) -> None:
        if self.project.expect_refusal is None:
            self.project.expect_refusal = why

    # -- environment sources ---------------------------------------------------------------

    def shell_env(self) -> Scope:
        rng = self.rng
        env = self.project.env
        if rng.random() < 0.35:
            self.features.add("shell-env")
            for name in rng.sample(VAR_NAMES, rng.randint(1, 3)):
                env[name] = rng.choice(
                    (rng.choice(HOSTS), rng.choice(PORTS), "from-shell", "sh$ell", "", "a b")
                )
        return Scope([k for k, v in env.items() if v], list(env), list(env))

    def dotenv(self, path: str, base: Scope, *, bad: bool = False, grow: bool = True) -> Scope:
        """Write a Compose dotenv file at ``path``; return ``base`` plus what it certainly sets.

        ``grow`` False keeps what the file's own lines may rely on at ``base`` (for files whose
        values another environment may override while Compose reads them: an included
        project's ``.env``, and every ``--env-file`` but the last, which Compose reads again
        with the merged values as its environment).
        """
        rng = self.rng
        shell = self.project.env
        scope = Scope(list(base.nonempty), list(base.defined), list(base.maybe))
        result = Scope(list(base.nonempty), list(base.defined), list(base.maybe))
        lines = []
        if rng.random() < 0.4:
            lines.append("# mail settings")
        for name in rng.sample(VAR_NAMES, rng.randint(1, 7)):
            roll = rng.random()
            if roll < 0.07:
                lines.append(dotenv_line(rng, name, None, self.features))
                scope.maybe.append(name)
                result.maybe.append(name)
                continue
            if roll < 0.45:
                text = rng.choice((*HOSTS, "587", "465", "example.com", "apikey", "tls"))
                lines.append(dotenv_line(rng, name, text, self.features))
                if shell.get(name, "x") != "":  # the shell wins over the file
                    result.nonempty.append(name)
                    if grow:
                        scope.nonempty.append(name)
            else:
                text = value_text(rng, scope, self.features, name)
                lines.append(dotenv_line(rng, name, text, self.features))
            result.defined.append(name)
            result.maybe.append(name)
            if grow:
                scope.defined.append(name)
            scope.maybe.append(name)
            if rng.random() < 0.1:
                lines.append("")
        if bad:
            # Last: an unterminated quote would swallow the lines after it.
            lines.append(self.bad_dotenv_line("dotenv"))
        if rng.random() < 0.05:
            # A lower-case twin: references are case-sensitive.
            lines.append("smtp_lower=lower-case-twin")
        self.project.files[path] = "\n".join(lines) + ("\n" if rng.random() < 0.9 else "")
        self.features.add("dotenv-file")
        return result

    def bad_dotenv_line(self, where: str) -> str:
        rng = self.rng
        kind = rng.choice(("template", "required", "quote", "space"))
        self.refuse(f"{where}-{kind}")
        if kind == "template":
            return rng.choice(("SMTP_PASSWORD=pa${ss", 'MAIL_HOST="${MAIL_DOMAIN"', "X=${}"))
        if kind == "required":
            return rng.choice(
                ("SMTP_PASSWORD=${UNSET_SMTP_RELAY:?set it}", "MAIL_HOST=${MAIL_FALLBACK?missing}")
            )
        if kind == "quote":
            return 'SMTP_PASSWORD="unterminated'
        return "SMTP PASSWORD=with space"

    def env_file(self, rel: str, scope: Scope, *, bad: bool = False, raw: bool = False) -> None:
        """Write an env_file target at ``rel`` (relative to the project directory)."""
        rel = rel.removeprefix("./")
        if rel in self.env_files_written:
            return
        self.env_files_written.add(rel)
        rng = self.rng
        lines = []
        for key in rng.sample(MAIL_KEYS, rng.randint(1, 6)):
            if rng.random() < 0.06:
                lines.append(dotenv_line(rng, key, None, self.features))
                continue
            text = value_text(rng, scope, self.features, key)
            if raw:
                lines.append(f"{key}={dotenv_value(rng, text, self.features, raw=True)}")
            else:
                lines.append(dotenv_line(rng, key, text, self.features))
            if rng.random() < 0.1:
                lines.append("# comment line")
        if bad:
            lines.append(self.bad_dotenv_line("env_file"))
        self.project.files[rel] = "\n".join(lines) + "\n"

    # -- service pieces ---------------------------------------------------------------------

    def environment_block(
        self,
        indent: str,
        scope: Scope,
        *,
        form: str | None = None,
        merge: str | None = None,
        extra: Sequence[str] = (),
    ) -> list[str]:
        """``environment:`` and its body at ``indent``; ``extra`` are raw mapping lines."""
        rng = self.rng
        f = self.features
        if form is None:
            form = rng.choices(("mapping", "list", "empty-map", "empty-list"), (52, 40, 4, 4))[0]
        if merge or extra:
            form = "mapping"
        f.add(f"environment-{form}")
        if form == "empty-map":
            return [f"{indent}environment: {{}}"]
        if form == "empty-list":
            return [f"{indent}environment: []"]
        taken = {line.split(":", 1)[0].strip() for line in extra}
        chosen = [k for k in rng.sample(MAIL_KEYS, rng.randint(1, 6)) if k not in taken]
        inner = indent + "  "
        body: list[str] = []
        for key in chosen:
            roll = rng.random()
            if form == "mapping":
                if self.scalar_alias and roll > 0.9:
                    f.add("yaml-scalar-alias")
                    body.append(f"{inner}{key}: *{self.scalar_alias}")
                elif roll < 0.1:
                    f.add("environment-null-value")
                    body.append(f"{inner}{key}:" + rng.choice(("", " ~", " null")))
                elif roll < 0.25:
                    f.add("yaml-special-scalar")
                    body.append(f"{inner}{key}: {rng.choice(YAML_SPECIALS)}".rstrip())
                elif roll < 0.45:
                    f.add("environment-same-name-default")
                    default = value_text(rng, Scope([], [], []), f, key).replace("\n", " ")
                    default = re.sub(r"[{}#'\"\\$\t]", "", default)
                    text = "${" + key + rng.choice((":-", "-")) + default + "}"
                    body.append(f"{inner}{key}: {yaml_scalar(rng, text, f)}")
                else:
                    text = value_text(rng, scope, f, key)
                    qkey = f'"{key}"' if rng.random() < 0.05 else key
                    block = yaml_block(rng, text, inner + "  ", f) if roll > 0.93 else None
                    body.append(f"{inner}{qkey}: {block or yaml_scalar(rng, text, f)}")
            else:
                if roll < 0.12:
                    f.add("environment-bare-key")
                    body.append(f"{inner}- {key}")
                    continue
                if roll < 0.2:
                    f.add("environment-list-quoted-value")
                    q = rng.choice(("'", '"'))
                    item = f"{key}={q}{rng.choice(HOSTS)}{q}"
                elif roll < 0.23:
                    f.add("environment-list-interpolated-key")
                    item = "${KEY_NAME:-" + key + "}=" + rng.choice(HOSTS)
                else:
                    item = f"{key}={value_text(rng, scope, f, key)}"
                body.append(f"{inner}- {yaml_scalar(rng, item, f)}")
        if form == "list" and chosen and rng.random() < 0.1:
            f.add("environment-list-duplicate")
            body.append(f"{inner}- {chosen[0]}=last-wins")
        body += [inner + line for line in extra]
        if merge:
            f.add("merge-key-environment" + ("-list" if merge.startswith("[") else ""))
            body.insert(rng.randint(0, len(body)), f"{inner}<<: {merge}")
        if not body:
            return [
                f"{indent}environment: {{}}" if form == "mapping" else f"{indent}environment: []"
            ]
        return [f"{indent}environment:", *body]

    def env_file_block(self, indent: str, scope: Scope, *, defect: str | None = None) -> list[str]:
        """``env_file:`` in one of its forms; ``defect`` is "missing" or "bad" (one file)."""
        rng = self.rng
        f = self.features
        names = rng.sample(ENV_FILE_NAMES, rng.randint(1, 3))
        forms = ("string", "list", "long") if len(names) == 1 else ("list", "long")
        form = rng.choice(forms)
        f.add(f"env_file-{form}")
        defect_index = rng.randrange(len(names)) if defect else -1
        entries: list[str] = []
        written: list[str] = []
        for i, name in enumerate(names):
            if "/" in name.removeprefix("./"):
                f.add("env_file-subfolder")
            if i == defect_index and defect == "missing":
                self.refuse("env_file-missing-required")
                missing = "missing-" + name.replace("./", "").replace("/", "-")
                entries.append(missing if form != "long" else f"path: {missing}\nrequired: true")
                continue
            if i != defect_index and form == "long" and rng.random() < 0.25:
                f.add("env_file-optional-missing")
                entries.append(f"path: optional-{i}.env\nrequired: false")
                continue
            raw = i != defect_index and form == "long" and rng.random() < 0.08
            if raw:
                # Raw files get names of their own: a file is read one way only.
                name = "raw-" + name.removeprefix("./").replace("/", "-")
            self.env_file(name, scope, bad=i == defect_index, raw=raw)
            if not raw and i != defect_index:
                written.append(name.removeprefix("./"))
            ref = name
            if not name.startswith("./") and rng.random() < 0.08:
                # The same file spelled another way (Compose de-duplicates by spelling).
                f.add("env_file-dot-slash")
                ref = "./" + name
            elif "/" in name.removeprefix("./") and rng.random() < 0.1:
                # The path itself interpolated (the variable is never set).
                f.add("env_file-interpolated-path")
                folder, base = name.removeprefix("./").rsplit("/", 1)
                ref = "${MAIL_CONF_DIR:-" + folder + "}/" + base
            if form != "long":
                entries.append(ref)
                continue
            extra = ""
            if rng.random() < 0.5:
                extra = "\nrequired: " + rng.choice(("true", "false", "True"))
            if raw:
                f.add("env_file-format-raw")
                extra += "\nformat: raw"
            entries.append(f"path: {ref}{extra}")
        if len(written) > 1 and rng.random() < 0.1:
            # A later file builds on a value an earlier file of the same service sets.
            f.add("env_file-chain")
            first, last = written[0], written[-1]
            self.project.files[first] += "MAIL_DOMAIN_BASE=example.com\n"
            self.project.files[last] += "MAIL_FROM_ADDRESS=noreply@${MAIL_DOMAIN_BASE:-unset}\n"
        if form == "string":
            return [f"{indent}env_file: {entries[0]}"]
        out = [f"{indent}env_file:"]
        for entry in entries:
            first, *rest = entry.split("\n")
            out.append(f"{indent}  - {first}")
            out += [f"{indent}    {line}" for line in rest]
        return out

    def service(
        self,
        name: str,
        image: str,
        scope: Scope,
        *,
        defect: str | None = None,
        extends: list[str] | None = None,
        env_anchors: Sequence[str] = (),
        svc_anchors: Sequence[str] = (),
    ) -> list[str]:
        """One service of the main file, its body in random key order."""
        rng = self.rng
        f = self.features
        blocks: list[list[str]] = []
        if extends:
            blocks.append(extends)
        if svc_anchors and defect is None and rng.random() < 0.4:
            ref = _merge_ref(rng, svc_anchors)
            f.add("merge-key-service" + ("-list" if ref.startswith("[") else ""))
            blocks.append([f"    <<: {ref}"])
        if defect == "no-image":
            self.refuse("yaml-no-image")
        elif not extends or rng.random() < 0.5:
            blocks.append([f"    image: {image}"])
        if defect is None and rng.random() < 0.15:
            f.add("profiles")
            blocks.append(
                ["    profiles: " + rng.choice(('["mail"]', "[mail, debug]", "\n      - mail"))]
            )
        env_file_defect = defect if defect in {"missing", "bad"} else None
        if env_file_defect or (defect != "null-env_file" and rng.random() < 0.45):
            blocks.append(self.env_file_block("    ", scope, defect=env_file_defect))
        extra: list[str] = []
        if defect == "template":
            self.refuse("yaml-template")
            extra.append("SMTP_PASSWORD: " + rng.choice(('"pa${ss"', "'${SMTP_HOST'", "${}")))
        elif defect == "required":
            self.refuse("yaml-required")
            op = rng.choice((":?", "?"))
            extra.append(f"SMTP_HOST: ${{{rng.choice(UNSET_NAMES)}{op}set SMTP_HOST}}")
        elif defect == "duplicate":
            self.refuse("yaml-duplicate-key")
            extra += ["SMTP_PORT: 587", "SMTP_PORT: 465"]
        elif defect == "null-environment":
            self.refuse("yaml-environment-null")
            blocks.append(["    environment:" + rng.choice(("", " ~", " null"))])
        elif defect == "null-env_file":
            self.refuse("yaml-env_file-null")
            blocks.append(["    env_file:"])
        elif defect == "typo-key":
            self.refuse("yaml-unknown-key")
            blocks.append([f"    {rng.choice(('enviroment', 'env-file', 'environments'))}:"])
            blocks[-1].append(f"      - SMTP_HOST={rng.choice(HOSTS)}")
        if defect != "null-environment" and (extra or rng.random() < 0.85):
            if env_anchors and not extra and rng.random() < 0.12:
                f.add("alias-environment")
                blocks.append([f"    environment: *{rng.choice(env_anchors)}"])
            else:
                merge = _merge_ref(rng, env_anchors) if env_anchors and rng.random() < 0.5 else None
                blocks.append(self.environment_block("    ", scope, merge=merge, extra=extra))
        if rng.random() < 0.2:
            blocks.append(['    ports:\n      - "8080:80"'])
        rng.shuffle(blocks)
        return [f"  {name}:", *(line for block in blocks for line in block)]

    # -- whole files ---------------------------------------------------------------------------

    def anchors(self, scope: Scope) -> tuple[list[str], list[str], list[str]]:
        """Top-level ``x-`` blocks; returns (lines, env-mapping anchors, service anchors)."""
        rng = self.rng
        if rng.random() < 0.55:
            return [], [], []
        lines: list[str] = []
        env_anchors: list[str] = []
        svc_anchors: list[str] = []
        for _ in range(rng.randint(1, 3)):
            self.anchor_count += 1
            if rng.random() < 0.65:
                anchor = f"mail{self.anchor_count}"
                block = self.environment_block("", scope, form="mapping")
                if block[0] != "environment:":
                    continue
                lines.append(f"x-mail-{self.anchor_count}: &{anchor}")
                lines += block[1:]
                env_anchors.append(anchor)
            else:
                anchor = f"svc{self.anchor_count}"
                lines.append(f"x-service-{self.anchor_count}: &{anchor}")
                lines.append("  image: example/app:1.0")
                lines += self.environment_block("  ", scope, form=rng.choice(("mapping", "list")))
                if rng.random() < 0.3:
                    lines += self.env_file_block("  ", scope)
                svc_anchors.append(anchor)
        if lines:
            self.features.add("yaml-anchor")
        if rng.random() < 0.2 and lines:
            # A scalar anchor, aliased in a service below.
            self.features.add("yaml-scalar-anchor")
            lines.append(f"x-relay-host: &relayhost {rng.choice(HOSTS)}")
        return lines, env_anchors, svc_anchors

    def main_file(self, scope: Scope, *, defect: str | None) -> tuple[str, list[str]]:
        """The first compose file; returns its text and its service names."""
        rng = self.rng
        f = self.features
        head: list[str] = []
        if rng.random() < 0.1:
            head.append("name: " + rng.choice(("mailstack", "${STACK_NAME:-mail-stack}")))
        if rng.random() < 0.1:
            head.append('version: "3.8"')
        anchor_lines, env_anchors, svc_anchors = self.anchors(scope)
        head += anchor_lines
        chosen = rng.sample(SERVICES, rng.randint(1, 4))
        names = [name for name, _ in chosen]
        if "x-relay-host: &relayhost" in "\n".join(anchor_lines):
            self.scalar_alias = "relayhost"
        services: list[str] = ["services:"]
        if defect:
            self.defect_service = names[0]
        for i, (name, image) in enumerate(chosen):
            extends = None
            if i > 0 and rng.random() < 0.2:  # never the first: it may carry the defect
                f.add("extends-same-file")
                base = rng.choice(names[:i])
                extends = (
                    [f"    extends: {base}"]
                    if rng.random() < 0.5
                    else ["    extends:", f"      service: {base}"]
                )
            elif (i > 0 or not defect) and rng.random() < 0.15:
                f.add("extends-other-file")
                extends = self.extends_file(scope)
            service_lines = self.service(
                name,
                image,
                scope,
                defect=defect if i == 0 else None,
                extends=extends,
                env_anchors=env_anchors,
                svc_anchors=svc_anchors,
            )
            services += service_lines
            found = (_ENV_KEY.match(line) for line in service_lines)
            self.service_keys[name] = [m[1] for m in found if m and m[1] in MAIL_KEYS]
            if "x-relay-host: &relayhost" in "\n".join(anchor_lines) and rng.random() < 0.5:
                services += ["    labels:", "      relay: *relayhost"]
        self.scalar_alias = None
        includes = self.include(scope) if rng.random() < 0.15 else []
        if includes and rng.random() < 0.5:
            lines = head + includes + services
        else:
            lines = head + services + includes
        return "\n".join(lines) + "\n", names

    def extends_file(self, scope: Scope) -> list[str]:
        # Another file: the main file's anchors are not visible there.
        saved, self.scalar_alias = self.scalar_alias, None
        try:
            return self._extends_file(scope)
        finally:
            self.scalar_alias = saved

    def _extends_file(self, scope: Scope) -> list[str]:
        rng = self.rng
        rel = rng.choice(("common.yaml", "shared/mail-base.yml", "base/compose.yaml"))
        if rel not in self.project.files:
            folder = rel.rsplit("/", 1)[0] + "/" if "/" in rel else ""
            lines = ["services:", "  mailbase:", "    image: example/mail-base"]
            if rng.random() < 0.25:
                # A chain: this base extends one more file, relative to this one.
                self.features.add("extends-chain")
                lines[-1:] = [
                    "    extends:",
                    "      file: core/compose.yaml",
                    "      service: core",
                ]
                core = ["services:", "  core:", "    image: example/mail-core"]
                core += self.environment_block("    ", scope, form="mapping")
                if rng.random() < 0.5:
                    self.env_file(f"{folder}core/core.env", scope)
                    core.append("    env_file: core.env")
                self.project.files[f"{folder}core/compose.yaml"] = "\n".join(core) + "\n"
            lines += self.environment_block("    ", scope, form=rng.choice(("mapping", "list")))
            if rng.random() < 0.5:
                self.features.add("extends-other-file-env_file")
                env_rel = folder + rng.choice(("base.env", "mail/base.env"))
                self.env_file(env_rel, scope)
                lines.append(f"    env_file: {env_rel.removeprefix(folder)}")
            self.project.files[rel] = "\n".join(lines) + "\n"
        return ["    extends:", f"      file: {rel}", "      service: mailbase"]

    def include(self, root: Scope) -> list[str]:
        rng = self.rng
        f = self.features
        folder = rng.choice(("mail", "relay", "stack/mail"))
        name, image = rng.choice(INCLUDED_SERVICES)
        long_form = rng.random() < 0.5
        env_file = long_form and rng.random() < 0.4
        shell = self.shell_scope()
        # The including project's environment overrides the included one's, so only what
        # the root and the shell certainly set is certain here.
        scope = Scope(list(root.nonempty), list(root.defined), list(root.maybe) + list(VAR_NAMES))
        if not env_file and rng.random() < 0.6:
            f.add("include-dotenv")
            self.dotenv(f"{folder}/.env", shell, grow=False)
        lines = ["services:", f"  {name}:", f"    image: {image}"]
        if rng.random() < 0.5:
            env_rel = rng.choice(("relay.env", "conf/relay.env"))
            self.env_file(f"{folder}/{env_rel}", scope)
            lines.append(f"    env_file: {env_rel}")
        lines += self.environment_block("    ", scope, form=rng.choice(("mapping", "list")))
        if rng.random() < 0.2:
            f.add("include-nested")
            lines = ["include:", "  - deep/compose.yaml", *lines]
            deep = ["services:", "  deepsmtp:", "    image: example/deep"]
            deep += self.environment_block("    ", scope, form="mapping")
            if rng.random() < 0.5:
                self.dotenv(f"{folder}/deep/.env", shell, grow=False)
            self.project.files[f"{folder}/deep/compose.yaml"] = "\n".join(deep) + "\n"
        self.project.files[f"{folder}/compose.yaml"] = "\n".join(lines) + "\n"
        paths = [f"{folder}/compose.yaml"]
        if long_form and rng.random() < 0.25:
            f.add("include-path-list")
            extra = ["services:", f"  {name}:"]
            extra += self.environment_block("    ", scope, form="mapping")
            self.project.files[f"{folder}/compose.local.yaml"] = "\n".join(extra) + "\n"
            paths.append(f"{folder}/compose.local.yaml")
        if not long_form:
            f.add("include-short")
            return ["include:", f"  - {folder}/compose.yaml"]
        f.add("include-long")
        out = ["include:", f"  - path: {paths[0]}"]
        if len(paths) > 1:
            out = ["include:", "  - path:", *(f"      - {p}" for p in paths)]
        if env_file:
            f.add("include-long-env_file")
            env_rel = f"{folder}/override.env"
            self.dotenv(env_rel, shell, grow=False)
            out.append(f"    env_file: {env_rel}")
        if rng.random() < 0.3:
            f.add("include-long-project_directory")
            out.append(f"    project_directory: {folder}")
        return out

    def shell_scope(self) -> Scope:
        env = self.project.env
        return Scope([k for k, v in env.items() if v], list(env), list(env))

    def override_file(self, services: list[str], scope: Scope) -> str:
        """An override / extra ``-f`` fragment touching some services."""
        rng = self.rng
        f = self.features
        anchor_lines, env_anchors, _ = self.anchors(scope)
        lines = [*anchor_lines, "services:"]
        for name in rng.sample(services, rng.randint(1, len(services))):
            svc = [f"  {name}:"]
            roll = rng.random() if name != self.defect_service else 1.0
            if roll < 0.25:
                tag = rng.choice(("!reset", "!override"))
                f.add(f"tag{tag}")
                if tag == "!reset":
                    svc.append("    environment: !reset " + rng.choice(("{}", "[]", "null", "")))
                else:
                    block = self.environment_block(
                        "    ", scope, form=rng.choice(("mapping", "list"))
                    )
                    svc.append("    environment: !override" + block[0].split(":", 1)[1])
                    svc += block[1:]
            elif roll < 0.35:
                f.add("tag!reset-key")
                keys = rng.sample(MAIL_KEYS, 2)
                written = [k for k in self.service_keys.get(name, []) if k != keys[1]]
                if written and rng.random() < 0.7:
                    f.add("tag!reset-written-key")
                    keys[0] = rng.choice(written)
                svc.append("    environment:")
                svc.append(f"      {keys[0]}: !reset" + rng.choice((" null", "", " {}")))
                svc.append(f"      {keys[1]}: {yaml_scalar(rng, rng.choice(HOSTS), f)}")
            elif roll < 0.42:
                f.add("tag!reset-env_file")
                svc.append("    env_file: !reset " + rng.choice(("[]", "null")))
            else:
                merge = _merge_ref(rng, env_anchors) if env_anchors and rng.random() < 0.5 else None
                svc += self.environment_block(
                    "    ", scope, form=rng.choice(("mapping", "list")), merge=merge
                )
            if rng.random() < 0.25 and not any(line.startswith("    env_file") for line in svc):
                f.add("override-env_file")
                svc += self.env_file_block("    ", scope)
            lines += svc
        if rng.random() < 0.2:
            f.add("override-new-service")
            lines += [f"  extra{rng.randint(1, 9)}:", "    image: example/extra"]
            lines += self.environment_block("    ", scope, form="mapping")
        return "\n".join(lines) + "\n"


def _merge_ref(rng: random.Random, anchors: Sequence[str]) -> str:
    if len(anchors) > 1 and rng.random() < 0.5:
        picked = rng.sample(anchors, 2)
        return "[" + ", ".join(f"*{a}" for a in picked) + "]"
    return "*" + rng.choice(anchors)


def generate(seed: int) -> GeneratedProject:
    """The project for ``seed``: deterministic, valid unless ``expect_refusal`` says otherwise."""
    b = _Builder(seed)
    _generate(b)
    rng = b.rng
    project = b.project
    if project.compose_files and rng.random() < 0.12:
        # Run from the parent folder: -f names a file in a subfolder, which becomes the
        # project directory; a .env in the working directory is not the project's.
        b.features.add("files-in-subfolder")
        sub = rng.choice(("stack", "deploy/mail"))
        project.files = {f"{sub}/{k}": v for k, v in project.files.items()}
        project.compose_files = tuple(f"{sub}/{c}" for c in project.compose_files)
        project.env_files = tuple(f"{sub}/{e}" for e in project.env_files)
        if rng.random() < 0.7:
            b.features.add("files-cwd-dotenv")
            project.files[".env"] = (
                "SMTP_HOST=cwd.example.com\nMAIL_HOST=cwd.example.com\nSMTP_PASSWORD=from-cwd\n"
            )
    if rng.random() < 0.05:
        # Windows line endings, in every file.
        b.features.add("crlf")
        project.files = {k: v.replace("\n", "\r\n") for k, v in project.files.items()}
    if rng.random() < 0.03:
        b.features.add("utf8-bom")
        for rel in rng.sample(sorted(project.files), min(2, len(project.files))):
            project.files[rel] = "\ufeff" + project.files[rel]
    return project


def _generate(b: _Builder) -> None:
    rng = b.rng
    project = b.project
    f = b.features
    defect_place = rng.choice(("dotenv", "yaml", "env_file")) if rng.random() < 0.12 else None
    shell = scope = b.shell_env()
    if rng.random() < 0.1:
        # --env-file: these files replace the project .env.
        f.add("cli-env-file")
        names = rng.sample(("prod.env", "deploy/prod.env", ".env.production"), rng.randint(1, 2))
        scope = b.dotenv(
            names[0],
            shell,
            bad=defect_place == "dotenv" and len(names) == 1,
            grow=len(names) == 1,
        )
        if len(names) > 1:
            f.add("cli-env-file-two")
            second = b.dotenv(names[1], shell, bad=defect_place == "dotenv")
            if rng.random() < 0.5:
                # The later file redefines a value and builds another from it.
                f.add("cli-env-file-redefine")
                redefinitions = (
                    ("MAIL_DOMAIN=example.com",),
                    ("MAIL_DOMAIN=prod.example", "MAIL_FROM=noreply@${MAIL_DOMAIN}"),
                )
                for name, lines in zip(names, redefinitions, strict=True):
                    text = project.files[name]
                    text += "" if text.endswith("\n") else "\n"
                    project.files[name] = text + "\n".join(lines) + "\n"
            scope = Scope(
                [n for n in scope.nonempty if n not in second.maybe] + second.nonempty,
                [n for n in scope.defined if n not in second.maybe] + second.defined,
                scope.maybe + second.maybe,
            )
        project.env_files = tuple(names)
        if rng.random() < 0.5:
            f.add("cli-env-file-ignored-dotenv")
            project.files[".env"] = "SMTP_HOST=ignored.example\nMAIL_HOST=ignored.example\n"
    elif rng.random() < 0.75 or defect_place == "dotenv":
        f.add("project-dotenv")
        if rng.random() < 0.03 and defect_place != "dotenv":
            f.add("project-dotenv-empty")
            project.files[".env"] = rng.choice(("", "# nothing here\n", "\n"))
        else:
            scope = b.dotenv(".env", scope, bad=defect_place == "dotenv")
    defect = None
    if defect_place == "yaml":
        defect = rng.choice(
            (
                "template", "template", "required", "required", "duplicate", "duplicate",
                "null-environment", "null-env_file", "no-image", "typo-key",
            )
        )  # fmt: skip
    elif defect_place == "env_file":
        defect = rng.choice(("missing", "bad"))
    project.profiles_all = rng.random() < 0.85
    main_text, services = b.main_file(scope, defect=defect)
    mode = rng.choices(("discovery", "discovery+override", "explicit"), (25, 40, 35))[0]
    f.add(f"files-{mode}")
    if mode == "explicit":
        main_name = rng.choice(("compose.yaml", "docker-compose.yml", "mail-stack.yml"))
        project.files[main_name] = main_text
        files = [main_name]
        for _ in range(rng.randint(0, 2)):
            extra = rng.choice(("compose.prod.yaml", "overrides/mail.yaml", "smtp.yml"))
            if extra not in files:
                f.add("files-extra" + ("-subfolder" if "/" in extra else ""))
                project.files[extra] = b.override_file(services, scope)
                files.append(extra)
        if rng.random() < 0.3:
            # An override next to the files, which Compose must NOT pick up under -f.
            f.add("files-ignored-override")
            project.files["compose.override.yaml"] = "services:\n  ignored:\n    image: nope\n"
        if not project.env_files and rng.random() < 0.2:
            # The same list through COMPOSE_FILE in the project .env (no -f, no override).
            f.add("files-COMPOSE_FILE")
            dotenv = project.files.get(".env", "")
            if dotenv and not dotenv.endswith("\n"):
                dotenv += "\n"
            sep = rng.choice((":", ":", ";", ","))
            if sep != ":":
                f.add("files-COMPOSE_PATH_SEPARATOR")
                dotenv += f"COMPOSE_PATH_SEPARATOR={sep}\n"
            project.files[".env"] = dotenv + f"COMPOSE_FILE={sep.join(files)}\n"
            return
        project.compose_files = tuple(files)
        return
    main_name = rng.choice(DISCOVERY_NAMES)
    project.files[main_name] = main_text
    if mode == "discovery+override":
        project.files[rng.choice(OVERRIDE_NAMES)] = b.override_file(services, scope)
        if rng.random() < 0.1:
            # A second override candidate: Compose takes the first in its own order.
            f.add("files-two-override-candidates")
            other = rng.choice(OVERRIDE_NAMES)
            project.files.setdefault(other, "services:\n  decoy:\n    image: example/decoy\n")
    elif project.expect_refusal is None and rng.random() < 0.1:
        # A second main candidate: Compose takes the first in its own order.
        f.add("files-two-candidates")
        other = rng.choice([n for n in DISCOVERY_NAMES if n != main_name])
        project.files[other] = (
            "services:\n  decoy:\n    image: example/decoy\n    environment:\n      DECOY: '1'\n"
        )


def main(argv: Sequence[str]) -> int:
    """``generate_projects.py SEED DIR``: write one project and show how to run Compose on it."""
    if len(argv) != 2:
        sys.stderr.write("usage: generate_projects.py SEED DIR\n")
        return 2
    project = generate(int(argv[0]))
    root = Path(argv[1])
    project.write(root)
    sys.stdout.write(project.describe() + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
