"""Tables as files: CSV and Excel downloads of a frame, safe to open in a spreadsheet."""

from __future__ import annotations

import io

import pandas as pd

# A cell starting with one of these would run as a formula in a spreadsheet.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def defuse_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy where text starting with = + - @ (or a tab / carriage return) is quoted: no cell runs as a formula."""
    safe = frame.copy()
    for col in safe.select_dtypes(include=["object", "string"]).columns:
        safe[col] = safe[col].map(lambda v: "'" + v if isinstance(v, str) and v[:1] in _FORMULA_STARTS else v)
    return safe


def to_csv(frame: pd.DataFrame) -> bytes:
    """A CSV file of a table (UTF-8 with BOM, so Excel reads Cyrillic), formulas defused."""
    return defuse_formulas(frame).to_csv(index=False).encode("utf-8-sig")


def to_xlsx(frame: pd.DataFrame, sheet: str = "data") -> bytes:
    """An Excel file of a table, formulas defused."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="xlsxwriter") as writer:
        defuse_formulas(frame).to_excel(writer, sheet_name=sheet[:31], index=False)
    return buffer.getvalue()
