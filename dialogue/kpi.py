"""KPI presentation logic shared by pages and briefing packs: formatting, deltas, RAG wording."""

from __future__ import annotations

import math

import pandas as pd

from dialogue import i18n

HEADLINE = ("fibre_villages_pct", "settlements_4g_pct", "city_5g_sites_pct", "road_4g_km",
            "median_download_mbps", "tests_under_10_pct")

RAG_MARKDOWN_COLOURS = {"green": "green", "amber": "orange", "red": "red"}


def missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or pd.isna(value)


def format_value(row, lang: str) -> str:
    """A KPI value with its unit in the language."""
    return i18n.fmt_unit(None if missing(row["value"]) else row["value"], row["unit"], lang)


def format_change(row, lang: str) -> str | None:
    """The change since the previous period ('+1.2 pp', '+3.4 Mbit/s'), or None without one."""
    if missing(row["change"]):
        return None
    unit = "pp" if row["unit"] == "pct" else row["unit"]
    decimals = 0 if unit in ("km", "households") else 1
    signed = i18n.fmt_signed(row["change"], lang, decimals)
    return i18n.t(f"common.unit_{unit}", lang, value=signed)


def improved(row) -> bool | None:
    """Whether the change went the good way for this KPI (lower is better for latency, slow tests)."""
    if missing(row["change"]) or row["change"] == 0:
        return None
    return (row["change"] > 0) == (row["direction"] == "higher")


def source_text(row, lang: str) -> str:
    key = "kpi.source_working" if str(row["source"]).startswith("Dashboard") else "kpi.source_government"
    return i18n.t(key, lang)


def target_text(row, lang: str) -> str:
    return i18n.t("common.target_by", lang, value=i18n.fmt_unit(row["national_target"], row["unit"], lang, 0),
                  date=i18n.fmt_date(row["target_date"], lang))
