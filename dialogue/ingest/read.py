"""Read a user's file into the temporary all-text table ingest_raw: CSV (UTF-8 with or without BOM, or
Windows-1251; comma, semicolon or tab; decimal comma) or XLSX (openpyxl, read-only), one row per data row,
numbered as in the file (header = row 1), headers mapped to the canonical columns of dialogue.datasets."""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import os
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from dialogue import datasets
from dialogue.ingest.report import MAX_ISSUES, Issue, Report, safe_value

MAX_BYTES = 200 * 1024 * 1024          # a month of speed tests for the whole country is ~100 MB of CSV
MAX_ROWS = 5_000_000
MAX_XLSX_UNZIPPED = 1024 * 1024 * 1024  # a zip bomb stops here, before openpyxl inflates it
PREVIEW_ROWS = 20
_CHUNK = 4 * 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """How much a file may hold (dialogue.ingest passes its public MAX_* constants)."""

    max_rows: int = MAX_ROWS
    max_unzipped: int = MAX_XLSX_UNZIPPED


_PARSER_REASON = {"MISSING COLUMNS": "too_few_values", "TOO MANY COLUMNS": "too_many_values"}


def stage(cur, ds: datasets.Dataset, path: Path, report: Report, tmp: Path, limits: Limits = Limits()) -> bool:
    """Fill temp table ingest_raw (row_no + one text column per canonical column); False if rejected."""
    if report.size_bytes == 0:
        report.add(Issue(None, "", "", "file_empty"))
        return False
    with open(path, "rb") as f:
        head = f.read(4096)
    suffix = Path(report.file_name).suffix.lower()   # as the user named it (an upload is saved as upload.*)
    if head.startswith(b"PK\x03\x04"):
        report.file_format = "xlsx"
        report.checksum = sha256(path)
        numbered = _xlsx_to_csv(path, report, tmp, limits)
        if numbered is None:
            return False
        return _read_csv(cur, ds, numbered, ",", report, limits, numbered=True)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        report.add(Issue(None, "", "", "old_xls"))
        return False
    if suffix in (".xlsx", ".xlsm"):
        report.add(Issue(None, "", "", "bad_xlsx", "not a zip container"))
        return False
    report.file_format = "csv"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_utf16(head):
        report.add(Issue(None, "", "", "utf16"))
        return False
    scan = scan_csv_bytes(path)
    report.checksum = scan.checksum
    if scan.nul_line is not None:
        report.add(Issue(scan.nul_line, "", "", "nul_byte"))
        return False
    encoding = "utf-8" if scan.utf8 else "cp1251"
    if not scan.utf8 and not _decodes(path, "cp1251"):
        report.add(Issue(None, "", "", "not_utf8_or_cp1251"))
        return False
    if _looks_binary(head.decode(encoding, errors="replace")[:-1]):  # the last character may be cut
        report.add(Issue(None, "", "", "binary"))
        return False
    report.encoding = encoding
    header_text = _first_line(path, encoding)
    if not header_text.strip():
        report.add(Issue(1, "", "", "no_header"))
        return False
    delimiter = _sniff_delimiter(header_text)
    report.delimiter = delimiter
    if scan.utf8 and not scan.inner_blank_lines:
        return _read_csv(cur, ds, path, delimiter, report, limits, numbered=False)
    # Windows-1251, or empty lines DuckDB would skip (shifting row numbers): rewrite as numbered UTF-8.
    numbered = _renumber_csv(path, encoding, delimiter, report, tmp, limits)
    return numbered is not None and _read_csv(cur, ds, numbered, ",", report, limits, numbered=True)


@dataclass
class _Scan:
    checksum: str
    utf8: bool
    nul_line: int | None
    inner_blank_lines: bool


def scan_csv_bytes(path: Path) -> _Scan:
    """One streaming pass: sha256, strict UTF-8 or not, the line of a NUL byte, empty lines before data."""
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    utf8, nul_line, lines, blank, tail = True, None, 1, False, b""
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
            if nul_line is None:
                i = chunk.find(b"\x00")
                if i >= 0:
                    nul_line = lines + chunk.count(b"\n", 0, i)
                else:
                    lines += chunk.count(b"\n")
            if utf8:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    utf8 = False
            # An empty line counts only if data follows it (trailing empty lines shift no row number);
            # the tail carries a line break split between two chunks.
            text = tail + chunk
            inner = text.rstrip(b"\r\n")
            blank = blank or b"\n\n" in inner or b"\n\r\n" in inner
            tail = text[-3:]
    if utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8 = False
    return _Scan(digest.hexdigest(), utf8, nul_line, blank)


def sha256(path: str | os.PathLike) -> str:
    """The SHA-256 of a file, read in chunks (a load's checksum, a backup's manifest)."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _decodes(path: Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    try:
        with open(path, "rb") as f:
            while chunk := f.read(_CHUNK):
                decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _looks_utf16(head: bytes) -> bool:
    """UTF-16 without a byte-order mark: every other byte of ASCII text is zero."""
    sample = head[:1024]
    if len(sample) < 16:
        return False
    return sample[1::2].count(0) > 0.4 * len(sample) / 2 or sample[0::2].count(0) > 0.4 * len(sample) / 2


def _looks_binary(sample: str) -> bool:
    """More than 1% control characters (or undecodable bytes) in the first kilobytes: not a text table."""
    if not sample:
        return False
    bad = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\t\r\n") or ch == "\ufffd")
    return bad > 0.01 * len(sample)


def _first_line(path: Path, encoding: str) -> str:
    with open(path, encoding="utf-8-sig" if encoding == "utf-8" else encoding, newline="") as f:
        return f.readline(1024 * 1024)


def _sniff_delimiter(line: str) -> str:
    """Comma, semicolon or tab: the one the header line uses most outside quotes."""
    outside = re.sub(r'"[^"]*"', "", line)
    counts = {d: outside.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _header(path: Path, encoding: str, delimiter: str) -> list[str]:
    with open(path, encoding="utf-8-sig" if encoding == "utf-8" else encoding, newline="") as f:
        line = f.readline(1024 * 1024)
    try:
        return next(csv.reader(io.StringIO(line), delimiter=delimiter), [])
    except csv.Error:   # a header no spreadsheet would write (a megabyte-long name): matches no column
        return [line[:100]]


def _renumber_csv(path: Path, encoding: str, delimiter: str, report: Report, tmp: Path,
                  limits: Limits) -> Path | None:
    """Stream the file through Python's csv reader into UTF-8 with each row's number in front."""
    out = tmp / "numbered.csv"
    width = None
    with open(path, encoding="utf-8-sig" if encoding == "utf-8" else encoding, newline="") as src, \
            open(out, "w", encoding="utf-8", newline="") as dst:
        reader = csv.reader(src, delimiter=delimiter, strict=True)
        writer = csv.writer(dst)
        row_no = 0
        try:
            for record in reader:
                row_no += 1
                if width is None:
                    width = len(record)
                    writer.writerow(["__row", *record])
                    continue
                if not any(v.strip() for v in record):
                    continue
                if len(record) != width:
                    reason = "too_few_values" if len(record) < width else "too_many_values"
                    report.add(Issue(row_no, "", delimiter.join(record), reason, f"{len(record)} / {width}"))
                    continue
                writer.writerow([row_no, *record])
                if row_no > limits.max_rows + 1:
                    break
        except csv.Error as exc:
            report.add(Issue(reader.line_num, "", "", "malformed_row", str(exc)))
    return None if report.errors else out


def _xlsx_to_csv(path: Path, report: Report, tmp: Path, limits: Limits) -> Path | None:
    """The first sheet of a workbook as a numbered UTF-8 CSV (values as Excel shows them, never formulas)."""
    import openpyxl

    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
            if "xl/workbook.xml" not in {i.filename for i in infos}:
                report.add(Issue(None, "", "", "bad_xlsx", "no workbook inside"))
                return None
            if sum(i.file_size for i in infos) > limits.max_unzipped:
                report.add(Issue(None, "", "", "file_too_large", mb(limits.max_unzipped)))
                return None
        # data_only: the values Excel computed, so a formula in a cell is never evaluated nor stored.
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        report.add(Issue(None, "", "", "bad_xlsx", type(exc).__name__))
        return None
    out = tmp / "numbered.csv"
    try:
        sheet = book.worksheets[0]
        if len(book.worksheets) > 1:
            report.add(Issue(None, "", "", "first_sheet_only", sheet.title, severity="warning"))
        sheet.reset_dimensions()  # read-only mode trusts the file's stated size, which may be wrong
        report.encoding, report.delimiter = "xlsx", ""
        with open(out, "w", encoding="utf-8", newline="") as dst:
            writer = csv.writer(dst)
            width = None
            for row_no, values in enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1):
                cells = [_cell_text(v) for v in values]
                if not any(c.strip() for c in cells):
                    continue
                if width is None:
                    width = len(cells)
                    writer.writerow(["__row", *cells])
                    continue
                cells = (cells + [""] * width)[:width]
                writer.writerow([row_no, *cells])
                if row_no > limits.max_rows + 1:
                    break
    except Exception as exc:
        report.add(Issue(None, "", "", "bad_xlsx", type(exc).__name__))
        return None
    finally:
        book.close()
    return out


def _cell_text(value) -> str:
    """An Excel cell as the text a CSV export would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return f"{value:.10f}".rstrip("0").rstrip(".")
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _read_csv(cur, ds: datasets.Dataset, path: Path, delimiter: str, report: Report, limits: Limits,
              numbered: bool) -> bool:
    """Read the CSV all-text into ingest_raw with DuckDB; malformed rows, missing columns reject the file."""
    headers = _header(path, "utf-8", delimiter)
    if numbered:
        headers = headers[1:]
    if not any(h.strip() for h in headers):
        report.add(Issue(1, "", "", "no_header"))
        return False
    match = datasets.match_headers(ds, headers)
    report.columns = {name: headers[i] for i, name in match.columns.items()}
    for _, h in match.unknown:
        if h.strip():
            report.add(Issue(1, h, "", "unknown_column", severity="warning"))
    for _, h in match.repeated:
        report.add(Issue(1, h, "", "repeated_column", match_name(ds, h)))
    for name in match.missing:
        report.add(Issue(1, name, "", "missing_column"))
    if match.missing:
        other = datasets.best_match(headers, exclude=ds.name)
        if other:
            report.add(Issue(1, "", "", "wrong_dataset", other))
    if report.errors:
        return False

    width = len(headers) + (1 if numbered else 0)
    columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width))   # generated names, never the file's
    offset = 1 if numbered else 0
    picks = [f"c{i + offset} as {name}" for i, name in match.columns.items()]
    not_empty = " or ".join(f"c{i + offset} is not null" for i in range(len(headers)))
    row_no = "c0::bigint" if numbered else "row_number() over () + 1"
    cur.execute(f"""
        create or replace temp table ingest_raw as
        select * exclude (keep) from (
            select {row_no} as row_no, {', '.join(picks)}, ({not_empty}) as keep
            from read_csv($path, header = false, skip = 1, all_varchar = true, auto_detect = false,
                          delim = $delim, quote = '"', escape = '"', columns = {{{columns}}},
                          store_rejects = true, rejects_table = 'ingest_rejects', rejects_scan = 'ingest_scans',
                          rejects_limit = {MAX_ISSUES})
        ) where keep""", {"path": str(path), "delim": delimiter})
    rejects = cur.execute("""select line, error_type, csv_line, error_message from ingest_rejects
                             order by line limit $n""", {"n": MAX_ISSUES}).fetchall()
    for line, error_type, csv_line, message in rejects:
        reason = _PARSER_REASON.get(str(error_type), "malformed_row")
        detail = message.split(":")[-1].strip() if reason != "malformed_row" else str(error_type).lower()
        report.add(Issue(int(line), "", csv_line or "", reason, detail))
    report.rows = cur.execute("select count(*) from ingest_raw").fetchone()[0]
    if report.errors:
        return False
    if report.rows == 0:
        report.add(Issue(None, "", "", "no_rows"))
        return False
    if report.rows > limits.max_rows:
        report.add(Issue(None, "", "", "too_many_rows", f"{limits.max_rows:,}"))
        return False
    report.preview = cur.execute("select * from ingest_raw order by row_no limit $n", {"n": PREVIEW_ROWS}).df()
    for col in report.preview.columns[1:]:
        report.preview[col] = report.preview[col].map(safe_value)
    return True


def match_name(ds: datasets.Dataset, header: str) -> str:
    """The canonical column a header stands for ('' if none)."""
    m = datasets.match_headers(ds, [header])
    return next(iter(m.columns.values()), "")


def mb(n: int) -> str:
    return f"{n // (1024 * 1024):,} MB"

