"""Reading git histories: which commits become notes, their text, source and date."""

from __future__ import annotations

import datetime as dt

from feedback_writer.notes.git_import import (
    is_noise,
    load_noise,
    read_repositories,
    strip_trailers,
)

ANA = "ana@example.com"
BO = "bo@example.com"


def _read(repo, *authors: str, since=None, until=None):  # type: ignore[no-untyped-def]
    [result] = read_repositories(
        [str(repo.path)], authors=authors, since=since, until=until, noise=load_noise()
    )
    return result


def test_only_the_persons_commits_become_notes_and_a_pr_folds_its_commits(sample):
    result = _read(sample, ANA)
    assert result.problem is None
    texts = [p.text.splitlines()[0] for p in result.proposals]
    assert texts == [
        "Add retry queue for the billing export",
        "Réécriture du guide d'astreinte — ünïcödé ✓",
        "Only a subject line",
        "Stream the billing export (PR #12)",
    ]
    assert not any("Bo" in p.text for p in result.proposals)
    assert not any("Export: stream rows" in t for t in texts)  # folded, not repeated
    pr = result.proposals[-1]
    assert pr.text == (
        "Stream the billing export (PR #12)\n\nMemory stays flat on the biggest accounts."
    )
    assert len(pr.folded) == 3  # the branch's three commits, noise included
    assert result.noise == 3  # Initial commit, wip, Fix typo in README


def test_source_date_and_short_sha(sample):
    result = _read(sample, ANA)
    first = result.proposals[0]
    assert first.date == dt.date(2026, 1, 5)
    assert first.source == f"git:api@{first.short}"
    assert first.sha.startswith(first.short)
    assert sample.git("rev-parse", "--short", first.sha) == first.short


def test_trailers_naming_others_are_removed():
    message = (
        "Add the thing\n\nBody line.\n\nCo-authored-by: Bo <bo@x>\nReviewed-by: Cy <c@x>\n"
        "Signed-off-by: Ana <a@x>\nAcked-by: D <d@x>\nTested-by: E <e@x>\nCc: F <f@x>\n"
    )
    assert strip_trailers(message) == "Add the thing\n\nBody line."
    result_text = "Add retry queue for the billing export\n\nRetries with backoff."
    assert (
        strip_trailers(
            "Add retry queue for the billing export\n\nRetries with backoff.\n\n"
            "Co-authored-by: Bo Chen <bo@example.com>"
        )
        == result_text
    )


def test_noise_patterns_match_whole_messages_only():
    noise = load_noise()
    for text in [
        "wip",
        "WIP",
        "fix typo",
        "Fixed typos in docs.",
        "bump version",
        "v1.2.3",
        "Bump version to 2.0.1",
        "fixup! Add x",
        "Merge branch 'main' into x",
    ]:
        assert is_noise(text, noise), text
    for text in [
        "wip: retry queue for the billing export",
        "Fix the typo checker crash",
        "Bump the connection pool to 50 after the outage",
    ]:
        assert not is_noise(text, noise), text


def test_company_noise_file_extends_the_list(tmp_path):
    extra = tmp_path / "git_noise.txt"
    extra.write_text("# ours\nupdate changelog\n")
    assert is_noise("Update CHANGELOG.", load_noise([extra]))
    assert not is_noise("Update CHANGELOG", load_noise())


def test_another_author_and_several_authors(sample):
    bo = _read(sample, BO)
    assert [p.text for p in bo.proposals] == ["Bo's own work on the scheduler"]
    both = _read(sample, ANA, BO.upper())
    assert len(both.proposals) == 5


def test_default_author_is_the_repositorys_user_email(sample):
    assert len(_read(sample).proposals) == 4


def test_window_by_commit_date(sample):
    result = _read(sample, ANA, since=dt.date(2026, 2, 1), until=dt.date(2026, 2, 28))
    assert [p.date for p in result.proposals] == [dt.date(2026, 2, 5), dt.date(2026, 2, 6)]


def test_a_pr_merge_without_description_lists_the_persons_subjects(make_repo):
    repo = make_repo("web")
    repo.commit("Start", date="2026-01-01")
    repo.branch("feature")
    repo.commit("Add the login form", date="2026-01-02")
    repo.commit("wip", date="2026-01-03")
    repo.commit("Bo helps with css", email=BO, date="2026-01-03")
    repo.checkout("main")
    repo.merge("feature", "Merge pull request #7 from ana/feature\n\nLogin page", email=BO)
    result = _read(repo, ANA)
    assert [p.text for p in result.proposals] == [
        "Start",
        "Login page (PR #7)\n- Add the login form",
    ]


def test_someone_elses_pr_merged_by_the_person_is_not_theirs(make_repo):
    repo = make_repo("web")
    repo.commit("Start", date="2026-01-01")
    repo.branch("bo")
    repo.commit("Bo's feature", email=BO, date="2026-01-02")
    repo.checkout("main")
    repo.merge("bo", "Merge pull request #8 from bo/feature\n\nBo's feature", email=ANA)
    assert [p.text for p in _read(repo, ANA).proposals] == ["Start"]


def test_a_plain_merge_is_left_out_and_its_commits_stay_notes(make_repo):
    repo = make_repo("web")
    repo.commit("Start", date="2026-01-01")
    repo.branch("side")
    repo.commit("Side work", date="2026-01-02")
    repo.checkout("main")
    repo.commit("Main work", date="2026-01-03")
    repo.merge("side", "Merge branch 'side'")
    assert [p.text for p in _read(repo, ANA).proposals] == ["Start", "Side work", "Main work"]


def test_two_prs_fold_only_their_own_commits(make_repo):
    repo = make_repo("web")
    repo.commit("Start", date="2026-01-01")
    repo.branch("one")
    repo.commit("One a", date="2026-01-02")
    repo.checkout("main")
    repo.merge("one", "Merge pull request #1 from ana/one\n\nFirst PR", date="2026-01-03")
    repo.branch("two")
    repo.commit("Two a", date="2026-01-04")
    repo.commit("Two b", date="2026-01-05")
    repo.checkout("main")
    repo.commit("Direct", date="2026-01-06")
    repo.merge("two", "Merge pull request #2 from ana/two\n\nSecond PR", date="2026-01-07")
    result = _read(repo, ANA)
    assert [p.text for p in result.proposals] == [
        "Start",
        "First PR (PR #1)\n- One a",
        "Direct",
        "Second PR (PR #2)\n- Two a\n- Two b",
    ]
    assert [len(p.folded) for p in result.proposals] == [0, 1, 0, 2]
