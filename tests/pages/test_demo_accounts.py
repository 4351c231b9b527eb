"""Demo accounts: on a warehouse holding nothing but demo data the sign-in box offers one account per role, without a
password and marked as demo; a demo account's own writes stay demo data; after one real load no demo account signs
in (through the box or a crafted call), a signed-in one loses its rights, and `demo` still refuses the warehouse.
The users file is never touched."""

from __future__ import annotations

import time

import pytest

from dialogue import access, auth, backup, meetings, ui
from tests.apps import add, app, open_sign_in, texts
from tests.ops.test_backup import real_load
from tests.ops.warehouse_checks import cli, read_fingerprint

ROLES = ("regulator", "akimat", "operator", "atameken")


@pytest.fixture
def users_file(tmp_path, monkeypatch):
    """A real users file with one account: its bytes are compared before and after."""
    path = tmp_path / "users.json"
    monkeypatch.setenv("DIALOGUE_USERS", str(path))
    add("reg1", "regulator")
    return path


def keys(at) -> set[str]:
    return {b.key for b in at.button if b.key}


def demo_buttons(at) -> list[str]:
    return [b.key for b in at.button if (b.key or "").startswith("auth_demo_")]


def test_the_demo_accounts_are_offered_on_demo_data_only(small_copy, empty_db):
    with access.reading(small_copy) as con:
        users = {key: auth.demo_user(key, con) for key in ROLES}
        assert auth.demo_user("admin", con) is None and auth.demo_user("", con) is None
    assert {k: (u.role, u.region_code, u.operator_code, u.demo) for k, u in users.items()} == {
        "regulator": ("regulator", None, None, True), "akimat": ("akimat", "KZ-61", None, True),
        "operator": ("operator", None, "op_a", True), "atameken": ("atameken", None, None, True)}
    # A warehouse without demo data (here: an empty one, which `demo` may rebuild) offers none.
    with access.reading(empty_db) as con:
        assert all(auth.demo_user(key, con) is None for key in ROLES)


def test_no_real_account_can_take_a_demo_name(users_file):
    with pytest.raises(ValueError, match="demo"):
        add("demo-regulator", "regulator")
    assert auth.authenticate("demo-regulator", "") is None


def test_each_demo_role_signs_in_from_the_box_and_is_marked(small_copy, users_file, monkeypatch):
    before = users_file.read_bytes()
    for key in ROLES:
        at = open_sign_in(app(small_copy, monkeypatch, lang="ru"))
        assert demo_buttons(at) == [f"auth_demo_{k}" for k in ROLES]
        at.button(key=f"auth_demo_{key}").click().run()
        assert not at.exception, [e.value for e in at.exception]
        shown = texts(at.sidebar.caption)
        assert "Демо-учётная запись" in shown, shown
        assert at.session_state["_auth_demo"] == key and "_auth_username" not in at.session_state
    assert users_file.read_bytes() == before, "demo accounts are never written to the users file"


def test_a_demo_write_stays_demo_data_and_a_real_one_does_not(small_copy, users_file, monkeypatch):
    at = app(small_copy, monkeypatch, "views/meeting.py", lang="en", meeting="M-2026-12")
    at.session_state["_auth_demo"] = "regulator"
    at.run()
    at.text_area(key="mt_dec_text").input("Deemed approval after 60 days")
    at.button(key="mt_dec_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    with access.reading(small_copy) as con:
        assert "Deemed approval after 60 days" in [d for d, in con.execute(
            "select text from meeting_decision where meeting_id = 'M-2026-12'").fetchall()]
    access.release(small_copy)
    held = backup.contents(small_copy)
    assert held.demo_data_only and held.writes_since_demo == 0, held.describe()
    # The same write by a real account makes the warehouse real: the demo accounts are gone.
    with access.writer(small_copy) as con:
        meetings.record_decision(con, auth.find_user("reg1"), "M-2026-12", "Typed by a real account")
    access.release(small_copy)
    assert not backup.contents(small_copy).demo_data_only
    with access.reading(small_copy) as con:
        assert auth.demo_user("regulator", con) is None


def test_after_one_real_load_no_demo_account_signs_in(small_copy, users_file, tmp_path, monkeypatch):
    before_users = users_file.read_bytes()
    at = app(small_copy, monkeypatch, "views/meeting.py", lang="en", meeting="M-2026-12")
    at.session_state["_auth_demo"] = "regulator"
    at.run()
    assert "mt_dec_save" in keys(at), "the demo regulator runs the next Council"

    real_load(small_copy, tmp_path)
    access.release(small_copy)
    # A crafted call to the auth function, for every role.
    with access.reading(small_copy) as con:
        assert [auth.demo_user(key, con) for key in ROLES] == [None] * 4
    # The signed-in session loses its rights on its next run once the app has read the new data version (it
    # reads it once per VERSION_SECONDS; every write re-checks at once, see the test below).
    time.sleep(ui.VERSION_SECONDS + 0.5)
    at.session_state["_auth_demo"] = "regulator"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert "mt_dec_save" not in keys(at) and "_auth_demo" not in at.session_state
    # The box no longer offers them, and a crafted click on one is refused.
    fresh = open_sign_in(app(small_copy, monkeypatch, lang="en"))
    assert demo_buttons(fresh) == []
    fresh.session_state["_auth_demo"] = "akimat"
    fresh.run()
    assert not texts(fresh.sidebar.caption).count("Demo account") and "_auth_demo" not in fresh.session_state
    # `demo` still refuses the warehouse, and changes nothing.
    fingerprint = read_fingerprint(small_copy)
    refused = cli("demo", "--scale", "small", db_path=small_copy)
    assert refused.returncode == 1 and "1 real load(s)" in refused.stderr
    assert read_fingerprint(small_copy) == fingerprint
    assert users_file.read_bytes() == before_users


def test_a_demo_write_after_a_real_load_in_another_process_is_refused(small_copy, users_file, tmp_path,
                                                                     monkeypatch):
    at = app(small_copy, monkeypatch, "views/meeting.py", lang="en", meeting="M-2026-12")
    at.session_state["_auth_demo"] = "regulator"
    at.run()
    at.text_area(key="mt_dec_text").input("Written after the real load")
    real_load(small_copy, tmp_path)   # between the form's drawing and its submission
    # The page may still take the session for a demo account (it reads the data version once per two
    # seconds): the write itself checks the warehouse on the writer's connection.
    monkeypatch.setattr("dialogue.ui.demo_accounts_offered", lambda: True)
    at.button(key="mt_dec_save").click().run()
    with access.reading(small_copy) as con:
        texts_now = [d for d, in con.execute("select text from meeting_decision").fetchall()]
    assert "Written after the real load" not in texts_now
    assert "may not" in texts([*at.error, *at.warning]), texts([*at.error, *at.warning, *at.info])
