# page: order=40 title=rollout.page_title icon=:material/construction: url=rollout
"""Rollout of the "Affordable Internet" programmes: plan versus actual, progress by region (district) and
operator, the date each plan is complete at the current pace against its deadline, and the delayed items
with the bottlenecks that block them."""

import pandas as pd
import streamlit as st

from dialogue import charts, i18n, periods, ui

PROGRAMMES = ("fibre_village", "last_mile", "4g_settlement", "5g_city", "road_4g", "satellite")
OUTLOOK_COLOURS = {"late": charts.RAG_COLOURS["red"], "stalled": charts.RAG_COLOURS["red"],
                   "on_time": charts.RAG_COLOURS["green"], "done": charts.RAG_COLOURS["green"]}
OUTLOOK_BADGES = {"late": "red", "stalled": "red", "on_time": "green", "done": "green"}
SHOWN_ROWS = 200

f = ui.filters()
lang = f.lang  # widgets' format_func use it directly: AppTest calls them outside the session
ui.page_title("rollout.page_title")

progress = ui.query("rollout/progress_forecast", region=f.region, end_date=f.period.end)
if progress.empty:
    ui.empty_state()
    st.stop()
as_of = progress.as_of_date.iloc[0]
totals = progress[progress.level == "total"].set_index("programme")
programmes = [p for p in PROGRAMMES if p in totals.index]


def unit(programme: str) -> str:
    """The programme's unit in words: villages, households, km …"""
    return ui.t(f"rollout.unit_{programme}")


def outlook_text(row) -> str:
    """The forecast in words: when the plan is complete at the current pace, against the deadline."""
    deadline = i18n.fmt_date(row.target_date, lang)
    if row.outlook == "done":
        return ui.t("rollout.forecast_done")
    if row.outlook == "stalled":
        return ui.t("rollout.forecast_stalled", deadline=deadline)
    return ui.t("rollout.forecast_at_pace", date=i18n.fmt_date(row.forecast_date, lang), deadline=deadline)


# ---- every programme: progress and forecast against its deadline -------------------------------
st.subheader(ui.t("rollout.outlook_heading"))
for row_codes in (programmes[:3], programmes[3:]):
    for col, code in zip(st.columns(3), row_codes):
        row = totals.loc[code]
        with col:
            # "% of plan" under the value, not in the label: a long Kazakh programme name cuts the label.
            st.metric(ui.t(f"rollout.programme_{code}"), i18n.fmt_unit(row.progress_pct, "pct", lang),
                      delta=ui.t("rollout.of_plan"), delta_color="gray", delta_arrow="off",
                      help=ui.t("rollout.card_help", pace=i18n.fmt_number(row.pace_units_per_month, lang, 1),
                                unit=unit(code), date=i18n.fmt_date(as_of, lang)),
                      border=True)
            badge = f":{OUTLOOK_BADGES[row.outlook]}-badge[{ui.t(f'rollout.outlook_{row.outlook}')}]"
            notes = [ui.t("rollout.done_of_planned", done=i18n.fmt_number(row.done_units, lang),
                          planned=i18n.fmt_number(row.planned_units, lang), unit=unit(code))]
            if row.delayed_items:
                notes.append(ui.t("rollout.delayed_count", count=row.delayed_items))
            st.markdown(f"{badge} {outlook_text(row)}  \n:gray[{' · '.join(notes)}]")
st.caption(ui.t("rollout.method", date=i18n.fmt_date(as_of, lang)))

# ---- one programme: plan versus actual, by area and by operator ----------------------------------
st.divider()
programme = st.selectbox(ui.t("rollout.choose_programme"), programmes, key="rollout_programme",
                         format_func=lambda code: i18n.t(f"rollout.programme_{code}", lang))
name = ui.t(f"rollout.programme_{programme}")
row = totals.loc[programme]
axis = unit(programme)[:1].upper() + unit(programme)[1:]

by_area = progress[(progress.programme == programme) & (progress.level == "area")]
by_area = by_area.assign(label=by_area.code.map(ui.area_labels()).fillna(ui.t("rollout.no_district")),
                         kind=ui.t("common.district" if f.region else "common.region")).sort_values("progress_pct")
by_operator = progress[(progress.programme == programme) & (progress.level == "operator")]
by_operator = by_operator.assign(label=by_operator.operator_name.fillna(by_operator.code), kind=ui.t("common.operator"))

left, right = st.columns([3, 2])
with left:
    monthly = ui.query("rollout/plan_vs_actual_monthly", programme=programme, region=f.region,
                       from_date=periods.add_months(f.period.end, -36), end_date=f.period.end)
    if monthly.empty:
        ui.empty_state()
    else:
        forecast = (row.forecast_date, row.planned_units) if pd.notna(row.forecast_date) else None
        labels = {"planned": ui.t("rollout.line_planned"), "done": ui.t("rollout.line_done"),
                  "forecast": ui.t("rollout.line_forecast"),
                  "deadline": ui.t("rollout.line_deadline", date=i18n.fmt_date(row.target_date, lang))}
        fig = charts.plan_actual(monthly, "month", "planned_cum_units", "done_cum_units", labels, lang, axis,
                                 title=ui.t("rollout.plan_title"), deadline=row.target_date,
                                 forecast=forecast, height=440)
        ui.chart(fig, key="rollout_plan")
        st.caption(ui.t("rollout.plan_note"))
    fig = charts.bar(by_operator, "label", "progress_pct", lang, horizontal=True,
                     colours=[OUTLOOK_COLOURS[o] for o in by_operator.outlook],
                     title=ui.t("rollout.operators_title"), axis_title=ui.t("rollout.axis_progress"),
                     height=130 + 40 * len(by_operator))
    ui.chart(fig, key="rollout_operators")
with right:
    fig = charts.bar(by_area, "label", "progress_pct", lang, horizontal=True,
                     colours=[OUTLOOK_COLOURS[o] for o in by_area.outlook], customdata="code",
                     title=ui.t("rollout.districts_title" if f.region else "rollout.regions_title"),
                     axis_title=ui.t("rollout.axis_progress"), height=max(300, 110 + 26 * len(by_area)))
    event = ui.chart(fig, key="rollout_areas", clickable=f.region is None)
    if f.region is None:
        ui.follow_region_click(event, "rollout_areas", field="customdata")
    st.caption(ui.t("rollout.colour_hint") + (" " + ui.t("rollout.bar_hint") if f.region is None else ""))

table = pd.concat([by_area, by_operator])
table = table.assign(outlook_label=[ui.t(f"rollout.outlook_{o}") for o in table.outlook])
columns = {"kind": ui.t("rollout.col_level"), "label": ui.t("rollout.col_area"),
           "planned_units": ui.t("rollout.col_planned", unit=unit(programme)),
           "done_units": ui.t("rollout.col_done", unit=unit(programme)),
           "progress_pct": ui.t("rollout.col_progress"), "pace_units_per_month": ui.t("rollout.col_pace"),
           "forecast_date": ui.t("rollout.col_forecast"), "outlook_label": ui.t("rollout.col_outlook"),
           "delayed_items": ui.t("rollout.col_delayed")}
whole = {col: (lambda v: i18n.fmt_number(v, lang)) for col in ("planned_units", "done_units", "delayed_items")}
st.markdown(f"**{ui.t('rollout.table_heading', programme=name)}**")
ui.table(table, columns, f"rollout_{programme}", "rollout_progress_table",
         formats={**whole, "progress_pct": lambda v: i18n.fmt_number(v, lang, 1),
                  "pace_units_per_month": lambda v: i18n.fmt_number(v, lang, 1),
                  "forecast_date": lambda v: i18n.fmt_date(v, lang)})

# ---- delayed items and what blocks them ----------------------------------------------------------
st.divider()
st.subheader(ui.t("rollout.delayed_heading"))
every = st.toggle(ui.t("rollout.all_programmes"), key="rollout_all_programmes")
delayed = ui.query("rollout/delayed_items", region=f.region, programme=None if every else programme,
                   end_date=f.period.end)
if delayed.empty:
    st.success(ui.t("rollout.none_delayed", date=i18n.fmt_date(as_of, lang)))
else:
    def codes(values, prefix: str) -> str:
        """A list of codes in words, e.g. the kinds of the open bottlenecks."""
        return ", ".join(ui.t(f"{prefix}_{v}") for v in values)

    delayed = delayed.assign(
        region=delayed.region_code.map(ui.area_labels()),  # shown for the whole country only
        programme_label=[ui.t(f"rollout.programme_{p}") for p in delayed.programme],
        place=ui.place_labels(delayed, "place"),
        district=ui.place_labels(delayed, "district"),
        status_label=[ui.t(f"rollout.status_{s}") for s in delayed.status],
        blocked_by=[codes(k, "bottlenecks.kind") for k in delayed.open_kinds],
        to_act=[codes(k, "bottlenecks.responsible") for k in delayed.open_responsible],
    )
    total = int(delayed.total_items.iloc[0])
    st.caption(ui.t("rollout.delayed_caption", shown=i18n.fmt_number(min(total, SHOWN_ROWS), lang),
                    total=i18n.fmt_number(total, lang), date=i18n.fmt_date(as_of, lang)))
    columns = {"item_id": ui.t("rollout.col_item"), "programme_label": ui.t("rollout.col_programme"),
               **({} if f.region else {"region": ui.t("common.region")}),
               "place": ui.t("rollout.col_place"), "district": ui.t("common.district"),
               "operator_name": ui.t("common.operator"), "planned_date": ui.t("rollout.col_planned_date"),
               "delay_days": ui.t("rollout.col_delay_days"), "status_label": ui.t("rollout.col_status"),
               "blocked_by": ui.t("rollout.col_blocked_by"), "to_act": ui.t("rollout.col_to_act"),
               "oldest_open_bottleneck_days": ui.t("rollout.col_blocked_days"),
               "bottleneck_ids": ui.t("rollout.col_bottlenecks")}
    ui.table(delayed, columns, "rollout_delayed", "rollout_delayed_table", limit=SHOWN_ROWS,
             formats={"planned_date": lambda v: i18n.fmt_date(v, lang),
                      "delay_days": lambda v: i18n.fmt_number(v, lang),
                      "oldest_open_bottleneck_days": lambda v: i18n.fmt_number(v, lang)})
st.caption(ui.t("common.as_of", date=i18n.fmt_date(as_of, lang)))
