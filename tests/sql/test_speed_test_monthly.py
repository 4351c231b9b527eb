"""The monthly speed test summary (speed_test_monthly): filled by the migration that creates it, rebuilt in
the transaction of every load, rollback and demo build, and the trend questions read from it with the
figures the raw speed tests give."""

import shutil
from datetime import date

import duckdb
import pandas as pd
import pytest

from dialogue import db, ingest
from tests.conftest import speed_tests_csv
from tests.factories import TODAY, VILLAGE, monthly_from_raw, monthly_summary

# The questions as they were, scanning speed_test: the reference for the summary-based ones.
RAW_SQL = {
    "quality/monthly_medians": """
        with
        tests as (
            select date_trunc('month', measured_at)::date as month, operator_code, technology,
                   download_mbps, upload_mbps, latency_ms,
                   download_mbps >= 3.8 and upload_mbps >= 3.0 and latency_ms <= 150 as video_call,
                   download_mbps >= 5 and upload_mbps >= 1 as consistent
            from speed_test
            where measured_at >= $from_date and measured_at < $end_date
              and ($region is null or region_code = $region)
        ),
        medians as (
            select month,
                   case when grouping(operator_code) = 0 then 'operator' else 'technology' end as dimension,
                   coalesce(operator_code, technology) as member,
                   median(download_mbps) as median_download_mbps,
                   median(upload_mbps) as median_upload_mbps,
                   median(latency_ms) as median_latency_ms,
                   count(*) as tests,
                   quantile_cont(download_mbps, 0.1) as p10_download_mbps,
                   100.0 * avg(video_call::int) as tests_video_call_pct,
                   100.0 * avg(consistent::int) as tests_consistent_pct,
                   100.0 * avg((download_mbps >= 100)::int) as tests_at_least_100_pct
            from tests
            group by grouping sets ((month, operator_code), (month, technology))
        )
        select m.month, m.dimension, m.member, o.name as operator_name,
               m.median_download_mbps, m.median_upload_mbps, m.median_latency_ms, m.tests,
               m.p10_download_mbps, m.tests_video_call_pct, m.tests_consistent_pct, m.tests_at_least_100_pct
        from medians m
        left join operator o on m.dimension = 'operator' and o.operator_code = m.member
        order by m.dimension,
                 case m.member when 'fixed' then 1 when '5g' then 2 when '4g' then 3 when '3g' then 4
                               when 'satellite' then 5 else 6 end,
                 m.member, m.month""",
    "overview/monthly_download_trend": """
        with tests as (
            select date_trunc('month', measured_at)::date as month, region_code, download_mbps
            from speed_test
            where measured_at >= $from_date and measured_at < $end_date
        )
        select month, 'KZ' as scope,
               median(download_mbps) as median_download_mbps,
               100.0 * avg((download_mbps < 10)::int) as tests_under_10_pct,
               count(*) as tests
        from tests
        group by month
        union all
        select month, region_code as scope,
               median(download_mbps), 100.0 * avg((download_mbps < 10)::int), count(*)
        from tests
        where region_code = $region
        group by month, region_code
        order by scope, month""",
}
# A month, a quarter, a year and the 24 months of the trend charts (periods.add_months of a period's end).
WINDOWS = [(date(2026, 10, 1), date(2026, 11, 1)), (date(2026, 7, 1), date(2026, 10, 1)),
           (date(2025, 1, 1), date(2026, 1, 1)), (date(2024, 12, 1), date(2026, 12, 1))]


@pytest.fixture
def con(small_copy):
    con = db.connect(small_copy)
    yield con
    con.close()


def load_october(con, tmp_path, n=400, seed=3):
    """Speed tests of October 2026 in Atyrau region (KZ-23), through the real ingest path."""
    report = ingest.ingest(con, "speed_tests", speed_tests_csv(tmp_path / f"october_{seed}.csv", n, [VILLAGE], seed),
                           loaded_by="tester", today=TODAY)
    assert report.status == "loaded", report.text()
    return report.load_id


def rows(summary, month, scope):
    return summary[(summary.month == pd.Timestamp(month)) & (summary.scope == scope) & (summary.dimension == "all")]


def test_the_demo_build_fills_the_summary(small_con):
    summary = monthly_summary(small_con)
    assert len(summary) > 0 and set(summary.dimension) == {"all", "operator", "technology"}
    pd.testing.assert_frame_equal(summary, monthly_from_raw(small_con), check_exact=True)


def test_a_load_rebuilds_the_summary_for_the_country_and_the_region(con, tmp_path):
    before = monthly_summary(con)
    load_october(con, tmp_path)
    after = monthly_summary(con)
    # Every column of every row, the country's and each region's, as the raw rows give them.
    pd.testing.assert_frame_equal(after, monthly_from_raw(con), check_exact=True)
    for scope in ("KZ", "KZ-23"):
        assert rows(after, "2026-10-01", scope).tests.item() == rows(before, "2026-10-01", scope).tests.item() + 400
    assert rows(after, "2026-10-01", "KZ-62").equals(rows(before, "2026-10-01", "KZ-62"))


def test_a_rollback_takes_its_tests_out_of_the_summary(con, tmp_path):
    load_october(con, tmp_path, seed=3)
    kept = monthly_summary(con)
    second = load_october(con, tmp_path, n=250, seed=4)
    assert not monthly_summary(con).equals(kept)
    assert ingest.rollback(con, second, by="auditor") == 250
    pd.testing.assert_frame_equal(monthly_summary(con), kept, check_exact=True)
    pd.testing.assert_frame_equal(monthly_summary(con), monthly_from_raw(con), check_exact=True)


def test_a_warehouse_from_before_the_summary_gains_it_filled(small_db, tmp_path):
    path = tmp_path / "old.duckdb"
    shutil.copy(small_db, path)
    old = duckdb.connect(str(path))   # back to migration 10: no summary table, no record of its rebuild
    old.execute("drop table speed_test_monthly")
    # and none of the columns migration 15 adds to it (the outcome figures)
    old.execute("delete from schema_version where version in (11, 15)")
    old.execute("delete from model_state where name = 'speed_test_monthly'")
    tests = old.execute("select count(*) from speed_test").fetchone()[0]
    old.close()
    con = db.connect(path)
    try:
        assert {11, 15} <= {r[0] for r in con.execute("select version from schema_version").fetchall()}
        summary = monthly_summary(con)
        assert summary[(summary.scope == "KZ") & (summary.dimension == "all")].tests.sum() == tests > 0
        pd.testing.assert_frame_equal(summary, monthly_from_raw(con), check_exact=True)
    finally:
        con.close()


@pytest.mark.parametrize("name", sorted(RAW_SQL))
@pytest.mark.parametrize("region", [None, "KZ-23", "KZ-62"])
def test_the_trend_questions_answer_as_the_raw_speed_tests_do(small_con, name, region):
    for from_date, end_date in WINDOWS:
        params = {"region": region, "from_date": from_date, "end_date": end_date}
        expected = small_con.execute(RAW_SQL[name], params).df()
        assert len(expected) > 0
        pd.testing.assert_frame_equal(db.run(small_con, name, **params), expected, check_exact=True)


@pytest.mark.parametrize("name", sorted(RAW_SQL))
def test_the_window_is_whole_months(small_con, name):
    """A window that starts or ends within a month takes that whole month."""
    whole = db.run(small_con, name, region="KZ-23", from_date=date(2026, 7, 1), end_date=date(2026, 10, 1))
    inner = db.run(small_con, name, region="KZ-23", from_date=date(2026, 7, 15), end_date=date(2026, 9, 2))
    pd.testing.assert_frame_equal(inner, whole, check_exact=True)
