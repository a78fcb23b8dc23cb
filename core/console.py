"""The ``mail-lint`` console script.

``mail-lint --version`` is answered here, before the command line module (argparse, pathlib,
typing) is imported: it is what tools and humans run to check an install, and it costs only
the interpreter's own start-up. Everything else is :func:`mail_lint.cli.main`.
"""

from __future__ import annotations

import sys


def main() -> int:
    """Run the command line; return the exit code."""
    if sys.argv[1:] == ["--version"]:
        from mail_lint import __version__

        sys.stdout.write(f"mail-lint {__version__}\n")
        return 0
    from mail_lint.cli import main as cli_main

    return cli_main()
