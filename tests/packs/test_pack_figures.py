"""The pack writers read the sections' plotly figures back as chart data: every builder of dialogue.charts
and dialogue.maps comes back with its categories, series, colours and orientation."""

from __future__ import annotations

from datetime import date

import pandas as pd

from dialogue import charts, maps
from dialogue.packs.figures import from_figure


def test_horizontal_bars_keep_order_values_and_point_colours():
    frame = pd.DataFrame({"name": ["Atyrau", "Astana", "Abai"], "value": [74.0, 120.5, None]})
    fig = charts.bar(frame, "name", "value", "ru", horizontal=True, colours=["#2E8540", "#C8102E", "#B0B7BF"],
                     title="Ranking")
    chart = from_figure(fig, "ru")
    assert (chart.kind, chart.horizontal, chart.stacked, chart.title) == ("bar", True, False, "Ranking")
    assert chart.categories == ["Atyrau", "Astana", "Abai"]
    assert chart.series[0].values == [74.0, 120.5, None]
    assert chart.series[0].point_colours == ["#2E8540", "#C8102E", "#B0B7BF"]
    assert chart.native


def test_stacked_percent_and_grouped_bars():
    long = pd.DataFrame({"tech": ["4G", "4G", "5G", "5G"], "band": ["slow", "fast", "slow", "fast"],
                         "share": [30.0, 70.0, 10.0, 90.0]})
    stacked = from_figure(charts.stacked_bars(long, "tech", "share", "band", {"slow": "Slow", "fast": "Fast"}, "en",
                                              horizontal=True, percent=True), "en")
    assert stacked.stacked and stacked.percent and [s.name for s in stacked.series] == ["Slow", "Fast"]
    assert stacked.series[1].values == [70.0, 90.0]
    grouped = from_figure(charts.grouped_bar(long, "tech", "share", "band", {"slow": "Slow", "fast": "Fast"}, "en"),
                          "en")
    assert not grouped.stacked and not grouped.horizontal and len(grouped.series) == 2


def test_monthly_lines_align_series_and_keep_the_target():
    frame = pd.DataFrame({"month": [date(2026, 1, 1), date(2026, 2, 1), date(2026, 2, 1)],
                          "scope": ["KZ", "KZ", "KZ-23"], "mbps": [80.0, 82.0, 70.0]})
    fig = charts.trend(frame, "month", "mbps", "scope", {"KZ": "Kazakhstan", "KZ-23": "Atyrau"}, "en", "Mbit/s",
                       target=100, target_label="Target 2027")
    chart = from_figure(fig, "en")
    assert chart.kind == "line" and chart.dates == [date(2026, 1, 1), date(2026, 2, 1)]
    assert chart.categories == ["Jan 2026", "Feb 2026"]
    assert chart.series[1].values == [None, 70.0]
    assert chart.target == (100.0, "Target 2027")


def test_rag_matrix_comes_back_as_cells_and_fills():
    frame = pd.DataFrame({"area": ["a", "a", "b", "b"], "kpi": ["x", "y", "x", "y"],
                          "rag": ["green", "red", None, "amber"], "text": ["1", "2", "—", "4"]})
    chart = from_figure(charts.rag_matrix(frame, "area", "kpi", {"a": "Area A", "b": "Area B"},
                                          {"x": "X<br>%", "y": "Y"}, "en"), "en")
    assert chart.kind == "heatmap" and chart.rows == ["Area A", "Area B"] and chart.columns == ["X %", "Y"]
    assert chart.cells[0] == ["1", "2"]
    assert chart.fills[0][0] == charts.RAG_TINTS["green"] and chart.fills[0][1] == charts.RAG_TINTS["red"]
    assert not chart.native


def test_choropleth_keeps_codes_values_and_boundaries():
    frame = pd.DataFrame({"code": ["KZ-23", "KZ-71"], "value": [1.0, 3.0], "label": ["Atyrau", "Astana"]})
    chart = from_figure(maps.choropleth(frame, None, "en", "Mbit/s", selected="KZ-23"), "en")
    assert chart.kind == "map" and chart.codes == ["KZ-23", "KZ-71"] and chart.values == [1.0, 3.0]
    assert chart.outline == "KZ-23" and chart.value_range == (1.0, 3.0)
    assert len(chart.geojson["features"]) == 20 and chart.labels == ["Atyrau", "Astana"]


def test_what_packs_cannot_chart_is_none():
    assert from_figure(None, "en") is None
    assert from_figure(maps.point_deck(pd.DataFrame({"lon": [51.9], "lat": [47.1], "radius": [1000.0]}), ""),
                       "en") is None


def _speeds_against_need():
    frame = pd.DataFrame({"size": ["Micro", "Micro", "Small", "Small"], "conn": ["fixed", "mobile"] * 2,
                          "mbps": [39.0, 21.0, 64.0, 30.0]})
    fig = charts.grouped_bar(frame, "size", "mbps", "conn", {"fixed": "Fixed", "mobile": "Mobile"}, "en")
    return charts.reference_marks(fig, ["Micro", "Small"], [30.0, 100.0], "Need")


def test_need_marks_come_back_with_the_bars():
    chart = from_figure(_speeds_against_need(), "en")
    assert [s.name for s in chart.series] == ["Fixed", "Mobile"], "the marks are not a third bar series"
    assert chart.marks is not None and chart.marks.name == "Need" and chart.marks.values == [30.0, 100.0]


def test_pptx_keeps_need_marks_and_labels_long_lines_every_few_months():
    from pptx import Presentation
    from pptx.util import Inches

    from dialogue.packs import pptx

    deck = Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[6])
    pptx._native_chart(slide, from_figure(_speeds_against_need(), "en"), "en", 0, 0, Inches(8), Inches(4))
    months = [date(2024 + (9 + i) // 12, (9 + i) % 12 + 1, 1) for i in range(24)]
    frame = pd.DataFrame({"month": months, "scope": "KZ", "mbps": [60.0 + i for i in range(24)]})
    line = from_figure(charts.trend(frame, "month", "mbps", "scope", {"KZ": "Kazakhstan"}, "ru", "Мбит/с"), "ru")
    pptx._native_chart(slide, line, "ru", 0, Inches(4), Inches(8), Inches(3))
    bars, months_chart = [s.chart for s in slide.shapes if s.has_chart]
    xml = bars._chartSpace.xml
    # The need is a line chart on the same axes: dashes, no line, its figures in the embedded workbook.
    assert "<c:barChart>" in xml and "<c:lineChart>" in xml and '<c:symbol val="dash"/>' in xml
    assert [p.__class__.__name__ for p in bars.plots] == ["BarPlot", "LinePlot"]
    assert list(bars.plots[1].series[0].values) == [30.0, 100.0]
    axis = months_chart._chartSpace.xml
    assert "<c:dateAx>" in axis and '<c:majorUnit val="3"/>' in axis and '<c:majorTimeUnit val="months"/>' in axis
    assert '[$-419]MMM YYYY' in axis
