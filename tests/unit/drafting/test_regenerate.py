"""regenerate_section: one section redrafted and added as a drafter version (no Textual).

The review gate must see the regenerated section as model text again, whatever a human did
to it before; the other sections and the draft itself stay as they were.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator

import pytest
import respx

from feedback_writer.drafting.regenerate import regenerate_section
from feedback_writer.drafting.service import create_draft
from feedback_writer.errors import NotFoundError
from feedback_writer.review.gate import gate_status
from feedback_writer.review.sections import approve, edit_section
from tests.unit.drafting.drafting_fakes import PERSON, World
from tests.unit.drafting.provider_fakes import (
    OPENAI_KEY,
    OPENAI_MODEL,
    OPENAI_URL,
    draft_answer,
    openai_sse,
    pieces_of,
)

SECTION = "competency:reliability"


@pytest.fixture
def router(monkeypatch: pytest.MonkeyPatch) -> Iterator[respx.MockRouter]:
    monkeypatch.setenv("OPENAI_API_KEY", OPENAI_KEY)
    for name in ("OPENAI_BASE_URL", "OPENAI_API_BASE"):
        monkeypatch.delenv(name, raising=False)
    from feedback_writer.llm._transport import litellm_module as _litellm

    _litellm().disable_aiohttp_transport = True
    with respx.mock(assert_all_mocked=True, assert_all_called=False) as mock:
        yield mock


def offline_draft(world: World) -> int:
    return create_draft(world.ctx, PERSON, level="mid").id


def test_offline_regenerate_restores_the_drafted_text_and_undoes_the_edit(world: World) -> None:
    repo = world.ctx.repo
    draft_id = offline_draft(world)
    drafted = repo.section(draft_id, SECTION).model_text
    edit_section(repo, draft_id, SECTION, "My own words about reliability.")
    assert gate_status(repo, draft_id).states[SECTION] == "edited"
    others = {s.key: s.human_text for s in repo.sections(draft_id) if s.key != SECTION}

    done = regenerate_section(world.ctx, draft_id, SECTION, force=True)

    assert done.changed and done.drafter == "offline-outline" and done.model is None
    section = repo.section(draft_id, SECTION)
    assert section.human_text == drafted == done.section.human_text
    assert gate_status(repo, draft_id).states[SECTION] == "untouched"
    last = repo.section_history(section.id)[-1]
    assert (last.actor, last.before, last.after) == (
        "drafter:offline-outline",
        "My own words about reliability.",
        drafted,
    )
    assert {s.key: s.human_text for s in repo.sections(draft_id) if s.key != SECTION} == others
    assert repo.latest_draft(PERSON).id == draft_id  # no new draft stored


def test_regenerate_after_an_edit_and_an_approval_is_untouched_under_both_policies(
    world: World,
) -> None:
    repo = world.ctx.repo
    draft_id = offline_draft(world)
    edit_section(repo, draft_id, SECTION, "Edited, then approved.")
    approve(repo, draft_id, SECTION)
    assert gate_status(repo, draft_id, "review").states[SECTION] == "edited"

    regenerate_section(world.ctx, draft_id, SECTION, force=True)

    for policy in ("edit", "review"):
        status = gate_status(repo, draft_id, policy)
        assert status.states[SECTION] == "untouched"
        assert SECTION in status.untouched and not status.allowed
    # A human edit afterwards counts again.
    edit_section(repo, draft_id, SECTION, "Reviewed once more.")
    assert gate_status(repo, draft_id).states[SECTION] == "edited"


def test_regenerating_an_untouched_section_offline_writes_nothing(world: World) -> None:
    repo = world.ctx.repo
    draft_id = offline_draft(world)
    section = repo.section(draft_id, SECTION)

    done = regenerate_section(world.ctx, draft_id, SECTION)

    assert not done.changed
    assert repo.section_history(section.id) == []
    assert gate_status(repo, draft_id).states[SECTION] == "untouched"


def test_unknown_draft_or_section_fails_before_any_model_call(
    world: World, router: respx.MockRouter
) -> None:
    route = router.post(OPENAI_URL).mock(return_value=openai_sse(["{}"]))
    draft_id = offline_draft(world)
    world.ctx.set_flag("model", OPENAI_MODEL)
    with pytest.raises(NotFoundError):
        regenerate_section(world.ctx, draft_id, "competency:nope")
    with pytest.raises(NotFoundError):
        regenerate_section(world.ctx, draft_id + 99, SECTION)
    assert route.call_count == 0


def test_model_regenerate_streams_and_replaces_only_that_section(
    world: World, router: respx.MockRouter
) -> None:
    repo = world.ctx.repo
    draft_id = offline_draft(world)
    edit_section(repo, draft_id, SECTION, "Edited by hand.")
    edit_section(repo, draft_id, "summary", "A summary written by hand.")
    answer = draft_answer(runbook_note=world.ids[0], incident_note=world.ids[1])
    text = json.dumps(answer)
    route = router.post(OPENAI_URL).mock(return_value=openai_sse(pieces_of(text, 30)))
    world.ctx.set_flag("model", OPENAI_MODEL)
    shown: list[str] = []
    status: list[str] = []

    done = regenerate_section(
        world.ctx, draft_id, SECTION, force=True, on_progress=status.append, on_text=shown.append
    )

    assert route.call_count == 1
    assert (done.drafter, done.model) == ("model", OPENAI_MODEL)
    so_far = list(itertools.accumulate(shown))
    assert len(so_far) > 3 and all(len(a) < len(b) for a, b in itertools.pairwise(so_far))
    assert f"{PERSON} rewrote the on-call runbook" in so_far[-1]
    assert status and status[-1].startswith(f"drafting with {OPENAI_MODEL}")
    section = repo.section(draft_id, SECTION)
    assert f"{PERSON} rewrote the on-call runbook" in section.human_text
    assert "PERSON_" not in section.human_text
    assert repo.section_history(section.id)[-1].actor == "drafter:model"
    states = gate_status(repo, draft_id).states
    assert states[SECTION] == "untouched"
    assert states["summary"] == "edited"  # the other sections keep the human's text
    assert repo.section(draft_id, "summary").human_text == "A summary written by hand."
    assert repo.latest_draft(PERSON).id == draft_id


def test_an_edited_section_needs_force_and_keeps_every_version(world: World) -> None:
    from feedback_writer.errors import ExportBlocked, UsageError
    from feedback_writer.review.export import render_export

    repo = world.ctx.repo
    draft_id = offline_draft(world)
    drafted = repo.section(draft_id, SECTION).model_text
    for s in repo.sections(draft_id):
        edit_section(repo, draft_id, s.key, "Rewritten entirely in my own words, by me.")
    with pytest.raises(UsageError, match="has human edits"):
        regenerate_section(world.ctx, draft_id, SECTION)
    assert repo.section(draft_id, SECTION).human_text.startswith("Rewritten entirely")

    regenerate_section(world.ctx, draft_id, SECTION, force=True)

    with pytest.raises(ExportBlocked) as info:
        render_export(repo, world.ctx.ladder, draft_id, "md")
    assert info.value.untouched == [SECTION]
    approve(repo, draft_id, SECTION)  # policy 'review' lets the JSON out to look at it
    data = json.loads(render_export(repo, world.ctx.ladder, draft_id, "json", policy="review"))
    section = next(s for s in data["sections"] if s["key"] == SECTION)
    assert section["model_text"] == drafted == section["human_text"]
    assert section["state"] == "approved"
    assert [(v["number"], v["kind"]) for v in section["versions"]] == [
        (1, "drafter"),
        (2, "human"),
        (3, "drafter"),
    ]
    assert section["versions"][1]["text"].startswith("Rewritten entirely")


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    from feedback_writer.cli import main

    capsys.readouterr()
    try:
        main(list(argv))
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_draft_section_needs_force_over_edits(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = world.ctx.repo
    draft_id = offline_draft(world)
    ws = str(world.ctx.workspace)
    edit_section(repo, draft_id, SECTION, "Rewritten entirely in my own words, by me.")
    base = ("draft", "--workspace", ws, "-p", PERSON, "--section", SECTION)
    code, _, err = _cli(capsys, *base, "--draft", str(draft_id))
    assert code == 2 and "has human edits" in err and "--force" in err
    code, out, err = _cli(capsys, *base, "--force")
    assert code == 0, err
    assert "## Reliability" in out and f"draft {draft_id}: version 3" in err
    assert repo.section(draft_id, SECTION).version == 3
    code, _, err = _cli(capsys, *base, "--section", "competency:nope")
    assert code == 2 and "no section 'competency:nope'" in err
    code, _, err = _cli(capsys, "draft", "--workspace", ws, "-p", PERSON, "--force")
    assert code == 2 and "--section" in err
