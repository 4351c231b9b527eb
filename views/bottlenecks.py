# page: order=50 title=bottlenecks.page_title icon=:material/block: url=bottlenecks
"""Bottlenecks that hold the rollout back (read-only): how many are open and how old, who must act and
who is overdue, how fast each kind is settled and where, and the log itself. With a region chosen, its
districts and what the akimat itself must act on."""

import streamlit as st

from dialogue import screen
from dialogue.sections import bottlenecks

ctx = screen.context()
screen.page("bottlenecks.page_title", ctx)
if not bottlenecks.has_data(ctx):
    screen.show(bottlenecks.headline(ctx))
    st.stop()

screen.show(bottlenecks.headline(ctx))
screen.row([bottlenecks.open_map(ctx), bottlenecks.ages(ctx)], widths=[3, 2],
           keys=["bottlenecks_map", "bottlenecks_ages"])
overdue, resolution, ranking = screen.tabs("bottlenecks_more", [ctx.t(f"bottlenecks.tab_{t}")
                                                                for t in ("overdue", "resolution", "ranking")])
with overdue:
    if overdue.open:
        screen.show(bottlenecks.overdue(ctx), "bottlenecks_overdue")
with resolution:
    if resolution.open:
        screen.show(bottlenecks.resolution(ctx), "bottlenecks_resolution")
with ranking:
    if ranking.open:
        kind = screen.choose(ctx, "bottlenecks_ranking_kind", bottlenecks.KINDS, ctx.t("bottlenecks.ranking_kind"),
                             lambda k: bottlenecks.kind_name(ctx, k), default="land_plot")
        screen.show(bottlenecks.ranking(ctx, kind), "bottlenecks_ranking")

if ctx.region:
    st.divider()
    screen.show(bottlenecks.akimat(ctx), "bottlenecks_districts")
    screen.show(bottlenecks.akimat_list(ctx), "bottlenecks_akimat")

st.divider()
screen.heading(ctx.t("bottlenecks.log_heading"))
c1, c2, c3 = st.columns([2, 2, 1])
with c1:
    kind_filter = screen.choose(ctx, "bottlenecks_log_kind", [None, *bottlenecks.KINDS], ctx.t("bottlenecks.col_kind"),
                                lambda k: bottlenecks.kind_name(ctx, k))
with c2:
    responsible_filter = screen.choose(ctx, "bottlenecks_log_responsible", [None, *bottlenecks.RESPONSIBLE],
                                       ctx.t("bottlenecks.col_responsible"),
                                       lambda r: bottlenecks.responsible_name(ctx, r))
open_only = c3.toggle(ctx.t("bottlenecks.open_only"), value=True, key="bottlenecks_log_open")
screen.show(bottlenecks.log(ctx, kind_filter, responsible_filter, open_only), "bottlenecks_log", heading=False)
