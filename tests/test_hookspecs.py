"""Every hook is documented, typed, and named in the README."""

from __future__ import annotations

import inspect

from mail_lint import hookspecs
from support import REPO


def _hooks() -> list[tuple[str, object]]:
    return [(n, f) for n, f in vars(hookspecs).items() if n.startswith("mail_lint_")]


def test_there_are_the_three_hooks() -> None:
    assert [n for n, _ in _hooks()] == [
        "mail_lint_apps",
        "mail_lint_interpret",
        "mail_lint_rules",
    ]


def test_every_hook_is_documented_and_typed() -> None:
    readme = (REPO / "README.md").read_text()
    for name, function in _hooks():
        assert callable(function)
        doc = inspect.getdoc(function) or ""
        assert len(doc.split()) > 15, f"{name} needs a real docstring"
        signature = inspect.signature(function)
        assert signature.return_annotation is not inspect.Signature.empty, name
        for parameter in signature.parameters.values():
            assert parameter.annotation is not inspect.Parameter.empty, (name, parameter)
        assert f"`{name}(" in readme, f"README does not mention {name}"
