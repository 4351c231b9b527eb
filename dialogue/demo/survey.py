"""The business survey: firms' connections, speeds, satisfaction and barriers."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dialogue.demo.base import S_SURVEY, SURVEY_FIXED_PCT, Scale, _Geo, _ids, _pick, _rng, _Span

SECTORS = ["trade", "agriculture", "manufacturing", "services", "construction", "transport", "ict", "tourism"]
SECTOR_SHARE = [0.30, 0.14, 0.10, 0.20, 0.09, 0.08, 0.05, 0.04]
FIRM_SIZES = ["micro", "small", "medium", "large"]
BARRIERS = ["cost", "speed", "availability", "reliability", "skills", "other"]


def _survey(geo: _Geo, span: _Span, seed: int, scale: Scale, load_id: int) -> pd.DataFrame:
    rng = _rng(seed, S_SURVEY)
    months = span.months.astype(np.int64)  # months since 1970-01
    periods = np.unique(np.datetime64("1970-01", "M") + (months - months % 3)).astype("datetime64[D]")
    n_q = scale.survey_per_quarter
    n = n_q * len(periods)
    units = geo.units
    w = units.weight.to_numpy(float)
    idx = np.minimum(np.searchsorted(np.cumsum(w) / w.sum(), rng.random(n), side="right"), len(w) - 1)
    region = units.region_code.to_numpy()[idx]
    rural = units.is_rural.to_numpy()[idx]
    # Exactly the regional share of fixed lines (quota within each region, so small samples keep the order).
    key = rng.random(n)
    rank = pd.DataFrame({"r": region, "k": key}).groupby("r").k.rank(method="first").to_numpy() - 1
    size = pd.Series(region).map(pd.Series(region).value_counts()).to_numpy()
    fixed = rank < np.round(pd.Series(region).map(SURVEY_FIXED_PCT).to_numpy() / 100 * size)
    other = np.where(rural, _pick(rng, [0.90, 0.05, 0.05], n), _pick(rng, [0.975, 0.005, 0.02], n))
    connection = np.where(fixed, "fixed", np.array(["mobile", "satellite", "none"])[other])
    quality = units.quality.to_numpy()[idx]
    median = pd.Series(connection).map({"fixed": 55.0, "mobile": 22.0, "satellite": 45.0}).to_numpy(float)
    speed = np.round(median * quality * np.exp(rng.normal(0, 0.6, n)), 1)  # NaN where no connection
    score = 1 + 4 / (1 + np.exp(-(np.log(np.where(np.isnan(speed), 1, speed)) - np.log(25)) / 0.8))
    satisfaction = np.clip(np.round(score + rng.normal(0, 0.6, n)), 1, 5)
    satisfaction = np.where(connection == "none", 1 + (rng.random(n) < 0.3), satisfaction).astype(np.int64)
    firm = _pick(rng, [0.60, 0.25, 0.12, 0.03], n)
    slow = np.nan_to_num(speed, nan=0) < 15
    # Cost weighs on micro firms, speed on slow lines, availability in the countryside and without a line.
    p = np.column_stack([0.30 + 0.10 * (firm == 0), 0.12 + 0.40 * slow,
                         0.08 + 0.25 * rural + 0.5 * (connection == "none"),
                         np.full(n, 0.25), np.full(n, 0.10), np.full(n, 0.05)])
    has = rng.random((n, len(BARRIERS))) < p
    barriers = np.full(n, "", dtype=object)
    for j, name in enumerate(BARRIERS):
        barriers = np.where(has[:, j], np.where(barriers == "", name, barriers + ";" + name), barriers)
    period = np.repeat(periods, n_q)
    return pd.DataFrame({
        "response_id": _ids("S-", np.arange(1, n + 1), 6), "period": period, "kato": units.kato.to_numpy()[idx],
        "region_code": region, "district_kato": units.district_kato.to_numpy()[idx],
        "firm_size": np.array(FIRM_SIZES)[firm], "sector": np.array(SECTORS)[_pick(rng, SECTOR_SHARE, n)],
        "connection": connection,
        "download_mbps": pd.array(np.where(np.isnan(speed), None, speed), dtype="Float64"),
        "satisfaction": satisfaction, "barriers": barriers, "load_id": load_id,
    }).sort_values(["period", "response_id"], kind="stable")


# ---- Council of Operators -----------------------------------------------------------------------
