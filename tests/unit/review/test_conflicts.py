"""One writer wins knowingly: stale saves are refused and kept; a review file applies whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from feedback_writer.errors import ReviewFileError, SaveConflict
from feedback_writer.review.editor import render_review_file, review_in_editor
from feedback_writer.review.sections import edit_section
from feedback_writer.storage.drafts import DraftStore
from tests.unit.review.review_fixtures import MODEL_TEXTS, Workspace

MINE = "Rewritten by me: Ana carried the payments migration and its runbook."


def _file(ws: Workspace, tmp_path: Path, name: str, change: dict[str, str]) -> Path:
    text = render_review_file(ws.draft, ws.repo.sections(ws.draft.id))
    for key, new in change.items():
        text = text.replace(MODEL_TEXTS[key], new)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _apply(ws: Workspace, path: Path):
    return review_in_editor(ws.repo, ws.root, ws.draft.id, source=path, open_editor=False)


def test_a_stale_save_is_refused_kept_and_shows_the_newer_text(ws: Workspace) -> None:
    opened = ws.repo.section(ws.draft.id, "summary")
    edit_section(ws.repo, ws.draft.id, "summary", "Newer text from a review run.")
    with pytest.raises(SaveConflict) as info:
        edit_section(ws.repo, ws.draft.id, "summary", MINE, based_on=opened.version)
    assert "Newer text from a review run." in str(info.value)
    assert info.value.exit_code == 5
    section = ws.repo.section(ws.draft.id, "summary")
    assert section.human_text == "Newer text from a review run."  # not overwritten
    kept = ws.repo.section_versions(section.id)[-1]
    assert (kept.text, kept.stale, kept.based_on) == (MINE, True, opened.version)
    assert [h.after for h in ws.repo.section_history(section.id)] == [
        "Newer text from a review run."
    ]


def test_two_overlapping_review_runs_the_second_is_refused(ws: Workspace, tmp_path: Path) -> None:
    first = _file(ws, tmp_path, "a.md", {"summary": "First reviewer rewrote the summary."})
    second = _file(ws, tmp_path, "b.md", {"summary": MINE, "peer-input": "Peers: calm."})
    assert _apply(ws, first).applied.changed == ["summary"]
    with pytest.raises(SaveConflict) as info:
        _apply(ws, second)
    message = str(info.value)
    assert "First reviewer rewrote the summary." in message and "nothing was applied" in message
    assert ws.repo.section(ws.draft.id, "summary").human_text.startswith("First reviewer")
    assert ws.repo.section(ws.draft.id, "peer-input").human_text == MODEL_TEXTS["peer-input"]
    summary = ws.repo.section(ws.draft.id, "summary")
    assert ws.repo.section_versions(summary.id)[-1].text == MINE  # kept, stale
    kept = list((ws.root / "recovered").glob("*.md"))
    assert len(kept) == 1 and MINE in kept[0].read_text(encoding="utf-8")


@pytest.mark.parametrize("line", ["<!-- fw:draft 1 -->\n", "<!-- fw:versions "])
def test_a_review_file_without_its_marker_lines_is_refused(
    ws: Workspace, tmp_path: Path, line: str
) -> None:
    path = _file(ws, tmp_path, "r.md", {"summary": MINE})
    text = path.read_text(encoding="utf-8")
    start = text.index(line)
    path.write_text(text[:start] + text[text.index("\n", start) + 1 :], encoding="utf-8")
    with pytest.raises(ReviewFileError, match="line is missing"):
        _apply(ws, path)
    assert ws.repo.section(ws.draft.id, "summary").human_text == MODEL_TEXTS["summary"]


def test_a_fault_between_sections_applies_nothing(
    ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _file(ws, tmp_path, "r.md", {k: MINE for k in MODEL_TEXTS})
    real = DraftStore._add_version
    calls = {"n": 0}

    def flaky(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt  # killed between the second and third section
        return real(*args, **kwargs)

    monkeypatch.setattr(DraftStore, "_add_version", staticmethod(flaky))
    with pytest.raises(KeyboardInterrupt):
        _apply(ws, path)
    monkeypatch.undo()
    for s in ws.repo.sections(ws.draft.id):
        assert s.human_text == MODEL_TEXTS[s.key] and s.version == 1
        assert len(ws.repo.section_versions(s.id)) == 1
