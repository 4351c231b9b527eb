"""Shared by the browser and serving tests: a real `streamlit run` on a loopback port, and Chromium
pages that record console errors and any request leaving 127.0.0.1."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from urllib.parse import urlparse

from dialogue import ui
from tests.conftest import ROOT

PAGES = ui.page_specs()

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


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
