"""Loads the shipped reference geography (data/reference) into the warehouse."""

from __future__ import annotations

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
    districts_df = d.assign(is_city_administration=d.is_city_administration == "1",
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
                                                "is_city_administration", "population", "population_estimated",
                                                "has_boundary", "label_lon", "label_lat"]])
    con.execute("insert into district by name select * from districts_df")
    con.register("settlements_df", settlements_df)
    con.execute("insert into settlement by name select * from settlements_df")
    for name in ("regions_df", "districts_df", "settlements_df"):
        con.unregister(name)
