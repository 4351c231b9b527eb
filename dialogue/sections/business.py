"""Business needs, from Atameken's quarterly business survey: how firms connect (by size, sector and area),
how satisfied they are, what holds them back, and the speeds they get against what they need."""

from __future__ import annotations

import pandas as pd

from dialogue import charts, i18n, periods
from dialogue.sections import Context, Metric, Section, Table, as_of, empty, section

SIZES = ("micro", "small", "medium", "large")
CONNECTIONS = ("fixed", "mobile", "satellite", "none")
DIMENSIONS = ("firm_size", "sector", "area")
CONNECTION_COLOURS = {"fixed": charts.PALETTE[0], "mobile": charts.PALETTE[1], "satellite": charts.PALETTE[2],
                      "none": "#B0B7BF"}
# From very dissatisfied (red) to very satisfied (green).
SCORE_COLOURS = {1: "#C8102E", 2: "#E8896F", 3: "#D9DDE1", 4: "#8CC59A", 5: "#2E8540"}
SMALL_SAMPLE = 30


def source(ctx: Context) -> str:
    return ctx.t("source.survey")


def quarters(ctx: Context) -> periods.Period:
    """Survey periods are quarters: a month shows its quarter, a year its four quarters."""
    return ctx.period if ctx.period.kind != "month" else periods.period_of(ctx.period.start, "quarter")


def survey_scope(ctx: Context) -> str:
    """'business survey, Q3 2026': what the page's figures come from."""
    return ctx.t("business.survey_scope", quarters=quarters(ctx).label(ctx.lang))


def label(ctx: Context, prefix: str, code) -> str:
    """A code in words; a sector that the catalogue does not know is shown as sent."""
    key = f"business.{prefix}_{code}"
    return ctx.t(key) if key in i18n.catalogue("en") else str(code)


def size_label(ctx: Context, code: str) -> str:
    """A firm size in words; 'all' stands for every firm."""
    return ctx.t("business.all_firms") if code == "all" else label(ctx, "size", code)


def dimension_title(ctx: Context, dimension: str) -> str:
    """'By firm size', 'By sector', 'By region' (or 'By district' within a region)."""
    if dimension == "area":
        return ctx.t("business.by_district" if ctx.region else "business.by_region")
    return ctx.t("business.by_size" if dimension == "firm_size" else "business.by_sector")


def _pct(ctx: Context, value) -> str:
    """A share as '35%'."""
    return ctx.unit(value, "pct", 0)


def mix(ctx: Context) -> pd.DataFrame:
    """Main connection of the firms surveyed, overall and by size, sector and area (business/connection_mix)."""
    return ctx.query("business/connection_mix")


def has_data(ctx: Context) -> bool:
    return not mix(ctx).empty


def connection_names(ctx: Context) -> dict[str, str]:
    return {c: label(ctx, "connection", c) for c in CONNECTIONS}


@section
def headline(ctx: Context) -> Section:
    """Firms surveyed, the share on a fixed line, mean satisfaction and its change, the most cited barrier."""
    frame = mix(ctx)
    if frame.empty:
        return empty("business.headline", message="business.no_survey")
    everyone = frame[frame.dimension == "all"].set_index("connection")
    firms = int(everyone.group_firms.iloc[0])
    fixed = everyone.share_pct.get("fixed", 0)
    cards = [Metric(ctx.t("business.firms"), ctx.number(firms)),
             Metric(ctx.t("business.with_fixed"), _pct(ctx, fixed), help=ctx.t("business.with_fixed_help"))]
    satisfaction = ctx.query("business/satisfaction")
    overall = satisfaction[satisfaction.firm_size == "all"]
    mean = change = None
    if len(overall):
        s = overall.iloc[0]
        mean, change = s.mean_satisfaction, s.mean_change
        cards.append(Metric(ctx.t("business.mean_satisfaction"), ctx.number(mean, 1),
                            delta=ctx.signed(change, 1) if pd.notna(change) else None,
                            good=bool(change > 0) if pd.notna(change) and change else None,
                            rising=bool(change > 0) if pd.notna(change) and change else None,
                            help=ctx.t("business.satisfaction_help") + " " + ctx.t("business.change_vs_before")))
    barriers = ctx.query("business/barrier_shares")
    top = barriers[barriers.firm_size == "all"].head(1)
    if len(top):
        cards.append(Metric(ctx.t("business.top_barrier"), label(ctx, "barrier", top.barrier.iloc[0]),
                            delta=ctx.t("business.cited_by", share=_pct(ctx, top.share_pct.iloc[0]))))
    notes = [ctx.t("business.quarter_note")]
    if firms < SMALL_SAMPLE:
        notes.append(ctx.t("business.small_sample", count=firms))
    summary = ctx.t("business.summary_headline", count=firms, quarters=quarters(ctx).label(ctx.lang),
                    fixed=_pct(ctx, fixed), mean=ctx.number(mean, 1),
                    change=ctx.signed(change, 1) if change is not None and pd.notna(change) else "—")
    return Section("business.headline", metrics=tuple(cards), summary=summary, notes=(" ".join(notes),),
                   source=source(ctx), as_of=as_of(ctx), data=everyone.reset_index())


@section
def connections(ctx: Context, dimension: str) -> Section:
    """The firms' main connection by firm size, by sector or by area (100% bars, and their figures); a
    region's bar opens it."""
    title = dimension_title(ctx, dimension)
    part = mix(ctx)
    part = part[part.dimension == dimension].copy()
    if part.empty:
        return empty(f"business.mix_{dimension}", title, "business.no_survey")
    if dimension == "firm_size":
        part["label"] = [label(ctx, "size", c) for c in part.group_code]
        part = part.sort_values("group_code", key=lambda s: s.map(SIZES.index))
    elif dimension == "sector":
        part["label"] = [label(ctx, "sector", c) for c in part.group_code]
    else:
        part["label"] = part.group_code.map(ctx.area_labels()).fillna(ctx.t("business.no_district"))
    fixed = part[part.connection == "fixed"].set_index("group_code").share_pct
    if dimension != "firm_size":
        # Groups with the most fixed lines first, the way a reader compares them.
        part = part.assign(order=part.group_code.map(fixed).fillna(0)).sort_values(["order", "label"],
                                                                                   ascending=[False, True])
    names = part.drop_duplicates("group_code").set_index("group_code").label
    shares = names.index.to_series().map(fixed).fillna(0).sort_values(ascending=False, kind="stable")
    summary = ctx.t("business.summary_mix", best=names[shares.index[0]], best_share=_pct(ctx, shares.iloc[0]),
                    worst=names[shares.index[-1]], worst_share=_pct(ctx, shares.iloc[-1])) if len(shares) > 1 else None
    if len(shares) and not shares.max():
        # "Most on a fixed line: micro (0%)" is said of nothing: say it plainly.
        summary = ctx.t("business.summary_mix_no_fixed")
    table = Table(part.assign(connection_label=part.connection.map(connection_names(ctx)).fillna(part.connection)),
                  {"label": ctx.t("business.col_group"), "connection_label": ctx.t("business.col_connection"),
                   "firms": ctx.t("business.col_firms"), "share_pct": ctx.t("business.col_share")},
                  formats={"share_pct": ctx.numbers(1)}, name=f"business_connections_{dimension}",
                  collapsed=ctx.t("business.figures"))
    part["label"] = [f"{name} (n={ctx.number(n)})" for name, n in zip(part.label, part.group_firms)]
    clickable = dimension == "area" and ctx.region is None
    fig = charts.stacked_bars(part, "label", "share_pct", "connection", connection_names(ctx), ctx.lang,
                              horizontal=True, percent=True, colours=CONNECTION_COLOURS,
                              customdata="group_code" if clickable else None, axis_title=ctx.t("business.axis_share"),
                              height=max(300, 150 + 30 * part.group_code.nunique()))
    return Section(f"business.mix_{dimension}", title=title, figure=fig, summary=summary, table=table,
                   notes=(ctx.t("business.bar_hint"),) if clickable else (),
                   region_click="customdata" if clickable else None, source=source(ctx), as_of=as_of(ctx), data=part)


@section
def satisfaction(ctx: Context) -> Section:
    """How satisfied firms are with their connection (1-5), overall and by firm size, with the figures."""
    title = ctx.t("business.satisfaction_title")
    frame = ctx.query("business/satisfaction")
    if frame.empty:
        return empty("business.satisfaction", title, "business.no_survey")
    frame = frame.assign(size_label=[size_label(ctx, s) for s in frame.firm_size])
    bars = frame.assign(label=[f"{s} · {ctx.number(m, 1)}" for s, m in zip(frame.size_label, frame.mean_satisfaction)])
    scores = {score: ctx.t(f"business.score_{score}") for score in range(1, 6)}
    fig = charts.stacked_bars(bars, "label", "share_pct", "score", scores, ctx.lang, horizontal=True, percent=True,
                              colours=SCORE_COLOURS, title=title, axis_title=ctx.t("business.axis_share"),
                              height=190 + 45 * frame.firm_size.nunique())
    overall = frame[frame.firm_size == "all"]
    summary = None
    if len(overall):
        s = overall.iloc[0]
        summary = ctx.t("business.summary_satisfaction", mean=ctx.number(s.mean_satisfaction, 1),
                        change=ctx.signed(s.mean_change, 1),
                        low=_pct(ctx, overall[overall.score <= 2].share_pct.sum()))
    table = Table(frame, {"size_label": ctx.t("business.col_size"), "score": ctx.t("business.col_score"),
                          "firms": ctx.t("business.col_firms"), "share_pct": ctx.t("business.col_share"),
                          "mean_satisfaction": ctx.t("business.mean_satisfaction")},
                  formats={"share_pct": ctx.numbers(1), "mean_satisfaction": ctx.numbers(2)},
                  name="business_satisfaction", collapsed=ctx.t("business.figures"))
    return Section("business.satisfaction", title=title, figure=fig, summary=summary,
                   notes=(ctx.t("business.satisfaction_help"),), table=table, source=source(ctx), as_of=as_of(ctx),
                   data=frame)


@section
def barriers(ctx: Context) -> Section:
    """What holds firms back: the share of firms citing each barrier, with the figures by firm size."""
    title = ctx.t("business.barriers_title")
    frame = ctx.query("business/barrier_shares")
    cited = frame[frame.firm_size == "all"]
    if cited.empty:
        return empty("business.barriers", title, "business.no_survey")
    frame = frame.assign(size_label=[size_label(ctx, s) for s in frame.firm_size],
                         barrier_label=[label(ctx, "barrier", b) for b in frame.barrier])
    cited = frame[frame.firm_size == "all"]
    fig = charts.bar(cited, "barrier_label", "share_pct", ctx.lang, horizontal=True, value_format=".0f", title=title,
                     axis_title=ctx.t("business.axis_cited"), height=150 + 45 * len(cited))
    summary = None
    if len(cited) > 1:
        first, second = cited.iloc[0], cited.iloc[1]
        summary = ctx.t("business.summary_barriers", first=first.barrier_label, first_share=_pct(ctx, first.share_pct),
                        second=second.barrier_label, second_share=_pct(ctx, second.share_pct))
    table = Table(frame, {"size_label": ctx.t("business.col_size"), "barrier_label": ctx.t("business.col_barrier"),
                          "firms_citing": ctx.t("business.col_citing"), "group_firms": ctx.t("business.col_firms"),
                          "share_pct": ctx.t("business.col_share")},
                  formats={"share_pct": ctx.numbers(1)}, name="business_barriers", collapsed=ctx.t("business.figures"))
    return Section("business.barriers", title=title, figure=fig, summary=summary,
                   notes=(ctx.t("business.barriers_note"),), table=table, source=source(ctx), as_of=as_of(ctx),
                   data=cited)


@section
def speeds(ctx: Context) -> Section:
    """The median download firms get, by size and connection, against the speed they need."""
    title = ctx.t("business.speeds_title")
    frame = ctx.query("business/speed_vs_need")
    if frame.empty:
        return Section("business.speeds", alert=("info", ctx.t("business.no_speeds")))
    names = connection_names(ctx)
    frame = frame.assign(size_label=[label(ctx, "size", s) for s in frame.firm_size],
                         connection_label=[ctx.t("business.connection_all") if c == "all" else names.get(c, c)
                                           for c in frame.connection])
    bars = frame[frame.connection != "all"]
    needs = frame.drop_duplicates("firm_size")
    fig = charts.grouped_bar(bars, "size_label", "median_download_mbps", "connection", names, ctx.lang,
                             colours=CONNECTION_COLOURS, value_format=",.0f", axis_title=ctx.t("business.axis_mbps"),
                             title=title, height=440)
    charts.reference_marks(fig, list(needs.size_label), list(needs.need_mbps), ctx.t("business.need"))
    every = frame[frame.connection == "all"].dropna(subset=["below_need_pct"])
    summary = None
    if len(every):
        worst = every.sort_values("below_need_pct", ascending=False).iloc[0]
        if worst.below_need_pct == 0:
            summary = ctx.t("business.summary_speeds_met", firms=ctx.number(every.firms.sum()))
        else:
            summary = ctx.t("business.summary_speeds", share=_pct(ctx, worst.below_need_pct), size=worst.size_label,
                            need=ctx.unit(worst.need_mbps, "mbps", 0),
                            median=ctx.unit(worst.median_download_mbps, "mbps"))
    table = Table(frame, {"size_label": ctx.t("business.col_size"), "connection_label": ctx.t("business.col_connection"),
                          "firms": ctx.t("business.col_firms"), "median_download_mbps": ctx.t("business.col_median"),
                          "need_mbps": ctx.t("business.col_need"), "below_need_pct": ctx.t("business.col_below")},
                  formats={"median_download_mbps": ctx.numbers(1), "need_mbps": ctx.number, "below_need_pct": ctx.numbers(1)},
                  name="business_speeds")
    return Section("business.speeds", title=title, figure=fig, summary=summary, notes=(ctx.t("business.need_note"),),
                   table=table, source=source(ctx), as_of=as_of(ctx), data=frame)
