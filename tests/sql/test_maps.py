"""Map builders stay offline: no base-map style or tiles, only the shipped boundaries."""

import json

import pandas as pd

from dialogue import maps


def test_point_deck_asks_for_no_base_map():
    frame = pd.DataFrame({"lon": [71.4, 76.9], "lat": [51.1, 43.2], "radius": [1000, 2000], "name": ["a", "b"]})
    spec = json.loads(maps.point_deck(frame, "{name}").to_json())
    assert spec.get("mapStyle") == "__MAP_STYLE__"  # Streamlit's "no base map" sentinel
    assert "mapProvider" not in spec or spec["mapProvider"] is None
    assert "http" not in json.dumps(spec)


def test_choropleth_uses_shipped_boundaries():
    frame = pd.DataFrame({"code": ["KZ-23", "KZ-71"], "value": [1.0, 2.0], "label": ["Atyrau", "Astana"]})
    fig = maps.choropleth(frame, None, "en", "Mbit/s")
    # The figure names the boundaries by the app's own URL (fetched once by the browser), not a CDN.
    assert fig.data[0].geojson == "/app/static/geo/regions.json"
    assert len(maps.geometry(fig.data[0].geojson)["features"]) == 20
    assert "http" not in fig.to_json()


def test_a_region_map_carries_only_its_own_districts():
    frame = pd.DataFrame({"code": ["231000000", "151000000"], "value": [1.0, 2.0], "label": ["Atyrau", "Aktobe"]})
    fig = maps.choropleth(frame, "KZ-23", "en", "Mbit/s")
    ids = {f["id"] for f in maps.geometry(fig.data[0].geojson)["features"]}
    assert fig.data[0].geojson.endswith("districts_KZ-23.json") and len(ids) >= 7
    assert all(code.startswith("23") for code in ids)
    assert list(fig.data[0].locations) == ["231000000"]     # another region's district is not drawn


def test_static_geometry_is_in_step_with_the_reference_boundaries():
    """static/geo is derived from data/reference (tools/build_reference.py writes it): same features, split
    by region, every district with a boundary in exactly one file."""
    expected = maps.static_geometry()
    on_disk = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in maps.STATIC_GEO.glob("*.json")}
    assert on_disk == expected
    district_files = [c for name, c in on_disk.items() if name.startswith("districts_")]
    assert len(district_files) == 20
    shipped = sorted(f["id"] for f in maps.boundaries("districts")["features"])
    assert sorted(f["id"] for c in district_files for f in c["features"]) == shipped
