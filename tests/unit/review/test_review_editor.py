"""The $EDITOR round trip: the review file's markers, strict parsing, recovery of edits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from feedback_writer.errors import ReviewFileError, UsageError
from feedback_writer.review.editor import (
    editor_command,
    parse_review_file,
    render_review_file,
    review_in_editor,
)
from feedback_writer.review.gate import gate_status
from feedback_writer.review.sections import apply_texts, edit_section
from feedback_writer.storage.records import DraftRecord, SectionRecord
from tests.unit.review.review_fixtures import MODEL_TEXTS, PERSON, Workspace

Run = Callable[..., tuple[int, str, str]]
MakeEditor = Callable[[str], Path]


def rendered(ws: Workspace) -> str:
    return render_review_file(ws.draft, ws.repo.sections(ws.draft.id))


def test_render_then_parse_gives_back_every_section(ws: Workspace, keys: list[str]) -> None:
    text = rendered(ws)
    assert "<!-- fw:section competency:ai -->" in text and "## Reliability" in text
    assert parse_review_file(text, keys, draft_id=ws.draft.id) == MODEL_TEXTS


def test_markdown_headings_inside_a_section_are_kept(ws: Workspace, keys: list[str]) -> None:
    text = rendered(ws).replace(MODEL_TEXTS["summary"], "### Overall\n\nGreat half.\n")
    assert parse_review_file(text, keys)["summary"] == "### Overall\n\nGreat half."


@pytest.mark.parametrize(
    ("mangle", "expected"),
    [
        (
            lambda t: t.replace("<!-- fw:end summary -->\n", ""),
            "'fw:section competency:reliability' starts before 'fw:end summary'",
        ),
        (
            lambda t: t.replace("<!-- fw:end summary -->", "<!-- fw:end summary"),
            "malformed marker '<!-- fw:end summary'",
        ),
        (
            lambda t: t.replace("<!-- fw:section peer-input -->\n", ""),
            "'fw:end peer-input' without a matching",
        ),
        (
            lambda t: t.replace("fw:section competency:ai ", "fw:section competency:delivery "),
            "unknown section 'competency:delivery'",
        ),
        (
            lambda t: t.replace("fw:draft 1 ", "fw:draft 7 "),
            "this file is for draft 7, not draft 1",
        ),
        (
            lambda t: t + "\nA thought I typed at the end.\n",
            "text outside any section would be lost",
        ),
        (
            lambda t: t + "<!-- fw:section summary -->\nx\n<!-- fw:end summary -->\n",
            "section 'summary' appears twice",
        ),
    ],
    ids=[
        "missing-end",
        "mangled",
        "missing-start",
        "unknown-key",
        "other-draft",
        "outside",
        "twice",
    ],
)
def test_bad_markers_are_refused_with_their_line(
    ws: Workspace, keys: list[str], mangle: Callable[[str], str], expected: str
) -> None:
    assert ws.draft.id == 1
    with pytest.raises(ReviewFileError) as info:
        parse_review_file(mangle(rendered(ws)), keys, draft_id=1, name="r.md")
    assert expected in str(info.value)
    assert "r.md:" in str(info.value)


def test_sections_out_of_order_are_refused(ws: Workspace, keys: list[str]) -> None:
    text = rendered(ws)
    a = text.index("<!-- fw:section summary -->")
    b = text.index("\n## Reliability")
    moved = text[:a] + text[b:] + "\n" + text[a:b]
    with pytest.raises(ReviewFileError, match="section 'competency:reliability' is out of order"):
        parse_review_file(moved, keys)


def test_a_removed_section_is_named(ws: Workspace, keys: list[str]) -> None:
    text = rendered(ws)
    start = text.index("<!-- fw:section competency:ai -->")
    end = text.index("<!-- fw:end competency:ai -->") + len("<!-- fw:end competency:ai -->")
    with pytest.raises(ReviewFileError, match=r"'<!-- fw:section competency:ai -->' is missing"):
        parse_review_file(text[:start] + text[end:], keys)


def test_editor_round_trip_applies_changed_sections_only(
    ws: Workspace, run_cli: Run, editor_script: MakeEditor
) -> None:
    reflowed = MODEL_TEXTS["competency:ai"].replace(" ", "  \n")
    editor_script(
        f"text = text.replace({MODEL_TEXTS['summary']!r}, 'A summary in my own words.')\n"
        f"text = text.replace({MODEL_TEXTS['competency:ai']!r}, {reflowed!r})\n"
        "path.write_text(text, encoding='utf-8')"
    )
    code, out, err = run_cli("review", "--person", PERSON)
    assert code == 0, err
    assert "saved your edits to: summary" in out
    assert "whitespace-only changes (not counted as edits): competency:ai" in out
    assert "still untouched" in out and "competency:reliability" in out
    summary = ws.repo.section(ws.draft.id, "summary")
    assert summary.human_text == "A summary in my own words."
    assert summary.model_text == MODEL_TEXTS["summary"]
    status = gate_status(ws.repo, ws.draft.id)
    assert status.edited == ["summary"]
    assert status.states["competency:ai"] == "untouched"
    assert ws.repo.section_history(ws.repo.section(ws.draft.id, "peer-input").id) == []
    assert not (ws.root / "review" / f"draft-{ws.draft.id}.md").exists()


def test_mangled_marker_keeps_the_edited_file_and_resume_applies_it(
    ws: Workspace, keys: list[str], run_cli: Run, editor_script: MakeEditor
) -> None:
    editor_script(
        "text = text.replace('Peers value', 'My long careful rewrite: peers value')\n"
        "text = text.replace('<!-- fw:end summary -->', '<!-- fw:end summary')\n"
        "path.write_text(text, encoding='utf-8')"
    )
    code, _, err = run_cli("review", "--person", PERSON)
    assert code == 2
    assert "malformed marker '<!-- fw:end summary'" in err
    assert "nothing was applied" in err and "Traceback" not in err
    kept = list((ws.root / "recovered").glob("draft-*.md"))
    assert len(kept) == 1 and str(kept[0]) in err
    assert "My long careful rewrite" in kept[0].read_text(encoding="utf-8")
    assert gate_status(ws.repo, ws.draft.id).edited == []  # nothing applied

    # Resume: the editor opens on the kept file; this one repairs the marker.
    editor_script(
        "text = text.replace('<!-- fw:end summary\\n', '<!-- fw:end summary -->\\n')\n"
        "path.write_text(text, encoding='utf-8')"
    )
    code, out, err = run_cli("review", "--person", PERSON, "--from", str(kept[0]))
    assert code == 0, err
    assert "saved your edits to: peer-input" in out
    assert ws.repo.section(ws.draft.id, "peer-input").human_text.startswith("My long careful")
    assert not kept[0].exists()  # applied, so the copy of the notes does not linger


def test_editor_failure_keeps_the_file(ws: Workspace, editor_script: MakeEditor) -> None:
    editor_script("path.write_text(text + 'half typed', encoding='utf-8'); sys.exit(3)")
    with pytest.raises(UsageError, match="editor exited with status 3") as info:
        review_in_editor(ws.repo, ws.root, ws.draft.id, command=editor_command())
    kept = next((ws.root / "recovered").glob("*.md"))
    assert str(kept) in str(info.value)
    assert kept.read_text(encoding="utf-8").endswith("half typed")


def test_a_left_over_working_file_is_kept_not_overwritten(
    ws: Workspace, editor_script: MakeEditor
) -> None:
    working = ws.root / "review" / f"draft-{ws.draft.id}.md"
    working.parent.mkdir(parents=True)
    working.write_text("typing from a session that was killed", encoding="utf-8")
    editor_script("pass")
    outcome = review_in_editor(ws.repo, ws.root, ws.draft.id, command=editor_command())
    assert any("earlier unfinished review file" in n for n in outcome.notices)
    kept = next((ws.root / "recovered").glob("*.md"))
    assert kept.read_text(encoding="utf-8") == "typing from a session that was killed"


def test_no_editor_applies_a_file_as_it_is(ws: Workspace, tmp_path: Path) -> None:
    edited = rendered(ws).replace(MODEL_TEXTS["competency:ai"], "- Built the eval harness.")
    source = tmp_path / "edited.md"
    source.write_text(edited, encoding="utf-8")
    outcome = review_in_editor(ws.repo, ws.root, ws.draft.id, source=source, open_editor=False)
    assert outcome.applied.changed == ["competency:ai"]
    assert source.exists()  # the user's own file is theirs to delete


def test_editor_command_prefers_visual_then_editor() -> None:
    assert editor_command({"VISUAL": "code --wait", "EDITOR": "vi"}) == ["code", "--wait"]
    assert editor_command({"EDITOR": "nano -w"}) == ["nano", "-w"]


# Section texts a model or a person could write that look like (parts of) markers.
MARKERISH_TEXTS = {
    "marker-lines": "Before.\n<!-- fw:end summary -->\n<!-- fw:section growth -->\nAfter.",
    "starts-with-a-marker": "<!-- fw:section summary -->\nThe first line was a marker.",
    "ends-with-own-end": "Cut short here?\n<!-- fw:end summary -->",
    "other-sections": "<!-- fw:section competency:ai -->\nx\n<!-- fw:end competency:ai -->",
    "bare-word": "She closed the ticket tagged fw:end before the deadline.",
    "case-and-spacing": "FW: Draft of the plan; Fw:Section 2; <!--fw:draft 9-->",
    "already-escaped": "Write fw\\:end and fw\\\\:section in the template.",
    "backslashes-elsewhere": "C:\\fw\\ and fw\\\\ then fw:: and fwfw:x",
}


def set_text(ws: Workspace, key: str, text: str) -> None:
    """Store ``text`` as the section's current text without it counting as an edit."""
    edit_section(ws.repo, ws.draft.id, key, text, actor="model")


@pytest.mark.parametrize("tricky", MARKERISH_TEXTS.values(), ids=MARKERISH_TEXTS.keys())
def test_marker_like_section_text_round_trips_as_no_edit(
    ws: Workspace, keys: list[str], tricky: str
) -> None:
    set_text(ws, "summary", tricky)
    set_text(ws, "peer-input", tricky)  # the first and the last section
    texts = parse_review_file(rendered(ws), keys, draft_id=ws.draft.id)
    assert texts == {**MODEL_TEXTS, "summary": tricky, "peer-input": tricky}
    result = apply_texts(ws.repo, ws.draft.id, texts)
    assert result.unchanged == keys
    assert gate_status(ws.repo, ws.draft.id).edited == []


def test_edits_around_an_escaped_marker_keep_it(ws: Workspace, keys: list[str]) -> None:
    set_text(ws, "summary", "Our template ends with:\n<!-- fw:end summary -->\nThat is fine.")
    text = rendered(ws)
    assert "\n<!-- fw\\:end summary -->\n" in text  # visible to the human, not a marker
    edited = text.replace("Our template ends with:", "The template she wrote ends with:")
    edited = edited.replace("That is fine.", "I added a fw\\:section tag and fw\\\\: too.")
    texts = parse_review_file(edited, keys)
    assert texts["summary"] == (
        "The template she wrote ends with:\n<!-- fw:end summary -->\n"
        "I added a fw:section tag and fw\\: too."
    )
    assert apply_texts(ws.repo, ws.draft.id, texts).changed == ["summary"]


def test_a_marker_unescaped_by_hand_inside_a_section_is_still_refused(
    ws: Workspace, keys: list[str]
) -> None:
    set_text(ws, "summary", "Intro.\n<!-- fw:end summary -->\nOutro.")
    text = rendered(ws)
    assert "<!-- fw\\:end summary -->" in text
    with pytest.raises(ReviewFileError, match="'fw:end summary' without a matching"):
        parse_review_file(text.replace("fw\\:end summary", "fw:end summary"), keys)
    with pytest.raises(ReviewFileError, match=r"malformed marker 'Outro\. fw:end'"):
        parse_review_file(text.replace("Outro.", "Outro. fw:end"), keys)


def test_an_unedited_review_of_marker_like_text_changes_nothing(
    ws: Workspace, run_cli: Run, editor_script: MakeEditor
) -> None:
    tricky = MARKERISH_TEXTS["marker-lines"] + "\n" + MARKERISH_TEXTS["bare-word"]
    set_text(ws, "summary", tricky)
    editor_script("pass")
    code, out, err = run_cli("review", "--person", PERSON)
    assert code == 0, err
    assert "no section changed" in out
    assert ws.repo.section(ws.draft.id, "summary").human_text == tricky
    assert gate_status(ws.repo, ws.draft.id).edited == []
    assert not (ws.root / "recovered").exists()


def _section(key: str, position: int, text: str) -> SectionRecord:
    return SectionRecord(
        id=position + 1,
        draft_id=1,
        key=key,
        title=f"{key} fw:end",  # titles are escaped too, though never read back
        position=position,
        model_text=text,
        human_text=text,
        edited_at=None,
        approved_at=None,
    )


# Pieces of markers and of the escape, glued at random. Line breaks are "\n" only: the
# file is read with universal newlines and parsed with splitlines(), which the escape
# does not cover.
_PIECES = st.sampled_from(
    [
        *["fw", "FW", "fW", ":", "\\", "\\\\", "<!--", "-->", " ", "\t", "\n"],
        *["fw:", "<!-- FW:End", "Fw\\:", "fw\\\\:"],
        *["<!-- fw:end summary -->", "<!-- fw:section growth -->"],
        *["section", "END", "draft", "summary", "growth", "x"],
    ]
)
_SECTION_TEXT = st.lists(
    _PIECES | st.text(alphabet="fFwW:\\<!-> \nsectiondra", max_size=6), max_size=30
).map("".join)


def _draft(person: str = PERSON) -> DraftRecord:
    return DraftRecord(
        id=1,
        person=person,
        mode="manager",
        drafter="offline",
        model=None,
        template_hash=None,
        ladder_name="default",
        ladder_version="1",
        created_at=dt.datetime.now(dt.UTC),
        content={},
    )


@settings(max_examples=300)
@given(first=_SECTION_TEXT, second=_SECTION_TEXT)
def test_any_section_text_round_trips_exactly(first: str, second: str) -> None:
    draft = _draft()
    sections = [_section("summary", 0, first), _section("growth", 1, second)]
    texts = parse_review_file(render_review_file(draft, sections), ["summary", "growth"])
    # Leading and trailing whitespace is not kept (apply_texts ignores it too).
    assert texts == {"summary": first.strip(), "growth": second.strip()}


@pytest.mark.parametrize("person", ["Ana --> Bo", "fw:end summary", "<!-- fw:draft 9 -->"])
def test_a_person_name_cannot_break_the_header(person: str) -> None:
    draft = _draft(person)
    sections = [_section("summary", 0, "Led the outage review.")]
    texts = parse_review_file(render_review_file(draft, sections), ["summary"], draft_id=1)
    assert texts == {"summary": "Led the outage review."}
