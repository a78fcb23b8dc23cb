"""The plugin host: third-party distributions load like the built-ins; conflicts and crashes
are reported, never silent."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from mail_lint.errors import PluginConflictError
from mail_lint.pluginhost import PluginHost

PLUGIN_SOURCE = '''
"""A throwaway third-party mail-lint plugin."""
from mail_lint import AppSpec, Severity, hookimpl, rule

APP = AppSpec(name="mailcow", title="mailcow", code_prefix="MCW", images=("mailcow/dockerized",))


@rule("MCW001", "relay-host-unset", severity=Severity.WARNING, app="mailcow")
def relay_host_unset(ctx):
    """## What it does
    Checks that RELAYHOST is set.

    ## Why is this bad?
    Test plugin.

    ## Example
    ```yaml
    x: 1
    ```
    Use instead:
    ```yaml
    x: 2
    ```

    ## References
    - none
    """
    if ctx.instance.setting("RELAYHOST") is None:
        yield ctx.finding("RELAYHOST is not set")


@rule("MCW002", "always-crashes", severity=Severity.ERROR, app="mailcow")
def always_crashes(ctx):
    """## What it does
    Crashes.
    """
    raise KeyError("boom")


@hookimpl
def mail_lint_apps():
    return [APP]


@hookimpl
def mail_lint_rules():
    return [relay_host_unset, always_crashes]
'''


def _install(tmp_path: Path, dist: str, module: str, entry: str, source: str) -> Path:
    """Build a distribution from source and install it into a private target folder."""
    src = tmp_path / f"src-{dist}"
    (src / module).mkdir(parents=True)
    (src / module / "__init__.py").write_text(source)
    (src / "pyproject.toml").write_text(
        textwrap.dedent(f"""
        [build-system]
        requires = ["setuptools>=61"]
        build-backend = "setuptools.build_meta"
        [project]
        name = "{dist}"
        version = "1.2.3"
        [project.entry-points.mail_lint]
        {entry} = "{module}"
        [tool.setuptools]
        packages = ["{module}"]
    """)
    )
    target = tmp_path / "site"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--target",
            str(target),
            str(src),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, f"building the throwaway plugin failed:\n{proc.stderr}"
    return target


def _mail_lint(args: list[str], site: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(site)}
    return subprocess.run(
        [sys.executable, "-m", "mail_lint", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="module")
def third_party(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _install(
        tmp_path_factory.mktemp("tp"),
        "mail-lint-mailcow",
        "mail_lint_mailcow",
        "mailcow",
        PLUGIN_SOURCE,
    )


def test_third_party_plugin_is_listed_with_distribution_and_version(
    third_party: Path, tmp_path: Path
) -> None:
    proc = _mail_lint(["plugins"], third_party, tmp_path)
    assert proc.returncode == 0, proc.stderr
    rows = [line.split() for line in proc.stdout.splitlines()[1:]]
    assert ["mailcow", "mail-lint-mailcow", "1.2.3", "mail_lint_mailcow"] in rows
    assert {row[0] for row in rows} >= {
        "core",
        "bookstack",
        "docmost",
        "plausible",
        "wgdashboard",
        "listmonk",
    }


def test_third_party_rules_run_and_a_crashing_rule_is_reported(
    third_party: Path, tmp_path: Path
) -> None:
    (tmp_path / "compose.yaml").write_text(
        "services:\n  mail:\n    image: mailcow/dockerized:2024\n"
    )
    proc = _mail_lint(["--format", "json", "."], third_party, tmp_path)
    assert proc.returncode == 2, proc.stderr
    findings = json.loads(proc.stdout)["findings"]
    codes = {f["code"]: f for f in findings}
    # The healthy rule still ran ...
    assert codes["MCW001"]["message"] == "RELAYHOST is not set"
    assert codes["MCW001"]["service"] == "mail"
    # ... and the crash names the plugin, the rule and the file.
    crash = codes["ML003"]["message"]
    assert "'mailcow'" in crash and "MCW002" in crash and "compose.yaml" in crash
    assert "KeyError" in crash


def test_two_distributions_claiming_one_name_is_an_error(tmp_path: Path) -> None:
    site = _install(tmp_path, "aaa-shadow", "aaa_shadow", "bookstack", "")
    proc = _mail_lint(["plugins"], site, tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.strip() == (
        "mail-lint: error: plugin name 'bookstack' is provided by both distribution "
        "'aaa-shadow' and distribution 'mail-lint'"
    )


def test_conflicting_rule_codes_are_an_error() -> None:
    from mail_lint import hookimpl
    from mail_lint.engine_rules import RULES

    class Plugin:
        @hookimpl
        def mail_lint_rules(self) -> object:
            return RULES[:1]

    host = PluginHost.create(load_entry_points=False, extra_plugins=[("dup", Plugin())])
    with pytest.raises(PluginConflictError, match="rule code 'ML001' is defined by both"):
        host.rules()


def test_app_name_claimed_twice_is_an_error() -> None:
    from mail_lint import AppSpec, hookimpl

    class Plugin:
        def __init__(self, prefix: str) -> None:
            self.prefix = prefix

        @hookimpl
        def mail_lint_apps(self) -> object:
            return [AppSpec(name="same", title="Same", code_prefix=self.prefix)]

    host = PluginHost.create(
        load_entry_points=False, extra_plugins=[("a", Plugin("AAA")), ("b", Plugin("BBB"))]
    )
    with pytest.raises(PluginConflictError, match="app 'same' is claimed by both plugin"):
        host.apps()


@pytest.mark.parametrize("group", ["mail_lint", "console_scripts", "pytest11"])
def test_entry_point_scan_agrees_with_importlib_metadata(group: str) -> None:
    import importlib.metadata

    from mail_lint.entrypoints import entry_points

    expected = sorted(
        (ep.name, ep.value, ep.dist.name if ep.dist else "?", ep.dist.version if ep.dist else "?")
        for ep in importlib.metadata.entry_points(group=group)
    )
    found = sorted((ep.name, ep.value, ep.distribution, ep.version) for ep in entry_points(group))
    assert found == expected
    assert found or group == "pytest11"
