"""Every named query on the default-scale warehouse (a million speed tests, 45,000 complaints), for the
whole country and for one region, answers within the time a page can afford. The timings are printed
(pytest -s) so a regression shows as a number, not only as a failure."""

import statistics
import time

import duckdb
import pytest

from dialogue import db
from tests.factories import sample_params

# A page runs several queries and must answer within seconds even on a busy two-core machine; a
# query over a second on this data aggregates the raw tables where it should not.
LIMIT_SECONDS = 1.0


@pytest.fixture(scope="module")
def default_con(default_db):
    con = duckdb.connect(str(default_db), read_only=True)
    yield con
    con.close()


@pytest.mark.parametrize("region", [None, "KZ-75"], ids=["country", "Almaty"])
def test_every_query_is_fast_on_default_data(default_con, region, capsys):
    timings = {}
    for name in db.query_names():
        params = sample_params(name, region)
        runs = []
        for _ in range(3):
            started = time.perf_counter()
            db.run(default_con, name, **params)
            runs.append(time.perf_counter() - started)
        timings[name] = statistics.median(runs)
    with capsys.disabled():
        print(f"\nquery timings, median of 3 ({'all regions' if region is None else region}):")
        for name, seconds in sorted(timings.items(), key=lambda kv: -kv[1])[:8]:
            print(f"  {seconds * 1000:7.0f} ms  {name}")
    slow = {name: round(s, 2) for name, s in timings.items() if s > LIMIT_SECONDS}
    assert not slow, f"queries slower than {LIMIT_SECONDS} s: {slow}"
