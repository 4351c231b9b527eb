# page: order=60 title=business.page_title icon=:material/storefront: url=business
"""Business needs, from Atameken's quarterly business survey: how firms connect (by size, sector and
region), how satisfied they are, what holds them back, and the speeds they get against what they need."""

import streamlit as st

from dialogue import screen
from dialogue.sections import business

ctx = screen.context()
screen.page("business.page_title", ctx, business.survey_scope(ctx))
if not business.has_data(ctx):
    screen.show(business.headline(ctx))
    st.stop()

screen.show(business.headline(ctx))

screen.heading(ctx.t("business.connections_heading"))
tabs = screen.tabs("business_dimension", [business.dimension_title(ctx, d) for d in business.DIMENSIONS])
for tab, dimension in zip(tabs, business.DIMENSIONS):
    with tab:
        if tab.open:
            screen.show(business.connections(ctx, dimension), f"business_mix_{dimension}", heading=False)

barriers, satisfaction, speeds = screen.tabs("business_more", [ctx.t(f"business.tab_{t}")
                                                               for t in ("barriers", "satisfaction", "speeds")])
with barriers:
    if barriers.open:
        screen.show(business.barriers(ctx), "business_barriers")
with satisfaction:
    if satisfaction.open:
        screen.show(business.satisfaction(ctx), "business_satisfaction")
with speeds:
    if speeds.open:
        screen.heading(ctx.t("business.speeds_heading"))
        screen.show(business.speeds(ctx), "business_speeds")
