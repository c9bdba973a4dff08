"""The offline matcher on every core (``mapping/_parallel.py``): forked workers share the
run and keep its order, give exactly what one process gives, pass errors up, stop on
Ctrl-C without a traceback or a stored row, and are not forked where that is unsafe.

Runs that fork do so in a fresh interpreter (a subprocess), never inside pytest: a fork
copies only the calling thread, and the suite may have threads of its own running."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from feedback_writer.mapping import _parallel

ROOT = Path(__file__).resolve().parents[3]
HELDOUT = ROOT / "tests" / "fixtures" / "eval" / "heldout-default.jsonl"


def _python(code: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True, text=True, timeout=timeout, cwd=ROOT,
    )  # fmt: skip


def test_workers_share_the_run_and_keep_its_order() -> None:
    proc = _python(
        """
        import json, os, time
        from feedback_writer.mapping import _parallel
        from feedback_writer.mapping.matcher import Match

        class Tagger:  # answers with the text and the process that matched it
            def match(self, text, top_k):
                time.sleep(0.002)  # long enough that one worker cannot take every chunk
                return [Match(text, str(os.getpid()), "mid", 0.5, "positive")] * top_k

        _parallel.CHUNK = 7
        texts = [f"note {i}" for i in range(100)]
        out, seen = [], []
        for part in _parallel.match_chunks(Tagger(), texts, 2, jobs=2):
            out += part
            seen.append(len(out))
        print(json.dumps({"parent": os.getpid(), "out": out, "progress": seen}))
        """
    )
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    out = result["out"]
    assert [matches[0][0] for matches in out] == [f"note {i}" for i in range(100)]
    assert all(len(matches) == 2 for matches in out)
    pids = {matches[0][1] for matches in out}
    assert len(pids) == 2 and str(result["parent"]) not in pids
    assert result["progress"] == [min(7 * k, 100) for k in range(1, 16)]


def test_a_worker_error_reaches_the_caller() -> None:
    proc = _python(
        """
        from feedback_writer.mapping import _parallel

        class Broken:
            def match(self, text, top_k):
                if text == "note 42":
                    raise ValueError("cannot read note 42")
                return []

        _parallel.CHUNK = 10
        try:
            list(_parallel.match_chunks(Broken(), [f"note {i}" for i in range(100)], 5, jobs=2))
        except ValueError as exc:
            print("caught:", exc)
        """,
        timeout=30,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "caught: cannot read note 42"


def test_a_worker_that_dies_is_an_error_not_a_hang() -> None:
    """The OOM killer, or someone's kill -9, takes a worker: the map stops with a plain
    message (multiprocessing.Pool would wait forever for the lost chunk)."""
    proc = _python(
        """
        import os, signal
        from feedback_writer.mapping import _parallel

        class Doomed:
            def match(self, text, top_k):
                if text == "note 42":
                    os.kill(os.getpid(), signal.SIGKILL)
                return []

        _parallel.CHUNK = 10
        try:
            list(_parallel.match_chunks(Doomed(), [f"note {i}" for i in range(100)], 5, jobs=2))
        except _parallel.WorkerDied as exc:
            print("stopped:", exc)
        """,
        timeout=30,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("stopped: a process matching the notes died")
    assert "--jobs 1" in proc.stdout


def test_how_many_workers() -> None:
    assert _parallel.workers_for(10, None) == 1  # a small run stays in one process
    assert _parallel.workers_for(10, 1) == 1
    assert _parallel.workers_for(10, 4) == 1  # one chunk: nothing to share
    with pytest.raises(ValueError, match="at least 1"):
        _parallel.workers_for(10, 0)


def test_more_workers_where_forking_is_safe(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_parallel, "can_fork", lambda: True)
    monkeypatch.setattr(_parallel, "cores", lambda: 4)
    assert _parallel.workers_for(_parallel.MIN_PARALLEL, None) == 4
    assert _parallel.workers_for(_parallel.MIN_PARALLEL - 1, None) == 1
    assert _parallel.workers_for(3 * _parallel.CHUNK, 8) == 3  # no more than the chunks
    monkeypatch.setattr(_parallel, "can_fork", lambda: False)
    assert _parallel.workers_for(100_000, None) == 1
    assert _parallel.workers_for(100_000, 4) == 1


def test_no_fork_while_another_thread_runs() -> None:
    """The TUI maps in a worker thread: a fork there could copy a lock another thread holds."""
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not _parallel.can_fork()
    finally:
        stop.set()
        thread.join()


def _workspace(tmp_path: Path, notes: int) -> dict[str, str]:
    """A workspace with Ana's ``notes`` notes (varied texts) and the environment for it."""
    home = tmp_path / "workspace"
    env = {
        **os.environ,
        "FEEDBACK_WRITER_HOME": str(home),
        "FEEDBACK_WRITER_CONFIG": str(tmp_path / "none.toml"),
    }
    texts = [json.loads(line)["text"] for line in HELDOUT.read_text().splitlines() if line]
    lines = [f"- {texts[i % len(texts)]} (item {i})" for i in range(notes)]
    source = tmp_path / "notes.md"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    cmd = [sys.executable, "-m", "feedback_writer", "notes", "import", "-p", "Ana", str(source)]
    subprocess.run(cmd, check=True, capture_output=True, env=env, timeout=120)
    return env


def _stored(env: dict[str, str]) -> list[tuple[object, ...]]:
    path = Path(env["FEEDBACK_WRITER_HOME"]) / "workspace.sqlite3"
    with sqlite3.connect(path) as db:
        return db.execute(
            "SELECT note_id, expectation_id, score, polarity, status FROM mappings "
            "ORDER BY note_id, expectation_id"
        ).fetchall()


def test_a_parallel_map_is_the_one_process_map(tmp_path: Path) -> None:
    env = _workspace(tmp_path, 3 * _parallel.CHUNK + 17)
    base = [sys.executable, "-m", "feedback_writer", "map", "-p", "Ana", "--offline"]
    runs = {}
    for jobs in ("1", "2"):
        proc = subprocess.run(
            [*base, "--format", "json", "--jobs", jobs],
            capture_output=True, text=True, env=env, timeout=120,
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr
        runs[jobs] = (json.loads(proc.stdout), _stored(env))
    assert runs["1"] == runs["2"]
    assert len(runs["2"][0]) == 3 * _parallel.CHUNK + 17
    assert sum(1 for r in runs["2"][0] if r["matches"]) > _parallel.CHUNK


def _children(pid: int) -> list[int]:
    try:
        found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    return [int(p) for p in found]


def _parallel_map(
    env: dict[str, str], stdout: int, *, new_session: bool = False
) -> tuple[subprocess.Popen[str], list[int]]:
    """A real ``map --jobs 2`` and its two workers, once both are seen (then 0.2 s on)."""
    cmd = [sys.executable, "-m", "feedback_writer", "map", "-p", "Ana", "--offline", "--jobs", "2"]
    proc = subprocess.Popen(
        cmd, stdout=stdout, stderr=subprocess.PIPE, text=True, env=env,
        start_new_session=new_session,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    workers: list[int] = []
    while len(workers) < 2 and proc.poll() is None and time.monotonic() < deadline:
        workers = _children(proc.pid)
        time.sleep(0.01)
    assert len(workers) == 2, "the map ended before its workers were seen"
    time.sleep(0.2)
    return proc, workers


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers are forked on Linux")
def test_ctrl_c_stops_a_parallel_map_and_stores_nothing(tmp_path: Path) -> None:
    env = _workspace(tmp_path, 8_000)
    # Its own process group, as a terminal's foreground job.
    proc, workers = _parallel_map(env, subprocess.PIPE, new_session=True)
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C sends: the whole foreground group
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 1
    assert "Aborted!" in err and "Traceback" not in err
    assert _stored(env) == []
    time.sleep(0.5)
    assert [pid for pid in workers if _state(pid) not in (None, "Z")] == []


def test_a_large_map_shows_its_progress_on_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from feedback_writer.cli import cli

    env = _workspace(tmp_path, 2 * _parallel.CHUNK + 600)
    monkeypatch.setenv("FEEDBACK_WRITER_HOME", env["FEEDBACK_WRITER_HOME"])
    monkeypatch.setenv("FEEDBACK_WRITER_CONFIG", env["FEEDBACK_WRITER_CONFIG"])
    monkeypatch.setattr("feedback_writer.cli._progress.ProgressLine.force_tty", True)
    args = ["map", "-p", "Ana", "--offline", "--format", "json", "--jobs", "1"]  # no fork here
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    total = 2 * _parallel.CHUNK + 600
    shown = [part.strip() for part in result.stderr.split("\r") if part.strip()]
    assert shown == [
        f"matching notes: {min(k * _parallel.CHUNK, total):,}/{total:,}" for k in range(1, 6)
    ]
    assert result.stderr.endswith("\n")  # the line is ended before anything else is printed
    assert len(json.loads(result.stdout)) == total

    # On a pipe, no progress line at all.
    monkeypatch.setattr("feedback_writer.cli._progress.ProgressLine.force_tty", False)
    assert "matching" not in CliRunner().invoke(cli, args).stderr


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers are forked on Linux")
def test_workers_die_with_a_killed_map(tmp_path: Path) -> None:
    """SIGKILL of a parallel map: its workers go at once (no orphan matching for nobody,
    no BrokenPipeError traceback from them), and nothing is stored."""
    env = _workspace(tmp_path, 8_000)
    proc, workers = _parallel_map(env, subprocess.DEVNULL)
    proc.kill()
    _, err = proc.communicate(timeout=30)
    time.sleep(0.3)
    running = [pid for pid in workers if _state(pid) not in (None, "Z")]
    assert running == []
    assert err == ""
    assert _stored(env) == []


def _state(pid: int) -> str | None:
    """The process's state letter (R, S, Z, ...), or None when it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    return next(line.split()[1] for line in status.splitlines() if line.startswith("State:"))


@pytest.mark.parametrize("cuts", [[], [0], [1], [2, 2, 5], [0, 3, 3, 7]])
def test_json_encoded_in_parts_is_the_json_of_the_whole(cuts: list[int]) -> None:
    """A piped ``map --format json`` is encoded chunk by chunk while the workers match;
    the text must be the one ``echo_json`` prints for the whole list."""
    from feedback_writer.cli._output import JsonListParts

    items: list[object] = [
        {"note_id": "n1", "text": 'Zoë fixed the "flaky" test\n', "matches": []},
        {"note_id": "n2", "text": "ran the drill", "matches": [{"score": 0.5}]},
        {"note_id": "n3", "text": "über", "matches": [{"score": 1e-05}, {"score": 0.25}]},
        [],
        "plain",
        3.5,
        None,
    ]
    parts, start = JsonListParts(), 0
    for end in [*cuts, len(items)]:
        parts.add([json.dumps(item, ensure_ascii=False) for item in items[start:end]])
        start = end
    assert parts.text() == json.dumps(items, ensure_ascii=False)
    assert parts.items == len(items)
    empty = JsonListParts()
    empty.add([])
    assert empty.text() == "[]" == json.dumps([])


_TEXT = st.text(st.characters(codec="utf-8") | st.sampled_from('"\\\n\t\x00\u2028é'))
_SCORE = st.floats(allow_nan=True, allow_infinity=True) | st.integers(-5, 5)


@given(
    note_id=_TEXT,
    text=_TEXT,
    matches=st.lists(
        st.tuples(_TEXT, _TEXT, _TEXT, _SCORE, st.sampled_from(["positive", "negative"])),
        max_size=6,
    ),
)
def test_a_note_mappings_json_text_is_json_dumps_of_its_json(
    note_id: str, text: str, matches: list[tuple[str, str, str, float, str]]
) -> None:
    """``NoteMapping.json_text`` puts a map's JSON together without building dicts; it
    must be exactly ``json.dumps(to_json(), ensure_ascii=False)``, for any text."""
    from feedback_writer.mapping.matcher import Match
    from feedback_writer.mapping.results import NoteMapping

    mapping = NoteMapping(note_id, text, [Match(*m) for m in matches])  # type: ignore[arg-type]
    assert mapping.json_text() == json.dumps(mapping.to_json(), ensure_ascii=False)
