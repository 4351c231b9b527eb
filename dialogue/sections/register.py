"""A meeting's register: the meeting itself, the action items carried to it from earlier meetings of the same
kind, and the decisions and action items taken down during it."""

from __future__ import annotations

from datetime import date

import pandas as pd

from dialogue import kpi, periods
from dialogue.sections import Context, Section, Table, empty, section

LIST_LIMIT = 200


def meeting(ctx: Context, meeting_id: str | None) -> dict | None:
    """One meeting as a dict (agenda and attendees as lists), None when there is no such meeting."""
    if not meeting_id:
        return None
    found = ctx.query("meetings/one", meeting_id=meeting_id)
    if found.empty:
        return None
    row = found.iloc[0].to_dict()
    row["held_on"] = pd.Timestamp(row["held_on"]).date()
    row["agenda"] = [str(a) for a in (row["agenda"] if row["agenda"] is not None else [])]
    row["attendees"] = [str(a) for a in (row["attendees"] if row["attendees"] is not None else [])]
    row["region_code"] = row["region_code"] if isinstance(row["region_code"], str) else None
    return row


def meetings(ctx: Context, limit: int = 100) -> pd.DataFrame:
    """Every meeting, newest first, with its kind, region, status and what it decided."""
    return ctx.query("meetings/list", limit=limit)


def next_meeting(ctx: Context) -> str | None:
    """The meeting the shared screen shows when none is chosen: the next open one from today on, else the
    latest open one, else None."""
    listed = meetings(ctx)
    scheduled = listed[listed.status == "open"]
    if scheduled.empty:
        return None
    days = pd.to_datetime(scheduled.held_on).dt.date
    ahead = scheduled[days >= ctx.as_of_date]
    return str((ahead.iloc[-1] if len(ahead) else scheduled.iloc[0]).meeting_id)


def meeting_label(ctx: Context, row) -> str:
    """'Council of Operators · 15 Dec 2026 · open' or 'Regional dialogue, Atyrau region · …'."""
    kind = ctx.t("meeting.kind_council") if row["kind"] != "regional" else \
        ctx.t("meeting.kind_regional_of", region=ctx.region_name(row["region_code"], short=True))
    return f"{kind} · {ctx.date(row['held_on'])} · {ctx.t('meeting.status_' + str(row['status']))}"


def meeting_context(ctx: Context, row: dict, lang: str | None = None) -> Context:
    """The context a meeting's screens are built in: its region (none for the Council), the period it reviews,
    and as today its own day once it is past."""
    # A meeting recorded before meetings were run here reviewed the month before it.
    period = periods.parse(row.get("period_key")) or (
        periods.period_of(periods.add_months(row["held_on"], -1), "month") if isinstance(row["held_on"], date)
        else ctx.period)
    today = min(ctx.as_of_date, row["held_on"]) if isinstance(row["held_on"], date) else ctx.as_of_date
    return Context(row["region_code"], period, lang or ctx.lang, today, ctx.run)


def previous(ctx: Context, meeting_id: str) -> dict | None:
    """The previous meeting of the same kind (and region), None for the first one."""
    found = ctx.query("meetings/previous", meeting_id=meeting_id)
    if found.empty:
        return None
    row = found.iloc[0].to_dict()
    row["held_on"] = pd.Timestamp(row["held_on"]).date()
    row["region_code"] = row["region_code"] if isinstance(row["region_code"], str) else None
    return row


def _items_table(ctx: Context, items: pd.DataFrame, name: str, with_meeting: bool) -> Table:
    shown = items.assign(
        owner_text=[ctx.t(f"actions.owner_{o}") for o in items.owner],
        due_text=[ctx.date(d) for d in items.due_on],
        held_text=[ctx.date(d) for d in items.held_on],
        about=[_about(ctx, r) for r in items.itertuples()],
        overdue_text=["—" if kpi.missing(d) else ctx.t("common.unit_days", value=ctx.number(d))
                      for d in items.overdue_days])
    columns = {"action_id": "ID"}
    if with_meeting:
        columns["held_text"] = ctx.t("meeting.col_meeting")
    columns |= {"text": ctx.t("meeting.col_text"), "owner_text": ctx.t("meeting.col_owner"),
                "about": ctx.t("meeting.col_about"), "due_text": ctx.t("meeting.col_due"),
                "overdue_text": ctx.t("meeting.col_overdue")}
    return Table(shown, columns, name=name, height=38 + 35 * min(len(shown), 12))


def _about(ctx: Context, row) -> str:
    """What an item is about: its region (or 'national'), bottleneck, programme, permit application (site)."""
    row = row._asdict() if hasattr(row, "_asdict") else row
    parts = [ctx.region_name(row["region_code"], short=True) if isinstance(row.get("region_code"), str)
             else ctx.t("actions.national")]
    if isinstance(row.get("bottleneck_id"), str):
        parts.append(row["bottleneck_id"])
    if isinstance(row.get("programme"), str):
        parts.append(ctx.t(f"rollout.programme_{row['programme']}"))
    if isinstance(row.get("site_ref"), str):
        parts.append(ctx.t("meeting.about_site", site=row["site_ref"]))
    return " · ".join(parts)


@section
def carried(ctx: Context, meeting_id: str) -> Section:
    """The action items of earlier meetings of the same kind still open: on the agenda by themselves."""
    heading = ctx.t("meeting.carried_title")
    items = ctx.query("meetings/carried_items", meeting_id=meeting_id, limit=LIST_LIMIT)
    if items.empty:
        return empty("register.carried", heading, "meeting.none_carried")
    overdue = int(items.is_overdue.sum())
    return Section("register.carried", title=heading, table=_items_table(ctx, items, "carried_items", True),
                   summary=ctx.t("meeting.carried_summary", count=len(items), overdue=ctx.number(overdue)),
                   source=ctx.t("source.actions"), as_of=ctx.as_of_date, data=items)


@section
def recorded(ctx: Context, meeting_id: str) -> Section:
    """The action items taken down at this meeting."""
    heading = ctx.t("meeting.items_title")
    items = ctx.query("meetings/items", meeting_id=meeting_id)
    if items.empty:
        return empty("register.items", heading, "meeting.no_items_yet")
    return Section("register.items", title=heading, table=_items_table(ctx, items, "meeting_items", False),
                   summary=ctx.t("meeting.items_summary", count=len(items)), source=ctx.t("source.actions"),
                   data=items)


@section
def decisions(ctx: Context, meeting_id: str) -> Section:
    """The decisions taken at this meeting, in order."""
    heading = ctx.t("meeting.decisions_title")
    frame = ctx.query("meetings/decisions", meeting_id=meeting_id)
    if frame.empty:
        return empty("register.decisions", heading, "meeting.no_decisions_yet")
    shown = frame.assign(number=[str(i + 1) for i in range(len(frame))])
    return Section("register.decisions", title=heading,
                   table=Table(shown, {"number": "№", "text": ctx.t("meeting.col_decision")}, name="decisions",
                               height=38 + 35 * min(len(shown), 12)),
                   summary=ctx.t("meeting.decisions_summary", count=len(frame)), data=frame)
