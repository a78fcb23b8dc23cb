"""mail-lint plugin for BookStack (linuxserver and solidnerd images, BookStack's own ``.env``).

Facts: ``shared/reference/apps-bookstack-docmost.md`` §1 (BookStack v24.10 ``app/Config/mail.php``,
``queue.php``, ``app.php``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from mail_lint import AppSpec, DotenvDialect, FileFormat, SettingsFile, hookimpl

if TYPE_CHECKING:
    from mail_lint import AppInstance, Rule, Transport

APP = AppSpec(
    name="bookstack",
    title="BookStack",
    code_prefix="BKS",
    images=(
        "lscr.io/linuxserver/bookstack",
        "linuxserver/bookstack",
        "ghcr.io/linuxserver/bookstack",
        "solidnerd/bookstack",
    ),
    distinctive_keys=("APP_URL", "APP_KEY", "DB_HOST", "DB_DATABASE", "MAIL_DRIVER", "MAIL_FROM"),
    min_distinctive=4,
    settings_files=(
        SettingsFile(
            patterns=(".env", ".env.*", "*.env", "*.env.*"),
            format=FileFormat.DOTENV,
            dialect=DotenvDialect.LARAVEL,
            # linuxserver keeps the app's .env in its /config volume.
            container_paths=("/config/www/.env", "/app/www/.env", "/var/www/bookstack/.env"),
            detect_keys=(
                "APP_KEY",
                "APP_URL",
                "DB_DATABASE",
                "MAIL_DRIVER",
                "MAIL_FROM",
                "MAIL_VERIFY_SSL",
                "MAIL_ENCRYPTION",
            ),
            min_keys=3,
        ),
    ),
    keys=(
        "APP_URL",
        "APP_KEY",
        "MAIL_DRIVER",
        "MAIL_FROM",
        "MAIL_FROM_NAME",
        "MAIL_HOST",
        "MAIL_PORT",
        "MAIL_USERNAME",
        "MAIL_PASSWORD",
        "MAIL_ENCRYPTION",
        "MAIL_VERIFY_SSL",
        "MAIL_EHLO_DOMAIN",
        "MAIL_SENDMAIL_COMMAND",
        "MAIL_LOG_CHANNEL",
        "QUEUE_CONNECTION",
        "REDIS_QUEUE",
        "REDIS_SERVERS",
    ),
    secret_keys=("APP_KEY", "MAIL_PASSWORD", "DB_PASSWORD", "DB_PASS"),
    # Laravel's Env removes matching outer quotes: `- MAIL_FROM_NAME="X"` is harmless.
    unquotes_environment=True,
)


@hookimpl
def mail_lint_apps() -> Sequence[AppSpec]:
    """BookStack."""
    return [APP]


@hookimpl
def mail_lint_interpret(instance: AppInstance) -> Sequence[Transport] | None:
    """BookStack's one transport, read as this BookStack version (or the latest) reads it."""
    if instance.app.name != APP.name:
        return None
    from mail_lint.plugins.bookstack.transport import interpret

    return interpret(instance)


@hookimpl
def mail_lint_rules(app: str | None) -> Sequence[Rule]:
    """BookStack's rules (``BKS``). Imported only when bookstack is linted."""
    if app not in (None, APP.name):
        return ()
    from mail_lint.plugins.bookstack.rules import RULES

    return RULES
