"""Sections are built without Streamlit: a plain Context over the small demo warehouse."""

from __future__ import annotations

from functools import partial

import pytest

from dialogue import db, periods
from dialogue.sections import Context
from tests.conftest import AS_OF


@pytest.fixture
def make_ctx(small_con):
    """Context(region, period, lang) on the small demo warehouse, today = the fixture's as-of day."""
    def make(region: str | None = "KZ-23", period: str = "2026-10", lang: str = "en") -> Context:
        return Context(region, periods.parse(period), lang, AS_OF, partial(db.run, small_con))
    return make


@pytest.fixture
def blank_ctx(blank_con):
    """A Context on a warehouse with geography but no facts."""
    return Context("KZ-23", periods.parse("2026-10"), "en", AS_OF, partial(db.run, blank_con))
