import re
from datetime import date

import pytest

from dialogue import i18n, periods

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
    text = "".join(i18n.catalogue("kk").values())
    assert sum(text.count(ch) for ch in "әғқңөұүһі") > 100


def test_number_formatting_per_language():
    assert i18n.fmt_number(1234567.891, "en", 1) == "1,234,567.9"
    assert i18n.fmt_number(1234567.891, "ru", 1) == "1\u00a0234\u00a0567,9"
    assert i18n.fmt_number(1234567.891, "kk", 0) == "1\u00a0234\u00a0568"
    assert i18n.fmt_number(None, "en") == "—"
    assert i18n.fmt_number(float("nan"), "ru") == "—"
    assert i18n.fmt_signed(-2.5, "en", 1) == "-2.5"
    assert i18n.fmt_signed(0.01, "ru", 1) == "±0,0"
    assert i18n.fmt_signed(1500, "ru") == "+1\u00a0500"
    assert i18n.fmt_unit(94.25, "mbps", "ru") == "94,2 Мбит/с" or i18n.fmt_unit(94.25, "mbps", "ru") == "94,3 Мбит/с"


def test_dates_per_language():
    d = date(2026, 3, 31)
    assert i18n.fmt_date(d, "en") == "31 Mar 2026"
    assert i18n.fmt_date(d, "ru") == "31 мар. 2026"
    assert i18n.fmt_date(d, "kk") == "2026 ж. 31 нау."


def test_unknown_language_falls_back_to_default():
    assert i18n.normalise_language("xx") == i18n.DEFAULT_LANGUAGE
    assert i18n.t("common.app_title", "<script>") == i18n.t("common.app_title", i18n.DEFAULT_LANGUAGE)


def test_period_labels():
    p = periods.parse("2026-Q3")
    assert p.label("en") == "Q3 2026"
    assert p.label("ru") == "3 кв. 2026"
    assert p.label("kk") == "2026 ж. 3-тоқсан"
    assert periods.parse("2026-10").label("ru") == "Октябрь 2026"
