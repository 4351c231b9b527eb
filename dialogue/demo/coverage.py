"""Coverage reports: when each settlement got 4G (and cities 5G) from each operator."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from dialogue.demo.base import NOT_YET, OP, S_COVERAGE, _dict_array, _Geo, _month_index, _pick, _rng, _Span


def _coverage_places(geo: _Geo) -> pd.DataFrame:
    s = geo.settlements
    return s[s.is_village | (s.settlement_type == "urban")].reset_index(drop=True)


def _coverage_starts(geo: _Geo, items: pd.DataFrame, seed: int, span: _Span) -> tuple[pd.DataFrame, pd.DataFrame]:
    """First covered month per (place, mobile operator) for 4G, and per (city, operator) for 5G."""
    rng = _rng(seed, S_COVERAGE)
    cov = _coverage_places(geo)
    n = len(cov)
    start = np.full((n, 3), NOT_YET, dtype=np.int64)
    # Covered before 2024: a first operator; the others too in bigger places, or later, or never.
    first = _pick(rng, [0.45, 0.35, 0.20], n)
    p_also = np.clip(0.25 + 0.25 * np.log10(cov.population_est.to_numpy(float) / 100), 0.2, 0.95)
    p_also = np.where(cov.settlement_type.to_numpy() == "urban", 1.0, p_also)
    also = rng.random((n, 3)) < p_also[:, None]
    later = np.where(rng.random((n, 3)) < 0.35, rng.integers(1, 60, (n, 3)), NOT_YET)
    start[:] = np.where(also, -1, later)
    start[np.arange(n), first] = -1
    # Not covered at 2024-01: the 4g_settlement item's operator from the month it is done, others later.
    g4 = items[items.programme == "4g_settlement"]
    pos = pd.Index(cov.kato).get_indexer(g4.kato)
    done_month = np.where(g4.done.to_numpy(), _month_index(g4.completion.to_numpy()), NOT_YET)
    follow = np.where(rng.random((len(g4), 3)) < 0.4, done_month[:, None] + rng.integers(3, 25, (len(g4), 3)),
                      NOT_YET)
    start[pos] = np.minimum(follow, NOT_YET)
    start[pos, pd.Index(OP).get_indexer(g4.operator_code)] = done_month
    starts = pd.DataFrame({"kato": cov.kato, "region_code": cov.region_code, "district_kato": cov.district_kato})
    # 5G: an operator covers a city from the month its first sites go live (a month after the build starts).
    g5 = items[items.programme == "5g_city"]
    live = g5.start_date.to_numpy().astype("datetime64[D]") + np.timedelta64(30, "D")
    g5_start = g5[["kato", "region_code", "district_kato", "operator_code"]].assign(
        month=np.where(live <= span.last, _month_index(live), NOT_YET))
    return starts.assign(s0=start[:, 0], s1=start[:, 1], s2=start[:, 2]), g5_start


def _coverage_rows(starts: pd.DataFrame, g5: pd.DataFrame, span: _Span, load_id: int) -> list[pa.Table]:
    m = span.n
    n = len(starts)
    month = np.repeat(np.arange(m), n * 3)
    place = np.tile(np.repeat(np.arange(n), 3), m)
    op = np.tile(np.arange(3), n * m)
    first = starts[["s0", "s1", "s2"]].to_numpy()[place, op]
    tables = [pa.table({
        "period": (span.months[month]).astype("datetime64[D]"),
        "kato": _dict_array(place, starts.kato), "region_code": _dict_array(place, starts.region_code),
        "district_kato": _dict_array(place, starts.district_kato), "operator_code": _dict_array(op, OP[:3]),
        "technology": _dict_array(np.zeros(len(op)), ["4g"]), "covered": month >= first,
        "load_id": np.full(len(op), load_id, np.int32)})]
    # 5G rows for the 20 cities from 2024-07 on.
    g5 = g5.sort_values(["kato", "operator_code"], kind="stable").reset_index(drop=True)
    months5 = np.arange(6, m)
    if len(months5):
        month = np.repeat(months5, len(g5))
        row = np.tile(np.arange(len(g5)), len(months5))
        tables.append(pa.table({
            "period": span.months[month].astype("datetime64[D]"),
            "kato": pa.array(g5.kato.to_numpy()[row]), "region_code": pa.array(g5.region_code.to_numpy()[row]),
            "district_kato": pa.array(g5.district_kato.to_numpy()[row], type=pa.string(), from_pandas=True),
            "operator_code": pa.array(g5.operator_code.to_numpy()[row]),
            "technology": pa.array(np.full(len(row), "5g")), "covered": month >= g5.month.to_numpy()[row],
            "load_id": np.full(len(row), load_id, np.int32)}))
    return tables


# ---- speed tests ------------------------------------------------------------------------------

def _unit_months(geo: _Geo, items: pd.DataFrame, starts: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Per sampling unit: the month fibre arrived and the month 4G arrived (-1: before 2024)."""
    u = geo.units
    fv = items[items.programme == "fibre_village"]
    fibre_done = pd.Series(np.where(fv.done.to_numpy(), _month_index(fv.completion.to_numpy()), NOT_YET),
                           index=fv.kato.to_numpy())
    fibre = np.where(u.profile.to_numpy() > 0, -1,
                     np.where(u.is_village.to_numpy(), NOT_YET, np.where(u.fibre_outside.to_numpy(), -1, NOT_YET)))
    fibre = np.where(u.kato.isin(fibre_done.index), u.kato.map(fibre_done).fillna(NOT_YET).to_numpy(), fibre)
    lte = pd.Series(starts[["s0", "s1", "s2"]].min(axis=1).to_numpy(), index=starts.kato.to_numpy())
    lte = u.kato.map(lte).fillna(-1).to_numpy().astype(np.int64)
    return fibre.astype(np.int64), lte
