"""Records as people read them: labels, tables and messages for bottlenecks, action items and their
change history, in the user's language (pure: pages and sections show these; dialogue.editing writes)."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd

from dialogue import auth, i18n
from dialogue.editing import (
    ACTION_STATUSES,
    BOTTLENECK_STATUSES,
    OWNERS,
    RESPONSIBLE,
    TOPICS,
    Conflict,
    InvalidChange,
    NotFound,
    missing,
    parse_date,
)

_CODE_KEYS = {  # field -> (message key prefix, allowed codes): codes outside the list are shown as they are
    ("bottleneck", "status"): ("editlog.status_", BOTTLENECK_STATUSES),
    ("bottleneck", "responsible"): ("editlog.responsible_", RESPONSIBLE),
    ("action_item", "status"): ("actions.status_", ACTION_STATUSES),
    ("action_item", "owner"): ("actions.owner_", OWNERS),
    ("action_item", "topic"): ("actions.topic_", TOPICS),
    ("mass_event", "kind"): ("events.kind_", ("concert", "sport", "holiday", "forum", "other")),
    ("mass_event", "status"): ("events.status_", ("active", "cancelled", "deleted")),
}
_DATE_FIELDS = ("due_on", "resolved_on", "held_on")


def fmt_time(value, lang: str) -> str:
    """'13 Oct 2026 14:05' in the language; '—' for nothing."""
    if missing(value):
        return "—"
    value = value.to_pydatetime() if hasattr(value, "to_pydatetime") else value
    if not isinstance(value, datetime):
        return i18n.fmt_date(value, lang)
    return f"{i18n.fmt_date(value, lang)} {value:%H:%M}"


def field_name(field: str, lang: str) -> str:
    """The name of an editable field ('Due date', 'Срок' …)."""
    return i18n.t(f"editlog.field_{field}", lang) if f"editlog.field_{field}" in i18n.catalogue("en") else field


def display_value(entity: str, field: str, value, lang: str) -> str:
    """A stored value as people read it: translated codes, dates in the language, text as written."""
    if missing(value) or value == "":
        return "—"
    if field in _DATE_FIELDS:
        try:
            return i18n.fmt_date(parse_date(value if isinstance(value, date) else str(value)[:10], field), lang)
        except InvalidChange:
            return str(value)
    prefix, codes = _CODE_KEYS.get((entity, field), (None, ()))
    if prefix and value in codes:
        return i18n.t(prefix + value, lang)
    return str(value)


def history_table(events: pd.DataFrame, entity: str, lang: str) -> pd.DataFrame:
    """change_event rows as a table to read and download: when, who, field, before → after, note."""
    col = {k: i18n.t(f"editlog.col_{k}", lang) for k in ("when", "who", "field", "before", "after", "note")}
    return pd.DataFrame({
        col["when"]: [fmt_time(v, lang) for v in events.changed_at],
        col["who"]: events.changed_by.astype(str).to_list(),
        col["field"]: [field_name(f, lang) for f in events.field],
        col["before"]: [display_value(entity, f, v, lang) for f, v in zip(events.field, events.old_value)],
        col["after"]: [display_value(entity, f, v, lang) for f, v in zip(events.field, events.new_value)],
        col["note"]: [v if isinstance(v, str) else "" for v in events.note],
    })


def place(row, prefix: str, lang: str) -> str | None:
    """The name of the place in columns <prefix>_kk/_ru/_en of a row, in the language (None if unknown)."""
    names = {f"name_{lg}": row[f"{prefix}_{lg}"] for lg in ("kk", "ru", "en")}
    return i18n.place_name(names, lang) if isinstance(names["name_ru"], str) else None


def _days(value, lang: str) -> str:
    return "" if missing(value) else i18n.fmt_number(value, lang)


def bottleneck_label(row, lang: str, region_name) -> str:
    """How a bottleneck reads in a picker: id, kind, district, operator, age, status."""
    return i18n.t("editlog.choice_label", lang, id=row["bottleneck_id"], kind=i18n.t(f"editlog.kind_{row['kind']}", lang),
                  place=place(row, "district", lang) or region_name(row["region_code"]),
                  operator=row["operator_name"] or row["operator_code"], days=_days(row["open_days"], lang),
                  status=display_value("bottleneck", "status", row["status"], lang))


def bottleneck_list_table(frame: pd.DataFrame, lang: str, region_name) -> pd.DataFrame:
    """The picker's bottlenecks as a table to read and download, in the language."""
    def col(key: str) -> str:
        return i18n.t(f"editlog.{key}", lang)

    rows = frame.to_dict("records")
    return pd.DataFrame({
        "ID": [r["bottleneck_id"] for r in rows],
        col("kind"): [i18n.t(f"editlog.kind_{r['kind']}", lang) for r in rows],
        col("field_status"): [display_value("bottleneck", "status", r["status"], lang) for r in rows],
        col("field_responsible"): [display_value("bottleneck", "responsible", r["responsible"], lang) for r in rows],
        i18n.t("common.region", lang): [region_name(r["region_code"]) for r in rows],
        i18n.t("common.district", lang): [place(r, "district", lang) or "—" for r in rows],
        i18n.t("common.operator", lang): [r["operator_name"] or r["operator_code"] for r in rows],
        col("opened_on"): [i18n.fmt_date(r["opened_on"], lang) for r in rows],
        col("field_due_on"): [display_value("bottleneck", "due_on", r["due_on"], lang) for r in rows],
        col("open_days"): [_days(r["open_days"], lang) for r in rows],
        col("overdue_days"): [_days(r["overdue_days"], lang) for r in rows],
    })


def bottleneck_details(rec, lang: str, region_name) -> pd.DataFrame:
    """What is known about one bottleneck, as (what, value) rows of plain text."""
    where = [place(rec, "place", lang), place(rec, "district", lang), region_name(rec["region_code"])]
    items = [
        ("editlog.place", " · ".join(p for p in where if p)),
        ("common.operator", rec["operator_name"] or rec["operator_code"]),
        ("editlog.site", rec["site_ref"]),
        ("editlog.rollout_item", rec["rollout_item_id"]),
        ("editlog.opened_on", i18n.fmt_date(rec["opened_on"], lang)),
        ("editlog.field_due_on", display_value("bottleneck", "due_on", rec["due_on"], lang)),
        ("editlog.field_resolved_on", display_value("bottleneck", "resolved_on", rec["resolved_on"], lang)),
        ("editlog.description", rec["description"]),
        ("editlog.field_notes", rec["notes"]),
        ("editlog.last_change", f"{fmt_time(rec['updated_at'], lang)} · {rec['updated_by'] or '—'}"),
        ("editlog.version", str(rec["version"])),
    ]
    return pd.DataFrame({i18n.t("editlog.col_field", lang): [i18n.t(k, lang) for k, _ in items],
                         i18n.t("editlog.col_value", lang): [v if isinstance(v, str) and v else "—" for _, v in items]})


def action_label(row, lang: str) -> str:
    """How an action item reads in a picker: id, status and the start of its wording."""
    text = row["text"] if len(row["text"]) <= 80 else row["text"][:79] + "…"
    return f"{row['action_id']} · {display_value('action_item', 'status', row['status'], lang)} · {text}"


def action_items_table(frame: pd.DataFrame, lang: str, region_name) -> pd.DataFrame:
    """Action items as a table to read and download, in the language (national items say so)."""
    rows = frame.to_dict("records")
    return pd.DataFrame({
        "ID": [r["action_id"] for r in rows],
        i18n.t("actions.meeting", lang): [i18n.fmt_date(r["held_on"], lang) for r in rows],
        i18n.t("common.region", lang): [region_name(r["region_code"]) if isinstance(r["region_code"], str)
                                        else i18n.t("actions.national", lang) for r in rows],
        field_name("topic", lang): [display_value("action_item", "topic", r["topic"], lang) for r in rows],
        field_name("owner", lang): [display_value("action_item", "owner", r["owner"], lang) for r in rows],
        field_name("due_on", lang): [display_value("action_item", "due_on", r["due_on"], lang) for r in rows],
        field_name("status", lang): [display_value("action_item", "status", r["status"], lang) for r in rows],
        i18n.t("editlog.overdue_days", lang): [_days(r["overdue_days"], lang) for r in rows],
        field_name("text", lang): [r["text"] for r in rows],   # last: the long one
    })


def describe_error(exc: Exception, lang: str) -> tuple[str, str]:
    """(level, message) for a refused write: 'warning' for a conflict, 'error' otherwise."""
    if isinstance(exc, Conflict):
        now = exc.current or {}
        return "warning", i18n.t("editlog.conflict", lang, who=now.get("updated_by") or "?",
                                 time=fmt_time(now.get("updated_at"), lang), version=now.get("version", "?"))
    if isinstance(exc, auth.PermissionDenied):
        return "error", i18n.t("editlog.denied", lang)
    if isinstance(exc, InvalidChange):
        reason = exc.reason if exc.reason in ("bad_date", "not_allowed", "not_editable", "required",
                                              "before_opened", "outside_kazakhstan", "ends_not_after_start",
                                              "event_too_long", "radius_without_point") else "not_allowed"
        return "error", i18n.t(f"editlog.invalid_{reason}", lang, field=field_name(exc.field, lang))
    if isinstance(exc, NotFound):
        return "error", i18n.t("editlog.gone", lang)
    raise exc
