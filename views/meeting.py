# page: order=90 title=meeting.page_title icon=:material/groups: url=meeting
"""Meetings: the national Council of Operators and the regional dialogues. Create one with its date and the period
it reviews, order its agenda, take down decisions and action items as they are taken (open items of earlier
meetings come by themselves), present it on the shared screen, close it and download the minutes."""

import streamlit as st

from dialogue import meeting_forms, meetings, screen, ui
from dialogue.sections import agenda, register

ctx = screen.context()
ss = st.session_state
user = ui.current_user()
st.title(ctx.t("meeting.page_title"))
st.caption(ctx.t("meeting.subtitle"))

if meeting_forms.can_create(user):
    meeting_forms.create_form(ctx, user)
elif user is None:
    st.caption(ctx.t("meeting.sign_in_to_run"))

listed = register.meetings(ctx)
if listed.empty:
    st.info(ctx.t("meeting.none_yet"))
    st.stop()
labels = {r["meeting_id"]: register.meeting_label(ctx, r) for r in listed.to_dict("records")}
asked = st.query_params.get("meeting")
if ss.get("mt_pick") not in labels:
    ss["mt_pick"] = asked if asked in labels else next(iter(labels))
chosen = st.selectbox(ctx.t("meeting.pick"), list(labels), key="mt_pick", format_func=labels.get)
st.query_params["meeting"] = chosen
row = register.meeting(ctx, chosen)
mctx = register.meeting_context(ctx, row)
manage = row["status"] == "open" and meetings.can_manage(user, row["kind"], row["region_code"])

st.markdown(ctx.t("meeting.header", title=row["title"], date=ctx.date(row["held_on"]),
                  period=mctx.period.label(ctx.lang), status=ctx.t(f"meeting.status_{row['status']}")))
if row["agenda"]:
    st.page_link("views/present.py", label=ctx.t("meeting.present"), icon=":material/slideshow:",
                 query_params={**ui.url_params(ui.filters()), "meeting": chosen, "slide": "1"})

left, right = st.columns([2, 3], gap="large")
with left:
    st.subheader(ctx.t("meeting.agenda_title"))
    if manage:
        meeting_forms.agenda_editor(ctx, user, row)
    else:
        st.markdown("\n".join(f"{i}. {agenda.item_title(ctx, item)}" for i, item in enumerate(row["agenda"], 1))
                    or ctx.t("meeting.no_agenda"))
    st.subheader(ctx.t("meeting.attendees"))
    if manage:
        meeting_forms.attendees_form(ctx, user, row)
    else:
        st.markdown("\n".join(f"- {name}" for name in row["attendees"]) or ctx.t("meeting.none"))
with right:
    ui.flash("register")
    if manage:
        st.subheader(ctx.t("meeting.take_down"))
        tab_item, tab_decision = st.tabs([ctx.t("meeting.tab_item"), ctx.t("meeting.tab_decision")])
        with tab_item:
            meeting_forms.action_form(ctx, user, row)
        with tab_decision:
            meeting_forms.decision_form(ctx, user, row)
    for i, section in enumerate([register.decisions(mctx, chosen), register.recorded(mctx, chosen),
                                 register.carried(mctx, chosen)]):
        meeting_forms.show_register(ctx, section, f"mt_register_{i}")

if row["status"] == "closed":
    st.subheader(ctx.t("meeting.minutes"))
    if meetings.snapshot_of(row) is None:
        st.caption(ctx.t("meeting.no_minutes"))
    meeting_forms.minutes_downloads(ctx, row)
elif manage:
    st.subheader(ctx.t("meeting.closing"))
    meeting_forms.close_form(ctx, user, row)
