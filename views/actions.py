# page: order=70 title=actions.page_title icon=:material/task_alt: url=actions
"""The Council of Operators' action items, meeting by meeting: status, owner, due date, overdue. Items are
recorded as they are decided, updated afterwards, and every change is kept (dialogue.editing decides who
may change what, whatever this page shows)."""

from datetime import timedelta

import streamlit as st

from dialogue import auth, charts, editing, i18n, ui

f = ui.filters()
lang = f.lang
today = ui.today()
ss = st.session_state
user = ui.current_user()
ui.page_title("actions.page_title")
may_record = user is not None and (user.role in auth.ALL_DATA_ROLES or user.role == "akimat")
date_format = "YYYY-MM-DD" if lang == "en" else "DD.MM.YYYY"


def meeting_form(key: str) -> None:
    """Recording a meeting (regulator, ministry, admin), so that its decisions have a home."""
    with st.expander(ui.t("actions.new_meeting"), icon=":material/event:"):
        ui.flash("meeting")
        with st.form(key, clear_on_submit=True):
            held_on = st.date_input(ui.t("actions.held_on"), value=today, format=date_format, key=f"{key}_date")
            title = st.text_input(ui.t("actions.meeting_title"), value=ui.t("actions.default_title"),
                                  max_chars=editing.TITLE_MAX, key=f"{key}_title")
            if st.form_submit_button(ui.t("actions.record_meeting"), key=f"{key}_save"):
                ui.write(editing.create_meeting, user, held_on, title, slot="meeting",
                         done=lambda meeting_id: ui.t("actions.meeting_recorded", id=meeting_id))


meetings = ui.query("actions/meetings", **f.params(), as_of_date=today, limit=24)
if meetings.empty:
    ui.empty_state("actions.no_meetings")
    if user is not None and user.role in auth.ALL_DATA_ROLES:
        meeting_form("ac_meeting_first")
    st.stop()

# ---- in figures ---------------------------------------------------------------------------------------
s = ui.query("actions/summary", **f.params(), as_of_date=today).iloc[0]
c1, c2, c3, c4 = st.columns(4)
c1.metric(ui.t("actions.recorded"), i18n.fmt_number(s.recorded, lang), border=True, delta_color="off",
          delta=i18n.fmt_signed(s.recorded_change, lang), delta_arrow="auto" if s.recorded_change else "off",
          delta_description=ui.t("common.vs_previous", period=f.period.previous().label(lang)))
c2.metric(ui.t("actions.done_pct"), i18n.fmt_unit(s.done_pct, "pct", lang, 0), border=True,
          help=ui.t("actions.done_pct_help"))
c3.metric(ui.t("actions.open_now"), i18n.fmt_number(s.open_now, lang), border=True)
c4.metric(ui.t("actions.overdue_now"), i18n.fmt_number(s.overdue_now, lang), border=True,
          delta=ui.t("actions.needs_attention") if s.overdue_now else None, delta_color="red", delta_arrow="off")

states = {"done": ui.t("actions.status_done"), "open_on_time": ui.t("actions.open_on_time"),
          "overdue": ui.t("actions.overdue"), "dropped": ui.t("actions.status_dropped")}
recent = meetings.head(12).iloc[::-1]
by_state = recent.melt(id_vars=["meeting_id", "held_on"], value_vars=list(states), var_name="state",
                       value_name="count")
# Day and month over the year: short enough to stay upright, unique even with two meetings in a month.
by_state["label"] = [f"{d.day} {i18n.month_name(d.month, lang, short=True)}<br>{d.year}" for d in by_state.held_on]
if recent["items"].sum():
    fig = charts.stacked_bars(by_state, "label", "count", "state", states, lang, title=ui.t("actions.chart_title"),
                              axis_title=ui.t("actions.axis_items"), height=380,
                              colours={"done": charts.RAG_COLOURS["green"], "open_on_time": charts.PRIMARY,
                                       "overdue": charts.RAG_COLOURS["red"], "dropped": charts.RAG_COLOURS[None]})
    ui.chart(fig, key="actions_by_meeting")

# ---- one meeting's items --------------------------------------------------------------------------------
labels = {r["meeting_id"]: ui.t("actions.meeting_label", date=i18n.fmt_date(r["held_on"], lang),
                                count=r["items"]) for r in meetings.to_dict("records")}
# The period's latest meeting that decided something here; else every meeting (overdue first).
with_items = meetings[meetings.in_period & (meetings["items"] > 0)]
default = with_items.meeting_id.iloc[0] if len(with_items) else "all"
if ss.get("_ac_scope") != (f.period.key, f.region) or ss.get("ac_meeting") not in ["all", *labels]:
    ss["_ac_scope"] = (f.period.key, f.region)
    ss["ac_meeting"] = default
chosen = st.selectbox(ui.t("actions.meeting"), ["all", *labels], key="ac_meeting",
                      format_func=lambda m: ui.t("actions.all_meetings") if m == "all" else labels[m])
items = ui.query("actions/items", region=f.region, meeting_id=None if chosen == "all" else chosen,
                 end_date=f.period.end, as_of_date=today, limit=500)
if items.empty:
    ui.empty_state("actions.no_items")
else:
    table = editing.action_items_table(items, lang, ui.region_label)
    st.dataframe(table, hide_index=True, width="stretch")
    ui.downloads(table, "action_items", "ac_items")
st.caption(ui.t("actions.as_of_today", date=i18n.fmt_date(today, lang)))

# ---- update one item, and its history ----------------------------------------------------------------------
if len(items):
    st.subheader(ui.t("actions.update_heading"))
    rows = {r["action_id"]: r for r in items.to_dict("records")}
    picked = st.selectbox(ui.t("actions.pick"), list(rows), key="ac_pick",
                          format_func=lambda a: editing.action_label(rows[a], lang))
    rec = rows[picked]
    ui.flash("edit")
    if user is None:
        st.info(ui.t("editlog.sign_in_to_edit"))
    elif not auth.can_edit_record(user, rec["region_code"] if isinstance(rec["region_code"], str) else None):
        st.warning(ui.t("actions.not_yours", user=ui.user_label(user)))
    else:
        # The version the form was opened at: a save against an older one is a conflict, never an overwrite.
        seen_key = f"_seen_action_{picked}"
        seen = ss.get(seen_key)
        if seen is None or f"ac_{picked}_{seen}_status" not in ss:
            seen = ss[seen_key] = int(rec["version"])
        k = f"ac_{picked}_{seen}"
        with st.form(f"{k}_form"):
            c1, c2, c3 = st.columns(3)
            status = c1.selectbox(editing.field_name("status", lang), editing.ACTION_STATUSES, key=f"{k}_status",
                                  index=editing.ACTION_STATUSES.index(rec["status"])
                                  if rec["status"] in editing.ACTION_STATUSES else 0,
                                  format_func=lambda v: ui.t(f"actions.status_{v}"))
            owner = c2.selectbox(editing.field_name("owner", lang), editing.OWNERS, key=f"{k}_owner",
                                 index=editing.OWNERS.index(rec["owner"]) if rec["owner"] in editing.OWNERS else 0,
                                 format_func=lambda v: ui.t(f"actions.owner_{v}"))
            held = editing.parse_date(rec["held_on"])
            due = c3.date_input(editing.field_name("due_on", lang), value=editing.parse_date(rec["due_on"]),
                                min_value=held, max_value=max(today, held) + timedelta(days=3650),
                                format=date_format, key=f"{k}_due")
            text = st.text_area(editing.field_name("text", lang), value=rec["text"], max_chars=editing.TEXT_MAX,
                                key=f"{k}_text")
            note = st.text_input(ui.t("editlog.change_note"), max_chars=editing.NOTE_MAX, key=f"{k}_note",
                                 placeholder=ui.t("editlog.change_note_hint"))
            if st.form_submit_button(ui.t("editlog.save"), type="primary", key=f"{k}_save"):
                ui.write(editing.update_action_item, user, picked, seen,
                         {"status": status, "owner": owner, "due_on": due, "text": text}, note=note, slot="edit",
                         done=ui.t("editlog.saved", id=picked), forget=seen_key)

    with st.expander(ui.t("actions.history_of", id=picked), expanded=True):
        ui.change_history("action_item", picked, "ac_history")

# ---- recording decisions during a meeting ------------------------------------------------------------------
if may_record:
    st.subheader(ui.t("actions.record_heading"))
    with st.expander(ui.t("actions.new_item"), icon=":material/add_task:", expanded=False):
        ui.flash("create")
        regions = [user.region_code] if user.role == "akimat" else [None, *ui.regions().region_code]
        with st.form("ac_new", clear_on_submit=True):
            c1, c2 = st.columns(2)
            meeting = c1.selectbox(ui.t("actions.meeting"), list(labels), key="ac_new_meeting",
                                   index=list(labels).index(chosen) if chosen in labels else 0,
                                   format_func=lambda m: labels[m])
            region = c2.selectbox(ui.t("common.region"), regions, key="ac_new_region",
                                  index=regions.index(f.region) if f.region in regions else 0,
                                  format_func=lambda r: ui.t("actions.national") if r is None else ui.region_label(r))
            c3, c4, c5 = st.columns(3)
            topic = c3.selectbox(editing.field_name("topic", lang), editing.TOPICS, key="ac_new_topic",
                                 format_func=lambda v: ui.t(f"actions.topic_{v}"))
            owner = c4.selectbox(editing.field_name("owner", lang), editing.OWNERS, key="ac_new_owner",
                                 format_func=lambda v: ui.t(f"actions.owner_{v}"))
            due = c5.date_input(editing.field_name("due_on", lang), value=today + timedelta(days=30),
                                format=date_format, key="ac_new_due")
            text = st.text_area(editing.field_name("text", lang), max_chars=editing.TEXT_MAX, key="ac_new_text")
            if st.form_submit_button(ui.t("actions.record_item"), type="primary", key="ac_new_save"):
                ui.write(editing.create_action_item, user, meeting, region, topic, text, owner, due, slot="create",
                         done=lambda action_id: ui.t("actions.item_recorded", id=action_id))
    if user.role in auth.ALL_DATA_ROLES:
        meeting_form("ac_meeting_new")
