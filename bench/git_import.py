"""Prints how long ``notes import --git`` takes on 10,000 commits (goal: under 3 s).

Builds a repository in a temp dir with ``git fast-import``: 10,000 commits in 2026 by
two authors, one pull-request merge with three commits every fifteen commits, noise
sprinkled in. Then times the import of one author's commits (read, fold, propose and
store as proposed notes) into a temp workspace, through the CLI in-process. Not a test.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COMMITS = 10_000
GOAL = 3.0
START = 1767268800  # 2026-01-01T12:00:00Z
STEP = 2400  # 40 minutes: 10,000 commits fit in 2026


def _stream() -> bytes:
    """A fast-import stream: main with direct commits and merged pull-request branches."""
    out: list[bytes] = []
    mark = 0
    main_tip = 0
    when = START
    made = 0

    def commit(ref: str, message: str, email: str, parents: list[int]) -> int:
        nonlocal mark, when, made
        mark += 1
        made += 1
        when += STEP
        data = message.encode()
        out.append(f"commit {ref}\nmark :{mark}\n".encode())
        name = email.split("@")[0]
        out.append(f"author {name} <{email}> {when} +0000\n".encode())
        out.append(f"committer {name} <{email}> {when} +0000\n".encode())
        out.append(f"data {len(data)}\n".encode() + data + b"\n")
        if parents:
            out.append(f"from :{parents[0]}\n".encode())
        for extra in parents[1:]:
            out.append(f"merge :{extra}\n".encode())
        return mark

    while made < COMMITS:
        number = made
        if number % 15 == 14 and main_tip:
            tip = main_tip
            for part in range(3):
                tip = commit(
                    f"refs/heads/pr{number}",
                    f"Part {part} of change {number}\n\nDetails of part {part}.\n",
                    "ana@example.com",
                    [tip],
                )
            main_tip = commit(
                "refs/heads/main",
                f"Merge pull request #{number} from ana/pr{number}\n\n"
                f"Change {number}: stream the export\n\nWhy and how.\n",
                "bo@example.com",
                [main_tip, tip],
            )
            continue
        author = "ana@example.com" if number % 3 else "bo@example.com"
        message = "wip\n" if number % 10 == 5 else f"Work item {number} — é\n\nBody {number}.\n"
        main_tip = commit("refs/heads/main", message, author, [main_tip] if main_tip else [])
    out.append(b"done\n")
    return b"".join(out)


def main() -> int:
    from click.testing import CliRunner

    from feedback_writer.cli import cli

    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp) / "big"
        env = {"PATH": os.environ["PATH"], "HOME": tmp, "GIT_CONFIG_NOSYSTEM": "1"}
        subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True, env=env)
        built = time.perf_counter()
        subprocess.run(
            ["git", "-C", str(repo), "fast-import", "--quiet", "--done"],
            input=_stream(),
            check=True,
            env=env,
        )
        subprocess.run(["git", "-C", str(repo), "reset", "-q", "--hard", "main"], env=env)
        count = subprocess.run(
            ["git", "-C", str(repo), "rev-list", "--count", "HEAD"],
            capture_output=True,
            text=True,
            env=env,
        ).stdout.strip()
        print(f"built {count} commits in {time.perf_counter() - built:.2f}s")
        os.environ["FEEDBACK_WRITER_HOME"] = str(Path(tmp) / "workspace")
        os.environ["FEEDBACK_WRITER_CONFIG"] = str(Path(tmp) / "config.toml")
        args = ["notes", "import", "-p", "Ana", "--git", str(repo), "--author", "ana@example.com"]
        args += ["--since", "2026-01-01", "--until", "2026-12-31"]
        start = time.perf_counter()
        result = CliRunner().invoke(cli, args)
        elapsed = time.perf_counter() - start
        print(result.output.strip())
        if result.exit_code != 0:
            print(f"failed with exit code {result.exit_code}", file=sys.stderr)
            return 1
    verdict = "ok" if elapsed < GOAL else "SLOWER THAN THE GOAL"
    print(f"import: {elapsed:.2f}s (goal < {GOAL:.0f}s): {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
