"""Minutes of a closed meeting, in the meeting's language, written from its frozen record (the snapshot taken at
closing): attendees, the figures shown screen by screen with what changed, decisions, action items. Markdown
and DOCX (python-docx). Pure: no Streamlit, no warehouse."""

from __future__ import annotations

import io
from datetime import date, datetime

from dialogue import i18n


def _t(lang: str, key: str, **values) -> str:
    return i18n.t(f"meeting.{key}", lang, **values)


def _heading(meeting: dict, lang: str, region_name) -> tuple[str, str]:
    if meeting["kind"] == "regional":
        kind = _t(lang, "kind_regional_of", region=region_name(meeting["region_code"]))
    else:
        kind = _t(lang, "kind_council")
    held = meeting["held_on"] if isinstance(meeting["held_on"], date) else date.fromisoformat(str(meeting["held_on"])[:10])
    return _t(lang, "minutes_title", meeting=kind), _t(lang, "minutes_subtitle", date=i18n.fmt_date(held, lang),
                                                           title=meeting["title"], id=meeting["meeting_id"])


def _closed_line(meeting: dict, lang: str) -> str:
    closed = meeting.get("closed_at")
    when = closed if isinstance(closed, datetime) else None
    text = f"{i18n.fmt_date(when, lang)} {when:%H:%M}" if when else "—"
    return _t(lang, "minutes_closed", when=text, who=meeting.get("closed_by") or "—")


def markdown(meeting: dict, snap: dict, region_name) -> str:
    """The minutes as Markdown."""
    lang = snap.get("lang", meeting.get("lang") or "ru")
    title, subtitle = _heading(meeting, lang, region_name)
    out = [f"# {title}", "", subtitle, "", _closed_line(meeting, lang), "", f"## {_t(lang, 'attendees')}", ""]
    out += [f"- {name}" for name in meeting.get("attendees") or []] or [f"- {_t(lang, 'none')}"]
    out += ["", f"## {_t(lang, 'minutes_figures')}", ""]
    for n, shown in enumerate(snap.get("screens", []), 1):
        out += [f"### {n}. {shown['title']}", ""]
        if shown.get("change"):
            out += [f"*{shown['change']}*", ""]
        for section in shown["sections"]:
            out += _section_markdown(section, lang)
    out += [f"## {_t(lang, 'decisions_title')}", ""]
    out += [f"{i}. {text}" for i, text in enumerate(snap.get("decisions", []), 1)] or [_t(lang, "none")]
    out += ["", f"## {_t(lang, 'items_title')}", ""] + _items_markdown(snap.get("items", []), lang)
    out += ["", f"## {_t(lang, 'carried_title')}", ""] + _items_markdown(snap.get("carried", []), lang)
    out += ["", f"_{_t(lang, 'minutes_footer')}_", ""]
    return "\n".join(out)


def _md_cell(text) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _section_markdown(section: dict, lang: str) -> list[str]:
    out = []
    if section.get("title"):
        out += [f"**{section['title']}**", ""]
    if section.get("empty"):
        return out + [i18n.t(section["empty"], lang), ""]
    for label, value, delta in section.get("metrics", []):
        out.append(f"- {label}: **{value}**" + (f" ({delta})" if delta else ""))
    if section.get("metrics"):
        out.append("")
    if section.get("summary"):
        out += [section["summary"], ""]
    table = section.get("table")
    if table and table["rows"]:
        out.append("| " + " | ".join(_md_cell(c) for c in table["columns"]) + " |")
        out.append("|" + "---|" * len(table["columns"]))
        out += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in table["rows"]]
        out.append("")
    if section.get("source"):
        line = f"{i18n.t('common.source', lang)}: {section['source']}"
        if section.get("as_of"):
            line += " · " + i18n.t("common.as_of", lang, date=i18n.fmt_date(date.fromisoformat(section["as_of"]), lang))
        out += [f"_{line}_", ""]
    return out


def _items_markdown(items: list[dict], lang: str) -> list[str]:
    if not items:
        return [_t(lang, "none")]
    columns = ["ID", _t(lang, "col_text"), _t(lang, "col_owner"), _t(lang, "col_about"), _t(lang, "col_due"),
               _t(lang, "col_status")]
    out = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    out += ["| " + " | ".join(_md_cell(i[k]) for k in ("id", "text", "owner", "about", "due", "status")) + " |"
            for i in items]
    return out


def docx(meeting: dict, snap: dict, region_name) -> bytes:
    """The minutes as a Word document."""
    from docx import Document
    from docx.shared import Pt

    lang = snap.get("lang", meeting.get("lang") or "ru")
    title, subtitle = _heading(meeting, lang, region_name)
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "DejaVu Sans"
    style.font.size = Pt(10)
    doc.core_properties.title = title
    doc.core_properties.language = lang
    doc.add_heading(title, level=0)
    doc.add_paragraph(subtitle)
    doc.add_paragraph(_closed_line(meeting, lang))
    doc.add_heading(_t(lang, "attendees"), level=1)
    for name in meeting.get("attendees") or [_t(lang, "none")]:
        doc.add_paragraph(name, style="List Bullet")
    doc.add_heading(_t(lang, "minutes_figures"), level=1)
    for n, shown in enumerate(snap.get("screens", []), 1):
        doc.add_heading(f"{n}. {shown['title']}", level=2)
        if shown.get("change"):
            doc.add_paragraph().add_run(shown["change"]).italic = True
        for section in shown["sections"]:
            _section_docx(doc, section, lang)
    doc.add_heading(_t(lang, "decisions_title"), level=1)
    for text in snap.get("decisions") or []:
        doc.add_paragraph(text, style="List Number")
    if not snap.get("decisions"):
        doc.add_paragraph(_t(lang, "none"))
    for key, items in (("items_title", snap.get("items", [])), ("carried_title", snap.get("carried", []))):
        doc.add_heading(_t(lang, key), level=1)
        columns = ["ID", _t(lang, "col_text"), _t(lang, "col_owner"), _t(lang, "col_about"), _t(lang, "col_due"),
                   _t(lang, "col_status")]
        _table(doc, columns, [[i[k] for k in ("id", "text", "owner", "about", "due", "status")] for i in items], lang)
    doc.add_paragraph().add_run(_t(lang, "minutes_footer")).italic = True
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _section_docx(doc, section: dict, lang: str) -> None:
    if section.get("title"):
        doc.add_paragraph().add_run(section["title"]).bold = True
    if section.get("empty"):
        doc.add_paragraph(i18n.t(section["empty"], lang))
        return
    for label, value, delta in section.get("metrics", []):
        doc.add_paragraph(f"{label}: {value}" + (f" ({delta})" if delta else ""), style="List Bullet")
    if section.get("summary"):
        doc.add_paragraph(section["summary"].replace("**", ""))
    table = section.get("table")
    if table and table["rows"]:
        _table(doc, table["columns"], table["rows"], lang)
    if section.get("source"):
        doc.add_paragraph(f"{i18n.t('common.source', lang)}: {section['source']}").runs[0].italic = True


def _table(doc, columns: list[str], rows: list[list], lang: str) -> None:
    if not rows:
        doc.add_paragraph(_t(lang, "none"))
        return
    table = doc.add_table(rows=1, cols=len(columns))
    table.style = "Light Grid Accent 1"
    for cell, text in zip(table.rows[0].cells, columns):
        cell.text = str(text)
    for row in rows:
        for cell, text in zip(table.add_row().cells, row):
            cell.text = str(text)
