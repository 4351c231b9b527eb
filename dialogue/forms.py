"""The forms that write: record a meeting, record or update an action item, update a bottleneck.

Streamlit glue like dialogue.screen. Each form opens on the record's version and saves against it (a save
over a newer version is a conflict, never an overwrite); dialogue.editing checks permissions again on
save, whatever a form offers.
"""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

from dialogue import auth, editing, records, ui
from dialogue.sections import Context

DAYS_AHEAD = 3650  # a due date at most ten years on


def date_format(lang: str) -> str:
    return "YYYY-MM-DD" if lang == "en" else "DD.MM.YYYY"


def _opened_at(kind: str, record_id: str, version: int, prefix: str) -> int:
    """The version the form (widget keys '<prefix>_<version>_…') was opened at, kept until a save or a
    conflict reopens it on the record as it is now."""
    seen_key = f"_seen_{kind}_{record_id}"
    seen = st.session_state.get(seen_key)
    if seen is None or f"{prefix}_{seen}_status" not in st.session_state:
        seen = st.session_state[seen_key] = version
    return seen


def meeting_form(ctx: Context, user: auth.User, key: str) -> None:
    """Record a meeting (regulator, ministry, admin), so that its decisions have a home."""
    with st.expander(ctx.t("actions.new_meeting"), icon=":material/event:"):
        ui.flash("meeting")
        with st.form(key, clear_on_submit=True):
            held_on = st.date_input(ctx.t("actions.held_on"), value=ctx.as_of_date, format=date_format(ctx.lang),
                                    key=f"{key}_date")
            title = st.text_input(ctx.t("actions.meeting_title"), value=ctx.t("actions.default_title"),
                                  max_chars=editing.TITLE_MAX, key=f"{key}_title")
            if st.form_submit_button(ctx.t("actions.record_meeting"), key=f"{key}_save"):
                ui.write(editing.create_meeting, user, held_on, title, slot="meeting",
                         done=lambda meeting_id: ctx.t("actions.meeting_recorded", id=meeting_id))


def action_item_editor(ctx: Context, user: auth.User | None, rec: dict) -> None:
    """Change an action item's status, owner, due date or wording (signed-in and allowed users only)."""
    ui.flash("edit")
    region = rec["region_code"] if isinstance(rec["region_code"], str) else None
    if user is None:
        st.info(ctx.t("editlog.sign_in_to_edit"))
        return
    if not auth.can_edit_record(user, region):
        st.warning(ctx.t("actions.not_yours", user=ui.user_label(user)))
        return
    action_id, lang = rec["action_id"], ctx.lang
    seen = _opened_at("action", action_id, int(rec["version"]), f"ac_{action_id}")
    k = f"ac_{action_id}_{seen}"
    with st.form(f"{k}_form"):
        c1, c2, c3 = st.columns(3)
        status = c1.selectbox(records.field_name("status", lang), editing.ACTION_STATUSES, key=f"{k}_status",
                              index=_index(editing.ACTION_STATUSES, rec["status"]),
                              format_func=lambda v: ctx.t(f"actions.status_{v}"))
        owner = c2.selectbox(records.field_name("owner", lang), editing.OWNERS, key=f"{k}_owner",
                             index=_index(editing.OWNERS, rec["owner"]), format_func=lambda v: ctx.t(f"actions.owner_{v}"))
        held = editing.parse_date(rec["held_on"])
        due = c3.date_input(records.field_name("due_on", lang), value=editing.parse_date(rec["due_on"]),
                            min_value=held, max_value=max(ctx.as_of_date, held) + timedelta(days=DAYS_AHEAD),
                            format=date_format(lang), key=f"{k}_due")
        text = st.text_area(records.field_name("text", lang), value=rec["text"], max_chars=editing.TEXT_MAX,
                            key=f"{k}_text")
        note = _change_note(ctx, k)
        if st.form_submit_button(ctx.t("editlog.save"), type="primary", key=f"{k}_save"):
            ui.write(editing.update_action_item, user, action_id, seen,
                     {"status": status, "owner": owner, "due_on": due, "text": text}, note=note, slot="edit",
                     done=ctx.t("editlog.saved", id=action_id), forget=f"_seen_action_{action_id}")


def new_action_item(ctx: Context, user: auth.User, meetings: dict[str, str], chosen: str | None) -> None:
    """Record a decision as it is taken: the meeting, the region (or national), topic, owner, due date, text."""
    lang = ctx.lang
    with st.expander(ctx.t("actions.new_item"), icon=":material/add_task:", expanded=False):
        ui.flash("create")
        if not meetings:
            st.caption(ctx.t("actions.no_open_meeting"))
            return
        regions = [user.region_code] if user.role == "akimat" else [None, *ctx.regions().region_code]
        with st.form("ac_new", clear_on_submit=True):
            c1, c2 = st.columns(2)
            meeting = c1.selectbox(ctx.t("actions.meeting"), list(meetings), key="ac_new_meeting",
                                   index=list(meetings).index(chosen) if chosen in meetings else 0,
                                   format_func=meetings.get)
            region = c2.selectbox(ctx.t("common.region"), regions, key="ac_new_region",
                                  index=regions.index(ctx.region) if ctx.region in regions else 0,
                                  format_func=lambda r: ctx.t("actions.national") if r is None else ctx.region_name(r))
            c3, c4, c5 = st.columns(3)
            topic = c3.selectbox(records.field_name("topic", lang), editing.TOPICS, key="ac_new_topic",
                                 format_func=lambda v: ctx.t(f"actions.topic_{v}"))
            owner = c4.selectbox(records.field_name("owner", lang), editing.OWNERS, key="ac_new_owner",
                                 format_func=lambda v: ctx.t(f"actions.owner_{v}"))
            due = c5.date_input(records.field_name("due_on", lang), value=ctx.as_of_date + timedelta(days=30),
                                format=date_format(lang), key="ac_new_due")
            text = st.text_area(records.field_name("text", lang), max_chars=editing.TEXT_MAX, key="ac_new_text")
            if st.form_submit_button(ctx.t("actions.record_item"), type="primary", key="ac_new_save"):
                ui.write(editing.create_action_item, user, meeting, region, topic, text, owner, due, slot="create",
                         done=lambda action_id: ctx.t("actions.item_recorded", id=action_id))


def bottleneck_editor(ctx: Context, user: auth.User | None, rec) -> None:
    """Change a bottleneck's status, responsible party, due date and notes (signed-in and allowed users only)."""
    if user is None:
        st.info(ctx.t("editlog.sign_in_to_edit"))
        return
    if not auth.can_edit_record(user, rec.region_code, rec.operator_code):
        st.warning(ctx.t("editlog.not_yours", user=ui.user_label(user)))
        return
    bottleneck_id = rec.bottleneck_id
    seen = _opened_at("bottleneck", bottleneck_id, int(rec.version), f"be_{bottleneck_id}")
    k = f"be_{bottleneck_id}_{seen}"
    with st.form(f"{k}_form"):
        c1, c2, c3 = st.columns(3)
        status = c1.selectbox(ctx.t("editlog.field_status"), editing.BOTTLENECK_STATUSES, key=f"{k}_status",
                              index=_index(editing.BOTTLENECK_STATUSES, rec.status),
                              format_func=lambda s: ctx.t(f"editlog.status_{s}"))
        responsible = c2.selectbox(ctx.t("editlog.field_responsible"), editing.RESPONSIBLE, key=f"{k}_responsible",
                                   index=_index(editing.RESPONSIBLE, rec.responsible),
                                   format_func=lambda s: ctx.t(f"editlog.responsible_{s}"))
        opened = editing.parse_date(rec.opened_on)
        due = c3.date_input(ctx.t("editlog.field_due_on"), value=editing.parse_date(rec.due_on), key=f"{k}_due",
                            min_value=opened, max_value=max(ctx.as_of_date, opened) + timedelta(days=DAYS_AHEAD),
                            format=date_format(ctx.lang))
        notes = st.text_area(ctx.t("editlog.field_notes"), value=rec.notes if isinstance(rec.notes, str) else "",
                             max_chars=editing.NOTES_MAX, key=f"{k}_notes")
        note = _change_note(ctx, k)
        submitted = st.form_submit_button(ctx.t("editlog.save"), type="primary", key=f"{k}_save")
    if submitted:
        ui.write(editing.update_bottleneck, user, bottleneck_id, seen,
                 {"status": status, "responsible": responsible, "due_on": due, "notes": notes}, note=note,
                 done=ctx.t("editlog.saved", id=bottleneck_id), forget=f"_seen_bottleneck_{bottleneck_id}")


def _change_note(ctx: Context, k: str) -> str:
    return st.text_input(ctx.t("editlog.change_note"), max_chars=editing.NOTE_MAX, key=f"{k}_note",
                         placeholder=ctx.t("editlog.change_note_hint"))


def _index(options: tuple[str, ...], value) -> int:
    return options.index(value) if value in options else 0
