"""Ookla-style open-data tiles over Kazakhstan's districts, a few hundred a quarter."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dialogue.demo.base import FIBRE_MEDIAN, KNOTS, LTE_MEDIAN, REGION_QUALITY, _Geo, _insert, _rng, _Span

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
