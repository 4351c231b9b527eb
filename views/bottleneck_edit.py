# page: order=55 title=editlog.page_title icon=:material/edit_note: url=bottleneck-edit
"""One bottleneck: find it (?bottleneck=B-00001, or pick it in the region), change its status, responsible
party, due date and notes, and see its full history. Who may change what is decided in dialogue.editing,
whatever this page shows."""

import re

import streamlit as st

from dialogue import forms, screen, ui
from dialogue.sections import bottleneck_record, empty, history

ctx = screen.context()
ss = st.session_state
screen.page("editlog.page_title", ctx)

# ---- which bottleneck: the link's, else the one picked in the list ----------------------------------
asked = st.query_params.get("bottleneck")
asked = asked if asked and re.fullmatch(r"[A-Za-z0-9_.-]{1,40}", asked) else None

with st.container(border=True):
    c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
    district = None
    if ctx.region:
        names = ctx.area_labels()
        district = c1.selectbox(ctx.t("common.district"), [None, *names], key="be_district",
                                format_func=lambda k: ctx.t("editlog.all_districts") if k is None else names[k])
    open_only = c2.toggle(ctx.t("editlog.open_only"), value=True, key="be_open_only")
    choices = bottleneck_record.choices(ctx, district, open_only)
    labels = bottleneck_record.choice_labels(ctx, choices)
    # A new link (or the first visit) decides the pick, the top of the list without one; then the list does.
    if ss.get("_be_asked", "") != asked:
        ss["_be_asked"] = asked
        ss["be_pick"] = asked if asked in labels else None if asked else next(iter(labels), None)

    def _picked() -> None:
        ss["_be_asked"] = ss.be_pick
        if ss.be_pick:
            st.query_params["bottleneck"] = ss.be_pick

    if len(choices):
        st.selectbox(ctx.t("editlog.pick", n=ctx.number(int(choices.total.iloc[0]))), list(labels), key="be_pick",
                     format_func=lambda b: labels.get(b, b), on_change=_picked,
                     placeholder=ctx.t("editlog.pick_placeholder"))
        with st.expander(ctx.t("editlog.list_title", n=ctx.number(len(choices)))):
            screen.show(bottleneck_record.choice_list(ctx, choices), "be_list")
    elif open_only:
        st.info(ctx.t("editlog.none_open"))
    else:
        screen.show(empty("bottleneck_record.list", message="editlog.none_in_selection"))

chosen = ss.get("be_pick") or asked
if chosen is None:
    if len(choices):
        st.info(ctx.t("editlog.pick_hint"))
    st.stop()
rec = bottleneck_record.record(ctx, chosen)
if rec is None:
    st.warning(ctx.t("editlog.not_found", id=chosen))
    st.stop()

# ---- the record, the edit form (dialogue.editing checks again on save), its history ----------------
card = bottleneck_record.record_card(ctx, rec)
st.subheader(card.title)
ui.flash()
screen.show(card, "be_record", heading=False)
st.subheader(ctx.t("editlog.edit_heading"))
forms.bottleneck_editor(ctx, ui.current_user(), rec)
st.subheader(ctx.t("editlog.history"))
screen.show(history.change_history(ctx, "bottleneck", rec.bottleneck_id), "be_history")
