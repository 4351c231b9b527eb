"""Shared fixtures: the demo generator doubles as the test fixture (small scale, fixed date).

The suite runs on every core (pytest-xdist, see the Makefile): the warehouses and files below are built once
for the whole run, by whichever worker asks first, and read by all of them; a test that changes one works on
its own copy."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from filelock import FileLock

AS_OF = date(2026, 11, 15)
ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"


def built_once(tmp_path_factory, name: str, build: Callable[[Path], None]) -> Path:
    """A folder that `build` fills once per test run, shared by the workers of a parallel run: the first to
    ask builds it under a lock, the others wait and reuse it. Its contents are read-only for every test."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the workers' base folders are siblings: their parent is the run's own
    folder, done = root / f"shared-{name}", root / f"shared-{name}.done"
    with FileLock(str(root / f"shared-{name}.lock")):
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)  # what a build interrupted by a failure left
            folder.mkdir()
            build(folder)
            done.touch()
    return folder


def _demo(scale: str) -> Callable[[Path], None]:
    def build(folder: Path) -> None:
        from dialogue import demo

        demo.build_warehouse(folder / "warehouse.duckdb", scale=scale, as_of=AS_OF)
    return build


@pytest.fixture(scope="session")
def small_db(tmp_path_factory) -> Path:
    """A small demo warehouse, built once per test run (do not write to it: copy it)."""
    return built_once(tmp_path_factory, "small", _demo("small")) / "warehouse.duckdb"


@pytest.fixture(scope="session")
def default_db(tmp_path_factory) -> Path:
    """A default-scale demo warehouse (a million speed tests): the size a meeting works on."""
    return built_once(tmp_path_factory, "default", _demo("default")) / "warehouse.duckdb"


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

    def build(folder: Path) -> None:
        warehouse.create(folder / "warehouse.duckdb", replace=True).close()
    return built_once(tmp_path_factory, "empty", build) / "warehouse.duckdb"


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

    def build(folder: Path) -> None:
        katos = sorted(geography.read_reference("settlements.csv")["kato"])
        speed_tests_csv(folder / "million.csv", 1_000_000, katos)
    return built_once(tmp_path_factory, "million", build) / "million.csv"


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium (Debian's), one per worker, shared by its browser tests; required, never skipped."""
    import os

    from playwright.sync_api import sync_playwright

    from dialogue.serve import CHROMIUM, CHROMIUM_ARGS

    assert os.path.exists(CHROMIUM), "Chromium is required for the browser tests: apt-get install chromium"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()
