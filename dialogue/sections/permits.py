"""Permit clocks: where a mast's year goes, stage by stage and desk by desk. The days each stage takes at its
desk and with the applicant, by region and by authority; pendency per desk; the end-to-end distribution with
the share over a year; what if every desk kept its deadline (and with deemed approval); and the stuck sites
with their stages against the deadlines. Clock rules: queries/models/permit_clock.sql."""

from __future__ import annotations

import pandas as pd

from dialogue import charts
from dialogue.sections import Context, Metric, Section, Table, as_of, empty, section

STAGES = ("land_request", "land_allocation", "sanitary", "apz", "design_approval", "works_notice",
          "power_conditions", "grid_connection", "on_air")
AUTHORITIES = ("akimat", "sanitary", "architecture", "expertise", "construction_control", "utility", "operator")
SCENARIOS = ("actual", "kept", "deemed")
DISTRICT_DESKS = ("akimat", "architecture", "construction_control")   # the others sit at the region
DESKS_CHARTED = 12
STUCK_SITES = 8
STUCK_LISTED = 30
STATE_COLOURS = {"past_clock": charts.RAG_COLOURS["red"], "pending": charts.RAG_COLOURS["amber"],
                 "returned": charts.PALETTE[2], "late": "#E58A96", "on_time": charts.RAG_COLOURS["green"],
                 "refused": charts.INK}


def source(ctx: Context) -> str:
    return ctx.t("source.permits")


def days(ctx: Context, value) -> str:
    """'135 days' in the language; '—' without a value."""
    return "—" if value is None or pd.isna(value) else ctx.t("common.unit_days", value=ctx.number(value))


def stage_name(ctx: Context, code: str) -> str:
    return ctx.t(f"permits.stage_{code}")


def authority_name(ctx: Context, code: str) -> str:
    return ctx.t(f"permits.authority_{code}")


def deadline_text(ctx: Context, value, unit: str) -> str:
    """'10 working days', '30 days', '—' (no legal deadline)."""
    if value is None or pd.isna(value):
        return "—"
    return ctx.t("permits.deadline_working" if unit == "working" else "common.unit_days", value=ctx.number(value))


def totals(ctx: Context) -> pd.Series:
    return ctx.query("permits/summary").iloc[0]


def has_data(ctx: Context) -> bool:
    """Whether any site of the scope has a permit application."""
    return bool(totals(ctx).sites)


def _area_labels(ctx: Context, codes: pd.Series) -> list[str]:
    labels = ctx.area_labels()
    regions = ctx.regions().set_index("region_code") if not ctx.region else None
    out = []
    for code in codes:
        if code in labels:
            out.append(labels[code])
        elif regions is not None and code in regions.index:
            out.append(ctx.region_name(code, short=True))
        else:
            out.append(ctx.t("permits.no_district"))
    return out


@section
def headline(ctx: Context) -> Section:
    """Sites in the permit process, stages past the clock, deemed-approval candidates, end to end."""
    row = totals(ctx)
    if not row.sites:
        return empty("permits.headline", message="permits.none")
    day = as_of(ctx)
    cards = (
        Metric(ctx.t("permits.past_clock"), ctx.number(row.past_clock), good=False if row.past_clock else None,
               help=ctx.t("permits.past_clock_help")),
        Metric(ctx.t("permits.deemed_candidates"), ctx.number(row.deemed_candidates),
               help=ctx.t("permits.deemed_help")),
        Metric(ctx.t("permits.median_end_to_end"), days(ctx, row.median_end_to_end_days),
               help=ctx.t("permits.end_to_end_help")),
        Metric(ctx.t("permits.over_year"), "—" if pd.isna(row.over_year_pct) else ctx.unit(row.over_year_pct, "pct", 0),
               help=ctx.t("permits.over_year_help")),
    )
    summary = ctx.t("permits.summary_headline", date=ctx.date(day), pending=ctx.number(row.stages_pending),
                    past=ctx.number(row.past_clock), sites=ctx.number(row.sites_past_clock),
                    deemed=ctx.number(row.deemed_candidates))
    return Section("permits.headline", metrics=cards, summary=summary,
                   notes=(ctx.t("permits.clock_note"),), source=source(ctx), as_of=day, data=row.to_frame().T)


@section
def stage_days(ctx: Context) -> Section:
    """Where the days go, stage by stage: the desk's median and 90th-percentile days, the applicant's own time."""
    title = ctx.t("permits.stage_days_title")
    frame = ctx.query("permits/days_by_stage")
    frame = frame[frame.decided > 0]
    if frame.empty:
        return empty("permits.stage_days", title, "permits.none_decided")
    frame = frame.assign(label=[stage_name(ctx, s) for s in frame.stage])
    long = pd.concat([
        frame.assign(part="median", value=frame.median_authority_days),
        frame.assign(part="p90", value=frame.p90_authority_days),
        frame.assign(part="applicant", value=frame.mean_applicant_days)])
    fig = charts.grouped_bar(long, "label", "value", "part",
                             {"median": ctx.t("permits.part_median"), "p90": ctx.t("permits.part_p90"),
                              "applicant": ctx.t("permits.part_applicant_mean")},
                             ctx.lang, horizontal=True, value_format=",.0f", axis_title=ctx.t("permits.axis_days"),
                             colours={"median": charts.PRIMARY, "p90": charts.PALETTE[1], "applicant": charts.PALETTE[2]},
                             height=120 + 62 * len(frame))
    slow = frame.sort_values("p90_authority_days", ascending=False).iloc[0]
    returned = frame.sort_values("returned_pct", ascending=False).iloc[0]
    summary = ctx.t("permits.summary_stage_days", stage=slow.label, median=days(ctx, slow.median_authority_days),
                    p90=days(ctx, slow.p90_authority_days), returned_stage=returned.label,
                    returned=ctx.unit(returned.returned_pct, "pct", 0))
    table_frame = frame.assign(deadline=[deadline_text(ctx, d, u) for d, u in zip(frame.deadline_days, frame.deadline_unit)],
                               silence=[ctx.t("permits.yes") if s else "—" for s in frame.silence_is_consent],
                               holder=[authority_name(ctx, a) for a in frame.authority_kind])
    table = Table(table_frame, {"label": ctx.t("permits.col_stage"), "holder": ctx.t("permits.col_authority"),
                                "deadline": ctx.t("permits.col_deadline"), "silence": ctx.t("permits.col_silence"),
                                "decided": ctx.t("permits.col_decided"),
                                "median_authority_days": ctx.t("permits.col_median_desk"),
                                "p90_authority_days": ctx.t("permits.col_p90_desk"),
                                "median_applicant_days": ctx.t("permits.col_median_applicant"),
                                "p90_applicant_days": ctx.t("permits.col_p90_applicant"),
                                "late_pct": ctx.t("permits.col_late_pct"), "returned_pct": ctx.t("permits.col_returned_pct")},
                  formats={c: ctx.numbers(0) for c in ("decided", "median_authority_days", "p90_authority_days",
                                                       "median_applicant_days", "p90_applicant_days", "late_pct",
                                                       "returned_pct")},
                  name="permit_stage_days", collapsed=ctx.t("permits.table_stages"))
    day = as_of(ctx)
    return Section("permits.stage_days", title=title, figure=fig, summary=summary, table=table,
                   notes=(ctx.t("permits.stage_days_note", date=ctx.date(day)),), source=source(ctx), as_of=day,
                   data=frame)


@section
def area_days(ctx: Context) -> Section:
    """End to end by region (or district): the authorities' time and the applicant's own time; slowest first."""
    title = ctx.t("permits.area_title_districts" if ctx.region else "permits.area_title_regions")
    frame = ctx.query("permits/days_by_area")
    if frame.empty:
        return empty("permits.area_days", title, "permits.none_on_air")
    frame = frame.assign(label=_area_labels(ctx, frame.area_code))
    long = pd.concat([frame.assign(part="authority", value=frame.median_authority_days),
                      frame.assign(part="applicant", value=frame.median_applicant_days)])
    fig = charts.stacked_bars(long, "label", "value", "part",
                              {"authority": ctx.t("permits.part_authority"), "applicant": ctx.t("permits.part_applicant")},
                              ctx.lang, horizontal=True, colours={"authority": charts.PALETTE[1],
                                                                  "applicant": charts.PALETTE[2]},
                              customdata=None if ctx.region else "area_code", axis_title=ctx.t("permits.axis_days"),
                              title=title, height=max(300, 120 + 28 * len(frame)))
    slow, fast = frame.iloc[0], frame.iloc[-1]
    summary = ctx.t("permits.summary_area", slow=slow.label, slow_days=days(ctx, slow.median_days),
                    slow_authority=days(ctx, slow.median_authority_days), fast=fast.label,
                    fast_days=days(ctx, fast.median_days))
    table = Table(frame, {"label": ctx.t("common.district" if ctx.region else "common.region"),
                          "sites": ctx.t("permits.col_sites"), "median_days": ctx.t("permits.col_median_e2e"),
                          "p90_days": ctx.t("permits.col_p90_e2e"),
                          "median_authority_days": ctx.t("permits.col_median_authority"),
                          "median_applicant_days": ctx.t("permits.col_median_applicant_e2e"),
                          "over_year_pct": ctx.t("permits.col_over_year")},
                  formats={c: ctx.numbers(0) for c in ("sites", "median_days", "p90_days", "median_authority_days",
                                                       "median_applicant_days", "over_year_pct")},
                  name="permit_days_by_area", collapsed=ctx.t("permits.table_areas"))
    day = as_of(ctx)
    return Section("permits.area_days", title=title, figure=fig, summary=summary, table=table,
                   notes=(ctx.t("permits.area_note", date=ctx.date(day)),
                          *(() if ctx.region else (ctx.t("permits.area_hint"),))),
                   region_click=None if ctx.region else "customdata", source=source(ctx), as_of=day, data=frame)


@section
def authority_days(ctx: Context) -> Section:
    """Where the days go, by authority: each kind of office's desk days per decided stage."""
    title = ctx.t("permits.authority_title")
    frame = ctx.query("permits/days_by_authority")
    frame = frame[frame.authority_kind != "operator"]
    if frame.empty:
        return empty("permits.authority_days", title, "permits.none_decided")
    frame = frame.assign(label=[authority_name(ctx, a) for a in frame.authority_kind])
    long = pd.concat([frame.assign(part="median", value=frame.median_authority_days),
                      frame.assign(part="p90", value=frame.p90_authority_days)])
    fig = charts.grouped_bar(long, "label", "value", "part",
                             {"median": ctx.t("permits.part_median"), "p90": ctx.t("permits.part_p90")}, ctx.lang,
                             horizontal=True, value_format=",.0f", axis_title=ctx.t("permits.axis_days"),
                             colours={"median": charts.PRIMARY, "p90": charts.PALETTE[1]},
                             height=120 + 52 * len(frame))
    late = frame.sort_values("late_pct", ascending=False).iloc[0]
    summary = ctx.t("permits.summary_authority", who=late.label, late=ctx.unit(late.late_pct, "pct", 0),
                    p90=days(ctx, late.p90_authority_days))
    table = Table(frame, {"label": ctx.t("permits.col_authority"), "decided": ctx.t("permits.col_decided"),
                          "median_authority_days": ctx.t("permits.col_median_desk"),
                          "p90_authority_days": ctx.t("permits.col_p90_desk"), "late_pct": ctx.t("permits.col_late_pct"),
                          "applicant_days": ctx.t("permits.col_applicant_days"), "refused": ctx.t("permits.col_refused")},
                  formats={c: ctx.numbers(0) for c in ("decided", "median_authority_days", "p90_authority_days",
                                                       "late_pct", "applicant_days", "refused")},
                  name="permit_days_by_authority", collapsed=ctx.t("permits.table_authorities"))
    return Section("permits.authority_days", title=title, figure=fig, summary=summary, table=table,
                   source=source(ctx), as_of=as_of(ctx), data=frame)


def desks(ctx: Context) -> pd.DataFrame:
    """Pendency per desk with the desk's name in the language: '<kind> · <district or region>'."""
    frame = ctx.query("permits/pendency")
    if frame.empty:
        return frame.assign(label=pd.Series(dtype=str))
    districts = ctx.run("geography/districts", region=None).set_index("district_kato")
    from dialogue import i18n

    def place(code: str) -> str:
        if code in districts.index:
            return i18n.place_name(districts.loc[code], ctx.lang)
        return ctx.region_name(code, short=True) if isinstance(code, str) and code.startswith("KZ-") else "—"
    return frame.assign(label=[f"{authority_name(ctx, k)} · {place(a)}"
                               for k, a in zip(frame.authority_kind, frame.desk_area)])


@section
def pendency(ctx: Context) -> Section:
    """The GatiShakti view: what each desk holds now, past the clock in red, and what it decided in the period."""
    title = ctx.t("permits.pendency_title_region" if ctx.region else "permits.pendency_title")
    frame = desks(ctx)
    if frame.empty:
        return empty("permits.pendency", title, "permits.none_pending")
    held = frame[frame.pending > 0].head(DESKS_CHARTED)
    fig = None
    if len(held):
        parts = pd.concat([held.assign(part="past_clock", n=held.past_clock),
                           held.assign(part="within", n=held.pending - held.past_clock)])
        fig = charts.stacked_bars(parts, "label", "n", "part",
                                  {"past_clock": ctx.t("permits.part_past_clock"), "within": ctx.t("permits.part_within")},
                                  ctx.lang, horizontal=True, title=title,
                                  colours={"past_clock": charts.RAG_COLOURS["red"], "within": charts.GRID},
                                  axis_title=ctx.t("permits.axis_pending"), height=150 + 34 * len(held))
    total_pending, total_past = int(frame.pending.sum()), int(frame.past_clock.sum())
    top = frame.iloc[0]
    summary = ctx.t("permits.summary_pendency", pending=ctx.number(total_pending), past=ctx.number(total_past),
                    desk=top.label, desk_past=ctx.number(top.past_clock), age=days(ctx, top.median_pending_age_days),
                    decided=ctx.number(frame.decided_in_period.sum()), refused=ctx.number(frame.refused_in_period.sum()),
                    period=ctx.period.label(ctx.lang))
    table = Table(frame, {"label": ctx.t("permits.col_desk"), "pending": ctx.t("permits.col_pending"),
                          "past_clock": ctx.t("permits.col_past_clock"),
                          "deemed_candidates": ctx.t("permits.col_deemed"),
                          "median_pending_age_days": ctx.t("permits.col_median_age"),
                          "oldest_pending_days": ctx.t("permits.col_oldest"),
                          "decided_in_period": ctx.t("permits.col_decided_period"),
                          "approved_in_period": ctx.t("permits.col_approved"),
                          "refused_in_period": ctx.t("permits.col_refused"),
                          "returned_in_period": ctx.t("permits.col_returned")},
                  formats={c: ctx.numbers(0) for c in ("pending", "past_clock", "deemed_candidates",
                                                       "median_pending_age_days", "oldest_pending_days",
                                                       "decided_in_period", "approved_in_period",
                                                       "refused_in_period", "returned_in_period")},
                  name="permit_pendency", collapsed=ctx.t("permits.table_desks"), limit=200)
    return Section("permits.pendency", title=title, figure=fig, summary=summary, table=table,
                   notes=(ctx.t("permits.pendency_note"),), source=source(ctx), as_of=as_of(ctx), data=frame)


@section
def refusals(ctx: Context) -> Section:
    """Refusals and returns decided in the period, with their reasons."""
    title = ctx.t("permits.refusals_title")
    frame = ctx.query("permits/refusals")
    if frame.empty:
        return Section("permits.refusals", title=title, alert=("info", ctx.t("permits.none_refused")),
                       source=source(ctx), as_of=as_of(ctx))
    frame = frame.assign(outcome_label=[ctx.t(f"permits.outcome_{o}") for o in frame.outcome],
                         stage_label=[stage_name(ctx, s) for s in frame.stage],
                         reason_text=[r or "—" for r in frame.reason])
    refused = int(frame[frame.outcome == "refused"].decisions.sum())
    returned = int(frame[frame.outcome == "returned"].decisions.sum())
    summary = ctx.t("permits.summary_refusals", refused=ctx.number(refused), returned=ctx.number(returned),
                    period=ctx.period.label(ctx.lang))
    table = Table(frame, {"outcome_label": ctx.t("permits.col_outcome"), "stage_label": ctx.t("permits.col_stage"),
                          "reason_text": ctx.t("permits.col_reason"), "decisions": ctx.t("permits.col_decisions")},
                  formats={"decisions": ctx.number}, name="permit_refusals")
    return Section("permits.refusals", title=title, summary=summary, table=table, source=source(ctx),
                   as_of=as_of(ctx), data=frame)


@section
def distribution(ctx: Context) -> Section:
    """End to end, from the first request to on air: sites per month taken, the share over a year in red."""
    title = ctx.t("permits.distribution_title")
    frame = ctx.query("permits/end_to_end")
    if frame.empty or not frame.total_sites.iloc[0]:
        return empty("permits.distribution", title, "permits.none_on_air")
    last_used = frame[frame.sites > 0].band.max()
    frame = frame[frame.band <= last_used]
    frame = frame.assign(label=[ctx.t("permits.band_year") if b == 12 else
                                ctx.t("permits.band_months", start=ctx.number(b), end=ctx.number(b + 1))
                                for b in frame.band])
    colours = [charts.RAG_COLOURS["red"] if b == 12 else charts.PRIMARY for b in frame.band]
    fig = charts.bar(frame, "label", "sites", ctx.lang, colours=colours, value_format=",.0f",
                     axis_title=ctx.t("permits.axis_sites"), height=360)
    if frame.sites.max() < 8:
        fig.update_yaxes(dtick=1)   # a few sites: whole numbers on the axis
    first = frame.iloc[0]
    share = first.over_year_pct
    cards = (Metric(ctx.t("permits.on_air_12m"), ctx.number(first.total_sites)),
             Metric(ctx.t("permits.median_end_to_end"), days(ctx, first.median_days)),
             Metric(ctx.t("permits.over_year"), ctx.unit(share, "pct", 1), good=False if share else None),
             Metric(ctx.t("permits.waiting_over_year"), ctx.number(first.waiting_over_year),
                    good=False if first.waiting_over_year else None))
    summary = ctx.t("permits.summary_distribution", total=ctx.number(first.total_sites),
                    median=days(ctx, first.median_days), share=ctx.unit(share, "pct", 1),
                    waiting=ctx.number(first.waiting_over_year))
    return Section("permits.distribution", title=title, metrics=cards, figure=fig, summary=summary,
                   source=source(ctx), as_of=as_of(ctx), data=frame)


@section
def what_if(ctx: Context) -> Section:
    """What if every desk kept its deadline: the same sites' end-to-end days, and with deemed approval."""
    title = ctx.t("permits.what_if_title")
    frame = ctx.query("permits/what_if")
    if frame.empty or not frame.sites.iloc[0]:
        return empty("permits.what_if", title, "permits.none_on_air")
    frame = frame.assign(label=[ctx.t(f"permits.scenario_{s}") for s in frame.scenario])
    by = frame.set_index("scenario")
    long = pd.concat([frame.assign(part="median", value=frame.median_days),
                      frame.assign(part="p90", value=frame.p90_days)])
    fig = charts.grouped_bar(long, "label", "value", "part",
                             {"median": ctx.t("permits.part_median"), "p90": ctx.t("permits.part_p90")}, ctx.lang,
                             value_format=",.0f", axis_title=ctx.t("permits.axis_days_e2e"),
                             colours={"median": charts.PRIMARY, "p90": charts.PALETTE[1]}, height=380)
    actual, kept, deemed = by.loc["actual"], by.loc["kept"], by.loc["deemed"]
    cards = tuple(
        Metric(ctx.t(f"permits.scenario_{s}"), days(ctx, by.loc[s, "median_days"]),
               delta=ctx.t("permits.baseline") if s == "actual"
               else ctx.t("permits.saved", days=days(ctx, by.loc[s, "saved_days"])),
               good=None if s == "actual" else bool(by.loc[s, "saved_days"] > 0),
               rising=None if s == "actual" else False,
               note=ctx.t("permits.p90_note", days=days(ctx, by.loc[s, "p90_days"]),
                          share=ctx.unit(by.loc[s, "over_year_pct"], "pct", 0)))
        for s in SCENARIOS)
    summary = ctx.t("permits.summary_what_if", sites=ctx.number(actual.sites), actual=days(ctx, actual.median_days),
                    kept=days(ctx, kept.median_days), deemed=days(ctx, deemed.median_days),
                    p90=days(ctx, actual.p90_days), kept_p90=days(ctx, kept.p90_days),
                    share=ctx.unit(actual.over_year_pct, "pct", 0), kept_share=ctx.unit(kept.over_year_pct, "pct", 0))
    table = Table(frame, {"label": ctx.t("permits.col_scenario"), "sites": ctx.t("permits.col_sites"),
                          "median_days": ctx.t("permits.col_median_e2e"), "p90_days": ctx.t("permits.col_p90_e2e"),
                          "mean_days": ctx.t("permits.col_mean_e2e"), "over_year_pct": ctx.t("permits.col_over_year"),
                          "saved_days": ctx.t("permits.col_saved")},
                  formats={c: ctx.numbers(0) for c in ("sites", "median_days", "p90_days", "mean_days",
                                                       "over_year_pct", "saved_days")},
                  name="permit_what_if", collapsed=ctx.t("permits.table_what_if"))
    return Section("permits.what_if", title=title, metrics=cards, figure=fig, summary=summary, table=table,
                   notes=(ctx.t("permits.what_if_note"),), source=source(ctx), as_of=as_of(ctx), data=frame)


def _state(row) -> str:
    if row.past_clock:
        return "past_clock"
    if row.state == "pending":
        return "pending"
    if row.state == "returned":
        return "returned"
    if row.state == "refused":
        return "refused"
    late = row.deadline_days == row.deadline_days and row.due_on is not None and not pd.isna(row.due_on) \
        and pd.Timestamp(row.stage_end_on) > pd.Timestamp(row.due_on)
    return "late" if late else "on_time"


@section
def stuck(ctx: Context, sites: int = STUCK_SITES) -> Section:
    """The stuck sites for the meeting: each site's stages as bars against their deadlines, oldest first,
    with the rollout item and the bottlenecks it blocks."""
    title = ctx.t("permits.stuck_title")
    frame = ctx.query("permits/stuck_sites", limit=STUCK_LISTED)
    if frame.empty:
        return Section("permits.stuck", title=title, alert=("success", ctx.t("permits.none_stuck")),
                       source=source(ctx), as_of=as_of(ctx))
    frame = frame.assign(colour_key=[_state(r) for r in frame.itertuples()])
    frame = frame.assign(colour=[STATE_COLOURS[k] for k in frame.colour_key],
                         stage_label=[stage_name(ctx, s) for s in frame.stage],
                         row_label=[f"{s} · {ctx.number(a)} {ctx.t('permits.days_short')}"
                                    for s, a in zip(frame.site_ref, frame.site_age_days)])
    frame = frame.assign(hover=[f"{r.site_ref} · {r.stage_label}<br>{ctx.date(r.stage_submitted_on)} → "
                                f"{ctx.date(r.stage_end_on)} · {ctx.t(f'permits.state_{r.colour_key}')}"
                                for r in frame.itertuples()])
    charted = frame[frame.site_ref.isin(list(dict.fromkeys(frame.site_ref))[:sites])]
    fig = charts.timeline(charted, "row_label", "stage_submitted_on", "stage_end_on", "stage_label", "colour",
                          ctx.lang, due="due_on", due_label=ctx.t("permits.deadline_mark"), title=title,
                          hover="hover")
    # One row per site for the list: the stage past the clock, who holds it, what it blocks.
    held = frame[frame.past_clock].sort_values(["site_age_days", "past_clock_days"], ascending=False) \
        .drop_duplicates("site_ref").reset_index(drop=True)
    held = held.assign(
        place=ctx.place_labels(held, "district") if len(held) else [],
        holder=[authority_name(ctx, a) for a in held.authority_kind],
        blocks=["—" if not isinstance(i, str) else f"{ctx.t(f'rollout.programme_{p}')} · {i}"
                for i, p in zip(held.rollout_item_id, held.programme)],
        deemed=[ctx.t("permits.yes") if d else "—" for d in held.deemed_candidate],
        bottlenecks=[b if isinstance(b, str) else "—" for b in held.bottleneck_ids])
    oldest = held.iloc[0]
    summary = ctx.t("permits.summary_stuck", sites=ctx.number(totals(ctx).sites_past_clock), site=oldest.site_ref,
                    age=days(ctx, oldest.site_age_days), stage=oldest.stage_label, holder=oldest.holder,
                    past=days(ctx, oldest.past_clock_days))
    columns = {"site_ref": ctx.t("permits.col_site"), "site_age_days": ctx.t("permits.col_site_age"),
               "stage_label": ctx.t("permits.col_stage"), "holder": ctx.t("permits.col_authority"),
               "authority": ctx.t("permits.col_office"), "place": ctx.t("common.district"),
               "past_clock_days": ctx.t("permits.col_past_days"), "deemed": ctx.t("permits.col_deemed_short"),
               "blocks": ctx.t("permits.col_blocks"), "bottlenecks": ctx.t("permits.col_bottlenecks"),
               "operator_name": ctx.t("common.operator")}
    table = Table(held, columns, formats={"site_age_days": ctx.number, "past_clock_days": ctx.number},
                  name="permit_stuck_sites")
    return Section("permits.stuck", title=title, figure=fig, summary=summary, table=table,
                   notes=(ctx.t("permits.stuck_note"),), source=source(ctx), as_of=as_of(ctx),
                   data=held)


PROFILE_COLUMNS = ("site_ref", "stage_label", "holder", "past_clock_days", "blocks")
PROFILE_ROWS = 8


@section
def past_clock(ctx: Context) -> Section:
    """A region profile's block: the permit stages past the clock, the oldest sites first (the akimat's own desks
    among them), with what they block."""
    title = ctx.t("permits.profile_title")
    row = totals(ctx)
    if not row.past_clock:
        return empty("permits.past_clock", title, "permits.profile_none", hint=False)
    listed = stuck(ctx)
    cards = (Metric(ctx.t("permits.past_clock"), ctx.number(row.past_clock), good=False),
             Metric(ctx.t("permits.deemed_candidates"), ctx.number(row.deemed_candidates)))
    held = listed.data
    table = listed.table
    shown = Table(table.frame, {k: v for k, v in table.columns.items() if k in PROFILE_COLUMNS},
                  formats={k: f for k, f in table.formats.items() if k in PROFILE_COLUMNS}, name="profile_permits",
                  limit=PROFILE_ROWS, height=38 + 35 * min(len(held), PROFILE_ROWS))
    summary = ctx.t("permits.profile_summary", past=ctx.number(row.past_clock), sites=ctx.number(row.sites_past_clock),
                    stage=held.stage_label.iloc[0])
    return Section("permits.past_clock", title=title, metrics=cards, summary=summary, table=shown, source=source(ctx),
                   as_of=as_of(ctx), data=held)
