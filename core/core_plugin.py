"""Core's own hook implementations: the rules every app shares (``ML`` engine rules and the
generic ``SMTP`` transport rules). Registered directly by the host, never through an entry
point, so they cannot be disabled or shadowed."""

from __future__ import annotations

from collections.abc import Sequence

from mail_lint import engine_rules
from mail_lint.hookspecs import hookimpl
from mail_lint.rules import Rule


@hookimpl
def mail_lint_rules(app: str | None) -> Sequence[Rule]:
    """The engine's own rules and the generic SMTP rules (imported when first asked for)."""
    from mail_lint import smtp_rules

    return (*engine_rules.RULES, *smtp_rules.RULES)
