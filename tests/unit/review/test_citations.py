"""The one citation grammar: bracketed citations, bare ids, and stripping."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from feedback_writer.citations import cited_ids, parse_citations, strip_citations
from feedback_writer.drafting.render import citation

EXP = "reliability.mid.active-in-incidents"


def test_parse_each_citation_in_order():
    text = f"- Led it (2026-01-12) [n3; {EXP}]\n- Again [n3; n10]\n- Guidance [a.b.c, d-1.e.f]"
    assert parse_citations(text) == [
        (["n3"], [EXP]),
        (["n3", "n10"], []),
        ([], ["a.b.c", "d-1.e.f"]),
    ]


def test_brackets_that_are_not_citations():
    text = "[see here](http://x) [n3 and more] [] [N3] [n3;] [a.b]"
    assert parse_citations(text) == [(["n3"], [])]  # only the trailing-separator one


def test_strip_removes_citations_and_the_space_before():
    text = f"- Led it (2026-01-12) [n3; {EXP}]\n- Kept [link](u) and [notes]"
    assert strip_citations(text) == "- Led it (2026-01-12)\n- Kept [link](u) and [notes]"


def test_cited_ids_bare_or_bracketed_unique_in_order():
    text = f"- Led it [n3; {EXP}]\n- Again [n3; n10], see n7 and {EXP}; not xn3 or n3x"
    assert cited_ids(text) == (["n3", "n10", "n7"], [EXP])


_slug = st.from_regex(r"[a-z0-9][a-z0-9-]{0,8}", fullmatch=True)
_exp = st.builds(lambda a, b, c: f"{a}.{b}.{c}", _slug, _slug, _slug)
_note = st.integers(0, 10_000).map(lambda i: f"n{i}")


@given(st.lists(_note, max_size=4), st.lists(_exp, max_size=4))
def test_parse_reads_what_the_renderer_writes(notes, exps):
    if not notes and not exps:
        return
    text = f"- A point {citation(notes, exps)}"
    assert parse_citations(text) == [(notes, exps)]
    assert strip_citations(text) == "- A point"
