"""Layer 1: every named query runs against the small demo warehouse, with and without a region."""

import pytest

from dialogue import db
from tests.factories import sample_params


def test_there_are_queries():
    assert len(db.query_names()) >= 3


@pytest.mark.parametrize("name", db.query_names())
@pytest.mark.parametrize("region", [None, "KZ-23", "KZ-62"])
def test_query_runs_on_the_small_fixture(small_con, name, region):
    frame = db.run(small_con, name, **sample_params(name, region))
    assert frame is not None and len(frame.columns) > 0


@pytest.mark.parametrize("name", db.query_names())
def test_query_has_a_header_comment(name):
    lines = db.sql_text(name).lstrip().splitlines()
    head = [line for line in lines[:next(i for i, line in enumerate(lines) if not line.startswith("--"))]]
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
