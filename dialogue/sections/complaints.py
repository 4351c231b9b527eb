"""Complaints: spikes against each region's own baseline, the headline figures, the monthly trend,
complaints per 10,000 inhabitants by region (or district), the verification funnel, processing times,
fines and hotspots."""

from __future__ import annotations

import pandas as pd

from dialogue import charts, i18n, maps, periods
from dialogue.sections import Context, Metric, Section, Table, as_of, empty, section

TREND_BY = ("category", "operator", "service")
TREND_MONTHS = 24
SPIKES_SHOWN = 5
HOTSPOTS = 300          # settlements placed on the map
HOTSPOTS_LISTED = 20    # of them in the table


# ---- the questions, shared by several sections ----------------------------------------------------

def _areas(ctx: Context) -> pd.DataFrame:
    """Complaints per 10,000 inhabitants: the scope's own row, then its areas (complaints/per_10k_by_area)."""
    return ctx.query("complaints/per_10k_by_area")


def _scope_level(ctx: Context) -> str:
    return "region" if ctx.region else "country"


def _total(ctx: Context) -> pd.Series | None:
    """The scope's own row: complaints in the period and the period before."""
    areas = _areas(ctx)
    rows = areas[areas.level == _scope_level(ctx)]
    return rows.iloc[0] if len(rows) else None


def has_data(ctx: Context) -> bool:
    total = _total(ctx)
    return total is not None and total.complaints > 0


def _spikes(ctx: Context) -> pd.DataFrame:
    """Each region's months over the last two years against its own baseline (complaints/spikes)."""
    return ctx.query("complaints/spikes", from_date=periods.add_months(ctx.period.end, -TREND_MONTHS))


def _funnel(ctx: Context) -> pd.DataFrame:
    return ctx.query("complaints/verification_funnel").set_index("stage")


def _times(ctx: Context) -> pd.DataFrame:
    times = ctx.query("complaints/processing_times")
    return times.assign(name=_operator_names(ctx, times))


def _fines(ctx: Context) -> pd.DataFrame:
    fines = ctx.query("complaints/fines_by_operator")
    return fines.assign(name=_operator_names(ctx, fines))


def _as_of(ctx: Context):
    """The period's last day, today while it runs, or the last day with data."""
    return as_of(ctx, ctx.query("geography/data_span").last_day.iloc[0])


def _source(ctx: Context) -> str:
    return ctx.t("source.complaints")


# ---- words and numbers -------------------------------------------------------------------------------

def _region_short(ctx: Context) -> dict[str, str]:
    """Every region's short name: spikes are per region, even on a region's page."""
    return {code: i18n.region_name(row, ctx.lang, short=True)
            for code, row in ctx.regions().set_index("region_code").iterrows()}


def _operator_names(ctx: Context, frame: pd.DataFrame) -> list[str]:
    """Operators by name; the row 'all' as every operator together."""
    return [ctx.t("complaints.all_operators") if c == "all" else n
            for c, n in zip(frame.operator_code, frame.operator_name)]


def member_name(ctx: Context, dimension: str, member: str, operator_name) -> str:
    """Operators by their name; category and service codes translated."""
    return operator_name if dimension == "operator" else ctx.t(f"complaints.{dimension}_{member}")


def millions(ctx: Context, kzt: float, signed: bool = False) -> str:
    """Tenge in millions, short enough for a card: '697.8 M₸', '+76 M₸'."""
    decimals = 0 if abs(kzt) >= 1e7 else 1
    value = ctx.signed(kzt / 1e6, decimals) if signed else ctx.number(kzt / 1e6, decimals)
    return ctx.t("complaints.kzt_millions", value=value)


def in_sentence(ctx: Context, label: str) -> str:
    """A period's or month's name inside a sentence: Russian month names are written in lower case there."""
    return label[:1].lower() + label[1:] if ctx.lang == "ru" else label


def _lower(text: str) -> str:
    """A category inside a sentence: 'Low speed' → 'low speed' (operators keep their names)."""
    return text[:1].lower() + text[1:]


def _place(ctx: Context, code: str) -> str:
    """An area's full name for a sentence: the region's (not its short form), or the district's."""
    if ctx.region:
        return ctx.area_labels().get(code, code)
    return ctx.region_name(code)





def _change(value: float, before: float) -> bool | None:
    """Whether a count rose (None: unchanged)."""
    return None if value == before else value > before


# ---- sections ------------------------------------------------------------------------------------------

def _spike_alert(ctx: Context) -> tuple[str, str] | None:
    """The period's spikes, largest first, one line each: said in a red box, so that nobody scrolls past them."""
    spikes = _spikes(ctx)
    flagged = spikes[spikes.is_spike & spikes.in_period].sort_values("ratio", ascending=False)
    if flagged.empty:
        return None
    names = _region_short(ctx)
    lines = [ctx.t("complaints.spike_alert", region=names[r.region_code], month=ctx.month(r.month),
                   count=r.complaints, baseline=ctx.number(r.baseline_complaints, 1),
                   ratio=ctx.number(r.ratio, 1) if r.ratio == r.ratio else "∞")
             for r in flagged.head(SPIKES_SHOWN).itertuples()]
    if len(flagged) > SPIKES_SHOWN:
        lines.append(ctx.t("complaints.spikes_more", count=len(flagged) - SPIKES_SHOWN))
    return "error", "  \n".join(lines)


@section
def headline(ctx: Context) -> Section:
    """The period's spikes, then complaints received, per 10,000 people, violations, fines and days to resolve,
    with the changes."""
    title = ctx.t("complaints.page_title")
    total = _total(ctx)
    if total is None or total.complaints == 0:
        return empty("complaints.headline", title, "complaints.no_complaints")
    funnel, times, fines = _funnel(ctx), _times(ctx).iloc[0], _fines(ctx)
    everyone = fines[fines.operator_code == "all"]
    fines_kzt = everyone.fines_kzt.iloc[0] if len(everyone) else 0
    prev_fines_kzt = everyone.prev_fines_kzt.iloc[0] if len(everyone) else 0
    rising = _change(total.complaints, total.prev_complaints)
    # Deltas carry the number only (narrow cards, long Kazakh period names); the note names the period.
    cards = (
        Metric(ctx.t("complaints.received"), ctx.number(total.complaints),
               delta=ctx.signed(total.complaints - total.prev_complaints),
               good=None if rising is None else not rising, rising=rising),
        Metric(ctx.t("complaints.per_10k"), ctx.number(total.per_10k, 2), delta=ctx.signed(total.change_per_10k, 2),
               good=None if total.change_per_10k == 0 else total.change_per_10k < 0,
               rising=None if total.change_per_10k == 0 else total.change_per_10k > 0,
               help=ctx.t("complaints.per_10k_help")),
        Metric(ctx.t("complaints.violations_card"), ctx.number(funnel.loc["confirmed", "complaints"]),
               help=ctx.t("complaints.violations_help",
                          pct=ctx.unit(funnel.loc["confirmed", "pct_of_previous"], "pct"))),
        Metric(ctx.t("complaints.fines"), millions(ctx, fines_kzt),
               delta=millions(ctx, fines_kzt - prev_fines_kzt, True), rising=_change(fines_kzt, prev_fines_kzt),
               help=ctx.t("complaints.fines_help", value=ctx.unit(fines_kzt, "kzt"))),
        Metric(ctx.t("complaints.median_resolve_card"), ctx.unit(times.median_resolve_days, "days", 0),
               help=ctx.t("complaints.resolve_help", p90=ctx.unit(times.p90_resolve_days, "days", 0))),
    )
    notes = (ctx.t("complaints.changes_vs", period=ctx.period.previous().label(ctx.lang)) + " "
             + ctx.t("complaints.cohort_note"),)
    return Section("complaints.headline", title=title, metrics=cards, metric_widths=(1,) * len(cards),
                   alert=_spike_alert(ctx), summary=_headline_summary(ctx, total), notes=notes, source=_source(ctx), as_of=_as_of(ctx), data=pd.DataFrame([total]))


def _headline_summary(ctx: Context, total: pd.Series) -> str:
    """'Complaints rose 20% to 96 in Aug 2026. Mangystau leads with 17 complaints (0.22 per 10,000 inhabitants).'"""
    now, before = int(total.complaints), int(total.prev_complaints)
    period = in_sentence(ctx, ctx.period.label(ctx.lang))
    previous = in_sentence(ctx, ctx.period.previous().label(ctx.lang))
    if before == 0:
        text = ctx.t("complaints.summary_headline_new", count=now, period=period, previous=previous)
    else:
        direction = {None: "flat", True: "up", False: "down"}[_change(now, before)]
        text = ctx.t(f"complaints.summary_headline_{direction}", total=ctx.number(now), period=period,
                     change=ctx.unit(abs(now - before) / before * 100, "pct", 0))
    areas = _areas(ctx)
    detail = areas[areas.level != _scope_level(ctx)].sort_values(["complaints", "per_10k"], ascending=False)
    if len(detail) > 1 and detail.complaints.iloc[0] > 0:
        top = detail.iloc[0]
        text += " " + ctx.t("complaints.summary_leader", leader=_place(ctx, top.area_code),
                            count=int(top.complaints), rate=ctx.number(top.per_10k, 2))
    return text


@section
def trend(ctx: Context, by: str = "category") -> Section:
    """Complaints month by month over two years, one line per category, operator or service."""
    title = ctx.t(f"complaints.trend_chart_{by}")
    frame = ctx.query("complaints/monthly_trend", from_date=periods.add_months(ctx.period.end, -TREND_MONTHS))
    part = frame[frame.dimension == by]
    if part.empty:
        return empty("complaints.trend", title)
    names = {m: member_name(ctx, by, m, n) for m, n in zip(part.member, part.operator_name)}
    fig = charts.trend(part, "month", "complaints", "member", names, ctx.lang, ctx.t("complaints.axis_complaints"),
                       title=title)
    last = part[part.month == part.month.max()].sort_values("complaints", ascending=False)
    summary = None
    if last.complaints.sum() > 0:
        summary = ctx.t("complaints.summary_trend", month=in_sentence(ctx, ctx.month(last.month.iloc[0])),
                        leader=names[last.member.iloc[0]] if by == "operator" else _lower(names[last.member.iloc[0]]),
                        value=ctx.number(last.complaints.iloc[0]),
                        count=int(last.complaints.sum()))
    table = Table(part.assign(name=part.member.map(names)),
                  {"month": ctx.t("common.month"), "name": ctx.t(f"complaints.by_{by}"),
                   "complaints": ctx.t("complaints.complaints")},
                  formats={"month": ctx.month, "complaints": ctx.number}, name=f"complaints_monthly_{by}",
                  collapsed=ctx.t("complaints.trend_table"))
    return Section("complaints.trend", title=title, figure=fig, summary=summary, table=table, source=_source(ctx),
                   as_of=_as_of(ctx), data=part)


def _detail(ctx: Context) -> pd.DataFrame:
    """The scope's areas (regions, or the region's districts) with their names, ranked."""
    areas = _areas(ctx)
    detail = areas[areas.level != _scope_level(ctx)]
    labels = ctx.area_labels()
    return detail.assign(code=detail.area_code, value=detail.per_10k,
                         label=[labels.get(c, c) for c in detail.area_code]).sort_values("rank")


def areas_title(ctx: Context) -> str:
    return ctx.t("complaints.areas_title_districts" if ctx.region else "complaints.areas_title")


@section
def area_map(ctx: Context) -> Section:
    """Complaints per 10,000 inhabitants on the map of the regions (or districts); a region opens on a click."""
    title = areas_title(ctx)
    detail = _detail(ctx)
    if detail.empty or not has_data(ctx):
        return empty("complaints.map", title)
    fig = maps.choropleth(detail, ctx.region, ctx.lang,
                          ctx.t("complaints.per_10k_short"), value_format=",.2f")
    unmapped = detail.label[detail.has_boundary.eq(False)].tolist() if ctx.region else []
    note = (ctx.t("complaints.not_on_map", names=", ".join(unmapped)) if unmapped else
            ctx.t("complaints.map_hint_districts" if ctx.region else "complaints.map_hint"))
    top, bottom = detail.iloc[0], detail.iloc[-1]
    scope = ctx.region_name(ctx.region) if ctx.region else ctx.t("common.national")
    summary = ctx.t("complaints.summary_areas", top=_place(ctx, top.area_code), top_value=ctx.number(top.per_10k, 2),
                    bottom=_place(ctx, bottom.area_code), bottom_value=ctx.number(bottom.per_10k, 2),
                    scope=scope, scope_value=ctx.number(_total(ctx).per_10k, 2))
    return Section("complaints.map", title=title, figure=fig, summary=summary, notes=(note,),
                   region_click=None if ctx.region else "location", source=_source(ctx), as_of=_as_of(ctx),
                   data=detail[["area_code", "label", "complaints", "per_10k"]])


@section
def area_ranking(ctx: Context) -> Section:
    """The areas ranked by complaints per 10,000 inhabitants; a region's bar opens it."""
    title = ctx.t("complaints.ranking_title")
    ranked = _detail(ctx)
    if ranked.empty or not has_data(ctx):
        return empty("complaints.ranking", title)
    fig = charts.bar(ranked, "label", "per_10k", ctx.lang, horizontal=True, value_format=",.2f", title=title,
                     height=max(320, 60 + 24 * len(ranked)), customdata="area_code")
    return Section("complaints.ranking", title=title, figure=fig, region_click=None if ctx.region else "customdata",
                   source=_source(ctx), as_of=_as_of(ctx), data=ranked[["area_code", "label", "per_10k"]])


@section
def area_table(ctx: Context) -> Section:
    """The areas' complaints, population, rate now and before, violations and rank."""
    title = areas_title(ctx)
    ranked = _detail(ctx)
    if ranked.empty or not has_data(ctx):
        return empty("complaints.areas", title)
    # Districts created after the 2023 census have an estimated population: marked '≈' (their rate is rough).
    ranked = ranked.assign(population_text=[("≈ " if est else "") + ctx.number(p)
                                            for p, est in zip(ranked.population, ranked.population_estimated)])
    table = Table(ranked, {"label": ctx.t("common.district" if ctx.region else "common.region"),
                           "complaints": ctx.t("complaints.complaints"),
                           "population_text": ctx.t("complaints.population"), "per_10k": ctx.t("complaints.per_10k"),
                           "prev_per_10k": ctx.t("complaints.previous",
                                                 period=ctx.period.previous().label(ctx.lang)),
                           "violations": ctx.t("complaints.violations"), "rank": ctx.t("complaints.rank")},
                  formats={"complaints": ctx.number, "violations": ctx.number,
                           **dict.fromkeys(("per_10k", "prev_per_10k"), ctx.numbers(2))},
                  name="complaints_per_10k", height=min(600, 38 + 35 * len(ranked)),
                  collapsed=ctx.t("complaints.areas_table"))
    return Section("complaints.areas", title=title, table=table, source=_source(ctx), as_of=_as_of(ctx), data=ranked)


@section
def spikes(ctx: Context) -> Section:
    """Spikes over two years: the region's months against its usual level, or each region's highest month
    against its own (red where it is a spike); the spikes listed."""
    title = ctx.t("complaints.spikes_title")
    frame = _spikes(ctx)
    if frame.empty or frame.complaints.sum() == 0:
        return empty("complaints.spikes", title)
    names = _region_short(ctx)
    fig, key = None, None
    if ctx.region:
        mine = frame.melt(id_vars=["month"], value_vars=["complaints", "baseline_complaints"], var_name="series",
                          value_name="count").dropna(subset=["count"])
        fig = charts.trend(mine, "month", "count", "series",
                           {"complaints": ctx.t("complaints.complaints"),
                            "baseline_complaints": ctx.t("complaints.baseline")}, ctx.lang,
                           ctx.t("complaints.axis_complaints"),
                           title=ctx.t("complaints.spikes_region_chart", region=names[ctx.region]))
    else:
        peaks = frame[frame.is_peak].dropna(subset=["ratio"]).sort_values("ratio", ascending=False)
        if len(peaks):
            peaks = peaks.assign(label=peaks.region_code.map(names))
            colours = [charts.RAG_COLOURS["red"] if s else charts.PRIMARY for s in peaks.is_spike]
            fig = charts.bar(peaks, "label", "ratio", ctx.lang, horizontal=True, colours=colours, value_format=",.1f",
                             title=ctx.t("complaints.spikes_peak_chart"), axis_title=ctx.t("complaints.axis_ratio"),
                             height=max(320, 60 + 24 * len(peaks)), customdata="region_code")
            key = "customdata"
    note = ctx.t("complaints.spike_rule") + ("" if ctx.region else " " + ctx.t("complaints.spike_bars"))
    listed = frame[frame.is_spike].sort_values("month", ascending=False)
    if listed.empty:
        return Section("complaints.spikes", title=title, figure=fig, notes=(note,), region_click=key,
                       alert=("info", ctx.t("complaints.no_spikes")), source=_source(ctx),
                       as_of=_as_of(ctx), data=frame)
    listed = listed.assign(label=listed.region_code.map(names))
    largest = listed.sort_values("ratio", ascending=False).iloc[0]
    summary = ctx.t("complaints.summary_spikes", count=len(listed), region=ctx.region_name(largest.region_code),
                    month=in_sentence(ctx, ctx.month(largest.month)), ratio=ctx.number(largest.ratio, 1))
    table = Table(listed, {"label": ctx.t("common.region"), "month": ctx.t("common.month"),
                           "complaints": ctx.t("complaints.complaints"),
                           "baseline_complaints": ctx.t("complaints.baseline"), "ratio": ctx.t("complaints.ratio")},
                  formats={"month": ctx.month, "complaints": ctx.number,
                           **dict.fromkeys(("baseline_complaints", "ratio"), ctx.numbers(1))},
                  name="complaints_spikes", collapsed=ctx.t("complaints.spikes_table"))
    return Section("complaints.spikes", title=title, figure=fig, summary=summary, notes=(note,), table=table,
                   region_click=key, source=_source(ctx), as_of=_as_of(ctx), data=frame)


@section
def funnel(ctx: Context) -> Section:
    """From complaint to remedy: received, verified, confirmed, fined, resolved; where they stand now."""
    title = ctx.t("complaints.funnel_title")
    stages = _funnel(ctx).reset_index()
    if not has_data(ctx):
        return empty("complaints.funnel", title)
    stages["name"] = [ctx.t(f"complaints.stage_{s}") for s in stages.stage]
    # Each stage's rate is of the stage before it ('resolved' is of the confirmed violations); it goes under
    # the stage's name so that the narrow bars only need to hold the count.
    stages["label"] = [r.name if r.stage == "received" else
                       f"{r.name}<br>{ctx.t(f'complaints.rate_{r.stage}', pct=ctx.unit(r.pct_of_previous, 'pct', 0))}"
                       for r in stages.itertuples()]
    stages["text"] = stages.complaints.map(ctx.number)
    fig = charts.funnel(stages, "label", "complaints", "text", ctx.lang)
    n = stages.set_index("stage").complaints
    summary = ctx.t("complaints.summary_funnel", count=int(n["received"]), verified=ctx.number(n["verified"]),
                    confirmed=ctx.number(n["confirmed"]), fined=ctx.number(n["fined"]),
                    pct=ctx.unit(stages.set_index("stage").loc["confirmed", "pct_of_previous"], "pct", 0))
    statuses = ctx.query("complaints/status_counts")
    status = ctx.t("complaints.status_now") + " " + " · ".join(
        f"{ctx.t(f'complaints.status_{r.status}')} **{ctx.number(r.complaints)}** ({ctx.unit(r.share_pct, 'pct', 0)})"
        for r in statuses.itertuples())
    table = Table(stages, {"name": ctx.t("complaints.stage"), "complaints": ctx.t("complaints.complaints"),
                           "pct_of_previous": ctx.t("complaints.pct_of_previous"),
                           "pct_of_received": ctx.t("complaints.pct_of_received")},
                  formats={"complaints": ctx.number,
                           **dict.fromkeys(("pct_of_previous", "pct_of_received"), ctx.numbers(1))},
                  name="complaints_funnel", collapsed=ctx.t("complaints.funnel_table"))
    return Section("complaints.funnel", title=title, figure=fig, summary=summary,
                   notes=(ctx.t("complaints.funnel_note"), status), table=table, source=_source(ctx),
                   as_of=_as_of(ctx), data=stages)


@section
def processing_times(ctx: Context) -> Section:
    """Median days to verify and to resolve, for every operator together and for each."""
    title = ctx.t("complaints.times_title")
    times = _times(ctx)
    if not has_data(ctx) or times.empty:
        return empty("complaints.times", title)
    long = times.melt(id_vars=["name"], value_vars=["median_verify_days", "median_resolve_days"], var_name="measure",
                      value_name="days")
    fig = charts.grouped_bar(long, "name", "days", "measure",
                             {"median_verify_days": ctx.t("complaints.median_verify"),
                              "median_resolve_days": ctx.t("complaints.median_resolve")}, ctx.lang, horizontal=True,
                             value_format=",.0f", axis_title=ctx.t("complaints.axis_days"),
                             height=120 + 56 * len(times))
    everyone = times.iloc[0]
    summary = ctx.t("complaints.summary_times", verify=ctx.unit(everyone.median_verify_days, "days", 0),
                    resolve=ctx.unit(everyone.median_resolve_days, "days", 0),
                    p90=ctx.unit(everyone.p90_resolve_days, "days", 0))
    operators = times[times.operator_code != "all"].dropna(subset=["median_resolve_days"])
    if len(operators) > 1:
        slowest = operators.sort_values("median_resolve_days").iloc[-1]
        summary += " " + ctx.t("complaints.summary_slowest", operator=slowest["name"],
                               days=ctx.unit(slowest.median_resolve_days, "days", 0))
    table = Table(times, {"name": ctx.t("common.operator"), "complaints": ctx.t("complaints.complaints"),
                          "median_verify_days": ctx.t("complaints.median_verify"),
                          "p90_verify_days": ctx.t("complaints.p90_verify"),
                          "median_resolve_days": ctx.t("complaints.median_resolve"),
                          "p90_resolve_days": ctx.t("complaints.p90_resolve"), "open": ctx.t("complaints.open")},
                  formats={"complaints": ctx.number, "open": ctx.number, **dict.fromkeys(
                      ("median_verify_days", "p90_verify_days", "median_resolve_days", "p90_resolve_days"),
                      ctx.numbers(1))},
                  name="complaints_times", collapsed=ctx.t("complaints.times_table"))
    return Section("complaints.times", title=title, figure=fig, summary=summary, table=table, source=_source(ctx),
                   as_of=_as_of(ctx), data=times)


@section
def fines(ctx: Context) -> Section:
    """Fines for confirmed violations by operator, in millions of tenge; the table keeps every tenge."""
    title = ctx.t("complaints.fines_title")
    if not has_data(ctx):
        return empty("complaints.fines", title)
    frame = _fines(ctx)
    by_operator = frame[frame.operator_code != "all"]
    if by_operator.empty:
        return Section("complaints.fines", title=title, alert=("info", ctx.t("complaints.no_fines")),
                       source=_source(ctx), as_of=_as_of(ctx))
    # Millions of tenge keep the bar labels short.
    fig = charts.bar(by_operator.assign(fines_mkzt=by_operator.fines_kzt / 1e6), "operator_name", "fines_mkzt",
                     ctx.lang, horizontal=True, value_format=",.1f", axis_title=ctx.t("complaints.axis_mkzt"),
                     height=100 + 48 * len(by_operator))
    everyone, top = frame[frame.operator_code == "all"].iloc[0], by_operator.sort_values("fines_kzt").iloc[-1]
    summary = ctx.t("complaints.summary_fines", total=ctx.unit(everyone.fines_kzt, "kzt"), count=int(everyone.fines),
                    operator=top.operator_name, share=ctx.unit(top.share_pct, "pct", 0))
    previous = ctx.period.previous().label(ctx.lang)
    table = Table(frame, {"name": ctx.t("common.operator"), "fines": ctx.t("complaints.fines_count"),
                          "fines_kzt": ctx.t("complaints.fines_kzt"), "avg_fine_kzt": ctx.t("complaints.avg_fine"),
                          "share_pct": ctx.t("complaints.share"),
                          "prev_fines_kzt": ctx.t("complaints.previous_kzt", period=previous)},
                  formats={"fines": ctx.number, "fines_kzt": ctx.number, "avg_fine_kzt": ctx.number,
                           "share_pct": ctx.numbers(1), "prev_fines_kzt": ctx.number},
                  name="complaints_fines")
    return Section("complaints.fines", title=title, figure=fig, summary=summary, table=table, source=_source(ctx),
                   as_of=_as_of(ctx), data=frame)


@section
def hotspots(ctx: Context) -> Section:
    """The settlements with the most complaints on a map of the scope (circles by count), the first listed."""
    title = ctx.t("complaints.hotspots_title")
    hot = ctx.query("complaints/hotspots", limit=HOTSPOTS)
    if hot.empty:
        return empty("complaints.hotspots", title, "complaints.no_hotspots")
    names = _region_short(ctx)
    hot["label"] = [i18n.place_name(r, ctx.lang) for _, r in hot.iterrows()]
    hot["tip"] = [ctx.t("complaints.hotspot_tip", n=ctx.number(r.complaints), violations=ctx.number(r.violations),
                        category=ctx.t(f"complaints.category_{r.top_category}")) for r in hot.itertuples()]
    view = maps.view_of(ctx.region)
    hot["radius"] = maps.radius_by(hot.complaints, view)
    deck = maps.point_deck(hot, "<b>{label}</b><br/>{tip}")
    deck.initial_view_state = view  # the whole region (or country), not just the middle of the points
    top = hot.head(HOTSPOTS_LISTED).assign(region=lambda d: d.region_code.map(names),
                                           category=lambda d: [ctx.t(f"complaints.category_{c}")
                                                               for c in d.top_category])
    first = top.iloc[0]
    summary = ctx.t("complaints.summary_hotspots", place=first.label, region=ctx.region_name(first.region_code),
                    n=ctx.number(first.complaints))
    table = Table(top, {"label": ctx.t("complaints.settlement"), "region": ctx.t("common.region"),
                        "complaints": ctx.t("complaints.complaints"), "violations": ctx.t("complaints.violations"),
                        "category": ctx.t("complaints.top_category")},
                  formats={"complaints": ctx.number, "violations": ctx.number}, name="complaints_hotspots")
    return Section("complaints.hotspots", title=title, figure=deck, summary=summary,
                   notes=(ctx.t("complaints.hotspots_note", n=len(hot)),), table=table, source=_source(ctx),
                   as_of=_as_of(ctx), data=hot.drop(columns=["tip", "radius"]))

