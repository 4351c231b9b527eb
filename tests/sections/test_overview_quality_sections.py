"""Layer 2: the overview's and the quality page's sections, built in plain Python in three languages."""

from __future__ import annotations

import re
import subprocess
import sys

import plotly.graph_objects as go
import pytest

from dialogue.sections import Section, overview, quality
from tests.conftest import ROOT

LANGS = ("kk", "ru", "en")
DIGIT = re.compile(r"\d")


def overview_sections(ctx) -> list[Section]:
    kpi = "median_download_mbps"
    return [overview.headline(ctx), overview.region_map(ctx, kpi), overview.region_ranking(ctx, kpi),
            overview.download_trend(ctx), overview.slow_trend(ctx)]


def quality_sections(ctx) -> list[Section]:
    kpi = "settlements_4g_pct"
    return [quality.matrix(ctx), quality.kpi_map(ctx, kpi), quality.kpi_ranking(ctx, kpi),
            quality.trend(ctx, "technology", "median_download_mbps"), quality.trend(ctx, "operator", "median_latency_ms"),
            quality.urban_rural_gap(ctx), quality.speed_bands(ctx)]


def drawn(section: Section) -> bool:
    return isinstance(section.figure, go.Figure) and any(len(getattr(t, "z", None) if getattr(t, "z", None) is not None
                                                             else getattr(t, "y", None) if getattr(t, "y", None) is not None
                                                             else []) for t in section.figure.data)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("region", ["KZ-23", None])
def test_every_section_has_content_source_and_date(make_ctx, lang, region):
    ctx = make_ctx(region, "2026-10", lang)
    for section in overview_sections(ctx) + quality_sections(ctx):
        assert not section.is_empty, section.key
        assert section.figure is not None or section.metrics, section.key
        if section.figure is not None:
            assert drawn(section), f"{section.key}: nothing drawn"
        assert section.source and section.as_of is not None, section.key
        assert section.summary is None or DIGIT.search(section.summary), section.key
    assert overview.headline(ctx).summary and quality.matrix(ctx).summary


def test_headline_speaks_the_language_and_formats_numbers(make_ctx):
    cards = {lang: overview.headline(make_ctx("KZ-23", "2026-10", lang)).metrics for lang in LANGS}
    assert [len(c) for c in cards.values()] == [6, 6, 6]
    assert cards["en"][4].label == "Median download speed" and cards["en"][4].value.endswith("Mbit/s")
    assert cards["ru"][4].value.endswith("Мбит/с") and "," in cards["ru"][4].value          # decimal comma
    assert any(ch in cards["kk"][0].label for ch in "әғқңөұүһі")
    # The region's rank and the national figure are under each card when a region is chosen.
    assert "Kazakhstan: " in cards["en"][4].note and re.search(r"rank \d+ of \d+", cards["en"][4].note)


def test_matrix_table_is_translated_and_raw_values_stay_numbers(make_ctx):
    section = quality.matrix(make_ctx("KZ-23", "2026-10", "ru"))
    assert "Значение" in section.table.raw().columns
    raw, shown = section.table.raw(), section.table.shown()
    assert raw["Значение"].dtype.kind == "f" and shown["Значение"].map(type).eq(str).all()
    # The region's own row and the country's lead the matrix, then its districts.
    labels = list(dict.fromkeys(section.data.label))
    assert labels[0] == "Казахстан" and "Атырауская" in labels[1] and len(labels) > 3


def test_a_region_click_is_offered_only_for_the_country_map(make_ctx):
    assert quality.kpi_map(make_ctx(None), "median_latency_ms").region_click == "location"
    assert quality.kpi_map(make_ctx("KZ-23"), "median_latency_ms").region_click is None


def test_no_data_gives_empty_sections_not_errors(blank_ctx):
    sections = overview_sections(blank_ctx) + [quality.matrix(blank_ctx)]
    assert all(s.is_empty and s.empty == "common.no_data" for s in sections), [s.key for s in sections if not s.is_empty]


def test_sections_are_built_without_streamlit(small_copy):
    """The same builders serve the briefing packs and the command line: they must not need Streamlit."""
    script = """
import sys
from datetime import date
from functools import partial
import duckdb
from dialogue import db, periods
from dialogue.sections import Context, overview, quality
con = duckdb.connect(sys.argv[1], read_only=True)
for lang in ("kk", "ru", "en"):
    ctx = Context("KZ-23", periods.parse("2026-10"), lang, date(2026, 11, 15), partial(db.run, con))
    built = [overview.headline(ctx), overview.region_map(ctx, "median_download_mbps"),
             overview.region_ranking(ctx, "median_download_mbps"), overview.download_trend(ctx),
             overview.slow_trend(ctx), quality.matrix(ctx), quality.kpi_map(ctx, "settlements_4g_pct"),
             quality.kpi_ranking(ctx, "settlements_4g_pct"), quality.trend(ctx), quality.urban_rural_gap(ctx),
             quality.speed_bands(ctx)]
    assert not any(s.is_empty for s in built), [s.key for s in built if s.is_empty]
print("streamlit" in sys.modules)
"""
    out = subprocess.run([sys.executable, "-c", script, str(small_copy)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "False"


@pytest.mark.parametrize("lang", LANGS)
def test_tiles_stand_beside_the_tests_by_source(make_ctx, lang):
    ctx = make_ctx("KZ-23", "2026-Q3", lang)
    chart, on_map = quality.tiles_by_source(ctx, "fixed"), quality.tiles_map(ctx, "fixed")
    assert not chart.is_empty and drawn(chart) and chart.table.raw().shape[0] >= 2
    assert "Ookla" in chart.source and DIGIT.search(chart.summary)
    assert not on_map.is_empty and len(on_map.figure.data) == 2          # grey areas under the coloured ones


def test_data_sections_say_what_is_fresh_and_where_records_are(make_ctx):
    from dialogue.sections import data

    ctx = make_ctx("KZ-23", "2026-10", "ru")
    fresh = data.freshness(ctx)
    assert fresh.alert and fresh.alert[0] in ("success", "warning") and len(fresh.table.raw()) >= 7
    areas = data.records_by_area(ctx)
    assert not areas.is_empty and drawn(areas) and "Атырау" in areas.title
    assert not data.load_log_table(ctx).is_empty
    dictionary = data.dictionary(ctx, "speed_tests")
    assert len(dictionary.table.raw()) >= 8 and dictionary.notes    # every column, and what the dataset is
    assert set(data.dictionary(ctx).table.raw().iloc[:, 0]) >= {data.dataset_name(ctx, "speed_tiles")}
