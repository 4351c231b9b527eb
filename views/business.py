# page: order=60 title=business.page_title icon=:material/storefront: url=business
"""Business needs, from Atameken's quarterly business survey: how firms connect (by size, sector and
region), how satisfied they are, what holds them back, and the speeds they get against what they need."""

import pandas as pd
import streamlit as st

from dialogue import charts, i18n, periods, ui

SIZES = ("micro", "small", "medium", "large")
CONNECTIONS = ("fixed", "mobile", "satellite", "none")
CONNECTION_COLOURS = {"fixed": charts.PALETTE[0], "mobile": charts.PALETTE[1], "satellite": charts.PALETTE[2],
                      "none": "#B0B7BF"}
# From very dissatisfied (red) to very satisfied (green).
SCORE_COLOURS = {1: "#C8102E", 2: "#E8896F", 3: "#D9DDE1", 4: "#8CC59A", 5: "#2E8540"}
SMALL_SAMPLE = 30

f = ui.filters()
lang = f.lang  # widgets' format_func use it directly: AppTest calls them outside the session
# Survey periods are quarters: a month shows its quarter, a year its four quarters.
quarters = f.period if f.period.kind != "month" else periods.period_of(f.period.start, "quarter")
ui.page_title("business.page_title", ui.t("business.survey_scope", quarters=quarters.label(lang)))

mix = ui.query("business/connection_mix", region=f.region, start_date=f.period.start, end_date=f.period.end)
if mix.empty:
    ui.empty_state("business.no_survey")
    st.stop()


def label(prefix: str, code) -> str:
    """A code in words; a sector that the catalogue does not know is shown as sent."""
    key = f"business.{prefix}_{code}"
    return i18n.t(key, lang) if key in i18n.catalogue("en") else str(code)


def size_label(code: str) -> str:
    """A firm size in words; 'all' stands for every firm."""
    return ui.t("business.all_firms") if code == "all" else label("size", code)


def pct(value) -> str:
    """A share as '35%'."""
    return i18n.fmt_unit(value, "pct", lang, 0)


everyone = mix[mix.dimension == "all"].set_index("connection")
firms = int(everyone.group_firms.iloc[0])
satisfaction = ui.query("business/satisfaction", region=f.region, start_date=f.period.start, end_date=f.period.end)
barriers = ui.query("business/barrier_shares", region=f.region, start_date=f.period.start, end_date=f.period.end)
speeds = ui.query("business/speed_vs_need", region=f.region, start_date=f.period.start, end_date=f.period.end)

# ---- the headline ------------------------------------------------------------------------------------
cards = st.columns(4)
cards[0].metric(ui.t("business.firms"), i18n.fmt_number(firms, lang), border=True)
cards[1].metric(ui.t("business.with_fixed"), pct(everyone.share_pct.get("fixed", 0)), border=True,
                help=ui.t("business.with_fixed_help"))
overall = satisfaction[satisfaction.firm_size == "all"]
if len(overall):
    s = overall.iloc[0]
    cards[2].metric(ui.t("business.mean_satisfaction"), i18n.fmt_number(s.mean_satisfaction, lang, 1), border=True,
                    delta=i18n.fmt_signed(s.mean_change, lang, 1) if pd.notna(s.mean_change) else None,
                    help=ui.t("business.satisfaction_help") + " " + ui.t("business.change_vs_before"))
top = barriers[barriers.firm_size == "all"].head(1)
if len(top):
    cards[3].metric(ui.t("business.top_barrier"), label("barrier", top.barrier.iloc[0]), border=True,
                    delta=ui.t("business.cited_by", share=pct(top.share_pct.iloc[0])), delta_color="off",
                    delta_arrow="off")
notes = [ui.t("business.quarter_note")]
if firms < SMALL_SAMPLE:
    notes.append(ui.t("business.small_sample", count=firms))
st.caption(" ".join(notes))

# ---- how firms connect ------------------------------------------------------------------------------
st.subheader(ui.t("business.connections_heading"))
connection_names = {c: label("connection", c) for c in CONNECTIONS}
tabs = st.tabs([ui.t("business.by_size"), ui.t("business.by_sector"),
                ui.t("business.by_district" if f.region else "business.by_region")])
area_names = ui.area_labels()
for tab, dimension in zip(tabs, ("firm_size", "sector", "area")):
    part = mix[mix.dimension == dimension].copy()
    if dimension == "firm_size":
        part["label"] = [label("size", c) for c in part.group_code]
        part = part.sort_values("group_code", key=lambda s: s.map(SIZES.index))
    elif dimension == "sector":
        part["label"] = [label("sector", c) for c in part.group_code]
    else:
        part["label"] = part.group_code.map(area_names).fillna(ui.t("business.no_district"))
    if dimension != "firm_size":
        # Groups with the most fixed lines first, the way a reader compares them.
        fixed = part[part.connection == "fixed"].set_index("group_code").share_pct
        part = part.assign(order=part.group_code.map(fixed).fillna(0)).sort_values(["order", "label"],
                                                                                    ascending=[False, True])
    part["label"] = [f"{name} (n={i18n.fmt_number(n, lang)})" for name, n in zip(part.label, part.group_firms)]
    with tab:
        clickable = dimension == "area" and f.region is None
        fig = charts.stacked_bars(part, "label", "share_pct", "connection", connection_names, lang, horizontal=True,
                                  percent=True, colours=CONNECTION_COLOURS, customdata="group_code" if clickable else None,
                                  axis_title=ui.t("business.axis_share"),
                                  height=max(300, 150 + 30 * part.group_code.nunique()))
        event = ui.chart(fig, key=f"business_mix_{dimension}", clickable=clickable)
        if clickable:
            ui.follow_region_click(event, f"business_mix_{dimension}", field="customdata")
            st.caption(ui.t("business.bar_hint"))
with st.expander(ui.t("business.figures")):
    table = mix.assign(dimension_label=[ui.t(f"business.dimension_{d}") for d in mix.dimension],
                       group_label=[label("size", c) if d == "firm_size" else label("sector", c) if d == "sector"
                                    else area_names.get(c, ui.t("business.all_firms")) for d, c in
                                    zip(mix.dimension, mix.group_code)],
                       connection_label=[connection_names.get(c, c) for c in mix.connection])
    ui.table(table, {"dimension_label": ui.t("business.col_dimension"), "group_label": ui.t("business.col_group"),
                     "connection_label": ui.t("business.col_connection"), "firms": ui.t("business.col_firms"),
                     "share_pct": ui.t("business.col_share")},
             "business_connections", "business_connections_table",
             formats={"share_pct": lambda v: i18n.fmt_number(v, lang, 1)})

# ---- satisfaction and barriers ---------------------------------------------------------------------
left, right = st.columns(2)
with left:
    if len(satisfaction):
        sat = satisfaction.assign(
            label=[f"{size_label(s)} · {i18n.fmt_number(m, lang, 1)}"
                   for s, m in zip(satisfaction.firm_size, satisfaction.mean_satisfaction)])
        scores = {score: ui.t(f"business.score_{score}") for score in range(1, 6)}
        fig = charts.stacked_bars(sat, "label", "share_pct", "score", scores, lang, horizontal=True, percent=True,
                                  colours=SCORE_COLOURS, title=ui.t("business.satisfaction_title"),
                                  axis_title=ui.t("business.axis_share"), height=190 + 45 * sat.firm_size.nunique())
        ui.chart(fig, key="business_satisfaction")
        st.caption(ui.t("business.satisfaction_help"))
with right:
    cited = barriers[barriers.firm_size == "all"]
    if len(cited):
        cited = cited.assign(label=[label("barrier", b) for b in cited.barrier])
        fig = charts.bar(cited, "label", "share_pct", lang, horizontal=True, value_format=".0f",
                         title=ui.t("business.barriers_title"), axis_title=ui.t("business.axis_cited"),
                         height=150 + 45 * len(cited))
        ui.chart(fig, key="business_barriers")
        st.caption(ui.t("business.barriers_note"))
with st.expander(ui.t("business.figures")):
    share = {"share_pct": lambda v: i18n.fmt_number(v, lang, 1)}
    ui.table(satisfaction.assign(size_label=[size_label(s) for s in satisfaction.firm_size]),
             {"size_label": ui.t("business.col_size"), "score": ui.t("business.col_score"),
              "firms": ui.t("business.col_firms"), "share_pct": ui.t("business.col_share"),
              "mean_satisfaction": ui.t("business.mean_satisfaction")},
             "business_satisfaction", "business_satisfaction_table",
             formats={**share, "mean_satisfaction": lambda v: i18n.fmt_number(v, lang, 2)})
    ui.table(barriers.assign(size_label=[size_label(s) for s in barriers.firm_size],
                             barrier_label=[label("barrier", b) for b in barriers.barrier]),
             {"size_label": ui.t("business.col_size"), "barrier_label": ui.t("business.col_barrier"),
              "firms_citing": ui.t("business.col_citing"), "group_firms": ui.t("business.col_firms"),
              "share_pct": ui.t("business.col_share")},
             "business_barriers", "business_barriers_table", formats=share)

# ---- speeds against needs ---------------------------------------------------------------------------
st.subheader(ui.t("business.speeds_heading"))
if speeds.empty:
    st.info(ui.t("business.no_speeds"))
else:
    speeds = speeds.assign(size_label=[label("size", s) for s in speeds.firm_size],
                           connection_label=[ui.t("business.connection_all") if c == "all" else label("connection", c)
                                             for c in speeds.connection])
    bars = speeds[speeds.connection != "all"]
    needs = speeds.drop_duplicates("firm_size")
    fig = charts.grouped_bar(bars, "size_label", "median_download_mbps", "connection", connection_names, lang,
                             colours=CONNECTION_COLOURS, value_format=",.0f", axis_title=ui.t("business.axis_mbps"),
                             title=ui.t("business.speeds_title"), height=440)
    charts.reference_marks(fig, list(needs.size_label), list(needs.need_mbps), ui.t("business.need"))
    ui.chart(fig, key="business_speeds")
    st.caption(ui.t("business.need_note"))
    ui.table(speeds, {"size_label": ui.t("business.col_size"), "connection_label": ui.t("business.col_connection"),
                      "firms": ui.t("business.col_firms"), "median_download_mbps": ui.t("business.col_median"),
                      "need_mbps": ui.t("business.col_need"), "below_need_pct": ui.t("business.col_below")},
             "business_speeds", "business_speeds_table",
             formats={"median_download_mbps": lambda v: i18n.fmt_number(v, lang, 1),
                      "need_mbps": lambda v: i18n.fmt_number(v, lang),
                      "below_need_pct": lambda v: i18n.fmt_number(v, lang, 1)})
st.caption(ui.t("business.source"))
