"""The rollout register: items of every programme, planned and done, with the Turkistan story."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dialogue.demo.base import (
    NEVER,
    NO_4G_RISK,
    OP,
    PERMIT_STORY_REGIONS,
    S_ROLLOUT,
    _days,
    _duration_days,
    _Geo,
    _pick,
    _pick_rows,
    _rng,
    _Span,
    _top_k,
)
from dialogue.demo.coverage import _coverage_places


def _plan_rollout(geo: _Geo, seed: int, span: _Span) -> pd.DataFrame:
    """Every rollout item with its plan, its blocking bottleneck (if any) and its true completion date."""
    rng = _rng(seed, S_ROLLOUT)
    s = geo.settlements
    parts = []

    def add(programme, prefix, place, op, unit, planned_units, planned, build, natural_delay, blocked_p,
            kinds, kind_p, baseline=False):
        n = len(place)
        if n == 0:
            return
        d = pd.DataFrame({"programme": programme, "prefix": prefix, "kato": place.kato.to_numpy(),
                          "region_code": place.region_code.to_numpy(),
                          "district_kato": place.district_kato.to_numpy(), "operator_code": op, "unit": unit,
                          "planned_units": np.broadcast_to(np.asarray(planned_units, float), (n,)),
                          "planned_date": np.asarray(planned).astype("datetime64[D]"),
                          "build_days": np.broadcast_to(np.asarray(build, np.int64), (n,)),
                          "natural_delay": natural_delay, "baseline": baseline})
        d["blocked"] = rng.random(n) < blocked_p
        d["block_kind"] = np.array(kinds, dtype=object)[_pick_rows(rng, np.asarray(kind_p, float).reshape(n, -1))]
        parts.append(d)

    def delay(mean, sd, n):
        return np.round(rng.normal(mean, sd, n)).astype(np.int64)

    # Fibre to villages: the 573 smallest go to satellite, 2,606 were connected before 2024 (larger ones
    # first, fewer in Turkistan and Kyzylorda), 3,000 more are planned 2024-01 .. 2026-12.
    v = s[s.is_village].sort_values(["population_est", "kato"], kind="stable").reset_index(drop=True)
    n_sat = len(v) - 2606 - 3000
    sat, rest = v.iloc[:n_sat], v.iloc[n_sat:].reset_index(drop=True)
    lag = rest.region_code.map({"KZ-61": 0.35, "KZ-43": 0.6}).fillna(1.0).to_numpy()
    is_base = np.zeros(len(rest), bool)
    is_base[_top_k(rng, rest.population_est.to_numpy(float) * lag, 2606)] = True
    base, plan = rest[is_base], rest[~is_base]
    n = len(base)
    add("fibre_village", "FV", base, "op_a", "settlement", 1, np.datetime64("2019-01-01") + _days(rng, 0, 1826, n),
        150, np.zeros(n, np.int64), 0.0, ["other"], np.ones((n, 1)), baseline=True)
    n, r = len(plan), plan.region_code.to_numpy()
    slow = np.isin(r, ["KZ-61", "KZ-43"])[:, None]
    add("fibre_village", "FV", plan, "op_a", "settlement", 1, np.datetime64("2024-01-10") + _days(rng, 0, 1075, n),
        150, delay(-5, 30, n), np.select([r == "KZ-61", r == "KZ-43"], [0.55, 0.5], 0.06),
        ["land_plot", "right_of_way", "power_access"], np.where(slow, [1.0, 0, 0], [0.6, 0.25, 0.15]))
    n = len(sat)
    add("satellite", "ST", sat, "op_e", "settlement", 1, np.datetime64("2025-01-15") + _days(rng, 0, 1065, n),
        60, delay(0, 20, n), 0.0, ["other"], np.ones((n, 1)))

    # 4G in settlements: ~12% of villages (small ones, more in Ulytau, Abai, Turkistan) had no 4G at
    # 2024-01; each gets an item, done when its coverage starts.
    cov = _coverage_places(geo)
    risk = cov.region_code.map(NO_4G_RISK).fillna(0.8).to_numpy() * cov.is_village.to_numpy()
    target = round(0.12 * len(cov))
    uncovered = np.zeros(len(cov), bool)
    for code in sorted(cov.region_code.unique()):
        idx = np.flatnonzero(cov.region_code.to_numpy() == code)
        k = round(target * risk[idx].sum() / risk.sum())
        uncovered[idx[_top_k(rng, risk[idx] / np.sqrt(cov.population_est.to_numpy(float)[idx]), k)]] = True
    unc = cov[uncovered]
    n, story = len(unc), np.isin(unc.region_code.to_numpy(), PERMIT_STORY_REGIONS)[:, None]
    # The regions that start furthest behind also get their masts later, so they stay behind.
    behind = unc.region_code.map(NO_4G_RISK).fillna(0).to_numpy() >= 1.9
    add("4g_settlement", "4G", unc, np.array(OP)[_pick(rng, [0.4, 0.35, 0.25], n)], "settlement", 1,
        np.where(behind, np.datetime64("2024-08-01") + _days(rng, 0, 1230, n),
                 np.datetime64("2024-02-01") + _days(rng, 0, 1415, n)), 120, delay(45, 40, n),
        np.where(story[:, 0], 0.5, 0.3), ["mast_permit", "power_access", "land_plot"],
        np.where(story, [1.0, 0, 0], [0.55, 0.3, 0.15]))

    # 4G along roads: 40-250 km segments summing to ~40,000 km in rural districts, regions by area.
    d = geo.districts[~geo.districts.is_town]
    area = d.region_code.map(geo.regions.set_index("region_code").area_km2).to_numpy()
    per_region = d.groupby("region_code").district_kato.transform("count").to_numpy()
    km = np.round(rng.uniform(40, 250, 500))
    km = km[: np.searchsorted(np.cumsum(km), 40_000) + 1]
    n = len(km)
    place = d.iloc[_pick(rng, area / per_region, n)].rename(columns={"district_kato": "kato"})
    place["district_kato"] = place.kato
    story = np.isin(place.region_code.to_numpy(), PERMIT_STORY_REGIONS)[:, None]
    add("road_4g", "RD", place, np.array(OP)[_pick(rng, [0.4, 0.35, 0.25], n)], "km", km,
        # Most road segments are due late in the programme (long works, masts along empty highways).
        np.datetime64("2024-03-01") + (1385 * rng.random(n) ** 0.55).astype(np.int64).astype("timedelta64[D]"),
        240, delay(150, 60, n), np.where(story[:, 0], 0.6, 0.4), ["mast_permit", "power_access", "right_of_way"],
        np.where(story, [1.0, 0, 0], [0.5, 0.3, 0.2]))

    # Last mile: household fibre, 500-5,000 per item, exactly 400,000 households; city ISP in towns.
    size = np.round(rng.uniform(500, 5000, 300))
    size = size[: np.searchsorted(np.cumsum(size), 400_000) + 1]
    size[-1] -= size.sum() - 400_000
    if size[-1] < 500:  # fold a small remainder into the previous item
        size[-2] += size[-1]
        size = size[:-1]
    n = len(size)
    place = geo.districts.iloc[_pick(rng, geo.districts.population.to_numpy(float), n)]
    place = place.rename(columns={"district_kato": "kato"}).assign(district_kato=lambda x: x.kato)
    add("last_mile", "LM", place, np.where(place.is_town.to_numpy() & (rng.random(n) < 0.6), "op_d", "op_a"),
        "household", size, np.datetime64("2024-03-01") + _days(rng, 0, 1385, n), 270, delay(15, 40, n), 0.12,
        ["right_of_way", "power_access", "other"], np.tile([0.6, 0.2, 0.2], (n, 1)))

    # 5G: one item per (city, mobile operator), sites in proportion to population (~40 in a small centre,
    # ~600 in Almaty), built progressively from a start that goes from the big cities to the small, most
    # due in 2026-2027.
    c = geo.cities.sort_values(["population", "region_code"], ascending=[False, True]).reset_index(drop=True)
    sites = np.maximum(40, np.round(c.population.to_numpy() * 0.28 / 1000))
    rank_days = np.round(np.arange(len(c)) / (len(c) - 1) * 180).astype(np.int64)
    for op_i, (share, offset) in enumerate([(0.4, 0), (0.35, 90), (0.25, 180)]):
        planned_sites = np.maximum(4, np.round(sites * share))
        start = np.datetime64("2024-07-01") + (offset + rank_days).astype("timedelta64[D]")
        room = (np.datetime64("2027-12-15") - start).astype(np.int64) - 300
        build = (300 + room * rng.random(len(c)) ** 0.6).astype(np.int64)
        n, story = len(c), np.isin(c.region_code.to_numpy(), PERMIT_STORY_REGIONS)
        add("5g_city", "5G", c, OP[op_i], "site", planned_sites, start + build.astype("timedelta64[D]"), build,
            delay(20, 40, n), np.where(story, 0.5, 0.15), ["mast_permit", "power_access"],
            np.tile([0.6, 0.4], (n, 1)))

    items = pd.concat(parts, ignore_index=True)
    n = len(items)
    items["start_date"] = items.planned_date.to_numpy() - items.build_days.to_numpy().astype("timedelta64[D]")
    planned = items.planned_date.to_numpy().astype("datetime64[D]")

    # A blocking bottleneck opens before the planned date and clears after a kind- and region-specific
    # time; the item can only finish after that, so its delay comes from the bottleneck.
    region = items.region_code.to_numpy().astype(str)
    kind = items.block_kind.to_numpy().astype(str)
    # Land plots in Turkistan and Kyzylorda surface only when the crew arrives, so they delay more.
    late = (kind == "land_plot") & np.isin(region, ["KZ-61", "KZ-43"])
    opened = planned - np.where(late, _days(rng, 0, 60, n), _days(rng, 30, 200, n))
    opened = np.maximum(opened, np.datetime64("2024-01-03") + _days(rng, 0, 45, n))
    duration = _duration_days(rng, kind, region)
    # Story: mast permits in Almaty region and Zhetysu opened 9-12 months before as_of and still waiting,
    # blocking the 4G items due around now.
    story = (items.programme.isin(["road_4g", "4g_settlement"]).to_numpy() & np.isin(region, PERMIT_STORY_REGIONS)
             & (planned >= span.as_of - np.timedelta64(330, "D"))
             & (planned <= span.as_of + np.timedelta64(240, "D"))
             & (rng.random(n) < 0.85))
    kind = np.where(story, "mast_permit", kind)
    opened = np.where(story, span.as_of - _days(rng, 270, 366, n), opened)
    duration = np.where(story, (span.as_of - opened).astype(np.int64) + rng.integers(30, 240, n), duration)
    blocked = items.blocked.to_numpy() | story
    resolved = opened + duration.astype("timedelta64[D]")
    natural = planned + items.natural_delay.to_numpy().astype("timedelta64[D]")
    completion = np.where(blocked, np.maximum(natural, resolved + _days(rng, 20, 90, n)), natural)
    # Items of the programme finish within it; the baseline is what was done before 2024.
    completion = np.where(items.baseline.to_numpy(), planned,
                          np.maximum(completion, np.datetime64("2024-01-08") + _days(rng, 0, 20, n)))
    # Story: every late fibre village in Turkistan and Kyzylorda is waiting for its land plot.
    late_fibre = ((items.programme.to_numpy() == "fibre_village") & np.isin(region, ["KZ-61", "KZ-43"])
                  & ~blocked & (planned < span.as_of) & (completion > span.last))
    kind = np.where(late_fibre, "land_plot", kind)
    opened = np.where(late_fibre, np.maximum(planned - _days(rng, 0, 60, n), np.datetime64("2024-01-03")), opened)
    waited = (completion - opened).astype(np.int64) - rng.integers(20, 40, n)
    duration = np.where(late_fibre, np.maximum(waited, 5), duration)
    blocked |= late_fibre

    # Cancelled: a handful of road and last-mile items not yet started.
    cancelled = np.zeros(n, bool)
    for prog, k in (("road_4g", 3), ("last_mile", 2)):
        cand = np.flatnonzero((items.programme.to_numpy() == prog) & ~blocked
                              & (items.start_date.to_numpy() > span.as_of + np.timedelta64(60, "D")))
        cancelled[cand[_top_k(rng, np.ones(len(cand)), k)]] = True
    items = items.assign(blocked=blocked, block_kind=kind, block_opened=opened, block_days=duration,
                         story_permit=story, cancelled=cancelled,
                         completion=np.where(cancelled, NEVER, completion).astype("datetime64[D]"))

    items = items.sort_values(["prefix", "baseline", "planned_date", "kato", "operator_code"],
                              ascending=[True, False, True, True, True], kind="stable").reset_index(drop=True)
    items["item_id"] = ("R-" + items.prefix + "-"
                        + (items.groupby("prefix").cumcount() + 1).astype(str).str.zfill(5))
    return _progress(items, span)


def _progress(items: pd.DataFrame, span: _Span) -> pd.DataFrame:
    """Status, done units and completion date of every item as seen at as_of."""
    last, as_of = span.last, span.as_of
    planned = items.planned_date.to_numpy().astype("datetime64[D]")
    start = items.start_date.to_numpy().astype("datetime64[D]")
    completion = items.completion.to_numpy().astype("datetime64[D]")
    cancelled = items.cancelled.to_numpy()
    done = (completion <= last) & ~cancelled
    design_from = start - np.timedelta64(120, "D")
    status = np.select(
        [cancelled, done, planned < as_of, start <= last, design_from <= last],
        ["cancelled", "done", "delayed", "construction", "design"], "planned")
    span_days = np.maximum((completion - start).astype(np.int64), 1)
    fraction = np.clip((last - start).astype(np.int64) / span_days, 0, 0.95)
    fraction = np.where(done, 1.0, np.where(np.isin(status, ["construction", "delayed"]), fraction, 0.0))
    divisible = items.unit.to_numpy() != "settlement"
    units = items.planned_units.to_numpy()
    done_units = np.where(divisible, np.floor(units * fraction), np.where(done, units, 0.0))
    return items.assign(status=status, done_units=done_units, done=done,
                        completed_date=np.where(done, completion, np.datetime64("NaT")).astype("datetime64[D]"))


def _rollout_rows(items: pd.DataFrame, load_id: int) -> pd.DataFrame:
    cols = ["item_id", "programme", "kato", "region_code", "district_kato", "operator_code", "unit",
            "planned_units", "done_units", "planned_date", "status", "completed_date"]
    return items[cols].assign(load_id=load_id)


# ---- coverage ---------------------------------------------------------------------------------
