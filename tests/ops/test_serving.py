"""While the app serves: backups, restores that give back the same warehouse, command-line loads, and two
app processes on one warehouse that see each other's edits. Real app servers (dialogue.serve), real Chromium
sessions (so the servers hold the warehouse open), the command line in other processes."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest

from dialogue import geography
from dialogue.serve import serving
from tests.conftest import ROOT, speed_tests_csv
from tests.ops.warehouse_checks import cli, read_fingerprint
from tests.servers import open_page

pytestmark = pytest.mark.browser


def holds_open(pid: int, path: Path) -> bool:
    """Whether the process has the file open (the app's shared read-only connection)."""
    fd_dir = Path(f"/proc/{pid}/fd")
    for fd in fd_dir.iterdir():
        try:
            if os.readlink(fd) == str(path.resolve()):
                return True
        except OSError:
            continue
    return False


def visit(browser, url: str):
    context, page, errors, outside = open_page(browser, url, height=1400)
    assert page.locator('[data-testid="stException"]').count() == 0, "an exception box is shown"
    assert not outside
    return context, page


def backup_file(run: subprocess.CompletedProcess) -> Path:
    assert run.returncode == 0, run.stdout + run.stderr
    return Path(run.stdout.split()[1])


@pytest.mark.slow
def test_backup_while_the_app_serves_restores_an_identical_warehouse(small_db, tmp_path, browser):
    path = tmp_path / "warehouse.duckdb"
    path.write_bytes(small_db.read_bytes())
    dest = tmp_path / "backups"
    katos = sorted(geography.read_reference("settlements.csv")["kato"])
    big = speed_tests_csv(tmp_path / "speed_tests.csv", 300_000, katos)
    with serving(path) as (base, server):
        context, _ = visit(browser, f"{base}/?lang=en")
        assert holds_open(server.pid, path), "the app should hold the warehouse open while it serves"

        # 1. A backup while the app serves gives back the warehouse as it is, table by table.
        live = read_fingerprint(path)
        first = backup_file(cli("backup", str(dest), db_path=path))
        restored = tmp_path / "restored" / "warehouse.duckdb"
        run = cli("restore", str(first), db_path=restored)
        assert run.returncode == 0, run.stderr
        assert read_fingerprint(restored) == live

        # 2. A load and a backup at the same time: the backup holds the warehouse before or after the load.
        load = subprocess.Popen([sys.executable, "-m", "dialogue", "--db", str(path), "ingest", "speed_tests",
                                 str(big), "--as", "operator1"], cwd=ROOT, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        assert load.stderr.readline().startswith("reading"), "the load did not start"
        during = backup_file(cli("backup", str(dest), db_path=path))
        out, err = load.communicate(timeout=300)
        assert load.returncode == 0, out + err
        after = read_fingerprint(path)
        assert after["speed_test"][0] == live["speed_test"][0] + 300_000
        again = tmp_path / "restored2" / "warehouse.duckdb"
        assert cli("restore", str(during), db_path=again).returncode == 0
        assert read_fingerprint(again) in (live, after), "the backup holds half of a load"

        # The app still serves, and shows the new data version.
        context.close()
        context, page = visit(browser, f"{base}/?lang=en")
        context.close()
        assert holds_open(server.pid, path)

        # 3. A restore over the served warehouse (--replace): the app gives the file up and serves the backup.
        run = cli("restore", str(first), "--replace", "--backup-dir", str(tmp_path / "replaced"), db_path=path)
        assert run.returncode == 0, run.stderr
        now = read_fingerprint(path)
        assert {t: v for t, v in now.items() if t != "warehouse_state"} == \
            {t: v for t, v in live.items() if t != "warehouse_state"}
        context, _ = visit(browser, f"{base}/?lang=en")
        context.close()


EDIT = textwrap.dedent("""
    import sys
    from dialogue import access, auth, editing
    path, bid, version = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with access.writer(path) as con:
        editing.update_bottleneck(con, auth.User("reg1", "regulator"), bid, version, {"status": "escalated"},
                                  note="council decision")
    print("saved", flush=True)
""")


def status_shown(browser, url: str) -> str:
    context, page = visit(browser, url)
    try:
        return page.locator('[data-testid="stMetricValue"]').first.inner_text().strip()
    finally:
        context.close()


@pytest.mark.slow
def test_two_app_processes_see_each_others_writes(small_db, tmp_path, browser):
    path = tmp_path / "warehouse.duckdb"
    path.write_bytes(small_db.read_bytes())
    con = duckdb.connect(str(path), read_only=True)
    bid, version, region = con.execute("""select bottleneck_id, version, region_code from bottleneck
                                          where status = 'open' order by 1 limit 1""").fetchone()
    con.close()
    csv = tmp_path / "complaints.csv"
    csv.write_text("complaint_id;received_at;kato;operator;service;category;status;verified_at;"
                   "measured_download_mbps;violation;fine_kzt;resolved_at\n"
                   "Z-9;2026-10-02;231035100;op_a;mobile;outage;received;;;;;\n", encoding="utf-8")
    with serving(path) as (a, server_a), serving(path) as (b, server_b):
        url = f"/bottleneck-edit?lang=en&region={region}&bottleneck={bid}"
        assert status_shown(browser, a + url) == "Open"
        assert status_shown(browser, b + url) == "Open"
        assert holds_open(server_a.pid, path) and holds_open(server_b.pid, path)

        edit = subprocess.run([sys.executable, "-c", EDIT, str(path), bid, str(version)], cwd=ROOT,
                              capture_output=True, text=True, timeout=120)
        assert edit.returncode == 0 and "saved" in edit.stdout, edit.stderr
        saved_at = time.monotonic()
        for base in (a, b):
            shown = status_shown(browser, base + url)
            while shown != "Escalated" and time.monotonic() - saved_at < 20:
                time.sleep(0.5)
                shown = status_shown(browser, base + url)
            assert shown == "Escalated", f"{base} still shows {shown!r}"

        # A command-line load while both serve; both go on serving.
        run = cli("ingest", "complaints", str(csv), "--as", "regulator1", db_path=path)
        assert run.returncode == 0, run.stdout + run.stderr
        assert "loaded: 1 row" in run.stdout
        for base in (a, b):
            context, _ = visit(browser, base + "/complaints?lang=en&region=KZ-23")
            context.close()
        con = duckdb.connect(str(path), read_only=True)
        try:
            assert con.execute("select count(*) from complaint where complaint_id = 'Z-9'").fetchone()[0] == 1
            assert con.execute("select status from bottleneck where bottleneck_id = ?", [bid]).fetchone()[0] == \
                "escalated"
        finally:
            con.close()
