"""Provides the offline note-to-ladder matcher: ranked expectations with score and polarity.

The technique (measured in ``bench/mapping_quality.py``, described in ``docs/matching.md``):
tokens, stems, bigrams and lexicon concepts (``_text``); two BM25F indexes per ladder, one per
expectation and one per competency, an expectation scoring its own plus a share of its
competency's; scope cues nudge the level; a texts-only ladder borrows the default ladder's hints
(``_borrow``); a ``topic`` gates its competency; cue readers (``_cues``) weaken non-work, wishes
and logistics and read polarity; a learned re-ranker (``classifier``) and note models
(``notemodels``: evidence-or-not, polarity) trained on labelled notes refine both; below
``min_score`` a note has no ladder evidence; ``Match.confidence`` is the score through a
calibration map fitted on blind-written notes.

Nothing here knows a particular ladder: words specific to a ladder live in its file.
The tuning knobs, ``MatcherOptions``, live in ``options.py``; this module re-exports them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from functools import cache
from operator import add, mul
from typing import NamedTuple

from feedback_writer.ladder.model import Ladder
from feedback_writer.mapping import _cues
from feedback_writer.mapping._bm25 import BM25Index
from feedback_writer.mapping._borrow import Hints, borrowed_hints, default_ladder
from feedback_writer.mapping._cues import Polarity
from feedback_writer.mapping._rank import best_first, items_getter
from feedback_writer.mapping._text import (
    COMPOUND,
    Lexicon,
    NoteTokens,
    default_lexicon,
    split_compounds,
    stem,
    tokens,
)
from feedback_writer.mapping.calibration import default_calibration
from feedback_writer.mapping.classifier import ladder_key, note_features, reranker_for
from feedback_writer.mapping.notemodels import NoteModels, default_note_models, judged_features
from feedback_writer.mapping.options import DEFAULT_OPTIONS, MatcherOptions

__all__ = ["DEFAULT_OPTIONS", "Match", "Matcher", "MatcherOptions", "Polarity"]


class Match(NamedTuple):
    """One expectation a note shows evidence of. A named tuple: a map of 10,000 notes makes
    50,000 of these and sends them between processes, and a tuple is made and pickled in a
    fraction of a frozen dataclass's time."""

    expectation_id: str
    competency: str
    level: str
    score: float
    """In [0, 1]; higher is a better match. Comparable across notes of one ladder."""
    polarity: Polarity

    @property
    def confidence(self) -> float:
        """Estimated probability that this suggestion's competency is right: ``score`` through
        the calibration map (``calibration.py``); show it with ``confidence_band``. A property,
        not a field, so the JSON of ``map`` keeps its keys."""
        return round(default_calibration()(self.score), 4)


class Matcher:
    """Ranks a ladder's expectations for a note. Build once per ladder; matching is cheap."""

    def __init__(
        self,
        ladder: Ladder,
        *,
        min_score: float | None = None,
        options: MatcherOptions | None = None,
        lexicon: Lexicon | None = None,
    ) -> None:
        self.ladder = ladder
        self.options = opts = options or DEFAULT_OPTIONS
        self.lexicon = lexicon or default_lexicon()
        self.min_score = opts.min_score if min_score is None else min_score
        # Texts only: the ladder carries no signals or examples (or they are switched off).
        self.texts_only = not opts.ladder_hints or not ladder.has_hints
        self._expectations = list(ladder.expectations)
        self._borrowed: list[Hints] | None = None
        if self.texts_only and opts.borrow_hints:
            self._borrowed = borrowed_hints(
                _reference(), ladder, opts.borrow_k, opts.borrow_relative
            )
        self._lenders = (
            {}
            if self._borrowed is None
            else {e.id: h.lenders for e, h in zip(self._expectations, self._borrowed, strict=True)}
        )
        self._concept_weight = (
            opts.texts_only_concept_weight
            if self.texts_only and self._borrowed is None
            else opts.concept_weight
        )
        self._comp_slugs = [c.slug for c in ladder.competencies]
        comp_pos = {slug: i for i, slug in enumerate(self._comp_slugs)}
        self._exp_comp = [comp_pos[e.competency] for e in self._expectations]
        self._competency_of = [e.competency for e in self._expectations]
        top = max(len(ladder.level_slugs) - 1, 1)
        self._exps_of_comp: list[list[int]] = [[] for _ in self._comp_slugs]
        # Stemmed phrases of each competency's topic; empty: the competency needs no topic.
        self._topics = [
            {tuple(stem(t) for t in split_compounds(tokens(term))) for term in c.topic}
            for c in ladder.competencies
        ]
        # First stems of the topic phrases: the note's n-grams start only there.
        self._topic_starts = {p[0] for topic in self._topics for p in topic if p}
        for i, c in enumerate(self._exp_comp):
            self._exps_of_comp[c].append(i)
        # Per competency its expectations (one group), or one group per level, index order.
        self._exp_level = [ladder.level_index(e.level) for e in self._expectations]
        self._level_positions = [k / top for k in range(len(ladder.level_slugs))]
        self._exp_range = range(len(self._expectations))
        self._zeros = [0.0] * len(self._expectations)
        # Per competency, a function of a list by expectation index: its members' items.
        self._comp_members = [items_getter(members) for members in self._exps_of_comp]
        self._exp_index = BM25Index.build(
            [self._expectation_doc(i) for i in range(len(self._expectations))], opts.k1, opts.b
        )
        self._comp_index = BM25Index.build(
            [self._competency_doc(j) for j in range(len(self._comp_slugs))], opts.k1, opts.b
        )

        self._vocabulary = (
            set(self._exp_index.postings)
            | set(self._comp_index.postings)
            | {w for phrase in self.lexicon.concepts for w in phrase}
        )
        self._reference = self._calibrate()
        self.reranker = reranker_for(ladder) if opts.rerank and not self.texts_only else None
        self.note_models: NoteModels | None = default_note_models() if opts.note_models else None
        self._key = ladder_key(ladder)

    # --- scores on the public scale ---------------------------------------------------
    def _calibrate(self) -> float:
        """The median best raw score of the ladder's own expectation texts used as notes.

        BM25 scores grow with document length and vocabulary, so a fixed threshold would fit
        one ladder only; scores divided by this reference mean the same on any ladder."""
        tops = sorted(
            max((raw for _, raw in self._scored(tokens(e.text))), default=0.0)
            for e in self._expectations
        )
        return tops[len(tops) // 2] if tops and tops[len(tops) // 2] > 0 else 1.0

    def _content(self, whole: list[str]) -> list[str]:
        """The note's content words: no stopwords, numbers or single letters."""
        stop = self.lexicon.stopwords
        return [t for t in whole if t not in stop and t != "n't" and len(t) > 1 and not t.isdigit()]

    def _coverage(self, content: list[str]) -> float:
        """Share of the note's content words that the ladder or the lexicon knows."""
        if not content:
            return 0.0
        known = sum(1 for t in content if stem(t) in self._vocabulary)
        return known / len(content)

    def _verdicts(self, whole: list[str]) -> _cues.Verdicts:
        opts = self.options
        return _cues.verdicts(self.lexicon, whole, opts.prospective_max_past, opts.schedule_window)

    def _strength(self, whole: list[str], verdicts: _cues.Verdicts | None = None) -> float:
        """How much a note's best match can be trusted, as a factor on its relative score.
        ``verdicts``: :meth:`_verdicts` of ``whole`` already."""
        opts = self.options
        content = self._content(whole)
        factor = math.pow(self._coverage(content), opts.coverage_power)
        v = verdicts or self._verdicts(whole)
        if v.rescheduling:
            factor /= opts.schedule_factor
        elif v.prospective:
            factor /= opts.prospective_factor
        elif len(content) <= opts.non_work_max_words and v.non_work:
            # A leave or an offsite dominates a short note; a long one that mentions it is
            # usually about the work done around it ("rewrote the handbook after the reorg").
            factor /= opts.non_work_factor
        return factor * opts.score_scale / self._reference

    @staticmethod
    def _squash(x: float) -> float:
        return x / (x + 1) if x > 0 else 0.0

    def borrowed_from(self, expectation_id: str) -> tuple[str, ...]:
        """Ids of the default-ladder expectations whose hints this expectation borrows; ``()``
        when this matcher borrows nothing. KeyError for an id the ladder does not have."""
        if not self.ladder.has_expectation(expectation_id):
            raise KeyError(expectation_id)
        return self._lenders.get(expectation_id, ())

    # --- analysis ---------------------------------------------------------------------
    def terms(self, text: str) -> dict[str, float]:
        """The weighted index terms of a text: stems, bigrams and lexicon concepts."""
        return self._terms(tokens(text))

    def _terms(self, whole: list[str], note: NoteTokens | None = None) -> dict[str, float]:
        opts = self.options
        note = note or NoteTokens(whole)
        toks = note.toks
        stems = note.stems if opts.stemming else toks
        stop = self.lexicon.stopwords
        bigrams, bigram_weight = opts.bigrams, opts.bigram_weight
        out: dict[str, float] = {}
        get = out.get
        prev: str | None = None
        for tok, s in zip(toks, stems, strict=True):
            if tok in stop or tok == "n't" or len(tok) < 2:
                prev = None
                continue
            out[s] = 1.0
            if bigrams and prev is not None:
                bigram = f"{prev}_{s}"
                out[bigram] = max(get(bigram, 0.0), bigram_weight)
            prev = s
        if opts.concepts:
            cw = self._concept_weight
            for concept in self._concepts(whole, note):
                out[concept] = max(get(concept, 0.0), cw)
        return out

    def _concepts(self, whole: list[str], note: NoteTokens | None = None) -> list[str]:
        """Concepts of the lexicon a token list names. Compounds count whole ("on-call") or
        as the phrase of all their parts ("on call"), never by one part: "call" in "on-call"
        is no decision."""
        table = self.lexicon.concepts
        note = note or NoteTokens(whole)
        found = [table[p] for _, _, p in note.concept_phrases(self.lexicon)]
        for t in whole:
            if "-" in t or "/" in t:
                parts = tuple(stem(p) for p in COMPOUND.split(t) if p)
                if parts in table:
                    found.append(table[parts])
        return [c for group in found for c in group]

    def _bag(self, texts: Iterable[str], weight: float, into: dict[str, float]) -> None:
        for text in texts:
            for term, w in self.terms(text).items():
                into[term] = into.get(term, 0.0) + w * weight

    def _expectation_doc(self, i: int) -> dict[str, float]:
        e, opts = self._expectations[i], self.options
        doc: dict[str, float] = {}
        self._bag([e.text], opts.w_text, doc)
        if opts.ladder_hints:
            self._bag(e.signals, opts.w_signals, doc)
            self._bag(e.examples, opts.w_examples, doc)
        if self._borrowed is not None:
            self._bag(self._borrowed[i].signals, opts.w_borrowed, doc)
            self._bag(self._borrowed[i].examples, opts.w_borrowed, doc)
        return doc

    def _competency_doc(self, j: int) -> dict[str, float]:
        c, opts = self.ladder.competencies[j], self.options
        doc: dict[str, float] = {}
        self._bag([c.name, c.motto, c.description], opts.w_comp_name, doc)
        members = [self._expectations[i] for i in self._exps_of_comp[j]]
        self._bag([e.text for e in members], opts.w_comp_texts, doc)
        if opts.ladder_hints:
            self._bag(c.signals, opts.w_signals * opts.w_comp_hints * 2, doc)
            self._bag(c.examples, opts.w_examples * opts.w_comp_hints * 2, doc)
            for e in members:
                self._bag(e.signals, opts.w_comp_hints, doc)
                self._bag(e.examples, opts.w_comp_hints, doc)
        if self._borrowed is not None:
            for i in self._exps_of_comp[j]:
                self._bag(self._borrowed[i].signals, opts.w_comp_hints, doc)
                self._bag(self._borrowed[i].examples, opts.w_comp_hints, doc)
        return doc

    def _non_work(self, toks: list[str]) -> bool:
        return _cues.non_work(self.lexicon, toks)

    def _rescheduling(self, toks: list[str]) -> bool:
        return _cues.rescheduling(self.lexicon, toks, self.options.schedule_window)

    # --- public API -------------------------------------------------------------------
    def polarity(self, text: str) -> Polarity:
        """Negative when criticism or negation cues outweigh phrases that only look negative."""
        return self._polarity(tokens(text))

    def _polarity(self, toks: list[str]) -> Polarity:
        opts = self.options
        return _cues.polarity(
            self.lexicon,
            toks,
            remedy_window=opts.remedy_window,
            turn_distance=opts.turn_distance,
            duration_weight=opts.duration_weight,
        )

    def judgement_features(self, text: str) -> dict[str, float]:
        """The features the note models read: stems, bigrams, concepts and the cue verdicts;
        for training them (``bench/mapping_notemodels.py``)."""
        whole = tokens(text)
        note = NoteTokens(whole)
        lex = self.lexicon
        feats = note_features(note.toks, note.stems, note.concept_phrases(lex), lex)
        best = max((raw for _, raw in self._scored(whole, note)), default=0.0)
        score = self._squash(best * self._strength(whole))
        return judged_features(lex, self.options, whole, feats, self._polarity(whole), score)

    def raw_scores(self, text: str) -> list[tuple[int, float]]:
        """(expectation index, raw score) for every candidate, best first; for tuning."""
        return sorted(self._scored(tokens(text)), key=lambda pair: (-pair[1], pair[0]))

    def _topic_factors(self, note: NoteTokens) -> dict[int, float]:
        """Competency position -> score factor, for competencies with a topic. Off without
        hint borrowing: the lending reference (``_borrow``) matches ladder texts, not notes."""
        if not any(self._topics) or not self.options.borrow_hints:
            return {}
        keyed, starts = note.stems, self._topic_starts
        grams = {
            tuple(keyed[i : i + n]) for i, s in enumerate(keyed) if s in starts for n in range(1, 4)
        }
        opts = self.options
        return {
            j: opts.topic_bonus if topic & grams else opts.topic_missing_factor
            for j, topic in enumerate(self._topics)
            if topic
        }

    def _scored(self, whole: list[str], note: NoteTokens | None = None) -> list[tuple[int, float]]:
        """(expectation index, raw score) of every candidate, in index order."""
        raw, own, comp = self._raw(whole, note or NoteTokens(whole))
        return [(i, raw[i]) for i in self._candidates(own, comp)]

    def _candidates(self, own: dict[int, float], comp: dict[int, float]) -> list[int]:
        """The expectations a note competes for: those sharing a term with it, and all those
        of a competency sharing one."""
        found = set(own)
        for j in comp:
            found.update(self._exps_of_comp[j])
        return sorted(found)

    def _raw(
        self, whole: list[str], note: NoteTokens
    ) -> tuple[list[float], dict[int, float], dict[int, float]]:
        """Raw scores by expectation index (0.0 for an expectation no candidate), and the
        expectation and competency BM25F scores (whose keys say which are candidates).

        One list per step, each built by ``map`` over every expectation: a note competes for
        most of a ladder, and a list in C beats a loop over the candidates in Python."""
        opts = self.options
        query = self._terms(whole, note)
        own = self._exp_index.score(query)
        comp = self._comp_index.score(query)
        exps_of_comp = self._exps_of_comp
        for j, factor in self._topic_factors(note).items():
            if j in comp:
                comp[j] *= factor
            for i in exps_of_comp[j]:
                if i in own:
                    own[i] *= factor
        # Expectations of a matched competency all compete, so the level cues can pick one
        # even when the note shares no word with any of their texts: each scores its
        # competency's share (nothing for an unmatched one: ``x + 0.0`` is ``x``).
        cw = opts.competency_weight
        shares = [cw * comp[j] if j in comp else 0.0 for j in range(len(exps_of_comp))]
        raw = list(
            map(
                add,
                map(own.get, self._exp_range, self._zeros),
                map(shares.__getitem__, self._exp_comp),
            )
        )
        scope = _cues.scope(self.lexicon, note.toks) if opts.scope_weight else None
        if scope is not None:
            sw = opts.scope_weight
            scales = [1 + sw * (1 - 2 * abs(pos - scope)) for pos in self._level_positions]
            raw = list(map(mul, raw, map(scales.__getitem__, self._exp_level)))
        return raw, own, comp

    def match(self, text: str, top_k: int = 5) -> list[Match]:
        """The expectations the note shows, best first; ``[]`` means no ladder evidence."""
        if top_k <= 0:
            return []
        whole = tokens(text)
        note = NoteTokens(whole)
        final, own, comp = self._raw(whole, note)
        lex = self.lexicon
        feats: dict[str, float] | None = None
        if self.reranker is not None:
            slugs, members = self._comp_slugs, self._comp_members
            feats = note_features(note.toks, note.stems, note.concept_phrases(lex), lex)
            present = set(comp).union(map(self._exp_comp.__getitem__, own))
            # Non-candidates score 0.0 and cannot raise a competency's best above its floor.
            best = {
                slugs[j]: max(max(members[j](final)), 0.0) for j in present if self._exps_of_comp[j]
            }
            factors = self.reranker.competency_factors(feats, best)
            by_comp = [factors.get(slug, 0.0) for slug in slugs]
            final = list(map(mul, final, map(by_comp.__getitem__, self._exp_comp)))
        scored = best_first(final, top_k, lambda: self._candidates(own, comp))
        if not scored:
            return []
        verdicts = self._verdicts(whole)
        strength = self._strength(whole, verdicts)
        polarity: Polarity | None = None
        if self.note_models is not None:
            polarity = self._polarity(whole)
            if feats is None:
                feats = note_features(note.toks, note.stems, note.concept_phrases(lex), lex)
            top = self._squash(scored[0][1] * strength)
            judged = judged_features(lex, self.options, whole, feats, polarity, top, verdicts)
            key = None if self.texts_only else self._key
            weak, polarity = self.note_models.judge(judged, polarity, key)
            if weak:
                strength /= self.options.no_evidence_factor
        if self._squash(scored[0][1] * strength) < self.min_score:
            return []
        if polarity is None:  # read only for a note that has evidence
            polarity = self._polarity(whole)
        out: list[Match] = []
        for i, raw in scored:
            e = self._expectations[i]
            score = round(self._squash(raw * strength), 4)
            out.append(
                Match(
                    expectation_id=e.id,
                    competency=e.competency,
                    level=e.level,
                    score=score,
                    polarity=polarity,
                )
            )
        return out

    def match_many(self, texts: Sequence[str], top_k: int = 5) -> list[list[Match]]:
        """:meth:`match` for each text, in order."""
        return [self.match(t, top_k) for t in texts]


@cache
def _reference() -> Matcher | None:
    """The default ladder's matcher, borrowing nothing, built once per process."""
    ladder = default_ladder()
    return None if ladder is None else Matcher(ladder, options=MatcherOptions(borrow_hints=False))
