"""Shared fixtures: the demo generator doubles as the test fixture (small scale, fixed date)."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
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
    # Same configuration as the app's connection (read-only, dialogue.access): DuckDB shares one database
    # instance per file within a process and refuses a second one with another configuration.
    con = duckdb.connect(str(small_db), read_only=True)
    yield con
    con.close()


@pytest.fixture
def blank_con(tmp_path):
    """A fresh warehouse (geography, KPIs, no facts) for hand-made rows."""
    from dialogue import warehouse

    con = warehouse.create(tmp_path / "blank.duckdb", replace=True)
    yield con
    con.close()


def speed_tests_csv(path: Path, n: int, katos: list[str], seed: int = 7, sep: str = ",") -> Path:
    """n realistic speed tests (October 2026) on the given KATO codes, operators by code or name."""
    rng = np.random.default_rng(seed)
    katos = np.array(katos)
    seconds = rng.integers(0, 30 * 86400, n).astype("timedelta64[s]")
    frame = pd.DataFrame({
        "measured_at": pd.Series(np.datetime64("2026-10-01T00:00:00") + seconds).dt.strftime("%Y-%m-%d %H:%M:%S"),
        "kato": katos[rng.integers(0, len(katos), n)],
        "operator": np.array(["op_a", "Operator B", "OP_C"])[rng.integers(0, 3, n)],
        "technology": np.array(["fixed", "4G", "3g", "5g", "satellite"])[rng.integers(0, 5, n)],
        "download_mbps": np.round(rng.lognormal(3.5, 1, n), 2).clip(0.1, 2000),
        "upload_mbps": np.round(rng.lognormal(2.5, 1, n), 2).clip(0.1, 1000),
        "latency_ms": np.round(rng.uniform(5, 200, n), 1),
        "source": np.array(["crowd", "operator", "regulator"])[rng.integers(0, 3, n)],
    })
    frame.to_csv(path, index=False, sep=sep)
    return path


@pytest.fixture(scope="session")
def million_speed_tests(tmp_path_factory) -> Path:
    """A 1,000,000-row speed_tests CSV on the reference settlements, written once per session for the
    load-time budget and the kill test (do not change it)."""
    from dialogue import geography

    katos = sorted(geography.read_reference("settlements.csv")["kato"])
    return speed_tests_csv(tmp_path_factory.mktemp("million") / "million.csv", 1_000_000, katos)


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium (Debian's), shared by every browser test; required, never skipped."""
    import os

    from playwright.sync_api import sync_playwright

    from dialogue.serve import CHROMIUM, CHROMIUM_ARGS

    assert os.path.exists(CHROMIUM), "Chromium is required for the browser tests: apt-get install chromium"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()
