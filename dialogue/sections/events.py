"""Mass events: the register (what, where, when, who entered it), the event report (the tests near an event against
the same hours of the four previous same weekdays, per operator: median, slow tenth, video-call share; the
district's complaints during it and the 24 hours after), the events of a period ranked by their worst drop, and the
coming ones with what the network did at the same venue last time. Rules: queries/models/event_windows.sql and
venue_figures.sql."""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd

from dialogue import charts
from dialogue.sections import Context, Metric, Section, Table, as_of, empty, section

MIN_TESTS = 20          # tests behind a figure, on each side (the event; the four weeks before pooled)
HELD_PCT = -10.0        # a median that fell less than this held up
RANKED_CHARTED = 12
PROFILE_ROWS = 6
KINDS = ("concert", "sport", "holiday", "forum", "other")
STATUSES = ("active", "cancelled", "deleted")


def source(ctx: Context) -> str:
    return ctx.t("source.events")


def _nan(value) -> bool:
    return value is None or pd.isna(value)


def pct(ctx: Context, value) -> str:
    """'−52%' (a change in percent); '—' without a value."""
    return "—" if _nan(value) else ctx.t("events.pct_change", value=ctx.signed(value))


def mbps(ctx: Context, value) -> str:
    return "—" if _nan(value) else ctx.unit(value, "mbps", 0)


def when(ctx: Context, start, end) -> str:
    """'12 Aug 2026 19:00–23:00' (the end's day too when it ends on another day)."""
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    tail = f"{end:%H:%M}" if end.date() == start.date() else f"{ctx.date(end.date())} {end:%H:%M}"
    return f"{ctx.date(start.date())} {start:%H:%M}–{tail}"


def place(ctx: Context, row) -> str:
    """The district's name (the region's when the event names a region only)."""
    if isinstance(row.get("district_ru"), str):
        return ctx.place_labels(pd.DataFrame([row]), "district")[0]
    return ctx.region_name(row.get("region_code"))


def kind_name(ctx: Context, code: str) -> str:
    return ctx.t(f"events.kind_{code}") if code in KINDS else str(code)


def windows(event: dict) -> tuple[datetime, datetime]:
    """The span of tests an event's report reads: from its start less four weeks to its end plus a day."""
    start, end = pd.Timestamp(event["starts_at"]).to_pydatetime(), pd.Timestamp(event["ends_at"]).to_pydatetime()
    return start - timedelta(days=28), end + timedelta(hours=24)


def one(ctx: Context, event_id: int) -> dict | None:
    frame = ctx.run("events/one", event_id=int(event_id))
    return None if frame.empty else frame.iloc[0].to_dict()


# ---- the register -------------------------------------------------------------------------------------------

def register_frame(ctx: Context) -> pd.DataFrame:
    return ctx.query("events/register")


@section
def register(ctx: Context) -> Section:
    """The register of the scope: the period's events and the coming ones, cancelled ones marked."""
    title = ctx.t("events.register_title")
    frame = register_frame(ctx)
    if frame.empty:
        return empty("events.register", title, "events.none")
    rows = frame.to_dict("records")
    frame = frame.assign(
        when=[when(ctx, r["starts_at"], r["ends_at"]) for r in rows],
        kind_label=[kind_name(ctx, r["kind"]) for r in rows],
        place=[place(ctx, r) for r in rows],
        venue=[ctx.t("events.within", radius=ctx.number(r["radius_m"])) if not _nan(r["latitude"]) else "—"
               for r in rows],
        status_label=[ctx.t(f"events.status_{r['status']}") + (f" · {ctx.t('events.coming')}" if r["is_coming"] else "")
                      for r in rows],
        entered=[r["entered_by_name"] if isinstance(r["entered_by_name"], str) else "—" for r in rows])
    columns = {"event_id": "ID", "name": ctx.t("events.col_name"), "kind_label": ctx.t("events.col_kind"),
               "when": ctx.t("events.col_when"), "place": ctx.t("common.district"), "venue": ctx.t("events.col_venue"),
               "attendance": ctx.t("events.col_attendance"), "source": ctx.t("events.col_source"),
               "status_label": ctx.t("events.col_status"), "entered": ctx.t("events.col_entered_by")}
    coming = int(frame.is_coming.sum())
    summary = ctx.t("events.register_summary", count=len(frame) - coming, coming=ctx.number(coming))
    return Section("events.register", title=title, summary=summary,
                   table=Table(frame, columns, formats={"attendance": ctx.numbers(), "event_id": str},
                               name="events_register", height=min(560, 38 + 35 * len(frame))),
                   source=source(ctx), as_of=as_of(ctx), data=frame)


def report_choices(ctx: Context, frame: pd.DataFrame | None) -> tuple[dict[int, str], int | None]:
    """The held events of the register one may report on ({id: label}), and the one opened first: the worst drop
    of the period, else the latest."""
    if frame is None or frame.empty:
        return {}, None
    held = frame[(frame.status == "active") & ~frame.is_coming]
    choices = {int(r["event_id"]): ctx.t("events.pick_label", name=r["name"], when=when(ctx, r["starts_at"], r["ends_at"]))
               for r in held.to_dict("records")}
    if not choices:
        return {}, None
    ranked = ranked_frame(ctx)
    worst = ranked[ranked.worst_change_pct.notna() & ranked.event_id.isin(list(choices))]
    return choices, int(worst.event_id.iloc[0]) if len(worst) else next(iter(choices))


def edit_choices(ctx: Context, frame: pd.DataFrame | None) -> dict[int, str]:
    """Every event of the register as '#12 · name · when', for the edit form's picker."""
    if frame is None or frame.empty:
        return {}
    return {int(r["event_id"]): f"#{int(r['event_id'])} · " + ctx.t("events.pick_label", name=r["name"],
                                                                    when=when(ctx, r["starts_at"], r["ends_at"]))
            for r in frame.to_dict("records")}


# ---- the report of one event ----------------------------------------------------------------------------------

def report_frame(ctx: Context, event: dict) -> pd.DataFrame:
    start, end = windows(event)
    return ctx.run("events/report", event_id=int(event["event_id"]), window_from=start, window_to=end,
                   min_tests=MIN_TESTS)


def operator_label(ctx: Context, row) -> str:
    if row.get("is_all"):
        return ctx.t("events.all_operators")
    return row["operator_name"] if isinstance(row.get("operator_name"), str) else str(row.get("operator_code"))


def verdict(ctx: Context, frame: pd.DataFrame) -> str:
    """Who held up and who did not: 'Operator A's median fell 52% (to 14 Mbit/s); Operator C's held.' Operators
    with too few tests are named apart."""
    fell, held, rose, thin = [], [], [], []
    for r in frame[~frame.is_all].to_dict("records"):
        name = operator_label(ctx, r)
        change = r["median_change_pct"]
        if _nan(change):
            if r["event_tests"] or r["baseline_tests"]:
                thin.append(name)
            continue
        if change <= HELD_PCT:
            fell.append(ctx.t("events.op_fell", operator=name, pct=ctx.number(-change), to=mbps(ctx, r["event_median_mbps"])))
        elif change >= -HELD_PCT:
            rose.append(ctx.t("events.op_rose", operator=name, pct=ctx.number(change)))
        else:
            held.append(ctx.t("events.op_held", operator=name))
    parts = fell + rose + held
    out = ("; ".join(parts) if parts else ctx.t("events.no_operator_judged", min=ctx.number(MIN_TESTS))) + "."
    if thin:
        out += " " + ctx.t("events.too_few", operators=", ".join(thin), min=ctx.number(MIN_TESTS))
    return out[0].upper() + out[1:]


@section
def report(ctx: Context, event_id: int) -> Section:
    """One event's report: the figures for all operators as cards, per operator as bars and a table, the sentence."""
    event = one(ctx, event_id)
    if event is None:
        return empty("events.report", ctx.t("events.report_title"), "events.unknown", hint=False)
    title = ctx.t("events.report_of", name=event["name"])
    subtitle = ctx.t("events.report_subtitle", when=when(ctx, event["starts_at"], event["ends_at"]),
                     place=place(ctx, event), kind=kind_name(ctx, event["kind"]))
    if event["status"] != "active":
        return Section("events.report", title=title, subtitle=subtitle, empty=f"events.report_{event['status']}",
                       hint=False)
    if pd.Timestamp(event["starts_at"]).date() >= ctx.as_of_date:
        return Section("events.report", title=title, subtitle=subtitle, empty="events.report_coming", hint=False)
    frame = report_frame(ctx, event)
    every = frame[frame.is_all]
    if every.empty or not (every.event_tests.iloc[0] or every.baseline_tests.iloc[0]):
        return Section("events.report", title=title, subtitle=subtitle, empty="events.report_no_tests", hint=False)
    a = every.iloc[0].to_dict()
    cards = (
        Metric(ctx.t("events.card_median"), mbps(ctx, a["event_median_mbps"]),
               delta=None if _nan(a["median_change_pct"]) else pct(ctx, a["median_change_pct"]),
               delta_note=ctx.t("events.vs_baseline", value=mbps(ctx, a["baseline_median_mbps"])),
               good=None if _nan(a["median_change_pct"]) else a["median_change_pct"] > HELD_PCT,
               rising=None if _nan(a["median_change_pct"]) else a["median_change_pct"] > 0),
        Metric(ctx.t("events.card_p10"), mbps(ctx, a["event_p10_mbps"]),
               delta=None if _nan(a["p10_change_pct"]) else pct(ctx, a["p10_change_pct"]),
               delta_note=ctx.t("events.vs_baseline", value=mbps(ctx, a["baseline_p10_mbps"])),
               good=None if _nan(a["p10_change_pct"]) else a["p10_change_pct"] > HELD_PCT,
               rising=None if _nan(a["p10_change_pct"]) else a["p10_change_pct"] > 0,
               help=ctx.t("events.p10_help")),
        Metric(ctx.t("events.card_video"), "—" if _nan(a["event_video_call_pct"]) else ctx.unit(a["event_video_call_pct"], "pct", 0),
               delta=None if _nan(a["video_call_change_pts"]) else ctx.t("common.unit_pp", value=ctx.signed(a["video_call_change_pts"])),
               delta_note=ctx.t("events.vs_baseline", value="—" if _nan(a["baseline_video_call_pct"])
                                else ctx.unit(a["baseline_video_call_pct"], "pct", 0)),
               good=None if _nan(a["video_call_change_pts"]) else a["video_call_change_pts"] > -5,
               rising=None if _nan(a["video_call_change_pts"]) else a["video_call_change_pts"] > 0,
               help=ctx.t("events.video_help")),
        Metric(ctx.t("events.card_complaints"), ctx.number(a["complaints_during"] + a["complaints_after"]),
               delta_note=ctx.t("events.vs_baseline_weekly",
                                value=ctx.number(a["baseline_complaints_during"] + a["baseline_complaints_after"], 1)),
               help=ctx.t("events.complaints_help")),
    )
    rows = frame.to_dict("records")
    frame = frame.assign(label=[operator_label(ctx, r) for r in rows])
    charted = frame[~frame.is_all & frame.event_median_mbps.notna() & frame.baseline_median_mbps.notna()]
    fig = None
    if len(charted):
        long = pd.concat([charted.assign(side="baseline", value=charted.baseline_median_mbps),
                          charted.assign(side="event", value=charted.event_median_mbps)])
        fig = charts.grouped_bar(long, "label", "value", "side",
                                 {"baseline": ctx.t("events.side_baseline"), "event": ctx.t("events.side_event")},
                                 ctx.lang, value_format=",.0f", axis_title=ctx.t("events.axis_median"),
                                 colours={"baseline": charts.RAG_COLOURS[None], "event": charts.PRIMARY},
                                 height=360)
    columns = {"label": ctx.t("common.operator"), "event_tests": ctx.t("events.col_event_tests"),
               "baseline_tests": ctx.t("events.col_baseline_tests"),
               "event_median_mbps": ctx.t("events.col_event_median"),
               "baseline_median_mbps": ctx.t("events.col_baseline_median"),
               "median_change_pct": ctx.t("events.col_median_change"),
               "event_p10_mbps": ctx.t("events.col_event_p10"), "baseline_p10_mbps": ctx.t("events.col_baseline_p10"),
               "event_video_call_pct": ctx.t("events.col_event_video"),
               "baseline_video_call_pct": ctx.t("events.col_baseline_video"),
               "complaints_during": ctx.t("events.col_complaints_during"),
               "complaints_after": ctx.t("events.col_complaints_after"),
               "baseline_complaints_during": ctx.t("events.col_baseline_complaints")}
    one_decimal = ctx.numbers(1)
    formats = {"event_tests": ctx.numbers(), "baseline_tests": ctx.numbers(), "event_median_mbps": ctx.numbers(),
               "baseline_median_mbps": ctx.numbers(), "median_change_pct": lambda v: pct(ctx, v),
               "event_p10_mbps": one_decimal, "baseline_p10_mbps": one_decimal,
               "event_video_call_pct": ctx.numbers(), "baseline_video_call_pct": ctx.numbers(),
               "complaints_during": ctx.numbers(), "complaints_after": ctx.numbers(),
               "baseline_complaints_during": ctx.numbers(2)}
    mode = a["place_mode"] if isinstance(a["place_mode"], str) else "district"
    notes = (ctx.t(f"events.note_{mode}", radius=ctx.number(event["radius_m"]) if not _nan(event["radius_m"]) else ""),
             ctx.t("events.note_min", min=ctx.number(MIN_TESTS)))
    return Section("events.report", title=title, subtitle=subtitle, summary=verdict(ctx, frame), metrics=cards,
                   figure=fig, table=Table(frame, columns, formats=formats, name=f"event_{int(event_id)}"),
                   notes=notes, source=source(ctx), as_of=pd.Timestamp(event["ends_at"]).date(), data=frame)


# ---- the period's events ranked, and the coming ones ----------------------------------------------------------

def ranked_frame(ctx: Context, since=None) -> pd.DataFrame:
    """The events held in the period (or since a day, up to the as-of day), the worst drop first."""
    if since is None:
        return ctx.query("events/ranked", min_tests=MIN_TESTS)
    return ctx.query("events/ranked", min_tests=MIN_TESTS, start_date=since,
                     end_date=ctx.as_of_date + timedelta(days=1))


@section
def ranked(ctx: Context, rows: int | None = None, since=None) -> Section:
    """The period's events (or those since a day: the last meeting), the worst drop first: who fell most, the
    median for all operators, complaints."""
    title = ctx.t("events.ranked_title") if since is None else ctx.t("events.since_title", date=ctx.date(since))
    frame = ranked_frame(ctx, since)
    if frame.empty:
        return empty("events.ranked", title, "events.none_held", hint=False)
    records = frame.to_dict("records")
    frame = frame.assign(
        when=[when(ctx, r["starts_at"], r["ends_at"]) for r in records],
        place=[place(ctx, r) for r in records],
        worst=[("—" if _nan(r["worst_change_pct"]) else f"{r['worst_operator_name']} {pct(ctx, r['worst_change_pct'])}")
               for r in records],
        best=[("—" if _nan(r["best_change_pct"]) or r["operators_judged"] < 2
               else f"{r['best_operator_name']} {pct(ctx, r['best_change_pct'])}") for r in records],
        label=[f"{r['name'][:38]} · {pd.Timestamp(r['starts_at']):%d.%m}" for r in records])
    judged = frame[frame.worst_change_pct.notna()]
    fig = None
    if len(judged):
        top = judged.head(RANKED_CHARTED)
        fig = charts.bar(top.iloc[::-1], "label", "worst_change_pct", ctx.lang, horizontal=True, value_format=",.0f",
                         axis_title=ctx.t("events.axis_worst"),
                         colours=[charts.RAG_COLOURS["red"] if v <= HELD_PCT else charts.RAG_COLOURS["green"]
                                  for v in top.worst_change_pct.iloc[::-1]],
                         height=120 + 34 * len(top))
        w = judged.iloc[0]
        summary = ctx.t("events.ranked_summary", count=len(frame), name=w["name"], operator=w["worst_operator_name"],
                        pct=ctx.number(-w["worst_change_pct"]) if w["worst_change_pct"] < 0 else ctx.number(0),
                        fell=ctx.number(int((judged.worst_change_pct <= HELD_PCT).sum())))
    else:
        summary = ctx.t("events.ranked_none_judged", count=len(frame), min=ctx.number(MIN_TESTS))
    columns = {"name": ctx.t("events.col_name"), "when": ctx.t("events.col_when"), "place": ctx.t("common.district"),
               "worst": ctx.t("events.col_worst"), "best": ctx.t("events.col_best"),
               "median_change_pct": ctx.t("events.col_all_change"), "event_tests": ctx.t("events.col_event_tests"),
               "complaints": ctx.t("events.col_complaints"), "baseline_complaints": ctx.t("events.col_baseline_complaints")}
    table = Table(frame, columns, formats={"median_change_pct": lambda v: pct(ctx, v), "event_tests": ctx.numbers(),
                                           "complaints": ctx.numbers(), "baseline_complaints": ctx.numbers(2)},
                  name="events_ranked", limit=rows)
    return Section("events.ranked", title=title, summary=summary, figure=fig, table=table,
                   notes=(ctx.t("events.note_min", min=ctx.number(MIN_TESTS)),), source=source(ctx), as_of=as_of(ctx),
                   data=frame)


@section
def coming(ctx: Context) -> Section:
    """The events of the next 30 days, each with what the network did at the same venue last time."""
    title = ctx.t("events.coming_title")
    frame = ctx.query("events/coming", min_tests=MIN_TESTS)
    if frame.empty:
        return empty("events.coming", title, "events.none_coming", hint=False)
    records = frame.to_dict("records")

    def last_time(r) -> str:
        if _nan(r["previous_id"]):
            return ctx.t("events.no_previous")
        day = ctx.date(pd.Timestamp(r["previous_starts_at"]).date())
        if _nan(r["previous_worst_change_pct"]):
            return ctx.t("events.previous_unjudged", date=day)
        return ctx.t("events.previous_drop", date=day, operator=r["previous_worst_operator_name"],
                     pct=pct(ctx, r["previous_worst_change_pct"]))

    frame = frame.assign(when=[when(ctx, r["starts_at"], r["ends_at"]) for r in records],
                         place=[place(ctx, r) for r in records], last_time=[last_time(r) for r in records],
                         kind_label=[kind_name(ctx, r["kind"]) for r in records])
    columns = {"name": ctx.t("events.col_name"), "when": ctx.t("events.col_when"), "place": ctx.t("common.district"),
               "kind_label": ctx.t("events.col_kind"), "attendance": ctx.t("events.col_attendance"),
               "last_time": ctx.t("events.col_last_time")}
    watch = frame[frame.previous_worst_change_pct.notna() & (frame.previous_worst_change_pct <= HELD_PCT)]
    summary = ctx.t("events.coming_summary", count=len(frame), watch=ctx.number(len(watch)))
    return Section("events.coming", title=title, summary=summary,
                   table=Table(frame, columns, formats={"attendance": ctx.numbers()}, name="events_coming"),
                   source=source(ctx), as_of=ctx.as_of_date, data=frame)


PROFILE_COLUMNS = ("name", "when", "worst", "median_change_pct")


@section
def profile_block(ctx: Context) -> Section:
    """A region profile's block: the period's events ranked by their worst drop, the coming ones counted."""
    listed = ranked(ctx, rows=PROFILE_ROWS)
    title = ctx.t("events.profile_title")
    if listed.is_empty:
        return empty("events.profile", title, "events.none_held", hint=False)
    table = listed.table
    shown = Table(table.frame, {k: v for k, v in table.columns.items() if k in PROFILE_COLUMNS},
                  formats={k: f for k, f in table.formats.items() if k in PROFILE_COLUMNS}, name="profile_events",
                  limit=PROFILE_ROWS, height=38 + 35 * min(len(table.frame), PROFILE_ROWS))
    return Section("events.profile", title=title, summary=listed.summary, table=shown, source=listed.source,
                   as_of=listed.as_of, data=listed.data)
