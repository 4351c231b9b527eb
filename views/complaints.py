# page: order=30 title=complaints.page_title icon=:material/report: url=complaints
"""Complaints: spikes against each region's own baseline, the monthly trend, complaints per 10,000
inhabitants by region (or district), the verification funnel, processing times, fines and hotspots."""

from datetime import timedelta

import streamlit as st

from dialogue import charts, i18n, maps, periods, ui

TREND_BY = ("category", "operator", "service")
SPIKES_SHOWN = 5

f = ui.filters()
lang = f.lang  # widgets' format_func use it directly: AppTest calls them outside the session
ui.page_title("complaints.page_title")

params = {"region": f.region, **f.period.params()}
areas = ui.query("complaints/per_10k_by_area", **params)
scope_level = "region" if f.region else "country"
total = areas[areas.level == scope_level].iloc[0]
if total.complaints == 0:
    ui.empty_state("complaints.no_complaints")
    st.stop()

region_rows = ui.regions().set_index("region_code")
districts = ui.districts().set_index("district_kato")
window = periods.add_months(f.period.end, -24)
previous = f.period.previous().label(lang)


def region_short(code: str) -> str:
    return i18n.region_name(region_rows.loc[code], lang, short=True)


def area_label(code: str) -> str:
    """A region's short name, a district's name, or the country's."""
    if code == "KZ":
        return ui.t("common.national")
    if code in region_rows.index:
        return region_short(code)
    return i18n.place_name(districts.loc[code], lang) if code in districts.index else code


def count(value) -> str:
    return i18n.fmt_number(value, lang)


def number(value) -> str:
    return i18n.fmt_number(value, lang, 1)


def month_label(day) -> str:
    return periods.period_of(day, "month").label(lang)


def millions(kzt: float, signed: bool = False) -> str:
    """Tenge in millions, short enough for a card: '697.8 M₸', '+76 M₸'."""
    decimals = 0 if abs(kzt) >= 1e7 else 1
    value = i18n.fmt_signed(kzt / 1e6, lang, decimals) if signed else i18n.fmt_number(kzt / 1e6, lang, decimals)
    return ui.t("complaints.kzt_millions", value=value)


def member_name(dimension: str, member: str, operator_name) -> str:
    """Operators by their name; category and service codes translated."""
    return operator_name if dimension == "operator" else ui.t(f"complaints.{dimension}_{member}")


# ---- spikes: a region's month against its own usual level ------------------------------------------
spikes = ui.query("complaints/spikes", region=f.region, from_date=window, start_date=f.period.start,
                  end_date=f.period.end)
flagged = spikes[spikes.is_spike & spikes.in_period].sort_values("ratio", ascending=False)
for row in flagged.head(SPIKES_SHOWN).itertuples():
    st.error(ui.t("complaints.spike_alert", region=region_short(row.region_code), month=month_label(row.month),
                  count=row.complaints, baseline=number(row.baseline_complaints),
                  ratio=number(row.ratio) if row.ratio == row.ratio else "∞"),
             icon=":material/warning:")
if len(flagged) > SPIKES_SHOWN:
    st.caption(ui.t("complaints.spikes_more", count=len(flagged) - SPIKES_SHOWN))

# ---- headline figures --------------------------------------------------------------------------------
funnel = ui.query("complaints/verification_funnel", region=f.region, start_date=f.period.start,
                  end_date=f.period.end).set_index("stage")
times = ui.query("complaints/processing_times", region=f.region, start_date=f.period.start, end_date=f.period.end)
fines = ui.query("complaints/fines_by_operator", **params)
all_times, all_fines = times.iloc[0], fines[fines.operator_code == "all"]
fines_kzt = all_fines.fines_kzt.iloc[0] if len(all_fines) else 0
prev_fines_kzt = all_fines.prev_fines_kzt.iloc[0] if len(all_fines) else 0



# Deltas carry the number only (narrow cards, long Kazakh period names); the caption names the period.
cards = st.columns(5)
cards[0].metric(ui.t("complaints.received"), count(total.complaints), border=True,
                delta=i18n.fmt_signed(total.complaints - total.prev_complaints, lang), delta_color="inverse")
cards[1].metric(ui.t("complaints.per_10k"), i18n.fmt_number(total.per_10k, lang, 2), border=True,
                delta=i18n.fmt_signed(total.change_per_10k, lang, 2), delta_color="inverse",
                help=ui.t("complaints.per_10k_help"))
cards[2].metric(ui.t("complaints.violations_card"), count(funnel.loc["confirmed", "complaints"]), border=True,
                help=ui.t("complaints.violations_help",
                          pct=i18n.fmt_unit(funnel.loc["confirmed", "pct_of_previous"], "pct", lang)))
cards[3].metric(ui.t("complaints.fines"), millions(fines_kzt), border=True,
                delta=millions(fines_kzt - prev_fines_kzt, signed=True), delta_color="off",
                help=ui.t("complaints.fines_help", value=i18n.fmt_unit(fines_kzt, "kzt", lang)))
cards[4].metric(ui.t("complaints.median_resolve_card"), i18n.fmt_unit(all_times.median_resolve_days, "days", lang, 0),
                border=True, help=ui.t("complaints.resolve_help",
                                       p90=i18n.fmt_unit(all_times.p90_resolve_days, "days", lang, 0)))
st.caption(ui.t("complaints.changes_vs", period=previous) + " " + ui.t("complaints.cohort_note"))

# ---- the monthly trend -------------------------------------------------------------------------------
st.subheader(ui.t("complaints.trend_title"))
by = st.segmented_control(ui.t("complaints.trend_by"), TREND_BY, default="category", required=True,
                          format_func=lambda d: i18n.t(f"complaints.by_{d}", lang), key="complaints_trend_by")
trend = ui.query("complaints/monthly_trend", region=f.region, from_date=window, end_date=f.period.end)
part = trend[trend.dimension == by]
if len(part):
    names = {m: member_name(by, m, n) for m, n in zip(part.member, part.operator_name)}
    fig = charts.trend(part, "month", "complaints", "member", names, lang, ui.t("complaints.axis_complaints"),
                       title=ui.t(f"complaints.trend_chart_{by}"))
    ui.chart(fig, key="complaints_trend")
    with st.expander(ui.t("complaints.trend_table")):
        ui.table(part.assign(name=part.member.map(names)),
                 {"month": ui.t("common.month"), "name": ui.t(f"complaints.by_{by}"),
                  "complaints": ui.t("complaints.complaints")}, f"complaints_monthly_{by}", "complaints_trend_table",
                 formats={"month": month_label, "complaints": count})

# ---- per 10,000 inhabitants: map and ranking ----------------------------------------------------------
st.subheader(ui.t("complaints.areas_title_districts" if f.region else "complaints.areas_title"))
detail = areas[areas.level != scope_level].assign(code=lambda d: d.area_code, value=lambda d: d.per_10k)
detail["label"] = detail.area_code.map(area_label)
left, right = st.columns([3, 2])
with left:
    fig = maps.choropleth(detail, "districts" if f.region else "regions", lang, ui.t("complaints.per_10k_short"),
                          value_format=",.2f")
    if f.region:
        ui.chart(fig, key="complaints_map_districts")
    else:
        ui.follow_region_click(ui.chart(fig, key="complaints_map", clickable=True), "complaints_map")
    unmapped = detail.label[detail.has_boundary.eq(False)].tolist() if f.region else []
    st.caption(ui.t("complaints.not_on_map", names=", ".join(unmapped)) if unmapped else
               ui.t("complaints.map_hint_districts" if f.region else "complaints.map_hint"))
with right:
    ranked = detail.sort_values("rank")
    fig = charts.bar(ranked, "label", "per_10k", lang, horizontal=True, value_format=",.2f",
                     title=ui.t("complaints.ranking_title"), height=max(320, 60 + 24 * len(ranked)),
                     customdata="area_code")
    if f.region:
        ui.chart(fig, key="complaints_ranking_districts")
    else:
        ui.follow_region_click(ui.chart(fig, key="complaints_ranking", clickable=True), "complaints_ranking",
                               field="customdata")
# Districts created after the 2023 census have an estimated population: marked '≈' (their rate is rough).
ranked["population_text"] = [("≈ " if est else "") + count(p) for p, est in zip(ranked.population,
                                                                              ranked.population_estimated)]
ui.table(ranked, {"label": ui.t("common.district" if f.region else "common.region"),
                  "complaints": ui.t("complaints.complaints"), "population_text": ui.t("complaints.population"),
                  "per_10k": ui.t("complaints.per_10k"),
                  "prev_per_10k": ui.t("complaints.previous", period=previous),
                  "violations": ui.t("complaints.violations"), "rank": ui.t("complaints.rank")},
         "complaints_per_10k", "complaints_areas_table", height=min(600, 38 + 35 * len(ranked)),
         formats={"complaints": count, "violations": count,
                  "per_10k": lambda v: i18n.fmt_number(v, lang, 2), "prev_per_10k": lambda v: i18n.fmt_number(v, lang, 2)})

# ---- spikes over the last two years --------------------------------------------------------------------
st.subheader(ui.t("complaints.spikes_title"))
if f.region:
    mine = spikes.melt(id_vars=["month"], value_vars=["complaints", "baseline_complaints"], var_name="series",
                       value_name="count").dropna(subset=["count"])
    fig = charts.trend(mine, "month", "count", "series",
                       {"complaints": ui.t("complaints.complaints"), "baseline_complaints": ui.t("complaints.baseline")},
                       lang, ui.t("complaints.axis_complaints"), title=ui.t("complaints.spikes_region_chart",
                                                                            region=region_short(f.region)))
    ui.chart(fig, key="complaints_spikes")
else:
    peaks = spikes[spikes.is_peak].dropna(subset=["ratio"]).sort_values("ratio", ascending=False)
    if len(peaks):
        peaks = peaks.assign(label=peaks.region_code.map(region_short))
        colours = [charts.RAG_COLOURS["red"] if s else charts.PRIMARY for s in peaks.is_spike]
        fig = charts.bar(peaks, "label", "ratio", lang, horizontal=True, colours=colours, value_format=",.1f",
                         title=ui.t("complaints.spikes_peak_chart"), axis_title=ui.t("complaints.axis_ratio"),
                         height=max(320, 60 + 24 * len(peaks)), customdata="region_code")
        ui.follow_region_click(ui.chart(fig, key="complaints_spikes", clickable=True), "complaints_spikes",
                               field="customdata")
st.caption(ui.t("complaints.spike_rule") + ("" if f.region else " " + ui.t("complaints.spike_bars")))
listed = spikes[spikes.is_spike].sort_values("month", ascending=False)
if len(listed):
    ui.table(listed.assign(label=listed.region_code.map(region_short)),
             {"label": ui.t("common.region"), "month": ui.t("common.month"), "complaints": ui.t("complaints.complaints"),
              "baseline_complaints": ui.t("complaints.baseline"), "ratio": ui.t("complaints.ratio")},
             "complaints_spikes", "complaints_spikes_table",
             formats={"month": month_label, "complaints": count, "baseline_complaints": number, "ratio": number})
else:
    st.info(ui.t("complaints.no_spikes"))

# ---- verification funnel and processing times ----------------------------------------------------------
stages = funnel.reset_index()
stages["name"] = [ui.t(f"complaints.stage_{s}") for s in stages.stage]
# Each stage's rate is of the stage before it ('resolved' is of the confirmed violations); it goes under the
# stage's name so that the narrow bars only need to hold the count.
stages["label"] = [r.name if r.stage == "received" else
                   f"{r.name}<br>{ui.t(f'complaints.rate_{r.stage}', pct=i18n.fmt_unit(r.pct_of_previous, 'pct', lang, 0))}"
                   for r in stages.itertuples()]
stages["text"] = stages.complaints.map(count)
times["name"] = [ui.t("complaints.all_operators") if c == "all" else n
                 for c, n in zip(times.operator_code, times.operator_name)]
left, right = st.columns(2)
with left:
    st.subheader(ui.t("complaints.funnel_title"))
    ui.chart(charts.funnel(stages, "label", "complaints", "text", lang), key="complaints_funnel")
    st.caption(ui.t("complaints.funnel_note"))
with right:
    st.subheader(ui.t("complaints.times_title"))
    long = times.melt(id_vars=["name"], value_vars=["median_verify_days", "median_resolve_days"], var_name="measure",
                      value_name="days")
    fig = charts.grouped_bar(long, "name", "days", "measure",
                             {"median_verify_days": ui.t("complaints.median_verify"),
                              "median_resolve_days": ui.t("complaints.median_resolve")}, lang, horizontal=True,
                             value_format=",.0f", axis_title=ui.t("complaints.axis_days"), height=120 + 56 * len(times))
    ui.chart(fig, key="complaints_times")
statuses = ui.query("complaints/status_counts", region=f.region, start_date=f.period.start, end_date=f.period.end)
st.markdown(ui.t("complaints.status_now") + " " + " · ".join(
    f"{ui.t(f'complaints.status_{r.status}')} **{count(r.complaints)}** ({i18n.fmt_unit(r.share_pct, 'pct', lang, 0)})"
    for r in statuses.itertuples()))
with st.expander(ui.t("complaints.process_tables")):
    ui.table(stages, {"name": ui.t("complaints.stage"), "complaints": ui.t("complaints.complaints"),
                      "pct_of_previous": ui.t("complaints.pct_of_previous"),
                      "pct_of_received": ui.t("complaints.pct_of_received")},
             "complaints_funnel", "complaints_funnel_table",
             formats={"complaints": count, "pct_of_previous": number, "pct_of_received": number})
    ui.table(times, {"name": ui.t("common.operator"), "complaints": ui.t("complaints.complaints"),
                     "median_verify_days": ui.t("complaints.median_verify"),
                     "p90_verify_days": ui.t("complaints.p90_verify"),
                     "median_resolve_days": ui.t("complaints.median_resolve"),
                     "p90_resolve_days": ui.t("complaints.p90_resolve"), "open": ui.t("complaints.open")},
             "complaints_times", "complaints_times_table",
             formats={"complaints": count, "open": count, **dict.fromkeys(
                 ("median_verify_days", "p90_verify_days", "median_resolve_days", "p90_resolve_days"), number)})

# ---- fines by operator -----------------------------------------------------------------------------------
st.subheader(ui.t("complaints.fines_title"))
by_operator = fines[fines.operator_code != "all"]
if len(by_operator):
    # Millions of tenge keep the bar labels short; the table keeps every tenge.
    fig = charts.bar(by_operator.assign(fines_mkzt=by_operator.fines_kzt / 1e6), "operator_name", "fines_mkzt", lang,
                     horizontal=True, value_format=",.1f", axis_title=ui.t("complaints.axis_mkzt"),
                     height=100 + 48 * len(by_operator))
    ui.chart(fig, key="complaints_fines")
    fines["name"] = [ui.t("complaints.all_operators") if c == "all" else n
                     for c, n in zip(fines.operator_code, fines.operator_name)]
    ui.table(fines, {"name": ui.t("common.operator"), "fines": ui.t("complaints.fines_count"),
                     "fines_kzt": ui.t("complaints.fines_kzt"), "avg_fine_kzt": ui.t("complaints.avg_fine"),
                     "share_pct": ui.t("complaints.share"),
                     "prev_fines_kzt": ui.t("complaints.previous_kzt", period=previous)},
             "complaints_fines", "complaints_fines_table",
             formats={"fines": count, "fines_kzt": count, "avg_fine_kzt": count, "share_pct": number,
                      "prev_fines_kzt": count})
else:
    st.info(ui.t("complaints.no_fines"))

# ---- hotspots by settlement ---------------------------------------------------------------------------------
st.subheader(ui.t("complaints.hotspots_title"))
hot = ui.query("complaints/hotspots", region=f.region, start_date=f.period.start, end_date=f.period.end, limit=300)
if len(hot):
    hot["label"] = [i18n.place_name(r, lang) for _, r in hot.iterrows()]
    hot["tip"] = [ui.t("complaints.hotspot_tip", n=count(r.complaints), violations=count(r.violations),
                       category=ui.t(f"complaints.category_{r.top_category}")) for r in hot.itertuples()]
    view = maps.view_of(f.region)
    hot["radius"] = maps.radius_by(hot.complaints, view)
    deck = maps.point_deck(hot, "<b>{label}</b><br/>{tip}")
    deck.initial_view_state = view  # the whole region (or country), not just the middle of the points
    ui.deck(deck, key="complaints_hotspots")
    st.caption(ui.t("complaints.hotspots_note", n=len(hot)))
    top = hot.head(20).assign(region=hot.region_code.map(region_short),
                              category=[ui.t(f"complaints.category_{c}") for c in hot.top_category.head(20)])
    ui.table(top, {"label": ui.t("complaints.settlement"), "region": ui.t("common.region"),
                   "complaints": ui.t("complaints.complaints"), "violations": ui.t("complaints.violations"),
                   "category": ui.t("complaints.top_category")}, "complaints_hotspots", "complaints_hotspots_table",
             formats={"complaints": count, "violations": count})
else:
    ui.empty_state("complaints.no_hotspots")
st.caption(ui.t("common.as_of", date=i18n.fmt_date(min(f.period.end - timedelta(days=1), ui.data_span()[1]), lang)))
