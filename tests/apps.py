"""Shared by the page tests: the app in AppTest on a given warehouse, users and signing in."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from dialogue import auth
from tests.conftest import ROOT

PASSWORD = "a long enough secret"


def add(name, role, region=None, operator=None, email=None, password=PASSWORD):
    return auth.add_user(name, role, password, region_code=region, operator_code=operator, oidc_email=email,
                         known_regions=["KZ-23", "KZ-61"], known_operators=["op_a", "op_b"])


def app(db_path, monkeypatch, page=None, **query):
    monkeypatch.setenv("DIALOGUE_DB", str(db_path))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params.update(query)
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    return at


def sign_in(at, name, password=PASSWORD):
    if "auth_name" not in [w.key for w in at.text_input]:
        open_sign_in(at)
    at.text_input(key="auth_name").input(name)
    at.text_input(key="auth_password").input(password)
    at.button(key="auth_submit").click()
    return at.run()


def open_sign_in(at):
    """Open the sidebar's sign-in box, as a click on it does: its form is built when it is open."""
    at.session_state["auth_box"] = True
    return at.run()


def texts(elements) -> str:
    return " ".join(e.value for e in elements)
