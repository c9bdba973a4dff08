"""What counts as a human edit: a real word-level rewrite of the drafter's latest text."""

from __future__ import annotations

import re

import pytest

from feedback_writer.drafting.offline import LABEL
from feedback_writer.errors import ExportBlocked
from feedback_writer.review.authorship import (
    OUTLINE_BANNER,
    edit_size,
    needed_words,
    words,
    words_changed,
)
from feedback_writer.review.gate import gate_status, require_exportable
from feedback_writer.review.sections import edit_section
from tests.unit.review.review_fixtures import MODEL_TEXTS, Workspace

TWENTY = " ".join(f"word{i}" for i in range(20))


def test_words_ignore_case_punctuation_invisible_and_odd_spaces() -> None:
    assert words("Hello,\u200b WORLD!\u00a0Ｆｕｌｌ\u2060width") == ["hello", "world", "fullwidth"]
    assert words_changed("A strong half.", "a  STRONG\u3000half!!") == 0


def test_replacements_removals_and_additions_count_once_each() -> None:
    assert words_changed("a b c d", "a x c d") == 1
    assert words_changed("a b c d", "a c") == 2
    assert words_changed("a b c d", "a b c d e f") == 2
    assert words_changed("a b c d", "w x y z") == 4


def test_needed_is_the_share_rounded_up_and_never_under_three() -> None:
    assert needed_words(20, 0.15) == 3
    assert needed_words(40, 0.15) == 6
    assert needed_words(4, 0.15) == 3
    assert needed_words(100, 0.5) == 50


def test_the_outline_banner_starts_the_offline_label() -> None:
    assert LABEL.startswith(OUTLINE_BANNER)


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda t: "X" + t[1:], id="one-character"),
        pytest.param(lambda t: t[:-1], id="one-character-removed"),
        pytest.param(lambda t: t + ".", id="punctuation-only"),
        pytest.param(lambda t: t.replace(" ", ",  ").upper(), id="punctuation-and-case"),
        pytest.param(lambda t: "\u200b" + t, id="invisible-character"),
        pytest.param(lambda t: t.replace(" ", "\u200b ", 3), id="invisible-characters"),
        pytest.param(lambda t: t.replace(" ", "\u00a0"), id="no-break-spaces"),
    ],
)
def test_token_changes_leave_every_section_untouched(ws: Workspace, keys, change) -> None:
    for key in keys:
        edit_section(ws.repo, ws.draft.id, key, change(MODEL_TEXTS[key]))
    status = gate_status(ws.repo, ws.draft.id, "edit")
    assert status.untouched == keys
    with pytest.raises(ExportBlocked) as info:
        require_exportable(ws.repo, ws.draft.id, "edit")
    assert info.value.exit_code == 3
    assert re.search(r"summary: changed [01] of 11 words \(\d+%\), needs 3", str(info.value))


def _drafted(ws: Workspace, text: str):
    return ws.repo.save_draft(
        ws.draft.person, mode="manager", drafter="offline", model=None, template_hash=None,
        ladder_name="default", ladder_version="1", content={},
        sections=[("summary", "Summary", text)],
    )  # fmt: skip


def test_an_edit_at_the_threshold_passes_and_one_word_less_does_not(ws: Workspace) -> None:
    draft = _drafted(ws, " ".join(f"word{i}" for i in range(40)))  # needs 6 at 0.15
    words_ = [f"word{i}" for i in range(40)]
    five = [f"mine{i}" if i < 5 else w for i, w in enumerate(words_)]
    edit_section(ws.repo, draft.id, "summary", " ".join(five))
    with pytest.raises(ExportBlocked, match=r"summary: changed 5 of 40 words \(12%\), needs 6"):
        require_exportable(ws.repo, draft.id, "edit")
    six = [f"mine{i}" if i < 6 else w for i, w in enumerate(words_)]
    edit_section(ws.repo, draft.id, "summary", " ".join(six))
    assert require_exportable(ws.repo, draft.id, "edit").edited == ["summary"]
    # a stricter company setting asks for more
    assert gate_status(ws.repo, draft.id, "edit", min_edit=0.5).untouched == ["summary"]


def test_leaving_the_outline_banner_keeps_the_section_untouched(ws: Workspace) -> None:
    drafted = LABEL + " Rewrite every section.\n\n" + TWENTY
    draft = _drafted(ws, drafted)
    mine = LABEL + "\n\nAna led the March incident review and rewrote the runbook herself."
    edit_section(ws.repo, draft.id, "summary", mine)
    size = gate_status(ws.repo, draft.id).sizes["summary"]
    assert size.banner and size.changed >= size.needed
    with pytest.raises(ExportBlocked, match="banner is still in place"):
        require_exportable(ws.repo, draft.id, "edit")
    edit_section(ws.repo, draft.id, "summary", mine.replace(LABEL, ""))
    assert gate_status(ws.repo, draft.id).edited == ["summary"]


def test_edit_size_describes_what_is_missing() -> None:
    size = edit_size(TWENTY, TWENTY + " and one", 0.15)
    assert (size.changed, size.total, size.needed, size.enough) == (2, 20, 3, False)
    assert size.describe() == "changed 2 of 20 words (10%), needs 3"
