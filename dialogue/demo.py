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
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from dialogue import db, warehouse

START = dt.date(2024, 1, 1)
DAY_US = 86_400_000_000
NEVER = np.datetime64("2099-12-31", "D")
NOT_YET = 10**6  # a month index that never comes


@dataclass(frozen=True)
class Scale:
    """Volumes of one demo scale, as rates: a shorter span holds fewer rows."""

    speed_tests_per_month: int
    complaints_per_month: int
    survey_per_quarter: int


# Over 35 months (2024-01 .. 2026-11): ~30k / 1.05M / 10.5M speed tests, ~2.5k / 45k / 1.1M complaints.
SCALES = {
    "small": Scale(speed_tests_per_month=860, complaints_per_month=72, survey_per_quarter=120),
    "default": Scale(speed_tests_per_month=30_000, complaints_per_month=1_290, survey_per_quarter=600),
    "large": Scale(speed_tests_per_month=300_000, complaints_per_month=31_500, survey_per_quarter=2_400),
}

OP = ["op_a", "op_b", "op_c", "op_d", "op_e"]
OPERATORS = pd.DataFrame({
    "operator_code": OP,
    "name": ["Operator A", "Operator B", "Operator C", "Operator D", "Operator E"],
    "services": ["mobile,fixed", "mobile", "mobile", "fixed", "satellite"],
    "is_demo": [True] * 5,
})
MOBILE_SHARE = np.array([0.30, 0.40, 0.30])  # op_a, op_b, op_c

DATASETS = ("speed_tests", "coverage", "complaints", "rollout", "bottlenecks", "survey", "speed_tiles")
# RNG stream numbers: changing one dataset's draws never shifts another's.
S_GEO, S_SPEED, S_COVERAGE, S_COMPLAINT, S_ROLLOUT, S_BOTTLENECK, S_SURVEY, S_MEETING = range(1, 9)

# Speeds multiply by these; the two big cities and the oil regions are better served.
REGION_QUALITY = {
    "KZ-10": 0.90, "KZ-11": 0.95, "KZ-15": 0.85, "KZ-19": 0.95, "KZ-23": 1.10, "KZ-27": 0.95, "KZ-31": 0.92,
    "KZ-33": 0.90, "KZ-35": 1.00, "KZ-39": 0.95, "KZ-43": 0.92, "KZ-47": 1.10, "KZ-55": 1.00, "KZ-59": 0.93,
    "KZ-61": 0.80, "KZ-62": 0.80, "KZ-63": 0.97, "KZ-71": 1.20, "KZ-75": 1.20, "KZ-79": 1.05,
}
# Share of firms with fixed broadband (OECD 2023: 4.3% in Aktobe .. 15.2% in Atyrau), in percent.
SURVEY_FIXED_PCT = {
    "KZ-10": 6.5, "KZ-11": 8.0, "KZ-15": 4.3, "KZ-19": 7.5, "KZ-23": 15.2, "KZ-27": 9.0, "KZ-31": 7.0,
    "KZ-33": 6.0, "KZ-35": 10.5, "KZ-39": 8.5, "KZ-43": 6.5, "KZ-47": 11.5, "KZ-55": 10.0, "KZ-59": 7.5,
    "KZ-61": 5.0, "KZ-62": 6.0, "KZ-63": 9.5, "KZ-71": 13.2, "KZ-75": 13.5, "KZ-79": 11.5,
}
# Relative chance that a village had no 4G at 2024-01 (rescaled to ~12% of villages and towns).
NO_4G_RISK = {"KZ-62": 2.6, "KZ-10": 2.1, "KZ-61": 1.9, "KZ-19": 1.5, "KZ-33": 1.5, "KZ-43": 1.2}
# Bottleneck resolution: median days by kind, and regions that settle faster.
KIND_MEDIAN_DAYS = {"mast_permit": 150, "land_plot": 60, "power_access": 90, "right_of_way": 100, "other": 45}
REGION_SETTLE_SPEED = {"KZ-71": 0.4, "KZ-47": 0.45, "KZ-75": 0.6, "KZ-79": 0.8}
PERMIT_STORY_REGIONS = ["KZ-19", "KZ-33"]
SPIKE_REGION = "KZ-47"

TECH = ["fixed", "3g", "4g", "5g", "satellite"]
FIXED, G3, G4, G5, SAT = range(5)
SOURCES = ["crowd", "operator", "regulator"]
# Technology mix per place profile (rural, urban, urban with 5G): fixed, 3g, 4g, 5g, satellite.
MIX = np.array([[0.15, 0.22, 0.55, 0.00, 0.08],
                [0.45, 0.05, 0.50, 0.00, 0.00],
                [0.45, 0.05, 0.40, 0.10, 0.00]])
# Median download (Mbit/s) at knots in years since 2024-01, before regional and local factors. Tuned so that
# 2025 gives the published national figures: fixed median ~85, mobile (3g/4g/5g) median ~67, mean ~94.
# 4G sits above a "typical" 45-60: with ~16% of mobile tests on 3G at ~4 Mbit/s, nothing lower reaches 67.
KNOTS = [0.0, 1.5, 2.9, 4.0]
FIBRE_MEDIAN = [72.0, 91.0, 105.0, 111.0]
LTE_MEDIAN = [67.0, 80.0, 90.0, 94.0]
NR_MEDIAN = [230.0, 250.0, 270.0, 280.0]
SAT_MEDIAN = [50.0, 60.0, 70.0, 75.0]
LTE_SIGMA = 0.6
THREE_G_FADE = 0.5  # 3G is being switched off: its share halves by the end of 2026, moving to 4G
# Copper lines (2-10 Mbit/s) still in use where fibre has arrived; with the villages fibre has not reached
# yet, about a third of rural fixed tests are slow.
LEGACY_RURAL, LEGACY_URBAN = 0.42, 0.04


# ---- small helpers ----------------------------------------------------------------------------

def _rng(seed: int, *keys: int) -> np.random.Generator:
    return np.random.default_rng([seed, *keys])


def _dict_array(codes: np.ndarray, values) -> pa.DictionaryArray:
    """A categorical column: integer codes into a list of strings (pass a pa.Array to reuse it)."""
    dictionary = values if isinstance(values, pa.Array) else pa.array(list(values), type=pa.string())
    return pa.DictionaryArray.from_arrays(pa.array(np.asarray(codes, dtype=np.int32)), dictionary)


def _strings(values) -> pa.Array:
    """A text column as an Arrow array, built once and reused as a dictionary."""
    return pa.array(list(values), type=pa.string())


def _insert(con: duckdb.DuckDBPyConnection, table: str, data: pa.Table | pd.DataFrame) -> int:
    """Append rows by column name through a registered Arrow table or DataFrame."""
    con.register("demo_rows", data)
    try:
        con.execute(f"insert into {table} by name select * from demo_rows")  # table names are constants
    finally:
        con.unregister("demo_rows")
    return len(data)


def _top_k(rng: np.random.Generator, weights: np.ndarray, k: int) -> np.ndarray:
    """Indices of a weighted sample without replacement (Efraimidis-Spirakis keys), in index order."""
    k = int(min(max(k, 0), len(weights)))
    keys = np.log(rng.random(len(weights))) / np.maximum(np.asarray(weights, float), 1e-12)
    return np.sort(np.argsort(-keys, kind="stable")[:k])


def _pick(rng: np.random.Generator, probs, n: int) -> np.ndarray:
    """n categorical draws from one probability vector."""
    cum = np.cumsum(probs) / np.sum(probs)
    return np.minimum(np.searchsorted(cum, rng.random(n), side="right"), len(cum) - 1)


def _pick_rows(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """One categorical draw per row of a probability matrix."""
    cum = np.cumsum(probs, axis=1)
    cum /= cum[:, -1:]
    return np.minimum((rng.random((len(probs), 1)) >= cum).sum(axis=1), probs.shape[1] - 1)


def _days(rng: np.random.Generator, lo: float, hi: float, n: int) -> np.ndarray:
    return rng.uniform(lo, hi, n).astype(np.int64).astype("timedelta64[D]")


def _day(values) -> np.ndarray:
    """Dates as datetime64[D] (pandas keeps them in seconds or nanoseconds, which breaks day arithmetic)."""
    return np.asarray(values).astype("datetime64[D]")


def _month_index(d) -> np.ndarray:
    """Months since 2024-01 of datetime64 day values."""
    return (np.asarray(d).astype("datetime64[M]") - np.datetime64("2024-01", "M")).astype(np.int64)


def _ts(days: np.ndarray, rng: np.random.Generator, lo_h: int = 9, hi_h: int = 18) -> np.ndarray:
    """Timestamps in office hours on the given days."""
    seconds = rng.integers(lo_h * 3600, hi_h * 3600, len(days))
    return days.astype("datetime64[D]").astype("datetime64[us]") + (seconds * 1_000_000).astype("timedelta64[us]")


def _ids(prefix: str, numbers, width: int) -> np.ndarray:
    numbers = np.asarray(numbers)
    if numbers.size == 0:
        return np.zeros(0, dtype=str)
    return np.char.add(prefix, np.char.zfill(numbers.astype(str), width))


def _lognormal(rng: np.random.Generator, median, p90, n: int) -> np.ndarray:
    """Lognormal draws with the given median and 90th percentile."""
    return median * np.exp(rng.normal(0, np.log(p90 / median) / 1.2816, n))


# ---- geography --------------------------------------------------------------------------------

@dataclass
class _Geo:
    regions: pd.DataFrame       # region_code order
    districts: pd.DataFrame     # district_kato order
    settlements: pd.DataFrame   # kato order
    units: pd.DataFrame         # places speed tests, complaints and survey answers come from, kato order
    cities: pd.DataFrame        # the 20 5G cities (region admin centres), region order


def _load_geo(con: duckdb.DuckDBPyConnection, seed: int) -> _Geo:
    regions = con.execute("""select region_code, kato, kato2, name_en, centre_kk, centre_ru, is_city, population,
                                    area_km2 from region order by region_code""").df()
    districts = con.execute("""select district_kato, region_code, name_ru, population, is_city_administration
                               from district order by district_kato""").df()
    settlements = con.execute("""select kato, district_kato, region_code, settlement_type, is_village,
                                        population_est from settlement order by kato""").df()
    districts["is_town"] = districts.is_city_administration | districts.name_ru.str.endswith("Г.А.")

    # An oblast's admin centre is the city-administration district named after it: the KATO list often
    # lacks the city itself (its people sit in that district), so the district stands for the city.
    centres = {}
    for r in regions[~regions.is_city].itertuples():
        d = districts[districts.region_code == r.region_code]
        named = d[d.name_ru.str.startswith(r.centre_ru) | d.name_ru.str.startswith(r.centre_kk)]
        pool = named if len(named) else d
        centres[r.region_code] = pool.sort_values(["population", "district_kato"],
                                                  ascending=[False, True]).iloc[0]
    cities = pd.DataFrame([
        {"region_code": r.region_code, "kato": r.kato, "district_kato": None, "population": r.population}
        if r.is_city else
        {"region_code": r.region_code, "kato": centres[r.region_code].district_kato,
         "district_kato": centres[r.region_code].district_kato, "population": centres[r.region_code].population}
        for r in regions.itertuples()
    ])

    # Sampling units: every settlement, plus the city districts that have no settlement of their own
    # (most of Astana, Almaty, Shymkent, Semey ...), so volumes follow district populations.
    extra = districts[~districts.district_kato.isin(settlements.district_kato)]
    units = pd.concat([
        pd.DataFrame({"kato": settlements.kato, "region_code": settlements.region_code,
                      "district_kato": settlements.district_kato,
                      "is_rural": settlements.settlement_type == "rural", "is_village": settlements.is_village,
                      "weight": settlements.population_est.astype(float)}),
        pd.DataFrame({"kato": extra.district_kato, "region_code": extra.region_code,
                      "district_kato": extra.district_kato, "is_rural": False, "is_village": False,
                      "weight": extra.population.astype(float)}),
    ]).sort_values("kato", kind="stable").reset_index(drop=True)
    city_regions = regions.region_code[regions.is_city]
    centre_districts = [c.district_kato for c in centres.values()]
    units["in_5g_city"] = units.region_code.isin(city_regions) | units.district_kato.isin(centre_districts)
    # Villages administered by a city get city service; only the countryside gets the rural mix.
    units["profile"] = np.where(units.in_5g_city, 2, np.where(units.is_rural, 0, 1))
    rng = _rng(seed, S_GEO)
    units["quality"] = units.region_code.map(REGION_QUALITY).to_numpy() * np.exp(rng.normal(0, 0.12, len(units)))
    # Rural places outside the programme (farms, hamlets): about half have a fibre line nearby.
    units["fibre_outside"] = rng.random(len(units)) < 0.5
    return _Geo(regions, districts, settlements, units, cities)


# ---- time -------------------------------------------------------------------------------------

@dataclass
class _Span:
    as_of: np.datetime64        # day; data ends the day before
    last: np.datetime64         # last day with data
    months: np.ndarray          # datetime64[M], 2024-01 .. month of last
    start_us: np.ndarray        # month starts
    end_us: np.ndarray          # month ends, exclusive, never after as_of midnight

    @property
    def n(self) -> int:
        return len(self.months)


def _span(as_of: dt.date) -> _Span:
    if as_of <= START:
        raise ValueError(f"as_of must be after {START}")
    cut = np.datetime64(as_of, "D")
    last = cut - np.timedelta64(1, "D")
    months = np.arange(np.datetime64("2024-01", "M"), last.astype("datetime64[M]") + 1)
    return _Span(cut, last, months, _us(months), np.minimum(_us(months + 1), _us(cut)))


def _us(days) -> np.ndarray:
    """Microseconds since the epoch of datetime64 values (the storage of an Arrow timestamp[us])."""
    return np.asarray(days).astype("datetime64[D]").astype("datetime64[us]").astype(np.int64)


def _month_counts(span: _Span, per_month: int) -> np.ndarray:
    """Rows per month: the rate, a gentle upward trend (x0.85 .. x1.15 over 2024-01 .. 2026-11), the partial
    last month."""
    full = ((span.months + 1).astype("datetime64[D]") - span.months.astype("datetime64[D]")).astype(float)
    trend = 0.85 + 0.30 * np.arange(span.n) / 34
    return np.round(per_month * trend * (span.end_us - span.start_us) / DAY_US / full).astype(np.int64)


def _uniform_times(rng: np.random.Generator, lo_us, hi_us, n: int) -> np.ndarray:
    return (lo_us + np.floor(rng.random(n) * (hi_us - lo_us))).astype(np.int64)


# ---- rollout: absolute plans, progress read at as_of --------------------------------------------

def _duration_days(rng: np.random.Generator, kind: np.ndarray, region: np.ndarray) -> np.ndarray:
    """Days a bottleneck takes to clear, by kind and region (land in Turkistan and masts in the story
    regions are slow, some regions settle fast)."""
    median = pd.Series(kind).map(KIND_MEDIAN_DAYS).to_numpy(float)
    median = np.where((kind == "land_plot") & (region == "KZ-61"), 180.0, median)
    median = np.where((kind == "land_plot") & (region == "KZ-43"), 170.0, median)
    median = np.where((kind == "mast_permit") & np.isin(region, PERMIT_STORY_REGIONS), 330.0, median)
    median *= pd.Series(region).map(REGION_SETTLE_SPEED).fillna(1.0).to_numpy()
    sigma = np.where(np.isin(region, ["KZ-61", "KZ-43"]), 0.7, 0.5)
    days = np.round(median * np.exp(rng.normal(0, 1, len(kind)) * sigma))
    # "A single antenna mast can take up to a year"; nothing waits more than two.
    return np.clip(days, 5, np.where(kind == "mast_permit", 400, 720)).astype(np.int64)


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
    counts = _month_counts(span, scale.complaints_per_month)
    spike_month = span.n - 1 - 3
    usual = scale.complaints_per_month * w[spike_units].sum() / w.sum()
    total = 0
    for m, n in enumerate(counts):
        rng = _rng(seed, S_COMPLAINT, m)
        spike = max(15, round(5 * usual)) if m == spike_month else 0
        t = _complaint_funnel(rng, _complaint_chunk(rng, m, int(n), spike, span, u), span.end_us[-1])
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

DESCRIPTIONS = {
    ("mast_permit", "akimat"): "Antenna mast permit pending at the district akimat",
    ("mast_permit", "ministry"): "Mast construction permit awaiting ministry approval",
    ("land_plot", "akimat"): "Land plot for the equipment site not yet allocated by the akimat",
    ("power_access", "utility"): "Grid connection for the site awaiting the power utility",
    ("right_of_way", "ministry"): "Right of way along the highway awaiting a ministry decision",
    ("right_of_way", "akimat"): "Right of way across municipal land awaiting the akimat",
    ("other", "operator"): "Equipment delivery delayed by the supplier",
    ("other", "other"): "Building owner has not granted access for the cabling",
}
MINOR_KINDS = {"fibre_village": ([0.5, 0.3, 0.2], ["land_plot", "right_of_way", "power_access"]),
               "4g_settlement": ([0.5, 0.35, 0.15], ["mast_permit", "power_access", "land_plot"]),
               "road_4g": ([0.5, 0.3, 0.2], ["mast_permit", "power_access", "right_of_way"]),
               "last_mile": ([0.5, 0.2, 0.3], ["right_of_way", "power_access", "other"]),
               "5g_city": ([0.6, 0.4, 0.0], ["mast_permit", "power_access", "other"])}


def _bottlenecks(items: pd.DataFrame, span: _Span, seed: int, load_id: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Bottlenecks linked to rollout items, and the status history of each one."""
    rng = _rng(seed, S_BOTTLENECK)
    last = span.last
    # The blockers planned with the items ...
    b = items[items.blocked & ~items.baseline]
    b = b.assign(opened_on=b.block_opened, kind=b.block_kind, days=b.block_days)
    # ... and smaller hold-ups that cleared before the item finished (or are still open on work underway).
    pool = items[~items.blocked & ~items.baseline & ~items.cancelled & (items.programme != "satellite")]
    minor = pool[rng.random(len(pool)) < 0.2].copy()
    kinds = np.empty(len(minor), dtype=object)
    for prog, (p, names) in MINOR_KINDS.items():
        sel = (minor.programme == prog).to_numpy()
        kinds[sel] = np.array(names, dtype=object)[_pick(rng, p, int(sel.sum()))]
    minor["kind"] = kinds
    minor["opened_on"] = minor.start_date.to_numpy().astype("datetime64[D]") + _days(rng, 0, 90, len(minor))
    days = np.round(_duration_days(rng, kinds.astype(str), minor.region_code.to_numpy().astype(str)) * 0.85)
    room = (_day(minor.completion) - _day(minor.opened_on)).astype(np.int64)
    minor["days"] = np.minimum(days, room - rng.integers(5, 21, len(minor))).astype(np.int64)
    minor = minor[minor.days >= 3]
    b = pd.concat([b, minor], ignore_index=True)
    b = b[(_day(b.opened_on) <= last) & (_day(b.opened_on) >= np.datetime64(START))]
    b = b.sort_values(["opened_on", "item_id"], kind="stable").reset_index(drop=True)
    n = len(b)
    if n == 0:  # as_of in the first days of 2024
        return (pd.DataFrame(columns=["bottleneck_id", "kind", "kato", "region_code", "operator_code",
                                      "responsible", "opened_on", "status", "version", "load_id"]),
                pd.DataFrame(columns=["entity", "entity_id", "changed_at", "changed_by", "field", "old_value",
                                      "new_value", "note"]))

    kind = b.kind.to_numpy().astype(str)
    region = b.region_code.to_numpy().astype(str)
    r = rng.random(n)
    responsible = np.select(
        [kind == "land_plot", kind == "mast_permit", kind == "power_access", kind == "right_of_way"],
        [np.full(n, "akimat"), np.where(r < 0.8, "akimat", "ministry"), np.full(n, "utility"),
         np.where(r < 0.7, "ministry", "akimat")], np.where(r < 0.6, "operator", "other"))
    opened = _day(b.opened_on)
    due = opened + _days(rng, 60, 121, n)
    resolved = opened + b.days.to_numpy().astype("timedelta64[D]")
    # Status history: opened by the operator, taken up by whoever must act, escalated by the operator when
    # long overdue, resolved by the one who acted; story permits are never taken up.
    op = b.operator_code.to_numpy().astype(str)
    actor = np.select([responsible == "akimat", responsible == "utility", responsible == "operator",
                       responsible == "ministry"],
                      [np.char.add("akimat.", region), np.char.add("utility.", region),
                       np.char.add("operator.", op), np.full(n, "ministry")], "demo")
    reporter = np.char.add("operator.", op)
    story = b.story_permit.to_numpy()
    take_up = opened + _days(rng, 3, 40, n)
    escalate = due + _days(rng, 10, 60, n)
    t_open, t_take, t_esc, t_res = (_ts(x, rng) for x in (opened, take_up, escalate, resolved))
    has_take = ~story & (take_up < resolved) & (take_up <= last)
    has_esc = (escalate < resolved) & (escalate <= last) & (rng.random(n) < np.where(story, 0.6, 0.45))
    has_res = resolved <= last
    events = []
    for flag, when, who, new in ((np.ones(n, bool), t_open, reporter, "open"),
                                 (has_take, t_take, actor, "in_progress"),
                                 (has_esc, t_esc, reporter, "escalated"), (has_res, t_res, actor, "resolved")):
        events.append(pd.DataFrame({"row": np.flatnonzero(flag), "changed_at": when[flag], "changed_by": who[flag],
                                    "new_value": new}))
    ev = pd.concat(events, ignore_index=True).sort_values(["row", "changed_at"], kind="stable")
    ev["old_value"] = ev.groupby("row").new_value.shift(1)
    last_ev = ev.groupby("row").tail(1).set_index("row").reindex(np.arange(n))
    changes = ev.groupby("row").size().reindex(np.arange(n)).to_numpy()

    ids = _ids("B-", np.arange(1, n + 1), 5)
    kato2 = np.char.replace(region, "KZ-", "")
    seq = pd.Series(region).groupby(region).cumcount().to_numpy() + 1
    bottlenecks = pd.DataFrame({
        "bottleneck_id": ids, "kind": kind, "kato": b.kato, "region_code": region,
        "district_kato": b.district_kato, "operator_code": op,
        "site_ref": [f"SITE-{k}-{i:04d}" for k, i in zip(kato2, seq, strict=True)],
        "responsible": responsible, "opened_on": opened, "due_on": due, "status": last_ev.new_value.to_numpy(),
        "resolved_on": np.where(has_res, resolved, np.datetime64("NaT")).astype("datetime64[D]"),
        "rollout_item_id": b.item_id, "description": [DESCRIPTIONS[(k, r)] for k, r in zip(kind, responsible)],
        "notes": None, "version": changes, "updated_at": last_ev.changed_at.to_numpy(),
        "updated_by": last_ev.changed_by.to_numpy(), "load_id": load_id,
    })
    change = pd.DataFrame({"entity": "bottleneck", "entity_id": ids[ev.row.to_numpy()],
                           "changed_at": ev.changed_at, "changed_by": ev.changed_by, "field": "status",
                           "old_value": ev.old_value, "new_value": ev.new_value, "note": None})
    return bottlenecks, change


# ---- survey -----------------------------------------------------------------------------------

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

ACTIONS = {
    "quality": ("regulator", ["Measure fixed lines in {r} where tests fall under 10 Mbps and report by district",
                              "Publish the monthly speed league table including {r}"]),
    "complaints": ("operator", ["Explain the rise in outage complaints in {r} and the compensation offered",
                                "Close verified complaints older than 60 days in {r}"]),
    "rollout": ("ministry", ["Present a recovery plan for the delayed fibre villages in {r}",
                             "Confirm the 2027 schedule for 4G along the highways of {r}"]),
    "bottlenecks": ("akimat", ["Decide the oldest antenna mast permits in {r} within 30 days",
                               "Allocate the pending land plots for fibre nodes in {r}"]),
    "business": ("atameken", ["Share the business survey findings on connectivity in {r}",
                              "Collect examples of firms in {r} held back by slow connections"]),
}
# Where each topic comes up most: the regions of the demo's stories.
TOPIC_REGIONS = {"quality": {"KZ-61": 2.0, "KZ-62": 2.0, "KZ-15": 2.0}, "complaints": {"KZ-47": 3.0},
                 "rollout": {"KZ-61": 5.0, "KZ-43": 3.0, "KZ-19": 2.0, "KZ-33": 2.0},
                 "bottlenecks": {"KZ-19": 4.0, "KZ-33": 4.0, "KZ-61": 4.0}, "business": {}}


def _meetings(geo: _Geo, span: _Span, seed: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    rng = _rng(seed, S_MEETING)
    held = []
    month = span.last.astype("datetime64[M]")
    while len(held) < 12 and month >= np.datetime64("2024-01", "M"):
        first = month.astype("datetime64[D]")
        # The second Tuesday: 1970-01-01 was a Thursday, so weekday = (days + 3) % 7 with Monday = 0.
        tuesday = first + np.timedelta64((1 - (first.astype(np.int64) + 3) % 7) % 7 + 7, "D")
        if tuesday <= span.last:
            held.append(tuesday)
        month -= 1
    held = sorted(held)
    meetings = pd.DataFrame({"meeting_id": [f"M-{d.astype('datetime64[M]')}" for d in held], "held_on": held,
                             "title": [f"Council of Operators — {d.astype('datetime64[M]')}" for d in held]})
    if not held:  # as_of before the first meeting
        return (meetings, pd.DataFrame(columns=["action_id", "meeting_id", "topic", "text", "owner", "status"]),
                pd.DataFrame(columns=["entity", "entity_id", "changed_at", "changed_by", "field", "new_value"]))
    codes = geo.regions.region_code.to_numpy()
    names = geo.regions.set_index("region_code").name_en
    spike_month = span.last.astype("datetime64[M]") - 3
    after_spike = [d for d in held if d.astype("datetime64[M]") > spike_month]
    spike_meeting = f"M-{after_spike[0].astype('datetime64[M]')}" if after_spike else None
    rows = []
    for meeting in meetings.itertuples():
        story = meeting.meeting_id == spike_meeting
        for _ in range(int(rng.integers(3, 7)) - story):  # 3-6 items, the story's included
            topic = list(ACTIONS)[_pick(rng, [0.2, 0.2, 0.25, 0.25, 0.1], 1)[0]]
            owner, texts = ACTIONS[topic]
            national = rng.random() < 0.15
            weights = [TOPIC_REGIONS[topic].get(c, 1.0) for c in codes]
            region = None if national else codes[_pick(rng, weights, 1)[0]]
            text = texts[int(rng.integers(len(texts)))].format(r="all regions" if national else names[region])
            due = meeting.held_on + np.timedelta64(int(rng.integers(30, 62)), "D")
            rows.append({"meeting_id": meeting.meeting_id, "held_on": meeting.held_on, "region_code": region,
                         "topic": topic, "text": text, "owner": owner, "due_on": due, "u": rng.random(),
                         "lag": int(rng.integers(7, 45))})
        if story:
            # Story: the first council after the Mangystau outage asks Operator B to account for it.
            rows.append({"meeting_id": meeting.meeting_id, "held_on": meeting.held_on, "region_code": SPIKE_REGION,
                         "topic": "complaints", "text": f"Operator B to report on the mobile outage in "
                         f"{names[SPIKE_REGION]} and the compensation of its subscribers", "owner": "operator",
                         "due_on": meeting.held_on + np.timedelta64(30, "D"), "u": 0.5, "lag": 21})
    a = pd.DataFrame(rows)
    a["action_id"] = _ids("A-", np.arange(1, len(a) + 1), 4)
    overdue = a.due_on.to_numpy() < span.as_of
    a["status"] = np.where(overdue, np.select([a.u < 0.75, a.u < 0.82], ["done", "dropped"], "open"),
                           np.where(a.u < 0.15, "done", "open"))
    created = pd.DataFrame({"entity": "action_item", "entity_id": a.action_id,
                            "changed_at": _day(a.held_on).astype("datetime64[us]") + np.timedelta64(15, "h")
                                          + a.groupby("meeting_id").cumcount().to_numpy() * np.timedelta64(7, "m"),
                            "changed_by": "demo",
                            "field": "status", "old_value": None, "new_value": "open", "note": "created"})
    closed = a[a.status != "open"]
    when = np.minimum(closed.held_on.to_numpy() + closed.lag.to_numpy().astype("timedelta64[D]"), span.last)
    akimat = closed.region_code.notna() & (closed.owner == "akimat")
    closing = pd.DataFrame({"entity": "action_item", "entity_id": closed.action_id, "changed_at": _ts(when, rng),
                            "changed_by": np.where(akimat, "akimat." + closed.region_code.fillna(""),
                                                   closed.owner),
                            "field": "status", "old_value": "open",
                            "new_value": closed.status.to_numpy(), "note": None})
    # Closed at least an hour after it was written down (a meeting held on the last day).
    created_at = created.set_index("entity_id").changed_at.reindex(closing.entity_id).to_numpy()
    closing["changed_at"] = np.maximum(closing.changed_at.to_numpy(), created_at + np.timedelta64(1, "h"))
    events = pd.concat([created, closing], ignore_index=True)
    latest = events.sort_values(["entity_id", "changed_at"], kind="stable").groupby("entity_id").tail(1)
    latest = latest.set_index("entity_id").reindex(a.action_id)
    actions = a.assign(version=1 + (a.status != "open").to_numpy().astype(int),
                       updated_at=latest.changed_at.to_numpy(), updated_by=latest.changed_by.to_numpy())
    actions = actions[["action_id", "meeting_id", "region_code", "topic", "text", "owner", "due_on", "status",
                       "version", "updated_at", "updated_by"]]
    return meetings, actions, events


# ---- Ookla-style speed tiles ---------------------------------------------------------------------

S_TILES = 9               # RNG stream of the demo tiles
TILES_PER_QUARTER = 600   # per kind (fixed, mobile): a few hundred published tiles over the country


def _speed_tiles(con, geo: _Geo, span: _Span, seed: int, load_id: int) -> int:
    """Synthetic quarterly tiles as Ookla publishes them (zoom 16, averages weighted by tests), for every
    quarter that ended before as_of: placed where people live, each in the district holding its centre,
    calibrated like the speed tests (means run above medians)."""
    from dialogue import geography
    from dialogue.ingest import tiles

    places = con.execute("""select s.kato, s.lon, s.lat, s.population_est::double as weight from settlement s
                            union all
                            select d.district_kato, d.label_lon, d.label_lat, d.population::double from district d
                            where d.is_urban and d.label_lon is not null
                            order by 1""").df()
    weights = places.weight.to_numpy() / places.weight.sum()
    quality = pd.Series(REGION_QUALITY)
    first = np.datetime64("2024-01", "M")
    quarters = np.arange(first, span.as_of.astype("datetime64[M]"), 3)
    quarters = quarters[(quarters + 3).astype("datetime64[D]") <= span.as_of]   # published after it ends
    total = 0
    for qi, quarter in enumerate(quarters):
        t = (qi * 3 + 1.5) / 12
        for kind_i, kind in enumerate(("fixed", "mobile")):
            rng = _rng(seed, S_TILES, qi, kind_i)
            n = TILES_PER_QUARTER
            pick = rng.choice(len(places), n, p=weights)
            lon = places.lon.to_numpy()[pick] + rng.normal(0, 0.02, n)
            lat = places.lat.to_numpy()[pick] + rng.normal(0, 0.015, n)
            zoom = 2 ** tiles.ZOOM
            x = np.floor((lon + 180) / 360 * zoom).astype(np.int64)
            sin = np.sin(np.radians(lat))
            y = np.floor((0.5 - np.log((1 + sin) / (1 - sin)) / (4 * np.pi)) * zoom).astype(np.int64)
            digits = ((x[:, None] >> np.arange(15, -1, -1)) & 1) | (((y[:, None] >> np.arange(15, -1, -1)) & 1) << 1)
            quadkey = np.array(["".join(map(str, d)) for d in digits])
            quadkey, first_i = np.unique(quadkey, return_index=True)
            x, y = x[first_i], y[first_i]
            c_lon, c_lat = tiles.tile_centres(quadkey)
            where = geography.locate(c_lon, c_lat)
            keep = where.district_kato != None  # noqa: E711 (element-wise)
            m = int(keep.sum())
            region = where.region_code[keep]
            rural = where.is_rural[keep]
            factor = quality.reindex(region).to_numpy() * np.exp(rng.normal(0, 0.25, m)) * 1.15
            if kind == "fixed":
                down = np.interp(t, KNOTS, FIBRE_MEDIAN) * np.where(rural, 0.55, 1.0) * factor
                up, lat_ms = down * rng.uniform(0.55, 0.85, m), rng.uniform(14, 35, m)
                tests = np.maximum(1, np.round(np.exp(rng.normal(np.log(12), 0.7, m))))
            else:
                down = np.interp(t, KNOTS, LTE_MEDIAN) * np.where(rural, 0.6, 0.85) * factor
                up, lat_ms = down * rng.uniform(0.2, 0.4, m), rng.uniform(28, 60, m)
                tests = np.maximum(1, np.round(np.exp(rng.normal(np.log(18), 0.7, m))))
            lon0, lat0 = x[keep] / zoom * 360 - 180, np.degrees(np.arctan(np.sinh(np.pi * (1 - 2 * y[keep] / zoom))))
            lon1 = (x[keep] + 1) / zoom * 360 - 180
            lat1 = np.degrees(np.arctan(np.sinh(np.pi * (1 - 2 * (y[keep] + 1) / zoom))))
            wkt = [f"POLYGON(({a:.6f} {b:.6f}, {c:.6f} {b:.6f}, {c:.6f} {d:.6f}, {a:.6f} {d:.6f}, {a:.6f} {b:.6f}))"
                   for a, b, c, d in zip(lon0, lat0, lon1, lat1)]
            total += _insert(con, "speed_tile", pd.DataFrame({
                "quarter": pd.Timestamp(str(quarter)).date(), "tile_type": kind, "quadkey": quadkey[keep],
                "tile": wkt, "lon": c_lon[keep], "lat": c_lat[keep], "region_code": region,
                "district_kato": where.district_kato[keep], "is_rural": rural,
                "avg_d_kbps": np.round(down * 1000), "avg_u_kbps": np.round(up * 1000), "avg_lat_ms": np.round(lat_ms),
                "tests": tests.astype(np.int32),
                "devices": np.maximum(1, np.round(tests * rng.uniform(0.3, 0.8, m))).astype(np.int32),
                "load_id": np.full(m, load_id, np.int32)}))
    return total


# ---- the build --------------------------------------------------------------------------------

TABLES = ("region", "district", "settlement", "operator", "kpi_definition", "kpi_threshold", "load_log",
          "speed_test", "coverage", "complaint", "rollout_item", "bottleneck", "survey_response", "meeting",
          "action_item", "change_event", "speed_tile")


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
        meetings, actions, a_events = _meetings(geo, span, seed)
        _insert(con, "meeting", meetings)
        _insert(con, "action_item", actions)
        # Event ids in time order, then the sequence moved past them so later edits continue the numbering.
        events = pd.concat([b_events, a_events], ignore_index=True).sort_values(
            ["changed_at", "entity", "entity_id"], kind="stable").reset_index(drop=True)
        events.insert(0, "event_id", np.arange(1, len(events) + 1, dtype=np.int64))
        _insert(con, "change_event", events)
        con.execute("select count(nextval('change_event_seq')) from range(?)", [len(events)]).fetchall()
        for name, count in counts.items():
            con.execute("update load_log set row_count = ? where load_id = ?", [count, load_ids[name]])
        db.bump_version(con, demo_scale=scale, keep_scale=False)
        rows = {t: con.execute(f"select count(*) from {t}").fetchall()[0][0] for t in TABLES}  # constant names
        con.execute("commit")
        return rows
    except BaseException:
        try:
            con.execute("rollback")
        except duckdb.Error:
            pass  # nothing to roll back: the error came before the transaction began
        raise
    finally:
        con.close()
