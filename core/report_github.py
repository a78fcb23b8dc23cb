"""``--format github``: GitHub Actions workflow commands, one annotation per finding.

``::error file=…,line=…,col=…,endLine=…,endColumn=…,title=CODE name::message``; warnings are
``::warning`` and infos ``::notice``. Chosen by itself when ``GITHUB_ACTIONS=true`` and no
``--format`` is given. Escaping follows GitHub's runner (``toolkit/packages/core/src/command.ts``):
in the message ``%``, ``\\r`` and ``\\n``; in properties also ``:`` and ``,``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import IO

from mail_lint.engine import RunResult
from mail_lint.report import PathStyle, shown_path
from mail_lint.rules import Finding, Severity

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """A workflow command's message."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Finding, show: PathStyle, scrub: Callable[[str], str]) -> str:
    """One workflow command. Text is scrubbed before it is escaped: an escaped secret would
    no longer be recognised."""
    props: list[tuple[str, object]] = []
    loc = finding.location
    if loc is not None:
        props += [("file", shown_path(loc, show)), ("line", loc.line), ("col", loc.column)]
        if loc.end_line is not None:
            props.append(("endLine", loc.end_line))
        if loc.end_column is not None:
            props.append(("endColumn", loc.end_column))
    props.append(("title", f"{finding.code} {finding.name}"))
    message = scrub(finding.message)
    if finding.fix:
        message += f"\nfix: {scrub(finding.fix)}"
    rendered = ",".join(f"{key}={escape_property(str(value))}" for key, value in props)
    return f"::{COMMANDS[finding.severity]} {rendered}::{escape_data(message)}"


def write_github(result: RunResult, stream: IO[str], *, cwd: Path) -> None:
    """``mail-lint check --format github``."""
    show = PathStyle(cwd)
    for finding in result.findings:
        stream.write(result.scrub(annotation(finding, show, result.scrub)) + "\n")
