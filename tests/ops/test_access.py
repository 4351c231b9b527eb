"""dialogue.access: many reading processes and a writer that gets the file for the moment of its write."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import duckdb
import pytest

from dialogue import access, db
from tests.conftest import ROOT

READER = textwrap.dedent("""
    import sys, time
    from dialogue import access, db
    path, seconds = sys.argv[1], float(sys.argv[2])
    end, seen = time.monotonic() + seconds, []
    while time.monotonic() < end:
        with access.reading(path) as cur:
            v = db.data_version(cur)
            cur.execute("select count(*) from speed_test where download_mbps > 50").fetchone()
        if not seen or seen[-1][0] != v:
            seen.append((v, time.time()))
            print(v, time.time(), flush=True)
        time.sleep(0.01)
    print("opened", access.times_opened(path), flush=True)
""")

WRITER = textwrap.dedent("""
    import sys, time
    from dialogue import access, db
    path, n = sys.argv[1], int(sys.argv[2])
    for _ in range(n):
        time.sleep(0.3)
        asked = time.perf_counter()
        with access.writing(path) as con:
            waited = time.perf_counter() - asked
            db.bump_version(con)
            v = con.execute("select data_version from warehouse_state").fetchone()[0]   # in this transaction
        print("wrote", v, time.time(), f"{waited:.3f}", flush=True)
""")


def python(code: str, *args, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", code, *map(str, args)], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **kwargs)


def version(path) -> int:
    with access.reading(path) as cur:
        return db.data_version(cur)


def test_a_writer_gets_the_file_while_two_processes_read_it(small_copy):
    start = version(small_copy)
    readers = [python(READER, small_copy, 6) for _ in range(2)]
    time.sleep(1.5)   # both hold their read-only connection
    writer = python(WRITER, small_copy, 4)
    out, err = writer.communicate(timeout=120)
    assert writer.returncode == 0, err
    wrote = [line.split() for line in out.splitlines()]
    assert [int(w[1]) for w in wrote] == [start + 1, start + 2, start + 3, start + 4]
    print("writer waits under two reading processes (s):", [w[3] for w in wrote])
    for r in readers:
        out, err = r.communicate(timeout=120)
        assert r.returncode == 0, err
        lines = out.splitlines()
        seen = {int(line.split()[0]): float(line.split()[1]) for line in lines[:-1]}
        # Every reader went on reading and picked up the last version (it reopens after each write).
        assert max(seen) == start + 4, lines
        last_write = float(wrote[-1][2])
        assert seen[start + 4] - last_write < 5, "a reader saw the write late"
        assert int(lines[-1].split()[1]) >= 2, "the reader never gave the file up"
    assert not small_copy.with_name(small_copy.name + ".wal").exists(), "a writer left a WAL behind"
    assert version(small_copy) == start + 4


def test_this_process_reads_the_new_version_after_another_process_writes(small_copy):
    start = version(small_copy)
    opened = access.times_opened(small_copy)
    writer = python(WRITER, small_copy, 1)
    _, err = writer.communicate(timeout=60)
    assert writer.returncode == 0, err
    assert version(small_copy) == start + 1
    assert access.times_opened(small_copy) == opened + 1, "the shared connection was not reopened"


def test_a_killed_writer_does_not_block_the_others(small_copy):
    holder = python("import sys, time\nfrom dialogue import access\n"
                    "with access.writer(sys.argv[1]) as con:\n    print('holding', flush=True)\n    time.sleep(120)\n",
                    small_copy)
    try:
        assert holder.stdout.readline().strip() == "holding"
        with pytest.raises(access.Busy, match="in use"):
            with access.writing(small_copy, timeout=0.5):
                pass
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait(timeout=30)
    with access.writing(small_copy, timeout=10) as con:
        db.bump_version(con)
    with access.reading(small_copy, timeout=10) as cur:
        assert cur.execute("select count(*) from bottleneck").fetchone()[0] > 0


def test_a_process_outside_the_access_layer_is_named(small_copy):
    holder = python("import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('open', flush=True); "
                    "time.sleep(60)", small_copy)
    try:
        assert holder.stdout.readline().strip() == "open"
        with pytest.raises(access.Busy, match=f"PID {holder.pid}"):
            with access.writer(small_copy, timeout=1):
                pass
    finally:
        holder.kill()
        holder.wait()


def test_a_snapshot_keeps_writers_out_until_it_ends(small_copy):
    code = ("import sys\nfrom dialogue import access, db\ntry:\n"
            "    with access.writing(sys.argv[1], timeout=1) as con:\n        db.bump_version(con)\n"
            "    print('wrote')\nexcept access.Busy:\n    print('busy')\n")
    with access.snapshot(small_copy) as con:
        start = db.data_version(con)
        blocked = python(code, small_copy)
        assert blocked.communicate(timeout=60)[0].strip() == "busy"
        assert db.data_version(con) == start
    access.release(small_copy)
    done = python(code, small_copy)
    assert done.communicate(timeout=60)[0].strip() == "wrote"
    assert version(small_copy) == start + 1


def test_reads_nest_and_a_write_inside_a_read_is_refused(small_copy):
    with access.reading(small_copy) as outer:
        with access.reading(small_copy) as inner:
            assert inner.execute("select 1").fetchone() == (1,)
        with pytest.raises(RuntimeError, match="inside a read"):
            with access.writer(small_copy):
                pass
        assert outer.execute("select count(*) from region").fetchone() == (20,)
    with access.writing(small_copy) as con:   # after the read, the same thread writes
        db.bump_version(con)


def test_a_missing_warehouse_is_created_on_first_read(tmp_path):
    path = tmp_path / "new" / "warehouse.duckdb"
    path.parent.mkdir()
    with access.reading(path) as cur:
        assert cur.execute("select max(version) from schema_version").fetchone()[0] == \
            max(v for v, _, _ in db.migrations())
    access.release(path)
    con = duckdb.connect(str(path), read_only=True)
    con.close()


def test_an_edit_that_cannot_get_the_file_says_so_and_keeps_the_form(small_copy, tmp_path, monkeypatch):
    from tests.apps import add, app, sign_in, texts

    monkeypatch.setenv("DIALOGUE_USERS", str(tmp_path / "users.json"))
    add("ak23", "akimat", region="KZ-23")
    with access.reading(small_copy) as cur:
        own, version = cur.execute("""select bottleneck_id, version from bottleneck
                                      where region_code = 'KZ-23' and status <> 'resolved' order by 1 limit 1""").fetchone()
    at = app(small_copy, monkeypatch, "views/bottleneck_edit.py", lang="en", region="KZ-23", bottleneck=own)
    at = sign_in(at, "ak23")
    k = f"be_{own}_{version}"
    at.text_area(key=f"{k}_notes").input("typed while a backup runs")
    monkeypatch.setenv("DIALOGUE_WRITE_TIMEOUT", "1")
    # Another process keeps writers out (as a backup does for its copy): the page still reads.
    holder = python("import sys, time\nfrom dialogue import access\nwith access.snapshot(sys.argv[1]):\n"
                    "    print('holding', flush=True)\n    time.sleep(60)\n", small_copy)
    try:
        assert holder.stdout.readline().strip() == "holding"
        at.button(key=f"{k}_save").click().run()
        assert not at.exception
        assert "The warehouse is busy" in texts(at.error)
        assert at.text_area(key=f"{k}_notes").value == "typed while a backup runs", "what was typed is kept"
    finally:
        holder.kill()
        holder.wait()
    at.button(key=f"{k}_save").click().run()
    assert not at.exception
    assert f"{own} saved." in texts(at.success)
    with access.reading(small_copy) as cur:
        assert cur.execute("select notes, version from bottleneck where bottleneck_id = ?", [own]).fetchone() == \
            ("typed while a backup runs", version + 1)


def _switches(thread_id: int) -> int:
    """How often a thread of this process has gone to sleep of its own accord (Linux)."""
    with open(f"/proc/self/task/{thread_id}/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("voluntary_ctxt_switches"))


def test_an_idle_reader_does_not_poll_and_gives_way_when_a_writer_rings(small_copy):
    """The watcher of a process holding the file sleeps until a writer asks (no wake-ups while idle), and
    a writer of another process still gets the file at once."""
    start = version(small_copy)   # this process now holds a read-only connection, watched
    opened = access.times_opened(small_copy)
    watcher = access._get(small_copy).watcher
    assert watcher is not None and watcher.is_alive()
    before = _switches(watcher.native_id)
    time.sleep(1.0)
    assert _switches(watcher.native_id) - before <= 1, "the watcher woke up while nothing happened"
    writer = python(WRITER, small_copy, 1)
    out, err = writer.communicate(timeout=60)
    assert writer.returncode == 0, err
    waited = float(out.split()[3])
    assert waited < 1.0, f"the writer waited {waited} s for an idle reader"
    assert version(small_copy) == start + 1 and access.times_opened(small_copy) == opened + 1
