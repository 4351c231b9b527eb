# page: order=40 title=rollout.page_title icon=:material/construction: url=rollout
"""Rollout of the "Affordable Internet" programmes: plan versus actual, progress by region (district) and
operator, the date each plan is complete at the current pace against its deadline, and the delayed items
with the bottlenecks that block them."""

import streamlit as st

from dialogue import screen
from dialogue.sections import rollout

ctx = screen.context()
screen.page("rollout.page_title", ctx)
if not rollout.has_data(ctx):
    screen.show(rollout.outlook(ctx), heading=False)
    st.stop()

screen.show(rollout.outlook(ctx))

st.divider()
programme = screen.choose(ctx, "rollout_programme", rollout.programmes(ctx), ctx.t("rollout.choose_programme"),
                          lambda code: ctx.t(f"rollout.programme_{code}"))
left, right = st.columns([3, 2])
with left:
    screen.show(rollout.plan(ctx, programme), "rollout_plan")
    screen.show(rollout.operators(ctx, programme), "rollout_operators")
with right:
    screen.show(rollout.areas(ctx, programme), "rollout_areas")
screen.show(rollout.progress_table(ctx, programme), "rollout_progress_table")

st.divider()
screen.heading(ctx.t("rollout.delayed_heading"))
every = screen.toggle("rollout_all_programmes", ctx.t("rollout.all_programmes"))
screen.show(rollout.delayed(ctx, None if every else programme), "rollout_delayed", heading=False)
