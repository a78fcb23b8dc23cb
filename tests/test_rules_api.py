"""The rule API: the decorator, the doc guard, and where a finding points."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from mail_lint.apps import AppSpec
from mail_lint.instance import AppInstance
from mail_lint.model import Location, Setting, Settings, SourceKind
from mail_lint.pluginhost import PluginHost
from mail_lint.rules import Finding, RuleContext, Severity, rule

COMPOSE = Path("docker-compose.yml")
DOTENV = Path(".env")


@rule("XXX001", "implicit-tls-port-with-starttls", severity=Severity.ERROR, app="demo")
def demo_rule(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Checks for port 465 with STARTTLS.

    More detail here.

    ## Why is this bad?
    It hangs.

    ## Example
    ```dotenv
    SMTP_PORT=465
    ```
    Use instead:
    ```dotenv
    SMTP_PORT=587
    ```

    ## References
    - RFC 8314
    """
    port = ctx.instance.setting("SMTP_PORT")
    if port is not None and port.value == "465":
        yield ctx.finding("port 465 is implicit TLS", at=port, fix="use 587")


def _instance(*settings: Setting) -> AppInstance:
    return AppInstance(
        app=AppSpec(name="demo", title="Demo", code_prefix="XXX"),
        version=None,
        environment=Settings.from_layers(list(settings)),
        files=(),
        path=COMPOSE,
    )


def test_decorator_keeps_the_doc_and_summary() -> None:
    assert demo_rule.code == "XXX001"
    assert demo_rule.severity is Severity.ERROR
    assert demo_rule.summary == "Checks for port 465 with STARTTLS."
    assert demo_rule.doc.startswith("## What it does\nChecks for port 465")
    assert demo_rule.problems() == []


def test_doc_guard_names_what_is_missing() -> None:
    @rule("bad1", "Not Kebab", severity=Severity.INFO)
    def undocumented(ctx: RuleContext) -> Iterator[Finding]:
        """## What it does
        Nothing."""
        yield from ()

    assert undocumented.problems() == [
        "code 'bad1' is not PREFIX + three digits",
        "name 'Not Kebab' is not kebab-case",
        "doc lacks '## Why is this bad?'",
        "doc lacks '## Example'",
        "doc lacks 'Use instead:'",
        "doc lacks '## References'",
    ]


def test_finding_points_at_the_variable_definition_when_it_supplies_the_whole_value() -> None:
    written = Location(COMPOSE, 12, 18)
    defined = Location(DOTENV, 7, 11)
    port = Setting(
        "SMTP_PORT",
        "465",
        written,
        SourceKind.COMPOSE,
        origin=(defined,),
        raw="${SMTP_PORT:-587}",
        from_origin=True,
    )
    instance = _instance(port)
    [finding] = demo_rule.check(RuleContext(demo_rule, instance))
    assert finding.location == defined
    assert finding.origin == (written, defined)
    assert (finding.key, finding.app, finding.service, finding.fix) == (
        "SMTP_PORT",
        "demo",
        None,
        "use 587",
    )


def test_finding_points_at_the_written_value_otherwise() -> None:
    written = Location(COMPOSE, 12, 18)
    port = Setting("SMTP_PORT", "465", written, SourceKind.COMPOSE, raw="465")
    [finding] = demo_rule.check(RuleContext(demo_rule, _instance(port)))
    assert finding.location == written
    assert finding.origin == ()


def test_settings_history_keeps_every_layer_lowest_first() -> None:
    low = Setting("SMTP_HOST", "a", Location(Path("mail.env"), 1), SourceKind.ENV_FILE)
    high = Setting("SMTP_HOST", "b", Location(COMPOSE, 9), SourceKind.COMPOSE)
    settings = Settings.from_layers([low, high])
    assert settings["SMTP_HOST"] is high
    assert settings.history("SMTP_HOST") == (low, high)
    assert settings.value("MISSING") is None


def test_every_builtin_rule_is_documented() -> None:
    host = PluginHost.create()
    problems = {r.code: r.problems() for r in host.rules() if r.problems()}
    assert problems == {}
    assert [r.code for r in host.rules()] == sorted({r.code for r in host.rules()})


@pytest.mark.parametrize("severity", list(Severity))
def test_severity_rank_orders_error_above_warning_above_info(severity: Severity) -> None:
    assert severity.rank == ["info", "warning", "error"].index(severity.value)


def test_an_app_rule_that_fires_drops_the_generic_findings_it_supersedes(tmp_path: Path) -> None:
    from mail_lint import AppSpec, hookimpl
    from mail_lint.engine import RunOptions, run

    @rule("GEN001", "generic-port", severity=Severity.ERROR)
    def generic(ctx: RuleContext) -> Iterator[Finding]:
        """Generic."""
        yield ctx.finding("generic says 465 is wrong")

    @rule("ACM001", "acme-port", severity=Severity.ERROR, app="acme", supersedes=("GEN001",))
    def specific(ctx: RuleContext) -> Iterator[Finding]:
        """Specific."""
        if ctx.instance.service is not None and ctx.instance.service.name == "broken":
            yield ctx.finding("ACME_PORT=465 needs ACME_TLS=on")

    class Plugin:
        @hookimpl
        def mail_lint_apps(self) -> object:
            return [AppSpec(name="acme", title="Acme", code_prefix="ACM", images=("acme/app",))]

        @hookimpl
        def mail_lint_rules(self) -> object:
            return [generic, specific]

    (tmp_path / "compose.yaml").write_text(
        "services:\n  broken:\n    image: acme/app\n  other:\n    image: acme/app\n"
    )
    host = PluginHost.create(load_entry_points=False, extra_plugins=[("acme", Plugin())])
    result = run(host, RunOptions(paths=(tmp_path,)))
    assert sorted((f.service, f.code) for f in result.findings) == [
        ("broken", "ACM001"),  # GEN001 on "broken" is superseded
        ("other", "GEN001"),
    ]


def test_supersedes_is_about_the_same_key_or_the_same_transport() -> None:
    from mail_lint.engine import _drop_superseded
    from mail_lint.rules import Scope

    def noop(ctx: RuleContext) -> Iterator[Finding]:
        yield from ()

    per_key = rule("GEN010", "unset-variable", severity=Severity.WARNING)(noop)
    per_transport = rule("GEN020", "port-mismatch", severity=Severity.ERROR, scope=Scope.TRANSPORT)(
        noop
    )
    app_rule = rule(
        "ACM010", "acme", severity=Severity.ERROR, app="acme", supersedes=("GEN010", "GEN020")
    )(noop)
    where = Location(COMPOSE, 1)

    def f(code: str, key: str) -> Finding:
        return Finding(code, "n", Severity.ERROR, "m", where, key=key)

    found = [
        f("ACM010", "smtp[0].port"),
        f("GEN010", "smtp[0].port"),  # same key: redundant
        f("GEN010", "SMTP_HOST"),  # another key: kept
        f("GEN020", "smtp[0].tls_type"),  # same transport: redundant
        f("GEN020", "smtp[1].port"),  # another server: kept
    ]
    kept = _drop_superseded(found, [per_key, per_transport, app_rule])
    assert [(x.code, x.key) for x in kept] == [
        ("ACM010", "smtp[0].port"),
        ("GEN010", "SMTP_HOST"),
        ("GEN020", "smtp[1].port"),
    ]
