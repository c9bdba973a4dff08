"""``evidence list`` shows each score's confidence band, and says "low confidence" plainly."""

from __future__ import annotations

import json

import pytest

from feedback_writer.context import AppContext
from feedback_writer.mapping import calibration
from feedback_writer.mapping.calibration import (
    Calibration,
    confidence_band,
    default_calibration,
    score_confidence,
)
from tests.unit.evidence_cli.evcli_data import PERSON, Run


def test_score_confidence_goes_through_the_calibration_map() -> None:
    low, high = score_confidence(0.2), score_confidence(0.99)
    assert low[0] == round(default_calibration()(0.2), 4)
    assert high[0] >= low[0]
    for score in (0.0, 0.3, 0.6, 0.8, 0.9, 1.0):
        p, band = score_confidence(score)
        assert band == confidence_band(p) and 0.0 <= p <= 1.0


def test_list_shows_the_band_beside_each_score(
    dana: AppContext, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A map under which a score of 0.2 is low (the shipped one may have no low region).
    monkeypatch.setattr(calibration, "default_calibration", lambda: Calibration((0, 1), (0, 1)))
    top = dana.repo.mappings_for_note("n1")[0].expectation_id
    dana.repo.set_mapping("n1", top, "accepted", score=0.2)
    stored = {
        (m.note_id, m.expectation_id): score_confidence(m.score)[1]
        for m in dana.repo.mappings_for_person(PERSON)
    }
    result = run("evidence", "list", "-p", PERSON)
    assert result.exit_code == 0, result.output
    note, shown = "", 0
    for line in result.output.splitlines():
        if not line.startswith(" "):
            note = line.split()[0]
            continue
        words = line.split()
        band = words[2]
        if band == "low":
            assert words[3] == "confidence", line
        expectation_id = words[5] if band == "low" else words[4]
        assert band == stored[(note, expectation_id)], line
        shown += 1
    assert shown == len(stored)
    assert f"accepted  0.20 low confidence + {top}" in result.output


def test_list_json_has_confidence_and_band(dana: AppContext, run: Run) -> None:
    dana.repo.set_mapping("n2", "ai.mid.writes-effective-prompts", "accepted")  # user-added
    result = run("evidence", "list", "-p", PERSON, "--format", "json")
    assert result.exit_code == 0, result.output
    rows = [m for note in json.loads(result.output) for m in note["mappings"]]
    for m in rows:
        if m["source"] == "user":
            assert m["confidence"] is None and m["band"] is None
        else:
            assert (m["confidence"], m["band"]) == score_confidence(m["score"])
    assert any(m["source"] == "user" for m in rows)
