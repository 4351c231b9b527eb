"""What happened to one file: its findings (Issue), the Report a person acts on, and safe display of values."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from dialogue import i18n

MAX_ISSUES = 1_000
VALUE_CHARS = 80
_UNSAFE_CHARS = re.compile(r"[\x00-\x1f\x7f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


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
    file_format: str = ""         # csv | xlsx | parquet
    encoding: str = ""
    delimiter: str = ""
    rows: int = 0
    scanned_rows: int = 0         # published tiles: every row of the file (rows: those in Kazakhstan)
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
        if self.scanned_rows:
            lines.append(i18n.t("data.report_scanned", lang, scanned=i18n.fmt_number(self.scanned_rows, lang),
                                kept=i18n.fmt_number(self.rows, lang), seconds=f"{self.seconds:.1f}"))
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

