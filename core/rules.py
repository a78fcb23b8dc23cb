"""The rule API: a rule is a documented function with a stable code, a name and a severity.

```python
@rule("BKS001", "queue-without-worker", severity=Severity.ERROR, app="bookstack")
def queue_without_worker(ctx: RuleContext) -> Iterator[Finding]:
    \"\"\"## What it does ... (ruff's headings)\"\"\"
    ...
    yield ctx.finding("...", at=setting)
```

There is no global registry: a plugin lists its rules explicitly and returns them from its
``mail_lint_rules`` hook.
"""

import enum
import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, NamedTuple

from mail_lint.model import Location, Setting

if TYPE_CHECKING:
    from mail_lint.instance import AppInstance
    from mail_lint.transport import Transport


class Severity(enum.StrEnum):
    """How bad a finding is. ``error``: mail will not be sent or the app will not start;
    ``warning``: likely failure or leak; ``info``: worth knowing."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """Higher is worse."""
        return {"info": 0, "warning": 1, "error": 2}[self.value]


class Scope(enum.StrEnum):
    """What a rule judges, and so how often it runs."""

    #: Once per app instance.
    INSTANCE = "instance"
    #: Once per ``Transport`` of each app instance.
    TRANSPORT = "transport"
    #: Reported by the engine itself (files that cannot be read or parsed); never called.
    ENGINE = "engine"


class Finding(NamedTuple):
    """One problem, at the place a person must change."""

    code: str
    name: str
    severity: Severity
    message: str
    location: Location | None
    key: str | None = None
    app: str | None = None
    service: str | None = None
    #: The interpolation chain: where the value is written, then where its text came from.
    origin: tuple[Location, ...] = ()
    fix: str | None = None

    def sort_key(self) -> tuple[str, int, int, str]:
        """Order by file, line, column, code."""
        loc = self.location
        if loc is None:
            return ("", 0, 0, self.code)
        return (str(loc.path), loc.line, loc.column, self.code)


class RuleContext(NamedTuple):
    """What a rule's check receives: the instance, the transport (for transport rules)."""

    rule: "Rule"
    instance: "AppInstance"
    transport: "Transport | None" = None

    def finding(
        self,
        message: str,
        *,
        at: Setting | Location | None = None,
        key: str | None = None,
        fix: str | None = None,
    ) -> Finding:
        """A finding of this rule about ``at`` (a setting, or a bare location).

        For a setting, the finding points at :attr:`Setting.blame` (the line to change) and
        carries the interpolation chain; ``key`` defaults to the setting's key. With no
        ``at`` it points at the file that defines the instance.
        """
        origin: tuple[Location, ...] = ()
        if isinstance(at, Setting):
            location = at.blame
            key = key if key is not None else at.key
            if at.origin and at.location is not None:
                origin = (at.location, *at.origin)
        elif isinstance(at, Location):
            location = at
        elif self.instance.service is not None:
            location = self.instance.service.location
        else:
            location = Location(self.instance.path, 1, 1)
        return Finding(
            code=self.rule.code,
            name=self.rule.name,
            severity=self.rule.severity,
            message=message,
            location=location,
            key=key,
            app=self.instance.app.name,
            service=self.instance.service_name,
            origin=origin,
            fix=fix,
        )


Check = Callable[[RuleContext], Iterable[Finding]]

# Only the definition checks use these (tests, `mail-lint rules`): compiled on first use.
_CODE = r"^[A-Z]{2,5}[0-9]{3}$"
_NAME = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
_REQUIRED_HEADINGS = ("## What it does", "## Why is this bad?", "## Example")


class Rule(NamedTuple):
    """A lint rule: stable code, kebab-case name (reads as "ignore <name>"), default
    severity, the app it applies to (``None``: every app), its scope and its doc."""

    code: str
    name: str
    severity: Severity
    check: Check
    app: str | None = None
    scope: Scope = Scope.INSTANCE
    doc: str = ""
    #: Codes of generic rules this rule makes redundant: when it fires on an app instance,
    #: their findings on that instance are dropped (``DOC005`` says in Docmost's own terms
    #: what a generic port/TLS rule would say).
    supersedes: tuple[str, ...] = ()

    @property
    def summary(self) -> str:
        """The first sentence under "What it does"."""
        lines = self.doc.split("## What it does", 1)[-1].strip().split("\n\n", 1)[0]
        return " ".join(lines.split())

    def problems(self) -> list[str]:
        """What is wrong with this rule's definition (empty when it is well formed)."""
        found = []
        if not re.match(_CODE, self.code):
            found.append(f"code {self.code!r} is not PREFIX + three digits")
        if not re.match(_NAME, self.name):
            found.append(f"name {self.name!r} is not kebab-case")
        found += [f"doc lacks {h!r}" for h in _REQUIRED_HEADINGS if h not in self.doc]
        if "Use instead" not in self.doc:
            found.append("doc lacks 'Use instead:'")
        if "## References" not in self.doc:
            found.append("doc lacks '## References'")
        return found


def rule(
    code: str,
    name: str,
    *,
    severity: Severity,
    app: str | None = None,
    scope: Scope = Scope.INSTANCE,
    supersedes: tuple[str, ...] = (),
) -> Callable[[Check], Rule]:
    """Turn a documented check function into a :class:`Rule` (its docstring is the doc)."""

    def wrap(check: Check) -> Rule:
        doc = _dedent(check.__doc__ or "")
        return Rule(
            code, name, severity, check, app=app, scope=scope, doc=doc, supersedes=supersedes
        )

    return wrap


def _dedent(doc: str) -> str:
    # pluggy imports inspect already: this costs nothing at start-up.
    import inspect

    return inspect.cleandoc(doc)
