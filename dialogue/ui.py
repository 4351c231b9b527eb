"""The one module that speaks Streamlit: connection and query caching, global filters, shared widgets.

Pages stay thin: read `filters()`, call `query(name, **params)`, hand the frames to chart builders in
dialogue.charts / dialogue.maps and show them with `chart()`.
"""

from __future__ import annotations

import functools
import gc
import importlib
import logging
import pkgutil
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from dialogue import access, auth, db, editing, i18n, periods, records

log = logging.getLogger("dialogue")
ROOT = db.ROOT
# Plotly geo maps fetch a base topojson from a CDN; this local stub keeps them offline.
PLOTLY_CONFIG = {"displaylogo": False, "topojsonURL": "/app/static/topojson/",
                 "modeBarButtonsToRemove": ["lasso2d", "select2d", "sendDataToCloud"]}
_last_language = i18n.DEFAULT_LANGUAGE
NATIONAL = "KZ"  # the whole country, wherever a region code is expected
_PAGE_HEADER = re.compile(r"^# page: (.*)$", re.M)


# ---- the process -------------------------------------------------------------------------------

@functools.cache
def settle_heap() -> None:
    """Once per process: import every section builder (and with them plotly, pandas, DuckDB), collect, then
    freeze what is alive. A full garbage collection walks every tracked object, and these modules hold
    hundreds of thousands that live as long as the process: 60–90 ms landing on whichever view set the
    collection off (the warm p95). Frozen, they are no longer walked; objects made later still are."""
    from dialogue import sections

    for module in pkgutil.iter_modules(sections.__path__):
        importlib.import_module(f"{sections.__name__}.{module.name}")
    gc.collect()
    gc.freeze()


# ---- data -------------------------------------------------------------------------------------

def connection() -> duckdb.DuckDBPyConnection:
    """The process's shared read-only connection (dialogue.access): closed and reopened around every write
    of any process, so take a cursor for one query at once and never keep it. Prefer query(); writes go
    through write() or access.writer()."""
    return access.connection(db.db_path())


@st.cache_data(show_spinner=False, max_entries=1024)
def _cached_query(name: str, params: tuple, version: int, warehouse: str) -> pd.DataFrame:
    with access.reading(warehouse) as cur:
        return db.run(cur, name, **dict(params))


# How long a page may show the data as it was before a load or an edit: the version is read once per this
# many seconds, not before every query.
VERSION_SECONDS = 2


@st.cache_data(show_spinner=False, ttl=VERSION_SECONDS, max_entries=8)
def _data_version(warehouse: str) -> int:
    with access.reading(warehouse) as cur:
        return db.data_version(cur)


def data_changed() -> None:
    """This process just wrote: read the data version afresh, so the next run shows the change."""
    _data_version.clear()


def data_key() -> tuple[str, int]:
    """(warehouse, data version): what every cached result of this run depends on."""
    warehouse = str(db.db_path())
    return warehouse, _data_version(warehouse)


def query(name: str, **params) -> pd.DataFrame:
    """Run a named query, cached by (query, the parameters it declares, data version, warehouse): a load
    shows within VERSION_SECONDS, and parameters a question does not take do not split its cache."""
    wanted = db.declared_parameters(name)
    key = tuple(sorted((k, v) for k, v in params.items() if k in wanted))
    warehouse, version = data_key()
    return _cached_query(name, key, version, warehouse)


# ---- filters ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Filters:
    region: str | None          # 'KZ-23', or None for the whole country
    period: periods.Period
    lang: str

    def params(self) -> dict:
        """Query parameters common to every page: $region and the period's dates."""
        return {"region": self.region, **self.period.params()}


def filters() -> Filters:
    """The global filters chosen in the sidebar (set by app.py before the page runs)."""
    return st.session_state["filters"]


def lang() -> str:
    """The chosen language.

    Outside a script run (AppTest formatting a widget's options from the test's own thread) there is
    no session state: fall back to the language of the last run, so labels match what was drawn.
    """
    if get_script_run_ctx() is None:
        return _last_language
    return st.session_state["filters"].lang if "filters" in st.session_state else i18n.DEFAULT_LANGUAGE


def t(key: str, **values) -> str:
    """A message in the chosen language."""
    return i18n.t(key, lang(), **values)


def regions() -> pd.DataFrame:
    """The 20 regions with their names in every language."""
    return query("geography/regions")


def region_label(code: str | None, short: bool = False) -> str:
    """A region's name in the chosen language; the country's for None."""
    if code is None:
        return t("common.all_regions")
    row = regions().set_index("region_code").loc[code]
    return i18n.region_name(row, lang(), short=short)


# ---- pages ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PageSpec:
    path: str
    order: int
    title_key: str
    icon: str
    url: str


@functools.cache
def page_specs() -> tuple[PageSpec, ...]:
    """Pages are discovered from views/*.py: each starts with '# page: order=… title=… icon=… url=…'. Read once
    per process: every run of every page asks (the folder's listing cost ~10 % of a first visit's CPU)."""
    specs = []
    for f in sorted((ROOT / "views").glob("*.py")):
        m = _PAGE_HEADER.search(f.read_text(encoding="utf-8"))
        if not m:
            continue
        fields = dict(part.split("=", 1) for part in m.group(1).split())
        specs.append(PageSpec(f"views/{f.name}", int(fields["order"]), fields["title"], fields.get("icon", ""),
                              fields["url"]))
    return tuple(sorted(specs, key=lambda s: s.order))


# ---- shared widgets ---------------------------------------------------------------------------

def chart(fig, key: str | None = None, clickable: bool = False, height: str | int = "content"):
    """Show a plotly figure with the offline config; a clickable chart returns its selection event."""
    kwargs = {"key": key, "config": PLOTLY_CONFIG, "width": "stretch", "height": height}
    if clickable:
        kwargs.update(on_select="rerun", selection_mode="points")
    return st.plotly_chart(fig, **kwargs)


def today() -> date:
    return date.today()


def static_path(*parts: str) -> Path:
    return ROOT.joinpath("static", *parts)


# ---- the global filters in the sidebar, carried in the URL --------------------------------------

def data_span() -> tuple[date, date, bool]:
    """(first day, last day) with data, and whether the warehouse holds demo data."""
    span = query("geography/data_span").iloc[0]
    last = span.last_day if pd.notna(span.last_day) else today()
    first = span.first_day if pd.notna(span.first_day) else last
    is_demo = pd.notna(span.demo_scale) or int(span.demo_loads or 0) > 0
    return pd.Timestamp(first).date(), pd.Timestamp(last).date(), is_demo


def _on_kind_change() -> None:
    # Keep the same moment in time when switching between month, quarter and year.
    current = periods.parse(st.session_state.get("f_period"))
    if current is not None:
        st.session_state.f_period = periods.period_of(current.start, st.session_state.f_kind).key


def follow_region_click(event, key: str, field: str = "location") -> None:
    """Make a clickable chart (shown with ui.chart(..., clickable=True)) filter the app to the region
    clicked; `field` is the point attribute holding the region code.

    The click is applied at the start of the next run, before the sidebar's region widget exists
    (a widget's value cannot change once drawn); each selection is acted on once, so going back to
    "all" is not undone by a stale click. `event` is the chart's return value, accepted for clarity.
    """
    st.session_state.setdefault("_region_click_fields", {})[key] = field


def _apply_region_clicks(codes: list[str]) -> None:
    ss = st.session_state
    for key, field in ss.get("_region_click_fields", {}).items():
        state = ss.get(key) or {}
        points = (state.get("selection") or {}).get("points") or []
        code = next((p.get(field) for p in points if p.get(field)), None)
        handled_key = f"_handled_{key}"
        if code is None:
            ss.pop(handled_key, None)
        elif code != ss.get(handled_key):
            ss[handled_key] = code
            if code in codes:
                ss.f_region = code


def init_filters() -> Filters:
    """Build the sidebar filters; the URL decides on a session's first run, the widgets after."""
    ss, qp = st.session_state, st.query_params
    first, last, _ = data_span()
    codes = list(regions().region_code)
    default = periods.default_period(last) if last > first else periods.period_of(last, "month")
    notices = []
    if "f_lang" not in ss:
        ss.f_lang = i18n.normalise_language(qp.get("lang"))
        asked_region = qp.get("region")
        ss.f_region = asked_region if asked_region in codes else NATIONAL
        if asked_region and asked_region not in codes:
            notices.append(("common.unknown_region", {"code": asked_region[:20]}))
        asked = periods.parse(qp.get("period"))
        if asked is None or asked.end <= first or asked.start > last:
            if qp.get("period"):
                notices.append(("common.unknown_period", {"code": qp.get("period")[:20]}))
            asked = default
        ss.f_kind, ss.f_period = asked.kind, asked.key

    _apply_region_clicks(codes)
    sb = st.sidebar
    sb.markdown(f"### {i18n.t('common.app_title', ss.f_lang)}")
    sb.caption(i18n.t("common.app_subtitle", ss.f_lang))
    sb.selectbox(i18n.t("common.filter_language", ss.f_lang), i18n.LANGUAGES, key="f_lang",
                 format_func=lambda code: i18n.LANGUAGE_NAMES[code])
    lg = ss.f_lang
    # "KZ" stands for the whole country in the widget (a None option would show as a blank placeholder).
    names = {NATIONAL: i18n.t("common.all_regions", lg),
             **{code: i18n.region_name(row, lg) for code, row in regions().set_index("region_code").iterrows()}}
    sb.selectbox(i18n.t("common.filter_region", lg), [NATIONAL, *codes], key="f_region", format_func=names.get)
    sb.segmented_control(i18n.t("common.filter_period_kind", lg), periods.KINDS, key="f_kind",
                         format_func=lambda k: i18n.t(f"common.kind_{k}", lg), on_change=_on_kind_change,
                         required=True)
    options = available_periods(ss.f_kind, first, last)
    if ss.get("f_period") not in options:
        ss.f_period = options[0] if ss.f_period is None or periods.parse(ss.f_period) is None else \
            min(options, key=lambda k: abs((periods.parse(k).start - periods.parse(ss.f_period).start).days))
    sb.selectbox(i18n.t("common.filter_period", lg), options, key="f_period",
                 format_func=lambda k: periods.parse(k).label(lg))

    f = Filters(None if ss.f_region == NATIONAL else ss.f_region, periods.parse(ss.f_period), lg)
    ss.filters = f
    global _last_language
    _last_language = lg
    for key, value in url_params(f).items():
        if qp.get(key) != value:
            qp[key] = value
    if f.region is None and "region" in qp:
        del qp["region"]
    for key, values in notices:
        st.toast(i18n.t(key, lg, period=f.period.label(lg), **values))
    return f


def available_periods(kind: str, first: date, last: date) -> list[str]:
    return [p.key for p in periods.available(kind, first, last)]


def url_params(f: Filters) -> dict[str, str]:
    """The query string that reopens this view."""
    params = {"period": f.period.key, "lang": f.lang}
    if f.region:
        params["region"] = f.region
    return params


# ---- who is signed in: local accounts (users file) or the organisation's login (OIDC) -----------------

def oidc_configured() -> bool:
    """Whether .streamlit/secrets.toml has an [auth] section: only then is the organisation login offered."""
    try:
        return bool(st.secrets.load_if_toml_exists() and st.secrets.get("auth"))
    except Exception:  # a broken secrets file must not take the app down: the login is simply not offered
        log.exception("cannot read .streamlit/secrets.toml")
        return False


def current_user() -> auth.User | None:
    """The signed-in user from session state (or the organisation login), None when anonymous.

    Only the username is kept in the session: the role is read from the users file on every run, so a
    removed account or a changed role takes effect on the next click.
    """
    try:
        demo = st.session_state.get("_auth_demo")
        if demo:
            # Checked on every run: after a real load or an edit by a real account the demo accounts are gone.
            user = auth.DEMO_ACCOUNTS.get(demo) if demo_accounts_offered() else None
            if user is None:
                st.session_state.pop("_auth_demo", None)
            return user
        name = st.session_state.get("_auth_username")
        if name:
            return auth.find_user(name)
        if oidc_configured() and st.user.get("is_logged_in"):
            return auth.user_for_email(st.user.get("email"))
    except (OSError, ValueError, KeyError):
        log.exception("cannot read the users file %s", auth.users_path())
    return None


@st.cache_data(show_spinner=False, max_entries=8)
def _demo_offered(warehouse: str, version: int) -> bool:
    with access.reading(warehouse) as cur:
        return auth.demo_accounts_offered(cur)


def demo_accounts_offered() -> bool:
    """Whether this warehouse holds nothing but demo data, so that the demo accounts are offered (per data
    version; a write re-checks it on the writer's connection)."""
    return _demo_offered(*data_key())


def user_label(user: auth.User) -> str:
    """'Aigerim (akimat · Atyrau region)' in the chosen language."""
    if user.demo:
        return t("auth.demo_label", role=t(f"auth.demo_who_{user.username.removeprefix(auth.DEMO_PREFIX)}"))
    scope = [t(f"auth.role_{user.role}")]
    if user.region_code:
        scope.append(region_label(user.region_code))
    if user.operator_code:
        scope.append(user.operator_code)
    return f"{user.display_name or user.username} ({' · '.join(scope)})"


def _sign_in(name: str, password: str) -> None:
    ss = st.session_state
    throttle = ss.setdefault("_auth_throttle", auth.Throttle())
    wait = throttle.wait_seconds()
    if wait > 0:
        st.error(t("auth.too_many", seconds=int(wait) + 1))
        return
    user = auth.authenticate(name, password) if name and password else None
    if user is None:
        throttle.failed()
        # Never the password; not even the name typed, which is sometimes a password typed in the wrong box.
        log.warning("sign-in refused (%d failures in this session)", throttle.failures)
        st.error(t("auth.bad_credentials"))
        return
    throttle.succeeded()
    ss["_auth_username"] = user.username
    log.info("sign-in: %s (%s)", user.username, user.role)
    st.rerun()


def _sign_in_demo(key: str) -> None:
    with access.reading(str(db.db_path())) as cur:
        user = auth.demo_user(key, cur)
    if user is None:
        data_changed()
        st.error(t("auth.demo_gone"))
        return
    st.session_state.pop("_auth_username", None)
    st.session_state["_auth_demo"] = key
    log.info("sign-in: demo account %s", user.username)
    st.rerun()


def account_box() -> None:
    """The sidebar's sign-in form, or who is signed in and a sign-out button (app.py calls it)."""
    ss = st.session_state
    st.divider()
    user = current_user()
    if user is not None:
        st.caption(t("auth.signed_in_as", user=user_label(user)))
        if user.demo:
            st.caption(t("auth.demo_note"))
        if st.button(t("auth.sign_out"), key="auth_sign_out", icon=":material/logout:"):
            log.info("sign-out: %s", user.username)
            if ss.pop("_auth_username", None) is None and ss.pop("_auth_demo", None) is None:
                st.logout()
            st.rerun()
        return
    demo = demo_accounts_offered()
    # Built when opened (a rerun): every page of a public dashboard would otherwise build, send and load
    # the code of a form few visitors open. Open from the start when signing in is required, or when an
    # organisation identity has no account here (its warning is inside).
    unmapped = oidc_configured() and bool(st.user.get("is_logged_in"))
    with st.expander(t("auth.sign_in_or_demo" if demo else "auth.sign_in"), icon=":material/login:",
                     expanded=not auth.public_read() or unmapped, key="auth_box", on_change="rerun") as box:
        if not box.open:
            return
        if demo:
            # Demo data only: one account per role, no password, clearly marked; gone after any real data.
            st.caption(t("auth.demo_offer"))
            for key in auth.DEMO_ACCOUNTS:
                if st.button(t(f"auth.demo_try_{key}"), key=f"auth_demo_{key}", width="stretch",
                             icon=":material/science:"):
                    _sign_in_demo(key)
        with st.form("auth_sign_in", clear_on_submit=True, border=False):
            name = st.text_input(t("auth.username"), max_chars=64, key="auth_name", autocomplete="username")
            password = st.text_input(t("auth.password"), type="password", max_chars=256, key="auth_password",
                                     autocomplete="current-password")
            submitted = st.form_submit_button(t("auth.sign_in"), width="stretch", key="auth_submit")
        if submitted:
            _sign_in(name, password)
        if oidc_configured():
            if unmapped:
                # Signed in with the organisation, but no account of the users file has this e-mail.
                st.warning(t("auth.oidc_unmapped", email=str(st.user.get("email") or "?")[:100]))
                if st.button(t("auth.sign_out"), key="auth_oidc_out"):
                    st.logout()
            elif st.button(t("auth.sign_in_oidc"), key="auth_oidc", width="stretch"):
                st.login()


def require_sign_in() -> None:
    """With DIALOGUE_PUBLIC_READ=0 no page shows before sign-in (app.py calls it before the page runs)."""
    if auth.public_read() or current_user() is not None:
        return
    st.title(t("auth.sign_in_required_title"))
    st.info(t("auth.sign_in_required"))
    st.stop()


def write(func, *args, done, slot: str = "main", forget: str | None = None, **kwargs) -> None:
    """Run a dialogue.editing write on its own cursor, then rerun; flash(slot) shows the outcome once.

    `done` is the success message, or a function of what func returned (e.g. the new id). `forget` names
    the session key holding the version a form was opened at: dropped after a save or a conflict, so the
    form reopens on the record as it is now (kept after a bad value, to be corrected).
    """
    demo = getattr(current_user(), "demo", False)
    try:
        # The writer role for this edit only: readers of every app process pause for its milliseconds.
        with access.writer(db.db_path()) as con:
            if demo and not auth.demo_accounts_offered(con):
                raise auth.PermissionDenied("demo accounts write only while the warehouse holds demo data alone")
            cur = con.cursor()
            try:
                result = func(cur, *args, **kwargs)
            finally:
                cur.close()
            if demo:
                db.absorb_demo_write(con)
        outcome, reopen = ("success", done(result) if callable(done) else done), True
    except (editing.Conflict, editing.InvalidChange, editing.NotFound, auth.PermissionDenied) as exc:
        log.warning("edit refused: %s", exc)
        outcome, reopen = records.describe_error(exc, lang()), not isinstance(exc, editing.InvalidChange)
    except access.Busy as exc:
        log.warning("edit not saved, the warehouse stayed busy: %s", exc)
        outcome, reopen = ("error", t("common.warehouse_busy")), False
    finally:
        data_changed()
    st.session_state["_flash"] = (slot, *outcome)
    if reopen and forget:
        st.session_state.pop(forget, None)
    st.rerun()


def flash(slot: str = "main") -> None:
    """Show, once and where the form is, the outcome of the last write (saved, conflict, refused)."""
    if st.session_state.get("_flash", ("",))[0] != slot:
        return
    _, level, text = st.session_state.pop("_flash")
    if level in ("success", "warning", "error"):
        getattr(st, level)(text)
