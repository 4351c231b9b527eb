"""Layer 2, sections: the mass-events sections built in plain Python in every language on the small demo (its
register filled from the demo's events) and on hand-made rows with a drop; the agenda item, the profile block and
the pack chapter carry them."""

from __future__ import annotations

import functools
import io
import re
from datetime import date, datetime, timedelta

import openpyxl
import pytest

from dialogue import db, editing, i18n, meetings, periods
from dialogue.packs import contents, pptx, xlsx
from dialogue.packs import pdf as pdf_writer
from dialogue.sections import Context, agenda, events, profile
from tests.conftest import AS_OF
from tests.factories import EVENT_START as START
from tests.factories import add_event
from tests.factories import add_located_test as add_test
from tests.factories import event_week as week


def context(con, region, lang, period="2026", as_of=AS_OF) -> Context:
    return Context(region, periods.parse(period), lang, as_of, functools.partial(db.run, con))


def untranslated(text: str) -> bool:
    return bool(re.fullmatch(r"[a-z_]+\.[a-z0-9_]+", text))


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
@pytest.mark.parametrize("region", [None, "KZ-71"])
def test_every_events_section_on_the_demo(small_con, region, lang):
    ctx = context(small_con, region, lang)
    register = events.register(ctx)
    assert not register.is_empty and len(register.data) > 5
    held = register.data[~register.data.is_coming]
    built = [register, events.ranked(ctx), events.coming(ctx), events.profile_block(ctx),
             events.report(ctx, int(held.event_id.iloc[0]))]
    for section in built:
        if section.is_empty:
            assert i18n.t(section.empty, lang) != section.empty
            continue
        assert section.source == i18n.t("source.events", lang), section.key
        for text in [section.title or "", section.subtitle or "", section.summary or "", *section.notes,
                     *(m.label for m in section.metrics), *section.table.columns.values()]:
            assert "{" not in text and not untranslated(text), (section.key, text)


@pytest.fixture
def dropped(blank_con):
    """An event where op_a's median falls from 60 to 20 Mbit/s and op_c's holds at 50; op_b has 3 tests."""
    con = blank_con
    event_id = add_event(con, "Концерт")
    for i in range(25):
        add_test(con, START + timedelta(minutes=5 * i), 20.0)
        add_test(con, START + timedelta(minutes=5 * i), 50.0, op="op_c")
        for n in (1, 2, 3, 4):
            add_test(con, week(n) + timedelta(minutes=i), 60.0)
            add_test(con, week(n) + timedelta(minutes=i), 50.0, op="op_c")
    for i in range(3):
        add_test(con, START + timedelta(minutes=i), 5.0, op="op_b")
    con.execute("insert into operator values ('op_a', 'Operator A', 'mobile', true), "
                "('op_b', 'Operator B', 'mobile', true), ('op_c', 'Operator C', 'mobile', true)")
    return con, event_id


def test_the_report_says_who_held_up_and_who_did_not(dropped):
    con, event_id = dropped
    ctx = context(con, "KZ-71", "en", "2026-08", as_of=date(2026, 9, 1))
    report = events.report(ctx, event_id)
    assert report.summary == ("Operator A's median fell 67% (to 20 Mbit/s); Operator C's held. Too few tests to judge "
                              "Operator B (fewer than 20 on one side): their figures are left blank.")
    row = report.data.set_index("label")
    assert row.loc["Operator B", "event_tests"] == 3 and row.loc["Operator B", "event_median_mbps"] != 5.0
    # All operators: 53 tests during (the 27th is 20), 200 before (60 and 50 alike: 55).
    assert report.metrics[0].value == "20 Mbit/s" and report.metrics[0].delta == "-64%"
    ru = events.report(context(con, "KZ-71", "ru", "2026-08", as_of=date(2026, 9, 1)), event_id)
    assert ru.summary.startswith("Медиана Operator A упала на 67 % (до 20 Мбит/с); Operator C удержал скорость.")
    ranked = events.ranked(ctx)
    assert ranked.data.worst_operator_code.iloc[0] == "op_a" and "67" in ranked.summary


def test_agenda_profile_and_pack_carry_the_events(dropped):
    con, event_id = dropped
    assert "events" in meetings.AGENDA_ITEMS
    ctx = context(con, "KZ-71", "kk", "2026-08", as_of=date(2026, 9, 1))
    con.execute("insert into meeting (meeting_id, held_on, title) values ('M-1', date '2026-08-01', 'Council')")
    shown = agenda.sections(ctx, "events", "M-1")
    assert shown[0].data.event_id.tolist() == [event_id] and shown[0].figure is None
    assert agenda.figures(ctx, "events", "M-1") == {"events_held": 1.0, "events_fell": 1.0}
    assert agenda.item_title(ctx, "events") == i18n.t("meeting.item_events", "kk")
    block = next(b for b in profile.lists(ctx) if b.key == "events.profile")
    assert profile.LINKS[block.key] == "events" and not block.is_empty
    pack = contents.build(context(con, "KZ-71", "ru", "2026-Q3", as_of=date(2026, 9, 1)))
    chapter = next(c for c in pack.chapters if c.key == "events")
    assert chapter.title == "Массовые мероприятия" and chapter.sections[0].data.event_id.tolist() == [event_id]
    for writer in (pdf_writer, pptx, xlsx):            # the chapter goes on paper in every format
        assert writer.write(pack)[:2] in (b"%P", b"PK")
    book = openpyxl.load_workbook(io.BytesIO(xlsx.write(pack)))
    assert any("Массовые" in str(cell.value) or "Концерт" in str(cell.value)
               for ws in book.worksheets for row in ws.iter_rows() for cell in row)


def test_a_cancelled_event_has_no_report(dropped):
    con, event_id = dropped
    editing.update_event(con, editing.auth.User("m", "ministry"), event_id, 1, {"status": "cancelled"},
                         now=datetime(2026, 9, 1))
    ctx = context(con, "KZ-71", "en", "2026-08", as_of=date(2026, 9, 1))
    assert events.report(ctx, event_id).empty == "events.report_cancelled"
    assert events.ranked(ctx).is_empty
