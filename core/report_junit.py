"""``--format junit``: JUnit XML for CI test-report views (GitLab, Jenkins, Azure).

One ``<testsuite>`` per linted file with findings (named by its path), one ``<testcase>`` per
finding with a ``<failure>``. A run without findings is one passing test case, so the report
is never empty. Characters XML 1.0 cannot carry are replaced, so the document always parses.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import IO

from mail_lint.engine import RunResult
from mail_lint.report import PathStyle, shown_path
from mail_lint.rules import Finding

# XML 1.0 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
NO_FILE = "(no file)"


def xml_text(text: str) -> str:
    """Text XML 1.0 can carry: other characters become U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)


def _failure_text(finding: Finding, show: PathStyle, scrub: Callable[[str], str]) -> str:
    loc = finding.location
    where = f"{shown_path(loc, show)}:{loc.line}:{loc.column}" if loc else "-"
    lines = [f"{where}: {finding.code} [{finding.severity.value}] {scrub(finding.message)}"]
    for step in finding.origin:
        if step != loc:
            lines.append(f"    via {shown_path(step, show)}:{step.line}:{step.column}")
    if finding.fix:
        lines.append(f"    fix: {scrub(finding.fix)}")
    return "\n".join(lines)


def write_junit(result: RunResult, stream: IO[str], *, cwd: Path) -> None:
    """``mail-lint check --format junit``."""
    import xml.etree.ElementTree as ET

    show = PathStyle(cwd)
    scrub = result.scrub

    def clean(text: str) -> str:
        return xml_text(scrub(text))

    by_file: dict[str, list[Finding]] = {}
    for finding in result.findings:
        name = shown_path(finding.location, show) if finding.location else NO_FILE
        by_file.setdefault(name, []).append(finding)
    total = len(result.findings) or 1
    root = ET.Element(
        "testsuites",
        name="mail-lint",
        tests=str(total),
        failures=str(len(result.findings)),
        errors="0",
    )
    for path, found in by_file.items():
        suite = ET.SubElement(
            root, "testsuite", name=clean(path), tests=str(len(found)), failures=str(len(found))
        )
        suite.set("errors", "0")
        for finding in found:
            loc = finding.location
            at = f" at {loc.line}:{loc.column}" if loc else ""
            case = ET.SubElement(
                suite,
                "testcase",
                name=clean(f"{finding.code} {finding.name}{at}"),
                classname=clean(path),
            )
            if loc is not None:
                case.set("file", clean(path))
                case.set("line", str(loc.line))
            failure = ET.SubElement(
                case, "failure", message=clean(finding.message), type=finding.code
            )
            failure.text = clean(_failure_text(finding, show, scrub))
    if not result.findings:
        suite = ET.SubElement(root, "testsuite", name="mail-lint", tests="1", failures="0")
        suite.set("errors", "0")
        ET.SubElement(suite, "testcase", name="no findings", classname="mail-lint")
    ET.indent(root)
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    stream.write(ET.tostring(root, encoding="unicode") + "\n")
