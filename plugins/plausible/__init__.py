"""mail-lint plugin for Plausible Community Edition.

Facts: ``shared/reference/apps-plausible-listmonk.md`` Part A (``config/runtime.exs`` of
v2.0, v2.1.x and v3).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from mail_lint import AppSpec, hookimpl

if TYPE_CHECKING:
    from mail_lint import AppInstance, Rule, Transport

APP = AppSpec(
    name="plausible",
    title="Plausible CE",
    code_prefix="PLA",
    images=("plausible/analytics", "ghcr.io/plausible/community-edition"),
    distinctive_keys=(
        "BASE_URL",
        "SECRET_KEY_BASE",
        "CLICKHOUSE_DATABASE_URL",
        "TOTP_VAULT_KEY",
        "MAILER_ADAPTER",
        "SMTP_HOST_ADDR",
        "SMTP_USER_PWD",
    ),
    min_distinctive=3,
    keys=(
        "BASE_URL",
        "SECRET_KEY_BASE",
        "MAILER_ADAPTER",
        "MAILER_EMAIL",
        "MAILER_NAME",
        "SMTP_HOST_ADDR",
        "SMTP_HOST_PORT",
        "SMTP_USER_NAME",
        "SMTP_USER_PWD",
        "SMTP_HOST_SSL_ENABLED",
        "SMTP_RETRIES",
        "SMTP_MX_LOOKUPS_ENABLED",
        "SMTP_MIDDLEBOX_COMP_MODE",
        "POSTMARK_API_KEY",
        "MAILGUN_API_KEY",
        "MAILGUN_DOMAIN",
        "MAILGUN_BASE_URI",
        "MANDRILL_API_KEY",
        "SENDGRID_API_KEY",
        "ENABLE_EMAIL_VERIFICATION",
        "DISABLE_REGISTRATION",
        "CONFIG_DIR",
    ),
    secret_keys=(
        "SECRET_KEY_BASE",
        "TOTP_VAULT_KEY",
        "SMTP_USER_PWD",
        "POSTMARK_API_KEY",
        "MAILGUN_API_KEY",
        "MANDRILL_API_KEY",
        "SENDGRID_API_KEY",
        "DATABASE_URL",
        "CLICKHOUSE_DATABASE_URL",
    ),
)


@hookimpl
def mail_lint_apps() -> Sequence[AppSpec]:
    """Plausible CE."""
    return [APP]


@hookimpl
def mail_lint_interpret(instance: AppInstance) -> Sequence[Transport] | None:
    """Plausible's one mail transport, per version (see :mod:`.transport`)."""
    if instance.app.name != APP.name:
        return None
    from .transport import interpret

    return interpret(instance)


@hookimpl
def mail_lint_rules(app: str | None) -> Sequence[Rule]:
    """The ``PLA`` rules. Imported only when plausible is linted."""
    if app not in (None, APP.name):
        return ()
    from .rules import RULES

    return RULES
