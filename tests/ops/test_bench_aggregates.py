"""The benchmark's comparison is like with like: for every page's main question, the SQL and the pandas way
give the same rows and figures on the small demo warehouse (the large one is the bench's own business)."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from dialogue import bench

# Pages sharing a question (the KPIs by region) are checked once, under the first of them.
FIRST_PAGE_OF: dict = {}
for _page, _aggregate in bench.AGGREGATES.items():
    FIRST_PAGE_OF.setdefault(_aggregate, _page)


@pytest.mark.parametrize("page", sorted(FIRST_PAGE_OF.values()))
def test_sql_and_pandas_agree(small_db, page):
    aggregate = bench.AGGREGATES[page]
    con = duckdb.connect(str(small_db), read_only=True)
    try:
        by_sql, by_pandas = aggregate.by_sql(con), aggregate.by_pandas(con)
    finally:
        con.close()
    assert len(by_sql) > 0, "a comparison of two empty results would prove nothing"
    by_sql = by_sql[list(aggregate.columns)] if aggregate.columns else by_sql
    assert bench._same(by_sql, by_pandas)


def test_same_notices_a_difference():
    a = pd.DataFrame({"code": ["x", "y"], "n": [1.0, 2.0]})
    assert bench._same(a, a.copy())
    assert not bench._same(a, a.assign(n=[1.0, 2.5]))
    assert not bench._same(a, a.assign(code=["x", "z"]))
    assert not bench._same(a, a.head(1))
