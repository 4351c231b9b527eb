"""The pack as an Excel workbook: a sheet per section with the figures behind its chart (typed cells:
numbers, dates, text), the headers frozen, a native Excel chart drawn from those cells, the section's
full table beside them; maps and matrices as tables; a sheet of sources."""

from __future__ import annotations

import io
import re
from datetime import date, datetime

import pandas as pd
import xlsxwriter

from dialogue import charts, i18n
from dialogue.packs.contents import Pack
from dialogue.packs.figures import Chart
from dialogue.packs.pdf import plain
from dialogue.sections import Section

HEADER_ROW = 4          # rows 0-3: title, summary, source; row 4: headers, frozen with everything above
_BAD_SHEET = re.compile(r"[\[\]:*?/\\]")


class _Book:
    def __init__(self, pack: Pack):
        self.pack = pack
        self.out = io.BytesIO()
        self.wb = xlsxwriter.Workbook(self.out, {"in_memory": True, "nan_inf_to_errors": True,
                                                 "default_date_format": "yyyy-mm-dd"})
        self.wb.set_properties({"title": f"{pack.title} · {pack.scope} · {pack.period}",
                                "author": pack.t("common.app_title"), "company": pack.t("common.app_title")})
        f = self.wb.add_format
        self.title = f({"bold": True, "font_size": 14, "font_color": charts.INK})
        self.summary = f({"font_size": 10, "font_color": charts.INK})
        self.muted = f({"font_size": 9, "font_color": charts.MUTED})
        self.header = f({"bold": True, "bg_color": "#EEF3F5", "bottom": 1, "bottom_color": charts.GRID,
                         "text_wrap": True, "valign": "top"})
        self.date = f({"num_format": "yyyy-mm-dd"})
        self.month = f({"num_format": "mmm yyyy"})
        self._numbers: dict[int, object] = {}
        self._fills: dict[str, object] = {}
        self.names: set[str] = set()
        self.sources: list[tuple[str, str, str | None, date | None]] = []

    def number(self, decimals: int):
        if decimals not in self._numbers:
            self._numbers[decimals] = self.wb.add_format(
                {"num_format": "#,##0" + ("." + "0" * decimals if decimals else "")})
        return self._numbers[decimals]

    def fill(self, colour: str):
        if colour not in self._fills:
            self._fills[colour] = self.wb.add_format({"bg_color": colour, "align": "center", "border": 1,
                                                      "border_color": "#FFFFFF"})
        return self._fills[colour]

    def sheet_name(self, title: str) -> str:
        base = _BAD_SHEET.sub(" ", title).strip()[:28] or "Sheet"
        name, n = base, 2
        while name.lower() in self.names:
            name = f"{base[:26]} {n}"
            n += 1
        self.names.add(name.lower())
        return name

    def cell(self, ws, row: int, col: int, value, decimals: int = 1) -> None:
        """One typed cell: numbers as numbers, dates as dates, the rest as text; blanks stay blank."""
        if value is None or (isinstance(value, float) and value != value) or value is pd.NaT:
            ws.write_blank(row, col, None)
        elif isinstance(value, bool):
            ws.write_boolean(row, col, value)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            ws.write_number(row, col, float(value), self.number(0 if float(value).is_integer() and decimals == 0
                                                                  else decimals))
        elif isinstance(value, pd.Timestamp | datetime | date):
            stamp = pd.Timestamp(value)
            ws.write_datetime(row, col, stamp.to_pydatetime().replace(tzinfo=None), self.date)
        else:
            ws.write_string(row, col, plain(str(value)))


def write(pack: Pack) -> bytes:
    """The pack as XLSX bytes."""
    book = _Book(pack)
    _section_sheet(book, pack.summary, pack.t("packs.chapter_summary"), notes_as_rows=True)
    for chapter in pack.chapters:
        for section in chapter.sections:
            chart = pack.chart(section)
            _section_sheet(book, section, section.title or (chart.title if chart else "") or chapter.title)
    _sources_sheet(book)
    book.wb.close()
    return book.out.getvalue()


def _head(book: _Book, ws, section: Section, title: str) -> None:
    lang = book.pack.lang
    ws.write_string(0, 0, title, book.title)
    ws.write_string(1, 0, plain(section.summary or section.subtitle or ""), book.summary)
    parts = [book.pack.t("packs.source_line", source=section.source) if section.source else None,
             book.pack.t("packs.as_of_line", date=i18n.fmt_date(section.as_of, lang)) if section.as_of else None,
             book.pack.t("common.demo_badge") if book.pack.is_demo else None]
    ws.write_string(2, 0, " · ".join(p for p in parts if p), book.muted)


def _section_sheet(book: _Book, section: Section, title: str, notes_as_rows: bool = False) -> None:
    name = book.sheet_name(title)
    ws = book.wb.add_worksheet(name)
    book.sources.append((name, title, section.source, section.as_of))
    _head(book, ws, section, title)
    ws.freeze_panes(HEADER_ROW + 1, 0)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)  # printed: one page wide
    ws.repeat_rows(HEADER_ROW)
    chart = book.pack.chart(section)
    col = 0
    if chart is not None and chart.native:
        col = _chart_block(book, ws, chart, name)
    elif chart is not None and chart.kind == "heatmap":
        col = _matrix_block(book, ws, chart)
    elif chart is not None and chart.kind == "map":
        col = _map_block(book, ws, chart, name)
    elif section.metrics:
        col = _metrics_block(book, ws, section)
    if notes_as_rows and section.notes:
        col = _notes_block(book, ws, section, col)
    if section.table is not None:
        _table_block(book, ws, section, col + (1 if col else 0))


def _chart_block(book: _Book, ws, chart: Chart, sheet: str) -> int:
    """The chart's data (categories down, one column per series) and a native chart drawn from it."""
    first = HEADER_ROW + 1
    n = len(chart.categories)
    ws.write_string(HEADER_ROW, 0, chart.value_title or chart.title or "", book.header)
    for i, label in enumerate(chart.dates or chart.categories):
        if chart.dates:
            ws.write_datetime(first + i, 0, datetime(label.year, label.month, 1), book.month)
        else:
            ws.write_string(first + i, 0, str(label))
    series = list(chart.series)
    for j, s in enumerate(series, start=1):
        ws.write_string(HEADER_ROW, j, s.name, book.header)
        for i, value in enumerate(s.values):
            book.cell(ws, first + i, j, value, chart.decimals)
    columns = len(series) + 1
    if chart.marks is not None:   # the reference marks beside the bars' figures
        ws.write_string(HEADER_ROW, columns, chart.marks.name, book.header)
        for i, value in enumerate(chart.marks.values):
            book.cell(ws, first + i, columns, value, 0)
        columns += 1
    if chart.target is not None and chart.kind == "line":
        ws.write_string(HEADER_ROW, columns, chart.target[1] or "—", book.header)
        for i in range(n):
            ws.write_number(first + i, columns, chart.target[0], book.number(0))
        columns += 1
    ws.set_column(0, 0, 28)
    ws.set_column(1, columns - 1, 14)
    kind = "line" if chart.kind == "line" else ("bar" if chart.horizontal else "column")
    options = {"type": kind}
    if chart.kind == "bar" and chart.stacked:
        options["subtype"] = "percent_stacked" if chart.percent else "stacked"
    xl = book.wb.add_chart(options)
    categories = [sheet, first, 0, first + n - 1, 0]
    for j, s in enumerate(series, start=1):
        spec = {"name": [sheet, HEADER_ROW, j], "categories": categories, "values": [sheet, first, j, first + n - 1, j]}
        if chart.kind == "line":
            spec["line"] = {"color": s.colour, "width": 2.25 if j == 1 else 1.5}
            spec["marker"] = {"type": "circle", "size": 3, "fill": {"color": s.colour}, "border": {"color": s.colour}}
            if s.markers_only:
                spec["line"] = {"none": True}
        else:
            spec["fill"] = {"color": s.colour}
            spec["border"] = {"none": True}
            if s.point_colours:
                spec["points"] = [{"fill": {"color": c}} for c in s.point_colours]
            if not chart.stacked and n <= 30:
                spec["data_labels"] = {"value": True, "num_format": "#,##0" + ("." + "0" * chart.decimals
                                                                               if chart.decimals else "")}
        if chart.kind == "bar" and not chart.stacked:
            spec["gap"] = 60
        if chart.stacked:
            spec["overlap"] = 100
        xl.add_series(spec)
    if chart.marks is not None:
        marks = book.wb.add_chart({"type": "line"})
        column = len(series) + 1
        marks.add_series({"name": [sheet, HEADER_ROW, column], "categories": categories,
                          "values": [sheet, first, column, first + n - 1, column], "line": {"none": True},
                          "marker": {"type": "long_dash", "size": 14, "border": {"color": chart.marks.colour, "width": 2.5},
                                     "fill": {"color": chart.marks.colour}}})
        xl.combine(marks)
    if chart.target is not None and chart.kind == "line":
        xl.add_series({"name": [sheet, HEADER_ROW, columns - 1], "categories": categories,
                       "values": [sheet, first, columns - 1, first + n - 1, columns - 1],
                       "line": {"color": charts.MUTED, "dash_type": "dash", "width": 1.25}, "marker": {"type": "none"}})
    xl.set_title({"name": chart.title or None, "name_font": {"size": 12}} if chart.title else {"none": True})
    xl.set_legend({"position": "top"} if len(series) > 1 or chart.target or chart.marks else {"none": True})
    value_axis = {"name": chart.value_title or None, "major_gridlines": {"visible": True, "line": {"color": charts.GRID}},
                  "min": 0}
    category_axis = {"reverse": True} if chart.horizontal else {}
    if chart.dates:
        category_axis.update({"num_format": "mmm yyyy", "date_axis": False})
    if chart.horizontal:
        xl.set_y_axis({**category_axis})
        xl.set_x_axis(value_axis)
    else:
        xl.set_x_axis(category_axis)
        xl.set_y_axis(value_axis)
    height = max(320, 22 * n + 120) if chart.horizontal else 360
    xl.set_size({"width": 760, "height": min(height, 900)})
    ws.insert_chart(HEADER_ROW + 1, columns + 1, xl)
    # The section's table goes to the right of the chart (about 12 columns wide).
    return columns + 13


def _matrix_block(book: _Book, ws, chart: Chart) -> int:
    ws.write_string(3, 0, book.pack.t("packs.matrix_as_table"), book.muted)
    ws.write_string(HEADER_ROW, 0, "", book.header)
    for c, name in enumerate(chart.columns, start=1):
        ws.write_string(HEADER_ROW, c, name, book.header)
    for r, row in enumerate(chart.rows):
        ws.write_string(HEADER_ROW + 1 + r, 0, row)
        for c, text in enumerate(chart.cells[r], start=1):
            value = _parse(text, book.pack.lang)
            fmt = book.fill(chart.fills[r][c - 1])
            if value is None:
                ws.write_string(HEADER_ROW + 1 + r, c, text, fmt)
            else:
                ws.write_number(HEADER_ROW + 1 + r, c, value, fmt)
    ws.set_column(0, 0, 30)
    ws.set_column(1, len(chart.columns), 12)
    ws.set_row(HEADER_ROW, 45)
    return len(chart.columns) + 1


def _parse(text: str, lang: str) -> float | None:
    """A number as the screen wrote it in the language ('1 234,5' → 1234.5); None if it is not one."""
    decimal, group = i18n.number_symbols(lang)
    cleaned = text.replace(group, "").replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace(decimal, ".")
    try:
        return float(cleaned)
    except ValueError:
        return None


def _map_block(book: _Book, ws, chart: Chart, sheet: str) -> int:
    """A map's figures as a table, sorted, with a bar chart of them (a map cannot be an Excel chart)."""
    ws.write_string(3, 0, book.pack.t("packs.map_as_table"), book.muted)
    ws.write_string(HEADER_ROW, 0, book.pack.t("packs.col_area"), book.header)
    ws.write_string(HEADER_ROW, 1, "KATO / ISO", book.header)
    ws.write_string(HEADER_ROW, 2, chart.value_title or book.pack.t("packs.col_value"), book.header)
    rows = sorted(zip(chart.labels, chart.codes, chart.values), key=lambda r: (r[2] is None, -(r[2] or 0)))
    for i, (label, code, value) in enumerate(rows, start=HEADER_ROW + 1):
        ws.write_string(i, 0, label)
        ws.write_string(i, 1, code)
        book.cell(ws, i, 2, value, 1)
    ws.set_column(0, 0, 30)
    ws.set_column(1, 2, 14)
    count = sum(r[2] is not None for r in rows)
    if count:
        bars = book.wb.add_chart({"type": "bar"})
        first = HEADER_ROW + 1
        bars.add_series({"name": [sheet, HEADER_ROW, 2], "categories": [sheet, first, 0, first + count - 1, 0],
                         "values": [sheet, first, 2, first + count - 1, 2], "fill": {"color": charts.PRIMARY},
                         "gap": 60, "data_labels": {"value": True, "num_format": "#,##0.0"}})
        bars.set_title({"name": chart.title} if chart.title else {"none": True})
        bars.set_legend({"none": True})
        bars.set_y_axis({"reverse": True})
        bars.set_x_axis({"min": 0, "major_gridlines": {"visible": True, "line": {"color": charts.GRID}}})
        bars.set_size({"width": 640, "height": max(320, 22 * count + 100)})
        ws.insert_chart(HEADER_ROW + 1, 4, bars)
        return 14
    return 3


def _metrics_block(book: _Book, ws, section: Section) -> int:
    headers = (book.pack.t("packs.col_kpi"), book.pack.t("packs.col_value"), book.pack.t("packs.col_change"), "")
    for c, h in enumerate(headers):
        ws.write_string(HEADER_ROW, c, h, book.header)
    for i, card in enumerate(section.metrics, start=HEADER_ROW + 1):
        ws.write_string(i, 0, card.label)
        ws.write_string(i, 1, card.value)
        ws.write_string(i, 2, card.delta or "")
        ws.write_string(i, 3, plain(card.note or ""))
    ws.set_column(0, 0, 34)
    ws.set_column(1, 2, 16)
    ws.set_column(3, 3, 60)
    return 4


def _notes_block(book: _Book, ws, section: Section, col: int) -> int:
    ws.write_string(HEADER_ROW, col, section.title or "", book.header)
    for i, sentence in enumerate(section.notes, start=HEADER_ROW + 1):
        ws.write_string(i, col, plain(sentence))
    ws.set_column(col, col, 90)
    return col + 1


def _table_block(book: _Book, ws, section: Section, col: int) -> None:
    """The section's table: raw typed values under the translated headers."""
    raw = section.table.raw()
    numeric = set(section.table.formats)
    for c, (key, header) in enumerate(section.table.columns.items()):
        ws.write_string(HEADER_ROW, col + c, plain(str(header)), book.header)
        decimals = 1 if key in numeric else 0
        for r, value in enumerate(raw.iloc[:, c].tolist(), start=HEADER_ROW + 1):
            book.cell(ws, r, col + c, value.item() if hasattr(value, "item") else value, decimals)
        ws.set_column(col + c, col + c, 30 if c == 0 else 15)


def _sources_sheet(book: _Book) -> None:
    pack = book.pack
    ws = book.wb.add_worksheet(book.sheet_name(pack.t("packs.sources_sheet")))
    ws.write_string(0, 0, f"{pack.title} · {pack.scope} · {pack.period}", book.title)
    ws.write_string(1, 0, pack.t("packs.prepared", date=i18n.fmt_date(pack.built_on, pack.lang)), book.summary)
    ws.write_string(2, 0, pack.t("packs.demo") if pack.is_demo else "", book.muted)
    headers = (pack.t("packs.col_sheet"), pack.t("packs.col_section"), pack.t("packs.col_source"),
               pack.t("packs.col_as_of"))
    for c, h in enumerate(headers):
        ws.write_string(HEADER_ROW, c, h, book.header)
    for r, (sheet, title, source, as_of) in enumerate(book.sources, start=HEADER_ROW + 1):
        ws.write_url(r, 0, f"internal:'{sheet}'!A1", string=sheet)
        ws.write_string(r, 1, title)
        ws.write_string(r, 2, source or "")
        book.cell(ws, r, 3, as_of)
    ws.freeze_panes(HEADER_ROW + 1, 0)
    ws.set_column(0, 1, 36)
    ws.set_column(2, 2, 80)
    ws.set_column(3, 3, 12)
