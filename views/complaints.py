# page: order=30 title=complaints.page_title icon=:material/report: url=complaints
"""Complaints: spikes against each region's own baseline, the monthly trend, complaints per 10,000
inhabitants by region (or district), the verification funnel, processing times, fines and hotspots."""

import streamlit as st

from dialogue import screen
from dialogue.sections import complaints

ctx = screen.context()
screen.page("complaints.page_title", ctx)
if not complaints.has_data(ctx):
    screen.show(complaints.headline(ctx), heading=False)
    st.stop()

screen.show(complaints.headline(ctx), heading=False)

screen.heading(ctx.t("complaints.trend_title"))
by = screen.choose(ctx, "complaints_trend_by", complaints.TREND_BY, ctx.t("complaints.trend_by"),
                   lambda d: ctx.t(f"complaints.by_{d}"), segmented=True)
screen.show(complaints.trend(ctx, by), "complaints_trend")

screen.heading(complaints.areas_title(ctx))
suffix = "_districts" if ctx.region else ""
screen.row([complaints.area_map(ctx), complaints.area_ranking(ctx)], widths=[3, 2],
           keys=[f"complaints_map{suffix}", f"complaints_ranking{suffix}"], headings=False)
screen.show(complaints.area_table(ctx), "complaints_areas_table", heading=False)

spikes, remedy, fines, hotspots = screen.tabs("complaints_more", [ctx.t(f"complaints.tab_{t}")
                                                                   for t in ("spikes", "remedy", "fines", "hotspots")])
with spikes:
    if spikes.open:
        screen.heading(ctx.t("complaints.spikes_title"))
        screen.show(complaints.spikes(ctx), "complaints_spikes", heading=False)
with remedy:
    if remedy.open:
        screen.row([complaints.funnel(ctx), complaints.processing_times(ctx)],
                   keys=["complaints_funnel", "complaints_times"])
with fines:
    if fines.open:
        screen.show(complaints.fines(ctx), "complaints_fines")
with hotspots:
    if hotspots.open:
        screen.show(complaints.hotspots(ctx), "complaints_hotspots")
