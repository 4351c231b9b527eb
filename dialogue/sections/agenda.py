"""A meeting's agenda: one screen per item, each a list of sections built in the meeting's context (its region,
the period it reviews), with what changed since the previous meeting of the same kind; and the record of what
was shown, frozen when the meeting closes (minutes are written from it)."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace

import pandas as pd

from dialogue import charts, i18n, kpi, meetings
from dialogue.sections import (
    Context,
    Section,
    Table,
    as_of,
    bottlenecks,
    complaints,
    empty,
    events,
    permits,
    profile,
    register,
    rollout,
    section,
)
from dialogue.sections import overview as national_kpis

BELOW_SHOWN = 20
# The columns of the pages' long tables that a slide has room for.
DELAYED_COLUMNS = ("item_id", "place", "delay_days", "to_act", "bottleneck_ids")
OLDEST_COLUMNS = ("bottleneck_id", "kind_label", "age_days", "place", "responsible_label", "rollout_item_id")
PERMIT_COLUMNS = ("site_ref", "stage_label", "holder", "past_clock_days")
PERMIT_SITES_SHOWN = 5
EVENT_COLUMNS = ("name", "when", "worst", "median_change_pct", "complaints")
COMING_COLUMNS = ("name", "when", "place", "last_time")
EVENTS_SHOWN = 6


@dataclass(frozen=True)
class Screen:
    """One agenda item on the shared screen: its title, its sections, and the change since the last meeting."""

    item: str
    title: str
    sections: tuple[Section, ...]
    change: str | None


def item_title(ctx: Context, item: str) -> str:
    return ctx.t(f"meeting.item_{item}")


def sections(ctx: Context, item: str, meeting_id: str) -> list[Section]:
    """The sections one agenda item shows."""
    if item == "national":
        return [national_kpis.headline(ctx)]
    if item == "below_threshold":
        return [below_threshold(ctx)] if ctx.region is None else [profile.kpis(ctx)]
    if item == "complaint_spikes":
        return [profile.narrow(complaints.spikes(ctx), ("label", "month", "complaints", "ratio"))]
    if item == "delayed_rollout":
        return [profile.rollout(ctx), profile.narrow(rollout.delayed(ctx, None), DELAYED_COLUMNS)]
    if item == "oldest_bottlenecks":
        return [bottlenecks.ages(ctx), profile.narrow(bottlenecks.log(ctx), OLDEST_COLUMNS)]
    if item == "permits_past_clock":
        return permit_screen(ctx)
    if item == "events":
        return events_screen(ctx, meeting_id)
    if item == "actions_due":
        return [register.carried(ctx, meeting_id)]
    if item == "aob":
        return [register.decisions(ctx, meeting_id), register.recorded(ctx, meeting_id)]
    raise KeyError(item)


def screens(ctx: Context, meeting: dict, previous_figures: dict | None = None) -> list[Screen]:
    """The meeting's agenda as screens, in the organiser's order (ctx: the meeting's context)."""
    before = previous_figures if previous_figures is not None else previous_meeting_figures(ctx, meeting)
    out = []
    for item in meeting["agenda"]:
        change = change_sentence(ctx, item, figures(ctx, item, meeting["meeting_id"]), before)
        out.append(Screen(item, item_title(ctx, item), tuple(sections(ctx, item, meeting["meeting_id"])), change))
    return out


def screen(ctx: Context, meeting: dict, index: int, previous_figures: dict | None = None) -> Screen:
    """One screen of the agenda (index within bounds): built alone, so a slide costs only its own queries."""
    item = meeting["agenda"][index]
    before = previous_figures if previous_figures is not None else previous_meeting_figures(ctx, meeting)
    return Screen(item, item_title(ctx, item), tuple(sections(ctx, item, meeting["meeting_id"])),
                  change_sentence(ctx, item, figures(ctx, item, meeting["meeting_id"]), before))


def permit_screen(ctx: Context) -> list[Section]:
    """Permits past the clock: the oldest stuck sites as timelines beside the list of the longest past the clock."""
    stuck = permits.stuck(ctx, sites=PERMIT_SITES_SHOWN)
    if stuck.figure is None:
        return [stuck]
    listed = profile.narrow(stuck, PERMIT_COLUMNS, rows=PERMIT_SITES_SHOWN)
    return [replace(stuck, table=None, notes=()),
            replace(listed, key="permits.stuck_list", figure=None, summary=None, notes=(),
                    title=ctx.t("permits.list_title"))]


def events_screen(ctx: Context, meeting_id: str) -> list[Section]:
    """Events since the last meeting (worst drop first) and the coming ones, as lists that fit one screen."""
    since = events_since(ctx, meeting_id)
    held = events.ranked(ctx, rows=EVENTS_SHOWN, since=since)
    coming = events.coming(ctx)
    return [replace(profile.narrow(held, EVENT_COLUMNS, rows=EVENTS_SHOWN), figure=None, notes=()),
            replace(profile.narrow(coming, COMING_COLUMNS, rows=EVENTS_SHOWN), notes=())]


def events_since(ctx: Context, meeting_id: str):
    """The day of the previous meeting of the same kind (the period's start for a first meeting)."""
    before = register.previous(ctx, meeting_id)
    return before["held_on"] if before is not None else ctx.period.start


# ---- the national screen's list of regions below their minimum ---------------------------------------

@section
def below_threshold(ctx: Context) -> Section:
    """The regions with KPIs below their regional minimum, most first, against the period before."""
    heading = ctx.t("meeting.below_title")
    frame = ctx.query("meetings/regions_below_threshold")
    now = frame[frame.red_now > 0].head(BELOW_SHOWN)
    if now.empty:
        return empty("agenda.below", heading, "meeting.none_below")
    now = now.assign(label=[ctx.region_name(c, short=True) for c in now.region_code])
    long = now.melt(id_vars=["region_code", "label"], value_vars=["red_now", "red_before"], var_name="when",
                    value_name="kpis")
    names = {"red_now": ctx.period.label(ctx.lang), "red_before": ctx.period.previous().label(ctx.lang)}
    fig = charts.grouped_bar(long, "label", "kpis", "when", names, ctx.lang, horizontal=True, value_format=",.0f",
                             axis_title=ctx.t("meeting.axis_red_kpis"), height=min(620, 120 + 30 * len(now)),
                             colours={"red_now": charts.RAG_COLOURS["red"], "red_before": charts.RAG_COLOURS[None]})
    fig.update_xaxes(dtick=1, tickformat=",d")   # a count of indicators: whole numbers on the axis
    worst = now.iloc[0]
    kpis = ", ".join(ctx.t(f"kpi.name_{k}") for k in list(worst.red_kpis)[:3])
    summary = ctx.t("meeting.below_summary", count=len(now), worst=worst.label, kpis=kpis)
    listed = now.assign(kpis=[", ".join(ctx.t(f"kpi.name_{k}") for k in codes) for codes in now.red_kpis])
    table = Table(listed, {"label": ctx.t("common.region"), "red_now": names["red_now"],
                           "red_before": names["red_before"], "kpis": ctx.t("meeting.col_kpis")},
                  name="regions_below_threshold", collapsed=ctx.t("meeting.below_table"))
    return Section("agenda.below", title=heading, figure=fig, summary=summary, table=table,
                   source=ctx.t("source.kpis"), as_of=as_of(ctx), data=now)


# ---- what changed since the previous meeting ---------------------------------------------------------

def figures(ctx: Context, item: str, meeting_id: str) -> dict[str, float]:
    """The few numbers an agenda item is judged by (compared with the previous meeting's)."""
    try:
        if item == "national":
            values = national_kpis.kpi_values(ctx)
            mine = values[values.region_code == (ctx.region or "KZ")].set_index("kpi_code").loc[list(kpi.HEADLINE)]
            return _numbers(median_download_mbps=mine.loc["median_download_mbps", "value"],
                            kpis_met=int((mine.rag == "green").sum()))
        if item == "below_threshold":
            if ctx.region is None:
                frame = ctx.query("meetings/regions_below_threshold")
                return _numbers(regions_below=int((frame.red_now > 0).sum()))
            values = national_kpis.kpi_values(ctx)
            return _numbers(kpis_below=int(((values.region_code == ctx.region) & (values.rag == "red")).sum()))
        if item == "complaint_spikes":
            months = profile.complaint_months(ctx)
            inside = months[months.in_period] if len(months) else months
            return _numbers(complaints=int(inside.complaints.sum()) if len(inside) else 0,
                            spikes=len(months.attrs.get("peaks", [])))
        if item == "delayed_rollout":
            frame = ctx.query("rollout/delayed_items", programme=None)
            return _numbers(delayed_items=len(frame))
        if item == "oldest_bottlenecks":
            frame = profile.open_bottlenecks(ctx)
            return _numbers(open_bottlenecks=len(frame), overdue_bottlenecks=int(frame.is_overdue.sum()))
        if item == "permits_past_clock":
            row = permits.totals(ctx)
            return _numbers(permits_past_clock=int(row.past_clock), sites_past_clock=int(row.sites_past_clock))
        if item == "events":
            held = events.ranked_frame(ctx, events_since(ctx, meeting_id))
            fell = held.worst_change_pct <= events.HELD_PCT
            return _numbers(events_held=len(held), events_fell=int(fell.sum()))
        if item == "actions_due":
            items = ctx.query("meetings/carried_items", meeting_id=meeting_id, limit=register.LIST_LIMIT)
            return _numbers(open_items=len(items), overdue_items=int(items.is_overdue.sum()))
    except (KeyError, IndexError):
        return {}
    return {}


def _numbers(**values) -> dict[str, float]:
    return {k: float(v) for k, v in values.items() if v is not None and not pd.isna(v)}


def previous_meeting_figures(ctx: Context, meeting: dict) -> dict | None:
    """The figures of the previous meeting of the same kind: frozen at its closing, else computed as of its day;
    with its date under '_held_on'. None for a first meeting."""
    before = register.previous(ctx, meeting["meeting_id"])
    if before is None:
        return None
    frozen = json.loads(before["snapshot"]) if isinstance(before.get("snapshot"), str) else None
    if frozen and "figures" in frozen:
        out = dict(frozen["figures"])
    else:
        past = register.meeting_context(ctx, before)
        out = {item: figures(past, item, before["meeting_id"]) for item in meetings.AGENDA_ITEMS}
    out["_held_on"] = before["held_on"].isoformat()
    return out


def change_sentence(ctx: Context, item: str, now: dict, before: dict | None) -> str | None:
    """'Since the meeting of 14 Oct 2026: open bottlenecks 41 → 38 (−3); overdue 12 → 15 (+3).'"""
    if item == "aob" or not now:
        return None
    if before is None:
        return ctx.t("meeting.first_meeting")
    then = before.get(item) or {}
    parts = []
    for key, value in now.items():
        if key not in then:
            continue
        decimals = 1 if key == "median_download_mbps" else 0
        parts.append(ctx.t("meeting.change_part", label=ctx.t(f"meeting.fig_{key}"),
                           before=ctx.number(then[key], decimals), now=ctx.number(value, decimals),
                           change=ctx.signed(value - then[key], decimals)))
    if not parts:
        return None
    day = pd.Timestamp(before["_held_on"]).date()
    return ctx.t("meeting.change_since", date=ctx.date(day), changes="; ".join(parts))


# ---- the record frozen at closing --------------------------------------------------------------------

def section_record(section: Section) -> dict:
    """What a section showed, as plain data: title, sentence, headline figures, the table's shown rows."""
    out = {"key": section.key, "title": section.title, "summary": section.summary, "empty": section.empty}
    out["metrics"] = [[m.label, m.value, m.delta] for m in section.metrics]
    if section.table is not None and not section.is_empty:
        shown = section.table.shown()
        out["table"] = {"columns": [str(c) for c in shown.columns],
                        "rows": [[_cell(v) for v in row] for row in shown.head(30).itertuples(index=False)]}
    out["source"] = section.source
    out["as_of"] = section.as_of.isoformat() if section.as_of else None
    return out


def _cell(value) -> str:
    return "—" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def snapshot(ctx: Context, meeting: dict) -> dict:
    """Everything the minutes need, in the meeting's language: the screens shown with their figures and
    changes, the numbers the next meeting compares with, the decisions and action items."""
    before = previous_meeting_figures(ctx, meeting)
    shown = screens(ctx, meeting, before)
    items = ctx.query("meetings/items", meeting_id=meeting["meeting_id"])
    carried = ctx.query("meetings/carried_items", meeting_id=meeting["meeting_id"], limit=register.LIST_LIMIT)
    decided = ctx.query("meetings/decisions", meeting_id=meeting["meeting_id"])
    return {
        "lang": ctx.lang,
        "screens": [{"item": s.item, "title": s.title, "change": s.change,
                     "sections": [section_record(x) for x in s.sections]} for s in shown],
        "figures": {item: figures(ctx, item, meeting["meeting_id"]) for item in meetings.AGENDA_ITEMS},
        "decisions": [str(t) for t in decided.text],
        "items": [_item_record(ctx, r) for r in items.to_dict("records")],
        "carried": [_item_record(ctx, r) for r in carried.to_dict("records")],
    }


def _item_record(ctx: Context, r: dict) -> dict:
    return {"id": r["action_id"], "text": r["text"], "owner": ctx.t(f"actions.owner_{r['owner']}"),
            "due": i18n.fmt_date(r["due_on"], ctx.lang), "about": register._about(ctx, r),
            "status": ctx.t(f"actions.status_{r['status']}")}
