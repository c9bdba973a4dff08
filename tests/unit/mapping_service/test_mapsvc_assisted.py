"""Model-assisted mapping through the gateway, with the provider mocked by respx.

Every test runs inside ``respx.mock(assert_all_mocked=True)``: a request that is not
mocked fails instead of reaching OpenAI; litellm's aiohttp transport is off.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
import respx

from feedback_writer.llm.gateway import CallRecord, Gateway, ModelSettings
from feedback_writer.mapping import service
from feedback_writer.mapping.assisted import MappingAnswer, assisted_mapping

OPENAI_URL = "https://api.openai.com/v1/chat/completions"
FAKE_KEY = "sk-test-mapping-0123456789"
_NOTE = re.compile(r'<note id="(N\d+)">(.*?)</note>', re.S)


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", FAKE_KEY)
    monkeypatch.setenv("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    monkeypatch.setenv("DISABLE_AIOHTTP_TRANSPORT", "True")
    for name in ("OPENAI_BASE_URL", "OPENAI_API_BASE"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def router() -> Iterator[respx.MockRouter]:
    with respx.mock(assert_all_mocked=True, assert_all_called=False) as mock:
        yield mock


@pytest.fixture
def records() -> list[CallRecord]:
    return []


@pytest.fixture
def gateway(records: list[CallRecord]) -> Callable[..., Gateway]:
    def make(**settings: Any) -> Gateway:
        return Gateway(
            ModelSettings(model="gpt-4o-mini", **settings),
            log=records.append,
            sleep=lambda _seconds: None,  # retries without waiting
        )

    return make


def _ok(content: str) -> httpx.Response:
    return httpx.Response(
        200,
        json={
            "id": "chatcmpl-1",
            "object": "chat.completion",
            "created": 1,
            "model": "gpt-4o-mini",
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content},
                    "finish_reason": "stop",
                }
            ],
            "usage": {"prompt_tokens": 300, "completion_tokens": 40, "total_tokens": 340},
        },
    )


def _request(call: respx.models.Call) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(call.request.content)
    return body


def _notes_in(request: httpx.Request) -> dict[str, str]:
    """key (N1...) -> note text, read from the rendered prompt of the first user message."""
    body = json.loads(request.content)
    user = next(m["content"] for m in body["messages"] if m["role"] == "user")
    return {key: text for key, text in _NOTE.findall(user)}


Answer = Callable[[str], dict[str, Any]]


def _answering(by_text: Answer) -> Callable[[httpx.Request], httpx.Response]:
    """A provider that answers each note of the batch with ``by_text(note text)``."""

    def respond(request: httpx.Request) -> httpx.Response:
        notes = [
            {"note": key, **by_text(text)} for key, text in _notes_in(request).items()
        ]  # fmt: skip
        return _ok(json.dumps({"notes": notes}))

    return respond


def _choice(eid: str, confidence: float, polarity: str = "positive") -> dict[str, Any]:
    return {"expectation_id": eid, "polarity": polarity, "confidence": confidence}


NONE: dict[str, Any] = {"no_evidence": True, "expectations": []}


def _good(text: str) -> dict[str, Any]:
    if "outage" in text:
        return {"no_evidence": False, "expectations": [
            _choice("ops.l2.leads-incidents", 0.92), _choice("ops.l2.writes-runbooks", 0.41)
        ]}  # fmt: skip
    if "pager" in text:
        return {
            "no_evidence": False,
            "expectations": [_choice("ops.l1.joins-on-call", 0.8, "negative")],
        }
    if "mentored" in text.lower():
        return {"no_evidence": False, "expectations": [_choice("teaching.l2.mentors", 0.7)]}
    return NONE


def test_good_answer_is_stored_as_model_suggestions(
    ana, tiny_ladder, router: respx.MockRouter, gateway, records
) -> None:
    from feedback_writer.notes.model import ParsedNote

    ana.add_note("Ana", ParsedNote(text="Ana Lopez mentored Bo Chen through onboarding"))
    route = router.post(OPENAI_URL).mock(side_effect=_answering(_good))
    warnings: list[str] = []
    progress: list[tuple[int, int]] = []
    run = service.suggest(
        ana, tiny_ladder, "Ana", gateway=gateway(), names=["Bo Chen"],
        on_warning=warnings.append, on_progress=lambda d, t: progress.append((d, t)),
    )  # fmt: skip
    assert warnings == [] and run.warnings == []
    assert (run.source, run.model) == ("model", "gpt-4o-mini")
    assert route.call_count == 1  # six notes fit one batch
    assert progress[-1] == (6, 6)

    by_note = {r.note_id: r for r in run.results}
    assert [(m.expectation_id, m.score, m.polarity) for m in by_note["n1"].matches] == [
        ("ops.l2.leads-incidents", 0.92, "positive"),
        ("ops.l2.writes-runbooks", 0.41, "positive"),
    ]
    assert by_note["n1"].matches[0].competency == "ops"
    assert by_note["n1"].matches[0].level == "l2"
    assert by_note["n2"].matches == []  # the model said: no evidence
    assert by_note["n5"].matches[0].polarity == "negative"
    stored = ana.mappings_for_note("n1")
    assert {(m.expectation_id, m.source, m.status) for m in stored} == {
        ("ops.l2.leads-incidents", "model", "suggested"),
        ("ops.l2.writes-runbooks", "model", "suggested"),
    }
    assert ana.mappings_for_note("n2") == []

    # Structured output, the candidates as a shortlist, names replaced before sending.
    body = _request(route.calls[0])
    assert body["model"] == "gpt-4o-mini"
    assert body["response_format"]["type"] == "json_schema"
    sent = json.dumps(body["messages"])
    assert "ops.l2.leads-incidents: Leads incident response" in sent
    assert "Ana" not in sent and "Bo" not in sent and "Chen" not in sent
    assert "PERSON_1" in sent and "PERSON_2" in sent
    assert FAKE_KEY not in json.dumps(records[0].request)
    assert [r.purpose for r in records] == ["map"]


def test_unknown_ids_are_repaired_then_dropped(
    ana, tiny_ladder, router: respx.MockRouter, gateway
) -> None:
    def made_up(text: str) -> dict[str, Any]:
        if "outage" in text:
            return {"no_evidence": False, "expectations": [
                _choice("ops.l9.saves-the-day", 0.99), _choice("ops.l2.leads-incidents", 0.9)
            ]}  # fmt: skip
        return NONE

    route = router.post(OPENAI_URL).mock(side_effect=_answering(made_up))
    warnings: list[str] = []
    run = service.suggest(
        ana, tiny_ladder, "Ana", gateway=gateway(max_repairs=1), on_warning=warnings.append
    )
    # One repair turn naming the bad id, then the answer is taken and the id dropped.
    assert route.call_count == 2
    repair = _request(route.calls[1])["messages"]
    assert repair[-2]["role"] == "assistant" and "ops.l9.saves-the-day" in repair[-2]["content"]
    assert "'ops.l9.saves-the-day' is not an expectation id" in repair[-1]["content"]
    n1 = next(r for r in run.results if r.note_id == "n1")
    assert [m.expectation_id for m in n1.matches] == ["ops.l2.leads-incidents"]
    assert n1.source == "model"
    assert warnings == ["dropped 1 expectation id(s) the model made up (not in the ladder)"]
    assert {m.expectation_id for m in ana.mappings_for_note("n1")} == {"ops.l2.leads-incidents"}


def test_a_repair_that_fixes_the_answer(tiny_ladder, router: respx.MockRouter, gateway) -> None:
    answers = iter([
        {"notes": [{"note": "N1", "no_evidence": False,
                    "expectations": [_choice("teaching.l2.mentor", 0.8)]}]},
        {"notes": [{"note": "N1", "no_evidence": False,
                    "expectations": [_choice("teaching.l2.mentors", 0.8)]}]},
    ])  # fmt: skip
    route = router.post(OPENAI_URL).mock(side_effect=lambda _req: _ok(json.dumps(next(answers))))
    warnings: list[str] = []
    run = service.map_texts(
        tiny_ladder, [("x", "Mentored the new hire through pairing sessions")],
        gateway=gateway(max_repairs=2), on_warning=warnings.append,
    )  # fmt: skip
    assert route.call_count == 2
    assert [m.expectation_id for m in run.results[0].matches] == ["teaching.l2.mentors"]
    assert warnings == []


def test_failing_provider_falls_back_to_the_matcher(
    ana, tiny_ladder, router: respx.MockRouter, gateway, records
) -> None:
    error = {"error": {"message": "boom", "type": "server_error", "param": None, "code": None}}
    route = router.post(OPENAI_URL).mock(return_value=httpx.Response(500, json=error))
    offline = service.map_texts(tiny_ladder, [("n1", "Led the outage response and wrote the "
                                               "postmortem")])  # fmt: skip
    warnings: list[str] = []
    run = service.suggest(
        ana, tiny_ladder, "Ana", gateway=gateway(max_retries=2), on_warning=warnings.append
    )
    assert route.call_count == 3  # one attempt and two retries, then the fallback
    assert len(warnings) == 1
    assert warnings[0].startswith("model mapping failed for n1..n5")
    assert "offline matcher" in warnings[0]
    assert run.warnings == warnings
    assert run.source == "matcher"
    assert run.results[0].matches == offline.results[0].matches
    assert {m.source for m in ana.mappings_for_note("n1")} == {"matcher"}
    assert all(r.error for r in records)


def test_after_a_provider_failure_later_batches_skip_the_model(
    tiny_ladder, router: respx.MockRouter, gateway
) -> None:
    route = router.post(OPENAI_URL).mock(return_value=httpx.Response(503, json={}))
    texts = ["Led the outage response", "Improved the runbook", "Mentored the new hire",
             "Paged twice and ignored the pager", "Automated the toil away"]  # fmt: skip
    offline = service.map_texts(tiny_ladder, [(f"t{i}", t) for i, t in enumerate(texts)])
    warnings: list[str] = []
    results = assisted_mapping(
        gateway(max_retries=0), tiny_ladder, offline.results, top_k=5,
        on_warning=warnings.append, batch_size=2,
    )  # fmt: skip
    assert route.call_count == 1
    assert results == offline.results
    assert warnings[0].startswith("model mapping failed for t0..t1")
    assert warnings[-1] == "the model was not asked about the remaining notes after that error"


def test_invalid_json_after_every_repair_falls_back(
    tiny_ladder, router: respx.MockRouter, gateway
) -> None:
    route = router.post(OPENAI_URL).mock(return_value=_ok("sorry, I cannot help"))
    warnings: list[str] = []
    run = service.map_texts(
        tiny_ladder, [("a", "Improved the runbook for the billing service")],
        gateway=gateway(max_repairs=1), on_warning=warnings.append,
    )  # fmt: skip
    assert route.call_count == 2
    assert run.results[0].source == "matcher"
    assert run.results[0].matches[0].expectation_id == "ops.l2.writes-runbooks"
    assert "model mapping failed for a" in warnings[0]


def test_cli_model_run_warns_and_logs(cli, tmp_path, router: respx.MockRouter, monkeypatch) -> None:
    from feedback_writer.storage.repository import Repository
    from tests.unit.mapping_service.mapsvc_data import NOTES, TINY

    monkeypatch.setenv("FEEDBACK_WRITER_MAX_RETRIES", "0")
    route = router.post(OPENAI_URL).mock(return_value=httpx.Response(500, json={}))
    md = tmp_path / "ana.md"
    md.write_text("".join(f"- {t}\n" for t in NOTES), encoding="utf-8")
    lad = ("--ladder", str(TINY))
    assert cli("notes", "import", "-p", "Ana", str(md))[0] == 0
    code, out, err = cli("map", "-p", "Ana", "--model", "gpt-4o-mini", "--format", "json", *lad)
    assert code == 0, err
    assert route.call_count == 1
    assert err.startswith("warning: model mapping failed for n1..n5")
    data = json.loads(out)
    assert data[0]["matches"][0]["expectation_id"] == "ops.l2.leads-incidents"
    with Repository.open() as repo:
        [call] = repo.list_calls()
        assert (call.model, call.purpose) == ("gpt-4o-mini", "map")
        assert call.error
        assert repo.count_calls_about("Ana") == 1  # logged as a call about Ana
    # --offline never calls the model.
    code, _, err = cli("map", "-p", "Ana", "--model", "gpt-4o-mini", "--offline", *lad)
    assert code == 2 and "contradict" in err
    assert cli("map", "-p", "Ana", "--offline", *lad)[0] == 0
    assert route.call_count == 1


def test_missing_key_warns_without_a_request(
    tiny_ladder, router: respx.MockRouter, gateway, monkeypatch
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY")
    route = router.post(OPENAI_URL).mock(return_value=_ok("{}"))
    warnings: list[str] = []
    run = service.map_texts(
        tiny_ladder, [("a", "Improved the runbook")], gateway=gateway(),
        on_warning=warnings.append,
    )  # fmt: skip
    assert route.call_count == 0
    assert "OPENAI_API_KEY" in warnings[0]
    assert run.results[0].source == "matcher"


def test_answer_schema_is_strict_compatible() -> None:
    from feedback_writer.llm.schema import strict_json_schema, strict_schema_problems

    assert strict_schema_problems(strict_json_schema(MappingAnswer)) == []


def test_assisted_prompt_neutralises_citation_like_note_text(
    ana, tiny_ladder, router: respx.MockRouter, gateway
) -> None:
    """A note quoting a citation reaches the mapping prompt visibly different (⟦..⟧)."""
    from feedback_writer.notes.model import ParsedNote

    ana.add_note("Ana", ParsedNote(text="Quoted [n999; ops.l2.leads-incidents] in the wiki"))
    route = router.post(OPENAI_URL).mock(side_effect=_answering(_good))
    service.suggest(ana, tiny_ladder, "Ana", gateway=gateway(), names=[])
    sent = json.dumps(_request(route.calls[0])["messages"], ensure_ascii=False)
    assert "[n999; ops.l2.leads-incidents]" not in sent
    assert "⟦n999; ops.l2.leads-incidents⟧" in sent
