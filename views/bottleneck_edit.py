# page: order=55 title=editlog.page_title icon=:material/edit_note: url=bottleneck-edit
"""One bottleneck: find it (?bottleneck=B-00001, or pick it in the region), change its status, responsible
party, due date and notes, and see its full history. Who may change what is decided in dialogue.editing,
whatever this page shows."""

import re
from datetime import timedelta

import streamlit as st

from dialogue import auth, editing, i18n, ui

f = ui.filters()
lang = f.lang
today = ui.today()
ss = st.session_state
ui.page_title("editlog.page_title")

# ---- which bottleneck: the link's, else the one picked in the list ----------------------------------
asked = st.query_params.get("bottleneck")
asked = asked if asked and re.fullmatch(r"[A-Za-z0-9_.-]{1,40}", asked) else None

with st.container(border=True):
    c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
    district = None
    if f.region:
        names = ui.districts().set_index("district_kato")
        district = c1.selectbox(ui.t("common.district"), [None, *names.index], key="be_district",
                                format_func=lambda k: ui.t("editlog.all_districts") if k is None
                                else i18n.place_name(names.loc[k], lang))
    open_only = c2.toggle(ui.t("editlog.open_only"), value=True, key="be_open_only")
    choices = ui.query("editing/bottleneck_choices", **f.params(), district=district, open_only=open_only,
                       as_of_date=today, limit=300)
    labels = {r["bottleneck_id"]: editing.bottleneck_label(r, lang, ui.region_label)
              for r in choices.to_dict("records")}
    # A new link (or the first visit) decides the pick, the top of the list without one; then the list does.
    if ss.get("_be_asked", "") != asked:
        ss["_be_asked"] = asked
        ss["be_pick"] = asked if asked in labels else None if asked else next(iter(labels), None)

    def _picked() -> None:
        ss["_be_asked"] = ss.be_pick
        if ss.be_pick:
            st.query_params["bottleneck"] = ss.be_pick

    if len(choices):
        st.selectbox(ui.t("editlog.pick", n=i18n.fmt_number(int(choices.total.iloc[0]), lang)), list(labels),
                     key="be_pick", format_func=lambda b: labels.get(b, b), on_change=_picked,
                     placeholder=ui.t("editlog.pick_placeholder"))
        with st.expander(ui.t("editlog.list_title", n=i18n.fmt_number(len(choices), lang))):
            listing = editing.bottleneck_list_table(choices, lang, ui.region_label)
            st.dataframe(listing, hide_index=True, width="stretch")
            ui.downloads(listing, "bottlenecks", "be_list")
    elif open_only:
        st.info(ui.t("editlog.none_open"))
    else:
        ui.empty_state("editlog.none_in_selection")

chosen = ss.get("be_pick") or asked
if chosen is None:
    if len(choices):
        st.info(ui.t("editlog.pick_hint"))
    st.stop()
found = ui.query("editing/bottleneck_record", bottleneck_id=chosen, as_of_date=today)
if found.empty:
    st.warning(ui.t("editlog.not_found", id=chosen))
    st.stop()
rec = found.iloc[0]

# ---- the record -------------------------------------------------------------------------------------
st.subheader(f"{rec.bottleneck_id} · {ui.t(f'editlog.kind_{rec.kind}')}")
ui.flash()
due = editing.display_value("bottleneck", "due_on", rec.due_on, lang)
# The last column is wider: "Энергокомпания" must not be cut in a quarter of the screen.
m1, m2, m3, m4 = st.columns([1, 1, 1, 1.5])
m1.metric(ui.t("editlog.field_status"), editing.display_value("bottleneck", "status", rec.status, lang), border=True)
m2.metric(ui.t("editlog.open_days"), ui.t("common.unit_days", value=i18n.fmt_number(rec.open_days, lang)),
          border=True)
# Days, not the date, in the big figure: a date in Kazakh or Russian does not fit a quarter of the screen.
if not editing.missing(rec.overdue_days):
    m3.metric(ui.t("editlog.overdue_days"), ui.t("common.unit_days", value=i18n.fmt_number(rec.overdue_days, lang)),
              delta=due, delta_color="red", delta_arrow="off", border=True)
elif not editing.missing(rec.due_in_days):
    m3.metric(ui.t("editlog.due_in"), ui.t("common.unit_days", value=i18n.fmt_number(rec.due_in_days, lang)),
              delta=due, delta_color="gray", delta_arrow="off", border=True)
else:
    m3.metric(ui.t("editlog.field_due_on"), due, border=True)
m4.metric(ui.t("editlog.field_responsible"), editing.display_value("bottleneck", "responsible", rec.responsible, lang),
          border=True)
st.dataframe(editing.bottleneck_details(rec, lang, ui.region_label), hide_index=True, width="stretch")

# ---- the edit form: only for those allowed (dialogue.editing checks again on save) -------------------
st.subheader(ui.t("editlog.edit_heading"))
user = ui.current_user()
if user is None:
    st.info(ui.t("editlog.sign_in_to_edit"))
elif not auth.can_edit_record(user, rec.region_code, rec.operator_code):
    st.warning(ui.t("editlog.not_yours", user=ui.user_label(user)))
else:
    # The version the form was opened at: a save against an older one is a conflict, never an overwrite.
    seen_key = f"_seen_bottleneck_{rec.bottleneck_id}"
    seen = ss.get(seen_key)
    if seen is None or f"be_{rec.bottleneck_id}_{seen}_status" not in ss:
        seen = ss[seen_key] = int(rec.version)
    k = f"be_{rec.bottleneck_id}_{seen}"
    with st.form(f"{k}_form"):
        c1, c2, c3 = st.columns(3)
        status = c1.selectbox(ui.t("editlog.field_status"), editing.BOTTLENECK_STATUSES, key=f"{k}_status",
                              index=editing.BOTTLENECK_STATUSES.index(rec.status)
                              if rec.status in editing.BOTTLENECK_STATUSES else 0,
                              format_func=lambda s: ui.t(f"editlog.status_{s}"))
        responsible = c2.selectbox(ui.t("editlog.field_responsible"), editing.RESPONSIBLE, key=f"{k}_responsible",
                                   index=editing.RESPONSIBLE.index(rec.responsible)
                                   if rec.responsible in editing.RESPONSIBLE else 0,
                                   format_func=lambda s: ui.t(f"editlog.responsible_{s}"))
        opened = editing.parse_date(rec.opened_on)
        due = c3.date_input(ui.t("editlog.field_due_on"), value=editing.parse_date(rec.due_on), key=f"{k}_due",
                            min_value=opened, max_value=max(today, opened) + timedelta(days=3650),
                            format="YYYY-MM-DD" if lang == "en" else "DD.MM.YYYY")
        notes = st.text_area(ui.t("editlog.field_notes"), value=rec.notes if isinstance(rec.notes, str) else "",
                             max_chars=editing.NOTES_MAX, key=f"{k}_notes")
        note = st.text_input(ui.t("editlog.change_note"), max_chars=editing.NOTE_MAX, key=f"{k}_note",
                             placeholder=ui.t("editlog.change_note_hint"))
        submitted = st.form_submit_button(ui.t("editlog.save"), type="primary", key=f"{k}_save")
    if submitted:
        ui.write(editing.update_bottleneck, user, rec.bottleneck_id, seen,
                 {"status": status, "responsible": responsible, "due_on": due, "notes": notes}, note=note,
                 done=ui.t("editlog.saved", id=rec.bottleneck_id), forget=seen_key)

# ---- its history ------------------------------------------------------------------------------------
st.subheader(ui.t("editlog.history"))
ui.change_history("bottleneck", rec.bottleneck_id, "be_history")
st.caption(ui.t("editlog.as_of_today", date=i18n.fmt_date(today, lang)))
