"""The data behind the figures: how fresh each feed is, where records exist in the period, the load log
and the data dictionary."""

from __future__ import annotations

import pandas as pd

from dialogue import charts, datasets, i18n, ingest
from dialogue.sections import Context, Section, Table, empty, section

LOG_LIMIT = 200


def dataset_name(ctx: Context, code: str) -> str:
    return ctx.t(f"data.dataset_{code}") if code in datasets.DATASETS else code


def when(ctx: Context, value) -> str:
    """'13 Oct 2026 14:05'; '—' for nothing."""
    return "—" if value is None or pd.isna(value) else f"{ctx.date(value)} {value:%H:%M}"


@section
def freshness(ctx: Context) -> Section:
    """Each feed's last day with data, its age against how often it is due, and its last load."""
    fresh = ctx.query("data/freshness")
    fresh = fresh.assign(
        dataset_label=[dataset_name(ctx, d) for d in fresh.dataset],
        source_label=[op if isinstance(op, str) else ctx.t(f"data.source_{src}") if isinstance(src, str)
                      else ctx.t("data.source_all") for op, src in zip(fresh.operator_name, fresh.source_code)],
        stale_label=[("⚠ " + ctx.t("data.yes")) if s else ctx.t("data.no") for s in fresh.stale])
    stale = fresh[fresh.stale]
    if len(stale):
        feeds = [f"{r.dataset_label} ({r.source_label if r.rows else ctx.t('data.never_loaded')})"
                 for r in stale.itertuples()]
        alert = ("warning", ctx.t("data.stale_warning", feeds="; ".join(feeds)))
    else:
        alert = ("success", ctx.t("data.all_fresh"))
    columns = {"dataset_label": ctx.t("data.col_dataset"), "source_label": ctx.t("data.col_source"),
               "last_data_day": ctx.t("data.col_last_data_day"), "data_age_days": ctx.t("data.col_age_days"),
               "stale_label": ctx.t("data.col_stale"), "rows": ctx.t("data.col_rows")}
    if ctx.region:
        columns |= {"region_rows": ctx.t("data.col_region_rows"),
                    "region_last_data_day": ctx.t("data.col_region_last_day")}
    columns |= {"stale_after_days": ctx.t("data.col_due_days"), "last_load_id": ctx.t("data.col_last_load"),
                "last_loaded_by": ctx.t("data.col_loaded_by"), "last_loaded_at": ctx.t("data.col_loaded_at")}
    formats = {"rows": ctx.numbers(), "region_rows": ctx.numbers(), "last_data_day": ctx.date,
               "region_last_data_day": ctx.date, "data_age_days": ctx.numbers(), "stale_after_days": ctx.numbers(),
               "last_load_id": ctx.numbers(), "last_loaded_at": lambda v: when(ctx, v)}
    return Section("data.freshness", title=ctx.t("data.freshness_title"), subtitle=ctx.t("data.freshness_caption"),
                   alert=alert, table=Table(fresh, columns, {c: formats[c] for c in columns if c in formats},
                                            name="data_freshness"),
                   source=ctx.t("source.loads"), as_of=ctx.as_of_date)


@section
def records_by_area(ctx: Context) -> Section:
    """How many records each dataset has in the period, by region (or by district of the region)."""
    title = (ctx.t("data.area_title_districts", period=ctx.period.label(ctx.lang), region=ctx.region_name(ctx.region))
             if ctx.region else ctx.t("data.area_title_regions", period=ctx.period.label(ctx.lang)))
    areas = ctx.query("data/rows_by_area")
    value_columns = {f"{d}_rows": dataset_name(ctx, d) for d in datasets.NAMES}
    if len(areas) == 0 or areas[list(value_columns)].to_numpy().sum() == 0:
        return empty("data.records_by_area", title)
    areas = areas.assign(area=[ctx.t("data.area_region_wide", region=ctx.region_name(r.area_code, short=True))
                               if ctx.region and r.level == "region" else i18n.place_name(r._asdict(), ctx.lang)
                               for r in areas.itertuples()])
    empty_areas = [a for a, total in zip(areas.area, areas[list(value_columns)].sum(axis=1)) if total == 0]
    summary = ctx.t("data.summary_areas", count=len(empty_areas), total=len(areas)) if empty_areas else None
    table = Table(areas, {"area_code": "code", "area": ctx.t("data.col_area"), **value_columns},
                  name="data_by_area", collapsed=ctx.t("data.area_table"))
    # The title stays above the chart, where a long region name wraps on a narrow screen.
    return Section("data.records_by_area", title=title, figure=charts.count_matrix(areas, "area", value_columns, ctx.lang),
                   notes=(ctx.t("data.area_caption"),), summary=summary, table=table, source=ctx.t("source.loads"),
                   as_of=ctx.as_of_date, data=areas)


def load_log(ctx: Context) -> pd.DataFrame:
    """The newest loads (of the region's rows, with a region), with the names people read."""
    log = ctx.query("data/load_log", limit=LOG_LIMIT)
    return log.assign(dataset_label=[dataset_name(ctx, d) for d in log.dataset],
                      file=log.file_name.map(ingest.safe_value),
                      status_label=[ctx.t(f"data.status_{s}") + (f" · {ctx.t('data.log_demo')}" if demo else "")
                                    for s, demo in zip(log.status, log.is_demo)])


@section
def load_log_table(ctx: Context) -> Section:
    """Every load: what, which file, how many rows, who and when, and any rollback."""
    log = load_log(ctx)
    if log.empty:
        return empty("data.log", ctx.t("data.log_title"))
    columns = {"load_id": ctx.t("data.col_load_id"), "dataset_label": ctx.t("data.col_dataset"),
               "file": ctx.t("data.col_file"), "status_label": ctx.t("data.col_status"), "row_count": ctx.t("data.col_rows")}
    if ctx.region:
        columns["region_rows"] = ctx.t("data.col_region_rows")
    columns |= {"data_from": ctx.t("data.col_data_from"), "data_to": ctx.t("data.col_data_to"),
                "loaded_by": ctx.t("data.col_loaded_by"), "loaded_at": ctx.t("data.col_loaded_at"),
                "rolled_back_by": ctx.t("data.col_rolled_back_by"), "rolled_back_at": ctx.t("data.col_rolled_back_at")}
    stamp = lambda v: when(ctx, v)  # noqa: E731
    formats = {"load_id": str, "row_count": ctx.numbers(), "region_rows": ctx.numbers(), "data_from": ctx.date,
               "data_to": ctx.date, "loaded_at": stamp, "rolled_back_at": stamp,
               "rolled_back_by": lambda v: v if isinstance(v, str) and v else "—"}
    return Section("data.log", title=ctx.t("data.log_title"), subtitle=ctx.t("data.log_caption", n=LOG_LIMIT),
                   table=Table(log, columns, {c: formats[c] for c in columns if c in formats}, name="load_log"),
                   source=ctx.t("source.loads"), as_of=ctx.as_of_date)


@section
def dictionary(ctx: Context, dataset: str | None = None) -> Section:
    """Every column of every dataset (or of one): meaning, type, unit, limits, allowed values, aliases."""
    notes = ()
    if dataset:
        notes = (ctx.t(f"data.about_{dataset}"),)
        if datasets.get(dataset).key:
            notes += (ctx.t("data.keyed_rule", columns=", ".join(datasets.get(dataset).key)),)
    frame = pd.DataFrame(datasets.dictionary_table(ctx.lang, dataset))
    columns = {c: ctx.t(f"data.col_{c}") for c in ("dataset", "column", "description", "type", "unit", "required",
                                                   "key", "allowed", "limits", "aliases_ru", "aliases_kk")}
    return Section("data.dictionary", notes=notes, table=Table(frame, columns, name="data_dictionary", height=560))
