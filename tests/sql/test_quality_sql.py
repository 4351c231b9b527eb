"""Quality queries pinned on hand-made rows: district KPIs, monthly medians, speed bands, urban-rural gap."""

from datetime import date, datetime

import pandas as pd
import pytest

from dialogue import db, periods
from tests.factories import SPEED_TEST_COLUMNS, add_load

OCT = periods.parse("2026-10")
ATYRAU_CITY, MAKAT, ZHYLYOI = "231000000", "235200000", "233600000"


def add_tests(con, district, day, speeds, technology="fixed", operator="op_a", rural=False, latency=20.0):
    """Speed tests in one district of Atyrau region (KZ-23): upload is half the download."""
    load = add_load(con, f"speed_{district}_{day}_{technology}_{operator}_{rural}_{speeds}")
    for s in speeds:
        con.execute(f"insert into speed_test ({SPEED_TEST_COLUMNS}) "
                    "values (?, ?, 'KZ-23', ?, ?, ?, ?, ?, ?, ?, 'crowd', ?)",
                    [datetime.combine(day, datetime.min.time()), district, district, rural, operator, technology,
                     s, s / 2, latency, load])
    db.refresh_summaries(con, "speed_test")   # as every write of speed tests does


def run(con, name, **params):
    return db.run(con, name, **params)


@pytest.fixture
def district_kpis(blank_con):
    con = blank_con
    con.execute("update kpi_definition set min_tests = null")  # the arithmetic here rests on a handful of tests
    add_tests(con, MAKAT, date(2026, 10, 3), [5, 40, 55])                  # median 40, 1 of 3 under 10
    add_tests(con, MAKAT, date(2026, 10, 9), [120], technology="4g")       # mobile
    add_tests(con, MAKAT, date(2026, 9, 9), [20, 30])                      # previous month: median 25
    add_tests(con, ZHYLYOI, date(2026, 10, 12), [150, 250])                # median 200: target met
    add_tests(con, ZHYLYOI, date(2026, 11, 1), [1])                        # after the period: ignored
    villages = [r[0] for r in con.execute("select kato from settlement where district_kato = ? and is_village "
                                          "order by kato", [MAKAT]).fetchall()]
    load = add_load(con, "rollout")
    for i, done_on in enumerate([date(2026, 9, 1), date(2026, 10, 20)]):
        con.execute("""insert into rollout_item values (?, 'fibre_village', ?, 'KZ-23', ?, 'op_a', 'settlement',
                       1, 1, '2026-12-31', 'done', ?, ?)""", [f"R{i}", villages[i], MAKAT, done_on, load])
    cov = add_load(con, "coverage")
    for kato, covered in [(villages[0], True), (villages[1], False), (villages[2], True), (villages[3], True)]:
        con.execute("insert into coverage values ('2026-10-01', ?, 'KZ-23', ?, 'op_b', '4g', ?, ?)",
                    [kato, MAKAT, covered, cov])
    frame = run(con, "quality/district_values", region="KZ-23", as_of_date=date(2026, 11, 15), **OCT.params())
    return frame.set_index(["district_kato", "kpi_code"]), len(villages)


def test_district_medians_shares_and_change(district_kpis):
    k, _ = district_kpis
    assert k.loc[(MAKAT, "fixed_median_download_mbps"), "value"] == 40
    assert k.loc[(MAKAT, "median_download_mbps"), "value"] == pytest.approx(47.5)   # 5, 40, 55, 120
    assert k.loc[(MAKAT, "mobile_median_download_mbps"), "value"] == 120
    assert k.loc[(MAKAT, "fixed_median_upload_mbps"), "value"] == 20
    assert k.loc[(MAKAT, "tests_under_10_pct"), "value"] == pytest.approx(25)
    assert k.loc[(MAKAT, "tests_at_least_100_pct"), "value"] == pytest.approx(25)
    assert k.loc[(MAKAT, "fixed_median_download_mbps"), "prev_value"] == 25
    assert k.loc[(MAKAT, "fixed_median_download_mbps"), "change"] == 15
    assert k.loc[(MAKAT, "fixed_median_download_mbps"), "tests"] == 3     # fixed tests only
    assert k.loc[(MAKAT, "median_download_mbps"), "tests"] == 4
    assert k.loc[(ZHYLYOI, "median_download_mbps"), "value"] == 200     # the November test is outside October


def test_district_speed_kpi_with_too_few_tests_is_blank_but_counted(blank_con):
    add_tests(blank_con, MAKAT, date(2026, 10, 3), [40] * 29)
    add_tests(blank_con, ZHYLYOI, date(2026, 10, 3), [70] * 30)
    k = run(blank_con, "quality/district_values", region="KZ-23", as_of_date=date(2026, 11, 15), **OCT.params()).set_index(["district_kato", "kpi_code"])
    makat = k.loc[(MAKAT, "fixed_median_download_mbps")]
    assert makat["value"] != makat["value"] and makat["tests"] == 29 and not isinstance(makat["rag"], str)
    assert k.loc[(ZHYLYOI, "fixed_median_download_mbps"), "value"] == 70
    assert k.loc[(ZHYLYOI, "fixed_median_download_mbps"), "districts_ranked"] == 1


def test_district_rag_uses_the_regions_minimum_and_ranks_within_the_region(district_kpis):
    k, _ = district_kpis
    assert k.loc[(MAKAT, "median_download_mbps"), "minimum_value"] == 60             # Atyrau's minimum
    assert k.loc[(MAKAT, "median_download_mbps"), "rag"] == "red"                    # 47.5 < 60
    assert k.loc[(ZHYLYOI, "median_download_mbps"), "rag"] == "green"                # 200 >= 100
    assert k.loc[(MAKAT, "tests_under_10_pct"), "rag"] == "red"                      # 25% > 18% (lower is better)
    assert k.loc[(ZHYLYOI, "median_download_mbps"), "rank_in_region"] == 1
    assert k.loc[(MAKAT, "median_download_mbps"), "rank_in_region"] == 2
    assert k.loc[(MAKAT, "median_download_mbps"), "districts_ranked"] == 2
    # A district without tests is listed, with no value and no status.
    assert k.loc[(ATYRAU_CITY, "median_download_mbps"), "value"] != k.loc[(ATYRAU_CITY, "median_download_mbps"), "value"]
    assert not isinstance(k.loc[(ATYRAU_CITY, "median_download_mbps"), "rag"], str)


def test_district_coverage_and_fibre_stock(district_kpis):
    k, villages = district_kpis
    assert villages == 4
    assert k.loc[(MAKAT, "fibre_villages_pct"), "value"] == pytest.approx(50)        # 2 of 4 by the end of October
    assert k.loc[(MAKAT, "fibre_villages_pct"), "prev_value"] == pytest.approx(25)   # 1 of 4 by the end of September
    assert k.loc[(MAKAT, "settlements_4g_pct"), "value"] == pytest.approx(75)
    assert set(k.index.get_level_values("kpi_code")) >= {"city_5g_sites_pct", "median_latency_ms"}
    assert "road_4g_km" not in set(k.index.get_level_values("kpi_code"))            # no district figure for it


def test_monthly_medians_by_operator_and_technology(blank_con):
    con = blank_con
    con.execute("insert into operator values ('op_a', 'Operator A', 'mobile,fixed', true),"
                " ('op_b', 'Operator B', 'mobile', true)")
    add_tests(con, MAKAT, date(2026, 9, 2), [10, 30], operator="op_a", latency=30)
    add_tests(con, MAKAT, date(2026, 9, 3), [50], technology="4g", operator="op_b", latency=60)
    add_tests(con, MAKAT, date(2026, 10, 4), [80, 100, 120], technology="4g", operator="op_b", latency=40)
    add_tests(con, MAKAT, date(2026, 8, 31), [999])                      # before $from_date
    frame = run(con, "quality/monthly_medians", region="KZ-23", from_date=date(2026, 9, 1), end_date=date(2026, 11, 1))
    m = frame.set_index(["dimension", "member", "month"])
    sep, oct_ = pd.Timestamp("2026-09-01"), pd.Timestamp("2026-10-01")
    assert m.loc[("operator", "op_a", sep), "median_download_mbps"] == 20
    assert m.loc[("operator", "op_a", sep), "operator_name"] == "Operator A"
    assert m.loc[("operator", "op_b", oct_), "median_upload_mbps"] == 50
    assert m.loc[("technology", "fixed", sep), "median_latency_ms"] == 30
    assert m.loc[("technology", "4g", sep), "tests"] == 1
    assert m.loc[("technology", "4g", oct_), "median_download_mbps"] == 100
    assert len(frame) == 6          # op_a Sep, op_b Sep+Oct, fixed Sep, 4g Sep+Oct
    # Fixed lines come first among the technologies, whatever the alphabet says.
    assert list(frame[frame.dimension == "technology"].member.unique()) == ["fixed", "4g"]
    assert run(con, "quality/monthly_medians", region="KZ-62", from_date=date(2026, 9, 1),
               end_date=date(2026, 11, 1)).empty


def test_speed_bands_edges_shares_and_empty_bands(blank_con):
    con = blank_con
    add_tests(con, MAKAT, date(2026, 10, 5), [1, 2, 9.99, 10, 50, 99.9, 100, 250])
    add_tests(con, MAKAT, date(2026, 10, 6), [300, 300], technology="5g")
    frame = run(con, "quality/speed_bands", region=None, start_date=OCT.start, end_date=OCT.end)
    b = frame.set_index(["technology", "band_code"])
    assert list(frame.technology.unique()) == ["all", "5g", "fixed"]
    assert len(frame) == 3 * 7                                            # every band, even empty ones
    # Lower edges are inclusive: 2 is in 2-10, 10 in 10-25, 100 in 100-250, 250 in >=250.
    assert [b.loc[("fixed", c), "tests"] for c in ("lt_2", "2_10", "10_25", "25_50", "50_100", "100_250", "ge_250")] \
        == [1, 2, 1, 0, 2, 1, 1]
    assert b.loc[("fixed", "2_10"), "share_pct"] == pytest.approx(25)
    assert b.loc[("all", "ge_250"), "tests"] == 3
    assert b.loc[("all", "ge_250"), "share_pct"] == pytest.approx(30)
    assert b.loc[("5g", "lt_2"), "share_pct"] == 0
    assert b.loc[("all", "lt_2"), "technology_tests"] == 10
    assert frame.groupby("technology").share_pct.sum().round(6).eq(100).all()


def test_urban_rural_gap_by_region_and_by_district(blank_con):
    con = blank_con
    add_tests(con, MAKAT, date(2026, 10, 5), [100, 200, 300])                    # urban: median 200
    add_tests(con, MAKAT, date(2026, 10, 5), [10, 20], rural=True)               # rural: median 15
    add_tests(con, ZHYLYOI, date(2026, 10, 6), [40, 60], rural=True)             # rural only
    add_tests(con, ZHYLYOI, date(2026, 9, 6), [1, 1, 1])                         # previous month: ignored
    national = run(con, "quality/urban_rural_gap", region=None, start_date=OCT.start,
                   end_date=OCT.end).set_index("area_code")
    assert list(national.index) == ["KZ", "KZ-23"]
    assert national.loc["KZ", "level"] == "country"
    assert national.loc["KZ-23", "urban_median_download_mbps"] == 200
    assert national.loc["KZ-23", "rural_median_download_mbps"] == 30            # 10, 20, 40, 60
    assert national.loc["KZ-23", "gap_mbps"] == 170
    assert national.loc["KZ-23", "rural_to_urban_pct"] == pytest.approx(15)
    assert (national.loc["KZ-23", "urban_tests"], national.loc["KZ-23", "rural_tests"]) == (3, 4)
    by_district = run(con, "quality/urban_rural_gap", region="KZ-23", start_date=OCT.start,
                      end_date=OCT.end).set_index("area_code")
    assert by_district.loc["KZ-23", "level"] == "region"
    assert by_district.loc[MAKAT, "gap_mbps"] == 185
    assert by_district.loc[MAKAT, "rural_to_urban_pct"] == pytest.approx(7.5)
    assert by_district.loc[ZHYLYOI, "gap_mbps"] != by_district.loc[ZHYLYOI, "gap_mbps"]    # no urban tests: NaN
    assert list(by_district.index[:2]) == ["KZ-23", MAKAT]                          # total first, then widest gap


def test_kpi_definitions_minimum_of_the_region_and_range(blank_con):
    d = run(blank_con, "quality/kpi_definitions", region="KZ-23").set_index("kpi_code")
    assert d.loc["median_download_mbps", "region_minimum"] == 60
    assert d.loc["median_download_mbps", "national_target"] == 100
    assert d.loc["median_download_mbps", "lowest_minimum"] < 60 <= d.loc["median_download_mbps", "highest_minimum"]
    country = run(blank_con, "quality/kpi_definitions", region=None).set_index("kpi_code")
    assert country.region_minimum.isna().all()
    assert country.loc["median_latency_ms", "direction"] == "lower"
