"""One way to read and one way to write the warehouse file, in every process.

DuckDB (2.0) lets one process open a file read-write, or any number of processes open it read-only, never
both at once; within one process a file is open with one configuration only (read-only or not). So:

- Readers share one read-only connection per process and file (`reading(path)` yields a cursor on it).
- A writer (`writer(path)` / `writing(path)`) first *requests* the file: it takes an exclusive `flock` on
  a sidecar file `<warehouse>.writer` and touches it. Every process that holds a read-only connection has a
  watcher thread that the kernel wakes at that touch (inotify: no polling while idle; where inotify is
  missing it looks every POLL seconds), lets its in-flight queries finish (an in-process reader/writer lock)
  and closes its connection. The writer then opens the file read-write (retrying
  while DuckDB still reports a conflicting lock), writes, closes it (DuckDB checkpoints on close, so no
  WAL is left behind) and releases the request. Readers reopen on their next query and see the new data
  version. No process holds the writer role while idle.
- While a write is requested no reader opens the file, so a stream of readers cannot starve a writer.
  A write that cannot get the file within its timeout raises Busy with what holds it.
- `snapshot(path)` is a reader that does not give way: while it is open no writer can run (a backup
  copies the file under it). `exclusive(path)` holds the writer role with the file closed (restore,
  a rebuild of the demo data).

The request lock is an `flock`, released by the kernel when a process dies: a killed writer never
leaves the others waiting. It is advisory and local to one machine (or one NFS-less volume).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import fcntl
import logging
import os
import select
import struct
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from dialogue import db

log = logging.getLogger("dialogue")
POLL = 0.05             # how often a reader process looks for a write request where inotify is missing (s)


def write_timeout() -> float:
    """How long a writer waits for the file before Busy ($DIALOGUE_WRITE_TIMEOUT seconds, default 60)."""
    return float(os.environ.get("DIALOGUE_WRITE_TIMEOUT") or 60)


def read_timeout() -> float:
    """How long a reader waits while writers hold the file ($DIALOGUE_READ_TIMEOUT seconds, default 300)."""
    return float(os.environ.get("DIALOGUE_READ_TIMEOUT") or 300)


class Busy(Exception):
    """The warehouse stayed in use by others for longer than the timeout; nothing was done."""


def request_file(path: str | os.PathLike) -> Path:
    """The sidecar file whose exclusive flock means 'a writer wants or holds the warehouse'."""
    p = db.db_path(path)
    return p.with_name(p.name + ".writer")


def _lock_conflict(exc: Exception) -> bool:
    text = str(exc).lower()
    return "lock" in text or "different configuration" in text


class _RWLock:
    """Many readers or one writer; a waiting writer keeps new readers out. Timeouts in seconds."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writer = False
        self._waiting = 0

    def acquire_read(self, timeout: float) -> bool:
        with self._cond:
            ok = self._cond.wait_for(lambda: not self._writer and not self._waiting, timeout)
            if ok:
                self._readers += 1
            return ok

    def release_read(self) -> None:
        with self._cond:
            self._readers -= 1
            self._cond.notify_all()

    def acquire_write(self, timeout: float | None) -> bool:
        with self._cond:
            self._waiting += 1
            try:
                ok = self._cond.wait_for(lambda: not self._writer and not self._readers, timeout)
                if ok:
                    self._writer = True
                return ok
            finally:
                self._waiting -= 1
                self._cond.notify_all()

    def release_write(self) -> None:
        with self._cond:
            self._writer = False
            self._cond.notify_all()


# inotify(7): the events that mean a writer touched the request file, and those that end a watch.
_IN_MODIFY, _IN_ATTRIB, _IN_DELETE_SELF, _IN_MOVE_SELF, _IN_IGNORED = 0x2, 0x4, 0x400, 0x800, 0x8000
_EVENT = struct.Struct("iIII")  # wd, mask, cookie, len (a name of len bytes follows)


class _Bell:
    """Wakes a reader's watcher when a writer touches the request file: the kernel's inotify, so an idle
    process spends nothing; where inotify is missing (or the file was replaced), wait() sleeps POLL."""

    def __init__(self, path: Path) -> None:
        self.fd: int | None = None
        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
            fd = libc.inotify_init1(os.O_CLOEXEC | os.O_NONBLOCK)
        except (OSError, AttributeError):
            return
        if fd < 0:
            return
        mask = _IN_MODIFY | _IN_ATTRIB | _IN_DELETE_SELF | _IN_MOVE_SELF
        if libc.inotify_add_watch(fd, os.fsencode(path), mask) < 0:
            os.close(fd)
            return
        self.fd = fd

    def wait(self) -> None:
        """Return after a touch (at once if one came since the last wait), or after POLL without inotify."""
        if self.fd is None:
            time.sleep(POLL)
            return
        select.select([self.fd], [], [])
        try:
            data = os.read(self.fd, 4096)
        except BlockingIOError:
            return
        offset = 0
        while offset + _EVENT.size <= len(data):
            _, mask, _, size = _EVENT.unpack_from(data, offset)
            offset += _EVENT.size + size
            if mask & (_IN_IGNORED | _IN_DELETE_SELF | _IN_MOVE_SELF):  # the watched file is gone: look instead
                os.close(self.fd)
                self.fd = None
                return


def ring(fd: int) -> None:
    """Touch the request file (held by this writer): the watchers of every reader process wake at once."""
    try:
        os.utime(fd)
    except OSError:   # a file this process may lock but not touch: readers then notice on their own look
        log.debug("could not touch the write request file", exc_info=True)


class _Warehouse:
    """This process's state for one warehouse file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock = _RWLock()
        self.con: duckdb.DuckDBPyConnection | None = None
        self.open_lock = threading.Lock()        # one reader opens the shared connection at a time
        self.writer_lock = threading.Lock()      # one writer of this process at a time
        self.ready = False                       # exists, with its migrations applied
        self.ready_lock = threading.Lock()
        self.watcher: threading.Thread | None = None
        self.probe_fd: int | None = None
        self.probe_lock = threading.Lock()
        self.bell: _Bell | None = None           # set up with the probe, before the first check for a request
        self.opened = 0                          # how often the shared connection was (re)opened

    # -- the cross-process write request -----------------------------------------------------------
    def write_requested(self) -> bool:
        """Whether some process holds the request lock (probed with a shared, non-blocking flock)."""
        if self.probe_fd is None:
            with self.probe_lock:
                if self.probe_fd is None:
                    try:
                        self.probe_fd = os.open(request_file(self.path), os.O_RDWR | os.O_CREAT, 0o664)
                    except OSError:
                        return False   # a read-only directory: nobody can request a write there either
                    # Watched from now on, before this first check: a request made after it rings the bell.
                    self.bell = _Bell(request_file(self.path))
        try:
            fcntl.flock(self.probe_fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                return True
            raise
        fcntl.flock(self.probe_fd, fcntl.LOCK_UN)
        return False

    # -- the shared read-only connection ------------------------------------------------------------
    def try_open(self) -> bool:
        """Open the shared read-only connection unless a write is requested or the file is held."""
        with self.open_lock:
            if self.con is not None:
                return True
            if self.write_requested():
                return False
            try:
                self.con = duckdb.connect(str(self.path), read_only=True)
            except (duckdb.IOException, duckdb.ConnectionException) as exc:
                if _lock_conflict(exc):
                    return False
                raise
            self.opened += 1
            self._start_watcher()
            return True

    def close_reader(self) -> None:
        """Close the shared connection (the caller holds the exclusive in-process lock)."""
        with self.open_lock:
            if self.con is not None:
                self.con.close()
                self.con = None

    def _start_watcher(self) -> None:
        if self.watcher is None or not self.watcher.is_alive():
            self.watcher = threading.Thread(target=self._watch, name=f"warehouse-watcher:{self.path.name}",
                                            daemon=True)
            self.watcher.start()

    def _watch(self) -> None:
        # Gives the file up when another process (or this one) asks for it; asleep until a writer rings.
        while True:
            if self.bell is None:   # no request file could be made here (a read-only folder): no writer either
                time.sleep(POLL)
            else:
                self.bell.wait()
            try:
                # Checked under the open lock: a connection being opened is either seen here or opened after
                # the request (try_open checks for one first), so none is left open past a ring.
                with self.open_lock:
                    give_way = self.con is not None and self.write_requested()
                if give_way:
                    self.lock.acquire_write(None)   # in-flight queries finish first
                    try:
                        self.close_reader()
                    finally:
                        self.lock.release_write()
            except Exception:  # the watcher must survive anything: a dead watcher would block writers
                log.exception("warehouse watcher of %s", self.path)


_warehouses: dict[Path, _Warehouse] = {}
_registry_lock = threading.Lock()
_local = threading.local()


def _get(path: str | os.PathLike | None) -> _Warehouse:
    p = db.db_path(path).resolve()
    with _registry_lock:
        w = _warehouses.get(p)
        if w is None:
            w = _warehouses[p] = _Warehouse(p)
        return w


def _depth() -> dict:
    if not hasattr(_local, "reads"):
        _local.reads = {}
    return _local.reads


def _pending_migrations(cur) -> bool:
    latest = max(v for v, _, _ in db.migrations())
    try:
        row = cur.execute("select max(version) from schema_version").fetchone()
    except duckdb.CatalogException:
        return True
    return row[0] is None or row[0] < latest


def _prepare(w: _Warehouse, timeout: float | None = None) -> None:
    """Once per process: create a missing warehouse, or apply the migrations an older one lacks."""
    if w.ready:
        return
    with w.ready_lock:
        if w.ready:
            return
        pending = True
        if w.path.is_file():
            with _read(w, read_timeout() if timeout is None else timeout) as cur:
                pending = _pending_migrations(cur)
        if pending:
            with writer(w.path):
                pass   # db.connect creates the file and applies the migrations
        w.ready = True


@contextmanager
def _read(w: _Warehouse, timeout: float) -> Iterator[duckdb.DuckDBPyConnection]:
    reads = _depth()
    if reads.get(w.path):   # a read inside a read of this thread: the connection is already held
        cur = w.con.cursor()
        try:
            yield cur
        finally:
            cur.close()
        return
    deadline = time.monotonic() + timeout
    pause = 0.005
    while True:
        if not w.lock.acquire_read(max(0.0, deadline - time.monotonic())):
            raise Busy(f"the warehouse {w.path} stayed busy for {timeout:.0f} s (queries or a write of this "
                       "process)")
        if w.con is not None or w.try_open():
            break
        w.lock.release_read()
        if time.monotonic() > deadline:
            raise Busy(f"the warehouse {w.path} stayed in use by a writer for {timeout:.0f} s")
        time.sleep(pause)
        pause = min(pause * 2, 0.1)
    reads[w.path] = reads.get(w.path, 0) + 1
    cur = w.con.cursor()
    try:
        yield cur
    finally:
        cur.close()
        reads[w.path] -= 1
        w.lock.release_read()


@contextmanager
def reading(path: str | os.PathLike | None = None, timeout: float | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A cursor on this process's shared read-only connection, for one query or a few.

    Keep the block short: a writer of any process waits for it to end. Raises Busy after `timeout`
    seconds (default read_timeout()) of writers holding the file.
    """
    w = _get(path)
    timeout = read_timeout() if timeout is None else timeout
    _prepare(w, timeout)
    with _read(w, timeout) as cur:
        yield cur


def connection(path: str | os.PathLike | None = None) -> duckdb.DuckDBPyConnection:
    """The shared read-only connection itself (opened if needed). It is closed whenever a writer asks
    for the file: take a cursor for one query at once, never keep it; prefer reading()."""
    w = _get(path)
    with reading(w.path):
        return w.con


def _acquire_request(w: _Warehouse, deadline: float, timeout: float) -> int:
    fd = os.open(request_file(w.path), os.O_RDWR | os.O_CREAT, 0o664)
    pause = 0.002
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            ring(fd)
            return fd
        except OSError as exc:
            if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                os.close(fd)
                raise
        if time.monotonic() > deadline:
            os.close(fd)
            raise Busy(f"the warehouse {w.path} is in use by another process: another writer held it for "
                       f"{timeout:.0f} s")
        time.sleep(pause)
        pause = min(pause * 2, 0.05)


@contextmanager
def _role(path, timeout: float | None, open_file: bool) -> Iterator[duckdb.DuckDBPyConnection | None]:
    w = _get(path)
    if _depth().get(w.path):
        raise RuntimeError("a write was asked for inside a read of the same warehouse: end the read first")
    timeout = write_timeout() if timeout is None else timeout
    deadline = time.monotonic() + timeout
    if not w.writer_lock.acquire(timeout=timeout):
        raise Busy(f"the warehouse {w.path} is in use: another write of this process took {timeout:.0f} s")
    try:
        fd = _acquire_request(w, deadline, timeout)
        try:
            if not w.lock.acquire_write(max(0.0, deadline - time.monotonic())):
                raise Busy(f"the warehouse {w.path} is in use: queries of this process ran for {timeout:.0f} s")
            try:
                w.close_reader()
                con = _open_read_write(w, deadline, timeout, create=open_file)
                if not open_file and con is not None:
                    con.close()
                    con = None
                try:
                    yield con
                finally:
                    if con is not None:
                        con.close()
            finally:
                w.lock.release_write()
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
    finally:
        w.writer_lock.release()


def _open_read_write(w: _Warehouse, deadline: float, timeout: float, create: bool):
    if not create and not w.path.is_file():
        return None   # nothing to wait for: no one can hold a file that does not exist
    pause = 0.005
    while True:
        try:
            return db.connect(w.path)   # applies any migration this warehouse lacks, each in a transaction
        except (duckdb.IOException, duckdb.ConnectionException) as exc:
            if not _lock_conflict(exc):
                raise
            if time.monotonic() > deadline:
                raise Busy(f"the warehouse {w.path} is in use by another process that did not let go within "
                           f"{timeout:.0f} s ({exc})") from None
        time.sleep(pause)
        pause = min(pause * 2, 0.2)


@contextmanager
def writer(path: str | os.PathLike | None = None, timeout: float | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """The writer role for this block only: a read-write connection (the caller runs its own transactions,
    as dialogue.editing and dialogue.ingest do). Readers of every process pause meanwhile.
    Raises Busy when the file cannot be had within `timeout` seconds (default write_timeout())."""
    with _role(path, timeout, open_file=True) as con:
        yield con


@contextmanager
def writing(path: str | os.PathLike | None = None, timeout: float | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """writer() with one transaction around the block (db.transaction: rolled back on any error)."""
    with writer(path, timeout) as con, db.transaction(con):
        yield con


@contextmanager
def exclusive(path: str | os.PathLike | None = None, timeout: float | None = None) -> Iterator[None]:
    """The writer role with the file closed: no process has it open until the block ends (the file may be
    replaced or rebuilt meanwhile)."""
    with _role(path, timeout, open_file=False):
        yield


@contextmanager
def snapshot(path: str | os.PathLike | None = None, timeout: float | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection of its own that does not give way to writers: while the block runs, no
    process can write the file (DuckDB's own lock), so its bytes are a consistent warehouse.

    A WAL left by a killed writer is first checkpointed into the file (a moment of the writer role),
    so the file alone holds everything committed."""
    w = _get(path)
    timeout = write_timeout() if timeout is None else timeout
    deadline = time.monotonic() + timeout
    wal = w.path.with_name(w.path.name + ".wal")
    pause = 0.005
    while True:
        con = None
        if not w.write_requested():
            try:
                con = duckdb.connect(str(w.path), read_only=True)
            except (duckdb.IOException, duckdb.ConnectionException) as exc:
                if not _lock_conflict(exc):
                    raise
        if con is not None:
            if not wal.exists():
                break
            con.close()
            with writer(w.path, max(1.0, deadline - time.monotonic())) as rw:
                rw.execute("checkpoint")
            continue
        if time.monotonic() > deadline:
            raise Busy(f"the warehouse {w.path} stayed in use by writers for {timeout:.0f} s")
        time.sleep(pause)
        pause = min(pause * 2, 0.1)
    try:
        yield con
    finally:
        con.close()


def release(path: str | os.PathLike | None = None) -> None:
    """Close this process's shared connection to the file now (it reopens on the next read)."""
    w = _get(path)
    w.lock.acquire_write(None)
    try:
        w.close_reader()
    finally:
        w.lock.release_write()


def times_opened(path: str | os.PathLike | None = None) -> int:
    """How often this process opened its shared connection to the file (each write elsewhere closes it)."""
    return _get(path).opened
