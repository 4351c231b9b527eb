# page: order=92 title=meeting.present_title icon=:material/slideshow: url=present
"""The shared screen of a meeting (`?meeting=M-2026-12`): one agenda item per screen in large type, with what
changed since the previous meeting; next and previous by the arrow keys or PageDown/PageUp (clickers)."""

import streamlit as st

from dialogue import presenter, screen, ui
from dialogue.sections import agenda, register

ctx = screen.context()
ss, qp = st.session_state, st.query_params
meeting_id = qp.get("meeting") or ss.get("mt_pick") or register.next_meeting(ctx)
row = register.meeting(ctx, meeting_id)
if row is None or not row["agenda"]:
    st.title(ctx.t("meeting.present_title"))
    st.info(ctx.t("meeting.present_none"))
    st.page_link("views/meeting.py", label=ctx.t("meeting.page_title"), icon=":material/groups:",
                 query_params=ui.url_params(ui.filters()))
    st.stop()

presenter.slide_style()
total = len(row["agenda"])
if ss.get("_slide_meeting") != meeting_id:
    ss["_slide_meeting"] = meeting_id
    asked = qp.get("slide", "1")
    ss["_slide"] = min(max(int(asked) - 1 if asked.isdigit() else 0, 0), total - 1)
labels = {"next": ctx.t("meeting.next"), "previous": ctx.t("meeting.previous")}
ss["_slide"] = presenter.navigation(ss["_slide"], total, labels)
qp["meeting"], qp["slide"] = meeting_id, str(ss["_slide"] + 1)

mctx = register.meeting_context(ctx, row)
shown = agenda.screen(mctx, row, ss["_slide"])
presenter.slide(shown, ss["_slide"] + 1, total, f"slide_{ss['_slide']}")
foot, back = st.columns([5, 1], vertical_alignment="center")
foot.caption(f"{register.meeting_label(ctx, row)} · {mctx.period.label(ctx.lang)} · {ctx.t('meeting.keys_hint')}")
back.page_link("views/meeting.py", label=ctx.t("meeting.back_to_meeting"), icon=":material/edit_note:",
               query_params={**ui.url_params(ui.filters()), "meeting": meeting_id})
