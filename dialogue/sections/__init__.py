"""Sections: the unit of content, in plain Python (no Streamlit).

A section answers one question: its query (or queries) → a frame → a figure or a table, one sentence that
says what the figures show (generated from the data), and its source and as-of date. The same sections are
rendered on screen (dialogue.screen, for the pages), on a shared screen in a meeting, and on paper in
briefing packs. A page, a region profile, an agenda and a pack are lists of sections.

Builders take a Context (scope, language, the day that counts as today, and how to run a query) and
return a Section; they never read the clock nor the session.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

import pandas as pd

from dialogue import i18n, periods

NATIONAL = "KZ"  # the whole country, wherever a region code is expected


@dataclass(frozen=True)
class Context:
    """What every section is built for: a region (None = the country), a period, a language, the day
    that counts as today, and the query runner (cached on screen, plain on the command line)."""

    region: str | None
    period: periods.Period
    lang: str
    as_of_date: date
    run: Callable[..., pd.DataFrame] = field(compare=False, repr=False)
    # Keeps built sections (on screen: per data version, so a warm page view builds no figure twice);
    # None builds every time (command line, packs, tests).
    memo: Callable[[tuple, Callable[[], Any]], Any] | None = field(default=None, compare=False, repr=False)

    def params(self) -> dict:
        """The parameters every question may take: $region, the period's dates, $as_of_date."""
        return {"region": self.region, **self.period.params(), "as_of_date": self.as_of_date}

    def query(self, name: str, **extra) -> pd.DataFrame:
        """Run a question with the scope's parameters (extra ones override); it takes what it declares."""
        return self.run(name, **{**self.params(), **extra})

    def t(self, key: str, **values) -> str:
        """A message in the context's language."""
        return i18n.t(key, self.lang, **values)

    def with_region(self, region: str | None) -> Context:
        return replace(self, region=region)

    def with_period(self, period: periods.Period) -> Context:
        return replace(self, period=period)

    # ---- names of places in the context's language --------------------------------------------

    def regions(self) -> pd.DataFrame:
        return self.run("geography/regions")

    def districts(self) -> pd.DataFrame:
        """The districts of the region (every district for the country)."""
        return self.run("geography/districts", region=self.region)

    def region_name(self, code: str | None, short: bool = False) -> str:
        """A region's name; the country's for None or 'KZ'."""
        if code in (None, NATIONAL):
            return self.t("common.all_regions")
        return i18n.region_name(self.regions().set_index("region_code").loc[code], self.lang, short=short)

    def scope_name(self) -> str:
        """'Atyrau region · Oct 2026': what a section is about."""
        return f"{self.region_name(self.region)} · {self.period.label(self.lang)}"

    def area_labels(self) -> dict[str, str]:
        """Names of the areas a view breaks down into: the regions (short), or the region's districts."""
        if self.region:
            return {code: i18n.place_name(row, self.lang)
                    for code, row in self.districts().set_index("district_kato").iterrows()}
        return {code: i18n.region_name(row, self.lang, short=True)
                for code, row in self.regions().set_index("region_code").iterrows()}

    def place_labels(self, frame: pd.DataFrame, prefix: str) -> list[str]:
        """The names a query returns as <prefix>_kk/_ru/_en, in the language ('—' where none was found)."""
        return [i18n.place_name({"name_kk": kk, "name_ru": ru, "name_en": en}, self.lang) if isinstance(ru, str)
                else "—" for kk, ru, en in zip(frame[f"{prefix}_kk"], frame[f"{prefix}_ru"], frame[f"{prefix}_en"])]

    # ---- numbers in the context's language ------------------------------------------------------

    def number(self, value, decimals: int = 0) -> str:
        return i18n.fmt_number(value, self.lang, decimals)

    def signed(self, value, decimals: int = 0) -> str:
        return i18n.fmt_signed(value, self.lang, decimals)

    def numbers(self, decimals: int = 0) -> Callable[[Any], str]:
        """A table column's formatter: numbers with this many decimals."""
        return functools.partial(self.number, decimals=decimals)

    def signed_numbers(self, decimals: int = 0) -> Callable[[Any], str]:
        """A table column's formatter: changes with their sign."""
        return functools.partial(self.signed, decimals=decimals)

    def unit(self, value, unit: str, decimals: int | None = None) -> str:
        return i18n.fmt_unit(value, unit, self.lang, decimals)

    def unit_name(self, unit: str) -> str:
        """'Mbit/s', '%', 'km' …"""
        return self.t(f"common.unit_{unit}", value="").strip()

    def date(self, value) -> str:
        return i18n.fmt_date(value, self.lang)

    def month(self, value) -> str:
        return periods.period_of(value, "month").label(self.lang)


@dataclass(frozen=True)
class Metric:
    """A headline figure: a card on screen, a cell in a pack's summary."""

    label: str
    value: str
    delta: str | None = None        # the change, formatted with its sign
    delta_note: str | None = None   # what the change is against ('vs September 2026')
    good: bool | None = None        # whether the change went the good way (None: no change / no judgement)
    rising: bool | None = None      # the direction of the change, for the arrow
    help: str | None = None
    note: str | None = None         # a line under the card (markdown)


@dataclass(frozen=True)
class Table:
    """The figures behind a section: `frame` holds raw values (downloads, Excel), `formats` the text shown
    on screen per column, `columns` the translated headers in order."""

    frame: pd.DataFrame
    columns: dict[str, str]
    formats: dict[str, Callable[[Any], str]] = field(default_factory=dict)
    name: str = "table"             # the stem of the downloaded file
    collapsed: str | None = None    # on screen, inside an expander with this label (None: shown open)
    limit: int | None = None        # rows shown on screen (downloads hold every row)
    height: int | str = "auto"

    def raw(self) -> pd.DataFrame:
        """The columns shown, raw values, translated headers (for downloads and packs)."""
        return self.frame[list(self.columns)].rename(columns=self.columns)

    def shown(self) -> pd.DataFrame:
        """The columns shown, formatted for reading, translated headers."""
        data = self.frame[list(self.columns)]
        data = data.head(self.limit).copy() if self.limit else data.copy()
        for col, fmt in self.formats.items():
            data[col] = data[col].map(fmt)
        return data.rename(columns=self.columns)


@dataclass(frozen=True)
class Section:
    """One unit of content. Empty sections carry `empty` (a message key) and nothing to draw."""

    key: str                                    # stable id: 'quality.matrix'
    title: str | None = None
    subtitle: str | None = None                 # a line under the title (what the figures compare)
    summary: str | None = None                  # one sentence, generated from the data (markdown)
    figure: Any = None                          # a plotly go.Figure or a pydeck Deck
    table: Table | None = None
    metrics: tuple[Metric, ...] = ()
    metric_widths: tuple[float, ...] = ()       # relative widths of the cards in a row (default: equal, 3 or 4)
    notes: tuple[str, ...] = ()                 # captions under the figure (markdown)
    source: str | None = None
    as_of: date | None = None
    empty: str | None = None                    # message key: nothing to show, and why
    hint: bool = True                           # with an empty message: say where data would come from
    region_click: str | None = None             # the figure's point field holding a region code, if clickable
    data: pd.DataFrame | None = None            # the frame behind the figure (packs chart it natively)
    alert: tuple[str, str] | None = None        # (level, text) said in a box: 'success', 'info', 'warning', 'error'

    @property
    def is_empty(self) -> bool:
        return self.empty is not None


def section(builder: Callable) -> Callable:
    """Mark a section builder: where the context keeps built sections (on screen), a builder called again
    with the same scope, language, day and arguments returns the section it built before. Sections are
    never changed once built, so one can be drawn by many sessions."""
    @functools.wraps(builder)
    def build(ctx: Context, *args, **kwargs):
        if ctx.memo is None:
            return builder(ctx, *args, **kwargs)
        key = (builder.__module__, builder.__qualname__, ctx.region, ctx.period, ctx.lang, ctx.as_of_date, args,
               tuple(sorted(kwargs.items())))
        return ctx.memo(key, lambda: builder(ctx, *args, **kwargs))
    return build


def empty(key: str, title: str | None = None, message: str = "common.no_data", hint: bool = True) -> Section:
    """A section with nothing to show: the page says so instead of drawing a blank chart."""
    return Section(key, title=title, empty=message, hint=hint)


def as_of(ctx: Context, last_data_day: date | None = None) -> date:
    """The day a period's figures speak for: its last day, today while it runs, or the last day with data."""
    day = min(ctx.period.end - timedelta(days=1), ctx.as_of_date)
    if last_data_day is not None and not pd.isna(last_data_day):
        day = min(day, pd.Timestamp(last_data_day).date())
    return day
