"""The national picture: headline KPIs against the 2027 targets, the regions on a map and ranked, the
main trends."""

from __future__ import annotations

import pandas as pd

from dialogue import charts, i18n, kpi, maps, periods
from dialogue.sections import NATIONAL, Context, Metric, Section, as_of, empty, section

TREND_MONTHS = 24


def kpi_values(ctx: Context) -> pd.DataFrame:
    """Every KPI of every region and of the country in the period (kpi/region_values)."""
    return ctx.query("kpi/region_values")


def has_data(ctx: Context) -> bool:
    return bool(kpi_values(ctx)["value"].notna().any())


def map_kpis(ctx: Context) -> list[str]:
    """The KPIs a map can show, in their definition order."""
    return list(kpi_values(ctx).sort_values("sort_order").kpi_code.unique())


def source(ctx: Context) -> str:
    return ctx.t("source.kpis")


@section
def headline(ctx: Context) -> Section:
    """The six headline KPIs of the scope against the 2027 targets, with the change since the previous period."""
    title = ctx.t("overview.headline")
    values = kpi_values(ctx)
    if not values["value"].notna().any():
        return empty("overview.headline", title)
    national = values[values.region_code == NATIONAL].set_index("kpi_code")
    mine = values[values.region_code == (ctx.region or NATIONAL)].set_index("kpi_code")
    cards = []
    for code in kpi.HEADLINE:
        row = mine.loc[code]
        notes = [kpi.target_text(row, ctx.lang)]
        if not kpi.missing(row["rag"]):
            notes.insert(0, f":{kpi.RAG_MARKDOWN_COLOURS[row['rag']]}[●] {ctx.t('common.rag_' + row['rag'])}")
        if ctx.region and not kpi.missing(row["rank_among_regions"]):
            notes.append(ctx.t("common.rank_of", rank=int(row["rank_among_regions"]), total=int(row["regions_ranked"])))
            notes.append(ctx.t("overview.national_value", value=kpi.format_value(national.loc[code], ctx.lang)))
        cards.append(Metric(
            ctx.t(f"kpi.name_{code}"), kpi.format_value(row, ctx.lang), delta=kpi.format_change(row, ctx.lang),
            good=kpi.improved(row), rising=None if kpi.missing(row["change"]) or row["change"] == 0 else row["change"] > 0,
            help=ctx.t("overview.card_help", definition=ctx.t(f"kpi.def_{code}"),
                       target=ctx.unit(row["national_target"], row["unit"], 0), date=ctx.date(row["target_date"]),
                       source=kpi.source_text(row, ctx.lang)),
            note=" · ".join(notes)))
    shown = mine.loc[list(kpi.HEADLINE)]
    speed = mine.loc["median_download_mbps"]
    summary = ctx.t("summary.headline", count=int((shown.rag == "green").sum()), total=len(shown),
                    below=int((shown.rag == "red").sum()), speed=kpi.format_value(speed, ctx.lang),
                    change=kpi.format_change(speed, ctx.lang) or "—", period=ctx.period.previous().label(ctx.lang))
    return Section("overview.headline", title=title, metrics=tuple(cards), summary=summary,
                   subtitle=ctx.t("overview.changes_since", period=ctx.period.previous().label(ctx.lang)),
                   source=source(ctx), as_of=as_of(ctx), data=shown.reset_index())


def _by_region(ctx: Context, kpi_code: str) -> tuple[pd.DataFrame, pd.Series]:
    """One KPI for the 20 regions with their names, and the KPI's national row (unit, target, direction)."""
    values = kpi_values(ctx)
    national = values[(values.region_code == NATIONAL) & (values.kpi_code == kpi_code)].iloc[0]
    rows = values[(values.region_code != NATIONAL) & (values.kpi_code == kpi_code)].merge(ctx.regions(), on="region_code")
    rows["label"] = [i18n.region_name(r, ctx.lang) for _, r in rows.iterrows()]
    rows["short"] = [i18n.region_name(r, ctx.lang, short=True) for _, r in rows.iterrows()]
    rows["code"] = rows.region_code
    return rows, national


def _best_and_worst(ctx: Context, ranked: pd.DataFrame, unit: str) -> str:
    best, worst = ranked.iloc[0], ranked.iloc[-1]
    return ctx.t("summary.best_worst", best=best.short, best_value=ctx.unit(best.value, unit),
                 worst=worst.short, worst_value=ctx.unit(worst.value, unit))


@section
def region_map(ctx: Context, kpi_code: str) -> Section:
    """One KPI across the 20 regions on a map; a click opens the region."""
    title = ctx.t("overview.map_title", kpi=ctx.t(f"kpi.name_{kpi_code}"))
    rows, national = _by_region(ctx, kpi_code)
    if not rows.value.notna().any():
        return empty("overview.map", title)
    fig = maps.choropleth(rows, None, ctx.lang, ctx.unit_name(national["unit"]), title=title,
                          higher_is_better=national["direction"] == "higher", selected=ctx.region)
    ranked = rows.dropna(subset=["value"]).sort_values("rank_among_regions")
    return Section("overview.map", figure=fig, region_click="location", notes=(ctx.t("overview.map_hint"),),
                   summary=_best_and_worst(ctx, ranked, national["unit"]), source=source(ctx), as_of=as_of(ctx),
                   data=rows[["region_code", "label", "value"]])


@section
def region_ranking(ctx: Context, kpi_code: str) -> Section:
    """One KPI's regions ranked, coloured by status; the chosen region stands out."""
    rows, national = _by_region(ctx, kpi_code)
    ranked = rows.dropna(subset=["value"]).sort_values("rank_among_regions")
    if ranked.empty:
        return empty("overview.ranking", ctx.t("overview.ranking_title"))
    colours = [charts.RAG_COLOURS[r if isinstance(r, str) else None] for r in ranked.rag]
    if ctx.region:
        colours = [c if code == ctx.region else c + "66" for c, code in zip(colours, ranked.region_code)]
    fig = charts.bar(ranked, "short", "value", ctx.lang, horizontal=True, colours=colours,
                     title=ctx.t("overview.ranking_title"), height=560,
                     value_format=",.0f" if national["unit"] in ("km", "households") else ",.1f")
    return Section("overview.ranking", figure=fig, source=source(ctx), as_of=as_of(ctx),
                   data=ranked[["region_code", "short", "value", "rag"]])


def _trend(ctx: Context) -> tuple[pd.DataFrame, dict]:
    start = periods.add_months(ctx.period.end, -TREND_MONTHS)
    trend = ctx.query("overview/monthly_download_trend", from_date=start)
    names = {NATIONAL: ctx.t("common.national")}
    if ctx.region:
        names[ctx.region] = ctx.region_name(ctx.region, short=True)
    return trend, names


@section
def download_trend(ctx: Context) -> Section:
    """Median download month by month, the region against the country, with the 2027 target."""
    trend, names = _trend(ctx)
    title = ctx.t("overview.trend_title")
    if trend.empty:
        return empty("overview.download_trend", title)
    target = kpi_values(ctx).set_index(["region_code", "kpi_code"]).loc[(NATIONAL, "median_download_mbps")]
    fig = charts.trend(trend, "month", "median_download_mbps", "scope", names, ctx.lang, ctx.t("overview.axis_mbps"),
                       title=title, target=float(target["national_target"]),
                       target_label=ctx.t("overview.target_line", value=ctx.unit(target["national_target"], "mbps", 0)))
    return Section("overview.download_trend", figure=fig, summary=_trend_summary(ctx, trend, "median_download_mbps", "mbps"),
                   source=ctx.t("source.speed_tests"), as_of=as_of(ctx), data=trend)


@section
def slow_trend(ctx: Context) -> Section:
    """The share of tests under 10 Mbit/s month by month."""
    trend, names = _trend(ctx)
    title = ctx.t("overview.slow_title")
    if trend.empty:
        return empty("overview.slow_trend", title)
    fig = charts.trend(trend, "month", "tests_under_10_pct", "scope", names, ctx.lang, ctx.t("overview.axis_pct"),
                       title=title, unit_suffix="%")
    return Section("overview.slow_trend", figure=fig, summary=_trend_summary(ctx, trend, "tests_under_10_pct", "pct"),
                   source=ctx.t("source.speed_tests"), as_of=as_of(ctx), data=trend)


def _trend_summary(ctx: Context, trend: pd.DataFrame, column: str, unit: str) -> str | None:
    """'Atyrau: 74.0 Mbit/s in Oct 2026, 61.2 Mbit/s a year before.'"""
    scope = ctx.region or NATIONAL
    series = trend[trend.scope == scope].dropna(subset=[column]).sort_values("month")
    if series.empty:
        return None
    last = series.iloc[-1]
    year_before = series[series.month == pd.Timestamp(last.month) - pd.DateOffset(years=1)]
    before = ctx.unit(year_before[column].iloc[0], unit) if len(year_before) else "—"
    return ctx.t("summary.trend", scope=ctx.region_name(ctx.region, short=True), value=ctx.unit(last[column], unit),
                 month=ctx.month(last.month), before=before)
