"""Rollout of the "Affordable Internet" programmes: each programme against its deadline, plan versus actual,
progress by region (district) and operator, and the items behind plan with the bottlenecks that block them."""

from __future__ import annotations

import pandas as pd

from dialogue import charts, periods
from dialogue.sections import Context, Metric, Section, Table, empty, section

PROGRAMMES = ("fibre_village", "last_mile", "4g_settlement", "5g_city", "road_4g", "satellite")
OUTLOOK_COLOURS = {"late": charts.RAG_COLOURS["red"], "stalled": charts.RAG_COLOURS["red"],
                   "on_time": charts.RAG_COLOURS["green"], "done": charts.RAG_COLOURS["green"]}
OUTLOOK_BADGES = {"late": "red", "stalled": "red", "on_time": "green", "done": "green"}
PLAN_MONTHS = 36
SHOWN_ROWS = 200


# ---- the questions ------------------------------------------------------------------------------

def _progress(ctx: Context) -> pd.DataFrame:
    """Every programme's progress and forecast: in total, per area and per operator (rollout/progress_forecast)."""
    return ctx.query("rollout/progress_forecast")


def _totals(ctx: Context) -> pd.DataFrame:
    progress = _progress(ctx)
    return progress[progress.level == "total"].set_index("programme")


def has_data(ctx: Context) -> bool:
    return not _progress(ctx).empty


def programmes(ctx: Context) -> list[str]:
    """The programmes with items in the scope, in the programme order."""
    totals = _totals(ctx)
    return [p for p in PROGRAMMES if p in totals.index]


def _as_of(ctx: Context):
    """The day progress is counted to: the period's last day, or today while it runs (from the question)."""
    progress = _progress(ctx)
    return pd.Timestamp(progress.as_of_date.iloc[0]).date() if len(progress) else None


def _source(ctx: Context) -> str:
    return ctx.t("source.rollout")


# ---- words and numbers ----------------------------------------------------------------------------

def unit(ctx: Context, programme: str) -> str:
    """The programme's unit in words: villages, households, km …"""
    return ctx.t(f"rollout.unit_{programme}")


def outlook_text(ctx: Context, row) -> str:
    """The forecast in words: when the plan is complete at the current pace, against the deadline."""
    deadline = ctx.date(row.target_date)
    if row.outlook == "done":
        return ctx.t("rollout.forecast_done")
    if row.outlook == "stalled":
        return ctx.t("rollout.forecast_stalled", deadline=deadline)
    return ctx.t("rollout.forecast_at_pace", date=ctx.date(row.forecast_date), deadline=deadline)


def _codes(ctx: Context, values, prefix: str) -> str:
    """A list of codes in words, e.g. the kinds of the open bottlenecks."""
    return ", ".join(ctx.t(f"{prefix}_{v}") for v in values)




# ---- sections -----------------------------------------------------------------------------------

@section
def outlook(ctx: Context) -> Section:
    """Every programme: the share of the plan built, and the forecast at the current pace against its deadline."""
    title = ctx.t("rollout.outlook_heading")
    if not has_data(ctx):
        return empty("rollout.outlook", title)
    totals, day = _totals(ctx), _as_of(ctx)
    cards = []
    for code in programmes(ctx):
        row = totals.loc[code]
        notes = [ctx.t("rollout.done_of_planned", done=ctx.number(row.done_units), planned=ctx.number(row.planned_units),
                       unit=unit(ctx, code))]
        if row.delayed_items:
            notes.append(ctx.t("rollout.delayed_count", count=int(row.delayed_items)))
        badge = f":{OUTLOOK_BADGES[row.outlook]}-badge[{ctx.t(f'rollout.outlook_{row.outlook}')}]"
        # "% of plan" under the value, not in the label: a long Kazakh programme name cuts the label.
        cards.append(Metric(ctx.t(f"rollout.programme_{code}"), ctx.unit(row.progress_pct, "pct"),
                            delta=ctx.t("rollout.of_plan"),
                            help=ctx.t("rollout.card_help", pace=ctx.number(row.pace_units_per_month, 1),
                                       unit=unit(ctx, code), date=ctx.date(day)),
                            note=f"{badge} {outlook_text(ctx, row)}  \n{' · '.join(notes)}"))
    shown = totals.loc[programmes(ctx)]
    summary = ctx.t("rollout.summary_outlook", good=int(shown.outlook.isin(["on_time", "done"]).sum()),
                    total=len(shown))
    stalled = shown[shown.outlook == "stalled"]
    late = shown[shown.outlook == "late"].sort_values("days_late", ascending=False)
    if len(stalled):
        summary += " " + ctx.t("rollout.summary_stalled", programme=ctx.t(f"rollout.programme_{stalled.index[0]}"))
    elif len(late):
        worst = late.iloc[0]
        summary += " " + ctx.t("rollout.summary_furthest", programme=ctx.t(f"rollout.programme_{late.index[0]}"),
                               date=ctx.date(worst.forecast_date), deadline=ctx.date(worst.target_date))
    return Section("rollout.outlook", title=title, metrics=tuple(cards), summary=summary,
                   notes=(ctx.t("rollout.method", date=ctx.date(day)),), source=_source(ctx), as_of=day,
                   data=shown.reset_index())


@section
def plan(ctx: Context, programme: str) -> Section:
    """One programme's cumulative plan against what is built, month by month, with the forecast and deadline."""
    title = ctx.t("rollout.plan_title")
    totals = _totals(ctx)
    if programme not in totals.index:
        return empty("rollout.plan", title)
    monthly = ctx.query("rollout/plan_vs_actual_monthly", programme=programme,
                        from_date=periods.add_months(ctx.period.end, -PLAN_MONTHS))
    if monthly.empty:
        return empty("rollout.plan", title)
    row = totals.loc[programme]
    forecast = (row.forecast_date, row.planned_units) if pd.notna(row.forecast_date) else None
    labels = {"planned": ctx.t("rollout.line_planned"), "done": ctx.t("rollout.line_done"),
              "forecast": ctx.t("rollout.line_forecast"),
              "deadline": ctx.t("rollout.line_deadline", date=ctx.date(row.target_date))}
    words = unit(ctx, programme)
    fig = charts.plan_actual(monthly, "month", "planned_cum_units", "done_cum_units", labels, ctx.lang,
                             words[:1].upper() + words[1:], title=title, deadline=row.target_date, forecast=forecast,
                             height=440)
    day = _as_of(ctx)
    summary = ctx.t("rollout.summary_plan", done=ctx.number(row.done_units), planned=ctx.number(row.planned_units),
                    unit=words, pct=ctx.unit(row.progress_pct, "pct"), due=ctx.number(row.due_units),
                    date=ctx.date(day), done_of_due=ctx.unit(row.done_of_due_pct, "pct"))
    return Section("rollout.plan", title=title, figure=fig, summary=summary, notes=(ctx.t("rollout.plan_note"),),
                   source=_source(ctx), as_of=day, data=monthly)


def _level(ctx: Context, programme: str, level: str) -> pd.DataFrame:
    """One programme's rows of a level ('area' or 'operator'), with their names and kind."""
    progress = _progress(ctx)
    rows = progress[(progress.programme == programme) & (progress.level == level)]
    if level == "area":
        return rows.assign(label=rows.code.map(ctx.area_labels()).fillna(ctx.t("rollout.no_district")),
                           kind=ctx.t("common.district" if ctx.region else "common.region")).sort_values("progress_pct")
    return rows.assign(label=rows.operator_name.fillna(rows.code), kind=ctx.t("common.operator"))


def _best_worst(ctx: Context, rows: pd.DataFrame) -> str | None:
    """'Best: Atyrau (92.0%); last: Abay (41.2%).' where there is more than one to compare."""
    ranked = rows.dropna(subset=["progress_pct"]).sort_values("progress_pct", ascending=False)
    if len(ranked) < 2:
        return None
    best, worst = ranked.iloc[0], ranked.iloc[-1]
    return ctx.t("summary.best_worst", best=best.label, best_value=ctx.unit(best.progress_pct, "pct"),
                 worst=worst.label, worst_value=ctx.unit(worst.progress_pct, "pct"))


@section
def operators(ctx: Context, programme: str) -> Section:
    """One programme's progress by operator, green where on time at the current pace, red where not."""
    title = ctx.t("rollout.operators_title")
    rows = _level(ctx, programme, "operator")
    if rows.empty:
        return empty("rollout.operators", title)
    fig = charts.bar(rows, "label", "progress_pct", ctx.lang, horizontal=True,
                     colours=[OUTLOOK_COLOURS[o] for o in rows.outlook], title=title,
                     axis_title=ctx.t("rollout.axis_progress"), height=130 + 40 * len(rows))
    return Section("rollout.operators", title=title, figure=fig, summary=_best_worst(ctx, rows), source=_source(ctx),
                   as_of=_as_of(ctx), data=rows[["code", "label", "progress_pct", "outlook"]])


@section
def areas(ctx: Context, programme: str) -> Section:
    """One programme's progress by region (or district); a region's bar opens it."""
    title = ctx.t("rollout.districts_title" if ctx.region else "rollout.regions_title")
    rows = _level(ctx, programme, "area")
    if rows.empty:
        return empty("rollout.areas", title)
    fig = charts.bar(rows, "label", "progress_pct", ctx.lang, horizontal=True,
                     colours=[OUTLOOK_COLOURS[o] for o in rows.outlook], customdata="code", title=title,
                     axis_title=ctx.t("rollout.axis_progress"), height=max(300, 110 + 26 * len(rows)))
    note = ctx.t("rollout.colour_hint") + ("" if ctx.region else " " + ctx.t("rollout.bar_hint"))
    return Section("rollout.areas", title=title, figure=fig, summary=_best_worst(ctx, rows), notes=(note,),
                   region_click=None if ctx.region else "customdata", source=_source(ctx), as_of=_as_of(ctx),
                   data=rows[["code", "label", "progress_pct", "outlook"]])


@section
def progress_table(ctx: Context, programme: str) -> Section:
    """One programme by area and by operator: planned, done, pace, forecast, outlook and items behind plan."""
    title = ctx.t("rollout.table_heading", programme=ctx.t(f"rollout.programme_{programme}"))
    rows = pd.concat([_level(ctx, programme, "area"), _level(ctx, programme, "operator")])
    if rows.empty:
        return empty("rollout.progress", title)
    rows = rows.assign(outlook_label=[ctx.t(f"rollout.outlook_{o}") for o in rows.outlook])
    words = unit(ctx, programme)
    table = Table(rows, {"kind": ctx.t("rollout.col_level"), "label": ctx.t("rollout.col_area"),
                         "planned_units": ctx.t("rollout.col_planned", unit=words),
                         "done_units": ctx.t("rollout.col_done", unit=words),
                         "progress_pct": ctx.t("rollout.col_progress"), "pace_units_per_month": ctx.t("rollout.col_pace"),
                         "forecast_date": ctx.t("rollout.col_forecast"), "outlook_label": ctx.t("rollout.col_outlook"),
                         "delayed_items": ctx.t("rollout.col_delayed")},
                  formats={"planned_units": ctx.number, "done_units": ctx.number, "delayed_items": ctx.number,
                           "forecast_date": ctx.date,
                           **dict.fromkeys(("progress_pct", "pace_units_per_month"), ctx.numbers(1))},
                  name=f"rollout_{programme}")
    return Section("rollout.progress", title=title, table=table, source=_source(ctx), as_of=_as_of(ctx), data=rows)


@section
def delayed(ctx: Context, programme: str | None) -> Section:
    """The items behind plan (of one programme, or of every one for None), oldest planned date first, with
    the open bottlenecks that block them and who must act."""
    title = ctx.t("rollout.delayed_heading")
    day = _as_of(ctx)
    if not has_data(ctx):
        return empty("rollout.delayed", title)
    items = ctx.query("rollout/delayed_items", programme=programme)
    if items.empty:
        return Section("rollout.delayed", title=title, source=_source(ctx), as_of=day,
                       alert=("success", ctx.t("rollout.none_delayed", date=ctx.date(day))))
    items = items.assign(
        region=items.region_code.map(ctx.area_labels()),  # shown for the whole country only
        programme_label=[ctx.t(f"rollout.programme_{p}") for p in items.programme],
        place=ctx.place_labels(items, "place"),
        district=ctx.place_labels(items, "district"),
        status_label=[ctx.t(f"rollout.status_{s}") for s in items.status],
        blocked_by=[_codes(ctx, k, "bottlenecks.kind") for k in items.open_kinds],
        to_act=[_codes(ctx, k, "bottlenecks.responsible") for k in items.open_responsible],
    )
    total = int(items.total_items.iloc[0])
    subtitle = ctx.t("rollout.delayed_caption", shown=ctx.number(min(total, SHOWN_ROWS)), total=ctx.number(total),
                     date=ctx.date(day))
    summary = ctx.t("rollout.summary_delayed", count=total)
    blocked = items[items.open_bottlenecks > 0]
    if len(blocked):
        kinds = blocked.open_kinds.explode().value_counts()
        summary += " " + ctx.t("rollout.summary_blocked", blocked=ctx.number(len(blocked)),
                               kind=ctx.t(f"bottlenecks.kind_{kinds.index[0]}"), kind_count=ctx.number(kinds.iloc[0]))
    columns = {"item_id": ctx.t("rollout.col_item"), "programme_label": ctx.t("rollout.col_programme"),
               **({} if ctx.region else {"region": ctx.t("common.region")}),
               "place": ctx.t("rollout.col_place"), "district": ctx.t("common.district"),
               "operator_name": ctx.t("common.operator"), "planned_date": ctx.t("rollout.col_planned_date"),
               "delay_days": ctx.t("rollout.col_delay_days"), "status_label": ctx.t("rollout.col_status"),
               "blocked_by": ctx.t("rollout.col_blocked_by"), "to_act": ctx.t("rollout.col_to_act"),
               "oldest_open_bottleneck_days": ctx.t("rollout.col_blocked_days"),
               "bottleneck_ids": ctx.t("rollout.col_bottlenecks")}
    table = Table(items, columns, formats={"planned_date": ctx.date, "delay_days": ctx.number,
                                           "oldest_open_bottleneck_days": ctx.number},
                  name="rollout_delayed", limit=SHOWN_ROWS)
    return Section("rollout.delayed", title=title, subtitle=subtitle, summary=summary, table=table,
                   source=_source(ctx), as_of=day, data=items)
