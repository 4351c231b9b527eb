"""Data intake: read a user's file, validate it in DuckDB SQL, load it whole or not at all.

read      CSV (UTF-8 with or without BOM, or Windows-1251; comma, semicolon or tab; decimal comma) or XLSX
          into a temporary all-text table, rows numbered as in the file (dialogue.ingest.read).
validate  types, allowed values, limits, places (KATO codes or coordinates), operators, rules across
          columns, duplicates within the file and against the warehouse, the uploader's own operator /
          region (dialogue.ingest.validate; coordinates are placed by dialogue.geography.locate).
tiles     Ookla open-data tiles as published (Parquet or CSV, the whole world): filtered to Kazakhstan, each
          tile in the district that holds its centre, then validated like any file (dialogue.ingest.tiles).
load      one transaction: load_log row + facts + data version; rollback undoes a load (dialogue.ingest.load).
          load_file() reads and checks on a reader's cursor and keeps the checked rows in a staging file
          beside the warehouse, so the writer role (which pauses every reader) is held only for their move.
report    every finding has row, column, value and reason (dialogue.ingest.report).

Keyed datasets (coverage, complaints, rollout, bottlenecks, survey, speed_tiles): a record whose key is
already in the warehouse is rejected as a duplicate, never silently replaced. To correct records, roll back
their load and send the corrected file. The same file (same bytes, same dataset) loaded again adds nothing.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import duckdb

from dialogue import access, auth, datasets, db
from dialogue.ingest import load as _load
from dialogue.ingest import read, tiles, validate
from dialogue.ingest.load import already_loaded, can_rollback, rollback
from dialogue.ingest.read import MAX_BYTES, MAX_ROWS, MAX_XLSX_UNZIPPED, PREVIEW_ROWS
from dialogue.ingest.report import MAX_ISSUES, VALUE_CHARS, IngestError, Issue, Progress, Report, safe_value
from dialogue.ingest.tiles import MAX_BYTES as MAX_TILE_BYTES

__all__ = ["MAX_BYTES", "MAX_ISSUES", "MAX_ROWS", "MAX_TILE_BYTES", "MAX_XLSX_UNZIPPED", "PREVIEW_ROWS", "VALUE_CHARS", "IngestError", "Issue", "Progress",
           "Report", "can_rollback", "check", "ingest", "ingest_bytes", "load_file", "open_warehouse", "rollback",
           "safe_value", "upload_file"]
STAGING_PREFIX = ".staging_"   # the folders beside the warehouse that hold a load's checked rows


@contextmanager
def open_warehouse(path: str | Path | None = None, write: bool = True) -> Iterator[duckdb.DuckDBPyConnection]:
    """An existing warehouse for a load or a rollback, with a clear message when it is missing or stays in
    use: the writer role for this block only (dialogue.access), or a shared read-only cursor with
    write=False (a check that loads nothing)."""
    p = db.db_path(path)
    if not p.is_file():
        raise IngestError(f"no warehouse at {p}: build it first (python -m dialogue demo) or pass --db")
    try:
        with access.writer(p) if write else access.reading(p) as con:
            yield con
    except access.Busy as exc:
        raise IngestError(f"{exc}; try again, or wait longer with DIALOGUE_WRITE_TIMEOUT=SECONDS") from None


def check(con: duckdb.DuckDBPyConnection, dataset: str, path: str | Path, *, file_name: str | None = None,
          user: auth.User | None = None, progress: Progress | None = None, today: date | None = None,
          options: dict | None = None) -> Report:
    """Validate a file without loading it (status 'valid', 'rejected' or 'already_loaded')."""
    return ingest(con, dataset, path, loaded_by="", file_name=file_name, user=user, progress=progress, load=False,
                  today=today, options=options)


def ingest(con: duckdb.DuckDBPyConnection, dataset: str, path: str | Path, *, loaded_by: str,
           file_name: str | None = None, user: auth.User | None = None, progress: Progress | None = None,
           load: bool = True, today: date | None = None, options: dict | None = None,
           keep: Path | None = None) -> Report:
    """Read, validate and (if clean and load=True) load a file in one transaction; return the report.
    With `keep` (and load=False), a clean file's checked rows are written there (Parquet) for load_file().

    `user` is the signed-in app user (permission checks, own operator/region); the command line passes
    None and records `loaded_by` as the operator at the terminal. `options` are dataset-specific (tiles:
    `tile_type` fixed/mobile and `quarter` such as 2026-Q3, when the file's name does not say).
    """
    started = time.perf_counter()
    ds = datasets.get(dataset)
    if user is not None and not auth.can_upload(user, dataset):
        raise auth.PermissionDenied(f"{user.username} ({user.role}) may not upload {dataset}")
    path = Path(path)
    if not path.is_file():
        raise IngestError(f"file not found: {path}")
    report = Report(dataset, file_name or path.name, size_bytes=path.stat().st_size)
    note = progress or (lambda stage, info: None)
    cur = con.cursor()
    tmp = Path(tempfile.mkdtemp(prefix="dialogue_ingest_"))
    try:
        note("reading", {"bytes": report.size_bytes})
        # The package's limits are read at each call, so that a test may lower them.
        limit = MAX_TILE_BYTES if ds.published_format else MAX_BYTES
        if report.size_bytes > limit:   # refused from its size, before a byte is read
            report.add(Issue(None, "", "", "file_too_large", read.mb(limit)))
        elif ds.published_format:
            facts = tiles.prepare(report, path, options)
            if facts is not None and not already_loaded(cur, report):
                if tiles.stage(cur, ds, path, report, *facts):
                    note("validating", {"rows": report.rows})
                    validate.find_issues(cur, ds, report, user, today)
                    _finish(cur, ds, report, loaded_by, note, load, keep)
        elif read.stage(cur, ds, path, report, tmp, read.Limits(MAX_ROWS, MAX_XLSX_UNZIPPED)) \
                and not already_loaded(cur, report):
            note("validating", {"rows": report.rows})
            validate.validate(cur, ds, report, user, today)
            _finish(cur, ds, report, loaded_by, note, load, keep)
    finally:
        cur.close()
        shutil.rmtree(tmp, ignore_errors=True)
    report.seconds = time.perf_counter() - started
    return report


def _finish(cur, ds: datasets.Dataset, report: Report, loaded_by: str, note: Progress, load: bool,
            keep: Path | None = None) -> None:
    if report.errors == 0:
        report.status = "valid"
        if load:
            _load.load(cur, ds, report, loaded_by, note)
        elif keep is not None:
            # In file order, so that the move under the writer role inserts them as they come (no sort).
            cur.execute(f"copy (select * from ingest_typed order by row_no) to '{db.quoted_path(keep)}' "
                        "(format parquet)")


def load_file(warehouse: str | Path | None, dataset: str, path: str | Path, *, loaded_by: str,
              file_name: str | None = None, user: auth.User | None = None, progress: Progress | None = None,
              today: date | None = None, options: dict | None = None) -> Report:
    """Check a file and load it whole, holding the writer role only for the move of its checked rows.

    The file is read, typed and checked on a reader's cursor, so the app's readers (of every process) go on
    meanwhile; its rows wait in a staging folder beside the warehouse. Then, under the writer role, they are
    moved in one transaction (load_log row, facts, summaries, data version): every reader pauses for that
    moment only. The summaries of the months the file touches are computed beside the check too, so the move
    swaps them in instead of reading those months again. If the warehouse changed in between (another load, an edit), the checks that look at it
    (duplicates, the same file) are not trusted: the file is checked and loaded under the writer role, as
    ingest() does. A kill at any point leaves the warehouse as it was; a staging folder left by one is
    removed by the next load."""
    p = db.db_path(warehouse)
    if not p.is_file():
        raise IngestError(f"no warehouse at {p}: build it first (python -m dialogue demo) or pass --db")
    started = time.perf_counter()
    _remove_stale_staging(p.parent)
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=p.parent))
    rows = staging / "rows.parquet"
    kwargs = {"loaded_by": loaded_by, "file_name": file_name, "user": user, "progress": progress, "today": today,
              "options": options}
    try:
        try:
            with access.reading(p, timeout=access.write_timeout()) as cur:
                version = db.data_version(cur)
                report = ingest(cur, dataset, path, load=False, keep=rows, **kwargs)
                summaries = db.stage_summaries(cur, datasets.get(dataset).table, rows, staging) \
                    if report.status == "valid" else None
        except access.Busy:
            # Held by a process outside the access layer: the writer's way waits for it and names it.
            with open_warehouse(p) as con:
                return ingest(con, dataset, path, **kwargs)
        if report.status != "valid":
            return report
        with open_warehouse(p) as con:
            cur = con.cursor()
            try:
                if db.data_version(cur) != version:
                    return ingest(cur, dataset, path, **kwargs)
                # A view: the rows go from the staging file straight into the table, copied once.
                cur.execute(f"create temp view ingest_typed as select * from read_parquet('{db.quoted_path(rows)}')")
                _load.load(cur, datasets.get(dataset), report, loaded_by, progress or (lambda stage, info: None),
                           staged=True, summaries=summaries)
            finally:
                cur.close()
        report.seconds = time.perf_counter() - started
        return report
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _remove_stale_staging(folder: Path, older_than_s: float = 6 * 3600) -> None:
    """Staging folders that a killed load left behind (a live load's folder is younger than any load takes)."""
    for stale in folder.glob(STAGING_PREFIX + "*"):
        try:
            if time.time() - stale.stat().st_mtime > older_than_s:
                shutil.rmtree(stale, ignore_errors=True)
        except OSError:
            pass


@contextmanager
def upload_file(data: bytes, file_name: str) -> Iterator[Path]:
    """A file held in memory (an upload), written to a private temporary file for the block.

    The user's file name is kept for the report and the load log only, never used as a path.
    """
    suffix = Path(file_name).suffix.lower()
    with tempfile.TemporaryDirectory(prefix="dialogue_upload_") as tmp:
        path = Path(tmp) / ("upload" + (suffix if suffix in (".csv", ".txt", ".tsv", ".xlsx", ".parquet") else ".csv"))
        path.write_bytes(data)
        yield path


def ingest_bytes(con: duckdb.DuckDBPyConnection, dataset: str, data: bytes, file_name: str, **kwargs) -> Report:
    """ingest() for a file held in memory (an upload)."""
    with upload_file(data, file_name) as path:
        return ingest(con, dataset, path, file_name=file_name, **kwargs)
