"""Sections on screen: the Streamlit renderer of dialogue.sections (pages call these, nothing else draws).

A section becomes a heading, its headline cards, its figure (clickable where it opens a region), the
sentence that says what it shows, its captions, its table with downloads, and its source and as-of date.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence

import streamlit as st

from dialogue import i18n, tables, ui
from dialogue.sections import Context, Section, Table

_BUILT_LOCK = threading.Lock()
BUILT_KEPT = 256


@st.cache_resource(show_spinner=False)
def _built() -> OrderedDict[tuple, object]:
    """Built sections, shared by every session of this process: a warm page view draws them without building
    a figure again. Keyed by the warehouse and its data version, so a load or an edit builds afresh; a
    resource cache, so that clearing Streamlit's caches clears them too."""
    return OrderedDict()


def _memo(version: tuple) -> Callable[[tuple, Callable[[], object]], object]:
    built_sections = _built()

    def remember(key: tuple, build: Callable[[], object]) -> object:
        key = (*version, *key)
        try:
            hash(key)
        except TypeError:           # a builder given a frame or a record: built every time
            return build()
        with _BUILT_LOCK:
            if key in built_sections:
                built_sections.move_to_end(key)
                return built_sections[key]
        built = build()
        with _BUILT_LOCK:
            built_sections[key] = built
            while len(built_sections) > BUILT_KEPT:
                built_sections.popitem(last=False)
        return built
    return remember


def context() -> Context:
    """The sections' context for this run: the sidebar's filters, today, the cached query runner, and
    the process's built sections."""
    f = ui.filters()
    return Context(f.region, f.period, f.lang, ui.today(), ui.query, memo=_memo(ui.data_key()))


def page(title_key: str, ctx: Context, scope_note: str | None = None) -> None:
    """The page heading with the scope (region, period) it shows, and what else bounds it (a survey's quarter)."""
    st.title(ctx.t(title_key))
    st.caption(ctx.scope_name() if scope_note is None else f"{ctx.scope_name()} · {scope_note}")


def show(section: Section, key: str | None = None, heading: bool = True) -> None:
    """Draw one section; `key` names its widgets (a chart's selection, the download buttons)."""
    key = key or section.key.replace(".", "_")
    if heading and section.title and (section.is_empty or not _titled(section.figure)):
        st.subheader(section.title)
    if section.subtitle:
        st.caption(section.subtitle)
    if section.is_empty:
        hint = f" {i18n.t('common.no_data_hint', ui.lang())}" if section.hint else ""
        st.info(i18n.t(section.empty, ui.lang()) + hint)
        return
    if section.alert:
        getattr(st, section.alert[0])(section.alert[1])
    _metrics(section)
    if section.figure is not None:
        _figure(section, key)
    if section.summary:
        st.markdown(section.summary)
    for note in section.notes:
        st.caption(note)
    if section.table is not None:
        _table(section.table, key)
    footer = [text for text in (
        f"{ui.t('common.source')}: {section.source}" if section.source else None,
        ui.t("common.as_of", date=i18n.fmt_date(section.as_of, ui.lang())) if section.as_of else None) if text]
    if footer:
        st.caption(" · ".join(footer))


def row(sections: Sequence[Section], widths: Sequence[int] | None = None, keys: Sequence[str] | None = None,
        headings: bool = True) -> None:
    """Sections side by side (a map beside its ranking); on a narrow screen Streamlit stacks them."""
    columns = st.columns(list(widths) if widths else len(sections))
    for i, (column, section) in enumerate(zip(columns, sections)):
        with column:
            show(section, keys[i] if keys else None, heading=headings)


def choose(ctx: Context, key: str, options: Sequence[str], label: str, name: Callable[[str], str],
           segmented: bool = False, default: str | None = None, about: Callable[[str], None] | None = None) -> str:
    """A choice that shapes a section (which KPI, split by what): a select box, or segmented buttons;
    `about` draws an explanation of the chosen option in a popover beside it."""
    options = list(options)
    if segmented:
        return st.segmented_control(label, options, default=default or options[0], required=True, format_func=name,
                                    key=key)
    index = options.index(default) if default in options else 0
    if about is None:
        return st.selectbox(label, options, index=index, format_func=name, key=key)
    pick, info = st.columns([5, 1], vertical_alignment="bottom")
    with pick:
        chosen = st.selectbox(label, options, index=index, format_func=name, key=key)
    with info.popover(ui.t("kpi.definition"), icon=":material/info:", width="stretch"):
        about(chosen)
    return chosen


def tabs(key: str, labels: Sequence[str]) -> Sequence:
    """Tabs whose content is built and drawn only when chosen (a rerun): a page comes up with the first
    tab's figures, not every figure behind the others. The page draws into a tab when `tab.open`."""
    return st.tabs(list(labels), key=key, on_change="rerun")


def toggle(key: str, label: str) -> bool:
    """A switch that widens or narrows a section (e.g. every programme instead of the chosen one)."""
    return st.toggle(label, key=key)


def heading(text: str, about: Callable[[], None] | None = None, about_label: str | None = None) -> None:
    """A sub-heading, with an optional popover (definitions) to its right."""
    if about is None:
        st.subheader(text)
        return
    head, info = st.columns([5, 1], vertical_alignment="bottom")
    head.subheader(text)
    with info.popover(about_label or ui.t("kpi.definition"), icon=":material/info:", width="stretch"):
        about()


def _titled(figure) -> bool:
    """Whether a plotly figure carries its own title (then the section's would say it twice)."""
    title = getattr(getattr(figure, "layout", None), "title", None)
    return bool(getattr(title, "text", None))


def _metrics(section: Section) -> None:
    cards = list(section.metrics)
    # Up to four cards in one row, more in rows of three, unless the section gives the widths.
    widths = list(section.metric_widths) or [1] * (len(cards) if 0 < len(cards) <= 4 else 3)
    for start in range(0, len(cards), len(widths)):
        for column, card in zip(st.columns(widths), cards[start:start + len(widths)]):
            with column:
                st.metric(card.label, card.value, delta=card.delta,
                          delta_color={True: "green", False: "red", None: "gray"}[card.good],
                          delta_arrow="off" if card.rising is None else ("up" if card.rising else "down"),
                          delta_description=card.delta_note, help=card.help, border=True)
                if card.note:
                    st.caption(card.note)


def _figure(section: Section, key: str) -> None:
    if hasattr(section.figure, "to_json") and not hasattr(section.figure, "to_plotly_json"):
        st.pydeck_chart(section.figure, width="stretch", height=520, key=key)
        return
    if section.region_click:
        event = ui.chart(section.figure, key=key, clickable=True)
        ui.follow_region_click(event, key, field=section.region_click)
    else:
        ui.chart(section.figure, key=key)


def _table(table: Table, key: str) -> None:
    if not table.collapsed:
        show_table(table, key)
        return
    # Drawn when opened (a rerun of the page), not with every view: a page comes up with its figures
    # without building, sending and drawing the tables folded behind them.
    with st.expander(table.collapsed, key=f"{key}_table", on_change="rerun") as folded:
        if folded.open:
            show_table(table, key)


def show_table(table: Table, key: str) -> None:
    """A table with its CSV and Excel downloads."""
    config = {table.columns[col]: st.column_config.Column(alignment="right") for col in table.formats}
    st.dataframe(table.shown(), hide_index=True, width="stretch", height=table.height, column_config=config)
    downloads(table, key)


def downloads(table: Table, key: str) -> None:
    """CSV and Excel buttons; the files are made when clicked, not on every run."""
    f = ui.filters()
    stem = f"{table.name}_{f.region or 'KZ'}_{f.period.key}"
    raw = table.raw()
    c1, c2, _ = st.columns([1, 1, 4])
    c1.download_button(ui.t("common.download_csv"), lambda: tables.to_csv(raw), file_name=f"{stem}.csv",
                       mime="text/csv", key=f"{key}_csv", width="stretch", on_click="ignore")
    c2.download_button(ui.t("common.download_xlsx"), lambda: tables.to_xlsx(raw), file_name=f"{stem}.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       key=f"{key}_xlsx", width="stretch", on_click="ignore")
