r"""Provides the ``$EDITOR`` round trip: a Markdown review file with section markers.

Each section's text sits between ``<!-- fw:section KEY -->`` and ``<!-- fw:end KEY -->``
(HTML comments, invisible when the Markdown is rendered). Parsing is strict: every marker
present once, in draft order, well formed, no unknown keys, no text outside a section. On
any problem the edited file is moved to the workspace's ``recovered/`` folder, so no typing
is lost, and ``review --from FILE`` resumes from it.

Section text is escaped so that nothing in it can pass for a marker: every ``fw`` followed
by backslashes and a colon gets one more backslash (``fw:`` is written ``fw\:``, ``fw\:`` is
written ``fw\\:``, and so on, in any case), and parsing removes one again. Escaped text
holds no ``fw:`` at all, so neither a marker nor a "mangled marker" can appear inside a
section, and the escape is reversible: parsing an unedited file gives back exactly the
rendered texts. A bare ``fw:`` the human types inside a section is left as it is (and
refused as a mangled marker only if it looks like one, as before).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shlex
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from feedback_writer.errors import ReviewFileError, SaveConflict, UsageError
from feedback_writer.review.sections import ApplyResult, apply_texts
from feedback_writer.storage.atomic import atomic_write_text
from feedback_writer.storage.records import DraftRecord, SectionRecord
from feedback_writer.storage.repository import Repository

_MARKER = re.compile(r"^\s*<!--\s*fw:(section|end|draft|versions)\s+(\S+)\s*-->\s*$")
# Anything that looks like it was meant to be a marker; caught to report it as mangled.
_MARKERISH = re.compile(r"fw:\s*(section|end|draft|versions)\b|<!--\s*fw:", re.IGNORECASE)
# Section text escape: ``fw`` + n backslashes + ``:`` is written with n + 1 backslashes.
_TO_ESCAPE = re.compile(r"(fw)(\\*):", re.IGNORECASE)
_ESCAPED = re.compile(r"(fw)\\(\\*):", re.IGNORECASE)

HEADER = """\
<!-- feedback-writer review of draft {draft_id} for {person}.
Edit the text between each pair of fw: marker lines; save and quit the editor to apply.
- Keep every marker line (the HTML comments starting with fw:) exactly as it is; the
  the draft and versions lines say which draft and which text you started from.
- Inside a section, fw: is written fw\\: so it is not taken for a marker; reading the
  file back drops that one backslash (so fw\\\\: stands for a literal fw\\:).
- The '## ' titles are not stored; text outside the markers is refused so it is not lost.
- Sections whose text you do not change stay untouched; whitespace-only changes do not
  count as an edit. Citations such as [n12] or [reliability.mid.improves-runbooks] can
  stay as written.
If a marker is removed or mangled nothing is applied and this file is kept in the
workspace's recovered/ folder; resume with: feedback-writer review --person NAME --from FILE
-->
"""


def escape_section_text(text: str) -> str:
    r"""``text`` with one more backslash in every ``fw\*:``, so no line looks like a marker."""
    return _TO_ESCAPE.sub(r"\1\\\2:", text)


def unescape_section_text(text: str) -> str:
    r"""Undo :func:`escape_section_text`: one backslash fewer in every ``fw\+:``."""
    return _ESCAPED.sub(r"\1\2:", text)


def _header_safe(name: str) -> str:
    """A name as shown inside the header comment: it may not end the comment or look like a
    marker, whatever the user called the person ("A --> B", "fw:end")."""
    return escape_section_text(" ".join(name.split())).replace("-->", "-- >")


def render_review_file(draft: DraftRecord, sections: Sequence[SectionRecord]) -> str:
    """The Markdown file the human edits: header, then each section between markers."""
    parts = [
        HEADER.format(draft_id=draft.id, person=_header_safe(draft.person)),
        f"<!-- fw:draft {draft.id} -->\n",
        "<!-- fw:versions " + ";".join(f"{s.key}={s.version}" for s in sections) + " -->\n",
    ]
    for s in sections:
        parts.append(
            f"\n## {escape_section_text(s.title)}\n\n<!-- fw:section {s.key} -->\n"
            f"{escape_section_text(s.human_text.strip())}\n<!-- fw:end {s.key} -->\n"
        )
    return "".join(parts)


def review_file_versions(text: str) -> dict[str, int]:
    """The section versions a review file was written from (its ``fw:versions`` line)."""
    for line in text.splitlines():
        match = _MARKER.match(line)
        if match and match.group(1) == "versions":
            pairs = (p.rpartition("=") for p in match.group(2).split(";") if p)
            return {k: int(v) for k, _, v in pairs if k and v.isdigit()}
    return {}


def parse_review_file(
    text: str, keys: Sequence[str], *, draft_id: int | None = None, name: str = "review file"
) -> dict[str, str]:
    """Each section's text, by key; :class:`ReviewFileError` naming every bad marker.

    With ``draft_id``, the file must carry that draft's ``fw:draft`` marker and its
    ``fw:versions`` line: a file without them could be applied to the wrong draft or
    over newer text, so it is refused."""
    problems: list[str] = []
    marks: dict[str, int] = {}
    texts: dict[str, str] = {}
    seen: dict[str, int] = {}
    expected = list(keys)
    open_key: str | None = None
    open_line = 0
    body: list[str] = []
    in_comment = False

    def problem(line: int, message: str) -> None:
        problems.append(f"{name}:{line}: {message}")

    for number, line in enumerate(text.splitlines(), start=1):
        match = _MARKER.match(line)
        if match is None and _MARKERISH.search(line):
            problem(
                number,
                f"malformed marker '{line.strip()}' (expected e.g. "
                "'<!-- fw:section summary -->' or '<!-- fw:end summary -->')",
            )
            continue
        if match is None:
            if open_key is not None:
                body.append(line)
            elif in_comment or line.lstrip().startswith("<!--"):
                in_comment = "-->" not in line
            elif line.strip() and not line.lstrip().startswith("#"):
                problem(
                    number,
                    f"text outside any section would be lost: '{line.strip()[:60]}' "
                    "(move it between a section's markers)",
                )
            continue
        kind, key = match.groups()
        marks[kind] = marks.get(kind, 0) + 1
        if kind == "versions":
            continue
        if kind == "draft":
            if draft_id is not None and key != str(draft_id):
                problem(
                    number,
                    f"this file is for draft {key}, not draft {draft_id} (pass --draft {key})",
                )
            continue
        if kind == "section":
            if open_key is not None:
                problem(
                    number,
                    f"'fw:section {key}' starts before 'fw:end {open_key}' "
                    f"(section opened at line {open_line})",
                )
                open_key = None
            if key not in keys:
                problem(number, f"unknown section '{key}' (this draft has: {', '.join(keys)})")
            elif key in seen:
                problem(number, f"section '{key}' appears twice (first at line {seen[key]})")
            else:
                want = next((k for k in expected if k not in seen), None)
                if key != want:
                    problem(number, f"section '{key}' is out of order; expected '{want}' here")
                seen[key] = number
            open_key, open_line, body = key, number, []
            continue
        # kind == "end"
        if open_key is None:
            problem(number, f"'fw:end {key}' without a matching 'fw:section {key}'")
        elif key != open_key:
            problem(
                number,
                f"'fw:end {key}' closes section '{open_key}' "
                f"(opened at line {open_line}); expected 'fw:end {open_key}'",
            )
            open_key = None
        else:
            texts[open_key] = unescape_section_text("\n".join(body).strip("\n").rstrip())
            open_key = None
    if open_key is not None:
        problem(open_line, f"section '{open_key}' has no 'fw:end {open_key}' marker")
    for key in keys:
        if key not in seen:
            problems.append(f"{name}: marker '<!-- fw:section {key} -->' is missing")
    if draft_id is not None:
        for kind, line in (("draft", f"{draft_id}"), ("versions", "...")):
            if kind not in marks:
                problems.append(
                    f"{name}: the '<!-- fw:{kind} {line} -->' line is missing; without it "
                    "the file could be applied to another draft or over newer text"
                )
    if problems:
        raise ReviewFileError("\n".join(problems))
    return texts


def editor_command(env: Mapping[str, str] | None = None) -> list[str]:
    """$VISUAL, else $EDITOR, else nano or vi if installed."""
    env = os.environ if env is None else env
    for var in ("VISUAL", "EDITOR"):
        value = env.get(var, "").strip()
        if value:
            return shlex.split(value)
    for fallback in ("nano", "vi"):
        found = shutil.which(fallback)
        if found:
            return [found]
    raise UsageError("no editor found", hint="set $EDITOR, e.g. export EDITOR=nano")


def _stamp() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")


@dataclass
class ReviewOutcome:
    """What a review session did; ``notices`` are lines to show the user."""

    draft_id: int
    applied: ApplyResult
    notices: list[str] = field(default_factory=list)


class ReviewSession:
    """One review of a draft through a file: render, edit, parse, apply (or recover)."""

    def __init__(self, repo: Repository, workspace: Path, draft_id: int) -> None:
        self.repo = repo
        self.draft = repo.get_draft(draft_id)
        self.sections = repo.sections(draft_id)
        self.keys = [s.key for s in self.sections]
        self.working = workspace / "review" / f"draft-{draft_id}.md"
        self.recovered_dir = workspace / "recovered"
        self.notices: list[str] = []

    def _keep(self, text: str, source: Path | None = None) -> Path:
        """Store the edited text under recovered/ (over ``source`` if it came from there)."""
        if source is not None and source.resolve().parent == self.recovered_dir.resolve():
            target = source
        else:
            target = self.recovered_dir / f"draft-{self.draft.id}-{_stamp()}.md"
        self.recovered_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        atomic_write_text(target, text)
        return target

    def prepare(self, source: Path | None = None) -> Path:
        """Write the working file, from the draft or from ``source`` (a recovered file)."""
        if self.working.exists():
            # A session killed while the editor was open leaves its file: keep it, too.
            left = self._keep(self.working.read_text(encoding="utf-8"))
            self.working.unlink()
            self.notices.append(f"an earlier unfinished review file was kept in {left}")
        if source is not None:
            try:
                text = source.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise UsageError(f"{source}: cannot read the review file: {exc}") from None
        else:
            text = render_review_file(self.draft, self.sections)
        self.working.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        atomic_write_text(self.working, text)
        return self.working

    def edit(self, command: Sequence[str]) -> None:
        """Open the working file in the editor and wait for it to exit."""
        try:
            done = subprocess.run([*command, str(self.working)], check=False)
        except OSError as exc:
            raise UsageError(
                f"cannot start the editor '{shlex.join(command)}': {exc}",
                hint="set $EDITOR to an installed editor",
            ) from None
        if done.returncode != 0:
            kept = self._keep(self.working.read_text(encoding="utf-8"))
            self.working.unlink()
            raise UsageError(
                f"the editor exited with status {done.returncode}; nothing was applied",
                hint=f"your file is kept in {kept}; resume with --from {kept}",
            )

    def finish(self, source: Path | None = None) -> ReviewOutcome:
        """Parse the working file and apply the changed sections, or keep it and raise."""
        text = self.working.read_text(encoding="utf-8")
        try:
            texts = parse_review_file(
                text, self.keys, draft_id=self.draft.id, name=self.working.name
            )
        except ReviewFileError as exc:
            kept = self._keep(text, source)
            self.working.unlink()
            raise ReviewFileError(
                f"{exc.message}\nnothing was applied; your edited file is kept in {kept}",
                hint=f"fix the markers, then: feedback-writer review --person "
                f"'{self.draft.person}' --draft {self.draft.id} --from {kept}",
            ) from None
        try:
            applied = apply_texts(
                self.repo, self.draft.id, texts, based_on=review_file_versions(text)
            )
        except SaveConflict as exc:
            kept = self._keep(text, source)
            self.working.unlink()
            raise SaveConflict(
                exc.conflicts,
                hint=f"nothing was applied; your file is kept in {kept}. Start a new review "
                f"(feedback-writer review --person '{self.draft.person}' --draft "
                f"{self.draft.id}) and bring your changes over",
            ) from None
        self.working.unlink()
        if source is not None and source.resolve().parent == self.recovered_dir.resolve():
            source.unlink(missing_ok=True)  # applied: a copy of the notes need not linger
        return ReviewOutcome(self.draft.id, applied, self.notices)


def review_in_editor(
    repo: Repository,
    workspace: Path,
    draft_id: int,
    *,
    source: Path | None = None,
    command: Sequence[str] | None = None,
    open_editor: bool = True,
) -> ReviewOutcome:
    """The whole round trip; ``open_editor=False`` applies ``source`` as it is."""
    if not open_editor and source is None:
        raise UsageError("--no-editor needs --from FILE")
    session = ReviewSession(repo, workspace, draft_id)
    session.prepare(source)
    if open_editor:
        session.edit(command if command is not None else editor_command())
    return session.finish(source)
