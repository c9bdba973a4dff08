"""Pilot tests of the Draft screen's findings panel: checked after an edit, off the UI
thread; ``f`` selects the highlighted finding's span, or applies a direct replacement."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import OptionList, TextArea

from feedback_writer.context import AppContext
from feedback_writer.review.export import Finding
from feedback_writer.tui.app import make_app
from feedback_writer.tui.widgets.draft.findings import FindingsPanel, locate, replacement
from feedback_writer.tui.widgets.virtual_table import VirtualTable
from tests.helpers.tui import wait_for_autosave, wait_for_workers

SIZE = (100, 30)
TYPED = "Ana is abrasive in code reviews; next quarter she will ask questions first. "


async def _edit_summary(pilot: Pilot[Any], text: str) -> FindingsPanel:
    """Draft offline, type ``text`` over the summary, save, back to the section list."""
    await pilot.press("4", "g")
    await wait_for_workers(pilot)
    await pilot.press("enter", "f7")  # into the editor, select all: a real rewrite
    await pilot.press(*["space" if c == " " else c for c in text])
    await wait_for_autosave(pilot)
    await wait_for_workers(pilot)
    await pilot.press("escape")
    await wait_for_workers(pilot)
    return pilot.app.screen.query_one(FindingsPanel)


def _highlight(panel: FindingsPanel, category: str) -> Finding:
    index = next(i for i, f in enumerate(panel.findings) if f.category == category)
    panel.query_one(OptionList).highlighted = index
    return panel.findings[index]


@pytest.mark.usefixtures("confirmed")
async def test_a_trait_word_is_found_and_f_selects_it(seeded: AppContext) -> None:
    app = make_app(seeded, person="Ana")
    async with app.run_test(size=SIZE) as pilot:
        panel = await _edit_summary(pilot, TYPED)
        assert panel.key == "summary"
        trait = _highlight(panel, "trait")
        assert trait.text == "abrasive" and trait.suggestion
        await pilot.pause()
        assert "names a trait" in str(panel.query_one("#findings-detail").render())
        await pilot.press("f")
        await pilot.pause()
        editor = app.screen.query_one("#section-text", TextArea)
        assert editor.has_focus and editor.selected_text == "abrasive"
        assert editor.text.startswith(TYPED)  # advice only: nothing replaced
        assert any("trait" in n.message for n in app._notifications)


@pytest.mark.usefixtures("confirmed")
async def test_f_applies_a_direct_replacement(seeded: AppContext, tmp_path: Path) -> None:
    folder = tmp_path / "acme"
    folder.mkdir()
    (folder / "trait.yaml").write_text(
        "source: acme\nlicence: internal\nrules:\n"
        "  - {id: acme.abrasive, category: trait, terms: [abrasive], message: a trait,\n"
        "     suggestion: \"Use 'direct'.\"}\n",
        encoding="utf-8",
    )
    seeded.settings.quality_rules_dir = str(folder)
    app = make_app(seeded, person="Ana")
    async with app.run_test(size=SIZE) as pilot:
        panel = await _edit_summary(pilot, TYPED)
        _highlight(panel, "trait")
        await pilot.press("f")
        await wait_for_autosave(pilot)
        await wait_for_workers(pilot)
        expected = TYPED.replace("abrasive", "direct")
        draft = seeded.repo.latest_draft("Ana")
        assert seeded.repo.section(draft.id, "summary").human_text.startswith(expected)
        assert not [f for f in panel.findings if f.category == "trait"]  # checked again


def test_locate_and_replacement() -> None:
    f = Finding("s", "m", "trait", "bossy", "Use 'firm'.", start=3, end=8)
    assert locate("He bossy", f) == (3, 8)
    assert locate("Now he is bossy", f) == (10, 15)  # moved: found again
    assert locate("gone", f) is None
    assert replacement(f) == "firm"
    assert replacement(Finding("s", "m", suggestion="Use neutral words.")) is None


async def test_notes_screen_shows_the_follow_up_question(seeded: AppContext) -> None:
    from feedback_writer.notes.model import ParsedNote
    from feedback_writer.quality import followup_question

    vague = "Great job this quarter."
    note_id = seeded.repo.add_note("Ana", ParsedNote(text=vague)).id
    specific = seeded.repo.list_notes("Ana")[0]  # "Led the incident review ..."
    assert followup_question(specific.text) is None
    app = make_app(seeded, person="Ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await wait_for_workers(pilot)
        table = app.screen.query_one("#notes-table", VirtualTable)
        box = app.screen.query_one("#note-followup")
        table.move_cursor(row=table.get_row_index(note_id))
        await pilot.pause()
        assert box.display
        assert str(box.render()) == f"? {followup_question(vague)}"
        table.move_cursor(row=table.get_row_index(specific.id))
        await pilot.pause()
        assert not box.display
