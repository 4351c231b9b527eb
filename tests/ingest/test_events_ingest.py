"""Events files: a good one (English, Russian or Kazakh headers; a venue's point or a district's KATO code) loads
whole, each point placed in its district; the same file twice adds nothing; a rollback removes it; the loaded
events feed the register and the report."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from dialogue import db, ingest
from tests.factories import ASTANA_DISTRICT, snapshot

TODAY = date(2026, 11, 15)
ROWS = [  # name, kind, kato, latitude, longitude, radius, starts, ends, attendance, source
    ("Концерт группы Ninety One", "concert", "", "51,1083", "71,4024", "1500", "12.08.2026 19:00", "12.08.2026 23:00",
     "30 000", "Organiser"),
    ("Наурыз, Алматы", "HOLIDAY", "", "43,2383", "76,9456", "2500", "2026-03-22 11:00", "2026-03-22 21:00", "80000",
     "Akimat"),
    ("Форум операторов связи", "forum", ASTANA_DISTRICT, "", "", "", "2026-05-29 09:00", "2026-05-29 19:00", "",
     ""),
    ("Новогодняя ночь", "holiday", "", "43,2383", "76,9456", "2500", "2026-12-31 22:00", "2027-01-01 02:00",
     "50000", "Akimat"),   # a coming one: dates ahead are allowed
]
HEADER_EN = ["name", "kind", "kato", "latitude", "longitude", "radius_m", "starts_at", "ends_at", "attendance", "source"]
HEADER_RU = ["Название", "Вид мероприятия", "КАТО", "Широта", "Долгота", "Радиус, м", "Начало", "Окончание",
             "Ожидаемое число участников", "Источник"]
HEADER_KK = ["Атауы", "Іс-шара түрі", "ӘАОЖ", "Ендік", "Бойлық", "Радиусы, м", "Басталуы", "Аяқталуы",
             "Күтілетін қатысушылар саны", "Дереккөз"]


def _csv(header: list[str]) -> bytes:
    return ("\n".join(";".join(r) for r in [header, *ROWS]) + "\n").encode("utf-8")


@pytest.fixture
def con(small_copy):
    c = db.connect(small_copy)
    yield c
    c.close()


@pytest.mark.parametrize("header", [HEADER_EN, HEADER_RU, HEADER_KK], ids=["en", "ru", "kk"])
def test_a_good_file_loads_whole_twice_adds_nothing_and_rolls_back(con, tmp_path, header):
    path = tmp_path / "events.csv"
    path.write_bytes(_csv(header))
    before = snapshot(con)
    report = ingest.ingest(con, "events", path, loaded_by="test", today=TODAY)
    assert report.status == "loaded", report.text()
    rows = con.execute("""select name, kind, kato, region_code, district_kato, latitude, radius_m, starts_at, ends_at,
                                 attendance, source
                          from mass_event where load_id = ? order by starts_at""", [report.load_id]).fetchall()
    assert [r[0] for r in rows] == ["Наурыз, Алматы", "Форум операторов связи", "Концерт группы Ninety One",
                                    "Новогодняя ночь"]
    assert rows[0][1:5] == ("holiday", "751410000", "KZ-75", "751410000")      # the point decides the district
    assert rows[2][4:7] == ("711510000", 51.1083, 1500.0) and rows[2][9] == 30000
    assert rows[1][2:7] == (ASTANA_DISTRICT, "KZ-71", ASTANA_DISTRICT, None, None) and rows[1][9] is None
    assert rows[3][7:9] == (datetime(2026, 12, 31, 22), datetime(2027, 1, 1, 2))
    again = ingest.ingest(con, "events", path, loaded_by="test", today=TODAY)
    assert again.status == "already_loaded"
    # The register lists them with who loaded them.
    listed = db.run(con, "events/register", region="KZ-71", start_date=date(2026, 5, 1), end_date=date(2026, 9, 1),
                    as_of_date=TODAY)
    mine = listed[listed.load_id == report.load_id]
    assert sorted(mine.name) == ["Концерт группы Ninety One", "Форум операторов связи"]
    assert set(mine.entered_by_name) == {"test"}
    assert ingest.rollback(con, report.load_id, by="test") == 4
    after = snapshot(con)
    assert after["mass_event"] == before["mass_event"]


def test_a_duplicate_of_a_registered_event_is_refused(con, tmp_path):
    path = tmp_path / "e.csv"
    path.write_bytes(_csv(HEADER_EN))
    assert ingest.ingest(con, "events", path, loaded_by="test", today=TODAY).status == "loaded"
    second = tmp_path / "e2.csv"
    second.write_bytes(_csv(HEADER_EN).replace(b"Organiser", b"Organiser again"))
    report = ingest.ingest(con, "events", second, loaded_by="test", today=TODAY)
    assert report.status == "rejected"
    assert {i.reason for i in report.issues} == {"duplicate_in_warehouse"}
