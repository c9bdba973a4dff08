"""Rule files: shipped with sources and licences, overridable by a company folder, and
validated with messages that name the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from feedback_writer.quality import QualityRulesError, check_text, load_rules
from feedback_writer.quality.rules import RULE_FILES


def test_every_shipped_file_names_source_and_licence() -> None:
    rules = load_rules()
    assert set(rules.sources) == {"lexicon.yaml", *RULE_FILES}
    assert "slowe/genderbias" in rules.sources["schmader.yaml"]
    assert "MIT" in rules.sources["schmader.yaml"]


def test_company_file_replaces_the_shipped_one(tmp_path: Path) -> None:
    (tmp_path / "hype.yaml").write_text(
        "source: ours\nlicence: internal\nrules:\n"
        "  - id: hype.house\n    category: hype\n    terms: [crushed it]\n"
        "    message: \"'{match}' is hype\"\n",
        encoding="utf-8",
    )
    found = check_text("She crushed it. She spearheaded it.", rules_dir=tmp_path)
    assert [f.text for f in found if f.category == "hype"] == ["crushed it"]


def test_bad_company_file_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "trait.yaml").write_text(
        "source: x\nlicence: y\nrules:\n  - id: t\n    category: nope\n    terms: [no]\n"
        "    message: m\n",
        encoding="utf-8",
    )
    with pytest.raises(QualityRulesError) as err:
        load_rules(tmp_path)
    assert "trait.yaml" in str(err.value)


def test_missing_licence_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "vague.yaml").write_text("source: x\nrules: []\n", encoding="utf-8")
    with pytest.raises(QualityRulesError, match="licence"):
        load_rules(tmp_path)
