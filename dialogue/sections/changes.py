"""What changed since the previous period, in sentences generated from the data: the one-page summary
that opens a briefing pack (and a meeting's "since last time")."""

from __future__ import annotations

import pandas as pd

from dialogue import i18n, kpi
from dialogue.sections import NATIONAL, Context, Section, Table, as_of, empty
from dialogue.sections import overview as national_kpis

# The KPIs the summary speaks about, in the order a reader expects them.
SPOKEN_KPIS = ("median_download_mbps", "fixed_median_download_mbps", "mobile_median_download_mbps",
               "tests_under_10_pct", "median_latency_ms", "settlements_4g_pct", "fibre_villages_pct",
               "city_5g_sites_pct", "road_4g_km")
MIN_COMPLAINTS = 10      # a category's rise is news only above this many complaints
RATIO_NEWS = 1.5         # … and when it grew by half or more


def _kpi_sentence(ctx: Context, row: pd.Series) -> str | None:
    """'Median download speed rose 12% to 74 Mbit/s' (shares: by percentage points)."""
    if kpi.missing(row["value"]) or kpi.missing(row["prev_value"]) or row["value"] == row["prev_value"] == 0:
        return None
    name = ctx.t(f"kpi.name_{row.name}")
    value = kpi.format_value(row, ctx.lang)
    if row["unit"] == "pct" or row["prev_value"] == 0:
        change = kpi.format_change(row, ctx.lang).lstrip("+-±")
    else:
        change = ctx.unit(abs(row["value"] / row["prev_value"] - 1) * 100, "pct", 0)
    if abs(row["change"]) < 1e-9 or change in (ctx.unit(0, "pct", 0), ctx.number(0)):
        return ctx.t("packs.kpi_same", kpi=name, value=value)
    return ctx.t("packs.kpi_up" if row["change"] > 0 else "packs.kpi_down", kpi=name, change=change, value=value)


def _kpi_table(ctx: Context, values: pd.DataFrame) -> Table:
    scope = ctx.region or NATIONAL
    mine = values[values.region_code == scope].set_index("kpi_code")
    country = values[values.region_code == NATIONAL].set_index("kpi_code")
    codes = [c for c in SPOKEN_KPIS if c in mine.index]
    frame = pd.DataFrame({
        "kpi": [ctx.t(f"kpi.name_{c}") for c in codes],
        "unit": [ctx.unit_name(mine.loc[c, "unit"]) for c in codes],
        "value": [mine.loc[c, "value"] for c in codes],
        "prev_value": [mine.loc[c, "prev_value"] for c in codes],
        "change": [mine.loc[c, "change"] for c in codes],
        "national": [country.loc[c, "value"] for c in codes],
        "target": [mine.loc[c, "national_target"] for c in codes],
        "status": [ctx.t(f"common.rag_{r}") if isinstance(r, str) else "—" for r in mine.loc[codes, "rag"]],
    })
    columns = {"kpi": ctx.t("packs.col_kpi"), "unit": ctx.t("packs.col_unit"), "value": ctx.period.label(ctx.lang),
               "prev_value": ctx.period.previous().label(ctx.lang), "change": ctx.t("packs.col_change"),
               "target": ctx.t("packs.col_target"), "status": ctx.t("packs.col_status")}
    if ctx.region:
        columns = {**dict(list(columns.items())[:5]), "national": ctx.t("common.national"),
                   **dict(list(columns.items())[5:])}
    formats = {"value": ctx.numbers(1), "prev_value": ctx.numbers(1), "change": ctx.signed_numbers(1),
               "national": ctx.numbers(1), "target": ctx.numbers()}
    return Table(frame, columns, formats={k: f for k, f in formats.items() if k in columns}, name="changes")


def _rank_sentence(ctx: Context, values: pd.DataFrame) -> str | None:
    if not ctx.region:
        return None
    row = values[(values.region_code == ctx.region) & (values.kpi_code == "median_download_mbps")]
    nat = values[(values.region_code == NATIONAL) & (values.kpi_code == "median_download_mbps")]
    if row.empty or kpi.missing(row.rank_among_regions.iloc[0]):
        return None
    return ctx.t("packs.rank", region=ctx.region_name(ctx.region, short=True), rank=int(row.rank_among_regions.iloc[0]),
                 total=int(row.regions_ranked.iloc[0]), national=kpi.format_value(nat.iloc[0], ctx.lang))


def _area_name(ctx: Context, code: str) -> str:
    return ctx.area_labels().get(code, code)


def _complaint_sentences(ctx: Context) -> list[str]:
    """The total against the period before, and the category and area that rose most."""
    counts = ctx.query("packs/complaint_changes")
    total = counts[(counts.area_code == "total") & (counts.category == "all")]
    if total.empty or not (total.complaints.iloc[0] or total.prev_complaints.iloc[0]):
        return []
    t = total.iloc[0]
    previous = ctx.period.previous().label(ctx.lang)
    sentences = [ctx.t("packs.complaints_total", count=int(t.complaints), prev=ctx.number(t.prev_complaints),
                       period=previous)]
    rises = counts[(counts.area_code != "total") & (counts.category != "all")
                   & (counts.complaints >= MIN_COMPLAINTS) & (counts.ratio >= RATIO_NEWS)]
    if rises.empty:  # a small area: the categories over the whole scope
        rises = counts[(counts.area_code == "total") & (counts.category != "all")
                       & (counts.complaints >= MIN_COMPLAINTS) & (counts.ratio >= RATIO_NEWS)]
    if len(rises):
        top = rises.sort_values(["ratio", "complaints"], ascending=False).iloc[0]
        category = ctx.t(f"complaints.category_{top.category}")
        place = ctx.region_name(ctx.region, short=True) if top.area_code == "total" else _area_name(ctx, top.area_code)
        key = "packs.complaints_doubled" if 1.9 <= top.ratio < 2.5 else "packs.complaints_rose"
        sentences.append(ctx.t(key, category=category, place=place, count=int(top.complaints),
                               prev=ctx.number(top.prev_complaints), ratio=ctx.number(top.ratio, 1)))
    return sentences


def _bottleneck_sentence(ctx: Context) -> str | None:
    s = ctx.query("bottlenecks/summary")
    if s.empty or not (s.open_bottlenecks.iloc[0] or s.prev_open_bottlenecks.iloc[0]):
        return None
    s = s.iloc[0]
    return ctx.t("packs.bottlenecks", count=int(s.open_bottlenecks), change=ctx.signed(s.open_change),
                 period=ctx.period.previous().label(ctx.lang), overdue=ctx.number(s.overdue),
                 akimat=ctx.number(s.akimat_open))


def _rollout_sentence(ctx: Context) -> str | None:
    """The programme furthest behind its deadline at the current pace."""
    f = ctx.query("rollout/progress_forecast")
    f = f[(f.level == "total") & f.planned_units.gt(0)]
    if f.empty:
        return None
    late = f[f.outlook.isin(["late", "stalled"])]
    if late.empty:
        return ctx.t("packs.rollout_on_time", count=len(f))
    worst = late.sort_values("days_late", ascending=False, na_position="first").iloc[0]
    name = ctx.t(f"rollout.programme_{worst.programme}")
    if worst.outlook == "stalled" or pd.isna(worst.forecast_date):
        return ctx.t("packs.rollout_stalled", programme=name, progress=ctx.unit(worst.progress_pct, "pct", 0))
    return ctx.t("packs.rollout_late", programme=name, progress=ctx.unit(worst.progress_pct, "pct", 0),
                 forecast=i18n.fmt_month(worst.forecast_date, ctx.lang, short=False), deadline=ctx.date(worst.target_date),
                 late=ctx.number(len(late)))


def summary(ctx: Context) -> Section:
    """Sentences on what changed since the previous period: KPIs, the region's rank, complaints,
    bottlenecks and rollout; with the table of KPIs behind them."""
    title = ctx.t("packs.changes_title", period=ctx.period.previous().label(ctx.lang))
    values = national_kpis.kpi_values(ctx)
    if not values["value"].notna().any():
        return empty("changes.summary", title)
    mine = values[values.region_code == (ctx.region or NATIONAL)].set_index("kpi_code")
    sentences = [s for s in (_kpi_sentence(ctx, mine.loc[c]) for c in SPOKEN_KPIS if c in mine.index) if s]
    sentences += [s for s in [_rank_sentence(ctx, values), *_complaint_sentences(ctx), _bottleneck_sentence(ctx),
                              _rollout_sentence(ctx)] if s]
    lead = sentences[0] if sentences else None
    return Section("changes.summary", title=title, subtitle=ctx.scope_name(), summary=lead, notes=tuple(sentences),
                   table=_kpi_table(ctx, values), source=ctx.t("packs.changes_source"), as_of=as_of(ctx))
