"""The forms that run a meeting (Streamlit glue like dialogue.forms): create it, order its agenda, list who
attends, take down decisions and action items, close it and download its minutes. dialogue.meetings checks
permissions again on every save, whatever a form offers."""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

from dialogue import auth, editing, meetings, minutes, periods, screen, ui
from dialogue.forms import date_format
from dialogue.sections import Context, agenda, register


def show_register(ctx: Context, section, key: str) -> None:
    """A register section; an empty one says so plainly (no hint to load data: nothing is missing)."""
    if section.is_empty:
        st.subheader(section.title)
        st.caption(ctx.t(section.empty))
        return
    screen.show(section, key)


def can_create(user: auth.User | None) -> bool:
    return user is not None and (user.role in auth.ALL_DATA_ROLES or user.role == "akimat")


def create_form(ctx: Context, user: auth.User) -> None:
    """A new meeting: the Council or a regional dialogue (an akimat: its own region's), date, period, language."""
    with st.expander(ctx.t("meeting.new_meeting"), icon=":material/event:", expanded=False):
        ui.flash("meeting_new")
        kinds = list(meetings.KINDS) if user.role in auth.ALL_DATA_ROLES else ["regional"]
        regions = [user.region_code] if user.role == "akimat" else list(ctx.regions().region_code)
        with st.form("mt_new", clear_on_submit=False):
            c1, c2, c3 = st.columns(3)
            kind = c1.selectbox(ctx.t("meeting.kind"), kinds, key="mt_new_kind",
                                format_func=lambda k: ctx.t(f"meeting.kind_{k}"))
            region = c2.selectbox(ctx.t("meeting.region_if_regional"), regions, key="mt_new_region",
                                  index=regions.index(ctx.region) if ctx.region in regions else 0,
                                  format_func=lambda r: ctx.region_name(r))
            held = c3.date_input(ctx.t("meeting.held_on"), value=ctx.as_of_date, format=date_format(ctx.lang),
                                 key="mt_new_date")
            c4, c5, c6 = st.columns(3)
            options = [p.key for p in periods.available("month", periods.add_months(ctx.as_of_date, -24), ctx.as_of_date)]
            options += [p.key for p in periods.available("quarter", periods.add_months(ctx.as_of_date, -24),
                                                         ctx.as_of_date)]
            period = c4.selectbox(ctx.t("meeting.reviews"), options, key="mt_new_period",
                                  index=options.index(ctx.period.key) if ctx.period.key in options else 0,
                                  format_func=lambda k: periods.parse(k).label(ctx.lang))
            lang = c5.selectbox(ctx.t("meeting.lang"), meetings.LANGS, key="mt_new_lang",
                                index=meetings.LANGS.index(ctx.lang), format_func=lambda code: code.upper())
            title = c6.text_input(ctx.t("meeting.title_field"), value=ctx.t("meeting.default_title"),
                                  max_chars=editing.TITLE_MAX, key="mt_new_title")
            attendees = st.text_area(ctx.t("meeting.attendees_hint"), key="mt_new_attendees", height=100)
            if st.form_submit_button(ctx.t("meeting.create"), type="primary", key="mt_new_save"):
                ui.write(meetings.create, user, kind, region, held, period, lang, title, attendees, slot="meeting_new",
                         done=lambda mid: _remember(mid, ctx.t("meeting.created", id=mid)))


def _remember(meeting_id: str, message: str) -> str:
    st.session_state["mt_pick"] = meeting_id
    return message


def agenda_editor(ctx: Context, user: auth.User, row: dict) -> None:
    """The agenda in order, each item movable up or down (the organiser's order is the screens' order)."""
    ui.flash("agenda")
    items = row["agenda"]
    for i, item in enumerate(items):
        c1, c2, c3 = st.columns([8, 1, 1], vertical_alignment="center")
        c1.markdown(f"**{i + 1}.** {agenda.item_title(ctx, item)}")
        if c2.button("↑", key=f"mt_up_{item}", disabled=i == 0, help=ctx.t("meeting.move_up")):
            ui.write(meetings.set_agenda, user, row["meeting_id"], meetings.move(items, item, -1), row["version"],
                     slot="agenda", done=ctx.t("meeting.agenda_saved"))
        if c3.button("↓", key=f"mt_down_{item}", disabled=i == len(items) - 1, help=ctx.t("meeting.move_down")):
            ui.write(meetings.set_agenda, user, row["meeting_id"], meetings.move(items, item, 1), row["version"],
                     slot="agenda", done=ctx.t("meeting.agenda_saved"))


def attendees_form(ctx: Context, user: auth.User, row: dict) -> None:
    with st.form("mt_attendees"):
        text = st.text_area(ctx.t("meeting.attendees_hint"), value="\n".join(row["attendees"]), key="mt_att_text",
                            height=140)
        if st.form_submit_button(ctx.t("meeting.save_attendees"), key="mt_att_save"):
            ui.write(meetings.set_attendees, user, row["meeting_id"], text, row["version"], slot="register",
                     done=ctx.t("meeting.attendees_saved"))


def decision_form(ctx: Context, user: auth.User, row: dict) -> None:
    with st.form("mt_decision", clear_on_submit=True):
        text = st.text_area(ctx.t("meeting.decision_text"), max_chars=meetings.DECISION_MAX, key="mt_dec_text",
                            height=90)
        if st.form_submit_button(ctx.t("meeting.record_decision"), key="mt_dec_save"):
            ui.write(meetings.record_decision, user, row["meeting_id"], text, slot="register",
                     done=lambda did: ctx.t("meeting.decision_recorded", id=did))


def action_form(ctx: Context, user: auth.User, row: dict) -> None:
    """An action item as it is decided: text, owner, due date, region, bottleneck, programme or permit site."""
    regions = [row["region_code"]] if row["kind"] == "regional" else [None, *ctx.regions().region_code]
    with st.form("mt_action", clear_on_submit=True):
        text = st.text_area(ctx.t("meeting.item_text"), max_chars=editing.TEXT_MAX, key="mt_act_text", height=90)
        c1, c2, c3 = st.columns(3)
        owner = c1.selectbox(ctx.t("meeting.col_owner"), editing.OWNERS, key="mt_act_owner",
                             format_func=lambda v: ctx.t(f"actions.owner_{v}"))
        due = c2.date_input(ctx.t("meeting.col_due"), value=row["held_on"] + timedelta(days=30),
                            format=date_format(ctx.lang), key="mt_act_due")
        region = c3.selectbox(ctx.t("common.region"), regions, key="mt_act_region",
                              format_func=lambda r: ctx.t("actions.national") if r is None else ctx.region_name(r))
        c4, c5, c6 = st.columns(3)
        bottleneck = c4.text_input(ctx.t("meeting.item_bottleneck"), key="mt_act_bottleneck", max_chars=40,
                                   placeholder="B-00012")
        site = c6.text_input(ctx.t("meeting.item_site"), key="mt_act_site", max_chars=100, placeholder="SITE-19-0053")
        programme = c5.selectbox(ctx.t("meeting.col_programme"), [None, *meetings.PROGRAMMES], key="mt_act_programme",
                                 format_func=lambda p: "—" if p is None else ctx.t(f"rollout.programme_{p}"))
        if st.form_submit_button(ctx.t("meeting.record_item"), type="primary", key="mt_act_save"):
            ui.write(meetings.record_action_item, user, row["meeting_id"], text, owner, due, region,
                     bottleneck_id=bottleneck.strip() or None, programme=programme, site_ref=site.strip() or None,
                     slot="register",
                     done=lambda aid: ctx.t("meeting.item_recorded", id=aid))


def close_form(ctx: Context, user: auth.User, row: dict) -> None:
    """Close the meeting: its figures are frozen in the meeting's language and the minutes can be downloaded."""
    st.caption(ctx.t("meeting.close_hint"))
    if st.button(ctx.t("meeting.close"), key="mt_close", icon=":material/lock:"):
        frozen = agenda.snapshot(register.meeting_context(ctx, row, lang=row["lang"] or ctx.lang), row)
        ui.write(meetings.close, user, row["meeting_id"], frozen, slot="register", done=ctx.t("meeting.closed_ok"))


def minutes_downloads(ctx: Context, row: dict) -> None:
    """The minutes of a closed meeting, DOCX and Markdown, made when clicked."""
    snap = meetings.snapshot_of(row)
    if snap is None:
        return
    lang = snap.get("lang", ctx.lang)
    region_name = Context(None, ctx.period, lang, ctx.as_of_date, ctx.run).region_name

    c1, c2, _ = st.columns([1, 1, 3])
    c1.download_button(ctx.t("meeting.minutes_docx"), lambda: minutes.docx(row, snap, region_name),
                       file_name=f"minutes_{row['meeting_id']}.docx", key="mt_minutes_docx", on_click="ignore",
                       mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                       icon=":material/description:")
    c2.download_button(ctx.t("meeting.minutes_md"), lambda: minutes.markdown(row, snap, region_name),
                       file_name=f"minutes_{row['meeting_id']}.md", key="mt_minutes_md", on_click="ignore",
                       mime="text/markdown", icon=":material/article:")
