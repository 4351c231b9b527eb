"""Quality of service: every region (or district) against the targets, one KPI on the map and ranked,
trends by operator and by technology, the urban-rural gap and the distribution of speeds."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dialogue import charts, kpi, maps, periods
from dialogue.sections import NATIONAL, Context, Section, Table, as_of, empty, section
from dialogue.sections import overview as national_kpis

# The matrix columns, in reading order: speeds, latency, the slow tenth and the outcome shares beside the medians
# (the slow and fast tails, what a test is fit for), then coverage.
MATRIX_KPIS = ("fixed_median_download_mbps", "mobile_median_download_mbps", "fixed_median_upload_mbps",
               "mobile_median_upload_mbps", "median_latency_ms", "p10_download_mbps", "tests_under_10_pct",
               "tests_video_call_pct", "tests_consistent_pct", "tests_at_least_100_pct",
               "settlements_4g_pct", "fibre_villages_pct", "city_5g_sites_pct")
# Speed bands from slow (red) to fast (green).
BAND_COLOURS = {"lt_2": "#C8102E", "2_10": "#E0604A", "10_25": "#F0A35E", "25_50": "#F2CF6B",
                "50_100": "#A8D5B0", "100_250": "#5BAE6E", "ge_250": "#2E8540"}
TREND_DIMENSIONS = ("technology", "operator")
TREND_METRICS = ("median_download_mbps", "p10_download_mbps", "tests_video_call_pct", "median_upload_mbps",
                 "median_latency_ms")
TREND_UNITS = {"median_latency_ms": "ms", "tests_video_call_pct": "pct"}   # others in Mbit/s
TREND_MONTHS = 24


def has_data(ctx: Context) -> bool:
    values = national_kpis.kpi_values(ctx)
    return bool(values[values.kpi_code.isin(MATRIX_KPIS)]["value"].notna().any())


def definitions(ctx: Context) -> pd.DataFrame:
    """How each KPI is defined and judged, with the region's minimum (quality/kpi_definitions)."""
    return ctx.query("quality/kpi_definitions").set_index("kpi_code")


def _detail(ctx: Context) -> pd.DataFrame:
    """The matrix KPIs by area: the region's districts, or the 20 regions; with area_code, rank, label."""
    if ctx.region:
        detail = ctx.query("quality/district_values").rename(columns={"district_kato": "area_code",
                                                                      "rank_in_region": "rank"})
    else:
        values = national_kpis.kpi_values(ctx)
        detail = values[values.region_code != NATIONAL].rename(columns={"region_code": "area_code",
                                                                        "rank_among_regions": "rank"})
    detail = detail[detail.kpi_code.isin(MATRIX_KPIS)]
    return detail.assign(label=detail.area_code.map(ctx.area_labels()))


def region_total_label(ctx: Context) -> str | None:
    """The region's own row among its districts is marked: a district may carry the region's name (Ulytau)."""
    return ctx.t("quality.region_total", name=ctx.region_name(ctx.region, short=True)) if ctx.region else None


def rag_text(ctx: Context, status) -> str:
    return ctx.t(f"common.rag_{status}" if isinstance(status, str) else "common.rag_none")


def _threshold_text(ctx: Context, d: pd.Series) -> str:
    """The regional minimum (a maximum where lower is better) of the chosen region, or their range."""
    key = "quality.threshold_max" if d["direction"] == "lower" else "quality.threshold_min"
    if ctx.region:
        value = ctx.unit(d["region_minimum"], d["unit"])
    else:
        value = ctx.t("quality.threshold_range", low=ctx.unit(d["lowest_minimum"], d["unit"]),
                      high=ctx.unit(d["highest_minimum"], d["unit"]))
    return ctx.t(key, value=value)


def definition_text(ctx: Context, code: str) -> str:
    """How a KPI is computed, its unit, target, threshold and source (markdown)."""
    d = definitions(ctx).loc[code]
    text = (f"**{ctx.t(f'kpi.name_{code}')}** — {ctx.t(f'kpi.def_{code}')}  \n"
            f"{ctx.t('kpi.unit')}: {ctx.unit_name(d['unit'])} · {ctx.t('kpi.target')}: "
            f"{ctx.unit(d['national_target'], d['unit'], 0)} ({ctx.date(d['target_date'])}) · "
            f"{_threshold_text(ctx, d)}  \n")
    if pd.notna(d["min_tests"]):
        text += f"{ctx.t('kpi.min_tests', tests=ctx.number(d['min_tests']))}  \n"
    return text + f":gray[{ctx.t('common.source')}: {kpi.source_text(d, ctx.lang)}]"


@section
def matrix(ctx: Context) -> Section:
    """Regions (or the region's districts) × KPIs, each cell coloured against the target and threshold."""
    title = ctx.t("quality.matrix_title_districts" if ctx.region else "quality.matrix_title")
    if not has_data(ctx):
        return empty("quality.matrix", title)
    values = national_kpis.kpi_values(ctx)
    values = values[values.kpi_code.isin(MATRIX_KPIS)]
    defs = definitions(ctx)
    scope_rows = values[values.region_code.isin([NATIONAL, ctx.region])].rename(columns={"region_code": "area_code"})
    scope_rows = scope_rows.assign(label=[ctx.t("common.national") if c == NATIONAL else region_total_label(ctx)
                                          for c in scope_rows.area_code])
    cells = pd.concat([scope_rows, _detail(ctx).sort_values("label")], ignore_index=True)
    previous = ctx.t("quality.previous", period=ctx.period.previous().label(ctx.lang))
    cells["text"] = [ctx.number(v) for v in cells.value]
    cells["hover"] = [f"{ctx.t(f'kpi.name_{r.kpi_code}')}: {ctx.unit(r.value, r.unit)} — {rag_text(ctx, r.rag)}<br>"
                      f"{previous}: {ctx.unit(r.prev_value, r.unit)}" for r in cells.itertuples()]
    rows = dict(zip(cells.area_code, cells.label))
    columns = {code: f"{ctx.t(f'quality.col_{code}')}<br>{ctx.unit_name(defs.loc[code, 'unit'])}" for code in MATRIX_KPIS}
    fig = charts.rag_matrix(cells, "area_code", "kpi_code", rows, columns, ctx.lang)
    legend = " · ".join(f":{colour}[■] {ctx.t(f'common.rag_{status}')}"
                        for status, colour in (("green", "green"), ("amber", "orange"), ("red", "red")))
    legend += (f" · :gray[■] {ctx.t('quality.no_value', tests=ctx.number(defs.min_tests.max()))}"
               f" · {ctx.t('quality.matrix_hint')}")
    areas = cells[~cells.area_code.isin([NATIONAL, ctx.region])]
    red = areas[areas.rag == "red"]
    summary = ctx.t("summary.matrix", count=int(red.area_code.nunique()), total=int(areas.area_code.nunique()),
                    cells=len(red))
    table = Table(cells.assign(kpi=[ctx.t(f"kpi.name_{c}") for c in cells.kpi_code],
                               status=[rag_text(ctx, r) for r in cells.rag]),
                  {"label": ctx.t("quality.area"), "kpi": ctx.t("quality.kpi"), "value": ctx.t("common.value"),
                   "prev_value": previous, "change": ctx.t("quality.change"), "status": ctx.t("quality.status"),
                   "minimum_value": ctx.t("quality.threshold")},
                  formats={"value": ctx.numbers(1), "prev_value": ctx.numbers(1), "change": ctx.signed_numbers(1),
                           "minimum_value": ctx.numbers(1)},
                  name="quality_matrix", collapsed=ctx.t("quality.matrix_table"))
    return Section("quality.matrix", title=title, figure=fig, notes=(legend,), summary=summary, table=table,
                   source=ctx.t("source.kpis"), as_of=as_of(ctx), data=cells)


def _one_kpi(ctx: Context, code: str) -> pd.DataFrame:
    return _detail(ctx).query("kpi_code == @code").assign(code=lambda d: d.area_code)


@section
def kpi_map(ctx: Context, code: str) -> Section:
    """One KPI across the regions, or the region's districts; a region's area opens it when clicked."""
    title = ctx.t("quality.map_title_districts" if ctx.region else "quality.map_title")
    one = _one_kpi(ctx, code)
    if not one.value.notna().any():
        return empty("quality.map", title)
    d = definitions(ctx).loc[code]
    fig = maps.choropleth(one.dropna(subset=["value"]), ctx.region, ctx.lang,
                          ctx.unit_name(d["unit"]), higher_is_better=d["direction"] == "higher")
    notes = [] if ctx.region else [ctx.t("quality.map_hint")]
    if ctx.region:
        mapped = ctx.districts().set_index("district_kato")["has_boundary"]
        unmapped = [label for c, label in zip(one.area_code, one.label) if not mapped.get(c, False)]
        if unmapped:
            notes.append(ctx.t("quality.not_on_map", names=", ".join(unmapped)))
    ranked = one.dropna(subset=["value"]).sort_values("rank")
    best, worst = ranked.iloc[0], ranked.iloc[-1]
    summary = ctx.t("summary.best_worst", best=best.label, best_value=ctx.unit(best.value, d["unit"]),
                    worst=worst.label, worst_value=ctx.unit(worst.value, d["unit"]))
    return Section("quality.map", title=title, figure=fig, notes=tuple(notes), summary=summary,
                   region_click=None if ctx.region else "location", source=ctx.t("source.kpis"), as_of=as_of(ctx),
                   data=one[["area_code", "label", "value"]])


@section
def kpi_ranking(ctx: Context, code: str) -> Section:
    """One KPI's areas ranked, coloured by status, with the table of values, previous values and ranks."""
    one = _one_kpi(ctx, code)
    ranked = one.dropna(subset=["value"]).sort_values("rank")
    title = ctx.t("quality.ranking_title", kpi=ctx.t(f"kpi.name_{code}"))
    if ranked.empty:
        return empty("quality.ranking", title)
    colours = [charts.RAG_COLOURS[r if isinstance(r, str) else None] for r in ranked.rag]
    fig = charts.bar(ranked, "label", "value", ctx.lang, horizontal=True, colours=colours, title=title,
                     height=max(320, 60 + 26 * len(ranked)), customdata="area_code")
    listed = one.sort_values(["rank", "label"])
    table = Table(listed.assign(status=[rag_text(ctx, r) for r in listed.rag]),
                  {"label": ctx.t("common.district" if ctx.region else "common.region"),
                   "value": ctx.t("common.value"),
                   "prev_value": ctx.t("quality.previous", period=ctx.period.previous().label(ctx.lang)),
                   "change": ctx.t("quality.change"), "status": ctx.t("quality.status"), "rank": ctx.t("quality.rank")},
                  formats={"value": ctx.numbers(1), "prev_value": ctx.numbers(1), "change": ctx.signed_numbers(1), "rank": ctx.numbers()},
                  name=f"quality_{code}", height=min(600, 38 + 35 * len(one)),
                  collapsed=ctx.t("quality.ranking_table"))
    return Section("quality.ranking", title=title, figure=fig, table=table,
                   region_click=None if ctx.region else "customdata", source=ctx.t("source.kpis"),
                   as_of=as_of(ctx), data=ranked[["area_code", "label", "value", "rag"]])


@section
def trend(ctx: Context, by: str = "technology", metric: str = "median_download_mbps") -> Section:
    """A speed measure month by month, one line per technology or per operator."""
    window = periods.add_months(ctx.period.end, -TREND_MONTHS)
    frame = ctx.query("quality/monthly_medians", from_date=window)
    part = frame[(frame.dimension == by) & frame[metric].notna()]
    title = ctx.t(f"quality.trend_chart_{by}", metric=ctx.t(f"quality.metric_{metric}"))
    if part.empty:
        return empty("quality.trend", title)
    names = {m: (n if by == "operator" else ctx.t(f"common.tech_{m}"))
             for m, n in zip(part.member, part.operator_name.fillna(""))}
    target = definitions(ctx).loc["median_download_mbps", "national_target"] if metric == "median_download_mbps" else None
    unit = TREND_UNITS.get(metric, "mbps")
    fig = charts.trend(part, "month", metric, "member", names, ctx.lang, ctx.t(f"quality.axis_{metric}"), title=title,
                       target=target, unit_suffix=" " + ctx.unit_name(unit),
                       target_label=ctx.t("quality.target_line", value=ctx.unit(target, "mbps", 0)) if target else None)
    last = part[part.month == part.month.max()].sort_values(metric, ascending=metric == "median_latency_ms")
    summary = ctx.t("summary.trend_leader", month=ctx.month(last.month.iloc[0]), leader=names[last.member.iloc[0]],
                    value=ctx.unit(last[metric].iloc[0], unit), last=names[last.member.iloc[-1]],
                    last_value=ctx.unit(last[metric].iloc[-1], unit))
    table = Table(part.assign(name=part.member.map(names)),
                  {"month": ctx.t("common.month"), "name": ctx.t(f"quality.by_{by}"),
                   metric: ctx.t(f"quality.metric_{metric}"), "tests": ctx.t("common.tests")},
                  formats={metric: ctx.numbers(1), "tests": ctx.numbers(), "month": ctx.month},
                  name=f"quality_trend_{by}", collapsed=ctx.t("quality.trend_table"))
    return Section("quality.trend", title=title, figure=fig, summary=summary, table=table,
                   source=ctx.t("source.speed_tests"), as_of=as_of(ctx), data=part)


@section
def urban_rural_gap(ctx: Context) -> Section:
    """Median download in towns against villages, for the scope and each of its areas."""
    title = ctx.t("quality.gap_title")
    gap = ctx.query("quality/urban_rural_gap")
    if gap.empty or not gap.urban_median_download_mbps.notna().any():
        return empty("quality.gap", title)
    labels = {**ctx.area_labels(), NATIONAL: ctx.t("common.national")}
    if ctx.region:
        labels[ctx.region] = region_total_label(ctx)
    gap = gap.assign(label=gap.area_code.map(labels))
    total = gap.iloc[0]
    summary = ctx.t("quality.gap_summary", urban=ctx.unit(total.urban_median_download_mbps, "mbps"),
                    rural=ctx.unit(total.rural_median_download_mbps, "mbps"), gap=ctx.unit(total.gap_mbps, "mbps"),
                    share=ctx.unit(total.rural_to_urban_pct, "pct", 0))
    sides = {"urban_median_download_mbps": ctx.t("common.urban"), "rural_median_download_mbps": ctx.t("common.rural")}
    long = gap.melt(id_vars=["area_code", "label"], value_vars=list(sides), var_name="side", value_name="median_mbps")
    fig = charts.grouped_bar(long, "label", "median_mbps", "side", sides, ctx.lang, horizontal=True, value_format=",.0f",
                             axis_title=ctx.t("quality.axis_median_download_mbps"), height=120 + 30 * len(gap))
    table = Table(gap, {"label": ctx.t("quality.area"), "urban_median_download_mbps": ctx.t("quality.urban_median"),
                        "rural_median_download_mbps": ctx.t("quality.rural_median"), "gap_mbps": ctx.t("quality.gap"),
                        "rural_to_urban_pct": ctx.t("quality.rural_to_urban"),
                        "urban_tests": ctx.t("quality.urban_tests"), "rural_tests": ctx.t("quality.rural_tests")},
                  formats={**dict.fromkeys(("urban_median_download_mbps", "rural_median_download_mbps",
                                            "rural_to_urban_pct"), ctx.numbers(1)), "gap_mbps": ctx.signed_numbers(1),
                           "urban_tests": ctx.numbers(), "rural_tests": ctx.numbers()},
                  name="quality_urban_rural", collapsed=ctx.t("quality.gap_table"))
    return Section("quality.gap", title=title, figure=fig, summary=summary, table=table,
                   source=ctx.t("source.speed_tests"), as_of=as_of(ctx), data=gap)


def _band_label(ctx: Context, row) -> str:
    """'under 2', '2–10', '250 and more' (Mbit/s)."""
    if pd.isna(row.lower_mbps):
        return ctx.t("quality.band_below", value=ctx.number(row.upper_mbps))
    if pd.isna(row.upper_mbps):
        return ctx.t("quality.band_above", value=ctx.number(row.lower_mbps))
    return f"{ctx.number(row.lower_mbps)}–{ctx.number(row.upper_mbps)}"


@section
def speed_bands(ctx: Context) -> Section:
    """The share of tests in each download-speed band, by technology: the slow tail the median hides."""
    title = ctx.t("quality.bands_title")
    bands = ctx.query("quality/speed_bands")
    if bands.tests.sum() == 0:
        return empty("quality.bands", title)
    bands = bands.assign(band=[_band_label(ctx, r) for r in bands.itertuples()],
                         tech_name=[ctx.t("quality.tech_all") if t == "all" else ctx.t(f"common.tech_{t}")
                                    for t in bands.technology])
    bands["tech"] = [f"{name} ({ctx.number(n)})" for name, n in zip(bands.tech_name, bands.technology_tests)]
    fig = charts.stacked_bars(bands, "tech", "share_pct", "band_code", dict(zip(bands.band_code, bands.band)), ctx.lang,
                              horizontal=True, percent=True, axis_title=ctx.t("quality.axis_share"),
                              colours=BAND_COLOURS, height=160 + 44 * bands.technology.nunique())
    everything = bands[bands.technology == "all"]
    slow = everything[everything.band_code.isin(["lt_2", "2_10"])].share_pct.sum()
    fast = everything[everything.band_code.isin(["100_250", "ge_250"])].share_pct.sum()
    table = Table(bands, {"tech_name": ctx.t("common.technology"), "band": ctx.t("quality.band"),
                          "tests": ctx.t("common.tests"), "share_pct": ctx.t("quality.share")},
                  formats={"tests": ctx.numbers(), "share_pct": ctx.numbers(1)}, name="quality_speed_bands",
                  collapsed=ctx.t("quality.bands_table"))
    return Section("quality.bands", title=title, figure=fig, notes=(ctx.t("quality.bands_hint"),), table=table,
                   summary=ctx.t("summary.bands", slow=ctx.unit(slow, "pct"), fast=ctx.unit(fast, "pct")),
                   source=ctx.t("source.speed_tests"), as_of=as_of(ctx), data=bands)


# ---- speed by source: the Ookla open-data tiles beside the speed tests -------------------------------------
TILE_KINDS = ("fixed", "mobile")
TILE_SOURCES = ("tile_download_mbps", "crowd_median_download_mbps", "operator_median_download_mbps",
                "regulator_median_download_mbps")
TILE_COLOURS = {"tile_download_mbps": "#6A3D9A", "crowd_median_download_mbps": "#1F77B4",
                "operator_median_download_mbps": "#FF7F0E", "regulator_median_download_mbps": "#2CA02C"}
NO_FIGURE = "#E5E7EB"


def _tiles(ctx: Context, kind: str) -> tuple[pd.DataFrame, str]:
    """Per area (the scope's own row first), the tiles' test-weighted mean beside the tests' medians, and
    the quarters the tiles come from (quality/tiles_by_source)."""
    frame = ctx.query("quality/tiles_by_source", tile_type=kind)
    if frame.empty or frame.tiles.sum() == 0:
        return frame, ""
    labels = {**ctx.area_labels(), NATIONAL: ctx.t("common.national")}
    if ctx.region:
        labels[ctx.region] = region_total_label(ctx)
    frame = frame.assign(label=frame.area_code.map(labels).fillna(frame.area_code))
    first, last = frame.quarter_from.iloc[0], frame.quarter_to.iloc[0]
    quarters = periods.period_of(first, "quarter").label(ctx.lang)
    if last != first:
        quarters += f" – {periods.period_of(last, 'quarter').label(ctx.lang)}"
    return frame, quarters


@section
def tiles_by_source(ctx: Context, kind: str = "fixed") -> Section:
    """Download speed by source: Ookla tiles (mean of the tiles' averages, weighted by tests) beside the
    median of crowd, operator and regulator tests, per area, with the tests and tiles behind each figure."""
    title = ctx.t("quality.tiles_title")
    frame, quarters = _tiles(ctx, kind)
    if not quarters:
        return empty("quality.tiles", title, message="quality.tiles_none")
    total = frame.iloc[0]

    def mbps(value) -> str:
        return ctx.unit(value, "mbps") if pd.notna(value) else ctx.t("quality.tiles_too_few")

    names = {c: ctx.t(f"quality.tiles_{c}") for c in TILE_SOURCES}
    long = frame.melt(id_vars=["area_code", "label"], value_vars=list(TILE_SOURCES), var_name="source",
                      value_name="mbps").dropna(subset=["mbps"])
    fig = charts.grouped_bar(long, "label", "mbps", "source", names, ctx.lang, horizontal=True, value_format=",.0f",
                             axis_title=ctx.t("quality.axis_median_download_mbps"), colours=TILE_COLOURS,
                             height=160 + 22 * len(long)) if len(long) else None
    summary = ctx.t("quality.tiles_summary", area=total.label, quarters=quarters, mean=mbps(total.tile_download_mbps),
                    tiles=ctx.number(total.tiles), tests=ctx.number(total.tile_tests),
                    crowd=mbps(total.crowd_median_download_mbps), operator=mbps(total.operator_median_download_mbps),
                    regulator=mbps(total.regulator_median_download_mbps))
    figures = dict.fromkeys(("tile_download_mbps", "tile_upload_mbps", "tile_latency_ms", "crowd_median_download_mbps",
                             "operator_median_download_mbps", "regulator_median_download_mbps"), ctx.numbers(1))
    counts = dict.fromkeys(("tile_tests", "tiles", "crowd_tests", "operator_tests", "regulator_tests"), ctx.numbers())
    table = Table(frame, {"label": ctx.t("quality.area"), "tile_download_mbps": names["tile_download_mbps"],
                          "tile_tests": ctx.t("quality.tiles_tile_tests"), "tiles": ctx.t("quality.tiles_tiles"),
                          "tile_upload_mbps": ctx.t("quality.tiles_upload"),
                          "tile_latency_ms": ctx.t("quality.tiles_latency"),
                          "crowd_median_download_mbps": names["crowd_median_download_mbps"],
                          "crowd_tests": ctx.t("quality.tiles_crowd_tests"),
                          "operator_median_download_mbps": names["operator_median_download_mbps"],
                          "operator_tests": ctx.t("quality.tiles_operator_tests"),
                          "regulator_median_download_mbps": names["regulator_median_download_mbps"],
                          "regulator_tests": ctx.t("quality.tiles_regulator_tests")},
                  formats={**figures, **counts}, name=f"quality_tiles_{kind}", collapsed=ctx.t("quality.tiles_table"))
    return Section("quality.tiles", title=title, figure=fig, summary=summary, table=table,
                   notes=(ctx.t("quality.tiles_caption", quarters=quarters, tests=ctx.number(total.min_tests)),),
                   source=ctx.t("quality.tiles_source"), as_of=as_of(ctx), data=long)


@section
def tiles_map(ctx: Context, kind: str = "fixed") -> Section:
    """The tiles' mean download on the map; areas without a figure stay on it, in grey."""
    title = ctx.t("quality.tiles_map_title")
    frame, quarters = _tiles(ctx, kind)
    areas = frame.iloc[1:] if quarters else frame
    mapped = areas.dropna(subset=["tile_download_mbps"]).assign(code=lambda d: d.area_code,
                                                                  value=lambda d: d.tile_download_mbps)
    if mapped.empty:
        return empty("quality.tiles_map", title, message="quality.tiles_none")
    fig = maps.choropleth(mapped, ctx.region, ctx.lang, ctx.unit_name("mbps"), title=title, height=420)
    fig.add_trace(go.Choropleth(geojson=maps.geometry_url(ctx.region), featureidkey="id", locations=areas.area_code,
                                z=[0] * len(areas), showscale=False, hoverinfo="skip",
                                colorscale=[[0, NO_FIGURE], [1, NO_FIGURE]],
                                marker={"line": {"color": "white", "width": 0.8}}))
    fig.data = (fig.data[-1], *fig.data[:-1])   # the grey under the coloured areas
    return Section("quality.tiles_map", title=title, figure=fig, source=ctx.t("quality.tiles_source"),
                   as_of=as_of(ctx), data=mapped[["area_code", "label", "value"]])
