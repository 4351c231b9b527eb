"""Layer 2: the region profile, the comparison, the meeting and shared-screen pages in AppTest: with and without a
region, with a meeting, signed in as the one who runs it or not, and on an empty warehouse."""

from __future__ import annotations

from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from dialogue import access, auth, meetings
from tests.conftest import ROOT

SLIDES = len(meetings.AGENDA_ITEMS)   # a meeting's screens: one per agenda item

REGULATOR = auth.User("reg1", "regulator", None, None)


def app(db_path, monkeypatch, page: str | None = None, session: dict | None = None, **query) -> AppTest:
    monkeypatch.setenv("DIALOGUE_DB", str(db_path))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params.update(query)
    for key, value in (session or {}).items():
        at.session_state[key] = value
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture
def with_meeting(small_copy, tmp_path, monkeypatch):
    """A small warehouse with an open Council meeting, and a users file with its organiser."""
    with access.writer(small_copy) as con:
        meeting_id = meetings.create(con, REGULATOR, "council", None, date(2026, 11, 14), "2026-10", "ru", "Совет",
                                     "Министерство\nOperator A")
        meetings.record_action_item(con, REGULATOR, meeting_id, "Опубликовать план 4G", "operator", date(2026, 12, 1))
    users = tmp_path / "users.json"
    auth.add_user("reg1", "regulator", "a long enough secret", path=users)
    monkeypatch.setenv("DIALOGUE_USERS", str(users))
    return small_copy, meeting_id


@pytest.mark.parametrize("query,title", [({"region": "KZ-23", "lang": "kk"}, "Атырау"),
                                         ({"region": "KZ-23", "lang": "ru"}, "Атырауская"),
                                         ({"region": "KZ-23", "lang": "en"}, "Atyrau"),
                                         ({"lang": "en"}, "All of Kazakhstan")])
def test_the_region_link_opens_its_profile(small_db, monkeypatch, query, title):
    at = app(small_db, monkeypatch, **query)
    assert title in at.title[0].value
    assert len(at.metric) >= 6 and at.table, "the four domains' figures and lists"


def test_compare_two_periods(small_db, monkeypatch):
    at = app(small_db, monkeypatch, "views/compare.py", lang="en", region="KZ-23")
    at.segmented_control(key="cmp_mode").set_value("periods").run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("September 2026" in m.value for m in at.markdown)


def test_meeting_page_for_a_reader_shows_the_register_without_forms(with_meeting, monkeypatch):
    path, meeting_id = with_meeting
    at = app(path, monkeypatch, "views/meeting.py", lang="ru", meeting=meeting_id)
    assert at.session_state["mt_pick"] == meeting_id
    assert not [w.key for w in [*at.text_area, *at.button] if (w.key or "").startswith("mt_")], \
        "no meeting form without sign-in"
    assert any("Опубликовать план 4G" in str(df.value) for df in at.dataframe)


def test_meeting_page_for_its_organiser(with_meeting, monkeypatch):
    path, meeting_id = with_meeting
    at = app(path, monkeypatch, "views/meeting.py", session={"_auth_username": "reg1"}, lang="en", meeting=meeting_id)
    assert at.button(key="mt_close") and at.button(key="mt_down_national")
    at.button(key="mt_down_national").click().run()                     # reorder the agenda
    assert not at.exception, [e.value for e in at.exception]
    at.text_area(key="mt_dec_text").input("Deemed approval after 60 days")
    at.button(key="mt_dec_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    at.button(key="mt_close").click().run()
    assert not at.exception, [e.value for e in at.exception]
    with access.reading(path) as con:       # as the app reads: its process holds the file read-only
        row = meetings.get(con, meeting_id)
    assert row["agenda"][:2] == ["below_threshold", "national"] and row["status"] == "closed"
    assert meetings.snapshot_of(row)["decisions"] == ["Deemed approval after 60 days"]


def test_shared_screen_walks_the_agenda(with_meeting, monkeypatch):
    path, meeting_id = with_meeting
    at = app(path, monkeypatch, "views/present.py", lang="en", meeting=meeting_id, slide="6")
    assert at.title[0].value.startswith(f"6/{SLIDES}")
    at.button(key="slide_next").click().run()
    assert at.title[0].value.startswith(f"7/{SLIDES}") and at.query_params["slide"] in ("7", ["7"])
    at.button(key="slide_prev_page").click().run()
    assert at.title[0].value.startswith(f"6/{SLIDES}")


@pytest.mark.parametrize("page", ["views/profile.py", "views/compare.py", "views/meeting.py", "views/present.py"])
def test_new_pages_on_an_empty_warehouse(empty_db, monkeypatch, page):
    at = app(empty_db, monkeypatch, None if page == "views/profile.py" else page, lang="kk")
    assert at.info, "an empty warehouse gets a clear message"


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_landing_page_says_what_it_is_for_and_opens_three_doors(small_db, monkeypatch, lang):
    from dialogue import i18n

    at = app(small_db, monkeypatch, lang=lang, period="2026-10")
    intro = i18n.t("profile.intro", lang, app=i18n.t("common.app_title", lang))
    assert any(intro[:60] in m.value for m in at.caption) and "{app}" not in intro
    links = [link.proto for link in at.get("page_link")]

    def door(key: str, **values):
        return next(link for link in links if link.label == i18n.t(key, lang, **values))

    shared = door("profile.door_meeting", date=i18n.fmt_date(date(2026, 12, 8), lang))
    # The next Council, on the shared screen, with the filters kept.
    assert shared.page == "present" and "meeting=M-2026-12" in shared.query_string
    assert "period=2026-10" in shared.query_string and f"lang={lang}" in shared.query_string
    assert door("profile.door_pack").page == "packs" and "period=2026-10" in door("profile.door_pack").query_string
    prefix = i18n.t("profile.door_region", lang, region="")
    region = next(link for link in links if link.label.startswith(prefix))
    assert region.page == ""   # the profile is the default page, at /
    assert "region=KZ-23" in region.query_string and "period=2026-10" in region.query_string


def test_the_shared_screen_opens_the_next_meeting_by_itself(small_db, monkeypatch):
    at = app(small_db, monkeypatch, "views/present.py", lang="ru")
    assert at.title[0].value.startswith(f"1/{SLIDES}"), at.title[0].value
    assert at.query_params["meeting"] in ("M-2026-12", ["M-2026-12"])


def test_a_closed_meeting_shows_its_whole_record_and_its_minutes(small_db, monkeypatch):
    at = app(small_db, monkeypatch, "views/meeting.py", lang="ru", meeting="M-2026-11")
    shown = " ".join(m.value for m in at.markdown)
    assert "Министерство цифрового развития" in shown and "1. " in shown   # attendees, agenda
    registers = " ".join(" ".join(map(str, df.value.to_numpy().ravel())) for df in at.dataframe)
    assert "Принять к сведению" in registers and "12 заявкам" in registers   # a decision, the item carried over
    assert len(at.get("download_button")) >= 2, "the minutes, as Word and Markdown"
    from dialogue import minutes

    with access.reading(small_db) as con:
        row = meetings.get(con, "M-2026-11")
    text = minutes.markdown(row, meetings.snapshot_of(row), lambda code, short=False: code or "")
    assert "Принять к сведению" in text and "12 заявкам" in text and "Министерство цифрового развития" in text

