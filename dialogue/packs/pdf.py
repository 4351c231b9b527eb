"""The pack as a PDF to read: a title page with the contents, the summary of what changed, then a chapter
per topic; each figure drawn as vector graphics with its source and as-of date under it; page numbers.

Drawn with fpdf2 and the DejaVu Sans shipped in static/fonts (Kazakh letters included), so the text is
real text (searchable, extractable) and nothing depends on a browser, the network or system fonts.
"""

from __future__ import annotations

import math
import re

from fpdf import FPDF

from dialogue import charts, i18n
from dialogue.db import ROOT
from dialogue.packs.contents import Pack
from dialogue.packs.figures import Chart, map_shapes
from dialogue.sections import Metric, Section

FONTS = ROOT / "static" / "fonts"
FONT = "DejaVu"
PAGE_W, MARGIN = 210.0, 16.0
BODY_W = PAGE_W - 2 * MARGIN
BOTTOM = 297.0 - 18.0
_COLOUR_TAG = re.compile(r":[a-z]+(?:-badge)?\[([^\]]*)\]")


def plain(markdown: str | None) -> str:
    """Screen markdown as plain text: ':red[●] x' → '● x', '**x**' → 'x'."""
    if not markdown:
        return ""
    text = _COLOUR_TAG.sub(r"\1", markdown).replace("**", "").replace("  \n", "\n")
    return text.replace("\u202f", " ")


def rgb(colour: str) -> tuple[int, int, int]:
    colour = (colour or "#000000").lstrip("#")[:6]
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


def nice_max(top: float, ticks: int = 5) -> tuple[float, float]:
    """A round axis end and step above `top`."""
    if not top or top <= 0 or math.isnan(top):
        return 1.0, 0.25
    raw = top / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return step * math.ceil(top / step - 1e-9), step


class _Document(FPDF):
    def __init__(self, pack: Pack):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.pack = pack
        self.add_font(FONT, "", str(FONTS / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        self.set_margins(MARGIN, 18, MARGIN)
        self.set_auto_page_break(True, margin=18)
        self.set_title(f"{pack.title} · {pack.scope} · {pack.period}")
        self.set_author(pack.t("common.app_title"))
        self.set_creator(pack.t("common.app_title"))
        self.set_lang(pack.lang)

    def header(self):
        if self.page_no() == 1:
            return
        self.set_font(FONT, "", 7.5)
        self.set_text_color(*rgb(charts.MUTED))
        self.set_xy(MARGIN, 8)
        self.cell(BODY_W * 0.7, 4, f"{self.pack.title} · {self.pack.scope} · {self.pack.period}")
        if self.pack.is_demo:
            self.set_text_color(*rgb("#B35C00"))
            self.cell(BODY_W * 0.3, 4, self.pack.t("common.demo_badge"), align="R")
        self.set_draw_color(*rgb(charts.GRID))
        self.line(MARGIN, 13, PAGE_W - MARGIN, 13)
        self.set_xy(MARGIN, 18)

    def footer(self):
        self.set_y(-12)
        self.set_font(FONT, "", 7.5)
        self.set_text_color(*rgb(charts.MUTED))
        self.cell(0, 4, self.pack.t("packs.page_of", page=self.page_no(), pages="{nb}"), align="C")

    # ---- text helpers ----------------------------------------------------------------------------

    def para(self, text: str, size: float = 9.5, colour: str = charts.INK, bold: bool = False, gap: float = 1.5,
             height: float | None = None) -> None:
        if not text:
            return
        self.set_font(FONT, "B" if bold else "", size)
        self.set_text_color(*rgb(colour))
        self.set_x(MARGIN)
        self.multi_cell(BODY_W, height or size * 0.48, text, new_x="LMARGIN", new_y="NEXT", align="L")
        self.ln(gap)

    def room(self, height: float) -> None:
        """Start a new page unless `height` mm still fit on this one."""
        if self.get_y() + height > BOTTOM:
            self.add_page()


def write(pack: Pack) -> bytes:
    """The pack as PDF bytes."""
    doc = _Document(pack)
    doc.add_page()
    _title_page(doc, pack)  # ends with the contents placeholder, which turns the page
    doc.start_section(pack.summary.title or pack.t("packs.chapter_summary"))
    _summary_page(doc, pack.summary)
    for chapter in pack.chapters:
        doc.add_page()
        doc.start_section(chapter.title)
        _chapter_heading(doc, chapter.title)
        if not chapter.sections:
            doc.para(pack.t("packs.chapter_empty"), colour=charts.MUTED)
        for section in chapter.sections:
            _section(doc, section)
    return bytes(doc.output())


def _title_page(doc: _Document, pack: Pack) -> None:
    doc.set_fill_color(*rgb(charts.PRIMARY))
    doc.rect(0, 0, PAGE_W, 92, style="F")
    doc.set_text_color(255, 255, 255)
    doc.set_xy(MARGIN, 22)
    doc.set_font(FONT, "", 11)
    doc.cell(BODY_W, 6, pack.t("common.app_title"), new_x="LMARGIN", new_y="NEXT", align="L")
    doc.set_font(FONT, "B", 26)
    doc.set_xy(MARGIN, 34)
    doc.multi_cell(BODY_W, 11, pack.title, new_x="LMARGIN", new_y="NEXT", align="L")
    doc.set_font(FONT, "", 12)
    doc.multi_cell(BODY_W, 6, pack.t("packs.pack_subtitle"), new_x="LMARGIN", new_y="NEXT", align="L")
    doc.set_xy(MARGIN, 104)
    doc.set_text_color(*rgb(charts.INK))
    doc.set_font(FONT, "B", 20)
    doc.multi_cell(BODY_W, 9, pack.scope, new_x="LMARGIN", new_y="NEXT", align="L")
    doc.set_font(FONT, "", 14)
    doc.cell(BODY_W, 8, pack.period, new_x="LMARGIN", new_y="NEXT", align="L")
    doc.ln(4)
    lang = pack.lang
    doc.para(pack.t("packs.figures_as_of", date=i18n.fmt_date(pack.as_of, lang),
                    period=pack.ctx.period.previous().label(lang)), size=10, colour=charts.MUTED, gap=0.5)
    doc.para(pack.t("packs.prepared", date=i18n.fmt_date(pack.built_on, lang)), size=10, colour=charts.MUTED)
    if pack.is_demo:
        doc.ln(2)
        doc.set_fill_color(*rgb("#FFF1DC"))
        doc.set_text_color(*rgb("#8A4B00"))
        doc.set_font(FONT, "", 9.5)
        doc.multi_cell(BODY_W, 5.5, pack.t("packs.demo"), fill=True, padding=2.5, new_x="LMARGIN", new_y="NEXT", align="L")
    doc.set_y(max(doc.get_y() + 10, 170))
    doc.insert_toc_placeholder(_contents, pages=1, allow_extra_pages=True)


def _contents(doc: _Document, outline) -> None:
    doc.set_x(MARGIN)
    doc.set_font(FONT, "B", 12)
    doc.set_text_color(*rgb(charts.INK))
    doc.cell(BODY_W, 8, doc.pack.t("packs.contents"), new_x="LMARGIN", new_y="NEXT", align="L")
    doc.set_draw_color(*rgb(charts.GRID))
    for entry in outline:
        doc.set_font(FONT, "", 10.5)
        y = doc.get_y()
        doc.line(MARGIN, y, PAGE_W - MARGIN, y)
        doc.cell(BODY_W - 20, 7.5, entry.name, link=doc.add_link(page=entry.page_number))
        doc.cell(20, 7.5, str(entry.page_number), align="R", new_x="LMARGIN", new_y="NEXT")


def _chapter_heading(doc: _Document, title: str) -> None:
    doc.set_fill_color(*rgb(charts.PRIMARY))
    doc.rect(MARGIN, doc.get_y() + 1, 3, 9, style="F")
    doc.set_x(MARGIN + 6)
    doc.set_font(FONT, "B", 18 if len(title) < 40 else 15)
    doc.set_text_color(*rgb(charts.INK))
    doc.multi_cell(BODY_W - 6, 9, title, new_x="LMARGIN", new_y="NEXT", align="L")
    doc.ln(3)


def _summary_page(doc: _Document, section: Section) -> None:
    _chapter_heading(doc, section.title or "")
    doc.para(section.subtitle, size=10, colour=charts.MUTED, gap=3)
    if section.is_empty:
        doc.para(doc.pack.t(section.empty), colour=charts.MUTED)
        return
    doc.set_font(FONT, "", 10.5)
    for sentence in section.notes:
        doc.set_text_color(*rgb(charts.PRIMARY))
        doc.set_x(MARGIN)
        doc.cell(5, 5.6, "•")
        doc.set_text_color(*rgb(charts.INK))
        doc.multi_cell(BODY_W - 5, 5.6, plain(sentence), new_x="LMARGIN", new_y="NEXT", align="L")
        doc.ln(0.8)
    doc.ln(4)
    if section.table is not None:
        _table(doc, section)
    _footer_line(doc, section)


def _table(doc: _Document, section: Section, limit: int = 30) -> None:
    shown = section.table.shown().head(limit)
    numeric = set(section.table.formats)
    keys = list(section.table.columns)
    widths = [3.0 if k in ("kpi", "label") else (2.6 if k == "status" else 1.1) for k in keys]
    doc.set_font(FONT, "", 7.8)
    doc.set_draw_color(*rgb(charts.GRID))
    doc.set_fill_color(255, 255, 255)
    doc.set_text_color(*rgb(charts.INK))
    with doc.table(col_widths=widths, text_align=["RIGHT" if k in numeric else "LEFT" for k in keys],
                   line_height=4.6, headings_style=_heading_style(), borders_layout="HORIZONTAL_LINES",
                   width=BODY_W, first_row_as_headings=True, cell_fill_mode="NONE") as table:
        table.row([str(c) for c in shown.columns])
        for values in shown.itertuples(index=False):
            table.row(["" if v is None else plain(str(v)) for v in values])
    doc.ln(1.5)


def _heading_style():
    from fpdf.fonts import FontFace

    return FontFace(family=FONT, emphasis="BOLD", color=rgb(charts.INK), fill_color=rgb("#EEF3F5"))


def _footer_line(doc: _Document, section: Section) -> None:
    lang = doc.pack.lang
    parts = [doc.pack.t("packs.source_line", source=section.source) if section.source else None,
             doc.pack.t("packs.as_of_line", date=i18n.fmt_date(section.as_of, lang)) if section.as_of else None]
    text = " · ".join(p for p in parts if p)
    if text:
        doc.para(text, size=7.3, colour=charts.MUTED, gap=5)
    else:
        doc.ln(4)


def _section(doc: _Document, section: Section) -> None:
    chart = doc.pack.chart(section)
    chart_h = chart_height(doc, chart) if chart else 0
    lead = 14 + (12 if section.summary else 0) + (26 if section.metrics else 0)
    doc.room(lead + min(chart_h, 120))
    title = section.title or (chart.title if chart else "")
    doc.para(title, size=12, bold=True, gap=0.8)
    doc.para(plain(section.subtitle), size=8.5, colour=charts.MUTED, gap=1)
    doc.para(plain(section.summary), size=9.5, gap=2)
    if section.metrics:
        _metrics(doc, section.metrics)
    if chart:
        doc.room(chart_h + 8)
        top = doc.get_y()
        draw_chart(doc, chart, MARGIN, top, BODY_W)
        doc.set_y(top + chart_h + 1.5)
    elif section.table is not None:
        _table(doc, section)
    for note in section.notes:
        _rich(doc, note, size=7.5)
    _footer_line(doc, section)


TAG_COLOURS = {"green": charts.RAG_COLOURS["green"], "orange": charts.RAG_COLOURS["amber"],
               "red": charts.RAG_COLOURS["red"], "gray": charts.RAG_COLOURS[None], "blue": charts.PRIMARY}


def _rich(doc: _Document, markdown: str, size: float) -> None:
    """A caption with its colour marks kept (':green[■] target met'), in muted type."""
    doc.set_font(FONT, "", size)
    doc.set_x(MARGIN)
    position = 0
    for match in re.finditer(r":([a-z]+)\[([^\]]*)\]", markdown):
        doc.set_text_color(*rgb(charts.MUTED))
        doc.write(size * 0.45, plain(markdown[position:match.start()]))
        doc.set_text_color(*rgb(TAG_COLOURS.get(match.group(1), charts.MUTED)))
        doc.write(size * 0.45, match.group(2))
        position = match.end()
    doc.set_text_color(*rgb(charts.MUTED))
    doc.write(size * 0.45, plain(markdown[position:]))
    doc.ln(size * 0.45 + 0.6)


def _metrics(doc: _Document, metrics: tuple[Metric, ...]) -> None:
    per_row = 3
    w, h, gap = (BODY_W - (per_row - 1) * 3) / per_row, 22.0, 3.0
    for start in range(0, len(metrics), per_row):
        doc.room(h + 3)
        y = doc.get_y()
        for i, card in enumerate(metrics[start:start + per_row]):
            x = MARGIN + i * (w + gap)
            doc.set_draw_color(*rgb(charts.GRID))
            doc.set_fill_color(*rgb("#F7F9FA"))
            doc.rect(x, y, w, h, style="DF")
            doc.set_xy(x + 2.5, y + 2)
            doc.set_font(FONT, "", 7.3)
            doc.set_text_color(*rgb(charts.MUTED))
            doc.cell(w - 5, 3.6, _fit(doc, card.label, w - 5))
            doc.set_xy(x + 2.5, y + 6.5)
            doc.set_font(FONT, "B", 13)
            doc.set_text_color(*rgb(charts.INK))
            doc.cell(w - 5, 6, card.value)
            if card.delta:
                colour = {True: charts.RAG_COLOURS["green"], False: charts.RAG_COLOURS["red"]}.get(card.good, charts.MUTED)
                doc.set_xy(x + 2.5, y + 13)
                doc.set_font(FONT, "", 8)
                doc.set_text_color(*rgb(colour))
                doc.cell(w - 5, 4, f"{card.delta}  {card.delta_note or ''}".strip())
            if card.note:
                doc.set_xy(x + 2.5, y + 17.3)
                doc.set_font(FONT, "", 6.3)
                doc.set_text_color(*rgb(charts.MUTED))
                doc.cell(w - 5, 3.4, _fit(doc, plain(card.note), w - 5))
        doc.set_y(y + h + gap)
    doc.ln(1)


# ---- charts as vector drawings ---------------------------------------------------------------

LEGEND_H = 6.0


MAX_CHART_H = 225.0  # mm: a chart never runs off its page


def _legend_items(chart: Chart) -> list:
    return [*chart.series, *([chart.marks] if chart.marks is not None else [])]


def _legend_height(chart: Chart) -> float:
    items = _legend_items(chart)
    return LEGEND_H * math.ceil(len(items) / 4) if len(items) > 1 and chart.kind != "map" else 0


def _band(chart: Chart) -> float:
    """The height (mm) of one category's bars in a horizontal bar chart, shrunk to fit a page."""
    grouped = len(chart.series) > 1 and not chart.stacked
    band = 3.2 * len(chart.series) + 1.6 if grouped else 5.4
    room = (MAX_CHART_H - _legend_height(chart) - 9) / max(len(chart.categories), 1)
    return min(band, room)


def chart_height(doc: _Document, chart: Chart) -> float:
    """The height (mm) a chart takes on the page at full body width."""
    legend = _legend_height(chart)
    if chart.kind == "bar" and chart.horizontal:
        return legend + len(chart.categories) * _band(chart) + 9
    if chart.kind in ("bar", "line"):
        return legend + 68
    if chart.kind == "heatmap":
        return 16 + 5.2 * len(chart.rows)
    if chart.kind == "map":
        return BODY_W * 0.46
    return 0


def draw_chart(doc: _Document, chart: Chart, x: float, y: float, w: float) -> None:
    {"bar": _bars, "line": _lines, "heatmap": _heatmap, "map": _map}[chart.kind](doc, chart, x, y, w)


def _legend(doc: _Document, chart: Chart, x: float, y: float, w: float) -> float:
    items = _legend_items(chart)
    if len(items) < 2:
        return y
    doc.set_font(FONT, "", 7)
    col = w / 4
    for i, s in enumerate(items):
        lx, ly = x + (i % 4) * col, y + (i // 4) * LEGEND_H
        doc.set_fill_color(*rgb(s.colour))
        if s.markers_only and not s.line:   # a bar chart's reference mark
            doc.set_draw_color(*rgb(s.colour))
            doc.set_line_width(0.9)
            doc.line(lx, ly + 2, lx + 5, ly + 2)
            doc.set_line_width(0.2)
        elif s.line:
            doc.set_draw_color(*rgb(s.colour))
            doc.set_line_width(0.8)
            doc.line(lx, ly + 2, lx + 5, ly + 2)
            doc.set_line_width(0.2)
        else:
            doc.rect(lx, ly + 0.6, 3.2, 3.2, style="F")
        doc.set_text_color(*rgb(charts.INK))
        doc.set_xy(lx + 6, ly)
        doc.cell(col - 7, 4, _fit(doc, s.name, col - 8))
    return y + LEGEND_H * math.ceil(len(items) / 4)


def _value_ticks(doc: _Document, top: float, percent: bool) -> tuple[float, float]:
    if percent:
        return 100.0, 25.0
    return nice_max(top)


def _fmt(doc: _Document, value: float, decimals: int) -> str:
    return i18n.fmt_number(value, doc.pack.lang, decimals)


def _bars(doc: _Document, chart: Chart, x: float, y: float, w: float) -> None:
    y = _legend(doc, chart, x, y, w)
    k = len(chart.series)
    stacked = chart.stacked
    totals = [sum(s.values[i] or 0 for s in chart.series) for i in range(len(chart.categories))]
    top = max(totals) if stacked else max((v or 0) for s in chart.series for v in s.values)
    if chart.marks is not None:
        top = max([top, *(v for v in chart.marks.values if v is not None)])
    end, step = _value_ticks(doc, top * (1.0 if stacked else 1.12), chart.percent)
    suffix = "%" if chart.percent else ""
    doc.set_line_width(0.15)
    if chart.horizontal:
        doc.set_font(FONT, "", 7)
        label_w = min(max(doc.get_string_width(c) for c in chart.categories) + 2, w * 0.34)
        grouped = k > 1 and not stacked
        band = _band(chart)
        gap = min(1.6, band * 0.25)
        px, pw = x + label_w, w - label_w - 4
        ph = band * len(chart.categories)
        _grid_vertical(doc, px, y, pw, ph, end, step, suffix)
        for i, cat in enumerate(chart.categories):
            by = y + i * band
            doc.set_text_color(*rgb(charts.INK))
            doc.set_font(FONT, "", 7)
            doc.set_xy(x, by + band / 2 - 2)
            doc.cell(label_w - 1.5, 4, _fit(doc, cat, label_w - 2), align="R")
            left = 0.0
            for j, s in enumerate(chart.series):
                value = s.values[i] or 0.0
                colour = s.point_colours[i] if s.point_colours else s.colour
                doc.set_fill_color(*rgb(colour))
                length = pw * value / end
                if stacked:
                    doc.rect(px + pw * left / end, by + gap / 2, length, band - gap, style="F")
                    if chart.percent and value >= 7:
                        doc.set_font(FONT, "", 5.8)
                        doc.set_text_color(255, 255, 255)
                        doc.set_xy(px + pw * left / end, by + band / 2 - 1.5)
                        doc.cell(length, 3, _fmt(doc, value, 0) + "%", align="C")
                    left += value
                else:
                    bh = (band - gap) / k
                    top_y = by + gap / 2 + j * bh
                    doc.rect(px, top_y, length, bh, style="F")
                    if s.values[i] is not None:
                        doc.set_font(FONT, "", 5.8 if grouped else 6.5)
                        doc.set_text_color(*rgb(charts.INK))
                        doc.set_xy(px + length + 0.6, top_y + bh / 2 - 1.5)
                        doc.cell(14, 3, _fmt(doc, value, chart.decimals))
        _axis_title(doc, chart.value_title, px, y + ph + 4.5, pw)
        return
    ph = 54.0
    y += 4 if chart.value_title else 0
    doc.set_font(FONT, "", 7)
    tick_w = max(doc.get_string_width(_fmt(doc, end, 0) + suffix), 4) + 2
    px, pw = x + tick_w, w - tick_w
    _grid_horizontal(doc, px, y, pw, ph, end, step, suffix, chart.value_title)
    n = len(chart.categories)
    band = pw / max(n, 1)
    grouped = k > 1 and not stacked
    for i, cat in enumerate(chart.categories):
        bx = px + i * band
        bottom = 0.0
        for j, s in enumerate(chart.series):
            value = s.values[i] or 0.0
            colour = s.point_colours[i] if s.point_colours else s.colour
            doc.set_fill_color(*rgb(colour))
            height = ph * value / end
            if stacked:
                doc.rect(bx + band * 0.18, y + ph - ph * (bottom + value) / end, band * 0.64, height, style="F")
                bottom += value
            else:
                bw = band * 0.7 / (k if grouped else 1)
                left = bx + band * 0.15 + j * bw
                doc.rect(left, y + ph - height, bw, height, style="F")
                if s.values[i] is not None and n <= 24:
                    doc.set_font(FONT, "", 5.8)
                    doc.set_text_color(*rgb(charts.INK))
                    doc.set_xy(left - 3, y + ph - height - 3.4)
                    doc.cell(bw + 6, 3, _fmt(doc, value, chart.decimals), align="C")
        mark = chart.marks.values[i] if chart.marks is not None else None
        if mark is not None:
            my = y + ph - ph * mark / end
            doc.set_draw_color(*rgb(chart.marks.colour))
            doc.set_line_width(0.9)
            doc.line(bx + band * 0.08, my, bx + band * 0.92, my)
            doc.set_line_width(0.15)
        doc.set_font(FONT, "", 6.3)
        doc.set_text_color(*rgb(charts.INK))
        doc.set_xy(bx, y + ph + 1)
        doc.multi_cell(band, 2.9, cat, align="C", max_line_height=2.9)


def _fit(doc: _Document, text: str, width: float) -> str:
    """The text on one line of `width` (cut with an ellipsis); a line break in it becomes a space, since a
    one-line cell would print it as a missing glyph."""
    text = " ".join(text.split())
    if doc.get_string_width(text) <= width:
        return text
    while text and doc.get_string_width(text + "…") > width:
        text = text[:-1]
    return text + "…"


def _axis_title(doc: _Document, text: str, x: float, y: float, w: float) -> None:
    if text:
        doc.set_font(FONT, "", 6.8)
        doc.set_text_color(*rgb(charts.MUTED))
        doc.set_xy(x, y)
        doc.cell(w, 3, text, align="C")


def _grid_vertical(doc, px, y, pw, ph, end, step, suffix) -> None:
    doc.set_draw_color(*rgb(charts.GRID))
    doc.set_font(FONT, "", 6.3)
    doc.set_text_color(*rgb(charts.MUTED))
    value = 0.0
    while value <= end + 1e-9:
        gx = px + pw * value / end
        doc.line(gx, y, gx, y + ph)
        doc.set_xy(gx - 8, y + ph + 0.6)
        doc.cell(16, 3, _fmt(doc, value, 0 if step >= 1 else 1) + suffix, align="C")
        value += step


def _grid_horizontal(doc, px, y, pw, ph, end, step, suffix, title) -> None:
    doc.set_draw_color(*rgb(charts.GRID))
    doc.set_font(FONT, "", 6.3)
    doc.set_text_color(*rgb(charts.MUTED))
    value = 0.0
    while value <= end + 1e-9:
        gy = y + ph - ph * value / end
        doc.line(px, gy, px + pw, gy)
        doc.set_xy(px - 16.5, gy - 1.5)
        doc.cell(16, 3, _fmt(doc, value, 0 if step >= 1 else 1) + suffix, align="R")
        value += step
    if title:
        doc.set_font(FONT, "", 6.5)
        doc.set_xy(px, y - 3.6)
        doc.cell(pw, 3, title)


def _lines(doc: _Document, chart: Chart, x: float, y: float, w: float) -> None:
    y = _legend(doc, chart, x, y, w)
    values = [v for s in chart.series for v in s.values if v is not None]
    top = max(values + [chart.target[0] if chart.target else 0]) * 1.08
    end, step = nice_max(top)
    ph = 54.0
    y += 4 if chart.value_title else 0
    doc.set_font(FONT, "", 6.3)
    tick_w = max(doc.get_string_width(_fmt(doc, end, 0)), 4) + 2
    px, pw = x + tick_w, w - tick_w - 2
    _grid_horizontal(doc, px, y, pw, ph, end, step, "", chart.value_title)
    n = len(chart.categories)
    dx = pw / max(n - 1, 1)
    if chart.target is not None:
        ty = y + ph - ph * chart.target[0] / end
        doc.set_draw_color(*rgb(charts.MUTED))
        doc.set_dash_pattern(dash=1.2, gap=1)
        doc.line(px, ty, px + pw, ty)
        doc.set_dash_pattern()
        doc.set_font(FONT, "", 6.3)
        doc.set_text_color(*rgb(charts.MUTED))
        doc.set_xy(px + 1, ty - 3.4)
        doc.cell(pw / 2, 3, chart.target[1])
    for i, s in enumerate(chart.series):
        points = [(px + j * dx, y + ph - ph * v / end) for j, v in enumerate(s.values) if v is not None]
        doc.set_draw_color(*rgb(s.colour))
        doc.set_fill_color(*rgb(s.colour))
        if s.markers_only:
            doc.set_line_width(0.8)
            for mx, my in points:
                doc.line(mx - 3, my, mx + 3, my)
        elif len(points) > 1:
            doc.set_line_width(0.6 if i == 0 else 0.45)
            if s.dash:
                doc.set_dash_pattern(dash=1.2, gap=0.8)
            doc.polyline(points)
            doc.set_dash_pattern()
        for mx, my in points if not s.markers_only and len(points) <= 40 else []:
            doc.circle(mx, my, 0.45, style="F")
    doc.set_line_width(0.2)
    every = max(1, math.ceil(n / 8))
    doc.set_font(FONT, "", 6.3)
    doc.set_text_color(*rgb(charts.INK))
    for j in range(0, n, every):
        doc.set_xy(px + j * dx - 10, y + ph + 1)
        doc.cell(20, 3, chart.categories[j], align="C")


def _heatmap(doc: _Document, chart: Chart, x: float, y: float, w: float) -> None:
    doc.set_font(FONT, "", 6.8)
    label_w = min(max(doc.get_string_width(r) for r in chart.rows) + 3, 50)
    cols = len(chart.columns)
    cw = (w - label_w) / max(cols, 1)
    head = 15.0
    doc.set_text_color(*rgb(charts.INK))
    doc.set_font(FONT, "", 5.9)
    for c, name in enumerate(chart.columns):
        doc.set_xy(x + label_w + c * cw, y)
        doc.multi_cell(cw, 2.7, name, align="C", max_line_height=2.7)
    rh = 5.2
    for r, row in enumerate(chart.rows):
        ry = y + head + r * rh
        doc.set_font(FONT, "", 6.8)
        doc.set_text_color(*rgb(charts.INK))
        doc.set_xy(x, ry)
        doc.cell(label_w - 1, rh, _fit(doc, row, label_w - 2))
        for c in range(cols):
            doc.set_fill_color(*rgb(chart.fills[r][c]))
            doc.rect(x + label_w + c * cw + 0.3, ry + 0.3, cw - 0.6, rh - 0.6, style="F")
            doc.set_xy(x + label_w + c * cw, ry)
            doc.cell(cw, rh, chart.cells[r][c], align="C")


def _map(doc: _Document, chart: Chart, x: float, y: float, w: float) -> None:
    from dialogue.packs.figures import interpolate

    h = w * 0.46
    values = dict(zip(chart.codes, chart.values))
    low, high = chart.value_range or (0.0, 1.0)
    scale = chart.colourscale or [[0, "#E8F1F4"], [1, "#00485A"]]

    shapes, framed = map_shapes(chart, doc.pack.ctx.region)
    shown = [pts for _, pts in framed]
    if not shown:
        return
    xs = [p[0] for pts in shown for p in pts]
    ys = [p[1] for pts in shown for p in pts]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    map_w = w - 30
    scale_k = min(map_w / ((x1 - x0) or 1), h / ((y1 - y0) or 1))
    ox = x + (map_w - (x1 - x0) * scale_k) / 2
    oy = y + (h - (y1 - y0) * scale_k) / 2

    def place(p):
        return ox + (p[0] - x0) * scale_k, oy + (y1 - p[1]) * scale_k

    doc.set_line_width(0.15)
    doc.set_draw_color(255, 255, 255)
    outline = []
    with doc.rect_clip(x, y, map_w, h):
        for code, pts in shapes:
            value = values.get(code)
            if value is None and not _inside(pts, (x0, x1, y0, y1)):
                continue
            fill = interpolate(scale, (value - low) / ((high - low) or 1)) if value is not None else "#EEF0F2"
            doc.set_fill_color(*rgb(fill))
            doc.polygon([place(p) for p in pts], style="DF")
            if code == chart.outline:
                outline.append([place(p) for p in pts])
        doc.set_draw_color(*rgb(charts.INK))
        doc.set_line_width(0.6)
        for pts in outline:
            doc.polygon(pts, style="D")
    # Leaving the clip restores the PDF's graphics state behind fpdf2's back: set the colours afresh.
    doc.set_fill_color(255, 255, 255)
    doc.set_draw_color(255, 255, 255)
    doc.set_line_width(0.2)
    # The colour key: a vertical ramp with the lowest and highest values.
    kx, ky, kh = x + w - 22, y + h * 0.15, h * 0.7
    steps = 24
    for i in range(steps):
        doc.set_fill_color(*rgb(interpolate(scale, 1 - i / (steps - 1))))
        doc.rect(kx, ky + i * kh / steps, 4, kh / steps + 0.1, style="F")
    doc.set_font(FONT, "", 6.5)
    doc.set_text_color(*rgb(charts.INK))
    doc.set_xy(kx + 5, ky - 1.5)
    doc.cell(18, 3, _fmt(doc, high, 0))
    doc.set_xy(kx + 5, ky + kh - 1.5)
    doc.cell(18, 3, _fmt(doc, low, 0))
    doc.set_xy(kx - 4, ky - 7)
    doc.cell(26, 3, chart.value_title, align="C")


def _inside(pts, frame) -> bool:
    """Whether a neighbouring shape overlaps the mapped area's frame (drawn as context, greyed)."""
    x0, x1, y0, y1 = frame
    return any(x0 <= px <= x1 and y0 <= py <= y1 for px, py in pts)
