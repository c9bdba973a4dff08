"""Kills real ``feedback-writer`` processes mid-write and checks the workspace each time.

Run: python bench/kill_soak.py [--rounds 30] [--notes 5000] [--seed 1] [--keep]

Each round starts one command on a shared workspace (a first open that migrates, a notes
import of a few thousand notes, ``map -p``, ``review`` applied by an $EDITOR script,
``export``), SIGKILLs it after a random delay (between the time a read-only command
takes, so the workspace is open, and the command's usual duration), then checks:
``PRAGMA integrity_check`` is ok; the migrations table is complete (or absent: nothing
was migrated); each import is all or nothing (notes per import file: 0 or all); the
mapping of the mapped person is as a full run leaves it; no section is half-applied
(each section's version is its newest stored version and the review's edits are on every
section of the draft or none); an export file is absent or complete. It prints a table:
operation, kills, held.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

EDITOR_SCRIPT = """\
import re, sys, time
path = sys.argv[-1]
text = open(path, encoding="utf-8").read()
stamp = time.time_ns()
def edit(m):
    words = f"In my own words, pass {stamp}: steady delivery, clear runbooks, calm on call."
    return m.group(1) + words + "\\n" + m.group(3)
text = re.sub(r"(<!-- fw:section [^\\n]*-->\\n)(.*?)(<!-- fw:end )", edit, text, flags=re.S)
open(path, "w", encoding="utf-8").write(text)
"""


def notes_file(path: Path, n: int, tag: str) -> Path:
    """A Markdown notes file of ``n`` dated, distinct notes (``tag`` keeps them new)."""
    words = ("fixed", "the", "flaky", "deploy", "reviewed", "runbook", "mentored", "on-call")
    rng = random.Random(tag)
    lines = [f"# Notes {tag}", ""]
    for i in range(n):
        text = " ".join(rng.choice(words) for _ in range(10))
        lines.append(f"- 2026-{1 + i % 12:02d}-{1 + i % 28:02d}: {text} ({tag} {i})")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def command() -> list[str]:
    """The real entry point, in this interpreter's environment."""
    exe = Path(sys.executable).with_name("feedback-writer")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "feedback_writer"]


def environment(home: Path, editor: Path | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FEEDBACK_WRITER_")}
    env["FEEDBACK_WRITER_HOME"] = str(home)
    env["FEEDBACK_WRITER_CONFIG"] = str(home / "config.toml")
    env.pop("VISUAL", None)
    if editor is not None:
        env["EDITOR"] = f"{sys.executable} {editor}"
    return env


def run(args: list[str], env: dict[str, str]) -> float:
    """Run to the end (setup and timing); the seconds it took."""
    start = time.monotonic()
    done = subprocess.run(command() + args, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"setup failed: {' '.join(args)}\n{done.stdout}{done.stderr}")
    return time.monotonic() - start


def run_and_kill(args: list[str], env: dict[str, str], delay: float) -> bool:
    """Start a command, SIGKILL it after ``delay`` s; True if it was killed (not done)."""
    proc = subprocess.Popen(
        command() + args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        proc.wait(timeout=delay)
        return False
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        return True


def database(home: Path) -> Path:
    from feedback_writer.paths import database_path

    return database_path(home)


@dataclass
class Expect:
    """What a complete run leaves: the checks compare the workspace with it."""

    imports: dict[str, int] = field(default_factory=dict)  # file -> notes in it
    mapping_rows: int | None = None  # mappings of the mapped person after a full map
    export_text: str | None = None  # the complete export file


def check(db_path: Path, expect: Expect, export_file: Path | None = None) -> list[str]:
    """Every problem found in the workspace (empty: it held)."""
    from feedback_writer.storage.migrations import MIGRATIONS

    problems: list[str] = []
    if not db_path.exists():
        return problems  # killed before the workspace was created: nothing to hold
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        ok = db.execute("PRAGMA integrity_check").fetchall()
        if ok != [("ok",)]:
            problems.append(f"integrity_check: {ok[:3]}")
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "_migrations" in tables:
            applied = {r[0] for r in db.execute("SELECT name FROM _migrations")}
            wanted = {fn.__name__ for fn in MIGRATIONS}
            if applied != wanted:
                problems.append(f"migrations: {sorted(applied)} not {sorted(wanted)}")
        elif tables:
            problems.append(f"tables {sorted(tables)} without a migrations table")
        if "notes" not in tables:
            return problems
        for name, n in expect.imports.items():
            (got,) = db.execute("SELECT count(*) FROM notes WHERE source_file = ?", (name,))
            if got[0] not in (0, n):
                problems.append(f"import {Path(name).name}: {got[0]} of {n} notes stored")
        if expect.mapping_rows is not None:
            (rows,) = db.execute(
                "SELECT count(*) FROM mappings m JOIN notes n ON n.id = m.note_id "
                "JOIN people p ON p.id = n.person_id WHERE p.name = 'Map'"
            )
            if rows[0] != expect.mapping_rows:
                problems.append(f"map: {rows[0]} mappings, a full map leaves {expect.mapping_rows}")
        problems += _section_problems(db)
    finally:
        db.close()
    complete = expect.export_text
    if export_file is not None and export_file.exists() and complete is not None:  # noqa: SIM102
        if export_file.read_text(encoding="utf-8") != complete:
            problems.append(f"export: {export_file.name} is not the complete export")
    return problems


def _section_problems(db: sqlite3.Connection) -> list[str]:
    problems = []
    for sid, version, newest, text, newest_text in db.execute(
        "SELECT s.id, s.version, max(v.number), s.human_text, "
        " (SELECT text FROM section_versions w WHERE w.section_id = s.id "
        "  ORDER BY number DESC LIMIT 1) "
        "FROM sections s LEFT JOIN section_versions v ON v.section_id = s.id GROUP BY s.id"
    ):
        if version != newest or text != newest_text:
            problems.append(f"section {sid}: version {version}, newest stored {newest}")
    for draft, counts in db.execute(
        "SELECT s.draft_id, group_concat(n) FROM (SELECT s.id, s.draft_id, "
        " (SELECT count(*) FROM section_versions v WHERE v.section_id = s.id "
        "  AND v.kind = 'human') AS n FROM sections s) s GROUP BY s.draft_id"
    ):
        if len(set(str(counts).split(","))) > 1:
            problems.append(f"draft {draft}: a review applied to some sections only ({counts})")
    return problems


@dataclass
class Tally:
    kills: int = 0
    held: int = 0
    finished: int = 0  # the command ended before the kill
    problems: list[str] = field(default_factory=list)
    outcomes: Counter[str] = field(default_factory=Counter)  # what state a kill left


def outcome(op: str, db_path: Path, args: list[str], export_mtime: int | None) -> str:
    """Where a kill landed, as seen in the workspace (before, or after, the write)."""
    if op == "export":
        export = Path(args[args.index("-o") + 1])
        now = export.stat().st_mtime_ns if export.exists() else None
        return "file untouched" if now == export_mtime else "file replaced"
    if op == "map":
        return "as before (map is deterministic)"
    if not db_path.exists():
        return "no database yet"
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as db:
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if op == "first open":
            return "migrated" if "_migrations" in tables else "empty database"
        if op == "notes import":
            (n,) = db.execute("SELECT count(*) FROM notes WHERE source_file = ?", (args[-1],))
            return "none stored" if n[0] == 0 else "all stored"
        (n,) = db.execute(
            "SELECT count(*) FROM section_versions v JOIN sections s ON s.id = v.section_id "
            "WHERE v.kind = 'human' AND s.draft_id = (SELECT max(id) FROM drafts)"
        )
        return "not applied" if n[0] == 0 else "applied"


def soak(rounds: int, notes: int, seed: int, work: Path, out: Callable[[str], None]) -> bool:
    """Run the soak in ``work``; print the table; True if every kill held."""
    rng = random.Random(seed)
    home = work / "home"
    home.mkdir()
    editor = work / "editor.py"
    editor.write_text(EDITOR_SCRIPT, encoding="utf-8")
    env = environment(home, editor)
    expect = Expect()
    out("setup: notes, a map, accepted evidence, a draft, a review, an export ...")
    base = notes_file(work / "map-notes.md", 300, "map")
    timing: dict[str, float] = {}
    timing["first open"] = run(["people", "set", "Map", "--level", "mid"], env)
    run(["notes", "import", "--person", "Map", str(base)], env)
    timing["map"] = run(["map", "-p", "Map"], env)
    run(["evidence", "accept", "-p", "Map", "--all", "--min-confidence", "low", "--yes"], env)
    run(["draft", "-p", "Map"], env)
    timing["review"] = run(["review", "-p", "Map"], env)
    export_file = work / "export.md"
    timing["export"] = run(["export", "-p", "Map", "-o", str(export_file), "--force"], env)
    expect.export_text = export_file.read_text(encoding="utf-8")
    first = notes_file(work / "import-0.md", notes, "import-0")
    timing["notes import"] = run(["notes", "import", "--person", "Imp", str(first)], env)
    expect.imports[str(first)] = notes
    db_path = database(home)
    with sqlite3.connect(db_path) as db:
        (rows,) = db.execute(
            "SELECT count(*) FROM mappings m JOIN notes n ON n.id = m.note_id "
            "JOIN people p ON p.id = n.person_id WHERE p.name = 'Map'"
        )
        expect.mapping_rows = rows[0]
    if problems := check(db_path, expect, export_file):
        raise SystemExit(f"the workspace is wrong before any kill: {problems}")
    # The earliest a command can write: the time a read-only command takes (opening the
    # workspace) or, before any workspace, the bare start; kills land after it.
    ready = min(run(["people", "list"], env) for _ in range(3))
    bare = min(run(["--version"], env) for _ in range(3))
    start = {op: bare if op == "first open" else ready for op in timing}
    out("durations (s): " + ", ".join(f"{k} {v:.2f}" for k, v in timing.items()))
    out(f"read-only command {ready:.2f} s, bare start {bare:.2f} s")

    ops = ["notes import", "map", "review", "export", "first open"]
    tallies = {op: Tally() for op in ops}
    for i in range(rounds):
        op = ops[i % len(ops)]
        delay = rng.uniform(0.9 * start[op], max(timing[op], start[op]))
        target_home, target_env, target_db = home, env, db_path
        if op == "notes import":
            source = notes_file(work / f"import-{i + 1}.md", notes, f"import-{i + 1}")
            expect.imports[str(source)] = notes
            args = ["notes", "import", "--person", "Imp", str(source)]
        elif op == "map":
            args = ["map", "-p", "Map"]
        elif op == "review":
            run(["draft", "-p", "Map"], env)  # a new draft, so the review has work to do
            args = ["review", "-p", "Map"]
        elif op == "export":
            args = ["export", "-p", "Map", "-o", str(export_file), "--force"]
        else:  # a fresh workspace: the kill lands in creating or migrating it
            target_home = work / f"fresh-{i}"
            target_home.mkdir()
            target_env = environment(target_home)
            target_db = database(target_home)
            args = ["people", "set", "Fresh", "--level", "mid"]
        tally = tallies[op]
        mtime = export_file.stat().st_mtime_ns if export_file.exists() else None
        if not run_and_kill(args, target_env, delay):
            tally.finished += 1
            if op == "review":  # the export reference follows the latest reviewed draft
                run(["export", "-p", "Map", "-o", str(export_file), "--force"], env)
                expect.export_text = export_file.read_text(encoding="utf-8")
            continue
        tally.kills += 1
        expected = Expect() if op == "first open" else expect  # a fresh workspace
        problems = check(target_db, expected, export_file if op == "export" else None)
        landed = outcome(op, target_db, args, mtime)
        tally.outcomes[landed] += 1
        if op == "review":
            # A killed review left the new draft unreviewed: the export reference is the
            # old draft's, so review the new one fully now and take its export.
            run(["review", "-p", "Map"], env)
            run(["export", "-p", "Map", "-o", str(export_file), "--force"], env)
            expect.export_text = export_file.read_text(encoding="utf-8")
        if problems:
            tally.problems += [f"round {i + 1} ({delay:.2f} s): {p}" for p in problems]
        else:
            tally.held += 1
        verdict = "BROKE" if problems else "held"
        out(f"round {i + 1:3d}  {op:<13} killed at {delay:5.2f} s  {verdict}  ({landed})")

    out("")
    out("| operation | kills | held | ended before the kill | state the kills left |")
    out("| --- | --- | --- | --- | --- |")
    for op, t in tallies.items():
        states = ", ".join(f"{n} {what}" for what, n in t.outcomes.most_common())
        out(f"| {op} | {t.kills} | {t.held} | {t.finished} | {states} |")
    total = sum(t.kills for t in tallies.values())
    held = sum(t.held for t in tallies.values())
    out(f"| all | {total} | {held} | {sum(t.finished for t in tallies.values())} | |")
    for op, t in tallies.items():
        for p in t.problems:
            out(f"{op}: {p}")
    return total == held


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--notes", type=int, default=5000, help="Notes per import file.")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="Keep the work folder.")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="fw-kill-soak-"))
    try:
        ok = soak(args.rounds, args.notes, args.seed, work, print)
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            import shutil

            shutil.rmtree(work, ignore_errors=True)
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
