"""Kazakh, Russian and English: message catalogues and number/date formatting per language.

Catalogues live in dialogue/locales/<lang>/<domain>.json; every domain file has the same keys in all
three languages (a test checks it). Keys are "<domain>.<name>".
"""

from __future__ import annotations

import json
import math
from datetime import date, datetime
from functools import cache
from pathlib import Path

LANGUAGES = ("kk", "ru", "en")
DEFAULT_LANGUAGE = "ru"
LANGUAGE_NAMES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}
LOCALES = Path(__file__).with_name("locales")

# Thousands separator (a no-break space in kk/ru) and decimal mark.
_SEPARATORS = {"en": (",", "."), "ru": ("\u00a0", ","), "kk": ("\u00a0", ",")}


@cache
def catalogue(lang: str) -> dict[str, str]:
    """All messages of one language, keys prefixed by their domain file's name."""
    messages: dict[str, str] = {}
    for f in sorted((LOCALES / lang).glob("*.json")):
        for key, text in json.loads(f.read_text(encoding="utf-8")).items():
            messages[f"{f.stem}.{key}"] = text
    return messages


def normalise_language(lang: str | None) -> str:
    """A supported language code (the default for anything else)."""
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def t(key: str, lang: str, **values) -> str:
    """The message for key in lang, with {placeholders} filled; English, then the key, if missing."""
    text = catalogue(normalise_language(lang)).get(key) or catalogue("en").get(key) or key
    return text.format(**values) if values else text


def fmt_number(value, lang: str, decimals: int = 0) -> str:
    """1234567.8 → '1,234,568' (en) / '1 234 568' (kk, ru); '—' for a missing value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    try:
        if value != value:  # pandas NA-like
            return "—"
    except TypeError:
        return "—"
    thousands, decimal = _SEPARATORS[normalise_language(lang)]
    text = f"{float(value):,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", decimal).replace("\x00", thousands)


def fmt_signed(value, lang: str, decimals: int = 0) -> str:
    """A change with its sign: '+1.5', '-2', '±0' (ASCII minus: st.metric reads the sign from it)."""
    if value is None or value != value:
        return "—"
    text = fmt_number(abs(value), lang, decimals)
    return ("±" if text.strip("0.,\u00a0") == "" else "+" if value > 0 else "-") + text


def fmt_unit(value, unit: str, lang: str, decimals: int | None = None) -> str:
    """A value with its unit, e.g. '94 Mbit/s', '42.1%', '1 200 km'."""
    if decimals is None:
        decimals = 1 if unit in ("pct", "mbps") else 0
    number = fmt_number(value, lang, decimals)
    if number == "—":
        return number
    return t(f"common.unit_{unit}", lang, value=number)


def month_name(month: int, lang: str, short: bool = False) -> str:
    """Month name in the language (nominative)."""
    return t(f"common.month{'_short' if short else ''}_{month}", lang)


def fmt_date(value: date | datetime | None, lang: str) -> str:
    """31 Mar 2026 / 31 мар. 2026 / 2026 ж. 31 нау."""
    if value is None or value != value:
        return "—"
    return t("common.date_format", lang, day=value.day, month=month_name(value.month, lang, short=True),
             year=value.year)


def region_name(row, lang: str, short: bool = False) -> str:
    """A region's name from its warehouse row (names come from KATO and geokz, in kk/ru/en)."""
    lang = normalise_language(lang)
    if lang == "en":
        return row["name_en"]
    return row[f"short_{lang}"] if short else row[f"name_{lang}"]


def place_name(row, lang: str) -> str:
    """A district's or settlement's name: English falls back to Russian where no English name exists."""
    lang = normalise_language(lang)
    if lang == "en":
        name = row.get("name_en") if hasattr(row, "get") else row["name_en"]
        if isinstance(name, str) and name:
            return name
        return row["name_ru"]
    return row[f"name_{lang}"]
