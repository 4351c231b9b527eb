"""Checks across the columns of an events file that the generic ones do not make: an event ends after it starts
and lasts a week at most (the four weeks before it are its baseline), and a radius belongs to a point (a point
needs one). Each is a SELECT of (row_no, ord, column_name, value, reason, detail) on ingest_typed, as
dialogue.ingest.validate expects; values are $params."""

from __future__ import annotations

from collections.abc import Callable

from dialogue import datasets


def checks(position: dict[str, int], param: Callable[[str, object], str]) -> list[str]:
    """The cross-column checks of the events dataset."""
    hours = param("event_max_hours", datasets.EVENT_MAX_HOURS)
    typed = "ingest_typed"
    return [
        f"""select row_no, {position['ends_at']} as ord, 'ends_at' as column_name, ends_at__raw as value,
                   'ends_not_after_start' as reason, starts_at__raw as detail
            from {typed} where ends_at <= starts_at""",
        f"""select row_no, {position['ends_at']} as ord, 'ends_at' as column_name, ends_at__raw as value,
                   'event_too_long' as reason, {hours}::varchar as detail
            from {typed} where ends_at > starts_at + to_hours({hours})""",
        f"""select row_no, {position['radius_m']} as ord, 'radius_m' as column_name, radius_m__raw as value,
                   'radius_without_point' as reason, null as detail
            from {typed} where radius_m__raw is not null and latitude__raw is null and longitude__raw is null""",
        f"""select row_no, {position['radius_m']} as ord, 'radius_m' as column_name, null as value,
                   'required' as reason, null as detail
            from {typed} where radius_m__raw is null and latitude__raw is not null and longitude__raw is not null""",
    ]
