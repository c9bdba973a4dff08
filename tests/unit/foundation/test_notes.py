"""Notes files parse by the import rules; imports are atomic and idempotent."""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner

from feedback_writer.cli import cli
from feedback_writer.errors import NotesImportError
from feedback_writer.notes.model import AuthorKind
from feedback_writer.notes.parse import parse_file

MD = """\
# Q1

- 2026-03-14: Updated the on-call playbook
  after the outage
- [2026-03-20] Mentored Sam on SQL
- no date here

## Week of 2026-04-06
A paragraph note
over two lines.

Another paragraph.
"""


def test_markdown_bullets_paragraphs_and_dates(tmp_path):
    p = tmp_path / "n.md"
    p.write_text(MD)
    notes = parse_file(p)
    assert [(n.text, n.date, n.source_line) for n in notes] == [
        ("Updated the on-call playbook\nafter the outage", dt.date(2026, 3, 14), 3),
        ("Mentored Sam on SQL", dt.date(2026, 3, 20), 5),
        ("no date here", None, 6),
        ("A paragraph note\nover two lines.", dt.date(2026, 4, 6), 9),
        ("Another paragraph.", dt.date(2026, 4, 6), 12),
    ]
    assert all(n.source_file == str(p) for n in notes)


def test_text_file_paragraphs(tmp_path):
    p = tmp_path / "n.txt"
    p.write_text("2026-01-02 - Fixed the flaky test\n\nShipped search v2\n")
    notes = parse_file(p)
    assert [(n.text, n.date) for n in notes] == [
        ("Fixed the flaky test", dt.date(2026, 1, 2)),
        ("Shipped search v2", None),
    ]


def test_jsonl_keeps_ids_and_ignores_other_keys(tmp_path):
    p = tmp_path / "n.jsonl"
    p.write_text(
        '{"text": "a", "id": "x1", "date": "2026-02-01", "mood": 3}\n\n{"text": "b", "id": 7}\n'
    )
    notes = parse_file(p)
    assert [(n.text, n.external_id, n.date, n.source_line) for n in notes] == [
        ("a", "x1", dt.date(2026, 2, 1), 1),
        ("b", "7", None, 3),
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"text": "ok"}\n{"text": "oops"\n', ":2: invalid JSON"),
        ('{"id": 1}\n', ":1: field 'text' must be a non-empty string"),
        ('{"text": "a", "date": "2026-13-01"}\n', ":1: invalid date '2026-13-01'"),
        ("[1, 2]\n", ":1: expected a JSON object"),
    ],
)
def test_jsonl_errors_name_file_and_line(tmp_path, content, message):
    p = tmp_path / "n.jsonl"
    p.write_text(content)
    with pytest.raises(NotesImportError) as err:
        parse_file(p)
    assert f"{p}{message}" in str(err.value)


def test_non_utf8_and_empty_and_unknown_type(tmp_path):
    latin = tmp_path / "latin.md"
    latin.write_bytes("- caf\xe9 meeting\n".encode("latin-1"))
    with pytest.raises(NotesImportError, match=r"latin.md:1: not UTF-8 text"):
        parse_file(latin)
    empty = tmp_path / "empty.md"
    empty.write_text("  \n\n")
    with pytest.raises(NotesImportError, match="empty"):
        parse_file(empty)
    with pytest.raises(NotesImportError, match=r"unsupported file type '\.docx'"):
        parse_file(tmp_path / "notes.docx")


def test_importing_the_same_file_twice_leaves_count_unchanged(repo, tmp_path):
    p = tmp_path / "n.md"
    p.write_text(MD)
    first = repo.import_notes("Ana", parse_file(p))
    second = repo.import_notes("Ana", parse_file(p))
    assert (first.added, first.skipped) == (5, 0)
    assert (second.added, second.skipped) == (0, 5)
    assert repo.count_notes("Ana") == 5


def test_import_that_fails_half_way_leaves_nothing(repo, tmp_path, monkeypatch):
    p = tmp_path / "n.md"
    p.write_text(MD)
    notes = parse_file(p)
    real = repo._insert_note
    calls = {"n": 0}

    def failing(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(repo, "_insert_note", failing)
    with pytest.raises(OSError):
        repo.import_notes("Ana", notes)
    monkeypatch.undo()
    assert calls["n"] == 3  # two notes were written inside the transaction, then rolled back
    assert repo.find_person("Ana") is None or repo.count_notes("Ana") == 0


def test_cli_import_of_a_bad_file_imports_nothing(tmp_path):
    good = tmp_path / "good.md"
    good.write_text("- one\n- two\n")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "ok"}\nnot json\n')
    runner = CliRunner()
    result = runner.invoke(cli, ["notes", "import", "-p", "Ana", str(good), str(bad)])
    assert result.exit_code == 2
    assert f"{bad}:2: invalid JSON" in result.output
    listed = runner.invoke(cli, ["notes", "list", "-p", "Ana"])
    assert listed.exit_code == 2  # nobody was created: nothing landed


def test_cli_add_list_rm_and_peer_import(tmp_path):
    runner = CliRunner()
    assert (
        runner.invoke(
            cli,
            [
                "notes",
                "add",
                "-p",
                "Ana",
                "--date",
                "2026-05-01",
                "Led",
                "the",
                "incident",
                "review",
            ],
        ).exit_code
        == 0
    )
    peer = tmp_path / "peer.md"
    peer.write_text("- Always explains her PRs well\n")
    r = runner.invoke(
        cli, ["notes", "import", "-p", "Ana", "--author-kind", "peer", "--author", "Bo", str(peer)]
    )
    assert r.exit_code == 0, r.output
    listed = runner.invoke(cli, ["notes", "list", "-p", "Ana"])
    assert "n1  2026-05-01  Led the incident review" in listed.output
    assert "[peer: Bo]" in listed.output
    assert runner.invoke(cli, ["notes", "rm", "-p", "Ana", "n1"]).exit_code == 0
    assert "Led the incident" not in runner.invoke(cli, ["notes", "list", "-p", "Ana"]).output
    assert runner.invoke(cli, ["notes", "rm", "-p", "Ana", "n99"]).exit_code == 2


def test_peer_notes_keep_author_kind(repo, tmp_path):
    p = tmp_path / "peer.md"
    p.write_text("- Great reviewer\n")
    repo.import_notes("Ana", parse_file(p), author_kind=AuthorKind.PEER, author_name="Bo")
    (note,) = repo.list_notes("Ana")
    assert note.author_kind is AuthorKind.PEER and note.author_name == "Bo"
    assert note.source_label == f"{p}:1"


def test_typed_duplicates_are_kept_but_import_dedupes_against_imports(repo, tmp_path):
    from feedback_writer.notes.model import ParsedNote

    repo.add_note("Ana", ParsedNote(text="same"))
    repo.add_note("Ana", ParsedNote(text="same"))
    assert repo.count_notes("Ana") == 2
