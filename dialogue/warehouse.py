"""Creating a warehouse: schema, reference geography and KPI definitions (no facts)."""

from __future__ import annotations

import os

import duckdb

from dialogue import db, geography


def load_kpis(con: duckdb.DuckDBPyConnection) -> None:
    """Replace KPI definitions and regional minimums from data/reference (targets are data, not code)."""
    defs = geography.read_reference("kpi_definitions.csv")
    thresholds = geography.read_reference("kpi_thresholds.csv")
    con.execute("delete from kpi_threshold")
    con.execute("delete from kpi_definition")
    con.register("defs_df", defs)
    con.execute("""insert into kpi_definition by name
                   select kpi_code, domain, unit, direction, national_target::double as national_target,
                          target_date::date as target_date, source, sort_order::integer as sort_order,
                          try_cast(min_tests as integer) as min_tests from defs_df""")
    con.register("thresholds_df", thresholds)
    con.execute("insert into kpi_threshold select kpi_code, region_code, minimum_value::double from thresholds_df")
    con.unregister("defs_df")
    con.unregister("thresholds_df")


def load_outcomes(con: duckdb.DuckDBPyConnection) -> None:
    """Replace the outcome thresholds (speed_outcome) from data/reference/speed_outcomes.csv."""
    outcomes = geography.read_reference("speed_outcomes.csv")
    con.execute("delete from speed_outcome")
    con.register("outcomes_df", outcomes)
    con.execute("""insert into speed_outcome
                   select outcome_code, min_download_mbps::double, try_cast(min_upload_mbps as double),
                          try_cast(max_latency_ms as double), source from outcomes_df""")
    con.unregister("outcomes_df")


def create(path: str | os.PathLike, replace: bool = False) -> duckdb.DuckDBPyConnection:
    """A warehouse at path with schema, geography and KPI definitions; replace=True starts from nothing."""
    p = db.db_path(path)
    if replace:
        for f in (p, p.with_name(p.name + ".wal")):
            f.unlink(missing_ok=True)
    con = db.connect(p)
    with db.transaction(con):
        geography.load_geography(con)
        load_kpis(con)
        db.bump_version(con)
    return con
