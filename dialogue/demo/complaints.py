"""Citizens' complaints and their verification funnel, with the Mangystau spike."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from dialogue.demo.base import (
    DAY_US,
    MOBILE_SHARE,
    OP,
    S_COMPLAINT,
    S_VENUE,
    SPIKE_REGION,
    Scale,
    _dict_array,
    _Geo,
    _ids,
    _insert,
    _lognormal,
    _month_counts,
    _pick,
    _rng,
    _Span,
    _strings,
    _uniform_times,
    _venue_units,
)
from dialogue.demo.events import demo_events

CATEGORIES = ["no_coverage", "low_speed", "outage", "dropped_calls", "other"]
CATEGORY_MIX = {"mobile_rural": [0.35, 0.25, 0.12, 0.20, 0.08], "mobile_urban": [0.15, 0.35, 0.15, 0.25, 0.10],
                "fixed": [0.05, 0.45, 0.35, 0.0, 0.15]}


def _complaint_chunk(rng, m: int, n: int, spike: int, span: _Span, u: dict) -> dict[str, np.ndarray]:
    idx = np.minimum(np.searchsorted(u["cum"], rng.random(n), side="right"), len(u["cum"]) - 1)
    received = _uniform_times(rng, span.start_us[m], span.end_us[m], n)
    rural = u["is_rural"][idx]
    mobile = rng.random(n) < 0.7
    cat = np.where(mobile, np.where(rural, _pick(rng, CATEGORY_MIX["mobile_rural"], n),
                                    _pick(rng, CATEGORY_MIX["mobile_urban"], n)),
                   _pick(rng, CATEGORY_MIX["fixed"], n))
    op = np.where(mobile, _pick(rng, MOBILE_SHARE, n), np.where(~rural & (rng.random(n) < 0.45), 3, 0))
    if spike:
        # Story: a mobile outage at Operator B floods Mangystau with complaints within days.
        sidx = np.minimum(np.searchsorted(u["spike_cum"], rng.random(spike), side="right"),
                          len(u["spike_cum"]) - 1)
        outage_us = span.start_us[m] + rng.integers(4, 12) * DAY_US + rng.integers(0, DAY_US)
        after = np.minimum(outage_us + rng.exponential(2.5 * DAY_US, spike).astype(np.int64), span.end_us[m] - 1)
        idx = np.concatenate([idx, u["spike_units"][sidx]])
        received = np.concatenate([received, after])
        mobile = np.concatenate([mobile, np.ones(spike, bool)])
        cat = np.concatenate([cat, _pick(rng, [0.08, 0.04, 0.8, 0.08, 0.0], spike)])
        op = np.concatenate([op, np.where(rng.random(spike) < 0.92, 1, _pick(rng, [0.5, 0, 0.5], spike))])
    return {"idx": idx, "received": received, "mobile": mobile, "category": cat, "op": op}


# A big event: enough people that the network near the venue strains (and they complain about it).
BIG_EVENT_ATTENDANCE = 25_000


def _event_complaints(span: _Span, seed: int, scale: Scale, u: dict) -> dict[int, list[dict]]:
    """A few complaints (slow internet, dropped calls) from the venue's district during each big event and in
    the 24 hours after, mostly against the operators that strain there; by month."""
    out: dict[int, list[dict]] = {}
    volume = scale.complaints_per_month / 1290
    for e_no, event in enumerate(demo_events(span.as_of.item())):
        if event.attendance < BIG_EVENT_ATTENDANCE:
            continue
        lo = int(np.datetime64(event.starts_at, "us").astype(np.int64))
        hi = int(np.datetime64(event.ends_at, "us").astype(np.int64)) + DAY_US
        if lo < span.start_us[0] or hi > span.end_us[-1]:
            continue
        rng = _rng(seed, S_VENUE, 1000 + e_no)
        n = max(3, round(event.attendance / 10_000 * volume))
        strain = np.array([1 - event.keeps.get(o, 1.0) for o in OP[:len(MOBILE_SHARE)]])
        c = {"idx": np.full(n, u["venue_unit"][event.district_kato]),
             "received": _uniform_times(rng, lo, hi, n), "mobile": np.ones(n, bool),
             "category": np.where(rng.random(n) < 0.6, CATEGORIES.index("low_speed"),
                                  CATEGORIES.index("dropped_calls")),
             "op": _pick(rng, strain / strain.sum(), n)}
        # Filed under the month each is received in (complaint ids follow the time of receipt).
        months = (c["received"].astype("datetime64[us]").astype("datetime64[M]") - span.months[0]).astype(np.int64)
        for m in np.unique(months):
            part = {k: v[months == m] for k, v in c.items()}
            part["rng"] = _rng(seed, S_VENUE, 1000 + e_no, int(m))   # for the funnel: verification, fines
            out.setdefault(int(m), []).append(part)
    return out


def _complaint_funnel(rng, c: dict, cut_us: int) -> pa.Table:
    """Verification, violations, fines and resolution, as far as they got by as_of."""
    n = len(c["received"])
    rec = c["received"]
    will_verify = rng.random(n) < 0.75
    verified_at = rec + (np.clip(_lognormal(rng, 7, 25, n), 0.2, 150) * DAY_US).astype(np.int64)
    violation = will_verify & (rng.random(n) < 0.40)
    fined = violation & (rng.random(n) < 0.60)
    fine = np.round(100_000 * np.exp(rng.uniform(0, np.log(30), n)), -3)
    will_resolve = rng.random(n) < np.where(violation, 0.95, np.where(will_verify, 0.70, 0.80))
    resolved_at = rec + (np.clip(_lognormal(rng, 20, 60, n), 0.5, 300) * DAY_US).astype(np.int64)
    # Nothing is resolved before it is verified.
    after_check = verified_at + rng.integers(DAY_US // 2, 5 * DAY_US, n)
    resolved_at = np.where(will_verify, np.maximum(resolved_at, after_check), resolved_at)
    is_verified = will_verify & (verified_at < cut_us)
    is_resolved = will_resolve & (resolved_at < cut_us)
    status = np.select(
        [is_resolved, is_verified & violation, is_verified, will_verify & (rec < cut_us - 2 * DAY_US)],
        ["resolved", "confirmed", "rejected", "verifying"], "received")
    low = np.where(c["mobile"], 3.5, 5.0)
    ok = np.where(c["mobile"], 25.0, 60.0)
    measured = np.round(np.where(violation, low, ok) * np.exp(rng.normal(0, 0.5, n)), 1)
    order = np.lexsort((np.arange(n), rec))

    def ts(a, keep):
        return pa.array(np.where(keep, a, 0)[order].astype("datetime64[us]"), mask=~keep[order])

    return pa.table({
        "received_at": pa.array(rec[order].astype("datetime64[us]")),
        "status": pa.array(status[order]),
        "verified_at": ts(verified_at, is_verified),
        "measured_download_mbps": pa.array(measured[order], mask=~is_verified[order]),
        "violation": pa.array(violation[order], mask=~is_verified[order]),
        "fine_kzt": pa.array(fine[order].astype(np.int64), mask=~(is_verified & fined)[order]),
        "resolved_at": ts(resolved_at, is_resolved),
        "idx": c["idx"][order], "mobile": c["mobile"][order], "category": c["category"][order],
        "op": c["op"][order],
    })


def _complaints(con, geo: _Geo, span: _Span, seed: int, scale: Scale, load_id: int) -> int:
    units = geo.units
    w = units.weight.to_numpy(float)
    spike_units = np.flatnonzero(units.region_code.to_numpy() == SPIKE_REGION)
    u = {"cum": np.cumsum(w) / w.sum(), "is_rural": units.is_rural.to_numpy(), "spike_units": spike_units,
         "spike_cum": np.cumsum(w[spike_units]) / w[spike_units].sum(), "kato": _strings(units.kato),
         "region_code": _strings(units.region_code), "district_kato": _strings(units.district_kato)}
    u["venue_unit"] = _venue_units(units)
    at_events = _event_complaints(span, seed, scale, u)
    counts = _month_counts(span, scale.complaints_per_month)
    spike_month = span.n - 1 - 3
    usual = scale.complaints_per_month * w[spike_units].sum() / w.sum()
    total = 0
    for m, n in enumerate(counts):
        rng = _rng(seed, S_COMPLAINT, m)
        spike = max(15, round(5 * usual)) if m == spike_month else 0
        t = _complaint_funnel(rng, _complaint_chunk(rng, m, int(n), spike, span, u), span.end_us[-1])
        extra = [_complaint_funnel(c.pop("rng"), c, span.end_us[-1]) for c in at_events.get(m, [])]
        if extra:
            t = pa.concat_tables([t, *extra])
            t = t.take(np.argsort(t.column("received_at").to_numpy(), kind="stable"))
        idx = t.column("idx").to_numpy()
        rows = t.drop_columns(["idx", "mobile", "category", "op"]).append_column(
            "complaint_id", pa.array(_ids("C-", np.arange(total + 1, total + len(idx) + 1), 6)))
        for name, arr in (("kato", _dict_array(idx, u["kato"])),
                          ("region_code", _dict_array(idx, u["region_code"])),
                          ("district_kato", _dict_array(idx, u["district_kato"])),
                          ("operator_code", _dict_array(t.column("op").to_numpy(), OP)),
                          ("service", pa.array(np.where(t.column("mobile").to_numpy(), "mobile", "fixed"))),
                          ("category", _dict_array(t.column("category").to_numpy(), CATEGORIES)),
                          ("load_id", pa.array(np.full(len(idx), load_id, np.int32)))):
            rows = rows.append_column(name, arr)
        total += _insert(con, "complaint", rows)
    return total


# ---- bottlenecks ------------------------------------------------------------------------------
