"""Map builders (plotly choropleths, pydeck point maps). Offline: shipped, simplified boundaries;
no base-map tiles (pydeck map_provider=None) and a local topojson stub for plotly geo.

Figures name their boundaries by URL (static/geo/, served by the app itself) instead of carrying them:
a browser fetches each file once and keeps it, and the server neither copies nor sends ~80-350 KB of
coordinates with every view of every map. `geometry(url)` gives the file back (packs draw from it).
"""

from __future__ import annotations

import json
import math
from functools import cache
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pydeck as pdk

from dialogue import charts
from dialogue.db import REFERENCE, ROOT

SEQUENTIAL = [[0, "#E8F1F4"], [0.5, "#5FA8BC"], [1, "#00485A"]]
SEQUENTIAL_REVERSED = [[0, "#00485A"], [0.5, "#5FA8BC"], [1, "#E8F1F4"]]


STATIC_GEO = ROOT / "static" / "geo"
GEO_URL = "/app/static/geo/"    # where Streamlit serves static/geo (as PLOTLY_CONFIG's topojson stub)


@cache
def boundaries(level: str) -> dict:
    """The shipped GeoJSON of 'regions' or 'districts' (feature id = region code / district KATO)."""
    return json.loads((REFERENCE / f"{level}.geojson").read_text(encoding="utf-8"))


def geometry_name(region: str | None = None) -> str:
    """The static file of a map's areas: the regions (None), or one region's districts."""
    return "regions.json" if region is None else f"districts_{region}.json"


def geometry_url(region: str | None = None) -> str:
    return GEO_URL + geometry_name(region)


@cache
def geometry(url: str) -> dict:
    """The areas a figure's URL names, as GeoJSON (the file the browser fetches)."""
    return json.loads((STATIC_GEO / url.removeprefix(GEO_URL)).read_text(encoding="utf-8"))


def static_geometry() -> dict[str, dict]:
    """What static/geo holds: the regions, and each region's districts (from data/reference; split by
    the region each district belongs to). tools/build_reference.py writes it; a test keeps it in step."""
    districts = pd.read_csv(REFERENCE / "districts.csv", dtype=str).set_index("district_kato").region_code
    files = {geometry_name(None): boundaries("regions")}
    for region in sorted(districts.unique()):
        features = [f for f in boundaries("districts")["features"] if districts.get(f["id"]) == region]
        files[geometry_name(region)] = {"type": "FeatureCollection", "features": features}
    return files


def write_static_geometry(folder: Path = STATIC_GEO) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, collection in static_geometry().items():
        (folder / name).write_text(json.dumps(collection, ensure_ascii=False, separators=(",", ":")),
                                   encoding="utf-8")


def choropleth(frame: pd.DataFrame, region: str | None, lang: str, value_title: str, title: str | None = None,
               higher_is_better: bool = True, selected: str | None = None, height: int = 480,
               value_format: str = ",.1f") -> go.Figure:
    """The regions (region None) or one region's districts coloured by `value`; `code` names the area,
    `label` its name for the hover."""
    url = geometry_url(region)
    known = {f["id"] for f in geometry(url)["features"]}
    data = frame[frame["code"].isin(known)]
    fig = go.Figure(go.Choropleth(
        geojson=url, featureidkey="id", locations=data["code"], z=data["value"],
        colorscale=SEQUENTIAL if higher_is_better else SEQUENTIAL_REVERSED,
        marker={"line": {"color": "white", "width": 0.8}},
        colorbar={"title": {"text": value_title, "side": "right"}, "thickness": 14, "len": 0.8},
        customdata=data[["label"]], text=data["label"],
        hovertemplate=f"<b>%{{customdata[0]}}</b><br>%{{z:{value_format}}}<extra></extra>",
    ))
    if selected is not None and selected in known:
        # Outline the selected area on top.
        fig.add_trace(go.Choropleth(
            geojson=url, featureidkey="id", locations=[selected], z=[0], showscale=False,
            colorscale=[[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]], hoverinfo="skip",
            marker={"line": {"color": charts.INK, "width": 3}},
        ))
    values = pd.to_numeric(data["value"], errors="coerce").dropna()
    if len(values) and (values % 1 == 0).all():
        # Counts: whole-number ticks, never "0.2 bottlenecks".
        fig.update_traces(colorbar={"tickformat": ",d", "dtick": max(1, math.ceil((values.max() - values.min()) / 5))},
                          selector={"showscale": None})
    fig.update_geos(fitbounds="locations", visible=False, projection_type="mercator", bgcolor="white")
    charts.style(fig, lang, title, height)
    fig.update_layout(margin={"l": 0, "r": 0, "t": 40 if title else 0, "b": 0}, dragmode=False, clickmode="event+select")
    return fig


def point_deck(frame: pd.DataFrame, tooltip_html: str, radius_column: str = "radius",
               colour: tuple[int, int, int] = (200, 16, 46)) -> pdk.Deck:
    """Points (lon, lat, radius) on the shipped region outlines, no base-map tiles."""
    outlines = pdk.Layer("GeoJsonLayer", geometry_url(None), stroked=True, filled=True,
                         get_fill_color=[242, 245, 247, 255], get_line_color=[150, 160, 170, 255],
                         line_width_min_pixels=1)
    # Radii are in metres, deck.gl's default; pydeck would turn radius_units="meters" into the
    # expression '@@=meters', which breaks the radius so that every point is drawn at its maximum size.
    points = pdk.Layer("ScatterplotLayer", frame, get_position=["lon", "lat"], get_radius=radius_column,
                       radius_min_pixels=2, radius_max_pixels=40,
                       get_fill_color=[*colour, 170], pickable=True, stroked=False)
    if len(frame):
        view = pdk.ViewState(longitude=float(frame.lon.mean()), latitude=float(frame.lat.mean()), zoom=4.2)
    else:
        view = pdk.ViewState(longitude=67.0, latitude=48.0, zoom=3.6)
    # No map_style argument: pydeck then sends its "__MAP_STYLE__" sentinel, which with map_provider=None
    # tells Streamlit to draw no base map. An explicit map_style=None makes Streamlit fetch Carto tiles.
    return pdk.Deck(layers=[outlines, points], initial_view_state=view, map_provider=None,
                    tooltip={"html": tooltip_html})


def radius_by(values: pd.Series, view: pdk.ViewState, largest_px: float = 18) -> pd.Series:
    """Point radii in metres, area proportional to the value; the largest is about largest_px on screen
    at the view's zoom (metres per pixel of Web Mercator at the view's latitude)."""
    import math

    top = float(values.max()) if len(values) else 0.0
    if top <= 0:
        return pd.Series(0.0, index=values.index)
    metres_per_px = 40_075_016 * math.cos(math.radians(view.latitude)) / (512 * 2 ** view.zoom)
    return largest_px * metres_per_px * (values.astype(float) / top) ** 0.5


def view_of(region: str | None = None, width_px: int = 900, height_px: int = 520) -> pdk.ViewState:
    """A pydeck view that fits one region (None: the whole country) in a map of about the given size."""
    import math

    features = [f for f in boundaries("regions")["features"] if region is None or f["id"] == region]
    points = []

    def walk(coords):
        if isinstance(coords[0], (int, float)):
            points.append(coords)
        else:
            for part in coords:
                walk(part)

    for feature in features:
        walk(feature["geometry"]["coordinates"])
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    if not lons:
        return pdk.ViewState(longitude=67.0, latitude=48.0, zoom=3.6)

    # Web Mercator: at zoom z the world is 512 * 2**z pixels wide for 2*pi radians of x (and of y).
    def y(lat):
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    span_x = max(math.radians(max(lons) - min(lons)), 1e-6)
    span_y = max(y(max(lats)) - y(min(lats)), 1e-6)
    zoom = min(math.log2(width_px * 2 * math.pi / (512 * span_x)), math.log2(height_px * 2 * math.pi / (512 * span_y)))
    return pdk.ViewState(longitude=(min(lons) + max(lons)) / 2, latitude=(min(lats) + max(lats)) / 2,
                         zoom=round(zoom - 0.15, 2))
