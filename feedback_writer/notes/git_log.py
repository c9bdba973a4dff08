"""Provides the reading of a local git repository: checks, user.email and its commit log.

Only ``git`` subprocesses, never the network, never diffs or file contents: commit
hashes, parents, the author's e-mail, the commit date and the message. Git runs with a
clean environment (no pager, ``LC_ALL=C``, no system config, no terminal prompt, no
optional locks, no ``GIT_*`` variables from the caller) and ``core.quotepath=off``. The
log format separates fields with NUL (``%x00``) and ends each record with ``%x1e``, with
``-z`` between records, so no message can break the parse.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

_FIELDS = ("%H", "%h", "%P", "%aE", "%cI", "%B")
_FORMAT = "%x00".join(_FIELDS) + "%x00%x1e"
_CHUNK = 1 << 16


class GitReadError(Exception):
    """A repository that cannot be read; the message names its path."""


@dataclass(frozen=True)
class Commit:
    """One commit as read from the log."""

    sha: str
    short: str
    parents: tuple[str, ...]
    email: str  # the author's e-mail (.mailmap applied), casefolded
    date: dt.date  # the commit date, in the committer's time zone
    message: str


@dataclass(frozen=True)
class Repo:
    """A readable repository: where it is and the name notes cite."""

    path: Path
    name: str


def git_env() -> dict[str, str]:
    """The caller's environment without ``GIT_*`` and with git's output kept plain."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(
        GIT_PAGER="cat",
        PAGER="cat",
        LC_ALL="C",
        LANGUAGE="C",
        GIT_CONFIG_NOSYSTEM="1",
        GIT_TERMINAL_PROMPT="0",
        GIT_OPTIONAL_LOCKS="0",
    )
    return env


def _command(path: Path, *args: str) -> list[str]:
    return ["git", "--no-pager", "-c", "core.quotepath=off", "-C", str(path), *args]


def _env_for(path: Path) -> dict[str, str]:
    env = git_env()
    # git must not find a repository above PATH (a home folder under version control).
    env["GIT_CEILING_DIRECTORIES"] = str(path.parent)
    return env


def run_git(path: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    try:
        done = subprocess.run(
            _command(path, *args),
            env=_env_for(path),
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except FileNotFoundError:
        raise GitReadError("git is not installed (no 'git' on PATH)") from None
    if check and done.returncode != 0:
        first = (done.stderr.strip().splitlines() or ["git failed"])[0]
        raise GitReadError(f"{path}: {first}")
    return done


def open_repo(raw: str) -> Repo:
    """Check PATH is the top of a git repository, not shallow, with commits."""
    path = Path(raw).expanduser().resolve()
    if not path.exists():
        raise GitReadError(f"{raw}: no such folder")
    if not path.is_dir():
        raise GitReadError(f"{raw}: not a folder (give the repository's folder)")
    # with GIT_CEILING_DIRECTORIES, a folder inside a repository is not one either
    if run_git(path, "rev-parse", "--git-dir", check=False).returncode != 0:
        raise GitReadError(f"{raw}: not a git repository")
    shallow = run_git(path, "rev-parse", "--is-shallow-repository").stdout.strip()
    if shallow == "true":
        raise GitReadError(
            f"{raw}: a shallow clone, its history is incomplete "
            "(run 'git fetch --unshallow' there first)"
        )
    if run_git(path, "rev-parse", "--verify", "-q", "HEAD^{commit}", check=False).returncode:
        raise GitReadError(f"{raw}: the repository has no commits")
    name = path.name.removesuffix(".git") or path.name
    return Repo(path, name)


def user_email(repo: Repo) -> str | None:
    """``git config user.email`` as seen in the repository (local, then global)."""
    done = run_git(repo.path, "config", "user.email", check=False)
    email = done.stdout.strip()
    return email or None


def has_author(repo: Repo, email: str) -> bool:
    """Whether any commit of HEAD's history is by ``email`` (outside any window)."""
    done = run_git(repo.path, "log", "-1", "--format=%H", "-F", "-i", f"--author=<{email}>", "HEAD")
    return bool(done.stdout.strip())


def _git_date(day: dt.date, end: bool) -> str:
    # a day wider each side: the exact window is applied to each commit's own date
    shifted = day + dt.timedelta(days=1 if end else -1)
    return shifted.isoformat() + ("T23:59:59" if end else "T00:00:00")


def read_log(
    repo: Repo,
    since: dt.date | None,
    until: dt.date | None,
    on_progress: Callable[[int], None] | None = None,
) -> list[Commit]:
    """Every commit of HEAD's history in the window, children before parents."""
    args = ["log", "HEAD", "--topo-order", "-z", "--no-color", "--encoding=UTF-8"]
    args.append(f"--format={_FORMAT}")
    if since:
        args.append(f"--since={_git_date(since, False)}")
    if until:
        args.append(f"--until={_git_date(until, True)}")
    raw = _stream(repo, args, on_progress)
    commits: list[Commit] = []
    fields = raw.decode("utf-8", errors="replace").split("\0")
    width = len(_FIELDS) + 1
    for start in range(0, len(fields) - width + 1, width):
        sha, short, parents, email, date, message, end = fields[start : start + width]
        if end != "\x1e":
            raise GitReadError(f"{repo.path}: unexpected git log output near {sha[:12]!r}")
        day = dt.datetime.fromisoformat(date).date()
        if (since and day < since) or (until and day > until):
            continue
        commits.append(Commit(sha, short, tuple(parents.split()), email.casefold(), day, message))
    return commits


def _stream(repo: Repo, args: list[str], on_progress: Callable[[int], None] | None) -> bytes:
    """Run git, reading its output in chunks and reporting records seen so far."""
    # stderr goes to a file: a pipe left unread could fill up and stall git
    with tempfile.TemporaryFile() as errors:
        try:
            proc = subprocess.Popen(
                _command(repo.path, *args),
                env=_env_for(repo.path),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=errors,
            )
        except FileNotFoundError:
            raise GitReadError("git is not installed (no 'git' on PATH)") from None
        assert proc.stdout is not None
        chunks: list[bytes] = []
        seen = 0
        with proc.stdout:
            while chunk := proc.stdout.read(_CHUNK):
                chunks.append(chunk)
                if on_progress is not None:
                    seen += chunk.count(b"\x1e")
                    on_progress(seen)
        code = proc.wait()
        errors.seek(0)
        err = errors.read().decode("utf-8", errors="replace")
    if code != 0:
        first = (err.strip().splitlines() or ["git log failed"])[0]
        raise GitReadError(f"{repo.path}: {first}")
    return b"".join(chunks)


def first_parent_chain(repo: Repo, since: dt.date | None) -> set[str]:
    """HEAD's first-parent chain (the main line) back to the window's start."""
    args = ["rev-list", "--first-parent", "HEAD"]
    if since:
        args.append(f"--since={_git_date(since, False)}")
    return set(run_git(repo.path, *args).stdout.split())


def count_commits(repo: Repo, since: dt.date | None, until: dt.date | None) -> int:
    """How many commits ``read_log`` will see at most (for a progress bar)."""
    args = ["rev-list", "--count", "HEAD"]
    if since:
        args.append(f"--since={_git_date(since, False)}")
    if until:
        args.append(f"--until={_git_date(until, True)}")
    out = run_git(repo.path, *args).stdout.strip()
    return int(out) if out.isdigit() else 0
