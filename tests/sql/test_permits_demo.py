"""The demo's permit applications: calibrated to what is published (most sites within a few months, a tail past a
year, land allocation and grid connection slowest in some regions, returns and refusals with reasons), every
region present, linked to the rollout items they build and consistent with the bottleneck log; and they pass the
permits dataset's own checks."""

from __future__ import annotations

from datetime import date

from dialogue import db, ingest
from tests.conftest import AS_OF

DAY = date(2026, 11, 14)


def one(con, sql, params=None):
    return con.execute(sql, params or []).fetchone()


def test_calibration(small_con):
    sites, on_air, median, over_year = one(small_con, """
        select count(*), count(*) filter (where is_on_air), median(end_to_end_days) filter (where is_on_air),
               100.0 * count(*) filter (where is_on_air and end_to_end_days > 365) / count(*) filter (where is_on_air)
        from permit_sites(?)""", [DAY])
    assert sites > 400 and on_air > 300
    assert 90 <= median <= 240, median                    # most sites within a few months
    assert 3 <= over_year <= 20, over_year                  # a tail past a year
    assert one(small_con, "select count(distinct region_code) from permit")[0] == 20


def test_returns_and_refusals_carry_reasons(small_con):
    rows = small_con.execute("""select outcome, count(*), count(note) from permit
                                where outcome in ('returned', 'refused') group by outcome order by outcome""").fetchall()
    assert [r[0] for r in rows] == ["refused", "returned"]
    assert all(n > 5 and noted == n for _, n, noted in rows)
    # Every return is followed by a round submitted on its resubmission day (or is still with the applicant).
    orphans = one(small_con, """select count(*) from permit r where r.outcome = 'returned' and r.resubmitted_on is not null
                                and not exists (select 1 from permit n where n.site_ref = r.site_ref
                                                and n.stage = r.stage and n.submitted_on = r.resubmitted_on)""")[0]
    assert orphans == 0


def test_land_allocation_and_grid_connection_are_slowest_in_their_regions(small_con):
    by = small_con.execute("""select stage, region_code in ('KZ-19', 'KZ-33', 'KZ-61', 'KZ-63', 'KZ-10', 'KZ-62')
                                     as slow_region, median(authority_days)
                              from permit_stage_clock(?) where decided_on is not null
                                and stage in ('land_allocation', 'grid_connection')
                              group by all""", [DAY]).fetchall()
    medians = {(stage, slow): days for stage, slow, days in by}
    for stage in ("land_allocation", "grid_connection"):
        assert medians[(stage, True)] > 1.5 * medians[(stage, False)], medians


def test_linked_to_rollout_items_and_consistent_with_the_bottlenecks(small_con):
    programmes = {r[0] for r in small_con.execute("""select distinct r.programme from permit p
                                                     join rollout_item r on r.item_id = p.rollout_item_id""").fetchall()}
    assert programmes == {"4g_settlement", "5g_city"}
    assert one(small_con, """select count(*) from permit p left join rollout_item r on r.item_id = p.rollout_item_id
                             where r.item_id is null""")[0] == 0
    # A mast permit still open in the log is a site still waiting at a stage of its permits.
    open_masts = small_con.execute("""select b.site_ref from bottleneck b
                                      where b.kind = 'mast_permit' and b.resolved_on is null
                                        and b.site_ref in (select site_ref from permit)""").fetchall()
    assert len(open_masts) > 20
    waiting = {r[0] for r in small_con.execute("select site_ref from permit_stage_clock(?) where state = 'pending'",
                                               [DAY]).fetchall()}
    assert {s for (s,) in open_masts} <= waiting


def test_demo_rows_pass_the_datasets_checks(small_copy, tmp_path):
    con = db.connect(small_copy)
    try:
        path = tmp_path / "demo_permits.csv"
        con.execute(f"""copy (select 'X' || site_ref as site_ref, operator_code as operator, kato, stage, authority,
                                     submitted_on, decided_on, outcome, resubmitted_on, power_kw, rollout_item_id, note
                              from permit order by site_ref, stage, submitted_on)
                        to '{path}' (header, delimiter ',')""")
        report = ingest.check(con, "permits", path, today=AS_OF)
        assert report.status == "valid", report.text()
        assert report.rows == one(con, "select count(*) from permit")[0]
    finally:
        con.close()

