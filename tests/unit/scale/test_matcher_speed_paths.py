"""The matcher's fast paths give the same answers as the plain ones (no timing here)."""

from __future__ import annotations

from feedback_writer.mapping._text import default_lexicon, find_phrases, tokens
from feedback_writer.mapping.classifier import LinearModel, features, token_features
from feedback_writer.mapping.matcher import Match
from feedback_writer.mapping.results import NoteMapping


def test_token_features_are_the_features_of_the_text():
    lex = default_lexicon()
    text = "Rewrote the on-call runbook after the outage; didn't wait for the 2 reviews"
    assert token_features(tokens(text), lex) == features(text, lex)


def test_logits_add_each_row_in_order():
    model = LinearModel(["a", "b"], {"x": [1.0, -2.0], "y": [0.5, 0.25]}, [0.1, 0.2])
    assert model.logits({"x": 0.5, "y": 2.0, "unknown": 1.0}) == [
        0.1 + 1.0 * 0.5 + 0.5 * 2.0,
        0.2 + -2.0 * 0.5 + 0.25 * 2.0,
    ]
    assert model.logits({}) == [0.1, 0.2] and model.logits({}) is not model.bias


def test_find_phrases_with_and_without_starts_agree():
    lex = default_lexicon()
    toks = tokens("we had to revert the release and went down for an hour")
    table = lex.outcome_cues
    assert find_phrases(toks, table, lex.starts["outcome_cues"]) == find_phrases(toks, table)
    assert find_phrases(["zzz"], table, lex.starts["outcome_cues"]) == []


def test_map_json_of_a_match_is_its_fields_by_name():
    m = Match("execution.mid.x", "execution", "mid", 0.5, "positive")
    assert NoteMapping("n1", "t", [m]).to_json()["matches"] == [
        {
            "expectation_id": "execution.mid.x",
            "competency": "execution",
            "level": "mid",
            "score": 0.5,
            "polarity": "positive",
        }
    ]


def test_frozen_logits_are_the_plain_loop_exactly():
    rows = {"x": [0.1, -0.7, 0.3], "y": [1e-3, 2.5, -0.2], "z": [0.3, 0.3, 0.3]}
    plain = LinearModel(["a", "b", "c"], rows, [0.05, -0.1, 0.0])
    frozen = LinearModel(["a", "b", "c"], rows, [0.05, -0.1, 0.0], frozen=True)
    for feats in ({"x": 0.57735, "y": 0.57735, "z": 0.57735}, {"z": 1.0, "q": 1.0}, {}):
        for _ in range(2):  # the second time from the kept rows
            assert frozen.logits(feats) == plain.logits(feats)
    assert frozen.logits({}) is not frozen.bias
