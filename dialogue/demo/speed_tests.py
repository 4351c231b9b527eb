"""Speed tests: crowd, operator and regulator measurements, month by month, calibrated to the published medians."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from dialogue.demo.base import (
    FIBRE_MEDIAN,
    FIXED,
    G3,
    G4,
    G5,
    KNOTS,
    LEGACY_RURAL,
    LEGACY_URBAN,
    LTE_MEDIAN,
    LTE_SIGMA,
    MIX,
    MOBILE_SHARE,
    NR_MEDIAN,
    OP,
    S_SPEED,
    SAT,
    SAT_MEDIAN,
    SOURCES,
    TECH,
    THREE_G_FADE,
    Scale,
    _dict_array,
    _Geo,
    _insert,
    _lognormal,
    _month_counts,
    _pick,
    _pick_rows,
    _rng,
    _Span,
    _strings,
    _uniform_times,
)


def _speed_chunk(rng, m: int, n: int, span: _Span, u: dict, fibre_m: np.ndarray, lte_m: np.ndarray,
                 load_id: int) -> pa.Table:
    idx = np.minimum(np.searchsorted(u["cum"], rng.random(n), side="right"), len(u["cum"]) - 1)
    prof = u["profile"][idx]
    # 5G switches on in the cities from 2024-07 and takes a year to reach its share.
    ramp = np.clip((m - 5) / 12, 0, 1)
    mix = MIX.copy()
    mix[2, G5] *= ramp
    mix[2, G4] += MIX[2, G5] - mix[2, G5]
    # 3G is being switched off: its share falls by THREE_G_FADE (of itself) over three years, to 4G.
    fade = mix[:, G3] * THREE_G_FADE * np.clip(m / 36, 0, 1)
    mix[:, G3] -= fade
    mix[:, G4] += fade
    tech = _pick_rows(rng, mix[prof])
    tech[(tech == G4) & (lte_m[idx] > m)] = G3  # no 4G in the place yet
    rural = prof == 0
    t = (m + 0.5) / 12

    fixed = tech == FIXED
    op = np.where(fixed, np.where(~u["is_rural"][idx] & (rng.random(n) < 0.5), 3, 0),
                  np.where(tech == SAT, 4, _pick(rng, MOBILE_SHARE, n)))
    # Old copper lines: where fibre has not arrived, and a few left everywhere.
    adsl = fixed & ((fibre_m[idx] > m) | (rng.random(n) < np.where(rural, LEGACY_RURAL, LEGACY_URBAN)))
    fibre = fixed & ~adsl
    median = np.select(
        [fibre, adsl, tech == G4, tech == G5, tech == G3, tech == SAT],
        [np.interp(t, KNOTS, FIBRE_MEDIAN) * np.where(rural, 0.8, 1.0) * np.where(op == 3, 1.12, 0.95),
         5.0, np.interp(t, KNOTS, LTE_MEDIAN) * np.where(rural, 0.8, 1.05), np.interp(t, KNOTS, NR_MEDIAN),
         4.0, np.interp(t, KNOTS, SAT_MEDIAN)])
    sigma = np.select([fibre, adsl, tech == G4, tech == G5, tech == G3], [0.55, 0.3, LTE_SIGMA, 0.45, 0.5], 0.35)
    local = np.where((tech == SAT) | adsl | (tech == G3), 1.0, u["quality"][idx])
    down = median * local * np.exp(sigma * rng.normal(0, 1, n))
    down = np.where(adsl, np.clip(down, 2.0, 9.9), np.clip(down, 0.3, 1500.0))
    ratio = np.select([fibre, adsl, tech == SAT], [rng.uniform(0.6, 0.9, n), rng.uniform(0.1, 0.25, n),
                                                   rng.uniform(0.15, 0.3, n)], rng.uniform(0.3, 0.5, n))
    latency = np.select(
        [fibre, adsl, tech == G4, tech == G5, tech == G3],
        [np.clip(_lognormal(rng, 22, 40, n), 15, 60), rng.uniform(30, 60, n),
         np.clip(_lognormal(rng, 35, 55, n), 15, 60), rng.uniform(10, 25, n), rng.uniform(80, 150, n)],
        np.clip(_lognormal(rng, 45, 60, n), 30, 90))
    when = _uniform_times(rng, span.start_us[m], span.end_us[m], n)
    order = np.argsort(when, kind="stable")  # time order keeps row groups prunable by date

    def take(a):
        return a[order]

    return pa.table({
        "measured_at": pa.array(take(when).astype("datetime64[us]")),
        "kato": _dict_array(take(idx), u["kato"]), "region_code": _dict_array(take(idx), u["region_code"]),
        "district_kato": _dict_array(take(idx), u["district_kato"]), "is_rural": take(u["is_rural"][idx]),
        "operator_code": _dict_array(take(op), OP), "technology": _dict_array(take(tech), TECH),
        "download_mbps": np.round(take(down), 2), "upload_mbps": np.round(take(down * ratio), 2),
        "latency_ms": np.round(take(latency), 1),
        "source": _dict_array(take(_pick(rng, [0.80, 0.15, 0.05], n)), SOURCES),
        "load_id": np.full(n, load_id, np.int32)})


def _speed_tests(con, geo: _Geo, fibre_m, lte_m, span: _Span, seed: int, scale: Scale, load_id: int) -> int:
    units = geo.units
    w = units.weight.to_numpy(float)
    u = {"cum": np.cumsum(w) / w.sum(), "profile": units.profile.to_numpy(), "is_rural": units.is_rural.to_numpy(),
         "quality": units.quality.to_numpy(), "kato": _strings(units.kato),
         "region_code": _strings(units.region_code), "district_kato": _strings(units.district_kato)}
    total = 0
    for m, n in enumerate(_month_counts(span, scale.speed_tests_per_month)):
        if n:
            total += _insert(con, "speed_test", _speed_chunk(_rng(seed, S_SPEED, m), m, int(n), span, u, fibre_m,
                                                             lte_m, load_id))
    return total


# ---- complaints -------------------------------------------------------------------------------
