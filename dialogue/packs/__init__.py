"""Briefing packs: the dashboard's sections on paper, per region and period, in kk, ru or en.

contents.py says which sections a pack holds, in which chapters; pdf.py, pptx.py and xlsx.py write any
list of sections. Packs are built with no network and no browser, on a read-only connection, while
the app serves the same warehouse.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from functools import partial
from pathlib import Path

import duckdb
import pandas as pd

from dialogue import access, db, periods
from dialogue.packs.contents import Pack, build, file_stem
from dialogue.sections import Context

FORMATS = ("pdf", "pptx", "xlsx")
MIME = {"pdf": "application/pdf",
        "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}

__all__ = ["FORMATS", "MIME", "Pack", "build", "file_stem", "is_demo", "open_read_only", "pack_line", "render", "write_files",
           "write_pack"]


def writer(fmt: str) -> Callable[[Pack], bytes]:
    from dialogue.packs import pdf, pptx, xlsx

    return {"pdf": pdf.write, "pptx": pptx.write, "xlsx": xlsx.write}[fmt]


def render(pack: Pack, formats=FORMATS, timings: dict | None = None) -> dict[str, bytes]:
    """The pack's files as bytes, by format; `timings` (if given) gets the seconds each took."""
    files = {}
    for fmt in formats:
        started = time.perf_counter()
        files[fmt] = writer(fmt)(pack)
        if timings is not None:
            timings[fmt] = round(time.perf_counter() - started, 3)
    return files


def open_read_only(path) -> duckdb.DuckDBPyConnection:
    """The warehouse, read-only: a pack never writes, and many readers may share the file."""
    p = db.db_path(path)
    if not p.is_file():
        raise FileNotFoundError(f"no warehouse at {p}")
    # A warehouse of an earlier release gets its migrations first (a moment of the writer role).
    with access.reading(p):
        pass
    access.release(p)
    return duckdb.connect(str(p), read_only=True)


def is_demo(run: Callable[..., pd.DataFrame]) -> bool:
    """Whether the warehouse holds demo data (every pack of it says so)."""
    span = run("geography/data_span").iloc[0]
    return bool(pd.notna(span.demo_scale) or int(span.demo_loads or 0) > 0)


def last_data_day(run: Callable[..., pd.DataFrame]) -> date | None:
    span = run("geography/data_span").iloc[0]
    return pd.Timestamp(span.last_day).date() if pd.notna(span.last_day) else None


def write_files(con: duckdb.DuckDBPyConnection, regions: list[str | None], period: periods.Period | None, lang: str,
                out: Path, as_of_date: date | None = None, formats=FORMATS,
                log: Callable[[str], None] | None = None) -> list[dict]:
    """Build one pack per region (None: the country) and write its files into `out`; a record per pack
    (paths and seconds)."""
    run = partial(db.run, con)
    demo = is_demo(run)
    today = as_of_date or date.today()
    if period is None:
        last = last_data_day(run) or today
        period = periods.default_period(last)
    records = []
    for region in regions:
        record = write_pack(run, region, period, lang, out, today, formats, demo)
        records.append(record)
        if log:
            log(pack_line(record))
    return records


def write_pack(run: Callable[..., pd.DataFrame], region: str | None, period: periods.Period, lang: str, out: Path,
               today: date, formats, demo: bool) -> dict:
    """Build one pack and write its files into `out`: its record (region, period, language, paths, seconds)."""
    started, cpu = time.perf_counter(), time.process_time()
    out.mkdir(parents=True, exist_ok=True)
    pack = build(Context(region, period, lang, today, run), is_demo=demo)
    timings: dict = {"sections": round(time.perf_counter() - started, 3)}
    files = render(pack, formats, timings)
    stem = file_stem(region, period.key, lang)
    paths = []
    for fmt, data in files.items():
        path = out / f"{stem}.{fmt}"
        path.write_bytes(data)
        paths.append(str(path))
    timings["total"] = round(time.perf_counter() - started, 3)
    timings["cpu"] = round(time.process_time() - cpu, 3)  # this process's CPU (DuckDB's threads included)
    return {"region": region or "all", "period": period.key, "lang": lang, "files": paths, "seconds": timings}


def pack_line(record: dict) -> str:
    """'pack_KZ-23_2026-Q3_ru: ….pdf, ….pptx, ….xlsx (6.1 s)': a line of progress for the command line."""
    stem = file_stem(None if record["region"] == "all" else record["region"], record["period"], record["lang"])
    names = ", ".join(Path(p).name for p in record["files"])
    return f"{stem}: {names} ({record['seconds']['total']:.1f} s)"
