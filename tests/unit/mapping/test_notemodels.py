"""Tests of the learned note models: evidence-or-not and polarity, their data file, and how the
matcher uses them (and falls back to its cues without them)."""

from __future__ import annotations

from pathlib import Path

import pytest

from feedback_writer.ladder.loader import load_ladder
from feedback_writer.mapping.classifier import LinearModel, ladder_key, train_logistic
from feedback_writer.mapping.matcher import Matcher, MatcherOptions
from feedback_writer.mapping.notemodels import (
    BinaryModel,
    NoteModels,
    cue_features,
    default_note_models,
)

REPO = Path(__file__).resolve().parents[3]
DEFAULT = REPO / "ladder" / "default.yaml"
ACME = REPO / "tests" / "fixtures" / "ladders" / "acme-nosignals.yaml"

EVIDENCE = "Led the incident review for the payments outage and wrote the postmortem"


def _one_word_model(word: str, positive_class: str, other: str, weight: float) -> BinaryModel:
    """A model that says ``positive_class`` exactly when the note has ``word`` (a stem)."""
    model = LinearModel([other, positive_class], {word: [-weight, weight]}, [2.0, -2.0])
    return BinaryModel(model, positive_class, 0.5)


def test_cue_features_name_each_verdict_and_the_score_band() -> None:
    feats = cue_features(
        score=0.73, negative=True, non_work=False, prospective=True, rescheduling=False
    )
    assert feats == {"@score:7": 1.0, "@cue:negative": 1.0, "@cue:prospective": 1.0}
    top = cue_features(
        score=1.0, negative=False, non_work=True, prospective=False, rescheduling=True
    )
    assert top == {
        "@score:9": 1.0,
        "@cue:positive": 1.0,
        "@cue:non-work": 1.0,
        "@cue:rescheduling": 1.0,
    }


def test_evidence_model_leaves_a_note_unmatched() -> None:
    ladder = load_ladder(DEFAULT)
    matcher = Matcher(ladder)
    assert matcher.match(EVIDENCE)
    gate = _one_word_model("postmortem", "none", "evidence", 10)
    # Keyed to its ladder: a model trained for another ladder judges nothing here.
    matcher.note_models = NoteModels(gate, None, evidence_ladder="another-ladder@1#0")
    assert matcher.match(EVIDENCE)
    matcher.note_models = NoteModels(gate, None, evidence_ladder=ladder_key(ladder))
    assert matcher.match(EVIDENCE) == []
    assert matcher.match("Led the incident review for the payments outage")
    # It weakens the note rather than removing it: with no threshold it is still listed.
    weak = Matcher(ladder, min_score=0.0)
    weak.note_models = matcher.note_models
    assert 0 < weak.match(EVIDENCE)[0].score < matcher.min_score


def test_a_feature_can_set_its_own_threshold() -> None:
    model = _one_word_model("revert", "negative", "positive", 1.0)
    model.thresholds_given = {"@cue:negative": 0.01}
    # P(negative) is about 0.02 without "revert": under 0.5, over the cue's own 0.01.
    assert model.decides({"@cue:negative": 1.0, "other": 1.0})
    assert not model.decides({"other": 1.0})


def test_polarity_model_decides_polarity() -> None:
    matcher = Matcher(load_ladder(DEFAULT))
    matcher.note_models = None
    assert matcher.match(EVIDENCE)[0].polarity == "positive"
    matcher.note_models = NoteModels(
        None, _one_word_model("postmortem", "negative", "positive", 10)
    )
    assert {m.polarity for m in matcher.match(EVIDENCE)} == {"negative"}
    # The cue verdict is a feature the model can read.
    cue_led = NoteModels(None, _one_word_model("@cue:negative", "negative", "positive", 10))
    matcher.note_models = cue_led
    assert matcher.match(EVIDENCE)[0].polarity == "positive"
    assert (
        matcher.match("had to revert the payments deploy, customers were double charged")[
            0
        ].polarity
        == "negative"
    )


def test_trained_models_learn_from_labelled_notes() -> None:
    matcher = Matcher(load_ladder(DEFAULT))
    notes = [
        ("1:1 agenda: conference budget and goals for Q3", "none"),
        ("agenda for next week: budget review, offsite planning", "none"),
        ("reminder: book the room for thursday's planning", "none"),
        ("wrote the runbook for the search cluster and ran the failover drill", "evidence"),
        ("fixed the flaky payments test and added a regression test", "evidence"),
        ("reviewed four PRs for the billing export with clear suggestions", "evidence"),
    ]
    samples = [(matcher.judgement_features(t), label, 1.0) for t, label in notes]
    model = BinaryModel(train_logistic(samples, ["evidence", "none"], epochs=60), "none", 0.5)
    assert model.decides(matcher.judgement_features("agenda: budget and room booking"))
    assert not model.decides(matcher.judgement_features("wrote the failover runbook"))


def test_json_round_trip() -> None:
    models = NoteModels(
        _one_word_model("agenda", "none", "evidence", 3.0),
        _one_word_model("revert", "negative", "positive", 2.0),
        "comment",
    )
    back = NoteModels.from_json(models.to_json())
    assert back.comment == "comment"
    assert back.evidence is not None and back.polarity is not None
    assert back.evidence.model.weights == {"agenda": [-3.0, 3.0]}
    assert back.polarity.thresholds_given == {}
    assert (back.evidence.positive_class, back.evidence.threshold) == ("none", 0.5)
    assert back.polarity.model.classes == ["positive", "negative"]


def test_shipped_models_load_and_say_what_they_were_trained_on() -> None:
    models = default_note_models()
    assert models is not None and models.evidence is not None and models.polarity is not None
    assert "heldout-default" in models.comment and "Not trained on" in models.comment
    assert 0.0 < models.evidence.threshold < 1.0
    default = load_ladder(DEFAULT)
    assert models.evidence_for(ladder_key(default)) is models.evidence
    assert Matcher(default).note_models is models
    # The polarity model reads no score and serves every ladder; the evidence model does not.
    acme = load_ladder(ACME)
    assert Matcher(acme).note_models is models
    assert models.evidence_for(ladder_key(acme)) is None
    assert not any(f.startswith("@score") for f in models.polarity.model.weights)
    off = MatcherOptions(note_models=False)
    assert Matcher(default, options=off).note_models is None


@pytest.mark.parametrize(
    "text",
    [
        "1:1 agenda: promo packet timeline, conference budget, draft Q3 goals.",
        "Can someone from the mobile team join Thursday's design crit? We need an engineer there.",
    ],
)
def test_shipped_evidence_model_leaves_logistics_unmatched(text: str) -> None:
    assert Matcher(load_ladder(DEFAULT)).match(text) == []


def test_without_the_data_file_the_cues_decide(monkeypatch: pytest.MonkeyPatch) -> None:
    import feedback_writer.mapping.notemodels as nm

    monkeypatch.setattr(nm, "DATA_FILE", REPO / "no-such-note-models.json")
    nm.default_note_models.cache_clear()
    try:
        assert nm.default_note_models() is None
        matcher = Matcher(load_ladder(DEFAULT))
        assert matcher.note_models is None
        assert matcher.match(EVIDENCE)
    finally:
        nm.default_note_models.cache_clear()
