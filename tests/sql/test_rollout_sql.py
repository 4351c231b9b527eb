"""Rollout arithmetic pinned on hand-made rows: cumulative plan vs actual, progress %, pace, forecast
date against the deadline, and the delayed items with their blocking bottlenecks."""

from datetime import date, timedelta

import pandas as pd
import pytest

from dialogue import db
from tests.conftest import AS_OF as TODAY
from tests.factories import add_bottleneck, add_item

END = date(2026, 10, 1)          # the period ends 2026-09-30: the as-of day
AS_OF = END - timedelta(days=1)


@pytest.fixture
def rollout(blank_con):
    con = blank_con
    con.execute("insert into operator values ('op_a', 'Operator A', 'mobile,fixed', true), "
                "('op_b', 'Operator B', 'mobile', true)")
    fv = "fibre_village"
    add_item(con, "A", fv, "KZ-61", date(2025, 6, 1), "done", date(2025, 5, 20))
    add_item(con, "B", fv, "KZ-61", date(2025, 12, 1), "done", date(2026, 1, 10))
    add_item(con, "C", fv, "KZ-61", date(2026, 3, 1), "delayed")
    add_item(con, "D", fv, "KZ-61", date(2026, 12, 1), "construction")
    add_item(con, "E", fv, "KZ-23", date(2026, 2, 1), "done", date(2026, 8, 15), operator="op_b")
    add_item(con, "F", fv, "KZ-23", date(2026, 9, 1), "done", date(2026, 10, 5), operator="op_b")  # after as-of
    add_item(con, "G", fv, "KZ-23", date(2026, 1, 1), "cancelled", operator="op_b")                 # ignored
    add_item(con, "H", fv, "KZ-23", date(2024, 6, 1), "done", date(2024, 6, 1), operator="op_b")
    add_item(con, "S1", "satellite", "KZ-23", date(2025, 1, 1), "done", date(2025, 2, 1), operator="op_b")
    add_item(con, "R1", "road_4g", "KZ-23", date(2026, 6, 1), "construction", units=100, unit="km")
    for i in range(12):  # 12 settlements in the last 12 months, one left: a pace of one a month
        add_item(con, f"4G{i}", "4g_settlement", "KZ-71", date(2026, 1, 1), "done", date(2025, 10, 15) + timedelta(days=28 * i))
    add_item(con, "4G12", "4g_settlement", "KZ-71", date(2027, 6, 1), "design")
    add_item(con, "LM1", "last_mile", "KZ-71", date(2027, 3, 1), "construction", units=400, done=100, unit="household")
    add_bottleneck(con, "BN1", "land_plot", "KZ-61", date(2026, 1, 10), item="C")
    add_bottleneck(con, "BN2", "power_access", "KZ-61", date(2025, 12, 1), resolved=date(2026, 2, 1),
                   responsible="utility", item="C")
    add_bottleneck(con, "BN3", "right_of_way", "KZ-61", date(2026, 10, 15), item="C")   # opened after the as-of day
    return con


def progress(con, end=END, region=None):
    frame = db.run(con, "rollout/progress_forecast", region=region, end_date=end, as_of_date=TODAY)
    return frame.set_index(["programme", "level", frame.code.fillna("-")])


def test_progress_and_forecast(rollout):
    p = progress(rollout)
    fv = p.loc[("fibre_village", "total", "-")]
    assert fv.planned_units == 7 and fv.done_units == 4 and fv.remaining_units == 3   # G cancelled, F after as-of
    assert fv.progress_pct == pytest.approx(400 / 7)
    assert fv.due_units == 6 and fv.done_of_due_pct == pytest.approx(400 / 6)          # all but D are due
    assert fv.done_last_12m_units == 2 and fv.pace_units_per_month == pytest.approx(2 / 12)
    # 3 remaining at 1/6 a month: 18 months = round(18 * 30.4375) = 548 days after the as-of day.
    assert fv.forecast_date == pd.Timestamp(AS_OF + timedelta(days=548))
    assert fv.target_date == pd.Timestamp(2026, 12, 31)                                    # fibre's own deadline
    assert fv.days_late == (AS_OF + timedelta(days=548) - date(2026, 12, 31)).days
    assert fv.outlook == "late" and fv.delayed_items == 2                             # C delayed, F past due


def test_outlooks_and_default_deadline(rollout):
    p = progress(rollout)
    g4 = p.loc[("4g_settlement", "total", "-")]
    assert g4.pace_units_per_month == 1 and g4.forecast_date == pd.Timestamp(AS_OF + timedelta(days=30))
    assert g4.outlook == "on_time" and g4.days_late < 0
    sat = p.loc[("satellite", "total", "-")]
    assert sat.outlook == "done" and sat.target_date == pd.Timestamp(2027, 12, 31) and pd.isna(sat.forecast_date)
    road = p.loc[("road_4g", "total", "-")]
    assert road.outlook == "stalled" and road.progress_pct == 0


def test_progress_by_area_and_operator(rollout):
    p = progress(rollout)
    assert p.loc[("fibre_village", "area", "KZ-61"), "progress_pct"] == 50
    assert p.loc[("fibre_village", "area", "KZ-23"), "progress_pct"] == pytest.approx(200 / 3)
    assert p.loc[("fibre_village", "operator", "op_b"), "operator_name"] == "Operator B"
    assert p.loc[("fibre_village", "operator", "op_a"), "progress_pct"] == 50
    # With a region chosen, areas are its districts.
    districts = progress(rollout, region="KZ-61").xs("area", level="level").index.get_level_values("code")
    assert set(districts) <= set(rollout.execute("select district_kato from district where region_code = 'KZ-61'")
                                 .fetchnumpy()["district_kato"])


def test_partial_progress_counts_only_while_the_period_runs(rollout):
    assert progress(rollout).loc[("last_mile", "total", "-"), "done_units"] == 0
    running = progress(rollout, end=TODAY + timedelta(days=40))
    assert running.loc[("last_mile", "total", "-"), "done_units"] == 100
    assert running.loc[("last_mile", "total", "-"), "as_of_date"] == pd.Timestamp(TODAY)


def test_cumulative_plan_versus_actual(rollout):
    m = db.run(rollout, "rollout/plan_vs_actual_monthly", programme="fibre_village", region=None,
               from_date=date(2026, 1, 1), end_date=END, as_of_date=TODAY)
    m = m.set_index(m.month.dt.date)
    assert m.index[0] == date(2026, 1, 1) and m.index[-1] == date(2026, 12, 1)   # up to the last planned month
    assert m.loc[date(2026, 1, 1), "planned_cum_units"] == 3    # H, A, B planned earlier: carried in
    assert m.loc[date(2026, 1, 1), "done_cum_units"] == 3       # H, A and B (done 10 Jan)
    assert m.loc[date(2026, 3, 1), "planned_cum_units"] == 5
    assert m.loc[date(2026, 7, 1), "done_cum_units"] == 3
    assert m.loc[date(2026, 8, 1), "done_cum_units"] == 4       # E
    assert m.loc[date(2026, 9, 1), "planned_cum_units"] == 6 and m.loc[date(2026, 9, 1), "done_cum_units"] == 4
    assert pd.isna(m.loc[date(2026, 10, 1), "done_cum_units"])   # after the as-of day
    assert m.loc[date(2026, 12, 1), "planned_cum_units"] == 7
    only_kz23 = db.run(rollout, "rollout/plan_vs_actual_monthly", programme="fibre_village", region="KZ-23",
                       from_date=date(2026, 1, 1), end_date=END, as_of_date=TODAY)
    assert only_kz23.planned_cum_units.max() == 3


def test_delayed_items_with_their_bottlenecks(rollout):
    d = db.run(rollout, "rollout/delayed_items", region=None, programme="fibre_village", end_date=END, as_of_date=TODAY)
    assert list(d.item_id) == ["C", "F"]                         # oldest planned date first
    c = d.iloc[0]
    assert c.delay_days == (AS_OF - date(2026, 3, 1)).days and d.iloc[1].delay_days == 29
    assert c.bottlenecks == 2 and c.open_bottlenecks == 1        # BN2 resolved, BN3 opened later
    assert list(c.open_kinds) == ["land_plot"] and list(c.open_responsible) == ["akimat"]
    assert c.oldest_open_bottleneck_days == (AS_OF - date(2026, 1, 10)).days
    village = rollout.execute("select name_ru, name_en from settlement where kato = ?", [c.kato]).fetchone()
    assert c.place_ru == village[0] and c.district_ru and c.total_items == 2   # the village, not its district
    assert c.place_en == village[1] or (village[1] is None and pd.isna(c.place_en))
    road = db.run(rollout, "rollout/delayed_items", region="KZ-23", programme=None, end_date=END, as_of_date=TODAY)
    assert set(road.item_id) == {"F", "R1"}
