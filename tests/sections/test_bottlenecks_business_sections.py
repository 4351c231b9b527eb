"""Layer 2, sections: every section of the bottlenecks and business pages, built in plain Python (no
Streamlit) for a region and for the country, in every language, on the small demo warehouse and on an
empty one."""

from __future__ import annotations

import functools
import re
import subprocess
import sys

import pytest

from dialogue import db, i18n, periods
from dialogue.sections import Context, Section, bottlenecks, business
from tests.conftest import AS_OF, ROOT

NUMBER = re.compile(r"\d")
SCOPES = [None, "KZ-23"]
PERIODS = ["2026-08", "2026-Q3"]
# Sections that draw nothing when no bottleneck is open: the map beside them says so.
NOTHING_TO_ADD = {"bottlenecks.ages", "bottlenecks.overdue"}


def context(con, region, lang, period="2026-08") -> Context:
    return Context(region, periods.parse(period), lang, AS_OF, functools.partial(db.run, con))


def bottleneck_sections(ctx: Context) -> list[Section]:
    sections = [bottlenecks.headline(ctx), bottlenecks.open_map(ctx), bottlenecks.ages(ctx), bottlenecks.overdue(ctx),
                bottlenecks.resolution(ctx), *[bottlenecks.ranking(ctx, kind) for kind in bottlenecks.KINDS],
                bottlenecks.log(ctx), bottlenecks.log(ctx, "land_plot", "akimat", open_only=False)]
    if ctx.region:
        sections += [bottlenecks.akimat(ctx), bottlenecks.akimat_list(ctx)]
    return sections


def business_sections(ctx: Context) -> list[Section]:
    return [business.headline(ctx), *[business.connections(ctx, d) for d in business.DIMENSIONS],
            business.satisfaction(ctx), business.barriers(ctx), business.speeds(ctx)]


def untranslated(text: str) -> bool:
    """A catalogue key left as it is ('bottlenecks.col_age') instead of its message."""
    return bool(re.fullmatch(r"[a-z]+\.[a-z0-9_]+", text))


def check(section: Section, lang: str) -> None:
    """What every drawn section carries: a source, an as-of day, real figures, translated headers."""
    if section.is_empty or (section.figure is None and section.table is None and not section.metrics):
        assert section.is_empty or section.alert or section.key in NOTHING_TO_ADD, section.key
        return
    assert section.source and section.as_of, section.key
    assert section.as_of <= AS_OF
    if section.figure is not None:
        traces = section.figure.data
        assert traces and any(len(getattr(t, "x", None) if getattr(t, "x", None) is not None else t.locations)
                              for t in traces), section.key
    if section.summary:
        assert NUMBER.search(section.summary), (section.key, section.summary)
        assert "{" not in section.summary and not untranslated(section.summary)
    if section.table is not None:
        headers = list(section.table.columns.values())
        assert all(h and not untranslated(h) for h in headers), (section.key, headers)
        shown, raw = section.table.shown(), section.table.raw()
        assert list(shown.columns) == headers == list(raw.columns)
        assert len(raw) >= len(shown) > 0
    for metric in section.metrics:
        assert metric.label and metric.value and not untranslated(metric.label)


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
@pytest.mark.parametrize("region", SCOPES, ids=["country", "KZ-23"])
@pytest.mark.parametrize("period", PERIODS)
def test_bottleneck_sections(small_con, region, lang, period):
    ctx = context(small_con, region, lang, period)
    assert bottlenecks.has_data(ctx)
    sections = bottleneck_sections(ctx)
    for section in sections:
        check(section, lang)
    drawn = {s.key: s for s in sections if not s.is_empty and s.alert is None}
    head = drawn["bottlenecks.headline"]
    assert len(head.metrics) == 5 and NUMBER.search(head.summary)
    assert head.source == i18n.t("source.bottlenecks", lang)
    assert drawn["bottlenecks.map"].region_click == (None if region else "location")
    assert "bottlenecks.overdue" in drawn and "bottlenecks.resolution" in drawn
    log = drawn["bottlenecks.log"]
    assert i18n.t("bottlenecks.col_kind", lang) in log.table.columns.values()
    assert (i18n.t("common.region", lang) in log.table.columns.values()) == (region is None)
    assert log.table.limit == bottlenecks.SHOWN_ROWS
    if region:
        assert drawn["bottlenecks.akimat"].table is not None
        assert ctx.region_name(region) in drawn["bottlenecks.akimat"].title


def test_bottleneck_summaries_say_the_figures(small_con):
    ctx = context(small_con, None, "en")
    totals = bottlenecks.totals(ctx)
    head = bottlenecks.headline(ctx)
    assert f"{int(totals.open_bottlenecks):,} bottlenecks open on 31 Aug 2026" in head.summary
    astana = bottlenecks.headline(context(small_con, "KZ-71", "en", "2026-10"))
    if not bottlenecks.totals(context(small_con, "KZ-71", "en", "2026-10")).open_bottlenecks:
        assert astana.summary.startswith("No bottleneck open on 31 Oct 2026")
    assert head.metrics[0].value == f"{int(totals.open_bottlenecks):,}"
    ranking = bottlenecks.ranking(ctx, "land_plot")
    assert ranking.summary.startswith("Best: ") and " days)" in ranking.summary
    assert ranking.region_click == "customdata"


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
@pytest.mark.parametrize("region", SCOPES, ids=["country", "KZ-23"])
@pytest.mark.parametrize("period", PERIODS)
def test_business_sections(small_con, region, lang, period):
    ctx = context(small_con, region, lang, period)
    assert business.has_data(ctx)
    sections = business_sections(ctx)
    for section in sections:
        check(section, lang)
    drawn = {s.key: s for s in sections if not s.is_empty and s.alert is None}
    head = drawn["business.headline"]
    assert len(head.metrics) == 4 and NUMBER.search(head.summary)
    assert head.source == i18n.t("source.survey", lang)
    area = drawn["business.mix_area"]
    assert area.region_click == (None if region else "customdata")
    assert area.table.collapsed == i18n.t("business.figures", lang)
    assert i18n.t("business.col_connection", lang) in area.table.columns.values()
    speeds = drawn["business.speeds"]
    assert i18n.t("business.col_need", lang) in speeds.table.columns.values()
    assert len(speeds.figure.data) >= 2, "bars and the marks of the need"
    assert "Q3" in business.survey_scope(context(small_con, region, "en", period))


def test_business_summaries_say_the_figures(small_con):
    ctx = context(small_con, None, "ru")
    firms = int(business.mix(ctx).query("dimension == 'all'").group_firms.iloc[0])
    head = business.headline(ctx)
    assert i18n.fmt_number(firms, "ru") in head.summary and "фирм" in head.summary
    assert head.metrics[0].value == i18n.fmt_number(firms, "ru")
    assert "%" in business.barriers(ctx).summary


@pytest.mark.parametrize("region", SCOPES, ids=["country", "KZ-23"])
def test_empty_warehouse_gives_empty_sections(blank_con, region):
    ctx = context(blank_con, region, "kk")
    assert not bottlenecks.has_data(ctx) and not business.has_data(ctx)
    assert bottlenecks.headline(ctx).empty == "bottlenecks.none"
    assert business.headline(ctx).empty == "business.no_survey"
    for section in bottleneck_sections(ctx) + business_sections(ctx):
        if section.key == "bottlenecks.akimat":  # the akimat's counts are shown even when they are nought
            assert [m.value for m in section.metrics] == ["0", "0"] and section.summary is None
            continue
        assert section.is_empty or section.alert or section.key in NOTHING_TO_ADD, section.key
        assert section.figure is None and section.table is None and not section.metrics, section.key


def test_section_modules_do_not_import_streamlit():
    code = ("import sys; import dialogue.sections.bottlenecks, dialogue.sections.business; "
            "sys.exit(1 if any(m == 'streamlit' or m.startswith('streamlit.') for m in sys.modules) else 0)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr or "streamlit was imported"
