"""Shared test factories: hand-made rows for the SQL layer and sample parameters for every question.
Test modules import these, never each other."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

from dialogue import db

# Sample values by parameter name; names ending in _date get dates. Add a line here for a new name.
SAMPLES = {
    "region": "KZ-23",
    "district": None,
    "kpi_code": "median_download_mbps",
    "operator": None,
    "lang": "en",
    "limit": 50,
    "bottleneck_id": "B-00001",
    "open_only": True,
    "entity": "bottleneck",
    "entity_id": "B-00001",
    "meeting_id": None,
    "programme": "fibre_village",
    "kind": "land_plot",
    "responsible": None,
    "tile_type": "fixed",
    "min_tests": 20,
    "event_id": 1,
    "window_from": datetime(2026, 9, 1),
    "window_to": datetime(2026, 10, 1),
}
DATES = {"start_date": date(2026, 7, 1), "end_date": date(2026, 10, 1), "prev_start_date": date(2026, 4, 1),
         "prev_end_date": date(2026, 7, 1), "from_date": date(2024, 10, 1), "as_of_date": date(2026, 11, 15)}


def sample_params(name: str, region: str | None) -> dict:
    params = {}
    for p in db.parameters_of(db.sql_text(name)):
        if p == "region":
            params[p] = region
        elif p in DATES:
            params[p] = DATES[p]
        elif p.endswith("_date"):
            params[p] = date(2026, 10, 1)
        elif p in SAMPLES:
            params[p] = SAMPLES[p]
        else:
            raise AssertionError(f"{name}: no sample value for ${p}; add it to SAMPLES")
    return params


def add_load(con, dataset="speed_tests"):
    return con.execute("""insert into load_log (dataset, file_name, checksum_sha256, row_count, loaded_by,
                          loaded_at, status) values (?, 'hand', ?, 0, 'test', now(), 'loaded') returning load_id""",
                       [dataset, dataset]).fetchone()[0]


# The columns a hand-made speed test fills (the point, latitude and longitude, stays null).
SPEED_TEST_COLUMNS = ("measured_at, kato, region_code, district_kato, is_rural, operator_code, technology, "
                      "download_mbps, upload_mbps, latency_ms, source, load_id")


def add_tests(con, region, day, speeds, technology="fixed"):
    load = add_load(con, f"speed_{region}_{day}_{technology}")
    for s in speeds:
        con.execute(f"""insert into speed_test ({SPEED_TEST_COLUMNS})
                        values (?, ?, ?, null, false, 'op_a', ?, ?, ?, 20, 'crowd', ?)""",
                    [datetime.combine(day, datetime.min.time()), region.replace("KZ-", "") + "0000000", region,
                     technology, s, s / 2, load])
    db.refresh_summaries(con, "speed_test")   # as every write of speed tests does


MONTHLY_ORDER = "order by month, scope, dimension, member nulls first"
_MONTHLY_PART = """select date_trunc('month', measured_at)::date as month, {scope} as scope, '{dimension}' as dimension,
                          {member} as member, median(download_mbps) as median_download_mbps,
                          median(upload_mbps) as median_upload_mbps, median(latency_ms) as median_latency_ms,
                          100.0 * avg((download_mbps < 10)::int) as tests_under_10_pct, count(*) as tests,
                          quantile_cont(download_mbps, 0.1) as p10_download_mbps,
                          100.0 * avg(case when upload_mbps is null or latency_ms is null then null
                                           else (download_mbps >= v.d and upload_mbps >= v.u
                                                 and latency_ms <= v.l)::int end) as tests_video_call_pct,
                          100.0 * avg(case when upload_mbps is null then null
                                           else (download_mbps >= c.d and upload_mbps >= c.u)::int end)
                              as tests_consistent_pct,
                          100.0 * avg((download_mbps >= h.d)::int) as tests_at_least_100_pct
                   from speed_test,
                        (select min_download_mbps as d, min_upload_mbps as u, max_latency_ms as l
                         from speed_outcome where outcome_code = 'video_call') v,
                        (select min_download_mbps as d, min_upload_mbps as u
                         from speed_outcome where outcome_code = 'consistent') c,
                        (select min_download_mbps as d from speed_outcome where outcome_code = 'target_100') h
                   group by all"""


def monthly_summary(con):
    """The rows of speed_test_monthly, in a fixed order."""
    return con.execute(f"select * from speed_test_monthly {MONTHLY_ORDER}").df()


def monthly_from_raw(con):
    """What speed_test_monthly should hold, worked out afresh from speed_test: one plain group-by per scope
    (the country, each region) and dimension, without grouping sets."""
    parts = [_MONTHLY_PART.format(scope=scope, dimension=dimension, member=member)   # constants only
             for scope in ("'KZ'", "region_code")
             for dimension, member in (("all", "null::varchar"), ("operator", "operator_code"),
                                       ("technology", "technology"))]
    return con.execute(" union all ".join(parts) + f" {MONTHLY_ORDER}").df()


def first_place(con, region):
    """A settlement of the region: its first village, or its first settlement in a city region."""
    return con.execute("select kato from settlement where region_code = ? order by is_village desc, kato limit 1",
                       [region]).fetchone()[0]


def add_item(con, item_id, programme, region, planned_date, status, completed=None, units=1.0, done=None,
             operator="op_a", unit="settlement", kato=None):
    kato = kato or first_place(con, region)
    district = con.execute("select district_kato from kato_unit where kato = ?", [kato]).fetchone()[0]
    done = units if done is None and completed else (done or 0.0)
    con.execute("insert into rollout_item values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [item_id, programme, kato, region, district, operator, unit, units, done, planned_date, status,
                 completed, add_load(con, f"rollout_{item_id}")])


def add_bottleneck(con, bid, kind, region, opened, resolved=None, responsible="akimat", item=None, due=None):
    kato = first_place(con, region)
    district = con.execute("select district_kato from settlement where kato = ?", [kato]).fetchone()[0]
    con.execute("""insert into bottleneck (bottleneck_id, kind, kato, region_code, district_kato, operator_code,
                   site_ref, responsible, opened_on, due_on, status, resolved_on, rollout_item_id, load_id)
                   values (?, ?, ?, ?, ?, 'op_a', 'SITE-1', ?, ?, ?, ?, ?, ?, ?)""",
                [bid, kind, kato, region, district, responsible, opened, due, "resolved" if resolved else "open",
                 resolved, item, add_load(con, f"bottleneck_{bid}")])


# ---- intake: files, operators and the state a load or rollback could touch --------------------------------

TODAY = date(2026, 11, 15)
FACT_TABLES = ("speed_test", "coverage", "complaint", "rollout_item", "bottleneck", "survey_response", "permit",
               "mass_event")
OPERATORS = [("op_a", "Operator A", "mobile,fixed", True), ("op_b", "Operator B", "mobile", True),
             ("op_c", "Operator C", "mobile", True)]
# Real codes: a rural settlement of Atyrau, its district, the region, and an Astana city district.
VILLAGE, DISTRICT, REGION, ASTANA_DISTRICT = "231035100", "231000000", "230000000", "711110000"
COMPLAINT_HEADER = ("complaint_id;received_at;kato;operator;service;category;status;verified_at;"
                    "measured_download_mbps;violation;fine_kzt;resolved_at")


def add_operators(con) -> None:
    con.executemany("insert into operator values (?, ?, ?, ?)", OPERATORS)


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def snapshot(con) -> dict:
    """Row count and an order-independent hash of every table a load or rollback could touch."""
    out = {}
    for table in (*FACT_TABLES, "speed_test_monthly", "load_log", "warehouse_state", "change_event"):
        out[table] = con.execute(f"select count(*), sum(hash(t)::hugeint) from {table} t").fetchone()  # constants
    return out


def found(report) -> set[tuple]:
    return {(i.row, i.column, i.reason) for i in report.issues}


# ---- mass events on hand-made rows (the event report) ---------------------------------------------------------

ARENA = (51.1083, 71.4024)            # Astana Arena, in district 711510000 of Astana (KZ-71)
FAR = (51.1500, 71.4024)              # 4.6 km north: the same district, not near the arena
EVENT_START = datetime(2026, 8, 15, 19)     # a Saturday, 19:00-23:00
EVENT_END = EVENT_START + timedelta(hours=4)


def add_event(con, name="Concert", start=EVENT_START, end=EVENT_END, district="711510000", region="KZ-71",
              point=ARENA, radius=1500.0, status="active"):
    """A mass event (a point and radius unless point=None); returns its id."""
    lat, lon = point if point else (None, None)
    return con.execute("""insert into mass_event (name, kind, kato, region_code, district_kato, latitude, longitude,
                                                  radius_m, starts_at, ends_at, attendance, source, status)
                          values (?, 'concert', ?, ?, ?, ?, ?, ?, ?, ?, 30000, 'test', ?) returning event_id""",
                       [name, district, region, district, lat, lon, radius if point else None, start, end,
                        status]).fetchone()[0]


def add_located_test(con, at, mbps, op="op_a", point=ARENA, district="711510000", region="KZ-71", up=5.0,
                     latency=50.0):
    """A speed test, located by its point unless point=None."""
    lat, lon = point if point else (None, None)
    con.execute("""insert into speed_test (measured_at, kato, region_code, district_kato, is_rural, operator_code,
                                           technology, download_mbps, upload_mbps, latency_ms, source, load_id,
                                           latitude, longitude)
                   values (?, ?, ?, ?, false, ?, '4g', ?, ?, ?, 'crowd', 1, ?, ?)""",
                [at, district, region, district, op, mbps, up, latency, lat, lon])


def event_week(n, hour=20, minute=0):
    """A time n weeks before EVENT_START's day, at hour:minute."""
    return EVENT_START - timedelta(days=7 * n) + timedelta(hours=hour - 19, minutes=minute)
