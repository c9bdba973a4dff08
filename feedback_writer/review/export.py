"""Provides exports of a reviewed draft: Markdown, plain text and JSON with provenance.

Markdown and text are paste-ready prose (no citation brackets, banner or markers; see
:mod:`feedback_writer.review.clean`); the JSON export keeps every version and citation.

Every export goes through the gate (:func:`review.gate.require_exportable`) first, so no
caller can export a draft a human has not reviewed. Quality findings come from
:func:`findings_for` (the quality checks of :mod:`feedback_writer.quality.draft`); they never
block an export and are written beside it as ``FILE.findings.md`` only when there are some.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from feedback_writer.citations import cited_ids
from feedback_writer.errors import ExportExistsError, NotFoundError, UsageError
from feedback_writer.ladder.model import Ladder
from feedback_writer.notes.quoting import neutralise_citations
from feedback_writer.review.authorship import DEFAULT_MIN_EDIT
from feedback_writer.review.clean import Sources, check_style, clean_text, footnotes_block
from feedback_writer.review.gate import GateStatus, require_exportable
from feedback_writer.storage.atomic import atomic_write_text
from feedback_writer.storage.records import DraftRecord, SectionRecord
from feedback_writer.storage.repository import Repository

FORMATS = ("md", "txt", "json")
EXPORT_SCHEMA = "feedback-writer.export/1"


@dataclass(frozen=True)
class Finding:
    """A quality remark about one section of an export; never blocking.

    ``text`` is the span it is about (``start``/``end``: offsets into the section's current
    text); ``section`` is the section key and ``title`` its heading.
    """

    section: str
    message: str
    category: str = ""
    text: str = ""
    suggestion: str = ""
    title: str = ""
    rule: str = ""
    start: int = 0
    end: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "section": self.section,
            "rule": self.rule,
            "category": self.category,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "message": self.message,
            "suggestion": self.suggestion,
        }


def findings_for(
    repo: Repository, ladder: Ladder, draft_id: int, rules_dir: str | Path | None = None
) -> list[Finding]:
    """The quality findings of every section of the draft, in section order.

    ``rules_dir`` is a company rules folder (callers pass ``settings.quality_rules_dir``).
    Offsets index into each section's current text (the human's text).
    """
    from feedback_writer.quality.draft import draft_findings

    return [
        Finding(
            section=sf.key,
            message=sf.finding.message,
            category=sf.finding.category,
            text=sf.finding.text,
            suggestion=sf.finding.suggestion,
            title=sf.title,
            rule=sf.finding.rule,
            start=sf.finding.start,
            end=sf.finding.end,
        )
        for sf in draft_findings(repo, ladder, draft_id, rules_dir=rules_dir)
    ]


def finding_line(f: Finding) -> str:
    """One Markdown list item: section, category, the quoted span, message, suggestion."""
    if not f.category:
        return f"- **{f.section}**: {f.message}"
    span = " ".join(f.text.split())
    line = f"- **{f.section}** · {f.category} · “{span}”: {f.message}"
    return line + (f" Suggestion: {f.suggestion}" if f.suggestion else "")


def findings_report(findings: Sequence[Finding], export_name: str) -> str:
    lines = [f"# Quality findings for {export_name}", ""]
    lines.append("Suggestions only: findings never block an export.")
    lines.append("")
    lines += [finding_line(f) for f in findings]
    return "\n".join(lines) + "\n"


def _walk_ids(value: Any, name: str) -> Iterator[str]:
    """Every string in any ``name`` list anywhere in the stored draft content."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == name and isinstance(item, list):
                yield from (i for i in item if isinstance(i, str))
            else:
                yield from _walk_ids(item, name)
    elif isinstance(value, list):
        for item in value:
            yield from _walk_ids(item, name)


def _unique(items: Iterator[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _ts(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def cited_notes(
    repo: Repository, draft: DraftRecord, sections: Sequence[SectionRecord]
) -> list[dict[str, Any]]:
    """Notes the draft cites, and notes of this person the human cited in the final text."""
    # Ids a human typed into the final text are checked against the workspace before they
    # are listed (a bare pattern match is not a citation).
    in_text = set(cited_ids("\n".join(s.human_text for s in sections))[0])
    from_draft = _unique(_walk_ids(draft.content, "note_ids"))
    out: list[dict[str, Any]] = []
    # Only the draft's structured citations are listed: text that merely looks like a
    # citation (in a note, in prose) never makes a note or expectation "cited".
    for note_id in from_draft:
        try:
            note = repo.get_note(note_id)
        except NotFoundError:
            out.append({"id": note_id, "missing": True, "in_final_text": note_id in in_text})
            continue
        if note.person != draft.person:
            continue
        out.append(
            {
                "id": note.id,
                "text": neutralise_citations(note.text),
                "date": note.date.isoformat() if note.date else None,
                "source": note.source_label,
                "author_kind": note.author_kind.value,
                "author_name": note.author_name,
                "in_final_text": note.id in in_text,
            }
        )
    return out


def cited_expectations(
    ladder: Ladder, draft: DraftRecord, sections: Sequence[SectionRecord]
) -> list[dict[str, Any]]:
    """Expectations the draft cites, and those the human cited in the final text."""
    typed = cited_ids("\n".join(s.human_text for s in sections))[1]
    in_text = {e for e in typed if ladder.has_expectation(e)}
    from_draft = _unique(_walk_ids(draft.content, "expectation_ids"))
    out: list[dict[str, Any]] = []
    for exp_id in from_draft:
        if not ladder.has_expectation(exp_id):
            out.append({"id": exp_id, "missing": True, "in_final_text": False})
            continue
        e = ladder.expectation(exp_id)
        out.append(
            {
                "id": e.id,
                "text": e.text,
                "competency": e.competency,
                "level": e.level,
                "in_final_text": e.id in in_text,
            }
        )
    return out


def provenance(
    repo: Repository,
    ladder: Ladder,
    draft_id: int,
    status: GateStatus,
    rules_dir: str | Path | None = None,
) -> dict[str, Any]:
    """The JSON export: final text plus where every part of it came from."""
    draft = repo.get_draft(draft_id)
    sections = repo.sections(draft_id)
    out_sections = []
    for s in sections:
        history = repo.section_history(s.id)
        out_sections.append(
            {
                "key": s.key,
                "title": s.title,
                "state": status.states.get(s.key, "untouched"),
                "model_text": s.model_text,
                "human_text": s.human_text,
                "edited_at": _ts(s.edited_at),
                "approved_at": _ts(s.approved_at),
                "history": [
                    {"at": _ts(h.at), "actor": h.actor, "before": h.before, "after": h.after}
                    for h in history
                ],
                "version": s.version,
                "versions": [
                    {
                        "number": v.number,
                        "kind": v.kind,
                        "actor": v.actor,
                        "at": _ts(v.at),
                        "based_on": v.based_on,
                        "stale": v.stale,
                        "text": v.text,
                    }
                    for v in repo.section_versions(s.id)
                ],
            }
        )
    return {
        "schema": EXPORT_SCHEMA,
        "exported_at": dt.datetime.now(dt.UTC).isoformat(),
        "person": draft.person,
        "mode": draft.mode,
        "policy": status.policy,
        "draft": {
            "id": draft.id,
            "created_at": _ts(draft.created_at),
            "drafter": draft.drafter,
            "model": draft.model,
            "template_hash": draft.template_hash,
            # note id -> expectation ids drafted from suggestions nobody confirmed
            "unconfirmed_evidence": draft.meta.get("unconfirmed_evidence", {}),
            "evidence_threshold": draft.meta.get("threshold"),
        },
        "ladder": {
            "name": draft.ladder_name,
            "version": draft.ladder_version,
            # Expectation texts below come from this ladder; it may differ from the draft's.
            "used_for_texts": {"name": ladder.name, "version": ladder.version},
        },
        "sections": out_sections,
        "cited_notes": cited_notes(repo, draft, sections),
        "cited_expectations": cited_expectations(ladder, draft, sections),
        "findings": [f.as_dict() for f in findings_for(repo, ladder, draft_id, rules_dir)],
    }


def _heading(draft: DraftRecord) -> str:
    kind = "Self-review" if draft.mode == "self" else "Feedback"
    return f"{kind} for {draft.person}"


def render_markdown(
    draft: DraftRecord,
    sections: Sequence[SectionRecord],
    citations: str = "none",
    sources: Sources | None = None,
) -> str:
    """Paste-ready Markdown (see :mod:`feedback_writer.review.clean`)."""
    parts = [f"# {_heading(draft)}\n"]
    parts += [
        f"\n## {s.title}\n\n{clean_text(s.human_text, citations, sources)}\n" for s in sections
    ]
    notes = footnotes_block(sources if citations == "footnotes" else None)
    if notes:
        parts.append("\n" + "\n".join(notes) + "\n")
    return "".join(parts)


_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")
_ITALIC = re.compile(r"(?<![\w*])([*_])(?![\s*_])(.+?)(?<![\s*_])\1(?![\w*])")
_LINK = re.compile(r"\[([^\]]+)\]\((?:[^)]+)\)")


def _plain(text: str) -> str:
    """Markdown made plain: no emphasis markers or link targets, '#' headings as lines."""
    lines = []
    for line in text.splitlines():
        line = _LINK.sub(r"\1", _ITALIC.sub(r"\2", _EMPHASIS.sub(r"\2", line)))
        stripped = line.lstrip()
        if stripped.startswith("#"):
            line = stripped.lstrip("#").strip()
        elif stripped.startswith("* "):
            line = line.replace("* ", "- ", 1)
        lines.append(line.rstrip())
    return "\n".join(lines).strip()


def render_text(
    draft: DraftRecord,
    sections: Sequence[SectionRecord],
    citations: str = "none",
    sources: Sources | None = None,
) -> str:
    """Paste-ready plain text: Markdown markup dropped as well."""
    title = _heading(draft)
    parts = [f"{title}\n{'=' * len(title)}\n"]
    for s in sections:
        body = _plain(clean_text(s.human_text, citations, sources, markdown=False))
        parts.append(f"\n{s.title}\n{'-' * len(s.title)}\n\n{body}\n")
    notes = footnotes_block(sources if citations == "footnotes" else None, markdown=False)
    if notes:
        parts.append("\nSources\n-------\n\n" + "\n".join(notes) + "\n")
    return "".join(parts)


def render_export(
    repo: Repository,
    ladder: Ladder,
    draft_id: int,
    fmt: str = "md",
    *,
    policy: str = "edit",
    min_edit: float = DEFAULT_MIN_EDIT,
    citations: str = "none",
    rules_dir: str | Path | None = None,
) -> str:
    """The export text in ``fmt``; raises :class:`ExportBlocked` if the gate refuses.

    ``policy`` defaults to the strictest one; callers pass ``settings.export_policy``.
    ``citations`` (``none``, ``footnotes``, ``inline``) applies to md and txt; the JSON
    export always carries the full provenance (with the quality findings, checked with
    the rules in ``rules_dir``, default the shipped ones).
    """
    check_style(citations)
    if fmt not in FORMATS:
        raise UsageError(f"unknown export format '{fmt}'", hint="formats: " + ", ".join(FORMATS))
    status = require_exportable(repo, draft_id, policy, min_edit)
    draft = repo.get_draft(draft_id)
    sections = repo.sections(draft_id)
    if fmt == "json":
        return json.dumps(provenance(repo, ladder, draft_id, status, rules_dir), indent=2) + "\n"
    sources = Sources(repo, ladder, draft.person)
    if fmt == "txt":
        return render_text(draft, sections, citations, sources)
    return render_markdown(draft, sections, citations, sources)


def findings_path(path: Path) -> Path:
    return path.with_name(path.name + ".findings.md")


def write_export(
    text: str, path: Path, force: bool = False, *, findings: Sequence[Finding] = ()
) -> list[Path]:
    """Write atomically, never over an existing file unless ``force``; returns the paths
    written (the export, then the findings report when there are findings)."""
    path = Path(path)
    if path.is_dir():
        raise UsageError(f"{path} is a folder; give a file name")
    if path.exists() and not force:
        raise ExportExistsError(f"{path} already exists", hint="pass --force to overwrite it")
    atomic_write_text(path, text)
    written = [path]
    report = findings_path(path)
    if findings:
        atomic_write_text(report, findings_report(findings, path.name))
        written.append(report)
    elif report.exists():
        report.unlink()  # a report from an earlier export would describe other text
    return written
