"""The shipped reference geography (data/reference): loaded into the warehouse, and used to place points
(coordinates to districts) with its boundaries."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache

import duckdb
import numpy as np
import pandas as pd

from dialogue.db import REFERENCE


def read_reference(name: str) -> pd.DataFrame:
    """One reference CSV with codes kept as text."""
    return pd.read_csv(REFERENCE / name, dtype=str, keep_default_na=False)


def _to_int(s: pd.Series) -> pd.Series:
    return pd.to_numeric(s.replace("", np.nan), errors="coerce")


def load_geography(con: duckdb.DuckDBPyConnection) -> None:
    """Replace region, district and settlement from data/reference (codes are the join keys)."""
    regions = read_reference("regions.csv")
    districts = read_reference("districts.csv")
    settlements = read_reference("settlements.csv")

    regions_df = regions.assign(
        is_city=regions.is_city == "1",
        **{c: _to_int(regions[c]).astype("int64") for c in ("population", "urban_population", "rural_population")},
        area_km2=_to_int(regions.area_km2), label_lon=_to_int(regions.label_lon), label_lat=_to_int(regions.label_lat),
    ).drop(columns=["kato2"]).assign(kato2=regions.kato2)

    # Districts missing from the 2023 census (created later) share what their region has left over.
    d = districts.copy()
    d["population"] = _to_int(d.population)
    d["population_estimated"] = d.population.isna()
    known = d.groupby("region_code").population.sum()
    missing = d[d.population_estimated].groupby("region_code").size()
    region_pop = regions_df.set_index("region_code").population
    for code, n in missing.items():
        rest = max(region_pop[code] - known.get(code, 0), 0)
        share = max(rest / n, 5000)  # a new district still has people
        d.loc[d.population_estimated & (d.region_code == code), "population"] = share
    d["population"] = d.population.round().astype("int64")
    region_points = regions_df.set_index("region_code")[["label_lon", "label_lat"]]
    d["label_lon"] = _to_int(d.label_lon).fillna(d.region_code.map(region_points.label_lon))
    d["label_lat"] = _to_int(d.label_lat).fillna(d.region_code.map(region_points.label_lat))
    districts_df = d.assign(is_city_administration=d.is_city_administration == "1", is_urban=d.is_urban == "1",
                            has_boundary=d.has_boundary == "1", name_en=d.name_en.replace("", None))

    # Settlement populations: the district's population shared out, tagged OSM populations as weights
    # where they exist, main villages (code ending 00) weighing more than hamlets.
    s = settlements.copy()
    osm_pop = _to_int(s.osm_population)
    base = np.where(s.settlement_type == "urban", 20000.0, np.where(s.kato.str.endswith("00"), 800.0, 150.0))
    s["weight"] = np.where(osm_pop.notna() & (osm_pop > 0), osm_pop, base)
    s = s.merge(districts_df[["district_kato", "population"]], on="district_kato", how="left")
    s["population_est"] = (s.population * s.weight / s.groupby("district_kato").weight.transform("sum")).round()
    s["population_est"] = s.population_est.clip(lower=10).astype("int64")
    settlements_df = s.assign(
        is_village=s.is_village == "1", lon=_to_int(s.lon), lat=_to_int(s.lat), name_en=s.name_en.replace("", None),
    )[["kato", "district_kato", "region_code", "name_kk", "name_ru", "name_en", "settlement_type", "is_village",
       "population_est", "lon", "lat", "coords_source"]]

    for table in ("settlement", "district", "region"):
        con.execute(f"delete from {table}")
    con.register("regions_df", regions_df)
    con.execute("""insert into region by name select * from regions_df""")
    con.register("districts_df", districts_df[["district_kato", "region_code", "name_kk", "name_ru", "name_en",
                                                "is_city_administration", "is_urban", "population", "population_estimated",
                                                "has_boundary", "label_lon", "label_lat"]])
    con.execute("insert into district by name select * from districts_df")
    con.register("settlements_df", settlements_df)
    con.execute("insert into settlement by name select * from settlements_df")
    for name in ("regions_df", "districts_df", "settlements_df"):
        con.unregister(name)


# ---- placing points: coordinates to districts, with the shipped boundaries ----------------------------

TOWN_RADIUS_KM = 3.0       # a point this close to a town's centre (OSM position) is in the town
BORDER_TOLERANCE_DEG = 0.01  # the shipped boundaries are simplified at 0.01 deg: a point this close is kept


@dataclass(frozen=True)
class Located:
    """Where points fall: their district (None: in none), its region, urban or rural, and whether the point
    lies in Kazakhstan at all (a point in the country but in no district polygon is in_country only)."""

    district_kato: np.ndarray   # object: code or None
    region_code: np.ndarray     # object: code or None
    is_rural: np.ndarray        # bool (meaningless where district_kato is None)
    in_country: np.ndarray      # bool
    index: np.ndarray           # int64: position in boundaries().codes, -1 for none (cheap to pass on)


class _Boundaries:
    """The district polygons in an STRtree, the country outline and the towns' circles, built once."""

    def __init__(self) -> None:
        import shapely

        districts = read_reference("districts.csv").set_index("district_kato")
        features = json.loads((REFERENCE / "districts.geojson").read_text(encoding="utf-8"))["features"]
        self.codes = np.array([f["properties"]["district_kato"] for f in features], dtype=object)
        self.polygons = shapely.from_geojson([json.dumps(f["geometry"]) for f in features])
        shapely.prepare(self.polygons)
        self.tree = shapely.STRtree(self.polygons)
        self.polygon_bounds = shapely.bounds(self.polygons)
        self.region = districts.region_code.reindex(self.codes).to_numpy(dtype=object)
        self.urban_district = (districts.is_urban.reindex(self.codes) == "1").to_numpy()
        regions = json.loads((REFERENCE / "regions.geojson").read_text(encoding="utf-8"))["features"]
        self.country = shapely.union_all(shapely.from_geojson([json.dumps(f["geometry"]) for f in regions]))
        shapely.prepare(self.country)
        self.bounds = tuple(float(b) for b in shapely.bounds(self.country))   # lon_min, lat_min, lon_max, lat_max
        # Towns of rural districts (urban settlements placed by OpenStreetMap), as circles of TOWN_RADIUS_KM.
        s = read_reference("settlements.csv")
        towns = s[(s.settlement_type == "urban") & (s.coords_source != "approximate")]
        lon, lat = towns.lon.astype(float).to_numpy(), towns.lat.astype(float).to_numpy()
        r_lat = TOWN_RADIUS_KM / 111.32
        circles = [shapely.affinity.scale(shapely.Point(x, y).buffer(r_lat, 16), 1 / np.cos(np.radians(y)), 1.0)
                   for x, y in zip(lon, lat)]
        self.town_circles = np.array(circles, dtype=object)
        shapely.prepare(self.town_circles)
        self.town_bounds = shapely.bounds(self.town_circles).reshape(-1, 4)


@cache
def boundaries() -> _Boundaries:
    """The shipped boundaries, ready for point queries (built on first use, a fraction of a second)."""
    return _Boundaries()


def _first_containing(polygons, bounds: np.ndarray, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Index of the first polygon whose interior holds each point (-1: none), vectorised per polygon: the
    points sorted by longitude, each polygon tests only those in its bounding box (shapely.contains_xy)."""
    import shapely

    order = np.argsort(lon, kind="stable")
    xs, ys = lon[order], lat[order]
    which = np.full(len(lon), -1, dtype=np.int64)
    for k, (x0, y0, x1, y1) in enumerate(bounds):
        lo, hi = np.searchsorted(xs, [x0, x1], side="left")[0], np.searchsorted(xs, x1, side="right")
        if hi <= lo:
            continue
        band = ys[lo:hi]
        candidates = lo + np.flatnonzero((band >= y0) & (band <= y1) & (which[lo:hi] < 0))
        if len(candidates):
            inside = shapely.contains_xy(polygons[k], xs[candidates], ys[candidates])
            which[candidates[inside]] = k
    out = np.empty_like(which)
    out[order] = which
    return out


def locate(lon, lat, tolerance_deg: float = 0.0) -> Located:
    """The district holding each point (WGS 84 degrees), vectorised over the shipped district polygons.

    A point on a shared boundary goes to the first district in code order. With tolerance_deg, a point just
    outside every polygon (the boundaries are simplified) goes to the nearest district within that distance.
    Urban: a point in a city or town akimat, or within TOWN_RADIUS_KM of a town's centre.
    """
    import shapely

    b = boundaries()
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    n = len(lon)
    which = _first_containing(b.polygons, b.polygon_bounds, lon, lat)
    # The few left: on an edge (an STRtree query that counts the boundary), or just outside the polygons.
    missing = np.flatnonzero(which < 0)
    if len(missing):
        points = shapely.points(lon[missing], lat[missing])
        point_i, poly_i = b.tree.query(points, predicate="intersects")
        if len(point_i):
            order = np.lexsort((poly_i, point_i))
            point_i, poly_i = point_i[order], poly_i[order]
            first = np.r_[True, point_i[1:] != point_i[:-1]]
            which[missing[point_i[first]]] = poly_i[first]
        still = which[missing] < 0
        if tolerance_deg > 0 and still.any():
            near_point, near_poly = b.tree.query_nearest(points[still], max_distance=tolerance_deg,
                                                         all_matches=False)
            which[missing[still][near_point]] = near_poly
    found = which >= 0
    district = np.full(n, None, dtype=object)
    region = np.full(n, None, dtype=object)
    district[found] = b.codes[which[found]]
    region[found] = b.region[which[found]]
    is_rural = np.ones(n, dtype=bool)
    is_rural[found] = ~b.urban_district[which[found]]
    candidates = np.flatnonzero(found & is_rural)
    if len(candidates):
        town = _first_containing(b.town_circles, b.town_bounds, lon[candidates], lat[candidates])
        is_rural[candidates[town >= 0]] = False
    in_country = found.copy()
    outside = np.flatnonzero(~found)
    if len(outside):
        in_country[outside] = shapely.intersects_xy(b.country, lon[outside], lat[outside])
    return Located(district, region, is_rural, in_country, which)
