"""Rebuild data/reference/ from the shared reference pack (run by a developer, not at app run time).

Joins on KATO codes only (the sources spell names differently), reconciles the mismatches listed in
the pack's SOURCES.txt, simplifies boundaries for fast maps (and splits them per region into static/geo,
where the app serves them to the browser) and places settlements on the map.

    .venv/bin/python tools/build_reference.py ../shared/data/reference data/reference
"""

from __future__ import annotations

import csv
import json
import re
import sys
import zlib
from pathlib import Path

import shapely
from shapely.geometry import Point, mapping, shape

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from dialogue import maps  # noqa: E402
from dialogue.db import REFERENCE  # noqa: E402

# geokz (Jan-2024) district codes that KATO 2025 spells differently (SOURCES.txt, quality notes).
GEOKZ_TO_KATO = {"101010000": "104100000", "622010000": "622000000"}
CITY_REGIONS = {"71", "75", "79"}  # republican cities: their districts are KATO sub-districts
VILLAGE_TARGET = 6179  # published count of rural settlements (DESIGN.md)


def read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def write_csv(path: Path, rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def rounded(geom, digits: int):
    """GeoJSON mapping with coordinates rounded: 3 decimals is ~100 m, plenty for a choropleth."""
    return json.loads(json.dumps(mapping(shapely.set_precision(geom, 10**-digits))))


def clean_name(name: str) -> str:
    """KATO names carry type prefixes/suffixes ('с.Карааул', 'Қараауыл а.'): strip them for matching."""
    n = re.sub(r"^(с|п|г|а|ст|рзд)\.\s*", "", name.strip(), flags=re.I)
    n = re.sub(r"\s+(а|қ|к|ауылы|кенті|с)\.?$", "", n, flags=re.I)
    return n.lower().replace("ё", "е").strip()


def display_name(name: str) -> str:
    return name.strip()


def stable_unit(*parts: str) -> float:
    """A deterministic number in [0, 1) from strings, so rebuilding gives the same files."""
    return (zlib.crc32("|".join(parts).encode()) % 1_000_003) / 1_000_003


def main(src: Path, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    crosswalk = read_csv(src / "regions/kz_regions_crosswalk.csv")
    kato = read_csv(src / "kato/kato_nk_rk_11-2025.csv")
    pop_regions = {r["kato2"]: r for r in read_csv(src / "stats/kz_population_regions_2023-01-01_bns.csv")}
    pop_districts = read_csv(src / "stats/kz_population_districts_2023-01-01_bns.csv")
    adm1 = json.loads((src / "boundaries/kaz_adm1_2024_geokz.geojson").read_text(encoding="utf-8"))
    adm2 = json.loads((src / "boundaries/kaz_adm2_2024_geokz_simplified.geojson").read_text(encoding="utf-8"))
    centres = json.loads((src / "boundaries/kaz_adm1_centres_geokz.geojson").read_text(encoding="utf-8"))

    # ---- regions -------------------------------------------------------------------------------
    region_geom = {f["properties"]["KATO"][:2]: shape(f["geometry"]) for f in adm1["features"]}
    centre_pt = {}
    for f in centres["features"]:
        k = str(f["properties"].get("KATO", ""))[:2]
        if k:
            centre_pt[k] = f["geometry"]["coordinates"]
    regions = []
    for r in sorted(crosswalk, key=lambda r: r["kato2"]):
        k2 = r["kato2"]
        p = pop_regions[k2]
        c = region_geom[k2].representative_point()
        regions.append({
            "region_code": f"KZ-{k2}", "kato2": k2, "kato": r["kato9"],
            "name_en": r["name_en"], "name_kk": r["name_kk_kato"], "name_ru": r["name_ru_kato"],
            "short_kk": r["name_kk_geokz"], "short_ru": r["name_ru_geokz"],
            "centre_en": r["admin_centre_en"], "centre_kk": r["admin_centre_kk"], "centre_ru": r["admin_centre_ru"],
            "is_city": int(k2 in CITY_REGIONS),
            "population": p["total"], "urban_population": p["urban_total"], "rural_population": p["rural_total"],
            "area_km2": r["area_km2_from_geokz"],
            "label_lon": round(c.x, 4), "label_lat": round(c.y, 4),
        })
    write_csv(out / "regions.csv", regions)

    # Region boundaries: coverage-simplified so neighbours still share their edges.
    geoms = [region_geom[r["kato2"]] for r in regions]
    simple = shapely.coverage_simplify(geoms, tolerance=0.03)
    feats = [{"type": "Feature", "id": r["region_code"], "properties": {"region_code": r["region_code"]},
              "geometry": rounded(shapely.make_valid(g), 3)} for r, g in zip(regions, simple)]
    (out / "regions.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": feats},
                                                    separators=(",", ":")), encoding="utf-8")

    # ---- districts -----------------------------------------------------------------------------
    by_code = {r["kato"]: r for r in kato}
    geo_district = {}
    for f in adm2["features"]:
        code = GEOKZ_TO_KATO.get(f["properties"]["KATO"], f["properties"]["KATO"])
        geo_district[code] = f
    district_rows = [r for r in kato if r["level"] == "district"] + [
        r for r in kato if r["level"] == "sub_district" and r["kato"][:2] in CITY_REGIONS]
    pop_by_code = {}
    for p in pop_districts:
        if p["level"] == "district" and p["adm2_kato_geokz"]:
            pop_by_code[GEOKZ_TO_KATO.get(p["adm2_kato_geokz"], p["adm2_kato_geokz"])] = p
    districts = []
    for r in sorted(district_rows, key=lambda r: r["kato"]):
        f = geo_district.get(r["kato"])
        props = f["properties"] if f else {}
        p = pop_by_code.get(r["kato"], {})
        districts.append({
            "district_kato": r["kato"], "region_code": f"KZ-{r['kato'][:2]}",
            "name_kk": r["name_kk"], "name_ru": r["name_ru"],
            "name_en": (props.get("ADM2_EN") or "").replace("Zharasemey", "Zhanasemey"),
            "is_city_administration": int(r["type_code"] == "1"),
            # A city or town akimat ("Г.А."), or a district of a republican city: every measurement in it
            # counts as urban, whether or not KATO lists the city itself among its settlements.
            "is_urban": int(r["type_code"] == "1" or r["name_ru"].strip().endswith("Г.А.")
                            or r["kato"][:2] in CITY_REGIONS),
            "population": p.get("total", ""), "urban_population": p.get("urban_total", ""),
            "rural_population": p.get("rural_total", ""),
            "has_boundary": int(f is not None),
            # A point inside the district for labels and markers; districts without a polygon have none.
            "label_lon": round(shape(f["geometry"]).representative_point().x, 4) if f else "",
            "label_lat": round(shape(f["geometry"]).representative_point().y, 4) if f else "",
        })
    known = {d["district_kato"] for d in districts}
    missing_geo = sorted(set(geo_district) - known)
    assert not missing_geo, f"polygons without a KATO district: {missing_geo}"
    write_csv(out / "districts.csv", districts)
    feats = [{"type": "Feature", "id": d["district_kato"], "properties": {"district_kato": d["district_kato"]},
              "geometry": rounded(shape(geo_district[d["district_kato"]]["geometry"]), 3)}
             for d in districts if d["has_boundary"]]
    (out / "districts.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": feats},
                                                      separators=(",", ":")), encoding="utf-8")

    # ---- settlements ---------------------------------------------------------------------------
    def district_of(code: str) -> str | None:
        for cand in (code[:6] + "000", code[:4] + "00000"):
            if cand in known:
                return cand
        return None

    osm = read_csv(src / "gazetteer/kz_places_osm_hotosm.csv")
    osm_index: dict[tuple[str, str], dict] = {}
    for p in osm:
        code = GEOKZ_TO_KATO.get(p["adm2_kato"], p["adm2_kato"])
        for key in ("name:ru", "name:kk", "name"):
            if p[key]:
                osm_index.setdefault((code, clean_name(p[key])), p)
    district_shape = {code: shape(f["geometry"]) for code, f in geo_district.items()}
    region_shape = region_geom

    settlements = []
    for r in kato:
        if r["level"] != "settlement":
            continue
        d = district_of(r["kato"])
        if d is None:
            continue
        hit = osm_index.get((d, clean_name(r["name_ru"]))) or osm_index.get((d, clean_name(r["name_kk"])))
        if hit:
            lon, lat, src_coords = float(hit["lon"]), float(hit["lat"]), "osm"
        else:
            # No gazetteer match: a stable point inside the district (or region) polygon, flagged approximate.
            poly = district_shape.get(d) or region_shape[r["kato"][:2]]
            minx, miny, maxx, maxy = poly.bounds
            i = 0
            while True:
                x = minx + (maxx - minx) * stable_unit(r["kato"], "x", str(i))
                y = miny + (maxy - miny) * stable_unit(r["kato"], "y", str(i))
                if poly.contains(Point(x, y)) or i > 200:
                    break
                i += 1
            if i > 200:
                c = poly.representative_point()
                x, y = c.x, c.y
            lon, lat, src_coords = x, y, "approximate"
        settlements.append({
            "kato": r["kato"], "district_kato": d, "region_code": f"KZ-{r['kato'][:2]}",
            "name_kk": r["name_kk"], "name_ru": r["name_ru"],
            "name_en": (hit or {}).get("name:en", "") if hit else "",
            "settlement_type": "urban" if r["type_code"] == "1" else "rural",
            "osm_population": (hit or {}).get("population", "") if hit else "",
            "lon": round(lon, 5), "lat": round(lat, 5), "coords_source": src_coords,
        })
    # Republican cities are settlements of their own (KATO lists them only as regions).
    for reg in regions:
        if reg["is_city"]:
            first = next(d for d in districts if d["region_code"] == reg["region_code"])
            c = centre_pt.get(reg["kato2"]) or [reg["label_lon"], reg["label_lat"]]
            settlements.append({
                "kato": reg["kato"], "district_kato": first["district_kato"], "region_code": reg["region_code"],
                "name_kk": by_code[reg["kato"]]["name_kk"], "name_ru": by_code[reg["kato"]]["name_ru"],
                "name_en": reg["name_en"], "settlement_type": "urban", "osm_population": "",
                "lon": round(c[0], 5), "lat": round(c[1], 5), "coords_source": "geokz_centre",
            })

    # The published village count (6,179) is not in KATO: rural rows whose code ends in "00" are the
    # main villages (5,931); the rest is topped up with a stable pick of other rural rows.
    rural = [s for s in settlements if s["settlement_type"] == "rural"]
    main_villages = [s for s in rural if s["kato"].endswith("00")]
    others = sorted((s for s in rural if not s["kato"].endswith("00")), key=lambda s: stable_unit(s["kato"], "v"))
    village_set = {s["kato"] for s in main_villages} | {s["kato"] for s in others[: VILLAGE_TARGET - len(main_villages)]}
    for s in settlements:
        s["is_village"] = int(s["kato"] in village_set)
    settlements.sort(key=lambda s: s["kato"])
    write_csv(out / "settlements.csv", settlements)

    matched = sum(s["coords_source"] == "osm" for s in settlements)
    print(f"regions {len(regions)}, districts {len(districts)} ({len(feats)} with boundary), "
          f"settlements {len(settlements)} ({matched} placed from OSM), villages {len(village_set)}")
    for name in ("regions.geojson", "districts.geojson"):
        print(name, (out / name).stat().st_size, "bytes")
    if out.resolve() == REFERENCE.resolve():
        # The maps' static boundaries (one file per region's districts) are split from these.
        maps.write_static_geometry()


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
