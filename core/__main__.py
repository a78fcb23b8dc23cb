"""``python -m mail_lint``: the console script's entry, :func:`mail_lint.console.main`."""

from __future__ import annotations

from mail_lint.console import main

raise SystemExit(main())
