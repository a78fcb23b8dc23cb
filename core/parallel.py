"""Lint a large run on several cores.

Projects are independent: each worker process lints a share of them and sends back what it
found (:class:`mail_lint.engine.Partial`): findings, the files it read and the settings the
parent's scrubber must know. Workers are forked, so they start with the plugins already
loaded and nothing is imported or registered twice; where ``fork`` does not exist (Windows,
and macOS where it is unsafe) the run stays in one process.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mail_lint.discover import ComposeTarget, FileTarget
    from mail_lint.engine import Partial, _Run

#: Below this many projects and files a run stays in one process: forking and sending the
#: results back costs more than it saves (one project takes ~2 ms to lint).
MIN_PARALLEL = 24
#: Work is handed out in chunks of about this many targets, so that a worker that drew
#: large projects does not keep the other one waiting at the end.
CHUNK = 16

#: The run a forked worker lints for; set in the worker only, by :func:`_adopt`.
_run: _Run | None = None


def worker_count(requested: int | None, targets: int) -> int:
    """How many processes lint ``targets`` projects and files: ``requested`` if given
    (``--jobs``), else one per usable core when the run is large enough to gain from it."""
    if requested is not None:
        return max(1, min(requested, targets))
    if targets < MIN_PARALLEL or not _can_fork():
        return 1
    return max(1, min(len(os.sched_getaffinity(0)), targets // CHUNK))


def _can_fork() -> bool:
    return sys.platform == "linux" and hasattr(os, "sched_getaffinity")


def lint_in_workers(
    run: _Run, targets: Sequence[ComposeTarget | FileTarget], jobs: int
) -> Iterator[Partial]:
    """Lint ``targets`` in ``jobs`` forked processes; each chunk's result, in order, as it
    comes (the caller absorbs one before the next arrives)."""
    if not targets:
        return
    import gc
    import multiprocessing

    chunks = [targets[i : i + CHUNK] for i in range(0, len(targets), CHUNK)]
    context = multiprocessing.get_context("fork")
    # What the parent holds now is never collected in a worker: a collection writes to
    # every object it visits, which would copy the parent's pages into each worker.
    gc.freeze()
    try:
        with context.Pool(jobs, initializer=_adopt, initargs=(run,)) as pool:
            yield from pool.imap(_lint_chunk, chunks, chunksize=1)
    finally:
        gc.unfreeze()


def _adopt(run: _Run) -> None:
    global _run
    _run = run


def _lint_chunk(chunk: Sequence[ComposeTarget | FileTarget]) -> Partial:
    assert _run is not None, "a worker lints only after _adopt"
    part = _run.part()
    part.lint(chunk)
    return part.partial()
