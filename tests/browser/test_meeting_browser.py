"""Layer 3: a meeting run end to end in Chromium, and the region profile on a 1920×1080 screen.

The meeting: the regulator creates the Council meeting, walks its agenda on the shared screen by keyboard
(arrows and PageDown/PageUp, as presentation clickers send), takes down three action items, closes the meeting,
downloads the minutes (DOCX and Markdown), creates next month's meeting and finds the open items on its agenda.
Screenshots land in tests/artifacts/."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from dialogue import auth, meetings, periods
from tests.conftest import ARTIFACTS
from tests.servers import open_page, start_server, wait_until_ready

SLIDES = len(meetings.AGENDA_ITEMS)   # the shared screen: one slide per agenda item

pytestmark = pytest.mark.browser
PASSWORD = "council-demo-pass-2026"
ITEMS = ("Operator A to publish the 4G plan for Zhylyoi district",
         "Akimat of Atyrau to allocate the land plots for six masts",
         "Ministry to propose deemed approval of mast permits after 60 days")
# Each item's owner, and what it is about besides the country: a bottleneck, a programme.
DETAILS = (("Operators", None, None), ("Akimat", "B-00441", None), ("Ministry", None, "4G in settlements"))


@pytest.fixture(scope="module")
def meeting_server(default_db, tmp_path_factory):
    """The app on a copy of the default demo warehouse, with a regulator's account."""
    folder = tmp_path_factory.mktemp("meeting_browser")
    path = folder / "warehouse.duckdb"
    path.write_bytes(default_db.read_bytes())
    users = folder / "users.json"
    auth.add_user("reg1", "regulator", PASSWORD, path=users)
    yield from start_server(path, DIALOGUE_USERS=str(users))


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def settle(page) -> None:
    page.wait_for_timeout(400)
    wait_until_ready(page)


def sign_in(page) -> None:
    page.locator('[data-testid="stSidebar"] [data-testid="stExpander"] summary').first.click()
    page.get_by_role("textbox", name="User name").fill("reg1")
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.locator('[data-testid="stFormSubmitButton"] button', has_text="Sign in").click()
    page.get_by_text("Signed in as").wait_for(timeout=30000)
    settle(page)


def choose(page, label: str, option: str) -> None:
    """Pick an option of a Streamlit select box by its label and the option's text."""
    # A rerun still finishing (after a download or a save) can close the list as it opens: open it again.
    for attempt in range(3):
        page.get_by_label(label).first.click()
        try:
            page.get_by_role("option", name=option).first.click(timeout=10000)
            return
        except PlaywrightTimeout:
            if attempt == 2:
                raise
            settle(page)


def create_meeting(page, day: date, period_label: str) -> None:
    page.locator('[data-testid="stExpander"] summary', has_text="New meeting").click()
    field = page.locator('[data-testid="stExpander"] [data-testid="stDateInput"] input').first
    field.fill(day.isoformat())
    field.press("Enter")
    choose(page, "Period reviewed", period_label)
    page.get_by_label("Attendees, one per line (name, organisation)").first.fill(
        "Ministry of Digital Development\nOperator A\nOperator B\nAtameken")
    page.locator('[data-testid="stFormSubmitButton"] button', has_text="Create the meeting").click()
    page.get_by_text("created.").wait_for(timeout=30000)
    settle(page)


def slide_title(page) -> str:
    return page.locator("h1").first.inner_text()


def test_a_meeting_end_to_end(meeting_server, browser):
    today = date.today()
    reviewed = periods.period_of(periods.add_months(today, -1), "month")
    context, page, errors, outside = open_page(browser, f"{meeting_server}/meeting?lang=en", width=1920, height=1080)
    try:
        sign_in(page)
        create_meeting(page, today, reviewed.label("en"))
        header = page.locator('[data-testid="stMarkdownContainer"]', has_text="reviews").first.inner_text()
        assert reviewed.label("en") in header and "open" in header
        shot(page, "meeting_created_en")

        # ---- the shared screen, walked by keyboard -------------------------------------------------
        page.get_by_role("link", name="Present on the shared screen").click()
        page.wait_for_function("() => location.pathname.endsWith('/present')", timeout=30000)
        settle(page)
        assert slide_title(page).startswith(f"1/{SLIDES}")
        assert page.locator('[data-testid="stSidebar"]').is_hidden()
        body = page.locator('[data-testid="stMain"] [data-testid="stMarkdownContainer"] p').first
        assert float(body.evaluate("e => getComputedStyle(e).fontSize").rstrip("px")) >= 28
        shot(page, "present_1_en")
        seen = [slide_title(page)]
        for key in [("ArrowRight", "PageDown")[i % 2] for i in range(SLIDES - 1)]:
            page.locator("body").press(key)
            page.wait_for_function(f"() => document.querySelector('h1').innerText.startsWith('{len(seen) + 1}/{SLIDES}')",
                                   timeout=30000)
            settle(page)
            seen.append(slide_title(page))
            shot(page, f"present_{len(seen)}_en")
            assert page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight") <= 1080 + 2, \
                f"slide {seen[-1]} scrolls"
        assert [t.split(" · ")[0] for t in seen] == [f"{i}/{SLIDES}" for i in range(1, SLIDES + 1)]
        assert f"slide={SLIDES}" in page.url
        for key, expected in (("PageUp", f"{SLIDES - 1}/{SLIDES}"), ("ArrowLeft", f"{SLIDES - 2}/{SLIDES}")):
            page.locator("body").press(key)
            page.wait_for_function(f"() => document.querySelector('h1').innerText.startsWith('{expected}')",
                                   timeout=30000)
        settle(page)
        assert not page.locator('[data-testid="stException"]').count()

        # ---- three action items taken down -----------------------------------------------------------
        page.get_by_role("link", name="Meeting record").click()
        page.wait_for_function("() => location.pathname.endsWith('/meeting')", timeout=30000)
        settle(page)
        for text, (owner, bottleneck, programme) in zip(ITEMS, DETAILS):
            page.get_by_role("textbox", name="Action item", exact=True).fill(text)
            choose(page, "Owner", owner)
            if bottleneck:
                page.get_by_role("textbox", name="Bottleneck (ID, optional)").fill(bottleneck)
            if programme:
                choose(page, "Programme", programme)
            page.locator('[data-testid="stFormSubmitButton"] button', has_text="Record the action item").click()
            page.get_by_text(re.compile(r"Action item A-\d+ recorded")).wait_for(timeout=30000)
            settle(page)
        page.get_by_role("tab", name="Decision").click()
        page.get_by_role("textbox", name="Decision", exact=True).fill("Mast permits: a 60-day deadline is proposed to the government")
        page.locator('[data-testid="stFormSubmitButton"] button', has_text="Record the decision").click()
        page.get_by_text(re.compile(r"Decision D-\d+ recorded")).wait_for(timeout=30000)
        settle(page)
        for text in ITEMS:
            assert page.get_by_text(text).count() >= 1
        # A refresh (a new session, signed out) still shows what was taken down: it is in the warehouse.
        page.reload()
        wait_until_ready(page)
        assert all(page.get_by_text(text).count() >= 1 for text in ITEMS)
        sign_in(page)

        # ---- closing freezes the record and gives the minutes ------------------------------------------
        page.get_by_role("button", name="Close the meeting").click()
        page.get_by_text("Meeting closed").wait_for(timeout=60000)
        settle(page)
        shot(page, "meeting_closed_en")
        with page.expect_download() as download:
            page.get_by_role("button", name="Minutes (Word)").click()
        path = download.value.path()
        from docx import Document

        text = "\n".join(p.text for p in Document(io.BytesIO(open(path, "rb").read())).paragraphs)
        tables = " ".join(c.text for t in Document(path).tables for r in t.rows for c in r.cells)
        assert "Minutes: Council of Operators" in text and "Operator A" in text
        assert all(item in tables for item in ITEMS)
        assert "B-00441" in tables and "4G in settlements" in tables and "Ministry" in tables
        with page.expect_download() as download:
            page.get_by_role("button", name="Minutes (Markdown)").click()
        markdown = open(download.value.path(), encoding="utf-8").read()
        assert "# Minutes: Council of Operators" in markdown and "## Decisions" in markdown
        assert all(item in markdown for item in ITEMS)
        (ARTIFACTS / "minutes_en.md").write_text(markdown, encoding="utf-8")

        # ---- next month's meeting finds the open items on its agenda ------------------------------------
        create_meeting(page, periods.add_months(today, 1) + timedelta(days=0), periods.Period(
            periods.add_months(reviewed.start, 1), "month").label("en"))
        shot(page, "meeting_next_en")
        heading = page.get_by_role("heading", name="Carried over")
        heading.wait_for(timeout=30000)
        carried = page.locator('[data-testid="stDataFrame"]').last
        carried.scroll_into_view_if_needed()
        page.wait_for_timeout(1000)
        for text in ITEMS:
            assert carried.get_by_text(text).count() >= 1, f"{text} not carried over"
        page.get_by_role("link", name="Present on the shared screen").click()
        page.wait_for_function("() => location.pathname.endsWith('/present')", timeout=30000)
        settle(page)
        for _ in range(meetings.AGENDA_ITEMS.index("actions_due")):
            page.locator("body").press("PageDown")
            page.wait_for_timeout(300)
            wait_until_ready(page)
        assert "Action items due" in slide_title(page)
        assert "Since the meeting of" in page.inner_text("body")
        shot(page, "present_carried_en")
        assert not errors, errors[:5]
        assert not outside, outside[:5]
    finally:
        context.close()


@pytest.mark.parametrize("lang,name", [("kk", "Атырау"), ("ru", "Атырауская"), ("en", "Atyrau")])
def test_region_link_opens_the_profile_on_one_screen(meeting_server, browser, lang, name):
    """`/?region=KZ-23` opens the profile of Atyrau; its headline row ends within a 1920×1080 screen."""
    context, page, errors, outside = open_page(browser, f"{meeting_server}/?region=KZ-23&lang={lang}",
                                               width=1920, height=1080)
    try:
        shot(page, f"profile_KZ-23_{lang}_1920")
        assert name in page.locator("h1").first.inner_text()
        row = page.locator('[data-testid="stHorizontalBlock"]', has=page.locator(".js-plotly-plot")).first
        box = row.bounding_box()
        assert box["y"] + box["height"] <= 1080, f"the headline row ends at {box['y'] + box['height']}px"
        assert page.locator('[data-testid="stPageLink"]').count() >= 4 or page.get_by_role("link").count() >= 4
        assert not page.locator('[data-testid="stException"]').count()
        assert not errors and not outside
    finally:
        context.close()
