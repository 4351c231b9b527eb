"""Layer 3 for the speed tiles: the quality page of one region (Atyrau) in Chromium shows the Ookla tiles
as a source of their own, beside the crowd, operator and regulator tests, on its chart and its map, in
Kazakh, Russian and English, and in a phone-width window. Screenshots land in tests/artifacts/."""

from __future__ import annotations

import pytest

from dialogue import i18n
from tests.conftest import ARTIFACTS
from tests.servers import PAGES, open_page, page_url, start_server

pytestmark = pytest.mark.browser
REGION = "KZ-23"
PERIOD = "2026-Q3"   # a quarter: enough crowd tests in the small demo to show beside the tiles
QUALITY = next(p for p in PAGES if p.url == "quality")
ATYRAU = {"kk": "Атырау", "ru": "Атырау", "en": "Atyrau"}


@pytest.fixture(scope="module")
def tiles_server(small_db, tmp_path_factory):
    """The app on a copy of the small demo warehouse (its tiles: a few hundred a quarter)."""
    path = tmp_path_factory.mktemp("browser_tiles") / "warehouse.duckdb"
    path.write_bytes(small_db.read_bytes())
    yield from start_server(path)


def drawn(page, key: str, selector: str) -> int:
    return page.locator(f".st-key-{key} .js-plotly-plot").locator(selector).count()


def open_tiles_tab(page, lang: str):
    """The tiles sit in the page's last tab, built when it is chosen: choose it, wait for its heading."""
    page.get_by_role("tab", name=i18n.t("quality.tab_tiles", lang)).click()
    title = page.get_by_role("heading", name=i18n.t("quality.tiles_title", lang))
    title.wait_for(timeout=60000)
    page.locator(".st-key-quality_tiles_map .choroplethlocation").first.wait_for(timeout=60000)
    return title


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_quality_page_shows_the_tiles_source_for_a_region(tiles_server, browser, lang):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context, page, errors, outside = open_page(browser, page_url(tiles_server, QUALITY, {"lang": lang, "region": REGION,
                                                                                          "period": PERIOD}))
    try:
        title = open_tiles_tab(page, lang)
        title.scroll_into_view_if_needed()
        page.wait_for_timeout(1000)
        assert title.count() == 1
        # The summary names the region and the tiles' figures; the chart's legend the sources side by side.
        summary = page.locator("p", has_text="Ookla").filter(has_text=ATYRAU[lang]).first.inner_text()
        assert "Mbit/s" in summary or "Мбит/с" in summary
        legend = page.locator(".st-key-quality_tiles_chart .legendtext").all_text_contents()
        assert i18n.t("quality.tiles_tile_download_mbps", lang) in legend
        assert i18n.t("quality.tiles_crowd_median_download_mbps", lang) in legend
        assert drawn(page, "quality_tiles_chart", ".bars path") > 0, "the chart by source is drawn"
        assert drawn(page, "quality_tiles_map", ".choroplethlocation") > 0, "the tiles map is drawn"
        page.screenshot(path=str(ARTIFACTS / f"quality_tiles_{REGION}_{lang}.png"), full_page=True)
        section = page.locator(".st-key-quality_tiles_chart")
        section.screenshot(path=str(ARTIFACTS / f"quality_tiles_chart_{REGION}_{lang}.png"))
        assert page.locator('[data-testid="stException"]').count() == 0
        assert not errors, errors[:5]
        assert not outside, outside[:5]
    finally:
        context.close()


def test_tiles_source_in_a_narrow_window(tiles_server, browser):
    context, page, errors, outside = open_page(browser, page_url(tiles_server, QUALITY, {"lang": "kk", "region": REGION,
                                                                                          "period": PERIOD}),
                                               width=420, height=900)
    try:
        title = open_tiles_tab(page, "kk")
        title.scroll_into_view_if_needed()
        page.wait_for_timeout(1000)
        page.screenshot(path=str(ARTIFACTS / "quality_tiles_narrow_kk.png"), full_page=True)
        assert drawn(page, "quality_tiles_map", ".choroplethlocation") > 0
        assert page.evaluate("document.documentElement.scrollWidth") <= 420, "the page scrolls sideways"
        assert page.locator('[data-testid="stException"]').count() == 0
        assert not errors and not outside
    finally:
        context.close()
