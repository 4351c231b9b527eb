"""Kazakh, Russian and English: message catalogues and number/date formatting per language.

Catalogues live in dialogue/locales/<lang>/<domain>.json; every domain file has the same keys in all
three languages (a test checks it). Keys are "<domain>.<name>".
"""

from __future__ import annotations

import json
import math
import numbers
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
def catalogue(lang: str) -> dict[str, str | dict[str, str]]:
    """All messages of one language, keys prefixed by their domain file's name. A message that counts
    something may be a dict of plural forms ("one", "few", "many", "other"), chosen by its {count}."""
    messages: dict[str, str | dict[str, str]] = {}
    for f in sorted((LOCALES / lang).glob("*.json")):
        for key, text in json.loads(f.read_text(encoding="utf-8")).items():
            messages[f"{f.stem}.{key}"] = text
    return messages


def normalise_language(lang: str | None) -> str:
    """A supported language code (the default for anything else)."""
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def plural_form(count: float, lang: str) -> str:
    """The CLDR plural category of a whole number: Russian has one/few/many (1 строка, 2 строки,
    5 строк), English one/other; Kazakh nouns do not change after a numeral (other)."""
    n = abs(int(count))
    if lang == "ru":
        if n % 10 == 1 and n % 100 != 11:
            return "one"
        return "few" if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14 else "many"
    return "one" if lang == "en" and n == 1 else "other"


def t(key: str, lang: str, **values) -> str:
    """The message for key in lang, with {placeholders} filled; English, then the key, if missing.

    A number given as `count` picks the plural form and is formatted for the language."""
    lang = normalise_language(lang)
    text = catalogue(lang).get(key) or catalogue("en").get(key) or key
    count = values.get("count")
    is_number = isinstance(count, numbers.Real) and not isinstance(count, bool) and count == count
    if isinstance(text, dict):
        text = (text.get(plural_form(count, lang)) if is_number else None) or text["other"]
    if is_number:
        values["count"] = fmt_number(count, lang)
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
