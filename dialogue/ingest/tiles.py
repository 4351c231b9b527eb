"""Ookla open-data tiles as published: quarterly files of zoom-16 tiles (~600 m) for the whole world, in
Parquet (as Ookla publishes them) or CSV, with the columns quadkey, tile (WKT polygon), avg_d_kbps,
avg_u_kbps, avg_lat_ms, tests, devices. Fixed or mobile and the quarter come from the file's name
(`2026-07-01_performance_fixed_tiles.parquet`) or from options.

The world file is cut down cheaply before any polygon work: DuckDB's parquet reader keeps the tiles whose
zoom-8 quadkey prefix covers Kazakhstan's bounding box; their centres (computed from the quadkey, vectorised)
are then placed in the district that holds them (dialogue.geography.locate). Tiles elsewhere are dropped,
not reported. The figures are kept as published; the kept tiles become ingest_typed and are validated like
any file (dialogue.ingest.validate.find_issues), rows numbered as in the file (a record number in Parquet,
a line number with the header as line 1 in CSV).
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa

from dialogue import datasets, geography
from dialogue.ingest import read
from dialogue.ingest.report import MAX_ISSUES, Issue, Report, safe_value

MAX_BYTES = 2 * 1024 * 1024 * 1024   # a global quarter is a few hundred MB of Parquet
ZOOM = 16
PREFIX_ZOOM = 8                      # ~150 km tiles: a few hundred prefixes cover Kazakhstan's bounding box
_FILE_NAME = re.compile(r"(\d{4})-(\d{2})-01_performance_(fixed|mobile)_tiles", re.I)
_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$|^(\d{4})-(\d{2})(?:-01)?$", re.I)
_FILE_COLUMNS = ("quadkey", "tile", "avg_d_kbps", "avg_u_kbps", "avg_lat_ms", "tests", "devices")


def file_name_facts(name: str) -> tuple[date | None, str | None]:
    """(first day of the quarter, 'fixed'/'mobile') as Ookla names its files, or Nones."""
    m = _FILE_NAME.search(name or "")
    if not m:
        return None, None
    year, month, kind = int(m.group(1)), int(m.group(2)), m.group(3).lower()
    return (date(year, month, 1) if month in (1, 4, 7, 10) else None), kind


def parse_quarter(text: str) -> date | None:
    """'2026-Q3', '2026Q3', '2026-07' or '2026-07-01' → 2026-07-01; None if it names no quarter."""
    m = _QUARTER.match(str(text).strip())
    if not m:
        return None
    if m.group(1):
        return date(int(m.group(1)), 3 * int(m.group(2)) - 2, 1)
    month = int(m.group(4))
    return date(int(m.group(3)), month, 1) if month in (1, 4, 7, 10) else None


def quadkey_prefixes(bounds: tuple[float, float, float, float], zoom: int = PREFIX_ZOOM) -> list[str]:
    """The quadkeys at `zoom` of every tile that meets the bounding box (lon_min, lat_min, lon_max, lat_max)."""
    x0, y1 = _tile_xy(bounds[0], bounds[1], zoom)
    x1, y0 = _tile_xy(bounds[2], bounds[3], zoom)
    return [_quadkey(x, y, zoom) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)]


def _tile_xy(lon: float, lat: float, zoom: int) -> tuple[int, int]:
    n = 2 ** zoom
    x = int((lon + 180.0) / 360.0 * n)
    s = np.sin(np.radians(lat))
    y = int((0.5 - np.log((1 + s) / (1 - s)) / (4 * np.pi)) * n)
    return min(max(x, 0), n - 1), min(max(y, 0), n - 1)


def _quadkey(x: int, y: int, zoom: int) -> str:
    return "".join(str(((x >> i) & 1) | (((y >> i) & 1) << 1)) for i in range(zoom - 1, -1, -1))


def tile_centres(quadkeys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Longitude and latitude of the centre of each zoom-16 tile, vectorised over the quadkey digits."""
    digits = np.frombuffer("".join(quadkeys).encode("ascii"), dtype=np.uint8).reshape(-1, ZOOM).astype(np.int64) - 48
    weights = 1 << np.arange(ZOOM - 1, -1, -1, dtype=np.int64)
    x = (digits & 1) @ weights
    y = (digits >> 1) @ weights
    n = float(2 ** ZOOM)
    lon = (x + 0.5) / n * 360.0 - 180.0
    lat = np.degrees(np.arctan(np.sinh(np.pi * (1.0 - 2.0 * (y + 0.5) / n))))
    return lon, lat


def prepare(report: Report, path: Path, options: dict | None) -> tuple[date, str] | None:
    """The quarter and tile type (options win over the file's name), the format and the checksum; None if
    the file cannot be read as tiles (the report says why)."""
    options = options or {}
    if report.size_bytes == 0:
        report.add(Issue(None, "", "", "file_empty"))
        return None
    with open(path, "rb") as f:
        head = f.read(4)
    named_quarter, named_type = file_name_facts(report.file_name)
    quarter = named_quarter
    if options.get("quarter"):
        quarter = parse_quarter(options["quarter"])
        if quarter is None:
            report.add(Issue(None, "quarter", str(options["quarter"]), "tiles_bad_quarter"))
    elif quarter is None:
        report.add(Issue(None, "quarter", "", "tiles_no_quarter"))
    tile_type = (options.get("tile_type") or named_type or "").lower()
    if not tile_type:
        report.add(Issue(None, "tile_type", "", "tiles_no_type"))
    elif tile_type not in ("fixed", "mobile"):
        report.add(Issue(None, "tile_type", tile_type, "not_allowed", "fixed, mobile"))
    if head == b"PAR1":
        report.file_format = "parquet"
    elif head.startswith(b"PK\x03\x04") or head.startswith(b"\xd0\xcf\x11\xe0"):
        report.add(Issue(None, "", "", "tiles_format"))
        return None
    else:
        report.file_format = "csv"
    report.checksum = read.sha256(path)
    if report.errors:
        return None
    return quarter, tile_type


def stage(cur, ds: datasets.Dataset, path: Path, report: Report, quarter: date, tile_type: str) -> bool:
    """Read the published file, keep the tiles whose centre lies in a district, build ingest_typed."""
    found_source = _source(cur, ds, path, report)
    if found_source is None:
        return False
    source, params = found_source
    report.scanned_rows = cur.execute(f"select count(*) from ({source})", params).fetchall()[0][0]
    if report.scanned_rows == 0:
        report.add(Issue(None, "", "", "no_rows"))
        return False
    prefixes = pa.table({"prefix": quadkey_prefixes(_margin(geography.boundaries().bounds))})
    cur.register("tiles_prefixes", prefixes)
    try:
        # One pass over the file: the tiles near Kazakhstan, and any quadkey that is not one (to report).
        cur.execute(f"""
            create or replace temp table tiles_near as
            select * from ({source})
            where left(quadkey, {PREFIX_ZOOM}) in (select prefix from tiles_prefixes)
               or quadkey is null or not regexp_full_match(quadkey, '[0-3]{{{ZOOM}}}')""", params)
    finally:
        cur.unregister("tiles_prefixes")
    bad = cur.execute(f"""select row_no, quadkey from tiles_near
                          where quadkey is null or not regexp_full_match(quadkey, '[0-3]{{{ZOOM}}}')
                          order by row_no limit {MAX_ISSUES}""").fetchall()
    for row_no, quadkey in bad:
        report.add(Issue(int(row_no), "quadkey", safe_value(quadkey), "bad_quadkey"))
    if report.errors:
        return False
    near = cur.execute("select row_no, quadkey from tiles_near").fetchnumpy()
    lon, lat = tile_centres(near["quadkey"]) if len(near["row_no"]) else (np.zeros(0), np.zeros(0))
    lon_min, lat_min, lon_max, lat_max = geography.boundaries().bounds
    box = (lon >= lon_min) & (lon <= lon_max) & (lat >= lat_min) & (lat <= lat_max)
    found = geography.locate(lon[box], lat[box])
    keep = found.district_kato != None  # noqa: E711 (an object array compared element-wise)
    located = pa.table({
        "row_no": np.asarray(near["row_no"])[box][keep], "lon": lon[box][keep], "lat": lat[box][keep],
        "district_kato": pa.array(found.district_kato[keep], pa.string()),
        "region_code": pa.array(found.region_code[keep], pa.string()), "is_rural": found.is_rural[keep]})
    cur.register("tiles_located", located)
    try:
        cur.execute("""
            create or replace temp table ingest_typed as
            select n.row_no,
                   $quarter_text as quarter__raw, $quarter::date as quarter,
                   $tile_type as tile_type__raw, $tile_type as tile_type,
                   n.quadkey as quadkey__raw, n.quadkey,
                   n.tile as tile__raw, n.tile,
                   n.avg_d_kbps as avg_d_kbps__raw, try_cast(n.avg_d_kbps as double) as avg_d_kbps,
                   n.avg_u_kbps as avg_u_kbps__raw, try_cast(n.avg_u_kbps as double) as avg_u_kbps,
                   n.avg_lat_ms as avg_lat_ms__raw, try_cast(n.avg_lat_ms as double) as avg_lat_ms,
                   n.tests as tests__raw, try_cast(n.tests as double) as tests,
                   n.devices as devices__raw, try_cast(n.devices as double) as devices,
                   l.lon, l.lat, l.region_code, l.district_kato, l.is_rural
            from tiles_near n
            join tiles_located l using (row_no)""",
            {"quarter_text": quarter.isoformat(), "quarter": quarter, "tile_type": tile_type})
    finally:
        cur.unregister("tiles_located")
    report.rows = cur.execute("select count(*) from ingest_typed").fetchone()[0]
    if report.rows == 0:
        report.add(Issue(None, "", "", "tiles_none_in_kazakhstan"))
        return False
    report.preview = cur.execute(f"""select row_no, quadkey, district_kato, avg_d_kbps__raw as avg_d_kbps,
                                            avg_u_kbps__raw as avg_u_kbps, avg_lat_ms__raw as avg_lat_ms,
                                            tests__raw as tests, devices__raw as devices
                                     from ingest_typed order by row_no limit {read.PREVIEW_ROWS}""").df()
    return True


def _margin(bounds: tuple[float, float, float, float], deg: float = 0.1) -> tuple[float, float, float, float]:
    return bounds[0] - deg, bounds[1] - deg, bounds[2] + deg, bounds[3] + deg


def _source(cur, ds: datasets.Dataset, path: Path, report: Report) -> tuple[str, dict] | None:
    """A SELECT over the file giving row_no and the published columns as text (and its parameters), or None
    if the file is unreadable or lacks a required column (the report says which)."""
    params: dict = {"path": str(path)}
    try:
        if report.file_format == "parquet":
            relation = "read_parquet($path, file_row_number = true)"
            row_no = "file_row_number + 1"
            names = [r[0] for r in cur.execute(f"describe select * from {relation}", params).fetchall()]
            names = [n for n in names if n != "file_row_number"]
        else:
            scan = read.scan_csv_bytes(path)
            if not scan.utf8:
                report.add(Issue(None, "", "", "not_utf8_or_cp1251"))
                return None
            report.encoding = "utf-8"
            report.delimiter = read._sniff_delimiter(read._first_line(path, "utf-8"))
            names = read._header(path, "utf-8", report.delimiter)
            columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(names)))   # generated names only
            relation = (f"read_csv($path, header = false, skip = 1, all_varchar = true, auto_detect = false, "
                        f"delim = $delim, quote = '\"', escape = '\"', columns = {{{columns}}})")
            params["delim"] = report.delimiter
            row_no = "row_number() over () + 1"
    except Exception as exc:  # a damaged Parquet file raises DuckDB's invalid-input errors
        report.add(Issue(None, "", "", "tiles_unreadable", type(exc).__name__))
        return None
    match = datasets.match_headers(ds, names)
    report.columns = {name: names[i] for i, name in match.columns.items()}
    missing = [c for c in match.missing if c in _FILE_COLUMNS]
    for name in missing:
        report.add(Issue(None, name, "", "missing_column"))
    if missing:
        return None
    picks = []
    for column in _FILE_COLUMNS:
        i = next((i for i, n in match.columns.items() if n == column), None)
        if i is None:
            picks.append(f"null::varchar as {column}")
        elif report.file_format == "parquet":
            picks.append(f'"{_quoted(names[i])}"::varchar as {column}')   # the file's own name, quoted
        else:
            picks.append(f"nullif(trim(c{i}), '') as {column}")
    return f"select {row_no} as row_no, {', '.join(picks)} from {relation}", params


def _quoted(name: str) -> str:
    return name.replace('"', '""')
