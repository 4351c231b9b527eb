# page: order=10 title=overview.page_title icon=:material/public: url=overview
"""National overview: headline KPIs against the 2027 targets, the regions on a map and ranked, the main trend."""

import streamlit as st

from dialogue import screen
from dialogue.sections import overview

ctx = screen.context()
screen.page("overview.page_title", ctx)
if not overview.has_data(ctx):
    screen.show(overview.headline(ctx))
    st.stop()

screen.show(overview.headline(ctx))

chosen = screen.choose(ctx, "overview_map_kpi", overview.map_kpis(ctx), ctx.t("overview.map_kpi"),
                       lambda c: ctx.t(f"kpi.name_{c}"), default="median_download_mbps")
screen.row([overview.region_map(ctx, chosen), overview.region_ranking(ctx, chosen)], widths=[3, 2],
           keys=["overview_map", "overview_ranking"])
screen.row([overview.download_trend(ctx), overview.slow_trend(ctx)], keys=["overview_trend", "overview_slow"])
