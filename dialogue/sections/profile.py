"""A region's profile, what an akimat opens first: its four domains side by side (quality against targets with
the national figure and rank, complaints with spikes, rollout per programme against the deadline, open
bottlenecks oldest first with the items they block), then the akimat's own list and the action items due.
For the country (region None) the same blocks speak for Kazakhstan. Each block names the page it summarises
(LINKS), which the screen offers as a link with the same filters."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import plotly.graph_objects as go

from dialogue import charts, i18n, kpi, periods
from dialogue.sections import NATIONAL, Context, Metric, Section, Table, as_of, empty, register, section
from dialogue.sections import bottlenecks as bottleneck_pages
from dialogue.sections import events as mass_events
from dialogue.sections import overview as national_kpis
from dialogue.sections import permits as permit_clocks

SPIKE_MONTHS = 12
PROGRAMMES = ("fibre_village", "last_mile", "4g_settlement", "5g_city", "road_4g", "satellite")
OUTLOOK_COLOURS = {"done": charts.RAG_COLOURS["green"], "on_time": charts.RAG_COLOURS["green"],
                   "late": charts.RAG_COLOURS["red"], "stalled": charts.RAG_COLOURS["amber"]}
BOTTLENECKS_SHOWN = 6
ITEMS_SHOWN = 8
DUE_AHEAD_DAYS = 31
# The page each block summarises (views/<url>.py), opened with the same filters.
LINKS = {"profile.kpis": "quality", "profile.complaints": "complaints", "profile.rollout": "rollout",
         "profile.bottlenecks": "bottlenecks", "bottlenecks.akimat_list": "bottlenecks", "profile.actions": "actions",
         "permits.past_clock": "permits", "events.profile": "events"}
AKIMAT_COLUMNS = ("bottleneck_id", "kind_label", "place", "age_days", "overdue_days", "rollout_item_id")
TILE_HEIGHT = 250
# The headline KPIs with the outcome figures beside the median download: the slow tenth and what the tests
# are fit for (a video call, the consistency floor).
PROFILE_KPIS = (*kpi.HEADLINE[:5], "p10_download_mbps", "tests_video_call_pct", "tests_consistent_pct",
                *kpi.HEADLINE[5:])
ROW_WIDTHS = (1.7, 0.9, 1.15, 1.1)   # the quality table (nine indicators) needs the most room, the bottleneck list next


def narrow(section: Section, columns: tuple[str, ...], rows: int | None = None) -> Section:
    """The same section with only some of its table's columns (and rows), shown open: what a tile or a slide
    has room for (the page's section keeps every column)."""
    if section.table is None:
        return section
    table = section.table
    kept = {key: label for key, label in table.columns.items() if key in columns}
    return replace(section, table=replace(table, columns=kept, collapsed=None, limit=rows or table.limit,
                                          formats={k: f for k, f in table.formats.items() if k in kept}))


def headline_row(ctx: Context) -> list[Section]:
    """The four domains side by side: what fits one 1920×1080 screen without scrolling."""
    return [kpis(ctx), complaints(ctx), rollout(ctx), bottlenecks(ctx)]


def lists(ctx: Context) -> list[Section]:
    """Below the row: the akimat's own list (the bottlenecks page's, fewer columns), the permits past the clock, the
    period's mass events ranked by their worst drop, and the action items due."""
    akimat = narrow(bottleneck_pages.akimat_list(ctx), AKIMAT_COLUMNS, ITEMS_SHOWN)
    # Titled even when nothing is open: in a tile, the box alone would not say which list is empty.
    return [akimat if akimat.title else replace(akimat, title=ctx.t("bottlenecks.akimat_list")),
            permit_clocks.past_clock(ctx), mass_events.profile_block(ctx), actions_due(ctx)]


def title(ctx: Context) -> str:
    return ctx.t("profile.title_country") if ctx.region is None else \
        ctx.t("profile.title_region", region=ctx.region_name(ctx.region))


# ---- quality ---------------------------------------------------------------------------------

@section
def kpis(ctx: Context) -> Section:
    """The headline KPIs against the 2027 target, with the national figure and the rank among the 20 regions."""
    heading = ctx.t("profile.kpis_title")
    values = national_kpis.kpi_values(ctx)
    if not values["value"].notna().any():
        return empty("profile.kpis", heading)
    national = values[values.region_code == NATIONAL].set_index("kpi_code")
    mine = values[values.region_code == (ctx.region or NATIONAL)].set_index("kpi_code").loc[list(PROFILE_KPIS)]
    rows = []
    for code, row in mine.iterrows():
        status = row["rag"] if isinstance(row["rag"], str) else None
        rank = "—" if ctx.region is None or kpi.missing(row["rank_among_regions"]) else \
            f"{int(row['rank_among_regions'])}/{int(row['regions_ranked'])}"
        rows.append({"kpi_code": code, "kpi": ctx.t(f"kpi.name_{code}"), "status": status,
                     "value": row["value"], "value_text": kpi.format_value(row, ctx.lang),
                     "target_text": ctx.unit(row["national_target"], row["unit"], 0),
                     "national_text": kpi.format_value(national.loc[code], ctx.lang), "rank_text": rank})
    frame = pd.DataFrame(rows)
    columns = {"kpi": ctx.t("profile.col_kpi"), "value_text": ctx.t("profile.col_value")}
    if ctx.region:
        columns |= {"national_text": ctx.t("common.national"), "rank_text": ctx.t("profile.col_rank")}
    columns["target_text"] = ctx.t("profile.col_target")
    met = int((frame.status == "green").sum())
    below = int((frame.status == "red").sum())
    speed = mine.loc["median_download_mbps"]
    summary = ctx.t("profile.kpis_summary", count=met, total=len(frame), below=ctx.number(below),
                    speed=kpi.format_value(speed, ctx.lang))
    if ctx.region and not kpi.missing(speed["rank_among_regions"]):
        summary += " " + ctx.t("profile.kpis_rank", rank=int(speed["rank_among_regions"]),
                               total=int(speed["regions_ranked"]))
    return Section("profile.kpis", title=heading, summary=summary,
                   table=Table(frame, columns, name="profile_kpis", height=38 + 35 * len(frame)),
                   source=ctx.t("source.kpis"), as_of=as_of(ctx), data=frame)


# ---- complaints ------------------------------------------------------------------------------

def complaint_months(ctx: Context) -> pd.DataFrame:
    """Complaints month by month over the last year of the period (the scope's total) and the spikes in them."""
    start = periods.add_months(ctx.period.end, -SPIKE_MONTHS)
    frame = ctx.query("complaints/spikes", from_date=start)
    if frame.empty:
        return frame.assign(spike_regions=pd.Series(dtype=object))
    spiking = frame[frame.is_spike]
    totals = frame.groupby("month", as_index=False).agg(complaints=("complaints", "sum"),
                                                        baseline=("baseline_complaints", "sum"),
                                                        in_period=("in_period", "max"))
    totals["spike_regions"] = [sorted(spiking[spiking.month == m].region_code) for m in totals.month]
    peak = frame[frame.in_period & frame.is_spike].sort_values("ratio", ascending=False)
    totals.attrs["peaks"] = peak[["region_code", "month", "complaints", "ratio"]].to_dict("records")
    return totals


@section
def complaints(ctx: Context) -> Section:
    """Complaints in the period against the period before, month by month, spike months in red."""
    heading = ctx.t("profile.complaints_title")
    months = complaint_months(ctx)
    if months.empty or not months.complaints.sum():
        return empty("profile.complaints", heading)
    prev = ctx.period.previous()
    now_total = int(months[months.in_period].complaints.sum())
    before = int(months[(months.month >= pd.Timestamp(prev.start)) & (months.month < pd.Timestamp(prev.end))]
                 .complaints.sum()) if len(months) else 0
    peaks = months.attrs.get("peaks", [])
    spike_regions = sorted({p["region_code"] for p in peaks})
    colours = [charts.RAG_COLOURS["red"] if spikes else (charts.PRIMARY if inside else charts.RAG_COLOURS[None])
               for spikes, inside in zip(months.spike_regions, months.in_period)]
    shown = months.assign(label=[i18n.fmt_month(m, ctx.lang) for m in months.month])
    fig = charts.bar(shown, "month", "complaints", ctx.lang, colours=colours, value_format=",.0f",
                     height=TILE_HEIGHT)
    # The first and the last month only: a quarter of the screen has room for two dates, not twelve.
    ends = [shown.month.iloc[0], shown.month.iloc[-1]]
    fig.update_xaxes(tickvals=ends, ticktext=[i18n.fmt_month(m, ctx.lang) for m in ends], tickangle=0,
                     tickfont={"size": 11})
    fig.update_traces(textfont={"size": 11})
    cards = (Metric(ctx.t("profile.complaints_period"), ctx.number(now_total), delta=ctx.signed(now_total - before),
                    good=None if now_total == before else now_total < before,
                    rising=None if now_total == before else now_total > before,
                    delta_note=ctx.t("common.vs_previous", period=prev.label(ctx.lang))),
             Metric(ctx.t("profile.spikes"), ctx.number(len(peaks)), good=False if peaks else None))
    if not peaks:
        usual = months[months.in_period].baseline.mean()
        summary = ctx.t("profile.no_spike", count=now_total, usual=ctx.number(usual if usual == usual else 0))
    elif ctx.region:
        top = peaks[0]
        summary = ctx.t("profile.spike_region", month=ctx.month(top["month"]),
                        ratio=ctx.number(top["ratio"], 1), count=int(top["complaints"]))
    else:
        names = ", ".join(ctx.region_name(code, short=True) for code in spike_regions[:4])
        summary = ctx.t("profile.spike_country", count=len(spike_regions), names=names)
    return Section("profile.complaints", title=heading, metrics=cards, figure=fig, summary=summary,
                   notes=(ctx.t("profile.complaints_hint"),), source=ctx.t("source.complaints"), as_of=as_of(ctx),
                   data=shown)


# ---- rollout ---------------------------------------------------------------------------------

def programme_outlook(ctx: Context) -> pd.DataFrame:
    """Each programme's progress and its forecast against the deadline (rollout/progress_forecast, totals)."""
    frame = ctx.query("rollout/progress_forecast")
    return frame[frame.level == "total"].set_index("programme").reindex(
        [p for p in PROGRAMMES if p in set(frame.programme)]).reset_index()


@section
def rollout(ctx: Context) -> Section:
    """Progress per programme; the bar's colour says whether the current pace meets the deadline."""
    heading = ctx.t("profile.rollout_title")
    frame = programme_outlook(ctx)
    if frame.empty or not frame.planned_units.sum():
        return empty("profile.rollout", heading)
    frame = frame.assign(
        name=[ctx.t(f"rollout.programme_{p}") for p in frame.programme],
        text=[f"{ctx.number(pct)}% · {_forecast(ctx, r)}" for pct, r in zip(frame.progress_pct, frame.itertuples())])
    fig = programme_bars(frame, ctx.lang, TILE_HEIGHT + 60)
    late = frame[frame.outlook.isin(["late", "stalled"])]
    delayed = int(frame.delayed_items.sum())
    cards = (Metric(ctx.t("profile.late_programmes"), f"{ctx.number(len(late))} / {ctx.number(len(frame))}",
                    good=False if len(late) else None),
             Metric(ctx.t("profile.delayed_items"), ctx.number(delayed), good=False if delayed else None))
    summary = ctx.t("profile.rollout_summary", count=len(late), total=ctx.number(len(frame))) if len(late) \
        else ctx.t("profile.rollout_on_time")
    return Section("profile.rollout", title=heading, metrics=cards, figure=fig, summary=summary,
                   notes=(ctx.t("profile.rollout_hint"),), source=ctx.t("source.rollout"), as_of=as_of(ctx),
                   data=frame)


def programme_bars(frame: pd.DataFrame, lang: str, height: int) -> go.Figure:
    """Progress bars, one per programme, its name above the bar and the forecast beside it: long programme
    names ('Последняя миля до домохозяйств') need the width more than an axis does."""
    fig = go.Figure(go.Bar(x=frame.progress_pct, y=frame.name, orientation="h", text=frame.text,
                           textposition="outside", cliponaxis=False, width=0.45,
                           marker={"color": [OUTLOOK_COLOURS.get(o, charts.RAG_COLOURS[None]) for o in frame.outlook]},
                           hovertemplate="%{y}: %{x:.0f}%<extra></extra>"))
    for name in frame.name:
        fig.add_annotation(x=0, y=name, text=name, showarrow=False, xanchor="left", yanchor="bottom", yshift=7,
                           font={"size": 13, "color": charts.INK})
    fig.update_xaxes(range=[0, 185], tickvals=[0, 50, 100], ticksuffix="%")
    fig.update_yaxes(autorange="reversed", showticklabels=False)
    charts.style(fig, lang, height=height)
    fig.update_layout(margin={"l": 4, "r": 4, "t": 10, "b": 10})
    fig.update_traces(textfont={"size": 13})
    return fig


def _forecast(ctx: Context, row) -> str:
    if row.outlook == "done":
        return ctx.t("profile.forecast_done")
    if row.outlook == "stalled" or kpi.missing(row.forecast_date):
        return ctx.t("profile.forecast_stalled")
    return i18n.fmt_month(row.forecast_date, ctx.lang)


# ---- bottlenecks -----------------------------------------------------------------------------

def open_bottlenecks(ctx: Context, responsible: str | None = None) -> pd.DataFrame:
    """The bottlenecks open at the as-of day, oldest first, with the rollout item each blocks."""
    return ctx.query("bottlenecks/log", kind=None, responsible=responsible, open_only=True)


def _bottleneck_table(ctx: Context, frame: pd.DataFrame, name: str, limit: int) -> Table:
    shown = frame.head(limit)
    shown = shown.assign(
        kind_text=[ctx.t(f"editlog.kind_{k}") for k in shown.kind],
        age_text=[ctx.t("common.unit_days", value=ctx.number(d)) for d in shown.age_days],
        blocks=[_blocks(ctx, r) for r in shown.itertuples()],
        place=ctx.place_labels(shown, "place") if len(shown) else [],
        overdue_text=["—" if kpi.missing(d) else ctx.t("common.unit_days", value=ctx.number(d))
                      for d in shown.overdue_days])
    columns = {"kind_text": ctx.t("profile.col_kind"), "age_text": ctx.t("profile.col_age"),
               "blocks": ctx.t("profile.col_blocks")}
    return Table(shown, columns, name=name, height=38 + 35 * max(len(shown), 1))


def _blocks(ctx: Context, row) -> str:
    if not isinstance(row.rollout_item_id, str):
        return "—"
    return f"{ctx.t(f'rollout.programme_{row.programme}')} · {row.rollout_item_id}"


@section
def bottlenecks(ctx: Context) -> Section:
    """Open bottlenecks, oldest first, with the rollout items they block."""
    heading = ctx.t("profile.bottlenecks_title")
    frame = open_bottlenecks(ctx)
    if frame.empty:
        return empty("profile.bottlenecks", heading, "profile.no_bottlenecks")
    overdue = int(frame.is_overdue.sum())
    blocking = int(frame.rollout_item_id.notna().sum())
    cards = (Metric(ctx.t("profile.open_bottlenecks"), ctx.number(len(frame))),
             Metric(ctx.t("profile.overdue_bottlenecks"), ctx.number(overdue), good=False if overdue else None))
    oldest = frame.iloc[0]
    summary = ctx.t("profile.bottlenecks_summary", kind=ctx.t(f"editlog.kind_{oldest.kind}").lower(),
                    days=ctx.number(oldest.age_days), count=blocking)
    return Section("profile.bottlenecks", title=heading, metrics=cards, summary=summary,
                   table=_bottleneck_table(ctx, frame, "profile_bottlenecks", BOTTLENECKS_SHOWN),
                   source=ctx.t("source.bottlenecks"), as_of=as_of(ctx), data=frame)


# ---- action items ----------------------------------------------------------------------------

def due_items(ctx: Context) -> pd.DataFrame:
    """Open action items of the scope (its own and the national ones): overdue, or due within a month."""
    items = ctx.query("actions/items", meeting_id=None, end_date=periods.add_months(ctx.as_of_date, 1), limit=500)
    horizon = pd.Timestamp(ctx.as_of_date) + pd.Timedelta(days=DUE_AHEAD_DAYS)
    return items[(items.status == "open") & (pd.to_datetime(items.due_on) <= horizon)]


@section
def actions_due(ctx: Context) -> Section:
    """The action items due: overdue first, then those due within a month."""
    heading = ctx.t("profile.actions_title")
    items = due_items(ctx)
    if items.empty:
        return empty("profile.actions", heading, "profile.no_actions")
    shown = items.head(ITEMS_SHOWN).assign(
        owner_text=[ctx.t(f"actions.owner_{o}") for o in items.head(ITEMS_SHOWN).owner],
        due_text=[ctx.date(d) for d in items.head(ITEMS_SHOWN).due_on],
        overdue_text=["—" if kpi.missing(d) else ctx.t("common.unit_days", value=ctx.number(d))
                      for d in items.head(ITEMS_SHOWN).overdue_days])
    table = Table(shown, {"action_id": "ID", "text": ctx.t("profile.col_text"), "owner_text": ctx.t("profile.col_owner"),
                          "due_text": ctx.t("profile.col_due"), "overdue_text": ctx.t("profile.col_overdue")},
                  name="profile_actions", height=38 + 35 * len(shown))
    summary = ctx.t("profile.actions_summary", count=len(items), overdue=ctx.number(int(items.is_overdue.sum())))
    return Section("profile.actions", title=heading, summary=summary, table=table, source=ctx.t("source.actions"),
                   as_of=ctx.as_of_date, data=items)


# The landing page's three doors: a region's profile (Atyrau's when the whole country is shown), the next meeting
# on the shared screen, a briefing pack; each keeps the filters of the link it was opened with.
EXAMPLE_REGION = "KZ-23"


def doors(ctx: Context, params: dict) -> list[tuple[str, str, dict, str]]:
    """(page path, label, query parameters, icon) of each door."""
    if ctx.region is None:
        region = (ctx.t("profile.door_region", region=ctx.region_name(EXAMPLE_REGION)),
                  {**params, "region": EXAMPLE_REGION})
    else:
        region = (ctx.t("profile.door_country"), {k: v for k, v in params.items() if k != "region"})
    meeting_id = register.next_meeting(ctx)
    meeting = register.meeting(ctx, meeting_id) if meeting_id else None
    if meeting is not None:
        screen = ("views/present.py", ctx.t("profile.door_meeting", date=ctx.date(meeting["held_on"])),
                  {**params, "meeting": meeting_id, "slide": "1"})
    else:
        screen = ("views/meeting.py", ctx.t("profile.door_meetings"), params)
    return [("views/profile.py", region[0], region[1], ":material/location_city:"),
            (*screen, ":material/slideshow:"),
            ("views/packs.py", ctx.t("profile.door_pack"), params, ":material/description:")]
