"""Map builders (plotly choropleths, pydeck point maps). Offline: shipped, simplified boundaries;
no base-map tiles (pydeck map_provider=None) and a local topojson stub for plotly geo."""

from __future__ import annotations

import json
from functools import cache

import pandas as pd
import plotly.graph_objects as go
import pydeck as pdk

from dialogue import charts
from dialogue.db import REFERENCE

SEQUENTIAL = [[0, "#E8F1F4"], [0.5, "#5FA8BC"], [1, "#00485A"]]
SEQUENTIAL_REVERSED = [[0, "#00485A"], [0.5, "#5FA8BC"], [1, "#E8F1F4"]]


@cache
def boundaries(level: str) -> dict:
    """The shipped GeoJSON of 'regions' or 'districts' (feature id = region code / district KATO)."""
    return json.loads((REFERENCE / f"{level}.geojson").read_text(encoding="utf-8"))


def choropleth(frame: pd.DataFrame, level: str, lang: str, value_title: str, title: str | None = None,
               higher_is_better: bool = True, selected: str | None = None, height: int = 480,
               value_format: str = ",.1f") -> go.Figure:
    """Regions or districts coloured by `value`; `code` names the area, `label` its name for the hover."""
    geo = boundaries(level)
    known = {f["id"] for f in geo["features"]}
    data = frame[frame["code"].isin(known)]
    fig = go.Figure(go.Choropleth(
        geojson=geo, featureidkey="id", locations=data["code"], z=data["value"],
        colorscale=SEQUENTIAL if higher_is_better else SEQUENTIAL_REVERSED,
        marker={"line": {"color": "white", "width": 0.8}},
        colorbar={"title": {"text": value_title, "side": "right"}, "thickness": 14, "len": 0.8},
        customdata=data[["label"]], text=data["label"],
        hovertemplate=f"<b>%{{customdata[0]}}</b><br>%{{z:{value_format}}}<extra></extra>",
    ))
    if selected is not None and selected in known:
        # Outline the selected area on top.
        fig.add_trace(go.Choropleth(
            geojson=geo, featureidkey="id", locations=[selected], z=[0], showscale=False,
            colorscale=[[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]], hoverinfo="skip",
            marker={"line": {"color": charts.INK, "width": 3}},
        ))
    fig.update_geos(fitbounds="locations", visible=False, projection_type="mercator", bgcolor="white")
    charts.style(fig, lang, title, height)
    fig.update_layout(margin={"l": 0, "r": 0, "t": 40 if title else 0, "b": 0}, dragmode=False, clickmode="event+select")
    return fig


def point_deck(frame: pd.DataFrame, tooltip_html: str, radius_column: str = "radius",
               colour: tuple[int, int, int] = (200, 16, 46)) -> pdk.Deck:
    """Points (lon, lat, radius) on the shipped region outlines, no base-map tiles."""
    outlines = pdk.Layer("GeoJsonLayer", boundaries("regions"), stroked=True, filled=True,
                         get_fill_color=[242, 245, 247, 255], get_line_color=[150, 160, 170, 255],
                         line_width_min_pixels=1)
    points = pdk.Layer("ScatterplotLayer", frame, get_position=["lon", "lat"], get_radius=radius_column,
                       radius_units="meters", radius_min_pixels=2, radius_max_pixels=40,
                       get_fill_color=[*colour, 170], pickable=True, stroked=False)
    if len(frame):
        view = pdk.ViewState(longitude=float(frame.lon.mean()), latitude=float(frame.lat.mean()), zoom=4.2)
    else:
        view = pdk.ViewState(longitude=67.0, latitude=48.0, zoom=3.6)
    return pdk.Deck(layers=[outlines, points], initial_view_state=view, map_provider=None, map_style=None,
                    tooltip={"html": tooltip_html})


def radius_by(values: pd.Series, largest_metres: float = 30000) -> pd.Series:
    """Point radii in metres with the area proportional to the value (the largest value gets largest_metres)."""
    top = float(values.max()) if len(values) else 0.0
    if top <= 0:
        return pd.Series(0.0, index=values.index)
    return largest_metres * (values.astype(float) / top) ** 0.5
