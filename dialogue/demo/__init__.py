"""The deterministic demo dataset: synthetic facts on the real geography, calibrated to published figures.

Everything is drawn from `numpy.random.default_rng([seed, stream, ...])`, one stream per dataset (and per
month for the big ones), from inputs sorted by code, so the same (seed, scale, as_of) gives the same tables
and one dataset can change without reshuffling the others. Data runs from 2024-01-01 to the day before
`as_of` (a load made at midnight on `as_of`); rollout plans are absolute dates and what is done by `as_of`
follows from them. The stories the demo tells (a complaint spike in Mangystau, fibre held up by land plots
in Turkistan, mast permits stuck in Almaty region and Zhetysu) are placed relative to `as_of`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os

import duckdb
import numpy as np
import pandas as pd

from dialogue import db, warehouse
from dialogue.demo.base import DATASETS, OPERATORS, SCALES, _insert, _load_geo, _span
from dialogue.demo.bottlenecks import _bottlenecks
from dialogue.demo.complaints import _complaints
from dialogue.demo.coverage import _coverage_rows, _coverage_starts, _unit_months
from dialogue.demo.event_register import _event_rows
from dialogue.demo.meetings import _meetings, freeze, region_names
from dialogue.demo.permits import _permits
from dialogue.demo.rollout import _plan_rollout, _rollout_rows
from dialogue.demo.speed_tests import _speed_tests
from dialogue.demo.survey import _survey
from dialogue.demo.tiles import _speed_tiles

TABLES = ("region", "district", "settlement", "operator", "kpi_definition", "kpi_threshold", "load_log",
          "speed_test", "coverage", "complaint", "rollout_item", "bottleneck", "survey_response", "meeting",
          "action_item", "change_event", "speed_tile", "permit", "meeting_decision", "mass_event")


def build_warehouse(path: str | os.PathLike, scale: str = "default", seed: int = 20240101,
                    as_of: dt.date | None = None) -> dict[str, int]:
    """Build a fresh warehouse at path: schema, reference geography, KPIs and synthetic demo facts; return row
    counts per table."""
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; choose one of {sorted(SCALES)}")
    as_of = as_of or dt.date.today()
    if isinstance(as_of, dt.datetime):
        as_of = as_of.date()
    span = _span(as_of)
    volumes = SCALES[scale]
    con = warehouse.create(path, replace=True)
    try:
        con.execute("begin transaction")
        _insert(con, "operator", OPERATORS)
        loaded_at = dt.datetime.combine(as_of, dt.time())
        load_ids = {}
        for name in DATASETS:
            checksum = hashlib.sha256(f"{seed}:{scale}:{as_of}:{name}".encode()).hexdigest()
            load_ids[name] = con.execute(
                """insert into load_log (dataset, file_name, checksum_sha256, row_count, loaded_by, loaded_at,
                                         status, is_demo)
                   values (?, ?, ?, 0, 'demo', ?, 'loaded', true) returning load_id""",
                [name, f"demo:{name}", checksum, loaded_at]).fetchall()[0][0]

        geo = _load_geo(con, seed)
        items = _plan_rollout(geo, seed, span)
        starts, g5 = _coverage_starts(geo, items, seed, span)
        fibre_m, lte_m = _unit_months(geo, items, starts)
        counts = {
            "rollout": _insert(con, "rollout_item", _rollout_rows(items, load_ids["rollout"])),
            "coverage": sum(_insert(con, "coverage", t)
                            for t in _coverage_rows(starts, g5, span, load_ids["coverage"])),
            "speed_tests": _speed_tests(con, geo, fibre_m, lte_m, span, seed, volumes, load_ids["speed_tests"]),
            "complaints": _complaints(con, geo, span, seed, volumes, load_ids["complaints"]),
            "survey": _insert(con, "survey_response", _survey(geo, span, seed, volumes, load_ids["survey"])),
            "speed_tiles": _speed_tiles(con, geo, span, seed, load_ids["speed_tiles"]),
        }
        bottlenecks, b_events = _bottlenecks(items, span, seed, load_ids["bottlenecks"])
        counts["bottlenecks"] = _insert(con, "bottleneck", bottlenecks)
        counts["permits"] = _insert(con, "permit", _permits(items, bottlenecks, geo, span, seed, load_ids["permits"]))
        events_rows = _event_rows(as_of, load_ids["events"])
        counts["events"] = _insert(con, "mass_event", events_rows)
        con.execute("select count(nextval('mass_event_seq')) from range(?)", [len(events_rows)]).fetchall()
        meetings, actions, a_events, decisions = _meetings(geo, span, seed, region_names(con))
        _insert(con, "meeting", meetings)
        _insert(con, "action_item", actions)
        if len(decisions):
            _insert(con, "meeting_decision", decisions)
        # Event ids in time order, then the sequence moved past them so later edits continue the numbering.
        events = pd.concat([b_events, a_events], ignore_index=True).sort_values(
            ["changed_at", "entity", "entity_id"], kind="stable").reset_index(drop=True)
        events.insert(0, "event_id", np.arange(1, len(events) + 1, dtype=np.int64))
        _insert(con, "change_event", events)
        con.execute("select count(nextval('change_event_seq')) from range(?)", [len(events)]).fetchall()
        for name, count in counts.items():
            con.execute("update load_log set row_count = ? where load_id = ?", [count, load_ids[name]])
        db.refresh_summaries(con, "speed_test")
        db.bump_version(con, demo_scale=scale, keep_scale=False)
        rows = {t: con.execute(f"select count(*) from {t}").fetchall()[0][0] for t in TABLES}  # constant names
        con.execute("commit")
        # The closed meetings' records, frozen from the figures just built (the sections read them through
        # cursors, which see committed rows only); the data version stays that of the build.
        freeze(con, as_of)
        return rows
    except BaseException:
        try:
            con.execute("rollback")
        except duckdb.Error:
            pass  # nothing to roll back: the error came before the transaction began
        raise
    finally:
        con.close()
