"""The Draft screen's text helpers: citations found in a section, and the diff."""

from __future__ import annotations

from feedback_writer.tui.widgets.section_view import cited_ids, diff_text


def test_cited_ids_in_order_and_unique() -> None:
    text = "- Led it (2026-01-12) [n3; reliability.mid.active-in-incidents]\n- Again [n3; n10]"
    notes, exps = cited_ids(text)
    assert notes == ["n3", "n10"]
    assert exps == ["reliability.mid.active-in-incidents"]


def test_diff_marks_removed_and_added_lines() -> None:
    body = diff_text("one\ntwo\n", "one\nthree\n")
    plain = body.plain.splitlines()
    assert "-two" in plain and "+three" in plain
    assert diff_text("same", "same").plain == ""
