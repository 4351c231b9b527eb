"""Upgrades keep data: a warehouse written by the previous release (built here with that release's own
code, from git) opens under this code with the new migrations applied and every row kept; a migration
that fails leaves the warehouse as it was."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from dialogue import access, backup, db
from tests.factories import monthly_from_raw, monthly_summary
from tests.ops.warehouse_checks import cli, columns, fingerprint, read_fingerprint

# The commit this work starts from: the release before demo_version and the access layer.
PREVIOUS_RELEASE = "6acc382"
REPO = Path(__file__).resolve().parents[2]
VILLAGE = "231035100"

# Migration 009 corrects the urban/rural class of speed tests in city and town akimats: that column changes
# on purpose; every other value of every row stays as it was.
CORRECTED = {"speed_test": ("is_rural",)}
# Migration 015 reloads the KPI definitions and their regional minimums from data/reference (reference data,
# replaced whole): the outcome KPIs arrive, and a definition's source may read differently.
RELOADED = ("kpi_definition", "kpi_threshold")


def kept_columns(con) -> dict[str, list[str]]:
    """Every column of every table but those a migration corrects on purpose (reloaded tables apart)."""
    return {t: [c for c in cols if c not in CORRECTED.get(t, ())] for t, cols in columns(con).items()
            if t not in RELOADED}


@pytest.fixture(scope="module")
def previous_tree(tmp_path_factory) -> Path:
    """The previous release's source tree, from this repository's history."""
    out = tmp_path_factory.mktemp("previous_release")
    archive = subprocess.run(["git", "-C", str(REPO), "archive", "--format=tar", PREVIOUS_RELEASE],
                             capture_output=True, check=True, timeout=120).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(out, filter="data")
    return out


@pytest.fixture
def previous_warehouse(previous_tree, tmp_path) -> Path:
    """Demo data plus one real load, both written by the previous release's code."""
    path = tmp_path / "warehouse.duckdb"
    which = subprocess.run([sys.executable, "-c", "import dialogue; print(dialogue.__file__)"], cwd=previous_tree,
                           env={**os.environ, "PYTHONPATH": str(previous_tree)}, capture_output=True, text=True)
    assert which.stdout.strip().startswith(str(previous_tree)), which.stdout + which.stderr
    built = cli("demo", "--scale", "small", db_path=path, pythonpath=previous_tree, cwd=previous_tree)
    assert built.returncode == 0, built.stderr
    csv = tmp_path / "october.csv"
    csv.write_text("complaint_id;received_at;kato;operator;service;category;status;verified_at;"
                   "measured_download_mbps;violation;fine_kzt;resolved_at\n"
                   f"Z-7;2026-10-03;{VILLAGE};op_a;mobile;low_speed;received;;;;;\n", encoding="utf-8")
    loaded = cli("ingest", "complaints", str(csv), "--as", "regulator1", db_path=path, pythonpath=previous_tree,
                 cwd=previous_tree)
    assert loaded.returncode == 0, loaded.stdout + loaded.stderr
    return path


def schema_rows(path: Path) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("select * from schema_version order by version").fetchall()
    finally:
        con.close()


def without_schema_version(fp: dict) -> dict:
    """Every table but schema_version, which an upgrade extends (its earlier rows are compared apart)."""
    return {t: v for t, v in fp.items() if t != "schema_version"}


def schema_versions(path: Path) -> list[int]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return [r[0] for r in con.execute("select version from schema_version order by 1").fetchall()]
    finally:
        con.close()


def test_the_previous_release_warehouse_upgrades_without_losing_a_row(previous_warehouse):
    path = previous_warehouse
    latest = max(v for v, _, _ in db.migrations())
    assert schema_versions(path) == list(range(1, 8)), "the previous release's warehouse has migrations 1-7"
    con = duckdb.connect(str(path), read_only=True)
    try:
        old_columns = columns(con)
        before = fingerprint(con)
        kept = kept_columns(con)
        before_kept = fingerprint(con, kept)
        assert "demo_version" not in old_columns["warehouse_state"]
    finally:
        con.close()
    old_schema_rows = schema_rows(path)
    assert before["complaint"][0] > 1 and before["load_log"][0] == 7

    # The first read of this code applies the missing migrations (under the writer role) and serves.
    with access.reading(path) as cur:
        assert cur.execute("select count(*) from complaint where complaint_id = 'Z-7'").fetchone()[0] == 1
        assert cur.execute("select demo_version from warehouse_state").fetchone()[0] == 2
        # The monthly summary arrives filled from the speed tests the previous release wrote.
        assert len(monthly_summary(cur)) > 0
        pd.testing.assert_frame_equal(monthly_summary(cur), monthly_from_raw(cur), check_exact=True)
    access.release(path)

    # Every migration of this code, in order (numbers may be reserved by a branch not merged yet).
    assert schema_versions(path) == [v for v, _, _ in db.migrations()] and schema_versions(path)[-1] == latest
    assert schema_rows(path)[:7] == old_schema_rows
    assert without_schema_version(read_fingerprint(path, kept)) == without_schema_version(before_kept), \
        "a row was lost or changed by the upgrade"
    after = read_fingerprint(path)
    # Every table of the previous release is still there with its rows (new releases may add tables).
    assert set(before) <= set(after) and all(after[t][0] == before[t][0] for t in before
                                             if t != "schema_version" and t not in RELOADED)
    # The reference tables hold every KPI they held, and the outcome KPIs beside them.
    con = duckdb.connect(str(path), read_only=True)
    try:
        codes = {r[0] for r in con.execute("select kpi_code from kpi_definition").fetchall()}
        assert {"p10_download_mbps", "tests_video_call_pct", "tests_consistent_pct", "median_download_mbps"} <= codes
        assert after["kpi_threshold"][0] > before["kpi_threshold"][0]
    finally:
        con.close()
    # The guard sees the previous release's real load, and keeps it.
    held = backup.contents(path)
    assert [r[2] for r in held.real_loads] == ["october.csv"] and not held.demo_only
    assert cli("demo", "--scale", "small", db_path=path).returncode == 1
    assert without_schema_version(read_fingerprint(path, kept)) == without_schema_version(before_kept)


def test_a_failed_migration_leaves_the_warehouse_as_it_was(previous_warehouse, monkeypatch):
    path = previous_warehouse
    con = duckdb.connect(str(path), read_only=True)
    try:
        old_columns = kept_columns(con)
        before = fingerprint(con, old_columns)
    finally:
        con.close()
    old_schema_rows = schema_rows(path)
    real = db.migrations()
    broken = (99, "099_broken", "alter table bottleneck add column broken integer;\n"
                                "create table broken_table (x integer);\n"
                                "update bottleneck set notes = 'lost';\n"
                                "select error('this migration fails halfway');")
    monkeypatch.setattr(db, "migrations", lambda: [*real, broken])
    with pytest.raises(duckdb.Error, match="fails halfway"):
        db.connect(path).close()
    # Migration 8 ran in its own transaction and stays; nothing of 99 does.
    assert schema_versions(path) == [v for v, _, _ in real]
    assert schema_rows(path)[:7] == old_schema_rows
    con = duckdb.connect(str(path), read_only=True)
    try:
        now = columns(con)
        assert "broken" not in now["bottleneck"] and "broken_table" not in now
        assert con.execute("select count(*) from bottleneck where notes = 'lost'").fetchone()[0] == 0
        assert without_schema_version(fingerprint(con, old_columns)) == without_schema_version(before)
    finally:
        con.close()
    monkeypatch.setattr(db, "migrations", lambda: real)
    db.connect(path).close()   # the fixed release opens it
    assert schema_versions(path) == [v for v, _, _ in real]


def test_a_backup_of_the_previous_release_restores_upgraded(previous_warehouse, tmp_path):
    con = duckdb.connect(str(previous_warehouse), read_only=True)
    try:
        old_columns = kept_columns(con)
        before = fingerprint(con, old_columns)
    finally:
        con.close()
    made = backup.backup(previous_warehouse, tmp_path / "backups")   # a backup never migrates what it copies
    assert made.manifest["schema_version"] == 7
    assert without_schema_version(read_fingerprint(previous_warehouse, old_columns)) == without_schema_version(before)
    target = tmp_path / "restored.duckdb"
    run = cli("restore", str(made.file), db_path=target)
    assert run.returncode == 0, run.stderr
    assert schema_versions(target) == [v for v, _, _ in db.migrations()]
    assert without_schema_version(read_fingerprint(target, old_columns)) == without_schema_version(before)
