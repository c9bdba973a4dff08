"""The learned checks (``quality/learned.py``): features, the data file, and how a model
combines with the rules (threshold: flag without a rule; veto: drop a rule's finding)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from feedback_writer.quality import check_text
from feedback_writer.quality.engine import run_rules
from feedback_writer.quality.learned import (
    CategoryModel,
    Models,
    combine,
    features,
    load_models,
    paragraphs,
    parse_models,
)
from feedback_writer.quality.rules import QualityRulesError, load_rules


def test_features_words_pairs_mode_rules_and_classes() -> None:
    feats = features("Ana cut 40 tickets.", "self", ["vague.phrase"], ["evidence"])
    assert {"u:ana", "u:cut", "u:0", "b:cut_0", "b:<s>_ana", "m:self"} <= feats
    assert {"r:vague.phrase", "c:vague", "k:evidence", "n:digit"} <= feats


def test_shipped_models_have_source_licence_and_known_categories() -> None:
    models = load_models()
    assert models.categories
    assert "MIT" in models.source
    for cat, model in models.categories.items():
        assert model.category == cat
        assert model.message and model.suggestion
        assert model.threshold is None or 0 < model.threshold < 1


def test_a_data_file_without_source_or_with_an_unknown_category_is_refused() -> None:
    with pytest.raises(QualityRulesError, match="source"):
        parse_models({"licence": "MIT", "categories": {}}, "x.json")
    with pytest.raises(QualityRulesError, match="unknown category"):
        parse_models(
            {"source": "s", "licence": "l", "categories": {"nope": {"weights": {}}}}, "x.json"
        )


def _vague_model(threshold: float | None = 0.5, veto: float | None = None) -> Models:
    model = CategoryModel(
        "vague",
        -2.0,
        {"u:great": 3.0, "k:evidence": -4.0},
        threshold,
        veto,
        "'{match}' is vague.",
        "Say what happened.",
    )
    return Models({"vague": model}, ("evidence",), "test (MIT)")


def test_threshold_adds_a_finding_on_the_highest_scoring_sentence() -> None:
    text = "She helps. Ana is a great teammate."
    rules = load_rules(None)
    out = combine(_vague_model(), rules, text, "manager", None, [])
    assert [(f.rule, f.text) for f in out] == [("vague.learned", "Ana is a great teammate.")]
    f = out[0]
    assert text[f.start : f.end] == f.text
    assert f.message == "'Ana is a great teammate.' is vague."
    assert set(f.as_dict()) == {"rule", "category", "start", "end", "text", "message", "suggestion"}


def test_below_threshold_adds_nothing_and_no_threshold_never_flags() -> None:
    rules = load_rules(None)
    assert combine(_vague_model(), rules, "Ana cut 40 tickets in May.", "manager", None, []) == []
    assert combine(_vague_model(None), rules, "A great teammate.", "manager", None, []) == []


def test_veto_drops_a_rule_finding_the_model_finds_unlikely() -> None:
    rules = load_rules(None)
    text = "Great job."
    found = run_rules(rules, text, "manager", None)
    assert {f.category for f in found} == {"vague"}
    kept = combine(_vague_model(veto=0.1), rules, text, "manager", None, found)
    assert kept == found  # p is high: the rule's finding stays
    weak = Models({"vague": CategoryModel("vague", -9.0, {}, None, 0.5)}, (), "t")
    assert combine(weak, rules, text, "manager", None, found) == []


def test_lines_are_scored_apart() -> None:
    text = "Ana cut 40 tickets in May.\n\nAna is a great teammate."
    assert paragraphs(text) == [(0, 26), (28, len(text))]
    assert paragraphs("- one\n- two") == [(0, 5), (6, 11)]
    out = combine(_vague_model(), load_rules(None), text, "manager", None, [])
    assert [f.start for f in out] == [28]


def test_a_company_learned_json_replaces_the_shipped_models(tmp_path: Path) -> None:
    doc = {"source": "acme", "licence": "internal", "classes": [], "categories": {}}
    (tmp_path / "learned.json").write_text(json.dumps(doc), "utf-8")
    assert load_models(tmp_path).categories == {}
    text = "Great job this year."
    assert {f.rule for f in check_text(text, rules_dir=tmp_path)} == {"vague.phrase"}


def test_a_broken_company_learned_json_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "learned.json").write_text("{not json", "utf-8")
    with pytest.raises(QualityRulesError, match="invalid JSON"):
        load_models(tmp_path)


@pytest.mark.parametrize(
    "line",
    [
        "**Growth areas**",
        "## Delivery",
        "_Peer input: summarised from peer notes._",
        "A great one.",
    ],
)
def test_headings_emphasis_and_short_lines_are_never_flagged_by_a_model(line: str) -> None:
    always = CategoryModel("vague", 9.0, {}, 0.5, None, "m", "s")
    models = Models({"vague": always}, (), "t")
    assert combine(models, load_rules(None), line, "manager", None, []) == []


def test_a_class_of_unless_excuses_a_line_from_a_model_only_flag() -> None:
    always = CategoryModel("no-next-step", 9.0, {}, 0.5, None, "m", "s", ("next_step",))
    models = Models({"no-next-step": always}, ("next_step",), "t")
    rules = load_rules(None)
    assert combine(models, rules, "Ana missed the deadline by a week.", "manager", None, [])
    text = "Ana missed the deadline; next sprint she will split the work."
    assert combine(models, rules, text, "manager", None, []) == []


def test_a_model_with_requires_flags_only_when_one_of_its_classes_is_present() -> None:
    always = CategoryModel("team-credit", 9.0, {}, 0.5, None, "m", "s", (), ("team_results",))
    models = Models({"team-credit": always}, ("team_results",), "t")
    rules = load_rules(None)
    text = "The platform team shipped the new billing pipeline in March."
    assert combine(models, rules, text, "manager", None, [])
    assert (
        combine(models, rules, "Zeynep is on a team that owns billing.", "manager", None, []) == []
    )


def test_requires_naming_an_unknown_class_is_an_error(tmp_path: Path) -> None:
    entry = {"bias": 0.0, "weights": {}, "threshold": 0.5, "requires": ["nope"]}
    doc = {"source": "a", "licence": "b", "classes": [], "categories": {"team-credit": entry}}
    (tmp_path / "learned.json").write_text(json.dumps(doc), "utf-8")
    with pytest.raises(QualityRulesError, match="nope"):
        load_models(tmp_path)
