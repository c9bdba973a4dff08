"""The default ladder is the seed's framework; ladder files validate with located errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from feedback_writer.cli import cli
from feedback_writer.errors import LadderError
from feedback_writer.ladder.loader import ladder_json_schema, load_ladder, parse_ladder
from feedback_writer.ladder.model import CellStatus
from feedback_writer.paths import default_ladder_path

READING = Path(__file__).resolve().parents[2] / "fixtures" / "ladder-reading.md"  # copy of shared/
SLUGS = [
    "ai",
    "product",
    "leadership",
    "code-quality",
    "reliability",
    "data",
    "communication",
    "delivery",
    "ownership",
]


def _reading_phrases() -> list[str]:
    """Every expectation phrase in ../shared/ladder-reading.md (items split on ' · ')."""
    text = READING.read_text()
    body = text.split("## Expectations", 1)[1].split("## Notes for the data model", 1)[0]
    phrases = []
    for line in body.splitlines():
        m = re.match(r"- (junior|mid|senior|lead|principal)(?: \*\(.*?\)\*)?: (.*)$", line)
        if m and not m.group(2).startswith("No requirement") and not m.group(2).startswith("*("):
            phrases += [p.strip() for p in m.group(2).split(" · ")]
    return phrases


def test_default_ladder_keeps_every_seed_phrase_unchanged(default_ladder):
    texts = {e.text for e in default_ladder.expectations}
    phrases = _reading_phrases()
    assert len(phrases) > 100
    missing = [p for p in phrases if p not in texts]
    assert missing == []
    assert len(texts) == len(phrases)


def test_default_ladder_shape(default_ladder):
    assert default_ladder.level_slugs == ["junior", "mid", "senior", "lead", "principal"]
    assert [c.slug for c in default_ladder.competencies] == SLUGS
    assert default_ladder.has_expectation("reliability.mid.improves-runbooks")
    assert default_ladder.level("senior").tagline == "Technical Team Lead"


def test_lost_cell_and_no_requirement_stay_distinct(default_ladder):
    assert default_ladder.cell("leadership", "junior").status is CellStatus.NO_REQUIREMENT
    assert default_ladder.cell("communication", "mid").status is CellStatus.LOST
    assert default_ladder.cell("ai", "junior").status is CellStatus.RESTORED
    assert default_ladder.expectations_at("junior", "leadership") == []


def test_levels_are_cumulative(default_ladder):
    upto_mid = default_ladder.expectations_up_to("mid", "reliability")
    assert {e.level for e in upto_mid} == {"junior", "mid"}
    assert len(upto_mid) == 7
    nxt = default_ladder.next_level_expectations("mid", "reliability")
    assert [e.level for e in nxt] == ["senior"] * 3
    assert default_ladder.next_level("principal") is None
    assert default_ladder.next_level_expectations("principal") == []


def test_ladder_show_json_lists_levels_competencies_and_ids():
    result = CliRunner().invoke(cli, ["ladder", "show", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [lv["slug"] for lv in data["levels"]] == ["junior", "mid", "senior", "lead", "principal"]
    assert [c["slug"] for c in data["competencies"]] == SLUGS
    ids = [e["id"] for e in data["expectations"]]
    assert len(ids) == len(set(ids)) == 126
    assert {
        "id": "reliability.mid.improves-runbooks",
        "competency": "reliability",
        "level": "mid",
        "text": "Improves runbooks",
    } in data["expectations"]


def test_show_level_filter_and_markdown():
    result = CliRunner().invoke(cli, ["ladder", "show", "--format", "md", "--level", "junior"])
    assert result.exit_code == 0
    assert "Improves runbooks" not in result.output
    assert "Contributes to incidents" in result.output
    bad = CliRunner().invoke(cli, ["ladder", "show", "--level", "wizard"])
    assert bad.exit_code == 2


GOOD = """\
name: tiny
levels:
  - {slug: one, name: One}
  - {slug: two, name: Two}
areas:
  - {slug: craft, name: Craft}
competencies:
  - slug: testing
    name: Testing
    area: craft
    levels:
      one:
        expectations:
          - {slug: writes-tests, text: Writes tests}
"""


def test_yaml_syntax_error_names_file_and_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(GOOD.replace("  - {slug: two, name: Two}", "  - {slug: two, name: Two"))
    with pytest.raises(LadderError) as err:
        load_ladder(bad)
    assert len(err.value.problems) == 1
    assert re.match(rf"{re.escape(str(bad))}:\d+: YAML syntax error", err.value.problems[0])


def test_semantic_errors_name_field_path_and_line():
    text = (
        GOOD
        + """\
  - slug: testing
    name: Again
    area: nowhere
    levels:
      three:
        expectations:
          - {slug: x, text: "  "}
"""
    )
    with pytest.raises(LadderError) as err:
        parse_ladder(text, "company.yaml")
    problems = err.value.problems
    assert any(
        "company.yaml:21: competencies[1].levels.three.expectations[0].text" in p for p in problems
    ), problems
    text2 = GOOD.replace("- {slug: two, name: Two}", "- {slug: one, name: Two}")
    with pytest.raises(LadderError) as err2:
        parse_ladder(text2, "c.yaml")
    assert err2.value.problems == ["c.yaml:4: levels[1].slug: duplicate slug 'one' (2 times)"]
    text3 = GOOD.replace("area: craft\n", "area: nowhere\n").replace("      one:", "      three:")
    with pytest.raises(LadderError) as err3:
        parse_ladder(text3, "c.yaml")
    joined = "\n".join(err3.value.problems)
    assert "c.yaml:10: competencies[0].area: unknown area 'nowhere'" in joined
    assert "unknown level 'three'" in joined


def test_duplicate_expectation_ids_rejected():
    text = GOOD + "          - {slug: writes-tests, text: Writes more tests}\n"
    with pytest.raises(LadderError, match=r"duplicate expectation id 'testing.one.writes-tests'"):
        parse_ladder(text, "c.yaml")


def test_validate_command_exit_2_one_line_per_problem_no_traceback(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("levels: [\n")
    result = CliRunner().invoke(cli, ["ladder", "validate", str(bad)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    good = tmp_path / "good.yaml"
    good.write_text(GOOD)
    ok = CliRunner().invoke(cli, ["ladder", "validate", str(good)])
    assert ok.exit_code == 0 and "valid ladder 'tiny'" in ok.output


def test_json_ladder_loads(tmp_path):
    import yaml

    p = tmp_path / "l.json"
    p.write_text(json.dumps(yaml.safe_load(GOOD)))
    assert load_ladder(p).expectation("testing.one.writes-tests").text == "Writes tests"


def test_schema_is_generated_from_models_and_validates_default():
    schema = ladder_json_schema()
    assert schema["title"] == "feedback-writer ladder"
    assert {"levels", "areas", "competencies"} <= set(schema["required"])
    result = CliRunner().invoke(cli, ["ladder", "schema"])
    assert json.loads(result.output)["properties"].keys() == schema["properties"].keys()


def test_ladder_flag_on_any_command_uses_company_ladder(tmp_path):
    p = tmp_path / "tiny.yaml"
    p.write_text(GOOD)
    result = CliRunner().invoke(cli, ["ladder", "show", "--format", "json", "--ladder", str(p)])
    assert json.loads(result.output)["name"] == "tiny"
    result = CliRunner().invoke(cli, ["--ladder", str(p), "ladder", "show", "--format", "json"])
    assert json.loads(result.output)["name"] == "tiny"


def test_configured_ladder_is_used(tmp_path, monkeypatch):
    p = tmp_path / "tiny.yaml"
    p.write_text(GOOD)
    cfg = tmp_path / "config.toml"
    cfg.write_text(f'ladder = "{p}"\n')
    monkeypatch.setenv("FEEDBACK_WRITER_CONFIG", str(cfg))
    result = CliRunner().invoke(cli, ["ladder", "show", "--format", "json"])
    assert json.loads(result.output)["name"] == "tiny"


def test_ladder_init_copies_default(tmp_path):
    result = CliRunner().invoke(cli, ["ladder", "init", str(tmp_path / "acme")])
    assert result.exit_code == 0
    copied = load_ladder(tmp_path / "acme" / "ladder.yaml")
    assert len(copied.expectations) == 126
    again = CliRunner().invoke(cli, ["ladder", "init", str(tmp_path / "acme")])
    assert again.exit_code == 2


_TEXTS_ONLY = """
name: texts-only
levels: [{slug: one, name: One}, {slug: two, name: Two}]
areas: [{slug: all, name: All}]
competencies:
- slug: people
  name: People
  area: all
  levels:
    one: {expectations: [{slug: helps-peers, text: Helps peers and answers questions}]}
    two: {expectations: [{slug: resolves-conflict, text: Settles conflicts constructively}]}
"""


def test_validate_tells_a_texts_only_ladder_that_hints_are_borrowed(tmp_path):
    p = tmp_path / "texts.yaml"
    p.write_text(_TEXTS_ONLY)
    result = CliRunner().invoke(cli, ["ladder", "validate", str(p)])
    assert result.exit_code == 0, result.output
    assert "no signals or examples" in result.output
    assert f"ladder show --borrowed --ladder {p}" in result.output
    default = CliRunner().invoke(cli, ["ladder", "validate", str(default_ladder_path())])
    assert default.exit_code == 0 and "borrow" not in default.output


def test_show_borrowed_lists_default_lenders_per_expectation(tmp_path, default_ladder):
    p = tmp_path / "texts.yaml"
    p.write_text(_TEXTS_ONLY)
    result = CliRunner().invoke(cli, ["ladder", "show", "--borrowed", "--ladder", str(p)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    at = lines.index("people.two.resolves-conflict  Settles conflicts constructively")
    lenders = [ln.strip()[3:] for ln in lines[at + 1 :] if ln.startswith("    <- ")]
    assert lenders and all(default_ladder.has_expectation(i) for i in lenders)
    own = CliRunner().invoke(cli, ["ladder", "show", "--borrowed"])
    assert own.exit_code == 0 and "borrows no hints" in own.output
