"""Business-survey arithmetic pinned on hand-made rows: connection shares, satisfaction mean and
distribution against the quarter before, barrier shares (';'-separated), speeds against the need."""

from datetime import date

import pytest

from dialogue import db
from tests.factories import add_load, first_place

AUGUST = {"start_date": date(2026, 8, 1), "end_date": date(2026, 9, 1)}   # a month selects its quarter (Q3)
Q3, Q2, Q4 = date(2026, 7, 1), date(2026, 4, 1), date(2026, 10, 1)


@pytest.fixture
def survey(blank_con):
    con = blank_con
    load = add_load(con, "survey")
    rows = [  # id, quarter, region, size, sector, connection, Mbit/s, satisfaction, barriers
        ("r1", Q3, "KZ-23", "micro", "trade", "mobile", 20, 2, "cost;speed"),
        ("r2", Q3, "KZ-23", "micro", "trade", "fixed", 50, 4, "cost"),
        ("r3", Q3, "KZ-71", "small", "services", "mobile", 10, 1, "speed; cost;speed"),   # speed twice: once
        ("r4", Q3, "KZ-71", "medium", "ict", "fixed", 150, 5, ""),
        ("r5", Q3, "KZ-71", "large", "manufacturing", "none", None, 1, "availability"),
        ("r6", Q2, "KZ-23", "micro", "trade", "mobile", 30, 3, None),
        ("r7", Q2, "KZ-71", "medium", "ict", "fixed", 80, 5, "cost"),
        ("r8", Q4, "KZ-23", "micro", "trade", "fixed", 90, 5, "other"),                     # after the period
    ]
    for rid, quarter, region, size, sector, connection, mbps, score, barriers in rows:
        kato = first_place(con, region)
        district = con.execute("select district_kato from settlement where kato = ?", [kato]).fetchone()[0]
        con.execute("insert into survey_response values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [rid, quarter, kato, region, district, size, sector, connection, mbps, score, barriers, load])
    return con


def run(con, name, region=None, **period):
    return db.run(con, name, region=region, **(period or AUGUST))


def test_connection_shares(survey):
    frame = run(survey, "business/connection_mix").set_index(["dimension", "group_code", "connection"])
    assert frame.loc[("all", "all", "mobile"), "share_pct"] == 40
    assert frame.loc[("all", "all", "none"), "share_pct"] == 20 and frame.loc[("all", "all", "none"), "group_firms"] == 5
    assert frame.loc[("firm_size", "micro", "fixed"), "share_pct"] == 50
    assert frame.loc[("sector", "ict", "fixed"), "share_pct"] == 100
    assert frame.loc[("area", "KZ-71", "none"), "share_pct"] == pytest.approx(100 / 3)
    districts = run(survey, "business/connection_mix", region="KZ-23").query("dimension == 'area'")
    assert districts.group_code.str.len().eq(9).all() and districts.firms.sum() == 2


def test_satisfaction_distribution_and_mean(survey):
    frame = run(survey, "business/satisfaction").set_index(["firm_size", "score"])
    everyone = frame.loc["all"]
    assert list(everyone.share_pct) == [40, 20, 0, 20, 20]               # scores 1..5, zeros kept
    assert everyone.mean_satisfaction.iloc[0] == pytest.approx(2.6)
    assert everyone.prev_mean_satisfaction.iloc[0] == 4                    # Q2: 3 and 5
    assert everyone.mean_change.iloc[0] == pytest.approx(-1.4)
    assert frame.loc[("micro", 2), "firms"] == 1 and frame.loc[("micro", 2), "mean_satisfaction"] == 3
    year = run(survey, "business/satisfaction", start_date=date(2026, 1, 1), end_date=date(2027, 1, 1))
    assert year.group_firms.iloc[0] == 8 and year.prev_mean_satisfaction.isna().all()   # 2025: no survey


def test_barrier_shares(survey):
    frame = run(survey, "business/barrier_shares").set_index(["firm_size", "barrier"])
    assert frame.loc[("all", "cost"), "share_pct"] == 60                  # r1, r2, r3 of 5
    assert frame.loc[("all", "speed"), "firms_citing"] == 2               # r1, r3 (r3 counted once)
    assert frame.loc[("all", "availability"), "share_pct"] == 20
    assert frame.loc[("all", "cost"), "rank_in_group"] == 1
    assert frame.loc[("micro", "cost"), "share_pct"] == 100 and frame.loc[("micro", "speed"), "share_pct"] == 50
    assert "" not in frame.index.get_level_values("barrier")


def test_speed_against_need(survey):
    frame = run(survey, "business/speed_vs_need").set_index(["firm_size", "connection"])
    micro = frame.loc[("micro", "all")]
    assert micro.median_download_mbps == 35 and micro.need_mbps == 30 and micro.gap_mbps == 5
    assert micro.below_need_pct == 50                                    # 20 < 30, 50 >= 30
    assert frame.loc[("small", "mobile"), "below_need_pct"] == 100
    assert frame.loc[("medium", "fixed"), "need_mbps"] == 100 and frame.loc[("medium", "fixed"), "below_need_pct"] == 0
    assert "large" not in frame.index.get_level_values("firm_size")      # its only firm has no connection
