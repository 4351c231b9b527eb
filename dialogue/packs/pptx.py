"""The pack as a PowerPoint deck to present: one message per slide (the section's sentence as the slide's
headline), native charts that carry their data (editable in PowerPoint), matrices as coloured tables,
maps as editable shapes; the source, as-of date and notes in the speaker notes."""

from __future__ import annotations

import io
import math

from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.util import Emu, Inches, Pt

from dialogue import charts, i18n
from dialogue.packs.contents import Pack
from dialogue.packs.figures import Chart, interpolate, map_shapes
from dialogue.packs.pdf import plain
from dialogue.sections import Section

W, H = Inches(13.333), Inches(7.5)
LEFT = Inches(0.6)
BODY_W = W - 2 * LEFT
FONT = "DejaVu Sans"


def colour(hex_colour: str) -> RGBColor:
    return RGBColor.from_string((hex_colour or "#000000").lstrip("#")[:6].upper())


def _text(slide, x, y, w, h, text: str, size: float, bold: bool = False, hex_colour: str = charts.INK,
          align=PP_ALIGN.LEFT, anchor=MSO_ANCHOR.TOP):
    box = slide.shapes.add_textbox(x, y, w, h)
    frame = box.text_frame
    frame.word_wrap = True
    frame.vertical_anchor = anchor
    frame.margin_left = frame.margin_right = Inches(0.02)
    lines = text.split("\n") if text else [""]
    for i, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        paragraph.alignment = align
        run = paragraph.add_run()
        run.text = line
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.name = FONT
        run.font.color.rgb = colour(hex_colour)
    return box


def _rect(slide, x, y, w, h, fill: str):
    from pptx.enum.shapes import MSO_SHAPE

    shape = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, x, y, w, h)
    shape.fill.solid()
    shape.fill.fore_color.rgb = colour(fill)
    shape.line.fill.background()
    shape.shadow.inherit = False
    return shape


def write(pack: Pack) -> bytes:
    """The pack as PPTX bytes."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = W, H
    blank = deck.slide_layouts[6]
    _title_slide(deck.slides.add_slide(blank), pack)
    _summary_slide(deck.slides.add_slide(blank), pack)
    if pack.summary.table is not None:
        _table_slide(deck.slides.add_slide(blank), pack, pack.summary)
    for chapter in pack.chapters:
        _chapter_slide(deck.slides.add_slide(blank), pack, chapter.title, chapter.sections)
        for section in chapter.sections:
            _section_slide(deck.slides.add_slide(blank), pack, section, chapter.title)
    for number, slide in enumerate(deck.slides, start=1):
        if number > 1:
            _text(slide, W - Inches(1.6), H - Inches(0.45), Inches(1.0), Inches(0.3), str(number), 9,
                  hex_colour=charts.MUTED, align=PP_ALIGN.RIGHT)
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def _title_slide(slide, pack: Pack) -> None:
    _rect(slide, 0, 0, W, Inches(3.3), charts.PRIMARY)
    _text(slide, LEFT, Inches(0.7), BODY_W, Inches(0.4), pack.t("common.app_title"), 16, hex_colour="#FFFFFF")
    _text(slide, LEFT, Inches(1.2), BODY_W, Inches(0.9), pack.title, 40, bold=True, hex_colour="#FFFFFF")
    _text(slide, LEFT, Inches(2.2), BODY_W, Inches(0.5), pack.t("packs.pack_subtitle"), 18, hex_colour="#FFFFFF")
    _text(slide, LEFT, Inches(3.8), BODY_W, Inches(0.7), pack.scope, 30, bold=True)
    _text(slide, LEFT, Inches(4.55), BODY_W, Inches(0.5), pack.period, 22)
    lang = pack.lang
    _text(slide, LEFT, Inches(5.3), BODY_W, Inches(0.8),
          pack.t("packs.figures_as_of", date=i18n.fmt_date(pack.as_of, lang), period=pack.ctx.period.previous().label(lang))
          + "\n" + pack.t("packs.prepared", date=i18n.fmt_date(pack.built_on, lang)), 13, hex_colour=charts.MUTED)
    if pack.is_demo:
        box = _text(slide, LEFT, Inches(6.4), BODY_W, Inches(0.5), pack.t("packs.demo"), 13, hex_colour="#8A4B00")
        box.fill.solid()
        box.fill.fore_color.rgb = colour("#FFF1DC")


def _headline(slide, kicker: str, message: str) -> None:
    _rect(slide, LEFT, Inches(0.45), Inches(0.08), Inches(0.35), charts.PRIMARY)
    _text(slide, LEFT + Inches(0.2), Inches(0.4), BODY_W, Inches(0.4), kicker, 14, bold=True, hex_colour=charts.PRIMARY)
    size = 24 if len(message) < 90 else (20 if len(message) < 150 else 17)
    _text(slide, LEFT, Inches(0.85), BODY_W, Inches(1.0), message, size, bold=True)


def _footer(slide, pack: Pack, section: Section) -> None:
    parts = [pack.t("packs.source_line", source=section.source) if section.source else None,
             pack.t("packs.as_of_line", date=i18n.fmt_date(section.as_of, pack.lang)) if section.as_of else None]
    text = " · ".join(p for p in parts if p)
    if pack.is_demo:
        text = f"{text} · {pack.t('common.demo_badge')}" if text else pack.t("common.demo_badge")
    _text(slide, LEFT, H - Inches(0.5), BODY_W - Inches(1.2), Inches(0.35), text, 9, hex_colour=charts.MUTED)


def _notes(slide, pack: Pack, section: Section) -> None:
    lines = []
    if section.summary:
        lines.append(f"{pack.t('packs.notes_summary')}: {plain(section.summary)}")
    lines += [plain(n) for n in section.notes]
    if section.source:
        lines.append(f"{pack.t('packs.notes_source')}: {section.source}")
    if section.as_of:
        lines.append(f"{pack.t('packs.notes_as_of')}: {i18n.fmt_date(section.as_of, pack.lang)}")
    slide.notes_slide.notes_text_frame.text = "\n".join(lines)


def _summary_slide(slide, pack: Pack) -> None:
    section = pack.summary
    _headline(slide, pack.t("packs.chapter_summary"), section.title or "")
    sentences = [plain(s) for s in section.notes] or [pack.t(section.empty or "common.no_data")]
    size = 15 if len(sentences) <= 9 else (13 if len(sentences) <= 13 else 11)
    box = _text(slide, LEFT, Inches(1.8), BODY_W, Inches(5.0), "\n".join(f"•  {s}" for s in sentences), size)
    for paragraph in box.text_frame.paragraphs:
        paragraph.space_after = Pt(5)
    _footer(slide, pack, section)
    _notes(slide, pack, section)


def _table_slide(slide, pack: Pack, section: Section, limit: int = 14) -> None:
    """A section's table as a native table (the figures behind the sentences)."""
    _headline(slide, pack.t("packs.chapter_summary"), section.subtitle or section.title or "")
    _table(slide, section, LEFT, Inches(1.8), BODY_W, limit, last_wide=True)
    _footer(slide, pack, section)
    _notes(slide, pack, section)


def _table(slide, section: Section, x, y, w, limit: int, last_wide: bool = False) -> None:
    """A section's table (its first rows) as a native table."""
    shown = section.table.shown().head(limit)
    numeric = {section.table.columns[k] for k in section.table.formats}
    rows, cols = len(shown) + 1, len(shown.columns)
    shape = slide.shapes.add_table(rows, cols, x, y, w, Inches(0.36) * rows)
    table = shape.table
    widths = [3.0 if i == 0 else (2.2 if i == cols - 1 and last_wide else 1.4) for i in range(cols)]
    for i, share in enumerate(widths):
        table.columns[i].width = int(w * share / sum(widths))
    for r in range(rows):
        for c in range(cols):
            cell = table.cell(r, c)
            header = shown.columns[c]
            cell.text = str(header) if r == 0 else plain(str(shown.iloc[r - 1, c]))
            cell.fill.solid()
            cell.fill.fore_color.rgb = colour("#EEF3F5" if r == 0 else ("#FFFFFF" if r % 2 else "#F7F9FA"))
            for paragraph in cell.text_frame.paragraphs:
                paragraph.alignment = PP_ALIGN.RIGHT if header in numeric and r else PP_ALIGN.LEFT
                for run in paragraph.runs:
                    run.font.size = Pt((11 if r else 10) if cols <= 7 else (9 if r else 8))
                    run.font.bold = r == 0
                    run.font.name = FONT
                    run.font.color.rgb = colour(charts.INK)


def _chapter_slide(slide, pack: Pack, title: str, sections: list[Section]) -> None:
    _rect(slide, 0, 0, Inches(0.35), H, charts.PRIMARY)
    _text(slide, Inches(1.0), Inches(1.6), Inches(11), Inches(1.8), title, 40, bold=True, anchor=MSO_ANCHOR.BOTTOM)
    listed = [s.title for s in sections if s.title] or [pack.t("packs.chapter_empty")]
    _text(slide, Inches(1.0), Inches(3.7), Inches(11), Inches(3.3), "\n".join(listed[:12]), 14, hex_colour=charts.MUTED)


def _section_slide(slide, pack: Pack, section: Section, chapter: str) -> None:
    chart = pack.chart(section)
    kicker = section.title or (chart.title if chart else "") or chapter
    _headline(slide, kicker, plain(section.summary) or kicker)
    top = Inches(2.0)
    if section.metrics:
        top = _metrics(slide, section, top)
    area = (LEFT, top, BODY_W, H - top - Inches(0.65))
    if chart is not None and chart.native:
        _native_chart(slide, chart, pack.lang, *area)
    elif chart is not None and chart.kind == "heatmap":
        _matrix_table(slide, chart, *area)
    elif chart is not None and chart.kind == "map":
        _map_shapes(slide, chart, pack.lang, pack.ctx.region, *area)
    elif chart is None and section.table is not None:
        _table(slide, section, area[0], area[1], area[2], limit=max(3, int(area[3] / Inches(0.36)) - 1))
    _footer(slide, pack, section)
    _notes(slide, pack, section)


def _metrics(slide, section: Section, top) -> Emu:
    per_row = 3 if len(section.metrics) > 4 else len(section.metrics)
    gap = Inches(0.2)
    w = int((BODY_W - gap * (per_row - 1)) / per_row)
    h = Inches(1.05)
    for i, card in enumerate(section.metrics):
        x = LEFT + (i % per_row) * (w + gap)
        y = top + (i // per_row) * (h + gap)
        box = _rect(slide, x, y, w, h, "#F3F6F8")
        box.line.color.rgb = colour(charts.GRID)
        _text(slide, x + Inches(0.12), y + Inches(0.06), w - Inches(0.24), Inches(0.3), card.label, 11,
              hex_colour=charts.MUTED)
        _text(slide, x + Inches(0.12), y + Inches(0.33), w - Inches(0.24), Inches(0.45), card.value, 22, bold=True)
        if card.delta:
            tone = {True: charts.RAG_COLOURS["green"], False: charts.RAG_COLOURS["red"]}.get(card.good, charts.MUTED)
            _text(slide, x + Inches(0.12), y + Inches(0.72), w - Inches(0.24), Inches(0.3),
                  f"{card.delta} {card.delta_note or ''}".strip(), 11, hex_colour=tone)
    rows = math.ceil(len(section.metrics) / per_row)
    return top + rows * (h + gap)


def _chart_type(chart: Chart):
    if chart.kind == "line":
        return XL_CHART_TYPE.LINE_MARKERS
    if chart.horizontal:
        return XL_CHART_TYPE.BAR_STACKED_100 if chart.percent else (
            XL_CHART_TYPE.BAR_STACKED if chart.stacked else XL_CHART_TYPE.BAR_CLUSTERED)
    return XL_CHART_TYPE.COLUMN_STACKED_100 if chart.percent else (
        XL_CHART_TYPE.COLUMN_STACKED if chart.stacked else XL_CHART_TYPE.COLUMN_CLUSTERED)


def number_format(decimals: int) -> str:
    return "#,##0" + ("." + "0" * decimals if decimals else "")


def _native_chart(slide, chart: Chart, lang: str, x, y, w, h) -> None:
    """A PowerPoint chart with its data embedded (right-click → Edit data)."""
    data = CategoryChartData(number_format=number_format(chart.decimals))
    # A long monthly line gets a date axis labelled every few months (PowerPoint and LibreOffice both honour a
    # date axis's major unit; LibreOffice ignores tickLblSkip and printed all 24 months, wrapped in three lines).
    by_date = chart.kind == "line" and bool(chart.dates) and len(chart.categories) > 12
    data.categories = list(chart.dates) if by_date else chart.categories
    if by_date:
        data.categories.number_format = MONTH_FORMATS.get(lang, MONTH_FORMATS["en"])
    series = list(chart.series)
    for s in series:
        data.add_series(s.name, s.values)
    if chart.target is not None and chart.kind == "line":
        data.add_series(chart.target[1] or "—", [chart.target[0]] * len(chart.categories))
    marks = chart.marks is not None and chart.kind == "bar" and not chart.horizontal and not chart.stacked
    if marks:
        data.add_series(chart.marks.name, chart.marks.values)
    frame = slide.shapes.add_chart(_chart_type(chart), x, y, w, h, data)
    c = frame.chart
    if marks:
        _marks_as_line(c, chart.marks)
    c.has_title = False  # the slide's headline says it
    c.font.size = Pt(11)
    c.font.name = FONT
    c.has_legend = len(data._series) > 1
    if c.has_legend:
        c.legend.position = XL_LEGEND_POSITION.TOP
        c.legend.include_in_layout = False
    plot = c.plots[0]
    if chart.kind == "bar":
        plot.gap_width = 40 if len(series) > 1 else 60
        if chart.stacked:
            plot.overlap = 100
    for i, s in enumerate(series):
        ps = plot.series[i]
        if chart.kind == "line":
            ps.format.line.color.rgb = colour(s.colour)
            ps.format.line.width = Pt(2.5 if i == 0 else 1.75)
            ps.smooth = False
            ps.marker.format.fill.solid()
            ps.marker.format.fill.fore_color.rgb = colour(s.colour)
            ps.marker.size = 4
            if s.markers_only:
                ps.format.line.fill.background()
        else:
            ps.format.fill.solid()
            ps.format.fill.fore_color.rgb = colour(s.colour)
            if s.point_colours:
                for j, point_colour in enumerate(s.point_colours):
                    point = ps.points[j]
                    point.format.fill.solid()
                    point.format.fill.fore_color.rgb = colour(point_colour)
    if chart.target is not None and chart.kind == "line":
        target = plot.series[len(series)]
        target.format.line.color.rgb = colour(charts.MUTED)
        target.format.line.dash_style = MSO_LINE_DASH_STYLE.DASH
        target.format.line.width = Pt(1.25)
        target.marker.style = None
        from pptx.enum.chart import XL_MARKER_STYLE

        target.marker.style = XL_MARKER_STYLE.NONE
    if chart.kind == "bar" and not chart.stacked and len(chart.categories) <= 30:
        plot.has_data_labels = True
        labels = plot.data_labels
        labels.number_format = number_format(chart.decimals)
        labels.number_format_is_linked = False
        labels.position = XL_LABEL_POSITION.OUTSIDE_END
        labels.font.size = Pt(10)
    if chart.kind == "bar" and chart.horizontal:
        c.category_axis.reverse_order = True  # the first category on top, as on screen
    if chart.kind == "bar" and not chart.percent:
        c.value_axis.minimum_scale = 0
    if by_date:
        _month_axis(c.category_axis, math.ceil(len(chart.categories) / 8))
    elif chart.kind == "line" and len(chart.categories) > 12:
        _skip_labels(c.category_axis, math.ceil(len(chart.categories) / 8))
    c.value_axis.has_major_gridlines = True
    c.value_axis.major_gridlines.format.line.color.rgb = colour(charts.GRID)
    c.value_axis.format.line.fill.background()
    c.value_axis.tick_labels.font.size = Pt(10)
    c.category_axis.tick_labels.font.size = Pt(10 if len(chart.categories) <= 24 else 8)
    c.category_axis.format.line.color.rgb = colour(charts.GRID)
    if chart.value_title:
        c.value_axis.has_title = True
        c.value_axis.axis_title.text_frame.text = chart.value_title
        c.value_axis.axis_title.text_frame.paragraphs[0].runs[0].font.size = Pt(10)


# Month labels in the pack's language (the locale prefix picks the month names).
MONTH_FORMATS = {"kk": "[$-43F]MMM YYYY", "ru": "[$-419]MMM YYYY", "en": "[$-409]MMM YYYY"}


def _month_axis(axis, every: int) -> None:
    """A date axis of months, labelled every n-th month."""
    from pptx.oxml.ns import qn

    element = axis._element
    fmt = element.find(qn("c:numFmt"))
    if fmt is not None:
        fmt.set("sourceLinked", "0")
    base = element.find(qn("c:baseTimeUnit"))
    if base is None:
        return
    base.set("val", "months")
    for tag in ("c:majorUnit", "c:majorTimeUnit"):
        for old in element.findall(qn(tag)):
            element.remove(old)
    unit = _xml(f'<c:majorUnit xmlns:c="{_C}" val="{every}"/>')
    base.addnext(unit)
    unit.addnext(_xml(f'<c:majorTimeUnit xmlns:c="{_C}" val="months"/>'))


def _marks_as_line(c, marks) -> None:
    """Move the last bar series (the reference marks, e.g. the speed firms need) into a line chart on the same
    axes, drawn as dashes without a line, as the screen draws them. python-pptx writes bar charts only, so the
    series is moved in the chart's XML: its data stays in the embedded workbook."""
    from pptx.oxml.ns import qn

    bar = c.plots[0]._element
    ser = bar.findall(qn("c:ser"))[-1]
    bar.remove(ser)
    for tag in ("c:invertIfNegative", "c:dLbls"):
        for old in ser.findall(qn(tag)):
            ser.remove(old)
    hex_colour = marks.colour.lstrip("#")[:6].upper()
    props = ser.makeelement(qn("c:spPr"), {})
    props.append(_xml(f'<a:ln xmlns:a="{_A}"><a:noFill/></a:ln>'))
    for old in ser.findall(qn("c:spPr")):
        ser.remove(old)
    marker = _xml(f'<c:marker xmlns:c="{_C}" xmlns:a="{_A}"><c:symbol val="dash"/><c:size val="20"/>'
                  f'<c:spPr><a:solidFill><a:srgbClr val="{hex_colour}"/></a:solidFill>'
                  f'<a:ln w="19050"><a:solidFill><a:srgbClr val="{hex_colour}"/></a:solidFill></a:ln></c:spPr>'
                  '</c:marker>')
    tx = ser.find(qn("c:tx"))
    (tx if tx is not None else ser.find(qn("c:order"))).addnext(props)
    props.addnext(marker)
    ser.append(_xml(f'<c:smooth xmlns:c="{_C}" val="0"/>'))
    line = _xml(f'<c:lineChart xmlns:c="{_C}"><c:grouping val="standard"/><c:varyColors val="0"/></c:lineChart>')
    line.append(ser)
    line.append(_xml(f'<c:marker xmlns:c="{_C}" val="1"/>'))
    for ax in bar.findall(qn("c:axId")):
        line.append(_xml(f'<c:axId xmlns:c="{_C}" val="{ax.get("val")}"/>'))
    bar.addnext(line)


_C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"


def _xml(text: str):
    from pptx.oxml import parse_xml

    return parse_xml(text)


def _skip_labels(axis, every: int) -> None:
    """Label every n-th month only (c:tickLblSkip, placed where the schema wants it)."""
    from pptx.oxml.ns import qn

    element = axis._element
    for tag in ("c:tickLblSkip", "c:tickMarkSkip"):
        for old in element.findall(qn(tag)):
            element.remove(old)
    skip = element.makeelement(qn("c:tickLblSkip"), {"val": str(every)})
    follower = element.find(qn("c:noMultiLvlLbl"))
    if follower is not None:
        follower.addprevious(skip)
    else:
        element.append(skip)


def _matrix_table(slide, chart: Chart, x, y, w, h) -> None:
    """A coloured matrix as a native table (editable text, the status colours as fills)."""
    rows, cols = len(chart.rows) + 1, len(chart.columns) + 1
    row_h = min(Inches(0.32), int((h - Inches(0.5)) / max(rows - 1, 1)))
    shape = slide.shapes.add_table(rows, cols, x, y, w, Inches(0.6) + row_h * (rows - 1))
    table = shape.table
    label_w = Inches(2.6)
    table.columns[0].width = label_w
    for c in range(1, cols):
        table.columns[c].width = int((w - label_w) / (cols - 1))
    table.rows[0].height = Inches(0.6)
    size = 9 if rows <= 16 else 8

    def put(cell, text, fill, bold=False, align=PP_ALIGN.CENTER, font=size):
        cell.text = text
        cell.fill.solid()
        cell.fill.fore_color.rgb = colour(fill)
        cell.margin_left = cell.margin_right = Inches(0.03)
        cell.margin_top = cell.margin_bottom = Inches(0.01)
        cell.vertical_anchor = MSO_ANCHOR.MIDDLE
        for paragraph in cell.text_frame.paragraphs:
            paragraph.alignment = align
            for run in paragraph.runs:
                run.font.size = Pt(font)
                run.font.bold = bold
                run.font.name = FONT
                run.font.color.rgb = colour(charts.INK)

    put(table.cell(0, 0), "", "#FFFFFF")
    for c, name in enumerate(chart.columns, start=1):
        put(table.cell(0, c), name, "#FFFFFF", bold=True, font=7)
    for r, name in enumerate(chart.rows, start=1):
        table.rows[r].height = row_h
        put(table.cell(r, 0), name, "#FFFFFF", align=PP_ALIGN.LEFT)
        for c in range(1, cols):
            put(table.cell(r, c), chart.cells[r - 1][c - 1], chart.fills[r - 1][c - 1])


def _map_shapes(slide, chart: Chart, lang: str, region: str | None, x, y, w, h) -> None:
    """Areas as freeform shapes (vector, editable), coloured by value, with a colour key."""
    values = dict(zip(chart.codes, chart.values))
    labels = dict(zip(chart.codes, chart.labels))
    low, high = chart.value_range or (0.0, 1.0)
    scale = chart.colourscale or [[0, "#E8F1F4"], [1, "#00485A"]]

    _, shapes = map_shapes(chart, region)
    if not shapes:
        return
    xs = [p[0] for _, pts in shapes for p in pts]
    ys = [p[1] for _, pts in shapes for p in pts]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    map_w = w - Inches(2.0)
    k = min(map_w / ((x1 - x0) or 1), h / ((y1 - y0) or 1))
    ox = x + (map_w - (x1 - x0) * k) / 2
    oy = y + (h - (y1 - y0) * k) / 2

    def place(p):
        return int(ox + (p[0] - x0) * k), int(oy + (y1 - p[1]) * k)

    for code, pts in shapes:
        # At most ~120 corners a shape: enough on a slide (python-pptx's freeform is quadratic in them).
        step = max(1, len(pts) // 120)
        points = [place(p) for p in pts[::step]]
        builder = slide.shapes.build_freeform(*points[0], scale=1.0)
        builder.add_line_segments(points[1:], close=True)
        shape = builder.convert_to_shape()
        value = values.get(code)
        shape.fill.solid()
        shape.fill.fore_color.rgb = colour(interpolate(scale, (value - low) / ((high - low) or 1))
                                           if value is not None else "#EEF0F2")
        shape.line.color.rgb = colour(charts.INK if code == chart.outline else "#FFFFFF")
        shape.line.width = Pt(2.5 if code == chart.outline else 0.75)
        shape.name = f"{code} {labels.get(code, '')}".strip()
    kx, ky, kh = x + w - Inches(1.4), y + int(h * 0.15), int(h * 0.7)
    steps = 12
    for i in range(steps):
        _rect(slide, kx, ky + int(i * kh / steps), Inches(0.3), int(kh / steps) + 1,
              interpolate(scale, 1 - i / (steps - 1)))
    _text(slide, kx + Inches(0.35), ky - Inches(0.1), Inches(1.0), Inches(0.3), i18n.fmt_number(high, lang), 11)
    _text(slide, kx + Inches(0.35), ky + kh - Inches(0.2), Inches(1.0), Inches(0.3), i18n.fmt_number(low, lang), 11)
    _text(slide, kx - Inches(0.3), ky - Inches(0.5), Inches(1.6), Inches(0.3), chart.value_title, 11)
