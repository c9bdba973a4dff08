"""Provides ``MatcherOptions``, the matcher's tuning knobs, and ``DEFAULT_OPTIONS``.

The defaults are the measured best (``bench/mapping_quality.py``, ``docs/matching.md``);
benchmarks switch parts off. ``feedback_writer.mapping.matcher`` re-exports both.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MatcherOptions:
    """Tuning knobs; the defaults are the measured best. Benchmarks switch parts off."""

    stemming: bool = True
    concepts: bool = True
    concept_weight: float = 1.0
    texts_only_concept_weight: float = 1.3
    """Concept weight for a ladder without signals or examples (or with hints switched off):
    there the lexicon's concepts are the only bridge from a note's words to the texts."""
    bigrams: bool = True
    bigram_weight: float = 0.25
    ladder_hints: bool = True
    """Use the ladder's signals and examples (off: expectation texts and names only)."""
    borrow_hints: bool = True
    """A ladder without signals or examples borrows those of the default ladder's nearest
    expectations (off: a texts-only ladder is matched on its texts and the lexicon alone)."""
    borrow_k: int = 4
    """How many default-ladder expectations each expectation borrows from, at most."""
    borrow_relative: float = 0.3
    """A lender must score at least this share of the best lender's score."""
    w_borrowed: float = 0.25
    """Weight of a borrowed signal or example in the expectation document (own ones: 2)."""
    competency_weight: float = 0.5
    scope_weight: float = 0.15
    k1: float = 1.2
    b: float = 0.6
    w_text: float = 3.0
    w_signals: float = 2.0
    w_examples: float = 2.0
    w_comp_name: float = 1.0
    w_comp_texts: float = 0.5
    w_comp_hints: float = 0.5
    min_score: float = 0.25
    """Best score below which a note shows no ladder evidence."""
    non_work_factor: float = 6.0
    """Evidence strength is divided by this when a short note carries non-work cues."""
    non_work_max_words: int = 10
    """Notes with more content words than this are not weakened by non-work cues."""
    schedule_factor: float = 20.0
    """Evidence strength is divided by this when the note reschedules something: a retro or a
    planning meeting moved to Thursdays names work but shows none."""
    schedule_window: int = 5
    """How many words after a schedule verb ("moved") a time word ("Thursdays") may come."""
    score_scale: float = 10.0
    """Relative score (raw / ladder reference) that maps to 0.5 is 1 / score_scale."""
    coverage_power: float = 1.5
    """How strongly a note's share of words unknown to the ladder and lexicon lowers scores."""
    topic_missing_factor: float = 0.05
    """Scores of a competency with a ``topic`` are multiplied by this when the note names none
    of its topic terms: a competency about AI needs AI in the note."""
    topic_bonus: float = 1.5
    """Scores of a competency whose topic the note names are multiplied by this."""
    prospective_factor: float = 20.0
    """Evidence strength is divided by this when the note is a wish, a plan or logistics
    ("wants to be promoted", "planned for Q3") and reports little done."""
    prospective_max_past: int = 1
    """A note with more past-tense verbs than this outside its wish and plan phrases reports
    work done, and is not weakened."""
    duration_weight: float = 0.5
    """Criticism weight of a span of time ("for nine days"), unless just after a repair."""
    remedy_window: int = 6
    """A harm cue this many words or fewer after a verb of repair is the problem solved."""
    turn_distance: int = 8
    """Harm cues at least this many words before the note's last repair verb weigh half."""
    rerank: bool = True
    """Re-rank competencies with the learned model shipped for this ladder, if any
    (``classifier.py``); a ladder without one, or matched texts-only, is unaffected."""
    note_models: bool = True
    no_evidence_factor: float = 20.0
    """Evidence strength is divided by this when the evidence note model judges the note to
    be no evidence (``notemodels.py``)."""
    """Judge evidence-or-not and polarity with the shipped note models (``notemodels.py``),
    which read the cue verdicts too; off, or with no model file, the cues decide alone."""


DEFAULT_OPTIONS = MatcherOptions()
