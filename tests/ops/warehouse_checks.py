"""What the operations tests compare: every table's rows and content, and the command line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb

from tests.conftest import ROOT


def columns(con) -> dict[str, list[str]]:
    """Columns of every base table of the main schema, in order."""
    rows = con.execute("""select table_name, column_name from duckdb_columns()
                          where schema_name = 'main' and database_name = current_database()
                            and table_name in (select table_name from duckdb_tables() where not temporary)
                          order by table_name, column_index""").fetchall()
    out: dict[str, list[str]] = {}
    for table, column in rows:
        out.setdefault(table, []).append(column)
    return out


def fingerprint(con, only: dict[str, list[str]] | None = None) -> dict[str, tuple[int, int]]:
    """Per table: (rows, sum of the rows' hashes over the given columns). Equal fingerprints mean the same
    rows with the same content, in any order; one changed value anywhere changes its table's sum."""
    out = {}
    for table, cols in (only or columns(con)).items():
        packed = ", ".join(f'"{c}"' for c in cols)   # names from the catalog
        out[table] = tuple(con.execute(f'select count(*), coalesce(sum(hash(struct_pack({packed}))::hugeint), 0) '
                                       f'from "{table}"').fetchone())
    return out


def read_fingerprint(path: Path, only: dict[str, list[str]] | None = None) -> dict[str, tuple[int, int]]:
    """fingerprint() of a warehouse file no process of this test has open."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        return fingerprint(con, only)
    finally:
        con.close()


def rows(con, table: str, order: str) -> list[tuple]:
    return con.execute(f'select * from "{table}" order by {order}').fetchall()   # constant names


def cli(*args: str, db_path: Path, env: dict | None = None, timeout: float = 300, pythonpath: Path | None = None,
        cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """`python -m dialogue --db PATH ARGS…` (another tree's code with pythonpath)."""
    full = {**os.environ, **(env or {})}
    if pythonpath is not None:
        full["PYTHONPATH"] = str(pythonpath)
    return subprocess.run([sys.executable, "-m", "dialogue", "--db", str(db_path), *args], cwd=cwd,
                          capture_output=True, text=True, timeout=timeout, env=full)
