"""Layer 3: a real Chromium against `streamlit run`. Every page, three languages, with and without a
region: charts drawn, no exception box, no console error, no request leaving 127.0.0.1.
Screenshots land in tests/artifacts/ to be looked at. Chromium is required: no skip."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from urllib.parse import urlparse

import pytest

from dialogue import ui
from tests.conftest import ARTIFACTS, ROOT

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
PAGES = ui.page_specs()
# The whole country in each language, and three regions of different size: Astana (a city of 1.4
# million), Atyrau (oil region, districts of every size) and Ulytau (the smallest, a few districts).
VIEWS = [({"lang": "ru"}, "all"), ({"lang": "kk"}, "all"), ({"lang": "en"}, "all"),
         ({"lang": "ru", "region": "KZ-71"}, "KZ-71"), ({"lang": "kk", "region": "KZ-23"}, "KZ-23"),
         ({"lang": "en", "region": "KZ-62"}, "KZ-62")]

pytestmark = pytest.mark.browser


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db_path):
    """`streamlit run app.py` on a free loopback port; yields its base URL, stops it afterwards."""
    port = free_port()
    env = {**os.environ, "DIALOGUE_DB": str(db_path)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(f"{base}/_stcore/health", timeout=2).status == 200:
                break
        except OSError:
            time.sleep(0.5)
    else:
        proc.kill()
        raise RuntimeError("streamlit did not start: " + proc.stdout.read().decode(errors="replace")[-2000:])
    yield base
    proc.terminate()
    proc.wait(timeout=20)


@pytest.fixture(scope="module")
def server(default_db, tmp_path_factory):
    """The app on a copy of the default-scale demo warehouse: what a meeting sees, at its real size,
    so the screenshots show real figures down to districts and a slow page times out."""
    path = tmp_path_factory.mktemp("browser") / "warehouse.duckdb"
    path.write_bytes(default_db.read_bytes())
    yield from start_server(path)


@pytest.fixture(scope="module")
def empty_server(empty_db, tmp_path_factory):
    """The app on a warehouse with geography but no data yet: the first day of a deployment."""
    path = tmp_path_factory.mktemp("browser_empty") / "warehouse.duckdb"
    path.write_bytes(empty_db.read_bytes())
    yield from start_server(path)


@pytest.fixture(scope="module")
def browser():
    assert os.path.exists(CHROMIUM), "Chromium is required for the browser tests: apt-get install chromium"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


def open_page(browser, url: str, width: int = 1440, height: int = 2200):
    """Open url; return the page, the console errors and the requests that left 127.0.0.1."""
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    errors, outside = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" and not base_path_probe(m) else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    def check_request(request):
        host = urlparse(request.url).hostname
        if request.url.startswith(("data:", "blob:", "about:")) or host == "127.0.0.1":
            return
        outside.append(request.url)

    context.on("request", check_request)  # the context also sees requests from workers
    page.goto(url)
    wait_until_ready(page)
    return context, page, errors, outside


def base_path_probe(message) -> bool:
    """Streamlit's frontend, opened on /<page>, first looks for its server under /<page>/_stcore/…
    and falls back to /_stcore/…: those two 404s are its probe, not a fault of the app."""
    url = (message.location or {}).get("url", "")
    return "404" in message.text and url.endswith(("/_stcore/health", "/_stcore/host-config"))


def wait_until_ready(page, timeout: float = 60) -> None:
    """Ready when the script has stopped running and nothing is still loading."""
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout * 1000)
    page.wait_for_timeout(1500)  # let plotly and deck.gl finish drawing
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout * 1000)


def page_url(base: str, spec, query: dict) -> str:
    path = "" if spec.order == PAGES[0].order else spec.url
    return f"{base}/{path}?" + "&".join(f"{k}={v}" for k, v in query.items())


def test_cold_deep_link_opens_the_page(server, browser):
    """The first request after the server starts is a shared link to a page other than the default one
    (this test runs first in the module): it must go through app.py's filters, not fail."""
    spec = next(p for p in PAGES if p.url == "complaints")
    context, page, errors, outside = open_page(browser, page_url(server, spec, {"lang": "en", "region": "KZ-47"}))
    try:
        assert page.locator('[data-testid="stException"]').count() == 0
        assert "Mangystau" in page.locator("h1 + div, [data-testid='stCaptionContainer']").first.inner_text() or \
            "Mangystau" in page.inner_text("body")
        assert not errors and not outside
    finally:
        context.close()


@pytest.mark.parametrize("query,tag", VIEWS, ids=[f"{v[1]}-{v[0]['lang']}" for v in VIEWS])
@pytest.mark.parametrize("spec", PAGES, ids=[p.url for p in PAGES])
def test_page_in_browser(server, browser, spec, query, tag):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context, page, errors, outside = open_page(browser, page_url(server, spec, query))
    try:
        page.screenshot(path=str(ARTIFACTS / f"{spec.url}_{tag}_{query['lang']}.png"), full_page=True)
        assert page.locator('[data-testid="stException"]').count() == 0, "an exception box is shown"
        assert page.locator("h1").count() >= 1
        plots = page.locator(".js-plotly-plot")
        if plots.count():
            # Each plotly chart drew something: bars, lines or map areas.
            for i in range(plots.count()):
                drawn = plots.nth(i).locator(
                    "path.point, path.js-line, .choroplethlocation, .bars path, g.trace, .hm image")
                assert drawn.count() > 0, f"chart {i} is empty"
        assert not outside, f"requests left the machine: {outside[:5]}"
        assert not errors, f"console errors: {errors[:5]}"
        # The URL carries the filters, so the link reopens the same view.
        assert f"lang={query['lang']}" in page.url
        if "region" in query:
            assert f"region={query['region']}" in page.url
    finally:
        context.close()


def test_overview_map_is_drawn_and_clickable(server, browser):
    context, page, errors, outside = open_page(browser, page_url(server, PAGES[0], {"lang": "en"}))
    try:
        areas = page.locator(".choroplethlocation")
        assert areas.count() >= 20, "the 20 regions are drawn"
        # Plotly's background intercepts locator.click(): click the middle of Atyrau's path instead.
        index = sorted(ui_region_codes()).index("KZ-23")
        box = areas.nth(index).bounding_box()
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.wait_for_function("() => location.search.includes('region=KZ-23')", timeout=30000)
        wait_until_ready(page)
        page.screenshot(path=str(ARTIFACTS / "overview_after_click.png"), full_page=True)
        assert not outside and not errors
    finally:
        context.close()


@pytest.mark.parametrize("url", ["overview", "quality", "bottlenecks"])
def test_narrow_window(server, browser, url):
    """A phone-width window, long Kazakh names (Abai region): no error, nothing wider than the window."""
    spec = next(p for p in PAGES if p.url == url)
    context, page, errors, outside = open_page(browser, page_url(server, spec, {"lang": "kk", "region": "KZ-10"}),
                                               width=420, height=900)
    try:
        page.screenshot(path=str(ARTIFACTS / f"{url}_narrow_kk.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= 420, "the page scrolls sideways"
        assert page.locator('[data-testid="stException"]').count() == 0
        assert not errors and not outside
    finally:
        context.close()


@pytest.mark.parametrize("spec", PAGES, ids=[p.url for p in PAGES])
def test_page_on_empty_warehouse(empty_server, browser, spec):
    """No data loaded yet: every page says so plainly, without an error or a blank chart."""
    context, page, errors, outside = open_page(browser, page_url(empty_server, spec, {"lang": "en"}), height=1200)
    try:
        page.screenshot(path=str(ARTIFACTS / f"{spec.url}_empty_en.png"), full_page=True)
        assert page.locator('[data-testid="stException"]').count() == 0
        assert page.locator('[data-testid="stAlert"]').count() >= 1, "a message says what is missing"
        assert not errors and not outside
    finally:
        context.close()


def ui_region_codes() -> list[str]:
    import csv

    with open(ROOT / "data" / "reference" / "regions.csv", encoding="utf-8") as f:
        return [row["region_code"] for row in csv.DictReader(f)]
