"""The engine's own rules (prefix ``ML``): files that cannot be read or parsed, crashes, and
unused suppressions.

The engine reports these itself, so their checks are never called; they exist so that every
code a user can see has a name, a severity and a doc (``mail-lint rule ML001``).
"""

from __future__ import annotations

from collections.abc import Iterator

from mail_lint.rules import Finding, RuleContext, Scope, Severity, rule


@rule("ML001", "parse-error", severity=Severity.ERROR, scope=Scope.ENGINE)
def parse_error(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports a file that cannot be parsed, or a Compose project that Docker Compose refuses
    to load, at the position of the problem.

    ## Why is this bad?
    Docker Compose stops on these errors (`invalid interpolation format`, a duplicate
    mapping key, `required variable … is missing a value`, a missing required `env_file`),
    so nothing is deployed; an app stops on an unparsable settings file. Other files are
    still linted.

    ## Example
    ```yaml
    services:
      app:
        environment:
          SMTP_PASSWORD: "pa${ss"
    ```

    Use instead:
    ```yaml
    services:
      app:
        environment:
          SMTP_PASSWORD: "pa$${ss"
    ```

    ## References
    - [Compose interpolation](https://docs.docker.com/compose/how-tos/environment-variables/variable-interpolation/)
    """
    yield from ()


@rule("ML002", "unreadable-file", severity=Severity.ERROR, scope=Scope.ENGINE)
def unreadable_file(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports a file mail-lint found but could not read (permissions, not a regular file,
    not text), so its settings were not checked.

    ## Why is this bad?
    A check that could not see part of the configuration cannot vouch for it; the run
    exits with code 2 so a CI gate does not pass silently.

    ## Example
    ```shell
    chmod 000 .env
    ```

    Use instead:
    ```shell
    chmod 600 .env   # readable by the user running mail-lint
    ```

    ## References
    - mail-lint's exit codes (README)
    """
    yield from ()


@rule("ML003", "plugin-error", severity=Severity.ERROR, scope=Scope.ENGINE)
def plugin_error(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports a plugin hook or rule that raised an exception while linting a file; the other
    rules still run and the run exits with code 2.

    ## Why is this bad?
    The crashed rule did not check anything, so its silence means nothing.

    ## Example
    ```text
    ML003 plugin 'acme' crashed in rule ACM001 on docker-compose.yml: KeyError: 'x'
    ```

    Use instead:
    ```text
    (report it to the plugin's authors; run with --debug for the traceback)
    ```

    ## References
    - `mail-lint plugins` lists each plugin's distribution and version
    """
    yield from ()


@rule("ML004", "unused-suppression", severity=Severity.WARNING, scope=Scope.ENGINE)
def unused_suppression(ctx: RuleContext) -> Iterator[Finding]:
    """## What it does
    Reports a `# mail-lint: ignore[CODE] reason` (or `ignore-file[CODE]`) comment, or one of
    its codes, that suppresses no finding.

    ## Why is this bad?
    A suppression outlives the problem it was written for: once the setting is fixed, or the
    rule no longer fires there, the stale comment silently hides the next real problem of
    that code on the line (or in the file), and misleads readers about the configuration.

    ## Example
    ```yaml
    services:
      docmost:
        environment:
          SMTP_PORT: "587"  # mail-lint: ignore[DOC005] relay speaks TLS on 465
          SMTP_SECURE: "false"
    ```

    Use instead:
    ```yaml
    services:
      docmost:
        environment:
          SMTP_PORT: "587"
          SMTP_SECURE: "false"
    ```

    ## References
    - [ruff RUF100 unused-noqa](https://docs.astral.sh/ruff/rules/unused-noqa/)
    - mail-lint's README, "Suppressing findings"
    """
    yield from ()


RULES = (parse_error, unreadable_file, plugin_error, unused_suppression)
