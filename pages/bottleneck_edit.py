# page: order=55 title=editlog.page_title icon=:material/edit_note: url=bottleneck-edit
"""One bottleneck: find it (?bottleneck=B-00001, or pick it in the region), change its status, responsible
party, due date and notes, and see its full history. Who may change what is decided in dialogue.editing."""

import re
from datetime import timedelta

import streamlit as st

from dialogue import auth, editing, i18n, ui

f = ui.filters()
lang = f.lang
today = ui.today()
ui.page_title("editlog.page_title")
ss = st.session_state

# ---- which bottleneck: the link's, else the one picked in the list ----------------------------------
asked = st.query_params.get("bottleneck")
asked = asked if asked and re.fullmatch(r"[A-Za-z0-9_.-]{1,40}", asked) else None

with st.container(border=True):
    c1, c2 = st.columns([2, 1])
    district = None
    if f.region:
        d = ui.districts()
        district = c1.selectbox(ui.t("common.district"), [None, *d.district_kato], key="be_district",
                                format_func=lambda k: ui.t("editlog.all_districts") if k is None else
                                i18n.place_name(d.set_index("district_kato").loc[k], lang))
    open_only = c2.toggle(ui.t("editlog.open_only"), value=True, key="be_open_only")
    choices = ui.query("editing/bottleneck_choices", **f.params(), district=district, open_only=open_only,
                       as_of_date=today, limit=300)
    ids = list(choices.bottleneck_id)
    labels = {r.bottleneck_id: ui.t("editlog.choice_label", id=r.bottleneck_id, kind=ui.t(f"editlog.kind_{r.kind}"),
                                    place=i18n.place_name({"name_kk": r.district_kk, "name_ru": r.district_ru,
                                                           "name_en": r.district_en}, lang)
                                    if isinstance(r.district_ru, str) else ui.region_label(r.region_code, True),
                                    operator=r.operator_name, days=i18n.fmt_number(r.open_days, lang),
                                    status=ui.t(f"editlog.status_{r.status}"))
              for r in choices.itertuples()}
    # A new link (or the first visit) decides the pick; after that the list does.
    if ss.get("_be_asked", "") != asked:
        ss["_be_asked"] = asked
        ss["be_pick"] = asked if asked in labels else None

    def _picked() -> None:
        ss["_be_asked"] = ss.be_pick
        st.query_params["bottleneck"] = ss.be_pick

    st.selectbox(ui.t("editlog.pick", n=i18n.fmt_number(choices.total.iloc[0] if len(choices) else 0, lang)),
                 ids, key="be_pick", format_func=lambda b: labels.get(b, b), on_change=_picked,
                 placeholder=ui.t("editlog.pick_placeholder"))
    if len(choices):
        with st.expander(ui.t("editlog.list_title", n=len(choices))):
            listing = editing.bottleneck_list_table(choices, lang)
            st.dataframe(listing, hide_index=True, width="stretch")
            ui.downloads(listing, "bottlenecks", "be_list")
    elif not asked:
        ui.empty_state("editlog.none_in_selection")

chosen = ss.get("be_pick") or asked
if chosen is None:
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
place = [i18n.place_name({"name_kk": rec.place_kk, "name_ru": rec.place_ru, "name_en": rec.place_en}, lang)
         if isinstance(rec.place_ru, str) else None,
         i18n.place_name({"name_kk": rec.district_kk, "name_ru": rec.district_ru, "name_en": rec.district_en}, lang)
         if isinstance(rec.district_ru, str) else None, ui.region_label(rec.region_code)]
m1, m2, m3, m4 = st.columns(4)
m1.metric(ui.t("editlog.field_status"), ui.t(f"editlog.status_{rec.status}"), border=True)
m2.metric(ui.t("editlog.open_days"), ui.t("common.unit_days", value=i18n.fmt_number(rec.open_days, lang)), border=True)
m3.metric(ui.t("editlog.field_due_on"), editing.display_value("bottleneck", "due_on", rec.due_on, lang),
          delta=ui.t("editlog.overdue_by", days=i18n.fmt_number(rec.overdue_days, lang))
          if rec.overdue_days == rec.overdue_days and rec.overdue_days is not None else None,
          delta_color="inverse", delta_arrow="off", border=True)
m4.metric(ui.t("editlog.field_responsible"), ui.t(f"editlog.responsible_{rec.responsible}"), border=True)
st.markdown("  \n".join([
    f"**{ui.t('editlog.place')}:** {' · '.join(p for p in place if p)}",
    f"**{ui.t('common.operator')}:** {rec.operator_name or rec.operator_code} · "
    f"**{ui.t('editlog.site')}:** {rec.site_ref or '—'} · **{ui.t('editlog.rollout_item')}:** {rec.rollout_item_id or '—'}",
    f"**{ui.t('editlog.opened_on')}:** {i18n.fmt_date(rec.opened_on, lang)} · "
    f"**{ui.t('editlog.field_resolved_on')}:** {editing.display_value('bottleneck', 'resolved_on', rec.resolved_on, lang)}",
    f"**{ui.t('editlog.description')}:** {rec.description or '—'}",
    f"**{ui.t('editlog.field_notes')}:** {rec.notes or '—'}",
]), text_alignment="left") if False else None
st.text("")  # placeholder removed below
