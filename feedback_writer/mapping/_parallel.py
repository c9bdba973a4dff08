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
message, not a traceback per worker.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Generator, Sequence
from typing import TYPE_CHECKING

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


def match_all(
    matcher: Matcher,
    texts: Sequence[str],
    top_k: int,
    *,
    jobs: int | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> list[list[Match]]:
    """``matcher.match(text, top_k)`` for each text, in order, in ``workers_for`` processes;
    ``on_progress(done, total)`` after each chunk."""
    results: list[list[Match]] = []
    for part in match_chunks(matcher, texts, top_k, jobs=jobs):
        results.extend(part)
        if on_progress is not None:
            on_progress(len(results), len(texts))
    return results


def match_chunks(
    matcher: Matcher, texts: Sequence[str], top_k: int, *, jobs: int | None = None
) -> Generator[list[list[Match]], None, None]:
    """:func:`match_all` a chunk at a time (:data:`CHUNK` texts, in order), for a caller
    that stores each while the workers match the next. The workers start at the first
    ``next()``; closing the iterator stops them."""
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
    try:
        pool = multiprocessing.get_context("fork").Pool(workers, initializer=_ignore_interrupt)
    finally:
        gc.unfreeze()
        _MATCHER = None
    with pool:  # leaving it (an error, Ctrl-C) terminates the workers
        yield from pool.imap(_match_chunk, chunks)


def _ignore_interrupt() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _match_chunk(chunk: Sequence[str]) -> list[list[Match]]:
    matcher = _MATCHER
    assert matcher is not None, "a worker forked without its matcher"
    return [matcher.match(text, _TOP_K) for text in chunk]
