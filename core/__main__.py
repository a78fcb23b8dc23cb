"""``python -m mail_lint``."""

from __future__ import annotations

from mail_lint.cli import main

raise SystemExit(main())
