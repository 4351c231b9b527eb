from datetime import date

import pytest

from dialogue import periods


@pytest.mark.parametrize("text,start,end,prev", [
    ("2026-10", date(2026, 10, 1), date(2026, 11, 1), "2026-09"),
    ("2026-01", date(2026, 1, 1), date(2026, 2, 1), "2025-12"),
    ("2026-Q1", date(2026, 1, 1), date(2026, 4, 1), "2025-Q4"),
    ("2026-q3", date(2026, 7, 1), date(2026, 10, 1), "2026-Q2"),
    ("2025", date(2025, 1, 1), date(2026, 1, 1), "2024"),
])
def test_parse_range_and_previous(text, start, end, prev):
    p = periods.parse(text)
    assert (p.start, p.end, p.previous().key) == (start, end, prev)


@pytest.mark.parametrize("text", ["", None, "2026-13", "2026-Q5", "26-10", "2026-10'; drop table x;--",
                                  "1900", "abc", "2026-00"])
def test_bad_periods_are_refused(text):
    assert periods.parse(text) is None


def test_available_is_newest_first_and_covers_the_span():
    keys = [p.key for p in periods.available("quarter", date(2024, 1, 1), date(2026, 11, 15))]
    assert keys[0] == "2026-Q4" and keys[-1] == "2024-Q1" and len(keys) == 12


def test_default_period_is_last_complete_month():
    assert periods.default_period(date(2026, 11, 15)).key == "2026-10"
    assert periods.default_period(date(2026, 1, 3)).key == "2025-12"


def test_params_are_dates_of_both_periods():
    p = periods.parse("2026-Q3").params()
    assert p == {"start_date": date(2026, 7, 1), "end_date": date(2026, 10, 1),
                 "prev_start_date": date(2026, 4, 1), "prev_end_date": date(2026, 7, 1)}
