"""Data intake: reading (encodings, separators, headers in three languages, XLSX), every validation rule
pinned on hand-made rows, all-or-nothing loads, the same file twice, rollback, permissions, the command
line, the Data page's queries, and the 1,000,000-row speed test budget."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from datetime import date, datetime
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest

from dialogue import access, auth, datasets, db, ingest
from tests.conftest import ROOT
from tests.factories import (
    ASTANA_DISTRICT,
    COMPLAINT_HEADER,
    DISTRICT,
    REGION,
    TODAY,
    VILLAGE,
    add_operators,
    found,
    snapshot,
    write,
)


@pytest.fixture
def con(blank_con):
    add_operators(blank_con)
    return blank_con


def load(con, dataset, path, **kw):
    kw.setdefault("loaded_by", "tester")
    kw.setdefault("today", TODAY)
    return ingest.ingest(con, dataset, path, **kw)


# ---- reading --------------------------------------------------------------------------------------------

def test_russian_headers_cp1251_semicolons_and_decimal_comma(con, tmp_path):
    text = ("Дата измерения;КАТО;Оператор;Технология;Скорость загрузки, Мбит/с;Скорость отдачи;Задержка, мс;Источник\r\n"
            f"31.10.2026 14:05;{VILLAGE};Operator A;4G;1 500,5;12,25;20;crowd\r\n"
            f"2026-10-30;{DISTRICT};op_b;fixed;0;;;regulator\r\n"
            f"30.10.2026;{REGION};OP_C;satellite;12.5;1;700,5;operator\r\n")
    report = load(con, "speed_tests", write(tmp_path / "замеры.csv", text, "cp1251"))
    assert report.status == "loaded", report.text()
    assert (report.encoding, report.delimiter, report.rows) == ("cp1251", ";", 3)
    rows = con.execute("""select measured_at, kato, region_code, district_kato, is_rural, operator_code, technology,
                                 download_mbps, upload_mbps, latency_ms, source, load_id
                          from speed_test order by measured_at desc""").fetchall()
    # The village and its district belong to Atyrau's city akimat: urban, whatever the settlement's type.
    assert rows[0] == (datetime(2026, 10, 31, 14, 5), VILLAGE, "KZ-23", DISTRICT, False, "op_a", "4g", 1500.5, 12.25,
                       20.0, "crowd", report.load_id)
    assert rows[1][1:8] == (DISTRICT, "KZ-23", DISTRICT, False, "op_b", "fixed", 0.0)
    assert rows[1][8:10] == (None, None)
    assert rows[2][2:4] == ("KZ-23", None)      # a region-level code: no district


def test_a_timestamp_with_an_offset_is_stored_in_kazakhstan_local_time(con, tmp_path):
    # measured_at is kept naive, in local time (UTC+5): an offset or 'Z' is converted once, at load.
    given = {"2026-10-01T14:00:00Z": datetime(2026, 10, 1, 19, 0),
             "2026-10-02T14:00:00.250z": datetime(2026, 10, 2, 19, 0, 0, 250000),
             "2026-10-03T14:00:00+03:00": datetime(2026, 10, 3, 16, 0),
             "2026-10-04 14:00:00+0500": datetime(2026, 10, 4, 14, 0),
             "31.10.2026 23:30-01:00": datetime(2026, 11, 1, 5, 30),
             "2026-10-05T02:00+06:00": datetime(2026, 10, 5, 1, 0),
             "2026-10-06 14:00": datetime(2026, 10, 6, 14, 0)}          # no offset: local time already
    text = "measured_at,kato,operator,technology,download_mbps,source\n" + "".join(
        f"{when},{VILLAGE},op_a,4g,{10 + i},crowd\n" for i, when in enumerate(given))
    report = load(con, "speed_tests", write(tmp_path / "zoned.csv", text))
    assert report.status == "loaded", report.text()
    stored = dict(con.execute("select download_mbps, measured_at from speed_test").fetchall())
    assert [stored[10.0 + i] for i in range(len(given))] == list(given.values())


def test_kazakh_and_messy_english_headers_tab_separated_utf8_bom(con, tmp_path):
    text = ("\ufeffӨлшеу уақыты\t  ӘАОЖ  \tBYTE\tOPERATOR\tTechnology\tDownload_Mbps\tsource\n"
            f"2026-10-01 08:00:00\t{ASTANA_DISTRICT}\tx\tOperator A\t5G\t310\tcrowd\n")
    report = load(con, "speed_tests", write(tmp_path / "kk.tsv", text))
    assert report.status == "loaded", report.text()
    assert report.delimiter == "\t" and report.encoding == "utf-8"
    assert report.columns["kato"] == "  ӘАОЖ  " and report.columns["measured_at"] == "Өлшеу уақыты"
    assert found(report) == {(1, "BYTE", "unknown_column")} and report.warnings == 1 and report.errors == 0
    assert con.execute("select region_code, district_kato, technology from speed_test").fetchone() == \
        ("KZ-71", ASTANA_DISTRICT, "5g")


def test_xlsx_first_sheet_dates_numbers_and_formulas(con, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Жалобы"
    sheet.append(["Номер жалобы", "Дата поступления", "КАТО", "Оператор", "Услуга", "Категория", "Статус",
                  "Штраф, тенге", "Нарушение"])
    sheet.append(["C-1", datetime(2026, 10, 3, 9, 30), int(VILLAGE), "Operator B", "mobile", "low_speed",
                  "confirmed", 150000.0, 1])
    sheet.append([None] * 9)                                         # an empty row is skipped, numbering kept
    sheet.append(["C-2", date(2026, 10, 4), VILLAGE, "op_a", "fixed", "outage", '=CONCAT("rec","eived")', None, 0])
    book.create_sheet("notes").append(["ignored"])
    path = tmp_path / "complaints.xlsx"
    book.save(path)
    report = load(con, "complaints", path)
    # A formula is never evaluated nor stored: openpyxl gives Excel's cached value, here none.
    assert report.status == "rejected"
    assert found(report) == {(None, "", "first_sheet_only"), (4, "status", "required")}
    assert report.warnings == 1 and report.errors == 1

    sheet.cell(row=4, column=7, value="received")
    book.save(path)
    report = load(con, "complaints", path)
    assert report.status == "loaded", report.text()
    assert con.execute("""select complaint_id, received_at, operator_code, fine_kzt, violation from complaint
                          order by complaint_id""").fetchall() == [
        ("C-1", datetime(2026, 10, 3, 9, 30), "op_b", 150000, True), ("C-2", datetime(2026, 10, 4), "op_a", None, False)]


def test_row_numbers_follow_the_file_with_empty_lines_and_multiline_values(con, tmp_path):
    text = ("bottleneck_id,kind,kato,operator,responsible,opened_on,status,description\n"
            f'B-1,land_plot,{VILLAGE},op_a,akimat,2026-09-01,open,"first line\n\nthird line"\n'
            "\n"
            f"B-2,land_plot,{VILLAGE},op_a,akimat,2026-09-31,open,x\n"
            f"B-3,land_plot,{VILLAGE},op_a,akimat,2026-09-02,opened,x\n")
    report = load(con, "bottlenecks", write(tmp_path / "b.csv", text))
    # Rows as a spreadsheet shows them: header 1, B-1 2, the empty line 3, B-2 4, B-3 5.
    assert found(report) == {(4, "opened_on", "not_a_date"), (5, "status", "not_allowed")}


# ---- validation: each rule pinned -------------------------------------------------------------------------

def test_every_complaint_rule(con, tmp_path):
    long_id = "X" * 65
    rows = [
        f"K-01;31.03.2026;{VILLAGE};op_a;mobile;low_speed;confirmed;01.04.2026;1,5;1;1 500 000;02.04.2026",  # 2: valid
        f"K-02;31.02.2026;{VILLAGE};op_a;mobile;low_speed;received;;;;;",            # 3 impossible date
        "K-03;2026-03-31;999999999;op_z;tv;noise;lost;;;;;",                        # 4 kato, operator, 3 values
        f"K-04;2026-03-31;{VILLAGE};op_a;mobile;other;received;2026-03-30;-1;2;-5;2026-03-01",  # 5
        f"K-05;2026-12-01;{VILLAGE};op_a;fixed;outage;received;;10001;;1,5;",        # 6 future, too fast, not whole
        f"K-01;2026-03-31;{VILLAGE};op_a;mobile;other;received;;;;;",                # 7 duplicate of row 2
        f";;{VILLAGE};op_a;mobile;other;received;;abc;;;",                            # 8 missing required
        f"{long_id};1999-12-31;{VILLAGE};op_a;mobile;other;received;;;;;",            # 9 too long, out of range
        f"K\u202e09;2026-03-31;{VILLAGE};op_a;mobile;other;received;;;;;",            # 10 bidi override
    ]
    path = write(tmp_path / "complaints.csv", COMPLAINT_HEADER + "\n" + "\n".join(rows) + "\n")
    report = load(con, "complaints", path)
    assert report.status == "rejected" and report.rows == 9
    assert found(report) == {
        (3, "received_at", "not_a_date"),
        (4, "kato", "unknown_kato"), (4, "operator", "unknown_operator"), (4, "service", "not_allowed"),
        (4, "category", "not_allowed"), (4, "status", "not_allowed"),
        (5, "verified_at", "before_other"), (5, "resolved_at", "before_other"),
        (5, "measured_download_mbps", "below_min"), (5, "violation", "not_a_flag"), (5, "fine_kzt", "below_min"),
        (6, "received_at", "future_date"), (6, "measured_download_mbps", "above_max"), (6, "fine_kzt", "not_whole"),
        (7, "complaint_id", "duplicate_in_file"),
        (8, "complaint_id", "required"), (8, "received_at", "required"),
        (8, "measured_download_mbps", "not_a_number"),
        (9, "complaint_id", "too_long"), (9, "received_at", "date_out_of_range"),
        (10, "complaint_id", "control_chars"),
    }
    details = {(i.row, i.reason): i.detail for i in report.issues}
    assert details[(7, "duplicate_in_file")] == "2"
    assert details[(5, "before_other")] == "received_at"
    assert "mobile, fixed" in {i.detail for i in report.issues if i.column == "service"}
    assert report.errors == sum(n for *_, n in report.totals) == len(report.issues)
    assert con.execute("select count(*) from complaint").fetchone()[0] == 0
    # The report a person reads: the row, the column, the value as sent, the reason.
    text = report.text("en")
    assert "31.02.2026" in text and "Not a valid date" in text and "\u202e" not in text and "\\u202e" in text


def test_rollout_survey_coverage_rules(con, tmp_path):
    rollout = ("item_id,programme,kato,operator,unit,planned_units,done_units,planned_date,status,completed_date\n"
               f"R-1,fibre_village,{VILLAGE},op_a,settlement,1,2,2027-06-30,construction,\n"       # done > planned
               f"R-2,road_4g,{DISTRICT},op_b,km,0,0,2027-06-30,planned,\n"                         # planned must be > 0
               f"R-3,last_mile,{VILLAGE},op_a,household,100,100,2027-06-30,done,2027-01-01\n")      # completed in future
    report = load(con, "rollout", write(tmp_path / "r.csv", rollout))
    assert found(report) == {(2, "done_units", "above_other"), (3, "planned_units", "not_above_min"),
                             (4, "completed_date", "future_date")}
    survey = ("response_id,period,kato,firm_size,sector,connection,download_mbps,satisfaction,barriers\n"
              f"S-1,2026-10,{VILLAGE},micro,retail,mobile,12,6,cost;speed\n"
              f"S-2,10.2026,{VILLAGE},small,=HYPERLINK(\"http://x\"),fixed,,0,cost;magic\n"
              f"S-3,2026-10-15,{VILLAGE},large,@SUM(A1),none,,2.5,\n"
              f"S-4,2026-12,{VILLAGE},medium,-2+3,none,,,\n")
    report = load(con, "survey", write(tmp_path / "s.csv", survey))
    assert found(report) == {(2, "satisfaction", "above_max"), (3, "satisfaction", "below_min"),
                             (3, "barriers", "not_allowed"), (4, "period", "not_a_month"),
                             (4, "satisfaction", "not_whole"), (5, "period", "future_date")}
    coverage = ("period,kato,operator,technology,covered\n"
                f"2026-10,{VILLAGE},op_a,4g,1\n"
                f"2026-10-01,{VILLAGE},Operator A,4G,0\n"       # the same key spelt differently
                f"2026-10,{VILLAGE},op_a,5g,yes\n")
    report = load(con, "coverage", write(tmp_path / "c.csv", coverage))
    assert found(report) == {(3, "period, kato, operator, technology", "duplicate_in_file"), (4, "covered", "not_a_flag")}


def test_formula_text_is_stored_as_text_and_exports_defuse_it(con, tmp_path):
    from dialogue import tables

    survey = ("response_id,period,kato,firm_size,sector,connection,barriers\n"
              f'S-1,2026-10,{VILLAGE},micro,"=HYPERLINK(""http://x"",""click"")",mobile,"cost; Speed ,cost"\n'
              f"S-2,2026-10,{VILLAGE},small,+cmd|' /C calc'!A0,fixed,\n"
              f"S-3,2026-10,{VILLAGE},small,@SUM(A1:A9),fixed,\n"
              f"S-4,2026-10,{VILLAGE},small,-2+3,fixed,\n")
    report = load(con, "survey", write(tmp_path / "s.csv", survey))
    assert report.status == "loaded", report.text()
    stored = con.execute("select sector, barriers from survey_response order by response_id").fetchall()
    assert stored == [('=HYPERLINK("http://x","click")', "cost;speed"), ("+cmd|' /C calc'!A0", None),
                      ("@SUM(A1:A9)", None), ("-2+3", None)]
    frame = pd.DataFrame({"sector": [s for s, _ in stored]})
    exported = pd.read_csv(io.BytesIO(tables.to_csv(frame)), encoding="utf-8-sig").sector.tolist()
    assert exported == ["'" + s for s, _ in stored]
    book = openpyxl.load_workbook(io.BytesIO(tables.to_xlsx(frame)))
    cells = [c.value for c in book.active["A"][1:]]
    assert all(isinstance(v, str) and v.startswith("'") for v in cells), cells
    assert book.active["A2"].data_type == "s"    # text, not a formula


def test_duplicates_against_the_warehouse_are_rejected_not_replaced(con, tmp_path):
    first = write(tmp_path / "a.csv", COMPLAINT_HEADER + f"\nK-1;2026-10-01;{VILLAGE};op_a;mobile;other;received;;;;;\n")
    assert load(con, "complaints", first).status == "loaded"
    load_id = con.execute("select max(load_id) from load_log").fetchone()[0]
    again = write(tmp_path / "b.csv", COMPLAINT_HEADER + f"\nK-2;2026-10-01;{VILLAGE};op_a;mobile;other;received;;;;;"
                                                         f"\nK-1;2026-10-02;{VILLAGE};op_a;mobile;other;resolved;;;;;\n")
    before = snapshot(con)
    report = load(con, "complaints", again)
    assert found(report) == {(3, "complaint_id", "duplicate_in_warehouse")}
    assert report.issues[0].detail == str(load_id)
    assert snapshot(con) == before


def test_the_same_file_twice_adds_nothing_and_rollback_undoes_a_load(con, tmp_path):
    path = write(tmp_path / "c.csv", COMPLAINT_HEADER + f"\nK-1;2026-10-01;{VILLAGE};op_a;mobile;other;received;;;;;"
                                                        f"\nK-2;2026-10-01;{VILLAGE};op_b;fixed;other;received;;;;;\n")
    version = db.data_version(con)
    first = load(con, "complaints", path)
    assert first.status == "loaded" and first.rows == 2 and db.data_version(con) == version + 1
    logged = con.execute("""select dataset, file_name, checksum_sha256, row_count, loaded_by, status from load_log
                            where load_id = ?""", [first.load_id]).fetchone()
    assert logged == ("complaints", "c.csv", ingest.read.sha256(path), 2, "tester", "loaded")
    before = snapshot(con)
    second = load(con, "complaints", path)
    assert second.status == "already_loaded" and second.accepted
    assert second.previous_load["load_id"] == first.load_id and "already loaded" in second.summary("en")
    assert snapshot(con) == before

    assert ingest.rollback(con, first.load_id, by="auditor") == 2
    assert con.execute("select count(*) from complaint").fetchone()[0] == 0
    status, by, at = con.execute("select status, rolled_back_by, rolled_back_at from load_log where load_id = ?",
                                 [first.load_id]).fetchone()
    assert (status, by) == ("rolled_back", "auditor") and at is not None
    assert db.data_version(con) == version + 2
    with pytest.raises(ingest.IngestError, match="already rolled back"):
        ingest.rollback(con, first.load_id, by="auditor")
    with pytest.raises(ingest.IngestError, match="no load"):
        ingest.rollback(con, 999, by="auditor")
    # A rolled-back file may be sent again.
    assert load(con, "complaints", path).status == "loaded"


def test_a_check_loads_nothing(con, tmp_path):
    path = write(tmp_path / "c.csv", COMPLAINT_HEADER + f"\nK-1;2026-10-01;{VILLAGE};op_a;mobile;other;received;;;;;\n")
    before = snapshot(con)
    report = ingest.check(con, "complaints", path, today=TODAY)
    assert report.status == "valid" and report.preview.iloc[0]["complaint_id"] == "K-1"
    assert snapshot(con) == before


def test_the_report_lists_at_most_the_cap_and_counts_everything(con, tmp_path):
    lines = [f"K-{i};2026-10-01;{VILLAGE};op_a;mobile;other;lost;;;;;" for i in range(ingest.MAX_ISSUES + 500)]
    report = load(con, "complaints", write(tmp_path / "c.csv", COMPLAINT_HEADER + "\n" + "\n".join(lines)))
    assert len(report.issues) == ingest.MAX_ISSUES
    assert report.totals == [("error", "status", "not_allowed", "received, verifying, confirmed, rejected, resolved",
                              ingest.MAX_ISSUES + 500)]
    assert report.issues[0].row == 2 and report.issues[-1].row == ingest.MAX_ISSUES + 1


# ---- who may load what ------------------------------------------------------------------------------------

def test_operators_load_only_their_rows_akimats_only_their_region(con, tmp_path):
    operator = auth.User("op.a", "operator", operator_code="op_a")
    path = write(tmp_path / "s.csv", "measured_at,kato,operator,technology,download_mbps,source\n"
                                     f"2026-10-01,{VILLAGE},op_a,4g,10,operator\n"
                                     f"2026-10-01,{VILLAGE},Operator B,4g,10,operator\n")
    report = load(con, "speed_tests", path, user=operator)
    assert found(report) == {(3, "operator", "not_your_operator")}
    akimat = auth.User("akimat.23", "akimat", region_code="KZ-23")
    path = write(tmp_path / "b.csv", "bottleneck_id,kind,kato,operator,responsible,opened_on,status\n"
                                     f"B-1,land_plot,{VILLAGE},op_a,akimat,2026-09-01,open\n"
                                     f"B-2,land_plot,{ASTANA_DISTRICT},op_a,akimat,2026-09-01,open\n")
    assert found(load(con, "bottlenecks", path, user=akimat)) == {(3, "kato", "not_your_region")}
    with pytest.raises(auth.PermissionDenied):
        load(con, "complaints", path, user=auth.User("viewer", "viewer"))
    with pytest.raises(auth.PermissionDenied):
        load(con, "survey", path, user=operator)


def test_who_may_roll_back():
    regulator, op = auth.User("reg", "regulator"), auth.User("op.a", "operator", operator_code="op_a")
    assert ingest.can_rollback(regulator, "coverage", "someone", is_demo=True)
    assert ingest.can_rollback(op, "coverage", "op.a")
    assert not ingest.can_rollback(op, "coverage", "op.b")
    assert not ingest.can_rollback(op, "complaints", "op.a")      # operators do not send complaints
    assert not ingest.can_rollback(None, "coverage", "op.a")


def test_rollback_checks_the_user(con, tmp_path):
    path = write(tmp_path / "c.csv", COMPLAINT_HEADER + f"\nK-1;2026-10-01;{VILLAGE};op_a;mobile;other;received;;;;;\n")
    report = load(con, "complaints", path)
    with pytest.raises(auth.PermissionDenied):
        ingest.rollback(con, report.load_id, by="op.a", user=auth.User("op.a", "operator", operator_code="op_a"))
    assert con.execute("select count(*) from complaint").fetchone()[0] == 1


# ---- the data dictionary ------------------------------------------------------------------------------------

def test_each_dataset_maps_onto_its_warehouse_table(con):
    for ds in datasets.DATASETS.values():
        table = {r[0] for r in con.execute("select column_name from duckdb_columns() where table_name = ?",
                                           [ds.table]).fetchall()}
        for c in ds.columns:
            if ds.coordinates and c.name in ("latitude", "longitude"):
                continue   # they place the row (its district becomes its kato), they are not stored
            target = "operator_code" if c.type == "operator" else c.name
            assert target in table, (ds.name, c.name)
        assert all(k in {c.name for c in ds.columns} for k in ds.key)


def test_header_spellings_are_unique_within_each_dataset():
    for ds in datasets.DATASETS.values():
        spellings = [n for c in ds.columns for n in datasets.header_names(c)]
        assert len(spellings) == len(set(spellings)), ds.name
        assert all(c.type in datasets.TYPES for c in ds.columns)
        assert all(c.aliases_ru and c.aliases_kk for c in ds.columns), ds.name


def test_dictionary_is_generated_in_every_language():
    en = datasets.dictionary_table("en")
    assert len(en) == sum(len(d.columns) for d in datasets.DATASETS.values())
    row = next(r for r in datasets.dictionary_table("kk", "speed_tests") if r["column"] == "latency_ms")
    assert row["dataset"] == "Жылдамдық өлшемдері" and row["limits"].startswith("> 0")
    assert "кідіріс, мс" in row["aliases_kk"]
    assert all(r["description"] and not r["description"].startswith("data.") for r in en)


# ---- the command line -----------------------------------------------------------------------------------------

def cli(*args, db_path: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dialogue", "--db", str(db_path), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, env={**os.environ, **(env or {})})


def test_cli_exit_codes_and_reports(small_copy, tmp_path):
    good = write(tmp_path / "good.csv", COMPLAINT_HEADER + f"\nZ-1;2026-10-01;{VILLAGE};op_a;mobile;other;received;;;;;\n")
    bad = write(tmp_path / "bad.csv", COMPLAINT_HEADER + f"\nZ-2;2026-10-01;{VILLAGE};op_a;mobile;other;lost;;;;;\n")
    run = cli("ingest", "complaints", str(good), "--as", "aigerim", db_path=small_copy)
    assert run.returncode == 0, run.stderr
    assert "loaded: 1 row," in run.stdout
    again = cli("ingest", "complaints", str(good), db_path=small_copy)
    assert again.returncode == 0 and "already loaded" in again.stdout
    rejected = cli("ingest", "complaints", str(bad), "--lang", "ru", db_path=small_copy)
    assert rejected.returncode == 2 and "lost" in rejected.stdout and "Недопустимое значение" in rejected.stdout
    missing = cli("ingest", "complaints", str(tmp_path / "nope.csv"), db_path=small_copy)
    assert missing.returncode == 1 and "file not found" in missing.stderr
    con = duckdb.connect(str(small_copy), read_only=True)
    load_id, by = con.execute("select load_id, loaded_by from load_log where file_name = 'good.csv'").fetchone()
    con.close()
    assert by == "aigerim"
    undo = cli("rollback", str(load_id), "--as", "auditor", db_path=small_copy)
    assert undo.returncode == 0 and "1 rows removed" in undo.stdout
    assert cli("rollback", str(load_id), db_path=small_copy).returncode == 1


def test_cli_says_when_the_warehouse_is_in_use(small_copy, tmp_path):
    good = write(tmp_path / "good.csv", COMPLAINT_HEADER + f"\nZ-1;2026-10-01;{VILLAGE};op_a;mobile;other;received;;;;;\n")
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
                               "print('open', flush=True); time.sleep(60)", str(small_copy)], stdout=subprocess.PIPE,
                              text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        # A writer waits for the file (DIALOGUE_WRITE_TIMEOUT seconds), then says who holds it.
        run = cli("ingest", "complaints", str(good), db_path=small_copy, env={"DIALOGUE_WRITE_TIMEOUT": "2"})
        assert run.returncode == 1 and "in use by another process" in run.stderr
        assert f"PID {holder.pid}" in run.stderr
    finally:
        holder.kill()
        holder.wait()
    assert cli("ingest", "complaints", str(tmp_path / "good.csv"), db_path=tmp_path / "none.duckdb").returncode == 1


# ---- the Data page's queries on hand-made rows --------------------------------------------------------------

def test_freshness_rows_by_area_and_load_log(con, tmp_path):
    speed = write(tmp_path / "s.csv", "measured_at,kato,operator,technology,download_mbps,source\n"
                                      f"2026-09-10,{VILLAGE},op_a,4g,10,crowd\n"
                                      f"2026-11-10,{ASTANA_DISTRICT},op_a,4g,10,operator\n"
                                      f"2026-11-12,{ASTANA_DISTRICT},op_b,4g,10,operator\n")
    first = load(con, "speed_tests", speed, loaded_by="op.a")
    cover = write(tmp_path / "c.csv", f"period,kato,operator,technology,covered\n2026-10,{VILLAGE},op_a,4g,1\n"
                                      f"2026-10,{REGION},op_b,4g,0\n")
    second = load(con, "coverage", cover, loaded_by="op.b")
    fresh = db.run(con, "data/freshness", region="KZ-23", as_of_date=TODAY)
    rows = {(r.dataset, r.source_code if isinstance(r.source_code, str) else r.operator_code): r
            for r in fresh.itertuples(index=False)}
    crowd, operator = rows[("speed_tests", "crowd")], rows[("speed_tests", "operator")]
    assert (crowd.rows, crowd.region_rows, crowd.data_age_days, crowd.stale) == (1, 1, 66, True)
    assert (operator.rows, operator.region_rows, operator.data_age_days, operator.stale) == (2, 0, 3, False)
    assert operator.last_loaded_by == "op.a" and operator.last_load_id == first.load_id
    assert rows[("coverage", "op_b")].operator_name == "Operator B" and not rows[("coverage", "op_b")].stale
    never = fresh[fresh.dataset == "survey"].iloc[0]
    assert never.rows == 0 and bool(never.stale)

    areas = db.run(con, "data/rows_by_area", region="KZ-23", start_date=date(2026, 9, 1), end_date=date(2026, 11, 1))
    by_area = areas.set_index("area_code")
    assert by_area.loc[DISTRICT, "speed_tests_rows"] == 1 and by_area.loc[DISTRICT, "coverage_rows"] == 1
    assert by_area.loc["KZ-23", "coverage_rows"] == 1 and by_area.loc["KZ-23", "level"] == "region"
    assert areas.speed_tests_rows.sum() == 1 and set(areas.level) == {"district", "region"}
    national = db.run(con, "data/rows_by_area", region=None, start_date=date(2026, 11, 1), end_date=date(2026, 12, 1))
    assert len(national) == 20 and national.set_index("area_code").loc["KZ-71", "speed_tests_rows"] == 2

    ingest.rollback(con, second.load_id, by="reg")
    log = db.run(con, "data/load_log", region="KZ-71", limit=50)
    assert list(log.load_id) == [second.load_id, first.load_id]      # newest first; rolled back kept
    assert log.set_index("load_id").loc[first.load_id, "region_rows"] == 2
    assert log.set_index("load_id").loc[second.load_id, "status"] == "rolled_back"
    assert db.run(con, "data/load_log", region="KZ-10", limit=50).load_id.tolist() == [second.load_id]


# ---- the Data page with a signed-in user ---------------------------------------------------------------------

def test_data_page_offers_upload_and_rollback_to_a_signed_in_regulator(small_copy, tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    users = tmp_path / "users.json"
    auth.add_user("reg.one", "regulator", "a long enough password", path=users)
    monkeypatch.setenv("DIALOGUE_DB", str(small_copy))
    monkeypatch.setenv("DIALOGUE_USERS", str(users))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params.update({"lang": "en"})
    at.session_state["_auth_username"] = "reg.one"
    at.run()
    at.switch_page("views/data.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    upload = next(s for s in at.selectbox if s.key == "data_upload_dataset")
    assert upload.options == ["Speed tests", "Coverage", "Complaints", "Rollout", "Bottlenecks", "Business survey",
                              "Speed tiles (Ookla open data)", "Permit applications", "Mass events"]
    # The nine demo loads, newest first: a regulator may roll back any load, once the box is ticked.
    pick = next(s for s in at.selectbox if s.key.startswith("data_rollback_pick"))
    assert len(pick.options) == 9 and pick.value == 9
    assert at.button(key="data_rollback").disabled
    at.checkbox(key="data_rollback_sure_9").check().run()
    at.button(key="data_rollback").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Load #9 rolled back" in s.value for s in at.success)
    with access.reading(small_copy) as con:   # the app's shared connection of this process
        assert con.execute("select count(*) from mass_event").fetchone()[0] == 0
        assert con.execute("select status, rolled_back_by from load_log where load_id = 9").fetchone() == \
            ("rolled_back", "reg.one")


# ---- a million speed tests (their time is the benchmark's: `make bench` prints load_s) -----------------------

@pytest.mark.slow
def test_a_million_speed_tests_check_stage_and_load_whole(small_copy, million_speed_tests):
    with access.reading(small_copy) as cur:
        before = cur.execute("select count(*) from speed_test").fetchone()[0]
    started = time.perf_counter()
    report = ingest.load_file(small_copy, "speed_tests", million_speed_tests, loaded_by="bench", today=TODAY)
    elapsed = time.perf_counter() - started
    assert report.status == "loaded", report.text()
    with access.reading(small_copy) as cur:
        assert cur.execute("select count(*) from speed_test").fetchone()[0] == before + 1_000_000
        assert cur.execute("select sum(tests) from speed_test_monthly where scope = 'KZ' and dimension = 'all'"
                           ).fetchone()[0] == before + 1_000_000, "the monthly summary counts every test"
    print(f"\n1,000,000 speed tests checked, staged and loaded in {elapsed:.1f} s")


@pytest.mark.parametrize("data,blank", [(b"a\nb\n", False), (b"a\nb\n\n\n", False), (b"a\n\nb\n", True),
                                        (b"abc\n\r\n\r\nxyz", True), (b"abc\r\n\r\n", False), (b"ab\n\nxy", True),
                                        (b"abcd\nefgh\n", False)])
def test_empty_lines_before_data_are_found_across_chunks(tmp_path, monkeypatch, data, blank):
    # Such files take the slower, exactly numbered path; chunks of 4 bytes split every line break.
    monkeypatch.setattr(ingest.read, "_CHUNK", 4)
    path = tmp_path / "f.csv"
    path.write_bytes(data)
    assert ingest.read.scan_csv_bytes(path).inner_blank_lines is blank


# ---- a load checks while readers go on, and holds the writer role only to move its rows in --------------------

def _speed_file(tmp_path, n=3000):
    from tests.conftest import speed_tests_csv

    return speed_tests_csv(tmp_path / "october.csv", n, [VILLAGE, ASTANA_DISTRICT], seed=11)


def test_a_load_holds_the_writer_role_only_to_move_its_checked_rows(small_copy, tmp_path):
    """Reading and checking run with no write requested (every reader goes on); the request comes for the
    move of the checked rows; no staging folder is left beside the warehouse."""
    w = access._get(small_copy)
    requested = {}

    def note(stage, info):
        requested[stage] = w.write_requested()

    with access.reading(small_copy) as cur:
        before = snapshot(cur)
    report = ingest.load_file(small_copy, "speed_tests", _speed_file(tmp_path), loaded_by="tester",
                              progress=note, today=TODAY)
    assert report.status == "loaded", report.text()
    assert requested == {"reading": False, "validating": False, "loading": True, "committed": True}
    assert not list(small_copy.parent.glob(ingest.STAGING_PREFIX + "*")), "a staging folder was left behind"
    with access.reading(small_copy) as cur:
        assert cur.execute("select count(*) from speed_test where load_id = ?", [report.load_id]).fetchone()[0] \
            == 3000
        assert snapshot(cur) != before
    again = ingest.load_file(small_copy, "speed_tests", _speed_file(tmp_path), loaded_by="tester", today=TODAY)
    assert again.status == "already_loaded" and again.previous_load["load_id"] == report.load_id


def test_a_staged_load_swaps_in_the_summary_a_rebuild_would_make_and_keeps_the_file_order(small_copy, tmp_path):
    """The summaries of the touched months are computed beside the check, and the rows go in unsorted under
    the writer role: both must come out as a load that did everything under the writer role."""
    source = _speed_file(tmp_path)
    report = ingest.load_file(small_copy, "speed_tests", source, loaded_by="tester", today=TODAY)
    assert report.status == "loaded", report.text()
    with access.writer(small_copy) as con:
        swapped = sorted(con.execute("select * from speed_test_monthly").fetchall())
        db.refresh_summaries(con, "speed_test")
        assert sorted(con.execute("select * from speed_test_monthly").fetchall()) == swapped
        loaded = [r[0] for r in con.execute("select download_mbps from speed_test where load_id = ?",
                                            [report.load_id]).fetchall()]
        in_file = [r[0] for r in con.execute("select download_mbps from read_csv(?)", [str(source)]).fetchall()]
        assert loaded == in_file


def test_a_load_is_checked_again_when_the_warehouse_changed_meanwhile(small_copy, tmp_path):
    """Two files with the same complaint sent at once: the other process's load gets in between this one's
    check and its move, so the checks that look at the warehouse are redone under the writer role and the
    key is refused, not doubled."""
    ours = write(tmp_path / "ours.csv", COMPLAINT_HEADER + f"\nZ-77;2026-10-01;{VILLAGE};op_a;mobile;other;received;;;;;\n")
    theirs = write(tmp_path / "theirs.csv", COMPLAINT_HEADER +
                   f"\nZ-77;2026-10-02;{VILLAGE};op_a;mobile;other;received;;;;;\n")
    w, other = access._get(small_copy), []

    def note(stage, info):
        if stage == "validating" and not other:   # our check is under way: the other load starts and asks
            other.append(subprocess.Popen([sys.executable, "-m", "dialogue", "--db", str(small_copy), "ingest",
                                           "complaints", str(theirs)], cwd=ROOT, stdout=subprocess.PIPE,
                                          stderr=subprocess.PIPE, text=True))
            deadline = time.monotonic() + 60
            while not w.write_requested():
                assert time.monotonic() < deadline and other[0].poll() is None, "the other load never asked"
                time.sleep(0.05)

    report = ingest.load_file(small_copy, "complaints", ours, loaded_by="tester", progress=note, today=TODAY)
    out, err = other[0].communicate(timeout=120)
    assert other[0].returncode == 0 and "loaded" in out, err
    assert report.status == "rejected", report.text()
    assert any(i.reason == "duplicate_in_warehouse" for i in report.issues)
    with access.reading(small_copy) as cur:
        assert cur.execute("select count(*) from complaint where complaint_id = 'Z-77'").fetchone()[0] == 1
