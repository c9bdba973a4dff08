"""Tests of the learned competency re-ranker: training, the shipped data file, ladder keying."""

from __future__ import annotations

from pathlib import Path

import pytest

from feedback_writer.ladder.loader import load_ladder
from feedback_writer.mapping._text import default_lexicon
from feedback_writer.mapping.classifier import (
    Reranker,
    features,
    ladder_key,
    reranker_for,
    train_logistic,
)
from feedback_writer.mapping.matcher import Matcher, MatcherOptions

REPO = Path(__file__).resolve().parents[3]
DEFAULT = REPO / "ladder" / "default.yaml"

SYNTHETIC = [
    ("migrated the orders table and added an index to the schema", "data"),
    ("wrote the schema migration for the events table", "data"),
    ("sharded the database ahead of the launch", "data"),
    ("paired with the new hire every afternoon and reviewed her first PRs", "mentoring"),
    ("coached two juniors through their first on-call week", "mentoring"),
    ("ran weekly 1:1s with the intern and set goals together", "mentoring"),
]


def _trained() -> Reranker:
    lex = default_lexicon()
    samples = [(features(text, lex), label, 1.0) for text, label in SYNTHETIC]
    model = train_logistic(samples, ["data", "mentoring"], epochs=40)
    return Reranker("synthetic", model, fusion_weight=0.5)


def test_trained_model_ranks_the_right_class() -> None:
    rr, lex = _trained(), default_lexicon()
    probs = rr.model.probabilities(features("added an index to the payments table", lex))
    assert max(probs, key=probs.__getitem__) == "data"
    probs = rr.model.probabilities(features("coached the new hire through reviews", lex))
    assert max(probs, key=probs.__getitem__) == "mentoring"


def test_fusion_reorders_competencies_and_keeps_the_best_score() -> None:
    rr, lex = _trained(), default_lexicon()
    rr.fusion_weight = 0.9
    # The matcher prefers "data" slightly; the classifier is sure of "mentoring".
    scored = [(0, 1.0), (1, 0.95)]
    out = rr.rerank(
        "coached two juniors and paired with the intern", lex, scored, ["data", "mentoring"]
    )
    best = max(out, key=lambda p: p[1])
    assert best[0] == 1
    assert best[1] == pytest.approx(1.0)
    assert dict(out)[0] < 1.0


def test_json_round_trip() -> None:
    rr = _trained()
    back = Reranker.from_json(rr.to_json())
    text_feats = features("sharded the database", default_lexicon())
    assert back.model.classes == rr.model.classes
    assert back.model.probabilities(text_feats)["data"] == pytest.approx(
        rr.model.probabilities(text_feats)["data"], abs=1e-3
    )


def test_shipped_model_loads_for_the_default_ladder() -> None:
    ladder = load_ladder(DEFAULT)
    rr = reranker_for(ladder)
    assert rr is not None
    assert rr.ladder == ladder_key(ladder)
    assert rr.model.classes == [c.slug for c in ladder.competencies]
    assert "heldout-default" in rr.trained_on and "Not trained on" in rr.trained_on
    assert Matcher(ladder).reranker is rr


def test_model_is_keyed_to_its_ladder() -> None:
    acme = load_ladder(REPO / "tests" / "fixtures" / "ladders" / "acme-nosignals.yaml")
    assert reranker_for(acme) is None
    assert Matcher(acme).reranker is None
    default = load_ladder(DEFAULT)
    assert ladder_key(acme) != ladder_key(default)
    # The same ladder matched texts-only, or with re-ranking switched off, is not re-ranked.
    assert Matcher(default, options=MatcherOptions(ladder_hints=False)).reranker is None
    assert Matcher(default, options=MatcherOptions(rerank=False)).reranker is None


def test_a_renamed_or_reshaped_default_ladder_gets_no_model() -> None:
    from feedback_writer.ladder.model import Ladder

    spec = load_ladder(DEFAULT).spec
    renamed = Ladder(spec.model_copy(update={"name": "acme-default"}))
    assert reranker_for(renamed) is None
    fewer = Ladder(spec.model_copy(update={"competencies": spec.competencies[:-1]}))
    assert reranker_for(fewer) is None
