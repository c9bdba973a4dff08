"""The export gate as a domain rule: no UI, only the repository and review.sections."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from feedback_writer.errors import ExportBlocked, UsageError
from feedback_writer.review.gate import gate_status, require_exportable
from feedback_writer.review.sections import approve, edit_section
from feedback_writer.storage.repository import Repository
from tests.unit.review.review_fixtures import MODEL_TEXTS, PERSON, Workspace


def edit_all(ws: Workspace, keys: list[str]) -> None:
    for key in keys:
        edit_section(ws.repo, ws.draft.id, key, MODEL_TEXTS[key] + " (checked by me)")


def test_untouched_draft_is_refused_naming_every_section(ws: Workspace, keys: list[str]) -> None:
    status = gate_status(ws.repo, ws.draft.id, "edit")
    assert not status.allowed
    assert status.untouched == keys
    with pytest.raises(ExportBlocked) as info:
        require_exportable(ws.repo, ws.draft.id, "edit")
    assert info.value.untouched == keys
    assert info.value.exit_code == 3
    for key in keys:
        assert f"- {key}" in str(info.value)


def test_allowed_once_every_section_is_edited(ws: Workspace, keys: list[str]) -> None:
    edit_all(ws, keys)
    status = require_exportable(ws.repo, ws.draft.id, "edit")
    assert status.allowed and status.untouched == []
    assert status.edited == keys


def test_refusal_lists_only_the_sections_still_untouched(ws: Workspace, keys: list[str]) -> None:
    edit_all(ws, keys[:2])
    with pytest.raises(ExportBlocked) as info:
        require_exportable(ws.repo, ws.draft.id, "edit")
    assert info.value.untouched == keys[2:]


def test_whitespace_only_edits_do_not_count(ws: Workspace, keys: list[str]) -> None:
    for key in keys:
        spaced = "  " + MODEL_TEXTS[key].replace(" ", "   \n ") + "\n\n"
        section = edit_section(ws.repo, ws.draft.id, key, spaced)
        assert section.human_text == spaced  # the formatting is kept...
        assert section.edited_at is None  # ...but it is not an edit
    with pytest.raises(ExportBlocked) as info:
        require_exportable(ws.repo, ws.draft.id, "edit")
    assert info.value.untouched == keys


def test_editing_back_to_the_model_text_is_untouched_again(ws: Workspace) -> None:
    edit_section(ws.repo, ws.draft.id, "summary", "My own summary.")
    assert gate_status(ws.repo, ws.draft.id).states["summary"] == "edited"
    edit_section(ws.repo, ws.draft.id, "summary", MODEL_TEXTS["summary"] + "  ")
    assert gate_status(ws.repo, ws.draft.id).states["summary"] == "untouched"


def test_nothing_a_model_writes_satisfies_the_gate(ws: Workspace, keys: list[str]) -> None:
    for key in keys:
        section = edit_section(ws.repo, ws.draft.id, key, "Rewritten by a model.", actor="model")
        assert section.edited_at is None
    assert gate_status(ws.repo, ws.draft.id).untouched == keys
    # A model rewrite after a human edit takes the section back to untouched, too.
    edit_section(ws.repo, ws.draft.id, "summary", "A human wrote this.")
    edit_section(ws.repo, ws.draft.id, "summary", "A model polished it.", actor="model")
    assert gate_status(ws.repo, ws.draft.id).states["summary"] == "untouched"


def test_unchanged_text_records_no_history(ws: Workspace) -> None:
    edit_section(ws.repo, ws.draft.id, "summary", MODEL_TEXTS["summary"])
    section = ws.repo.section(ws.draft.id, "summary")
    assert ws.repo.section_history(section.id) == []


def test_history_records_who_changed_what(ws: Workspace) -> None:
    edit_section(ws.repo, ws.draft.id, "summary", "Version one.")
    edit_section(ws.repo, ws.draft.id, "summary", "Version two.")
    section = ws.repo.section(ws.draft.id, "summary")
    history = ws.repo.section_history(section.id)
    assert [(h.actor, h.before, h.after) for h in history] == [
        ("human", MODEL_TEXTS["summary"], "Version one."),
        ("human", "Version one.", "Version two."),
    ]
    assert section.model_text == MODEL_TEXTS["summary"]


def test_review_policy_accepts_approvals_edit_policy_does_not(
    ws: Workspace, keys: list[str]
) -> None:
    edit_section(ws.repo, ws.draft.id, "summary", "Mine.")
    for key in keys[1:]:
        approve(ws.repo, ws.draft.id, key)
    review = gate_status(ws.repo, ws.draft.id, "review")
    assert review.allowed
    assert review.edited == ["summary"] and review.approved == keys[1:]
    with pytest.raises(ExportBlocked) as info:
        require_exportable(ws.repo, ws.draft.id, "edit")
    assert info.value.untouched == keys[1:]
    assert "edited by a human" in str(info.value)


def test_a_model_rewrite_after_approval_voids_it(ws: Workspace) -> None:
    approve(ws.repo, ws.draft.id, "summary")
    assert gate_status(ws.repo, ws.draft.id, "review").states["summary"] == "approved"
    edit_section(ws.repo, ws.draft.id, "summary", "Model text again, changed.", actor="model")
    assert gate_status(ws.repo, ws.draft.id, "review").states["summary"] == "untouched"


def test_unknown_policy_is_a_usage_error(ws: Workspace) -> None:
    with pytest.raises(UsageError, match="unknown export policy 'lenient'"):
        gate_status(ws.repo, ws.draft.id, "lenient")


_word = st.text(alphabet="abcdefghij.,", min_size=1, max_size=6)
_space = st.sampled_from([" ", "  ", "\n", "\t", " \n  "])


@settings(max_examples=40, deadline=None)
@given(words=st.lists(_word, min_size=1, max_size=8), gaps=st.lists(_space, min_size=9))
def test_any_whitespace_reshuffle_is_never_an_edit(words: list[str], gaps: list[str]) -> None:
    model_text = " ".join(words)
    reshuffled = gaps[0] + "".join(w + g for w, g in zip(words, gaps[1:], strict=False))
    with tempfile.TemporaryDirectory() as tmp:
        repo = Repository(Path(tmp) / "ws.sqlite3")
        try:
            draft = repo.save_draft(
                PERSON,
                mode="manager",
                drafter="offline",
                model=None,
                template_hash=None,
                ladder_name="default",
                ladder_version="1",
                content={},
                sections=[("summary", "Summary", model_text)],
            )
            edit_section(repo, draft.id, "summary", reshuffled)
            assert gate_status(repo, draft.id).untouched == ["summary"]
            assert re.sub(r"\s+", " ", reshuffled).strip() == model_text
        finally:
            repo.close()
