"""The mass-events register: who may enter and change events, an edit against a stale version refused, every
change kept in the history (cancellation and deletion included), a point deciding the district."""

from datetime import datetime

import pytest

from dialogue import auth, db, editing

MINISTRY = auth.User("min.one", "ministry")
OPERATOR = auth.User("op.a", "operator", operator_code="op_a")
OTHER_OPERATOR = auth.User("op.b", "operator", operator_code="op_b")
AKIMAT = auth.User("akimat.astana", "akimat", region_code="KZ-71")
ATAMEKEN = auth.User("atameken.one", "atameken")
CONCERT = {"name": "Концерт на Астана Арене", "kind": "concert", "latitude": 51.1083, "longitude": 71.4024,
           "radius_m": 1500, "starts_at": "2026-08-12 19:00", "ends_at": "15.08.2026 23:00", "attendance": "30 000",
           "source": "Organiser"}
WHEN = datetime(2026, 8, 1, 10)


def history(con, event_id):
    return con.execute("select field, old_value, new_value, changed_by, note from change_event "
                       "where entity = 'mass_event' and entity_id = ? order by event_id", [str(event_id)]).fetchall()


def test_entering_an_event_places_it_by_its_point_and_starts_its_history(blank_con):
    con = blank_con
    event_id = editing.create_event(con, OPERATOR, CONCERT, note="from the organiser's letter", now=WHEN)
    rec = editing.get_event(con, event_id)
    assert rec["district_kato"] == "711510000" and rec["region_code"] == "KZ-71" and rec["kato"] == "711510000"
    assert rec["starts_at"] == datetime(2026, 8, 12, 19) and rec["ends_at"] == datetime(2026, 8, 15, 23)
    assert rec["attendance"] == 30000 and rec["entered_by"] == "op.a" and rec["version"] == 1
    fields = {f: (old, new, who) for f, old, new, who, _ in history(con, event_id)}
    assert fields["name"] == (None, "Концерт на Астана Арене", "op.a") and fields["status"][1] == "active"
    assert fields["district_kato"][1] == "711510000"


@pytest.mark.parametrize("user", [AKIMAT, ATAMEKEN, auth.User("v", "viewer"), None], ids=["akimat", "atameken",
                                                                                          "viewer", "anonymous"])
def test_akimat_and_atameken_read_only(blank_con, user):
    with pytest.raises(auth.PermissionDenied):
        editing.create_event(blank_con, user, CONCERT)
    assert blank_con.execute("select count(*) from mass_event").fetchone()[0] == 0


def test_edits_keep_their_history_and_a_stale_version_is_refused(blank_con):
    con = blank_con
    event_id = editing.create_event(con, OPERATOR, CONCERT, now=WHEN)
    saved = editing.update_event(con, OPERATOR, event_id, 1, {"ends_at": "2026-08-12 23:00", "attendance": 28000},
                                 note="one evening", now=WHEN)
    assert saved["version"] == 2 and saved["ends_at"] == datetime(2026, 8, 12, 23)
    with pytest.raises(editing.Conflict):
        editing.update_event(con, OPERATOR, event_id, 1, {"name": "Stale"})
    with pytest.raises(auth.PermissionDenied):        # another operator's event
        editing.update_event(con, OTHER_OPERATOR, event_id, 2, {"status": "cancelled"})
    with pytest.raises(auth.PermissionDenied):
        editing.update_event(con, AKIMAT, event_id, 2, {"status": "cancelled"})
    editing.update_event(con, MINISTRY, event_id, 2, {"status": "cancelled"}, note="postponed")
    editing.update_event(con, MINISTRY, event_id, 3, {"status": "deleted"}, note="entered twice")
    changes = [(f, old, new, who, note) for f, old, new, who, note in history(con, event_id)[-4:]]
    assert changes == [("ends_at", "2026-08-15 23:00:00", "2026-08-12 23:00:00", "op.a", "one evening"),
                       ("attendance", "30000", "28000", "op.a", "one evening"),
                       ("status", "active", "cancelled", "min.one", "postponed"),
                       ("status", "cancelled", "deleted", "min.one", "entered twice")]
    # Deleted: off the register's list, still in the table with its history.
    listed = db.run(con, "events/register", region=None, start_date=datetime(2026, 8, 1),
                    end_date=datetime(2026, 9, 1), as_of_date=datetime(2026, 8, 1))
    assert listed.empty
    assert con.execute("select status from mass_event where event_id = ?", [event_id]).fetchone()[0] == "deleted"


@pytest.mark.parametrize(("change", "field", "reason"), [
    ({"ends_at": "2026-08-12 18:00"}, "ends_at", "ends_not_after_start"),
    ({"ends_at": "2026-08-25 18:00"}, "ends_at", "event_too_long"),
    ({"kind": "rave"}, "kind", "not_allowed"),
    ({"latitude": 55.75, "longitude": 37.62}, "latitude", "outside_kazakhstan"),      # Moscow
    ({"latitude": None, "longitude": None, "district_kato": "999999999", "radius_m": None}, "district_kato",
     "not_allowed"),
    ({"latitude": None, "longitude": None, "district_kato": "711510000"}, "radius_m", "radius_without_point"),
    ({"name": "  "}, "name", "required"),
])
def test_bad_values_are_refused_and_nothing_is_written(blank_con, change, field, reason):
    con = blank_con
    with pytest.raises(editing.InvalidChange) as refused:
        editing.create_event(con, MINISTRY, {**CONCERT, **change})
    assert (refused.value.field, refused.value.reason) == (field, reason)
    assert con.execute("select count(*) from mass_event").fetchone()[0] == 0
    assert con.execute("select count(*) from change_event").fetchone()[0] == 0


def test_a_district_without_a_point(blank_con):
    con = blank_con
    values = {k: v for k, v in CONCERT.items() if k not in ("latitude", "longitude", "radius_m")}
    event_id = editing.create_event(con, MINISTRY, {**values, "district_kato": "751410000"})
    rec = editing.get_event(con, event_id)
    assert (rec["region_code"], rec["latitude"], rec["radius_m"]) == ("KZ-75", None, None)
