"""Complaint queries pinned on hand-made rows: trend, per-capita rates, funnel, percentiles, fines,
hotspots, statuses and the spike flag."""

from datetime import date, datetime, timedelta

import pandas as pd
import pytest

from dialogue import db, periods
from tests.factories import add_load

Q3 = periods.parse("2026-Q3")
MAKAT, ZHYLYOI = "235200000", "233600000"
_ids = iter(range(1, 100_000))


def add_complaint(con, received, region="KZ-23", district=MAKAT, kato=None, operator="op_a", service="mobile",
                  category="low_speed", status="received", verify_days=None, violation=None, fine=None,
                  resolve_days=None):
    """One complaint; verification and resolution are given in days after receipt."""
    received = received if isinstance(received, datetime) else datetime.combine(received, datetime.min.time())
    verified = received + timedelta(days=verify_days) if verify_days is not None else None
    resolved = received + timedelta(days=resolve_days) if resolve_days is not None else None
    con.execute("insert into complaint values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, null, ?, ?, ?, ?)",
                [f"C-{next(_ids)}", received, kato or district or region, region, district, operator, service,
                 category, status, verified, violation, fine, resolved,
                 con.execute("select max(load_id) from load_log").fetchone()[0]])


@pytest.fixture
def con(blank_con):
    """A blank warehouse with one complaints load and two operators."""
    add_load(blank_con, "complaints")
    blank_con.execute("insert into operator values ('op_a', 'Operator A', 'mobile,fixed', true),"
                      " ('op_b', 'Operator B', 'mobile', true)")
    return blank_con


def run(con, name, **params):
    return db.run(con, name, **params)


def test_monthly_trend_fills_months_without_complaints(con):
    add_complaint(con, date(2026, 6, 10), category="outage")
    add_complaint(con, date(2026, 8, 3), category="outage", operator="op_b", service="fixed")
    add_complaint(con, date(2026, 8, 20), category="low_speed")
    add_complaint(con, date(2026, 9, 1), region="KZ-62", district=None)      # another region
    frame = run(con, "complaints/monthly_trend", region="KZ-23", from_date=date(2026, 5, 1), end_date=date(2026, 10, 1))
    t = frame.set_index(["dimension", "member", "month"]).complaints
    m = pd.Timestamp
    # The spine starts at the first month with data (June), not at $from_date, and stops at the last (September).
    assert sorted(frame.month.unique()) == [m("2026-06-01"), m("2026-07-01"), m("2026-08-01"), m("2026-09-01")]
    assert t[("category", "outage", m("2026-06-01"))] == 1
    assert t[("category", "outage", m("2026-07-01"))] == 0
    assert t[("category", "outage", m("2026-08-01"))] == 1
    assert t[("category", "low_speed", m("2026-08-01"))] == 1
    assert t[("service", "fixed", m("2026-08-01"))] == 1
    assert t[("operator", "op_a", m("2026-09-01"))] == 0                      # KZ-62's complaint is not counted
    assert frame.set_index(["dimension", "member"]).operator_name.loc[("operator", "op_b")].iloc[0] == "Operator B"
    national = run(con, "complaints/monthly_trend", region=None, from_date=date(2026, 5, 1), end_date=date(2026, 10, 1))
    assert national[national.dimension == "category"].complaints.sum() == 4


def test_complaints_per_10k_inhabitants_by_region_and_district(con):
    pop23, pop62 = (con.execute("select population from region where region_code = ?", [r]).fetchone()[0]
                    for r in ("KZ-23", "KZ-62"))
    for _ in range(3):
        add_complaint(con, date(2026, 8, 5), violation=True, verify_days=2, status="confirmed")
    add_complaint(con, date(2026, 8, 6), district=None)                       # no district: region total only
    add_complaint(con, date(2026, 5, 6))                                      # previous quarter
    add_complaint(con, date(2026, 7, 1), region="KZ-62", district=None)
    a = run(con, "complaints/per_10k_by_area", region=None, **Q3.params()).set_index("area_code")
    assert a.loc["KZ-23", "complaints"] == 4
    assert a.loc["KZ-23", "per_10k"] == pytest.approx(4e4 / pop23)
    assert a.loc["KZ-23", "prev_per_10k"] == pytest.approx(1e4 / pop23)
    assert a.loc["KZ-23", "change_per_10k"] == pytest.approx(3e4 / pop23)
    assert a.loc["KZ-23", "violations"] == 3
    assert a.loc["KZ", "complaints"] == 5 and a.loc["KZ", "level"] == "country"
    assert a.loc["KZ", "population"] == con.execute("select sum(population) from region").fetchone()[0]
    # Rank 1 has the most complaints per person; regions without complaints are listed with 0.
    assert a.loc["KZ-62" if 1 / pop62 > 4 / pop23 else "KZ-23", "rank"] == 1
    assert len(a) == 21 and a.loc["KZ-71", "complaints"] == 0 and pd.isna(a.loc["KZ", "rank"])
    assert a.areas_ranked.iloc[0] == 20
    d = run(con, "complaints/per_10k_by_area", region="KZ-23", **Q3.params()).set_index("area_code")
    makat_pop = con.execute("select population from district where district_kato = ?", [MAKAT]).fetchone()[0]
    assert "KZ" not in d.index and d.loc["KZ-23", "level"] == "region"
    assert d.loc["KZ-23", "complaints"] == 4                                  # the district-less one included
    assert d.loc[MAKAT, "complaints"] == 3
    assert d.loc[MAKAT, "per_10k"] == pytest.approx(3e4 / makat_pop)
    assert d.loc[MAKAT, "rank"] == 1 and d.loc[ZHYLYOI, "complaints"] == 0
    assert len(d) == 1 + 8                                                    # the region and its 8 districts


@pytest.fixture
def cohort(con):
    """Ten complaints received in Q3: 8 verified, 5 violations, 3 fined, 4 violations resolved."""
    rows = [  # (violation, fine, verify_days, resolve_days, status)
        (True, 500_000, 1, 10, "resolved"), (True, 300_000, 2, 20, "resolved"), (True, 200_000, 3, 30, "resolved"),
        (True, None, 4, 40, "resolved"), (True, 0, 10, None, "confirmed"),
        (False, None, 5, 6, "resolved"), (False, None, 6, None, "rejected"), (False, None, 7, None, "rejected"),
        (None, None, None, 3, "resolved"), (None, None, None, None, "verifying"),
    ]
    for i, (violation, fine, vd, rd, status) in enumerate(rows):
        add_complaint(con, date(2026, 7, 1 + i), operator="op_a" if i % 2 == 0 else "op_b", violation=violation,
                      fine=fine, verify_days=vd, resolve_days=rd, status=status)
    add_complaint(con, date(2026, 6, 30), violation=True, fine=900_000, verify_days=1, status="confirmed")  # Q2
    return con


def test_verification_funnel_counts_and_conversion(cohort):
    f = run(cohort, "complaints/verification_funnel", region="KZ-23", start_date=Q3.start,
            end_date=Q3.end).set_index("stage")
    assert list(f.index) == ["received", "verified", "confirmed", "fined", "resolved"]
    assert list(f.complaints) == [10, 8, 5, 3, 4]
    assert f.loc["verified", "pct_of_previous"] == pytest.approx(80)
    assert f.loc["confirmed", "pct_of_previous"] == pytest.approx(62.5)
    assert f.loc["fined", "pct_of_previous"] == pytest.approx(60)           # a zero fine is no fine
    assert f.loc["resolved", "previous_stage"] == "confirmed"
    assert f.loc["resolved", "pct_of_previous"] == pytest.approx(80)        # 4 of the 5 violations
    assert f.loc["fined", "pct_of_received"] == pytest.approx(30)
    assert f.loc["received", "pct_of_previous"] != f.loc["received", "pct_of_previous"]
    empty = run(cohort, "complaints/verification_funnel", region="KZ-62", start_date=Q3.start, end_date=Q3.end)
    assert list(empty.complaints) == [0] * 5 and empty.pct_of_previous.isna().all()


def test_processing_times_median_and_90th_percentile(cohort):
    t = run(cohort, "complaints/processing_times", region=None, start_date=Q3.start,
            end_date=Q3.end).set_index("operator_code")
    assert t.index[0] == "all"
    assert t.loc["all", "verified"] == 8
    assert t.loc["all", "median_verify_days"] == pytest.approx(4.5)          # 1 2 3 4 5 6 7 10
    assert t.loc["all", "p90_verify_days"] == pytest.approx(7.9)             # 7 + 0.3 * (10 - 7)
    assert t.loc["all", "resolved"] == 6
    assert t.loc["all", "median_resolve_days"] == pytest.approx(15)         # 3 6 10 20 30 40
    assert t.loc["all", "p90_resolve_days"] == pytest.approx(35)            # 30 + 0.5 * (40 - 30)
    assert t.loc["all", "open"] == 2                                         # confirmed + verifying; rejected are closed
    assert t.loc["op_a", "operator_name"] == "Operator A"
    assert t.loc["op_a", "complaints"] + t.loc["op_b", "complaints"] == 10
    assert t.loc["op_a", "median_verify_days"] == pytest.approx(4.5)        # 1 3 10 6 (rows 0 2 4 6; 8 unverified)


def test_fines_by_operator_sum_share_and_change(cohort):
    f = run(cohort, "complaints/fines_by_operator", region="KZ-23", **Q3.params()).set_index("operator_code")
    assert f.index[0] == "all"
    assert f.loc["all", "fines"] == 3 and f.loc["all", "fines_kzt"] == 1_000_000
    assert f.loc["op_a", "fines_kzt"] == 700_000 and f.loc["op_a", "fines"] == 2     # rows 0 and 2
    assert f.loc["op_a", "avg_fine_kzt"] == 350_000
    assert f.loc["op_a", "share_pct"] == pytest.approx(70)
    assert f.loc["op_b", "share_pct"] == pytest.approx(30)
    assert f.loc["all", "prev_fines_kzt"] == 900_000
    assert f.loc["all", "change_kzt"] == 100_000
    assert f.loc["op_a", "change_kzt"] == 700_000 - 900_000


def test_status_counts_list_every_status(cohort):
    s = run(cohort, "complaints/status_counts", region=None, start_date=Q3.start, end_date=Q3.end).set_index("status")
    assert list(s.index) == ["received", "verifying", "confirmed", "rejected", "resolved"]
    assert list(s.complaints) == [0, 1, 1, 2, 6]
    assert s.loc["resolved", "share_pct"] == pytest.approx(60)


def test_hotspots_aggregate_per_settlement_and_limit(con):
    a, b = (r[0] for r in con.execute("select kato from settlement where district_kato = ? order by kato limit 2",
                                      [MAKAT]).fetchall())
    for category in ("outage", "outage", "low_speed"):
        add_complaint(con, date(2026, 8, 1), kato=a, category=category, violation=True)
    for category in ("low_speed", "outage"):                                  # a tie: the first code wins
        add_complaint(con, date(2026, 8, 2), kato=b, category=category)
    add_complaint(con, date(2026, 8, 3))                                      # filed against the district: not placed
    add_complaint(con, date(2026, 5, 3), kato=b)                              # outside the period
    h = run(con, "complaints/hotspots", region="KZ-23", start_date=Q3.start, end_date=Q3.end, limit=10)
    assert list(h.kato) == [a, b]
    assert list(h.complaints) == [3, 2] and list(h.violations) == [3, 0]
    assert list(h.top_category) == ["outage", "low_speed"]
    assert h.lon.notna().all() and h.lat.notna().all()
    assert len(run(con, "complaints/hotspots", region=None, start_date=Q3.start, end_date=Q3.end, limit=1)) == 1


def add_month_counts(con, region, counts, first=date(2025, 1, 1)):
    for i, n in enumerate(counts):
        for _ in range(n):
            add_complaint(con, periods.add_months(first, i) + timedelta(days=3), region=region, district=None)


def test_spike_against_the_regions_own_baseline(con):
    # Mangystau: 12 steady months (5 a month, one month without any), then 12 in January 2026.
    add_month_counts(con, "KZ-47", [5, 5, 0, 5, 5, 5, 4, 6, 5, 5, 5, 5, 12, 5])
    # Ulytau: doubles from 4 to 9, but 9 complaints are too few to call it a spike.
    add_month_counts(con, "KZ-62", [4] * 12 + [9])
    # Atyrau: exactly twice its usual 5, and 10 complaints: a spike.
    add_month_counts(con, "KZ-23", [5] * 12 + [10])
    jan = periods.parse("2026-01")
    s = run(con, "complaints/spikes", region=None, from_date=date(2025, 12, 1), start_date=jan.start,
            end_date=jan.end).set_index(["region_code", "month"])
    key = pd.Timestamp("2026-01-01")
    assert s.loc[("KZ-47", key), "baseline_complaints"] == 5                 # median of 12 months, the empty one too
    assert s.loc[("KZ-47", key), "ratio"] == pytest.approx(2.4)
    assert bool(s.loc[("KZ-47", key), "is_spike"]) and bool(s.loc[("KZ-47", key), "is_peak"])
    assert not s.loc[("KZ-62", key), "is_spike"]
    assert bool(s.loc[("KZ-23", key), "is_spike"])
    assert not s.loc[("KZ-47", pd.Timestamp("2025-12-01")), "in_period"]
    assert len(s.loc["KZ-11"]) == 2 and not s.loc["KZ-11"].is_spike.any()    # every region, quiet ones too
    # The month after the spike is back to normal (the spike barely moves the median).
    feb = run(con, "complaints/spikes", region="KZ-47", from_date=date(2026, 2, 1), start_date=date(2026, 2, 1),
              end_date=date(2026, 3, 1))
    assert list(feb.region_code) == ["KZ-47"] and not feb.is_spike.iloc[0] and feb.baseline_complaints.iloc[0] == 5


def test_no_spike_without_six_months_of_history(con):
    # The warehouse starts in October 2025: January 2026 has three months behind it, too few for a baseline.
    add_month_counts(con, "KZ-71", [2, 2, 2, 30], first=date(2025, 10, 1))
    s = run(con, "complaints/spikes", region="KZ-71", from_date=date(2025, 10, 1), start_date=date(2026, 1, 1),
            end_date=date(2026, 2, 1)).set_index("month")
    assert list(s.complaints) == [2, 2, 2, 30]                              # the spine starts with the data
    jan = s.loc[pd.Timestamp("2026-01-01")]
    assert pd.isna(jan.baseline_complaints) and pd.isna(jan.ratio) and not jan.is_spike
    assert bool(jan.in_period) and not s.loc[pd.Timestamp("2025-12-01")].in_period


def test_the_demo_spike_is_flagged_on_the_national_page(small_db, monkeypatch):
    """The demo's Mangystau spike (three months before the newest month) shows as an alert nationally."""
    from streamlit.testing.v1 import AppTest

    from dialogue import ui
    from tests.conftest import ROOT

    monkeypatch.setenv("DIALOGUE_DB", str(small_db))
    page = next(p for p in ui.page_specs() if p.url == "complaints")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params.update({"period": "2026-08", "lang": "en"})
    at.run()
    at.switch_page(page.path)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    alerts = [e.value for e in at.error]
    assert any("Mangystau" in a and "August 2026" in a for a in alerts), alerts
    # The ranking's bars and the map open the region clicked: the page registers them with the field that
    # carries the region code, and a bar's selection (staged before a run, as in test_pages) selects it.
    fields = at.session_state["_region_click_fields"]
    assert fields["complaints_ranking"] == "customdata" and fields["complaints_map"] == "location"
    click = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    click.query_params.update({"period": "2026-08", "lang": "en"})
    click.session_state["_region_click_fields"] = {"complaints_ranking": fields["complaints_ranking"]}
    click.session_state["complaints_ranking"] = {"selection": {"points": [{"customdata": "KZ-47"}],
                                                               "point_indices": [0]}}
    click.run()
    assert not click.exception and click.session_state["filters"].region == "KZ-47"
