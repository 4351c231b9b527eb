"""Connectivity Dialogue: the router. Page config, global filters carried in the URL, navigation.

Run with `make run` (or `python -m dialogue.serve`: `streamlit run app.py` with TCP_NODELAY). Pages live in
views/ and are discovered from their '# page:' header line, so adding a view needs no change here.
"""

import streamlit as st

from dialogue import ui

st.set_page_config(page_title="Connectivity Dialogue", page_icon=str(ui.static_path("favicon.png")), layout="wide",
                   initial_sidebar_state="auto")

filters = ui.init_filters()
_, last_day, is_demo = ui.data_span()

pages = [st.Page(spec.path, title=ui.t(spec.title_key), icon=spec.icon or None, url_path=spec.url,
                 default=(i == 0)) for i, spec in enumerate(ui.page_specs())]
current = st.navigation(pages, position="hidden")

with st.sidebar:
    st.divider()
    st.caption(ui.t("common.nav_heading"))
    for page in pages:
        st.page_link(page, query_params=ui.url_params(filters))
    ui.account_box()
    st.divider()
    st.caption(ui.t("common.footer_sources"))

st.logo(str(ui.static_path("logo.svg")))
if is_demo:
    st.markdown(f":orange-badge[{ui.t('common.demo_badge')}] :gray[{ui.t('common.demo_marker')}]")

ui.settle_heap()
ui.require_sign_in()
current.run()
