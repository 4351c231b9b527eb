"""Backups, restores and the guard on rebuilding the demo data: nothing typed is ever lost.

backup   copies the warehouse file while the app serves, under dialogue.access.snapshot (no process can
         write meanwhile, so the copy holds the warehouse before or after any load, never half of it),
         to a temporary name, then renames it; a manifest (time, schema version, data version, rows per
         table, SHA-256) is written beside it the same way. A backup is complete when its manifest exists.
         Older backups are rotated by a keep count. A killed backup leaves a temporary file (removed by
         the next one) and touches neither the warehouse nor earlier backups.
restore  verifies a backup against its manifest (checksum, rows per table), then puts it in place under
         dialogue.access.exclusive; an existing warehouse holding data is replaced only when asked, and
         is backed up first.
guard    `contents()` says what a warehouse holds beyond the demo data (real loads, anything written
         since the demo build: edits, meetings, action items, rollbacks).
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from dialogue import access, db
from dialogue.ingest.read import sha256  # the one file checksum (manifests, load log)

FORMAT = 1
_CHUNK = 1024 * 1024
_NAME = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{8}T\d{6}\d{6}Z)\.duckdb$")
_TEMP = re.compile(r"^\..+\.(?P<pid>\d+)\.tmp$")
Progress = Callable[[str, dict], None]


class BackupError(Exception):
    """A backup or restore that cannot be done (or a backup that does not match its manifest)."""


# ---- what a warehouse holds -----------------------------------------------------------------------------

@dataclass
class Contents:
    """What a warehouse file holds, as far as rebuilding or overwriting it is concerned."""

    path: Path
    exists: bool = False
    demo_scale: str | None = None
    data_version: int = 0
    demo_version: int | None = None
    real_loads: list[tuple] = field(default_factory=list)   # (load_id, dataset, file_name, rows, by, status)
    meetings: int = 0
    action_items: int = 0
    change_events: int = 0
    loads: int = 0

    @property
    def writes_since_demo(self) -> int:
        """Writes (edits, meetings, action items, loads, rollbacks) after the demo build; for a warehouse
        that never had demo data, every write after its creation."""
        base = self.demo_version if self.demo_scale is not None and self.demo_version is not None else 1
        return max(0, self.data_version - base) if self.exists else 0

    @property
    def demo_only(self) -> bool:
        """Nothing here but what `demo` rebuilds: it may be replaced without loss."""
        if not self.exists:
            return True
        if self.real_loads or self.writes_since_demo:
            return False
        if self.demo_scale is None:   # not a demo warehouse: only an empty one is free to rebuild
            return not (self.loads or self.meetings or self.action_items or self.change_events)
        return True

    @property
    def demo_data_only(self) -> bool:
        """A demo warehouse holding nothing but demo data: only then are the demo accounts offered."""
        return self.exists and self.demo_scale is not None and self.demo_only

    @property
    def holds_data(self) -> bool:
        """Anything beyond geography and KPI definitions (demo data included)."""
        return self.exists and bool(self.loads or self.meetings or self.action_items or self.change_events
                                    or self.writes_since_demo)

    def describe(self) -> str:
        """What the warehouse holds beyond demo data, in one paragraph for the terminal."""
        parts = []
        if self.real_loads:
            shown = "; ".join(f"#{lid} {ds} '{name}' ({rows:,} rows by {by}{', rolled back' if st != 'loaded' else ''})"
                              for lid, ds, name, rows, by, st in self.real_loads[:5])
            more = f" and {len(self.real_loads) - 5} more" if len(self.real_loads) > 5 else ""
            parts.append(f"{len(self.real_loads)} real load(s): {shown}{more}")
        if self.writes_since_demo:
            what = "since the demo data was built" if self.demo_scale else "since it was created"
            parts.append(f"{self.writes_since_demo} write(s) {what} (edits, meetings, action items, loads or "
                         "rollbacks)")
        parts.append(f"{self.meetings} meeting(s), {self.action_items} action item(s), {self.change_events} "
                     "recorded change(s)")
        kind = f"demo data ({self.demo_scale}) and more" if self.demo_scale else "data that is not demo data"
        return f"{self.path} holds {kind}: " + "; ".join(parts)


@contextmanager
def _frozen(path: Path, locked: bool) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection no writer can disturb: access.snapshot, or, when the caller already holds
    access.exclusive (locked=True), a plain one (no other process can open the file meanwhile)."""
    if not locked:
        with access.snapshot(path) as con:
            yield con
        return
    con = duckdb.connect(str(path), read_only=True)
    try:
        yield con
    finally:
        con.close()


def contents(path: str | os.PathLike | None = None, locked: bool = False) -> Contents:
    """What the warehouse at path holds (read-only: no migration, no write). locked=True inside
    access.exclusive of the same file."""
    p = db.db_path(path)
    out = Contents(p)
    if not p.is_file() or p.stat().st_size == 0:
        return out
    out.exists = True
    with _frozen(p, locked) as con:
        return _read_contents(con, out)


def contents_of(con: duckdb.DuckDBPyConnection, path: str | os.PathLike | None = None) -> Contents:
    """What the warehouse of an open connection (or cursor) holds: the same test as contents(), read where the
    caller already reads or writes (the app's shared connection, a writer's)."""
    return _read_contents(con, Contents(db.db_path(path), exists=True))


def _read_contents(con: duckdb.DuckDBPyConnection, out: Contents) -> Contents:
    columns = {r[0] for r in con.execute("select column_name from duckdb_columns() where table_name = "
                                         "'warehouse_state' and schema_name = 'main'").fetchall()}
    if columns:
        demo_version = "demo_version" if "demo_version" in columns else \
            "case when demo_scale is not null then 2 end"   # the releases before the column
        row = con.execute(f"select data_version, demo_scale, {demo_version} from warehouse_state").fetchone()
        if row:
            out.data_version, out.demo_scale, out.demo_version = int(row[0]), row[1], row[2]
    tables = {r[0] for r in con.execute("""select table_name from duckdb_tables()
                                          where schema_name = 'main' and database_name = current_database()
                                            and not temporary""").fetchall()}
    if "load_log" in tables:
        out.loads = con.execute("select count(*) from load_log").fetchone()[0]
        out.real_loads = con.execute(
            """select load_id, dataset, file_name, row_count, loaded_by, status from load_log
               where not is_demo order by load_id""").fetchall()
    for table, attr in (("meeting", "meetings"), ("action_item", "action_items"),
                        ("change_event", "change_events")):
        if table in tables:
            setattr(out, attr, con.execute(f"select count(*) from {table}").fetchone()[0])  # constant names
    return out


def table_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Rows per base table of the main schema."""
    names = [r[0] for r in con.execute("""select table_name from duckdb_tables()
                                          where schema_name = 'main' and database_name = current_database()
                                            and not temporary order by 1""").fetchall()]
    return {n: con.execute(f'select count(*) from "{n}"').fetchone()[0] for n in names}  # names from the catalog


def _schema_version(con) -> int:
    try:
        return int(con.execute("select coalesce(max(version), 0) from schema_version").fetchone()[0])
    except duckdb.CatalogException:
        return 0


# ---- backup ---------------------------------------------------------------------------------------------

def default_dir(path: str | os.PathLike | None = None) -> Path:
    """Where backups go unless told: backups/ beside the warehouse (data/backups by default)."""
    return db.db_path(path).resolve().parent / "backups"


def _stamp(now: datetime) -> str:
    return now.strftime("%Y%m%dT%H%M%S%fZ")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _copy(src: Path, dst: Path) -> tuple[str, int]:
    """Copy src to dst (fsynced); return its SHA-256 and size."""
    digest, size = hashlib.sha256(), 0
    with open(src, "rb") as fin, open(dst, "wb") as fout:
        while chunk := fin.read(_CHUNK):
            digest.update(chunk)
            fout.write(chunk)
            size += len(chunk)
        fout.flush()
        os.fsync(fout.fileno())
    return digest.hexdigest(), size


def _write_json(path: Path, data: dict) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=2, ensure_ascii=False)
        f.write("\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


class _DirLock:
    """One backup or rotation at a time in a backup directory (an flock, released if the process dies)."""

    def __init__(self, directory: Path, timeout: float = 600):
        self.path, self.timeout, self.fd = directory / ".backup.lock", timeout, None

    def __enter__(self):
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o664)
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return self
            except OSError as exc:
                if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                    raise
            if time.monotonic() > deadline:
                os.close(self.fd)
                raise BackupError(f"another backup in {self.path.parent} did not finish within {self.timeout:.0f} s")
            time.sleep(0.1)

    def __exit__(self, *exc):
        fcntl.flock(self.fd, fcntl.LOCK_UN)
        os.close(self.fd)


@dataclass
class Backup:
    file: Path
    manifest_file: Path
    manifest: dict
    seconds: float
    removed: list[Path] = field(default_factory=list)   # rotated away


def backup(path: str | os.PathLike | None = None, dest: str | os.PathLike | None = None, keep: int | None = None,
           progress: Progress | None = None, locked: bool = False) -> Backup:
    """Copy the warehouse at path into the directory dest with its manifest; keep the newest `keep`.
    locked=True when the caller holds access.exclusive of the warehouse."""
    started = time.perf_counter()
    src = db.db_path(path).resolve()
    if not src.is_file():
        raise BackupError(f"no warehouse at {src}")
    if keep is not None and keep < 1:
        raise BackupError("--keep must be at least 1")
    out = Path(dest).resolve() if dest else default_dir(src)
    out.mkdir(parents=True, exist_ok=True)
    note = progress or (lambda stage, info: None)
    with _DirLock(out):
        _clean_temporary(out)
        now = datetime.now(UTC)
        name = f"{src.stem}-{_stamp(now)}.duckdb"
        final, tmp = out / name, out / f".{name}.{os.getpid()}.tmp"
        note("waiting", {"warehouse": src})
        try:
            with _frozen(src, locked) as con:
                froze = time.perf_counter()
                counts = table_counts(con)
                schema = _schema_version(con)
                version = db.data_version(con) if "warehouse_state" in counts else 0
                note("copying", {"bytes": src.stat().st_size, "to": tmp})
                checksum, size = _copy(src, tmp)
            held = time.perf_counter() - froze   # how long writers were kept out
            # The copy is checked before it counts as a backup: it opens, and holds the same rows.
            copy = duckdb.connect(str(tmp), read_only=True)
            try:
                if table_counts(copy) != counts:
                    raise BackupError("the copy does not hold the rows of the warehouse (disk full or failing?)")
            finally:
                copy.close()
            manifest = {"format": FORMAT, "created_at": now.isoformat(timespec="seconds"), "file": name,
                        "source": str(src), "bytes": size, "sha256": checksum, "schema_version": schema,
                        "data_version": version, "duckdb_version": duckdb.__version__, "tables": counts}
            os.replace(tmp, final)
            manifest_file = final.with_suffix(".json")
            _write_json(manifest_file, manifest)
            _fsync_dir(out)
        finally:
            tmp.unlink(missing_ok=True)
        note("written", {"file": final, "bytes": size, "held_seconds": f"{held:.2f}"})
        removed = rotate(out, keep, src.stem) if keep else []
    return Backup(final, manifest_file, manifest, time.perf_counter() - started, removed)


def _clean_temporary(directory: Path) -> None:
    """Remove what killed backups left: temporary files of processes that are gone, data files whose
    manifest was never written."""
    for f in directory.iterdir():
        m = _TEMP.match(f.name)
        if m and not _pid_alive(int(m.group("pid"))):
            f.unlink(missing_ok=True)
        elif _NAME.match(f.name) and not f.with_suffix(".json").exists():
            f.unlink(missing_ok=True)


def backups(directory: str | os.PathLike, stem: str | None = None) -> list[Path]:
    """The complete backups (data file and manifest) in a directory, oldest first."""
    d = Path(directory)
    if not d.is_dir():
        return []
    found = []
    for f in d.iterdir():
        m = _NAME.match(f.name)
        if m and (stem is None or m.group("stem") == stem) and f.with_suffix(".json").is_file():
            found.append((m.group("stamp"), f))
    return [f for _, f in sorted(found)]


def rotate(directory: str | os.PathLike, keep: int, stem: str | None = None) -> list[Path]:
    """Delete all but the newest `keep` complete backups (of one warehouse name); return those removed."""
    complete = backups(directory, stem)
    removed = complete[:-keep] if keep and len(complete) > keep else []
    for f in removed:
        f.with_suffix(".json").unlink(missing_ok=True)   # the manifest first: the backup stops counting
        f.unlink(missing_ok=True)
    return removed


# ---- verify and restore ---------------------------------------------------------------------------------

def _resolve_source(src: str | os.PathLike) -> tuple[Path, Path]:
    s = Path(src)
    if s.is_dir():
        found = backups(s)
        if not found:
            raise BackupError(f"no complete backup in {s}")
        s = found[-1]
    if s.suffix == ".json":
        s = s.with_suffix(".duckdb")
    manifest = s.with_suffix(".json")
    if not s.is_file():
        raise BackupError(f"no backup file {s}")
    if not manifest.is_file():
        raise BackupError(f"{s} has no manifest ({manifest.name}): an unfinished backup, not to be trusted")
    return s, manifest


def _check(file: Path, manifest: dict, checksum: str | None = None) -> None:
    if (checksum or sha256(file)) != manifest["sha256"]:
        raise BackupError(f"{file} does not match its manifest's checksum: the file is damaged or not this backup")
    con = duckdb.connect(str(file), read_only=True)
    try:
        counts = table_counts(con)
    finally:
        con.close()
    if counts != manifest["tables"]:
        diff = {t: (manifest["tables"].get(t), counts.get(t)) for t in set(counts) | set(manifest["tables"])
                if counts.get(t) != manifest["tables"].get(t)}
        raise BackupError(f"{file}: rows per table differ from the manifest (manifest, file): {diff}")


def verify(src: str | os.PathLike) -> dict:
    """Check a backup against its manifest (checksum, rows per table); return the manifest."""
    file, manifest_file = _resolve_source(src)
    manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    _check(file, manifest)
    return manifest


@dataclass
class Restored:
    source: Path
    target: Path
    manifest: dict
    previous_backup: Path | None
    seconds: float


def restore(src: str | os.PathLike, target: str | os.PathLike | None = None, replace: bool = False,
            backup_dir: str | os.PathLike | None = None, progress: Progress | None = None) -> Restored:
    """Put a verified backup in place at target. A warehouse holding data there is replaced only with
    replace=True, and is backed up (into backup_dir) first."""
    started = time.perf_counter()
    note = progress or (lambda stage, info: None)
    file, manifest_file = _resolve_source(src)
    manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    latest = max(v for v, _, _ in db.migrations())
    if manifest.get("schema_version", 0) > latest:
        raise BackupError(f"{file} comes from a newer release (schema {manifest['schema_version']}, this code "
                          f"knows {latest}): restore it with that release")
    dest = db.db_path(target).resolve()
    early = contents(dest)
    if early.holds_data and not replace:   # said early; checked again under the lock below
        raise BackupError(f"{early.describe()}. Nothing was changed; to replace it, run restore with "
                          "--replace (it is backed up first)")
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.restore.{os.getpid()}.tmp")
    previous = None
    try:
        note("verifying", {"file": file})
        checksum, _ = _copy(file, tmp)
        _check(tmp, manifest, checksum)
        if manifest.get("schema_version", 0) < latest:
            # A backup of an older release: upgraded before it is put in place, so that the processes
            # serving the file (which check migrations once, when they start) find the schema they expect.
            note("upgrading", {"from_schema": manifest.get("schema_version"), "to_schema": latest})
            db.connect(tmp).close()
        note("replacing", {"warehouse": dest})
        with access.exclusive(dest):
            held = contents(dest, locked=True)
            if held.holds_data and not replace:
                raise BackupError(f"{held.describe()}. Nothing was changed; to replace it, run restore with "
                                  "--replace (it is backed up first)")
            if held.holds_data:
                previous = backup(dest, backup_dir or default_dir(dest), locked=True).file
            if held.exists and held.data_version >= manifest.get("data_version", 0):
                # Pages cache query results by data version: the restored warehouse must not reuse a number.
                con = duckdb.connect(str(tmp))
                try:
                    with db.transaction(con):
                        con.execute("update warehouse_state set data_version = ?", [held.data_version + 1])
                finally:
                    con.close()
            dest.with_name(dest.name + ".wal").unlink(missing_ok=True)   # a WAL belongs to the file it follows
            os.replace(tmp, dest)
            _fsync_dir(dest.parent)
    finally:
        tmp.unlink(missing_ok=True)
    return Restored(file, dest, manifest, previous, time.perf_counter() - started)
