"""Machine output formats of ``check``: SARIF, GitHub annotations, JUnit XML, GitLab Code
Quality; what a CI service or a code-scanning tool reads from them."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from pathlib import Path

import pytest
from conftest import MakeProject
from mail_lint.cli import main
from mail_lint.engine import RunResult
from mail_lint.model import Location
from mail_lint.pluginhost import PluginHost
from mail_lint.report_github import escape_data, escape_property, write_github
from mail_lint.report_gitlab import write_gitlab
from mail_lint.report_junit import write_junit
from mail_lint.report_sarif import FINGERPRINT_KEY, write_sarif
from mail_lint.rules import Finding, Severity
from mail_lint.secrets import Scrubber
from support import REPO, Outcome

SCHEMA = REPO.parent / "shared" / "schemas" / "sarif-2.1.0.json"
EXAMPLE = REPO / "examples" / "docmost-smtp"

# Docmost on the implicit-TLS port without SMTP_SECURE, a typo'd key, and no MAIL_DRIVER.
BROKEN_DOCMOST = """\
services:
  docmost:
    image: docmost/docmost:0.95.0
    environment:
      APP_URL: "https://docs.example.org"
      SMTP_HOST: smtp.example.org
      SMTP_PORT: ${SMTP_PORT:-465}
      SMTP_USERNAME: docs@example.org
      SMTP_PASSWORD: ${SMTP_PASSWORD}
      MAIL_FROM_ADRESS: docs@example.org
"""


def lint(*args: str, cwd: Path, env: Mapping[str, str] | None = None) -> Outcome:
    out, err = io.StringIO(), io.StringIO()
    rc = main(list(args), stdout=out, stderr=err, cwd=cwd, env=env or {})
    return Outcome(rc, out.getvalue(), err.getvalue())


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """A copy of examples/docmost-smtp (two errors, one through `${SMTP_PORT}` from .env)."""
    return Path(shutil.copytree(EXAMPLE, tmp_path / "docmost-smtp"))


def _sarif(root: Path) -> dict[str, object]:
    outcome = lint("--format", "sarif", ".", cwd=root)
    assert outcome.rc == 1
    return json.loads(outcome.out)  # type: ignore[no-any-return]


# -- SARIF --------------------------------------------------------------------------------


def test_sarif_validates_against_the_official_schema(example: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema", reason="pip install -e '.[test]'")
    if not SCHEMA.is_file():
        pytest.skip(f"SARIF schema not found at {SCHEMA}")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    document = _sarif(example)
    jsonschema.validate(document, schema, cls=jsonschema.Draft4Validator)
    # A run without findings is valid too.
    clean = example.parent / "clean"
    clean.mkdir()
    (clean / "compose.yaml").write_text("services:\n  web:\n    image: nginx\n")
    quiet = lint("--format", "sarif", ".", cwd=clean)
    assert quiet.rc == 0
    jsonschema.validate(json.loads(quiet.out), schema, cls=jsonschema.Draft4Validator)
    assert json.loads(quiet.out)["runs"][0]["results"] == []


def test_sarif_describes_every_rule_from_its_doc(example: Path) -> None:
    document = _sarif(example)
    [run] = document["runs"]  # type: ignore[index]
    driver = run["tool"]["driver"]
    assert driver["name"] == "mail-lint"
    assert driver["informationUri"].startswith("https://")
    rules = {r.code: r for r in PluginHost.create().rules()}
    assert [d["id"] for d in driver["rules"]] == sorted(rules)
    doc005 = next(d for d in driver["rules"] if d["id"] == "DOC005")
    assert doc005["name"] == "implicit-tls-port-without-smtp-secure"
    assert doc005["shortDescription"]["text"] == rules["DOC005"].summary
    assert doc005["help"]["markdown"].startswith("## What it does")
    assert "Greeting never received" in doc005["fullDescription"]["text"]
    assert doc005["defaultConfiguration"] == {"level": "error"}
    assert doc005["properties"]["app"] == "docmost"
    levels = {d["id"]: d["defaultConfiguration"]["level"] for d in driver["rules"]}
    assert {levels[c] for c, r in rules.items() if r.severity is Severity.INFO} == {"note"}


def test_sarif_result_points_at_the_line_to_change_with_its_origin(example: Path) -> None:
    [run] = _sarif(example)["runs"]  # type: ignore[index]
    by_rule = {r["ruleId"]: r for r in run["results"]}
    assert set(by_rule) == {"DOC001", "DOC005"}
    doc005 = by_rule["DOC005"]
    assert doc005["level"] == "error"
    assert run["tool"]["driver"]["rules"][doc005["ruleIndex"]]["id"] == "DOC005"
    assert doc005["message"]["text"].startswith("SMTP_PORT=465 (.env:4) is the implicit-TLS")
    [where] = doc005["locations"]
    assert where["physicalLocation"] == {
        "artifactLocation": {"uri": ".env", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 4, "startColumn": 11, "endLine": 4, "endColumn": 14},
    }
    related = [
        (r["physicalLocation"]["artifactLocation"]["uri"], r["physicalLocation"]["region"])
        for r in doc005["relatedLocations"]
    ]
    assert related[0] == (
        "docker-compose.yml",
        {"startLine": 15, "startColumn": 18, "endLine": 15, "endColumn": 35},
    )
    assert doc005["properties"]["fix"].startswith("set SMTP_SECURE=true")
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == example.resolve().as_uri() + "/"


def test_sarif_fingerprints_survive_a_blank_line_above_the_finding(example: Path) -> None:
    def fingerprints() -> dict[str, tuple[str, int]]:
        [run] = _sarif(example)["runs"]  # type: ignore[index]
        return {
            r["ruleId"]: (
                r["partialFingerprints"][FINGERPRINT_KEY],
                r["locations"][0]["physicalLocation"]["region"]["startLine"],
            )
            for r in run["results"]
        }

    before = fingerprints()
    for name in (".env", "docker-compose.yml"):
        path = example / name
        path.write_text("\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    after = fingerprints()
    assert after["DOC005"][1] == before["DOC005"][1] + 1  # the line did move...
    assert after["DOC001"][1] == before["DOC001"][1] + 1
    # ...and the identity did not, although DOC005's message quotes `.env:4`, now `.env:5`.
    assert {c: fp for c, (fp, _) in after.items()} == {c: fp for c, (fp, _) in before.items()}
    assert len({fp for fp, _ in after.values()}) == 2


def test_sarif_fingerprint_changes_when_the_finding_does(example: Path) -> None:
    [run] = _sarif(example)["runs"]  # type: ignore[index]
    before = {r["ruleId"]: r["partialFingerprints"][FINGERPRINT_KEY] for r in run["results"]}
    compose = example / "docker-compose.yml"
    compose.write_text(compose.read_text().replace("  docmost:\n", "  docs:\n", 1))
    [run] = _sarif(example)["runs"]  # type: ignore[index]
    after = {r["ruleId"]: r["partialFingerprints"][FINGERPRINT_KEY] for r in run["results"]}
    assert after.keys() == before.keys()
    assert not set(after.values()) & set(before.values())  # another service: other findings


# -- GitHub -------------------------------------------------------------------------------


def test_github_annotations_for_the_example(example: Path) -> None:
    outcome = lint("--format", "github", ".", cwd=example)
    assert outcome.rc == 1
    lines = outcome.out.splitlines()
    assert lines == [
        "::error file=.env,line=4,col=11,endLine=4,endColumn=14,"
        "title=DOC005 implicit-tls-port-without-smtp-secure::SMTP_PORT=465 (.env:4) is the "
        "implicit-TLS port but SMTP_SECURE (not set) is not true: Docmost connects in "
        "plaintext and every mail fails after 30 s with 'Greeting never received' (ETIMEDOUT)"
        "%0Afix: set SMTP_SECURE=true (or use port 587 with SMTP_SECURE=false)",
        "::error file=docker-compose.yml,line=14,col=18,endLine=14,endColumn=34,"
        "title=DOC001 smtp-without-mail-driver::SMTP_HOST is set but MAIL_DRIVER is not: "
        "Docmost uses its log driver, which in production drops every mail without a trace, "
        "and never reads the SMTP settings%0Afix: add MAIL_DRIVER=smtp",
    ]


def test_github_is_chosen_inside_github_actions(make_project: MakeProject) -> None:
    root = make_project({"docker-compose.yml": BROKEN_DOCMOST})
    actions = lint(".", cwd=root, env={"GITHUB_ACTIONS": "true"})
    assert actions.rc == 1
    lines = actions.out.splitlines()
    assert lines and all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines)
    assert any(line.startswith("::warning file=docker-compose.yml,") for line in lines)
    # An explicit format wins; outside Actions (or GITHUB_ACTIONS=false) it is text.
    assert lint("--format", "text", ".", cwd=root, env={"GITHUB_ACTIONS": "true"}).out.startswith(
        "docker-compose.yml:"
    )
    assert lint(".", cwd=root, env={"GITHUB_ACTIONS": "false"}).out.startswith(
        "docker-compose.yml:"
    )
    assert lint(".", cwd=root).out.startswith("docker-compose.yml:")


def test_console_script_reads_github_actions_from_the_process_environment(
    make_project: MakeProject,
) -> None:
    root = make_project({"docker-compose.yml": BROKEN_DOCMOST})
    env = {**os.environ, "GITHUB_ACTIONS": "true"}
    proc = subprocess.run(
        [sys.executable, "-m", "mail_lint", "."], cwd=root, env=env, capture_output=True, text=True
    )
    assert proc.returncode == 1
    assert proc.stdout.startswith("::error file=docker-compose.yml,line=")


def test_github_escaping() -> None:
    assert escape_data("100% sure\r\nnext") == "100%25 sure%0D%0Anext"
    assert escape_property("a,b:c%d\ne") == "a%2Cb%3Ac%25d%0Ae"


def test_github_levels_and_escaped_properties(tmp_path: Path) -> None:
    odd = Location(tmp_path / "a,b:c.env", 3, 2)
    findings = (
        Finding("X001", "one", Severity.ERROR, "50% off\nnow", odd),
        Finding("X002", "two", Severity.WARNING, "w", odd),
        Finding("X003", "three", Severity.INFO, "i", None),
    )
    out = io.StringIO()
    write_github(RunResult(findings, (), False, (), Scrubber()), out, cwd=tmp_path)
    assert out.getvalue().splitlines() == [
        "::error file=a%2Cb%3Ac.env,line=3,col=2,title=X001 one::50%25 off%0Anow",
        "::warning file=a%2Cb%3Ac.env,line=3,col=2,title=X002 two::w",
        "::notice title=X003 three::i",
    ]


# -- JUnit --------------------------------------------------------------------------------


def test_junit_one_suite_per_file_one_failing_case_per_finding(example: Path) -> None:
    outcome = lint("--format", "junit", ".", cwd=example)
    assert outcome.rc == 1
    assert outcome.out.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    root = ET.fromstring(outcome.out.encode())
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures")) == ("2", "2")
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert set(suites) == {".env", "docker-compose.yml"}
    [case] = suites[".env"].findall("testcase")
    assert case.get("name") == "DOC005 implicit-tls-port-without-smtp-secure at 4:11"
    assert (case.get("file"), case.get("line")) == (".env", "4")
    failure = case.find("failure")
    assert failure is not None
    assert failure.get("type") == "DOC005"
    assert failure.get("message", "").startswith("SMTP_PORT=465 (.env:4)")
    assert failure.text is not None
    assert failure.text.splitlines()[1:] == [
        "    via docker-compose.yml:15:18",
        "    fix: set SMTP_SECURE=true (or use port 587 with SMTP_SECURE=false)",
    ]


def test_junit_without_findings_is_one_passing_case(make_project: MakeProject) -> None:
    root = make_project({"compose.yaml": "services:\n  web:\n    image: nginx\n"})
    outcome = lint("--format", "junit", ".", cwd=root)
    assert outcome.rc == 0
    tree = ET.fromstring(outcome.out.encode())
    assert (tree.get("tests"), tree.get("failures")) == ("1", "0")
    [case] = tree.iter("testcase")
    assert case.find("failure") is None


def test_junit_stays_valid_xml_with_control_characters_and_markup(tmp_path: Path) -> None:
    finding = Finding(
        "X001", "x", Severity.ERROR, 'bad \x1b[31m <tag> & "q" \x00', Location(tmp_path / "a", 1)
    )
    out = io.StringIO()
    write_junit(RunResult((finding,), (), False, (), Scrubber()), out, cwd=tmp_path)
    failure = ET.fromstring(out.getvalue().encode()).find(".//failure")
    assert failure is not None
    assert failure.get("message") == 'bad \ufffd[31m <tag> & "q" \ufffd'


# -- GitLab -------------------------------------------------------------------------------


def test_gitlab_code_quality_report(example: Path) -> None:
    outcome = lint("--format", "gitlab", ".", cwd=example)
    assert outcome.rc == 1
    issues = json.loads(outcome.out)
    assert [i["check_name"] for i in issues] == ["DOC005", "DOC001"]
    doc005 = issues[0]
    assert doc005["description"].startswith("DOC005 SMTP_PORT=465 (.env:4)")
    assert doc005["severity"] == "critical"
    assert doc005["location"] == {"path": ".env", "lines": {"begin": 4, "end": 4}}
    # The same line-independent fingerprints as SARIF's.
    [run] = _sarif(example)["runs"]  # type: ignore[index]
    sarif = [r["partialFingerprints"][FINGERPRINT_KEY] for r in run["results"]]
    assert [i["fingerprint"] for i in issues] == sarif


def test_gitlab_severity_mapping_and_unique_fingerprints(tmp_path: Path) -> None:
    at = Location(tmp_path / "compose.yaml", 5)
    findings = (
        Finding("X001", "a", Severity.ERROR, "same", at, key="K", service="s"),
        Finding("X001", "a", Severity.ERROR, "same", Location(at.path, 9), key="K", service="s"),
        Finding("X002", "b", Severity.WARNING, "w", at),
        Finding("X003", "c", Severity.INFO, "i", None),
    )
    out = io.StringIO()
    write_gitlab(RunResult(findings, (), False, (), Scrubber()), out, cwd=tmp_path)
    issues = json.loads(out.getvalue())
    assert [i["severity"] for i in issues] == ["critical", "critical", "major", "info"]
    assert len({i["fingerprint"] for i in issues}) == 4
    assert issues[3]["location"] == {"path": ".", "lines": {"begin": 1}}


# -- every format ---------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["sarif", "github", "junit", "gitlab"])
def test_every_format_passes_the_scrubber(tmp_path: Path, fmt: str) -> None:
    secret = "s3cr,et:50%pass"
    scrub = Scrubber()
    scrub.add(secret)
    leak = Finding(
        "X001",
        "leaky",
        Severity.ERROR,
        f"password {secret} is wrong",
        Location(tmp_path / "compose.yaml", 2, 3),
        fix=f"replace {secret}",
    )
    result = RunResult((leak,), (), False, (), scrub)
    out = io.StringIO()
    writers = {
        "sarif": lambda: write_sarif(result, out, cwd=tmp_path, rules=()),
        "github": lambda: write_github(result, out, cwd=tmp_path),
        "junit": lambda: write_junit(result, out, cwd=tmp_path),
        "gitlab": lambda: write_gitlab(result, out, cwd=tmp_path),
    }
    writers[fmt]()
    text = out.getvalue()
    assert "s3cr" not in text
    assert "****" in text


def test_unknown_format_is_a_usage_error(example: Path, capsys: pytest.CaptureFixture[str]) -> None:
    outcome = lint("--format", "checkstyle", ".", cwd=example)
    assert outcome.rc == 2
    assert "invalid choice: 'checkstyle'" in capsys.readouterr().err


def test_reporters_are_imported_only_for_their_format(make_project: MakeProject) -> None:
    root = make_project({"docker-compose.yml": BROKEN_DOCMOST})
    code = (
        "import sys, io\nfrom mail_lint.cli import main\n"
        "main([*sys.argv[2:], sys.argv[1]], stdout=io.StringIO(), env={})\n"
        "print(sorted(m for m in sys.modules if m.startswith(('mail_lint.report_', "
        "'mail_lint.docgen', 'xml', 'hashlib'))))"
    )

    def modules(*args: str) -> str:
        proc = subprocess.run(
            [sys.executable, "-c", code, str(root), *args],
            capture_output=True,
            text=True,
            check=True,
        )
        return proc.stdout.strip()

    assert modules() == "[]"
    assert modules("--format", "json") == "[]"
    assert "'mail_lint.report_github'" in modules("--format", "github")
    assert "xml" not in modules("--format", "github")
    assert "'xml.etree.ElementTree'" in modules("--format", "junit")
