"""Every pack for a Council in one run: the country and the regions, in several languages, on every core.

Work is split by region: a worker process opens its own read-only connection and writes a region's packs in
every language asked, so the languages share their questions (a question's answer depends on the parameters
it declares, not on the language: each is asked once per worker and kept for the packs that follow, the
country-wide rankings once for all the regions a worker takes). The files land in one folder with an index
(index.html, in the first language asked) and a zip of the whole, ready to send.
"""

from __future__ import annotations

import html
import os
import time
import zipfile
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from datetime import date
from functools import partial
from multiprocessing import get_context
from pathlib import Path

import pandas as pd

from dialogue import db, i18n, periods

# A worker process's read-only connection and its memoised query runner.
_worker_con = None
_worker_run: Callable[..., pd.DataFrame] | None = None


def memoised(run: Callable[..., pd.DataFrame]) -> Callable[..., pd.DataFrame]:
    """A query runner that asks each (question, the parameters it declares) once and hands out copies
    (a builder may add columns to its frame)."""
    answers: dict[tuple, pd.DataFrame] = {}

    def ask(name: str, **params) -> pd.DataFrame:
        key = (name, tuple(sorted((k, params.get(k)) for k in db.declared_parameters(name))))
        if key not in answers:
            answers[key] = run(name, **params)
        return answers[key].copy()

    return ask


def plan(con, period: periods.Period | None, as_of_date: date | None) -> tuple[periods.Period, date, bool]:
    """The period (default: the last complete month of data), the day that counts as today and whether the
    warehouse holds demo data: settled once, so every worker writes the same."""
    from dialogue import packs

    run = partial(db.run, con)
    today = as_of_date or date.today()
    return period or periods.default_period(packs.last_data_day(run) or today), today, packs.is_demo(run)


def write_all(db_path: Path, regions: list[str | None], langs: list[str], out: Path,
              period: periods.Period | None = None, as_of_date: date | None = None, formats=None,
              workers: int | None = None, progress: Callable[[int, int, dict], None] | None = None) -> dict:
    """Write every (region, language) pack into `out`, with index.html and a zip of it all; the region's
    packs in all languages are one task, taken by `workers` processes (default: one per core; 1: this one).
    `progress(done, total, record)` is told of each pack written. Returns the records, the index and zip
    paths and the seconds taken."""
    from dialogue import packs

    started = time.perf_counter()
    formats = list(formats or packs.FORMATS)
    con = packs.open_read_only(db_path)
    try:
        period, today, demo = plan(con, period, as_of_date)
    finally:
        con.close()
    out.mkdir(parents=True, exist_ok=True)
    job = partial(_write_region, period_key=period.key, langs=list(langs), out=str(out), today=today,
                  formats=formats, demo=demo)
    workers = max(1, min(workers or os.cpu_count() or 1, len(regions)))
    total, records = len(regions) * len(langs), []

    def collect(region_records: list[dict]) -> None:
        for record in region_records:
            records.append(record)
            if progress:
                progress(len(records), total, record)

    if workers == 1:
        _open_worker(str(db_path))
        try:
            for region in regions:
                collect(job(region))
        finally:
            _close_worker()
    else:
        # spawn, not fork: a forked child would inherit the parent's DuckDB and thread state
        with ProcessPoolExecutor(workers, mp_context=get_context("spawn"), initializer=_open_worker,
                                 initargs=(str(db_path),)) as pool:
            for future in as_completed([pool.submit(job, region) for region in regions]):
                collect(future.result())
    order = {(r, lang): i for i, r in enumerate(r or "all" for r in regions) for lang in langs}
    records.sort(key=lambda rec: order[(rec["region"], rec["lang"])])
    index = write_index(out, records, period, langs[0], today)
    archive = write_zip(out, records, index, period)
    return {"packs": records, "index": str(index), "zip": str(archive), "period": period.key,
            "seconds": round(time.perf_counter() - started, 3)}


def _open_worker(db_path: str) -> None:
    global _worker_con, _worker_run
    from dialogue import packs

    _worker_con = packs.open_read_only(db_path)
    _worker_run = memoised(partial(db.run, _worker_con))


def _close_worker() -> None:
    global _worker_con, _worker_run
    if _worker_con is not None:
        _worker_con.close()
    _worker_con = _worker_run = None


def _write_region(region: str | None, period_key: str, langs: list[str], out: str, today: date,
                  formats: list[str], demo: bool) -> list[dict]:
    """In a worker: one region's packs, one per language, sharing the worker's answers."""
    from dialogue import packs

    period = periods.parse(period_key)
    return [packs.write_pack(_worker_run, region, period, lang, Path(out), today, formats, demo)
            for lang in langs]


def write_index(out: Path, records: list[dict], period: periods.Period, lang: str, today: date) -> Path:
    """index.html: a table of the packs, a row per region and a column per language, linking each file."""
    from dialogue import geography

    regions = geography.read_reference("regions.csv").set_index("region_code")
    langs = list(dict.fromkeys(r["lang"] for r in records))
    by_place: dict[str, dict[str, list[str]]] = {}
    for r in records:
        by_place.setdefault(r["region"], {})[r["lang"]] = r["files"]

    def name(code: str) -> str:
        return i18n.t("common.all_regions", lang) if code == "all" else i18n.region_name(regions.loc[code], lang)

    def links(files: list[str]) -> str:
        return " · ".join(f'<a href="{html.escape(Path(f).name)}">{Path(f).suffix[1:].upper()}</a>'
                          for f in files)

    head = "".join(f"<th>{html.escape(i18n.LANGUAGE_NAMES[lg])}</th>" for lg in langs)
    rows = "".join(
        f"<tr><td>{html.escape(name(code))}</td>"
        + "".join(f"<td>{links(files.get(lg, []))}</td>" for lg in langs) + "</tr>"
        for code, files in by_place.items())
    title = i18n.t("packs.council_title", lang, period=period.label(lang))
    page = (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            "<style>body{font-family:'DejaVu Sans',sans-serif;margin:2em}table{border-collapse:collapse}"
            "td,th{border:1px solid #ccc;padding:.3em .8em;text-align:left}</style></head><body>"
            f"<h1>{html.escape(title)}</h1>"
            f"<p>{html.escape(i18n.t('packs.council_prepared', lang, date=i18n.fmt_date(today, lang), count=len(records)))}</p>"
            f"<table><tr><th>{html.escape(i18n.t('packs.council_region', lang))}</th>{head}</tr>{rows}</table>"
            "</body></html>")
    path = out / "index.html"
    path.write_text(page, encoding="utf-8")
    return path


def write_zip(out: Path, records: list[dict], index: Path, period: periods.Period) -> Path:
    """The index and every file in one zip beside them (already compressed formats: stored, not deflated)."""
    path = out / f"packs_{period.key}.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        z.write(index, index.name)
        for record in records:
            for f in record["files"]:
                z.write(f, Path(f).name)
    return path
