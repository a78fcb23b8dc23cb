"""``--format gitlab``: GitLab Code Quality (a Code Climate subset), shown in merge requests.

A JSON array with, per finding, ``description``, ``check_name``, ``fingerprint`` (the same
line-independent fingerprint as SARIF's), ``severity`` and ``location.path`` /
``location.lines.begin``. Declare it in ``.gitlab-ci.yml`` as ``artifacts: reports:
codequality: mail-lint.json``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO, Any

from mail_lint.engine import RunResult
from mail_lint.report import PathStyle, fingerprints, shown_path
from mail_lint.rules import Severity

#: mail-lint severity to Code Quality severity (info, minor, major, critical, blocker).
SEVERITIES = {Severity.ERROR: "critical", Severity.WARNING: "major", Severity.INFO: "info"}


def gitlab_issues(result: RunResult, *, cwd: Path) -> list[dict[str, Any]]:
    """The Code Quality report of a run."""
    show = PathStyle(cwd)
    scrub = result.scrub
    issues = []
    for finding, fingerprint in zip(
        result.findings, fingerprints(result.findings, show, scrub), strict=True
    ):
        loc = finding.location
        lines = {"begin": loc.line if loc else 1}
        if loc is not None and loc.end_line is not None:
            lines["end"] = loc.end_line
        description = f"{finding.code} {scrub(finding.message)}"
        issue: dict[str, Any] = {
            "type": "issue",
            "description": description,
            "check_name": finding.code,
            "fingerprint": fingerprint,
            "severity": SEVERITIES[finding.severity],
            "categories": ["Bug Risk"],
            "location": {"path": shown_path(loc, show) if loc else ".", "lines": lines},
        }
        if finding.fix:
            issue["content"] = {"body": f"fix: {scrub(finding.fix)}"}
        issues.append(issue)
    return issues


def write_gitlab(result: RunResult, stream: IO[str], *, cwd: Path) -> None:
    """``mail-lint check --format gitlab``."""
    text = json.dumps(gitlab_issues(result, cwd=cwd), indent=2, ensure_ascii=False)
    stream.write(result.scrub(text) + "\n")
