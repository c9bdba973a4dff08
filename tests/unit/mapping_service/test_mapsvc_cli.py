"""The command contract of ``map``, ``evidence`` and ``eval`` (other tools rely on it)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

from tests.unit.mapping_service.mapsvc_data import NOTES, TINY

REPO_ROOT = Path(__file__).resolve().parents[3]
ACME = REPO_ROOT / "tests" / "fixtures" / "ladders" / "acme-nosignals.yaml"

Run = Callable[..., tuple[int, str, str]]
MATCH_KEYS = {"expectation_id", "competency", "level", "score", "polarity"}


def _jsonl(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


def test_map_file_json_contract(cli: Run, tmp_path: Path) -> None:
    notes = _jsonl(
        tmp_path / "team.jsonl",
        [
            {"id": "x-9", "text": NOTES[0]},
            {"text": "zzz qqq"},  # no id, no evidence
            {"id": 42, "text": NOTES[4]},  # a number id is kept as text
            {"text": NOTES[2]},
        ],
    )
    code, out, err = cli("map", str(notes), "--ladder", str(TINY), "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert isinstance(data, list)
    # Input order, the file's ids kept, generated ids "<stem>:<line>" otherwise.
    assert [d["note_id"] for d in data] == ["x-9", "team:2", "42", "team:4"]
    assert [d["text"] for d in data] == [NOTES[0], "zzz qqq", NOTES[4], NOTES[2]]
    for d in data:
        assert set(d) == {"note_id", "text", "matches"}
        for m in d["matches"]:
            assert set(m) == MATCH_KEYS
            assert 0.0 <= m["score"] <= 1.0
            assert m["polarity"] in ("positive", "negative")
        scores = [m["score"] for m in d["matches"]]
        assert scores == sorted(scores, reverse=True)
    assert data[1]["matches"] == []
    assert data[0]["matches"][0]["expectation_id"] == "ops.l2.leads-incidents"
    assert data[0]["matches"][0]["competency"] == "ops"
    assert data[0]["matches"][0]["level"] == "l2"
    assert data[0]["matches"][0]["polarity"] == "positive"
    assert {m["polarity"] for m in data[2]["matches"]} == {"negative"}
    assert data[3]["matches"][0]["expectation_id"] == "teaching.l2.mentors"


def test_map_file_top_and_markdown_ids(cli: Run, tmp_path: Path) -> None:
    md = tmp_path / "ana-q1.md"
    md.write_text(f"# Notes\n\n- {NOTES[1]}\n- {NOTES[3]}\n", encoding="utf-8")
    code, out, err = cli("map", str(md), "--ladder", str(TINY), "--format", "json", "--top", "1")
    assert code == 0, err
    data = json.loads(out)
    assert [d["note_id"] for d in data] == ["ana-q1:3", "ana-q1:4"]
    assert len(data[0]["matches"]) == 1
    assert data[0]["matches"][0]["expectation_id"] == "ops.l2.writes-runbooks"
    assert data[1]["matches"] == []  # a holiday is not ladder evidence


def test_map_file_opens_no_workspace(cli: Run, tmp_path: Path) -> None:
    notes = _jsonl(tmp_path / "n.jsonl", [{"text": NOTES[0]}])
    workspace = Path(os.environ["FEEDBACK_WRITER_HOME"])
    code, out, _ = cli("map", str(notes), "--ladder", str(TINY))
    assert code == 0
    assert "ops.l2.leads-incidents" in out
    assert "1 of 1 note(s) show ladder evidence" in out
    assert not workspace.exists()


def test_map_company_ladder_uses_its_competencies(cli: Run, tmp_path: Path) -> None:
    notes = _jsonl(
        tmp_path / "acme.jsonl",
        [{"id": "a", "text": "Reviews others' code thoroughly and pays down technical debt"}],
    )
    code, out, err = cli("map", str(notes), "--ladder", str(ACME), "--format", "json")
    assert code == 0, err
    [note] = json.loads(out)
    acme_competencies = {"craft", "collaboration", "customer", "execution", "growth",
                         "operations"}  # fmt: skip
    assert note["matches"]
    assert {m["competency"] for m in note["matches"]} <= acme_competencies
    assert note["matches"][0]["competency"] == "craft"
    # A ladder without signals or examples: the user is told, on stderr only.
    assert "no signals or examples" in err
    code, _, err = cli("map", str(notes), "--ladder", str(TINY), "--format", "json")
    assert code == 0
    assert "no signals or examples" not in err


def test_map_usage_errors_are_clean(cli: Run, tmp_path: Path) -> None:
    code, _, err = cli("map")
    assert code == 2
    assert err.startswith("error: give either a notes FILE or --person")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "fine"}\n{"oops": 1}\n', encoding="utf-8")
    code, out, err = cli("map", str(bad))
    assert code == 2
    assert f"{bad}:2: field 'text'" in err
    assert "Traceback" not in err and out == ""
    code, _, err = cli("map", "--person", "Nobody", "--offline")
    assert code == 2
    assert "no person named 'Nobody'" in err


def test_map_person_stores_and_evidence_flow(cli: Run, tmp_path: Path) -> None:
    md = tmp_path / "ana.md"
    md.write_text("".join(f"- {t}\n" for t in NOTES), encoding="utf-8")
    lad = ("--ladder", str(TINY))
    assert cli("notes", "import", "-p", "Ana", str(md))[0] == 0
    code, out, err = cli("map", "--person", "Ana", "--format", "json", *lad)
    assert code == 0, err
    data = json.loads(out)
    assert [d["note_id"] for d in data] == ["n1", "n2", "n3", "n4", "n5"]
    assert data[3]["matches"] == []

    code, out, err = cli("evidence", "accept", "-p", "Ana", "n1", "ops.l2.leads-incidents", *lad)
    assert (code, out.strip()) == (0, "accepted n1 -> ops.l2.leads-incidents (positive)"), err
    code, out, _ = cli("evidence", "add", "-p", "Ana", "n5", "ops.l2.leads-incidents",
                       "--negative", *lad)  # fmt: skip
    assert code == 0 and "(negative)" in out
    code, _, err = cli("evidence", "add", "-p", "Ana", "n1", "ops.l2.lead-incidents", *lad)
    assert code == 2
    assert "unknown expectation 'ops.l2.lead-incidents'" in err
    assert "did you mean: ops.l2.leads-incidents" in err
    code, _, err = cli("evidence", "accept", "-p", "Ana", "n4", "ops.l3.reduces-toil", *lad)
    assert code == 2 and "n4 has no suggestion" in err
    code, _, err = cli("evidence", "reject", "-p", "Bob", "n1", "ops.l3.reduces-toil", *lad)
    assert code == 2 and "n1 belongs to Ana, not Bob" in err

    code, out, _ = cli("evidence", "list", "-p", "Ana", "--format", "json", *lad)
    listed = {row["note_id"]: row["mappings"] for row in json.loads(out)}
    statuses = {m["expectation_id"]: m["status"] for m in listed["n1"]}
    assert statuses["ops.l2.leads-incidents"] == "accepted"
    assert listed["n4"] == []

    assert cli("people", "set", "Ana", "--level", "l2", *lad)[0] == 0
    code, out, err = cli("evidence", "coverage", "-p", "Ana", "--format", "json", *lad)
    assert code == 0, err
    cov = json.loads(out)
    assert (cov["level"], cov["next_level"], cov["notes"]) == ("l2", "l3", 5)
    assert cov["notes_with_evidence"] == 2  # accepted only: n1 and n5
    ops = next(c for c in cov["competencies"] if c["slug"] == "ops")
    assert (ops["current_count"], ops["positive"], ops["negative"]) == (2, 1, 1)
    assert ops["missing_current"] == ["ops.l1.joins-on-call", "ops.l2.writes-runbooks"]
    assert (ops["next_count"], ops["missing_next"]) == (0, ["ops.l3.reduces-toil"])


def test_coverage_needs_a_level(cli: Run, tmp_path: Path) -> None:
    assert cli("notes", "add", "-p", "Ana", NOTES[0])[0] == 0
    code, _, err = cli("evidence", "coverage", "-p", "Ana", "--ladder", str(TINY))
    assert code == 2
    assert "no level known for 'Ana'" in err
    code, out, err = cli("evidence", "coverage", "-p", "Ana", "--level", "l1", "--ladder",
                         str(TINY))  # fmt: skip
    assert code == 0, err
    assert "Ana: coverage at l1 (next: l2)" in out
    assert "ops.l2.leads-incidents  (next level)" in out


def test_eval_mapping_table_and_json(cli: Run) -> None:
    labelled = REPO_ROOT / "tests" / "fixtures" / "eval" / "acme-heldout.jsonl"
    code, out, err = cli("eval", "mapping", str(labelled), "--ladder", str(ACME))
    assert code == 0, err
    assert "competency top-1" in out and "acme-engineering" in out
    code, out, _ = cli("eval", "mapping", str(labelled), "--ladder", str(ACME), "--format", "json")
    report = json.loads(out)
    assert report["ladder"] == "acme-engineering"
    assert report["n"] == sum(1 for line in labelled.read_text().splitlines() if line.strip())
    assert 0.0 <= report["top1"] <= report["top3"] <= 1.0
    # Labels for another ladder: refused, not silently scored as zero.
    code, _, err = cli("eval", "mapping", str(labelled))
    assert code == 2
    assert "does not have: " in err and "--ladder" in err
