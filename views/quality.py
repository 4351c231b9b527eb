# page: order=20 title=quality.page_title icon=:material/speed: url=quality
"""Quality KPIs: every region (or district) against the targets, the map, trends by operator and by
technology, the urban-rural gap and the distribution of speeds."""

from datetime import timedelta

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dialogue import charts, i18n, kpi, maps, periods, ui

# The matrix columns, in reading order: speeds, latency, the slow and fast tails, then coverage.
MATRIX_KPIS = ("fixed_median_download_mbps", "mobile_median_download_mbps", "fixed_median_upload_mbps",
               "mobile_median_upload_mbps", "median_latency_ms", "tests_under_10_pct", "tests_at_least_100_pct",
               "settlements_4g_pct", "fibre_villages_pct", "city_5g_sites_pct")
# Speed bands from slow (red) to fast (green).
BAND_COLOURS = {"lt_2": "#C8102E", "2_10": "#E0604A", "10_25": "#F0A35E", "25_50": "#F2CF6B",
                "50_100": "#A8D5B0", "100_250": "#5BAE6E", "ge_250": "#2E8540"}
TREND_METRICS = ("median_download_mbps", "median_upload_mbps", "median_latency_ms")

f = ui.filters()
lang = f.lang  # widgets' format_func use it directly: AppTest calls them outside the session
ui.page_title("quality.page_title")

values = ui.query("kpi/region_values", **f.period.params())
values = values[values.kpi_code.isin(MATRIX_KPIS)]
if values["value"].notna().sum() == 0:
    ui.empty_state()
    st.stop()
definitions = ui.query("quality/kpi_definitions", region=f.region).set_index("kpi_code")
districts = ui.districts().set_index("district_kato")
if f.region:
    detail = ui.query("quality/district_values", region=f.region, **f.period.params())
    detail = detail[detail.kpi_code.isin(MATRIX_KPIS)].rename(columns={"district_kato": "area_code",
                                                                       "rank_in_region": "rank"})
    detail_labels = {code: i18n.place_name(row, lang) for code, row in districts.iterrows()}
else:
    detail = values[values.region_code != "KZ"].rename(columns={"region_code": "area_code",
                                                                "rank_among_regions": "rank"})
    detail_labels = {code: i18n.region_name(row, lang, short=True)
                     for code, row in ui.regions().set_index("region_code").iterrows()}
detail = detail.assign(label=detail.area_code.map(detail_labels))
# The region's own row among its districts: marked, since a district may carry the region's name (Ulytau).
region_total = ui.t("quality.region_total", name=ui.region_label(f.region, short=True)) if f.region else None


def unit_label(unit: str) -> str:
    return ui.t(f"common.unit_{unit}", value="").strip()


def threshold_text(code: str) -> str:
    """The regional minimum (a maximum where lower is better) of the chosen region, or their range."""
    d = definitions.loc[code]
    key = "quality.threshold_max" if d["direction"] == "lower" else "quality.threshold_min"
    if f.region:
        value = i18n.fmt_unit(d["region_minimum"], d["unit"], lang)
    else:
        value = ui.t("quality.threshold_range", low=i18n.fmt_unit(d["lowest_minimum"], d["unit"], lang),
                     high=i18n.fmt_unit(d["highest_minimum"], d["unit"], lang))
    return ui.t(key, value=value)


def definition_markdown(code: str) -> str:
    """How a KPI is computed, its unit, target, threshold and source."""
    d = definitions.loc[code]
    return (f"**{ui.t(f'kpi.name_{code}')}** — {ui.t(f'kpi.def_{code}')}  \n"
            f"{ui.t('kpi.unit')}: {unit_label(d['unit'])} · {ui.t('kpi.target')}: "
            f"{i18n.fmt_unit(d['national_target'], d['unit'], lang, 0)} ({i18n.fmt_date(d['target_date'], lang)}) · "
            f"{threshold_text(code)}  \n"
            + (f"{ui.t('kpi.min_tests', tests=count(d['min_tests']))}  \n" if pd.notna(d["min_tests"]) else "")
            + f":gray[{ui.t('common.source')}: {kpi.source_text(d, lang)}]")


def rag_text(status) -> str:
    return ui.t(f"common.rag_{status}" if isinstance(status, str) else "common.rag_none")


def number(value) -> str:
    return i18n.fmt_number(value, lang, 1)


def signed(value) -> str:
    return i18n.fmt_signed(value, lang, 1)


def count(value) -> str:
    return i18n.fmt_number(value, lang)


def band_label(row) -> str:
    """'under 2', '2–10', '250 and more' (Mbit/s)."""
    if pd.isna(row.lower_mbps):
        return ui.t("quality.band_below", value=i18n.fmt_number(row.upper_mbps, lang))
    if pd.isna(row.upper_mbps):
        return ui.t("quality.band_above", value=i18n.fmt_number(row.lower_mbps, lang))
    return f"{i18n.fmt_number(row.lower_mbps, lang)}–{i18n.fmt_number(row.upper_mbps, lang)}"


# ---- the matrix: regions (or the region's districts) x KPIs, coloured against the thresholds ----------
head, info = st.columns([5, 1], vertical_alignment="bottom")
head.subheader(ui.t("quality.matrix_title_districts" if f.region else "quality.matrix_title"))
with info.popover(ui.t("quality.definitions"), icon=":material/info:", width="stretch"):
    for code in MATRIX_KPIS:
        st.markdown(definition_markdown(code))

scope_rows = values[values.region_code.isin(["KZ", f.region])].rename(columns={"region_code": "area_code"})
scope_rows = scope_rows.assign(label=[ui.t("common.national") if c == "KZ" else region_total for c in scope_rows.area_code])
matrix = pd.concat([scope_rows, detail.sort_values("label")], ignore_index=True)
matrix["text"] = [i18n.fmt_number(v, lang, 0) for v in matrix.value]
matrix["hover"] = [f"{ui.t(f'kpi.name_{r.kpi_code}')}: {i18n.fmt_unit(r.value, r.unit, lang)} — {rag_text(r.rag)}<br>"
                   f"{ui.t('quality.previous', period=f.period.previous().label(lang))}: "
                   f"{i18n.fmt_unit(r.prev_value, r.unit, lang)}" for r in matrix.itertuples()]
rows = dict(zip(matrix.area_code, matrix.label))
columns = {code: f"{ui.t(f'quality.col_{code}')}<br>{unit_label(definitions.loc[code, 'unit'])}" for code in MATRIX_KPIS}
ui.chart(charts.rag_matrix(matrix, "area_code", "kpi_code", rows, columns, lang), key="quality_matrix")
st.caption(" · ".join(f":{colour}[■] {ui.t(f'common.rag_{status}')}" for status, colour in
                      (("green", "green"), ("amber", "orange"), ("red", "red")))
           + f" · :gray[■] {ui.t('quality.no_value', tests=count(definitions.min_tests.max()))}"
           + f" · {ui.t('quality.matrix_hint')}")
with st.expander(ui.t("quality.matrix_table")):
    table = matrix.assign(kpi=[ui.t(f"kpi.name_{c}") for c in matrix.kpi_code],
                          status=[rag_text(r) for r in matrix.rag])
    ui.table(table, {"label": ui.t("quality.area"), "kpi": ui.t("quality.kpi"), "value": ui.t("common.value"),
                     "prev_value": ui.t("quality.previous", period=f.period.previous().label(lang)),
                     "change": ui.t("quality.change"), "status": ui.t("quality.status"),
                     "minimum_value": ui.t("quality.threshold")},
             "quality_matrix", "quality_matrix_table",
             formats={"value": number, "prev_value": number, "change": signed, "minimum_value": number})

# ---- one KPI on the map and ranked ------------------------------------------------------------------
st.subheader(ui.t("quality.map_title_districts" if f.region else "quality.map_title"))
pick, about = st.columns([5, 1], vertical_alignment="bottom")
chosen = pick.selectbox(ui.t("quality.map_kpi"), MATRIX_KPIS, format_func=lambda c: i18n.t(f"kpi.name_{c}", lang),
                        key="quality_map_kpi")
with about.popover(ui.t("kpi.definition"), icon=":material/info:", width="stretch"):
    st.markdown(definition_markdown(chosen))
one = detail[detail.kpi_code == chosen].assign(code=lambda d: d.area_code)
higher = definitions.loc[chosen, "direction"] == "higher"
unit = definitions.loc[chosen, "unit"]
left, right = st.columns([3, 2])
with left:
    if one.value.notna().any():
        fig = maps.choropleth(one.dropna(subset=["value"]), "districts" if f.region else "regions", lang,
                              unit_label(unit), higher_is_better=higher)
        if f.region:
            ui.chart(fig, key="quality_map_districts")
        else:
            ui.follow_region_click(ui.chart(fig, key="quality_map", clickable=True), "quality_map")
            st.caption(ui.t("quality.map_hint"))
        unmapped = [detail_labels[c] for c in one.area_code if f.region and not districts.loc[c, "has_boundary"]]
        if unmapped:
            st.caption(ui.t("quality.not_on_map", names=", ".join(unmapped)))
    else:
        ui.empty_state()
with right:
    ranked = one.dropna(subset=["value"]).sort_values("rank")
    if len(ranked):
        colours = [charts.RAG_COLOURS[r if isinstance(r, str) else None] for r in ranked.rag]
        fig = charts.bar(ranked, "label", "value", lang, horizontal=True, colours=colours,
                         title=ui.t("quality.ranking_title", kpi=ui.t(f"kpi.name_{chosen}")),
                         height=max(320, 60 + 26 * len(ranked)), customdata="area_code")
        if f.region:
            ui.chart(fig, key="quality_ranking_districts")
        else:
            ui.follow_region_click(ui.chart(fig, key="quality_ranking", clickable=True), "quality_ranking",
                                   field="customdata")
ranked_all = one.sort_values(["rank", "label"])
ui.table(ranked_all.assign(status=[rag_text(r) for r in ranked_all.rag]),
         {"label": ui.t("common.district" if f.region else "common.region"), "value": ui.t("common.value"),
          "prev_value": ui.t("quality.previous", period=f.period.previous().label(lang)),
          "change": ui.t("quality.change"), "status": ui.t("quality.status"), "rank": ui.t("quality.rank")},
         f"quality_{chosen}", "quality_map_table", height=min(600, 38 + 35 * len(one)),
         formats={"value": number, "prev_value": number, "change": signed, "rank": count})

# ---- trends by operator and by technology -----------------------------------------------------------
st.subheader(ui.t("quality.trend_title"))
window = periods.add_months(f.period.end, -24)
trend = ui.query("quality/monthly_medians", region=f.region, from_date=window, end_date=f.period.end)
c1, c2 = st.columns(2)
by = c1.segmented_control(ui.t("quality.trend_by"), ("technology", "operator"), default="technology", required=True,
                          format_func=lambda d: i18n.t(f"quality.by_{d}", lang), key="quality_trend_by")
metric = c2.segmented_control(ui.t("quality.trend_metric"), TREND_METRICS, default=TREND_METRICS[0],
                              required=True, format_func=lambda m: i18n.t(f"quality.metric_{m}", lang),
                              key="quality_trend_metric")
part = trend[(trend.dimension == by) & trend[metric].notna()]
if len(part):
    names = {m: (n if by == "operator" else ui.t(f"common.tech_{m}"))
             for m, n in zip(part.member, part.operator_name.fillna(""))}
    target = definitions.loc["median_download_mbps", "national_target"] if metric == "median_download_mbps" else None
    suffix = " " + unit_label("ms" if metric == "median_latency_ms" else "mbps")
    fig = charts.trend(part, "month", metric, "member", names, lang, ui.t(f"quality.axis_{metric}"),
                       title=ui.t(f"quality.trend_chart_{by}", metric=ui.t(f"quality.metric_{metric}")),
                       target=target, target_label=ui.t("quality.target_line", value=i18n.fmt_unit(target, "mbps", lang, 0))
                       if target else None, unit_suffix=suffix)
    ui.chart(fig, key="quality_trend")
    with st.expander(ui.t("quality.trend_table")):
        ui.table(part.assign(name=part.member.map(names)),
                 {"month": ui.t("common.month"), "name": ui.t(f"quality.by_{by}"), metric: ui.t(f"quality.metric_{metric}"),
                  "tests": ui.t("common.tests")}, f"quality_trend_{by}", "quality_trend_table",
                 formats={metric: number, "tests": count, "month": lambda d: periods.period_of(d, "month").label(lang)})
else:
    ui.empty_state()

# ---- the urban-rural gap --------------------------------------------------------------------------------
st.subheader(ui.t("quality.gap_title"))
gap = ui.query("quality/urban_rural_gap", region=f.region, start_date=f.period.start, end_date=f.period.end)
if len(gap) and gap.urban_median_download_mbps.notna().any():
    labels = {**detail_labels, "KZ": ui.t("common.national")}
    if f.region:
        labels[f.region] = region_total
    gap["label"] = gap.area_code.map(labels)
    total = gap.iloc[0]
    st.markdown(ui.t("quality.gap_summary", urban=i18n.fmt_unit(total.urban_median_download_mbps, "mbps", lang),
                     rural=i18n.fmt_unit(total.rural_median_download_mbps, "mbps", lang),
                     gap=i18n.fmt_unit(total.gap_mbps, "mbps", lang),
                     share=i18n.fmt_unit(total.rural_to_urban_pct, "pct", lang, 0)))
    sides = {"urban_median_download_mbps": ui.t("common.urban"), "rural_median_download_mbps": ui.t("common.rural")}
    long = gap.melt(id_vars=["area_code", "label"], value_vars=list(sides), var_name="side", value_name="median_mbps")
    fig = charts.grouped_bar(long, "label", "median_mbps", "side", sides, lang, horizontal=True, value_format=",.0f",
                             axis_title=ui.t("quality.axis_median_download_mbps"), height=120 + 30 * len(gap))
    ui.chart(fig, key="quality_gap")
    with st.expander(ui.t("quality.gap_table")):
        ui.table(gap, {"label": ui.t("quality.area"), "urban_median_download_mbps": ui.t("quality.urban_median"),
                       "rural_median_download_mbps": ui.t("quality.rural_median"), "gap_mbps": ui.t("quality.gap"),
                       "rural_to_urban_pct": ui.t("quality.rural_to_urban"), "urban_tests": ui.t("quality.urban_tests"),
                       "rural_tests": ui.t("quality.rural_tests")},
                 "quality_urban_rural", "quality_gap_table",
                 formats={**dict.fromkeys(("urban_median_download_mbps", "rural_median_download_mbps",
                                           "rural_to_urban_pct"), number), "gap_mbps": signed,
                          "urban_tests": count, "rural_tests": count})
else:
    ui.empty_state()

# ---- the distribution of speeds, not only the median --------------------------------------------------
st.subheader(ui.t("quality.bands_title"))
bands = ui.query("quality/speed_bands", region=f.region, start_date=f.period.start, end_date=f.period.end)
if bands.tests.sum() > 0:
    bands["band"] = [band_label(r) for r in bands.itertuples()]
    bands["tech_name"] = [ui.t("quality.tech_all") if t == "all" else ui.t(f"common.tech_{t}") for t in bands.technology]
    bands["tech"] = [f"{name} ({count(n)})" for name, n in zip(bands.tech_name, bands.technology_tests)]
    fig = charts.stacked_bars(bands, "tech", "share_pct", "band_code", dict(zip(bands.band_code, bands.band)), lang,
                              horizontal=True, percent=True, axis_title=ui.t("quality.axis_share"),
                              colours=BAND_COLOURS, height=160 + 44 * bands.technology.nunique())
    ui.chart(fig, key="quality_bands")
    st.caption(ui.t("quality.bands_hint"))
    with st.expander(ui.t("quality.bands_table")):
        ui.table(bands, {"tech_name": ui.t("common.technology"), "band": ui.t("quality.band"),
                         "tests": ui.t("common.tests"), "share_pct": ui.t("quality.share")},
                 "quality_speed_bands", "quality_bands_table", formats={"tests": count, "share_pct": number})
else:
    ui.empty_state()


# ---- speed by source: the Ookla open-data tiles beside the speed tests (self-contained block) ------------
TILE_SOURCES = ("tile_download_mbps", "crowd_median_download_mbps", "operator_median_download_mbps",
                "regulator_median_download_mbps")
TILE_COLOURS = {"tile_download_mbps": "#6A3D9A", "crowd_median_download_mbps": "#1F77B4",
                "operator_median_download_mbps": "#FF7F0E", "regulator_median_download_mbps": "#2CA02C"}


def tiles_section(labels: dict) -> None:
    """Per area, the tiles' test-weighted mean download (tests and tiles behind it) beside the median
    download of crowd, operator and regulator tests; on a map and in a table (quality/tiles_by_source).
    Uses the page's filters (f, lang) and formatters (number, count, unit_label); labels: area code → name."""
    st.subheader(ui.t("quality.tiles_title"))
    kind = st.segmented_control(ui.t("quality.tiles_kind"), ("fixed", "mobile"), default="fixed", required=True,
                                format_func=lambda k: i18n.t(f"quality.tiles_kind_{k}", lang), key="quality_tiles_kind")
    by_source = ui.query("quality/tiles_by_source", region=f.region, start_date=f.period.start, end_date=f.period.end,
                         tile_type=kind)
    if by_source.tiles.sum() == 0:
        ui.empty_state("quality.tiles_none")
        return
    by_source["label"] = by_source.area_code.map(labels).fillna(by_source.area_code)
    first, last = by_source.quarter_from.iloc[0], by_source.quarter_to.iloc[0]
    quarters = periods.period_of(first, "quarter").label(lang)
    if last != first:
        quarters += f" – {periods.period_of(last, 'quarter').label(lang)}"
    total = by_source.iloc[0]
    mbps = lambda v: i18n.fmt_unit(v, "mbps", lang) if pd.notna(v) else ui.t("quality.tiles_too_few")  # noqa: E731
    st.markdown(ui.t("quality.tiles_summary", area=total.label, quarters=quarters, mean=mbps(total.tile_download_mbps),
                     tiles=count(total.tiles), tests=count(total.tile_tests),
                     crowd=mbps(total.crowd_median_download_mbps), operator=mbps(total.operator_median_download_mbps),
                     regulator=mbps(total.regulator_median_download_mbps)))
    names = {c: ui.t(f"quality.tiles_{c}") for c in TILE_SOURCES}
    areas = by_source.iloc[1:]
    chart_col, map_col = st.columns([3, 2])
    with chart_col:
        long = by_source.melt(id_vars=["area_code", "label"], value_vars=list(TILE_SOURCES), var_name="source",
                              value_name="mbps").dropna(subset=["mbps"])
        if len(long):
            fig = charts.grouped_bar(long, "label", "mbps", "source", names, lang, horizontal=True,
                                     value_format=",.0f", axis_title=ui.t("quality.axis_median_download_mbps"),
                                     colours=TILE_COLOURS, height=160 + 22 * len(long))
            ui.chart(fig, key="quality_tiles_chart")
    with map_col:
        mapped = areas.dropna(subset=["tile_download_mbps"]).assign(code=lambda d: d.area_code,
                                                                      value=lambda d: d.tile_download_mbps)
        if len(mapped):
            level = "districts" if f.region else "regions"
            fig = maps.choropleth(mapped, level, lang, unit_label("mbps"),
                                  title=ui.t("quality.tiles_map_title"), height=420)
            # Areas without a figure stay on the map, in grey, under the coloured ones.
            fig.add_trace(go.Choropleth(geojson=maps.boundaries(level), featureidkey="id", locations=areas.area_code,
                                        z=[0] * len(areas), showscale=False, hoverinfo="skip",
                                        colorscale=[[0, "#E5E7EB"], [1, "#E5E7EB"]],
                                        marker={"line": {"color": "white", "width": 0.8}}))
            fig.data = (fig.data[-1], *fig.data[:-1])
            ui.chart(fig, key="quality_tiles_map")
    st.caption(ui.t("quality.tiles_caption", quarters=quarters, tests=count(total.min_tests)))
    with st.expander(ui.t("quality.tiles_table")):
        ui.table(by_source, {"label": ui.t("quality.area"), "tile_download_mbps": names["tile_download_mbps"],
                             "tile_tests": ui.t("quality.tiles_tile_tests"), "tiles": ui.t("quality.tiles_tiles"),
                             "tile_upload_mbps": ui.t("quality.tiles_upload"),
                             "tile_latency_ms": ui.t("quality.tiles_latency"),
                             "crowd_median_download_mbps": names["crowd_median_download_mbps"],
                             "crowd_tests": ui.t("quality.tiles_crowd_tests"),
                             "operator_median_download_mbps": names["operator_median_download_mbps"],
                             "operator_tests": ui.t("quality.tiles_operator_tests"),
                             "regulator_median_download_mbps": names["regulator_median_download_mbps"],
                             "regulator_tests": ui.t("quality.tiles_regulator_tests")},
                 f"quality_tiles_{kind}", "quality_tiles_table",
                 formats={**dict.fromkeys(("tile_download_mbps", "tile_upload_mbps", "tile_latency_ms",
                                           "crowd_median_download_mbps", "operator_median_download_mbps",
                                           "regulator_median_download_mbps"), number),
                          **dict.fromkeys(("tile_tests", "tiles", "crowd_tests", "operator_tests", "regulator_tests"),
                                          count)})


tiles_section({**detail_labels, "KZ": ui.t("common.national"), **({f.region: region_total} if f.region else {})})
# ---- end of the speed-by-source block ---------------------------------------------------------------------

st.caption(ui.t("common.as_of", date=i18n.fmt_date(min(f.period.end - timedelta(days=1), ui.data_span()[1]), lang)))
