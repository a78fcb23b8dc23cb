"""One exception hierarchy; every message names the file, rule or plugin concerned."""

from __future__ import annotations

from mail_lint.model import Location


class MailLintError(Exception):
    """Base class of every error mail-lint reports to the user (exit code 2)."""


class UsageError(MailLintError):
    """A command line that cannot be carried out (a path that does not exist, a bad flag)."""


class SourceError(MailLintError):
    """A file that cannot be read or parsed, at a position.

    The loaders raise it; the engine turns it into an ``ML`` finding and goes on.
    """

    def __init__(self, message: str, location: Location, *, code: str = "ML001") -> None:
        super().__init__(message)
        self.message = message
        self.location = location
        self.code = code

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


class PluginLoadError(MailLintError):
    """A plugin's entry point that cannot be imported or registered."""


class PluginConflictError(MailLintError):
    """Two distributions claim one plugin name (or one rule code)."""


class PluginCrashError(MailLintError):
    """A plugin hook or rule raised while linting a file."""

    def __init__(self, plugin: str, what: str, path: str | None, exc: BaseException) -> None:
        where = f" on {path}" if path else ""
        super().__init__(f"plugin {plugin!r} crashed in {what}{where}: {type(exc).__name__}: {exc}")
        self.plugin = plugin
        self.what = what
        self.path = path
        self.exc = exc
