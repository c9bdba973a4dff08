"""Tests of the matcher evaluation: figures computed by hand on a tiny labelled set."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from feedback_writer.errors import UsageError
from feedback_writer.ladder.loader import parse_ladder
from feedback_writer.ladder.model import Ladder
from feedback_writer.mapping.evaluate import LabelledNote, evaluate, load_labelled
from feedback_writer.mapping.matcher import Match

LADDER = parse_ladder(
    """
name: tiny
levels: [{slug: l1, name: L1}, {slug: l2, name: L2}, {slug: l3, name: L3}]
areas: [{slug: all, name: All}]
competencies:
- {slug: a, name: A, area: all, levels: {l1: {expectations: [{slug: x, text: X}]},
                                         l3: {expectations: [{slug: z, text: Z}]}}}
- {slug: b, name: B, area: all, levels: {l2: {expectations: [{slug: y, text: Y}]}}}
- {slug: c, name: C, area: all, levels: {l1: {expectations: [{slug: w, text: W}]}}}
- {slug: d, name: D, area: all, levels: {l1: {expectations: [{slug: v, text: V}]}}}
""",
    "tiny.yaml",
)


class Scripted:
    """A stand-in matcher that answers from a table: text -> expectation ids."""

    def __init__(self, ladder: Ladder, answers: dict[str, list[str]], negative: set[str]):
        self.ladder = ladder
        self.answers = answers
        self.negative = negative

    def match(self, text: str, top_k: int = 5) -> list[Match]:
        out = []
        for rank, eid in enumerate(self.answers.get(text, [])[:top_k]):
            e = self.ladder.expectation(eid)
            pol = "negative" if text in self.negative else "positive"
            out.append(Match(eid, e.competency, e.level, 1.0 - rank / 10, pol))  # type: ignore[arg-type]
        return out


def test_figures_by_hand() -> None:
    notes = [
        # top-1 hit (a), level l1 vs label l2: within one; polarity right.
        LabelledNote("n1", "one", ["a"], "l2", "+"),
        # top-1 miss (b first), a is 2nd competency: top-3 hit; best a match is l3 vs l1: miss.
        LabelledNote("n2", "two", ["a"], "l1", "-"),
        # secondary competency accepted at top-1; level l2 == l2; polarity wrong.
        LabelledNote("n3", "three", ["c", "b"], "l2", "-"),
        # correct competency only 4th distinct: top-3 miss, still level within one (l1 vs l1).
        LabelledNote("n4", "four", ["d"], "l1", "+"),
        # evidence note left unmatched: counts as a miss everywhere.
        LabelledNote("n5", "five", ["a"], "l1", "+"),
        # no-evidence notes: one unmatched (good), one matched (bad).
        LabelledNote("n6", "six", [], None, None),
        LabelledNote("n7", "seven", [], None, None),
    ]
    answers = {
        "one": ["a.l1.x", "b.l2.y"],
        "two": ["b.l2.y", "a.l3.z", "a.l1.x"],
        "three": ["b.l2.y", "a.l1.x"],
        "four": ["a.l1.x", "b.l2.y", "c.l1.w", "d.l1.v"],
        "seven": ["c.l1.w"],
    }
    report = evaluate(Scripted(LADDER, answers, negative={"two"}), notes)
    assert report.n == 7
    assert report.evidence == 5
    assert report.top1 == pytest.approx(2 / 5)  # n1, n3
    assert report.top3 == pytest.approx(3 / 5)  # n1, n2, n3
    assert report.level_within_one == pytest.approx(3 / 5)  # n1, n3, n4
    assert report.no_evidence_total == 2
    assert report.no_evidence_unmatched == 1
    assert report.no_evidence_rate == pytest.approx(0.5)
    assert report.evidence_unmatched == 1
    assert report.polarity_accuracy == pytest.approx(3 / 4)  # n1, n2, n4 right; n3 wrong
    assert sorted(report.misses) == ["n2", "n4", "n5", "n7"]
    table = report.format_table()
    assert "competency top-1" in table and "0.400" in table and "1/2 (0.500)" in table
    assert report.to_dict()["top3"] == pytest.approx(0.6)


def test_load_labelled_reads_the_dev_format(tmp_path: Path) -> None:
    path = tmp_path / "notes.jsonl"
    rows = [
        {"id": "x1", "text": "Fixed it", "competencies": ["a"], "level": "l1", "polarity": "+"},
        {"id": "x2", "text": "On holiday", "competencies": [], "level": None, "polarity": None},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n")
    notes = load_labelled(path)
    assert [n.id for n in notes] == ["x1", "x2"]
    assert notes[0].competencies == ["a"] and notes[0].polarity == "+"
    assert not notes[1].has_evidence


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "invalid JSON"),
        ('["a list"]', "JSON object"),
        ('{"id": "q", "text": "", "competencies": []}', "'text'"),
        ('{"id": "q", "text": "t", "competencies": "a"}', "'competencies'"),
        ('{"id": "q", "text": "t", "competencies": [], "polarity": "?"}', "'polarity'"),
    ],
)
def test_load_labelled_names_file_and_line(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "bad.jsonl"
    good = '{"id": "ok", "text": "fine", "competencies": []}'
    path.write_text(good + "\n" + line + "\n")
    with pytest.raises(UsageError) as info:
        load_labelled(path)
    assert f"{path}:2:" in str(info.value)
    assert message in str(info.value)


def test_load_labelled_missing_file(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such labelled notes file"):
        load_labelled(tmp_path / "absent.jsonl")


def test_fixture_sets_load_and_are_big_enough() -> None:
    root = Path(__file__).resolve().parents[2] / "fixtures" / "eval"
    held = load_labelled(root / "heldout-default.jsonl")
    acme = load_labelled(root / "acme-heldout.jsonl")
    assert len(held) >= 80 and len(acme) >= 40
    no_ev = sum(1 for n in held if not n.has_evidence) / len(held)
    assert 0.15 <= no_ev <= 0.2
