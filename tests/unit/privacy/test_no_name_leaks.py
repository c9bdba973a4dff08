"""Every path that sends text to a model hides every name in every form.

One workspace, notes full of the forms a hostile tester used (e-mail addresses, joined
names, lower case, accents, peer authors), and a company ``condense.j2`` that prints the
author itself. Each path (a model draft with condensing, regenerating a section,
model-assisted mapping) goes to a strict respx mock; no request body may hold a name.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import jinja2
import pytest
import respx

from feedback_writer.context import AppContext
from feedback_writer.notes.model import AuthorKind, ParsedNote

OPENAI_URL = "https://api.openai.com/v1/chat/completions"
MODEL = "gpt-4o-mini"
PERSON = "Alex Kim"
RUNBOOK = "reliability.mid.improves-runbooks"
NAMES = [PERSON, "Priya", "Bo Lee", "Tomás Rivera"]
NOTES = [
    ("alex.kim@example.com rewrote the on-call runbook; AlexKim's fix held.", None),
    ("3 PRs from Tomás waited >4 days; alex pinged bo.lee@ and priya.", None),
    ("Paired with alex_kim on the migration, PRIYA joined. BoLee reviewed.", "Tomás Rivera"),
    ("Bo Lee's review of Alex's runbook: kim-alex did well. tomas agreed.", "Bo Lee"),
]
CONDENSE = (
    "Shorten each note. Author forms: {% for n in notes %}{{ n.author | upper }} "
    "{{ (n.author or '') | replace(' ', '') }} {{ (n.author or '') | lower }}\n{% endfor %}"
    '{% for n in notes %}<note id="{{ n.id }}">{{ n.text | oneline | fence }}</note>\n'
    "{% endfor %}"
)


def _forms(name: str) -> list[re.Pattern[str]]:
    """Patterns for a name in any form: each part (any case, inside CamelCase too),
    joined parts, and accent-free spellings."""
    parts = name.split()
    out = []
    for part in parts + [p.replace("á", "a") for p in parts]:
        out.append(re.compile(rf"(?<![^\W_]){re.escape(part)}(?![^\W_])", re.IGNORECASE))
        out.append(re.compile(rf"(?<=[a-z]){re.escape(part)}"))  # fixedByAlex
        out.append(re.compile(rf"{re.escape(part)}(?=[A-Z])"))  # AlexKim
    return out


LEAKS = [p for name in NAMES for p in _forms(name)]


def strings(data: Any) -> Iterator[str]:
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for v in data.values():
            yield from strings(v)
    elif isinstance(data, list):
        for v in data:
            yield from strings(v)


def leaks(route: respx.Route) -> list[str]:
    found = []
    for call in route.calls:
        for text in strings(json.loads(call.request.content)):
            found += [f"{p.pattern} in {text[:80]!r}" for p in LEAKS if p.search(text)]
    return found


def _completion(content: str) -> httpx.Response:
    return httpx.Response(
        200,
        json={
            "id": "c1",
            "object": "chat.completion",
            "created": 1,
            "model": MODEL,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content},
                    "finish_reason": "stop",
                }
            ],
            "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
        },
    )


def _draft(note_id: str) -> dict[str, Any]:
    point = {
        "text": "Person_1 rewrote the runbook with person_3",
        "kind": "strength",
        "expectation_ids": [RUNBOOK],
        "note_ids": [note_id],
    }
    return {
        "person": "PERSON_1",
        "mode": "manager",
        "current_level": "mid",
        "target_level": None,
        "summary": "PERSON_1 made on-call calmer.",
        "competencies": [
            {
                "competency": "reliability",
                "points": [point],
                "calibration": {"rating": "meets", "justification": "one note"},
                "next_level_guidance": [],
            }
        ],
        "peer_input": None,
    }


def answer(request: httpx.Request) -> httpx.Response:
    body = json.loads(request.content)
    user = next(m["content"] for m in body["messages"] if m["role"] == "user")
    if "Shorten each note" in user:
        ids = re.findall(r'<note id="(n\d+)">', user)
        return _completion("\n".join(f"{i}: PERSON_1 did it" for i in ids))
    if '<note id="N' in user:
        keys = re.findall(r'<note id="(N\d+)">', user)
        notes = [{"note": k, "no_evidence": True, "expectations": []} for k in keys]
        return _completion(json.dumps({"notes": notes}))
    note_id = re.findall(r"\bn\d+\b", user)[0]
    return _completion(json.dumps(_draft(note_id)))


@pytest.fixture
def ctx(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppContext]:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-leaks-0123456789")
    for name in ("OPENAI_BASE_URL", "OPENAI_API_BASE"):
        monkeypatch.delenv(name, raising=False)
    prompts = tmp_path / "prompts"
    prompts.mkdir()
    (prompts / "condense.j2").write_text(CONDENSE, encoding="utf-8")
    flags = {"model": MODEL, "pseudonymise": ["Priya"], "prompts_dir": str(prompts)}
    context = AppContext(workspace=str(tmp_path / "ws"), flags=flags)
    repo = context.repo
    repo.ensure_person(PERSON)
    repo.update_person(PERSON, current_level="mid")
    for i, (text, author) in enumerate(NOTES):
        kind = AuthorKind.PEER if author else AuthorKind.MANAGER
        note = repo.add_note(
            PERSON,
            ParsedNote(text=text, date=dt.date(2026, 1, 10 + i)),
            author_kind=kind,
            author_name=author,
        )
        repo.set_mapping(note.id, RUNBOOK, "accepted", polarity="positive", score=0.9)
    from feedback_writer.llm._transport import litellm_module as _litellm

    _litellm().disable_aiohttp_transport = True
    yield context
    repo.close()


@pytest.fixture
def route() -> Iterator[respx.Route]:
    with respx.mock(assert_all_mocked=True, assert_all_called=False) as router:
        yield router.post(OPENAI_URL).mock(side_effect=answer)


def test_the_leak_patterns_see_every_form() -> None:
    for text in [t for t, _ in NOTES]:
        assert any(p.search(text) for p in LEAKS)


def test_draft_with_condensing_and_regenerate_send_no_name(
    ctx: AppContext, route: respx.Route, monkeypatch: pytest.MonkeyPatch
) -> None:
    from feedback_writer.drafting.regenerate import regenerate_section
    from feedback_writer.drafting.service import create_draft
    from feedback_writer.llm.gateway import Gateway

    # A tiny context window: the notes are condensed first (the company condense.j2).
    monkeypatch.setattr(Gateway, "context_window", lambda self: 4100)
    record = create_draft(ctx, PERSON)
    bodies = [json.loads(c.request.content) for c in route.calls]
    assert any("Author forms" in json.dumps(b) for b in bodies)  # condensing was sent
    assert leaks(route) == []
    sections = "".join(s.model_text for s in ctx.repo.sections(record.id))
    stored = json.dumps(record.content, ensure_ascii=False) + sections
    assert "PERSON_" not in stored.upper().replace("PERSON_INPUT", "")
    assert "Alex Kim rewrote the runbook with Tomás Rivera" in stored

    before = route.call_count
    regenerate_section(ctx, record.id, "competency:reliability")
    assert route.call_count > before
    assert leaks(route) == []


def test_assisted_mapping_sends_no_name(ctx: AppContext, route: respx.Route) -> None:
    from feedback_writer.mapping.service import suggest_configured

    run = suggest_configured(ctx.repo, ctx.ladder, PERSON, ctx.settings)
    assert route.call_count >= 1 and run.source == "model"
    assert leaks(route) == []


def test_condensed_prompt_hides_template_values() -> None:
    from feedback_writer.drafting.prompt import condense_notes
    from feedback_writer.prompting.pseudonym import Pseudonymiser
    from feedback_writer.prompting.templates import PromptTemplates

    hide = Pseudonymiser(PERSON, NAMES[1:])
    sent: list[str] = []

    def complete(messages: list[dict[str, Any]]) -> str:
        sent.extend(m["content"] for m in messages)
        return "n1: PERSON_1 did it"

    views = [{"id": "n1", "text": NOTES[2][0], "author": "Tomás Rivera", "author_kind": "peer"}]
    templates = PromptTemplates()
    templates.env.loader = jinja2.DictLoader({"condense.j2": CONDENSE})
    out = condense_notes(templates, views, complete, chunk_tokens=1000, hide=hide)
    assert out[0]["text"] == "PERSON_1 did it"
    assert "PERSON_4" in sent[0] and "PERSON_4PERSON_4" not in sent[0]
    assert not [p.pattern for p in LEAKS for s in sent if p.search(s)]
