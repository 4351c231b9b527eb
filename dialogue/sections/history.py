"""Every change of one record (a bottleneck, an action item): who, when, before and after, and why."""

from __future__ import annotations

from dialogue import records
from dialogue.sections import Context, Section, Table, empty, section

HISTORY_LIMIT = 500


@section
def change_history(ctx: Context, entity: str, entity_id: str) -> Section:
    """The record's change events, newest first, as a table to read and download."""
    events = ctx.query("editing/change_history", entity=entity, entity_id=entity_id, limit=HISTORY_LIMIT)
    if events.empty:
        return empty("history", message="editlog.no_history", hint=False)
    table = records.history_table(events, entity, ctx.lang)
    return Section("history", table=Table(table, {c: c for c in table.columns}, name=f"history_{entity_id}"))
