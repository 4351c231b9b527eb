# page: order=70 title=actions.page_title icon=:material/task_alt: url=actions
"""The Council of Operators' action items, meeting by meeting: status, owner, due date, overdue. Items are
recorded as they are decided, updated afterwards, and every change is kept (dialogue.editing decides who
may change what, whatever this page shows)."""

import streamlit as st

from dialogue import auth, forms, records, screen, ui
from dialogue.sections import actions, history

ctx = screen.context()
ss = st.session_state
user = ui.current_user()
screen.page("actions.page_title", ctx)

figures = actions.in_figures(ctx)
screen.show(figures)
if figures.is_empty:
    if user is not None and user.role in auth.ALL_DATA_ROLES:
        forms.meeting_form(ctx, user, "ac_meeting_first")
    st.stop()
screen.show(actions.by_meeting(ctx), "actions_by_meeting")

# ---- one meeting's items: the period's latest meeting with items, else every meeting -----------------
labels = actions.meeting_labels(ctx)
if ss.get("_ac_scope") != (ctx.period.key, ctx.region) or ss.get("ac_meeting") not in ["all", *labels]:
    ss["_ac_scope"] = (ctx.period.key, ctx.region)
    ss["ac_meeting"] = actions.default_meeting(ctx)
chosen = st.selectbox(ctx.t("actions.meeting"), ["all", *labels], key="ac_meeting",
                      format_func=lambda m: ctx.t("actions.all_meetings") if m == "all" else labels[m])
listing, items = actions.item_list(ctx, None if chosen == "all" else chosen)
screen.show(listing, "ac_items")

# ---- update one item, and its history --------------------------------------------------------------------
if len(items):
    st.subheader(ctx.t("actions.update_heading"))
    rows = {r["action_id"]: r for r in items.to_dict("records")}
    picked = st.selectbox(ctx.t("actions.pick"), list(rows), key="ac_pick",
                          format_func=lambda a: records.action_label(rows[a], ctx.lang))
    forms.action_item_editor(ctx, user, rows[picked])
    with st.expander(ctx.t("actions.history_of", id=picked), expanded=True):
        screen.show(history.change_history(ctx, "action_item", picked), "ac_history")

# ---- recording decisions during a meeting ------------------------------------------------------------------
if user is not None and (user.role in auth.ALL_DATA_ROLES or user.role == "akimat"):
    st.subheader(ctx.t("actions.record_heading"))
    forms.new_action_item(ctx, user, actions.open_meeting_labels(ctx), chosen)
    if user.role in auth.ALL_DATA_ROLES:
        forms.meeting_form(ctx, user, "ac_meeting_new")
