"""mail-lint plugin for Listmonk (compose, ``config.toml`` and the settings export).

Facts: ``shared/reference/apps-plausible-listmonk.md`` Part B (``cmd/main.go``,
``models/settings.go``, ``schema.sql``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from mail_lint import AppSpec, FileFormat, SettingsFile, hookimpl

if TYPE_CHECKING:
    from mail_lint import AppInstance, Rule, Transport

APP = AppSpec(
    name="listmonk",
    title="Listmonk",
    code_prefix="LMK",
    images=("listmonk/listmonk", "ghcr.io/knadh/listmonk"),
    distinctive_keys=("LISTMONK_app__address", "LISTMONK_db__host", "LISTMONK_ADMIN_USER"),
    min_distinctive=2,
    settings_files=(
        SettingsFile(
            patterns=("*.toml", "*.toml.sample"),
            format=FileFormat.TOML,
            container_paths=("/listmonk/config.toml",),
            detect_keys=("app.address", "db.host", "db.database", "app.root_url"),
            min_keys=2,
        ),
        # The settings export of GET /api/settings, under any name: found by its shape.
        SettingsFile(
            patterns=("*.json",),
            format=FileFormat.JSON,
            detect_keys=("app.root_url", "app.from_email", "smtp", "app.send_optin_confirmation"),
            min_keys=2,
        ),
    ),
    keys=(
        "app.address",
        "app.root_url",
        "app.from_email",
        "app.send_optin_confirmation",
        "app.show_optin_page",
        "app.notify_emails",
        "privacy.unsubscribe_header",
        "smtp",
        "db.host",
        "db.port",
        "db.user",
        "db.password",
        "db.database",
        "db.ssl_mode",
    ),
    secret_keys=("db.password", "LISTMONK_db__password", "LISTMONK_ADMIN_PASSWORD"),
)


@hookimpl
def mail_lint_apps() -> Sequence[AppSpec]:
    """Listmonk."""
    return [APP]


@hookimpl
def mail_lint_interpret(instance: AppInstance) -> Sequence[Transport] | None:
    """One transport per enabled ``smtp[]`` server of a settings export."""
    if instance.app.name != APP.name:
        return None
    from mail_lint.plugins.listmonk.transport import interpret

    return interpret(instance)


@hookimpl
def mail_lint_rules(app: str | None) -> Sequence[Rule]:
    """Listmonk's rules (``LMK``). Imported only when listmonk is linted."""
    if app not in (None, APP.name):
        return ()
    from mail_lint.plugins.listmonk.rules import RULES

    return RULES
