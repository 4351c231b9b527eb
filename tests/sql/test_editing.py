"""Editing with history, pinned on hand-made rows: who may change what, optimistic locking, one
change_event per changed field, validation; and the action-item queries' arithmetic."""

from __future__ import annotations

import threading
from datetime import date, datetime

import duckdb
import pytest

from dialogue import auth, db, editing, records

NOW = datetime(2026, 11, 20, 10, 30)
AKIMAT_23 = auth.User("ak23", "akimat", region_code="KZ-23")
AKIMAT_61 = auth.User("ak61", "akimat", region_code="KZ-61")
OPERATOR_A = auth.User("opa", "operator", operator_code="op_a")
OPERATOR_B = auth.User("opb", "operator", operator_code="op_b")
REGULATOR = auth.User("reg", "regulator")


def add_load(con) -> int:
    return con.execute("""insert into load_log (dataset, file_name, checksum_sha256, row_count, loaded_by,
                          loaded_at, status) values ('bottlenecks', 'hand', 'x', 0, 'test', now(), 'loaded')
                          returning load_id""").fetchone()[0]


@pytest.fixture
def con(blank_con):
    """Two bottlenecks (Atyrau/op_a, Turkestan/op_b), a meeting with a regional and a national item."""
    c = blank_con
    load = add_load(c)
    for bid, region, op in (("B-1", "KZ-23", "op_a"), ("B-2", "KZ-61", "op_b")):
        kato = region.replace("KZ-", "") + "0000000"
        c.execute("""insert into bottleneck (bottleneck_id, kind, kato, region_code, operator_code, responsible,
                                             opened_on, due_on, status, version, load_id)
                     values (?, 'land_plot', ?, ?, ?, 'akimat', '2026-03-01', '2026-06-30', 'open', 1, ?)""",
                  [bid, kato, region, op, load])
    c.execute("insert into meeting (meeting_id, held_on, title) values ('M-2026-10', '2026-10-13', 'Council of Operators')")
    c.execute("""insert into action_item (action_id, meeting_id, region_code, topic, text, owner, due_on, status)
                 values ('A-0007', 'M-2026-10', 'KZ-23', 'bottlenecks', 'Allocate the plots', 'akimat',
                         '2026-11-30', 'open'),
                        ('A-0008', 'M-2026-10', null, 'quality', 'Publish the league table', 'regulator',
                         '2026-11-15', 'open')""")
    return c


def events(con, entity_id=None):
    sql = "select field, old_value, new_value, changed_by, note from change_event"
    if entity_id:
        return con.execute(sql + " where entity_id = ? order by event_id", [entity_id]).fetchall()
    return con.execute(sql + " order by event_id").fetchall()


def row(con, bid="B-1"):
    return editing.get_bottleneck(con, bid)


# ---- bottlenecks ------------------------------------------------------------------------------------

def test_every_changed_field_is_an_event_with_before_and_after(con):
    version_before = db.data_version(con)
    saved = editing.update_bottleneck(con, AKIMAT_23, "B-1", 1, {"status": "in_progress", "due_on": "31.12.2026",
                                                                  "notes": "Plot offered", "responsible": "akimat"},
                                      note="Council 13 Oct", now=NOW)
    assert saved["version"] == 2 and saved["updated_by"] == "ak23" and saved["updated_at"] == NOW
    assert saved["due_on"] == date(2026, 12, 31) and saved["status"] == "in_progress"
    # responsible did not change: no event for it
    assert sorted(events(con, "B-1")) == sorted([
        ("status", "open", "in_progress", "ak23", "Council 13 Oct"),
        ("due_on", "2026-06-30", "2026-12-31", "ak23", "Council 13 Oct"),
        ("notes", None, "Plot offered", "ak23", "Council 13 Oct"),
    ])
    assert db.data_version(con) == version_before + 1


def test_resolving_sets_resolved_on_and_reopening_clears_it(con):
    editing.update_bottleneck(con, AKIMAT_23, "B-1", 1, {"status": "resolved"}, now=NOW)
    assert row(con)["resolved_on"] == date(2026, 11, 20)
    editing.update_bottleneck(con, AKIMAT_23, "B-1", 2, {"status": "escalated"}, now=NOW)
    assert row(con)["resolved_on"] is None
    assert [e[:3] for e in events(con, "B-1")] == [
        ("status", "open", "resolved"), ("resolved_on", None, "2026-11-20"),
        ("status", "resolved", "escalated"), ("resolved_on", "2026-11-20", None)]


def test_no_change_writes_nothing(con):
    before = db.data_version(con)
    same = editing.update_bottleneck(con, AKIMAT_23, "B-1", 1, {"status": "open", "due_on": date(2026, 6, 30)})
    assert same["version"] == 1 and events(con) == [] and db.data_version(con) == before


def test_stale_version_is_a_conflict_and_nothing_is_written(con):
    editing.update_bottleneck(con, REGULATOR, "B-1", 1, {"notes": "first"}, now=NOW)
    before = (row(con), events(con), db.data_version(con))
    with pytest.raises(editing.Conflict) as err:
        editing.update_bottleneck(con, AKIMAT_23, "B-1", 1, {"notes": "second", "status": "resolved"})
    # The conflict carries the record as it is now, for the page to show.
    assert err.value.current["version"] == 2 and err.value.current["notes"] == "first"
    assert err.value.current["updated_by"] == "reg" and err.value.current["updated_at"] == NOW
    assert (row(con), events(con), db.data_version(con)) == before


def test_two_people_saving_at_once_never_overwrite_each_other(con):
    # Two sessions opened version 1 and press save together, each on its own cursor (as the app does).
    barrier, outcomes = threading.Barrier(2), {}

    def save(user, notes):
        cur = con.cursor()
        barrier.wait()
        try:
            editing.update_bottleneck(cur, user, "B-1", 1, {"notes": notes})
            outcomes[user.username] = "saved"
        except editing.Conflict as exc:
            outcomes[user.username] = exc.current["notes"]
        finally:
            cur.close()

    threads = [threading.Thread(target=save, args=(u, n)) for u, n in ((AKIMAT_23, "akimat's"), (REGULATOR, "reg's"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    winner = next(name for name, result in outcomes.items() if result == "saved")
    loser = next(name for name, result in outcomes.items() if result != "saved")
    final = row(con)
    assert final["version"] == 2 and final["updated_by"] == winner
    assert outcomes[loser] == final["notes"]           # the loser is shown the winner's version
    assert events(con) == [("notes", None, final["notes"], winner, None)]


def test_akimat_cannot_change_another_regions_bottleneck(con):
    before = (row(con, "B-2"), events(con), db.data_version(con))
    with pytest.raises(auth.PermissionDenied):
        editing.update_bottleneck(con, AKIMAT_23, "B-2", 1, {"status": "resolved"})
    assert (row(con, "B-2"), events(con), db.data_version(con)) == before
    editing.update_bottleneck(con, AKIMAT_61, "B-2", 1, {"status": "resolved"})
    assert row(con, "B-2")["status"] == "resolved"


def test_operator_changes_only_its_own_bottlenecks(con):
    with pytest.raises(auth.PermissionDenied):
        editing.update_bottleneck(con, OPERATOR_B, "B-1", 1, {"notes": "not mine"})
    editing.update_bottleneck(con, OPERATOR_A, "B-1", 1, {"notes": "mine"})
    assert row(con)["notes"] == "mine" and row(con)["updated_by"] == "opa"


@pytest.mark.parametrize("user", [None, auth.User("v", "viewer"), auth.User("a", "atameken"),
                                  auth.User("x", "akimat"), auth.User("y", "operator")],
                         ids=["anonymous", "viewer", "atameken", "akimat-without-region", "operator-without-code"])
def test_readers_cannot_write(con, user):
    with pytest.raises(auth.PermissionDenied):
        editing.update_bottleneck(con, user, "B-1", 1, {"status": "resolved"})
    with pytest.raises(auth.PermissionDenied):
        editing.update_action_item(con, user, "A-0007", 1, {"status": "done"})
    with pytest.raises(auth.PermissionDenied):
        editing.create_action_item(con, user, "M-2026-10", "KZ-23", "quality", "Do it", "ministry")
    assert row(con)["version"] == 1 and events(con) == []


@pytest.mark.parametrize("role", ["regulator", "ministry", "admin"])
def test_all_data_roles_edit_everywhere(con, role):
    user = auth.User(role, role)
    editing.update_bottleneck(con, user, "B-2", 1, {"responsible": "utility"})
    editing.update_action_item(con, user, "A-0008", 1, {"status": "done"})
    assert row(con, "B-2")["responsible"] == "utility"
    assert editing.get_action_item(con, "A-0008")["status"] == "done"


@pytest.mark.parametrize("changes,field,reason", [
    ({"region_code": "KZ-61"}, "region_code", "not_editable"),
    ({"version": 99}, "version", "not_editable"),
    ({"description": "x"}, "description", "not_editable"),
    ({"status": "closed"}, "status", "not_allowed"),
    ({"status": "resolved'; drop table bottleneck; --"}, "status", "not_allowed"),
    ({"responsible": "nobody"}, "responsible", "not_allowed"),
    ({"due_on": "31/12/2026"}, "due_on", "bad_date"),
    ({"due_on": "2026-02-30"}, "due_on", "bad_date"),
    ({"due_on": date(1999, 1, 1)}, "due_on", "bad_date"),
    ({"due_on": "2026-01-01"}, "due_on", "before_opened"),
])
def test_bad_changes_are_refused_and_nothing_is_written(con, changes, field, reason):
    with pytest.raises(editing.InvalidChange) as err:
        editing.update_bottleneck(con, REGULATOR, "B-1", 1, changes)
    assert (err.value.field, err.value.reason) == (field, reason)
    assert row(con)["version"] == 1 and events(con) == []


def test_free_text_is_stored_literally_cleaned_and_capped(con):
    hostile = "'; drop table bottleneck; --\x00\x07 =cmd|' /C calc'!A0 \u202eevil\n" + "x" * 5000
    saved = editing.update_bottleneck(con, REGULATOR, "B-1", 1, {"notes": hostile})
    assert len(saved["notes"]) == editing.NOTES_MAX
    assert saved["notes"].startswith("'; drop table bottleneck; -- =cmd|' /C calc'!A0 evil\nxxx")
    assert not any(ch in saved["notes"] for ch in "\x00\x07\u202e")
    assert con.execute("select count(*) from bottleneck").fetchone()[0] == 2
    assert editing.clean_text("  \x01 \t ", 10) is None


def test_unknown_record_is_not_found(con):
    with pytest.raises(editing.NotFound):
        editing.update_bottleneck(con, REGULATOR, "B-404", 1, {"notes": "x"})
    with pytest.raises(editing.NotFound):
        editing.update_action_item(con, REGULATOR, "A-404", 1, {"status": "done"})


# ---- action items -------------------------------------------------------------------------------------

def test_akimat_updates_its_regions_items_only(con):
    with pytest.raises(auth.PermissionDenied):
        editing.update_action_item(con, AKIMAT_23, "A-0008", 1, {"status": "done"})   # national
    with pytest.raises(auth.PermissionDenied):
        editing.update_action_item(con, AKIMAT_61, "A-0007", 1, {"status": "done"})   # another region
    with pytest.raises(auth.PermissionDenied):
        editing.update_action_item(con, OPERATOR_A, "A-0007", 1, {"status": "done"})  # operators: bottlenecks only
    saved = editing.update_action_item(con, AKIMAT_23, "A-0007", 1, {"status": "done", "owner": "ministry",
                                                                     "text": "  Allocate the two plots  "},
                                       note="done at the session", now=NOW)
    assert (saved["status"], saved["owner"], saved["text"], saved["version"]) == ("done", "ministry",
                                                                                 "Allocate the two plots", 2)
    assert sorted(e[:3] for e in events(con, "A-0007")) == sorted([
        ("status", "open", "done"), ("owner", "akimat", "ministry"),
        ("text", "Allocate the plots", "Allocate the two plots")])


def test_action_item_conflict_and_validation(con):
    editing.update_action_item(con, REGULATOR, "A-0007", 1, {"due_on": "2026-12-15"})
    with pytest.raises(editing.Conflict) as err:
        editing.update_action_item(con, AKIMAT_23, "A-0007", 1, {"status": "dropped"})
    assert err.value.current["due_on"] == date(2026, 12, 15)
    for changes in ({"status": "resolved"}, {"owner": "everyone"}, {"text": " \x00 "}, {"meeting_id": "M-1"}):
        with pytest.raises(editing.InvalidChange):
            editing.update_action_item(con, REGULATOR, "A-0007", 2, changes)
    assert editing.get_action_item(con, "A-0007")["status"] == "open"


def test_recording_action_items_during_a_meeting(con):
    new_id = editing.create_action_item(con, AKIMAT_23, "M-2026-10", "KZ-23", "bottlenecks", "Grant the permits",
                                        "akimat", "2026-12-01", now=NOW)
    assert new_id == "A-0009"   # after the highest number so far
    item = editing.get_action_item(con, new_id)
    assert (item["region_code"], item["status"], item["version"], item["updated_by"]) == ("KZ-23", "open", 1, "ak23")
    assert sorted(e[:3] for e in events(con, new_id)) == sorted([
        ("status", None, "open"), ("text", None, "Grant the permits"), ("owner", None, "akimat"),
        ("due_on", None, "2026-12-01")])
    with pytest.raises(auth.PermissionDenied):   # an akimat records for its own region only
        editing.create_action_item(con, AKIMAT_23, "M-2026-10", "KZ-61", "quality", "x", "akimat")
    with pytest.raises(auth.PermissionDenied):
        editing.create_action_item(con, AKIMAT_23, "M-2026-10", None, "quality", "x", "akimat")
    assert editing.create_action_item(con, REGULATOR, "M-2026-10", None, "quality", "National one", "ministry") \
        == "A-0010"
    with pytest.raises(editing.NotFound):
        editing.create_action_item(con, REGULATOR, "M-1999-01", None, "quality", "x", "ministry")
    with pytest.raises(editing.InvalidChange):
        editing.create_action_item(con, REGULATOR, "M-2026-10", None, "weather", "x", "ministry")
    with pytest.raises(editing.InvalidChange):
        editing.create_action_item(con, REGULATOR, "M-2026-10", "KZ-99", "quality", "x", "ministry")
    assert con.execute("select count(*) from action_item").fetchone()[0] == 4


def test_recording_meetings(con):
    with pytest.raises(auth.PermissionDenied):
        editing.create_meeting(con, AKIMAT_23, "2026-11-10", "Council")
    assert editing.create_meeting(con, REGULATOR, "2026-11-10", "Council of Operators") == "M-2026-11"
    assert editing.create_meeting(con, REGULATOR, "24.11.2026", "Extra session") == "M-2026-11-2"
    with pytest.raises(editing.InvalidChange):
        editing.create_meeting(con, REGULATOR, "2026-11-12", "  ")


# ---- history and its presentation -------------------------------------------------------------------------

def test_history_query_is_newest_first_and_translated(con):
    editing.update_bottleneck(con, AKIMAT_23, "B-1", 1, {"status": "in_progress"}, now=datetime(2026, 11, 1, 9, 0))
    editing.update_bottleneck(con, AKIMAT_23, "B-1", 2, {"status": "resolved"}, note="plot given",
                              now=datetime(2026, 11, 5, 14, 5))
    history = db.run(con, "editing/change_history", entity="bottleneck", entity_id="B-1", limit=10)
    assert list(history.new_value) == ["2026-11-05", "resolved", "in_progress"] or \
        list(history.new_value) == ["resolved", "2026-11-05", "in_progress"]
    table = records.history_table(history, "bottleneck", "ru")
    assert list(table.columns) == ["Когда", "Кто", "Поле", "Было", "Стало", "Комментарий"]
    status_rows = table[table["Поле"] == "Статус"]
    assert list(status_rows["Было"]) == ["В работе", "Открыто"]
    assert list(status_rows["Стало"]) == ["Решено", "В работе"]
    assert status_rows["Когда"].iloc[0] == "5 нояб. 2026\u202fг. 14:05"
    assert "5 нояб. 2026\u202fг." in set(table["Стало"])   # resolved_on, as a date in the language
    assert records.display_value("bottleneck", "status", "weird'code", "kk") == "weird'code"


def test_conflict_message_names_who_and_when():
    level, text = records.describe_error(editing.Conflict({"version": 3, "updated_by": "reg",
                                                           "updated_at": datetime(2026, 11, 20, 16, 42)}), "en")
    assert level == "warning" and "reg" in text and "16:42" in text and "not saved" in text
    level, text = records.describe_error(editing.InvalidChange("due_on", "bad_date", "x"), "kk")
    assert level == "error" and "Мерзімі" in text


# ---- action items in figures (SQL), on hand-made rows -----------------------------------------------------

@pytest.fixture
def agenda(con):
    con.execute("insert into meeting (meeting_id, held_on, title) values ('M-2026-09', '2026-09-08', 'Council')")
    con.execute("""insert into action_item (action_id, meeting_id, region_code, topic, text, owner, due_on, status)
                   values ('A-0001', 'M-2026-09', 'KZ-23', 'quality', 'a', 'operator', '2026-10-01', 'done'),
                          ('A-0002', 'M-2026-09', 'KZ-23', 'quality', 'b', 'operator', '2026-10-01', 'open'),
                          ('A-0003', 'M-2026-09', 'KZ-61', 'quality', 'c', 'operator', '2026-10-01', 'open'),
                          ('A-0004', 'M-2026-10', 'KZ-23', 'quality', 'd', 'operator', '2026-12-01', 'dropped'),
                          ('A-0005', 'M-2026-10', 'KZ-61', 'quality', 'e', 'operator', null, 'done')""")
    return con


def test_action_summary_and_meetings_arithmetic(agenda):
    october = dict(start_date=date(2026, 10, 1), end_date=date(2026, 11, 1), prev_start_date=date(2026, 9, 1),
                   prev_end_date=date(2026, 10, 1), as_of_date=date(2026, 11, 20))
    s = db.run(agenda, "actions/summary", region=None, **october).iloc[0]
    # October meeting: A-0004 dropped, A-0005 done, A-0007 open, A-0008 open; September: three items.
    assert (s.recorded, s.recorded_prev, s.recorded_change) == (4, 3, 1)
    assert s.done_pct == pytest.approx(100 / 3)          # 1 done of 3 not dropped
    assert (s.open_now, s.overdue_now) == (4, 3)          # overdue: A-0002, A-0003 (due 1 Oct), A-0008 (15 Nov)
    r = db.run(agenda, "actions/summary", region="KZ-23", **october).iloc[0]
    # Atyrau: its own items and the national one.
    assert (r.recorded, r.recorded_prev, r.open_now, r.overdue_now) == (3, 2, 3, 2)
    assert r.done_pct == pytest.approx(0)
    m = db.run(agenda, "actions/meetings", region="KZ-23", limit=10, **{k: october[k] for k in
                                                                        ("start_date", "end_date", "as_of_date")})
    assert list(m.meeting_id) == ["M-2026-10", "M-2026-09"] and list(m.in_period) == [True, False]
    oct_row, sep_row = m.iloc[0], m.iloc[1]
    assert (oct_row["items"], oct_row.open_on_time, oct_row.overdue, oct_row.done, oct_row.dropped) == (3, 1, 1, 0, 1)
    assert (sep_row["items"], sep_row.done, sep_row.overdue, sep_row.done_pct) == (2, 1, 1, 50.0)


def test_action_items_query_flags_overdue(agenda):
    items = db.run(agenda, "actions/items", region="KZ-23", meeting_id=None, end_date=date(2026, 11, 1),
                   as_of_date=date(2026, 11, 20), limit=50)
    assert set(items.action_id) == {"A-0001", "A-0002", "A-0004", "A-0007", "A-0008"}
    assert list(items.action_id[:2]) == ["A-0002", "A-0008"]            # overdue first, oldest due first
    flagged = items.set_index("action_id")
    assert flagged.loc["A-0002", "overdue_days"] == 50 and flagged.loc["A-0008", "overdue_days"] == 5
    assert not flagged.loc["A-0001", "is_overdue"] and not flagged.loc["A-0007", "is_overdue"]
    one = db.run(agenda, "actions/items", region=None, meeting_id="M-2026-09", end_date=date(2026, 11, 1),
                 as_of_date=date(2026, 11, 20), limit=50)
    assert set(one.action_id) == {"A-0001", "A-0002", "A-0003"}


def test_bottleneck_choices_ages_and_overdue(con):
    choices = db.run(con, "editing/bottleneck_choices", region="KZ-23", district=None, start_date=date(2026, 10, 1),
                     end_date=date(2026, 11, 1), open_only=True, as_of_date=date(2026, 11, 20), limit=10)
    assert list(choices.bottleneck_id) == ["B-1"]
    assert choices.open_days.iloc[0] == (date(2026, 11, 20) - date(2026, 3, 1)).days
    assert choices.overdue_days.iloc[0] == (date(2026, 11, 20) - date(2026, 6, 30)).days
    editing.update_bottleneck(con, REGULATOR, "B-1", 1, {"status": "resolved"}, now=datetime(2026, 11, 10))
    still = db.run(con, "editing/bottleneck_choices", region="KZ-23", district=None, start_date=date(2026, 10, 1),
                   end_date=date(2026, 11, 1), open_only=False, as_of_date=date(2026, 11, 20), limit=10)
    assert still.open_days.iloc[0] == (date(2026, 11, 10) - date(2026, 3, 1)).days
    assert still.overdue_days.isna().all()
    assert db.run(con, "editing/bottleneck_choices", region="KZ-23", district=None, start_date=date(2026, 10, 1),
                  end_date=date(2026, 11, 1), open_only=True, as_of_date=date(2026, 11, 20), limit=10).empty


def test_transaction_exception_from_duckdb_is_a_conflict_class():
    # The concurrent-edit path relies on DuckDB raising TransactionException for write-write conflicts.
    assert issubclass(duckdb.TransactionException, duckdb.Error)
