"""Layer 4: a corpus of broken and hostile files. Each gets its clear finding (or a clean acceptance, with
the hostile text stored as plain text), and after every rejected file the warehouse is exactly as it was:
same row counts and the same hash of every table a load could touch.

The corpus is generated (small, deterministic) rather than committed: `python -m tests.ingest.test_bad_inputs DIR`
writes it to DIR for trying by hand (see tests/ingest/bad_inputs.md).
"""

from __future__ import annotations

import io
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import openpyxl
import pytest

from dialogue import db, ingest
from tests.factories import ASTANA_DISTRICT, COMPLAINT_HEADER, VILLAGE, snapshot

SPEED_HEADER = "measured_at,kato,operator,technology,download_mbps,upload_mbps,latency_ms,source"
SPEED_ROW = f"2026-10-01 10:00,{VILLAGE},op_a,4g,50,10,20,crowd"
BOTTLENECK_HEADER = "bottleneck_id,kind,kato,operator,site_ref,responsible,opened_on,due_on,status,description"
SQL = "'; drop table complaint;--"


def _xlsx(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return out.getvalue()


def _noise(n: int, seed: int, low: int = 0) -> bytes:
    return np.random.default_rng(seed).integers(low, 256, n, dtype=np.uint8).tobytes()


def _nul_line(content: bytes) -> int:
    return content[:content.index(b"\x00")].count(b"\n") + 1


def _text(lines: list[str], encoding: str = "utf-8", end: str = "\n") -> bytes:
    return end.join(lines).encode(encoding) + end.encode(encoding)


@dataclass(frozen=True)
class Case:
    name: str               # the file name, extension included (it is what a user would send)
    dataset: str
    content: bytes
    expect: set             # {(row, column, reason)} exactly, or {"loaded"}


HOSTILE_TEXTS = ['=HYPERLINK("http://evil.example","click")', "+cmd|' /C calc'!A0", "@SUM(A1:A9)", "-2+3",
                 SQL, "<script>alert(1)</script>", "Мачта 🚧 ждёт разрешения 📡", "Robert'); DROP TABLE bottleneck;--"]

CASES = [
    Case("empty.csv", "speed_tests", b"", {(None, "", "file_empty")}),
    Case("blank_lines.csv", "speed_tests", b"\n\r\n  \n", {(1, "", "no_header")}),
    Case("header_only.csv", "speed_tests", _text([SPEED_HEADER]), {(None, "", "no_rows")}),
    Case("header_only_trailing_blanks.csv", "speed_tests", _text([SPEED_HEADER, "", ""], end="\r\n"),
         {(None, "", "no_rows")}),
    Case("not_utf8_not_cp1251.csv", "speed_tests", _text([SPEED_HEADER]) + b"2026-10-01,\x98\x98\xff,op_a\n",
         {(None, "", "not_utf8_or_cp1251")}),
    Case("utf16_bom.csv", "speed_tests", _text([SPEED_HEADER, SPEED_ROW], "utf-16"), {(None, "", "utf16")}),
    Case("utf16le_no_bom.csv", "speed_tests", _text([SPEED_HEADER, SPEED_ROW], "utf-16-le"), {(None, "", "utf16")}),
    Case("truncated_row.csv", "speed_tests", _text([SPEED_HEADER, SPEED_ROW, SPEED_ROW])[:-25],
         {(3, "", "too_few_values")}),
    Case("truncated_in_quotes.csv", "bottlenecks",
         _text([BOTTLENECK_HEADER, f'B-1,land_plot,{VILLAGE},op_a,S1,akimat,2026-09-01,,open,"the plot was']),
         {(2, "", "malformed_row")}),
    Case("too_many_values.csv", "speed_tests", _text([SPEED_HEADER, SPEED_ROW + ",extra"]),
         {(2, "", "too_many_values")}),
    Case("complaints_sent_as_speed_tests.csv", "speed_tests",
         _text([COMPLAINT_HEADER, f"K-1;2026-10-01;{VILLAGE};op_a;mobile;other;received;;;;;"]),
         {(1, "measured_at", "missing_column"), (1, "technology", "missing_column"),
          (1, "download_mbps", "missing_column"), (1, "source", "missing_column"), (1, "", "wrong_dataset"),
          *{(1, h, "unknown_column") for h in COMPLAINT_HEADER.split(";") if h not in ("kato", "operator")}}),
    Case("repeated_column.csv", "speed_tests", _text([SPEED_HEADER + ",Download Mbps", SPEED_ROW + ",60"]),
         {(1, "Download Mbps", "repeated_column")}),
    Case("binary_with_nul.csv", "speed_tests", _noise(4000, seed=1), {(_nul_line(_noise(4000, seed=1)), "", "nul_byte")}),
    Case("binary_without_nul.csv", "speed_tests", _noise(4000, seed=2, low=1).replace(b"\x98", b"\x99"),
         {(None, "", "binary")}),
    Case("png_renamed.csv", "speed_tests", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + _noise(500, seed=3),
         {(3, "", "nul_byte")}),     # the signature holds two line breaks before its first NUL
    Case("nul_in_a_field.csv", "bottlenecks",
         _text([BOTTLENECK_HEADER, f"B-1,land_plot,{VILLAGE},op_a,S1,akimat,2026-09-01,,open,ok",
                f"B-2,land_plot,{VILLAGE},op_a,S\x002,akimat,2026-09-01,,open,bad"]), {(3, "", "nul_byte")}),
    Case("zip_of_junk.xlsx", "speed_tests", _zip({"junk.bin": _noise(2000, seed=4), "readme.txt": b"hello"}),
         {(None, "", "bad_xlsx")}),
    Case("text_renamed.xlsx", "speed_tests", _text([SPEED_HEADER, SPEED_ROW]), {(None, "", "bad_xlsx")}),
    Case("truncated.xlsx", "speed_tests", _xlsx([SPEED_HEADER.split(","), SPEED_ROW.split(",")])[:900],
         {(None, "", "bad_xlsx")}),
    Case("workbook_xml_is_junk.xlsx", "speed_tests",
         _zip({"xl/workbook.xml": b"<not xml", "[Content_Types].xml": b"<?xml version='1.0'?><x/>"}),
         {(None, "", "bad_xlsx")}),
    Case("old_excel.xls", "speed_tests", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + _noise(600, seed=5),
         {(None, "", "old_xls")}),
    Case("impossible_dates.csv", "speed_tests",
         _text([SPEED_HEADER, SPEED_ROW.replace("2026-10-01 10:00", "31.02.2026"),
                SPEED_ROW.replace("2026-10-01 10:00", "2026-02-29"), SPEED_ROW.replace("2026-10-01 10:00", "29.02.2024"),
                SPEED_ROW.replace("2026-10-01 10:00", "2026-13-01"), SPEED_ROW.replace("2026-10-01 10:00", "01/10/2026"),
                SPEED_ROW.replace("2026-10-01 10:00", "2026-10-01 25:00"), SPEED_ROW.replace("2026-10-01 10:00", "2099-01-01")]),
         {(2, "measured_at", "not_a_date"), (3, "measured_at", "not_a_date"), (5, "measured_at", "not_a_date"),
          (6, "measured_at", "not_a_date"), (7, "measured_at", "not_a_date"), (8, "measured_at", "future_date")}),
    # A UTC offset must be whole ('+05:00', '+0500', 'Z') and real (-12..+14 hours); converted to local time
    # (UTC+5), a test may fall after today.
    Case("bad_offsets.csv", "speed_tests",
         _text([SPEED_HEADER] + [SPEED_ROW.replace("2026-10-01 10:00", t) for t in
                                 ("2026-10-01T10:00:00+5", "2026-10-01 10:00 UTC", "2026-10-01T10:00:00+25:00",
                                  "2026-10-01T10:00:00Q", "2026-11-15T23:30:00-02:00", "2026-10-01T10:00:00-05:00")]),
         {(2, "measured_at", "not_a_date"), (3, "measured_at", "not_a_date"), (4, "measured_at", "not_a_date"),
          (5, "measured_at", "not_a_date"), (6, "measured_at", "future_date")}),
    Case("numbers.csv", "speed_tests",
         _text([SPEED_HEADER.replace(",", ";")] + [
             f"2026-10-01;{VILLAGE};op_a;4g;{v};;;crowd" for v in
             ("1,5", "1.5", "1 500,5", "1\u00a0500,5", "1,500.5", "1.500,5", "NaN", "inf", "1e3", "--1", "0x10", "½")]),
         {(r, "download_mbps", "not_a_number") for r in range(6, 14)}),
    Case("latency_and_speed_limits.csv", "speed_tests",
         _text([SPEED_HEADER, SPEED_ROW.replace(",50,10,20,", ",-1,10,20,"), SPEED_ROW.replace(",50,10,20,", ",10000.01,10,20,"),
                SPEED_ROW.replace(",50,10,20,", ",50,10,0,"), SPEED_ROW.replace(",50,10,20,", ",10000,0,0.1,")]),
         {(2, "download_mbps", "below_min"), (3, "download_mbps", "above_max"), (4, "latency_ms", "not_above_min")}),
    Case("hostile_in_every_field.csv", "bottlenecks",
         _text([BOTTLENECK_HEADER, ",".join([
             '"x\u202eevil"', '"<script>"', '"' + SQL.replace('"', '""') + '"', "'; --", '"\u202egnp.exe"',
             "=cmd()", "@SUM(1)", "-2+3", "' or 1=1", '"' + "Ы" * 10_000 + '"'])]),
         {(2, "bottleneck_id", "control_chars"), (2, "kind", "not_allowed"), (2, "kato", "unknown_kato"),
          (2, "operator", "unknown_operator"), (2, "site_ref", "control_chars"), (2, "responsible", "not_allowed"),
          (2, "opened_on", "not_a_date"), (2, "due_on", "not_a_date"), (2, "status", "not_allowed"),
          (2, "description", "too_long")}),
    Case("hostile_text_accepted.csv", "bottlenecks",
         _text([BOTTLENECK_HEADER] + [
             f'"{t.replace(chr(34), chr(34) * 2)}",land_plot,{VILLAGE},op_a,"{t.replace(chr(34), chr(34) * 2)}",'
             f'akimat,2026-09-01,,open,"{t.replace(chr(34), chr(34) * 2)}"' for t in HOSTILE_TEXTS]),
         {"loaded"}),
    Case("excel_style_semicolons.csv", "coverage",
         b"\xef\xbb\xbf" + _text(["period;kato;operator;technology;covered;;", f"12.2023;{VILLAGE};Operator A;4G;1;;",
                                  ";;;;;;", f"2023-12;{VILLAGE};op_b;4g;0;;", ";;;;;;"], end="\r\n"),
         {"loaded"}),
]


# Permit files: each kind of bad row refuses the whole file, the row named. Sites in KZ-23 (VILLAGE) unless said.
PERMIT_HEADER = "site_ref,operator,kato,stage,authority,submitted_on,decided_on,outcome,resubmitted_on,rollout_item_id,note"
PERMIT_OK = f"P-OK,op_a,{VILLAGE},land_request,Akimat,2026-03-02,2026-03-10,approved,,,"


def _permits(*rows: str) -> bytes:
    return _text([PERMIT_HEADER, PERMIT_OK, *rows])


CASES += [
    Case("permit_unknown_stage.csv", "permits",
         _permits(f"P-1,op_a,{VILLAGE},mast_blessing,Akimat,2026-03-02,,,,,"), {(3, "stage", "not_allowed")}),
    Case("permit_decided_before_submitted.csv", "permits",
         _permits(f"P-1,op_a,{VILLAGE},land_request,Akimat,2026-05-10,2026-05-01,approved,,,"),
         {(3, "decided_on", "before_other")}),
    Case("permit_stages_out_of_order.csv", "permits",
         _permits(f"P-1,op_a,{VILLAGE},sanitary,SES,2026-02-01,2026-02-10,approved,,,",
                  f"P-1,op_a,{VILLAGE},land_request,Akimat,2026-03-01,2026-03-05,approved,,,"),
         {(3, "stage", "stage_out_of_order")}),
    Case("permit_overlapping_pauses.csv", "permits",
         _permits(f"P-1,op_a,{VILLAGE},apz,Architecture,2026-04-01,2026-04-06,returned,2026-04-20,,plan missing",
                  f"P-1,op_a,{VILLAGE},apz,Architecture,2026-04-10,2026-04-25,approved,,,"),
         {(4, "submitted_on", "overlapping_pause")}),
    Case("permit_site_in_two_regions.csv", "permits",
         _permits(f"P-1,op_a,{VILLAGE},land_request,Akimat,2026-03-02,2026-03-06,approved,,,",
                  f"P-1,op_a,{ASTANA_DISTRICT},land_allocation,Akimat,2026-03-09,,,,,"),
         {(3, "kato", "site_in_two_regions"), (4, "kato", "site_in_two_regions")}),
    Case("permit_outcome_without_decision.csv", "permits",
         _permits(f"P-1,op_a,{VILLAGE},land_request,Akimat,2026-03-02,,approved,,,",
                  f"P-2,op_a,{VILLAGE},land_request,Akimat,2026-03-02,2026-03-04,approved,2026-03-09,,"),
         {(3, "decided_on", "decision_missing"), (4, "resubmitted_on", "resubmitted_not_returned")}),
]


EVENT_HEADER = "name,kind,kato,latitude,longitude,radius_m,starts_at,ends_at,attendance,source"
EVENT_OK = f"Concert,concert,{ASTANA_DISTRICT},,,,2026-08-12 19:00,2026-08-12 23:00,30000,Organiser"


def _events(*rows: str) -> bytes:
    return _text([EVENT_HEADER, EVENT_OK, *rows])


# A bad events file is refused whole, the row named: the good first row is not loaded either.
CASES += [
    Case("event_ends_before_start.csv", "events",
         _events("Match,sport,,51.1083,71.4024,1500,12.08.2026 19:00,12.08.2026 18:00,28000,Club"),
         {(3, "ends_at", "ends_not_after_start")}),
    Case("event_unknown_place.csv", "events",
         _events("Forum,forum,999999999,,,,2026-05-29 09:00,2026-05-29 19:00,5000,Ministry"),
         {(3, "kato", "unknown_kato")}),
    Case("event_point_outside_kazakhstan.csv", "events",
         _events("Concert in Moscow,concert,,55.7558,37.6173,1500,2026-08-12 19:00,2026-08-12 23:00,30000,Organiser"),
         {(3, "latitude, longitude", "outside_kazakhstan")}),
    Case("event_unknown_kind.csv", "events",
         _events(f"Rave,rave,{ASTANA_DISTRICT},,,,2026-08-12 19:00,2026-08-12 23:00,3000,Organiser"),
         {(3, "kind", "not_allowed")}),
    Case("event_too_long_radius_without_point.csv", "events",
         _events(f"Festival,concert,{ASTANA_DISTRICT},,,2000,2026-08-01 12:00,2026-08-20 23:00,9000,Organiser",
                 "Square,holiday,,51.1283,71.4304,,2026-03-22 12:00,2026-03-22 22:00,60000,Akimat"),
         {(3, "ends_at", "event_too_long"), (3, "radius_m", "radius_without_point"), (4, "radius_m", "required")}),
]


@pytest.fixture
def con(small_copy):
    c = db.connect(small_copy)
    yield c
    c.close()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input(con, tmp_path, case):
    path = tmp_path / case.name
    path.write_bytes(case.content)
    before = snapshot(con)
    report = ingest.ingest(con, case.dataset, path, loaded_by="corpus", today=ingest.date(2026, 11, 15))
    if case.expect == {"loaded"}:
        assert report.status == "loaded", report.text()
        return
    assert report.status == "rejected"
    assert {(i.row, i.column, i.reason) for i in report.issues} == case.expect, report.text()
    assert snapshot(con) == before, "a rejected file changed the warehouse"
    # Every finding reads as a sentence in each language, with no raw key and no invisible character.
    for lang in ("en", "ru", "kk"):
        text = report.text(lang)
        assert "data.reason_" not in text and "\x00" not in text and "\u202e" not in text


def test_hostile_text_is_stored_verbatim_and_tables_survive(con, tmp_path):
    case = next(c for c in CASES if c.name == "hostile_text_accepted.csv")
    path = tmp_path / case.name
    path.write_bytes(case.content)
    report = ingest.ingest(con, "bottlenecks", path, loaded_by="corpus", today=ingest.date(2026, 11, 15))
    stored = con.execute("select bottleneck_id, site_ref, description from bottleneck where load_id = ? "
                         "order by bottleneck_id", [report.load_id]).fetchall()
    assert sorted(stored) == sorted((t, t, t) for t in HOSTILE_TEXTS)
    assert con.execute("select count(*) from complaint").fetchone()[0] > 0    # not dropped


def test_numbers_in_every_spelling(con, tmp_path):
    lines = [SPEED_HEADER.replace(",", ";")] + [f"2026-10-01;{VILLAGE};op_a;4g;{v};;;crowd"
                                               for v in ("1,5", "1.5", "1 500,5", "1\u00a0500,5", " 7 ", "+3")]
    path = tmp_path / "n.csv"
    path.write_bytes(_text(lines))
    report = ingest.ingest(con, "speed_tests", path, loaded_by="corpus", today=ingest.date(2026, 11, 15))
    assert report.status == "loaded", report.text()
    values = [r[0] for r in con.execute("select download_mbps from speed_test where load_id = ? order by rowid",
                                        [report.load_id]).fetchall()]
    assert values == [1.5, 1.5, 1500.5, 1500.5, 7.0, 3.0]


def test_leap_day_and_both_date_spellings(con, tmp_path):
    lines = [SPEED_HEADER, SPEED_ROW.replace("2026-10-01 10:00", "29.02.2024"),
             SPEED_ROW.replace("2026-10-01 10:00", "31.03.2026 23:59:59"), SPEED_ROW.replace("2026-10-01 10:00", "2026-03-31T08:00")]
    path = tmp_path / "d.csv"
    path.write_bytes(_text(lines))
    report = ingest.ingest(con, "speed_tests", path, loaded_by="corpus", today=ingest.date(2026, 11, 15))
    assert report.status == "loaded", report.text()
    got = [str(r[0]) for r in con.execute("select measured_at from speed_test where load_id = ? order by rowid",
                                          [report.load_id]).fetchall()]
    assert got == ["2024-02-29 00:00:00", "2026-03-31 23:59:59", "2026-03-31 08:00:00"]


# ---- size bounds ---------------------------------------------------------------------------------------------

def _big_csv(path: Path, megabytes: int) -> Path:
    line = (SPEED_ROW + "\n").encode()
    block = line * (1024 * 1024 // len(line) + 1)
    with open(path, "wb") as f:
        f.write((SPEED_HEADER + "\n").encode())
        for _ in range(megabytes):
            f.write(block)
    return path


def test_a_file_over_the_size_limit_is_refused_at_once(con, tmp_path, monkeypatch):
    path = _big_csv(tmp_path / "fifty.csv", 50)
    assert path.stat().st_size > 50 * 1024 * 1024
    monkeypatch.setattr(ingest, "MAX_BYTES", 20 * 1024 * 1024)
    before = snapshot(con)
    started = time.perf_counter()
    report = ingest.ingest(con, "speed_tests", path, loaded_by="corpus")
    assert time.perf_counter() - started < 1.0, "refused from its size, without reading it"
    assert [(i.reason, i.detail) for i in report.issues] == [("file_too_large", "20 MB")]
    assert snapshot(con) == before


def test_the_default_limits(con, tmp_path):
    assert ingest.MAX_BYTES == 200 * 1024 * 1024 and ingest.MAX_ROWS == 5_000_000
    path = tmp_path / "huge.csv"
    with open(path, "wb") as f:
        f.truncate(ingest.MAX_BYTES + 1)   # sparse: no disk used, refused from its size
    report = ingest.ingest(con, "speed_tests", path, loaded_by="corpus")
    assert [i.reason for i in report.issues] == ["file_too_large"]


def test_too_many_rows_are_refused(con, tmp_path, monkeypatch):
    monkeypatch.setattr(ingest, "MAX_ROWS", 1000)
    path = tmp_path / "rows.csv"
    path.write_bytes(_text([SPEED_HEADER] + [SPEED_ROW] * 1001))
    before = snapshot(con)
    report = ingest.ingest(con, "speed_tests", path, loaded_by="corpus")
    assert [(i.reason, i.detail) for i in report.issues] == [("too_many_rows", "1,000")]
    assert snapshot(con) == before


def test_an_xlsx_that_inflates_too_much_is_refused(con, tmp_path, monkeypatch):
    monkeypatch.setattr(ingest, "MAX_XLSX_UNZIPPED", 10_000)
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(_xlsx([SPEED_HEADER.split(",")] + [SPEED_ROW.split(",")] * 500))
    report = ingest.ingest(con, "speed_tests", path, loaded_by="corpus")
    assert [i.reason for i in report.issues] == ["file_too_large"]


def test_a_single_giant_line(con, tmp_path):
    path = tmp_path / "giant.csv"
    path.write_bytes(b"a" * (5 * 1024 * 1024))
    report = ingest.ingest(con, "speed_tests", path, loaded_by="corpus")
    assert report.status == "rejected" and "missing_column" in {i.reason for i in report.issues}


def write_corpus(directory: Path) -> None:
    """Write every case of the corpus to a directory, to try them by hand (CLI or the Data page)."""
    directory.mkdir(parents=True, exist_ok=True)
    for case in CASES:
        (directory / f"{case.dataset}__{case.name}").write_bytes(case.content)


if __name__ == "__main__":
    write_corpus(Path(sys.argv[1] if len(sys.argv) > 1 else "bad_inputs_out"))
