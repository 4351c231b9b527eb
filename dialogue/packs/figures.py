"""A section's plotly figure read back as plain chart data, for the pack writers.

The screen draws plotly figures; paper needs the same chart as a native PowerPoint or Excel chart and as
a vector drawing. Rather than rebuild every chart, the writers read the traces the section's figure
already holds: bars (vertical or horizontal, stacked or grouped), lines, a heatmap matrix, a choropleth.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime

import pandas as pd

from dialogue import charts, i18n, maps

_TAG = re.compile(r"<[^>]+>")
_FORMAT = re.compile(r"%\{[xyz](?::[^}]*?\.(\d+)f)?\}")


def plain(text) -> str:
    """Label text without plotly's markup: '<br>' becomes a space, tags are dropped."""
    if text is None:
        return ""
    return _TAG.sub("", str(text).replace("<br>", " ")).strip()


@dataclass
class Series:
    name: str
    values: list                        # one value per category (None where missing)
    colour: str = charts.PRIMARY
    point_colours: list | None = None   # a colour per bar (RAG), when the series has several
    line: bool = False                  # drawn as a line (else bars)
    dash: bool = False
    markers_only: bool = False          # reference marks: points, no line


@dataclass
class Chart:
    """What the writers draw: kind 'bar', 'line', 'heatmap' or 'map'."""

    kind: str
    title: str = ""
    categories: list[str] = field(default_factory=list)
    series: list[Series] = field(default_factory=list)
    horizontal: bool = False
    stacked: bool = False
    percent: bool = False               # 100% stacks
    decimals: int = 1
    value_title: str = ""
    target: tuple[float, str] | None = None          # a horizontal reference line (value, label)
    marks: Series | None = None                      # bars: a reference mark per category (the speed needed)
    dates: list | None = None                        # line charts: the months behind the categories
    # heatmap: rows × columns of cell text and fill colour
    rows: list[str] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    cells: list[list[str]] = field(default_factory=list)
    fills: list[list[str]] = field(default_factory=list)
    # map: area codes, values, fill colours, the GeoJSON, the outlined area
    codes: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    values: list = field(default_factory=list)
    geojson: dict | None = None
    outline: str | None = None
    colourscale: list | None = None
    value_range: tuple[float, float] | None = None

    @property
    def native(self) -> bool:
        """Whether an office chart can show it (bars and lines; not maps nor matrices)."""
        return self.kind in ("bar", "line") and bool(self.series) and bool(self.categories)


def _number(value):
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) or math.isinf(number) else number


def _decimals(template) -> int | None:
    m = _FORMAT.search(template or "") if isinstance(template, str) else None
    return int(m.group(1)) if m and m.group(1) else (0 if m else None)


def _colour(value, fallback: str) -> str:
    return value if isinstance(value, str) and value.startswith("#") else fallback


def _list(values) -> list:
    if values is None:
        return []
    return list(values.tolist() if hasattr(values, "tolist") else values)


def _month_key(value) -> date | None:
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError):
        return None
    return None if pd.isna(stamp) else date(stamp.year, stamp.month, 1)


def interpolate(scale: list, t: float) -> str:
    """A colour of a plotly colourscale [[0, '#..'], …, [1, '#..']] at t in [0, 1]."""
    t = min(1.0, max(0.0, t))
    stops = [(float(p), c) for p, c in scale]
    for (p0, c0), (p1, c1) in zip(stops, stops[1:]):
        if p0 <= t <= p1:
            if p1 == p0:
                return c1
            f = (t - p0) / (p1 - p0)
            a, b = _rgb(c0), _rgb(c1)
            return "#" + "".join(f"{round(x + (y - x) * f):02X}" for x, y in zip(a, b))
    return stops[-1][1]


def _rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")[:6]
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


def from_figure(fig, lang: str) -> Chart | None:
    """The chart a plotly figure draws, or None for what packs cannot draw (a pydeck map, no traces)."""
    data = getattr(fig, "data", None) if hasattr(fig, "to_plotly_json") else None
    if not data:
        return None
    layout = fig.layout
    title = plain(getattr(layout.title, "text", None))
    kinds = {trace.type for trace in data}
    if "choropleth" in kinds:
        return _map(fig, title)
    if "heatmap" in kinds:
        return _heatmap(fig, title)
    if kinds & {"bar", "funnel"}:
        return _bars(fig, title, lang)
    if "scatter" in kinds:
        return _lines(fig, title, lang)
    return None


def _bars(fig, title: str, lang: str) -> Chart:
    layout = fig.layout
    traces = [t for t in fig.data if t.type in ("bar", "funnel")]
    horizontal = all(t.orientation == "h" for t in traces) or traces[0].type == "funnel"
    categories: list = []
    rows = []
    for trace in traces:
        cats, vals = (_list(trace.y), _list(trace.x)) if horizontal else (_list(trace.x), _list(trace.y))
        rows.append((trace, cats, vals))
        for c in cats:
            if c not in categories:
                categories.append(c)
    array = getattr(layout.yaxis if horizontal else layout.xaxis, "categoryarray", None)
    if array is not None:
        ordered = [c for c in _list(array) if c in categories]
        categories = ordered + [c for c in categories if c not in ordered]
    series, decimals = [], None
    for i, (trace, cats, vals) in enumerate(rows):
        by_cat = dict(zip(cats, vals))
        marker = trace.marker.color if trace.marker is not None else None
        colours = _list(marker) if marker is not None and not isinstance(marker, str) else None
        colour = _colour(marker if isinstance(marker, str) else None, charts.PALETTE[i % len(charts.PALETTE)])
        point_colours = None
        if colours:
            mapping = dict(zip(cats, colours))
            point_colours = [_colour(mapping.get(c), colour)[:7] for c in categories]
            colour = point_colours[0] if point_colours else colour
        series.append(Series(plain(trace.name) or title, [_number(by_cat.get(c)) for c in categories], colour,
                             point_colours))
        decimals = decimals if decimals is not None else _decimals(trace.texttemplate or trace.hovertemplate)
    percent = any("%" in (t.texttemplate or "") for t in traces) and layout.barmode == "stack"
    value_axis = layout.xaxis if horizontal else layout.yaxis
    # Reference marks across the bars (charts.reference_marks: the speed firms need), kept on paper too.
    marks = None
    for trace in fig.data:
        if trace.type == "scatter" and trace.mode == "markers" and not horizontal:
            by_cat = dict(zip(_list(trace.x), _list(trace.y)))
            marks = Series(plain(trace.name), [_number(by_cat.get(c)) for c in categories], charts.INK,
                           markers_only=True)
    return Chart("bar", title, [plain(c) for c in categories], series, horizontal=horizontal,
                 stacked=layout.barmode == "stack", percent=percent, decimals=1 if decimals is None else decimals,
                 value_title=plain(getattr(value_axis.title, "text", None)), marks=marks)


def _lines(fig, title: str, lang: str) -> Chart:
    layout = fig.layout
    traces = [t for t in fig.data if t.type == "scatter"]
    keys: dict = {}
    for trace in traces:
        for x in _list(trace.x):
            keys.setdefault(_month_key(x) or x, None)
    months = all(isinstance(k, date) for k in keys)
    order = sorted(keys) if months else list(keys)
    series = []
    for i, trace in enumerate(traces):
        by_key = {(_month_key(x) or x) if months else x: y for x, y in zip(_list(trace.x), _list(trace.y))}
        line = trace.line
        colour = _colour(getattr(line, "color", None), charts.PALETTE[i % len(charts.PALETTE)])
        series.append(Series(plain(trace.name) or title, [_number(by_key.get(k)) for k in order], colour,
                             line=True, dash=getattr(line, "dash", None) in ("dash", "dot"),
                             markers_only=trace.mode == "markers"))
    target = None
    for shape in layout.shapes or ():
        if shape.type == "line" and shape.y0 == shape.y1 and shape.xref == "x domain":
            label = next((plain(a.text) for a in layout.annotations or () if a.y == shape.y0), "")
            target = (float(shape.y0), label)
    labels = [i18n.fmt_month(k, lang) if isinstance(k, date | datetime) else plain(k) for k in order]
    decimals = _decimals(traces[0].hovertemplate) if traces else 1
    return Chart("line", title, labels, series, decimals=1 if decimals is None else decimals,
                 value_title=plain(getattr(layout.yaxis.title, "text", None)), target=target,
                 dates=order if months else None)


def _heatmap(fig, title: str) -> Chart:
    trace = next(t for t in fig.data if t.type == "heatmap")
    z = [list(row) for row in trace.z]
    text = [list(row) for row in trace.text] if trace.text is not None else [[""] * len(r) for r in z]
    ticks = fig.layout.yaxis.ticktext
    rows = [plain(r) for r in (_list(ticks) if ticks is not None else _list(trace.y))]
    columns = [plain(c) for c in _list(trace.x)]
    scale = [list(s) for s in trace.colorscale]
    low, high = _number(trace.zmin), _number(trace.zmax)
    flat = [_number(v) for row in z for v in row if _number(v) is not None]
    low = min(flat) if low is None and flat else (low or 0.0)
    high = max(flat) if high is None and flat else (high or 1.0)
    background = fig.layout.plot_bgcolor or "#FFFFFF"
    fills = [[interpolate(scale, (_number(v) - low) / ((high - low) or 1)) if _number(v) is not None else background
              for v in row] for row in z]
    cells = [[plain(v) if v is not None else "" for v in row] for row in text]
    return Chart("heatmap", title, rows=rows, columns=columns, cells=cells, fills=fills)


def _map(fig, title: str) -> Chart:
    traces = [t for t in fig.data if t.type == "choropleth"]
    # The trace that carries the values (a map may lay a plain base or an outline over or under it).
    main = max(traces, key=lambda t: len({_number(v) for v in _list(t.z)} - {None}))
    values = [_number(v) for v in _list(main.z)]
    known = [v for v in values if v is not None]
    low, high = (min(known), max(known)) if known else (0.0, 1.0)
    scale = [list(s) for s in main.colorscale]
    labels = [plain(r[0]) if isinstance(r, list | tuple) else plain(r) for r in _list(main.customdata)] \
        if main.customdata is not None else [str(c) for c in _list(main.locations)]
    outline = next((_list(t.locations)[0] for t in traces if t is not main and len(_list(t.locations)) == 1), None)
    colourbar = main.colorbar.title.text if main.colorbar is not None and main.colorbar.title is not None else ""
    # Screen figures name their boundaries by URL (dialogue.maps); paper draws them from the same file.
    geojson = maps.geometry(main.geojson) if isinstance(main.geojson, str) else main.geojson
    return Chart("map", title, codes=[str(c) for c in _list(main.locations)], labels=labels, values=values,
                 geojson=geojson, outline=outline, colourscale=scale, value_range=(low, high),
                 value_title=plain(colourbar),
                 series=[Series(plain(colourbar) or title, values)], categories=labels)


def mercator_y(lat: float) -> float:
    """Web Mercator's y (in degrees), as the screen's maps project: shapes keep their familiar look."""
    return math.degrees(math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)))


def map_shapes(chart: Chart, region: str | None = None) -> tuple[list[tuple[str, list]], list[tuple[str, list]]]:
    """The map's outer rings, projected: (every shape, the shapes to frame). The frame holds the areas
    with a value; on a region's map, every district of the region (those without a value drawn pale)."""
    valued = set(chart.codes)
    prefix = region[3:] if region and region.startswith("KZ-") else None
    shapes = []
    for feature in (chart.geojson or {}).get("features", []):
        geometry = feature["geometry"]
        polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        for polygon in polygons:
            shapes.append((str(feature["id"]), [(lon, mercator_y(lat)) for lon, lat in polygon[0]]))
    in_region = [s for s in shapes if prefix and s[0].isdigit() and s[0].startswith(prefix)]
    framed = [s for s in shapes if s[0] in valued] + [s for s in in_region if s[0] not in valued]
    return shapes, framed or shapes
