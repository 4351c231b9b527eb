"""Sections drawn two more ways on screen (Streamlit glue, like dialogue.screen): as compact tiles side by side
(a region's profile, four domains on one 1920×1080 screen) and as slides for a shared screen in a meeting (large
type readable from the back of the room, one agenda item per screen, next and previous by keyboard)."""

from __future__ import annotations

import functools
import weakref
from collections.abc import Sequence

import plotly.graph_objects as go
import streamlit as st

from dialogue import i18n, ui
from dialogue.sections import Section
from dialogue.sections.agenda import Screen

SLIDE_ROWS = 5          # table rows on a slide: no scrolling
SLIDE_CELL = 100        # characters of a cell on a slide (the full text is in the meeting record)
SLIDE_FONT = 24         # chart text on a slide (px)
SLIDE_CHART = 500       # the tallest chart on a slide (px): title, change line and sentence fit around it
# Presentation clickers send PageDown/PageUp; a keyboard has the arrows. A button takes one shortcut, so each
# direction has a second button, hidden, for the clicker's key.
KEYS = {"next": ("Right", "PageDown"), "previous": ("Left", "PageUp")}

_SLIDE_CSS = """<style>
header[data-testid="stHeader"], [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stToolbar"], [data-testid="stDecoration"] { display: none !important; }
.block-container, [data-testid="stMainBlockContainer"] { padding: 1.2rem 2.5rem 0 2.5rem !important; max-width: 100% !important; }
[data-testid="stMain"] p, [data-testid="stMain"] li, [data-testid="stMain"] td, [data-testid="stMain"] th,
[data-testid="stMain"] [data-testid="stMarkdownContainer"] { font-size: 30px !important; line-height: 1.3; }
[data-testid="stMain"] h1 { font-size: 60px !important; padding: 0 0 .3rem 0 !important; }
[data-testid="stMain"] h3 { font-size: 40px !important; padding: .2rem 0 !important; }
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p { font-size: 28px !important; }
[data-testid="stMetricLabel"] p { font-size: 28px !important; }
[data-testid="stMain"] [data-testid="stMetricValue"] p { font-size: 52px !important; line-height: 1.15; font-weight: 600; }
[data-testid="stMain"] [data-testid="stMetricDelta"] p { font-size: 28px !important; }
.st-key-slide_keys_hidden { display: none !important; }
.st-key-slide_nav button p { font-size: 28px !important; }
table { width: 100%; }
[data-testid="stMain"] td [data-testid="stMarkdownContainer"] { max-width: 60vw !important; width: auto !important; }
</style>"""


def slide_style() -> None:
    """Large type, no sidebar nor header: the whole screen for the slide."""
    st.html(_SLIDE_CSS)


def tile(section: Section, link: tuple[str, str, dict] | None, key: str) -> None:
    """A compact section (profile): heading, cards, a low chart, the sentence, a short table without downloads,
    source, and the link to the full page (path, label, query parameters)."""
    if section.title:
        st.subheader(section.title)
    if section.is_empty:
        st.info(i18n.t(section.empty, ui.lang()))
    else:
        _alert(section)
        if section.metrics:
            for column, card in zip(st.columns(len(section.metrics)), section.metrics):
                column.metric(card.label, card.value, delta=card.delta, border=True,
                              delta_color={True: "green", False: "red", None: "gray"}[card.good],
                              delta_arrow="off" if card.rising is None else ("up" if card.rising else "down"),
                              help=card.help if card.help else card.delta_note)
        if section.figure is not None:
            ui.chart(section.figure, key=key)
        if section.table is not None and not section.table.collapsed:
            # A static table wraps long names (Kazakh indicator names) instead of cutting columns off.
            static_table(section.table)
        if section.summary:
            st.markdown(section.summary)
        if section.source:
            st.caption(f"{ui.t('common.source')}: {section.source}")
    if link is not None:
        path, label, params = link
        st.page_link(path, label=label, icon=":material/arrow_forward:", query_params=params)


def doors(intro: str, links: Sequence[tuple[str, str, dict, str]]) -> None:
    """The landing page's first lines: what the product is for, then its doors side by side as page links
    (path, label, query parameters, icon) that keep the filters."""
    st.caption(intro)   # small type: the profile's headline row still ends within a 1080-pixel screen
    for column, (path, label, params, icon) in zip(st.columns(len(links)), links):
        column.page_link(path, label=label, icon=icon, query_params=params)


RAG_TEXT = {"green": "#2E8540", "amber": "#A86B00", "red": "#C8102E"}

# A built section's table, styled and marshalled once: id(table) → {"styler": …, delta path uuid: proto bytes}.
# Streamlit turns a Styler into Arrow again on every run (a third of a first visit's server CPU on the profile,
# four tiles' tables); the sections are kept per data version, so their tables' protos can be too.
_MARSHALLED: dict[int, dict] = {}


def static_table(table) -> None:
    """st.table of a section's table (RAG colours, no index), converted to Arrow once per table and place."""
    kept = _MARSHALLED.get(id(table))
    if kept is None:
        kept = _MARSHALLED[id(table)] = {"styler": _rag_styled(table)}
        weakref.finalize(table, _MARSHALLED.pop, id(table), None)
    _keep_marshalled_tables()
    kept["styler"]._dialogue_marshalled = kept
    st.table(kept["styler"])


@functools.cache
def _keep_marshalled_tables() -> None:
    """Make st.table reuse the proto of a Styler that static_table marks (marshall_table is the one step of
    st.table that reads the data; its output depends on the data and the element's place, the uuid)."""
    from streamlit.elements import table as table_element

    marshall = table_element.marshall_table

    def marshall_once(proto, data, default_uuid=None):
        kept = getattr(data, "_dialogue_marshalled", None)
        if kept is None:
            return marshall(proto, data, default_uuid)
        if default_uuid not in kept:
            marshall(proto, data, default_uuid)
            kept[default_uuid] = proto.SerializeToString()
        else:
            proto.ParseFromString(kept[default_uuid])

    table_element.marshall_table = marshall_once


def _rag_styled(table):
    """A table whose frame has a `status` (RAG) column: its second column coloured by it."""
    shown = table.shown()
    styled = shown.style.hide(axis="index")
    if "status" not in table.frame:
        return styled
    colours = [RAG_TEXT.get(s, "") for s in table.frame["status"].head(len(shown))]
    return styled.apply(lambda col: [f"color: {c}; font-weight: 600" if c else "" for c in colours],
                        subset=[shown.columns[1]])


def tiles(sections: Sequence[tuple[Section, tuple[str, str, dict] | None]], key: str,
          widths: Sequence[float] | None = None) -> None:
    """Tiles side by side (on a narrow screen Streamlit stacks them)."""
    columns = st.columns(list(widths) if widths else len(sections), border=True)
    for i, (column, (section, link)) in enumerate(zip(columns, sections)):
        with column:
            tile(section, link, f"{key}_{i}")


# The most a chart of many labelled bars may take on a 1080-pixel shared screen.
SLIDE_TALL = 680


def _big(fig):
    fig = go.Figure(fig)
    fig.update_layout(font={"size": SLIDE_FONT}, title=None, height=min(max(fig.layout.height or 420, 430), SLIDE_CHART),
                      legend={"font": {"size": SLIDE_FONT}})
    fig.update_traces(textfont={"size": SLIDE_FONT}, selector={"type": "bar"})
    fig.update_xaxes(tickfont={"size": SLIDE_FONT - 4}, title_font={"size": SLIDE_FONT - 4})
    fig.update_yaxes(tickfont={"size": SLIDE_FONT - 4}, title_font={"size": SLIDE_FONT - 4})
    fig.update_annotations(font_size=SLIDE_FONT - 4, yshift=14)
    # Horizontal bars name every category (all 20 regions): in large type plotly would skip every other label,
    # so each gets its tick and the chart the height its labels need.
    labels = list(dict.fromkeys(y for trace in fig.data if trace.type == "bar" and trace.orientation == "h"
                                for y in (trace.y if trace.y is not None else ())))
    if labels:
        fig.update_yaxes(tickmode="array", tickvals=labels, ticktext=labels, automargin=True)
        fig.update_layout(height=max(fig.layout.height, min(len(labels) * (SLIDE_FONT + 1) + 90, SLIDE_TALL)))
    return fig


def _alert(section: Section) -> None:
    if section.alert:
        getattr(st, section.alert[0])(section.alert[1])


def _slide_table(section: Section, rows: int) -> None:
    shown = section.table.shown().head(rows)
    shown = shown.map(lambda v: v if not isinstance(v, str) or len(v) <= SLIDE_CELL else v[:SLIDE_CELL - 1] + "…")
    st.table(shown.style.hide(axis="index"))


def slide_section(section: Section, key: str, rows: int = SLIDE_ROWS, wide: bool = False) -> None:
    """One section in large type: cards, chart, sentence, the first rows of its table; on a whole slide (wide)
    a chart and a table stand side by side."""
    if section.title:
        st.subheader(section.title)
    if section.is_empty:
        st.info(i18n.t(section.empty, ui.lang()))
        return
    _alert(section)
    if section.metrics:
        per_row = min(len(section.metrics), 3)
        for start in range(0, len(section.metrics), per_row):
            for column, card in zip(st.columns(per_row), section.metrics[start:start + per_row]):
                column.metric(card.label, card.value, delta=card.delta, border=True,
                              delta_color={True: "green", False: "red", None: "gray"}[card.good],
                              delta_arrow="off" if card.rising is None else ("up" if card.rising else "down"))
    chart = section.figure is not None and hasattr(section.figure, "to_plotly_json")
    table = section.table is not None and not section.table.collapsed  # details stay in the record, off the slide
    if wide and chart and table:
        left, right = st.columns([3, 2], gap="large")
        with left:
            ui.chart(_big(section.figure), key=key)
        with right:
            if section.summary:
                st.markdown(section.summary)
            _slide_table(section, rows)
        return
    if chart:
        ui.chart(_big(section.figure), key=key)
    if section.summary:
        st.markdown(section.summary)
    if table:
        _slide_table(section, rows)


def slide(shown: Screen, number: int, total: int, key: str) -> None:
    """One agenda item: its title, the change since the last meeting, its sections side by side."""
    st.title(f"{number}/{total} · {shown.title}")
    if shown.change:
        st.markdown(f":material/history: {shown.change}")
    sections = list(shown.sections)
    if len(sections) == 1:
        slide_section(sections[0], f"{key}_0", wide=True)
        return
    if all(s.figure is None for s in sections):
        # Lists only (decisions and action items): one under the other, full width, fewer rows each.
        for i, section in enumerate(sections):
            slide_section(section, f"{key}_{i}", rows=SLIDE_ROWS - 2)
        return
    for i, (column, section) in enumerate(zip(st.columns(len(sections)), sections)):
        with column:
            slide_section(section, f"{key}_{i}")


def navigation(index: int, total: int, labels: dict[str, str]) -> int:
    """Previous and next buttons with keyboard shortcuts (arrows; PageUp/PageDown as clickers send); returns
    the slide to show."""
    with st.container(key="slide_nav", horizontal=True):
        back = st.button(labels["previous"], key="slide_prev", shortcut=KEYS["previous"][0], disabled=index <= 0,
                         icon=":material/arrow_back:")
        forward = st.button(labels["next"], key="slide_next", shortcut=KEYS["next"][0], disabled=index >= total - 1,
                            icon=":material/arrow_forward:", type="primary")
    with st.container(key="slide_keys_hidden"):
        back |= st.button("PageUp", key="slide_prev_page", shortcut=KEYS["previous"][1], disabled=index <= 0)
        forward |= st.button("PageDown", key="slide_next_page", shortcut=KEYS["next"][1], disabled=index >= total - 1)
    if forward:
        return min(index + 1, total - 1)
    if back:
        return max(index - 1, 0)
    return index
