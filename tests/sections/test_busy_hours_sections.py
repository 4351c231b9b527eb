"""Busy hours and the outcome figures as sections: a figure, a sentence from the data, source and date, in
every language; the heatmap's cells and the dip's sentence agree with their questions."""

from __future__ import annotations

import plotly.graph_objects as go
import pytest

from dialogue.sections import busy_hours, profile, quality

OUTCOMES = ("p10_download_mbps", "tests_video_call_pct", "tests_consistent_pct", "tests_at_least_100_pct")


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
@pytest.mark.parametrize("region", [None, "KZ-71"])
def test_busy_hour_sections_have_a_figure_a_sentence_source_and_date(make_ctx, lang, region):
    ctx = make_ctx(region, "2026-Q3", lang)
    built = [busy_hours.heatmap(ctx), busy_hours.heatmap(ctx, "p10_download_mbps", operator="op_a"),
             busy_hours.dip_ranking(ctx, "operator"), busy_hours.dip_ranking(ctx, "technology"),
             busy_hours.dip_trend(ctx, "operator"), busy_hours.dip_trend(ctx, "technology")]
    for s in built:
        assert not s.is_empty, s.key
        assert isinstance(s.figure, go.Figure) and s.summary and s.source and s.as_of, s.key
        assert "{" not in s.summary and "busy." not in s.summary, s.summary


def test_the_heatmap_shows_the_question_s_cells_by_weekday_and_hour(make_ctx):
    ctx = make_ctx("KZ-71", "2026-Q3")
    s = busy_hours.heatmap(ctx)
    frame = ctx.query("quality/busy_heatmap", district=None, operator=None)
    z = s.figure.data[0].z
    assert len(z) == 7 and all(len(row) == 24 for row in z)
    monday_20 = frame[(frame.weekday == 1) & (frame.hour == 20)].median_download_mbps.item()
    assert z[0][20] == pytest.approx(monday_20)
    assert list(s.figure.data[0].y)[0] == "Mon" and list(s.figure.data[0].y)[-1] == "Sun"
    slowest = frame.dropna(subset=["median_download_mbps"]).sort_values("median_download_mbps").iloc[0]
    assert f"{int(slowest.hour):02d}:00" in s.summary


def test_the_dip_sentence_names_the_region_s_largest_dip_and_its_rank(make_ctx):
    ctx = make_ctx("KZ-71", "2026-Q3")
    s = busy_hours.dip_ranking(ctx, "technology")
    mine = s.data[s.data.area_code == "KZ-71"].sort_values("dip_pct", ascending=False).iloc[0]
    assert ctx.t(f"common.tech_{mine.member}") in s.summary
    assert f"{int(mine.rank_among_regions)} of {int(mine.regions_ranked)}" in s.summary
    assert ctx.t("busy.definition", tests=30) in s.notes


def test_no_data_gives_empty_busy_hour_sections(blank_ctx):
    for s in (busy_hours.heatmap(blank_ctx), busy_hours.dip_ranking(blank_ctx), busy_hours.dip_trend(blank_ctx)):
        assert s.is_empty


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_matrix_the_trends_and_the_profile_carry_the_outcome_figures(make_ctx, lang):
    ctx = make_ctx("KZ-23", "2026-Q3", lang)
    matrix = quality.matrix(ctx)
    assert set(OUTCOMES) <= set(matrix.data.kpi_code)
    p10 = quality.trend(ctx, "technology", "p10_download_mbps")
    assert not p10.is_empty and (p10.data.p10_download_mbps <= p10.data.median_download_mbps).all()
    assert not quality.trend(ctx, "operator", "tests_video_call_pct").is_empty
    kpis = profile.kpis(ctx)
    assert {"p10_download_mbps", "tests_video_call_pct", "tests_consistent_pct"} <= set(kpis.data.kpi_code)
    for code in OUTCOMES:
        assert ctx.t(f"kpi.name_{code}") in set(matrix.table.frame.kpi)
