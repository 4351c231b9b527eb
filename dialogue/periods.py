"""Reporting periods: a month ('2026-10'), a quarter ('2026-Q3') or a year ('2026').

A period knows its date range [start, end), its predecessor of the same kind and how to name itself
in each language. Queries receive start/end dates as parameters, never the period text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from dialogue.i18n import fmt_month, t

KINDS = ("month", "quarter", "year")
_PATTERNS = {
    "month": re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$"),
    "quarter": re.compile(r"^(\d{4})-Q([1-4])$"),
    "year": re.compile(r"^(\d{4})$"),
}


@dataclass(frozen=True, order=True)
class Period:
    start: date
    kind: str

    @property
    def end(self) -> date:
        """The first day after the period."""
        months = {"month": 1, "quarter": 3, "year": 12}[self.kind]
        return add_months(self.start, months)

    @property
    def key(self) -> str:
        if self.kind == "month":
            return f"{self.start:%Y-%m}"
        if self.kind == "quarter":
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return str(self.start.year)

    def previous(self) -> Period:
        """The period of the same kind just before this one."""
        months = {"month": 1, "quarter": 3, "year": 12}[self.kind]
        return Period(add_months(self.start, -months), self.kind)

    def contains(self, day: date) -> bool:
        return self.start <= day < self.end

    def label(self, lang: str) -> str:
        """'October 2026' / 'Октябрь 2026 г.' / '2026 ж. қазан' (the language's CLDR month pattern),
        'Q3 2026' / '3 кв. 2026' / '2026 ж. 3-тоқсан', '2026' / '2026 г.' / '2026 ж.'."""
        if self.kind == "month":
            text = fmt_month(self.start, lang, short=False)
            return text[0].upper() + text[1:]
        if self.kind == "quarter":
            q = (self.start.month - 1) // 3 + 1
            return t("common.period_quarter", lang, q=q,
                     year=self.start.year)
        return t("common.period_year", lang, year=self.start.year)

    def params(self) -> dict[str, date]:
        """The query parameters for this period and the one before."""
        prev = self.previous()
        return {"start_date": self.start, "end_date": self.end, "prev_start_date": prev.start,
                "prev_end_date": prev.end}


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def parse(text: str | None) -> Period | None:
    """The period a URL or command line names, or None if the text is not one."""
    if not text:
        return None
    text = text.strip().upper()
    for kind, pattern in _PATTERNS.items():
        m = pattern.match(text)
        if m:
            year = int(m.group(1))
            if not 2000 <= year <= 2100:
                return None
            if kind == "month":
                return Period(date(year, int(m.group(2)), 1), kind)
            if kind == "quarter":
                return Period(date(year, 3 * int(m.group(2)) - 2, 1), kind)
            return Period(date(year, 1, 1), kind)
    return None


def period_of(day: date, kind: str) -> Period:
    """The period of the given kind that contains day."""
    if kind == "month":
        return Period(date(day.year, day.month, 1), kind)
    if kind == "quarter":
        return Period(date(day.year, 3 * ((day.month - 1) // 3) + 1, 1), kind)
    return Period(date(day.year, 1, 1), kind)


def available(kind: str, first: date, last: date) -> list[Period]:
    """Every period of a kind between two days, newest first."""
    out = []
    p = period_of(last, kind)
    while p.end > first:
        out.append(p)
        p = p.previous()
    return out


def default_period(last_data_day: date) -> Period:
    """The last complete month before the newest data (the current month is still filling up)."""
    return period_of(last_data_day, "month").previous()
