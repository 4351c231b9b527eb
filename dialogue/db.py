"""The DuckDB warehouse: where it lives, its migrations, and running named queries with parameters."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path

import duckdb
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT / "queries"
SCHEMA = QUERIES / "schema"
MODELS = QUERIES / "models"
SUMMARIES = QUERIES / "summaries"
REFERENCE = ROOT / "data" / "reference"
DEFAULT_DB = ROOT / "data" / "warehouse.duckdb"
# The summary tables built month by month from a raw table: (its time column, the summaries, each rebuilt by
# queries/summaries/<name>.sql for a span of months).
# Every summary table has a `month` column (the first day of the month its rows summarise).
SUMMARIES_OF = {"speed_test": ("measured_at", ("speed_test_monthly", "speed_test_hourly"))}


@dataclass(frozen=True)
class StagedSummaries:
    """Summary rows computed ahead of a load (stage_summaries): the months they replace, a file per summary."""

    months: tuple[date, date]
    files: dict[str, Path]



def _permit_reference(con: duckdb.DuckDBPyConnection) -> None:
    from dialogue import permit_reference

    permit_reference.load(con)


def _speed_outcomes(con: duckdb.DuckDBPyConnection) -> None:
    from dialogue import warehouse

    warehouse.load_outcomes(con)


def _kpi_definitions(con: duckdb.DuckDBPyConnection) -> None:
    from dialogue import warehouse

    # Reference data, replaced whole: a warehouse built before the outcome KPIs gets their definitions.
    if con.execute("select count(*) from kpi_definition").fetchall()[0][0]:
        warehouse.load_kpis(con)


# Migrations whose tables are filled from Python in the same transaction (the working-day calendar, the
# outcome thresholds, the outcome KPIs' definitions).
FILLED_AFTER = {12: _permit_reference, 14: _speed_outcomes, 15: _kpi_definitions}

# Models that other models call (DuckDB binds a macro's body when it is created): applied first.
CALLED_BY_MODELS = ("speed_outcomes",)

# $name outside quotes and comments; DuckDB would reject a parameter the text does not use.
_PARAM = re.compile(r"\$([a-z_][a-z0-9_]*)")
_COMMENT = re.compile(r"--[^\n]*")
_STRING = re.compile(r"'(?:[^']|'')*'")


def db_path(explicit: str | os.PathLike | None = None) -> Path:
    """The warehouse file: --db, else $DIALOGUE_DB, else data/warehouse.duckdb."""
    return Path(explicit or os.environ.get("DIALOGUE_DB") or DEFAULT_DB)


def connect(path: str | os.PathLike | None = None) -> duckdb.DuckDBPyConnection:
    """Open (creating if needed) the warehouse and bring its schema up to date."""
    p = db_path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(p))
    migrate(con)
    return con


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """The one way to write: begin, yield, commit; roll back on any error (or interrupt) and re-raise."""
    con.execute("begin transaction")
    try:
        yield con
    except BaseException:
        con.execute("rollback")
        raise
    con.execute("commit")


def migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) of every file in queries/schema, in order."""
    out = []
    for f in sorted(SCHEMA.glob("*.sql")):
        out.append((int(f.name.split("_", 1)[0]), f.stem, f.read_text(encoding="utf-8")))
    return out


def migrate(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Apply the migrations this warehouse lacks, each in its own transaction; return their versions."""
    con.execute("create table if not exists schema_version (version integer primary key, name varchar not null,"
                " applied_at timestamp not null)")
    done = {r[0] for r in con.execute("select version from schema_version").fetchall()}
    applied = []
    for version, name, sql in migrations():
        if version in done:
            continue
        with transaction(con):
            con.execute(sql)
            if version in FILLED_AFTER:     # reference rows a migration's tables need, written from Python
                FILLED_AFTER[version](con)
            con.execute("insert into schema_version values (?, ?, ?)", [version, name, datetime.now()])
        applied.append(version)
    apply_models(con)
    return applied


def apply_models(con: duckdb.DuckDBPyConnection) -> list[str]:
    """(Re)create the shared SQL models (queries/models: views and macros the questions select from)
    whose text changed since they were last applied, then rebuild the summary tables (queries/summaries)
    whose text changed, a new one included; return their names.

    Models are code, not data: they are replaced rather than migrated, and stored in the warehouse so a
    read-only connection finds them. A model's hash is kept to skip the write when nothing changed.
    """
    con.execute("create table if not exists model_state (name varchar primary key, sha256 varchar not null)")
    known = dict(con.execute("select name, sha256 from model_state").fetchall())
    changed = []
    models = sorted(MODELS.glob("*.sql"), key=lambda f: (f.stem not in CALLED_BY_MODELS, f.stem))
    for f in [*models, *sorted(SUMMARIES.glob("*.sql"))]:
        sql = f.read_text(encoding="utf-8")
        digest = hashlib.sha256(sql.encode()).hexdigest()
        if known.get(f.stem) == digest:
            continue
        with transaction(con):
            if f.parent == SUMMARIES:
                refresh_summary(con, f.stem, (None, None))     # every month
            else:
                con.execute(sql)
            con.execute("insert or replace into model_state values (?, ?)", [f.stem, digest])
        changed.append(f.stem)
    return changed


@cache
def sql_text(name: str) -> str:
    """The text of queries/<name>.sql; names are paths without the suffix, e.g. 'overview/headline_kpis'."""
    path = (QUERIES / f"{name}.sql").resolve()
    if QUERIES not in path.parents or not path.is_file():
        raise KeyError(f"no query named {name!r}")
    return path.read_text(encoding="utf-8")


def query_names() -> list[str]:
    """Every named question (schema migrations, models and summary rebuilds excluded)."""
    return sorted(str(p.relative_to(QUERIES).with_suffix("")) for p in QUERIES.rglob("*.sql")
                  if not {SCHEMA, MODELS, SUMMARIES} & set(p.parents))


@cache
def declared_parameters(name: str) -> frozenset[str]:
    """The $named parameters a named query declares."""
    return frozenset(parameters_of(sql_text(name)))


def parameters_of(sql: str) -> set[str]:
    """The $named parameters a query uses."""
    return set(_PARAM.findall(_STRING.sub("''", _COMMENT.sub("", sql))))


def run(con: duckdb.DuckDBPyConnection, name: str, **params) -> pd.DataFrame:
    """Run a named query on its own cursor with exactly the parameters it declares."""
    sql = sql_text(name)
    wanted = declared_parameters(name)
    missing = wanted - params.keys()
    if missing:
        raise TypeError(f"query {name!r} needs parameters {sorted(missing)}")
    cur = con.cursor()
    try:
        return cur.execute(sql, {k: params[k] for k in wanted}).df()
    finally:
        cur.close()


def load_months(con: duckdb.DuckDBPyConnection, table: str, load_id: int) -> tuple[date | None, date | None]:
    """The first and last month holding a load's rows of a summarised table: what its summaries must redo."""
    if table not in SUMMARIES_OF:
        return None, None
    column = SUMMARIES_OF[table][0]
    row = con.execute(f"select min(date_trunc('month', {column}))::date, max(date_trunc('month', {column}))::date "
                      f"from {table} where load_id = ?", [load_id]).fetchone()   # names from SUMMARIES_OF
    return row[0], row[1]


def refresh_summaries(con: duckdb.DuckDBPyConnection, table: str,
                      months: tuple[date | None, date | None] = (None, None)) -> None:
    """Rebuild the summary tables of a raw table for the months from first to last (None: from the start,
    to the end); call inside the transaction that changed its rows. A load redoes only its own months."""
    if table in SUMMARIES_OF:
        for name in SUMMARIES_OF[table][1]:
            refresh_summary(con, name, months)


def stage_summaries(con: duckdb.DuckDBPyConnection, table: str, rows: Path, folder: Path) -> StagedSummaries | None:
    """The summary rows of the months a staged load touches, computed before the load on a reader's cursor, so
    that the writer role (which pauses every reader) only swaps them in (swap_summaries).

    `rows` is a Parquet file of the rows to be loaded (columns named as in `table`); each summary's own
    statements run unchanged on a private cursor where temporary objects stand in for the tables by the
    same names (DuckDB resolves a name to a temporary object first): `table` as its rows of those months
    plus the staged ones, and an empty copy of the summary that the statements fill. Valid only while the
    data version stays the one this was computed at (the caller checks it under the writer role)."""
    if table not in SUMMARIES_OF:
        return None
    column, names = SUMMARIES_OF[table]
    cur = con.cursor()
    try:
        staged = quoted_path(rows)
        first, last = cur.execute(f"select min(date_trunc('month', {column}))::date, "
                                  f"max(date_trunc('month', {column}))::date from read_parquet('{staged}')").fetchone()
        if first is None:
            return None
        catalog = cur.execute("select current_database()").fetchone()[0].replace('"', '""')
        # A view takes no parameters: the two months are dates this function read, written as date literals.
        cur.execute(f"""create temp view {table} as
                        select * from "{catalog}".main.{table}
                        where {column} >= date '{first.isoformat()}'
                          and {column} < date '{last.isoformat()}' + interval 1 month
                        union all by name
                        select * from read_parquet('{staged}')""")
        files = {}
        for name in names:
            cur.execute(f'create temp table {name} as select * from "{catalog}".main.{name} limit 0')
            refresh_summary(cur, name, (first, last))
            files[name] = folder / f"{name}.parquet"
            cur.execute(f"copy temp.main.{name} to '{quoted_path(files[name])}' (format parquet)")
        return StagedSummaries((first, last), files)
    finally:
        cur.close()


def swap_summaries(con: duckdb.DuckDBPyConnection, staged: StagedSummaries) -> None:
    """Replace the summary rows of the staged months by those stage_summaries computed (inside the load's
    transaction): a delete and an insert of a few thousand rows instead of a pass over the raw table."""
    first, last = staged.months
    for name, path in staged.files.items():
        con.execute(f"delete from {name} where month >= $first and month <= $last", {"first": first, "last": last})
        con.execute(f"insert into {name} by name select * from read_parquet('{quoted_path(path)}')")


def quoted_path(path: Path) -> str:
    """A path of ours (a load's staging folder) as an SQL string literal: COPY and read_parquet take no
    parameter for their file."""
    return str(path).replace("'", "''")


def refresh_summary(con: duckdb.DuckDBPyConnection, name: str, months: tuple[date | None, date | None]) -> None:
    # DuckDB takes parameters in the last statement of a text only: its statements one by one.
    for statement in sql_text(f"summaries/{name}").split(";\n"):
        if statement.strip():
            con.execute(statement, {"first_month": months[0], "last_month": months[1]})


def data_version(con: duckdb.DuckDBPyConnection) -> int:
    """A number that changes whenever the data does (part of every cache key)."""
    cur = con.cursor()
    try:
        row = cur.execute("select data_version from warehouse_state").fetchone()
    finally:
        cur.close()
    return row[0] if row else 0


def absorb_demo_write(con: duckdb.DuckDBPyConnection) -> None:
    """A demo account's write, just committed on a warehouse of demo data alone, stays demo data: what `demo`
    may rebuild without loss (a write by any real account, or any real load, makes the warehouse real)."""
    con.execute("update warehouse_state set demo_version = data_version where demo_scale is not null")


def bump_version(con: duckdb.DuckDBPyConnection, demo_scale: str | None = None, keep_scale: bool = True) -> None:
    """Mark the data as changed (call inside the writing transaction)."""
    # A demo build (keep_scale=False with a scale) also records its data version as demo_version.
    con.execute(
        """insert into warehouse_state (singleton, data_version, built_at, demo_scale, demo_version)
           values (true, 1, now(), $scale, case when $scale is null then null else 1 end)
           on conflict (singleton) do update set data_version = warehouse_state.data_version + 1,
               demo_scale = case when $keep then warehouse_state.demo_scale else excluded.demo_scale end,
               demo_version = case when $keep then warehouse_state.demo_version
                                   when excluded.demo_scale is null then null
                                   else warehouse_state.data_version + 1 end""",
        {"scale": demo_scale, "keep": keep_scale},
    )
