# page: order=80 title=data.page_title icon=:material/database: url=data
"""Data: how fresh each feed is, where data exists in the period, the upload flow (check, report, load),
the load log with rollback, and the data dictionary. What may be loaded or rolled back is decided in
dialogue.ingest and dialogue.auth, whatever this page shows."""

import streamlit as st

from dialogue import datasets, screen, ui, uploads
from dialogue.sections import data

ctx = screen.context()
user = ui.current_user()
screen.page("data.page_title", ctx)

# The outcome of the last load or rollback, shown once; in a container that is always there, so that the
# tabs below keep their place (and the chosen tab) from one run to the next.
with st.container():
    uploads.flash()

fresh_tab, upload_tab, log_tab, dictionary_tab = st.tabs(
    [ctx.t("data.tab_freshness"), ctx.t("data.tab_upload"), ctx.t("data.tab_log"), ctx.t("data.tab_dictionary")],
    key="data_tab", on_change="rerun")

with fresh_tab:
    screen.show(data.freshness(ctx), "data_fresh")
    screen.show(data.records_by_area(ctx), "data_areas")

with upload_tab:
    st.subheader(ctx.t("data.upload_title"))
    uploads.upload_form(ctx, user)

with log_tab:
    log = data.load_log_table(ctx)
    screen.show(log, "data_log")
    if not log.is_empty:
        uploads.rollback_form(ctx, user, data.load_log(ctx))

with dictionary_tab:
    st.subheader(ctx.t("data.dictionary_title"))
    st.caption(ctx.t("data.dictionary_caption"))
    which = st.selectbox(ctx.t("data.dictionary_pick"), [None, *datasets.NAMES], key="data_dictionary_pick",
                         format_func=lambda d: ctx.t("data.all_datasets") if d is None else data.dataset_name(ctx, d))
    screen.show(data.dictionary(ctx, which), "data_dictionary")
