"""mail-lint plugin for Docmost (``docmost/docmost`` image, Docmost's ``/app/.env``).

Facts: ``shared/reference/apps-bookstack-docmost.md`` §2 (Docmost 0.95.0
``environment.service.ts``, ``environment.validation.ts``, ``mail.provider.ts``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from mail_lint import AppSpec, DotenvDialect, FileFormat, SettingsFile, hookimpl

if TYPE_CHECKING:
    from mail_lint import AppInstance, Rule, Transport

APP = AppSpec(
    name="docmost",
    title="Docmost",
    code_prefix="DOC",
    images=("docmost/docmost", "docker.io/docmost/docmost"),
    distinctive_keys=("APP_SECRET", "APP_URL", "DATABASE_URL", "REDIS_URL", "MAIL_DRIVER"),
    min_distinctive=3,
    settings_files=(
        SettingsFile(
            patterns=(".env", ".env.*", "*.env", "*.env.*"),
            format=FileFormat.DOTENV,
            dialect=DotenvDialect.NODE,
            container_paths=("/app/.env",),
            detect_keys=(
                "APP_SECRET",
                "DATABASE_URL",
                "REDIS_URL",
                "SMTP_HOST",
                "MAIL_DRIVER",
                "POSTMARK_TOKEN",
                "SMTP_SECURE",
                "SMTP_IGNORETLS",
            ),
            min_keys=3,
        ),
    ),
    keys=(
        "APP_URL",
        "APP_SECRET",
        "DATABASE_URL",
        "REDIS_URL",
        "MAIL_DRIVER",
        "MAIL_FROM_ADDRESS",
        "MAIL_FROM_NAME",
        "SMTP_HOST",
        "SMTP_PORT",
        "SMTP_USERNAME",
        "SMTP_PASSWORD",
        "SMTP_SECURE",
        "SMTP_IGNORETLS",
        "POSTMARK_TOKEN",
        "MAIL_BLOCKED_RECIPIENT_DOMAINS",
    ),
    secret_keys=("APP_SECRET", "SMTP_PASSWORD", "POSTMARK_TOKEN", "DATABASE_URL", "REDIS_URL"),
)


@hookimpl
def mail_lint_apps() -> Sequence[AppSpec]:
    """Docmost."""
    return [APP]


@hookimpl
def mail_lint_interpret(instance: AppInstance) -> Sequence[Transport] | None:
    """Docmost's one transport, read as Docmost 0.95 (or the image's version) reads it."""
    if instance.app.name != APP.name:
        return None
    from mail_lint.plugins.docmost.transport import interpret

    return interpret(instance)


@hookimpl
def mail_lint_rules(app: str | None) -> Sequence[Rule]:
    """Docmost's rules (``DOC``). Imported only when docmost is linted."""
    if app not in (None, APP.name):
        return ()
    from mail_lint.plugins.docmost.rules import RULES

    return RULES
