"""An app instance: one detected app (a compose service or a standalone settings file)."""

import functools
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, TypeVar

from mail_lint.apps import AppSpec, SettingsFile, Version
from mail_lint.model import Setting, Settings

if TYPE_CHECKING:
    from mail_lint.compose import ComposeProject, Service

_T = TypeVar("_T")


class LoadedFile(NamedTuple):
    """A settings file the instance reads, loaded with positions."""

    path: Path
    spec: SettingsFile
    settings: Settings


class AppInstance(NamedTuple):
    """One instance of an app, with everything that configures it."""

    app: AppSpec
    #: The version the image tag (or a pin) names; ``None`` for ``latest`` or unknown.
    version: Version | None
    #: The container environment (empty for a standalone settings file).
    environment: Settings
    #: Settings files the app reads: bind-mounted into the service, or the standalone file.
    files: tuple[LoadedFile, ...]
    #: The file that defines the instance (the compose file, or the standalone file).
    path: Path
    #: The compose service, when the instance is one.
    service: "Service | None" = None
    project: "ComposeProject | None" = None
    #: The image reference as a setting, when the instance is a compose service.
    image: Setting | None = None

    @property
    def service_name(self) -> str | None:
        """The compose service name, ``None`` for a standalone file."""
        return None if self.service is None else self.service.name

    def setting(self, key: str) -> Setting | None:
        """A key from the environment, else from the first settings file that has it."""
        found = self.environment.get(key)
        if found is not None:
            return found
        for loaded in self.files:
            found = loaded.settings.get(key)
            if found is not None:
                return found
        return None


def per_instance(function: Callable[[AppInstance], _T]) -> Callable[[AppInstance], _T]:
    """Remember what ``function`` (pure, its result immutable) returned for the instance it
    was last called with.

    The engine interprets an instance and runs all its rules before the next one, and a
    plugin's rules each ask for the same derived view (BookStack's SMTP settings, Listmonk's
    servers): one entry, matched by identity, computes it once per instance. The entry holds
    the instance itself, so its identity cannot be reused by another object meanwhile.
    """
    last: list[tuple[AppInstance, _T]] = []

    @functools.wraps(function)
    def remembered(instance: AppInstance) -> _T:
        if last and last[0][0] is instance:
            return last[0][1]
        result = function(instance)
        last[:] = [(instance, result)]
        return result

    return remembered
