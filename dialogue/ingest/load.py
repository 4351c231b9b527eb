"""Load a validated file in one transaction (load_log row + facts + data version), and undo a load.
A rejected file, an error or a killed process changes nothing."""

from __future__ import annotations

import logging
from datetime import datetime

import duckdb

from dialogue import auth, datasets, db
from dialogue.ingest.report import IngestError, Progress, Report

log = logging.getLogger("dialogue")


def already_loaded(cur, report: Report) -> bool:
    """Whether the same file (same bytes, same dataset) is loaded already; notes the earlier load."""
    row = cur.execute("""select load_id, loaded_by, loaded_at from load_log
                         where checksum_sha256 = ? and dataset = ? and status = 'loaded'
                         order by load_id desc limit 1""", [report.checksum, report.dataset]).fetchone()
    if row is None:
        return False
    report.status = "already_loaded"
    report.previous_load = {"load_id": row[0], "loaded_by": row[1], "loaded_at": row[2]}
    return True


def load(cur, ds: datasets.Dataset, report: Report, loaded_by: str, note: Progress, staged: bool = False,
         summaries: db.StagedSummaries | None = None) -> None:
    """Insert the validated rows of ingest_typed with their load_log row, in one transaction; the summaries of
    the touched months are rebuilt, or swapped in when computed ahead (db.stage_summaries). `staged`: the rows
    come from a staging file already in file order (sorting a million rows under the writer role would pause
    every reader for a third of a second)."""
    table_columns = [r[0] for r in cur.execute(
        """select column_name from duckdb_columns()
           where table_name = ? and schema_name = 'main' and not internal order by column_index""",
        [ds.table]).fetchall()]
    typed_columns = {r[0] for r in cur.execute(
        "select column_name from duckdb_columns() where table_name = 'ingest_typed' and database_name = 'temp'").fetchall()}
    columns = [c for c in table_columns if c in typed_columns]
    names = ", ".join(columns)
    load_id = None
    try:
        with db.transaction(cur):
            if already_loaded(cur, report):   # the same file sent twice at once: the second adds nothing
                return
            load_id = cur.execute(
                """insert into load_log (dataset, file_name, checksum_sha256, row_count, loaded_by, loaded_at, status)
                   values (?, ?, ?, ?, ?, ?, 'loaded') returning load_id""",
                [ds.name, report.file_name[:255], report.checksum, report.rows, loaded_by or "unknown",
                 datetime.now()]).fetchone()[0]
            note("loading", {"rows": report.rows, "load_id": load_id})
            order = "" if staged else "order by row_no"
            cur.execute(f"insert into {ds.table} ({names}, load_id) select {names}, $load_id from ingest_typed {order}",
                        {"load_id": load_id})
            if summaries is None:
                db.refresh_summaries(cur, ds.table, db.load_months(cur, ds.table, load_id))
            else:
                db.swap_summaries(cur, summaries)
            db.bump_version(cur)
    except duckdb.Error as exc:
        log.warning("load of %s undone: %s", report.file_name, exc)
        raise IngestError(f"the load failed and was undone: {exc}") from exc
    log.info("load #%s: %s, %s rows of %s by %s", load_id, report.file_name, report.rows, ds.name, loaded_by)
    note("committed", {"load_id": load_id})
    report.status, report.load_id = "loaded", load_id


def rollback(con: duckdb.DuckDBPyConnection, load_id: int, by: str, user: auth.User | None = None) -> int:
    """Undo a load: delete its rows, mark it rolled back (who, when), bump the data version; rows removed."""
    cur = con.cursor()
    try:
        row = cur.execute("select dataset, status, loaded_by, is_demo from load_log where load_id = ?",
                          [load_id]).fetchone()
        if row is None:
            raise IngestError(f"there is no load #{load_id}")
        dataset, status, loaded_by, is_demo = row
        if status != "loaded":
            raise IngestError(f"load #{load_id} is already rolled back")
        if user is not None and not can_rollback(user, dataset, loaded_by, is_demo):
            raise auth.PermissionDenied(f"{user.username} ({user.role}) may not roll back load #{load_id}")
        table = datasets.get(dataset).table
        try:
            with db.transaction(cur):
                months = db.load_months(cur, table, load_id)
                removed = cur.execute(f"delete from {table} where load_id = ?", [load_id]).fetchone()[0]  # constant
                cur.execute("""update load_log set status = 'rolled_back', rolled_back_at = ?, rolled_back_by = ?
                               where load_id = ?""", [datetime.now(), by, load_id])
                db.refresh_summaries(cur, table, months)
                db.bump_version(cur)
        except duckdb.Error as exc:
            raise IngestError(f"the rollback failed and changed nothing: {exc}") from exc
        log.info("load #%s rolled back by %s: %s rows removed", load_id, by, removed)
        return int(removed)
    finally:
        cur.close()


def can_rollback(user: auth.User | None, dataset: str, loaded_by: str, is_demo: bool = False) -> bool:
    """Regulator, ministry and admin may roll back any load; other uploaders only their own."""
    if user is None:
        return False
    if user.role in auth.ALL_DATA_ROLES:
        return True
    return not is_demo and loaded_by == user.username and auth.can_upload(user, dataset)
