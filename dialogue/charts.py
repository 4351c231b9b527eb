"""Pure plotly builders: data in, go.Figure out, one shared look. No Streamlit here.

Every builder takes the language so that number separators and month names follow it; labels come
in already translated (builders never look up messages themselves).
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go

from dialogue import i18n

INK = "#1B2A38"
MUTED = "#6B7885"
GRID = "#E3E8EC"
PRIMARY = "#00738C"
PALETTE = ["#00738C", "#E07A1F", "#5B4B9A", "#2E8540", "#C8102E", "#8A6D3B", "#3A7BD5", "#7F8C8D"]
RAG_COLOURS = {"green": "#2E8540", "amber": "#E3A21A", "red": "#C8102E", None: "#B0B7BF"}
FONT = "Inter, 'DejaVu Sans', 'Segoe UI', Arial, sans-serif"


def separators(lang: str) -> str:
    """Plotly's decimal and thousands marks for the language."""
    return ".," if i18n.normalise_language(lang) == "en" else ", "


def style(fig: go.Figure, lang: str, title: str | None = None, height: int = 420) -> go.Figure:
    """The shared look: large legible type for a meeting screen, quiet grid, language separators."""
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 18, "color": INK}} if title else None,
        font={"family": FONT, "size": 14, "color": INK},
        separators=separators(lang),
        height=height,
        margin={"l": 10, "r": 10, "t": 50 if title else 10, "b": 10},
        paper_bgcolor="white", plot_bgcolor="white",
        colorway=PALETTE,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0, "title": None},
        hoverlabel={"font": {"family": FONT, "size": 14}},
    )
    fig.update_xaxes(gridcolor=GRID, zeroline=False, automargin=True)
    fig.update_yaxes(gridcolor=GRID, zeroline=False, automargin=True)
    return fig


def month_ticks(months: list[date], lang: str, max_ticks: int = 12) -> tuple[list, list[str]]:
    """Tick values and localised labels for a monthly axis ('Oct 2026', 'окт. 2026', '2026 қаз.')."""
    months = sorted(set(months))
    step = max(1, -(-len(months) // max_ticks))
    values = months[::step]
    labels = [f"{i18n.month_name(m.month, lang, short=True)} {m.year}" if lang != "kk"
              else f"{m.year} {i18n.month_name(m.month, lang, short=True)}" for m in values]
    return values, labels


def trend(frame: pd.DataFrame, x: str, y: str, series: str | None, names: dict, lang: str, y_title: str,
          title: str | None = None, target: float | None = None, target_label: str | None = None,
          unit_suffix: str = "", height: int = 400) -> go.Figure:
    """A line per series over months; an optional dashed target line."""
    fig = go.Figure()
    groups = [(None, frame)] if series is None else list(frame.groupby(series, sort=False))
    for i, (key, part) in enumerate(groups):
        part = part.sort_values(x)
        fig.add_trace(go.Scatter(
            x=part[x], y=part[y], mode="lines+markers", name=names.get(key, str(key)),
            line={"width": 3 if i == 0 else 2, "color": PALETTE[i % len(PALETTE)]},
            marker={"size": 5},
            hovertemplate=f"%{{y:,.1f}}{unit_suffix}<extra>{names.get(key, str(key))}</extra>",
        ))
    if target is not None:
        fig.add_hline(y=target, line={"dash": "dash", "color": MUTED, "width": 1.5},
                      annotation_text=target_label, annotation_position="top left",
                      annotation_font={"color": MUTED})
    if len(frame):
        values, labels = month_ticks(list(frame[x]), lang)
        fig.update_xaxes(tickvals=values, ticktext=labels)
    fig.update_yaxes(title=y_title, rangemode="tozero")
    return style(fig, lang, title, height)


def bar(frame: pd.DataFrame, x: str, y: str, lang: str, title: str | None = None, colour: str | None = None,
        colours: list[str] | None = None, horizontal: bool = False, value_format: str = ",.1f",
        axis_title: str | None = None, height: int = 420, customdata: str | None = None) -> go.Figure:
    """One bar per row; horizontal bars suit long region names."""
    kwargs = {"x": frame[y], "y": frame[x], "orientation": "h"} if horizontal else {"x": frame[x], "y": frame[y]}
    fig = go.Figure(go.Bar(
        **kwargs, marker={"color": colours if colours is not None else (colour or PRIMARY)},
        texttemplate=f"%{{{'x' if horizontal else 'y'}:{value_format}}}", textposition="outside", cliponaxis=False,
        hovertemplate=f"%{{{'y' if horizontal else 'x'}}}: %{{{'x' if horizontal else 'y'}:{value_format}}}<extra></extra>",
        customdata=frame[customdata] if customdata else None,
    ))
    if horizontal:
        fig.update_yaxes(autorange="reversed")
        fig.update_xaxes(title=axis_title)
    else:
        fig.update_yaxes(title=axis_title)
    return style(fig, lang, title, height)
