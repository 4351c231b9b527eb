"""Editing bottlenecks and action items, with history. Pure logic: no Streamlit.

Every write goes through here, so the rules hold whatever a page shows or a crafted request sends:
- only the editable fields, with values checked against the allowed lists;
- auth.require_edit decides who may change which record (akimat: its region; operator: its bottlenecks);
- optimistic locking: the update names the version the user saw; if someone saved in between, nothing is
  written and Conflict carries the record as it is now;
- every changed field becomes a change_event row (who, when, before, after, note) in the same transaction,
  and db.bump_version makes every page's cached queries see the change.
"""

from __future__ import annotations

import re
import threading
from datetime import date, datetime, timedelta

import duckdb
import pandas as pd

from dialogue import auth, db

BOTTLENECK_STATUSES = ("open", "in_progress", "escalated", "resolved")
RESPONSIBLE = ("akimat", "ministry", "utility", "operator", "other")
ACTION_STATUSES = ("open", "done", "dropped")
OWNERS = ("akimat", "ministry", "operator", "regulator", "atameken")
TOPICS = ("quality", "complaints", "rollout", "bottlenecks", "business")
BOTTLENECK_FIELDS = ("status", "responsible", "due_on", "notes")
ACTION_FIELDS = ("status", "owner", "due_on", "text")
NOTES_MAX = 2000     # bottleneck notes
TEXT_MAX = 500       # an action item's wording
NOTE_MAX = 300       # the note that explains an edit
TITLE_MAX = 200      # a meeting's title
# Every edit transaction of this process runs under this lock. DuckDB 2.0 does not detect a write-write
# conflict on a table with a primary key (two concurrent updates of one row both commit: a lost update),
# so the version check is only exact if edits never interleave. The app is one process (the DuckDB file
# lock keeps others out); another writer of these tables in the process should take this lock too.
WRITE_LOCK = threading.RLock()
# Control characters (newlines and tabs kept where text may span lines) are stripped from free text.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")
_CONTROL_ONE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")


class NotFound(LookupError):
    """No record with that id."""


class InvalidChange(ValueError):
    """A change the rules refuse; `field` and `reason` let the UI say which and why in its language."""

    def __init__(self, field: str, reason: str, value=None):
        super().__init__(f"{field}: {reason} ({value!r})")
        self.field, self.reason, self.value = field, reason, value


class Conflict(Exception):
    """Someone saved the record after the user opened it; nothing was written. `current` is the record now."""

    def __init__(self, current: dict):
        super().__init__(f"record changed meanwhile (now version {current.get('version')}, "
                         f"by {current.get('updated_by')} at {current.get('updated_at')})")
        self.current = current


# ---- values -------------------------------------------------------------------------------------

def missing(value) -> bool:
    """None, NaN, NaT or pandas NA (whatever a query returns for nothing)."""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # a list or other non-scalar is a value
        return False


def clean_text(value, max_len: int, multiline: bool = False) -> str | None:
    """Free text without control characters, trimmed and capped at max_len; None when empty."""
    if value is None:
        return None
    text = (_CONTROL if multiline else _CONTROL_ONE_LINE).sub("", str(value).replace("\r\n", "\n")).strip()
    return text[:max_len].rstrip() or None


def parse_date(value, field: str = "due_on") -> date | None:
    """A date from a date, '2026-03-31' or '31.03.2026'; None for empty; InvalidChange otherwise."""
    if missing(value) or value == "":
        return None
    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date):
        text = str(value).strip()
        for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
            try:
                value = datetime.strptime(text, fmt).date()
                break
            except ValueError:
                continue
        else:
            raise InvalidChange(field, "bad_date", value)
    if not 2000 <= value.year <= 2100:
        raise InvalidChange(field, "bad_date", value)
    return value


def _choice(field: str, value, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise InvalidChange(field, "not_allowed", value)
    return value


def _as_text(value) -> str | None:
    """How a value is written in change_event (dates as ISO, nothing as NULL)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _only_fields(changes: dict, allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(changes) - set(allowed))
    if unknown:
        raise InvalidChange(unknown[0], "not_editable", changes[unknown[0]])


def validate_bottleneck_changes(changes: dict, opened_on: date | None = None) -> dict:
    """The changes with checked, normalised values (InvalidChange on the first bad one)."""
    _only_fields(changes, BOTTLENECK_FIELDS)
    out = {}
    if "status" in changes:
        out["status"] = _choice("status", changes["status"], BOTTLENECK_STATUSES)
    if "responsible" in changes:
        out["responsible"] = _choice("responsible", changes["responsible"], RESPONSIBLE)
    if "due_on" in changes:
        out["due_on"] = parse_date(changes["due_on"])
        if out["due_on"] is not None and opened_on is not None and out["due_on"] < opened_on:
            raise InvalidChange("due_on", "before_opened", out["due_on"])
    if "notes" in changes:
        out["notes"] = clean_text(changes["notes"], NOTES_MAX, multiline=True)
    return out


def validate_action_changes(changes: dict) -> dict:
    """The changes with checked, normalised values (InvalidChange on the first bad one)."""
    _only_fields(changes, ACTION_FIELDS)
    out = {}
    if "status" in changes:
        out["status"] = _choice("status", changes["status"], ACTION_STATUSES)
    if "owner" in changes:
        out["owner"] = _choice("owner", changes["owner"], OWNERS)
    if "due_on" in changes:
        out["due_on"] = parse_date(changes["due_on"])
    if "text" in changes:
        out["text"] = clean_text(changes["text"], TEXT_MAX)
        if out["text"] is None:
            raise InvalidChange("text", "required", changes["text"])
    return out


# ---- reading one record (inside the writer's transaction: same connection, no cursor) -----------

_BOTTLENECK_ROW = """select bottleneck_id, region_code, operator_code, opened_on, status, responsible, due_on,
                            notes, resolved_on, version, updated_at, updated_by
                     from bottleneck where bottleneck_id = $id"""
_ACTION_ROW = """select action_id, meeting_id, region_code, topic, status, owner, due_on, text, version,
                        updated_at, updated_by
                 from action_item where action_id = $id"""


def _fetch(con: duckdb.DuckDBPyConnection, sql: str, record_id: str) -> dict | None:
    cur = con.execute(sql, {"id": record_id})
    row = cur.fetchone()
    return None if row is None else dict(zip([d[0] for d in cur.description], row))


def get_bottleneck(con: duckdb.DuckDBPyConnection, bottleneck_id: str) -> dict | None:
    """The editable state of one bottleneck (with region, operator and version), None if unknown."""
    return _fetch(con, _BOTTLENECK_ROW, bottleneck_id)


def get_action_item(con: duckdb.DuckDBPyConnection, action_id: str) -> dict | None:
    """The editable state of one action item (with region and version), None if unknown."""
    return _fetch(con, _ACTION_ROW, action_id)


# ---- writing ------------------------------------------------------------------------------------

def _record_events(con, entity: str, entity_id: str, who: str, when: datetime, diff: dict, before: dict,
                   note: str | None) -> None:
    for field, after in diff.items():
        con.execute("""insert into change_event (entity, entity_id, changed_at, changed_by, field, old_value,
                                                 new_value, note)
                       values ($entity, $id, $when, $who, $field, $old, $new, $note)""",
                    {"entity": entity, "id": entity_id, "when": when, "who": who, "field": field,
                     "old": _as_text(before.get(field)), "new": _as_text(after), "note": note})


def _write(con, entity: str, fetch, record_id: str, user: auth.User | None, expected_version: int, prepare,
           update_sql: str, note: str | None, now: datetime | None, permit=None) -> dict:
    """The shared edit transaction: read, check permission and version, update, log, bump, commit.
    permit(user, before) raises PermissionDenied (default: auth.require_edit on the record's region/operator)."""
    note = clean_text(note, NOTE_MAX)
    when = now or datetime.now()
    with WRITE_LOCK:
        return _write_locked(con, entity, fetch, record_id, user, expected_version, prepare, update_sql, note, when,
                             permit)


def _write_locked(con, entity, fetch, record_id, user, expected_version, prepare, update_sql, note, when,
                  permit=None) -> dict:
    try:
        with db.transaction(con):
            before = fetch(con, record_id)
            if before is None:
                raise NotFound(record_id)
            if permit is None:
                auth.require_edit(user, before["region_code"], before.get("operator_code"))
            else:
                permit(user, before)
            if before["version"] != expected_version:
                raise Conflict(before)
            after = prepare(before)
            diff = {k: v for k, v in after.items() if _as_text(v) != _as_text(before.get(k))}
            if not diff:
                return before  # nothing changed: the empty transaction commits
            params = {**after, "id": record_id, "expected": expected_version, "who": user.username, "when": when}
            if not con.execute(update_sql, params).fetchall():
                raise Conflict(before)
            _record_events(con, entity, record_id, user.username, when, diff, before, note)
            db.bump_version(con)
    except (Conflict, duckdb.TransactionException):
        # Stale version, or another session committed a change to the same row first (DuckDB refuses ours).
        raise Conflict(fetch(con, record_id)) from None
    return fetch(con, record_id)


def update_bottleneck(con: duckdb.DuckDBPyConnection, user: auth.User | None, bottleneck_id: str,
                      expected_version: int, changes: dict, note: str | None = None,
                      now: datetime | None = None) -> dict:
    """Change a bottleneck's status, responsible party, due date or notes; return the record as saved.

    resolved_on follows the status: set to today when it becomes resolved, cleared when it is reopened.
    Raises NotFound, PermissionDenied, InvalidChange or Conflict; nothing is written in those cases.
    """
    when = now or datetime.now()

    def prepare(before: dict) -> dict:
        after = validate_bottleneck_changes(changes, before["opened_on"])
        status = after.get("status", before["status"])
        if status == "resolved" and before["status"] != "resolved":
            after["resolved_on"] = when.date()
        elif status != "resolved" and before["resolved_on"] is not None:
            after["resolved_on"] = None
        return after

    sql = """update bottleneck set status = $status, responsible = $responsible, due_on = $due_on, notes = $notes,
                    resolved_on = $resolved_on, version = version + 1, updated_at = $when, updated_by = $who
             where bottleneck_id = $id and version = $expected
             returning version"""
    return _write(con, "bottleneck", get_bottleneck, bottleneck_id, user, expected_version,
                  lambda before: _complete(prepare(before), before, BOTTLENECK_FIELDS + ("resolved_on",)),
                  sql, note, when)


def update_action_item(con: duckdb.DuckDBPyConnection, user: auth.User | None, action_id: str,
                       expected_version: int, changes: dict, note: str | None = None,
                       now: datetime | None = None) -> dict:
    """Change an action item's status, owner, due date or wording; return the record as saved.

    Raises NotFound, PermissionDenied, InvalidChange or Conflict; nothing is written in those cases.
    """
    sql = """update action_item set status = $status, owner = $owner, due_on = $due_on, text = $text,
                    version = version + 1, updated_at = $when, updated_by = $who
             where action_id = $id and version = $expected
             returning version"""
    return _write(con, "action_item", get_action_item, action_id, user, expected_version,
                  lambda before: _complete(validate_action_changes(changes), before, ACTION_FIELDS),
                  sql, note, now)


def _complete(after: dict, before: dict, fields: tuple[str, ...]) -> dict:
    # The update statement sets every editable column, so unchanged ones keep their value; only real
    # differences end up in the diff (and so in change_event).
    return {f: before.get(f) for f in fields} | after


def create_meeting(con: duckdb.DuckDBPyConnection, user: auth.User | None, held_on, title: str) -> str:
    """Record a Council of Operators meeting (regulator, ministry, admin); return its id ('M-2026-11')."""
    if user is None or user.role not in auth.ALL_DATA_ROLES:
        who = "anonymous" if user is None else f"{user.username} ({user.role})"
        raise auth.PermissionDenied(f"{who} may not record meetings")
    day = parse_date(held_on, "held_on")
    if day is None:
        raise InvalidChange("held_on", "required", held_on)
    title = clean_text(title, TITLE_MAX)
    if title is None:
        raise InvalidChange("title", "required", title)
    with WRITE_LOCK, db.transaction(con):
        base = f"M-{day:%Y-%m}"
        taken = {r[0] for r in con.execute("select meeting_id from meeting where meeting_id like $p",
                                           {"p": base + "%"}).fetchall()}
        meeting_id = base if base not in taken else next(f"{base}-{i}" for i in range(2, 1000)
                                                         if f"{base}-{i}" not in taken)
        # A meeting recorded here is open, reviews the month before it and has the usual agenda (dialogue.meetings).
        con.execute("""insert into meeting (meeting_id, held_on, title, kind, period_key, status, agenda, created_at,
                                            created_by, version)
                       values ($id, $day, $title, 'council', $period, 'open', $agenda, now(), $who, 1)""",
                    {"id": meeting_id, "day": day, "title": title, "who": user.username,
                     "period": f"{(day.replace(day=1) - timedelta(days=1)):%Y-%m}",
                     "agenda": ["national", "below_threshold", "complaint_spikes", "delayed_rollout",
                                "oldest_bottlenecks", "actions_due", "aob"]})
        db.bump_version(con)
    return meeting_id


def create_action_item(con: duckdb.DuckDBPyConnection, user: auth.User | None, meeting_id: str,
                       region_code: str | None, topic: str, text: str, owner: str, due_on=None,
                       note: str | None = None, now: datetime | None = None) -> str:
    """Record an action item as it is decided (regulator, ministry, admin; akimat for its own region).

    region_code None is a national item. Returns the new id ('A-0123'); its creation is in the history.
    """
    auth.require_edit(user, region_code)
    topic = _choice("topic", topic, TOPICS)
    values = validate_action_changes({"text": text, "owner": owner, "due_on": due_on, "status": "open"})
    note = clean_text(note, NOTE_MAX)
    when = now or datetime.now()
    with WRITE_LOCK, db.transaction(con):
        found = con.execute("select closed_at from meeting where meeting_id = $m", {"m": meeting_id}).fetchone()
        if found is None:
            raise NotFound(meeting_id)
        if found[0] is not None:  # closed in the app: its record is frozen
            raise InvalidChange("meeting_id", "closed", meeting_id)
        if region_code is not None and con.execute("select 1 from region where region_code = $r",
                                                   {"r": region_code}).fetchone() is None:
            raise InvalidChange("region_code", "not_allowed", region_code)
        last = con.execute("""select coalesce(max(try_cast(substr(action_id, 3) as integer)), 0) from action_item
                              where regexp_full_match(action_id, 'A-[0-9]+')""").fetchone()[0]
        action_id = f"A-{last + 1:04d}"
        con.execute("""insert into action_item (action_id, meeting_id, region_code, topic, text, owner, due_on,
                                                status, version, updated_at, updated_by)
                       values ($id, $meeting, $region, $topic, $text, $owner, $due, 'open', 1, $when, $who)""",
                    {"id": action_id, "meeting": meeting_id, "region": region_code, "topic": topic,
                     "text": values["text"], "owner": values["owner"], "due": values["due_on"], "when": when,
                     "who": user.username})
        _record_events(con, "action_item", action_id, user.username, when,
                       {"status": "open", "text": values["text"], "owner": values["owner"],
                        "due_on": values["due_on"]}, {}, note)
        db.bump_version(con)
    return action_id


# ---- mass events (the register of the Events page; loaded files arrive through dialogue.ingest) -----------

EVENT_STATUSES = ("active", "cancelled", "deleted")
EVENT_FIELDS = ("name", "kind", "district_kato", "latitude", "longitude", "radius_m", "starts_at", "ends_at",
                "attendance", "source", "status")
SOURCE_MAX = 200
_EVENT_ROW = """select e.event_id, e.name, e.kind, e.kato, e.region_code, e.district_kato, e.latitude, e.longitude,
                       e.radius_m, e.starts_at, e.ends_at, e.attendance, e.source, e.status, e.version, e.updated_at,
                       e.updated_by, coalesce(e.entered_by, l.loaded_by) as entered_by
                from mass_event e left join load_log l using (load_id)
                where e.event_id = try_cast($id as integer)"""


def get_event(con: duckdb.DuckDBPyConnection, event_id) -> dict | None:
    """One mass event as it stands (with who entered or loaded it, and its version), None if unknown."""
    return _fetch(con, _EVENT_ROW, str(event_id))


def _parse_time(value, field: str) -> datetime | None:
    """A local time from a datetime, '2026-08-15 19:00' or '15.08.2026 19:00'; None for empty."""
    if missing(value) or value == "":
        return None
    if isinstance(value, datetime):
        out = value.replace(tzinfo=None)
    elif isinstance(value, date):
        out = datetime.combine(value, datetime.min.time())
    else:
        text = str(value).strip()
        for fmt in ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%d.%m.%Y %H:%M", "%Y-%m-%d"):
            try:
                out = datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
        else:
            raise InvalidChange(field, "bad_date", value)
    if not 2000 <= out.year <= 2100:
        raise InvalidChange(field, "bad_date", value)
    return out


def _number(value, field: str, low: float, high: float) -> float | None:
    if missing(value) or value == "":
        return None
    try:
        out = float(str(value).replace(",", ".").replace(" ", "")) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        raise InvalidChange(field, "not_allowed", value) from None
    if not low <= out <= high:
        raise InvalidChange(field, "not_allowed", value)
    return out


def validate_event(con, values: dict) -> dict:
    """A whole event's values checked and normalised, its place resolved: a point (latitude, longitude and a
    radius) decides the district as a speed test's does (dialogue.geography.locate); without one, the district
    must be known. InvalidChange on the first bad value."""
    from dialogue import datasets, geography

    _only_fields(values, EVENT_FIELDS)
    out = {"name": clean_text(values.get("name"), datasets.EVENT_NAME_MAX)}
    if out["name"] is None:
        raise InvalidChange("name", "required", values.get("name"))
    out["kind"] = _choice("kind", values.get("kind"), datasets.EVENT_KINDS)
    out["status"] = _choice("status", values.get("status", "active"), EVENT_STATUSES)
    lat = _number(values.get("latitude"), "latitude", -90, 90)
    lon = _number(values.get("longitude"), "longitude", -180, 180)
    radius = _number(values.get("radius_m"), "radius_m", *datasets.EVENT_RADIUS_M)
    if (lat is None) != (lon is None):
        raise InvalidChange("longitude" if lon is None else "latitude", "required", None)
    if lat is not None:
        if radius is None:
            raise InvalidChange("radius_m", "required", None)
        found = geography.locate([lon], [lat], geography.BORDER_TOLERANCE_DEG)
        if found.district_kato[0] is None:
            raise InvalidChange("latitude", "outside_kazakhstan", f"{lat}, {lon}")
        district = found.district_kato[0]
    else:
        if radius is not None:
            raise InvalidChange("radius_m", "radius_without_point", radius)
        district = values.get("district_kato")
        if missing(district) or not district:
            raise InvalidChange("district_kato", "required", district)
    row = con.execute("select region_code from district where district_kato = $d", {"d": district}).fetchone()
    if row is None:
        raise InvalidChange("district_kato", "not_allowed", district)
    out |= {"district_kato": district, "kato": district, "region_code": row[0], "latitude": lat, "longitude": lon,
            "radius_m": radius}
    start, end = _parse_time(values.get("starts_at"), "starts_at"), _parse_time(values.get("ends_at"), "ends_at")
    if start is None:
        raise InvalidChange("starts_at", "required", None)
    if end is None:
        raise InvalidChange("ends_at", "required", None)
    if end <= start:
        raise InvalidChange("ends_at", "ends_not_after_start", end)
    if end - start > timedelta(hours=datasets.EVENT_MAX_HOURS):
        raise InvalidChange("ends_at", "event_too_long", end)
    out |= {"starts_at": start, "ends_at": end}
    attendance = _number(values.get("attendance"), "attendance", 0, datasets.EVENT_ATTENDANCE_MAX)
    out["attendance"] = None if attendance is None else int(round(attendance))
    out["source"] = clean_text(values.get("source"), SOURCE_MAX)
    return out


def _require_event_edit(user: auth.User | None, before: dict) -> None:
    if not auth.can_edit_event(user, before.get("entered_by")):
        who = "anonymous" if user is None else f"{user.username} ({user.role})"
        raise auth.PermissionDenied(f"{who} may not change event {before.get('event_id')}")


def create_event(con: duckdb.DuckDBPyConnection, user: auth.User | None, values: dict, note: str | None = None,
                 now: datetime | None = None) -> int:
    """Enter a mass event in the register (ministry, regulator, admin, operators); return its id. Its creation
    (every field) is the first entry of its history."""
    if not auth.can_enter_events(user):
        who = "anonymous" if user is None else f"{user.username} ({user.role})"
        raise auth.PermissionDenied(f"{who} may not enter mass events")
    note = clean_text(note, NOTE_MAX)
    when = now or datetime.now()
    with WRITE_LOCK, db.transaction(con):
        checked = validate_event(con, {**values, "status": "active"})
        event_id = con.execute(
            """insert into mass_event (name, kind, kato, region_code, district_kato, latitude, longitude, radius_m,
                                       starts_at, ends_at, attendance, source, status, version, entered_at,
                                       entered_by, updated_at, updated_by)
               values ($name, $kind, $kato, $region_code, $district_kato, $latitude, $longitude, $radius_m,
                       $starts_at, $ends_at, $attendance, $source, $status, 1, $when, $who, $when, $who)
               returning event_id""", {**checked, "when": when, "who": user.username}).fetchone()[0]
        _record_events(con, "mass_event", str(event_id), user.username, when,
                       {f: checked[f] for f in EVENT_FIELDS if checked.get(f) is not None}, {}, note)
        db.bump_version(con)
    return int(event_id)


def update_event(con: duckdb.DuckDBPyConnection, user: auth.User | None, event_id, expected_version: int,
                 changes: dict, note: str | None = None, now: datetime | None = None) -> dict:
    """Change a mass event (any field; status 'cancelled' cancels it, 'deleted' takes it off every list while
    its history stays); return it as saved. Raises NotFound, PermissionDenied, InvalidChange or Conflict."""
    def prepare(before: dict) -> dict:
        merged = {f: before.get(f) for f in EVENT_FIELDS} | changes
        if "district_kato" in changes and "latitude" not in changes:   # a district chosen anew drops the point
            merged |= {"latitude": None, "longitude": None, "radius_m": None}
        return validate_event(con, merged)

    sql = """update mass_event set name = $name, kind = $kind, kato = $kato, region_code = $region_code,
                    district_kato = $district_kato, latitude = $latitude, longitude = $longitude, radius_m = $radius_m,
                    starts_at = $starts_at, ends_at = $ends_at, attendance = $attendance, source = $source,
                    status = $status, version = version + 1, updated_at = $when, updated_by = $who
             where event_id = try_cast($id as integer) and version = $expected
             returning version"""
    return _write(con, "mass_event", get_event, str(event_id), user, expected_version, prepare, sql, note, now,
                  permit=_require_event_edit)
