"""Speed tests: crowd, operator and regulator measurements, month by month, calibrated to the published medians."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa

from dialogue.demo.base import (
    CROWD_LOCATED,
    DAY_US,
    DIP_4G,
    DIP_5G,
    DIP_FIBRE,
    DIP_SATELLITE,
    EVENING_SHAPE,
    FIBRE_MEDIAN,
    FIXED,
    G3,
    G4,
    G5,
    HOUR_US,
    HOURS_WEEKDAY,
    HOURS_WEEKEND,
    KNOTS,
    LEGACY_RURAL,
    LEGACY_URBAN,
    LTE_MEDIAN,
    LTE_SIGMA,
    MIX,
    MOBILE_SHARE,
    NR_MEDIAN,
    OP,
    S_BUSY,
    S_SPEED,
    S_VENUE,
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
    _month_index,
    _pick,
    _pick_rows,
    _rng,
    _Span,
    _strings,
    _test_times,
    _uniform_times,
    _venue_units,
)
from dialogue.demo.events import demo_events

# Tests at one venue vary less than a district's: their spread, as a share of the usual one.
VENUE_SPREAD = 0.4


def _dips() -> np.ndarray:
    """The evening dip as a download factor per (operator, technology, local hour), scaled so that each
    (operator, technology) keeps its day-long typical speed (the mean log factor over the hours people test
    is zero)."""
    depth = np.zeros((len(OP), len(TECH)))
    for o, code in enumerate(OP):
        depth[o, [G3, G4]] = DIP_4G.get(code, 0.0)
    depth[:, G5], depth[:, FIXED], depth[:, SAT] = DIP_5G, DIP_FIBRE, DIP_SATELLITE
    factor = 1 - depth[:, :, None] * EVENING_SHAPE[None, None, :]
    hours = 5 * HOURS_WEEKDAY / HOURS_WEEKDAY.sum() + 2 * HOURS_WEEKEND / HOURS_WEEKEND.sum()
    level = np.exp(-(np.log(factor) * hours / hours.sum()).sum(axis=2))
    return factor * level[:, :, None]


DIPS = _dips()


def _speed_arrays(rng, busy, m: int, n: int, span: _Span, u: dict, fibre_m: np.ndarray, lte_m: np.ndarray,
                  idx=None, when=None, op_of=None, factor=None, point=None) -> dict:
    """n speed tests of month m as columns (numpy): drawn from the month's stream `rng` as always, with the
    hour of day, the evening dip and the point drawn from `busy`. The tests at a venue give their place
    (idx), time (when), operator (op_of, mobile only), a download factor and their point."""
    drawn = np.minimum(np.searchsorted(u["cum"], rng.random(n), side="right"), len(u["cum"]) - 1)
    idx = drawn if idx is None else idx
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
    if op_of is not None:           # phones in a crowd, on the venue's 4G cells
        tech = np.full(n, G4)
    tech[(tech == G4) & (lte_m[idx] > m)] = G3  # no 4G in the place yet
    rural = prof == 0
    t = (m + 0.5) / 12

    fixed = tech == FIXED
    op = np.where(fixed, np.where(~u["is_rural"][idx] & (rng.random(n) < 0.5), 3, 0),
                  np.where(tech == SAT, 4, _pick(rng, MOBILE_SHARE, n)))
    if op_of is not None:
        op = op_of
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
    if op_of is not None:           # one place, the same cells: speeds vary less than across a district
        sigma = sigma * VENUE_SPREAD
    down = median * local * np.exp(sigma * rng.normal(0, 1, n))
    ratio = np.select([fibre, adsl, tech == SAT], [rng.uniform(0.6, 0.9, n), rng.uniform(0.1, 0.25, n),
                                                   rng.uniform(0.15, 0.3, n)], rng.uniform(0.3, 0.5, n))
    latency = np.select(
        [fibre, adsl, tech == G4, tech == G5, tech == G3],
        [np.clip(_lognormal(rng, 22, 40, n), 15, 60), rng.uniform(30, 60, n),
         np.clip(_lognormal(rng, 35, 55, n), 15, 60), rng.uniform(10, 25, n), rng.uniform(80, 150, n)],
        np.clip(_lognormal(rng, 45, 60, n), 30, 90))
    days = _uniform_times(rng, span.start_us[m], span.end_us[m], n)
    source = _pick(rng, [0.80, 0.15, 0.05], n)
    # The hour people test at, and the evening dip (copper lines are slow at any hour).
    when = _test_times(days, busy) if when is None else when
    hour = (when // HOUR_US) % 24
    down = down * np.where(adsl, 1.0, DIPS[op, tech, hour])
    if factor is not None:
        down = down * factor
    down = np.where(adsl, np.clip(down, 2.0, 9.9), np.clip(down, 0.3, 1500.0))
    # Most crowd tests come with the app's point: the place's, a little apart.
    if point is None:
        located = (source == 0) & (busy.random(n) < CROWD_LOCATED)
        spread = u["spread_deg"][idx]
        lat = np.where(located, u["lat"][idx] + busy.normal(0, 1, n) * spread, np.nan)
        lon = np.where(located, u["lon"][idx] + busy.normal(0, 1, n) * spread * 1.5, np.nan)
    else:
        lat, lon = point
        source = np.zeros(n, np.int64)
    return {"measured_at": when, "idx": idx, "op": op, "tech": tech, "down": down, "ratio": ratio,
            "latency": latency, "source": source, "lat": lat, "lon": lon}


def _speed_table(a: dict, u: dict, load_id: int) -> pa.Table:
    order = np.argsort(a["measured_at"], kind="stable")  # time order keeps row groups prunable by date

    def take(name):
        return a[name][order]

    lat, lon = take("lat"), take("lon")
    return pa.table({
        "measured_at": pa.array(take("measured_at").astype("datetime64[us]")),
        "kato": _dict_array(take("idx"), u["kato"]), "region_code": _dict_array(take("idx"), u["region_code"]),
        "district_kato": _dict_array(take("idx"), u["district_kato"]), "is_rural": u["is_rural"][take("idx")],
        "operator_code": _dict_array(take("op"), OP), "technology": _dict_array(take("tech"), TECH),
        "download_mbps": np.round(take("down"), 2), "upload_mbps": np.round(take("down") * take("ratio"), 2),
        "latency_ms": np.round(take("latency"), 1),
        "source": _dict_array(take("source"), SOURCES),
        "latitude": pa.array(np.round(lat, 5), mask=np.isnan(lat)),
        "longitude": pa.array(np.round(lon, 5), mask=np.isnan(lon)),
        "load_id": np.full(len(order), load_id, np.int32)})


def _disc(rng, lat: float, lon: float, radius_m: float, n: int) -> tuple[np.ndarray, np.ndarray]:
    """n points uniform in a disc around (lat, lon)."""
    r = radius_m * np.sqrt(rng.random(n))
    a = rng.uniform(0, 2 * np.pi, n)
    return (lat + r * np.cos(a) / 111_320, lon + r * np.sin(a) / (111_320 * np.cos(np.radians(lat))))


def _venue_tests(span: _Span, seed: int, scale: Scale, u: dict, fibre_m, lte_m) -> dict[int, list[dict]]:
    """The crowd at each mass event of the data span, by month: mobile tests near the venue while it runs,
    each operator's download cut to its `keeps`, and ordinary tests near it at the same hours on the four
    same weekdays before (the baseline an event report compares with)."""
    by_month: dict[int, list[dict]] = {}
    start_us, end_us = span.start_us[0], span.end_us[-1]
    volume = scale.speed_tests_per_month / 30_000
    for e_no, event in enumerate(demo_events(span.as_of.item())):
        starts, ends = _event_us(event.starts_at), _event_us(event.ends_at)
        if starts < start_us or ends > end_us:
            continue
        unit = u["venue_unit"][event.district_kato]
        per_op = max(30, round(event.attendance / 1000 * 2 * volume))
        rng = _rng(seed, S_VENUE, e_no)
        windows = [(starts, ends, True)] + [(starts - k * 7 * DAY_US, ends - k * 7 * DAY_US, False)
                                            for k in range(1, 5) if starts - k * 7 * DAY_US >= start_us]
        for lo, hi, during in windows:
            n_op = per_op if during else -(-per_op // (len(windows) - 1))
            ops = np.repeat(np.arange(len(MOBILE_SHARE)), n_op)
            n = len(ops)
            when = _uniform_times(rng, lo, hi, n)
            factor = np.array([event.keeps.get(OP[o], 1.0) for o in ops]) if during else None
            point = _disc(rng, event.venue.lat, event.venue.lon, event.radius_m, n)
            m = int(_month_index(np.datetime64(int(lo), "us"))[()])
            a = _speed_arrays(rng, rng, m, n, span, u, fibre_m, lte_m, idx=np.full(n, unit), when=when, op_of=ops,
                              factor=factor, point=point)
            months = _month_index(a["measured_at"].astype("datetime64[us]"))
            for mm in np.unique(months):
                by_month.setdefault(int(mm), []).append({k: v[months == mm] for k, v in a.items()})
    return by_month


def _event_us(t: dt.datetime) -> int:
    return int(np.datetime64(t, "us").astype(np.int64))


def _speed_tests(con, geo: _Geo, fibre_m, lte_m, span: _Span, seed: int, scale: Scale, load_id: int) -> int:
    units = geo.units
    w = units.weight.to_numpy(float)
    district = units.district_kato.to_numpy()
    u = {"cum": np.cumsum(w) / w.sum(), "profile": units.profile.to_numpy(), "is_rural": units.is_rural.to_numpy(),
         "quality": units.quality.to_numpy(), "kato": _strings(units.kato),
         "region_code": _strings(units.region_code), "district_kato": _strings(district),
         "lat": units.lat.to_numpy(float), "lon": units.lon.to_numpy(float),
         "spread_deg": units.spread_deg.to_numpy(float),
         "venue_unit": _venue_units(units)}
    venues = _venue_tests(span, seed, scale, u, fibre_m, lte_m)
    total = 0
    for m, n in enumerate(_month_counts(span, scale.speed_tests_per_month)):
        parts = [_speed_arrays(_rng(seed, S_SPEED, m), _rng(seed, S_BUSY, m), m, int(n), span, u, fibre_m,
                               lte_m)] if n else []
        parts += venues.get(m, [])
        if parts:
            rows = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
            total += _insert(con, "speed_test", _speed_table(rows, u, load_id))
    return total


# ---- complaints -------------------------------------------------------------------------------
