"""Provides recognition of the date a note starts with, in the forms people write.

Recognised (optionally in ``[brackets]``, then ``:``, ``-``, ``–``, ``—`` or a space):

- ISO ``2026-03-25`` (also ``2026/03/25``, ``2026.3.25``);
- numeric ``03/25/2026``, ``25/03/2026``, ``25.03.2026``, ``3-25-26`` (two-digit years are
  20YY) and year-less ``3/25``;
- with a month name: ``Mar 25``, ``March 25, 2026``, ``25 Mar 2026``, ``25th of March``.

Numeric day/month order: when one part is above 12 the order is plain. Otherwise
(``03/04/2026``) ``date_order`` decides (``"MDY"`` or ``"DMY"``); with no order given a
dotted date (``03.04.2026``) is read day first, as everywhere dots are used, and a
slashed or dashed one is *not guessed*: the note is left undated and reported, so it
never lands silently in the wrong month. A date without a year takes ``default_year``;
without one it is left undated and reported. Year-less dates need a separator after them
(``Mar 25:``, ``3/25 -``) so that "May 5 people joined" is not read as a date.

A date in a recognised form that does not exist (``2026-02-30``) is an error for the
caller to report; one that cannot be resolved is an :class:`UndatedReason`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

DateOrder = Literal["MDY", "DMY"]
DATE_ORDERS: tuple[DateOrder, ...] = ("MDY", "DMY")

_MONTHS = {
    name: i
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_MON = "|".join(sorted(_MONTHS, key=len, reverse=True))
_ORD = r"(?:st|nd|rd|th)?"
_DATE = (
    r"(?P<iy>\d{4})(?P<isep>[-/.])(?P<im>\d{1,2})(?P=isep)(?P<id>\d{1,2})"
    r"|(?P<na>\d{1,2})(?P<nsep>[-/.])(?P<nb>\d{1,2})(?:(?P=nsep)(?P<ny>\d{4}|\d{2}))?"
    rf"|(?P<m1>{_MON})\.?\s+(?P<d1>\d{{1,2}}){_ORD}(?:,?\s+(?P<y1>\d{{4}}))?"
    rf"|(?P<d2>\d{{1,2}}){_ORD}\s+(?:of\s+)?(?P<m2>{_MON})\.?(?:,?\s+(?P<y2>\d{{4}}))?"
)
_BRACKETED = _DATE.replace("(?P<", "(?P<b_").replace("(?P=", "(?P=b_")
_LEADING = re.compile(
    rf"^\s*(?:\[(?P<b>{_BRACKETED})\]|(?P<p>{_DATE}))(?![\w/.-]*\d)"
    r"(?P<sep>\s*(?::|-|–|—|,|\.(?!\d))?)\s*(?P<rest>.*)$",
    re.S | re.I,
)
_FULL = re.compile(rf"^\s*(?:{_DATE})\s*$", re.I)
_SEARCH = re.compile(rf"(?<![\w/.-])(?:{_DATE})(?![\w/-]|\.\d)", re.I)


class DateNotFound(ValueError):
    """A date in a recognised form that does not exist (``2026-02-30``)."""


@dataclass(frozen=True)
class UndatedReason:
    """A leading date that could not be resolved, and why."""

    raw: str
    reason: str


@dataclass(frozen=True)
class LeadingDate:
    """What :func:`leading_date` found: the date (or why there is none) and the rest."""

    raw: str
    rest: str
    date: dt.date | None = None
    undated: UndatedReason | None = None


def _year(raw: str | None, default_year: int | None) -> int | None:
    if raw is None:
        return default_year
    year = int(raw)
    return 2000 + year if len(raw) == 2 else year


def _build(raw: str, y: int, m: int, d: int) -> dt.date:
    try:
        return dt.date(y, m, d)
    except ValueError:
        raise DateNotFound(f"invalid date '{raw}': the date does not exist") from None


def _numeric(
    raw: str, a: int, b: int, sep: str, date_order: DateOrder | None
) -> tuple[int, int] | str:
    """(month, day), or why the order cannot be told."""
    if a > 12 >= b:
        return b, a
    if b > 12 >= a or a == b:
        return a, b
    if a > 12 and b > 12:
        return a, b  # no month: _build says the date does not exist
    order = date_order or ("DMY" if sep == "." else None)
    if order is None:
        return (
            f"ambiguous date '{raw}': {a}/{b} could be month/day or day/month; "
            "give the date order (MDY or DMY)"
        )
    return (a, b) if order == "MDY" else (b, a)


def _resolve(
    g: dict[str, str | None], raw: str, date_order: DateOrder | None, default_year: int | None
) -> dt.date | UndatedReason:
    if g["iy"]:
        return _build(raw, int(g["iy"]), int(g["im"] or 0), int(g["id"] or 0))
    if g["na"]:
        year = _year(g["ny"], default_year)
        md = _numeric(raw, int(g["na"]), int(g["nb"] or 0), g["nsep"] or "/", date_order)
    else:
        month = _MONTHS[(g["m1"] or g["m2"] or "").lower()]
        year = _year(g["y1"] or g["y2"], default_year)
        md = (month, int(g["d1"] or g["d2"] or 0))
    if isinstance(md, str):
        return UndatedReason(raw, md)
    if year is None:
        return UndatedReason(raw, f"date '{raw}' has no year; give a default year")
    return _build(raw, year, *md)


def _groups(m: re.Match[str], bracketed: bool) -> dict[str, str | None]:
    g = m.groupdict()
    if bracketed:
        return {k[2:]: v for k, v in g.items() if k.startswith("b_")}
    return g


def leading_date(
    text: str, *, date_order: DateOrder | None = None, default_year: int | None = None
) -> LeadingDate | None:
    """The date ``text`` starts with, or None when it does not start with one.

    Raises :class:`DateNotFound` for a recognised form naming a day that does not exist.
    The TUI note editor and the importer both read a note's leading date with this.
    """
    m = _LEADING.match(text)
    if m is None:
        return None
    bracketed = m.group("b") is not None
    raw = m.group("b") if bracketed else m.group("p")
    g = _groups(m, bracketed)
    rest = m.group("rest")
    has_year = bool(g["iy"] or g["ny"] or g["y1"] or g["y2"])
    separated = bracketed or m.group("sep").strip() != "" or not rest.split("\n", 1)[0].strip()
    if not has_year and not separated:
        return None  # "May 5 people joined": not a date
    if g["na"] and not g["ny"] and g["nsep"] != "/":
        return None  # "3-5 people", "1.5 days": not a date
    found = _resolve(g, raw, date_order, default_year)
    if isinstance(found, UndatedReason):
        return LeadingDate(raw=raw, rest=text.strip(), undated=found)
    return LeadingDate(raw=raw, rest=rest, date=found)


def parse_date(
    text: str, *, date_order: DateOrder | None = None, default_year: int | None = None
) -> dt.date:
    """A whole string that is one date in a recognised form (for date fields and prompts).

    Raises :class:`ValueError` (:class:`DateNotFound` when the date does not exist) with a
    message fit to show the user.
    """
    raw = text.strip()
    m = _FULL.match(raw)
    if m is None:
        raise ValueError(f"'{raw}' is not a date (e.g. 2026-03-25, 03/25/2026, Mar 25 2026)")
    found = _resolve(m.groupdict(), raw, date_order, default_year)
    if isinstance(found, UndatedReason):
        raise ValueError(found.reason)
    return found


def find_date(
    text: str, *, date_order: DateOrder | None = None, default_year: int | None = None
) -> dt.date | None:
    """The first resolvable date anywhere in ``text`` (headings: "## Week of 2026-04-06").

    Raises :class:`DateNotFound` for a recognised form naming a day that does not exist.
    """
    for m in _SEARCH.finditer(text):
        g = m.groupdict()
        if g["na"] and not g["ny"]:
            continue  # "3/4" inside a heading is too weak a hint
        found = _resolve(g, m.group(), date_order, default_year)
        if isinstance(found, dt.date):
            return found
    return None
