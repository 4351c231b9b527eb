"""Shared fixtures: the demo generator doubles as the test fixture (small scale, fixed date)."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest

AS_OF = date(2026, 11, 15)
ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"


@pytest.fixture(scope="session")
def small_db(tmp_path_factory) -> Path:
    """A small demo warehouse, built once per test session (do not write to it: copy it)."""
    from dialogue import demo

    path = tmp_path_factory.mktemp("small") / "warehouse.duckdb"
    demo.build_warehouse(path, scale="small", as_of=AS_OF)
    return path


@pytest.fixture(scope="session")
def default_db(tmp_path_factory) -> Path:
    """A default-scale demo warehouse (a million speed tests): the size a meeting works on."""
    from dialogue import demo

    path = tmp_path_factory.mktemp("default") / "warehouse.duckdb"
    demo.build_warehouse(path, scale="default", as_of=AS_OF)
    return path


@pytest.fixture
def small_copy(small_db, tmp_path) -> Path:
    """A private copy of the small warehouse that a test may change."""
    path = tmp_path / "warehouse.duckdb"
    shutil.copy(small_db, path)
    return path


@pytest.fixture(scope="session")
def empty_db(tmp_path_factory) -> Path:
    """A warehouse with geography and KPI definitions but no facts."""
    from dialogue import warehouse

    path = tmp_path_factory.mktemp("empty") / "warehouse.duckdb"
    warehouse.create(path, replace=True).close()
    return path


@pytest.fixture
def small_con(small_db):
    # Same configuration as the app's connection (read-write): DuckDB shares one database instance per
    # file within a process and refuses a second one with another configuration. Tests only read.
    con = duckdb.connect(str(small_db))
    yield con
    con.close()


@pytest.fixture
def blank_con(tmp_path):
    """A fresh warehouse (geography, KPIs, no facts) for hand-made rows."""
    from dialogue import warehouse

    con = warehouse.create(tmp_path / "blank.duckdb", replace=True)
    yield con
    con.close()
