"""Bottleneck arithmetic pinned on hand-made rows: age in days, age bands, overdue share, median
resolution time by kind and by region, the log's order and filters, the headline."""

from datetime import date

import pandas as pd
import pytest

from dialogue import db
from tests.conftest import AS_OF as TODAY
from tests.factories import add_bottleneck

START, END, PREV_END = date(2026, 9, 1), date(2026, 10, 1), date(2026, 9, 1)   # the as-of day is 30 Sep 2026


@pytest.fixture
def log(blank_con):
    con = blank_con
    con.execute("insert into operator values ('op_a', 'Operator A', 'mobile,fixed', true)")
    rows = [  # id, kind, region, opened, resolved, responsible, due
        ("B1", "land_plot", "KZ-61", date(2026, 9, 10), None, "akimat", date(2026, 9, 20)),       # 20 d, 10 overdue
        ("B2", "land_plot", "KZ-61", date(2026, 7, 2), None, "akimat", date(2026, 12, 1)),        # 90 d
        ("B3", "mast_permit", "KZ-19", date(2025, 9, 30), None, "ministry", None),                # 365 d
        ("B4", "mast_permit", "KZ-19", date(2025, 9, 29), None, "akimat", date(2026, 3, 1)),      # 366 d, overdue
        ("B5", "power_access", "KZ-19", date(2026, 8, 31), date(2026, 10, 10), "utility", None),  # open at as-of
        ("B6", "land_plot", "KZ-61", date(2026, 1, 1), date(2026, 3, 2), "akimat", None),         # 60 d to resolve
        ("B7", "land_plot", "KZ-71", date(2026, 5, 1), date(2026, 5, 21), "akimat", None),        # 20 d
        ("B8", "land_plot", "KZ-71", date(2026, 4, 1), date(2026, 5, 1), "akimat", None),         # 30 d
        ("B9", "land_plot", "KZ-61", date(2025, 1, 1), date(2025, 6, 1), "akimat", None),         # over 12 months ago
        ("B10", "land_plot", "KZ-61", date(2026, 2, 1), date(2026, 9, 15), "akimat", None),       # 226 d, in period
        ("B11", "land_plot", "KZ-61", date(2026, 10, 5), None, "akimat", None),                   # after the as-of day
        ("B12", "other", "KZ-71", date(2026, 6, 1), date(2026, 9, 5), "operator", None),          # 96 d, in period
    ]
    for bid, kind, region, opened, resolved, responsible, due in rows:
        add_bottleneck(con, bid, kind, region, opened, resolved=resolved, responsible=responsible, due=due)
    return con


def run(con, name, **params):
    base = {"region": None, "start_date": START, "end_date": END, "prev_end_date": PREV_END, "kind": None,
            "responsible": None, "open_only": False, "as_of_date": TODAY}
    base.update(params)
    return db.run(con, name, **{k: v for k, v in base.items() if k in db.parameters_of(db.sql_text(name))})


def test_log_age_order_and_status_at_the_as_of_day(log):
    frame = run(log, "bottlenecks/log").set_index("bottleneck_id")
    assert list(frame.index) == ["B4", "B3", "B2", "B5", "B1", "B10", "B12"]  # open oldest first, then resolved
    assert list(frame.age_days) == [366, 365, 90, 30, 20, 226, 96]
    assert frame.loc["B5", "status"] == "open" and pd.isna(frame.loc["B5", "resolved_on"])  # resolved later
    assert frame.loc["B10", "status"] == "resolved"
    assert frame.loc["B1", "overdue_days"] == 10 and frame.loc["B4", "overdue_days"] == 213
    assert not frame.loc["B2", "is_overdue"] and pd.isna(frame.loc["B3", "overdue_days"])
    assert (frame.total_rows == 7).all() and (frame.open_rows == 5).all()
    assert frame.loc["B1", "operator_name"] == "Operator A" and frame.loc["B1", "place_ru"]


def test_log_filters(log):
    assert list(run(log, "bottlenecks/log", open_only=True).bottleneck_id) == ["B4", "B3", "B2", "B5", "B1"]
    assert list(run(log, "bottlenecks/log", kind="mast_permit").bottleneck_id) == ["B4", "B3"]
    assert list(run(log, "bottlenecks/log", responsible="akimat").bottleneck_id) == ["B4", "B2", "B1", "B10"]
    assert list(run(log, "bottlenecks/log", region="KZ-71").bottleneck_id) == ["B12"]


def test_age_bands(log):
    frame = run(log, "bottlenecks/open_by_age_kind")
    assert len(frame) == 5 * 3                                  # every band for every kind open
    counts = {(r.age_band, r.kind): r.bottlenecks for r in frame.itertuples() if r.bottlenecks}
    assert counts == {("lt30", "land_plot"): 1, ("30_90", "power_access"): 1, ("90_180", "land_plot"): 1,
                      ("180_365", "mast_permit"): 1, ("gt365", "mast_permit"): 1}
    assert list(frame.drop_duplicates("age_band").age_band) == ["lt30", "30_90", "90_180", "180_365", "gt365"]


def test_overdue_share_by_responsible(log):
    frame = run(log, "bottlenecks/overdue_by_responsible").set_index("responsible")
    assert frame.loc["all", "open_bottlenecks"] == 5 and frame.loc["all", "overdue"] == 2
    assert frame.loc["all", "overdue_pct"] == 40
    assert frame.loc["akimat", "overdue_pct"] == pytest.approx(200 / 3)
    assert frame.loc["akimat", "median_overdue_days"] == 111.5     # median of 10 and 213
    assert frame.loc["ministry", "overdue"] == 0 and frame.loc["ministry", "with_due_date"] == 0


def test_median_resolution_by_kind(log):
    frame = run(log, "bottlenecks/resolution_by_kind").set_index("kind")
    land = frame.loc["land_plot"]
    assert land.resolved == 4 and land.median_resolution_days == 45   # 20, 30, 60, 226 (B9 too long ago)
    assert land.p75_resolution_days == pytest.approx(101.5)
    assert land.still_open == 2 and land.median_open_age_days == 55
    assert frame.loc["all", "median_resolution_days"] == 60           # with B12's 96 days
    assert frame.loc["mast_permit", "resolved"] == 0 and frame.loc["mast_permit", "still_open"] == 2


def test_region_ranking_for_land_plots(log):
    frame = run(log, "bottlenecks/resolution_by_area", kind="land_plot").set_index("area_code")
    assert list(frame.index) == ["KZ-71", "KZ-61"]                    # Astana settles fastest
    assert frame.loc["KZ-71", "median_resolution_days"] == 25 and frame.loc["KZ-71", "rank"] == 1
    assert frame.loc["KZ-61", "median_resolution_days"] == 143 and frame.loc["KZ-61", "still_open"] == 2
    assert (frame.scope_median_days == 45).all() and (frame.areas_ranked == 2).all()
    by_district = run(log, "bottlenecks/resolution_by_area", kind="land_plot", region="KZ-61")
    assert by_district.area_code.str.len().eq(9).all()                # district KATO codes


def test_open_by_area(log):
    frame = run(log, "bottlenecks/open_by_area").set_index("area_code")
    assert frame.loc["KZ-19"].tolist()[:4] == [3, 1, 1, 1]           # open, akimat, overdue, akimat overdue
    assert frame.loc["KZ-19", "median_age_days"] == 365 and frame.loc["KZ-19", "oldest_age_days"] == 366
    assert frame.loc["KZ-61", "median_age_days"] == 55
    assert list(frame.index[:2]) == ["KZ-19", "KZ-61"] and len(frame) == 20      # every region, most first
    assert frame.loc["KZ-71", "open_bottlenecks"] == 0 and pd.isna(frame.loc["KZ-71", "median_age_days"])
    districts = run(log, "bottlenecks/open_by_area", region="KZ-61")
    assert districts.open_bottlenecks.sum() == 2 and len(districts) > 1           # every district of Turkistan


def test_headline(log):
    s = run(log, "bottlenecks/summary").iloc[0]
    assert s.open_bottlenecks == 5 and s.prev_open_bottlenecks == 6 and s.open_change == -1
    assert s.opened_in_period == 1 and s.resolved_in_period == 2
    assert s.overdue == 2 and s.overdue_pct == 40
    assert s.median_open_age_days == 90 and s.oldest_open_age_days == 366
    assert s.akimat_open == 3 and s.akimat_overdue == 2
