"""Rule documentation: ``mail-lint rule CODE`` in a terminal and as Markdown, and the checked-in
``docs/rules/`` pages, which must match the rules' docstrings."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from mail_lint.cli import main
from mail_lint.docgen import pages, stale, write
from mail_lint.pluginhost import PluginHost
from support import REPO, Outcome

DOCS = REPO / "docs" / "rules"


def rule(*args: str) -> Outcome:
    out, err = io.StringIO(), io.StringIO()
    rc = main(["rule", *args], stdout=out, stderr=err, env={})
    return Outcome(rc, out.getvalue(), err.getvalue())


@pytest.fixture(scope="module")
def host() -> PluginHost:
    return PluginHost.create()


# -- mail-lint rule -----------------------------------------------------------------------


def test_rule_renders_as_text_for_a_terminal() -> None:
    shown = rule("DOC005", "--format", "text")
    assert shown.rc == 0
    lines = shown.out.splitlines()
    assert lines[:2] == [
        "DOC005  implicit-tls-port-without-smtp-secure",
        "App: docmost · Default severity: error",
    ]
    # Headings without their `#`, prose indented under them, code blocks without fences.
    assert "What it does" in lines
    assert "Why is this bad?" in lines
    assert "  Reports SMTP port 465 without `SMTP_SECURE=true`." in lines
    assert '      SMTP_SECURE: "true"' in lines
    assert not [line for line in lines if line.startswith(("#", "```")) or "```" in line]
    assert "\n\n\n" not in shown.out


def test_rule_text_in_colour_marks_headings_and_code() -> None:
    shown = rule("DOC005", "--format", "text", "--color", "always")
    assert "\x1b[1mWhy is this bad?\x1b[0m" in shown.out
    assert "\x1b[36mSMTP_SECURE=true\x1b[0m" in shown.out


def test_rule_markdown_is_the_doc_source(host: PluginHost) -> None:
    [doc005] = [r for r in host.rules() if r.code == "DOC005"]
    shown = rule("implicit-tls-port-without-smtp-secure", "--format", "markdown")
    assert shown.out.endswith(doc005.doc.rstrip() + "\n")
    # Not a terminal (a pipe, a file): the Markdown source.
    assert rule("doc005").out == shown.out


def test_unknown_rule_names_the_listing() -> None:
    shown = rule("DOC999", "--format", "text")
    assert shown.rc == 2
    assert "unknown rule 'DOC999' (see `mail-lint rules`)" in shown.err


# -- docs/rules ---------------------------------------------------------------------------


def test_checked_in_rule_docs_are_up_to_date(tmp_path: Path, host: PluginHost) -> None:
    fresh = tmp_path / "rules"
    write(fresh, pages(host))
    generated = {p.name: p.read_text(encoding="utf-8") for p in fresh.iterdir()}
    checked_in = {p.name: p.read_text(encoding="utf-8") for p in DOCS.glob("*.md")}
    stale_names = sorted(
        n for n in generated.keys() | checked_in.keys() if generated.get(n) != checked_in.get(n)
    )
    assert not stale_names, (
        f"docs/rules is stale ({', '.join(stale_names[:10])}): run "
        "`.venv/bin/python -m mail_lint.docgen docs/rules` and commit the result"
    )


def test_docgen_check_command_passes_on_the_repository() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "mail_lint.docgen", "--check", str(DOCS)],
        capture_output=True,
        text=True,
    )
    assert (proc.returncode, proc.stderr) == (0, "")


def test_docgen_check_names_stale_and_orphaned_pages(tmp_path: Path, host: PluginHost) -> None:
    folder = tmp_path / "rules"
    wanted = pages(host)
    write(folder, wanted)
    (folder / "DOC005.md").write_text("# old\n")
    (folder / "OLD001.md").write_text("# a rule that no longer exists\n")
    proc = subprocess.run(
        [sys.executable, "-m", "mail_lint.docgen", "--check", str(folder)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1
    assert f"{folder / 'DOC005.md'}: stale" in proc.stderr
    assert f"{folder / 'OLD001.md'}: stale" in proc.stderr
    # Writing repairs both: the page is rewritten and the orphan removed.
    assert write(folder, wanted) == ["DOC005.md", "OLD001.md"]
    assert not (folder / "OLD001.md").exists()
    assert stale(folder, wanted) == []


def test_every_rule_has_a_page_and_an_index_row(host: PluginHost) -> None:
    index = (DOCS / "README.md").read_text(encoding="utf-8")
    rows = {
        m.group(1): m.group(2).split(" | ")
        for m in re.finditer(r"^\| \[(\w+)\]\(\1\.md\) \| (.*) \|$", index, re.M)
    }
    for found in host.rules():
        page = (DOCS / f"{found.code}.md").read_text(encoding="utf-8")
        assert page.startswith(f"# {found.code}: {found.name}\n")
        assert "## Why is this bad?" in page
        name, app, severity, _summary = rows[found.code]
        assert (name, app, severity) == (
            f"`{found.name}`",
            found.app or "*",
            found.severity.value,
        )
    assert len(rows) == len(host.rules())


def test_index_agrees_with_the_rules_command(host: PluginHost) -> None:
    out = io.StringIO()
    assert main(["rules"], stdout=out, env={}) == 0
    listed = [line.split()[:4] for line in out.getvalue().splitlines()[1:]]
    index = (DOCS / "README.md").read_text(encoding="utf-8")
    documented = [
        [m.group(1), m.group(2), m.group(3), m.group(4)]
        for m in re.finditer(r"^\| \[(\w+)\]\S* \| `([^`]+)` \| (\S+) \| (\w+) \|", index, re.M)
    ]
    assert documented == listed
