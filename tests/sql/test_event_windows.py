"""The event report pinned on hand-made rows: the baseline is the same hours of the four previous same weekdays
(not the day before, not another weekday, not a fifth week, not a minute outside the hours); tests near the venue's
point when the district's tests carry coordinates, else the district's; medians, slow tenths, video-call shares and
complaints with exact values; figures blank under the minimum of tests."""

from datetime import date, timedelta

import pytest

from dialogue import db
from tests.factories import EVENT_END, EVENT_START, FAR, add_event, add_located_test, event_week

START, END = EVENT_START, EVENT_END
add_test, week = add_located_test, event_week


def add_complaint(con, cid, at, district="711510000", region="KZ-71", op="op_a"):
    con.execute("""insert into complaint (complaint_id, received_at, kato, region_code, district_kato, operator_code,
                                          service, category, status, load_id)
                   values (?, ?, ?, ?, ?, ?, 'mobile', 'low_speed', 'received', 1)""",
                [cid, at, district, region, district, op])


def report(con, event_id, min_tests=2):
    row = con.execute("select starts_at, ends_at from mass_event where event_id = ?", [event_id]).fetchone()
    frame = db.run(con, "events/report", event_id=event_id, window_from=row[0] - timedelta(days=28),
                   window_to=row[1] + timedelta(hours=24), min_tests=min_tests)
    return {("all" if r.is_all else r.operator_code): r for r in frame.itertuples()}


def test_the_baseline_is_the_same_hours_of_the_four_previous_same_weekdays(blank_con):
    con = blank_con
    event = add_event(con)
    windows = con.execute("select week_back, window_start, window_end from event_windows() where event_id = ? "
                          "order by week_back", [event]).fetchall()
    assert [w[0] for w in windows] == [0, 1, 2, 3, 4]
    assert [w[1] for w in windows] == [START - timedelta(days=7 * k) for k in range(5)]
    assert all(w[1].weekday() == 5 and (w[2] - w[1]) == timedelta(hours=4) for w in windows)
    inside = [week(1), week(2), week(3), week(4, 19, 0), week(4, 22, 59)]
    outside = [week(5), START - timedelta(days=1, hours=-1),           # a fifth week back; the evening before
               week(1) - timedelta(days=3), week(2, 18, 59), week(3, 23, 0),   # another weekday; before; at the end
               START + timedelta(hours=4)]                               # the event's end is not in it
    for i, at in enumerate(inside + outside):
        add_test(con, at, 10.0 + i)
    rows = con.execute("select week_back, download_mbps from event_tests(?, ?) where event_id = ? order by 2",
                       [START - timedelta(days=40), END + timedelta(days=1), event]).fetchall()
    assert rows == [(1, 10.0), (2, 11.0), (3, 12.0), (4, 13.0), (4, 14.0)]


def test_figures_near_the_venue_with_exact_values(blank_con):
    con = blank_con
    event = add_event(con)
    # The event: op_a near the arena 10 (too slow a round trip for a video call), 20, 30; op_b one test only.
    add_test(con, START + timedelta(minutes=30), 10.0, latency=200.0)
    add_test(con, START + timedelta(hours=1), 20.0)
    add_test(con, START + timedelta(hours=2), 30.0)
    add_test(con, START + timedelta(hours=2), 25.0, op="op_b")
    # Not near it: 4.6 km away in the same district, and a test without a point (the district's tests are located).
    add_test(con, START + timedelta(hours=1), 1000.0, point=FAR)
    add_test(con, START + timedelta(hours=1), 1000.0, point=None)
    # The four weeks before: 40, 50, 60, 70 and 80 (that one without a latency: not judged for video calls).
    for n, mbps in ((1, 40.0), (1, 50.0), (2, 60.0), (3, 70.0)):
        add_test(con, week(n), mbps)
    add_test(con, week(4), 80.0, latency=None)
    add_test(con, week(2), 35.0, op="op_b")
    add_test(con, week(3), 45.0, op="op_b")
    got = report(con, event)
    a = got["op_a"]
    assert a.place_mode == "point" and (a.event_tests, a.baseline_tests, a.baseline_weeks) == (3, 5, 4)
    assert a.event_median_mbps == 20.0 and a.baseline_median_mbps == 60.0
    assert a.median_change_pct == pytest.approx(-200 / 3)
    assert a.event_p10_mbps == pytest.approx(12.0) and a.baseline_p10_mbps == pytest.approx(44.0)
    assert a.p10_change_pct == pytest.approx(100 * (12 - 44) / 44)
    assert a.event_video_call_pct == pytest.approx(200 / 3) and a.baseline_video_call_pct == 100.0
    assert a.video_call_change_pts == pytest.approx(-100 / 3)
    b = got["op_b"]                      # one test during the event: below the minimum of two, figures blank
    assert (b.event_tests, b.baseline_tests) == (1, 2) and not b.enough_tests
    assert b.event_median_mbps is None or b.event_median_mbps != b.event_median_mbps
    assert b.baseline_median_mbps == 40.0 and b.median_change_pct != b.median_change_pct   # NaN: no change
    every = got["all"]
    assert (every.event_tests, every.baseline_tests) == (4, 7)
    assert every.event_median_mbps == 22.5 and every.baseline_median_mbps == 50.0
    assert every.operator_name is None


def test_a_venue_whose_district_has_no_located_tests_is_judged_on_its_district(blank_con):
    con = blank_con
    event = add_event(con)
    add_test(con, START + timedelta(hours=1), 20.0, point=None)
    add_test(con, START + timedelta(hours=1), 30.0, point=None)
    add_test(con, START + timedelta(hours=1), 999.0, point=None, district="711210000")   # another district
    add_test(con, week(1), 60.0, point=None)
    add_test(con, week(2), 80.0, point=None)
    got = report(con, event)["all"]
    assert got.place_mode == "district" and (got.event_tests, got.baseline_tests) == (2, 2)
    assert got.event_median_mbps == 25.0 and got.median_change_pct == pytest.approx(-64.285714, rel=1e-6)


def test_complaints_during_and_in_the_24_hours_after_against_the_baseline_weeks(blank_con):
    con = blank_con
    event = add_event(con)
    add_complaint(con, "C1", START + timedelta(hours=1))
    add_complaint(con, "C2", END + timedelta(hours=10))                     # the morning after
    add_complaint(con, "C3", END + timedelta(hours=25))                     # too late
    add_complaint(con, "C4", START + timedelta(hours=1), district="711210000")  # another district
    add_complaint(con, "C5", week(2), op="op_b")
    add_complaint(con, "C6", week(2, 21))
    add_complaint(con, "C7", week(3) + timedelta(hours=12))                 # after, in a baseline week
    got = report(con, event)
    every = got["all"]
    assert (every.complaints_during, every.complaints_after) == (1, 1)
    assert (every.baseline_complaints_during, every.baseline_complaints_after) == (0.5, 0.25)
    assert got["op_b"].baseline_complaints_during == 0.25 and got["op_b"].event_tests == 0


def test_ranked_and_coming_events(blank_con):
    con = blank_con
    held = add_event(con, "Match")
    add_event(con, "Cancelled", status="cancelled")
    quiet = add_event(con, "Forum", start=START + timedelta(days=2), end=START + timedelta(days=2, hours=3),
                      district="711210000", point=None)
    for minutes, mbps in ((0, 10.0), (30, 12.0)):
        add_test(con, START + timedelta(minutes=minutes), mbps)
        add_test(con, START + timedelta(minutes=minutes), 50.0, op="op_c")
    for n in (1, 2):
        add_test(con, week(n), 40.0)
        add_test(con, week(n), 50.0, op="op_c")
    coming = add_event(con, "Match again", start=START + timedelta(days=30), end=START + timedelta(days=30, hours=3),
                       point=(51.1090, 71.4030))
    ranked = db.run(con, "events/ranked", region="KZ-71", start_date=date(2026, 8, 1), end_date=date(2026, 9, 1),
                    as_of_date=date(2026, 9, 1), min_tests=2)
    assert list(ranked.event_id) == [held, quiet]                 # the cancelled one is not ranked
    top = ranked.iloc[0]
    assert top.worst_operator_code == "op_a" and top.worst_change_pct == pytest.approx(-72.5)
    assert top.best_operator_code == "op_c" and top.best_change_pct == 0.0 and top.operators_judged == 2
    soon = db.run(con, "events/coming", region=None, as_of_date=date(2026, 9, 1), min_tests=2)
    assert list(soon.event_id) == [coming]
    assert soon.previous_id.iloc[0] == held and soon.previous_worst_change_pct.iloc[0] == pytest.approx(-72.5)


def test_a_baseline_week_with_another_event_there_is_left_out(blank_con):
    con = blank_con
    event = add_event(con)
    other = add_event(con, "Match a week before", start=START - timedelta(days=7, hours=-1),
                      end=START - timedelta(days=7, hours=-2))
    add_event(con, "Cancelled two weeks before", start=week(2), end=week(2) + timedelta(hours=1), status="cancelled")
    clean = con.execute("select week_back, is_clean from event_windows() where event_id = ? order by 1",
                        [event]).fetchall()
    assert clean == [(0, True), (1, False), (2, True), (3, True), (4, True)]
    add_test(con, START + timedelta(hours=1), 10.0)
    for n, mbps in ((1, 99.0), (2, 40.0), (3, 50.0)):
        add_test(con, week(n), mbps)
    add_complaint(con, "K1", week(1))              # the busy week: not part of the usual week
    add_complaint(con, "K2", week(3))
    got = report(con, event, min_tests=1)["all"]
    assert (got.baseline_tests, got.baseline_weeks, got.baseline_median_mbps) == (2, 2, 45.0)
    assert got.baseline_complaints_during == pytest.approx(1 / 3)
    # The match itself keeps its own four weeks (the concert after it is not in them).
    assert con.execute("select count(*) from event_windows() where event_id = ? and is_clean", [other]).fetchone()[0] == 5
