# page: order=50 title=bottlenecks.page_title icon=:material/block: url=bottlenecks
"""Bottlenecks that hold the rollout back (read-only): how many are open and how old, who must act and
who is overdue, how fast each kind is settled and where, and the log itself. With a region chosen, its
districts and what the akimat itself must act on."""

import pandas as pd
import streamlit as st

from dialogue import charts, i18n, maps, ui

KINDS = ("mast_permit", "land_plot", "power_access", "right_of_way", "other")
RESPONSIBLE = ("akimat", "ministry", "utility", "operator", "other")
KIND_COLOURS = {"mast_permit": charts.PALETTE[0], "land_plot": charts.PALETTE[1], "power_access": charts.PALETTE[2],
                "right_of_way": charts.PALETTE[3], "other": charts.PALETTE[7]}
SHOWN_ROWS = 200

f = ui.filters()
lang = f.lang  # widgets' format_func use it directly: AppTest calls them outside the session
ui.page_title("bottlenecks.page_title")

summary = ui.query("bottlenecks/summary", region=f.region, start_date=f.period.start, end_date=f.period.end,
                   prev_end_date=f.period.previous().end).iloc[0]
if summary.open_bottlenecks == 0 and summary.resolved_in_period == 0:
    ui.empty_state("bottlenecks.none")
    st.stop()
as_of = summary.as_of_date


def days(value) -> str:
    """'135 days' in the language; '—' without a value."""
    return "—" if pd.isna(value) else ui.t("common.unit_days", value=i18n.fmt_number(value, lang))


def kind_name(code: str) -> str:
    """A kind of bottleneck in words."""
    return i18n.t(f"bottlenecks.kind_{code}", lang)


def responsible_name(code: str) -> str:
    """The party that must act, in words."""
    return i18n.t(f"bottlenecks.responsible_{code}", lang)


# ---- the headline ------------------------------------------------------------------------------------
cards = st.columns(5)
cards[0].metric(ui.t("bottlenecks.open"), i18n.fmt_number(summary.open_bottlenecks, lang), border=True,
                delta=i18n.fmt_signed(summary.open_change, lang) if summary.open_change else None,
                delta_color="inverse",
                help=ui.t("bottlenecks.open_help", period=f.period.previous().label(lang),
                          before=i18n.fmt_number(summary.prev_open_bottlenecks, lang)))
cards[1].metric(ui.t("bottlenecks.overdue"), i18n.fmt_number(summary.overdue, lang), border=True,
                help=ui.t("bottlenecks.overdue_help"), delta_color="off", delta_arrow="off",
                delta=ui.t("bottlenecks.share_of_open", share=i18n.fmt_unit(summary.overdue_pct, "pct", lang, 0))
                if summary.overdue else None)
cards[2].metric(ui.t("bottlenecks.median_age"), days(summary.median_open_age_days), border=True,
                delta=ui.t("bottlenecks.oldest", age=days(summary.oldest_open_age_days))
                if summary.open_bottlenecks else None, delta_color="off", delta_arrow="off")
cards[3].metric(ui.t("bottlenecks.opened_in_period"), i18n.fmt_number(summary.opened_in_period, lang), border=True)
cards[4].metric(ui.t("bottlenecks.resolved_in_period"), i18n.fmt_number(summary.resolved_in_period, lang),
                border=True)
st.caption(ui.t("bottlenecks.as_of_note", date=i18n.fmt_date(as_of, lang)))

# ---- where and how old ---------------------------------------------------------------------------
by_area = ui.query("bottlenecks/open_by_area", region=f.region, end_date=f.period.end)
names = ui.area_labels()
by_area = by_area.assign(label=by_area.area_code.map(names).fillna(ui.t("bottlenecks.no_district")),
                         code=by_area.area_code, value=by_area.open_bottlenecks)
left, right = st.columns([3, 2])
with left:
    level = "districts" if f.region else "regions"
    if by_area.open_bottlenecks.sum() == 0:
        st.info(ui.t("bottlenecks.none_open"))
    else:
        fig = maps.choropleth(by_area, level, lang, ui.t("bottlenecks.axis_open"),
                              title=ui.t(f"bottlenecks.map_title_{level}"), value_format=",.0f", height=440)
        event = ui.chart(fig, key="bottlenecks_map", clickable=f.region is None)
        if f.region is None:
            ui.follow_region_click(event, "bottlenecks_map")
            st.caption(ui.t("bottlenecks.map_hint"))
with right:
    ages = ui.query("bottlenecks/open_by_age_kind", region=f.region, end_date=f.period.end)
    if len(ages):
        ages = ages.assign(band=[ui.t(f"bottlenecks.band_{b}") for b in ages.age_band])
        kinds = {k: kind_name(k) for k in KINDS if k in set(ages.kind)}
        fig = charts.stacked_bars(ages, "band", "bottlenecks", "kind", kinds, lang, colours=KIND_COLOURS,
                                  title=ui.t("bottlenecks.age_title"), axis_title=ui.t("bottlenecks.axis_open"),
                                  height=440)
        ui.chart(fig, key="bottlenecks_ages")

# ---- who must act, and how fast each kind is settled ---------------------------------------------------
left, right = st.columns(2)
with left:
    overdue = ui.query("bottlenecks/overdue_by_responsible", region=f.region, end_date=f.period.end)
    overdue = overdue[(overdue.responsible != "all") & (overdue.open_bottlenecks > 0)]
    if len(overdue):
        parts = pd.concat([overdue.assign(part="overdue", n=overdue.overdue),
                           overdue.assign(part="not_overdue", n=overdue.open_bottlenecks - overdue.overdue)])
        parts["label"] = [f"{responsible_name(r)} · {i18n.fmt_unit(p, 'pct', lang, 0)}"
                          for r, p in zip(parts.responsible, parts.overdue_pct)]
        fig = charts.stacked_bars(parts, "label", "n", "part",
                                  {"overdue": ui.t("bottlenecks.part_overdue"),
                                   "not_overdue": ui.t("bottlenecks.part_not_overdue")},
                                  lang, horizontal=True, title=ui.t("bottlenecks.overdue_title"),
                                  colours={"overdue": charts.RAG_COLOURS["red"], "not_overdue": charts.GRID},
                                  axis_title=ui.t("bottlenecks.axis_open"), height=120 + 50 * len(overdue),
                                  legend=False)
        ui.chart(fig, key="bottlenecks_overdue")
        st.caption(ui.t("bottlenecks.overdue_help"))
with right:
    speed = ui.query("bottlenecks/resolution_by_kind", region=f.region, end_date=f.period.end)
    speed = speed[(speed.kind != "all") & speed.median_resolution_days.notna()]
    if len(speed):
        speed = speed.assign(label=[kind_name(k) for k in speed.kind])
        fig = charts.bar(speed, "label", "median_resolution_days", lang, horizontal=True, value_format=",.0f",
                         colours=[KIND_COLOURS.get(k, charts.PRIMARY) for k in speed.kind],
                         title=ui.t("bottlenecks.resolution_title"), axis_title=ui.t("bottlenecks.axis_days"),
                         height=120 + 50 * len(speed))
        ui.chart(fig, key="bottlenecks_resolution")
        st.caption(ui.t("bottlenecks.resolution_note", date=i18n.fmt_date(as_of, lang)))
    else:
        st.info(ui.t("bottlenecks.none_resolved"))

# ---- which akimats settle fast, which are slow --------------------------------------------------------
st.divider()
kind = st.selectbox(ui.t("bottlenecks.ranking_kind"), KINDS, index=KINDS.index("land_plot"),
                    format_func=kind_name, key="bottlenecks_ranking_kind")
ranking = ui.query("bottlenecks/resolution_by_area", region=f.region, kind=kind, end_date=f.period.end)
if ranking.empty:
    st.info(ui.t("bottlenecks.none_resolved"))
else:
    ranking = ranking.assign(label=ranking.area_code.map(names).fillna(ui.t("bottlenecks.no_district")))
    scope_median = ranking.scope_median_days.iloc[0]
    # Faster than the scope's median in green, slower in red.
    colours = [charts.RAG_COLOURS["green"] if d <= scope_median else charts.RAG_COLOURS["red"]
               for d in ranking.median_resolution_days]
    title_key = "bottlenecks.ranking_title_districts" if f.region else "bottlenecks.ranking_title_regions"
    fig = charts.bar(ranking, "label", "median_resolution_days", lang, horizontal=True, value_format=",.0f",
                     colours=colours, customdata="area_code", axis_title=ui.t("bottlenecks.axis_days"),
                     title=ui.t(title_key), height=max(260, 70 + 26 * len(ranking)))
    event = ui.chart(fig, key="bottlenecks_ranking", clickable=f.region is None)
    if f.region is None:
        ui.follow_region_click(event, "bottlenecks_ranking", field="customdata")
    st.caption(ui.t("bottlenecks.ranking_note", median=days(scope_median), date=i18n.fmt_date(as_of, lang)))

# ---- the log's columns, shared by the akimat's list and the full log -----------------------------------
LOG_COLUMNS = {"bottleneck_id": ui.t("bottlenecks.col_id"), "kind_label": ui.t("bottlenecks.col_kind"),
               "responsible_label": ui.t("bottlenecks.col_responsible"), "status_label": ui.t("bottlenecks.col_status"),
               "age_days": ui.t("bottlenecks.col_age"), **({} if f.region else {"region": ui.t("common.region")}),
               "place": ui.t("bottlenecks.col_place"), "district": ui.t("common.district"),
               "opened_on": ui.t("bottlenecks.col_opened"), "due_on": ui.t("bottlenecks.col_due"),
               "overdue_days": ui.t("bottlenecks.col_overdue"), "resolved_on": ui.t("bottlenecks.col_resolved"),
               "site_ref": ui.t("bottlenecks.col_site"), "operator_name": ui.t("common.operator"),
               "rollout_item_id": ui.t("bottlenecks.col_item"), "programme_label": ui.t("bottlenecks.col_programme")}
LOG_FORMATS = {"age_days": lambda v: i18n.fmt_number(v, lang), "overdue_days": lambda v: i18n.fmt_number(v, lang),
               "opened_on": lambda v: i18n.fmt_date(v, lang), "due_on": lambda v: i18n.fmt_date(v, lang),
               "resolved_on": lambda v: i18n.fmt_date(v, lang)}


def readable(log: pd.DataFrame) -> pd.DataFrame:
    """The log with its codes in words and its places named in the language."""
    return log.assign(
        region=log.region_code.map(names),
        kind_label=[kind_name(k) for k in log.kind],
        responsible_label=[responsible_name(r) for r in log.responsible],
        status_label=[ui.t(f"bottlenecks.status_{s}") for s in log.status],
        place=ui.place_labels(log, "place"),
        district=ui.place_labels(log, "district"),
        programme_label=[ui.t(f"rollout.programme_{p}") if isinstance(p, str) else "—" for p in log.programme],
    )


# ---- with a region: its districts, and what the akimat must act on -----------------------------------
if f.region:
    st.divider()
    st.subheader(ui.t("bottlenecks.akimat_heading", region=ui.region_label(f.region)))
    c1, c2 = st.columns(2)
    c1.metric(ui.t("bottlenecks.akimat_open"), i18n.fmt_number(summary.akimat_open, lang), border=True)
    c2.metric(ui.t("bottlenecks.akimat_overdue"), i18n.fmt_number(summary.akimat_overdue, lang), border=True)
    if len(by_area):
        ui.table(by_area.sort_values("akimat_open", ascending=False),
                 {"label": ui.t("common.district"), "open_bottlenecks": ui.t("bottlenecks.open"),
                  "akimat_open": ui.t("bottlenecks.akimat_open"), "overdue": ui.t("bottlenecks.overdue"),
                  "akimat_overdue": ui.t("bottlenecks.akimat_overdue"),
                  "median_age_days": ui.t("bottlenecks.median_age"), "oldest_age_days": ui.t("bottlenecks.col_oldest")},
                 "bottlenecks_districts", "bottlenecks_districts",
                 formats={"median_age_days": lambda v: i18n.fmt_number(v, lang),
                          "oldest_age_days": lambda v: i18n.fmt_number(v, lang)})
    akimat = ui.query("bottlenecks/log", region=f.region, start_date=f.period.start, end_date=f.period.end,
                      kind=None, responsible="akimat", open_only=True)
    if len(akimat):
        st.markdown(f"**{ui.t('bottlenecks.akimat_list')}**")
        ui.table(readable(akimat), LOG_COLUMNS, "bottlenecks_akimat", "bottlenecks_akimat", formats=LOG_FORMATS,
                 limit=SHOWN_ROWS)
    else:
        st.success(ui.t("bottlenecks.akimat_none"))

# ---- the log --------------------------------------------------------------------------------------
st.divider()
st.subheader(ui.t("bottlenecks.log_heading"))
c1, c2, c3 = st.columns([2, 2, 1])
kind_filter = c1.selectbox(ui.t("bottlenecks.col_kind"), [None, *KINDS], key="bottlenecks_log_kind",
                           format_func=lambda k: i18n.t("bottlenecks.all_kinds", lang) if k is None else kind_name(k))
responsible_filter = c2.selectbox(ui.t("bottlenecks.col_responsible"), [None, *RESPONSIBLE],
                                  key="bottlenecks_log_responsible",
                                  format_func=lambda r: i18n.t("bottlenecks.all_responsible", lang) if r is None
                                  else responsible_name(r))
open_only = c3.toggle(ui.t("bottlenecks.open_only"), value=True, key="bottlenecks_log_open")
log = ui.query("bottlenecks/log", region=f.region, start_date=f.period.start, end_date=f.period.end,
               kind=kind_filter, responsible=responsible_filter, open_only=open_only)
if log.empty:
    st.info(ui.t("bottlenecks.log_empty"))
else:
    total = int(log.total_rows.iloc[0])
    st.caption(ui.t("bottlenecks.log_caption", shown=i18n.fmt_number(min(total, SHOWN_ROWS), lang),
                    total=i18n.fmt_number(total, lang), open=i18n.fmt_number(log.open_rows.iloc[0], lang)))
    ui.table(readable(log), LOG_COLUMNS, "bottlenecks_log", "bottlenecks_log", formats=LOG_FORMATS,
             limit=SHOWN_ROWS)
st.caption(ui.t("common.as_of", date=i18n.fmt_date(as_of, lang)))
