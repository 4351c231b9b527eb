"""The Council of Operators' action items: in figures, meeting by meeting, and one meeting's list."""

from __future__ import annotations

import pandas as pd

from dialogue import charts, i18n, records
from dialogue.sections import Context, Metric, Section, Table, empty, register, section

MEETINGS_SHOWN = 24
ITEMS_LIMIT = 500
STATES = ("done", "open_on_time", "overdue", "dropped")
STATE_COLOURS = {"done": charts.RAG_COLOURS["green"], "open_on_time": charts.PRIMARY,
                 "overdue": charts.RAG_COLOURS["red"], "dropped": charts.RAG_COLOURS[None]}


def meetings(ctx: Context) -> pd.DataFrame:
    """The meetings held up to the period's end, newest first, with the state of their items."""
    return ctx.query("actions/meetings", limit=MEETINGS_SHOWN)


def meeting_labels(ctx: Context) -> dict[str, str]:
    """'14 Oct 2026 · 5 items' for each meeting, newest first."""
    return {r["meeting_id"]: ctx.t("actions.meeting_label", date=ctx.date(r["held_on"]), count=r["items"])
            for r in meetings(ctx).to_dict("records")}


def open_meeting_labels(ctx: Context) -> dict[str, str]:
    """The meetings still open (a closed one's record is frozen), whatever their date: where new items go."""
    listed = register.meetings(ctx)
    return {r["meeting_id"]: register.meeting_label(ctx, r) for r in listed[listed.status == "open"].to_dict("records")}


def default_meeting(ctx: Context) -> str:
    """The period's latest meeting that decided something here; else every meeting ('all')."""
    frame = meetings(ctx)
    with_items = frame[frame.in_period & (frame["items"] > 0)]
    return with_items.meeting_id.iloc[0] if len(with_items) else "all"


@section
def in_figures(ctx: Context) -> Section:
    """Items recorded in the period (against the one before), share done, open and overdue now."""
    if meetings(ctx).empty:
        return empty("actions.figures", message="actions.no_meetings")
    s = ctx.query("actions/summary").iloc[0]
    cards = (
        Metric(ctx.t("actions.recorded"), ctx.number(s.recorded), delta=ctx.signed(s.recorded_change),
               rising=None if not s.recorded_change else s.recorded_change > 0,
               delta_note=ctx.t("common.vs_previous", period=ctx.period.previous().label(ctx.lang))),
        Metric(ctx.t("actions.done_pct"), ctx.unit(s.done_pct, "pct", 0), help=ctx.t("actions.done_pct_help")),
        Metric(ctx.t("actions.open_now"), ctx.number(s.open_now)),
        Metric(ctx.t("actions.overdue_now"), ctx.number(s.overdue_now), good=False if s.overdue_now else None,
               delta=ctx.t("actions.needs_attention") if s.overdue_now else None),
    )
    summary = ctx.t("actions.summary_figures", count=int(s.recorded), open=ctx.number(s.open_now),
                    overdue=ctx.number(s.overdue_now))
    return Section("actions.figures", metrics=cards, summary=summary, source=ctx.t("source.actions"),
                   as_of=ctx.as_of_date)


@section
def by_meeting(ctx: Context) -> Section:
    """The last twelve meetings' items by state: done, open on time, overdue, dropped."""
    title = ctx.t("actions.chart_title")
    recent = meetings(ctx).head(12).iloc[::-1]
    if recent.empty or not recent["items"].sum():
        return empty("actions.by_meeting", title)
    names = {"done": ctx.t("actions.status_done"), "open_on_time": ctx.t("actions.open_on_time"),
             "overdue": ctx.t("actions.overdue"), "dropped": ctx.t("actions.status_dropped")}
    by_state = recent.melt(id_vars=["meeting_id", "held_on"], value_vars=list(STATES), var_name="state",
                           value_name="count")
    # Day and month over the year: short enough to stay upright, unique even with two meetings in a month.
    by_state["label"] = [_two_lines(ctx, d) for d in by_state.held_on]
    fig = charts.stacked_bars(by_state, "label", "count", "state", names, ctx.lang, title=title,
                              axis_title=ctx.t("actions.axis_items"), height=380, colours=STATE_COLOURS)
    return Section("actions.by_meeting", title=title, figure=fig, source=ctx.t("source.actions"),
                   as_of=ctx.as_of_date, data=by_state)


def _two_lines(ctx: Context, day) -> str:
    return f"{day.day} {i18n.month_name(day.month, ctx.lang, short=True)}<br>{day.year}"


@section
def item_list(ctx: Context, meeting_id: str | None) -> tuple[Section, pd.DataFrame]:
    """One meeting's items (None: every meeting up to the period's end), overdue first; and the raw rows
    (the edit form picks from them)."""
    items = ctx.query("actions/items", meeting_id=meeting_id, end_date=ctx.period.end, limit=ITEMS_LIMIT)
    if items.empty:
        return empty("actions.items", message="actions.no_items"), items
    table = records.action_items_table(items, ctx.lang, ctx.region_name)
    overdue = int(items.is_overdue.sum())
    return Section("actions.items", table=Table(table, {c: c for c in table.columns}, name="action_items"),
                   summary=ctx.t("actions.summary_items", count=len(items), overdue=ctx.number(overdue)),
                   notes=(ctx.t("actions.as_of_today", date=ctx.date(ctx.as_of_date)),),
                   source=ctx.t("source.actions"), data=items), items
