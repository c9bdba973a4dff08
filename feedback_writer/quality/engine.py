"""Provides the word-list checks: every rule of the data files matched sentence by sentence,
with the generic context conditions the rules name (who the subject is, what follows,
what else the sentence or the text says).

No word lives here: the words are in ``quality/data``; this module only knows the
condition names documented in :mod:`feedback_writer.quality.rules`.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Literal

from feedback_writer.quality.model import CheckContext, Finding
from feedback_writer.quality.rules import Rule, RuleSet
from feedback_writer.quality.text import Sentence, Token, sentences, tokens

Subject = Literal["person", "thing"]
NAME_CLASS = "@name"
# A name acting in the sentence ("Lin designed ..."): a person's own part.
ACTOR_CLASS = "@actor"
# Lexicon classes of first names: names, not known words, when a capitalised word is read.
NAME_LISTS = ("feminine_names", "masculine_names")
_NOUN_ENDINGS = ("ing", "ion", "ity", "ness", "ment", "ency", "ancy", "ance", "ence", "ship", "ism")
_BREAK = re.compile(r"[,;:()\u2014\u2013]|\s-\s")
# A Markdown heading line ("## Growth", "**Growth areas**"): a label, not a claim.
_HEADING = re.compile(r"#{1,6}\s.*|\*\*[^*]+\*\*:?|__[^_]+__:?")
HEADING = _HEADING


@lru_cache(maxsize=4096)
def _pattern_has(pattern: re.Pattern[str], listed: frozenset[str], text: str) -> bool:
    """Whether ``pattern`` matches ``text`` other than on a listed first name (a person's
    first name is no named piece of work: "Overall, Juan is doing fine"). Cached: the
    rules, the learned layer and the context checks ask the same of one text."""
    return any(m.group().lower() not in listed for m in pattern.finditer(text))


class Matcher:
    """Answers the questions the rule conditions ask, for one text and one rule set."""

    def __init__(self, rules: RuleSet, text: str, context: CheckContext | None) -> None:
        self.rules = rules
        self.text = text
        name_tokens = tokens(context.person) if context and context.person else ()
        self.names = frozenset(t.low for t in name_tokens)
        self.listed = rules.classes.get(NAME_LISTS[0], frozenset()) | rules.classes.get(
            NAME_LISTS[1], frozenset()
        )
        self.known = frozenset().union(
            *(v for k, v in rules.classes.items() if k not in NAME_LISTS)
        )

    def cls(self, name: str) -> frozenset[str]:
        return self.rules.classes.get(name, frozenset())

    def has(self, name: str, text: str, toks: tuple[Token, ...]) -> bool:
        """Whether ``text`` has a word or phrase of lexicon class ``name`` (``@name``: a
        person's name, as far as capitalisation tells)."""
        if name == NAME_CLASS:
            return any(self.is_name_at(toks, i) for i in range(len(toks)))
        if name == ACTOR_CLASS:
            return any(self.acts_at(toks, i) for i in range(len(toks) - 1))
        words = self.cls(name)
        if any(t.low in words for t in toks):
            return True
        if name == "person_ref" and any(t.low in self.names for t in toks):
            return True
        pattern = self.rules.patterns.get(name)
        return pattern is not None and _pattern_has(pattern, self.listed, text)

    def _is_name(self, tok: Token, first: bool, nxt: Token | None = None) -> bool:
        low = tok.low.removesuffix("'s")
        if low in self.names:
            return True
        if not tok.text[:1].isupper() or tok.text.isupper() or low in self.known:
            return False
        if tok.low.endswith("'s"):
            return True
        # A capitalised word that is no known word: a name, unless it starts the sentence
        # and looks like a common noun ("Latency", "Caching") or a plural ("Deploys")
        # not followed by a singular verb ("Marcus is").
        if first and tok.low.endswith(_NOUN_ENDINGS):
            return False
        if first and tok.low.endswith("s"):
            return nxt is not None and (
                nxt.low in self.cls("singular_verbs") or nxt.low.endswith(("es", "ks", "ts"))
            )
        return True

    def is_name_at(self, toks: tuple[Token, ...], i: int, strict: bool = False) -> bool:
        """Whether token ``i`` is a name. ``strict``: also acting or owning in the sentence
        (a possessive, or a verb-like word next), and not addressing the reader
        ("Ravi, you ..."), so that product names do not pass."""
        first = i == 0 or bool(re.search(r"[.!?]\s*$", self.text[: toks[i].start]))
        tok = toks[i]
        if first and tok.low in self.cls("sentence_starters"):
            return False
        if not self._is_name(tok, first, toks[i + 1] if i + 1 < len(toks) else None):
            return False
        if not strict or tok.low.endswith("'s"):
            return True
        after = [t for t in toks[i + 1 :] if not (t.low.endswith("ly") and len(t.low) > 5)]
        listed = tok.low in self.listed
        if listed and after and after[0].low in self.cls("skip"):
            return True  # a first name before "is", "has", "became": a person
        rest = [t for t in after if t.low not in self.cls("skip")]
        if not rest:
            return False
        gap = self.text[tok.end : toks[i + 1].start] if i + 1 < len(toks) else ""
        if re.search(r"[.!?]\s", gap) or re.search(r"[.!?]\s", self.text[tok.end : rest[0].start]):
            return False  # the sentence ends here: the next word is no verb of this name
        if "," in gap and toks[i + 1].low in self.cls("second_person"):
            return False
        nxt = rest[0].low
        prev = toks[i - 1].low if i else ""
        return (
            nxt in self.cls("achievement_verbs")
            or nxt in self.cls("singular_verbs")
            or nxt in self.cls("past_verbs")
            or nxt.endswith("ed")
            or prev in self.cls("name_cues")
        )

    def name_count(self, toks: tuple[Token, ...]) -> int:
        """How many different people the text names: first names of the name lists, and
        names acting or owning in their sentence."""
        listed = self.listed
        return len(
            {
                t.low.removesuffix("'s")
                for i, t in enumerate(toks)
                if t.text[:1].isupper()
                and (t.low.removesuffix("'s") in listed or self.is_name_at(toks, i, True))
            }
        )

    def acts_at(self, toks: tuple[Token, ...], i: int) -> bool:
        """Whether token ``i`` is a name followed by a past or achievement verb ("Lin
        designed", "Carlos personally migrated"); "Chen is part of it" is no act."""
        if not self.is_name_at(toks, i) or toks[i].low.endswith("'s"):
            return False
        if i and toks[i - 1].low in self.cls("skip"):
            return False  # "the group that Dalia joined": a relative clause, not her act
        rest = [t.low for t in toks[i + 1 : i + 3] if t.low not in self.cls("skip")]
        return bool(rest) and (rest[0] in self.cls("achievement_verbs") or rest[0].endswith("ed"))

    def _person_word(self, tok: Token, first: bool, nxt: Token | None = None) -> bool:
        if tok.low.split("'")[0] in self.cls("pronouns"):
            return True  # "she's", "he'd", "they're": a pronoun with its verb
        return tok.low in self.cls("person_words") or self._is_name(tok, first, nxt)

    def subject(self, sent: Sentence, index: int) -> Subject:
        """Who the words at token ``index`` are about, from the words before them (the
        nearest noun phrase in the same clause), else from what follows."""
        toks = sent.tokens
        skip, breaks = self.cls("skip"), self.cls("clause_breaks")
        j = index
        while j > 0:
            j -= 1
            tok = toks[j]
            gap = self.text[tok.end : toks[j + 1].start] if j + 1 < len(toks) else ""
            if _BREAK.search(gap) or tok.low in breaks:
                break
            if j >= 2 and self._relative_clause(toks, j):
                j -= 1  # "the policy Kofi inherited was ...": the subject is the policy
                continue
            if self._person_word(tok, j == 0, toks[j + 1] if j + 1 < len(toks) else None):
                return "person"
            if tok.low in skip or tok.low in self.cls("determiners"):
                continue
            if tok.low.endswith("ly") and len(tok.low) > 5:
                continue  # an adverb: "I'm naturally curious"
            lead = toks[max(0, j - 2) : j]
            if tok.low in self.cls("system_nouns") and any(
                t.low.endswith("'s") or t.low in self.cls("possessives") for t in lead
            ):
                return "thing"  # "Wei's backfill script is aggressive": the script
            # A noun phrase: about the person when a possessive or a name leads it.
            for k in range(j - 1, max(-1, j - 4), -1):
                word = toks[k].low
                if word in self.cls("possessives") or self._is_name(toks[k], k == 0):
                    return "person"
                if word in skip or word in breaks or word in self.cls("determiners"):
                    break
            return "thing"
        for tok in toks[index + 1 : index + 4]:
            if tok.low in self.cls("determiners") or tok.low in self.cls("system_nouns"):
                return "thing"
            if tok.low not in skip:
                break
        return "person"

    def _relative_clause(self, toks: tuple[Token, ...], j: int) -> bool:
        """Whether ``toks[j]`` is the verb of a reduced relative clause after a noun ("the
        retry policy Kofi inherited", "the doc she wrote")."""
        verb, who, noun = toks[j], toks[j - 1], toks[j - 2]
        if not (verb.low.endswith("ed") or verb.low in self.cls("achievement_verbs")):
            return False
        if not (who.low in self.cls("person_words") or self._is_name(who, False)):
            return False
        return noun.low not in self.known or noun.low in self.cls("system_nouns")

    def next_is_thing(self, sent: Sentence, index: int, end: int) -> bool:
        """Whether the matched word directly modifies a following noun that is not a person
        ("aggressive caching", "a difficult migration")."""
        toks = sent.tokens
        last = self.text[:end].split()[-1].lower() if self.text[:end].split() else ""
        if last in self.cls("function"):
            return False  # "slow to respond": the match ends in a function word, no modifier
        nxt = next((t for t in toks[index:] if t.start >= end), None)
        if nxt is None or self.text[end : nxt.start].strip():
            return False
        if self._person_word(nxt, False) or nxt.low in self.cls("person_props"):
            # A capitalised product name before a system noun ("flaky Cypress failures").
            after = next((t for t in toks if t.start >= nxt.end), None)
            return bool(
                after is not None
                and not self.text[nxt.end : after.start].strip()
                and after.low in self.cls("system_nouns")
                and nxt.text[:1].isupper()
            )
        return nxt.low not in self.cls("skip") and nxt.low not in self.cls("function")


def _neighbour(sent: Sentence, start: int, end: int, before: bool) -> str | None:
    if before:
        prev = [t for t in sent.tokens if t.end <= start]
        return prev[-1].low if prev else None
    nxt = [t for t in sent.tokens if t.start >= end]
    return nxt[0].low if nxt else None


def _ok(rule: Rule, m: Matcher, sent: Sentence, start: int, end: int, mode: str) -> bool:
    c: dict[str, Any] = rule.conditions
    if "modes" in c and mode not in c["modes"]:
        return False
    if c.get("not_proper") and start > sent.start and m.text[start].isupper():
        return False  # "the Pioneer service": a name, not the word
    if c.get("name") and not m.is_name_at(sent.tokens, sent.token_index_at(start), True):
        return False
    if "innocent_before" in c and _neighbour(sent, start, end, True) in c["innocent_before"]:
        return False
    if "innocent_after" in c and _neighbour(sent, start, end, False) in c["innocent_after"]:
        return False
    index = sent.token_index_at(start)
    if c.get("skip_before_thing") and m.next_is_thing(sent, index, end):
        return False
    if c.get("subject") == "person" and m.subject(sent, index) != "person":
        return False
    scope, scope_toks = sent.text, sent.tokens
    if c.get("clause"):
        left = m.text.rfind(";", sent.start, start) + 1 or sent.start
        right = m.text.find(";", end, sent.end)
        right = sent.end if right < 0 else right
        scope = m.text[left:right]
        scope_toks = tuple(t for t in sent.tokens if left <= t.start < right)
    if any(m.has(n, scope, scope_toks) for n in c.get("unless", [])):
        return False
    if not all(m.has(n, scope, scope_toks) for n in c.get("requires", [])):
        return False
    if "unless_following" in c:
        stop = m.text.find("\n\n", sent.end)
        rest = m.text[sent.start : len(m.text) if stop < 0 else stop]
        after_toks = tokens(rest, sent.start)
        if any(m.has(n, rest, after_toks) for n in c["unless_following"]):
            return False
    if "requires_after" in c:
        spec = c["requires_after"]
        after = [t for t in sent.tokens if t.start >= end][: int(spec.get("within", 3))]
        if not any(t.low in m.cls(spec["class"]) for t in after):
            return False
    return True


def _finding(rule: Rule, text: str, start: int, end: int) -> Finding:
    span = text[start:end]
    return Finding(
        rule.id,
        rule.category,
        start,
        end,
        span,
        rule.message.replace("{match}", span),
        rule.suggestion.replace("{match}", span),
    )


def _mixed(rule: Rule, m: Matcher, text: str) -> list[Finding]:
    """Both classes in the text: the first word of the class that came second."""
    names = rule.conditions["mixed"]
    toks = tokens(text)
    by_start = {t.start: i for i, t in enumerate(toks)}
    seen: dict[str, int] = {}
    firsts: dict[str, tuple[int, int]] = {}
    quoted = list(_QUOTED.finditer(text))
    for hit in rule.pattern.finditer(text):
        if any(q.start() < hit.start() < q.end() for q in quoted):
            continue
        word = hit.group().lower().replace("’", "'")
        for key, name in zip(("a", "b"), names, strict=True):
            i = by_start.get(hit.start())
            member = word in m.cls(name) or (
                name == NAME_CLASS and i is not None and m.is_name_at(toks, i, True)
            )
            if member and key not in seen:
                seen[key] = hit.start()
                firsts[key] = (hit.start(), hit.end())
    if len(seen) < 2:
        return []
    later = max(seen, key=lambda k: seen[k])
    return [_finding(rule, text, *firsts[later])]


def not_claim_spans(rules: RuleSet, text: str) -> list[tuple[int, int]]:
    """The spans of lexicon class ``not_claims`` (a drafter's counts of notes): no claim."""
    pattern = rules.patterns.get("not_claims")
    return [m.span() for m in pattern.finditer(text)] if pattern else []


_QUOTED = re.compile(r"(?<!\w)['\"‘“][^'\"’”\n]{2,300}['\"’”](?!\w)")


def run_rules(
    rules: RuleSet, text: str, mode: str, context: CheckContext | None = None
) -> list[Finding]:
    """Every finding of the word-list rules, in text order."""
    m = Matcher(rules, text, context)
    sents = [s for s in sentences(text) if not _HEADING.fullmatch(s.text)]
    all_toks = tokens(text)
    quoted = list(_QUOTED.finditer(text))
    spared = not_claim_spans(rules, text)
    out: list[Finding] = []
    for rule in rules.rules:
        c = rule.conditions
        if "modes" in c and mode not in c["modes"]:
            continue
        if any(m.has(n, text, all_toks) for n in c.get("text_lacks", [])):
            continue
        if not all(m.has(n, text, all_toks) for n in c.get("text_has", [])):
            continue
        if "max_names" in c and m.name_count(all_toks) > int(c["max_names"]):
            continue
        if "mixed" in c:
            out += _mixed(rule, m, text)
            continue
        found: list[Finding] = []
        for sent in sents:
            for hit in rule.pattern.finditer(sent.text):
                start, end = sent.start + hit.start(), sent.start + hit.end()
                if any(q.start() < start < q.end() for q in quoted):
                    continue  # quoted words are someone else's, not the reviewer's
                if any(a <= start < b for a, b in spared):
                    continue  # a drafter's count of notes, not a claim
                if not _ok(rule, m, sent, start, end, mode):
                    continue
                if c.get("span") == "sentence":
                    start, end = sent.start, sent.end
                found.append(_finding(rule, text, start, end))
                if c.get("span") == "sentence":
                    break
        out += found[:1] if c.get("once") else found
    out.sort(key=lambda f: (f.start, -f.end, f.rule))
    return _drop_nested(out)


def _drop_nested(found: list[Finding]) -> list[Finding]:
    """One finding per span and category: drop those inside another of the same category."""
    kept: list[Finding] = []
    for f in found:
        if not any(
            k.category == f.category and k.start <= f.start and f.end <= k.end for k in kept
        ):
            kept.append(f)
    kept.sort(key=lambda f: (f.start, f.end, f.rule))
    return kept
