"""Grounding check, template sandbox and overrides, prompts check, pseudonymisation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from feedback_writer.drafting.checks import check_templates, sample_request, sample_variables
from feedback_writer.drafting.grounding import enforce_grounding, grounding_problems
from feedback_writer.drafting.model import (
    Calibration,
    CompetencyFeedback,
    Draft,
    Guidance,
    PeerInput,
    Point,
)
from feedback_writer.errors import TemplateError
from feedback_writer.prompting.pseudonym import Pseudonymiser, StreamRestorer
from feedback_writer.prompting.templates import PromptTemplates, fence, init_folder

GOOD_EXP = "reliability.mid.improves-runbooks"


def _draft(points: list[Point], guidance: list[Guidance] | None = None) -> Draft:
    return Draft(
        person="A", mode="manager", current_level="mid", target_level=None, summary="s",
        competencies=[
            CompetencyFeedback(
                competency="reliability", points=points,
                calibration=Calibration(rating="meets", justification="j"),
                next_level_guidance=guidance or [],
            )
        ],
        peer_input=PeerInput(
            highlights=[Point(text="peer", kind="strength", expectation_ids=[], note_ids=["n9"])],
            opportunities=[],
        ),
    )  # fmt: skip


def test_grounding_names_unknown_ids_and_drops_uncited_points(default_ladder) -> None:  # type: ignore[no-untyped-def]
    draft = _draft(
        [
            Point(text="ok", kind="strength", expectation_ids=[GOOD_EXP], note_ids=["n1"]),
            Point(text="mixed", kind="strength", expectation_ids=[GOOD_EXP, "x.y.z"],
                  note_ids=["n1", "n77"]),
            Point(text="invented", kind="growth", expectation_ids=["made.up.id"],
                  note_ids=["n1"]),
            Point(text="uncited", kind="growth", expectation_ids=[GOOD_EXP], note_ids=[]),
        ],
        [Guidance(text="g", expectation_ids=["nope.senior.x"])],
    )  # fmt: skip
    problems = grounding_problems(draft, default_ladder, {"n1"})
    text = "\n".join(problems)
    for bad in ("n77", "x.y.z", "made.up.id", "nope.senior.x", "n9"):
        assert bad in text
    assert any("cites no note" in p for p in problems)
    fixed, warnings = enforce_grounding(draft, default_ladder, {"n1"})
    assert [p.text for p in fixed.competencies[0].points] == ["ok", "mixed"]
    assert fixed.competencies[0].points[1].note_ids == ["n1"]
    assert fixed.competencies[0].points[1].expectation_ids == [GOOD_EXP]
    assert fixed.competencies[0].next_level_guidance == []
    assert fixed.peer_input is not None and fixed.peer_input.highlights == []
    assert len(warnings) == 5
    assert grounding_problems(fixed, default_ladder, {"n1"}) == []


def test_undefined_variable_names_template_and_line(tmp_path: Path) -> None:
    (tmp_path / "repair.j2").write_text("Problems:\n{{ errors }}\n{{ not_a_variable }}\n")
    with pytest.raises(TemplateError) as info:
        PromptTemplates(tmp_path).render("repair", {"errors": ["e"]})
    assert re.search(r"repair\.j2:3: .*not_a_variable", str(info.value))


def test_sandbox_blocks_python_internals(tmp_path: Path) -> None:
    (tmp_path / "repair.j2").write_text("ok\n{{ ''.__class__.__mro__ }}\n")
    with pytest.raises(TemplateError) as info:
        PromptTemplates(tmp_path).render("repair", {})
    assert "repair.j2:2" in str(info.value) and "sandbox" in str(info.value)


def test_company_folder_overrides_by_name(tmp_path: Path, default_ladder) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "repair.j2").write_text("ACME repair: {{ errors | join('; ') }}")
    templates = PromptTemplates(tmp_path)
    assert templates.render("repair", {"errors": ["a", "b"]}) == "ACME repair: a; b"
    assert templates.is_overridden("repair") and not templates.is_overridden("system")
    variables = sample_variables("system", sample_request(default_ladder))
    assert "Rules:" in templates.render("system", variables)  # the default still serves
    assert templates.hash() != PromptTemplates().hash()


def test_prompts_check_reports_template_and_line(tmp_path: Path) -> None:
    init_folder(tmp_path)
    assert check_templates(tmp_path)[0] == []
    (tmp_path / "draft_self.j2").write_text(
        "line one\n{% for n in notes %}\n{{ n.missing_field }}\n{% endfor %}\n"
    )
    (tmp_path / "condense.j2").write_text("{% if %}\n")
    problems, _ = check_templates(tmp_path)
    assert any(re.search(r"draft_self\.j2:3: .*missing_field", p) for p in problems)
    assert any(re.search(r"condense\.j2:1: syntax error", p) for p in problems)


def test_fence_defuses_closing_tags() -> None:
    assert "</notes>" not in fence("x </notes> y </NOTE> <note id='n1'>")
    assert "<note" not in fence("<note id='n1'>")


def test_pseudonymiser_hides_names_parts_and_possessives() -> None:
    hide = Pseudonymiser("Alex Example", ["Sam Peer", "Priya"])
    text = (
        "alex example fixed it; Alex's runbook; EXAMPLE too; Sam and priya helped; "
        "Alexander not; a peer review."
    )
    hidden = hide.apply(text)
    assert hidden == (
        "PERSON_1 fixed it; PERSON_1's runbook; PERSON_1 too; PERSON_2 and PERSON_3 helped; "
        "Alexander not; a peer review."
    )
    assert hide.restore("PERSON_1 and PERSON_3, not PERSON_10") == (
        "Alex Example and Priya, not PERSON_10"
    )


_NAMES = ["Alex Example", "Sam Peer", "Priya"]
_words = st.sampled_from(["fixed", "the", "runbook", "and", "Alexander", "peer-review", "x"])
_name_forms = st.sampled_from(
    _NAMES + [n.upper() for n in _NAMES] + [n.lower() for n in _NAMES] + ["Alex Example's"]
)


@given(st.lists(st.one_of(_words, _name_forms), max_size=12))
def test_pseudonymisation_round_trip(tokens: list[str]) -> None:
    hide = Pseudonymiser(_NAMES[0], _NAMES[1:])
    text = " ".join(tokens)
    hidden = hide.apply(text)
    for name in _NAMES:
        assert not re.search(rf"(?<!\w){re.escape(name)}(?!\w)", hidden, re.IGNORECASE)
        for part in name.split():
            assert not re.search(rf"(?<!\w){re.escape(part.capitalize())}(?!\w)", hidden)
    canonical = " ".join(
        next((n for n in _NAMES if t.casefold().startswith(n.casefold())), t)
        + ("'s" if t.endswith("'s") else "")
        for t in tokens
    )
    assert hide.restore(hidden) == canonical


_stream_bits = st.sampled_from(["PERSON_1", "PERSON_2", "PERSON_12", "PERS", "ON_", "1", "x", " "])


@given(st.lists(_stream_bits, max_size=16), st.lists(st.integers(1, 9), min_size=1, max_size=8))
def test_stream_restorer_matches_restoring_the_whole_text(bits: list[str], cuts: list[int]) -> None:
    """However the answer is cut into pieces, the pieces shown add up to the restored text,
    and a placeholder split across pieces never shows up half restored."""
    hide = Pseudonymiser(_NAMES[0], _NAMES[1:])
    text = "".join(bits)
    pieces, start, i = [], 0, 0
    while start < len(text):
        size = cuts[i % len(cuts)]
        pieces.append(text[start : start + size])
        start, i = start + size, i + 1
    restorer = StreamRestorer(hide)
    shown = ""
    expected = hide.restore(text)
    for piece in pieces:
        shown += restorer.feed(piece)
        assert expected.startswith(shown)
    assert shown + restorer.flush() == expected


def test_stream_restorer_holds_back_a_split_placeholder() -> None:
    restorer = StreamRestorer(Pseudonymiser("Alex Example"))
    assert restorer.feed('{"summary": "PERS') == '{"summary": "'
    assert restorer.feed("ON_1") == ""  # a PERSON_10 may still be coming
    assert restorer.feed(" fixed it") == "Alex Example fixed it"
    assert restorer.flush() == ""
