# page: order=52 title=permits.page_title icon=:material/timer: url=permits
"""Permit clocks (read-only): where a mast's year goes, stage by stage and desk by desk — the days per stage,
by region and by authority, split into the authorities' time and the applicant's; pendency per desk; the
end-to-end distribution; what if every desk kept its deadline; and the stuck sites against their deadlines.
With a region chosen, its own desks and districts."""

import streamlit as st

from dialogue import screen
from dialogue.sections import permits

ctx = screen.context()
screen.page("permits.page_title", ctx)
if not permits.has_data(ctx):
    screen.show(permits.headline(ctx))
    st.stop()

screen.show(permits.headline(ctx))
screen.show(permits.what_if(ctx), "permits_what_if")
stages, areas, authorities = screen.tabs("permits_days", [ctx.t(f"permits.tab_{t}")
                                                          for t in ("stages", "areas", "authorities")])
with stages:
    if stages.open:
        screen.show(permits.stage_days(ctx), "permits_stage_days")
with areas:
    if areas.open:
        screen.show(permits.area_days(ctx), "permits_area_days")
with authorities:
    if authorities.open:
        screen.show(permits.authority_days(ctx), "permits_authority_days")

st.divider()
screen.show(permits.pendency(ctx), "permits_pendency")
screen.show(permits.refusals(ctx), "permits_refusals")
st.divider()
screen.show(permits.distribution(ctx), "permits_distribution")

st.divider()
screen.show(permits.stuck(ctx), "permits_stuck")
