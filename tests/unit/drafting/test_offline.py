"""Offline drafter: polarity, calibration rules, guidance, labelling, storage, no litellm."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest

from feedback_writer.drafting.offline import LABEL, NAME, OfflineDrafter, _Tally, calibrate
from feedback_writer.drafting.service import create_draft, prepare
from feedback_writer.errors import UsageError
from tests.unit.drafting.drafting_fakes import PERSON, World


def test_strengths_and_growth_follow_polarity(world: World) -> None:
    request = prepare(world.ctx, PERSON, level="mid", target="senior").request
    draft = OfflineDrafter().draft(request).draft
    blocks = {b.competency: b for b in draft.competencies}
    reliability = blocks["reliability"]
    assert {p.kind for p in reliability.points} == {"strength"}
    assert sorted(n for p in reliability.points for n in p.note_ids) == world.ids[:2]
    delivery = blocks["delivery"]
    assert [p.kind for p in delivery.points] == ["growth"]
    assert delivery.points[0].note_ids == [world.ids[2]]
    # Peer notes are summarised apart, never as the manager's points.
    assert "leadership" not in blocks
    assert draft.peer_input is not None
    assert [p.note_ids for p in draft.peer_input.highlights] == [[world.ids[3]]]


def test_guidance_comes_from_the_next_level_and_skips_shown_expectations(world: World) -> None:
    ladder = world.ctx.ladder
    request = prepare(world.ctx, PERSON, level="mid").request
    draft = OfflineDrafter().draft(request).draft
    block = next(b for b in draft.competencies if b.competency == "reliability")
    ids = [i for g in block.next_level_guidance for i in g.expectation_ids]
    assert ids
    assert all(ladder.expectation(i).level == "senior" for i in ids)
    assert all(ladder.expectation(i).competency == "reliability" for i in ids)


def test_calibration_rules() -> None:
    def tally(pos: int, neg: int, above: int, at: bool = True) -> _Tally:
        t = _Tally()
        t.positive_notes = {f"p{i}" for i in range(pos)}
        t.negative_notes = {f"q{i}" for i in range(neg)}
        t.at_or_above = set(t.positive_notes) if at else set()
        t.above = {f"e{i}" for i in range(above)}
        return t

    assert calibrate(tally(1, 0, 0), "mid").rating == "insufficient-evidence"
    assert calibrate(tally(1, 2, 0), "mid").rating == "below"
    assert calibrate(tally(2, 0, 2), "mid").rating == "exceeds"
    assert calibrate(tally(2, 1, 2), "mid").rating == "meets"  # a negative blocks exceeds
    assert calibrate(tally(3, 0, 1), "mid").rating == "meets"
    assert calibrate(tally(3, 0, 0, at=False), "mid").rating == "insufficient-evidence"


def test_stored_draft_is_labelled_as_an_outline_with_citations(world: World) -> None:
    record = create_draft(world.ctx, PERSON, level="mid", target="senior")
    assert record.drafter == NAME
    sections = world.ctx.repo.sections(record.id)
    keys = [s.key for s in sections]
    assert keys[0] == "summary" and "competency:reliability" in keys and keys[-1] == "peer-input"
    assert LABEL in sections[0].model_text
    text = world.ctx.repo.section(record.id, "competency:reliability").model_text
    assert f"[{world.ids[0]}; reliability.mid.improves-runbooks]" in text
    assert "Calibration against Mid:" in text
    person = world.ctx.repo.get_person(PERSON)
    assert (person.current_level, person.target_level) == ("mid", "senior")


def test_window_and_exclusions(world: World) -> None:
    prepared = prepare(
        world.ctx, PERSON, level="mid", since=dt.date(2026, 1, 15), exclude=[world.ids[2]]
    )
    assert [n.id for n in prepared.request.notes] == [world.ids[1], *world.ids[3:]]
    world.ctx.repo.start_cycle(PERSON, "H1", dt.date(2026, 2, 1), dt.date(2026, 6, 30))
    default = prepare(world.ctx, PERSON)
    assert [n.id for n in default.request.notes] == world.ids[2:]


def test_refuses_without_confirmed_evidence_unless_given_a_threshold(world: World) -> None:
    repo = world.ctx.repo
    for m in repo.mappings_for_person(PERSON):
        repo.set_mapping(m.note_id, m.expectation_id, "suggested")
    with pytest.raises(UsageError) as caught:
        prepare(world.ctx, PERSON, level="mid")
    assert caught.value.exit_code == 2
    assert "evidence accept" in str(caught.value) and "--threshold" in str(caught.value)
    prepared = prepare(world.ctx, PERSON, level="mid", threshold=0.0)
    assert prepared.request.evidence
    assert any("unconfirmed" in w for w in prepared.warnings)


def test_offline_path_never_imports_litellm(world: World) -> None:
    code = (
        "import sys\n"
        "from feedback_writer.context import AppContext\n"
        "from feedback_writer.drafting.service import create_draft\n"
        f"ctx = AppContext(workspace={str(world.ctx.workspace)!r})\n"
        f"create_draft(ctx, {PERSON!r}, level='mid')\n"
        "from feedback_writer.cli.demo_cmd import setup_demo\n"
        "setup_demo(ctx)\n"
        "assert 'litellm' not in sys.modules, 'litellm imported'\n"
        "assert 'textual' not in sys.modules, 'textual imported'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_a_draft_reads_the_person_cycle_notes_and_mappings_once(world: World, monkeypatch) -> None:
    # Calls the service makes; the repository's own calls to itself are not counted.
    repo = world.ctx.repo
    calls: list[str] = []
    depth = [0]
    names = ("get_person", "update_person", "current_cycle", "list_notes", "mappings_for_person")
    for name in names:
        original = getattr(repo, name)

        def counted(*args, _name=name, _original=original, **kwargs):
            if depth[0] == 0:
                calls.append(_name)
            depth[0] += 1
            try:
                return _original(*args, **kwargs)
            finally:
                depth[0] -= 1

        monkeypatch.setattr(repo, name, counted)
    prepared = prepare(world.ctx, PERSON, level="mid")  # saving the level is one write
    assert calls == [
        "get_person", "update_person", "current_cycle", "list_notes", "mappings_for_person",
    ]  # fmt: skip
    assert prepared.subject.name == prepared.request.person == PERSON
