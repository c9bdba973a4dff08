"""``notes import --git``, ``notes keep`` and ``notes drop`` end to end, errors included."""

from __future__ import annotations

import datetime as dt
import subprocess

from click.testing import CliRunner

from feedback_writer.cli import cli
from feedback_writer.drafting.service import window_notes
from feedback_writer.storage.repository import Repository

ANA = "ana@example.com"


def _run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, list(args))


def _import(*paths: str, extra: tuple[str, ...] = ()):  # type: ignore[no-untyped-def]
    args = ["notes", "import", "-p", "Ana"]
    for path in paths:
        args += ["--git", path]
    return _run(*args, *extra)


def test_import_proposes_notes_with_source_and_date(sample):
    result = _import(str(sample.path))
    assert result.exit_code == 0, result.output
    assert "api: 4 note(s) proposed for Ana, 3 left out as noise" in result.output
    notes = Repository.open().list_notes("Ana")
    assert [n.proposed for n in notes] == [True] * 4
    first = notes[0]
    assert first.source.startswith("git:api@") and first.source_label == first.source
    assert first.date == dt.date(2026, 1, 5)
    assert first.text == "Add retry queue for the billing export\n\nRetries with backoff."
    listed = _run("notes", "list", "-p", "Ana").output
    assert listed.count("(proposed)") == 4


def test_importing_again_adds_only_what_is_new(sample):
    assert _import(str(sample.path)).exit_code == 0
    again = _import(str(sample.path))
    assert "api: 0 note(s) proposed for Ana, 4 already imported" in again.output
    sample.commit("Document the export limits", date="2026-02-07")
    third = _import(str(sample.path))
    assert "api: 1 note(s) proposed for Ana, 4 already imported" in third.output
    assert Repository.open().count_notes("Ana") == 5


def test_drafts_ignore_proposed_notes_until_kept(sample):
    _import(str(sample.path))
    repo = Repository.open()
    assert window_notes(repo, repo.get_person("Ana"), None, None) == []
    assert len(repo.list_notes("Ana", include_excluded=False)) == 4  # mapping sees them
    kept = _run("notes", "keep", "-p", "Ana", "n1", "n2")
    assert kept.exit_code == 0 and "kept 2 note(s)" in kept.output
    assert [n.id for n in window_notes(repo, repo.get_person("Ana"), None, None)] == ["n1", "n2"]


def test_keep_and_drop_by_repository_and_drop_is_final(sample, make_repo):
    other = make_repo("web")
    other.commit("Ship the login page", date="2026-01-20")
    assert _import(str(sample.path), str(other.path)).exit_code == 0
    dropped = _run("notes", "drop", "-p", "Ana", "--repo", "api")
    assert dropped.exit_code == 0 and "dropped 4 note(s)" in dropped.output
    assert _run("notes", "keep", "-p", "Ana", "--repo", "web").exit_code == 0
    repo = Repository.open()
    assert [(n.text, n.proposed) for n in repo.list_notes("Ana")] == [
        ("Ship the login page", False)
    ]
    again = _import(str(sample.path), str(other.path))
    assert "api: 0 note(s) proposed for Ana, 4 already imported" in again.output
    assert repo.count_notes("Ana") == 1


def test_keep_and_drop_refuse_bad_ids(sample):
    _import(str(sample.path))
    _run("notes", "keep", "-p", "Ana", "n1")
    assert _run("notes", "keep", "-p", "Ana", "n1").exit_code == 2  # already kept
    assert _run("notes", "drop", "-p", "Ana", "n99").exit_code == 2
    assert _run("notes", "drop", "-p", "Ana").exit_code == 2  # neither ids nor --repo
    missing = _run("notes", "keep", "-p", "Ana", "--repo", "nope")
    assert missing.exit_code == 2 and "repositories: api" in missing.output
    Repository.open().ensure_person("Bo")
    assert _run("notes", "keep", "-p", "Bo", "n2").exit_code == 2  # Ana's note


def test_dry_run_lists_by_repository_and_month_and_stores_nothing(sample):
    result = _import(str(sample.path), extra=("--dry-run",))
    assert result.exit_code == 0, result.output
    out = result.output
    assert f"api ({sample.path.resolve()}): 4 new, 3 left out as noise" in out
    assert "  2026-01: 2\n" in out and "  2026-02: 2\n" in out
    assert "Stream the billing export (PR #12)" in out
    assert Repository.open().find_person("Ana") is None


def test_window_defaults_to_the_current_cycle(sample):
    Repository.open().start_cycle("Ana", "H1", dt.date(2026, 2, 1), dt.date(2026, 6, 30))
    assert "api: 2 note(s) proposed" in _import(str(sample.path)).output


def test_not_a_repository_names_the_path_and_exits_2(tmp_path):
    plain = tmp_path / "plain"
    plain.mkdir()
    result = _import(str(plain))
    assert result.exit_code == 2
    assert f"{plain}: not a git repository" in result.output
    assert _import(str(tmp_path / "missing")).exit_code == 2


def test_a_folder_inside_a_repository_is_not_read_as_it(sample):
    sub = sample.path / "docs"
    sub.mkdir()
    assert "not a git repository" in _import(str(sub)).output


def test_shallow_clone_is_refused(sample, tmp_path):
    shallow = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{sample.path}", str(shallow)],
        check=True,
        capture_output=True,
    )
    result = _import(str(shallow))
    assert result.exit_code == 2
    assert f"{shallow}: a shallow clone" in result.output


def test_unknown_author_and_empty_window(sample):
    unknown = _import(str(sample.path), extra=("--author", "zed@example.com"))
    assert unknown.exit_code == 2
    assert f"{sample.path}: no commits by zed@example.com at all" in unknown.output
    empty = _import(str(sample.path), extra=("--since", "2025-01-01", "--until", "2025-12-31"))
    assert empty.exit_code == 2
    assert f"{sample.path}: no commits in the window (2025-01-01 to 2025-12-31)" in empty.output


def test_partly_readable_set_imports_what_it_can(sample, tmp_path):
    plain = tmp_path / "plain"
    plain.mkdir()
    result = _import(str(sample.path), str(plain))
    assert result.exit_code == 0
    assert "api: 4 note(s) proposed" in result.output
    assert f"skipped {plain}: not a git repository" in result.stderr
    assert Repository.open().count_notes("Ana") == 4


def test_company_noise_file_next_to_the_ladder(sample, tmp_path, monkeypatch):
    from feedback_writer.paths import default_ladder_path

    company = tmp_path / "company"
    company.mkdir()
    ladder = company / "ladder.yaml"
    ladder.write_text(default_ladder_path().read_text())
    (company / "git_noise.txt").write_text("only a subject line\n")
    monkeypatch.setenv("FEEDBACK_WRITER_LADDER", str(ladder))
    result = _import(str(sample.path))
    assert "api: 3 note(s) proposed for Ana, 4 left out as noise" in result.output


def test_git_options_do_not_mix_with_files(sample, tmp_path):
    notes = tmp_path / "n.md"
    notes.write_text("- one\n")
    assert (
        _run("notes", "import", "-p", "Ana", str(notes), "--git", str(sample.path)).exit_code == 2
    )
    assert _run("notes", "import", "-p", "Ana", str(notes), "--dry-run").exit_code == 2
    assert _run("notes", "import", "-p", "Ana").exit_code == 2


def test_a_repository_without_commits_and_without_user_email(tmp_path):
    empty = tmp_path / "empty"
    subprocess.run(["git", "init", "-q", str(empty)], check=True)
    result = _import(str(empty))
    assert result.exit_code == 2
    assert f"{empty}: the repository has no commits" in result.output


def test_only_noise_in_the_window_is_read_not_skipped(make_repo):
    repo = make_repo("web")
    repo.commit("wip", date="2026-01-01")
    result = _import(str(repo.path))
    assert result.exit_code == 0
    assert "web: 0 note(s) proposed for Ana, 1 left out as noise" in result.output


def test_no_author_and_no_user_email(make_repo):
    repo = make_repo("web")
    repo.commit("Ship it", date="2026-01-01")
    repo.git("config", "--unset", "user.email")
    result = _import(str(repo.path))
    assert result.exit_code == 2
    assert "no --author given and git config user.email is not set there" in result.output
    assert _import(str(repo.path), extra=("--author", ANA)).exit_code == 0


def test_undoing_a_delete_brings_a_proposed_note_back_proposed(sample):
    assert _import(str(sample.path)).exit_code == 0
    repo = Repository.open()
    pr_note = next(n for n in repo.list_notes("Ana") if "(PR #12)" in n.text)
    note, maps = repo.delete_note(pr_note.id)
    assert pr_note.id not in repo.proposed_note_ids("Ana", "api")
    back = repo.restore_note(note, maps)
    assert back.proposed and back.source == pr_note.source
    assert window_notes(repo, repo.get_person("Ana"), None, None) == []
    assert pr_note.id in repo.proposed_note_ids("Ana", "api")  # keep --repo finds it again
    assert _run("notes", "keep", "-p", "Ana", "--repo", "api").exit_code == 0
    assert [n.id for n in window_notes(repo, repo.get_person("Ana"), None, None)][-1] == (
        pr_note.id
    )
    again = _import(str(sample.path))
    assert "api: 0 note(s) proposed for Ana, 4 already imported" in again.output
