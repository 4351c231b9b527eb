"""KPI arithmetic pinned on hand-made rows: medians, shares, stock KPIs, RAG and rank."""

from datetime import date

import pytest

from dialogue import db, periods
from tests.factories import add_load, add_tests

OCT = periods.parse("2026-10")


def test_a_speed_kpi_needs_enough_tests_behind_it(blank_con):
    """min_tests (30 for speed KPIs) counts the tests of the KPI's own technology."""
    con = blank_con
    add_tests(con, "KZ-23", date(2026, 10, 5), [50] * 29)
    add_tests(con, "KZ-23", date(2026, 10, 6), [80], technology="4g")
    add_tests(con, "KZ-71", date(2026, 10, 5), [90] * 30)
    k = db.run(con, "kpi/region_values", as_of_date=date(2026, 11, 15), **OCT.params()).set_index(["region_code", "kpi_code"])
    assert k.loc[("KZ-23", "median_download_mbps"), "value"] == 50          # 30 tests in all
    assert k.loc[("KZ-23", "fixed_median_download_mbps"), "value"] != k.loc[("KZ-23", "fixed_median_download_mbps"), "value"]
    assert k.loc[("KZ-23", "mobile_median_download_mbps"), "value"] != k.loc[("KZ-23", "mobile_median_download_mbps"), "value"]
    assert not isinstance(k.loc[("KZ-23", "fixed_median_download_mbps"), "rag"], str)
    assert k.loc[("KZ-71", "fixed_median_download_mbps"), "value"] == 90     # exactly 30: shown
    assert k.loc[("KZ-71", "fixed_median_download_mbps"), "rank_among_regions"] == 1
    assert k.loc[("KZ", "fixed_median_download_mbps"), "value"] == 90       # 59 fixed tests: the 30th is 90


@pytest.fixture
def kpis(blank_con):
    con = blank_con
    con.execute("update kpi_definition set min_tests = null")  # the arithmetic here rests on a handful of tests
    add_tests(con, "KZ-23", date(2026, 10, 5), [5, 50, 120])
    add_tests(con, "KZ-71", date(2026, 10, 20), [200, 300])
    add_tests(con, "KZ-23", date(2026, 9, 5), [10, 20])          # previous month
    add_tests(con, "KZ-23", date(2026, 11, 2), [1000])           # after the period: ignored
    villages = con.execute("select kato from settlement where region_code = 'KZ-23' and is_village "
                           "order by kato limit 3").fetchall()
    load = add_load(con, "rollout")
    for i, (kato, done_on) in enumerate(zip([v[0] for v in villages], [date(2026, 9, 10), date(2026, 10, 15), None])):
        con.execute("""insert into rollout_item values (?, 'fibre_village', ?, 'KZ-23', null, 'op_a', 'settlement',
                       1, ?, '2026-12-31', ?, ?, ?)""",
                    [f"R{i}", kato, 1 if done_on else 0, "done" if done_on else "construction", done_on, load])
    cov = add_load(con, "coverage")
    for kato, op, covered in [(villages[0][0], "op_a", True), (villages[0][0], "op_b", False),
                              (villages[1][0], "op_a", False), (villages[1][0], "op_b", False)]:
        con.execute("insert into coverage values ('2026-10-01', ?, 'KZ-23', null, ?, '4g', ?, ?)",
                    [kato, op, covered, cov])
    n_villages = con.execute("select count(*) from settlement where region_code = 'KZ-23' and is_village").fetchone()[0]
    frame = db.run(con, "kpi/region_values", as_of_date=date(2026, 11, 15), **OCT.params())
    return frame.set_index(["region_code", "kpi_code"]), n_villages


def test_medians_and_shares(kpis):
    k, _ = kpis
    assert k.loc[("KZ-23", "median_download_mbps"), "value"] == 50
    assert k.loc[("KZ-23", "median_download_mbps"), "prev_value"] == 15
    assert k.loc[("KZ-23", "median_download_mbps"), "change"] == 35
    assert k.loc[("KZ", "median_download_mbps"), "value"] == 120
    assert k.loc[("KZ-23", "tests_under_10_pct"), "value"] == pytest.approx(100 / 3)
    assert k.loc[("KZ-23", "tests_at_least_100_pct"), "value"] == pytest.approx(100 / 3)
    assert k.loc[("KZ-23", "fixed_median_upload_mbps"), "value"] == 25
    assert k.loc[("KZ-23", "mobile_median_download_mbps"), "value"] != k.loc[("KZ-23", "mobile_median_download_mbps"), "value"]  # NaN: no mobile tests


def test_rank_and_rag(kpis):
    k, _ = kpis
    assert k.loc[("KZ-71", "median_download_mbps"), "rank_among_regions"] == 1
    assert k.loc[("KZ-23", "median_download_mbps"), "rank_among_regions"] == 2
    assert k.loc[("KZ-23", "median_download_mbps"), "regions_ranked"] == 2
    assert k.loc[("KZ-71", "median_download_mbps"), "rag"] == "green"    # 250 >= 100
    assert k.loc[("KZ-23", "median_download_mbps"), "rag"] == "red"      # 50 < Atyrau minimum 60
    assert k.loc[("KZ-23", "tests_under_10_pct"), "rag"] == "red"        # 33% > maximum 18%
    assert k.loc[("KZ-11", "median_download_mbps"), "value"] != k.loc[("KZ-11", "median_download_mbps"), "value"]


def test_stock_kpis_at_period_end(kpis):
    k, n = kpis
    assert k.loc[("KZ-23", "fibre_villages_pct"), "value"] == pytest.approx(200 / n)
    assert k.loc[("KZ-23", "fibre_villages_pct"), "prev_value"] == pytest.approx(100 / n)
    assert k.loc[("KZ-23", "settlements_4g_pct"), "value"] == 50
    assert k.loc[("KZ", "settlements_4g_pct"), "value"] == 50
