"""The forms that write: record a meeting, record or update an action item, update a bottleneck.

Streamlit glue like dialogue.screen. Each form opens on the record's version and saves against it (a save
over a newer version is a conflict, never an overwrite); dialogue.editing checks permissions again on
save, whatever a form offers.
"""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

from dialogue import auth, editing, i18n, records, ui
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


# ---- mass events (the Events page) ----------------------------------------------------------------------------

def _event_fields(ctx: Context, k: str, rec: dict | None) -> dict:
    """The inputs of an event, filled from rec (None: a new one); returns the values for dialogue.editing."""
    from datetime import datetime, time

    from dialogue import datasets

    lang = ctx.lang
    rec = rec or {}
    districts = ctx.run("geography/districts", region=ctx.region)
    names = {r.district_kato: i18n.place_name({"name_kk": r.name_kk, "name_ru": r.name_ru, "name_en": r.name_en}, lang)
             for r in districts.itertuples()}
    codes = list(names)
    start = rec.get("starts_at") or datetime.combine(ctx.as_of_date + timedelta(days=7), time(19))
    end = rec.get("ends_at") or start + timedelta(hours=3)
    name = st.text_input(ctx.t("events.field_name"), value=rec.get("name") or "", max_chars=datasets.EVENT_NAME_MAX,
                         key=f"{k}_name")
    c1, c2 = st.columns(2)
    kind = c1.selectbox(ctx.t("events.field_kind"), datasets.EVENT_KINDS, key=f"{k}_kind",
                        index=_index(datasets.EVENT_KINDS, rec.get("kind")), format_func=lambda v: ctx.t(f"events.kind_{v}"))
    district = c2.selectbox(ctx.t("events.field_district"), codes, key=f"{k}_district", format_func=names.get,
                            index=codes.index(rec["district_kato"]) if rec.get("district_kato") in codes else 0)
    has_point = not editing.missing(rec.get("latitude"))
    use_point = st.checkbox(ctx.t("events.field_use_point"), value=has_point, key=f"{k}_use_point")
    p1, p2, p3 = st.columns(3)
    lat = p1.number_input(ctx.t("events.field_latitude"), value=float(rec["latitude"]) if has_point else 51.1283,
                          min_value=40.0, max_value=56.0, format="%.4f", key=f"{k}_lat")
    lon = p2.number_input(ctx.t("events.field_longitude"), value=float(rec["longitude"]) if has_point else 71.4304,
                          min_value=46.0, max_value=88.0, format="%.4f", key=f"{k}_lon")
    radius = p3.number_input(ctx.t("events.field_radius"), value=float(rec["radius_m"]) if has_point else 1500.0,
                             min_value=datasets.EVENT_RADIUS_M[0], max_value=datasets.EVENT_RADIUS_M[1], step=100.0,
                             key=f"{k}_radius")
    t1, t2, t3, t4 = st.columns(4)
    fmt = date_format(lang)
    start_day = t1.date_input(ctx.t("events.field_start_day"), value=start.date(), format=fmt, key=f"{k}_start_day")
    start_time = t2.time_input(ctx.t("events.field_start_time"), value=start.time(), key=f"{k}_start_time")
    end_day = t3.date_input(ctx.t("events.field_end_day"), value=end.date(), format=fmt, key=f"{k}_end_day")
    end_time = t4.time_input(ctx.t("events.field_end_time"), value=end.time(), key=f"{k}_end_time")
    a1, a2 = st.columns(2)
    attendance = a1.number_input(ctx.t("events.field_attendance"), min_value=0,
                                 max_value=int(datasets.EVENT_ATTENDANCE_MAX), step=1000, key=f"{k}_attendance",
                                 value=int(rec["attendance"]) if not editing.missing(rec.get("attendance")) else 10_000)
    source = a2.text_input(ctx.t("events.field_source"), value=rec.get("source") or "", max_chars=editing.SOURCE_MAX,
                           key=f"{k}_source")
    values = {"name": name, "kind": kind, "starts_at": datetime.combine(start_day, start_time),
              "ends_at": datetime.combine(end_day, end_time), "attendance": attendance, "source": source}
    if use_point:
        values |= {"latitude": lat, "longitude": lon, "radius_m": radius}
    else:
        values |= {"district_kato": district, "latitude": None, "longitude": None, "radius_m": None}
    return values


def new_event(ctx: Context, user: auth.User | None) -> None:
    """Enter a mass event (ministry, regulator, admin, operators); others are told who enters them."""
    with st.expander(ctx.t("events.form_new"), icon=":material/add_location_alt:"):
        ui.flash("event_new")
        if user is None:
            st.info(ctx.t("editlog.sign_in_to_edit"))
            return
        if not auth.can_enter_events(user):
            st.info(ctx.t("events.read_only", user=ui.user_label(user)))
            return
        with st.form("ev_new", clear_on_submit=True):
            values = _event_fields(ctx, "ev_new", None)
            note = _change_note(ctx, "ev_new")
            if st.form_submit_button(ctx.t("events.save_new"), type="primary", key="ev_new_save"):
                ui.write(editing.create_event, user, values, note=note, slot="event_new",
                         done=lambda event_id: ctx.t("events.entered", id=event_id))
        st.caption(ctx.t("events.upload_hint"))


def event_editor(ctx: Context, user: auth.User | None, rec: dict) -> None:
    """Change, cancel or delete an event (who may: dialogue.auth.can_edit_event, checked again on save)."""
    ui.flash("event_edit")
    if user is None or not auth.can_enter_events(user):
        return
    event_id = int(rec["event_id"])
    if not auth.can_edit_event(user, rec.get("entered_by_name")):
        st.caption(ctx.t("events.not_yours", user=ui.user_label(user)))
        return
    seen = _opened_at("event", str(event_id), int(rec["version"]), f"ev_{event_id}")
    k = f"ev_{event_id}_{seen}"
    with st.expander(ctx.t("events.form_edit"), icon=":material/edit_calendar:"):
        with st.form(f"{k}_form"):
            status = st.selectbox(ctx.t("events.field_status"), editing.EVENT_STATUSES, key=f"{k}_status",
                                  index=_index(editing.EVENT_STATUSES, rec["status"]),
                                  format_func=lambda v: ctx.t(f"events.status_{v}"))
            values = _event_fields(ctx, k, rec)
            note = _change_note(ctx, k)
            if st.form_submit_button(ctx.t("editlog.save"), type="primary", key=f"{k}_save"):
                ui.write(editing.update_event, user, event_id, seen, {**values, "status": status}, note=note,
                         slot="event_edit", done=ctx.t("events.saved", id=event_id), forget=f"_seen_event_{event_id}")
