"""Nothing typed is lost: `demo` refuses a warehouse holding more than demo data, backups are complete and
verified, a restore gives back the same warehouse, a killed backup harms nothing."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dialogue import access, auth, backup, db, demo, editing
from tests.conftest import ROOT
from tests.ops.warehouse_checks import cli, read_fingerprint

VILLAGE = "231035100"
COMPLAINT = ("complaint_id;received_at;kato;operator;service;category;status;verified_at;measured_download_mbps;"
             f"violation;fine_kzt;resolved_at\nZ-1;2026-10-01;{VILLAGE};op_a;mobile;other;received;;;;;\n")


def real_load(path: Path, tmp_path: Path) -> None:
    csv = tmp_path / "march.csv"
    csv.write_text(COMPLAINT, encoding="utf-8")
    run = cli("ingest", "complaints", str(csv), "--as", "regulator1", db_path=path)
    assert run.returncode == 0, run.stdout + run.stderr


def test_a_fresh_demo_warehouse_holds_only_demo_data(small_copy, empty_db):
    held = backup.contents(small_copy)
    assert held.demo_only and held.demo_scale == "small" and held.writes_since_demo == 0
    assert held.loads == len(demo.DATASETS) and not held.real_loads and held.holds_data
    empty = backup.contents(empty_db)
    assert empty.demo_only and not empty.holds_data
    assert backup.contents(small_copy.parent / "missing.duckdb").demo_only


def test_demo_refuses_a_warehouse_with_one_real_load_and_changes_nothing(small_copy, tmp_path):
    real_load(small_copy, tmp_path)
    before = small_copy.read_bytes()
    run = cli("demo", "--scale", "small", db_path=small_copy)
    assert run.returncode != 0
    assert "1 real load(s)" in run.stderr and "march.csv" in run.stderr and "--replace" in run.stderr
    assert small_copy.read_bytes() == before, "the refused rebuild changed the warehouse"
    assert not (small_copy.parent / "backups").exists()


def test_demo_refuses_after_an_edit_and_replace_backs_up_first(small_copy, tmp_path):
    with access.reading(small_copy) as con:
        bid, version = con.execute("select bottleneck_id, version from bottleneck order by 1 limit 1").fetchone()
    with access.writer(small_copy) as con:
        editing.update_bottleneck(con, auth.User("reg", "regulator"), bid, version, {"notes": "typed at the council"})
    access.release(small_copy)
    assert not backup.contents(small_copy).demo_only
    before = read_fingerprint(small_copy)
    refused = cli("demo", "--scale", "small", db_path=small_copy)
    assert refused.returncode == 1 and "1 write(s) since the demo data was built" in refused.stderr
    assert read_fingerprint(small_copy) == before

    saved_dir = tmp_path / "saved"
    run = cli("demo", "--scale", "small", "--replace", "--backup-dir", str(saved_dir), db_path=small_copy)
    assert run.returncode == 0, run.stderr
    saved = backup.backups(saved_dir)
    assert len(saved) == 1 and f"Backed up to {saved[0]}" in run.stdout
    assert read_fingerprint(saved[0]) == before, "the backup taken before the rebuild is not the warehouse"
    backup.verify(saved[0])
    assert backup.contents(small_copy).demo_only   # rebuilt: the edit is gone from it, kept in the backup


def test_demo_rebuilds_a_demo_only_warehouse(small_copy):
    run = cli("demo", "--scale", "small", db_path=small_copy)
    assert run.returncode == 0, run.stderr
    assert "written to" in run.stdout and not (small_copy.parent / "backups").exists()


def test_backup_restore_drill_and_rotation(small_copy, tmp_path):
    real_load(small_copy, tmp_path)
    dest = tmp_path / "backups"
    made = []
    for _ in range(3):
        run = cli("backup", str(dest), "--keep", "2", db_path=small_copy)
        assert run.returncode == 0, run.stderr
        made.append(Path(run.stdout.split()[1]))
    kept = backup.backups(dest)
    assert kept == made[1:], "--keep 2 keeps the two newest"
    assert not made[0].exists() and not made[0].with_suffix(".json").exists()

    manifest = json.loads(kept[-1].with_suffix(".json").read_text())
    live = read_fingerprint(small_copy)
    assert manifest["tables"] == {t: n for t, (n, _) in live.items()}
    assert manifest["schema_version"] == max(v for v, _, _ in db.migrations()) and manifest["sha256"] == backup.sha256(kept[-1])
    assert manifest["bytes"] == kept[-1].stat().st_size and manifest["created_at"]

    target = tmp_path / "restored" / "warehouse.duckdb"
    run = cli("restore", str(dest), db_path=target)
    assert run.returncode == 0, run.stderr
    assert read_fingerprint(target) == live
    assert target.read_bytes() == kept[-1].read_bytes()

    # A warehouse holding data is not overwritten without --replace; with it, it is backed up first.
    refused = cli("restore", str(kept[0]), db_path=small_copy)
    assert refused.returncode == 1 and "--replace" in refused.stderr
    assert read_fingerprint(small_copy) == live
    replaced = cli("restore", str(kept[0]), "--replace", "--backup-dir", str(tmp_path / "before"), db_path=target)
    assert replaced.returncode == 0, replaced.stderr
    assert len(backup.backups(tmp_path / "before")) == 1


def test_a_damaged_backup_is_refused_and_changes_nothing(small_copy, tmp_path):
    dest = tmp_path / "backups"
    made = backup.backup(small_copy, dest).file
    damaged = tmp_path / "damaged" / made.name
    damaged.parent.mkdir()
    data = bytearray(made.read_bytes())
    data[len(data) // 2] ^= 0xFF
    damaged.write_bytes(bytes(data))
    damaged.with_suffix(".json").write_bytes(made.with_suffix(".json").read_bytes())
    target = tmp_path / "target.duckdb"
    run = cli("restore", str(damaged), db_path=target)
    assert run.returncode == 1 and "checksum" in run.stderr
    assert not target.exists()
    check = cli("restore", str(damaged), "--check", db_path=target)
    assert check.returncode == 1 and "checksum" in check.stderr
    assert cli("restore", str(made), "--check", db_path=target).returncode == 0
    # A data file without its manifest is an unfinished backup: never restored.
    made.with_suffix(".json").unlink()
    lone = cli("restore", str(made), db_path=target)
    assert lone.returncode == 1 and "no manifest" in lone.stderr


@pytest.mark.slow
def test_kill_during_backup_leaves_warehouse_and_earlier_backups_intact(default_db, tmp_path):
    path = tmp_path / "warehouse.duckdb"
    path.write_bytes(default_db.read_bytes())
    dest = tmp_path / "backups"
    earlier = [backup.backup(path, dest).file for _ in range(2)]
    before = read_fingerprint(path)
    size = path.stat().st_size

    command = [sys.executable, "-m", "dialogue", "--db", str(path), "backup", str(dest)]
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    caught = None
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            partial = [f for f in os.scandir(dest) if f.name.endswith(".tmp") and f.name.endswith(f".{proc.pid}.tmp")]
            if partial and partial[0].stat().st_size > 0:
                os.kill(proc.pid, signal.SIGSTOP)      # frozen mid-copy, then killed
                caught = os.stat(partial[0].path).st_size
                os.kill(proc.pid, signal.SIGKILL)
                break
            time.sleep(0.0005)
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    assert caught is not None and caught < size, "the backup finished before the kill: nothing was tested"
    assert proc.returncode == -signal.SIGKILL

    assert backup.backups(dest) == earlier, "a killed backup must not count as a backup"
    for f in earlier:
        backup.verify(f)
    assert read_fingerprint(path) == before
    with access.writing(path, timeout=10) as con:   # the killed process's lock is gone
        con.execute("select 1").fetchall()
    access.release(path)
    again = cli("backup", str(dest), db_path=path)
    assert again.returncode == 0, again.stderr
    assert not [f for f in os.listdir(dest) if f.endswith(".tmp")], "the next backup clears what the killed one left"
    assert len(backup.backups(dest)) == 3

