# page: order=10 title=overview.page_title icon=:material/public: url=overview
"""National overview: headline KPIs against the 2027 targets, the regions on a map, the main trend."""

import streamlit as st

from dialogue import charts, i18n, kpi, maps, periods, ui

f = ui.filters()
lang = f.lang
ui.page_title("overview.page_title")

values = ui.query("kpi/region_values", **f.period.params())
if values["value"].notna().sum() == 0:
    ui.empty_state()
    st.stop()

scope = f.region or "KZ"
national = values[values.region_code == "KZ"].set_index("kpi_code")
mine = values[values.region_code == scope].set_index("kpi_code")

# ---- headline cards ----------------------------------------------------------------------------
st.subheader(ui.t("overview.headline"))
st.caption(ui.t("overview.changes_since", period=f.period.previous().label(lang)))
for row_codes in (kpi.HEADLINE[:3], kpi.HEADLINE[3:]):
    for col, code in zip(st.columns(3), row_codes):
        row = mine.loc[code]
        with col:
            st.metric(
                ui.t(f"kpi.name_{code}"), kpi.format_value(row, lang), delta=kpi.format_change(row, lang),
                delta_color={True: "green", False: "red", None: "gray"}[kpi.improved(row)],
                delta_arrow="off" if kpi.missing(row["change"]) or row["change"] == 0 else
                ("up" if row["change"] > 0 else "down"),
                help=ui.t("overview.card_help", definition=ui.t(f"kpi.def_{code}"),
                          target=i18n.fmt_unit(row["national_target"], row["unit"], lang, 0),
                          date=i18n.fmt_date(row["target_date"], lang), source=kpi.source_text(row, lang)),
                border=True,
            )
            notes = [kpi.target_text(row, lang)]
            if not kpi.missing(row["rag"]):
                notes.insert(0, f":{kpi.RAG_MARKDOWN_COLOURS[row['rag']]}[●] {ui.t('common.rag_' + row['rag'])}")
            if f.region and not kpi.missing(row["rank_among_regions"]):
                notes.append(ui.t("common.rank_of", rank=int(row["rank_among_regions"]),
                                  total=int(row["regions_ranked"])))
                notes.append(ui.t("overview.national_value", value=kpi.format_value(national.loc[code], lang)))
            st.caption(" · ".join(notes))

# ---- the regions: map and ranking --------------------------------------------------------------
map_codes = [c for c in values.sort_values("sort_order").kpi_code.unique()]
chosen = st.selectbox(ui.t("overview.map_kpi"), map_codes, index=map_codes.index("median_download_mbps"),
                      format_func=lambda c: ui.t(f"kpi.name_{c}"), key="overview_map_kpi")
by_region = values[(values.region_code != "KZ") & (values.kpi_code == chosen)].copy()
by_region = by_region.merge(ui.regions(), on="region_code")
by_region["label"] = [i18n.region_name(r, lang) for _, r in by_region.iterrows()]
by_region["code"] = by_region.region_code
definition = national.loc[chosen]
unit_title = ui.t(f"common.unit_{definition['unit']}", value="").strip()


left, right = st.columns([3, 2])
with left:
    if by_region.value.notna().any():
        fig = maps.choropleth(by_region, "regions", lang, unit_title,
                              title=ui.t("overview.map_title", kpi=ui.t(f"kpi.name_{chosen}")),
                              higher_is_better=definition["direction"] == "higher", selected=f.region)
        ui.follow_region_click(ui.chart(fig, key="overview_map", clickable=True), "overview_map")
        st.caption(ui.t("overview.map_hint"))
    else:
        ui.empty_state()
with right:
    ranked = by_region.dropna(subset=["value"]).sort_values("rank_among_regions")
    if len(ranked):
        ranked["short"] = [i18n.region_name(r, lang, short=True) for _, r in ranked.iterrows()]
        colours = [charts.RAG_COLOURS[r] if r is not None and r == r else charts.RAG_COLOURS[None]
                   for r in ranked.rag]
        if f.region:
            colours = [c if code == f.region else c + "66" for c, code in zip(colours, ranked.region_code)]
        fig = charts.bar(ranked, "short", "value", lang, horizontal=True, colours=colours,
                         title=ui.t("overview.ranking_title"),
                         value_format=",.0f" if definition["unit"] in ("km", "households") else ",.1f",
                         height=560)
        ui.chart(fig, key="overview_ranking")

# ---- the main trend ------------------------------------------------------------------------------
start = periods.add_months(f.period.end, -24)
trend = ui.query("overview/monthly_download_trend", region=f.region, from_date=start, end_date=f.period.end)
if len(trend):
    names = {"KZ": ui.t("common.national")}
    if f.region:
        names[f.region] = ui.region_label(f.region, short=True)
    target = national.loc["median_download_mbps"]
    c1, c2 = st.columns(2)
    with c1:
        fig = charts.trend(trend, "month", "median_download_mbps", "scope", names, lang, ui.t("overview.axis_mbps"),
                           title=ui.t("overview.trend_title"), target=float(target["national_target"]),
                           target_label=ui.t("overview.target_line",
                                             value=i18n.fmt_unit(target["national_target"], "mbps", lang, 0)))
        ui.chart(fig, key="overview_trend")
    with c2:
        fig = charts.trend(trend, "month", "tests_under_10_pct", "scope", names, lang, ui.t("overview.axis_pct"),
                           title=ui.t("overview.slow_title"), unit_suffix="%")
        ui.chart(fig, key="overview_slow")
st.caption(ui.t("common.as_of", date=i18n.fmt_date(min(f.period.end, ui.data_span()[1]), lang)))
