"""The README stays true: its example output is what mail-lint prints, and CI runs its
set-up commands."""

from __future__ import annotations

import re

from conftest import RunCli
from support import REPO

README = (REPO / "README.md").read_text()


def test_example_output_in_readme_is_real(run_cli: RunCli) -> None:
    match = re.search(r"```console\n\$ mail-lint (\S+)\n(.*?)```", README, re.S)
    assert match is not None
    outcome = run_cli(match.group(1), cwd=REPO)
    assert outcome.out == match.group(2)
    assert outcome.rc == 1


def test_ci_runs_the_readme_set_up_commands() -> None:
    blocks = re.findall(r"## Set-up.*?```sh\n(.*?)\n```\n\n```sh\n(.*?)\n```", README, re.S)
    [(install, tests)] = blocks
    ci = (REPO / ".ci" / "run").read_text()
    # Command 1 installs and runs the example; CI runs the same install and example.
    install_step, run_step = install.split(" && .venv/bin/mail-lint ")
    assert install_step.startswith(
        "python3 -m venv .venv && .venv/bin/pip install -e '.[test,oracle]'"
    )
    assert ".venv/bin/pip install --quiet -e '.[test,oracle]'" in ci
    assert f".venv/bin/mail-lint {run_step}" in ci
    # Command 2 is exactly CI's last line.
    assert ci.rstrip().splitlines()[-1] == tests
