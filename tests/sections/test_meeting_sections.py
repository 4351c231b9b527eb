"""Layer 2: the region profile, the comparison, a meeting's agenda and register, built in plain Python in three
languages; meetings stored with their history, open items carried to the next meeting, a closed meeting frozen,
permissions, and the minutes in the meeting's language."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import date, datetime
from functools import partial

import duckdb
import pytest

from dialogue import auth, db, editing, meetings, minutes, periods
from dialogue.sections import Context, agenda, compare, profile, register
from tests.conftest import AS_OF, ROOT

LANGS = ("kk", "ru", "en")
REGULATOR = auth.User("reg1", "regulator", None, None)
MINISTRY = auth.User("min1", "ministry", None, None)
AKIMAT_23 = auth.User("akim23", "akimat", "KZ-23", None)
AKIMAT_71 = auth.User("akim71", "akimat", "KZ-71", None)
OPERATOR = auth.User("opa", "operator", None, "op_a")
VIEWER = auth.User("view", "viewer", None, None)


@pytest.fixture
def con(small_copy):
    con = db.connect(small_copy)
    yield con
    con.close()


def context(con, region: str | None = "KZ-23", lang: str = "en", period: str = "2026-10") -> Context:
    return Context(region, periods.parse(period), lang, AS_OF, partial(db.run, con))


def council(con, day=date(2026, 11, 14), period="2026-10", lang="en", user=REGULATOR) -> str:
    return meetings.create(con, user, "council", None, day, period, lang, "Council", "Ministry\nOperator A",
                           now=datetime(2026, 11, 14, 10))


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("region", ["KZ-23", "KZ-10", None])
def test_profile_and_compare_sections_in_every_language(make_ctx, lang, region):
    ctx = make_ctx(region, "2026-10", lang)
    for section in profile.headline_row(ctx) + profile.lists(ctx):
        assert section.title and section.key in profile.LINKS, section.key
        if not section.is_empty and not section.alert:   # a box alone says that nothing is open
            assert section.source and section.summary and any(ch.isdigit() for ch in section.summary), section.key
    headline = profile.headline_row(ctx)
    assert [s.key for s in headline] == ["profile.kpis", "profile.complaints", "profile.rollout", "profile.bottlenecks"]
    assert not any(s.is_empty for s in headline), [s.key for s in headline if s.is_empty]
    kpis = headline[0].table.shown()
    # the headline KPIs with the outcome figures beside the median download; national figure and rank
    assert len(kpis) == len(profile.PROFILE_KPIS) == 9 and (len(kpis.columns) == 5) == (region is not None)
    other = ctx.with_region("KZ-75") if region != "KZ-75" else ctx.with_region("KZ-71")
    for section in compare.sections(ctx, other):
        assert not section.is_empty, section.key
    differences = compare.differences(ctx, other).summary
    assert differences.count("\n- ") == 4 and other.region_name("KZ-75", short=True) in differences
    # One region in two periods: the sides are named by their periods.
    earlier = ctx.with_period(periods.parse("2026-07"))
    assert earlier.period.label(lang) in compare.differences(earlier, ctx).summary


def test_profile_speaks_the_language(make_ctx):
    titles = {lang: profile.title(make_ctx("KZ-23", "2026-10", lang)) for lang in LANGS}
    assert "Atyrau" in titles["en"] and "Атырауская" in titles["ru"] and "Атырау" in titles["kk"]
    assert profile.title(make_ctx(None, "2026-10", "ru")).startswith("Весь Казахстан")
    ru = profile.kpis(make_ctx("KZ-23", "2026-10", "ru")).table.shown()
    assert any("Мбит/с" in v and "," in v for v in ru.iloc[:, 1])


def test_empty_warehouse_gives_empty_sections(blank_ctx):
    for section in profile.headline_row(blank_ctx) + profile.lists(blank_ctx):
        assert section.is_empty or (section.alert and section.table is None), section.key
    assert all(s.is_empty for s in compare.sections(blank_ctx, blank_ctx.with_region(None)))


@pytest.mark.parametrize("lang", LANGS)
def test_agenda_screens_in_every_language(con, lang):
    meeting_id = council(con, lang=lang)
    ctx = context(con, None, lang)
    row = register.meeting(ctx, meeting_id)
    assert row["agenda"] == list(meetings.AGENDA_ITEMS) and row["status"] == "open"
    shown = agenda.screens(register.meeting_context(ctx, row), row)
    assert [s.item for s in shown] == list(meetings.AGENDA_ITEMS)
    assert all(s.title and s.sections for s in shown)
    assert not any(x.is_empty for s in shown[:5] for x in s.sections)
    # The demo holds earlier Council meetings: every screen but AOB says what changed since the last one.
    assert all(s.change and any(ch.isdigit() for ch in s.change) for s in shown[:-1])
    assert shown[-1].change is None


def test_regional_dialogue_screens_speak_for_the_region(con):
    meeting_id = meetings.create(con, AKIMAT_23, "regional", "KZ-23", date(2026, 11, 14), "2026-10", "kk", "Диалог")
    assert meeting_id == "R-23-2026-11"
    row = register.meeting(context(con, None, "kk"), meeting_id)
    mctx = register.meeting_context(context(con, None, "kk"), row)
    assert mctx.region == "KZ-23" and mctx.period.key == "2026-10"
    first = agenda.screen(mctx, row, 0)
    assert first.change == mctx.t("meeting.first_meeting")     # no earlier dialogue in Atyrau
    assert "Атырау" in first.sections[0].metrics[0].note or first.sections[0].metrics


def test_reordering_the_agenda(con):
    meeting_id = council(con)
    moved = meetings.move(list(meetings.AGENDA_ITEMS), "actions_due", -meetings.AGENDA_ITEMS.index("actions_due"))
    saved = meetings.set_agenda(con, REGULATOR, meeting_id, moved)
    assert saved["agenda"][0] == "actions_due" and saved["version"] == 2
    with pytest.raises(editing.Conflict):      # two organisers: the second one saw version 1
        meetings.set_agenda(con, MINISTRY, meeting_id, list(meetings.AGENDA_ITEMS), expected_version=1)
    with pytest.raises(editing.InvalidChange):
        meetings.set_agenda(con, REGULATOR, meeting_id, ["national", "no_such_screen"])
    with pytest.raises(editing.InvalidChange):
        meetings.set_agenda(con, REGULATOR, meeting_id, [])
    history = con.execute("select field, new_value from change_event where entity = 'meeting' and entity_id = ?"
                          " order by event_id", [meeting_id]).fetchall()
    assert ("agenda", ", ".join(moved)) in history


def test_open_and_overdue_items_carry_over_to_the_next_meeting(con):
    first = council(con, day=date(2026, 10, 14), period="2026-09")
    done_id = meetings.record_action_item(con, REGULATOR, first, "Done by November", "operator", date(2026, 11, 1))
    late = meetings.record_action_item(con, REGULATOR, first, "Overdue land plots", "akimat", date(2026, 11, 1),
                                       region_code="KZ-23", bottleneck_id="B-00001")
    soon = meetings.record_action_item(con, REGULATOR, first, "Mast permits plan", "ministry", date(2026, 12, 20),
                                       programme="4g_settlement")
    row = editing.get_action_item(con, done_id)
    editing.update_action_item(con, REGULATOR, done_id, row["version"], {"status": "done"})
    second = council(con, day=date(2026, 11, 14), period="2026-10")
    ctx = context(con, None)
    carried = register.carried(ctx, second)
    ids = list(carried.data.action_id)
    assert late in ids and soon in ids and done_id not in ids
    assert ids.index(late) < ids.index(soon)                  # overdue first
    assert bool(carried.data.set_index("action_id").loc[late, "is_overdue"])
    assert "B-00001" in carried.table.shown().to_string() and "4G" in carried.table.shown().to_string()
    # A regional dialogue does not inherit the Council's items.
    regional = meetings.create(con, REGULATOR, "regional", "KZ-23", date(2026, 11, 20), "2026-10", "ru", "Диалог")
    assert register.carried(ctx, regional).is_empty


def test_closing_freezes_the_record_and_writes_the_minutes(con, small_copy):
    meeting_id = council(con, lang="ru")
    meetings.set_attendees(con, REGULATOR, meeting_id, "Министерство\nOperator A\nАтамекен")
    meetings.record_decision(con, REGULATOR, meeting_id, "Предложить правительству срок 60 дней для разрешений")
    items = [meetings.record_action_item(con, REGULATOR, meeting_id, f"Поручение {i}", "operator", date(2026, 12, 15))
             for i in range(3)]
    ctx = context(con, None, "ru")
    row = register.meeting(ctx, meeting_id)
    frozen = agenda.snapshot(register.meeting_context(ctx, row, lang="ru"), row)
    closed = meetings.close(con, REGULATOR, meeting_id, frozen, now=datetime(2026, 11, 14, 12))
    assert closed["status"] == "closed" and closed["closed_by"] == "reg1"
    for write in (lambda: meetings.record_decision(con, REGULATOR, meeting_id, "late"),
                  lambda: meetings.record_action_item(con, REGULATOR, meeting_id, "late", "operator", date(2026, 12, 1)),
                  lambda: meetings.set_agenda(con, REGULATOR, meeting_id, ["national"]),
                  lambda: meetings.set_attendees(con, REGULATOR, meeting_id, "X"),
                  lambda: meetings.close(con, REGULATOR, meeting_id, frozen)):
        with pytest.raises(meetings.Closed):
            write()
    # Everything survives a restart: a new connection (a new process) reads the same record.
    con.close()
    again = duckdb.connect(str(small_copy))
    try:
        row = register.meeting(Context(None, periods.parse("2026-10"), "ru", AS_OF, partial(db.run, again)), meeting_id)
        snap = meetings.snapshot_of(row)
    finally:
        again.close()
    assert snap["lang"] == "ru" and [s["item"] for s in snap["screens"]] == list(meetings.AGENDA_ITEMS)
    assert [i["id"] for i in snap["items"]] == items and snap["decisions"][0].startswith("Предложить")
    text = minutes.markdown(row, snap, lambda code: code)
    assert text.startswith("# Протокол: Совет операторов") and "Министерство" in text and "Поручение 2" in text
    assert "## Решения" in text and "Медианная скорость" in text
    from docx import Document

    document = Document(io.BytesIO(minutes.docx(row, snap, lambda code: code)))
    body = "\n".join(p.text for p in document.paragraphs)
    cells = " ".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert "Протокол: Совет операторов" in body and "Атамекен" in body and "Поручение 0" in cells


def test_history_of_a_meeting(con):
    meeting_id = council(con)
    decision = meetings.record_decision(con, REGULATOR, meeting_id, "A decision")
    action = meetings.record_action_item(con, REGULATOR, meeting_id, "An item", "atameken", date(2026, 12, 1))
    events = con.execute("select entity, entity_id, field, new_value from change_event where changed_by = 'reg1'"
                         " order by event_id").fetchall()
    assert ("meeting", meeting_id, "status", "open") in events
    assert ("decision", decision, "text", "A decision") in events
    assert ("action_item", action, "owner", "atameken") in events


@pytest.mark.parametrize("user,kind,region,allowed", [
    (REGULATOR, "council", None, True), (MINISTRY, "regional", "KZ-71", True),
    (auth.User("adm", "admin", None, None), "council", None, True),
    (AKIMAT_23, "regional", "KZ-23", True), (AKIMAT_23, "regional", "KZ-71", False),
    (AKIMAT_23, "council", None, False), (AKIMAT_71, "regional", "KZ-23", False),
    (OPERATOR, "council", None, False), (VIEWER, "regional", "KZ-23", False), (None, "council", None, False)])
def test_who_may_run_a_meeting(con, user, kind, region, allowed):
    create = partial(meetings.create, con, user, kind, region, date(2026, 11, 20), "2026-10", "kk", "T")
    if not allowed:
        with pytest.raises(auth.PermissionDenied):
            create()
        return
    meeting_id = create()
    meetings.record_decision(con, user, meeting_id, "ok")
    meetings.close(con, user, meeting_id, {"lang": "kk"})


def test_an_akimat_cannot_run_or_close_another_meeting(con):
    meeting_id = council(con)
    regional = meetings.create(con, MINISTRY, "regional", "KZ-71", date(2026, 11, 20), "2026-10", "ru", "Астана")
    for target in (meeting_id, regional):
        with pytest.raises(auth.PermissionDenied):
            meetings.record_action_item(con, AKIMAT_23, target, "x", "akimat", date(2026, 12, 1))
        with pytest.raises(auth.PermissionDenied):
            meetings.close(con, AKIMAT_23, target, {})
    # Nothing was written by the refused attempts.
    assert con.execute("select count(*) from action_item where meeting_id in (?, ?)", [meeting_id, regional]
                       ).fetchone()[0] == 0
    # In a regional dialogue the items stay in its region.
    with pytest.raises(editing.InvalidChange):
        meetings.record_action_item(con, MINISTRY, regional, "x", "akimat", date(2026, 12, 1), region_code="KZ-23")


def test_bad_values_are_refused(con):
    with pytest.raises(editing.InvalidChange):
        meetings.create(con, REGULATOR, "summit", None, date(2026, 11, 20), "2026-10", "en", "T")
    with pytest.raises(editing.InvalidChange):
        meetings.create(con, REGULATOR, "council", None, date(2026, 11, 20), "2026-13", "en", "T")
    with pytest.raises(editing.InvalidChange):
        meetings.create(con, REGULATOR, "regional", None, date(2026, 11, 20), "2026-10", "en", "T")
    meeting_id = council(con)
    for kwargs in ({"text": " ", "owner": "operator", "due_on": date(2026, 12, 1)},
                   {"text": "x", "owner": "nobody", "due_on": date(2026, 12, 1)},
                   {"text": "x", "owner": "operator", "due_on": None},
                   {"text": "x", "owner": "operator", "due_on": date(2026, 12, 1), "bottleneck_id": "B-NONE"},
                   {"text": "x", "owner": "operator", "due_on": date(2026, 12, 1), "programme": "teleport"}):
        with pytest.raises(editing.InvalidChange):
            meetings.record_action_item(con, REGULATOR, meeting_id, **kwargs)


def test_sections_import_no_streamlit():
    code = ("import sys; import dialogue.sections.profile, dialogue.sections.compare, dialogue.sections.agenda, "
            "dialogue.sections.register, dialogue.meetings, dialogue.minutes; "
            "assert 'streamlit' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
