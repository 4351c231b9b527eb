"""Access control: the users file and its CLI (argon2 hashes, validation), sign-in with throttling,
DIALOGUE_PUBLIC_READ=0, and the edit pages refusing what the role does not allow (AppTest)."""

from __future__ import annotations

import io
import json
import stat

import pytest
from streamlit.testing.v1 import AppTest

from dialogue import access, auth, cli
from tests.apps import PASSWORD, add, app, open_sign_in, sign_in, texts
from tests.conftest import ROOT


@pytest.fixture
def users_file(tmp_path, monkeypatch):
    path = tmp_path / "users.json"
    monkeypatch.setenv("DIALOGUE_USERS", str(path))
    return path





def users_cli(db_path, users_path, *argv, stdin=None, monkeypatch=None):
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return cli.main(["--db", str(db_path), "users", "--users", str(users_path), *argv])


# ---- the users file and the CLI ------------------------------------------------------------------------

def test_cli_creates_hashed_entries(small_copy, tmp_path, monkeypatch, capsys):
    users = tmp_path / "u.json"
    assert users_cli(small_copy, users, "add", "Aigerim", "--role", "akimat", "--region", "KZ-23",
                     "--password-stdin", stdin=PASSWORD + "\n", monkeypatch=monkeypatch) == 0
    assert users_cli(small_copy, users, "add", "opa", "--role", "operator", "--operator", "op_a",
                     "--password-stdin", stdin=PASSWORD + "\n", monkeypatch=monkeypatch) == 0
    text = users.read_text(encoding="utf-8")
    assert PASSWORD not in text and "$argon2id$" in text
    assert stat.S_IMODE(users.stat().st_mode) == 0o600
    entries = {e["username"]: e for e in json.loads(text)["users"]}
    assert entries["aigerim"]["role"] == "akimat" and entries["aigerim"]["region_code"] == "KZ-23"
    assert entries["opa"]["operator_code"] == "op_a"
    assert auth.authenticate("AIGERIM", PASSWORD, users) == auth.User("aigerim", "akimat", "KZ-23")
    capsys.readouterr()
    assert users_cli(small_copy, users, "list") == 0
    listing = capsys.readouterr().out
    assert "aigerim" in listing and "argon2" not in listing


@pytest.mark.parametrize("argv,message", [
    (["add", "xy", "--role", "boss"], "unknown role"),
    (["add", "xy", "--role", "akimat", "--region", "KZ-99"], "unknown region"),
    (["add", "xy", "--role", "akimat"], "needs --region"),
    (["add", "xy", "--role", "operator", "--operator", "op_zz"], "unknown operator"),
    (["add", "xy", "--role", "viewer", "--region", "KZ-23"], "only akimat"),
    (["add", "Bad Name!", "--role", "viewer"], "invalid username"),
])
def test_cli_rejects_bad_accounts(small_copy, tmp_path, monkeypatch, capsys, argv, message):
    users = tmp_path / "u.json"
    assert users_cli(small_copy, users, *argv, "--password-stdin", stdin=PASSWORD + "\n", monkeypatch=monkeypatch) == 1
    assert message in capsys.readouterr().err
    assert not users.exists()


def test_cli_rejects_short_passwords_and_duplicates(small_copy, tmp_path, monkeypatch, capsys):
    users = tmp_path / "u.json"
    assert users_cli(small_copy, users, "add", "vv", "--role", "viewer", "--password-stdin", stdin="short\n",
                     monkeypatch=monkeypatch) == 1
    assert "at least" in capsys.readouterr().err
    assert users_cli(small_copy, users, "add", "v1", "--role", "viewer", "--password-stdin", stdin=PASSWORD,
                     monkeypatch=monkeypatch) == 0
    assert users_cli(small_copy, users, "add", "V1", "--role", "viewer", "--password-stdin", stdin=PASSWORD,
                     monkeypatch=monkeypatch) == 1
    assert "already exists" in capsys.readouterr().err


def test_password_is_never_taken_from_the_command_line():
    with pytest.raises(SystemExit):
        cli.build_parser().parse_args(["users", "add", "x", "--role", "viewer", "--password", PASSWORD])


def test_cli_passwd_and_remove(small_copy, tmp_path, monkeypatch):
    users = tmp_path / "u.json"
    users_cli(small_copy, users, "add", "reg", "--role", "regulator", "--password-stdin", stdin=PASSWORD,
              monkeypatch=monkeypatch)
    assert users_cli(small_copy, users, "passwd", "reg", "--password-stdin", stdin="another long secret\n",
                     monkeypatch=monkeypatch) == 0
    assert auth.authenticate("reg", PASSWORD, users) is None
    assert auth.authenticate("reg", "another long secret", users).role == "regulator"
    assert users_cli(small_copy, users, "remove", "reg") == 0
    assert auth.authenticate("reg", "another long secret", users) is None
    assert users_cli(small_copy, users, "remove", "reg") == 1


def test_wrong_password_or_name_is_refused(users_file):
    add("ak", "akimat", region="KZ-23")
    assert auth.authenticate("ak", PASSWORD) == auth.User("ak", "akimat", "KZ-23")
    assert auth.authenticate("ak", PASSWORD + "x") is None
    assert auth.authenticate("ak", "") is None
    assert auth.authenticate("nobody", PASSWORD) is None
    add("sso", "ministry", email="Minister@Gov.KZ", password=None)   # organisation login only
    assert auth.authenticate("sso", "") is None and auth.authenticate("sso", PASSWORD) is None
    assert auth.user_for_email("minister@gov.kz") == auth.User("sso", "ministry")
    assert auth.user_for_email("someone@gov.kz") is None


def test_throttle_waits_longer_after_repeated_failures():
    t = auth.Throttle()
    for _ in range(auth.Throttle.FREE_TRIES):
        t.failed(now=100.0)
        assert t.wait_seconds(now=100.0) == 0
    t.failed(now=100.0)
    assert t.wait_seconds(now=100.0) == 2
    t.failed(now=102.0)
    assert t.wait_seconds(now=102.0) == 4
    for _ in range(20):
        t.failed(now=200.0)
    assert t.wait_seconds(now=200.0) == auth.Throttle.MAX_WAIT
    t.succeeded()
    assert t.wait_seconds(now=200.0) == 0


def test_public_read_setting(monkeypatch):
    monkeypatch.delenv("DIALOGUE_PUBLIC_READ", raising=False)
    assert auth.public_read()
    monkeypatch.setenv("DIALOGUE_PUBLIC_READ", "1")
    assert auth.public_read()
    monkeypatch.setenv("DIALOGUE_PUBLIC_READ", "0")
    assert not auth.public_read()


def test_permission_matrix():
    assert auth.can_edit_record(auth.User("a", "akimat", "KZ-23"), "KZ-23", "op_a")
    assert not auth.can_edit_record(auth.User("a", "akimat", "KZ-23"), "KZ-61", "op_a")
    assert not auth.can_edit_record(auth.User("a", "akimat", "KZ-23"), None)
    assert auth.can_edit_record(auth.User("o", "operator", operator_code="op_a"), "KZ-61", "op_a")
    assert not auth.can_edit_record(auth.User("o", "operator", operator_code="op_a"), "KZ-61", "op_b")
    for role in ("viewer", "atameken"):
        assert not auth.can_edit_record(auth.User("x", role), "KZ-23", "op_a")
    assert not auth.can_edit_record(None, "KZ-23", "op_a")
    for role in auth.ALL_DATA_ROLES:
        assert auth.can_edit_record(auth.User("x", role), "KZ-61", "op_b")


# ---- the app: sign-in, public read off, edit pages ---------------------------------------------------------

def test_public_read_off_asks_for_sign_in_first(small_db, users_file, monkeypatch):
    add("viewer1", "viewer")
    monkeypatch.setenv("DIALOGUE_PUBLIC_READ", "0")
    at = app(small_db, monkeypatch, lang="en")
    assert not at.exception
    assert [t.value for t in at.title] == ["Sign-in required"] and "signed-in users only" in texts(at.info)
    assert not at.metric, "no figure is shown before sign-in"
    assert "auth_name" in [w.key for w in at.text_input], "the sign-in form is open from the start"
    at = sign_in(at, "viewer1", "wrong password!")
    assert "Wrong user name or password." in texts(at.error)
    assert [t.value for t in at.title] == ["Sign-in required"]
    at = sign_in(at, "viewer1")
    assert not at.exception
    assert [t.value for t in at.title] == ["All of Kazakhstan: the four domains"] and at.metric   # the profile
    at.switch_page("views/actions.py").run()
    assert [t.value for t in at.title] == ["Action items"]


def test_public_dashboard_builds_the_sign_in_form_only_when_opened(small_db, users_file, monkeypatch):
    at = app(small_db, monkeypatch, lang="en")
    assert at.metric and not at.text_input, "figures shown, the form folded and not built"
    open_sign_in(at)
    assert [w.key for w in at.text_input] == ["auth_name", "auth_password"]
    assert at.metric, "opening it keeps the page"


def test_public_read_off_guards_every_page(small_db, users_file, monkeypatch):
    monkeypatch.setenv("DIALOGUE_PUBLIC_READ", "0")
    for page in ("views/bottleneck_edit.py", "views/actions.py"):
        at = app(small_db, monkeypatch, page, lang="ru")
        assert [t.value for t in at.title] == ["Требуется вход"], page
        assert not at.dataframe


def test_repeated_failures_are_throttled(small_db, users_file, monkeypatch):
    add("ak", "akimat", region="KZ-23")
    at = app(small_db, monkeypatch, lang="en")
    for _ in range(auth.Throttle.FREE_TRIES + 1):
        at = sign_in(at, "ak", "not the password")
    at = sign_in(at, "ak")   # right password, but too soon
    assert "Too many failed attempts" in texts(at.error)
    assert "_auth_username" not in at.session_state


# Through dialogue.access, as the app reads: DuckDB refuses a second configuration of a file this process has open.
def ids(db_path):
    with access.reading(db_path) as con:
        pick = "select bottleneck_id from bottleneck where region_code = ? and status <> 'resolved' order by 1 limit 1"
        return con.execute(pick, ["KZ-23"]).fetchone()[0], con.execute(pick, ["KZ-61"]).fetchone()[0]


def state(db_path, bid):
    with access.reading(db_path) as con:
        return (con.execute("select status, notes, version from bottleneck where bottleneck_id = ?", [bid]).fetchone(),
                con.execute("select count(*) from change_event").fetchone()[0])


def test_akimat_cannot_edit_another_regions_bottleneck_in_the_ui(small_copy, users_file, monkeypatch):
    add("ak23", "akimat", region="KZ-23")
    own, other = ids(small_copy)
    at = app(small_copy, monkeypatch, lang="en", region="KZ-23", bottleneck=other)
    at = sign_in(at, "ak23")
    at.switch_page("views/bottleneck_edit.py").run()
    assert not at.exception
    assert other in texts(at.subheader)
    assert "may not change this record" in texts(at.warning)
    assert not [b for b in at.button if b.key and b.key.endswith("_save")], "no edit form"
    before = state(small_copy, other)
    # A crafted request: the form's widget values set for the other region's record, then a rerun.
    version = before[0][2]
    at.session_state[f"be_{other}_{version}_status"] = "resolved"
    at.session_state[f"be_{other}_{version}_notes"] = "crafted"
    at.session_state[f"_seen_bottleneck_{other}"] = version
    at.run()
    assert not at.exception
    assert state(small_copy, other) == before
    # The same session may edit its own region's bottleneck.
    at.query_params["bottleneck"] = own
    at.run()
    assert [b for b in at.button if b.key and b.key.endswith("_save")]


def test_akimat_saves_its_own_bottleneck_with_history(small_copy, users_file, monkeypatch):
    add("ak23", "akimat", region="KZ-23")
    own, _ = ids(small_copy)
    (status, _, version), events_before = state(small_copy, own)
    at = app(small_copy, monkeypatch, "views/bottleneck_edit.py", lang="en", region="KZ-23", bottleneck=own)
    assert "Sign in (sidebar) to change this record." in texts(at.info)
    at = sign_in(at, "ak23")
    k = f"be_{own}_{version}"
    at.selectbox(key=f"{k}_status").set_value("escalated")
    at.text_area(key=f"{k}_notes").input("Asked the regional land committee")
    at.text_input(key=f"{k}_note").input("Council 10 Nov")
    at.button(key=f"{k}_save").click().run()
    assert not at.exception
    assert f"{own} saved." in texts(at.success)
    (new_status, notes, new_version), events_after = state(small_copy, own)
    assert (new_status, notes, new_version) == ("escalated", "Asked the regional land committee", version + 1)
    assert events_after == events_before + 2
    history = at.dataframe[-1].value
    assert list(history.iloc[0][["Field", "Before", "After", "Note"]]) in (
        ["Status", {"open": "Open", "in_progress": "In progress", "escalated": "Escalated"}[status], "Escalated",
         "Council 10 Nov"], ["Notes", "—", "Asked the regional land committee", "Council 10 Nov"])
    assert history.iloc[0]["Who"] == "ak23"


def test_a_stale_form_is_a_conflict_in_the_ui(small_copy, users_file, monkeypatch):
    add("ak23", "akimat", region="KZ-23")
    own, _ = ids(small_copy)
    (_, _, version), _ = state(small_copy, own)
    at = app(small_copy, monkeypatch, "views/bottleneck_edit.py", lang="en", region="KZ-23", bottleneck=own)
    at = sign_in(at, "ak23")
    k = f"be_{own}_{version}"
    at.text_area(key=f"{k}_notes").input("mine")
    # Meanwhile the regulator saves the same record (same process, same database, another connection).
    from dialogue import editing

    with access.writer(small_copy) as other:
        editing.update_bottleneck(other, auth.User("reg", "regulator"), own, version, {"notes": "theirs"})
    at.button(key=f"{k}_save").click().run()
    assert not at.exception
    assert "Someone else (reg) changed this record" in texts(at.warning)
    assert "Your edit was not saved" in texts(at.warning)
    assert state(small_copy, own)[0][1:] == ("theirs", version + 1)
    # The form reopened on the new version.
    assert at.text_area(key=f"be_{own}_{version + 1}_notes").value == "theirs"


def test_viewer_sees_no_edit_form_and_no_recording(small_db, users_file, monkeypatch):
    add("viewer2", "viewer")
    at = app(small_db, monkeypatch, lang="en")
    at = sign_in(at, "viewer2")
    at.switch_page("views/actions.py").run()
    assert not at.exception
    assert "may not change this action item" in texts(at.warning)
    assert not [b for b in at.button if b.key and (b.key.endswith("_save"))]


def test_crafted_region_cannot_record_for_another_region(small_copy, users_file, monkeypatch):
    add("ak23", "akimat", region="KZ-23")
    at = app(small_copy, monkeypatch, lang="en", region="KZ-23")
    at = sign_in(at, "ak23")
    at.switch_page("views/actions.py").run()
    assert at.selectbox(key="ac_new_region").options == ["Atyrau"]   # its own region only
    # Widget values are indexes into the options, so a client cannot name another region; the most a
    # crafted request can do is reach the write with the session's user, which refuses it.
    from dialogue import editing

    meeting = at.selectbox(key="ac_new_meeting").value
    with access.writer(small_copy) as con:
        with pytest.raises(auth.PermissionDenied):
            editing.create_action_item(con, auth.find_user("ak23"), meeting, "KZ-61", "quality", "Crafted", "akimat")
        assert con.execute("select count(*) from action_item where text = 'Crafted'").fetchone()[0] == 0
    # Its own region goes through the form.
    at.text_area(key="ac_new_text").input("Allocate plots for three masts")
    at.button(key="ac_new_save").click().run()
    assert not at.exception
    assert any("recorded" in s.value for s in at.success)
    with access.reading(small_copy) as con:
        assert con.execute("select region_code, updated_by from action_item where text = ?",
                           ["Allocate plots for three masts"]).fetchall() == [("KZ-23", "ak23")]


OIDC = {"redirect_uri": "http://127.0.0.1:8501/oauth2callback", "cookie_secret": "x" * 32, "client_id": "id",
        "client_secret": "secret", "server_metadata_url": "https://login.example.kz/.well-known/openid-configuration"}


def test_organisation_login_is_offered_only_when_configured(small_db, users_file, monkeypatch):
    at = open_sign_in(app(small_db, monkeypatch, lang="en"))
    assert "auth_name" in [w.key for w in at.text_input]
    assert "auth_oidc" not in [b.key for b in at.button]
    monkeypatch.setenv("DIALOGUE_DB", str(small_db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.secrets["auth"] = OIDC
    at.query_params["lang"] = "en"
    at.run()
    assert not at.exception
    assert "auth_oidc" not in [b.key for b in at.button], "the sign-in box is closed: nothing built in it"
    open_sign_in(at)
    assert "auth_oidc" in [b.key for b in at.button]


def test_organisation_identity_maps_to_a_role_through_the_users_file(small_copy, users_file, monkeypatch):
    add("reg1", "regulator", email="Reg.One@gov.kz", password=None)
    own, _ = ids(small_copy)
    monkeypatch.setenv("DIALOGUE_DB", str(small_copy))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.secrets["auth"] = OIDC
    at.user = {"is_logged_in": True, "email": "reg.one@gov.kz"}
    at.query_params.update({"lang": "en", "bottleneck": own})
    at.run()
    at.switch_page("views/bottleneck_edit.py").run()
    assert not at.exception
    assert "Signed in as reg1 (regulator)" in " ".join(c.value for c in at.sidebar.caption)
    assert [b for b in at.button if b.key and b.key.endswith("_save")], "the regulator gets the edit form"
    # An organisation account without an entry in the users file gets no role.
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.secrets["auth"] = OIDC
    at.user = {"is_logged_in": True, "email": "stranger@gov.kz"}
    at.query_params["lang"] = "en"
    at.run()
    assert "has no role in this dashboard yet" in texts(at.warning)


def test_edit_page_link_with_unknown_or_hostile_id(small_db, users_file, monkeypatch):
    at = app(small_db, monkeypatch, "views/bottleneck_edit.py", lang="en", bottleneck="B-99999")
    assert not at.exception and "There is no bottleneck with the id B-99999." in texts(at.warning)
    at = app(small_db, monkeypatch, "views/bottleneck_edit.py", lang="en",
             bottleneck="B-1'; drop table bottleneck;--<script>")
    assert not at.exception and not at.warning
    assert at.subheader, "a hostile id is ignored: the top of the list is shown instead"
