"""Bottlenecks that hold the rollout back: how many are open and how old, who must act and who is overdue,
how fast each kind is settled and where, what the akimat itself must act on, and the log."""

from __future__ import annotations

import pandas as pd

from dialogue import charts, maps
from dialogue.sections import Context, Metric, Section, Table, as_of, empty, section

KINDS = ("mast_permit", "land_plot", "power_access", "right_of_way", "other")
RESPONSIBLE = ("akimat", "ministry", "utility", "operator", "other")
KIND_COLOURS = {"mast_permit": charts.PALETTE[0], "land_plot": charts.PALETTE[1], "power_access": charts.PALETTE[2],
                "right_of_way": charts.PALETTE[3], "other": charts.PALETTE[7]}
SHOWN_ROWS = 200
OLD_BANDS = ("180_365", "gt365")  # open for more than half a year


def source(ctx: Context) -> str:
    return ctx.t("source.bottlenecks")


def days(ctx: Context, value) -> str:
    """'135 days' in the language; '—' without a value."""
    return "—" if pd.isna(value) else ctx.t("common.unit_days", value=ctx.number(value))


def kind_name(ctx: Context, code: str | None) -> str:
    """A kind of bottleneck in words (None: every kind)."""
    return ctx.t("bottlenecks.all_kinds" if code is None else f"bottlenecks.kind_{code}")


def responsible_name(ctx: Context, code: str | None) -> str:
    """The party that must act, in words (None: everyone)."""
    return ctx.t("bottlenecks.all_responsible" if code is None else f"bottlenecks.responsible_{code}")


def totals(ctx: Context) -> pd.Series:
    """The scope's headline row (bottlenecks/summary)."""
    return ctx.query("bottlenecks/summary").iloc[0]


def has_data(ctx: Context) -> bool:
    """Whether any bottleneck is open or was resolved in the period."""
    row = totals(ctx)
    return bool(row.open_bottlenecks or row.resolved_in_period)


def _labels(ctx: Context, frame: pd.DataFrame) -> pd.Series:
    """The names of the areas (regions, or the region's districts) a frame's area_code holds."""
    return frame.area_code.map(ctx.area_labels()).fillna(ctx.t("bottlenecks.no_district"))


@section
def headline(ctx: Context) -> Section:
    """Open, overdue, median age, opened and resolved in the period, with the change in open ones."""
    row = totals(ctx)
    if not (row.open_bottlenecks or row.resolved_in_period):
        return empty("bottlenecks.headline", message="bottlenecks.none")
    previous = ctx.period.previous().label(ctx.lang)
    cards = (
        Metric(ctx.t("bottlenecks.open"), ctx.number(row.open_bottlenecks),
               delta=ctx.signed(row.open_change) if row.open_change else None,
               good=bool(row.open_change < 0) if row.open_change else None,
               rising=bool(row.open_change > 0) if row.open_change else None,
               help=ctx.t("bottlenecks.open_help", period=previous, before=ctx.number(row.prev_open_bottlenecks))),
        Metric(ctx.t("bottlenecks.overdue"), ctx.number(row.overdue), help=ctx.t("bottlenecks.overdue_help"),
               delta=ctx.t("bottlenecks.share_of_open", share=ctx.unit(row.overdue_pct, "pct", 0))
               if row.overdue else None),
        Metric(ctx.t("bottlenecks.median_age"), days(ctx, row.median_open_age_days),
               delta=ctx.t("bottlenecks.oldest", age=days(ctx, row.oldest_open_age_days))
               if row.open_bottlenecks else None),
        Metric(ctx.t("bottlenecks.opened_in_period"), ctx.number(row.opened_in_period)),
        Metric(ctx.t("bottlenecks.resolved_in_period"), ctx.number(row.resolved_in_period)),
    )
    day = as_of(ctx)
    if row.open_bottlenecks:
        summary = ctx.t("bottlenecks.summary_headline", count=int(row.open_bottlenecks), date=ctx.date(day),
                        change=ctx.signed(row.open_change), period=previous, overdue=ctx.number(row.overdue),
                        oldest=days(ctx, row.oldest_open_age_days))
    else:
        summary = ctx.t("bottlenecks.summary_headline_none_open", date=ctx.date(day),
                        opened=ctx.number(row.opened_in_period), resolved=ctx.number(row.resolved_in_period))
    return Section("bottlenecks.headline", metrics=cards, summary=summary,
                   notes=(ctx.t("bottlenecks.as_of_note", date=ctx.date(day)),), source=source(ctx), as_of=day,
                   data=row.to_frame().T)


def by_area(ctx: Context) -> pd.DataFrame:
    """Open bottlenecks by region (or by the region's district), with their names."""
    frame = ctx.query("bottlenecks/open_by_area")
    return frame.assign(label=_labels(ctx, frame), code=frame.area_code, value=frame.open_bottlenecks)


@section
def open_map(ctx: Context) -> Section:
    """Open bottlenecks on the map of the regions (or of the region's districts); a region opens on a click."""
    level = "districts" if ctx.region else "regions"
    title = ctx.t(f"bottlenecks.map_title_{level}")
    areas = by_area(ctx)
    if areas.open_bottlenecks.sum() == 0:
        return Section("bottlenecks.map", alert=("info", ctx.t("bottlenecks.none_open")))
    fig = maps.choropleth(areas, ctx.region, ctx.lang, ctx.t("bottlenecks.axis_open"), title=title, value_format=",.0f",
                          height=440)
    top = areas.sort_values(["open_bottlenecks", "overdue"], ascending=False).iloc[0]
    summary = ctx.t("bottlenecks.summary_map", area=top.label, count=int(top.open_bottlenecks),
                    overdue=ctx.number(top.overdue))
    return Section("bottlenecks.map", figure=fig, summary=summary,
                   notes=() if ctx.region else (ctx.t("bottlenecks.map_hint"),),
                   region_click=None if ctx.region else "location", source=source(ctx), as_of=as_of(ctx),
                   data=areas[["area_code", "label", "open_bottlenecks", "overdue"]])


@section
def ages(ctx: Context) -> Section:
    """How long the open bottlenecks have been open, by kind."""
    title = ctx.t("bottlenecks.age_title")
    frame = ctx.query("bottlenecks/open_by_age_kind")
    if frame.bottlenecks.sum() == 0:
        return Section("bottlenecks.ages")  # nothing to add: the map beside it says that none is open
    frame = frame.assign(band=[ctx.t(f"bottlenecks.band_{b}") for b in frame.age_band])
    kinds = {k: kind_name(ctx, k) for k in KINDS if k in set(frame.kind)}
    fig = charts.stacked_bars(frame, "band", "bottlenecks", "kind", kinds, ctx.lang, colours=KIND_COLOURS,
                              title=title, axis_title=ctx.t("bottlenecks.axis_open"), height=440)
    by_kind = frame.groupby("kind").bottlenecks.sum().sort_values(ascending=False)
    summary = ctx.t("bottlenecks.summary_ages", old=ctx.number(frame[frame.age_band.isin(OLD_BANDS)].bottlenecks.sum()),
                    total=ctx.number(frame.bottlenecks.sum()), kind=kind_name(ctx, by_kind.index[0]),
                    kind_count=ctx.number(by_kind.iloc[0]))
    return Section("bottlenecks.ages", title=title, figure=fig, summary=summary, source=source(ctx),
                   as_of=as_of(ctx), data=frame)


@section
def overdue(ctx: Context) -> Section:
    """Who must act: each party's open bottlenecks, the overdue part in red."""
    title = ctx.t("bottlenecks.overdue_title")
    frame = ctx.query("bottlenecks/overdue_by_responsible")
    frame = frame[(frame.responsible != "all") & (frame.open_bottlenecks > 0)]
    if frame.empty:
        return Section("bottlenecks.overdue")  # nothing to add: the map above says that none is open
    parts = pd.concat([frame.assign(part="overdue", n=frame.overdue),
                       frame.assign(part="not_overdue", n=frame.open_bottlenecks - frame.overdue)])
    parts["label"] = [f"{responsible_name(ctx, r)} · {ctx.unit(p, 'pct', 0)}"
                      for r, p in zip(parts.responsible, parts.overdue_pct)]
    fig = charts.stacked_bars(parts, "label", "n", "part",
                              {"overdue": ctx.t("bottlenecks.part_overdue"),
                               "not_overdue": ctx.t("bottlenecks.part_not_overdue")},
                              ctx.lang, horizontal=True, title=title,
                              colours={"overdue": charts.RAG_COLOURS["red"], "not_overdue": charts.GRID},
                              axis_title=ctx.t("bottlenecks.axis_open"), height=120 + 50 * len(frame), legend=False)
    top = frame.sort_values("open_bottlenecks", ascending=False).iloc[0]
    summary = ctx.t("bottlenecks.summary_overdue", who=responsible_name(ctx, top.responsible),
                    open=ctx.number(top.open_bottlenecks), overdue=ctx.number(top.overdue),
                    share=ctx.unit(top.overdue_pct, "pct", 0))
    return Section("bottlenecks.overdue", title=title, figure=fig, summary=summary,
                   notes=(ctx.t("bottlenecks.overdue_help"),), source=source(ctx), as_of=as_of(ctx), data=frame)


@section
def resolution(ctx: Context) -> Section:
    """Median days from opening to resolution, by kind, over the 12 months to the as-of day."""
    title = ctx.t("bottlenecks.resolution_title")
    frame = ctx.query("bottlenecks/resolution_by_kind")
    frame = frame[(frame.kind != "all") & frame.median_resolution_days.notna()]
    if frame.empty:
        return Section("bottlenecks.resolution", alert=("info", ctx.t("bottlenecks.none_resolved")))
    frame = frame.assign(label=[kind_name(ctx, k) for k in frame.kind])
    fig = charts.bar(frame, "label", "median_resolution_days", ctx.lang, horizontal=True, value_format=",.0f",
                     colours=[KIND_COLOURS.get(k, charts.PRIMARY) for k in frame.kind], title=title,
                     axis_title=ctx.t("bottlenecks.axis_days"), height=120 + 50 * len(frame))
    ranked = frame.sort_values("median_resolution_days", ascending=False)
    slow, fast = ranked.iloc[0], ranked.iloc[-1]
    summary = ctx.t("bottlenecks.summary_resolution", slow=slow.label, slow_days=days(ctx, slow.median_resolution_days),
                    fast=fast.label, fast_days=days(ctx, fast.median_resolution_days))
    day = as_of(ctx)
    return Section("bottlenecks.resolution", title=title, figure=fig, summary=summary,
                   notes=(ctx.t("bottlenecks.resolution_note", date=ctx.date(day)),), source=source(ctx), as_of=day,
                   data=frame)


@section
def ranking(ctx: Context, kind: str = "land_plot") -> Section:
    """Which areas settle one kind of bottleneck fast (green) or slowly (red) against the scope's median;
    a region's bar opens it."""
    title = ctx.t("bottlenecks.ranking_title_districts" if ctx.region else "bottlenecks.ranking_title_regions")
    frame = ctx.query("bottlenecks/resolution_by_area", kind=kind)
    if frame.empty:
        return Section("bottlenecks.ranking", alert=("info", ctx.t("bottlenecks.none_resolved")))
    frame = frame.assign(label=_labels(ctx, frame))
    median = frame.scope_median_days.iloc[0]
    # Faster than the scope's median in green, slower in red.
    colours = [charts.RAG_COLOURS["green"] if d <= median else charts.RAG_COLOURS["red"]
               for d in frame.median_resolution_days]
    fig = charts.bar(frame, "label", "median_resolution_days", ctx.lang, horizontal=True, value_format=",.0f",
                     colours=colours, customdata="area_code", axis_title=ctx.t("bottlenecks.axis_days"), title=title,
                     height=max(260, 70 + 26 * len(frame)))
    best, worst = frame.iloc[0], frame.iloc[-1]
    summary = ctx.t("summary.best_worst", best=best.label, best_value=days(ctx, best.median_resolution_days),
                    worst=worst.label, worst_value=days(ctx, worst.median_resolution_days))
    day = as_of(ctx)
    return Section("bottlenecks.ranking", title=title, figure=fig, summary=summary,
                   notes=(ctx.t("bottlenecks.ranking_note", median=days(ctx, median), date=ctx.date(day)),),
                   region_click=None if ctx.region else "customdata", source=source(ctx), as_of=day, data=frame)


@section
def akimat(ctx: Context) -> Section:
    """With a region: what its akimat must act on, district by district."""
    title = ctx.t("bottlenecks.akimat_heading", region=ctx.region_name(ctx.region))
    row = totals(ctx)
    cards = (Metric(ctx.t("bottlenecks.akimat_open"), ctx.number(row.akimat_open)),
             Metric(ctx.t("bottlenecks.akimat_overdue"), ctx.number(row.akimat_overdue)))
    areas = by_area(ctx).sort_values("akimat_open", ascending=False)
    summary = None
    if row.akimat_open:
        summary = ctx.t("bottlenecks.summary_akimat", count=int(row.akimat_open), overdue=ctx.number(row.akimat_overdue),
                        area=areas.label.iloc[0], area_count=ctx.number(areas.akimat_open.iloc[0]))
    table = Table(areas, {"label": ctx.t("common.district"), "open_bottlenecks": ctx.t("bottlenecks.open"),
                          "akimat_open": ctx.t("bottlenecks.akimat_open"), "overdue": ctx.t("bottlenecks.overdue"),
                          "akimat_overdue": ctx.t("bottlenecks.akimat_overdue"),
                          "median_age_days": ctx.t("bottlenecks.median_age"),
                          "oldest_age_days": ctx.t("bottlenecks.col_oldest")},
                  formats={"median_age_days": ctx.number, "oldest_age_days": ctx.number}, name="bottlenecks_districts") \
        if len(areas) else None
    return Section("bottlenecks.akimat", title=title, metrics=cards, summary=summary, table=table, source=source(ctx),
                   as_of=as_of(ctx), data=areas)


def _log_table(ctx: Context, log: pd.DataFrame, name: str) -> Table:
    """The log with its codes in words and its places named in the language; the oldest rows on screen."""
    readable = log.assign(
        region=log.region_code.map(ctx.area_labels()) if not ctx.region else None,
        kind_label=[kind_name(ctx, k) for k in log.kind],
        responsible_label=[responsible_name(ctx, r) for r in log.responsible],
        status_label=[ctx.t(f"bottlenecks.status_{s}") for s in log.status],
        place=ctx.place_labels(log, "place"),
        district=ctx.place_labels(log, "district"),
        programme_label=[ctx.t(f"rollout.programme_{p}") if isinstance(p, str) else "—" for p in log.programme],
    )
    columns = {"bottleneck_id": ctx.t("bottlenecks.col_id"), "kind_label": ctx.t("bottlenecks.col_kind"),
               "responsible_label": ctx.t("bottlenecks.col_responsible"),
               "status_label": ctx.t("bottlenecks.col_status"), "age_days": ctx.t("bottlenecks.col_age"),
               **({} if ctx.region else {"region": ctx.t("common.region")}),
               "place": ctx.t("bottlenecks.col_place"), "district": ctx.t("common.district"),
               "opened_on": ctx.t("bottlenecks.col_opened"), "due_on": ctx.t("bottlenecks.col_due"),
               "overdue_days": ctx.t("bottlenecks.col_overdue"), "resolved_on": ctx.t("bottlenecks.col_resolved"),
               "site_ref": ctx.t("bottlenecks.col_site"), "operator_name": ctx.t("common.operator"),
               "rollout_item_id": ctx.t("bottlenecks.col_item"), "programme_label": ctx.t("bottlenecks.col_programme")}
    formats = {"age_days": ctx.number, "overdue_days": ctx.number, "opened_on": ctx.date, "due_on": ctx.date,
               "resolved_on": ctx.date}
    return Table(readable, columns, formats=formats, name=name, limit=SHOWN_ROWS)


@section
def akimat_list(ctx: Context) -> Section:
    """With a region: the open bottlenecks its akimat must resolve, oldest first."""
    title = ctx.t("bottlenecks.akimat_list")
    log = ctx.query("bottlenecks/log", kind=None, responsible="akimat", open_only=True)
    if log.empty:
        return Section("bottlenecks.akimat_list", alert=("success", ctx.t("bottlenecks.akimat_none")))
    oldest = log.iloc[0]
    summary = ctx.t("bottlenecks.summary_akimat_list", place=ctx.place_labels(log.head(1), "place")[0],
                    kind=kind_name(ctx, oldest.kind), age=days(ctx, oldest.age_days))
    return Section("bottlenecks.akimat_list", title=title, summary=summary,
                   table=_log_table(ctx, log, "bottlenecks_akimat"), source=source(ctx), as_of=as_of(ctx), data=log)


@section
def log(ctx: Context, kind: str | None = None, responsible: str | None = None, open_only: bool = True) -> Section:
    """The bottleneck log of the scope, open ones first and oldest first, filtered by kind, party and state."""
    title = ctx.t("bottlenecks.log_heading")
    frame = ctx.query("bottlenecks/log", kind=kind, responsible=responsible, open_only=open_only)
    if frame.empty:
        return Section("bottlenecks.log", title=title, alert=("info", ctx.t("bottlenecks.log_empty")),
                       source=source(ctx), as_of=as_of(ctx))
    total = int(frame.total_rows.iloc[0])
    caption = ctx.t("bottlenecks.log_caption", shown=ctx.number(min(total, SHOWN_ROWS)), total=ctx.number(total),
                    open=ctx.number(frame.open_rows.iloc[0]))
    return Section("bottlenecks.log", title=title, notes=(caption,), table=_log_table(ctx, frame, "bottlenecks_log"),
                   source=source(ctx), as_of=as_of(ctx), data=frame)
