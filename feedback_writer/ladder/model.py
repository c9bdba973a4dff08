"""Provides the pydantic models of a career ladder and its cumulative-level helpers.

A ladder file (YAML or JSON) is a :class:`LadderFile`: ordered levels, areas, and
competencies whose per-level *cells* hold expectations. :class:`Ladder` wraps a validated
file with indexes and the helpers the rest of the code needs ("all expectations up to level
L", "the next level's expectations"). Nothing here knows the default ladder's names.
"""

from __future__ import annotations

import re
from enum import StrEnum
from functools import cached_property
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Slug = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, pattern=r"^[a-z0-9][a-z0-9-]*$"),
]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Level(_Strict):
    """A level of the ladder, in order from the first (most junior) to the last."""

    slug: Slug
    name: Text
    tagline: str = ""
    work_unit_scope: str = Field("", description="What a person at this level works on.")
    team_scope: str = Field("", description="Whom a person at this level affects.")


class Area(_Strict):
    """A group of competencies (for example: what you build, how, with whom)."""

    slug: Slug
    name: Text
    description: str = ""


class CellStatus(StrEnum):
    """Why a competency/level cell holds what it holds."""

    STATED = "stated"
    """The source states these expectations."""
    RESTORED = "restored"
    """The source lost this cell; the expectations come from another published version."""
    NO_REQUIREMENT = "no-requirement"
    """The source explicitly says there is no requirement at this level."""
    LOST = "lost"
    """The source lost this cell and nothing restores it; the level inherits the lower ones."""


class ExpectationSpec(_Strict):
    """An expectation as written in a ladder file."""

    slug: Slug = Field(description="Short stable slug; the id is competency.level.slug.")
    text: Text = Field(description="The expectation statement, as the ladder phrases it.")
    signals: list[Text] = Field(
        default_factory=list, description="Words or phrases that hint at this expectation."
    )
    examples: list[Text] = Field(
        default_factory=list, description="Example evidence: notes that would show it."
    )
    generated_signals: list[Text] = Field(
        default_factory=list,
        description="Signals written by a model ('ladder enrich'), not by a person: review "
        "them (keep, edit into signals, or delete). The matcher uses them like signals.",
    )
    generated_examples: list[Text] = Field(
        default_factory=list,
        description="Example notes written by a model ('ladder enrich'), not by a person: "
        "review them before use. The matcher uses them like examples.",
    )


class Cell(_Strict):
    """What a competency expects at one level."""

    status: CellStatus = CellStatus.STATED
    note: str = Field("", description="Why the cell is as it is (source remarks).")
    expectations: list[ExpectationSpec] = Field(default_factory=list)


class CompetencySpec(_Strict):
    """A competency as written in a ladder file."""

    slug: Slug
    name: Text
    area: Slug
    motto: str = ""
    description: str = ""
    signals: list[Text] = Field(default_factory=list)
    examples: list[Text] = Field(default_factory=list)
    topic: list[Text] = Field(
        default_factory=list,
        description="Words a note must name for this competency to match it (any one of them);"
        " for a competency about a topic (AI, say) whose expectations list everyday work.",
    )
    levels: dict[str, Cell] = Field(
        default_factory=dict, description="Cells keyed by level slug; a missing key is lost."
    )


class LadderFile(_Strict):
    """The document stored in a ladder file (YAML or JSON)."""

    name: Text = Field(description="Short name of the ladder, e.g. 'acme-engineering'.")
    version: Text = Field("1", description="Version of this ladder; exports record it.")
    title: str = ""
    source: str = Field("", description="Where the ladder comes from.")
    levels: list[Level] = Field(min_length=1)
    areas: list[Area] = Field(min_length=1)
    competencies: list[CompetencySpec] = Field(min_length=1)


class Expectation(_Strict):
    """A resolved expectation with its stable id."""

    id: str
    competency: str
    level: str
    slug: str
    text: str
    signals: tuple[str, ...] = ()
    """Hand-written signals, then generated ones."""
    examples: tuple[str, ...] = ()
    """Hand-written examples, then generated ones."""
    generated: tuple[str, ...] = ()
    """The signals and examples above that a model wrote (``ladder enrich``)."""


class Competency(_Strict):
    """A resolved competency."""

    slug: str
    name: str
    area: str
    motto: str = ""
    description: str = ""
    signals: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    topic: tuple[str, ...] = ()
    """Terms a note must name (any one) for the offline matcher to suggest this competency."""


def slugify(text: str, max_words: int = 5) -> str:
    """A short slug from free text: 'Improves runbooks' -> 'improves-runbooks'."""
    words = re.findall(r"[a-z0-9]+", text.lower().replace("'", ""))
    return "-".join(words[:max_words]) or "item"


class Ladder:
    """A validated ladder with indexes. Build it with :func:`ladder.loader.load_ladder`."""

    def __init__(self, spec: LadderFile, path: str = "") -> None:
        self.spec = spec
        self.path = path

    # --- identity ---------------------------------------------------------------------
    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def version(self) -> str:
        return self.spec.version

    # --- levels -----------------------------------------------------------------------
    @property
    def levels(self) -> list[Level]:
        return self.spec.levels

    @cached_property
    def level_slugs(self) -> list[str]:
        return [lv.slug for lv in self.spec.levels]

    def level_index(self, level: str) -> int:
        try:
            return self.level_slugs.index(level)
        except ValueError:
            from feedback_writer.errors import UsageError

            raise UsageError(
                f"unknown level '{level}' in ladder '{self.name}'",
                hint="levels are: " + ", ".join(self.level_slugs),
            ) from None

    def level(self, slug: str) -> Level:
        return self.spec.levels[self.level_index(slug)]

    def next_level(self, level: str) -> str | None:
        i = self.level_index(level)
        return self.level_slugs[i + 1] if i + 1 < len(self.level_slugs) else None

    # --- areas and competencies -------------------------------------------------------
    @property
    def areas(self) -> list[Area]:
        return self.spec.areas

    @cached_property
    def competencies(self) -> list[Competency]:
        return [
            Competency(
                slug=c.slug,
                name=c.name,
                area=c.area,
                motto=c.motto,
                description=c.description,
                signals=tuple(c.signals),
                examples=tuple(c.examples),
                topic=tuple(c.topic),
            )
            for c in self.spec.competencies
        ]

    @cached_property
    def _competency_index(self) -> dict[str, Competency]:
        return {c.slug: c for c in self.competencies}

    def competency(self, slug: str) -> Competency:
        try:
            return self._competency_index[slug]
        except KeyError:
            from feedback_writer.errors import NotFoundError

            raise NotFoundError(f"unknown competency '{slug}' in ladder '{self.name}'") from None

    def cell(self, competency: str, level: str) -> Cell:
        """The cell of a competency at a level; a level absent from the file is lost."""
        spec = next(c for c in self.spec.competencies if c.slug == competency)
        return spec.levels.get(level, Cell(status=CellStatus.LOST))

    # --- expectations -----------------------------------------------------------------
    @cached_property
    def expectations(self) -> list[Expectation]:
        """Every expectation, by competency in file order, then by level order."""
        out: list[Expectation] = []
        for comp in self.spec.competencies:
            for level in self.level_slugs:
                cell = comp.levels.get(level)
                if cell is None:
                    continue
                for e in cell.expectations:
                    out.append(
                        Expectation(
                            id=f"{comp.slug}.{level}.{e.slug}",
                            competency=comp.slug,
                            level=level,
                            slug=e.slug,
                            text=e.text,
                            signals=(*e.signals, *e.generated_signals),
                            examples=(*e.examples, *e.generated_examples),
                            generated=(*e.generated_signals, *e.generated_examples),
                        )
                    )
        return out

    @cached_property
    def has_hints(self) -> bool:
        """True when any competency or expectation carries signals or examples."""
        return any(c.signals or c.examples for c in self.competencies) or any(
            e.signals or e.examples for e in self.expectations
        )

    @cached_property
    def _expectation_index(self) -> dict[str, Expectation]:
        return {e.id: e for e in self.expectations}

    def has_expectation(self, expectation_id: str) -> bool:
        return expectation_id in self._expectation_index

    def expectation(self, expectation_id: str) -> Expectation:
        try:
            return self._expectation_index[expectation_id]
        except KeyError:
            from feedback_writer.errors import NotFoundError

            raise NotFoundError(
                f"unknown expectation '{expectation_id}' in ladder '{self.name}'"
            ) from None

    def expectations_at(self, level: str, competency: str | None = None) -> list[Expectation]:
        """The expectations stated at exactly this level."""
        self.level_index(level)
        return [
            e
            for e in self.expectations
            if e.level == level and (competency is None or e.competency == competency)
        ]

    def expectations_up_to(self, level: str, competency: str | None = None) -> list[Expectation]:
        """Levels are cumulative: every expectation of this level and the levels below."""
        top = self.level_index(level)
        return [
            e
            for e in self.expectations
            if self.level_index(e.level) <= top
            and (competency is None or e.competency == competency)
        ]

    def next_level_expectations(
        self, level: str, competency: str | None = None
    ) -> list[Expectation]:
        """What the next level adds; empty at the top level."""
        nxt = self.next_level(level)
        return [] if nxt is None else self.expectations_at(nxt, competency)
