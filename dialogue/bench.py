"""The performance benchmark: what a user waits for and what the server spends, page by page.

`python -m dialogue bench` (or `make bench`) on the large demo warehouse:
- server time per page view, cold (caches cleared) and warm, p50/p95, measured by a client that speaks
  Streamlit's websocket protocol (the browser's own messages: a rerun request, then the deltas until
  the script finishes) against app processes (`python -m dialogue.serve`);
- server CPU per warm view, from the processes' utime+stime in /proc;
- each page's main aggregate in SQL against the usual pandas way (rows fetched into a frame, then
  groupby), in the same run, and the ratio; for the pages on smaller tables (rollout, bottlenecks, business)
  the page's question itself against pandas on the whole table;
- browser time from navigation to drawn (every chart, table and widget drawn, none still loading its
  code), in headless Chromium, on a first visit and on a return visit (skipped with --no-browser);
- what a real browser costs the server: Chromium's first visit (a new profile) and its move by sidebar
  link, per page, in server CPU, against a bare Streamlit page (one title) served the same way and
  visited by the same browser in the same run; and a process's CPU while idle with a browser connected;
- a load test: N sessions at once, each opening the landing page and two more, spread over P app
  processes (as a proxy with sticky sessions would), and the server processes' resident memory after;
- every pack for a Council (the country and each region in kk, ru and en) in one run on every core,
  against the same packs one by one in one process (skipped with --no-packs);
- a reader's longest pause while a million-row speed-test file loads in another process.
It prints a table and, last, one JSON line.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from dialogue import db, periods, serve
from dialogue.sections import rollout

ROOT = db.ROOT
TICKS = os.sysconf("SC_CLK_TCK")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
PERIOD = "2026-10"
REGION = "KZ-23"
TODAY = date.today()


@dataclass(frozen=True)
class Page:
    name: str       # the page's url_path ('' for the landing page)
    label: str      # for the table and the JSON


def pages() -> list[Page]:
    """Every page, as the navigation lists it (the first is served at /)."""
    from dialogue import ui

    specs = ui.page_specs()
    return [Page("" if i == 0 else s.url, s.url) for i, s in enumerate(specs)]


# ---- the app's processes ------------------------------------------------------------------------------

@contextmanager
def app_processes(warehouse: Path, count: int):
    """`count` app processes serving one warehouse, as deployed: no file watcher, headless, loopback."""
    procs = [serve.start(warehouse, "--server.fileWatcherType", "none") for _ in range(count)]
    try:
        for proc, port in procs:
            serve.wait_healthy(proc, port)
        yield procs
    finally:
        for proc, _ in procs:
            serve.stop(proc)


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process, in seconds (fields 14 and 15 of /proc/PID/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def rss_mb(pid: int) -> float:
    fields = Path(f"/proc/{pid}/statm").read_text().split()
    return int(fields[1]) * PAGE_SIZE / 1024 ** 2


# ---- a client speaking Streamlit's websocket protocol ---------------------------------------------------

class Session:
    """One browser session's messages: connect, ask for a page, read until the script has finished."""

    def __init__(self, port: int):
        self.port = port
        self.ws = None

    async def __aenter__(self):
        import websockets

        self.ws = await websockets.connect(f"ws://127.0.0.1:{self.port}/_stcore/stream",
                                           subprotocols=["streamlit"], max_size=None, open_timeout=60)
        return self

    async def __aexit__(self, *exc):
        await self.ws.close()

    async def view(self, page: str, query: str, clear_cache: bool = False) -> float:
        """Seconds from asking for a page to the server's 'script finished'."""
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        if clear_cache:
            msg = BackMsg()
            msg.clear_cache = True
            await self.ws.send(msg.SerializeToString())
        msg = BackMsg()
        msg.rerun_script.query_string = query
        msg.rerun_script.page_name = page
        started = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        while True:
            reply = ForwardMsg()
            reply.ParseFromString(await asyncio.wait_for(self.ws.recv(), timeout=300))
            if reply.WhichOneof("type") == "script_finished":
                if reply.script_finished != reply.FINISHED_SUCCESSFULLY:
                    raise RuntimeError(f"page {page or '/'} did not finish: {reply.script_finished}")
                return time.perf_counter() - started


def query_string(lang: str = "ru", region: str | None = REGION) -> str:
    return f"period={PERIOD}&lang={lang}" + (f"&region={region}" if region else "")


async def _page_times(port: int, page: Page, cold_runs: int, warm_runs: int) -> tuple[list[float], list[float]]:
    cold, warm = [], []
    async with Session(port) as s:
        for i in range(cold_runs):
            # Alternate the country and a region so both paths are timed.
            cold.append(await s.view(page.name, query_string(region=None if i % 2 else REGION), clear_cache=True))
        for region in (REGION, None):   # warm: both views seen once since the caches were last cleared
            await s.view(page.name, query_string(region=region))
        for i in range(warm_runs):
            warm.append(await s.view(page.name, query_string(region=None if i % 2 else REGION)))
    return cold, warm


async def _load_test(ports: list[int], sessions: int, tour: list[Page]) -> list[float]:
    async def one(i: int) -> list[float]:
        async with Session(ports[i % len(ports)]) as s:   # sticky: a session stays on its process
            return [await s.view(p.name, query_string(lang=("kk", "ru", "en")[i % 3])) for p in tour]

    results = await asyncio.gather(*(one(i) for i in range(sessions)))
    return [t for times in results for t in times]


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))]


# ---- SQL against the usual pandas way -------------------------------------------------------------------
# Each page's main aggregate twice: in SQL inside the warehouse, and the usual pandas way (the rows fetched
# into a frame, then groupby). Both give the same figures (checked), so the ratio compares like with like.

def _period_bounds() -> list:
    p = periods.parse(PERIOD)
    return [p.previous().start, p.end, p.start]


SPEED_SQL = """select region_code, measured_at >= $3 as is_current, median(download_mbps) as median_download_mbps,
                      median(latency_ms) as median_latency_ms, avg((download_mbps < 10)::int) as under_10
               from speed_test where measured_at >= $1 and measured_at < $2 group by all order by all"""


def _speed_pandas(con) -> pd.DataFrame:
    start, end, current = _period_bounds()
    t = con.execute("select region_code, download_mbps, latency_ms, measured_at from speed_test "
                    "where measured_at >= $1 and measured_at < $2", [start, end]).df()
    t["is_current"] = t.measured_at >= pd.Timestamp(current)
    t["under_10"] = (t.download_mbps < 10).astype(int)
    return (t.groupby(["region_code", "is_current"]).agg(median_download_mbps=("download_mbps", "median"),
                                                         median_latency_ms=("latency_ms", "median"),
                                                         under_10=("under_10", "mean")).reset_index())


COMPLAINTS_SQL = """select region_code, date_trunc('month', received_at)::date as month, category, count(*) as n
                    from complaint group by all order by all"""


def _complaints_pandas(con) -> pd.DataFrame:
    c = con.execute("select region_code, received_at, category from complaint").df()
    c["month"] = c.received_at.dt.to_period("M").dt.start_time.dt.date
    return c.groupby(["region_code", "month", "category"]).size().rename("n").reset_index()


# The pages on smaller tables (rollout, bottlenecks, business): their main question itself (as the page runs
# it), against the same figures in pandas from the whole table fetched into a frame. These tables hold a few
# thousand to some tens of thousands of rows, so both ways take milliseconds.

def _as_of() -> tuple[pd.Timestamp, bool]:
    """The as-of day of the benchmark's period (models/as_of_day) and whether the period is still running."""
    end = periods.parse(PERIOD).end
    return pd.Timestamp(min(end - timedelta(days=1), TODAY)), end > TODAY


def _question_params() -> dict:
    return {"region": None, **periods.parse(PERIOD).params(), "as_of_date": TODAY}


# The programmes' deadlines (rollout/progress_forecast): a KPI's target date, else the 2027 deadline.
_PROGRAMME_KPIS = {"fibre_village": "fibre_villages_pct", "last_mile": "last_mile_households",
                   "4g_settlement": "settlements_4g_pct", "5g_city": "city_5g_sites_pct", "road_4g": "road_4g_km"}


def _rollout_pandas(con) -> pd.DataFrame:
    """rollout/progress_forecast's progress and forecast per programme, in total, per region and per operator."""
    day, running = _as_of()
    items = con.execute("select * from rollout_item").df()
    targets = con.execute("select kpi_code, target_date from kpi_definition").df().set_index("kpi_code").target_date
    i = items[items.status != "cancelled"].copy()
    done = i.completed_date.notna() & (i.completed_date <= day)
    i["counted"] = np.where(done | (i.completed_date.isna() & running), i.done_units, 0.0)
    i["last_12m"] = np.where(done & (i.completed_date > day - pd.DateOffset(months=12)), i.done_units, 0.0)
    sums = {"items": ("programme", "size"), "planned_units": ("planned_units", "sum"),
            "done_units": ("counted", "sum"), "last_12m": ("last_12m", "sum")}
    parts = [i.groupby("programme").agg(**sums).reset_index().assign(level="total", code=None)]
    for level, column in (("area", "region_code"), ("operator", "operator_code")):
        parts.append(i.groupby(["programme", column]).agg(**sums).reset_index()
                     .rename(columns={column: "code"}).assign(level=level))
    t = pd.concat(parts, ignore_index=True)
    remaining = (t.planned_units - t.done_units).clip(lower=0)
    pace = t.last_12m / 12.0
    t["progress_pct"] = 100.0 * t.done_units / t.planned_units.replace(0, np.nan)
    days = np.floor((remaining / pace.where(pace > 0)).where(remaining > 0) * 30.4375 + 0.5).clip(upper=36525)
    t["forecast_date"] = day + pd.to_timedelta(days, unit="D")
    t["target_date"] = t.programme.map(lambda p: targets.get(_PROGRAMME_KPIS.get(p), pd.Timestamp("2027-12-31")))
    return t.sort_values(["programme", "level", "progress_pct", "code"], na_position="last").reset_index(drop=True)


def _bottlenecks_pandas(con) -> pd.DataFrame:
    """bottlenecks/open_by_area: open bottlenecks per region on the as-of day, overdue, the akimat's, ages."""
    day, _ = _as_of()
    b = con.execute("select * from bottleneck").df()
    regions = con.execute("select region_code from region").df().region_code
    o = b[(b.opened_on <= day) & (b.resolved_on.isna() | (b.resolved_on > day))].copy()
    o["age_days"] = (day - o.opened_on).dt.days
    o["is_overdue"] = o.due_on.notna() & (o.due_on < day)
    o["akimat"] = o.responsible == "akimat"
    o["akimat_overdue"] = o.is_overdue & o.akimat
    counts = ["open_bottlenecks", "akimat_open", "overdue", "akimat_overdue"]
    g = o.groupby("region_code").agg(open_bottlenecks=("bottleneck_id", "size"), akimat_open=("akimat", "sum"),
                                     overdue=("is_overdue", "sum"), akimat_overdue=("akimat_overdue", "sum"),
                                     median_age_days=("age_days", "median"), oldest_age_days=("age_days", "max"))
    g = g.reindex(sorted(set(regions) | set(g.index))).rename_axis("area_code").reset_index()
    g[counts] = g[counts].fillna(0)
    return g.sort_values(["open_bottlenecks", "area_code"], ascending=[False, True]).reset_index(drop=True)


def _connection_mix_pandas(con) -> pd.DataFrame:
    """business/connection_mix: how firms connect, in all and by firm size, sector and region, with shares."""
    period = periods.parse(PERIOD)
    s = con.execute("select * from survey_response").df()
    first = pd.Timestamp(period.start).to_period("Q").start_time    # a month selects its quarter's survey
    s = s[(s.period >= first) & (s.period < pd.Timestamp(period.end))]
    parts = [s.groupby("connection").size().rename("firms").reset_index().assign(dimension="all", group_code="all")]
    for dimension, column in (("firm_size", "firm_size"), ("sector", "sector"), ("area", "region_code")):
        parts.append(s.groupby([column, "connection"]).size().rename("firms").reset_index()
                     .rename(columns={column: "group_code"}).assign(dimension=dimension))
    t = pd.concat(parts, ignore_index=True)
    t["group_firms"] = t.groupby(["dimension", "group_code"]).firms.transform("sum")
    t["share_pct"] = 100.0 * t.firms / t.group_firms
    return t.sort_values(["dimension", "group_code", "connection"]).reset_index(drop=True)


FRESHNESS_SQL = """select source, count(*) as n, max(measured_at) as last_measured from speed_test
                   group by all order by all"""


def _freshness_pandas(con) -> pd.DataFrame:
    t = con.execute("select source, measured_at from speed_test").df()
    return t.groupby("source").measured_at.agg(n="count", last_measured="max").reset_index()


@dataclass(frozen=True)
class Aggregate:
    by_sql: Callable[[duckdb.DuckDBPyConnection], pd.DataFrame]
    by_pandas: Callable[[duckdb.DuckDBPyConnection], pd.DataFrame]
    columns: tuple[str, ...] | None = None    # the SQL result's columns the pandas way computes (None: all)


def _sql(text: str, params: Callable[[], list] = list) -> Callable:
    return lambda con: con.execute(text, params()).df()


def _question(name: str) -> Callable:
    return lambda con: db.run(con, name, **_question_params())


# The KPIs by region are the main figures of the landing page, the comparison and the shared screen too.
_SPEED = Aggregate(_sql(SPEED_SQL, _period_bounds), _speed_pandas)
# Pages that list or edit records (meetings, action items, one bottleneck, packs to make) have no aggregate.
AGGREGATES: dict[str, Aggregate] = {
    "profile": _SPEED, "compare": _SPEED, "overview": _SPEED, "quality": _SPEED, "present": _SPEED,
    "complaints": Aggregate(_sql(COMPLAINTS_SQL), _complaints_pandas),
    "rollout": Aggregate(_question("rollout/progress_forecast"), _rollout_pandas,
                         ("programme", "level", "code", "items", "planned_units", "done_units", "progress_pct",
                          "forecast_date", "target_date")),
    "bottlenecks": Aggregate(_question("bottlenecks/open_by_area"), _bottlenecks_pandas),
    "business": Aggregate(_question("business/connection_mix"), _connection_mix_pandas),
    "data": Aggregate(_sql(FRESHNESS_SQL), _freshness_pandas),
}


def _best_of(fn: Callable, runs: int = 5) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return min(times), result


def _same(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    """The two ways agree: same rows, numbers equal to within rounding."""
    if len(a) != len(b):
        return False
    a, b = a.reset_index(drop=True), b[list(a.columns)].reset_index(drop=True)
    for col in a.columns:
        x, y = a[col], b[col]
        if pd.api.types.is_numeric_dtype(x) and pd.api.types.is_numeric_dtype(y):
            if not ((x.astype(float) - y.astype(float)).abs().fillna(0) < 1e-6).all():
                return False
        elif not ((x.astype(str) == y.astype(str)) | (x.isna() & y.isna())).all():
            return False
    return True


def pandas_ratios(warehouse: Path) -> dict[str, dict]:
    """For each page with a main aggregate: ms in SQL, ms the pandas way, their ratio, and whether they agree."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        out, done = {}, {}
        for page, agg in AGGREGATES.items():
            if agg not in done:     # pages sharing an aggregate share its measurement
                sql_s, by_sql = _best_of(lambda f=agg.by_sql: f(con))
                pandas_s, by_pandas = _best_of(lambda f=agg.by_pandas: f(con))
                by_sql = by_sql[list(agg.columns)] if agg.columns else by_sql
                done[agg] = {"sql_ms": sql_s * 1000, "pandas_ms": pandas_s * 1000, "ratio": pandas_s / sql_s,
                             "same_result": _same(by_sql, by_pandas)}
            out[page] = done[agg]
        return out
    finally:
        con.close()


# ---- the browser: navigation to drawn ---------------------------------------------------------------------

# Drawn: the script has finished, no element is still waiting for its code (Streamlit loads the code of
# charts, tables and widgets when the first one arrives and shows a skeleton until then) and every plotly
# chart has drawn its traces. The answer is milliseconds since navigation started.
DRAWN_JS = """() => {
  const app = document.querySelector('[data-testid=stApp]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return null;
  if (document.querySelector('[data-testid=stSkeleton]')) return null;
  const charts = Array.from(document.querySelectorAll('[data-testid=stPlotlyChart]'));
  if (!charts.every(c => c.querySelector('g.trace, .choroplethlocation, .hm'))) return null;
  return performance.now();
}"""


def browser_times(port: int, page_list: list[Page], runs: int = 5) -> dict[str, tuple[float, float]]:
    """Per page, median seconds from navigation to drawn (warm server): on a first visit (a new browser
    profile, nothing cached) and on a return visit (the same profile, the app's code in its cache)."""
    from playwright.sync_api import sync_playwright

    out = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=serve.CHROMIUM, args=serve.CHROMIUM_ARGS, headless=True)
        try:
            for page in page_list:
                first, back = [], []
                for i in range(runs + 1):   # the first profile warms the server's caches and is not counted
                    context = browser.new_context(viewport={"width": 1440, "height": 1000})
                    for visit in (first, back):
                        tab = context.new_page()
                        tab.goto(f"http://127.0.0.1:{port}/{page.name}?{query_string()}")
                        ms = tab.wait_for_function(DRAWN_JS, timeout=120000, polling=20).json_value()
                        if i:
                            visit.append(ms / 1000)
                        tab.close()
                    context.close()
                out[page.label] = (statistics.median(first), statistics.median(back))
        finally:
            browser.close()
    return out


# ---- what a real browser costs the server ---------------------------------------------------------------------

BARE_APP = 'import streamlit as st\nst.title("Bare")\n'
# A bare Streamlit page served like the app (TCP_NODELAY, headless, no file watcher): the floor of a visit. Its
# frontend's files come as Streamlit serves them, or (resident) from memory as the app serves them.
BARE_SERVER = ("import sys\nfrom dialogue import serve\nfrom streamlit.web import cli\nserve.enable_nodelay()\n"
               "if sys.argv.pop(1) == 'resident':\n    serve.enable_resident_static()\n"
               "sys.argv = ['streamlit', 'run', *sys.argv[1:]]\nsys.exit(cli.main())\n")
BARE_DRAWN_JS = """() => {
  const app = document.querySelector('[data-testid=stApp]');
  return app && app.getAttribute('data-test-script-state') === 'notRunning' && document.querySelector('h1')
    ? performance.now() : null;
}"""
SETTLE_S = 0.5   # after drawn, the messages a browser still sends back (widths, theme, component values)


@contextmanager
def bare_process(folder: Path, resident: bool = False):
    """A bare Streamlit page (one title) on a loopback port: (the process, its port)."""
    import subprocess

    script = folder / "bare.py"
    script.write_text(BARE_APP)
    port = serve.free_port()
    proc = subprocess.Popen([sys.executable, "-c", BARE_SERVER, "resident" if resident else "plain", str(script),
                             "--server.port", str(port),
                             "--server.address", "127.0.0.1", "--server.headless", "true",
                             "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        serve.wait_healthy(proc, port)
        yield proc, port
    finally:
        serve.stop(proc)


def _visit(browser, pid: int, url: str, drawn_js: str) -> tuple[float, float, object, object]:
    """A first visit in a new profile: (server CPU seconds, seconds to drawn, the context, the tab)."""
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    tab = context.new_page()
    before = cpu_seconds(pid)
    tab.goto(url)
    ms = tab.wait_for_function(drawn_js, timeout=120000, polling=20).json_value()
    time.sleep(SETTLE_S)
    return cpu_seconds(pid) - before, ms / 1000, context, tab


def browser_server_cpu(port: int, pid: int, bares: dict[str, tuple[int, int]], page_list: list[Page],
                       runs: int = 5) -> dict:
    """Server CPU (ms, medians of `runs`) of a browser's first visit and of its move by sidebar link to each
    page; each bare page's first visit (`bares`: its name → (port, pid)) and the first one's time to drawn, in
    the same browser."""
    from playwright.sync_api import sync_playwright

    out: dict = {"pages": {}}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=serve.CHROMIUM, args=serve.CHROMIUM_ARGS, headless=True)
        try:
            for name, (bare_port, bare_pid) in bares.items():
                bare_cpu, bare_ms = [], []
                for i in range(runs + 1):   # the first visit warms the server and is not counted
                    cpu, seconds, context, _ = _visit(browser, bare_pid, f"http://127.0.0.1:{bare_port}/",
                                                      BARE_DRAWN_JS)
                    context.close()
                    if i:
                        bare_cpu.append(cpu * 1000)
                        bare_ms.append(seconds * 1000)
                out[f"{name}_cpu_ms_first_visit"] = statistics.median(bare_cpu)
                out.setdefault("browser_bare_ms", statistics.median(bare_ms))
            for n, page in enumerate(page_list):
                start = page_list[1 if n == 0 else 0]   # a move comes from another page
                firsts, moves = [], []
                for i in range(runs + 1):
                    cpu, _, context, tab = _visit(browser, pid, f"http://127.0.0.1:{port}/{page.name}?"
                                                  f"{query_string()}", DRAWN_JS)
                    if i:
                        firsts.append(cpu * 1000)
                    tab.goto(f"http://127.0.0.1:{port}/{start.name}?{query_string()}")
                    tab.wait_for_function(DRAWN_JS, timeout=120000, polling=20)
                    time.sleep(SETTLE_S)
                    before = cpu_seconds(pid)
                    # The sidebar's page links keep the filters: "quality?period=…" ("?period=…" for /).
                    tab.locator(f'a[data-testid="stPageLink-NavLink"][href^="{page.name}?"]').first.click()
                    tab.wait_for_function(f"() => location.pathname === '/{page.name}'", timeout=60000)
                    tab.wait_for_function(DRAWN_JS, timeout=120000, polling=20)
                    time.sleep(SETTLE_S)
                    if i:
                        moves.append((cpu_seconds(pid) - before) * 1000)
                    context.close()
                out["pages"][page.label] = {"cpu_ms_first_visit": statistics.median(firsts),
                                            "cpu_ms_navigation": statistics.median(moves)}
        finally:
            browser.close()
    return out


def idle_cpu_pct(port: int, pid: int, url_path: str, drawn_js: str, seconds: float = 30) -> float:
    """A process's CPU (% of a core) over `seconds` with one browser tab open on a drawn page, doing nothing."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=serve.CHROMIUM, args=serve.CHROMIUM_ARGS, headless=True)
        try:
            tab = browser.new_page()
            tab.goto(f"http://127.0.0.1:{port}/{url_path}")
            tab.wait_for_function(drawn_js, timeout=120000, polling=20)
            time.sleep(5)
            before = cpu_seconds(pid)
            time.sleep(seconds)
            return (cpu_seconds(pid) - before) / seconds * 100
        finally:
            browser.close()


# ---- every pack for a Council -----------------------------------------------------------------------------------

def council_packs(warehouse: Path) -> dict[str, float]:
    """Seconds for every pack of a Council (the country and each region in kk, ru and en): in one run on every
    core with shared questions, and one by one in this process."""
    import tempfile

    from dialogue import geography, i18n, packs
    from dialogue.packs import council

    regions = [None, *geography.read_reference("regions.csv").region_code]
    period = periods.parse(PERIOD)
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        council.write_all(warehouse, regions, list(i18n.LANGUAGES), Path(tmp) / "council", period, TODAY)
        together = time.perf_counter() - started
        started = time.perf_counter()
        con = packs.open_read_only(warehouse)
        try:
            for lang in i18n.LANGUAGES:
                packs.write_files(con, regions, period, lang, Path(tmp) / "one_by_one", TODAY)
        finally:
            con.close()
        alone = time.perf_counter() - started
    return {"packs_council_s": together, "packs_one_by_one_s": alone, "packs_ratio": together / alone}


# ---- the registers' questions --------------------------------------------------------------------------------
# Rollout and bottlenecks hold a few thousand records: pandas is as quick there, so the goal is absolute: each of
# their questions in at most 10 ms, uncached (a cached one costs the page nothing).
REGISTER_QUESTIONS = ("rollout", "bottlenecks")


def register_questions(warehouse: Path) -> dict[str, float]:
    """ms of each rollout and bottleneck question for the whole country (best of five, nothing cached)."""
    base = _question_params()
    params = {**base, "programme": None, "kind": None, "responsible": None, "open_only": False,
              "from_date": periods.add_months(base["end_date"], -rollout.PLAN_MONTHS)}   # as the page asks
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return {f"{folder}/{f.stem}": _best_of(lambda n=f"{folder}/{f.stem}": db.run(con, n, **params))[0] * 1000
                for folder in REGISTER_QUESTIONS for f in sorted((db.QUERIES / folder).glob("*.sql"))}
    finally:
        con.close()


# ---- a load while readers read ------------------------------------------------------------------------------

def speed_test_file(path: Path, rows: int, seed: int = 7) -> Path:
    """`rows` speed tests of October 2026 on the reference settlements, as an operator would send them."""
    from dialogue import geography

    rng = np.random.default_rng(seed)
    katos = np.array(sorted(geography.read_reference("settlements.csv")["kato"]))
    seconds = rng.integers(0, 30 * 86400, rows).astype("timedelta64[s]")
    pd.DataFrame({
        "measured_at": pd.Series(np.datetime64("2026-10-01T00:00:00") + seconds).dt.strftime("%Y-%m-%d %H:%M:%S"),
        "kato": katos[rng.integers(0, len(katos), rows)],
        "operator": np.array(["op_a", "op_b", "op_c"])[rng.integers(0, 3, rows)],
        "technology": np.array(["fixed", "4g", "3g", "5g"])[rng.integers(0, 4, rows)],
        "download_mbps": np.round(rng.lognormal(3.5, 1, rows), 2).clip(0.1, 2000),
        "upload_mbps": np.round(rng.lognormal(2.5, 1, rows), 2).clip(0.1, 1000),
        "latency_ms": np.round(rng.uniform(5, 200, rows), 1),
        "source": np.array(["crowd", "operator"])[rng.integers(0, 2, rows)],
    }).to_csv(path, index=False)
    return path


def load_pause(warehouse: Path, rows: int = 1_000_000) -> dict[str, float]:
    """A reader's longest pause (ms) while a `rows`-row speed-test file loads in another process, on a copy of
    the warehouse: this process reads in a loop, each read timed from asking to answer."""
    import shutil
    import subprocess
    import tempfile

    from dialogue import access

    with tempfile.TemporaryDirectory(dir=warehouse.parent) as tmp:
        copy = Path(tmp) / "warehouse.duckdb"
        shutil.copy(warehouse, copy)
        source = speed_test_file(Path(tmp) / "million.csv", rows)
        with access.reading(copy) as cur:
            cur.execute("select count(*) from load_log").fetchall()
        started = time.perf_counter()
        load = subprocess.Popen([sys.executable, "-m", "dialogue", "--db", str(copy), "ingest", "speed_tests",
                                 str(source)], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        longest = 0.0
        while load.poll() is None:
            asked = time.perf_counter()
            with access.reading(copy) as cur:
                cur.execute("select count(*) from load_log").fetchall()
            longest = max(longest, time.perf_counter() - asked)
            time.sleep(0.01)
        seconds = time.perf_counter() - started
        access.release(copy)
        if load.returncode != 0:
            raise RuntimeError(f"the benchmark's load failed with exit code {load.returncode}")
    return {"load_pause_ms_max": longest * 1000, "load_s": seconds}


# ---- the whole run ---------------------------------------------------------------------------------------------

def ensure_warehouse(path: Path, scale: str) -> Path:
    """The benchmark's warehouse: built once per scale (the large one takes about 20 s)."""
    if path.exists():
        con = duckdb.connect(str(path), read_only=True)
        try:
            built = con.execute("select demo_scale from warehouse_state").fetchone()
        finally:
            con.close()
        if built and built[0] == scale:
            db.connect(path).close()   # brings an older warehouse up to date before anything is timed
            return path
    from dialogue import demo

    print(f"building the {scale} demo warehouse at {path} …", file=sys.stderr, flush=True)
    demo.build_warehouse(path, scale=scale)
    return path


def run(scale: str = "large", warehouse: Path | None = None, cold_runs: int = 3, warm_runs: int = 10,
        sessions: int = 30, processes: int = 2, browser: bool = True, council: bool = True) -> dict:
    warehouse = ensure_warehouse(warehouse or ROOT / "data" / f"bench_{scale}.duckdb", scale)
    page_list = pages()
    result: dict = {"scale": scale, "pages": {}}
    ratios = pandas_ratios(warehouse)
    with app_processes(warehouse, processes) as procs:
        proc, port = procs[0]
        # One view first, as any served process has had: the app's code imported, the warehouse opened.
        asyncio.run(_page_times(port, page_list[0], 0, 1))
        for page in page_list:
            cold, warm = asyncio.run(_page_times(port, page, cold_runs, warm_runs))
            # CPU per warm view: the warm views alone, measured again so the cold runs do not count.
            before = cpu_seconds(proc.pid)
            asyncio.run(_page_times(port, page, 0, warm_runs))
            cpu_ms = (cpu_seconds(proc.pid) - before) / (warm_runs + 2) * 1000   # + the two first warm views
            result["pages"][page.label] = {
                "cold_p50_ms": percentile(cold, 50) * 1000, "cold_p95_ms": percentile(cold, 95) * 1000,
                "warm_p50_ms": percentile(warm, 50) * 1000, "warm_p95_ms": percentile(warm, 95) * 1000,
                "cpu_ms_per_view": cpu_ms, "browser_ms": None, "browser_return_ms": None,
                "pandas_ratio": ratios.get(page.label, {}).get("ratio"),
            }
        if browser:
            for label, (first, back) in browser_times(port, page_list).items():
                result["pages"][label]["browser_ms"] = first * 1000
                result["pages"][label]["browser_return_ms"] = back * 1000
            import tempfile

            with tempfile.TemporaryDirectory() as tmp, bare_process(Path(tmp)) as (bare, bare_port), \
                    bare_process(Path(tmp), resident=True) as (resident, resident_port):
                costs = browser_server_cpu(port, proc.pid, {"bare": (bare_port, bare.pid),
                                                            "bare_resident": (resident_port, resident.pid)},
                                           page_list)
                for label, figures in costs.pop("pages").items():
                    result["pages"][label].update(figures)
                result.update(costs)
                for p in result["pages"].values():
                    p["browser_ratio"] = p["browser_ms"] / result["browser_bare_ms"]
                    p["first_visit_ratio"] = p["cpu_ms_first_visit"] / result["bare_cpu_ms_first_visit"]
                    p["navigation_ratio"] = p["cpu_ms_navigation"] / p["cpu_ms_per_view"]
                result["idle_cpu_pct"] = idle_cpu_pct(port, proc.pid, f"?{query_string()}", DRAWN_JS)
                result["bare_idle_cpu_pct"] = idle_cpu_pct(bare_port, bare.pid, "", BARE_DRAWN_JS)
        tour = page_list[:3]
        times = asyncio.run(_load_test([p for _, p in procs], sessions, tour))
        result[f"sessions_{sessions}_p95_s"] = percentile(times, 95)
        result["load_test"] = {"sessions": sessions, "processes": processes, "pages": [p.label for p in tour],
                               "p50_s": percentile(times, 50), "max_s": max(times), "client": "websocket protocol"}
        result[f"rss_mb_{sessions}_sessions"] = sum(rss_mb(p.pid) for p, _ in procs)
    result["sql_vs_pandas"] = ratios
    result["register_question_ms"] = register_questions(warehouse)
    result.update(load_pause(warehouse))
    if council:
        result.update(council_packs(warehouse))
    return result


def print_report(result: dict) -> None:
    """The table, then the JSON line (last)."""
    head = f"{'page':<16}{'cold p50':>10}{'cold p95':>10}{'warm p50':>10}{'warm p95':>10}{'CPU/view':>10}" \
           f"{'browser':>10}{'return':>9}{'×pandas':>9}"
    print(head)
    print("-" * len(head))

    def ms(value) -> str:
        return "—" if value is None else f"{value:,.0f}"

    for name, p in result["pages"].items():
        ratio = "—" if p["pandas_ratio"] is None else f"{p['pandas_ratio']:.1f}"
        print(f"{name:<16}{ms(p['cold_p50_ms']):>10}{ms(p['cold_p95_ms']):>10}{ms(p['warm_p50_ms']):>10}"
              f"{ms(p['warm_p95_ms']):>10}{ms(p['cpu_ms_per_view']):>10}{ms(p['browser_ms']):>10}"
              f"{ms(p['browser_return_ms']):>9}{ratio:>9}")
    lt = result["load_test"]
    n = lt["sessions"]
    p95, rss = result[f"sessions_{n}_p95_s"], result[f"rss_mb_{n}_sessions"]
    print(f"\n{n} sessions × {len(lt['pages'])} pages on {lt['processes']} processes ({lt['client']}): "
          f"p50 {lt['p50_s']:.2f} s, p95 {p95:.2f} s, max {lt['max_s']:.2f} s; server RSS {rss:,.0f} MB")
    print("times in ms; browser = navigation to drawn on a first visit (nothing cached), return = on a return "
          "visit;\n×pandas = the pandas way's time / SQL's for the page's main question")
    if "bare_cpu_ms_first_visit" in result:
        print(f"\nserver CPU per browser view (ms): {'page':<14}{'first visit':>12}{'×bare':>7}{'move':>8}"
              f"{'×protocol':>10}{'browser ×bare':>15}")
        for name, p in result["pages"].items():
            print(f"{'':<33}{name:<14}{ms(p['cpu_ms_first_visit']):>12}{p['first_visit_ratio']:>7.2f}"
                  f"{ms(p['cpu_ms_navigation']):>8}{p['navigation_ratio']:>10.2f}{p['browser_ratio']:>15.2f}")
        print(f"bare Streamlit page: first visit {result['bare_cpu_ms_first_visit']:,.0f} ms of server CPU "
              f"({result['bare_resident_cpu_ms_first_visit']:,.0f} ms with its files served from memory as the app "
              f"serves them), drawn in "
              f"{result['browser_bare_ms']:,.0f} ms; idle with a tab open: app {result['idle_cpu_pct']:.2f} %, "
              f"bare {result['bare_idle_cpu_pct']:.2f} % of a core")
    slowest = max(result["register_question_ms"].items(), key=lambda kv: kv[1])
    print(f"rollout and bottleneck questions (goal 10 ms each): {len(result['register_question_ms'])}, the slowest "
          f"{slowest[0]} {slowest[1]:.1f} ms")
    print(f"a reader's longest pause while a 1,000,000-row file loads: {result['load_pause_ms_max']:,.0f} ms "
          f"(the load took {result['load_s']:.1f} s)")
    if "packs_council_s" in result:
        print(f"every pack for a Council (63): {result['packs_council_s']:.0f} s on every core, "
              f"{result['packs_one_by_one_s']:.0f} s one by one ({result['packs_ratio']:.0%})")
    compact = {k: v for k, v in result.items() if k not in ("load_test", "sql_vs_pandas")}
    compact["register_question_ms"] = {k: round(v, 1) for k, v in result["register_question_ms"].items()}
    compact["pages"] = {name: {k: (round(v, 1) if isinstance(v, float) else v) for k, v in p.items()
                               if k in ("cold_p95_ms", "warm_p95_ms", "cpu_ms_per_view", "browser_ms",
                                        "browser_return_ms", "pandas_ratio", "cpu_ms_first_visit",
                                        "cpu_ms_navigation", "browser_ratio")}
                        for name, p in result["pages"].items()}
    print(json.dumps(compact, ensure_ascii=False))
