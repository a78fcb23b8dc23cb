"""mail-lint: lint the mail configuration of self-hosted apps before deployment.

The public API for plugins is what this module exports (``__all__``); everything else is
internal and may change.
"""

from __future__ import annotations

#: ``typing`` is not imported: ``mail-lint --version`` would pay ~5 ms for it.
TYPE_CHECKING = False

__version__ = "0.1.0"

# The exports are loaded on first use (PEP 562), so ``mail-lint --version`` and the CLI's
# start-up do not pay for modules a run does not need.
_EXPORTS = {
    "address_of": "addresses",
    "ip_address": "addresses",
    "AppSpec": "apps",
    "DotenvDialect": "apps",
    "FileFormat": "apps",
    "ImageRef": "apps",
    "SettingsFile": "apps",
    "Version": "apps",
    "AppInstance": "instance",
    "LoadedFile": "instance",
    "Location": "model",
    "Setting": "model",
    "Settings": "model",
    "SourceKind": "model",
    "Finding": "rules",
    "Rule": "rules",
    "RuleContext": "rules",
    "Scope": "rules",
    "Severity": "rules",
    "rule": "rules",
    "Field": "transport",
    "TlsMode": "transport",
    "Transport": "transport",
    "TransportKind": "transport",
    "hookimpl": "hookspecs",
    "is_secret_key": "secrets",
    "shape": "secrets",
}

if TYPE_CHECKING:
    from typing import Any

    from mail_lint.addresses import address_of, ip_address
    from mail_lint.apps import AppSpec, DotenvDialect, FileFormat, ImageRef, SettingsFile, Version
    from mail_lint.hookspecs import hookimpl
    from mail_lint.instance import AppInstance, LoadedFile
    from mail_lint.model import Location, Setting, Settings, SourceKind
    from mail_lint.rules import Finding, Rule, RuleContext, Scope, Severity, rule
    from mail_lint.secrets import is_secret_key, shape
    from mail_lint.transport import Field, TlsMode, Transport, TransportKind


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'mail_lint' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"mail_lint.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "AppInstance",
    "AppSpec",
    "DotenvDialect",
    "Field",
    "FileFormat",
    "Finding",
    "ImageRef",
    "LoadedFile",
    "Location",
    "Rule",
    "RuleContext",
    "Scope",
    "Setting",
    "Settings",
    "SettingsFile",
    "Severity",
    "SourceKind",
    "TlsMode",
    "Transport",
    "TransportKind",
    "Version",
    "__version__",
    "address_of",
    "hookimpl",
    "ip_address",
    "is_secret_key",
    "rule",
    "shape",
]
