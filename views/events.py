# page: order=54 title=events.page_title icon=:material/stadium: url=events
"""Mass events: the register (entered here by the ministry, the regulator and operators, or loaded as a file on the
Data page), the report of a chosen event (the tests near it against the same hours of the four previous same
weekdays, per operator), the period's events ranked by their worst drop, and the coming ones with what happened at
the same venue last time. dialogue.editing decides who may change what, whatever this page shows."""

import streamlit as st

from dialogue import forms, screen, ui
from dialogue.sections import events, history

ctx = screen.context()
ss = st.session_state
user = ui.current_user()
screen.page("events.page_title", ctx)
st.caption(ctx.t("events.intro"))

listing = events.register(ctx)
choices, default = events.report_choices(ctx, listing.data)
if choices:
    if ss.get("ev_pick") not in choices:
        ss["ev_pick"] = default
    picked = st.selectbox(ctx.t("events.pick"), list(choices), key="ev_pick", format_func=choices.get)
    screen.show(events.report(ctx, picked), "ev_report")
    st.divider()
screen.show(events.ranked(ctx), "ev_ranked")
screen.show(events.coming(ctx), "ev_coming")
st.divider()
screen.show(listing, "ev_register")
forms.new_event(ctx, user)

# ---- one event: change, cancel or delete it, and its history -------------------------------------------------
editable = events.edit_choices(ctx, listing.data)
if editable:
    rows = {int(r["event_id"]): r for r in listing.data.to_dict("records")}
    edit_id = st.selectbox(ctx.t("events.form_edit"), list(editable), key="ev_edit_pick", format_func=editable.get)
    forms.event_editor(ctx, user, rows[edit_id])
    with st.expander(ctx.t("events.history_of", id=edit_id)):
        screen.show(history.change_history(ctx, "mass_event", str(edit_id)), "ev_history")
