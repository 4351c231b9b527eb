"""Layer 1: every named query runs against the small demo warehouse, with and without a region."""

from datetime import date

import pytest

from dialogue import db

# Sample values by parameter name; names ending in _date get dates. Add a line here for a new name.
SAMPLES = {
    "region": "KZ-23",
    "district": None,
    "kpi_code": "median_download_mbps",
    "operator": None,
    "lang": "en",
    "limit": 50,
    "bottleneck_id": "B-00001",
    "open_only": True,
    "entity": "bottleneck",
    "entity_id": "B-00001",
    "meeting_id": None,
    "programme": "fibre_village",
    "kind": "land_plot",
    "responsible": None,
    "tile_type": "fixed",
}
DATES = {"start_date": date(2026, 7, 1), "end_date": date(2026, 10, 1), "prev_start_date": date(2026, 4, 1),
         "prev_end_date": date(2026, 7, 1), "from_date": date(2024, 10, 1), "as_of_date": date(2026, 11, 15)}


def sample_params(name: str, region: str | None) -> dict:
    params = {}
    for p in db.parameters_of(db.sql_text(name)):
        if p == "region":
            params[p] = region
        elif p in DATES:
            params[p] = DATES[p]
        elif p.endswith("_date"):
            params[p] = date(2026, 10, 1)
        elif p in SAMPLES:
            params[p] = SAMPLES[p]
        else:
            raise AssertionError(f"{name}: no sample value for ${p}; add it to SAMPLES")
    return params


def test_there_are_queries():
    assert len(db.query_names()) >= 3


@pytest.mark.parametrize("name", db.query_names())
@pytest.mark.parametrize("region", [None, "KZ-23", "KZ-62"])
def test_query_runs_on_the_small_fixture(small_con, name, region):
    frame = db.run(small_con, name, **sample_params(name, region))
    assert frame is not None and len(frame.columns) > 0


@pytest.mark.parametrize("name", db.query_names())
def test_query_has_a_header_comment(name):
    head = db.sql_text(name).lstrip().splitlines()[:6]
    text = "\n".join(head)
    assert head[0].startswith("-- purpose:"), name
    for field in ("grain:", "params:", "units:"):
        assert field in text, f"{name} header lacks {field}"


def test_run_refuses_missing_parameters(small_con):
    with pytest.raises(TypeError):
        db.run(small_con, "kpi/region_values")


def test_unknown_query_name_is_refused():
    for name in ("../schema/001_geography", "nope", "../../etc/passwd"):
        with pytest.raises(KeyError):
            db.sql_text(name)


def test_parameters_ignore_comments_and_strings():
    assert db.parameters_of("select $a, '$b' -- $c\n from t where x = $d_2") == {"a", "d_2"}
