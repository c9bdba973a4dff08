"""Small git repositories built with ``git`` in tmp_path for the git-import tests."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

ANA = "ana@example.com"
BO = "bo@example.com"


class GitRepo:
    """A repository in tmp_path; every commit has an explicit author and date."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir(parents=True)
        self.git("init", "-q", "-b", "main")
        self.git("config", "user.email", ANA)
        self.git("config", "user.name", "Ana")

    def git(self, *args: str, email: str = ANA, date: str = "2026-02-10T12:00:00+00:00") -> str:
        name = email.split("@")[0].title()
        env = {
            "PATH": os.environ["PATH"],
            "HOME": str(self.path.parent),
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_AUTHOR_NAME": name,
            "GIT_AUTHOR_EMAIL": email,
            "GIT_COMMITTER_NAME": name,
            "GIT_COMMITTER_EMAIL": email,
            "GIT_AUTHOR_DATE": date,
            "GIT_COMMITTER_DATE": date,
            "LC_ALL": "C",
        }
        done = subprocess.run(
            ["git", "-C", str(self.path), *args], env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    def commit(self, message: str, *, email: str = ANA, date: str = "2026-02-10") -> str:
        when = f"{date}T12:00:00+00:00"
        self.git("commit", "-q", "--allow-empty", "-m", message, email=email, date=when)
        return self.git("rev-parse", "HEAD")

    def branch(self, name: str) -> None:
        self.git("checkout", "-q", "-b", name)

    def checkout(self, name: str) -> None:
        self.git("checkout", "-q", name)

    def merge(
        self, branch: str, message: str, *, email: str = ANA, date: str = "2026-02-20"
    ) -> str:
        when = f"{date}T12:00:00+00:00"
        self.git("merge", "-q", "--no-ff", branch, "-m", message, email=email, date=when)
        return self.git("rev-parse", "HEAD")


@pytest.fixture
def make_repo(tmp_path: Path) -> Callable[[str], GitRepo]:
    def make(name: str = "api") -> GitRepo:
        return GitRepo(tmp_path / name)

    return make


@pytest.fixture
def sample(make_repo: Callable[[str], GitRepo]) -> GitRepo:
    """Ana's and Bo's work: a PR merge with a description, noise, non-ASCII, trailers."""
    repo = make_repo("api")
    repo.commit("Initial commit", date="2026-01-02")
    repo.commit(
        "Add retry queue for the billing export\n\nRetries with backoff.\n\n"
        "Co-authored-by: Bo Chen <bo@example.com>\nSigned-off-by: Ana <ana@example.com>",
        date="2026-01-05",
    )
    repo.commit("wip", date="2026-01-06")
    repo.commit("Fix typo in README", date="2026-01-07")
    repo.commit("Bo's own work on the scheduler", email=BO, date="2026-01-08")
    repo.commit("Réécriture du guide d'astreinte — ünïcödé ✓", date="2026-01-09")
    repo.branch("ana/export")
    repo.commit("Export: stream rows instead of loading them", date="2026-02-02")
    repo.commit("Export: add a progress log", date="2026-02-03")
    repo.commit("fix typo", date="2026-02-04")
    repo.checkout("main")
    repo.commit("Only a subject line", date="2026-02-05")
    repo.merge(
        "ana/export",
        "Merge pull request #12 from ana/export\n\nStream the billing export\n\n"
        "Memory stays flat on the biggest accounts.\n\nReviewed-by: Bo Chen <bo@example.com>",
        email=BO,
        date="2026-02-06",
    )
    return repo
