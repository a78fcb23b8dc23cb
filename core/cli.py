"""Command line: ``mail-lint [check] [PATH…]``, ``inspect``, ``plugins``, ``rules``, ``rule CODE``.

Exit codes: 0 no finding at or above the fail level; 1 findings; 2 usage, configuration,
plugin or internal error, or a file that could not be read.

The process environment is read in one place only: :func:`main` called with no arguments (the
console script). Everything below it receives the environment as a mapping.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING

from mail_lint import __version__

if TYPE_CHECKING:
    from mail_lint.engine import RunOptions, RunResult
    from mail_lint.pluginhost import PluginHost

COMMANDS = ("check", "inspect", "baseline", "plugins", "rules", "rule")
EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
SEVERITIES = ("error", "warning", "info")
FORMATS = ("text", "json", "sarif", "github", "junit", "gitlab")


def _formatter(prog: str) -> argparse.HelpFormatter:
    """argparse's formatter with an explicit width: the default one imports shutil (and
    with it bz2 and lzma) on every start, only to measure the terminal."""
    try:
        width = os.get_terminal_size().columns - 2
    except OSError:
        width = 78
    return argparse.HelpFormatter(prog, width=max(40, min(width, 118)))


_DESCRIPTION = (
    "Lint the mail configuration of self-hosted apps: docker-compose files, "
    ".env and env_file targets, and the apps' own settings files."
)
#: Each command: its one-line help and what it adds to the options every linting command has.
_HELP = {
    "check": "lint (the default command)",
    "inspect": "show detected apps, effective settings and transports",
    "baseline": "record the current findings, so that `check --baseline` reports only new ones",
    "plugins": "list the loaded plugins",
    "rules": "list every rule: code, name, app, severity",
    "rule": "show a rule's documentation",
}


def _parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of one command (``mail-lint check``), or with no command the top-level
    parser with every command (for ``--help`` and ``--version``). Building only the command
    in use keeps argparse (and its gettext lookups) off most of the start-up."""
    if command is not None:
        parser = argparse.ArgumentParser(
            prog=f"mail-lint {command}", formatter_class=_formatter, description=_HELP[command]
        )
        _ARGUMENTS[command](parser)
        return parser
    parser = argparse.ArgumentParser(
        prog="mail-lint",
        formatter_class=_formatter,
        description=_DESCRIPTION,
        epilog="Without a COMMAND, `mail-lint [PATH...]` is `mail-lint check [PATH...]`.",
    )
    parser.add_argument("--version", action="version", version=f"mail-lint {__version__}")
    # An explicit prog spares argparse a HelpFormatter (and its shutil import) at start-up.
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", prog="mail-lint")
    for name, add_arguments in _ARGUMENTS.items():
        add_arguments(sub.add_parser(name, formatter_class=_formatter, help=_HELP[name]))
    return parser


def _common(parser: argparse.ArgumentParser) -> None:
    """The options of every command that lints (check, inspect, baseline)."""
    parser.add_argument(
        "paths", nargs="*", type=Path, metavar="PATH", help="files or folders to lint (default: .)"
    )
    parser.add_argument(
        "-f",
        "--file",
        dest="compose_files",
        action="append",
        type=Path,
        default=[],
        metavar="FILE",
        help="a Compose file, as with `docker compose -f` (repeatable)",
    )
    parser.add_argument(
        "--project-directory",
        type=Path,
        metavar="DIR",
        help="the Compose project directory (default: the first file's folder)",
    )
    parser.add_argument(
        "--env",
        action="append",
        default=[],
        metavar="KEY=VAL",
        help="a variable of the deploy shell environment (repeatable); the "
        "real environment is never read",
    )
    parser.add_argument(
        "--env-file",
        dest="env_files",
        action="append",
        type=Path,
        default=[],
        metavar="FILE",
        help="use this file instead of the project .env, as "
        "with `docker compose --env-file` (repeatable)",
    )
    parser.add_argument(
        "--profile",
        dest="profiles",
        action="append",
        metavar="NAME",
        help="lint only services of these Compose profiles (default: all)",
    )
    parser.add_argument("--app", metavar="NAME", help="the app of standalone files")
    parser.add_argument(
        "--select",
        type=_codes,
        metavar="CODES",
        help="report only these codes, prefixes or rule names, comma-separated "
        "(replaces the configuration's select)",
    )
    parser.add_argument(
        "--extend-select",
        type=_codes,
        default=[],
        metavar="CODES",
        help="also report these codes (added to the configuration's)",
    )
    parser.add_argument(
        "--ignore",
        type=_codes,
        default=[],
        metavar="CODES",
        help="do not report these codes (added to the configuration's)",
    )
    parser.add_argument(
        "--isolated",
        action="store_true",
        help="ignore configuration files (.mail-lint.toml, pyproject.toml)",
    )
    parser.add_argument(
        "-j",
        "--jobs",
        type=_jobs,
        metavar="N",
        help="worker processes (default: one per core when many projects are linted; "
        "1: a single process)",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks of errors")


def _check_arguments(parser: argparse.ArgumentParser) -> None:
    _common(parser)
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default=None,
        help="output format (default: text; github when GITHUB_ACTIONS=true)",
    )
    parser.add_argument(
        "--fail-level",
        choices=SEVERITIES,
        default=None,
        help="exit 1 when a finding is at least this severe (default: the configuration's "
        "fail-level, else error)",
    )
    parser.add_argument(
        "--baseline",
        type=Path,
        metavar="FILE",
        help="report only findings not recorded in this file (see `mail-lint baseline`)",
    )
    parser.add_argument(
        "-q", "--quiet", action="store_true", help="print findings only: no summary, no notes"
    )
    parser.add_argument("--color", choices=("auto", "always", "never"), default="auto")


def _inspect_arguments(parser: argparse.ArgumentParser) -> None:
    _common(parser)
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument(
        "--show-secrets",
        action="store_true",
        help="print passwords and keys instead of their shape",
    )


def _baseline_arguments(parser: argparse.ArgumentParser) -> None:
    _common(parser)
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        default=Path(".mail-lint-baseline.json"),
        metavar="FILE",
        help="where to write the baseline, - for stdout (default: .mail-lint-baseline.json)",
    )


def _no_arguments(parser: argparse.ArgumentParser) -> None:
    """``plugins`` and ``rules`` take no argument."""


def _rule_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("code")
    parser.add_argument(
        "--format",
        choices=("auto", "text", "markdown"),
        default="auto",
        help="text for a terminal, or the Markdown source (default: text on a terminal, "
        "else markdown)",
    )
    parser.add_argument("--color", choices=("auto", "always", "never"), default="auto")


_ARGUMENTS: dict[str, Callable[[argparse.ArgumentParser], None]] = {
    "check": _check_arguments,
    "inspect": _inspect_arguments,
    "baseline": _baseline_arguments,
    "plugins": _no_arguments,
    "rules": _no_arguments,
    "rule": _rule_arguments,
}


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(
            f"must be a whole number of processes, 1 or more: {text!r}"
        )
    return value


def _codes(text: str) -> list[str]:
    return [c.strip() for c in text.split(",") if c.strip()]


def _normalise(argv: list[str]) -> list[str]:
    """``mail-lint PATH`` means ``mail-lint check PATH``."""
    if not argv or argv[0] in ("-h", "--help", "--version"):
        return argv or ["check"]
    if argv[0] in COMMANDS:
        return argv
    return ["check", *argv]


def main(
    argv: Sequence[str] | None = None,
    *,
    stdout: IO[str] | None = None,
    stderr: IO[str] | None = None,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> int:
    """Run the command line; return the exit code.

    ``env`` is the environment mail-lint itself looks at (``GITHUB_ACTIONS``, ``NO_COLOR``,
    ``MAIL_LINT_DISABLE_PLUGINS``; never the one a Compose file is interpolated with). Without
    it, the process environment is read only when ``argv`` is also omitted (the console
    script); a call with explicit arguments sees an empty environment.
    """
    if env is None:
        env = os.environ if argv is None else {}
    try:
        return _main(argv, stdout=stdout, stderr=stderr, cwd=cwd, env=env)
    except BrokenPipeError:
        # The reader went away (`mail-lint rules | head`): stop quietly, as other tools do,
        # and keep Python from complaining again when it flushes stdout at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_FINDINGS


def _main(
    argv: Sequence[str] | None,
    *,
    stdout: IO[str] | None,
    stderr: IO[str] | None,
    cwd: Path | None,
    env: Mapping[str, str],
) -> int:
    out = stdout if stdout is not None else _robust(sys.stdout)
    err = stderr if stderr is not None else _robust(sys.stderr)
    args_list = _normalise(list(sys.argv[1:] if argv is None else argv))
    command = args_list[0] if args_list[0] in COMMANDS else None
    try:
        if command is None:
            args = _parser().parse_args(args_list)
        else:
            args = _parser(command).parse_args(args_list[1:])
            args.command = command
    except SystemExit as exc:  # argparse: --help/--version exit 0, usage errors exit 2
        return int(exc.code or 0)
    here = cwd if cwd is not None else Path.cwd()

    from mail_lint.errors import MailLintError

    try:
        host = _host(env)
        if args.command == "plugins":
            return _plugins(host, out)
        if args.command == "rules":
            return _rules(host, out)
        if args.command == "rule":
            return _rule(host, args, out, err, env)
        options = _options(args, host, here)
        from mail_lint.engine import run

        result = run(host, options)
        if args.command == "baseline":
            return _baseline(args, result, out, err, here)
        if args.command == "check" and args.baseline is not None:
            from mail_lint.baseline import new_findings

            fresh = new_findings(result.findings, here / args.baseline)
            result = result._replace(findings=tuple(fresh))
        fail_level = None
        if args.command == "check":
            fail_level = args.fail_level
            if fail_level is None and options.configs is not None:
                configured = options.configs.default().fail_level
                fail_level = configured.value if configured is not None else None
    except MailLintError as exc:
        err.write(f"mail-lint: error: {exc}\n")
        if getattr(args, "debug", False):
            import traceback

            traceback.print_exc(file=err)
        return EXIT_ERROR
    if args.command == "inspect":
        return _inspect(args, host, result, out, here)
    return _check(args, host, result, out, err, here, env, fail_level or "error")


def _baseline(
    args: argparse.Namespace, result: RunResult, out: IO[str], err: IO[str], here: Path
) -> int:
    from mail_lint.baseline import write_baseline

    if str(args.output) == "-":
        write_baseline(result.findings, out, here)
        return EXIT_ERROR if result.incomplete else EXIT_OK
    target = here / args.output
    with target.open("w", encoding="utf-8") as handle:
        count = write_baseline(result.findings, handle, target.parent)
    err.write(f"mail-lint: recorded {count} finding(s) in {args.output}\n")
    return EXIT_ERROR if result.incomplete else EXIT_OK


def _robust(stream: IO[str]) -> IO[str]:
    """A console stream that cannot fail on a character its encoding lacks (an ASCII
    locale): such characters are escaped instead of raising."""
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None:
        reconfigure(errors="backslashreplace")
    return stream


def _host(env: Mapping[str, str]) -> PluginHost:
    from mail_lint.errors import MailLintError
    from mail_lint.pluginhost import PluginHost

    block = [n for n in env.get("MAIL_LINT_DISABLE_PLUGINS", "").split(",") if n]
    host = PluginHost.create(block=block)
    if not any(p.name != "core" for p in host.plugins):
        raise MailLintError(
            "no mail-lint plugins found; is mail-lint installed (pip install -e .)?"
        )
    return host


def _options(args: argparse.Namespace, host: PluginHost, here: Path) -> RunOptions:
    from mail_lint.engine import RunOptions
    from mail_lint.errors import UsageError

    env: dict[str, str] = {}
    for item in args.env:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise UsageError(f"--env {item!r}: expected KEY=VALUE")
        env[key] = value
    if args.app is not None and host.app(args.app) is None:
        names = ", ".join(a.name for a in host.apps())
        raise UsageError(f"--app {args.app!r}: unknown app (known: {names})")
    for path in [*args.paths, *args.compose_files, *args.env_files]:
        if not (here / path).exists() and not (here / path).is_symlink():
            raise UsageError(f"{path}: no such file or directory")
    paths = tuple(args.paths) if args.paths else (() if args.compose_files else (Path("."),))
    from mail_lint.config import Configs

    first = here / (paths[0] if paths else args.compose_files[0])
    configs = Configs(
        first,
        host.rules,
        isolated=args.isolated,
        select=args.select,
        ignore=args.ignore,
        extend_select=args.extend_select,
    )
    configs.check_selectors(
        [*(args.select or ()), *args.ignore, *args.extend_select], "command line"
    )
    configs.default()  # an invalid configuration is an error before anything is linted
    for path in paths:
        configs.for_path(here / path)
    # Relative paths are the user's, relative to the working directory we were given.
    return RunOptions(
        paths=tuple(here / p for p in paths),
        compose_files=tuple(here / p for p in args.compose_files),
        project_dir=here / args.project_directory if args.project_directory else None,
        env=env,
        env_files=tuple(here / p for p in args.env_files),
        profiles=tuple(args.profiles) if args.profiles else None,
        app=args.app,
        configs=configs,
        keep_instances=args.command == "inspect",
        jobs=args.jobs,
    )


def output_format(requested: str | None, env: Mapping[str, str]) -> str:
    """The format of ``check``: the one asked for, else ``github`` inside GitHub Actions,
    else ``text``."""
    if requested is not None:
        return requested
    return "github" if env.get("GITHUB_ACTIONS") == "true" else "text"


def _colour(choice: str, out: IO[str], env: Mapping[str, str]) -> bool:
    return choice == "always" or (choice == "auto" and out.isatty() and "NO_COLOR" not in env)


def _check(
    args: argparse.Namespace,
    host: PluginHost,
    result: RunResult,
    out: IO[str],
    err: IO[str],
    here: Path,
    env: Mapping[str, str],
    fail_level: str,
) -> int:
    from mail_lint.report import PathStyle
    from mail_lint.rules import Severity

    _write_findings(output_format(args.format, env), args, host, result, out, here, env)
    if not args.quiet:
        for path in result.unrecognised:
            shown = PathStyle(here)(path)
            err.write(f"mail-lint: {shown}: no app recognised in this file (use --app NAME)\n")
    if result.incomplete:
        return EXIT_ERROR
    threshold = Severity(fail_level).rank
    if any(f.severity.rank >= threshold for f in result.findings):
        return EXIT_FINDINGS
    return EXIT_OK


def _write_findings(
    chosen: str,
    args: argparse.Namespace,
    host: PluginHost,
    result: RunResult,
    out: IO[str],
    here: Path,
    env: Mapping[str, str],
) -> None:
    """Write the findings in the chosen format; each format but text and JSON is a module
    of its own, imported only here."""
    if chosen == "json":
        from mail_lint.report import write_json

        write_json(result, out, cwd=here)
    elif chosen == "sarif":
        from mail_lint.report_sarif import write_sarif

        write_sarif(result, out, cwd=here, rules=host.rules())
    elif chosen == "github":
        from mail_lint.report_github import write_github

        write_github(result, out, cwd=here)
    elif chosen == "junit":
        from mail_lint.report_junit import write_junit

        write_junit(result, out, cwd=here)
    elif chosen == "gitlab":
        from mail_lint.report_gitlab import write_gitlab

        write_gitlab(result, out, cwd=here)
    else:
        from mail_lint.report import write_text

        colour = _colour(args.color, out, env)
        write_text(result, out, cwd=here, colour=colour, quiet=args.quiet)


def _inspect(
    args: argparse.Namespace, host: PluginHost, result: RunResult, out: IO[str], here: Path
) -> int:
    from mail_lint.report import Redactor, write_inspect_json, write_inspect_text

    secret_keys = {k for app in host.apps() for k in app.secret_keys}
    redact = Redactor(secret_keys, show_secrets=args.show_secrets)
    write = write_inspect_json if args.format == "json" else write_inspect_text
    write(result, out, cwd=here, redact=redact, scrub=not args.show_secrets)
    return EXIT_ERROR if result.incomplete else EXIT_OK


def _plugins(host: PluginHost, out: IO[str]) -> int:
    rows = [("plugin", "distribution", "version", "module")]
    rows += [(p.name, p.distribution, p.version, p.module) for p in host.plugins]
    _table(rows, out)
    return EXIT_OK


def _rules(host: PluginHost, out: IO[str]) -> int:
    rows = [("code", "name", "app", "severity")]
    rows += [(r.code, r.name, r.app or "*", r.severity.value) for r in host.rules()]
    _table(rows, out)
    return EXIT_OK


def _rule(
    host: PluginHost, args: argparse.Namespace, out: IO[str], err: IO[str], env: Mapping[str, str]
) -> int:
    code = args.code
    for found in host.rules():
        if found.code == code.upper() or found.name == code:
            chosen = args.format
            if chosen == "auto":
                chosen = "text" if out.isatty() else "markdown"
            if chosen == "text":
                from mail_lint.docgen import render_text

                out.write(render_text(found, colour=_colour(args.color, out, env)))
                return EXIT_OK
            out.write(f"# {found.name} ({found.code})\n\n")
            out.write(
                f"App: {found.app or 'every app'}. Default severity: {found.severity.value}.\n\n"
            )
            out.write(found.doc.rstrip() + "\n")
            return EXIT_OK
    err.write(f"mail-lint: error: unknown rule {code!r} (see `mail-lint rules`)\n")
    return EXIT_ERROR


def _table(rows: list[tuple[str, ...]], out: IO[str]) -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        out.write(
            "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() + "\n"
        )


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
