"""Data intake: read a user's CSV or XLSX file, validate it in DuckDB SQL, load it whole or not at all.

read      CSV (UTF-8 with or without BOM, or Windows-1251; comma, semicolon or tab; decimal comma) or XLSX
          (openpyxl, read-only) into a temporary all-text table: one row per data row, numbered as in the
          file (header = row 1), headers mapped to the canonical columns of dialogue.datasets.
validate  types, allowed values, limits, KATO codes and operators, rules across columns, duplicates within
          the file and against the warehouse, the uploader's own operator / region. Every finding has
          row, column, value and reason; at most MAX_ISSUES are listed, all are counted per (column, reason).
load      one transaction: load_log row + facts + data version. A rejected file, an error or a killed
          process changes nothing.

Keyed datasets (coverage, complaints, rollout, bottlenecks, survey): a record whose key is already in the
warehouse is rejected as a duplicate, never silently replaced. To correct records, roll back their load
and send the corrected file. The same file (same bytes, same dataset) loaded again adds nothing.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import logging
import re
import shutil
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd

from dialogue import access, auth, datasets, db, i18n

log = logging.getLogger("dialogue")
MAX_BYTES = 200 * 1024 * 1024          # a month of speed tests for the whole country is ~100 MB of CSV
MAX_ROWS = 5_000_000
MAX_XLSX_UNZIPPED = 1024 * 1024 * 1024  # a zip bomb stops here, before openpyxl inflates it
MAX_ISSUES = 1_000
PREVIEW_ROWS = 20
VALUE_CHARS = 80
_CHUNK = 4 * 1024 * 1024

TS_FORMATS = ["%Y-%m-%d", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%dT%H:%M",
              "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%S.%f", "%d.%m.%Y", "%d.%m.%Y %H:%M", "%d.%m.%Y %H:%M:%S"]
MONTH_FORMATS = ["%Y-%m", "%m.%Y"]
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)
# '1 500,5' and '1500.5' are numbers; '1,500.5', 'nan', '1e3', '0x10' are not (ambiguous or not a figure).
_NUMBER = r"[+-]?([0-9]+([.,][0-9]*)?|[.,][0-9]+)"
_SPACES = r"[\s\x{00A0}\x{202F}]"
_WHITESPACE = " \t\r\n\u00a0"
# Control characters and the invisible bidirectional overrides that make text read differently.
_CONTROL = r"[\x00-\x1f\x7f\x{200E}\x{200F}\x{202A}-\x{202E}\x{2066}-\x{2069}]"
_CONTROL_MULTILINE = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x{200E}\x{200F}\x{202A}-\x{202E}\x{2066}-\x{2069}]"
_UNSAFE_CHARS = re.compile(r"[\x00-\x1f\x7f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_TYPE_REASON = {"number": "not_a_number", "integer": "not_a_number", "timestamp": "not_a_date", "date": "not_a_date",
                "month": "not_a_month", "flag": "not_a_flag", "choice": "not_allowed", "multi": "not_allowed",
                "kato": "unknown_kato", "operator": "unknown_operator"}
_PARSER_REASON = {"MISSING COLUMNS": "too_few_values", "TOO MANY COLUMNS": "too_many_values"}


class IngestError(Exception):
    """A problem that is not a finding about the file's contents (missing file, locked warehouse …)."""


Progress = Callable[[str, dict], None]


@dataclass
class Issue:
    row: int | None        # as in the file (header = row 1); None for the file as a whole
    column: str
    value: str
    reason: str            # a key of data.reason_* in the catalogues
    detail: str = ""
    severity: str = "error"

    def message(self, lang: str) -> str:
        return i18n.t(f"data.reason_{self.reason}", lang, detail=self.detail)


@dataclass
class Report:
    """What happened to one file: its findings, and whether it was loaded."""

    dataset: str
    file_name: str
    status: str = "rejected"      # rejected | valid (checked only) | loaded | already_loaded
    checksum: str = ""
    size_bytes: int = 0
    file_format: str = ""         # csv | xlsx
    encoding: str = ""
    delimiter: str = ""
    rows: int = 0
    columns: dict[str, str] = field(default_factory=dict)   # canonical column → header as in the file
    issues: list[Issue] = field(default_factory=list)       # at most MAX_ISSUES row findings + file findings
    # (severity, column, reason, detail shared by all its findings or '', count)
    totals: list[tuple[str, str, str, str, int]] = field(default_factory=list)
    preview: pd.DataFrame | None = None
    load_id: int | None = None
    previous_load: dict | None = None   # the earlier load of the same file (already_loaded)
    seconds: float = 0.0

    @property
    def errors(self) -> int:
        return sum(n for severity, _, _, _, n in self.totals if severity == "error")

    @property
    def warnings(self) -> int:
        return sum(n for severity, _, _, _, n in self.totals if severity == "warning")

    @property
    def accepted(self) -> bool:
        return self.status in ("valid", "loaded", "already_loaded")

    def add(self, issue: Issue) -> None:
        """A file-level finding (counted at once; row findings come counted from SQL)."""
        self.issues.append(issue)
        for i, (severity, column, reason, detail, n) in enumerate(self.totals):
            if (severity, column, reason) == (issue.severity, issue.column, issue.reason):
                self.totals[i] = (severity, column, reason, detail if detail == issue.detail else "", n + 1)
                return
        self.totals.append((issue.severity, issue.column, issue.reason, issue.detail, 1))

    def table(self, lang: str) -> pd.DataFrame:
        """The findings as a table a person can act on (values truncated and made visible)."""
        return pd.DataFrame({
            i18n.t("data.col_row", lang): [i.row for i in self.issues],
            i18n.t("data.col_column", lang): [i.column for i in self.issues],
            i18n.t("data.col_value", lang): [safe_value(i.value) for i in self.issues],
            i18n.t("data.col_problem", lang): [i.message(lang) for i in self.issues],
            i18n.t("data.col_severity", lang): [i18n.t(f"data.severity_{i.severity}", lang) for i in self.issues],
        }).astype({i18n.t("data.col_row", lang): "Int64"})

    def totals_table(self, lang: str) -> pd.DataFrame:
        """How many findings of each kind, per column."""
        return pd.DataFrame({
            i18n.t("data.col_column", lang): [c for _, c, _, _, _ in self.totals],
            i18n.t("data.col_problem", lang): [i18n.t(f"data.reason_{r}", lang, detail=d or "…")
                                               for _, _, r, d, _ in self.totals],
            i18n.t("data.col_severity", lang): [i18n.t(f"data.severity_{s}", lang) for s, _, _, _, _ in self.totals],
            i18n.t("data.col_count", lang): [n for _, _, _, _, n in self.totals],
        })

    def summary(self, lang: str) -> str:
        """One sentence: what happened to the file."""
        n = i18n.fmt_number
        if self.status == "already_loaded":
            prev = self.previous_load or {}
            return i18n.t("data.summary_already_loaded", lang, load_id=prev.get("load_id", "?"),
                          by=prev.get("loaded_by", "?"), when=i18n.fmt_date(prev.get("loaded_at"), lang))
        if self.status == "loaded":
            return i18n.t("data.summary_loaded", lang, count=self.rows, load_id=self.load_id)
        if self.status == "valid":
            return i18n.t("data.summary_valid", lang, count=self.rows)
        return i18n.t("data.summary_rejected", lang, errors=n(self.errors, lang), count=self.rows)

    def text(self, lang: str = "en") -> str:
        """The report for a terminal: summary, totals per (column, reason), then the listed findings."""
        lines = [f"{self.dataset}: {safe_value(self.file_name)} — {self.summary(lang)}"]
        if self.totals:
            lines.append(i18n.t("data.report_totals", lang))
            for severity, column, reason, detail, count in self.totals:
                lines.append(f"  {count:>9,}  {i18n.t(f'data.severity_{severity}', lang):<14}  {column or '-':<24}  "
                             f"{i18n.t(f'data.reason_{reason}', lang, detail=safe_value(detail) or '…')}")
        if self.issues:
            shown = len(self.issues)
            lines.append(i18n.t("data.report_listed", lang, shown=shown, total=self.errors + self.warnings))
            for i in self.issues:
                row = "-" if i.row is None else str(i.row)
                value = f"'{safe_value(i.value)}'" if i.value else ""
                lines.append(f"  {i18n.t('data.col_row', lang).lower()} {row:>7}  {i.column or '-':<24}  "
                             f"{value}  {i.message(lang)}")
        return "\n".join(lines)


def safe_value(value) -> str:
    """A file's value fit to show: truncated, control and bidi characters made visible."""
    if value is None:
        return ""
    text = str(value)
    if len(text) > VALUE_CHARS:
        text = text[:VALUE_CHARS] + "…"
    return _UNSAFE_CHARS.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


# ---- the public entry points --------------------------------------------------------------------

@contextmanager
def open_warehouse(path: str | Path | None = None, write: bool = True) -> Iterator[duckdb.DuckDBPyConnection]:
    """An existing warehouse for a load or a rollback, with a clear message when it is missing or stays in
    use: the writer role for this block only (dialogue.access), or a shared read-only cursor with
    write=False (a check that loads nothing)."""
    p = db.db_path(path)
    if not p.is_file():
        raise IngestError(f"no warehouse at {p}: build it first (python -m dialogue demo) or pass --db")
    try:
        with access.writer(p) if write else access.reading(p) as con:
            yield con
    except access.Busy as exc:
        raise IngestError(f"{exc}; try again, or wait longer with DIALOGUE_WRITE_TIMEOUT=SECONDS") from None


def check(con: duckdb.DuckDBPyConnection, dataset: str, path: str | Path, *, file_name: str | None = None,
          user: auth.User | None = None, progress: Progress | None = None, today: date | None = None) -> Report:
    """Validate a file without loading it (status 'valid', 'rejected' or 'already_loaded')."""
    return ingest(con, dataset, path, loaded_by="", file_name=file_name, user=user, progress=progress, load=False,
                  today=today)


def ingest(con: duckdb.DuckDBPyConnection, dataset: str, path: str | Path, *, loaded_by: str,
           file_name: str | None = None, user: auth.User | None = None, progress: Progress | None = None,
           load: bool = True, today: date | None = None) -> Report:
    """Read, validate and (if clean and load=True) load a file in one transaction; return the report.

    `user` is the signed-in app user (permission checks, own operator/region); the command line passes
    None and records `loaded_by` as the operator at the terminal.
    """
    started = time.perf_counter()
    ds = datasets.get(dataset)
    if user is not None and not auth.can_upload(user, dataset):
        raise auth.PermissionDenied(f"{user.username} ({user.role}) may not upload {dataset}")
    path = Path(path)
    if not path.is_file():
        raise IngestError(f"file not found: {path}")
    report = Report(dataset, file_name or path.name, size_bytes=path.stat().st_size)
    note = progress or (lambda stage, info: None)
    cur = con.cursor()
    tmp = Path(tempfile.mkdtemp(prefix="dialogue_ingest_"))
    try:
        note("reading", {"bytes": report.size_bytes})
        staged = _stage(cur, ds, path, report, tmp)
        if staged and not _already_loaded(cur, report):
            note("validating", {"rows": report.rows})
            _validate(cur, ds, report, user, today)
            if report.errors == 0:
                report.status = "valid"
                if load:
                    _load(cur, ds, report, loaded_by, note)
    finally:
        cur.close()
        shutil.rmtree(tmp, ignore_errors=True)
    report.seconds = time.perf_counter() - started
    return report


def ingest_bytes(con: duckdb.DuckDBPyConnection, dataset: str, data: bytes, file_name: str, **kwargs) -> Report:
    """ingest() for a file held in memory (an upload): written to a private temporary file first.

    The user's file name is kept for the report and the load log only, never used as a path.
    """
    suffix = Path(file_name).suffix.lower()
    with tempfile.TemporaryDirectory(prefix="dialogue_upload_") as tmp:
        path = Path(tmp) / ("upload" + (suffix if suffix in (".csv", ".txt", ".tsv", ".xlsx") else ".csv"))
        path.write_bytes(data)
        return ingest(con, dataset, path, file_name=file_name, **kwargs)


def rollback(con: duckdb.DuckDBPyConnection, load_id: int, by: str, user: auth.User | None = None) -> int:
    """Undo a load: delete its rows, mark it rolled back (who, when), bump the data version; rows removed."""
    cur = con.cursor()
    try:
        row = cur.execute("select dataset, status, loaded_by, is_demo from load_log where load_id = ?",
                          [load_id]).fetchone()
        if row is None:
            raise IngestError(f"there is no load #{load_id}")
        dataset, status, loaded_by, is_demo = row
        if status != "loaded":
            raise IngestError(f"load #{load_id} is already rolled back")
        if user is not None and not can_rollback(user, dataset, loaded_by, is_demo):
            raise auth.PermissionDenied(f"{user.username} ({user.role}) may not roll back load #{load_id}")
        table = datasets.get(dataset).table
        cur.execute("begin transaction")
        try:
            removed = cur.execute(f"delete from {table} where load_id = ?", [load_id]).fetchone()[0]  # table: constant
            cur.execute("""update load_log set status = 'rolled_back', rolled_back_at = ?, rolled_back_by = ?
                           where load_id = ?""", [datetime.now(), by, load_id])
            db.bump_version(cur)
            cur.execute("commit")
        except BaseException as exc:
            cur.execute("rollback")
            if isinstance(exc, duckdb.Error):
                raise IngestError(f"the rollback failed and changed nothing: {exc}") from exc
            raise
        log.info("load #%s rolled back by %s: %s rows removed", load_id, by, removed)
        return int(removed)
    finally:
        cur.close()


def can_rollback(user: auth.User | None, dataset: str, loaded_by: str, is_demo: bool = False) -> bool:
    """Regulator, ministry and admin may roll back any load; other uploaders only their own."""
    if user is None:
        return False
    if user.role in auth.ALL_DATA_ROLES:
        return True
    return not is_demo and loaded_by == user.username and auth.can_upload(user, dataset)


# ---- read: the file into a temporary all-text table ----------------------------------------------

def _stage(cur, ds: datasets.Dataset, path: Path, report: Report, tmp: Path) -> bool:
    """Fill temp table ingest_raw (row_no + one text column per canonical column); False if rejected."""
    if report.size_bytes == 0:
        report.add(Issue(None, "", "", "file_empty"))
        return False
    if report.size_bytes > MAX_BYTES:
        report.add(Issue(None, "", "", "file_too_large", _mb(MAX_BYTES)))
        return False
    with open(path, "rb") as f:
        head = f.read(4096)
    suffix = Path(report.file_name).suffix.lower()   # as the user named it (an upload is saved as upload.*)
    if head.startswith(b"PK\x03\x04"):
        report.file_format = "xlsx"
        report.checksum = _sha256(path)
        numbered = _xlsx_to_csv(path, report, tmp)
        if numbered is None:
            return False
        return _read_csv(cur, ds, numbered, ",", report, numbered=True)
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
    scan = _scan_csv_bytes(path)
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
        return _read_csv(cur, ds, path, delimiter, report, numbered=False)
    # Windows-1251, or empty lines DuckDB would skip (shifting row numbers): rewrite as numbered UTF-8.
    numbered = _renumber_csv(path, encoding, delimiter, report, tmp)
    return numbered is not None and _read_csv(cur, ds, numbered, ",", report, numbered=True)


@dataclass
class _Scan:
    checksum: str
    utf8: bool
    nul_line: int | None
    inner_blank_lines: bool


def _scan_csv_bytes(path: Path) -> _Scan:
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


def _sha256(path: Path) -> str:
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


def _renumber_csv(path: Path, encoding: str, delimiter: str, report: Report, tmp: Path) -> Path | None:
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
                if row_no > MAX_ROWS + 1:
                    break
        except csv.Error as exc:
            report.add(Issue(reader.line_num, "", "", "malformed_row", str(exc)))
    return None if report.errors else out


def _xlsx_to_csv(path: Path, report: Report, tmp: Path) -> Path | None:
    """The first sheet of a workbook as a numbered UTF-8 CSV (values as Excel shows them, never formulas)."""
    import openpyxl

    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
            if "xl/workbook.xml" not in {i.filename for i in infos}:
                report.add(Issue(None, "", "", "bad_xlsx", "no workbook inside"))
                return None
            if sum(i.file_size for i in infos) > MAX_XLSX_UNZIPPED:
                report.add(Issue(None, "", "", "file_too_large", _mb(MAX_XLSX_UNZIPPED)))
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
                if row_no > MAX_ROWS + 1:
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


def _read_csv(cur, ds: datasets.Dataset, path: Path, delimiter: str, report: Report, numbered: bool) -> bool:
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
    if report.rows > MAX_ROWS:
        report.add(Issue(None, "", "", "too_many_rows", f"{MAX_ROWS:,}"))
        return False
    report.preview = cur.execute("select * from ingest_raw order by row_no limit $n", {"n": PREVIEW_ROWS}).df()
    for col in report.preview.columns[1:]:
        report.preview[col] = report.preview[col].map(safe_value)
    return True


def match_name(ds: datasets.Dataset, header: str) -> str:
    """The canonical column a header stands for ('' if none)."""
    m = datasets.match_headers(ds, [header])
    return next(iter(m.columns.values()), "")


def _mb(n: int) -> str:
    return f"{n // (1024 * 1024):,} MB"


def _already_loaded(cur, report: Report) -> bool:
    row = cur.execute("""select load_id, loaded_by, loaded_at from load_log
                         where checksum_sha256 = ? and dataset = ? and status = 'loaded'
                         order by load_id desc limit 1""", [report.checksum, report.dataset]).fetchone()
    if row is None:
        return False
    report.status = "already_loaded"
    report.previous_load = {"load_id": row[0], "loaded_by": row[1], "loaded_at": row[2]}
    return True


# ---- validate: typed values and every finding, in SQL ----------------------------------------------

class _Sql:
    """Generated SQL and its parameters: identifiers come from dialogue.datasets, every value is a $param."""

    def __init__(self) -> None:
        self.params: dict = {}

    def p(self, name: str, value) -> str:
        self.params[name] = value
        return f"${name}"

    def used(self, *sqls: str) -> dict:
        text = "\n".join(sqls)
        return {k: v for k, v in self.params.items() if re.search(rf"\${k}\b", text)}


def _typed_expr(c: datasets.Column, v: str, sql: _Sql) -> str:
    """SQL turning the trimmed text v of a column into its typed value (NULL when it does not parse)."""
    if c.type in ("number", "integer"):
        num = f"{v}__num"
        return (f"case when regexp_full_match({num}, {sql.p('number_re', _NUMBER)}) "
                f"then replace({num}, ',', '.')::double end")
    if c.type == "timestamp":
        return f"try_strptime({v}, {sql.p('ts_formats', TS_FORMATS)})"
    if c.type == "date":
        return f"try_strptime({v}, {sql.p('ts_formats', TS_FORMATS)})::date"
    if c.type == "month":
        ts = f"try_strptime({v}, {sql.p('ts_formats', TS_FORMATS)})"
        return (f"coalesce(try_strptime({v}, {sql.p('month_formats', MONTH_FORMATS)}), "
                f"case when {ts} = date_trunc('month', {ts}) then {ts} end)::date")
    if c.type == "flag":
        return f"case {v} when '1' then true when '0' then false end"
    if c.type == "choice":
        return f"case when list_contains({sql.p('allowed_' + c.name, list(c.allowed))}, lower({v})) then lower({v}) end"
    if c.type == "multi":
        parts = f"list_sort(list_distinct([lower(trim(x)) for x in regexp_split_to_array({v}, '[;,]') if trim(x) <> '']))"
        return (f"case when len([x for x in {parts} if not list_contains({sql.p('allowed_' + c.name, list(c.allowed))}, x)])"
                f" = 0 then array_to_string({parts}, ';') end")
    return v   # id, text; kato and operator are resolved by joins


def _build_typed(ds: datasets.Dataset, present: set[str], table_columns: set[str], sql: _Sql) -> str:
    ws = sql.p("ws", _WHITESPACE)
    trimmed = [f"nullif(trim({c.name}, {ws}), '') as {c.name}" if c.name in present else f"null::varchar as {c.name}"
               for c in ds.columns]
    numeric = [f"regexp_replace({c.name}, {sql.p('spaces', _SPACES)}, '', 'g') as {c.name}__num"
               for c in ds.columns if c.type in ("number", "integer")]
    select = ["t.row_no"]
    for c in ds.columns:
        select.append(f"t.{c.name} as {c.name}__raw")
        if c.type == "kato":
            select += ["p.kato", "p.region_code", "p.district_kato"]
            if "is_rural" in table_columns:
                select.append("p.is_rural")
        elif c.type == "operator":
            select.append("o.operator_code")
        else:
            select.append(f"{_typed_expr(c, 't.' + c.name, sql)} as {c.name}")
    types = {c.type for c in ds.columns}
    joins = "\n".join(j for t, j in (("kato", "left join ingest_places p on p.kato = t.kato"),
                                      ("operator", "left join ingest_operators o on o.k = lower(t.operator)"))
                      if t in types)
    return f"""
        create or replace temp table ingest_typed as
        with trimmed as (select row_no, {', '.join(trimmed)} from ingest_raw),
        t as (select *{''.join(', ' + n for n in numeric)} from trimmed)
        select {', '.join(select)}
        from t
        {joins}"""


def _typed_name(c: datasets.Column) -> str:
    return "operator_code" if c.type == "operator" else c.name


def _checks(ds: datasets.Dataset, user: auth.User | None, today: date, sql: _Sql) -> list[str]:
    """One SELECT per check, each giving (row_no, ord, column_name, value, reason, detail)."""
    out = []

    def add(ord_: int, column: str, value: str, reason: str, where: str, detail: str = "null") -> None:
        out.append(f"select row_no, {ord_} as ord, {sql.p(f'col_{len(out)}', column)} as column_name, "
                   f"{value} as value, '{reason}' as reason, {detail} as detail from ingest_typed where {where}")

    for i, c in enumerate(ds.columns):
        raw, typed = f"{c.name}__raw", _typed_name(c)
        if c.required:
            add(i, c.name, "null", "required", f"{raw} is null")
        if c.type in _TYPE_REASON:
            detail = sql.p(f"allowed_text_{c.name}", ", ".join(c.allowed)) if c.allowed else "null"
            add(i, c.name, raw, _TYPE_REASON[c.type], f"{raw} is not null and {typed} is null", detail)
        if c.type in ("number", "integer"):
            if c.minimum is not None:
                lo = sql.p(f"min_{c.name}", c.minimum)
                reason, op = ("not_above_min", "<=") if c.above_minimum else ("below_min", "<")
                add(i, c.name, raw, reason, f"{typed} {op} {lo}", sql.p(f"min_text_{c.name}", _fmt(c.minimum)))
            if c.maximum is not None:
                add(i, c.name, raw, "above_max", f"{typed} > {sql.p(f'max_{c.name}', c.maximum)}",
                    sql.p(f"max_text_{c.name}", _fmt(c.maximum)))
        if c.type == "integer":
            add(i, c.name, raw, "not_whole", f"{typed} <> round({typed})")
        if c.type in ("timestamp", "date", "month"):
            day = f"{typed}::date"
            add(i, c.name, raw, "date_out_of_range",
                f"{day} < {sql.p('earliest', EARLIEST)} or {day} > {sql.p('latest', LATEST)}")
            if not c.future_ok:
                limit = sql.p("this_month", today.replace(day=1)) if c.type == "month" else sql.p("today", today)
                add(i, c.name, raw, "future_date", f"{day} > {limit}")
        if c.type in ("id", "text"):
            if c.max_length:
                add(i, c.name, raw, "too_long", f"length({raw}) > {sql.p(f'len_{c.name}', c.max_length)}",
                    sql.p(f"len_text_{c.name}", str(c.max_length)))
            pattern = sql.p("control_multi" if c.multiline else "control", _CONTROL_MULTILINE if c.multiline else _CONTROL)
            add(i, c.name, raw, "control_chars", f"regexp_matches({raw}, {pattern})")

    position = {c.name: i for i, c in enumerate(ds.columns)}
    for rule in ds.rules:
        a, b = rule.column, rule.other
        op, reason = ("<", "before_other") if rule.kind == "not_before" else (">", "above_other")
        add(position[a], a, f"{a}__raw", reason, f"{a} {op} {b}", sql.p(f"other_{a}", b))

    if ds.key:
        keys = [_typed_name(ds.column(k)) for k in ds.key]
        label = sql.p("key_label", ", ".join(ds.key))
        value = "concat_ws(' | ', " + ", ".join(f"{k}__raw" for k in ds.key) + ")"
        present = " and ".join(f"{k} is not null" for k in keys)
        out.append(f"""select row_no, {position[ds.key[0]]} as ord, {label} as column_name, value,
                              'duplicate_in_file' as reason, first_row::varchar as detail
                       from (select row_no, {value} as value,
                                    min(row_no) over (partition by {', '.join(keys)}) as first_row
                             from ingest_typed where {present})
                       where row_no > first_row""")
        on = " and ".join(f"w.{k} = t.{k}" for k in keys)
        out.append(f"""select t.row_no, {position[ds.key[0]]} as ord, {label} as column_name,
                              any_value(concat_ws(' | ', {', '.join(f't.{k}__raw' for k in ds.key)})) as value,
                              'duplicate_in_warehouse' as reason, min(w.load_id)::varchar as detail
                       from ingest_typed t join {ds.table} w on {on}
                       group by t.row_no""")

    # An operator uploads only its own rows; an akimat only its own region's.
    if user is not None and user.role == "operator" and "operator" in position:
        own = sql.p("own_operator", user.operator_code or "")
        add(position["operator"], "operator", "operator__raw", "not_your_operator",
            f"operator_code is not null and operator_code <> {own}", own)
    if user is not None and user.role == "akimat" and "kato" in position:
        own = sql.p("own_region", user.region_code or "")
        add(position["kato"], "kato", "kato__raw", "not_your_region",
            f"region_code is not null and region_code <> {own}", own)
    return out


def _fmt(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,}"


def _validate(cur, ds: datasets.Dataset, report: Report, user: auth.User | None, today: date | None = None) -> None:
    """Type every value and record every finding in ingest_issues; list the first MAX_ISSUES."""
    today = today or date.today()
    # The most specific unit wins where a code is both a region and its city district (Astana, Almaty …).
    cur.execute("""create or replace temp table ingest_places as
                   select u.kato, arg_min(u.region_code, l.rank) as region_code,
                          arg_min(u.district_kato, l.rank) as district_kato,
                          bool_or(s.settlement_type = 'rural') as is_rural
                   from kato_unit u
                   join (values ('settlement', 1), ('district', 2), ('region', 3)) l(level, rank) using (level)
                   left join settlement s on s.kato = u.kato and u.level = 'settlement'
                   group by u.kato""")
    # Operators by code or name, case-insensitively; a name two operators share matches neither.
    cur.execute("""create or replace temp table ingest_operators as
                   select k, any_value(operator_code) as operator_code from (
                       select lower(operator_code) as k, operator_code from operator
                       union select lower(name), operator_code from operator)
                   group by k having count(distinct operator_code) = 1""")
    table_columns = {r[0] for r in cur.execute(
        "select column_name from duckdb_columns() where table_name = ? and schema_name = 'main' and not internal",
        [ds.table]).fetchall()}
    sql = _Sql()
    typed = _build_typed(ds, set(report.columns), table_columns, sql)
    cur.execute(typed, sql.used(typed))
    checks = _checks(ds, user, today, sql)
    issues = "create or replace temp table ingest_issues as\n" + "\nunion all\n".join(checks)
    cur.execute(issues, sql.used(issues))
    totals = cur.execute("""select column_name, reason,
                                   case when count(distinct detail) = 1 then any_value(detail) end, count(*)
                            from ingest_issues
                            group by all order by min(ord), min(row_no), reason""").fetchall()
    report.totals += [("error", col, reason, detail or "", n) for col, reason, detail, n in totals]
    listed = cur.execute("""select row_no, column_name, value, reason, detail from ingest_issues
                            order by row_no, ord, reason limit $n""", {"n": MAX_ISSUES}).fetchall()
    report.issues += [Issue(int(r), col, "" if v is None else str(v)[:1000], reason, d or "")
                      for r, col, v, reason, d in listed]


# ---- load: one transaction ----------------------------------------------------------------------------

def _load(cur, ds: datasets.Dataset, report: Report, loaded_by: str, note: Progress) -> None:
    table_columns = [r[0] for r in cur.execute(
        """select column_name from duckdb_columns()
           where table_name = ? and schema_name = 'main' and not internal order by column_index""",
        [ds.table]).fetchall()]
    typed_columns = {r[0] for r in cur.execute(
        "select column_name from duckdb_columns() where table_name = 'ingest_typed' and database_name = 'temp'").fetchall()}
    columns = [c for c in table_columns if c in typed_columns]
    names = ", ".join(columns)
    cur.execute("begin transaction")
    try:
        if _already_loaded(cur, report):   # the same file sent twice at once: the second adds nothing
            cur.execute("rollback")
            return
        load_id = cur.execute(
            """insert into load_log (dataset, file_name, checksum_sha256, row_count, loaded_by, loaded_at, status)
               values (?, ?, ?, ?, ?, ?, 'loaded') returning load_id""",
            [ds.name, report.file_name[:255], report.checksum, report.rows, loaded_by or "unknown",
             datetime.now()]).fetchone()[0]
        note("loading", {"rows": report.rows, "load_id": load_id})
        cur.execute(f"insert into {ds.table} ({names}, load_id) select {names}, $load_id from ingest_typed "
                    "order by row_no", {"load_id": load_id})
        db.bump_version(cur)
        cur.execute("commit")
    except BaseException as exc:
        cur.execute("rollback")
        if isinstance(exc, duckdb.Error):
            log.warning("load of %s undone: %s", report.file_name, exc)
            raise IngestError(f"the load failed and was undone: {exc}") from exc
        raise
    log.info("load #%s: %s, %s rows of %s by %s", load_id, report.file_name, report.rows, ds.name, loaded_by)
    note("committed", {"load_id": load_id})
    report.status, report.load_id = "loaded", load_id
