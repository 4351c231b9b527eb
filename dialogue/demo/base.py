"""Shared by every dataset's generator: scales, operators, the calibration of the speeds, random streams
and the geography and time span the data is drawn on."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

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

DATASETS = ("speed_tests", "coverage", "complaints", "rollout", "bottlenecks", "survey", "speed_tiles", "permits",
            "events")
# RNG stream numbers: changing one dataset's draws never shifts another's.
S_GEO, S_SPEED, S_COVERAGE, S_COMPLAINT, S_ROLLOUT, S_BOTTLENECK, S_SURVEY, S_MEETING = range(1, 9)
# Elsewhere: 9 the tiles, 20 the permits; 21 the hour of day and the point of a speed test, 22 the tests and
# complaints at the mass events.
S_BUSY, S_VENUE = 21, 22

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

# When people test, by local hour (UTC+5), on a weekday and at the weekend: few at night, most in the evening
# (the busiest hour is 20:00-21:00); weekends start later and test more at midday. Relative weights.
HOURS_WEEKDAY = np.array([1.4, 0.7, 0.4, 0.3, 0.3, 0.5, 1.2, 2.6, 3.6, 4.0, 4.1, 4.2,
                          4.5, 4.4, 4.2, 4.2, 4.5, 5.1, 5.9, 6.9, 7.8, 7.6, 5.4, 3.1])
HOURS_WEEKEND = np.array([2.0, 1.2, 0.7, 0.4, 0.3, 0.3, 0.6, 1.2, 2.2, 3.4, 4.4, 5.0,
                          5.4, 5.4, 5.2, 5.0, 5.0, 5.3, 5.9, 6.8, 7.6, 7.4, 5.6, 3.6])
# The evening dip: the share of its usual download a test loses at the busiest hours (20:00-22:00), by
# operator and technology (3G follows its operator's 4G); the hours around get part of it (EVENING_SHAPE).
# op_a's 4G strains, op_c's holds; fibre loses ~15%, 5G little. Each (operator, technology) is scaled so that
# its day-long median stays where the published calibration puts it.
DIP_4G = {"op_a": 0.35, "op_b": 0.22, "op_c": 0.10}
DIP_FIBRE, DIP_5G, DIP_SATELLITE = 0.15, 0.04, 0.10
EVENING_SHAPE = np.array([0.0] * 17 + [0.1, 0.3, 0.6, 1.0, 1.0, 0.6, 0.25])
# Crowd tests that come with their point (the app's location); the others carry a KATO code only.
CROWD_LOCATED = 0.85


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
    districts = con.execute("""select district_kato, region_code, name_ru, population, is_city_administration,
                                      label_lon, label_lat
                               from district order by district_kato""").df()
    settlements = con.execute("""select kato, district_kato, region_code, settlement_type, is_village,
                                        population_est, lon, lat from settlement order by kato""").df()
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
                      "weight": settlements.population_est.astype(float),
                      "lon": settlements.lon, "lat": settlements.lat, "spread_deg": 0.01}),
        pd.DataFrame({"kato": extra.district_kato, "region_code": extra.region_code,
                      "district_kato": extra.district_kato, "is_rural": False, "is_village": False,
                      "weight": extra.population.astype(float),
                      "lon": extra.label_lon, "lat": extra.label_lat, "spread_deg": 0.02}),
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


def _venue_units(units: pd.DataFrame) -> dict[str, int]:
    """Per district, the sampling unit (row of units) a venue's tests and complaints are filed under: the
    district's most populous one."""
    heaviest = units.assign(w=units.weight.to_numpy(float)).sort_values(["district_kato", "w", "kato"],
                                                                         ascending=[True, False, True])
    return dict(zip(heaviest.district_kato, heaviest.index))


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


HOUR_US = 3_600_000_000


def _test_times(day_us: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Times on the given days (microseconds, any time of the day) at the hours people test: the day kept,
    the hour drawn from HOURS_WEEKDAY or HOURS_WEEKEND, the minute uniform."""
    day = day_us // DAY_US * DAY_US
    weekend = ((day // DAY_US + 3) % 7) >= 5          # 1970-01-01 was a Thursday: +3 makes Monday 0
    hour = np.where(weekend, _pick(rng, HOURS_WEEKEND, len(day)), _pick(rng, HOURS_WEEKDAY, len(day)))
    return day + hour * HOUR_US + np.floor(rng.random(len(day)) * HOUR_US).astype(np.int64)


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
