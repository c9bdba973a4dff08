"""Runs the offline matcher over many notes, on every core when that pays.

The matcher is pure Python, so one process uses one core: 10,000 notes take about two
seconds of it. For a large run the notes are split into chunks that forked worker
processes match; a fork shares the parent's built matcher (no rebuild, no pickling of
it), and the workers send back plain :class:`Match` lists, in order, so the result is the
one a single process gives.

Forking is used only where it is safe and the default: on Linux, from a process with no
other thread running (the TUI maps in a thread, so it matches in one process), and for at
least :data:`MIN_PARALLEL` notes (below that, starting workers costs more than it saves).
Workers ignore Ctrl-C: the parent gets it and stops them, so one interrupt prints one
message, not a traceback per worker. A worker dies with its parent (Linux's parent-death
signal), and a worker that dies (killed, out of memory) is a plain error, not a hang: the
pool is ``concurrent.futures``' process pool, which notices a lost worker.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Generator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING

from feedback_writer.errors import FeedbackWriterError

if TYPE_CHECKING:
    from feedback_writer.mapping.matcher import Match, Matcher

MIN_PARALLEL = 2_000
"""Notes below which a run stays in one process."""

CHUNK = 250
"""Notes per task: small enough for even shares and steady progress, large enough that a
task's overhead (one pickled answer) is noise."""

_MATCHER: Matcher | None = None
"""The matcher a forked worker uses: set in the parent just before the fork."""
_TOP_K = 5


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on every platform
        return os.cpu_count() or 1


def can_fork() -> bool:
    """Whether worker processes may be forked here: Linux (elsewhere fork is not the safe
    default), and no other thread running (a fork copies only the calling thread, so a
    lock another thread holds would stay held in the child)."""
    return (
        sys.platform.startswith("linux")
        and "fork" in multiprocessing.get_all_start_methods()
        and threading.active_count() == 1
    )


def workers_for(notes: int, jobs: int | None) -> int:
    """How many processes to match ``notes`` with: ``jobs`` if given (1: no workers), else
    one per core for a large run where forking is safe; never more than the chunks."""
    if jobs is None:
        if notes < MIN_PARALLEL or not can_fork():
            return 1
        jobs = cores()
    if jobs < 1:
        raise ValueError(f"jobs must be at least 1 (got {jobs})")
    if jobs > 1 and not can_fork():
        return 1
    return max(1, min(jobs, -(-notes // CHUNK)))


def match_chunks(
    matcher: Matcher, texts: Sequence[str], top_k: int, *, jobs: int | None = None
) -> Generator[list[list[Match]], None, None]:
    """``matcher.match(text, top_k)`` for each text, in order, a chunk (:data:`CHUNK`
    texts) at a time, in ``workers_for`` processes: a caller stores each chunk while the
    workers match the next. The workers start at the first ``next()``; closing the
    iterator stops them."""
    chunks = [texts[i : i + CHUNK] for i in range(0, len(texts), CHUNK)]
    workers = workers_for(len(texts), jobs)
    if workers <= 1:
        for chunk in chunks:
            yield [matcher.match(text, top_k) for text in chunk]
        return
    global _MATCHER, _TOP_K
    _MATCHER, _TOP_K = matcher, top_k
    # Objects frozen before the fork are left alone by the collector, so the children do
    # not copy every page of the matcher's tables by scanning them.
    gc.freeze()
    pool = ProcessPoolExecutor(
        workers, mp_context=multiprocessing.get_context("fork"), initializer=_start_worker
    )
    try:
        # With fork, every worker starts at the first submit, before the pool's threads.
        parts = pool.map(_match_chunk, chunks)
    finally:
        gc.unfreeze()
        _MATCHER = None
    try:
        yield from parts
    except BrokenProcessPool as exc:  # a worker died: killed, out of memory
        raise WorkerDied(
            "a process matching the notes died before it finished (killed, or out of "
            "memory?); nothing was stored",
            hint="run the command again, or with --jobs 1 to match in one process",
        ) from exc
    finally:
        # Normally all is done; after an error or Ctrl-C, queued chunks are dropped and
        # the few being matched are waited for (a fraction of a second).
        pool.shutdown(wait=True, cancel_futures=True)


class WorkerDied(FeedbackWriterError):
    """A matcher worker process ended without answering."""


_PR_SET_PDEATHSIG = 1


def _start_worker() -> None:
    """In each worker: Ctrl-C is the parent's to handle, and the worker dies with its
    parent: a SIGKILLed ``map`` leaves no process behind (a pool worker whose parent is
    gone would wait for work forever)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = os.getppid()
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL) != 0:
            raise OSError(ctypes.get_errno(), "prctl")
    except (OSError, AttributeError):  # no parent-death signal here: watch instead
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    if os.getppid() != parent:  # the parent died before the signal was set
        os._exit(1)


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def _match_chunk(chunk: Sequence[str]) -> list[list[Match]]:
    matcher = _MATCHER
    assert matcher is not None, "a worker forked without its matcher"
    return [matcher.match(text, _TOP_K) for text in chunk]
