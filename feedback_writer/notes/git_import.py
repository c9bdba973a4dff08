"""Provides the turning of a git history into proposed notes about one person's work.

Per repository: the commits of HEAD's history in the window are read once
(:mod:`feedback_writer.notes.git_log`); each pull-request merge becomes one note (its
title and description) and the commits it merged (reachable from its second parent, not
its first) are folded into it; other commits by the person are a note each; other merges
and noise ("wip", "fix typo", "bump version": ``data/git_noise.txt`` plus a company's own
``git_noise.txt``) are left out; trailers naming other people are removed from the text.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from feedback_writer.errors import UsageError
from feedback_writer.notes.git_log import Commit, GitReadError, Repo

NOISE_FILE = "git_noise.txt"
_DEFAULT_NOISE = Path(__file__).resolve().parent / "data" / NOISE_FILE

_TRAILER = re.compile(
    r"^\s*(co-authored-by|reviewed-by|signed-off-by|acked-by|tested-by|cc|reported-by|"
    r"suggested-by|helped-by|approved-by|mentored-by|requested-by|reviewed-on|"
    r"change-id|on-behalf-of|thanks-to|closes-by)\s*:.*$|^\s*\(cherry picked from commit .*\)$",
    re.IGNORECASE | re.MULTILINE,
)
_GITHUB = re.compile(r"^Merge pull request #(\d+) from (\S+)")
_BITBUCKET = re.compile(r"^Merged in (\S+) \(pull request #(\d+)\)")
_AZURE = re.compile(r"^Merged PR (\d+): (.+)$")
_GITLAB_REF = re.compile(r"^See merge request \S+!(\d+)\s*$", re.MULTILINE)


@dataclass(frozen=True)
class Proposal:
    """A note to propose: the commit (or pull-request merge) it comes from."""

    repo: str
    sha: str
    short: str
    date: dt.date
    text: str
    folded: tuple[str, ...] = ()

    @property
    def source(self) -> str:
        return f"git:{self.repo}@{self.short}"

    @property
    def shas(self) -> tuple[str, ...]:
        return (self.sha, *self.folded)


@dataclass
class RepoResult:
    """What one repository gave: proposals, or the reason it was skipped."""

    path: str
    repo: Repo | None = None
    proposals: list[Proposal] = field(default_factory=list)
    noise: int = 0
    problem: str | None = None


def strip_trailers(message: str) -> str:
    """The message without trailers naming people (and cherry-pick lines), tidied."""
    text = _TRAILER.sub("", message)
    text = re.sub(r"\n\s*\n(\s*\n)+", "\n\n", text.replace("\r\n", "\n"))
    return text.strip()


def load_noise(extra_files: Iterable[Path] = ()) -> list[re.Pattern[str]]:
    """The shipped noise patterns plus those of each existing extra file."""
    patterns: list[re.Pattern[str]] = []
    for path in (_DEFAULT_NOISE, *extra_files):
        if not path.is_file():
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            try:
                patterns.append(re.compile(line, re.IGNORECASE))
            except re.error as exc:
                raise UsageError(f"{path}:{number}: not a regular expression: {exc}") from None
    return patterns


def company_noise_files(ladder: str | None, prompts_dir: str | None) -> list[Path]:
    """Where a company's own ``git_noise.txt`` may be: beside its ladder file, in its
    prompts folder (the CLI and the TUI both read these)."""
    folders = [Path(ladder).expanduser().parent if ladder else None]
    folders.append(Path(prompts_dir).expanduser() if prompts_dir else None)
    return [folder / NOISE_FILE for folder in folders if folder]


def is_noise(text: str, patterns: Sequence[re.Pattern[str]]) -> bool:
    flat = " ".join(text.split()).rstrip(".! ")
    return not flat or any(p.fullmatch(flat) for p in patterns)


def _pull_request(message: str) -> tuple[str, str, str] | None:
    """``(number, title, description)`` when the merge message is a pull request's."""
    subject, _, body = message.strip().partition("\n")
    body = strip_trailers(body)
    title, _, description = body.partition("\n")
    if m := _GITHUB.match(subject):
        branch = m.group(2).partition("/")[2] or m.group(2)
        return m.group(1), title.strip() or branch, description.strip()
    if m := _BITBUCKET.match(subject):
        return m.group(2), title.strip() or m.group(1), description.strip()
    if m := _AZURE.match(subject):
        return m.group(1), m.group(2).strip(), body.strip()
    if ref := _GITLAB_REF.search(body):
        body = _GITLAB_REF.sub("", body).strip()
        title, _, description = body.partition("\n")
        return ref.group(1), title.strip() or subject, description.strip()
    return None


def propose(
    repo: Repo,
    commits: Sequence[Commit],
    emails: set[str],
    noise: Sequence[re.Pattern[str]],
    mainline: set[str] | None = None,
) -> tuple[list[Proposal], int]:
    """The notes of ``commits`` (children first, as git log gives them) by ``emails``,
    oldest first, and how many of the person's commits were left out as noise.
    ``mainline`` is HEAD's first-parent chain (default: from the first commit given)."""
    by_sha = {c.sha: c for c in commits}
    if mainline is None:
        mainline = _first_parents(commits[0].sha if commits else "", by_sha, set())
    # merged by an older merge (folded or walked) or on the main line: never folded again
    claimed: set[str] = set(mainline)
    folds: dict[str, list[Commit]] = {}
    pull_requests: dict[str, tuple[str, str, str]] = {}
    for commit in reversed(commits):  # parents before children
        if len(commit.parents) < 2:
            continue
        side = _first_parents(commit.parents[0], by_sha, claimed) - claimed
        merged = _walk(commit.parents[1], by_sha, claimed | side)
        claimed.update(c.sha for c in merged)
        pr = _pull_request(commit.message)
        if pr is not None:
            pull_requests[commit.sha] = pr
            folds[commit.sha] = merged
    folded = {c.sha for merged in folds.values() for c in merged}
    proposals: list[Proposal] = []
    noisy = 0
    for commit in reversed(commits):
        if commit.sha in pull_requests:
            mine = [c for c in folds[commit.sha] if c.email in emails]
            if not mine and (folds[commit.sha] or commit.email not in emails):
                continue
            text = _pr_text(pull_requests[commit.sha], mine, noise)
            if text is None:
                noisy += 1
                continue
            shas = tuple(c.sha for c in folds[commit.sha])
            proposals.append(Proposal(repo.name, commit.sha, commit.short, commit.date, text, shas))
        elif len(commit.parents) < 2 and commit.sha not in folded and commit.email in emails:
            text = strip_trailers(commit.message)
            if is_noise(text, noise):
                noisy += 1
                continue
            proposals.append(Proposal(repo.name, commit.sha, commit.short, commit.date, text))
    proposals.sort(key=lambda p: p.date)  # stable: parents first within a day
    return proposals, noisy


def _first_parents(start: str, by_sha: dict[str, Commit], stop: set[str]) -> set[str]:
    """The first-parent chain from ``start`` inside the window, up to ``stop``."""
    chain: set[str] = set()
    sha = start
    while sha in by_sha and sha not in stop and sha not in chain:
        chain.add(sha)
        parents = by_sha[sha].parents
        sha = parents[0] if parents else ""
    return chain


def _walk(start: str, by_sha: dict[str, Commit], stop: set[str]) -> list[Commit]:
    """Commits reachable from ``start`` inside the window, not in ``stop``."""
    found: list[Commit] = []
    seen: set[str] = set()
    stack = [start]
    while stack:
        sha = stack.pop()
        if sha in stop or sha in seen or sha not in by_sha:
            continue
        seen.add(sha)
        commit = by_sha[sha]
        found.append(commit)
        stack.extend(commit.parents)
    return found


def _pr_text(
    pr: tuple[str, str, str], mine: Sequence[Commit], noise: Sequence[re.Pattern[str]]
) -> str | None:
    number, title, description = pr
    if is_noise(f"{title}\n{description}", noise):
        return None
    text = f"{title} (PR #{number})"
    if description:
        return f"{text}\n\n{description}"
    subjects: list[str] = []
    for commit in sorted(mine, key=lambda c: c.date):
        subject = strip_trailers(commit.message).partition("\n")[0].strip()
        if subject and not is_noise(subject, noise) and subject not in subjects:
            subjects.append(subject)
    return text + "".join(f"\n- {s}" for s in subjects) if subjects else text


def read_repositories(
    paths: Sequence[str],
    *,
    authors: Sequence[str],
    since: dt.date | None,
    until: dt.date | None,
    noise: Sequence[re.Pattern[str]],
    on_start: Callable[[Repo, int], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> list[RepoResult]:
    """Each path read on its own; a path that cannot be read carries its ``problem``."""
    from feedback_writer.notes import git_log

    results: list[RepoResult] = []
    for raw in paths:
        result = RepoResult(raw)
        results.append(result)
        try:
            repo = result.repo = git_log.open_repo(raw)
            emails = [a.strip() for a in authors if a.strip()]
            if not emails:
                configured = git_log.user_email(repo)
                if configured is None:
                    raise GitReadError(
                        f"{raw}: no --author given and git config user.email is not set there"
                    )
                emails = [configured]
            if on_start is not None:
                on_start(repo, git_log.count_commits(repo, since, until))
            commits = git_log.read_log(repo, since, until, on_progress)
            mainline = git_log.first_parent_chain(repo, since)
            wanted = {e.casefold() for e in emails}
            result.proposals, result.noise = propose(repo, commits, wanted, noise, mainline)
            if not result.proposals and not result.noise:
                result.problem = _why_empty(repo, raw, emails, commits, since, until)
        except GitReadError as exc:
            result.problem = str(exc)
    return results


def _why_empty(
    repo: Repo,
    raw: str,
    emails: Sequence[str],
    commits: Sequence[Commit],
    since: dt.date | None,
    until: dt.date | None,
) -> str:
    from feedback_writer.notes.git_log import has_author

    who = ", ".join(emails)
    if not any(has_author(repo, e) for e in emails):
        return f"{raw}: no commits by {who} at all (check --author)"
    window = f"{since or 'the start'} to {until or 'today'}"
    if not commits:
        return f"{raw}: no commits in the window ({window})"
    return f"{raw}: no commits by {who} in the window ({window})"
