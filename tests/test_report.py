"""Reporters: the text line format, origin chains, colour, and the secret scrubber."""

from __future__ import annotations

import io
from pathlib import Path

from mail_lint.engine import RunResult
from mail_lint.model import Location
from mail_lint.report import write_json, write_text
from mail_lint.rules import Finding, Severity
from mail_lint.secrets import Scrubber


def _result(tmp_path: Path, *findings: Finding, scrub: Scrubber | None = None) -> RunResult:
    return RunResult(findings, (), False, (), scrub or Scrubber())


def test_text_line_then_origin_chain_then_fix(tmp_path: Path) -> None:
    written = Location(tmp_path / "docker-compose.yml", 12, 18)
    defined = Location(tmp_path / ".env", 7, 11)
    finding = Finding(
        "XXX001",
        "demo",
        Severity.ERROR,
        "port 465 needs implicit TLS",
        defined,
        key="SMTP_PORT",
        origin=(written, defined),
        fix="set SMTP_SECURE=true",
    )
    out = io.StringIO()
    write_text(_result(tmp_path, finding), out, cwd=tmp_path, colour=False, quiet=False)
    assert out.getvalue().splitlines() == [
        ".env:7:11: XXX001 [error] port 465 needs implicit TLS",
        "    via docker-compose.yml:12:18",
        "    fix: set SMTP_SECURE=true",
        "Found 1 finding (1 error) in 1 file.",
    ]


def test_summary_counts_by_severity_and_files(tmp_path: Path) -> None:
    a, b = Location(tmp_path / "a.yml", 1), Location(tmp_path / "b.env", 2)
    findings = (
        Finding("X001", "a", Severity.ERROR, "m", a),
        Finding("X002", "b", Severity.WARNING, "m", a),
        Finding("X003", "c", Severity.WARNING, "m", b),
    )
    out = io.StringIO()
    write_text(_result(tmp_path, *findings), out, cwd=tmp_path, colour=False, quiet=False)
    assert out.getvalue().splitlines()[-1] == ("Found 3 findings (1 error, 2 warnings) in 2 files.")


def test_every_output_passes_the_scrubber(tmp_path: Path) -> None:
    scrub = Scrubber()
    scrub.add("Tr0ub4dor&3")
    leak = Finding(
        "X001",
        "a",
        Severity.ERROR,
        "password Tr0ub4dor&3 is weak",
        Location(tmp_path / ".env", 1),
        fix="replace Tr0ub4dor&3",
    )
    text, data = io.StringIO(), io.StringIO()
    write_text(_result(tmp_path, leak, scrub=scrub), text, cwd=tmp_path, colour=False, quiet=True)
    write_json(_result(tmp_path, leak, scrub=scrub), data, cwd=tmp_path)
    for output in (text.getvalue(), data.getvalue()):
        assert "Tr0ub4dor" not in output
        assert "password **** is weak" in output
