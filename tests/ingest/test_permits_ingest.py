"""Permit files: a good one (English, Russian or Kazakh headers, CSV or XLSX) loads whole, the same file twice
adds nothing, a rollback removes it and it loads again; the loaded rows feed the clocks."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest

from dialogue import datasets, db, ingest
from tests.factories import VILLAGE, snapshot

TODAY = date(2026, 11, 15)
ROWS = [  # site, stage, submitted, decided, outcome, resubmitted, power, note
    ("PX-1", "land_request", "02.03.2026", "10.03.2026", "approved", "", "", ""),
    ("PX-1", "land_allocation", "2026-03-12", "2026-03-20", "returned", "2026-04-01", "", "Survey missing"),
    ("PX-1", "land_allocation", "2026-04-01", "", "", "", "", ""),
    ("PX-2", "land_request", "2026-10-01", "2026-10-05", "refused", "", "", "Plot reserved"),
    ("PX-3", "power_conditions", "2026-06-01", "2026-06-05", "approved", "", "250,5", ""),
]


def _csv(header: list[str], sep: str = ",") -> bytes:
    lines = [sep.join(header)]
    for site, stage, sub, dec, out, resub, power, note in ROWS:
        power = power.replace(",", ".") if sep == "," else power     # a decimal comma where the separator allows
        lines.append(sep.join([site, "op_a", VILLAGE, stage, "Akimat", sub, dec, out, resub, power, note]))
    return ("\n".join(lines) + "\n").encode("utf-8")


HEADER_EN = ["site_ref", "operator", "kato", "stage", "authority", "submitted_on", "decided_on", "outcome",
             "resubmitted_on", "power_kw", "note"]
HEADER_RU = ["Код площадки", "Оператор", "КАТО", "Этап", "Орган", "Дата подачи", "Дата решения", "Результат",
             "Дата повторной подачи", "Мощность, кВт", "Причина"]
HEADER_KK = ["Алаң коды", "Байланыс операторы", "ӘАОЖ", "Кезең", "Уәкілетті орган", "Берілген күні", "Шешім күні",
             "Нәтиже", "Қайта берілген күні", "Қуаты, кВт", "Себебі"]


@pytest.fixture
def con(small_copy):
    c = db.connect(small_copy)
    yield c
    c.close()


def test_a_good_file_loads_twice_adds_nothing_rolls_back_and_loads_again(con, tmp_path):
    path = tmp_path / "permits.csv"
    path.write_bytes(_csv(HEADER_EN))
    before = snapshot(con)
    report = ingest.ingest(con, "permits", path, loaded_by="test", today=TODAY)
    assert report.status == "loaded", report.text()
    rows = con.execute("select site_ref, stage, submitted_on, decided_on, outcome, resubmitted_on, power_kw, "
                       "region_code from permit where load_id = ? order by site_ref, stage, submitted_on",
                       [report.load_id]).fetchall()
    assert len(rows) == 5
    assert rows[0] == ("PX-1", "land_allocation", date(2026, 3, 12), date(2026, 3, 20), "returned", date(2026, 4, 1),
                       None, "KZ-23")
    assert rows[2][:3] == ("PX-1", "land_request", date(2026, 3, 2))
    assert rows[4][6] == 250.5
    again = ingest.ingest(con, "permits", path, loaded_by="test", today=TODAY)
    assert again.status == "already_loaded"
    assert con.execute("select count(*) from permit where site_ref like 'PX-%'").fetchone()[0] == 5
    # The clocks see the loaded rows: PX-1's allocation is back at the desk since 1 April.
    stage = con.execute("select state, rounds, applicant_days from permit_stage_clock(date '2026-04-10') "
                        "where site_ref = 'PX-1' and stage = 'land_allocation'").fetchone()
    assert stage == ("pending", 2, 12)
    assert ingest.rollback(con, report.load_id, by="test") == 5
    assert snapshot(con)["permit"] == before["permit"]
    reloaded = ingest.ingest(con, "permits", path, loaded_by="test", today=TODAY)
    assert reloaded.status == "loaded" and reloaded.rows == 5


@pytest.mark.parametrize("header", [HEADER_RU, HEADER_KK], ids=["ru", "kk"])
def test_russian_and_kazakh_headers_semicolons(con, tmp_path, header):
    path = tmp_path / "p.csv"
    path.write_bytes(_csv(header, ";"))
    report = ingest.ingest(con, "permits", path, loaded_by="test", today=TODAY)
    assert report.status == "loaded", report.text()
    assert report.rows == 5
    power = con.execute("select power_kw from permit where load_id = ? and site_ref = 'PX-3'", [report.load_id])
    assert power.fetchone()[0] == 250.5                          # decimal comma


def test_xlsx(con, tmp_path):
    book = openpyxl.Workbook()
    book.active.append(HEADER_EN)
    for site, stage, sub, dec, out, resub, power, note in ROWS:
        book.active.append([site, "op_a", VILLAGE, stage, "Akimat", sub, dec, out, resub, power, note])
    data = io.BytesIO()
    book.save(data)
    path = tmp_path / "p.xlsx"
    path.write_bytes(data.getvalue())
    report = ingest.ingest(con, "permits", path, loaded_by="test", today=TODAY)
    assert report.status == "loaded", report.text()


def test_a_site_already_loaded_in_another_region_is_refused(con, tmp_path):
    first = tmp_path / "a.csv"
    first.write_bytes(_csv(HEADER_EN))
    assert ingest.ingest(con, "permits", first, loaded_by="test", today=TODAY).status == "loaded"
    second = tmp_path / "b.csv"
    second.write_bytes((",".join(HEADER_EN) + "\nPX-2,op_a,711110000,land_allocation,Akimat,2026-10-08,,,,,\n")
                       .encode())
    report = ingest.ingest(con, "permits", second, loaded_by="test", today=TODAY)
    assert report.status == "rejected"
    assert {(i.row, i.column, i.reason) for i in report.issues} == {(2, "kato", "site_in_two_regions")}


def test_the_stages_of_the_dataset_are_the_reference_stages():
    from dialogue import permit_reference

    assert tuple(permit_reference.stages().sort_values("position").stage.drop_duplicates()) == datasets.PERMIT_STAGES
