# page: order=5 title=profile.page_title icon=:material/location_city: url=profile
"""A region's profile, what an akimat opens first (`?region=KZ-23`): quality, complaints, rollout and bottlenecks
side by side on one screen, then the akimat's own list and the action items due. Each block links to its full
page with the same filters. Without a region, the same screen for the whole country."""

import streamlit as st

from dialogue import presenter, screen, ui
from dialogue.sections import profile

ctx = screen.context()
pages = {spec.url: spec for spec in ui.page_specs()}
params = ui.url_params(ui.filters())


def link(section):
    url = profile.LINKS.get(section.key)
    if url not in pages:
        return None
    return pages[url].path, ctx.t("profile.open_page", page=ctx.t(pages[url].title_key)), params


st.title(profile.title(ctx))
st.caption(f"{ctx.period.label(ctx.lang)} · {ctx.t('profile.subtitle')}")
presenter.doors(ctx.t("profile.intro", app=ctx.t("common.app_title")), profile.doors(ctx, params))
presenter.tiles([(s, link(s)) for s in profile.headline_row(ctx)], "profile_row", widths=profile.ROW_WIDTHS)
presenter.tiles([(s, link(s)) for s in profile.lists(ctx)], "profile_lists")
