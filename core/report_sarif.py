"""``--format sarif``: SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.

One run; ``tool.driver.rules`` describes every rule from its doc; each result points at the
line to change, lists the interpolation chain as related locations and carries a
``partialFingerprints`` entry that does not depend on line numbers, so a result keeps its
identity (and its dismissal) when unrelated lines move.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

from mail_lint import __version__
from mail_lint.docgen import section_markdown, section_text
from mail_lint.engine import RunResult
from mail_lint.model import Location
from mail_lint.report import PathStyle, fingerprints
from mail_lint.rules import Finding, Rule, Severity

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
#: The key of mail-lint's own line-independent fingerprint in ``partialFingerprints``.
FINGERPRINT_KEY = "mailLintFingerprint/v1"
SRCROOT = "%SRCROOT%"
FALLBACK_URI = "https://pypi.org/project/mail-lint/"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def information_uri() -> str:
    """The project's home page from the installed metadata, else its PyPI page."""
    from importlib.metadata import PackageNotFoundError, metadata

    try:
        meta = metadata("mail-lint")
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return FALLBACK_URI
    for entry in meta.get_all("Project-URL") or ():
        label, _, url = entry.partition(",")
        if label.strip().lower() in ("homepage", "home", "source", "repository"):
            return url.strip()
    home = meta.get_all("Home-page") or []
    return str(home[0]) if home else FALLBACK_URI


def rule_descriptor(rule: Rule) -> dict[str, Any]:
    """A ``reportingDescriptor`` built from the rule's doc."""
    why = ("What it does", "Why is this bad?")
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {
            "text": section_text(rule, *why),
            "markdown": section_markdown(rule, *why),
        },
        "help": {"text": rule.doc.strip(), "markdown": rule.doc.strip()},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {
            "app": rule.app,
            "scope": rule.scope.value,
            "tags": ["mail", rule.app or "generic"],
        },
    }


class _Locator:
    def __init__(self, cwd: Path) -> None:
        self.show = PathStyle(cwd)

    def artifact(self, path: Path) -> dict[str, Any]:
        shown = self.show(path)
        if os.path.isabs(shown):
            return {"uri": Path(shown).as_uri()}
        return {"uri": quote(shown.replace(os.sep, "/")), "uriBaseId": SRCROOT}

    def physical(self, loc: Location) -> dict[str, Any]:
        region: dict[str, Any] = {"startLine": loc.line, "startColumn": loc.column}
        if loc.end_line is not None or loc.end_column is not None:
            region["endLine"] = loc.end_line if loc.end_line is not None else loc.line
        if loc.end_column is not None:
            region["endColumn"] = loc.end_column
        return {"artifactLocation": self.artifact(loc.path), "region": region}


def _result(
    finding: Finding,
    fingerprint: str,
    index: dict[str, int],
    where: _Locator,
    scrub: Callable[[str], str],
) -> dict[str, Any]:
    found: dict[str, Any] = {"ruleId": finding.code}
    if finding.code in index:
        found["ruleIndex"] = index[finding.code]
    found["level"] = LEVELS[finding.severity]
    found["message"] = {"text": scrub(finding.message)}
    found["locations"] = (
        [{"physicalLocation": where.physical(finding.location)}] if finding.location else []
    )
    related = []
    for number, step in enumerate(finding.origin, start=1):
        text = "value written here" if number == 1 else "interpolated text from here"
        related.append(
            {"id": number, "physicalLocation": where.physical(step), "message": {"text": text}}
        )
    if related:
        found["relatedLocations"] = related
    found["partialFingerprints"] = {FINGERPRINT_KEY: fingerprint}
    properties = {"app": finding.app, "service": finding.service, "key": finding.key}
    if finding.fix:
        properties["fix"] = scrub(finding.fix)
    found["properties"] = {k: v for k, v in properties.items() if v is not None}
    return found


def _folder_uri(folder: Path) -> str:
    uri = Path(os.path.abspath(folder)).as_uri()
    return uri if uri.endswith("/") else uri + "/"


def sarif_document(result: RunResult, *, cwd: Path, rules: Sequence[Rule]) -> dict[str, Any]:
    """The SARIF log of a run, as a JSON-ready dict."""
    where = _Locator(cwd)
    ordered = sorted(rules, key=lambda r: r.code)
    index = {r.code: i for i, r in enumerate(ordered)}
    prints = fingerprints(result.findings, where.show, result.scrub)
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "mail-lint",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": information_uri(),
                "rules": [rule_descriptor(r) for r in ordered],
            }
        },
        "originalUriBaseIds": {SRCROOT: {"uri": _folder_uri(cwd)}},
        "invocations": [{"executionSuccessful": not result.incomplete}],
        "columnKind": "unicodeCodePoints",
        "results": [
            _result(f, fp, index, where, result.scrub)
            for f, fp in zip(result.findings, prints, strict=True)
        ],
    }
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def write_sarif(result: RunResult, stream: IO[str], *, cwd: Path, rules: Sequence[Rule]) -> None:
    """``mail-lint check --format sarif``."""
    text = json.dumps(sarif_document(result, cwd=cwd, rules=rules), indent=2, ensure_ascii=False)
    stream.write(result.scrub(text) + "\n")
