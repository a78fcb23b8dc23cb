"""Reporters: turn a run's findings (and, for ``inspect``, its instances) into text or JSON.

Every string that leaves mail-lint goes through the run's :class:`~mail_lint.secrets.Scrubber`,
so a secret value never reaches the output even if a message quoted it by mistake.
"""

from __future__ import annotations

import enum
import os
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from mail_lint.apps import format_version
from mail_lint.engine import InstanceReport, RunResult
from mail_lint.model import Location, Setting, Settings
from mail_lint.rules import Finding, Severity
from mail_lint.secrets import MASK, is_secret_key, redact_url
from mail_lint.transport import Field, Transport

JSON_VERSION = 1


class OutputFormat(enum.StrEnum):
    """``--format`` choices of ``check``. Every format but text and JSON lives in its own
    module (``report_sarif``, ``report_github``, ``report_junit``, ``report_gitlab``),
    imported only when it is chosen."""

    TEXT = "text"
    JSON = "json"
    SARIF = "sarif"
    GITHUB = "github"
    JUNIT = "junit"
    GITLAB = "gitlab"


class PathStyle:
    """Shows paths relative to the working directory when they are inside it."""

    def __init__(self, cwd: Path) -> None:
        # abspath, not resolve: paths are joined to the cwd as given, symlinks and all.
        self._cwd = Path(os.path.abspath(cwd))

    def __call__(self, path: Path) -> str:
        absolute = os.path.normpath(path if path.is_absolute() else self._cwd / path)
        relative = os.path.relpath(absolute, self._cwd)
        # Inside the working directory: relative, as editors and ruff show it; else absolute.
        return absolute if relative.startswith("..") else relative


_COLOURS = {Severity.ERROR: "\x1b[31m", Severity.WARNING: "\x1b[33m", Severity.INFO: "\x1b[36m"}
_BOLD, _DIM, _RESET = "\x1b[1m", "\x1b[2m", "\x1b[0m"


def _where(loc: Location | None, show: PathStyle) -> str:
    if loc is None:
        return "-"
    return f"{show(loc.path)}:{loc.line}:{loc.column}"


def write_text(result: RunResult, stream: IO[str], *, cwd: Path, colour: bool, quiet: bool) -> None:
    """``path:line:col: CODE [severity] message``, then the origin chain of an interpolated
    value, then (unless quiet) a one-line summary. Nothing at all when there is no finding."""
    show = PathStyle(cwd)
    scrub = result.scrub
    for finding in result.findings:
        where = _where(finding.location, show)
        code, sev = finding.code, f"[{finding.severity.value}]"
        if colour:
            where = f"{_BOLD}{where}{_RESET}"
            code = f"{_COLOURS[finding.severity]}{code}{_RESET}"
        stream.write(scrub(f"{where}: {code} {sev} {finding.message}") + "\n")
        for step in finding.origin:
            if step == finding.location:
                continue
            line = f"    via {_where(step, show)}"
            stream.write((f"{_DIM}{line}{_RESET}" if colour else line) + "\n")
        if finding.fix:
            stream.write(scrub(f"    fix: {finding.fix}") + "\n")
    if result.findings and not quiet:
        stream.write(_summary_line(result.findings) + "\n")


def _summary_line(findings: Sequence[Finding]) -> str:
    counts = Counter(f.severity for f in findings)
    files = len({f.location.path for f in findings if f.location is not None})
    parts = [f"{counts[s]} {s.value}{'s' if counts[s] != 1 else ''}" for s in Severity if counts[s]]
    total = len(findings)
    noun = "finding" if total == 1 else "findings"
    return f"Found {total} {noun} ({', '.join(parts)}) in {files} file{'s' if files != 1 else ''}."


def shown_path(loc: Location, show: PathStyle) -> str:
    """The path of a location as every machine format writes it: relative to the working
    directory when inside it, always with ``/``."""
    return show(loc.path).replace(os.sep, "/")


# `docker-compose.yml:15`, `.env:4:11`, `www/.env.production:3` inside a message. Patterns
# only fingerprints use stay strings (`re` compiles and caches them on first use): start-up
# compiles only what every run needs.
_FILE_LINE = (
    r"((?:[\w.\-]+/)*[\w.\-]*(?:\.env[\w.\-]*|\.ya?ml|\.ini|\.toml|\.json|\.conf|\.cfg))"
    r"(?::\d+){1,2}"
)
# `at line 12`, `lines 3-5`, `l.40`.
_LINE_WORD = r"\b(lines?\s+|l\.)\d+(?:-\d+)?"


def normalise_message(message: str) -> str:
    """A message without the line numbers it quotes, so that inserting a line above a
    finding does not change its identity."""
    text = re.sub(_FILE_LINE, r"\1", message)
    text = re.sub(_LINE_WORD, r"\1#", text)
    return " ".join(text.split())


def fingerprints(
    findings: Sequence[Finding], show: PathStyle, scrub: Callable[[str], str]
) -> list[str]:
    """A stable identity per finding: a hash of code, path, service, key and the normalised
    (scrubbed) message, never the line. Findings equal in all of these are numbered in
    order, so each fingerprint is unique within a run and survives unrelated line shifts."""
    import hashlib

    seen: Counter[str] = Counter()
    found = []
    for finding in findings:
        path = shown_path(finding.location, show) if finding.location else ""
        parts = (
            finding.code,
            path,
            finding.service or "",
            finding.key or "",
            normalise_message(scrub(finding.message)),
        )
        digest = hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:32]
        seen[digest] += 1
        if seen[digest] > 1:
            digest = hashlib.sha256(f"{digest}:{seen[digest]}".encode()).hexdigest()[:32]
        found.append(digest)
    return found


def _location_json(loc: Location, show: PathStyle) -> dict[str, Any]:
    return {"path": show(loc.path), "line": loc.line, "column": loc.column}


def finding_json(finding: Finding, show: PathStyle, scrub: Callable[[str], str]) -> dict[str, Any]:
    """One finding in the version-1 JSON contract."""
    loc = finding.location
    return {
        "code": finding.code,
        "name": finding.name,
        "severity": finding.severity.value,
        "message": scrub(finding.message),
        "path": show(loc.path) if loc else None,
        "line": loc.line if loc else None,
        "column": loc.column if loc else None,
        "end_line": loc.end_line if loc else None,
        "end_column": loc.end_column if loc else None,
        "key": finding.key,
        "app": finding.app,
        "service": finding.service,
        "origin": [_location_json(step, show) for step in finding.origin],
        "fix": scrub(finding.fix) if finding.fix else None,
    }


def write_json(result: RunResult, stream: IO[str], *, cwd: Path) -> None:
    """The version-1 JSON document: ``{"version", "findings", "summary"}``."""
    show = PathStyle(cwd)
    counts = Counter(f.severity.value for f in result.findings)
    document = {
        "version": JSON_VERSION,
        "findings": [finding_json(f, show, result.scrub) for f in result.findings],
        "summary": {
            "findings": len(result.findings),
            "by_severity": {s.value: counts.get(s.value, 0) for s in Severity},
            "instances": result.instances_linted,
            "incomplete": result.incomplete,
        },
    }
    import json

    json.dump(document, stream, indent=2)
    stream.write("\n")


# -- inspect ----------------------------------------------------------------------------


class Redactor:
    """Shows or hides secret values for ``inspect``."""

    def __init__(self, secret_keys: set[str], *, show_secrets: bool) -> None:
        self._keys = secret_keys
        self._show = show_secrets

    def value(self, key: str, value: str | None) -> str | None:
        """The value as ``inspect`` may print it."""
        if value is None or self._show:
            return value
        masked_url = redact_url(value)
        if is_secret_key(key, self._keys) and masked_url == value:
            return f"{MASK} ({len(value)} chars)"
        return masked_url


def _setting_json(setting: Setting, show: PathStyle, redact: Redactor) -> dict[str, Any]:
    return {
        "value": redact.value(setting.key, setting.value),
        "kind": setting.kind.value,
        "location": _location_json(setting.location, show) if setting.location else None,
        "origin": [_location_json(step, show) for step in setting.origin],
    }


def _settings_json(settings: Settings, show: PathStyle, redact: Redactor) -> dict[str, Any]:
    return {key: _setting_json(s, show, redact) for key, s in settings.items()}


def _field_json(
    name: str, field: Field[object], show: PathStyle, redact: Redactor
) -> dict[str, Any]:
    value = field.value
    if isinstance(value, enum.Enum):
        value = value.value
    if name == "password" and isinstance(value, str):
        value = redact.value("password", value)
    return {
        "value": value,
        "from": [
            {"key": s.key, **(_location_json(s.blame, show) if s.blame else {})}
            for s in field.settings
        ],
    }


def _transport_json(transport: Transport, show: PathStyle, redact: Redactor) -> dict[str, Any]:
    fields = {n: _field_json(n, f, show, redact) for n, f in transport.fields().items()}
    return {"name": transport.name, **fields}


def instance_json(report: InstanceReport, show: PathStyle, redact: Redactor) -> dict[str, Any]:
    """One detected app instance for ``inspect --format json``."""
    inst = report.instance
    return {
        "app": inst.app.name,
        "title": inst.app.title,
        "version": format_version(inst.version),
        "service": inst.service_name,
        "path": show(inst.path),
        "image": inst.image.value if inst.image else None,
        "environment": _settings_json(inst.environment, show, redact),
        "files": [
            {
                "path": show(f.path),
                "format": f.spec.format.value,
                "dialect": f.spec.dialect.value if f.spec.dialect else None,
                "settings": _settings_json(f.settings, show, redact),
            }
            for f in inst.files
        ],
        "transports": [_transport_json(t, show, redact) for t in report.transports],
    }


def write_inspect_json(
    result: RunResult, stream: IO[str], *, cwd: Path, redact: Redactor, scrub: bool
) -> None:
    """``mail-lint inspect --format json``."""
    show = PathStyle(cwd)
    document = {
        "version": JSON_VERSION,
        "instances": [instance_json(r, show, redact) for r in result.instances],
    }
    import json

    text = json.dumps(document, indent=2)
    stream.write((result.scrub(text) if scrub else text) + "\n")


def write_inspect_text(
    result: RunResult, stream: IO[str], *, cwd: Path, redact: Redactor, scrub: bool
) -> None:
    """``mail-lint inspect``: each instance, its settings with origin, its transports."""
    show = PathStyle(cwd)
    out: list[str] = []
    if not result.instances:
        out.append("No app recognised.")
    for report in result.instances:
        inst = report.instance
        where = f"service {inst.service_name!r} in " if inst.service_name else ""
        out.append(f"{inst.app.title} {format_version(inst.version)} — {where}{show(inst.path)}")
        _settings_text(out, "environment", inst.environment, show, redact)
        for loaded in inst.files:
            _settings_text(out, f"file {show(loaded.path)}", loaded.settings, show, redact)
        for transport in report.transports:
            label = f"transport {transport.name}".rstrip()
            out.append(f"  {label}:")
            for name, field in transport.fields().items():
                data = _field_json(name, field, show, redact)
                sources = ", ".join(
                    f"{s['key']} ({s.get('path', '?')}:{s.get('line', '?')})" for s in data["from"]
                )
                out.append(f"    {name:<18} {data['value']!s:<28} {sources}".rstrip())
        if not report.transports:
            out.append("  (no transport: this app's plugin does not interpret it yet)")
        out.append("")
    text = "\n".join(out)
    stream.write(
        (result.scrub(text) if scrub else text) + ("\n" if not text.endswith("\n") else "")
    )


def _settings_text(
    out: list[str], title: str, settings: Mapping[str, Setting], show: PathStyle, redact: Redactor
) -> None:
    if not settings:
        return
    out.append(f"  {title}:")
    for key, setting in settings.items():
        where = _where(setting.location, show)
        via = "".join(f" <- {_where(step, show)}" for step in setting.origin)
        value = redact.value(key, setting.value)
        out.append(f"    {key}={'' if value is None else value}  ({where}{via})")
