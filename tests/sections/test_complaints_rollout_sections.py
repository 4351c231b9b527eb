"""Layer 1½: the complaints and rollout sections built without Streamlit, as a briefing pack builds them: every
section for a region and for the country, in the three languages, over the small demo warehouse; and the
same sections on a warehouse without data."""

from __future__ import annotations

import functools
import re
import subprocess
import sys

import pytest

from dialogue import db, i18n, periods
from dialogue.sections import Context, Section
from dialogue.sections import complaints as cs
from dialogue.sections import rollout as rs
from tests.conftest import AS_OF, ROOT

SCOPES = [None, "KZ-23"]
LANGS = i18n.LANGUAGES
# A number as the languages write it: 96, 13,839,000 (en), 13 839 000 (kk, ru), 0.22 / 0,22.
NUMBER = re.compile(r"\d")


def context(con, region, lang, period="2026-08") -> Context:
    return Context(region, periods.parse(period), lang, AS_OF, functools.partial(db.run, con))


def complaint_sections(ctx: Context) -> list[Section]:
    return [cs.headline(ctx), *[cs.trend(ctx, by) for by in cs.TREND_BY], cs.area_map(ctx),
            cs.area_ranking(ctx), cs.area_table(ctx), cs.spikes(ctx), cs.funnel(ctx), cs.processing_times(ctx),
            cs.fines(ctx), cs.hotspots(ctx)]


def rollout_sections(ctx: Context) -> list[Section]:
    sections = [rs.outlook(ctx), rs.delayed(ctx, None)]
    for programme in rs.programmes(ctx):
        sections += [rs.plan(ctx, programme), rs.operators(ctx, programme), rs.areas(ctx, programme),
                     rs.progress_table(ctx, programme), rs.delayed(ctx, programme)]
    return sections


def traces(figure) -> int:
    """Plotly traces, or pydeck layers with points."""
    if hasattr(figure, "to_plotly_json"):
        return len(figure.data)
    return sum(len(layer.data) for layer in figure.layers)


def check_drawn(section: Section, lang: str) -> None:
    """A section with content: titled, sourced, dated, its figure drawn and its table translated."""
    assert not section.is_empty, section.key
    assert section.title, section.key
    assert section.source and section.as_of, section.key
    if section.figure is not None:
        assert traces(section.figure) > 0, section.key
    if section.table is not None:
        table = section.table
        assert len(table.frame), section.key
        headers = list(table.raw().columns)
        assert headers == list(table.columns.values())
        assert all(header != column for column, header in table.columns.items()), section.key
        assert all("." not in h or " " in h for h in headers), f"{section.key}: an untranslated key {headers}"
        assert len(table.shown()) == min(len(table.frame), table.limit or len(table.frame))
    for text in (section.title, section.summary or "", *section.notes, section.alert[1] if section.alert else ""):
        assert not re.search(r"\b(complaints|rollout|summary|common|source)\.[a-z_]+", text), text
        assert "{" not in text, text


@pytest.mark.parametrize("region", SCOPES, ids=["KZ", "KZ-23"])
@pytest.mark.parametrize("lang", LANGS)
def test_complaint_sections(small_con, region, lang):
    ctx = context(small_con, region, lang)
    assert cs.has_data(ctx)
    sections = complaint_sections(ctx)
    assert len({s.key for s in sections}) == len(sections) - len(cs.TREND_BY) + 1
    for section in sections:
        if section.figure is not None or section.table is not None or section.metrics:
            check_drawn(section, lang)
    by_key = {s.key: s for s in sections}
    headline = by_key["complaints.headline"]
    assert len(headline.metrics) == 5 and all(m.value not in ("", "—") for m in headline.metrics)
    assert NUMBER.search(headline.summary) and ctx.number(headline.data.complaints.iloc[0]) in headline.summary
    for key in ("complaints.trend", "complaints.map", "complaints.funnel", "complaints.times", "complaints.hotspots"):
        assert by_key[key].summary and NUMBER.search(by_key[key].summary), key
    assert by_key["complaints.areas"].table.columns["label"] == ctx.t("common.district" if region else "common.region")
    # A region's map and bars open it on the country's page; on a region's page nothing is clickable.
    assert by_key["complaints.map"].region_click == (None if region else "location")
    assert by_key["complaints.ranking"].region_click == (None if region else "customdata")


def test_the_demo_spike_alert_names_the_region_and_month(small_con):
    level, text = cs.headline(context(small_con, None, "en")).alert
    assert level == "error" and "Mangystau" in text and "August 2026" in text, text
    assert cs.headline(context(small_con, "KZ-23", "en")).alert is None  # Atyrau had no spike
    ru = cs.spikes(context(small_con, None, "ru"))
    assert ru.table.columns["label"] == "Регион" and "август 2026" in ru.summary


def test_quarter_and_summaries_in_numbers(small_con):
    ctx = context(small_con, "KZ-23", "ru", "2026-Q3")
    headline = cs.headline(ctx)
    assert headline.as_of.isoformat() == "2026-09-30"
    total = ctx.number(headline.data.complaints.iloc[0])
    assert total in headline.summary and "3 кв. 2026" in headline.summary
    fines = cs.fines(context(small_con, None, "en"))
    assert re.search(r"\d{1,3}(,\d{3})+ ₸ in fines", fines.summary), fines.summary


@pytest.mark.parametrize("region", SCOPES, ids=["KZ", "KZ-23"])
@pytest.mark.parametrize("lang", LANGS)
def test_rollout_sections(small_con, region, lang):
    ctx = context(small_con, region, lang)
    assert rs.has_data(ctx) and rs.programmes(ctx)[0] == "fibre_village"
    for section in rollout_sections(ctx):
        if section.figure is not None or section.table is not None or section.metrics:
            check_drawn(section, lang)
        assert section.as_of.isoformat() == "2026-08-31", section.key
    outlook = rs.outlook(ctx)
    assert [m.label for m in outlook.metrics] == [ctx.t(f"rollout.programme_{p}") for p in rs.programmes(ctx)]
    assert all(m.note and "-badge[" in m.note for m in outlook.metrics)
    assert NUMBER.search(outlook.summary)
    plan = rs.plan(ctx, "fibre_village")
    done = outlook.data.set_index("programme").loc["fibre_village", "done_units"]
    assert ctx.number(done) in plan.summary, plan.summary
    areas = rs.areas(ctx, "fibre_village")
    assert areas.region_click == (None if region else "customdata")
    delayed = rs.delayed(ctx, None)
    assert delayed.table.limit == rs.SHOWN_ROWS and ctx.number(len(delayed.table.frame)) in delayed.summary
    assert ("region" in delayed.table.columns) == (region is None)


@pytest.mark.parametrize("region", SCOPES, ids=["KZ", "KZ-23"])
def test_empty_warehouse_gives_empty_sections(blank_con, region):
    ctx = context(blank_con, region, "en")
    assert not cs.has_data(ctx) and not rs.has_data(ctx)
    headline = cs.headline(ctx)
    assert headline.is_empty and headline.empty == "complaints.no_complaints" and not headline.metrics
    for section in [*complaint_sections(ctx)[1:], rs.outlook(ctx), rs.delayed(ctx, None),
                    rs.plan(ctx, "fibre_village"), rs.operators(ctx, "fibre_village"), rs.areas(ctx, "fibre_village"),
                    rs.progress_table(ctx, "fibre_village")]:
        assert section.is_empty, section.key
        assert section.figure is None and section.table is None and not section.metrics, section.key
    assert rs.programmes(ctx) == []


def test_section_modules_do_not_import_streamlit():
    code = ("import sys; import dialogue.sections.complaints, dialogue.sections.rollout; "
            "assert 'streamlit' not in sys.modules, sorted(m for m in sys.modules if m.startswith('streamlit'))")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
