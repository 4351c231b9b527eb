"""Two scopes side by side on the same scales: two regions in one period, or one region (or the country) in two
periods; the differences called out in sentences."""

from __future__ import annotations

import pandas as pd

from dialogue import charts, i18n, kpi
from dialogue.sections import NATIONAL, Context, Section, Table, as_of, empty, profile, section
from dialogue.sections import overview as national_kpis

SIDE_COLOURS = ("#00738C", "#E07A1F")
PCT_KPIS = ("fibre_villages_pct", "settlements_4g_pct", "city_5g_sites_pct", "tests_under_10_pct")


def side_name(a: Context, b: Context, which: Context) -> str:
    """A side's name: the region when regions differ, else the period."""
    if a.region != b.region:
        return which.region_name(which.region, short=True)
    return which.period.label(which.lang)


def _names(a: Context, b: Context) -> dict[str, str]:
    return {"a": side_name(a, b, a), "b": side_name(a, b, b)}


def sections(a: Context, b: Context) -> list[Section]:
    """The comparison: the differences in words first, then each domain on one scale."""
    return [differences(a, b), kpis(a, b), complaints(a, b), rollout(a, b), bottlenecks(a, b)]


def _kpi_rows(ctx: Context) -> pd.DataFrame:
    values = national_kpis.kpi_values(ctx)
    return values[values.region_code == (ctx.region or NATIONAL)].set_index("kpi_code").loc[list(kpi.HEADLINE)]


@section
def kpis(a: Context, b: Context) -> Section:
    """The headline KPIs of both sides: the shares on one 0–100% scale, every KPI in the table."""
    heading = a.t("profile.compare_kpis_title")
    ra, rb = _kpi_rows(a), _kpi_rows(b)
    if not (ra["value"].notna().any() or rb["value"].notna().any()):
        return empty("compare.kpis", heading)
    names = _names(a, b)
    long = pd.DataFrame([{"kpi": a.t(f"kpi.name_{c}"), "side": side, "value": rows.loc[c, "value"]}
                         for c in PCT_KPIS for side, rows in (("a", ra), ("b", rb))])
    fig = charts.grouped_bar(long, "kpi", "value", "side", names, a.lang, horizontal=True, value_format=",.0f",
                             axis_title="%", height=340, colours={"a": SIDE_COLOURS[0], "b": SIDE_COLOURS[1]})
    fig.update_xaxes(range=[0, 115])
    frame = pd.DataFrame([{"kpi": a.t(f"kpi.name_{c}"), "a": kpi.format_value(ra.loc[c], a.lang),
                           "b": kpi.format_value(rb.loc[c], a.lang),
                           "diff": a.signed(rb.loc[c, "value"] - ra.loc[c, "value"], 1)
                           if not (kpi.missing(ra.loc[c, "value"]) or kpi.missing(rb.loc[c, "value"])) else "—"}
                          for c in kpi.HEADLINE])
    table = Table(frame, {"kpi": a.t("profile.col_kpi"), "a": names["a"], "b": names["b"],
                          "diff": a.t("profile.col_difference", side=names["b"])}, name="compare_kpis",
                  height=38 + 35 * len(frame))
    return Section("compare.kpis", title=heading, figure=fig, table=table, source=a.t("source.kpis"),
                   as_of=as_of(b), data=frame)


def population(ctx: Context) -> int:
    """The scope's people (2023): its region's, or the country's."""
    regions = ctx.regions()
    return int(regions.population.sum() if ctx.region is None else
               regions.loc[regions.region_code == ctx.region, "population"].sum())


def per_10k(count: float, people: int) -> float:
    """Complaints per 10,000 people (None without a population)."""
    return count / people * 10_000 if people else float("nan")


@section
def complaints(a: Context, b: Context) -> Section:
    """Complaints month by month over the year to each side's period end, on one scale: per 10,000 people when
    two regions of different size are compared."""
    heading = a.t("profile.compare_complaints_title")
    ma, mb = profile.complaint_months(a), profile.complaint_months(b)
    if (ma.empty or not ma.complaints.sum()) and (mb.empty or not mb.complaints.sum()):
        return empty("compare.complaints", heading)
    names = _names(a, b)
    rates = a.region != b.region
    # Months are placed by their distance from each side's period end: two periods line up.
    rows = []
    for side, months, ctx in (("a", ma, a), ("b", mb, b)):
        people = population(ctx)
        for i, r in enumerate(months.sort_values("month").itertuples()):
            rows.append({"side": side, "step": i - len(months) + 1, "complaints": r.complaints,
                         "per_10k": per_10k(r.complaints, people),
                         "label": i18n.fmt_month(r.month, a.lang)})   # short: twelve fit under the bars
    long = pd.DataFrame(rows)
    same_months = a.period == b.period
    long["x"] = long.label if same_months else [a.t("profile.months_before", count=-s) if s else
                                                a.t("profile.last_month") for s in long.step]
    fig = charts.grouped_bar(long, "x", "per_10k" if rates else "complaints", "side", names, a.lang,
                             value_format=",.2f" if rates else ",.0f", height=340,
                             colours={"a": SIDE_COLOURS[0], "b": SIDE_COLOURS[1]}, show_text=False,
                             axis_title=a.t("profile.axis_complaints_per_10k" if rates else "profile.axis_complaints"))
    if rates:
        heading = a.t("profile.compare_complaints_per_10k_title")
    return Section("compare.complaints", title=heading, figure=fig, source=a.t("source.complaints"),
                   as_of=as_of(b), data=long)


@section
def rollout(a: Context, b: Context) -> Section:
    """Progress per programme of both sides on one 0–100% scale."""
    heading = a.t("profile.compare_rollout_title")
    pa, pb = profile.programme_outlook(a), profile.programme_outlook(b)
    if pa.empty and pb.empty:
        return empty("compare.rollout", heading)
    names = _names(a, b)
    long = pd.concat([pa.assign(side="a"), pb.assign(side="b")], ignore_index=True)
    long["name"] = [a.t(f"rollout.programme_{p}") for p in long.programme]
    fig = charts.grouped_bar(long, "name", "progress_pct", "side", names, a.lang, horizontal=True,
                             value_format=",.0f", axis_title="%", height=380,
                             colours={"a": SIDE_COLOURS[0], "b": SIDE_COLOURS[1]})
    fig.update_xaxes(range=[0, 115])
    return Section("compare.rollout", title=heading, figure=fig, source=a.t("source.rollout"), as_of=as_of(b),
                   data=long)


@section
def bottlenecks(a: Context, b: Context) -> Section:
    """Open bottlenecks by kind, both sides on one scale."""
    heading = a.t("profile.compare_bottlenecks_title")
    oa, ob = profile.open_bottlenecks(a), profile.open_bottlenecks(b)
    if oa.empty and ob.empty:
        return empty("compare.bottlenecks", heading, "profile.no_bottlenecks")
    names = _names(a, b)
    counts = pd.concat([oa.assign(side="a"), ob.assign(side="b")]).groupby(["kind", "side"]).size()
    long = counts.reindex(pd.MultiIndex.from_product([sorted(set(oa.kind) | set(ob.kind)), ["a", "b"]],
                                                     names=["kind", "side"]), fill_value=0).rename("open").reset_index()
    long["name"] = [a.t(f"editlog.kind_{k}") for k in long.kind]
    fig = charts.grouped_bar(long, "name", "open", "side", names, a.lang, horizontal=True, value_format=",.0f",
                             axis_title=a.t("profile.open_bottlenecks"), height=320,
                             colours={"a": SIDE_COLOURS[0], "b": SIDE_COLOURS[1]})
    return Section("compare.bottlenecks", title=heading, figure=fig, source=a.t("source.bottlenecks"),
                   as_of=as_of(b), data=long)


@section
def differences(a: Context, b: Context) -> Section:
    """The main differences in sentences: speed, KPIs met, complaints, late programmes, open bottlenecks."""
    heading = a.t("profile.compare_differences_title")
    names = _names(a, b)
    ra, rb = _kpi_rows(a), _kpi_rows(b)
    if not (ra["value"].notna().any() or rb["value"].notna().any()):
        return empty("compare.differences", heading)
    lines = []
    sa, sb = ra.loc["median_download_mbps", "value"], rb.loc["median_download_mbps", "value"]
    if not (kpi.missing(sa) or kpi.missing(sb)):
        lines.append(a.t("profile.diff_speed", a=names["a"], b=names["b"], speed_a=a.unit(sa, "mbps"),
                         speed_b=a.unit(sb, "mbps"), diff=a.unit(abs(sb - sa), "mbps"),
                         more=a.t("profile.faster" if sb >= sa else "profile.slower")))
    lines.append(a.t("profile.diff_met", a=names["a"], b=names["b"], met_a=a.number((ra.rag == "green").sum()),
                     met_b=a.number((rb.rag == "green").sum()), total=a.number(len(ra))))
    ca, cb = profile.complaint_months(a), profile.complaint_months(b)
    na = int(ca[ca.in_period].complaints.sum()) if len(ca) else 0
    nb = int(cb[cb.in_period].complaints.sum()) if len(cb) else 0
    spikes = {"spikes_a": a.number(len(ca.attrs.get("peaks", []))), "spikes_b": a.number(len(cb.attrs.get("peaks", [])))}
    if a.region != b.region:
        # Regions differ in size (Almaty has three times Atyrau's people): the rates are what compare.
        lines.append(a.t("profile.diff_complaints_per_10k", a=names["a"], b=names["b"],
                         rate_a=a.number(per_10k(na, population(a)), 2), rate_b=a.number(per_10k(nb, population(b)), 2),
                         count_a=a.number(na), count_b=a.number(nb), **spikes))
    else:
        lines.append(a.t("profile.diff_complaints", a=names["a"], b=names["b"], count_a=a.number(na),
                         count_b=a.number(nb), **spikes))
    pa, pb = profile.programme_outlook(a), profile.programme_outlook(b)
    lines.append(a.t("profile.diff_rollout", a=names["a"], b=names["b"],
                     late_a=a.number(int(pa.outlook.isin(["late", "stalled"]).sum()) if len(pa) else 0),
                     late_b=a.number(int(pb.outlook.isin(["late", "stalled"]).sum()) if len(pb) else 0)))
    oa, ob = profile.open_bottlenecks(a), profile.open_bottlenecks(b)
    side = {k: a.t("profile.diff_bottlenecks_side", count=a.number(len(o)), oldest=a.number(o.age_days.max()))
            if len(o) else a.t("profile.diff_bottlenecks_none") for k, o in (("a", oa), ("b", ob))}
    lines.append(a.t("profile.diff_bottlenecks_sides", a=names["a"], b=names["b"], side_a=side["a"], side_b=side["b"]))
    return Section("compare.differences", title=heading, summary="\n".join(f"- {line}" for line in lines),
                   source=a.t("source.kpis"), as_of=as_of(b))
