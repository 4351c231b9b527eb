"""What a briefing pack holds: its chapters, each a list of section builders, in reading order.

A pack is the same sections as the pages, put on paper; the writers (pdf, pptx, xlsx) take any list of
Sections. Empty sections are left out; a chapter with nothing to show says so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date

import pandas as pd

from dialogue.sections import (
    Context,
    Section,
    as_of,
    bottlenecks,
    business,
    changes,
    complaints,
    events,
    overview,
    permits,
    quality,
    rollout,
)
from dialogue.sections import actions as council

Builder = Callable[[Context], Section]
# The KPI a pack maps and ranks: the first of these with values for the scope.
MAP_KPIS = ("median_download_mbps", "settlements_4g_pct", "fibre_villages_pct")


def _mapped_kpi(ctx: Context) -> str:
    for code in MAP_KPIS:
        if quality._one_kpi(ctx, code).value.notna().any():
            return code
    return MAP_KPIS[0]


def _named(ctx: Context, section: Section, code: str) -> Section:
    """A map's title with the KPI it shows (on screen a chooser above it says which)."""
    if section.is_empty:
        return section
    name = ctx.t(f"kpi.name_{code}")
    return replace(section, title=ctx.t("packs.map_districts", kpi=name) if ctx.region
                   else ctx.t("overview.map_title", kpi=name))


def quality_chapter(ctx: Context) -> list[tuple[str, Builder]]:
    code = _mapped_kpi(ctx)
    return [
        ("overview.headline", overview.headline),
        ("quality.matrix", quality.matrix),
        ("quality.map", lambda c: _named(c, quality.kpi_map(c, code), code)),
        ("quality.ranking", lambda c: quality.kpi_ranking(c, code)),
        ("overview.download_trend", overview.download_trend),
        ("overview.slow_trend", overview.slow_trend),
        ("quality.trend_operator", lambda c: quality.trend(c, "operator", "median_download_mbps")),
        ("quality.trend_technology", lambda c: quality.trend(c, "technology", "median_download_mbps")),
        ("quality.gap", quality.urban_rural_gap),
        ("quality.bands", quality.speed_bands),
        ("quality.tiles", lambda c: quality.tiles_by_source(c, "fixed")),
        ("quality.tiles_map", lambda c: quality.tiles_map(c, "fixed")),
    ]


def complaints_chapter(ctx: Context) -> list[tuple[str, Builder]]:
    return [
        ("complaints.headline", complaints.headline),
        ("complaints.trend", lambda c: complaints.trend(c, "category")),
        ("complaints.map", complaints.area_map),
        ("complaints.ranking", complaints.area_ranking),
        ("complaints.spikes", complaints.spikes),
        ("complaints.funnel", complaints.funnel),
        ("complaints.times", complaints.processing_times),
        ("complaints.fines", complaints.fines),
        ("complaints.hotspots", complaints.hotspots),
    ]


def _programme(ctx: Context, section: Section, programme: str) -> Section:
    """A programme's chart named for its programme (on screen a chooser above it says which)."""
    if section.is_empty or not section.title:
        return section
    return replace(section, title=f"{ctx.t(f'rollout.programme_{programme}')}: {section.title}")


def rollout_chapter(ctx: Context) -> list[tuple[str, Builder]]:
    chapter: list[tuple[str, Builder]] = [("rollout.outlook", rollout.outlook)]
    for programme in rollout.programmes(ctx):
        chapter.append((f"rollout.plan_{programme}",
                        lambda c, p=programme: _programme(c, rollout.plan(c, p), p)))
    chapter.append(("rollout.delayed", lambda c: rollout.delayed(c, None)))
    return chapter


def bottlenecks_chapter(ctx: Context) -> list[tuple[str, Builder]]:
    chapter = [
        ("bottlenecks.headline", bottlenecks.headline),
        ("bottlenecks.map", bottlenecks.open_map),
        ("bottlenecks.ages", bottlenecks.ages),
        ("bottlenecks.overdue", bottlenecks.overdue),
        ("bottlenecks.resolution", bottlenecks.resolution),
        ("bottlenecks.ranking", lambda c: bottlenecks.ranking(c, "land_plot")),
        ("bottlenecks.akimat", bottlenecks.akimat),
    ]
    if ctx.region:  # an akimat's briefing lists what it must act on
        chapter.append(("bottlenecks.akimat_list", bottlenecks.akimat_list))
    return chapter


def permits_chapter(ctx: Context) -> list[tuple[str, Builder]]:
    # On paper the stuck sites are their list: a timeline's dates do not read back as chart data.
    return [
        ("permits.headline", permits.headline),
        ("permits.what_if", permits.what_if),
        ("permits.stage_days", permits.stage_days),
        ("permits.area_days", permits.area_days),
        ("permits.authority_days", permits.authority_days),
        ("permits.pendency", permits.pendency),
        ("permits.refusals", permits.refusals),
        ("permits.distribution", permits.distribution),
        ("permits.stuck", lambda c: replace(permits.stuck(c), figure=None)),
    ]


def events_chapter(ctx: Context) -> list[tuple[str, Builder]]:
    # The period's events: ranked by their worst drop (with the chart), and the register's list of them.
    return [("events.ranked", events.ranked), ("events.register", events.register)]


def business_chapter(ctx: Context) -> list[tuple[str, Builder]]:
    return [
        ("business.headline", business.headline),
        ("business.mix", lambda c: business.connections(c, "firm_size")),
        ("business.satisfaction", business.satisfaction),
        ("business.barriers", business.barriers),
        ("business.speeds", business.speeds),
    ]


def actions_chapter(ctx: Context) -> list[tuple[str, Builder]]:
    return [("actions.figures", council.in_figures), ("actions.by_meeting", council.by_meeting)]


# (chapter key, its builders), in reading order.
CHAPTERS: list[tuple[str, Callable[[Context], list[tuple[str, Builder]]]]] = [
    ("quality", quality_chapter),
    ("complaints", complaints_chapter),
    ("rollout", rollout_chapter),
    ("bottlenecks", bottlenecks_chapter),
    ("permits", permits_chapter),
    ("events", events_chapter),
    ("business", business_chapter),
    ("actions", actions_chapter),
]


@dataclass
class Chapter:
    key: str
    title: str
    sections: list[Section]


@dataclass
class Pack:
    """Everything the writers need: the scope in words, the summary, the chapters."""

    ctx: Context
    title: str
    scope: str
    period: str
    summary: Section
    chapters: list[Chapter]
    is_demo: bool = False
    built_on: date = field(default_factory=date.today)

    @property
    def lang(self) -> str:
        return self.ctx.lang

    @property
    def as_of(self) -> date | None:
        return self.summary.as_of

    def chart(self, section: Section):
        """The section's figure read back as chart data (once per pack: three writers ask)."""
        from dialogue.packs.figures import from_figure

        cache = self.__dict__.setdefault("_charts", {})
        if id(section) not in cache:
            cache[id(section)] = (section, from_figure(section.figure, self.lang) if section.figure is not None
                                  else None)
        return cache[id(section)][1]

    def sections(self) -> list[Section]:
        return [s for chapter in self.chapters for s in chapter.sections]

    def t(self, key: str, **values) -> str:
        return self.ctx.t(key, **values)


def cached(run: Callable[..., pd.DataFrame]) -> Callable[..., pd.DataFrame]:
    """A query runner that runs each (question, parameters) once: a pack asks for the same KPI table
    from many sections (the screen's st.cache_data does the same for pages)."""
    results: dict = {}

    def cached_run(name: str, **params) -> pd.DataFrame:
        key = (name, tuple(sorted((k, str(v)) for k, v in params.items())))
        if key not in results:
            results[key] = run(name, **params)
        return results[key].copy()

    return cached_run


def file_stem(region: str | None, period_key: str, lang: str) -> str:
    """'pack_KZ-23_2026-Q3_ru' ('KZ' for the country)."""
    return f"pack_{region or 'KZ'}_{period_key}_{lang}"


# Captions that speak to the screen (hover, click): left out on paper.
SCREEN_ONLY = ("quality.matrix_hint", "quality.map_hint", "overview.map_hint", "complaints.map_hint",
               "rollout.map_hint", "bottlenecks.map_hint", "business.map_hint", "permits.area_hint")


# Where a chapter's figures come from, for a section that does not say (paper always does).
CHAPTER_SOURCES = {"quality": "source.kpis", "complaints": "source.complaints", "rollout": "source.rollout",
                   "bottlenecks": "source.bottlenecks", "business": "source.survey", "actions": "source.actions",
                   "permits": "source.permits", "events": "source.events"}


def for_paper(ctx: Context, section: Section, chapter: str = "") -> Section:
    """The section without the captions that only make sense on screen, and with a source and an as-of
    date under every figure."""
    if section.alert and not section.summary:  # on screen a box; on paper the sentence
        section = replace(section, summary=section.alert[1])
    elif section.alert:
        section = replace(section, notes=(section.alert[1], *section.notes))
    if not section.source or not section.as_of:
        section = replace(section, source=section.source or ctx.t(CHAPTER_SOURCES.get(chapter, "source.kpis")),
                          as_of=section.as_of or as_of(ctx))
    hints = [ctx.t(key) for key in SCREEN_ONLY if ctx.t(key) != key]
    notes = []
    for note in section.notes:
        for hint in hints:
            note = note.replace(f" · {hint}", "").replace(hint, "")
        if note.strip(" ·"):
            notes.append(note)
    return replace(section, notes=tuple(notes)) if tuple(notes) != section.notes else section


def build(ctx: Context, is_demo: bool = False, progress: Callable[[int, int, str], None] | None = None) -> Pack:
    """Build every section of the pack; `progress(done, total, name)` is told after each one."""
    ctx = replace(ctx, run=cached(ctx.run))  # keeps the screen's memo of built sections, if any
    plan = [(key, chapter(ctx)) for key, chapter in CHAPTERS]
    total = 1 + sum(len(builders) for _, builders in plan)
    summary = changes.summary(ctx)
    done = 1
    if progress:
        progress(done, total, summary.title or "")
    chapters = []
    for key, builders in plan:
        sections = []
        for _name, builder in builders:
            section = builder(ctx)
            done += 1
            if progress:
                progress(done, total, section.title or ctx.t(f"packs.chapter_{key}"))
            if not section.is_empty:
                sections.append(for_paper(ctx, section, key))
        chapters.append(Chapter(key, ctx.t(f"packs.chapter_{key}"), sections))
    return Pack(ctx, ctx.t("packs.pack_title"), ctx.region_name(ctx.region), ctx.period.label(ctx.lang), summary,
                chapters, is_demo=is_demo, built_on=ctx.as_of_date)
