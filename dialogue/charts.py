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
    """Plotly's decimal and thousands marks: the language's CLDR symbols (as in i18n.fmt_number)."""
    decimal, group = i18n.number_symbols(lang)
    return decimal + group


def style(fig: go.Figure, lang: str, title: str | None = None, height: int = 420) -> go.Figure:
    """The shared look: large legible type for a meeting screen, quiet grid, language separators."""
    fig.update_layout(
        # The title sits at the top of the figure, the legend just above the plot: they never overlap.
        title={"text": title, "x": 0, "xanchor": "left", "y": 0.99, "yref": "container", "yanchor": "top",
               "font": {"size": 18, "color": INK}} if title else None,
        font={"family": FONT, "size": 14, "color": INK},
        separators=separators(lang),
        height=height,
        margin={"l": 10, "r": 10, "t": 80 if title else 30, "b": 10},
        paper_bgcolor="white", plot_bgcolor="white",
        colorway=PALETTE,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0, "title": None},
        hoverlabel={"font": {"family": FONT, "size": 14}},
    )
    fig.update_xaxes(gridcolor=GRID, zeroline=False, automargin=True)
    fig.update_yaxes(gridcolor=GRID, zeroline=False, automargin=True)
    return fig


def month_ticks(months: list[date], lang: str, max_ticks: int = 8) -> tuple[list, list[str]]:
    """Tick values and localised labels for a monthly axis ('Oct 2026', 'окт. 2026 г.', '2026 ж. қаз.')."""
    months = sorted(set(months))
    step = max(1, -(-len(months) // max_ticks))
    values = months[::step]
    labels = [i18n.fmt_month(m, lang) for m in values]
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
    _value_axis(fig, frame[y], horizontal, axis_title)
    return style(fig, lang, title, height)


def _value_axis(fig: go.Figure, values: pd.Series, horizontal: bool, axis_title: str | None,
                room_for_labels: bool = True) -> None:
    """The value axis from zero, with room beyond the longest bar for its label; categories top down."""
    top = pd.to_numeric(values, errors="coerce").max() if len(values) and room_for_labels else None
    value_range = [0, top * 1.2] if top is not None and top == top and top > 0 else None
    if horizontal:
        fig.update_yaxes(autorange="reversed")
        fig.update_xaxes(title=axis_title, range=value_range)
    else:
        fig.update_yaxes(title=axis_title, range=value_range)


RAG_LEVELS = {"red": 0, "amber": 1, "green": 2}
# Light tints of the RAG colours so that dark cell text stays legible on a projector.
RAG_TINTS = {"green": "#B5DCBD", "amber": "#F6D98E", "red": "#F4B3BC", None: "#E9ECEF"}


def rag_matrix(frame: pd.DataFrame, row: str, column: str, rows: dict, columns: dict, lang: str,
               title: str | None = None, height: int | None = None) -> go.Figure:
    """A table-like heatmap coloured by RAG status: `rag` picks the colour, `text` is shown in the cell,
    `hover` (optional) on hover; rows/columns map keys to labels in display order."""
    def grid(values: str) -> pd.DataFrame:
        return frame.pivot(index=row, columns=column, values=values).reindex(index=list(rows), columns=list(columns))

    z = grid("rag").map(lambda status: RAG_LEVELS.get(status) if isinstance(status, str) else None)
    text = grid("text").fillna("")
    hover = grid("hover" if "hover" in frame else "text").fillna("")
    # Rows are placed by key and labelled by name: two areas with one name (a region and its namesake
    # district) stay two rows.
    hover = pd.DataFrame([[f"<b>{rows[r]}</b> · {columns[c]}<br>{hover.loc[r, c]}" for c in columns] for r in rows])
    # Discrete colours: a three-step scale with hard edges, grey paper behind missing cells.
    scale = [[0, RAG_TINTS["red"]], [0.333, RAG_TINTS["red"]], [0.333, RAG_TINTS["amber"]],
             [0.667, RAG_TINTS["amber"]], [0.667, RAG_TINTS["green"]], [1, RAG_TINTS["green"]]]
    fig = go.Figure(go.Heatmap(
        z=z.values.tolist(), x=list(columns.values()), y=list(rows), text=text.values.tolist(),
        customdata=hover.values.tolist(), zmin=-0.5, zmax=2.5,
        colorscale=scale, showscale=False, xgap=2, ygap=2, texttemplate="%{text}",
        textfont={"color": INK, "size": 14}, hovertemplate="%{customdata}<extra></extra>",
    ))
    fig.update_xaxes(side="top", showgrid=False, fixedrange=True, tickfont={"size": 12})
    fig.update_yaxes(autorange="reversed", showgrid=False, fixedrange=True, type="category",
                     tickvals=list(rows), ticktext=list(rows.values()))
    style(fig, lang, title, height or 100 + 34 * len(rows))
    fig.update_layout(plot_bgcolor=RAG_TINTS[None])
    return fig


def grouped_bar(frame: pd.DataFrame, x: str, y: str, series: str, names: dict, lang: str, title: str | None = None,
                horizontal: bool = False, value_format: str = ",.1f", axis_title: str | None = None,
                colours: dict | None = None, height: int = 420, show_text: bool = True) -> go.Figure:
    """Bars side by side, one colour per series (e.g. urban vs rural, technologies per speed band)."""
    fig = go.Figure()
    for i, (key, part) in enumerate(frame.groupby(series, sort=False)):
        label = names.get(key, str(key))
        values = {"x": part[y], "y": part[x], "orientation": "h"} if horizontal else {"x": part[x], "y": part[y]}
        axis = "x" if horizontal else "y"
        fig.add_trace(go.Bar(
            **values, name=label, marker={"color": (colours or {}).get(key, PALETTE[i % len(PALETTE)])},
            texttemplate=f"%{{{axis}:{value_format}}}" if show_text else None, textposition="outside",
            cliponaxis=False,
            hovertemplate=f"%{{{'y' if horizontal else 'x'}}}: %{{{axis}:{value_format}}}<extra>{label}</extra>",
        ))
    fig.update_layout(barmode="group", bargap=0.2, bargroupgap=0.05)
    # No room for labels on stacks: their total is longer than any one bar.
    _value_axis(fig, frame[y], horizontal, axis_title, room_for_labels=show_text)
    return style(fig, lang, title, height)


def funnel(frame: pd.DataFrame, stage: str, value: str, text: str, lang: str, title: str | None = None,
           height: int = 360) -> go.Figure:
    """Stages of a process as a funnel; `text` carries the counts and conversion rates, formatted."""
    fig = go.Figure(go.Funnel(
        y=frame[stage], x=frame[value], text=frame[text], textinfo="text", textposition="auto",
        marker={"color": PALETTE[: len(frame)]}, connector={"line": {"color": GRID}},
        # Narrow stages get their text beside the bar, in ink, rather than shrunk inside it.
        insidetextfont={"size": 15, "color": "white"}, outsidetextfont={"size": 15, "color": INK},
        constraintext="none", cliponaxis=False, hovertemplate="%{y}: %{text}<extra></extra>",
    ))
    return style(fig, lang, title, height)


def _legend_under_title(fig: go.Figure, height: int, title: str | None) -> go.Figure:
    """Hang the legend from the top of the figure just under the title: placed in container coordinates
    it pushes the plot down as far as it needs, so on a narrow screen (or with long Kazakh and Russian
    names) it wraps onto more rows instead of running into the title."""
    fig.update_layout(legend={"orientation": "h", "xref": "container", "x": 0, "yref": "container",
                              "y": 1 - (38 if title else 6) / height, "yanchor": "top", "traceorder": "normal"})
    return fig


def _month_start(day) -> date:
    day = pd.Timestamp(day)
    return date(day.year, day.month, 1)


def plan_actual(frame: pd.DataFrame, x: str, planned: str, done: str, names: dict, lang: str, y_title: str,
                title: str | None = None, deadline: date | None = None, forecast: tuple | None = None,
                value_format: str = ",.0f", height: int = 420) -> go.Figure:
    """Cumulative plan (dashed) against cumulative actual (solid) over months; optional deadline line and a
    dotted projection from the last actual point to `forecast` = (date, value). `names` labels 'planned',
    'done', 'forecast' and 'deadline'."""
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=frame[x], y=frame[planned], mode="lines", name=names["planned"],
                             line={"color": MUTED, "width": 2, "dash": "dash"},
                             hovertemplate=f"%{{y:{value_format}}}<extra>{names['planned']}</extra>"))
    actual = frame.dropna(subset=[done])
    fig.add_trace(go.Scatter(x=actual[x], y=actual[done], mode="lines", name=names["done"],
                             line={"color": PRIMARY, "width": 3},
                             hovertemplate=f"%{{y:{value_format}}}<extra>{names['done']}</extra>"))
    extra = []
    if forecast is not None and len(actual):
        last = actual.iloc[-1]
        fig.add_trace(go.Scatter(x=[last[x], forecast[0]], y=[last[done], forecast[1]], mode="lines+markers",
                                 name=names["forecast"], line={"color": PRIMARY, "width": 2, "dash": "dot"},
                                 marker={"size": [0, 9]},
                                 hovertemplate=f"%{{x|%Y-%m-%d}}: %{{y:{value_format}}}<extra>{names['forecast']}</extra>"))
        extra.append(_month_start(forecast[0]))
    if deadline is not None:
        # A shape, not add_vline: vline annotations fail on date axes in some plotly versions.
        fig.add_shape(type="line", x0=deadline, x1=deadline, y0=0, y1=1, yref="paper",
                      line={"color": RAG_COLOURS["red"], "width": 1.5, "dash": "dash"})
        fig.add_annotation(x=deadline, y=1, yref="paper", text=names["deadline"], showarrow=False,
                           xanchor="right", yanchor="top", font={"color": RAG_COLOURS["red"], "size": 13})
        extra.append(_month_start(deadline))
    if len(frame):
        values, labels = month_ticks([_month_start(m) for m in frame[x]] + extra, lang)
        fig.update_xaxes(tickvals=values, ticktext=labels)
    fig.update_yaxes(title=y_title, rangemode="tozero")
    style(fig, lang, title, height)
    return _legend_under_title(fig, height, title)


def stacked_bars(frame: pd.DataFrame, x: str, y: str, series: str, names: dict, lang: str, title: str | None = None,
                 horizontal: bool = False, percent: bool = False, colours: dict | None = None,
                 customdata: str | None = None, axis_title: str | None = None, value_format: str = ",.0f",
                 height: int = 420, legend: bool = True) -> go.Figure:
    """Bars stacked per category, one colour per series in `names` order; the value axis fits the stacks.
    With percent=True the values are shares (0-100) written inside the bars (100% stacked bars).
    `customdata` names a column (e.g. a region code) that a click on a bar reports; legend=False when
    the title already says what the colours mean."""
    fig = go.Figure()
    axis = "x" if horizontal else "y"
    suffix = "%" if percent else ""
    for i, (key, label) in enumerate(names.items()):
        part = frame[frame[series] == key]
        if part.empty:
            continue
        values = {"x": part[y], "y": part[x], "orientation": "h"} if horizontal else {"x": part[x], "y": part[y]}
        fig.add_trace(go.Bar(
            **values, name=label, marker={"color": (colours or {}).get(key, PALETTE[i % len(PALETTE)])},
            texttemplate=f"%{{{axis}:{value_format}}}{suffix}" if percent else None, textposition="inside",
            insidetextanchor="middle", textangle=0, customdata=part[customdata] if customdata else None,
            hovertemplate=f"%{{{'y' if horizontal else 'x'}}}: %{{{axis}:{value_format}}}{suffix}<extra>{label}</extra>",
        ))
    # Labels too small for their segment are hidden rather than shrunk to nothing.
    fig.update_layout(barmode="stack", bargap=0.25, uniformtext={"minsize": 11, "mode": "hide"})
    value_axis = {"title": axis_title, "range": [0, 100.5]} if percent else {"title": axis_title, "rangemode": "tozero"}
    if not percent and len(frame) and frame.groupby(x)[y].sum().max() < 8:
        value_axis["dtick"] = 1  # small counts: whole-number ticks, not 0.2, 0.4 …
    category_axis = {"categoryorder": "array", "categoryarray": list(dict.fromkeys(frame[x]))}
    if horizontal:
        fig.update_xaxes(**value_axis)
        fig.update_yaxes(**category_axis, autorange="reversed")
    else:
        fig.update_yaxes(**value_axis)
        fig.update_xaxes(**category_axis)
    style(fig, lang, title, height)
    fig.update_layout(showlegend=legend)
    return _legend_under_title(fig, height, title)


def reference_marks(fig: go.Figure, categories: list, values: list, label: str, value_format: str = ",.0f") -> go.Figure:
    """Short dark marks across vertical bars at a reference value per category (e.g. the speed a firm
    needs); the value axis grows to show them."""
    fig.add_trace(go.Scatter(
        x=categories, y=values, mode="markers", name=label,
        marker={"symbol": "line-ew", "size": 56, "line": {"width": 4, "color": INK}},
        hovertemplate=f"%{{x}}: %{{y:{value_format}}}<extra>{label}</extra>",
    ))
    current = fig.layout.yaxis.range
    top = max([v for v in values if v == v] + [current[1] if current else 0])
    fig.update_yaxes(range=[0, top * 1.15])
    return fig


def wrap(text: str, width: int) -> str:
    """Text broken into lines of about `width` characters at spaces (plotly's line break)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines)


def count_matrix(frame: pd.DataFrame, label: str, columns: dict, lang: str, title: str | None = None,
                 height: int | None = None) -> go.Figure:
    """Counts per row (frame[label]) and column (`columns`: value column → heading), each column shaded
    against its own busiest cell (datasets differ by orders of magnitude); empty cells stand out in red."""
    values = frame[list(columns)].astype(float)
    share = values / values.max().where(values.max() > 0, 1)
    # 0 is red; any count at all starts the blue scale, so a single record is told apart from none.
    z = share.where(values == 0, 0.08 + 0.92 * share).where(values > 0, 0.0)
    scale = [[0, RAG_TINTS["red"]], [0.04, RAG_TINTS["red"]], [0.04, "#E6F1F4"], [1, "#7FB8C6"]]
    text = values.map(lambda v: i18n.fmt_number(v, lang))
    # Headings on short lines (plotly turns long ones, and turned ones collide).
    headings = [wrap(h, 12) for h in columns.values()]
    fig = go.Figure(go.Heatmap(
        z=z.values.tolist(), x=headings, y=list(frame[label]), text=text.values.tolist(),
        zmin=0, zmax=1, colorscale=scale, showscale=False, xgap=2, ygap=2, texttemplate="%{text}",
        textfont={"color": INK, "size": 13}, hovertemplate="<b>%{y}</b> · %{x}: %{text}<extra></extra>",
    ))
    fig.update_xaxes(side="top", showgrid=False, fixedrange=True)
    fig.update_yaxes(autorange="reversed", showgrid=False, fixedrange=True)
    return style(fig, lang, title, height or 130 + 30 * len(frame))


def timeline(frame: pd.DataFrame, row: str, start: str, end: str, label: str, colour: str, lang: str,
             due: str | None = None, due_label: str = "", title: str | None = None, height: int | None = None,
             hover: str | None = None) -> go.Figure:
    """Bars from a start date to an end date, one row per `row` value (several bars may share a row), coloured
    per bar; `due` dates drawn as dark marks across the bars (a deadline). Rows top down in frame order."""
    rows = list(dict.fromkeys(frame[row]))
    starts = pd.to_datetime(frame[start])
    ends = pd.to_datetime(frame[end])
    # Plotly reads a date axis' bar length in milliseconds; a bar of under a day stays visible.
    lengths = ((ends - starts).dt.days.clip(lower=1) * 86_400_000).tolist()
    fig = go.Figure(go.Bar(
        y=frame[row], x=lengths, base=starts.dt.strftime("%Y-%m-%d").tolist(), orientation="h",
        marker={"color": frame[colour].tolist(), "line": {"width": 1, "color": "white"}}, width=0.6,
        text=frame[label], textposition="inside", insidetextanchor="middle", textangle=0,
        hovertext=frame[hover] if hover else frame[label], hoverinfo="text", showlegend=False,
    ))
    if due:
        marks = frame[frame[due].notna()]
        fig.add_trace(go.Scatter(
            y=marks[row], x=pd.to_datetime(marks[due]), mode="markers", name=due_label,
            marker={"symbol": "line-ns", "size": 22, "line": {"width": 3, "color": INK}},
            hovertemplate=f"%{{x|%Y-%m-%d}}<extra>{due_label}</extra>"))
    fig.update_layout(uniformtext={"minsize": 10, "mode": "hide"}, bargap=0.3)
    fig.update_yaxes(categoryorder="array", categoryarray=rows, autorange="reversed", type="category")
    # Month names in the language (plotly's own date ticks speak English).
    months = pd.date_range(starts.min().to_period("M").to_timestamp(), ends.max(), freq="MS") if len(frame) else []
    values, labels = month_ticks([m.date() for m in months], lang, max_ticks=7) if len(months) else ([], [])
    fig.update_xaxes(type="date", tickvals=values, ticktext=labels)
    return style(fig, lang, title, height or 110 + 42 * len(rows))


# Slow (red) to fast (green), for speeds on a heatmap.
SPEED_SCALE = [[0, "#C8102E"], [0.25, "#E0604A"], [0.5, "#F2CF6B"], [0.75, "#A8D5B0"], [1, "#2E8540"]]


def hour_heatmap(frame: pd.DataFrame, value: str, day_names: dict[int, str], lang: str, colour_title: str,
                 title: str | None = None, height: int = 360, value_format: str = ",.0f") -> go.Figure:
    """Days of the week (rows, Monday first) × local hours 0-23 (columns), each cell coloured by `value`
    (slow red, fast green); `tests` is shown on hover; missing cells stay blank."""
    grid = frame.pivot(index="weekday", columns="hour", values=value).reindex(index=list(day_names),
                                                                              columns=range(24))
    tests = frame.pivot(index="weekday", columns="hour", values="tests").reindex(index=list(day_names),
                                                                                columns=range(24))
    fig = go.Figure(go.Heatmap(
        z=grid.values.tolist(), x=[f"{h:02d}" for h in range(24)], y=list(day_names.values()),
        customdata=tests.fillna(0).astype(int).values.tolist(), colorscale=SPEED_SCALE, xgap=1, ygap=1,
        colorbar={"title": {"text": colour_title, "side": "right"}, "thickness": 14},
        hovertemplate=f"%{{y}} %{{x}}:00 — %{{z:{value_format}}} {colour_title}<br>n = %{{customdata:,}}<extra></extra>",
    ))
    fig.update_xaxes(showgrid=False, fixedrange=True, type="category", tickfont={"size": 12})
    fig.update_yaxes(autorange="reversed", showgrid=False, fixedrange=True, type="category")
    return style(fig, lang, title, height)


def dip_matrix(frame: pd.DataFrame, row: str, column: str, value: str, rows: list, columns: dict, lang: str,
               title: str | None = None, height: int | None = None) -> go.Figure:
    """Rows (e.g. regions, in the given order) × columns (key → heading), each cell a percentage loss shown
    as text and shaded from none (white) to half or more (deep red); a gain stays white; missing cells blank."""
    grid = frame.pivot(index=row, columns=column, values=value).reindex(index=rows, columns=list(columns))
    text = grid.map(lambda v: "" if pd.isna(v) else i18n.fmt_number(v, lang))
    fig = go.Figure(go.Heatmap(
        z=grid.clip(lower=0).values.tolist(), x=[wrap(h, 12) for h in columns.values()], y=rows,
        text=text.values.tolist(), zmin=0, zmax=50, showscale=False, xgap=2, ygap=2, texttemplate="%{text}",
        colorscale=[[0, "#FFFFFF"], [0.3, "#F6C6B8"], [1, RAG_COLOURS["red"]]],
        textfont={"color": INK, "size": 13}, hovertemplate="<b>%{y}</b> · %{x}: %{text} %<extra></extra>",
    ))
    fig.update_xaxes(side="top", showgrid=False, fixedrange=True)
    fig.update_yaxes(autorange="reversed", showgrid=False, fixedrange=True, type="category")
    style(fig, lang, title, height or 110 + 28 * len(rows))
    fig.update_layout(plot_bgcolor=GRID)
    return fig
