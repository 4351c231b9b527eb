"""Meetings run in the app: create, set the agenda and attendees, record decisions and action items, close.
Pure logic like dialogue.editing (no Streamlit): every write checks permissions here, runs in one
transaction (db.transaction) under editing.WRITE_LOCK, writes its change_event history and bumps the data
version. A closed meeting is frozen: nothing of it changes any more.

Who may run a meeting: the regulator, the ministry and admins any; an akimat its own region's dialogue.
Everyone reads.
"""

from __future__ import annotations

import json
from datetime import date, datetime

import duckdb

from dialogue import auth, db, editing, periods

KINDS = ("council", "regional")
# The screens an agenda is built from (dialogue.sections.agenda draws each), in their usual order.
AGENDA_ITEMS = ("national", "below_threshold", "complaint_spikes", "delayed_rollout", "oldest_bottlenecks",
                "permits_past_clock", "events", "actions_due", "aob")
LANGS = ("kk", "ru", "en")
PROGRAMMES = ("fibre_village", "last_mile", "4g_settlement", "5g_city", "road_4g", "satellite")
ATTENDEES_MAX = 60
ATTENDEE_MAX = 200
DECISION_MAX = 1000


class Closed(editing.InvalidChange):
    """The meeting is closed: its record is frozen."""

    def __init__(self, meeting_id: str):
        super().__init__("status", "closed", meeting_id)


def can_manage(user: auth.User | None, kind: str, region_code: str | None) -> bool:
    """Whether the user may create, run and close a meeting of this kind (and region)."""
    if user is None:
        return False
    if user.role in auth.ALL_DATA_ROLES:
        return True
    return user.role == "akimat" and kind == "regional" and region_code is not None \
        and region_code == user.region_code


def require_manage(user: auth.User | None, kind: str, region_code: str | None) -> None:
    if not can_manage(user, kind, region_code):
        who = "anonymous" if user is None else f"{user.username} ({user.role})"
        raise auth.PermissionDenied(f"{who} may not run a {kind} meeting for {region_code or 'the country'}")


_MEETING_ROW = """select meeting_id, held_on, title, kind, region_code, period_key, lang, status, attendees, agenda,
                         snapshot, created_at, created_by, closed_at, closed_by, version
                  from meeting where meeting_id = $id"""


def get(con: duckdb.DuckDBPyConnection, meeting_id: str) -> dict | None:
    """One meeting as a dict (agenda and attendees as lists), None if unknown."""
    return editing._fetch(con, _MEETING_ROW, meeting_id)


def _open_meeting(con, user: auth.User | None, meeting_id: str) -> dict:
    """The meeting, if it exists, the user may run it and it is still open (inside a transaction)."""
    meeting = get(con, meeting_id)
    if meeting is None:
        raise editing.NotFound(meeting_id)
    require_manage(user, meeting["kind"], meeting["region_code"])
    if meeting["status"] != "open":
        raise Closed(meeting_id)
    return meeting


def _event(con, entity: str, entity_id: str, user: auth.User, when: datetime, changes: dict, before: dict | None = None,
           note: str | None = None) -> None:
    editing._record_events(con, entity, entity_id, user.username, when, changes, before or {}, note)


def _agenda(items) -> list[str]:
    agenda = [item for item in dict.fromkeys(items or ())]
    unknown = [item for item in agenda if item not in AGENDA_ITEMS]
    if unknown:
        raise editing.InvalidChange("agenda", "not_allowed", unknown[0])
    return agenda


def _attendees(lines) -> list[str]:
    if isinstance(lines, str):
        lines = lines.splitlines()
    cleaned = [editing.clean_text(line, ATTENDEE_MAX) for line in lines or ()]
    return [line for line in dict.fromkeys(cleaned) if line][:ATTENDEES_MAX]


def create(con: duckdb.DuckDBPyConnection, user: auth.User | None, kind: str, region_code: str | None, held_on,
           period_key: str, lang: str, title: str, attendees=(), agenda=AGENDA_ITEMS,
           now: datetime | None = None) -> str:
    """Create an open meeting: the national Council (no region) or a regional dialogue for one oblast, with its
    date, the period it reviews, the language of its minutes and its agenda; return its id."""
    kind = editing._choice("kind", kind, KINDS)
    region_code = region_code if kind == "regional" else None
    if kind == "regional" and not region_code:
        raise editing.InvalidChange("region_code", "required", region_code)
    require_manage(user, kind, region_code)
    day = editing.parse_date(held_on, "held_on")
    if day is None:
        raise editing.InvalidChange("held_on", "required", held_on)
    period = periods.parse(period_key)
    if period is None:
        raise editing.InvalidChange("period_key", "not_allowed", period_key)
    lang = editing._choice("lang", lang, LANGS)
    title = editing.clean_text(title, editing.TITLE_MAX)
    if title is None:
        raise editing.InvalidChange("title", "required", title)
    agenda, people = _agenda(agenda), _attendees(attendees)
    when = now or datetime.now()
    with editing.WRITE_LOCK, db.transaction(con):
        if region_code is not None and con.execute("select 1 from region where region_code = $r",
                                                   {"r": region_code}).fetchone() is None:
            raise editing.InvalidChange("region_code", "not_allowed", region_code)
        base = f"M-{day:%Y-%m}" if kind == "council" else f"R-{region_code[3:]}-{day:%Y-%m}"
        taken = {r[0] for r in con.execute("select meeting_id from meeting where meeting_id like $p",
                                           {"p": base + "%"}).fetchall()}
        meeting_id = base if base not in taken else next(f"{base}-{i}" for i in range(2, 1000)
                                                         if f"{base}-{i}" not in taken)
        con.execute("""insert into meeting (meeting_id, held_on, title, kind, region_code, period_key, lang, status,
                                            attendees, agenda, created_at, created_by, version)
                       values ($id, $day, $title, $kind, $region, $period, $lang, 'open', $attendees, $agenda,
                               $when, $who, 1)""",
                    {"id": meeting_id, "day": day, "title": title, "kind": kind, "region": region_code,
                     "period": period.key, "lang": lang, "attendees": people, "agenda": agenda, "when": when,
                     "who": user.username})
        _event(con, "meeting", meeting_id, user, when,
               {"status": "open", "kind": kind, "region_code": region_code, "held_on": day, "period_key": period.key,
                "title": title, "agenda": ", ".join(agenda)})
        db.bump_version(con)
    return meeting_id


def _update(con, user, meeting_id: str, expected_version: int | None, field: str, value, text: str,
            now: datetime | None) -> dict:
    when = now or datetime.now()
    with editing.WRITE_LOCK, db.transaction(con):
        meeting = _open_meeting(con, user, meeting_id)
        if expected_version is not None and meeting["version"] != expected_version:
            raise editing.Conflict({**meeting, "updated_by": meeting["created_by"], "updated_at": meeting["created_at"]})
        before = meeting[field]
        if list(before or []) == value:
            return meeting
        con.execute(f"update meeting set {field} = $value, version = version + 1 where meeting_id = $id",  # constant
                    {"value": value, "id": meeting_id})
        _event(con, "meeting", meeting_id, user, when, {field: text}, {field: ", ".join(before or [])})
        db.bump_version(con)
    return get(con, meeting_id)


def set_agenda(con: duckdb.DuckDBPyConnection, user: auth.User | None, meeting_id: str, agenda,
               expected_version: int | None = None, now: datetime | None = None) -> dict:
    """Reorder (or shorten) an open meeting's agenda; every item a known screen, each once."""
    items = _agenda(agenda)
    if not items:
        raise editing.InvalidChange("agenda", "required", agenda)
    return _update(con, user, meeting_id, expected_version, "agenda", items, ", ".join(items), now)


def move(agenda: list[str], item: str, step: int) -> list[str]:
    """The agenda with one item moved up (-1) or down (+1)."""
    agenda = list(agenda)
    i = agenda.index(item)
    j = min(max(i + step, 0), len(agenda) - 1)
    agenda.insert(j, agenda.pop(i))
    return agenda


def set_attendees(con: duckdb.DuckDBPyConnection, user: auth.User | None, meeting_id: str, attendees,
                  expected_version: int | None = None, now: datetime | None = None) -> dict:
    """The attendees of an open meeting, one per line."""
    people = _attendees(attendees)
    return _update(con, user, meeting_id, expected_version, "attendees", people, "; ".join(people), now)


def record_decision(con: duckdb.DuckDBPyConnection, user: auth.User | None, meeting_id: str, text: str,
                    region_code: str | None = None, now: datetime | None = None) -> str:
    """A decision taken at an open meeting, as worded in the room; return its id ('D-0001')."""
    text = editing.clean_text(text, DECISION_MAX, multiline=True)
    if text is None:
        raise editing.InvalidChange("text", "required", text)
    when = now or datetime.now()
    with editing.WRITE_LOCK, db.transaction(con):
        meeting = _open_meeting(con, user, meeting_id)
        last = con.execute("""select coalesce(max(try_cast(substr(decision_id, 3) as integer)), 0),
                                     coalesce(max(position) filter (where meeting_id = $m), 0)
                              from meeting_decision""", {"m": meeting_id}).fetchone()
        decision_id = f"D-{last[0] + 1:04d}"
        region = region_code or meeting["region_code"]
        con.execute("""insert into meeting_decision values ($id, $meeting, $position, $text, $region, $when, $who)""",
                    {"id": decision_id, "meeting": meeting_id, "position": last[1] + 1, "text": text, "region": region,
                     "when": when, "who": user.username})
        _event(con, "decision", decision_id, user, when, {"text": text, "meeting_id": meeting_id})
        db.bump_version(con)
    return decision_id


def record_action_item(con: duckdb.DuckDBPyConnection, user: auth.User | None, meeting_id: str, text: str,
                       owner: str, due_on, region_code: str | None = None, topic: str | None = None,
                       bottleneck_id: str | None = None, programme: str | None = None,
                       now: datetime | None = None, site_ref: str | None = None) -> str:
    """An action item taken down at an open meeting: text, owner, due date, and what it is about (a region, a
    bottleneck, a programme, a permit application by its site); return its id ('A-0123'). Its creation is in the
    history."""
    values = editing.validate_action_changes({"text": text, "owner": owner, "due_on": due_on})
    if values["due_on"] is None:
        raise editing.InvalidChange("due_on", "required", due_on)
    bottleneck_id = editing.clean_text(bottleneck_id, 40) if bottleneck_id else None
    programme = editing._choice("programme", programme, PROGRAMMES) if programme else None
    site_ref = editing.clean_text(site_ref, 100) if site_ref else None
    when = now or datetime.now()
    with editing.WRITE_LOCK, db.transaction(con):
        meeting = _open_meeting(con, user, meeting_id)
        region = region_code or meeting["region_code"]
        if meeting["kind"] == "regional" and region != meeting["region_code"]:
            raise editing.InvalidChange("region_code", "not_allowed", region)
        if region is not None and con.execute("select 1 from region where region_code = $r",
                                              {"r": region}).fetchone() is None:
            raise editing.InvalidChange("region_code", "not_allowed", region)
        if bottleneck_id is not None and con.execute("select 1 from bottleneck where bottleneck_id = $b",
                                                     {"b": bottleneck_id}).fetchone() is None:
            raise editing.InvalidChange("bottleneck_id", "not_allowed", bottleneck_id)
        if site_ref is not None and con.execute("select 1 from permit where site_ref = $s limit 1",
                                                {"s": site_ref}).fetchone() is None:
            raise editing.InvalidChange("site_ref", "not_allowed", site_ref)
        topic = topic or ("bottlenecks" if bottleneck_id or site_ref else "rollout" if programme else "quality")
        topic = editing._choice("topic", topic, editing.TOPICS)
        last = con.execute("""select coalesce(max(try_cast(substr(action_id, 3) as integer)), 0) from action_item
                              where regexp_full_match(action_id, 'A-[0-9]+')""").fetchone()[0]
        action_id = f"A-{last + 1:04d}"
        con.execute("""insert into action_item (action_id, meeting_id, region_code, topic, text, owner, due_on, status,
                                                version, updated_at, updated_by, bottleneck_id, programme,
                                                site_ref)
                       values ($id, $meeting, $region, $topic, $text, $owner, $due, 'open', 1, $when, $who,
                               $bottleneck, $programme, $site)""",
                    {"id": action_id, "meeting": meeting_id, "region": region, "topic": topic, "text": values["text"],
                     "owner": values["owner"], "due": values["due_on"], "when": when, "who": user.username,
                     "bottleneck": bottleneck_id, "programme": programme, "site": site_ref})
        _event(con, "action_item", action_id, user, when,
               {"status": "open", "text": values["text"], "owner": values["owner"], "due_on": values["due_on"]},
               note=meeting_id)
        db.bump_version(con)
    return action_id


def close(con: duckdb.DuckDBPyConnection, user: auth.User | None, meeting_id: str, snapshot: dict,
          now: datetime | None = None) -> dict:
    """Close an open meeting and freeze its record: the figures shown (snapshot, JSON), who closed it and when.
    After this its agenda, attendees, decisions and new items are refused."""
    when = now or datetime.now()
    frozen = json.dumps(snapshot, ensure_ascii=False, default=_json_default)
    with editing.WRITE_LOCK, db.transaction(con):
        _open_meeting(con, user, meeting_id)
        con.execute("""update meeting set status = 'closed', closed_at = $when, closed_by = $who, snapshot = $snapshot,
                              version = version + 1
                       where meeting_id = $id""",
                    {"when": when, "who": user.username, "snapshot": frozen, "id": meeting_id})
        _event(con, "meeting", meeting_id, user, when, {"status": "closed"}, {"status": "open"})
        db.bump_version(con)
    return get(con, meeting_id)


def snapshot_of(meeting: dict) -> dict | None:
    """The figures frozen at closing, None while the meeting is open."""
    text = meeting.get("snapshot")
    return json.loads(text) if isinstance(text, str) and text else None


def _json_default(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return str(value)
