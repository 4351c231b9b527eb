"""Layer 3: a real Chromium against `streamlit run`. Every page, three languages, with and without a
region: charts drawn, no exception box, no console error, no request leaving 127.0.0.1.
Screenshots land in tests/artifacts/ to be looked at. Chromium is required: no skip."""

from __future__ import annotations

import pytest

from tests.conftest import ARTIFACTS, ROOT
from tests.servers import PAGES, open_page, page_url, start_server, wait_until_ready

# The country in Russian and English, and three regions of different size, one per language: Astana (a
# city of 1.4 million), Atyrau (oil region, districts of every size, in Kazakh: the longest names) and
# Ulytau (the smallest, a few districts); Kazakh in a narrow window for Abai below.
VIEWS = [({"lang": "ru"}, "all"), ({"lang": "en"}, "all"),
         ({"lang": "ru", "region": "KZ-71"}, "KZ-71"), ({"lang": "kk", "region": "KZ-23"}, "KZ-23"),
         ({"lang": "en", "region": "KZ-62"}, "KZ-62")]

pytestmark = pytest.mark.browser


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


# Pages added after the suite reached its time budget are loaded once (at phone width, below) rather than in every
# view and on the empty warehouse: their AppTest runs cover the views and the empty warehouse.
ONCE = ("events",)
EVERY_VIEW = [p for p in PAGES if p.url not in ONCE]


class PagesInBrowser:
    """Every page in one view (a class per view, below: a parallel run gives each view its own worker)."""

    query: dict
    tag: str

    @pytest.mark.parametrize("spec", EVERY_VIEW, ids=[p.url for p in EVERY_VIEW])
    def test_page_in_browser(self, server, browser, spec):
        query, tag = self.query, self.tag
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
                    drawn.first.wait_for(state="attached", timeout=20000)  # a loaded machine draws late
                    assert drawn.count() > 0, f"chart {i} is empty"
            assert not outside, f"requests left the machine: {outside[:5]}"
            assert not errors, f"console errors: {errors[:5]}"
            # The URL carries the filters, so the link reopens the same view.
            assert f"lang={query['lang']}" in page.url
            if "region" in query:
                assert f"region={query['region']}" in page.url
        finally:
            context.close()


class TestCountryRu(PagesInBrowser):
    query, tag = VIEWS[0]


class TestCountryEn(PagesInBrowser):
    query, tag = VIEWS[1]


class TestAstanaRu(PagesInBrowser):
    query, tag = VIEWS[2]


class TestAtyrauKk(PagesInBrowser):
    query, tag = VIEWS[3]


class TestUlytauEn(PagesInBrowser):
    query, tag = VIEWS[4]


def test_overview_map_is_drawn_and_clickable(server, browser):
    overview = next(p for p in PAGES if p.url == "overview")
    context, page, errors, outside = open_page(browser, page_url(server, overview, {"lang": "en"}))
    try:
        areas = page.locator(".choroplethlocation")
        # The map is drawn once its boundaries have arrived: wait for them rather than count too early.
        page.wait_for_function("() => document.querySelectorAll('.choroplethlocation').length >= 20",
                               timeout=30000)
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


@pytest.mark.parametrize("url", ["overview", "quality", "bottlenecks", "profile", "meeting", *ONCE])
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


@pytest.mark.parametrize("spec", EVERY_VIEW, ids=[p.url for p in EVERY_VIEW])
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
