"""Shared by the browser and serving tests: the real app server on a loopback port, and Chromium pages that
record console errors and any request leaving 127.0.0.1."""

from __future__ import annotations

from urllib.parse import urlparse

from dialogue import serve, ui

PAGES = ui.page_specs()


def start_server(db_path, **extra_env):
    """The app on a free loopback port (extra_env: e.g. DIALOGUE_USERS); yields its base URL, stops it afterwards."""
    with serve.serving(db_path, **extra_env) as (base, _):
        yield base


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
