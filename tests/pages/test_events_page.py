"""The Events page in AppTest: a signed-in regulator enters an event through the form (saved with its history)
and reads the chosen event's report; an akimat reads the register without a form; the demo's events are listed."""

from __future__ import annotations

import duckdb
from streamlit.testing.v1 import AppTest

from dialogue import auth
from tests.conftest import ROOT


def open_events(db_path, users, monkeypatch, username=None, **query):
    monkeypatch.setenv("DIALOGUE_DB", str(db_path))
    monkeypatch.setenv("DIALOGUE_USERS", str(users))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params.update({"lang": "en", "period": "2026", **query})
    if username:
        at.session_state["_auth_username"] = username
    at.run()
    at.switch_page("views/events.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_regulator_enters_an_event_and_an_akimat_reads(small_copy, tmp_path, monkeypatch):
    users = tmp_path / "users.json"
    auth.add_user("reg.one", "regulator", "a long enough password", path=users)
    auth.add_user("akimat.astana", "akimat", "a long enough password", region_code="KZ-71", known_regions=("KZ-71",),
                  path=users)
    at = open_events(small_copy, users, monkeypatch, "reg.one", region="KZ-71")
    assert at.selectbox(key="ev_pick").options, "the demo's held events can be reported on"
    assert any("four previous same weekdays" in c.value for c in at.caption), "the chosen event's report is shown"
    at.text_input(key="ev_new_name").input("Концерт у Байтерека")
    at.selectbox(key="ev_new_kind").select("concert")
    at.selectbox(key="ev_new_district").select("711210000")
    at.text_input(key="ev_new_source").input("Akimat of Astana")
    at.button(key="ev_new_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("entered" in s.value for s in at.success), [s.value for s in at.error]
    con = duckdb.connect(str(small_copy), read_only=True)
    try:
        row = con.execute("""select event_id, district_kato, region_code, entered_by, status from mass_event
                             where name = 'Концерт у Байтерека'""").fetchone()
        assert row[1:] == ("711210000", "KZ-71", "reg.one", "active")
        assert con.execute("select count(*) from change_event where entity = 'mass_event' and entity_id = ?",
                           [str(row[0])]).fetchone()[0] >= 6
    finally:
        con.close()
    reader = open_events(small_copy, users, monkeypatch, "akimat.astana", region="KZ-71")
    assert not [b for b in reader.button if b.key == "ev_new_save"]
    assert any("reads them" in i.value for i in reader.info)
