"""Layer 2, sections: every permit-clock section built in plain Python for the country and regions, in every
language, on the small demo and on an empty warehouse; the same figures as the questions; the agenda item, the
profile block and the pack chapter carry them."""

from __future__ import annotations

import functools
import re
from datetime import date, datetime

import pytest

from dialogue import db, i18n, meetings, periods
from dialogue.packs import contents, pptx, xlsx
from dialogue.packs import pdf as pdf_writer
from dialogue.sections import Context, agenda, permits, profile
from tests.conftest import AS_OF

NUMBER = re.compile(r"\d")
PERIOD = "2026-10"


def context(con, region, lang, period=PERIOD) -> Context:
    return Context(region, periods.parse(period), lang, AS_OF, functools.partial(db.run, con))


def every_section(ctx: Context) -> list:
    return [permits.headline(ctx), permits.stage_days(ctx), permits.area_days(ctx), permits.authority_days(ctx),
            permits.pendency(ctx), permits.refusals(ctx), permits.distribution(ctx), permits.what_if(ctx),
            permits.stuck(ctx), permits.past_clock(ctx)]


def untranslated(text: str) -> bool:
    return bool(re.fullmatch(r"[a-z_]+\.[a-z0-9_]+", text))


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
@pytest.mark.parametrize("region", [None, "KZ-19", "KZ-23"])
def test_every_permit_section(small_con, region, lang):
    ctx = context(small_con, region, lang)
    assert permits.has_data(ctx)
    for section in every_section(ctx):
        if section.is_empty:
            assert i18n.t(section.empty, lang) != section.empty
            continue
        assert section.source == i18n.t("source.permits", lang) and section.as_of <= AS_OF, section.key
        texts = [section.title or "", section.summary or "", *section.notes,
                 *(m.label for m in section.metrics), *(m.value for m in section.metrics)]
        for text in texts:
            assert "{" not in text and not untranslated(text), (section.key, text)
        if section.summary:
            assert NUMBER.search(section.summary), (section.key, section.summary)
        if section.figure is not None:
            assert section.figure.data and len(section.figure.data[0].x) > 0, section.key
        if section.table is not None:
            headers = list(section.table.columns.values())
            assert all(h and not untranslated(h) for h in headers), (section.key, headers)
            assert len(section.table.raw()) >= len(section.table.shown()) > 0


def test_the_sections_say_the_questions_figures(small_con):
    ctx = context(small_con, None, "en")
    figures = db.run(small_con, "permits/what_if", region=None, end_date=date(2026, 11, 1), as_of_date=AS_OF) \
        .set_index("scenario")
    section = permits.what_if(ctx)
    assert [m.value for m in section.metrics] == [f"{figures.loc[s, 'median_days']:,.0f} days"
                                                  for s in permits.SCENARIOS]
    assert f"12 months ({figures.loc['actual', 'sites']:,.0f}) took a median **{figures.loc['actual', 'median_days']:,.0f} days**" \
        in section.summary
    # The demo's desks are slower than their deadlines: keeping them would save time.
    assert figures.loc["kept", "median_days"] < figures.loc["actual", "median_days"]
    assert figures.loc["deemed", "median_days"] <= figures.loc["kept", "median_days"]
    head = permits.headline(ctx)
    totals = permits.totals(ctx)
    assert head.metrics[0].value == f"{totals.past_clock:,.0f}" and totals.past_clock > 0
    assert f"past their legal deadline: **{totals.past_clock:,.0f}**" in head.summary
    dist = permits.distribution(ctx)
    assert dist.data.sites.sum() == dist.data.total_sites.iloc[0] == figures.loc["actual", "sites"]


def test_the_region_sees_its_own_desks(small_con):
    country = permits.desks(context(small_con, None, "en"))
    almaty = permits.desks(context(small_con, "KZ-19", "en"))
    assert set(almaty.region_code) == {"KZ-19"}
    assert len(almaty) < len(country)
    assert almaty.pending.sum() == country[country.region_code == "KZ-19"].pending.sum()


def test_stuck_sites_are_oldest_first_and_name_what_they_block(small_con):
    section = permits.stuck(context(small_con, "KZ-19", "ru"))
    held = section.data
    assert list(held.site_age_days) == sorted(held.site_age_days, reverse=True)
    assert held.past_clock.all() and held.rollout_item_id.notna().all()
    # The demo's stuck mast permits are the bottleneck log's open mast permits of the same sites.
    assert held.bottleneck_ids.notna().mean() > 0.5
    bars = section.figure.data[0]
    labels = {f"{s} · {i18n.fmt_number(a, 'ru')} дн." for s, a in zip(held.site_ref, held.site_age_days)}
    assert set(bars.y) <= labels and len(set(bars.y)) == min(permits.STUCK_SITES, len(held))
    deadlines = section.figure.data[1]
    assert len(deadlines.x) > 0 and deadlines.name == i18n.t("permits.deadline_mark", "ru")
    axis = section.figure.layout.xaxis
    assert list(axis.ticktext) == [i18n.fmt_month(v, "ru") for v in axis.tickvals]     # months in the language


def test_empty_warehouse(empty_db):
    import duckdb

    con = duckdb.connect(str(empty_db), read_only=True)
    try:
        ctx = context(con, None, "kk")
        assert not permits.has_data(ctx)
        sections = every_section(ctx)
        assert permits.headline(ctx).empty == "permits.none"
        assert all(s.is_empty or s.alert for s in sections)
    finally:
        con.close()


@pytest.fixture
def con(small_copy):
    c = db.connect(small_copy)
    yield c
    c.close()


def test_permits_past_the_clock_is_an_agenda_item(con):
    from dialogue import auth

    user = auth.User("reg1", "regulator", None, None)
    meeting_id = meetings.create(con, user, "regional", "KZ-19", date(2026, 11, 14), PERIOD, "en", "Almaty region",
                                 "Akimat", now=datetime(2026, 11, 14, 10))
    ctx = context(con, "KZ-19", "en")
    assert "permits_past_clock" in meetings.AGENDA_ITEMS
    shown = agenda.sections(ctx, "permits_past_clock", meeting_id)
    assert [s.key for s in shown] == ["permits.stuck", "permits.stuck_list"]
    assert shown[0].table is None and len(set(shown[0].figure.data[0].y)) == agenda.PERMIT_SITES_SHOWN
    assert shown[1].figure is None and list(shown[1].table.columns) == list(agenda.PERMIT_COLUMNS)
    assert len(shown[1].table.shown()) == agenda.PERMIT_SITES_SHOWN
    numbers = agenda.figures(ctx, "permits_past_clock", meeting_id)
    totals = permits.totals(ctx)
    assert numbers == {"permits_past_clock": float(totals.past_clock), "sites_past_clock": float(totals.sites_past_clock)}
    assert agenda.change_sentence(ctx, "permits_past_clock", numbers,
                                  {"permits_past_clock": {"permits_past_clock": numbers["permits_past_clock"] + 3},
                                   "_held_on": "2026-10-14"}).endswith(
        f"{numbers['permits_past_clock'] + 3:,.0f} → {numbers['permits_past_clock']:,.0f} (-3).")
    stored = con.execute("select agenda from meeting where meeting_id = ?", [meeting_id]).fetchone()[0]
    assert stored == list(meetings.AGENDA_ITEMS)


def test_the_profile_carries_the_permits_block(small_con):
    ctx = context(small_con, "KZ-19", "kk")
    blocks = profile.lists(ctx)
    block = next(b for b in blocks if b.key == "permits.past_clock")
    assert block.title == i18n.t("permits.profile_title", "kk")
    assert profile.LINKS[block.key] == "permits"
    assert block.table.limit == permits.PROFILE_ROWS and len(block.table.columns) == len(permits.PROFILE_COLUMNS)
    quiet = profile.lists(context(small_con, "KZ-71", "en"))     # Astana's sites are within their clocks
    astana = next(b for b in quiet if b.key == "permits.past_clock")
    assert astana.is_empty or astana.metrics


def test_the_pack_has_a_permits_chapter_in_every_format(small_con):
    ctx = context(small_con, "KZ-19", "ru", "2026-Q3")
    pack = contents.build(ctx)
    chapter = next(c for c in pack.chapters if c.key == "permits")
    keys = [s.key for s in chapter.sections]
    assert keys[:2] == ["permits.headline", "permits.what_if"] and "permits.stuck" in keys
    assert all(s.source and s.as_of for s in chapter.sections)
    assert all(i18n.t("permits.area_hint", "ru") not in n for s in chapter.sections for n in s.notes)
    stuck = next(s for s in chapter.sections if s.key == "permits.stuck")
    assert stuck.figure is None and stuck.table is not None       # on paper, the list
    slides = pptx.write(pack)
    book = xlsx.write(pack)
    paper = pdf_writer.write(pack)
    from io import BytesIO

    import openpyxl
    from pptx import Presentation

    titles = [shape.text_frame.text for slide in Presentation(BytesIO(slides)).slides for shape in slide.shapes
              if shape.has_text_frame]
    assert any(i18n.t("permits.what_if_title", "ru") in t for t in titles)
    workbook = openpyxl.load_workbook(BytesIO(book))
    firsts = [ws["A1"].value for ws in workbook.worksheets]
    for key in ("packs.chapter_permits", "permits.what_if_title", "permits.stage_days_title", "permits.stuck_title"):
        assert i18n.t(key, "ru") in firsts, key
    without = contents.Pack(pack.ctx, pack.title, pack.scope, pack.period, pack.summary,
                            [c for c in pack.chapters if c.key != "permits"], pack.is_demo, pack.built_on)
    pages = paper.count(b"/Type /Page\n") or paper.count(b"/Type /Page")
    assert pages > (pdf_writer.write(without).count(b"/Type /Page\n") or pdf_writer.write(without).count(b"/Type /Page"))


def test_an_action_item_can_name_a_permit_application(con):
    from dialogue import auth, editing
    from dialogue.sections import register

    user = auth.User("reg1", "regulator", None, None)
    meeting_id = meetings.create(con, user, "regional", "KZ-19", date(2026, 11, 14), PERIOD, "en", "Almaty region",
                                 "Akimat", now=datetime(2026, 11, 14, 10))
    site = permits.stuck(context(con, "KZ-19", "en")).data.site_ref.iloc[0]
    action_id = meetings.record_action_item(con, user, meeting_id, "Decide the notice of works", "akimat",
                                            date(2026, 12, 1), site_ref=site, now=datetime(2026, 11, 14, 11))
    stored = con.execute("select site_ref, topic from action_item where action_id = ?", [action_id]).fetchone()
    assert stored == (site, "bottlenecks")
    items = db.run(con, "meetings/items", meeting_id=meeting_id, as_of_date=AS_OF)
    ctx = context(con, "KZ-19", "en")
    assert register._about(ctx, items.iloc[0].to_dict()) == f"{ctx.region_name('KZ-19', short=True)} · permit {site}"
    with pytest.raises(editing.InvalidChange):
        meetings.record_action_item(con, user, meeting_id, "No such site", "akimat", date(2026, 12, 1),
                                    site_ref="SITE-NOPE")
