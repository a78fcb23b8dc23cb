"""The hooks a mail-lint plugin implements.

Built-in and third-party plugins are alike: each is a module registered through the
``mail_lint`` entry-point group whose ``@hookimpl`` functions implement some of these hooks.
Hooks are always called with keyword arguments; an implementation may accept a subset of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from mail_lint.apps import AppSpec
    from mail_lint.instance import AppInstance
    from mail_lint.rules import Rule
    from mail_lint.transport import Transport

hookspec = pluggy.HookspecMarker("mail_lint")
#: Marker for plugin hook implementations: ``@hookimpl def mail_lint_apps(): ...``.
hookimpl = pluggy.HookimplMarker("mail_lint")


@hookspec
def mail_lint_apps() -> Sequence[AppSpec]:
    """Describe the apps this plugin knows: images, distinctive keys, settings files (with
    their format and dotenv dialect), the keys each app reads and which are secret.

    Called once per run; the results of all plugins are collected. An app name or rule-code
    prefix claimed by two plugins is an error.
    """
    raise NotImplementedError


@hookspec(firstresult=True)
def mail_lint_interpret(instance: AppInstance) -> Sequence[Transport] | None:
    """Return how ``instance`` will really send mail: one :class:`Transport` per outgoing
    connection (usually one; Listmonk has one per enabled SMTP server; none when mail is off).

    Return ``None`` when the instance's app is not this plugin's, so the app's own plugin
    answers. Apply the app's exact value parsing and its defaults for ``instance.version``.

    Stops at the first non-``None`` result.

    :param instance: the detected app instance, with its environment and settings files.
    """
    raise NotImplementedError


@hookspec
def mail_lint_rules(app: str | None) -> Sequence[Rule]:
    """Return the rules this plugin contributes that judge instances of ``app``; each names
    the app it applies to (``Rule.app``), or ``None`` to judge every app. A plugin may add
    rules for an app another plugin describes. Codes must be unique across all plugins.

    Called lazily, once per app that appears in a run, so a plugin can import its rule
    modules only when they are needed; ``app`` is ``None`` when every rule is asked for
    (``mail-lint rules``). An implementation may ignore ``app`` (or not accept it) and return
    all its rules: the host keeps those for ``app`` and the generic ones.

    :param app: the app slug (``AppSpec.name``), or ``None`` for every rule.
    """
    raise NotImplementedError
