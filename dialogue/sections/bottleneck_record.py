"""One bottleneck as the edit page shows it: the list to pick from, and the record in figures and words."""

from __future__ import annotations

import pandas as pd

from dialogue import editing, records
from dialogue.sections import Context, Metric, Section, Table, empty, section

CHOICES_LIMIT = 300


def choices(ctx: Context, district: str | None, open_only: bool) -> pd.DataFrame:
    """The bottlenecks active in the period in the region (or one district), open ones only if asked."""
    return ctx.query("editing/bottleneck_choices", district=district, open_only=open_only, limit=CHOICES_LIMIT)


def choice_labels(ctx: Context, frame: pd.DataFrame) -> dict[str, str]:
    """'B-00012 · Land plot · Zhylyoi · Operator A · 240 days · Open' for each choice."""
    return {r["bottleneck_id"]: records.bottleneck_label(r, ctx.lang, ctx.region_name) for r in frame.to_dict("records")}


@section
def choice_list(ctx: Context, frame: pd.DataFrame) -> Section:
    """The choices as a table to read and download."""
    table = records.bottleneck_list_table(frame, ctx.lang, ctx.region_name)
    return Section("bottleneck_record.list", table=Table(table, {c: c for c in table.columns}, name="bottlenecks"),
                   source=ctx.t("source.bottlenecks"))


def record(ctx: Context, bottleneck_id: str):
    """The record (a row), or None when there is no such bottleneck."""
    found = ctx.query("editing/bottleneck_record", bottleneck_id=bottleneck_id)
    return None if found.empty else found.iloc[0]


def _days(ctx: Context, value) -> str:
    return ctx.t("common.unit_days", value=ctx.number(value))


@section
def record_card(ctx: Context, rec) -> Section:
    """Status, age, due date (days, not a date: a Kazakh date does not fit a quarter of the screen),
    who must act, and every known detail."""
    if rec is None:
        return empty("bottleneck_record.card")
    due = records.display_value("bottleneck", "due_on", rec.due_on, ctx.lang)
    if not editing.missing(rec.overdue_days):
        timing = Metric(ctx.t("editlog.overdue_days"), _days(ctx, rec.overdue_days), delta=due, good=False)
    elif not editing.missing(rec.due_in_days):
        timing = Metric(ctx.t("editlog.due_in"), _days(ctx, rec.due_in_days), delta=due)
    else:
        timing = Metric(ctx.t("editlog.field_due_on"), due)
    cards = (Metric(ctx.t("editlog.field_status"), records.display_value("bottleneck", "status", rec.status, ctx.lang)),
             Metric(ctx.t("editlog.open_days"), _days(ctx, rec.open_days)),
             timing,
             Metric(ctx.t("editlog.field_responsible"),
                    records.display_value("bottleneck", "responsible", rec.responsible, ctx.lang)))
    details = records.bottleneck_details(rec, ctx.lang, ctx.region_name)
    # The last card is wider: "Энергокомпания" must not be cut in a quarter of the screen.
    return Section("bottleneck_record.card", title=f"{rec.bottleneck_id} · {ctx.t(f'editlog.kind_{rec.kind}')}",
                   metrics=cards, metric_widths=(1, 1, 1, 1.5),
                   table=Table(details, {c: c for c in details.columns}, name=f"bottleneck_{rec.bottleneck_id}",
                               height=40 + 35 * len(details)),
                   source=ctx.t("source.bottlenecks"), as_of=ctx.as_of_date)
