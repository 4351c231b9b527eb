"""Layer 3: the first hour in Chromium, on a fresh demo warehouse. The shared screen presents the next Council with no
other step; a closed Council shows its whole record and gives its minutes; each demo role signs in from the sidebar
without a password, does one thing it may do and is refused one it may not; after one real load (Atameken's survey
file, through the Data page) no demo account is offered or kept. Screenshots land in tests/artifacts/."""

from __future__ import annotations

import pytest

from dialogue import auth, backup, meetings
from tests.conftest import ARTIFACTS
from tests.servers import open_page, start_server, wait_until_ready

SLIDES = len(meetings.AGENDA_ITEMS)   # the next Council's screens: one per agenda item

pytestmark = pytest.mark.browser
TRY = {"regulator": "Regulator (demo)", "akimat": "Akimat of Turkistan region (demo)",
       "operator": "Operator A (demo)", "atameken": "Atameken (demo)"}
# Bottlenecks of the small demo: Turkistan's (Operator A's), and one of Operator B elsewhere.
OWN_AKIMAT, OWN_OPERATOR, OTHERS = "B-00441", "B-00864", "B-00861"
VILLAGE = "231035100"
SURVEY = ("response_id,period,kato,firm_size,sector,connection,download_mbps,satisfaction,barriers\n"
          f"REAL-1,2026-10,{VILLAGE},micro,retail,mobile,12,4,cost;speed\n")


@pytest.fixture(scope="module")
def demo_server(small_db, tmp_path_factory):
    """The app on a fresh copy of the small demo warehouse, and a users file with a real account."""
    folder = tmp_path_factory.mktemp("first_hour")
    path = folder / "warehouse.duckdb"
    path.write_bytes(small_db.read_bytes())
    users = folder / "users.json"
    auth.add_user("reg1", "regulator", "a long enough secret", path=users)
    for base in start_server(path, DIALOGUE_USERS=str(users)):
        yield base, path, users


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def settle(page) -> None:
    page.wait_for_timeout(400)
    wait_until_ready(page)


def open_box(page) -> None:
    page.locator('[data-testid="stSidebar"] [data-testid="stExpander"] summary').first.click()
    settle(page)


def try_role(page, role: str) -> None:
    open_box(page)
    page.get_by_role("button", name=TRY[role]).click()
    page.get_by_text("Demo account:").first.wait_for(timeout=30000)
    settle(page)


def test_the_shared_screen_presents_the_next_council_by_itself(demo_server, browser):
    base, _, _ = demo_server
    context, page, errors, outside = open_page(browser, f"{base}/present?lang=ru", width=1920, height=1080)
    try:
        title = page.locator("h1").first.inner_text()
        assert title.startswith(f"1/{SLIDES}"), title
        assert "meeting=M-2026-12" in page.url and "8 дек. 2026" in page.inner_text("body")
        shot(page, "first_hour_present_ru")
        page.locator("body").press("PageDown")
        page.wait_for_function(f"() => document.querySelector('h1').innerText.startsWith('2/{SLIDES}')",
                              timeout=30000)
        settle(page)
        # The regions below the threshold: every region on the horizontal bars is named (up to all 20).
        plot = page.locator('[data-testid="stPlotlyChart"] .js-plotly-plot').first
        plot.wait_for(timeout=30000)
        categories = plot.evaluate(
            "g => [...new Set(g._fullData.filter(t => t.type === 'bar').flatMap(t => Array.from(t.y)))]")
        ticks = plot.locator(".yaxislayer-above .ytick text").all_text_contents()   # SVG text
        assert len(categories) >= 10 and sorted(ticks) == sorted(categories), (len(categories), ticks)
        shot(page, "first_hour_present_2_ru")
        assert not page.locator('[data-testid="stException"]').count()
        assert not errors and not outside, (errors[:3], outside[:3])
    finally:
        context.close()


def test_a_closed_council_shows_its_record_and_gives_its_minutes(demo_server, browser):
    base, _, _ = demo_server
    context, page, errors, _ = open_page(browser, f"{base}/meeting?lang=ru&meeting=M-2026-11", width=1920,
                                         height=1080)
    try:
        body = page.inner_text("body")
        assert "Министерство цифрового развития" in body and "закрыто" in body   # attendees, status
        assert "Принято 2 решения" in body or "Принято 3 решения" in body    # decisions (their table)
        assert "Самые старые препятствия" in body and "просрочено: 1" in body   # agenda; the item carried over
        with page.expect_download() as download:
            page.get_by_role("button", name="Протокол (Markdown)").click()
        minutes = open(download.value.path(), encoding="utf-8").read()
        assert "Совет операторов связи" in minutes and "12 заявкам" in minutes and "Принять к сведению" in minutes
        shot(page, "first_hour_closed_meeting_ru")
        assert not errors, errors[:3]
    finally:
        context.close()


def test_each_demo_role_does_what_it_may_and_not_what_it_may_not(demo_server, browser):
    base, path, users = demo_server
    before_users = users.read_bytes()

    # ---- the regulator takes down a decision at the next Council; a closed one takes nothing ------------------
    context, page, errors, _ = open_page(browser, f"{base}/meeting?lang=en&meeting=M-2026-12", width=1920,
                                         height=1080)
    try_role(page, "regulator")
    assert "Demo account: Regulator" in page.inner_text('[data-testid="stSidebar"]')
    page.get_by_role("tab", name="Decision").click()
    page.get_by_role("textbox", name="Decision", exact=True).fill("Demo: mast permits within 30 days")
    page.locator('[data-testid="stFormSubmitButton"] button', has_text="Record the decision").click()
    page.get_by_text("recorded").first.wait_for(timeout=30000)
    settle(page)
    shot(page, "first_hour_demo_regulator_en")
    page.goto(f"{base}/meeting?lang=en&meeting=M-2026-11")
    wait_until_ready(page)
    # A new session (the page was loaded again): sign in afresh, then the closed Council offers no form.
    try_role(page, "regulator")
    assert page.get_by_role("button", name="Close the meeting").count() == 0
    assert page.get_by_role("button", name="Record the decision").count() == 0
    assert not errors, errors[:3]
    context.close()
    assert backup.contents(path).demo_data_only, "a demo account's write stays demo data"

    # ---- the akimat edits its own region's bottleneck and is refused another's ---------------------------------
    for role, own in (("akimat", OWN_AKIMAT), ("operator", OWN_OPERATOR)):
        context, page, errors, _ = open_page(browser, f"{base}/bottleneck-edit?lang=en&bottleneck={own}",
                                             width=1920, height=1080)
        try_role(page, role)
        page.get_by_role("textbox", name="Notes").fill(f"Demo {role}: site visit planned")
        page.get_by_role("button", name="Save").click()
        page.get_by_text(f"{own} saved.").wait_for(timeout=30000)
        settle(page)
        shot(page, f"first_hour_demo_{role}_en")
        page.goto(f"{base}/bottleneck-edit?lang=en&bottleneck={OTHERS}")
        wait_until_ready(page)
        try_role(page, role)
        assert page.get_by_text("may not change this record").count() >= 1
        assert page.get_by_role("button", name="Save").count() == 0
        assert not errors, errors[:3]
        context.close()
    assert backup.contents(path).demo_data_only

    # ---- Atameken is refused a bottleneck, then loads its survey: a real load, and the demo accounts are gone ----
    context, page, errors, _ = open_page(browser, f"{base}/bottleneck-edit?lang=en&bottleneck={OWN_AKIMAT}",
                                         width=1920, height=1080)
    try_role(page, "atameken")
    assert page.get_by_text("may not change this record").count() >= 1
    page.goto(f"{base}/data?lang=en")
    wait_until_ready(page)
    try_role(page, "atameken")
    survey = ARTIFACTS.parent / "artifacts" / "first_hour_survey.csv"
    survey.parent.mkdir(parents=True, exist_ok=True)
    survey.write_text(SURVEY, encoding="utf-8")
    page.get_by_role("tab", name="Upload a file").click()
    settle(page)
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(survey))
    load = page.get_by_role("button", name="Load 1 row")
    try:
        load.wait_for(timeout=60000)
    except Exception:
        shot(page, "first_hour_upload_failed")
        raise
    load.click()
    page.get_by_text("first_hour_survey.csv:").first.wait_for(timeout=60000)
    settle(page)
    shot(page, "first_hour_demo_atameken_en")
    assert backup.contents(path).real_loads and not backup.contents(path).demo_data_only
    # The signed-in session loses its demo account on its next click; the box offers none any more.
    page.wait_for_timeout(2500)   # the data version is read once per two seconds
    page.goto(f"{base}/?lang=en")
    wait_until_ready(page)
    open_box(page)
    assert page.get_by_text("Demo account:").count() == 0
    assert all(page.get_by_role("button", name=label).count() == 0 for label in TRY.values())
    assert page.get_by_role("textbox", name="User name").count() == 1, "the ordinary sign-in form stays"
    shot(page, "first_hour_after_real_load_en")
    assert not errors, errors[:3]
    context.close()
    assert users.read_bytes() == before_users, "demo accounts are never written to the users file"
