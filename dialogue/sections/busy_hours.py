"""Busy hours: what the monthly median hides. The median and the slow tenth (10th percentile) download by local
hour and day of the week for a region, a district or an operator; the busy-hour dip (the busiest hour's median
against the quietest hour's) by operator and by technology, ranked across the regions; and the dip month by
month. Hours are Kazakhstan local time (UTC+5), as measured_at is stored.

Busiest hour = the hour of the day with the most tests (people test when they use the network); quietest =
the hour with the fewest tests among those with at least a quarter of the busiest hour's tests and min_tests
(queries/quality/busy_hour_dip.sql says why)."""

from __future__ import annotations

import pandas as pd

from dialogue import charts, i18n, periods
from dialogue.sections import NATIONAL, Context, Section, Table, as_of, empty, section

MEASURES = ("median_download_mbps", "p10_download_mbps")
DIMENSIONS = ("operator", "technology")
TREND_MONTHS = 24
TECH_ORDER = ("fixed", "5g", "4g", "3g", "satellite")


def day_names(ctx: Context) -> dict[int, str]:
    """ISO weekday (1 = Monday) -> its short name in the language (CLDR, through Babel)."""
    names = i18n.locale(ctx.lang).days["stand-alone"]["abbreviated"]
    return {d: names[d - 1] for d in range(1, 8)}


def hour_text(hour) -> str:
    """'20:00'."""
    return f"{int(hour):02d}:00"


def member_name(ctx: Context, dimension: str, member: str, operator_name=None) -> str:
    """An operator's name or a technology's."""
    if dimension == "operator":
        return operator_name if isinstance(operator_name, str) else member
    return ctx.t(f"common.tech_{member}")


def definition(ctx: Context) -> str:
    """How the busiest and the quietest hour are chosen (a caption)."""
    return ctx.t("busy.definition", tests=ctx.number(_min_tests(ctx)))


def _min_tests(ctx: Context) -> int:
    defs = ctx.query("quality/kpi_definitions").set_index("kpi_code")
    value = defs.loc["median_download_mbps", "min_tests"] if "median_download_mbps" in defs.index else None
    return int(value) if value is not None and pd.notna(value) else 0


def operators(ctx: Context) -> dict[str, str]:
    """Operator code -> name, for the heatmap's choice of operator."""
    frame = ctx.run("quality/operators")
    return dict(zip(frame.operator_code, frame.name))


def _scope_label(ctx: Context, district: str | None, operator: str | None) -> str:
    """'Atyrau region', 'Makat district', '… · Operator A'."""
    label = ctx.area_labels().get(district, district) if district and ctx.region else ctx.region_name(ctx.region)
    if operator:
        label += " · " + operators(ctx).get(operator, operator)
    return label


@section
def heatmap(ctx: Context, measure: str = "median_download_mbps", district: str | None = None,
            operator: str | None = None) -> Section:
    """The median (or the slow tenth) download by local hour × day of the week, over the period's tests."""
    title = ctx.t(f"busy.heatmap_title_{measure}")
    frame = ctx.query("quality/busy_heatmap", district=district, operator=operator)
    valued = frame.dropna(subset=[measure])
    if valued.empty:
        return empty("busy.heatmap", title)
    days = day_names(ctx)
    unit = ctx.unit_name("mbps")
    fig = charts.hour_heatmap(frame, measure, days, ctx.lang, unit, height=340)
    slow = valued.loc[valued[measure].idxmin()]
    fast = valued.loc[valued[measure].idxmax()]
    busy = frame.loc[frame.tests.idxmax()]
    summary = ctx.t(f"busy.heatmap_summary_{measure}", scope=_scope_label(ctx, district, operator),
                    slow_day=days[int(slow.weekday)], slow_hour=hour_text(slow.hour),
                    slow=ctx.unit(slow[measure], "mbps"), fast_day=days[int(fast.weekday)],
                    fast_hour=hour_text(fast.hour), fast=ctx.unit(fast[measure], "mbps"),
                    busy_day=days[int(busy.weekday)], busy_hour=hour_text(busy.hour))
    shown = frame.assign(day=frame.weekday.map(days), hour_label=frame.hour.map(hour_text))
    table = Table(shown, {"day": ctx.t("busy.day"), "hour_label": ctx.t("busy.hour"),
                          "median_download_mbps": ctx.t("busy.median"), "p10_download_mbps": ctx.t("busy.p10"),
                          "tests": ctx.t("common.tests")},
                  formats={"median_download_mbps": ctx.numbers(1), "p10_download_mbps": ctx.numbers(1),
                           "tests": ctx.numbers()},
                  name=f"busy_hours_{measure}", collapsed=ctx.t("busy.heatmap_table"))
    notes = (ctx.t("busy.heatmap_note", tests=ctx.number(_min_tests(ctx))),)
    return Section("busy.heatmap", title=title, subtitle=_scope_label(ctx, district, operator), figure=fig,
                   summary=summary, notes=notes, table=table, source=ctx.t("source.speed_tests"),
                   as_of=as_of(ctx), data=frame)


def _member_order(members: pd.Series) -> pd.Series:
    """Technologies from fixed to satellite, operators by code."""
    return members.map(lambda m: (TECH_ORDER.index(m) if m in TECH_ORDER else len(TECH_ORDER), m))


def _dips(ctx: Context, by: str) -> pd.DataFrame:
    frame = ctx.query("quality/busy_hour_dip")
    frame = frame[frame.dimension == by]
    names = {m: member_name(ctx, by, m, n) for m, n in zip(frame.member, frame.operator_name)}
    labels = {**ctx.with_region(None).area_labels(), NATIONAL: ctx.t("common.national")}
    return frame.assign(name=frame.member.map(names), area=frame.area_code.map(labels))


@section
def dip_ranking(ctx: Context, by: str = "operator") -> Section:
    """The busy-hour dip by operator (or technology): the scope's own against the country's, and the regions
    ranked (the largest dip first)."""
    title = ctx.t(f"busy.dip_title_{by}")
    frame = _dips(ctx, by)
    valued = frame.dropna(subset=["dip_pct"])
    if valued.empty:
        return empty("busy.dip", title)
    names = dict(zip(frame.member, frame.name))
    if ctx.region:
        shown = valued[valued.area_code.isin([ctx.region, NATIONAL])]
        fig = charts.grouped_bar(shown, "name", "dip_pct", "area", {}, ctx.lang, value_format=",.0f",
                                 axis_title=ctx.t("busy.axis_dip"), height=380)
    else:
        # The regions ranked by their mean dip, the country first: one row each, a column per operator/technology.
        regions = valued[valued.area_code != NATIONAL]
        order = [ctx.t("common.national"), *regions.groupby("area").dip_pct.mean().sort_values(ascending=False).index]
        members = {m: names[m] for m in valued.sort_values("member", key=_member_order).member.unique()}
        fig = charts.dip_matrix(valued, "area", "member", "dip_pct", order, members, ctx.lang)
    mine = valued[valued.area_code == (ctx.region or NATIONAL)].sort_values("dip_pct", ascending=False)
    if mine.empty:
        summary = None
    else:
        worst, best = mine.iloc[0], mine.iloc[-1]
        summary = ctx.t("busy.dip_summary", scope=ctx.region_name(ctx.region), worst=names[worst.member],
                        worst_dip=ctx.unit(worst.dip_pct, "pct", 0), busy_hour=hour_text(worst.busy_hour),
                        busy=ctx.unit(worst.busy_median_download_mbps, "mbps"), quiet_hour=hour_text(worst.quiet_hour),
                        quiet=ctx.unit(worst.quiet_median_download_mbps, "mbps"), best=names[best.member],
                        best_dip=ctx.unit(best.dip_pct, "pct", 0))
        if ctx.region and pd.notna(worst.rank_among_regions):
            summary += " " + ctx.t("busy.dip_rank", rank=int(worst.rank_among_regions),
                                   total=int(worst.regions_ranked), name=names[worst.member])
    listed = frame.sort_values(["area_code", "member"]).assign(
        busy_label=frame.busy_hour.map(hour_text), quiet_label=frame.quiet_hour.map(
            lambda h: hour_text(h) if pd.notna(h) else "—"))
    table = Table(listed, {"area": ctx.t("quality.area"), "name": ctx.t(f"quality.by_{by}"),
                           "busy_label": ctx.t("busy.busy_hour"), "busy_median_download_mbps": ctx.t("busy.busy_median"),
                           "quiet_label": ctx.t("busy.quiet_hour"),
                           "quiet_median_download_mbps": ctx.t("busy.quiet_median"),
                           "dip_pct": ctx.t("busy.dip"), "rank_among_regions": ctx.t("quality.rank"),
                           "busy_tests": ctx.t("busy.busy_tests")},
                  formats={"busy_median_download_mbps": ctx.numbers(1), "quiet_median_download_mbps": ctx.numbers(1),
                           "dip_pct": ctx.numbers(1), "rank_among_regions": ctx.numbers(),
                           "busy_tests": ctx.numbers()},
                  name=f"busy_hour_dip_{by}", collapsed=ctx.t("busy.dip_table"))
    return Section("busy.dip", title=title, figure=fig, summary=summary, notes=(definition(ctx),), table=table,
                   source=ctx.t("source.speed_tests"), as_of=as_of(ctx), data=valued)


@section
def dip_trend(ctx: Context, by: str = "operator") -> Section:
    """The busy-hour dip month by month, one line per operator (or technology)."""
    title = ctx.t(f"busy.dip_trend_title_{by}")
    window = periods.add_months(ctx.period.end, -TREND_MONTHS)
    frame = ctx.query("quality/busy_hour_dip_monthly", from_date=window)
    part = frame[(frame.dimension == by) & frame.dip_pct.notna()]
    if part.empty:
        return empty("busy.dip_trend", title)
    names = {m: member_name(ctx, by, m, n) for m, n in zip(part.member, part.operator_name)}
    fig = charts.trend(part, "month", "dip_pct", "member", names, ctx.lang, ctx.t("busy.axis_dip"),
                       unit_suffix=" %", height=380)
    last = part[part.month == part.month.max()].sort_values("dip_pct", ascending=False)
    summary = ctx.t("busy.dip_trend_summary", month=ctx.month(last.month.iloc[0]), worst=names[last.member.iloc[0]],
                    worst_dip=ctx.unit(last.dip_pct.iloc[0], "pct", 0), best=names[last.member.iloc[-1]],
                    best_dip=ctx.unit(last.dip_pct.iloc[-1], "pct", 0))
    table = Table(part.assign(name=part.member.map(names), busy_label=part.busy_hour.map(hour_text)),
                  {"month": ctx.t("common.month"), "name": ctx.t(f"quality.by_{by}"),
                   "busy_label": ctx.t("busy.busy_hour"), "dip_pct": ctx.t("busy.dip"),
                   "busy_tests": ctx.t("busy.busy_tests")},
                  formats={"month": ctx.month, "dip_pct": ctx.numbers(1), "busy_tests": ctx.numbers()},
                  name=f"busy_hour_dip_trend_{by}", collapsed=ctx.t("busy.dip_trend_table"))
    return Section("busy.dip_trend", title=title, figure=fig, summary=summary, table=table,
                   source=ctx.t("source.speed_tests"), as_of=as_of(ctx), data=part)
