# page: order=20 title=quality.page_title icon=:material/speed: url=quality
"""Quality KPIs: every region (or district) against the targets, the map, trends by operator and by
technology, the busy hours, the urban-rural gap and the distribution of speeds."""

import streamlit as st

from dialogue import screen
from dialogue.sections import busy_hours, quality

ctx = screen.context()
screen.page("quality.page_title", ctx)
if not quality.has_data(ctx):
    screen.show(quality.matrix(ctx))
    st.stop()


def definitions() -> None:
    for code in quality.MATRIX_KPIS:
        st.markdown(quality.definition_text(ctx, code))


matrix = quality.matrix(ctx)
screen.heading(matrix.title, about=definitions, about_label=ctx.t("quality.definitions"))
screen.show(matrix, "quality_matrix", heading=False)

st.subheader(ctx.t("quality.map_title_districts" if ctx.region else "quality.map_title"))
chosen = screen.choose(ctx, "quality_map_kpi", quality.MATRIX_KPIS, ctx.t("quality.map_kpi"),
                       lambda c: ctx.t(f"kpi.name_{c}"), about=lambda code: st.markdown(quality.definition_text(ctx, code)))
suffix = "_districts" if ctx.region else ""
screen.row([quality.kpi_map(ctx, chosen), quality.kpi_ranking(ctx, chosen)], widths=[3, 2],
           keys=[f"quality_map{suffix}", f"quality_ranking{suffix}"], headings=False)

trends, busy, gap, bands, tiles = screen.tabs(
    "quality_more", [ctx.t(f"quality.tab_{t}") for t in ("trends", "busy", "gap", "bands", "tiles")])
with trends:
    if trends.open:
        st.subheader(ctx.t("quality.trend_title"))
        c1, c2 = st.columns(2)
        with c1:
            by = screen.choose(ctx, "quality_trend_by", quality.TREND_DIMENSIONS, ctx.t("quality.trend_by"),
                               lambda d: ctx.t(f"quality.by_{d}"), segmented=True)
        with c2:
            metric = screen.choose(ctx, "quality_trend_metric", quality.TREND_METRICS, ctx.t("quality.trend_metric"),
                                   lambda m: ctx.t(f"quality.metric_{m}"), segmented=True)
        screen.show(quality.trend(ctx, by, metric), "quality_trend")
with busy:
    if busy.open:
        st.subheader(ctx.t("busy.title"))
        st.caption(ctx.t("busy.intro"))
        c1, c2, c3 = st.columns([2, 3, 3])
        with c1:
            measure = screen.choose(ctx, "busy_measure", busy_hours.MEASURES, ctx.t("busy.measure"),
                                    lambda m: ctx.t(f"busy.measure_{m}"), segmented=True)
        with c2:
            districts = ctx.area_labels() if ctx.region else {}
            district = screen.choose(ctx, "busy_district", ["", *districts], ctx.t("busy.district"),
                                     lambda d: districts.get(d, ctx.t("busy.all_districts"))) if districts else ""
        with c3:
            names = busy_hours.operators(ctx)
            operator = screen.choose(ctx, "busy_operator", ["", *names], ctx.t("busy.operator"),
                                     lambda o: names.get(o, ctx.t("busy.all_operators")))
        screen.show(busy_hours.heatmap(ctx, measure, district or None, operator or None), "busy_heatmap")
        by = screen.choose(ctx, "busy_by", busy_hours.DIMENSIONS, ctx.t("busy.by"),
                           lambda d: ctx.t(f"quality.by_{d}"), segmented=True)
        screen.row([busy_hours.dip_ranking(ctx, by), busy_hours.dip_trend(ctx, by)],
                   keys=["busy_dip", "busy_dip_trend"])
with gap:
    if gap.open:
        screen.show(quality.urban_rural_gap(ctx), "quality_gap")
with bands:
    if bands.open:
        screen.show(quality.speed_bands(ctx), "quality_bands")
with tiles:
    if tiles.open:
        st.subheader(ctx.t("quality.tiles_title"))
        kind = screen.choose(ctx, "quality_tiles_kind", quality.TILE_KINDS, ctx.t("quality.tiles_kind"),
                             lambda k: ctx.t(f"quality.tiles_kind_{k}"), segmented=True)
        screen.row([quality.tiles_by_source(ctx, kind), quality.tiles_map(ctx, kind)], widths=[3, 2],
                   keys=["quality_tiles_chart", "quality_tiles_map"], headings=False)
