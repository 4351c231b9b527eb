"""The outcome figures beside the medians (the slow tenth, the shares fit for a video call, at the consistency
floor and at 100 Mbit/s) and the busy hours (the hour x weekday heatmap, the busy-hour dip and its monthly
trend), pinned on hand-made rows; the same figures against DuckDB's own on the small demo."""

from datetime import date, datetime

import pandas as pd
import pytest

from dialogue import db, ingest, periods
from tests.factories import SPEED_TEST_COLUMNS, TODAY, VILLAGE, add_load, add_operators, write

OCT = periods.parse("2026-10")
MAKAT = "235200000"   # a district of Atyrau region (KZ-23)


def add_rows(con, rows, region="KZ-23", district=MAKAT, operator="op_a", technology="fixed"):
    """Speed tests given as (measured_at, download, upload, latency); then the summaries, as every load does."""
    load = add_load(con, f"hand_{region}_{operator}_{technology}_{rows[0][0]}_{len(rows)}")
    con.executemany(f"insert into speed_test ({SPEED_TEST_COLUMNS}) values (?, ?, ?, ?, false, ?, ?, ?, ?, ?, "
                    "'crowd', ?)",
                    [[when, district, region, district, operator, technology, down, up, latency, load]
                     for when, down, up, latency in rows])
    db.refresh_summaries(con, "speed_test")


# (download, upload, latency): what each is fit for, at the thresholds of data/reference/speed_outcomes.csv
# (video call: 3.8 / 3.0 / 150 ms; consistent: 5 / 1; target: 100)
OUTCOME_ROWS = [(2, 1, 20),          # neither
                (4, 3.0, 20),        # a video call (at the upload floor), not consistent (4 < 5)
                (6, 0.5, 20),        # neither: upload too low for both
                (50, 10, 200),       # consistent; latency too high for a video call
                (50, 10, None),      # consistent; no latency: a video call cannot be judged
                (100, 40, 30),       # both, and at the 100 Mbit/s target
                (150, None, 30),     # at the target; no upload: neither share can judge it
                (8, 5, 100)]         # both


@pytest.fixture
def outcomes(blank_con):
    con = blank_con
    con.execute("update kpi_definition set min_tests = null")   # eight tests
    add_rows(con, [(datetime(2026, 10, 5 + i, 12), d, u, lat) for i, (d, u, lat) in enumerate(OUTCOME_ROWS)])
    return con


def kpis(con):
    return db.run(con, "kpi/region_values", as_of_date=TODAY, **OCT.params()).set_index(["region_code", "kpi_code"])


def test_outcome_kpis_on_hand_made_rows(outcomes):
    k = kpis(outcomes)
    # downloads 2 4 6 8 50 50 100 150: the 10th percentile sits 0.7 of the way from 2 to 4
    assert k.loc[("KZ-23", "p10_download_mbps"), "value"] == pytest.approx(3.4)
    assert k.loc[("KZ-23", "tests_video_call_pct"), "value"] == pytest.approx(100 * 3 / 6)     # 6 judgeable
    assert k.loc[("KZ-23", "tests_consistent_pct"), "value"] == pytest.approx(100 * 4 / 7)     # 7 judgeable
    assert k.loc[("KZ-23", "tests_at_least_100_pct"), "value"] == pytest.approx(100 * 2 / 8)
    assert k.loc[("KZ", "p10_download_mbps"), "value"] == pytest.approx(3.4)
    # The regional minimum makes a status: 3.4 Mbit/s is far below Atyrau's 12
    assert k.loc[("KZ-23", "p10_download_mbps"), "rag"] == "red"


def test_the_month_summary_carries_the_same_figures(outcomes):
    month = outcomes.execute("""select p10_download_mbps, tests_video_call_pct, tests_consistent_pct,
                                       tests_at_least_100_pct, tests
                                from speed_test_monthly where scope = 'KZ-23' and dimension = 'all'""").fetchall()
    assert month == [(pytest.approx(3.4), pytest.approx(50), pytest.approx(400 / 7), pytest.approx(25), 8)]


def test_the_shares_follow_the_thresholds_not_the_code(outcomes):
    outcomes.execute("update speed_outcome set min_download_mbps = 50 where outcome_code = 'target_100'")
    outcomes.execute("update speed_outcome set max_latency_ms = 250 where outcome_code = 'video_call'")
    k = kpis(outcomes)
    assert k.loc[("KZ-23", "tests_at_least_100_pct"), "value"] == pytest.approx(100 * 4 / 8)
    assert k.loc[("KZ-23", "tests_video_call_pct"), "value"] == pytest.approx(100 * 4 / 6)   # 50/10/200 ms now fits


def test_outcome_kpis_are_blank_below_min_tests(outcomes):
    outcomes.execute("update kpi_definition set min_tests = 30 where kpi_code in "
                     "('p10_download_mbps', 'tests_video_call_pct', 'tests_consistent_pct')")
    k = kpis(outcomes)
    for code in ("p10_download_mbps", "tests_video_call_pct", "tests_consistent_pct"):
        assert pd.isna(k.loc[("KZ-23", code), "value"]), code
    assert k.loc[("KZ-23", "tests_at_least_100_pct"), "value"] == pytest.approx(25)   # its own min_tests: none


def test_p10_agrees_with_duckdb_on_the_demo(small_con):
    k = db.run(small_con, "kpi/region_values", as_of_date=TODAY, **OCT.params())
    got = k[k.kpi_code == "p10_download_mbps"].set_index("region_code").value
    raw = dict(small_con.execute("""select coalesce(region_code, 'KZ'), quantile_cont(download_mbps, 0.1)
                                    from speed_test where measured_at >= '2026-10-01' and measured_at < '2026-11-01'
                                    group by grouping sets ((region_code), ())""").fetchall())
    tests = dict(small_con.execute("""select region_code, count(*) from speed_test
                                      where measured_at >= '2026-10-01' and measured_at < '2026-11-01'
                                      group by all""").fetchall())
    assert got["KZ"] == pytest.approx(raw["KZ"])
    shown = [r for r in raw if r != "KZ" and tests[r] >= 30]
    assert shown and all(got[r] == pytest.approx(raw[r]) for r in shown)
    assert all(pd.isna(got[r]) for r in raw if r != "KZ" and tests[r] < 30)
    hourly = small_con.execute("""
        select h.p10_download_mbps, r.p10, h.tests, r.tests from speed_test_hourly h
        join (select date_trunc('month', measured_at)::date as month, region_code, hour(measured_at) as hour,
                     quantile_cont(download_mbps, 0.1) as p10, count(*) as tests
              from speed_test group by all) r
          on r.month = h.month and r.region_code = h.scope and r.hour = h.hour
        where h.dimension = 'all'""").fetchall()
    assert len(hourly) > 1000 and all(a == pytest.approx(b) and n == m for a, b, n, m in hourly)


# ---- busy hours ------------------------------------------------------------------------------------------

def test_the_heatmap_buckets_by_local_hour_and_iso_weekday(blank_con, tmp_path):
    con = blank_con
    con.execute("update kpi_definition set min_tests = null")
    add_rows(con, [(datetime(2026, 10, 5, 20, 15), 10, 5, 20),      # Monday 20h
                   (datetime(2026, 10, 12, 20, 59, 59), 30, 5, 20),  # Monday 20h, the next week
                   (datetime(2026, 10, 11, 23, 59, 59), 7, 5, 20),   # Sunday 23h
                   (datetime(2026, 10, 12, 0, 0), 9, 5, 20)])        # Monday 0h
    add_rows(con, [(datetime(2026, 10, 5, 20, 30), 1000, 5, 20)], operator="op_b")
    # A test sent in UTC is filed at its local hour: 15:30 UTC on Tuesday is 20:30 in Kazakhstan.
    add_operators(con)
    csv = write(tmp_path / "utc.csv", f"measured_at,kato,operator,technology,download_mbps,source\n"
                                      f"2026-10-06T15:30:00Z,{VILLAGE},op_a,4g,44,crowd\n")
    assert ingest.ingest(con, "speed_tests", csv, loaded_by="tester", today=TODAY).status == "loaded"
    cells = db.run(con, "quality/busy_heatmap", region="KZ-23", district=None, operator="op_a", **OCT.params())
    got = {(r.weekday, r.hour): (r.tests, r.median_download_mbps) for r in cells.itertuples()}
    assert got == {(1, 20): (2, 20.0), (7, 23): (1, 7.0), (1, 0): (1, 9.0), (2, 20): (1, 44.0)}
    everyone = db.run(con, "quality/busy_heatmap", region="KZ-23", district=MAKAT, operator=None, **OCT.params())
    assert everyone.set_index(["weekday", "hour"]).loc[(1, 20), "tests"] == 3     # op_b's test too; not the village's
    assert db.run(con, "quality/busy_heatmap", region="KZ-71", district=None, operator=None, **OCT.params()).empty
    con.execute("update kpi_definition set min_tests = 2 where kpi_code = 'median_download_mbps'")
    thin = db.run(con, "quality/busy_heatmap", region="KZ-23", district=None, operator="op_a", **OCT.params())
    thin = thin.set_index(["weekday", "hour"])
    assert thin.loc[(1, 20), "median_download_mbps"] == 20 and pd.isna(thin.loc[(7, 23), "median_download_mbps"])
    assert thin.loc[(7, 23), "tests"] == 1


@pytest.fixture
def dips(blank_con):
    """Atyrau (KZ-23): 8 tests at 20h (40), 2 at 7h (100), 5 at 12h (90), 1 at 3h (500). Astana (KZ-71): 4 at
    21h (80), 2 at 9h (100). All op_a fixed in October 2026; min_tests 2."""
    con = blank_con
    con.execute("update kpi_definition set min_tests = 2 where kpi_code = 'median_download_mbps'")

    def at(day, hour, speed, n):
        return [(datetime(2026, 10, day, hour, 5 * i), speed, speed / 2, 20) for i in range(n)]
    add_rows(con, at(5, 20, 40, 8) + at(6, 7, 100, 2) + at(7, 12, 90, 5) + at(8, 3, 500, 1))
    add_rows(con, at(5, 21, 80, 4) + at(6, 9, 100, 2), region="KZ-71", district="711510000")
    return con


def test_the_busy_hour_dip_on_hand_made_rows(dips):
    d = db.run(dips, "quality/busy_hour_dip", **OCT.params())
    d = d[d.dimension == "operator"].set_index("area_code")
    # The busiest hour has the most tests; the quietest the fewest among hours with a quarter of the busiest's
    # tests and min_tests: 7h (2 tests), not 3h (1 test, however fast).
    assert (d.loc["KZ-23", "busy_hour"], d.loc["KZ-23", "quiet_hour"]) == (20, 7)
    assert d.loc["KZ-23", "dip_pct"] == pytest.approx(60)          # 40 against 100
    assert d.loc["KZ-71", "dip_pct"] == pytest.approx(20)          # 80 against 100
    assert (d.loc["KZ-23", "rank_among_regions"], d.loc["KZ-71", "rank_among_regions"]) == (1, 2)
    assert d.loc["KZ-23", "regions_ranked"] == 2
    # The country: busiest 20h (8 tests); 7h and 9h tie on 2 tests, the earlier is taken
    assert (d.loc["KZ", "busy_hour"], d.loc["KZ", "quiet_hour"], d.loc["KZ", "dip_pct"]) == (20, 7, pytest.approx(60))
    tech = db.run(dips, "quality/busy_hour_dip", **OCT.params())
    assert tech[(tech.dimension == "technology") & (tech.area_code == "KZ-23")].dip_pct.item() == pytest.approx(60)


def test_no_dip_without_enough_tests_at_the_busiest_hour(dips):
    dips.execute("update kpi_definition set min_tests = 5 where kpi_code = 'median_download_mbps'")
    d = db.run(dips, "quality/busy_hour_dip", **OCT.params())
    d = d[d.dimension == "operator"].set_index("area_code")
    assert pd.isna(d.loc["KZ-71", "dip_pct"])              # 4 tests at its busiest hour
    # Atyrau: only 12h has 5 tests besides 20h: the quietest hour with enough tests
    assert d.loc["KZ-23", "quiet_hour"] == 12 and d.loc["KZ-23", "dip_pct"] == pytest.approx(100 * (1 - 40 / 90))


def test_the_monthly_dip_reads_the_hourly_summary(dips):
    m = db.run(dips, "quality/busy_hour_dip_monthly", region="KZ-23", from_date=date(2026, 9, 1),
               end_date=date(2026, 11, 1))
    row = m[m.dimension == "operator"]
    assert list(row.month.dt.date) == [date(2026, 10, 1)]
    assert row.dip_pct.item() == pytest.approx(60) and row.busy_tests.item() == 8
