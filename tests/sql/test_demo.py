"""The demo generator: deterministic, consistent with the geography and with itself, and telling its stories."""

from __future__ import annotations

import json
import re
import time
from datetime import date, datetime

import duckdb
import pytest

from dialogue import demo
from dialogue.meetings import AGENDA_ITEMS

AS_OF = date(2026, 11, 15)
CUT = datetime(2026, 11, 15)
FACTS = ("speed_test", "coverage", "complaint", "rollout_item", "bottleneck", "survey_response", "speed_tile", "permit",
         "mass_event")
CONTENT = ("operator", "load_log", *FACTS, "meeting", "action_item", "change_event", "meeting_decision")


def _build(path, **kwargs):
    start = time.perf_counter()
    counts = demo.build_warehouse(path, **kwargs)
    return counts, time.perf_counter() - start


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "small.duckdb"
    counts, seconds = _build(path, scale="small", as_of=AS_OF)
    return path, counts, seconds


@pytest.fixture(scope="module")
def con(built):
    c = duckdb.connect(str(built[0]), read_only=True)
    yield c
    c.close()


def _one(con, sql, params=None):
    return con.execute(sql, params or []).fetchone()


def _digest(path) -> dict[str, str]:
    """One hash of the sorted contents of each table."""
    c = duckdb.connect(str(path), read_only=True)
    try:
        return {t: _one(c, f"select md5(string_agg(r, '|' order by r)) from (select x::varchar as r from {t} x)")[0]
                for t in CONTENT}
    finally:
        c.close()


def test_small_builds_quickly_and_is_small(built):
    _, counts, seconds = built
    assert seconds < 30  # about a third of it freezing the 13 closed meetings' records, as closing them does
    assert 20_000 <= counts["speed_test"] <= 40_000
    assert 2_000 <= counts["complaint"] <= 3_000
    assert 1_200 <= counts["bottleneck"] <= 1_800
    assert counts["survey_response"] == 120 * 12  # 2024-Q1 .. 2026-Q4
    assert counts["meeting"] == 14  # 12 Councils held, a regional dialogue, the next Council scheduled


def test_counts_and_load_log(built, con):
    _, counts, _ = built
    for table in FACTS:
        assert _one(con, f"select count(*) from {table}")[0] == counts[table]
    rows = con.execute("""select dataset, file_name, row_count, loaded_by, loaded_at, status, is_demo, checksum_sha256
                          from load_log order by load_id""").fetchall()
    assert [r[0] for r in rows] == list(demo.DATASETS)
    table_of = dict(zip(demo.DATASETS, FACTS, strict=True))
    for dataset, file_name, row_count, by, at, status, is_demo, checksum in rows:
        assert file_name == f"demo:{dataset}" and by == "demo" and status == "loaded" and is_demo
        assert at == CUT and len(checksum) == 64
        assert row_count == counts[table_of[dataset]] > 0
        # Every fact row carries the load that brought it.
        assert _one(con, f"""select count(*) from {table_of[dataset]} f join load_log l using (load_id)
                             where l.dataset = ?""", [dataset])[0] == row_count
    assert _one(con, "select demo_scale, data_version >= 2 from warehouse_state") == ("small", True)


def test_operators_are_fictional(con):
    rows = con.execute("select operator_code, name, is_demo from operator order by 1").fetchall()
    assert rows == [(f"op_{c}", f"Operator {c.upper()}", True) for c in "abcde"]
    for table in ("speed_test", "coverage", "complaint", "rollout_item", "bottleneck"):
        assert _one(con, f"select count(*) from {table} where operator_code not in (select operator_code from operator)")[0] == 0


def test_same_seed_same_contents_other_seed_differs(built, tmp_path):
    path = tmp_path / "again.duckdb"
    _build(path, scale="small", as_of=AS_OF)
    first, again = _digest(built[0]), _digest(path)
    assert first == again
    other = tmp_path / "other.duckdb"
    _build(other, scale="small", as_of=AS_OF, seed=7)
    differs = _digest(other)
    for table in FACTS:
        if table != "mass_event":   # the demo's events are a fixed calendar of real venues, whatever the seed
            assert differs[table] != first[table], table
    assert differs["mass_event"] == first["mass_event"]


@pytest.mark.parametrize("table", [t for t in FACTS if t != "speed_tile"])
def test_places_agree_with_geography(con, table):
    bad = _one(con, f"""select count(*) from {table} f
                        where not exists (select 1 from kato_unit k where k.kato = f.kato
                                          and k.region_code = f.region_code
                                          and k.district_kato is not distinct from f.district_kato)""")[0]
    assert bad == 0


def test_tiles_lie_in_their_districts(con):
    # Tiles carry no KATO code: their district (the one holding the centre) and its region.
    assert _one(con, """select count(*) from speed_tile t
                        where not exists (select 1 from district d where d.district_kato = t.district_kato
                                          and d.region_code = t.region_code)""")[0] == 0
    assert _one(con, "select count(distinct quarter), min(tests) >= 1 from speed_tile") == (11, True)


def test_nothing_after_as_of(con):
    timestamps = {"speed_test": ["measured_at"], "complaint": ["received_at", "verified_at", "resolved_at"],
                  "change_event": ["changed_at"], "bottleneck": ["updated_at"], "action_item": ["updated_at"]}
    for table, cols in timestamps.items():
        for col in cols:
            assert _one(con, f"select count(*) from {table} where {col} >= ?", [CUT])[0] == 0, (table, col)
    dates = {"coverage": ["period"], "survey_response": ["period"], "meeting": ["held_on", "created_at"],
             "rollout_item": ["completed_date"], "bottleneck": ["opened_on", "resolved_on"]}
    for table, cols in dates.items():
        for col in cols:
            # Only the next Council, scheduled, lies ahead (written down before the as-of day).
            future = " and status = 'closed'" if (table, col) == ("meeting", "held_on") else ""
            assert _one(con, f"select count(*) from {table} where {col} > ?{future}", [AS_OF])[0] == 0, (table, col)
    assert _one(con, "select count(*) from meeting where held_on > ? and status = 'open'", [AS_OF])[0] == 1
    assert _one(con, "select min(measured_at) >= '2024-01-01', max(measured_at) >= '2026-11-01' from speed_test") \
        == (True, True)


def test_complaint_status_agrees_with_timestamps(con):
    assert _one(con, """select count(*) from complaint where
        (status = 'resolved') <> (resolved_at is not null)
        or verified_at < received_at or resolved_at < received_at or resolved_at < verified_at
        or (verified_at is null) <> (violation is null)
        or (verified_at is null) <> (measured_download_mbps is null)
        or (fine_kzt is not null and not violation)
        or (status in ('confirmed', 'rejected') and verified_at is null)
        or (status = 'confirmed' and not violation) or (status = 'rejected' and violation)
        or (status in ('received', 'verifying') and verified_at is not null)
        or fine_kzt % 1000 <> 0 or fine_kzt not between 100000 and 3000000""")[0] == 0
    verified, violation, fined, resolved = _one(con, """select avg((verified_at is not null)::int),
        avg(violation::int), avg((fine_kzt is not null)::int) filter (where violation),
        avg((resolved_at is not null)::int) from complaint where received_at < '2026-06-01'""")
    assert 0.65 < verified < 0.85 and 0.3 < violation < 0.5 and 0.45 < fined < 0.75 and 0.7 < resolved < 0.9
    # The newest complaints are still in the funnel.
    assert _one(con, "select count(*) from complaint where received_at >= '2026-11-10' and status in "
                     "('received', 'verifying')")[0] > 0
    ids = con.execute("select complaint_id from complaint order by received_at, complaint_id").fetchall()
    assert [i[0] for i in ids] == [f"C-{n:06d}" for n in range(1, len(ids) + 1)]


def test_mangystau_spike(con):
    months = con.execute("""select date_trunc('month', received_at) as m, count(*) as n,
                                   count(*) filter (where category = 'outage') as outage,
                                   count(*) filter (where operator_code = 'op_b') as op_b
                            from complaint where region_code = 'KZ-47' and received_at < '2026-11-01'
                            group by 1 order by 1""").fetchall()
    by_month = {m.date(): (n, outage, op_b) for m, n, outage, op_b in months}
    spike = by_month.pop(date(2026, 8, 1))
    usual = sorted(n for n, _, _ in by_month.values())
    assert spike[0] >= 4 * usual[len(usual) // 2]
    assert spike[1] > spike[0] / 2 and spike[2] > spike[0] / 2


def test_rollout_units_and_statuses(con):
    assert _one(con, """select count(*) from rollout_item where done_units > planned_units or done_units < 0
        or (status = 'done') <> (completed_date is not null)
        or (status = 'done' and done_units <> planned_units)
        or (status in ('planned', 'design', 'cancelled') and done_units > 0)
        or (status = 'delayed' and planned_date >= ?)
        or (status in ('planned', 'design', 'construction') and planned_date < ?)""", [AS_OF, AS_OF])[0] == 0
    assert _one(con, "select count(*) from rollout_item where status = 'cancelled'")[0] in range(1, 10)
    assert _one(con, "select sum(planned_units) from rollout_item where programme = 'last_mile'")[0] == 400_000
    km = _one(con, "select sum(planned_units) from rollout_item where programme = 'road_4g'")[0]
    assert 39_500 <= km <= 40_500


def test_fibre_villages(con):
    assert _one(con, "select count(*) from settlement where is_village")[0] == 6179
    assert _one(con, """select count(*) from rollout_item where programme = 'fibre_village' and status = 'done'
                        and completed_date < '2024-01-01'""")[0] == 2606
    assert _one(con, """select count(*) from rollout_item where programme = 'fibre_village'
                        and planned_date between '2024-01-01' and '2026-12-31'""")[0] == 3000
    # Every village is in exactly one of fibre or satellite, and satellite is for the smallest.
    assert _one(con, """select count(*) from settlement s where is_village and (select count(*) from rollout_item r
                        where r.kato = s.kato and programme in ('fibre_village', 'satellite')) <> 1""")[0] == 0
    assert _one(con, """select max(population_est) filter (where programme = 'satellite')
                               <= min(population_est) filter (where programme = 'fibre_village')
                        from rollout_item join settlement using (kato)""")[0]


def test_turkistan_behind_on_fibre(con):
    rows = dict(con.execute("""select region_code, avg((status = 'delayed')::int) from rollout_item
                               where programme = 'fibre_village' and planned_date between '2024-01-01' and ?
                               group by 1""", [AS_OF]).fetchall())
    others = sorted(v for k, v in rows.items() if k not in ("KZ-61", "KZ-43"))
    assert rows["KZ-61"] > 3 * others[len(others) // 2]
    assert _one(con, """select count(*) from rollout_item r where programme = 'fibre_village' and status = 'delayed'
                        and region_code = 'KZ-61' and not exists (select 1 from bottleneck b
                        where b.rollout_item_id = r.item_id and b.kind = 'land_plot')""")[0] == 0


def test_coverage_grows_and_matches_4g_items(con):
    assert _one(con, """select count(*) from (select covered, lag(covered) over (partition by kato, operator_code,
                        technology order by period) as before from coverage) where before and not covered""")[0] == 0
    share = dict(con.execute("""select period, avg(c::int) from (select period, kato, bool_or(covered) as c
                                from coverage where technology = '4g' group by all)
                                where period in ('2024-01-01', '2025-06-01', '2026-11-01') group by 1""").fetchall())
    assert 0.86 < share[date(2024, 1, 1)] < 0.90 < share[date(2025, 6, 1)] < 0.94 < share[date(2026, 11, 1)] < 0.97
    # A settlement gets 4G exactly in the month its 4g_settlement item is done.
    assert _one(con, """with first as (select kato, min(period) filter (where covered) as m from coverage
                                       where technology = '4g' group by 1)
                        select count(*) from rollout_item r join first f using (kato)
                        where programme = '4g_settlement'
                          and f.m is distinct from date_trunc('month', r.completed_date)""")[0] == 0


def test_bottleneck_histories(con):
    assert _one(con, """select count(*) from bottleneck b left join rollout_item r on r.item_id = b.rollout_item_id
                        where r.item_id is null or r.kato <> b.kato or r.operator_code <> b.operator_code
                           or (b.status = 'resolved') <> (b.resolved_on is not null)
                           or b.due_on not between b.opened_on + 60 and b.opened_on + 120""")[0] == 0
    assert _one(con, """with e as (
            select entity_id, count(*) as n, max(changed_at) as last_at, arg_max(changed_by, changed_at) as last_by,
                   arg_max(new_value, changed_at) as last_status, min(changed_at)::date as first_day,
                   count(*) filter (where old_value is null and new_value = 'open') as openings
            from change_event where entity = 'bottleneck' group by 1)
        select count(*) from bottleneck b left join e on e.entity_id = b.bottleneck_id
        where e.openings is distinct from 1 or e.n <> b.version or e.last_at <> b.updated_at
           or e.last_by <> b.updated_by or e.last_status <> b.status or e.first_day <> b.opened_on""")[0] == 0
    # Each event continues from the status before it.
    assert _one(con, """select count(*) from (select old_value, lag(new_value) over (partition by entity, entity_id
                        order by changed_at) as before from change_event) where old_value is distinct from before""")[0] == 0


def test_mast_permits_stuck_in_story_regions(con):
    stuck = dict(con.execute("""select region_code, count(*) from bottleneck where kind = 'mast_permit'
                                and status in ('open', 'escalated') and ?::date - opened_on between 270 and 366
                                group by 1""", [AS_OF]).fetchall())
    assert stuck.get("KZ-19", 0) >= 10 and stuck.get("KZ-33", 0) >= 10
    assert sum(v for k, v in stuck.items() if k not in ("KZ-19", "KZ-33")) <= 3


def test_survey_fixed_share_range(con):
    share = dict(con.execute("select region_code, avg((connection = 'fixed')::int) from survey_response "
                             "group by 1").fetchall())
    assert share["KZ-15"] == min(share.values()) and share["KZ-23"] == max(share.values())
    assert share["KZ-15"] < 0.06 and share["KZ-23"] > 0.13
    assert _one(con, """select count(*) from survey_response where (connection = 'none') <> (download_mbps is null)
                        or satisfaction not between 1 and 5""")[0] == 0


def test_meetings_and_action_items(con):
    meetings = con.execute("select meeting_id, held_on from meeting where kind = 'council' order by held_on").fetchall()
    assert meetings[-2][0] == "M-2026-11" and meetings[0][0] == "M-2025-12" and meetings[-1][0] == "M-2026-12"
    assert all(d.weekday() == 1 and 8 <= d.day <= 14 for _, d in meetings)
    assert _one(con, """select count(*) from (select meeting_id, count(*) as n from action_item group by 1)
                        where n not between 3 and 6""")[0] == 0
    assert _one(con, """select count(*) from action_item a where (select count(*) from change_event e
                        where e.entity = 'action_item' and e.entity_id = a.action_id and e.note = 'created') <> 1
                        or (select count(*) from change_event e where e.entity_id = a.action_id) <> a.version""")[0] == 0


def test_a_whole_meeting_cycle(con):
    """Closed Councils and a regional dialogue with their whole record, frozen; the next Council scheduled."""
    rows = con.execute("""select meeting_id, kind, status, lang, len(attendees), len(agenda), snapshot is not null,
                                 (select count(*) from meeting_decision d where d.meeting_id = m.meeting_id),
                                 (select count(*) from action_item a where a.meeting_id = m.meeting_id)
                          from meeting m order by held_on""").fetchall()
    closed = [r for r in rows if r[2] == "closed"]
    assert len(closed) == 13 and all(r[4] > 0 and r[5] == len(AGENDA_ITEMS) and r[6] and r[7] > 0 and r[8] >= 3 for r in closed)
    assert [r[:4] for r in rows if r[2] == "open"] == [("M-2026-12", "council", "open", "ru")]
    assert ("R-61-2026-11", "regional", "closed", "kk") in [r[:4] for r in rows]
    # Written as the Council writes: Russian (Kazakh for the regional dialogue), not English.
    texts = [r[0] for r in con.execute("select text from action_item union all select text from meeting_decision "
                                       "union all select title from meeting").fetchall()]
    assert all(re.search("[а-яәғқңөұүһі]", t, re.IGNORECASE) for t in texts)
    assert all(re.search("[әғқңөұүі]", r[0]) for r in con.execute(
        "select text from action_item where meeting_id = 'R-61-2026-11'").fetchall())
    # Some done, some overdue, one carried over twice: open from a Council with two more after it.
    states = dict(con.execute("""select case when status = 'open' and due_on < date '2026-11-15' then 'overdue'
                                             else status end, count(*) from action_item group by 1""").fetchall())
    assert states["done"] > 10 and states["overdue"] >= 2 and states["open"] >= 3
    carried = con.execute("""select a.action_id, (select count(*) from meeting m where m.kind = 'council'
                                     and m.status = 'closed' and m.held_on > o.held_on)
                             from action_item a join meeting o using (meeting_id)
                             where a.status = 'open' and o.kind = 'council'""").fetchall()
    assert sorted(n for _, n in carried if n > 1) == [2]
    # The minutes of a closed Council carry the item it was handed and its decisions.
    snap = json.loads(_one(con, "select snapshot from meeting where meeting_id = 'M-2026-11'")[0])
    assert snap["lang"] == "ru" and snap["decisions"] and len(snap["screens"]) == len(AGENDA_ITEMS)
    assert any("12 заявкам" in i["text"] for i in snap["carried"])


def test_speeds_look_like_the_country(con):
    fixed, mobile, mean, rural_slow = _one(con, """select
        median(download_mbps) filter (where technology = 'fixed'),
        median(download_mbps) filter (where technology in ('3g', '4g', '5g')), avg(download_mbps),
        avg((download_mbps < 10)::int) filter (where technology = 'fixed' and is_rural)
        from speed_test where year(measured_at) = 2025""")
    assert 75 < fixed < 95 and 58 < mobile < 76 and 85 < mean < 105 and 0.2 < rural_slow < 0.5
    five_g = {r[0] for r in con.execute("select distinct region_code from speed_test where technology = '5g'").fetchall()}
    assert five_g and _one(con, """select count(*) from speed_test where technology = '5g'
                                   and measured_at < '2024-07-01'""")[0] == 0


def test_as_of_bounds(tmp_path):
    with pytest.raises(ValueError):
        demo.build_warehouse(tmp_path / "none.duckdb", scale="small", as_of=date(2024, 1, 1))
    with pytest.raises(ValueError):
        demo.build_warehouse(tmp_path / "none.duckdb", scale="huge", as_of=AS_OF)
    # One day of data: no meeting yet, no bottleneck opened, still a valid warehouse.
    counts = demo.build_warehouse(tmp_path / "early.duckdb", scale="small", as_of=date(2024, 1, 2))
    assert counts["speed_test"] > 0 and counts["coverage"] > 0 and counts["meeting"] == 0
    assert counts["rollout_item"] > 7000  # plans exist from the start


@pytest.mark.slow
def test_default_scale(tmp_path):
    counts, seconds = _build(tmp_path / "default.duckdb", scale="default", as_of=AS_OF)
    assert counts["speed_test"] >= 1_000_000
    assert 40_000 <= counts["complaint"] <= 50_000
    assert seconds < 60
