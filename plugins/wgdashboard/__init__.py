"""mail-lint plugin for WGDashboard (``wg-dashboard.ini`` and the container's ``email_*``).

Facts: ``shared/reference/apps-wgdashboard-providers.md`` Part A (``DashboardConfig.py``,
``Email.py``, ``docker/entrypoint.sh`` per version).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from mail_lint import AppSpec, FileFormat, SettingsFile, hookimpl

if TYPE_CHECKING:
    from mail_lint import AppInstance, Rule, Transport

APP = AppSpec(
    name="wgdashboard",
    title="WGDashboard",
    code_prefix="WGD",
    images=("ghcr.io/wgdashboard/wgdashboard", "donaldzou/wgdashboard"),
    distinctive_keys=("wgd_port", "wg_autostart", "email_server", "email_encryption"),
    min_distinctive=2,
    settings_files=(
        SettingsFile(
            patterns=("wg-dashboard.ini", "wg-dashboard.ini.*"),
            format=FileFormat.INI,
            container_paths=("/data/wg-dashboard.ini", "/opt/wgdashboard/src/wg-dashboard.ini"),
        ),
    ),
    keys=(
        "Email.server",
        "Email.port",
        "Email.encryption",
        "Email.username",
        "Email.email_password",
        "Email.authentication_required",
        "Email.send_from",
        "Email.email_template",
        "email_server",
        "email_port",
        "email_encryption",
        "email_username",
        "email_password",
        "email_from",
        "email_template",
        "dynamic_config",
    ),
    secret_keys=("Email.email_password", "email_password", "Account.password", "password"),
)


@hookimpl
def mail_lint_apps() -> Sequence[AppSpec]:
    """WGDashboard."""
    return [APP]


@hookimpl
def mail_lint_interpret(instance: AppInstance) -> Sequence[Transport] | None:
    """WGDashboard's one SMTP connection, per version (see :mod:`.transport`)."""
    if instance.app.name != APP.name:
        return None
    from .transport import interpret

    return interpret(instance)


@hookimpl
def mail_lint_rules(app: str | None) -> Sequence[Rule]:
    """The ``WGD`` rules. Imported only when wgdashboard is linted."""
    if app not in (None, APP.name):
        return ()
    from .rules import RULES

    return RULES
