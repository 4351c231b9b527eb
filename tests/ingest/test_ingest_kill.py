"""A load killed with SIGKILL in the middle of its transaction leaves the warehouse exactly as it was (no
partial rows, no load_log line), and the same file then loads fine."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import duckdb
import pytest

from tests.conftest import ROOT
from tests.factories import snapshot

ROWS = 1_000_000


def read_snapshot(path):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return snapshot(con), con.execute("select count(*) from load_log where file_name = 'million.csv'").fetchone()[0]
    finally:
        con.close()


@pytest.mark.slow
def test_kill_during_the_load_transaction(small_copy, million_speed_tests):
    path = million_speed_tests
    before, _ = read_snapshot(small_copy)
    command = [sys.executable, "-m", "dialogue", "--db", str(small_copy), "ingest", "speed_tests", str(path)]

    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    stages = []
    try:
        # 'loading' is printed inside the transaction, after the load_log row and before the million rows.
        for line in proc.stderr:
            stages.append(line.split()[0])
            if stages[-1] == "loading":
                break
        time.sleep(0.1)          # into the insert of the rows
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=60)
    rest = proc.stderr.read()
    assert stages == ["reading", "validating", "loading"], stages
    assert proc.returncode == -signal.SIGKILL
    assert "committed" not in rest, "the load finished before the kill: nothing was tested"

    after, logged = read_snapshot(small_copy)
    assert after == before, "the killed load left rows behind"
    assert logged == 0, "the killed load left a load_log line"

    done = subprocess.run(command + ["--as", "retry"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    final, logged = read_snapshot(small_copy)
    assert logged == 1 and final["speed_test"][0] == before["speed_test"][0] + ROWS
