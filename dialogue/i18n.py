"""Kazakh, Russian and English: message catalogues and number/date formatting per language.

Catalogues live in dialogue/locales/<lang>/<domain>.json; every domain file has the same keys in all
three languages (a test checks it). Keys are "<domain>.<name>".

Numbers, percentages, plural categories, month names and dates come from the Unicode CLDR data that
Babel ships (no hand-written separators or plural rules): kk and ru group thousands with a no-break
space and write a decimal comma; dates and month labels follow each language's CLDR patterns.
"""

from __future__ import annotations

import json
import numbers
from copy import copy
from datetime import date, datetime
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from functools import cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date, get_month_names
from babel.numbers import NumberPattern, get_decimal_symbol, get_group_symbol

LANGUAGES = ("kk", "ru", "en")
DEFAULT_LANGUAGE = "ru"
LANGUAGE_NAMES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}
LOCALES = Path(__file__).with_name("locales")

# The CLDR locale behind each language. English is international English (en_001): day-month-year dates
# ('31 Mar 2026'), the same numbers as US English.
_CLDR = {"kk": "kk", "ru": "ru", "en": "en_001"}
MISSING = "—"


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


def locale(lang: str) -> Locale:
    """The CLDR locale (Babel) behind a language: its number symbols, plural rules, month names, dates."""
    return _cldr_locale(normalise_language(lang))


@cache
def _cldr_locale(lang: str) -> Locale:
    return Locale.parse(_CLDR[lang])


def number_symbols(lang: str) -> tuple[str, str]:
    """The language's decimal mark and thousands separator: ('.', ',') in en, (',', no-break space) in kk/ru."""
    return get_decimal_symbol(locale(lang)), get_group_symbol(locale(lang))


def _decimal(value) -> Decimal | None:
    """A number as a Decimal (a float by its shortest text, so 0.1 stays 0.1); None if it is missing."""
    try:
        if value is None or value != value:  # None, NaN, NaT, pandas NA (whose comparison raises)
            return None
        number = Decimal(str(value))
    except (TypeError, ValueError, InvalidOperation):
        return None
    return None if number.is_nan() else number


def _rounded(number: Decimal, decimals: int) -> Decimal:
    """The number as shown with `decimals` places (halves to even, as Babel rounds)."""
    if not number.is_finite():
        return number
    return number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_EVEN)


@cache
def _pattern(lang: str, kind: str, decimals: int) -> NumberPattern:
    """The language's CLDR decimal or percent pattern (grouping, symbol placement), with exactly
    `decimals` fraction digits."""
    loc = _cldr_locale(lang)
    pattern = copy((loc.decimal_formats if kind == "decimal" else loc.percent_formats)[None])
    pattern.frac_prec = (decimals, decimals)
    return pattern


def plural_form(count, lang: str) -> str:
    """The CLDR plural category of a count as it is shown (rounded to a whole number): Russian has
    one/few/many (1 строка, 2 строки, 5 строк), English and Kazakh one/other (Kazakh nouns do not change
    after a numeral, so its catalogue gives only "other")."""
    number = _decimal(count)
    if number is None or not number.is_finite():
        return "other"
    return locale(lang).plural_form(int(_rounded(number, 0)))


def t(key: str, lang: str, **values) -> str:
    """The message for key in lang, with {placeholders} filled; English, then the key, if missing.

    A number given as `count` picks the plural form (the language's CLDR category, else "other") and is
    formatted for the language."""
    lang = normalise_language(lang)
    text = catalogue(lang).get(key) or catalogue("en").get(key) or key
    count = values.get("count")
    is_number = isinstance(count, numbers.Real | Decimal) and not isinstance(count, bool) and count == count
    if isinstance(text, dict):
        text = (text.get(plural_form(count, lang)) if is_number else None) or text["other"]
    if is_number:
        values["count"] = fmt_number(count, lang)
    return text.format(**values) if values else text


def fmt_number(value, lang: str, decimals: int = 0) -> str:
    """1234567.8 → '1,234,568' (en) / '1 234 568' (kk, ru: a no-break space); '—' for a missing value.

    The language's CLDR symbols and grouping, exactly `decimals` fraction digits (halves to even)."""
    number = _decimal(value)
    if number is None:
        return MISSING
    number = _rounded(number, decimals)
    if number == 0:
        number = abs(number)  # -0.01 is shown as 0,0, not -0,0
    return _pattern(normalise_language(lang), "decimal", int(decimals)).apply(number, locale(lang))


def fmt_signed(value, lang: str, decimals: int = 0) -> str:
    """A change with its sign: '+1.5', '-2', '±0' (ASCII minus: st.metric reads the sign from it)."""
    number = _decimal(value)
    if number is None:
        return MISSING
    shown = _rounded(number, decimals)
    sign = "±" if shown == 0 else "+" if shown > 0 else "-"
    return sign + fmt_number(abs(shown), lang, decimals)


def fmt_percent(value, lang: str, decimals: int = 1) -> str:
    """A value in percent (42.1 means 42.1 %) with the language's CLDR percent pattern:
    '42.1%' (en), '42,1 %' (ru: a no-break space before the sign), '42,1%' (kk); '—' if missing."""
    number = _decimal(value)
    if number is None:
        return MISSING
    return _pattern(normalise_language(lang), "percent", int(decimals)).apply(number.scaleb(-2), locale(lang))


def fmt_unit(value, unit: str, lang: str, decimals: int | None = None) -> str:
    """A value with its unit, e.g. '94 Mbit/s', '42.1%', '1 200 km'."""
    if decimals is None:
        decimals = 1 if unit in ("pct", "mbps") else 0
    if unit == "pct":
        return fmt_percent(value, lang, decimals)
    number = fmt_number(value, lang, decimals)
    if number == MISSING:
        return number
    return t(f"common.unit_{unit}", lang, value=number)


def month_name(month: int, lang: str, short: bool = False) -> str:
    """A month's CLDR name: full names as they stand alone ('октябрь', 'October'), short ones as they
    are written next to a day ('окт.', 'мая' as in '31 мая', 'Oct')."""
    if short:
        return get_month_names("abbreviated", "format", locale(lang))[month]
    return get_month_names("wide", "stand-alone", locale(lang))[month]


def _missing_date(value) -> bool:
    try:
        return value is None or bool(value != value)  # None, NaT
    except (TypeError, ValueError):
        return True


def fmt_date(value: date | datetime | None, lang: str) -> str:
    """The language's CLDR medium date: '31 Mar 2026', '31 мар. 2026 г.', '2026 ж. 31 нау.'; '—' if missing."""
    if _missing_date(value):
        return MISSING
    return format_date(value, "medium", locale=locale(lang))


def fmt_month(value: date | datetime | None, lang: str, short: bool = True) -> str:
    """A month with its year, by the language's CLDR pattern: 'Oct 2026', 'окт. 2026 г.', '2026 ж. қаз.';
    with short=False 'October 2026', 'октябрь 2026 г.', '2026 ж. қазан'. '—' if missing."""
    if _missing_date(value):
        return MISSING
    pattern = locale(lang).datetime_skeletons["yMMM" if short else "yMMMM"]
    return format_date(value, pattern.pattern, locale=locale(lang))


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
