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
    fig = maps.choropleth(frame, "regions", "en", "Mbit/s")
    assert len(fig.data[0].geojson["features"]) == 20
    assert "http" not in json.dumps(fig.to_plotly_json()["layout"])
