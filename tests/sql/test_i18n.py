import re
from datetime import date, datetime
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from dialogue import charts, i18n, periods

PLACEHOLDER = re.compile(r"{(\w+)}")


def domains(lang):
    return sorted(p.stem for p in (i18n.LOCALES / lang).glob("*.json"))


def forms(message) -> list[str]:
    """A message's texts: itself, or each of its plural forms."""
    return list(message.values()) if isinstance(message, dict) else [message]


def test_every_language_has_the_same_domains():
    assert domains("en") == domains("ru") == domains("kk")
    assert "common" in domains("en")


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_catalogues_have_the_same_keys_and_placeholders(lang):
    en, other = i18n.catalogue("en"), i18n.catalogue(lang)
    assert set(en) == set(other), sorted(set(en) ^ set(other))[:20]
    for key, message in en.items():
        wanted = {frozenset(PLACEHOLDER.findall(text)) for text in forms(message)}
        assert len(wanted) == 1, f"{key}: plural forms with different placeholders"
        for text in forms(other[key]):
            assert {frozenset(PLACEHOLDER.findall(text))} == wanted, key
            assert text.strip(), key


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_plural_messages_have_the_forms_their_language_needs(lang):
    needed = {"ru": {"one", "few", "many"}, "en": {"one", "other"}, "kk": {"other"}}[lang]
    for key, message in i18n.catalogue(lang).items():
        if isinstance(message, dict):
            assert set(message) == needed, key
            assert all("{count}" in text for text in message.values()), key


def test_plural_forms_follow_the_number():
    assert i18n.t("data.report_ok", "en", count=1) == "No problems found: 1 row is ready to load."
    assert i18n.t("data.report_ok", "en", count=2000) == "No problems found: 2,000 rows are ready to load."
    ru = [i18n.t("data.report_ok", "ru", count=n) for n in (1, 3, 5, 11, 21, 22, 112, 1000)]
    assert [text.split(" ")[4] for text in ru] == ["строка", "строки", "строк", "строк", "строка", "строки",
                                                 "строк", "строк"]
    assert "1\u00a0000 строк" in ru[-1]
    assert i18n.t("data.report_ok", "kk", count=3) == "Мәселе табылмады: 3 жол жүктеуге дайын."


def test_kazakh_catalogue_uses_kazakh_letters():
    # A Kazakh catalogue that is really Russian would have none of ә ғ қ ң ө ұ ү һ і.
    text = "".join(m if isinstance(m, str) else "".join(m.values()) for m in i18n.catalogue("kk").values())
    assert sum(text.count(ch) for ch in "әғқңөұүһі") > 100


NBSP, NNBSP = "\u00a0", "\u202f"  # CLDR: no-break space (kk/ru thousands), narrow one (before ж./г.)


@pytest.mark.parametrize("lang,one_decimal,whole", [
    ("en", "1,234,567.8", "1,234,568"),
    ("ru", f"1{NBSP}234{NBSP}567,8", f"1{NBSP}234{NBSP}568"),
    ("kk", f"1{NBSP}234{NBSP}567,8", f"1{NBSP}234{NBSP}568"),
])
def test_numbers_per_language(lang, one_decimal, whole):
    assert i18n.fmt_number(1234567.8, lang, 1) == one_decimal
    assert i18n.fmt_number(1234567.8, lang) == whole
    assert i18n.fmt_number(1234567.8, lang, 2) == one_decimal + "0"


def test_number_details():
    assert i18n.fmt_number(1234567.891, "en", 1) == "1,234,567.9"
    assert i18n.fmt_number(1234, "ru") == f"1{NBSP}234"
    assert i18n.fmt_number(999, "kk") == "999"
    assert i18n.fmt_number(-1500.5, "ru", 1) == f"-1{NBSP}500,5"
    assert i18n.fmt_number(-0.01, "en", 1) == "0.0"  # no '-0.0'
    assert i18n.fmt_number(0.125, "en", 2) == "0.12"  # halves to even
    assert i18n.fmt_number(np.int64(2500), "ru") == f"2{NBSP}500"
    assert i18n.fmt_number(Decimal("2500.25"), "en", 1) == "2,500.2"
    assert i18n.number_symbols("en") == (".", ",")
    assert i18n.number_symbols("ru") == i18n.number_symbols("kk") == (",", NBSP)


@pytest.mark.parametrize("missing", [None, float("nan"), np.nan, pd.NA, pd.NaT])
def test_missing_values_give_a_dash(missing):
    for lang in i18n.LANGUAGES:
        assert i18n.fmt_number(missing, lang) == "—"
        assert i18n.fmt_signed(missing, lang, 1) == "—"
        assert i18n.fmt_percent(missing, lang) == "—"
        assert i18n.fmt_unit(missing, "mbps", lang) == "—"
        assert i18n.fmt_unit(missing, "pct", lang) == "—"
    for lang in i18n.LANGUAGES:
        assert i18n.fmt_date(None, lang) == i18n.fmt_date(pd.NaT, lang) == "—"
        assert i18n.fmt_month(None, lang) == i18n.fmt_month(pd.NaT, lang) == "—"


@pytest.mark.parametrize("lang,negative,positive,zero", [
    ("en", "-2.5", "+1,500.0", "±0.0"),
    ("ru", "-2,5", f"+1{NBSP}500,0", "±0,0"),
    ("kk", "-2,5", f"+1{NBSP}500,0", "±0,0"),
])
def test_signed_changes(lang, negative, positive, zero):
    # st.metric reads the direction from the first character: an ASCII '-' or '+'.
    assert i18n.fmt_signed(-2.5, lang, 1) == negative
    assert i18n.fmt_signed(1500, lang, 1) == positive
    assert i18n.fmt_signed(0, lang, 1) == zero
    assert i18n.fmt_signed(0.01, lang, 1) == zero
    assert i18n.fmt_signed(-0.04, lang, 1) == zero
    assert i18n.fmt_signed(-3, lang) == "-3"
    assert i18n.fmt_signed(0, lang) == "±0"


@pytest.mark.parametrize("lang,pct,whole", [
    ("en", "42.1%", "42%"),
    ("ru", f"42,1{NBSP}%", f"42{NBSP}%"),
    ("kk", "42,1%", "42%"),
])
def test_percentages(lang, pct, whole):
    # Values are in percent (42.1 means 42.1 %), as the warehouse stores them.
    assert i18n.fmt_percent(42.1, lang) == pct
    assert i18n.fmt_percent(42.1, lang, 0) == whole
    assert i18n.fmt_unit(42.1, "pct", lang) == pct
    assert i18n.fmt_unit(42.1, "pct", lang, 0) == whole


def test_percentage_details():
    assert i18n.fmt_percent(100, "en", 0) == "100%"
    assert i18n.fmt_percent(0.05, "en", 1) == "0.0%"
    assert i18n.fmt_percent(12.35, "en", 1) == "12.4%"
    assert i18n.fmt_percent(1234.5, "ru", 0) == f"1{NBSP}234{NBSP}%"


def test_units():
    assert i18n.fmt_unit(94.25, "mbps", "ru") == "94,2 Мбит/с"
    assert i18n.fmt_unit(94.25, "mbps", "en") == "94.2 Mbit/s"
    assert i18n.fmt_unit(1200, "km", "kk") == f"1{NBSP}200 км"
    assert i18n.fmt_unit(3.5, "pp", "en", 1) == "3.5 pp"


def test_plural_categories_come_from_cldr():
    ru = {n: i18n.plural_form(n, "ru") for n in (1, 2, 5, 11, 21, 22, 25, 0, 12, 111, 1000)}
    assert ru == {1: "one", 2: "few", 5: "many", 11: "many", 21: "one", 22: "few", 25: "many", 0: "many",
                  12: "many", 111: "many", 1000: "many"}
    assert [i18n.plural_form(n, "en") for n in (1, 2, 0)] == ["one", "other", "other"]
    # CLDR gives Kazakh one/other; its catalogue has only "other" (nouns do not change after a numeral).
    assert [i18n.plural_form(n, "kk") for n in (1, 2, 5)] == ["one", "other", "other"]
    # The category of the number as shown: 1.0 and 1.4 are shown as '1', 1.6 as '2'.
    assert [i18n.plural_form(n, "en") for n in (1.0, 1.4, 1.6)] == ["one", "one", "other"]
    assert i18n.plural_form(np.int64(21), "ru") == "one"
    assert i18n.plural_form(None, "ru") == i18n.plural_form(float("nan"), "ru") == "other"


def test_t_picks_the_plural_form_and_falls_back_to_other():
    ru = [i18n.t("data.report_ok", "ru", count=n).split(" ")[4] for n in (1, 2, 5, 11, 21, 22, 25)]
    assert ru == ["строка", "строки", "строк", "строк", "строка", "строки", "строк"]
    assert i18n.t("data.report_ok", "en", count=2) == "No problems found: 2 rows are ready to load."
    # kk: CLDR says "one" for 1, the catalogue has only "other", which is used.
    assert i18n.t("data.report_ok", "kk", count=1) == "Мәселе табылмады: 1 жол жүктеуге дайын."
    assert i18n.t("data.report_ok", "kk", count=1234) == f"Мәселе табылмады: 1{NBSP}234 жол жүктеуге дайын."


@pytest.mark.parametrize("lang,medium,may", [
    ("en", "31 Mar 2026", "9 May 2026"),
    ("ru", f"31 мар. 2026{NNBSP}г.", f"9 мая 2026{NNBSP}г."),
    ("kk", f"2026{NNBSP}ж. 31 нау.", f"2026{NNBSP}ж. 09 мам."),
])
def test_dates_per_language(lang, medium, may):
    assert i18n.fmt_date(date(2026, 3, 31), lang) == medium
    assert i18n.fmt_date(datetime(2026, 5, 9, 23, 30), lang) == may
    assert i18n.fmt_date(pd.Timestamp("2026-05-09 23:30"), lang) == may


@pytest.mark.parametrize("lang,short,full,march", [
    ("en", "Oct 2026", "October 2026", "Mar 2026"),
    ("ru", f"окт. 2026{NNBSP}г.", f"октябрь 2026{NNBSP}г.", f"март 2026{NNBSP}г."),
    ("kk", f"2026{NNBSP}ж. қаз.", f"2026{NNBSP}ж. қазан", f"2026{NNBSP}ж. нау."),
])
def test_month_labels(lang, short, full, march):
    assert i18n.fmt_month(date(2026, 10, 1), lang) == short
    assert i18n.fmt_month(date(2026, 10, 31), lang, short=False) == full
    assert i18n.fmt_month(date(2026, 3, 1), lang) == march
    values, labels = charts.month_ticks([date(2026, 10, 1), date(2026, 3, 1)], lang)
    assert values == [date(2026, 3, 1), date(2026, 10, 1)] and labels == [march, short]


def test_month_names():
    assert [i18n.month_name(m, "en") for m in (1, 9, 12)] == ["January", "September", "December"]
    assert [i18n.month_name(m, "ru") for m in (3, 5)] == ["март", "май"]  # nominative, standing alone
    assert [i18n.month_name(m, "ru", short=True) for m in (3, 5, 9)] == ["мар.", "мая", "сент."]  # with a day
    assert [i18n.month_name(m, "kk", short=True) for m in (3, 10)] == ["нау.", "қаз."]
    assert i18n.month_name(10, "en", short=True) == "Oct"


def test_unknown_language_falls_back_to_default():
    assert i18n.normalise_language("xx") == i18n.DEFAULT_LANGUAGE
    assert i18n.t("common.app_title", "<script>") == i18n.t("common.app_title", i18n.DEFAULT_LANGUAGE)


def test_period_labels():
    p = periods.parse("2026-Q3")
    assert p.label("en") == "Q3 2026"
    assert p.label("ru") == "3 кв. 2026"
    assert p.label("kk") == "2026 ж. 3-тоқсан"
    assert periods.parse("2026-10").label("ru") == "Октябрь 2026\u202fг."
    assert periods.parse("2026-10").label("en") == "October 2026"
    assert periods.parse("2026-10").label("kk") == "2026\u202fж. қазан"
    assert periods.parse("2026").label("ru") == "2026 г."
