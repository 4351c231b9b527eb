"""Briefing packs: the country and three regions in kk, ru and en, built by the command line on a read-only
warehouse while another process holds it; they open in LibreOffice, their PDF text is extractable with the
Kazakh letters intact, the PPTX and XLSX carry native charts, the workbook typed cells and frozen headers."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from datetime import date, datetime
from functools import partial
from pathlib import Path

import duckdb
import openpyxl
import pytest
from pptx import Presentation

from dialogue import cli, db, i18n, periods
from dialogue.sections import Context, changes
from tests.conftest import AS_OF

REGIONS = ("all", "KZ-23", "KZ-71", "KZ-62")
FORMATS = ("pdf", "pptx", "xlsx")
LANGS = ("kk", "ru", "en")
PERIOD = "2026-Q3"
KAZAKH = "әғқңөұүһі"


def stem(region: str, lang: str) -> str:
    return f"pack_{'KZ' if region == 'all' else region}_{PERIOD}_{lang}"


@pytest.fixture(scope="session")
def pack_db(small_db, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("packs_db") / "warehouse.duckdb"
    shutil.copy(small_db, path)
    return path


@pytest.fixture(scope="session")
def pack_dir(pack_db, tmp_path_factory) -> Path:
    """Every pack, written by `brief` while another process (as the app would) holds the warehouse."""
    out = tmp_path_factory.mktemp("packs")
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time\n"
         "con = duckdb.connect(sys.argv[1], read_only=True)\n"
         "con.execute('select count(*) from region').fetchall()\n"
         "print('ready', flush=True)\ntime.sleep(300)\n", str(pack_db)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        # One command for every pack: two worker processes beside the holder, each its own read-only reader.
        code = cli.main(["--db", str(pack_db), "brief", "--region", ",".join(REGIONS), "--period", PERIOD,
                         "--lang", ",".join(LANGS), "--out", str(out), "--as-of", AS_OF.isoformat(), "--workers", "2"])
        assert code == 0
        assert holder.poll() is None, "the other reader was disturbed"
    finally:
        holder.kill()
        holder.wait()
    return out


def test_index_links_every_pack_by_region_and_language(pack_dir):
    index = (pack_dir / "index.html").read_text(encoding="utf-8")
    links = set(re.findall(r'href="([^"]+)"', index))
    expected = {f"{stem(r, lang)}.{fmt}" for r in REGIONS for lang in LANGS for fmt in FORMATS}
    assert links == expected
    assert all((pack_dir / name).is_file() for name in links)
    # In the first language asked (Kazakh): the country's and the regions' names, one row each.
    assert index.count("<tr>") == 1 + len(REGIONS)
    assert "Бүкіл Қазақстан" in index and "Атырау облысы" in index and "Ұлытау облысы" in index


def test_zip_holds_the_index_and_every_file(pack_dir):
    archive = pack_dir / f"packs_{PERIOD}.zip"
    with zipfile.ZipFile(archive) as z:
        names = set(z.namelist())
        assert z.testzip() is None
        assert z.read("index.html") == (pack_dir / "index.html").read_bytes()
    assert names == {"index.html"} | {f"{stem(r, lang)}.{fmt}" for r in REGIONS for lang in LANGS
                                      for fmt in FORMATS}


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_every_pack_is_written_in_three_formats(pack_dir):
    for region in REGIONS:
        for lang in LANGS:
            for fmt in FORMATS:
                path = pack_dir / f"{stem(region, lang)}.{fmt}"
                assert path.is_file() and path.stat().st_size > 10_000, path.name


@pytest.mark.parametrize("region", REGIONS)
@pytest.mark.parametrize("lang", LANGS)
def test_pdf_text_is_extractable_in_the_language(pack_dir, region, lang):
    text = pdf_text(pack_dir / f"{stem(region, lang)}.pdf")
    pages = text.split("\f")[:-1]
    assert len(pages) >= 6
    # Page numbers on every page, in the language ("Page 3 of 11").
    pattern = re.escape(i18n.t("packs.page_of", lang, page="NUMA", pages="NUMB"))
    pattern = pattern.replace("NUMA", r"(?P<page>\d+)").replace("NUMB", r"(?P<pages>\d+)")
    numbers = [re.search(pattern, " ".join(page.split())) for page in pages]
    assert all(numbers), [i for i, m in enumerate(numbers) if not m]
    assert [int(m["page"]) for m in numbers] == list(range(1, len(pages) + 1))
    assert {int(m["pages"]) for m in numbers} == {len(pages)}
    flat = " ".join(text.split())
    assert i18n.t("packs.pack_title", lang) in flat
    # Every figure has its source and as-of date under it.
    source = i18n.t("packs.source_line", lang, source="").strip()
    assert flat.count(source) >= 8
    assert i18n.fmt_date(date(2026, 9, 30), lang).replace("\u202f", " ").replace("\u00a0", " ") in flat.replace(
        "\u00a0", " ")
    if lang == "kk":  # һ is rare in Kazakh (loanwords): the font and extraction are checked on it below
        assert len(set(KAZAKH) & set(text)) >= 8, set(KAZAKH) - set(text)
    if lang in ("kk", "ru"):
        assert len(re.findall(r"[А-Яа-яЁё]", text)) > 1000
    assert i18n.t("common.demo_badge", lang) in text
    for chapter in ("summary", "quality", "complaints", "rollout", "bottlenecks", "business", "actions"):
        if chapter != "summary":
            assert i18n.t(f"packs.chapter_{chapter}", lang) in flat, chapter


def test_pptx_has_native_charts_with_data_and_sources_in_notes(pack_dir):
    for region, lang in (("all", "ru"), ("KZ-23", "kk"), ("KZ-71", "en"), ("KZ-62", "ru")):
        path = pack_dir / f"{stem(region, lang)}.pptx"
        names = zipfile.ZipFile(path).namelist()
        charts = [n for n in names if re.fullmatch(r"ppt/charts/chart\d+\.xml", n)]
        assert len(charts) >= 7, region
        assert len([n for n in names if n.startswith("ppt/embeddings/")]) == len(charts)  # editable data
        deck = Presentation(str(path))
        chart_shapes = [s for slide in deck.slides for s in slide.shapes if s.has_chart]
        assert all(len(list(s.chart.plots[0].categories)) > 0 for s in chart_shapes)
        notes = [slide.notes_slide.notes_text_frame.text for slide in list(deck.slides)[1:] if slide.has_notes_slide]
        source = i18n.t("packs.notes_source", lang)
        assert sum(source in n for n in notes) >= len(chart_shapes)


def test_xlsx_sheets_have_typed_figures_frozen_headers_charts_and_sources(pack_dir):
    for region, lang in (("all", "en"), ("KZ-23", "ru"), ("KZ-62", "kk")):
        path = pack_dir / f"{stem(region, lang)}.xlsx"
        names = zipfile.ZipFile(path).namelist()
        assert len([n for n in names if re.fullmatch(r"xl/charts/chart\d+\.xml", n)]) >= 7
        wb = openpyxl.load_workbook(path)
        sources = wb.worksheets[-1]
        assert sources.title == i18n.t("packs.sources_sheet", lang)
        listed = [r for r in sources.iter_rows(min_row=6, values_only=True) if r[0]]
        assert len(listed) == len(wb.worksheets) - 1
        assert all(r[2] for r in listed[1:]) and all(isinstance(r[3], datetime) for r in listed if r[3] is not None)
        with_charts = 0
        for ws in wb.worksheets:
            assert ws.freeze_panes == "A6", ws.title
            with_charts += bool(ws._charts)
            if ws._charts:
                numbers = [c for row in ws.iter_rows(min_row=6, max_col=4) for c in row
                           if isinstance(c.value, int | float)]
                assert numbers and all(c.data_type == "n" for c in numbers), ws.title
        assert with_charts >= 7
        months = [c.value for ws in wb.worksheets for c in ws["A"][5:8] if isinstance(c.value, datetime)]
        assert months, "monthly series are written as dates"


@pytest.mark.slow
def test_packs_open_in_libreoffice(pack_dir, tmp_path):
    """LibreOffice, headless, converts the PowerPoint and Excel files to PDF and renders the PDF."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is needed: apt-get install libreoffice-core libreoffice-calc libreoffice-impress"
    src = tmp_path / "in"
    src.mkdir()
    picked = [stem("all", "ru"), stem("KZ-23", "kk")]
    for name in picked:
        for fmt in ("pptx", "xlsx", "pdf"):
            shutil.copy(pack_dir / f"{name}.{fmt}", src / f"{name}_{fmt}.{fmt}")
    profile = f"-env:UserInstallation=file://{tmp_path / 'profile'}"
    offices = sorted(str(p) for p in src.iterdir() if p.suffix in (".pptx", ".xlsx"))
    run = partial(subprocess.run, capture_output=True, text=True, timeout=240)
    done = run([soffice, profile, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path / "pdf"), *offices])
    assert done.returncode == 0, done.stderr
    pdfs = sorted(str(p) for p in src.iterdir() if p.suffix == ".pdf")
    done = run([soffice, profile, "--headless", "--convert-to", "png", "--outdir", str(tmp_path / "png"), *pdfs])
    assert done.returncode == 0, done.stderr
    for name in picked:
        slides = pdf_text(tmp_path / "pdf" / f"{name}_pptx.pdf").split("\f")[:-1]
        assert len(slides) == len(Presentation(str(src / f"{name}_pptx.pptx")).slides)
        assert pdf_text(tmp_path / "pdf" / f"{name}_xlsx.pdf").strip()
        assert (tmp_path / "png" / f"{name}_pdf.png").stat().st_size > 5_000
    assert len(set(KAZAKH) & set(pdf_text(tmp_path / "pdf" / f"{stem('KZ-23', 'kk')}_pptx.pdf"))) >= 8


@pytest.mark.parametrize("lang", LANGS)
def test_changes_are_told_in_sentences_from_the_data(pack_db, lang):
    con = duckdb.connect(str(pack_db), read_only=True)
    try:
        ctx = Context("KZ-23", periods.parse(PERIOD), lang, AS_OF, partial(db.run, con))
        section = changes.summary(ctx)
        national = changes.summary(ctx.with_region(None))
        name = ctx.region_name("KZ-23", short=True)
    finally:
        con.close()
    assert len(section.notes) >= 5 and all(re.search(r"\d", s) for s in section.notes)
    assert section.table is not None and len(section.table.raw()) >= 6
    assert any(name in s for s in section.notes)  # its rank among regions
    complaints = i18n.t("packs.complaints_total", lang, count=2, prev="X", period="Y").split("2")[-1][:6]
    assert any(complaints in s for s in national.notes), national.notes


def test_brief_refuses_unknown_regions_and_periods(pack_db, tmp_path, capsys):
    assert cli.main(["--db", str(pack_db), "brief", "--region", "KZ-99", "--period", PERIOD,
                     "--out", str(tmp_path)]) == 1
    assert "unknown region" in capsys.readouterr().err
    assert cli.main(["--db", str(pack_db), "brief", "--region", "KZ-23", "--period", "2026-Q5",
                     "--out", str(tmp_path)]) == 1
    assert "not a period" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


def test_every_kazakh_letter_survives_the_pdf(pack_db, tmp_path):
    """The shipped font carries all of ә ғ қ ң ө ұ ү һ і (upper and lower case) and the text extracts intact."""
    from dialogue.packs import contents, pdf
    from dialogue.sections import Section

    con = duckdb.connect(str(pack_db), read_only=True)
    try:
        ctx = Context("KZ-23", periods.parse(PERIOD), "kk", AS_OF, partial(db.run, con))
        letters = KAZAKH + KAZAKH.upper()
        summary = Section("changes.summary", title=f"Жаһандық желі: {letters}", notes=(f"Әріптер: {letters}",),
                          source="Дереккөз", as_of=AS_OF)
        pack = contents.Pack(ctx, "Брифинг пакеті", ctx.region_name("KZ-23"), ctx.period.label("kk"), summary, [])
        path = tmp_path / "letters.pdf"
        path.write_bytes(pdf.write(pack))
    finally:
        con.close()
    assert set(letters) <= set(pdf_text(path))


def test_packs_page_builds_the_pack_and_offers_three_downloads(pack_db, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from dialogue import ui
    from tests.conftest import ROOT

    monkeypatch.setenv("DIALOGUE_DB", str(pack_db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.query_params.update({"region": "KZ-23", "period": PERIOD, "lang": "kk"})
    at.run()
    at.switch_page(next(p.path for p in ui.page_specs() if p.url == "packs"))
    at.run()
    assert not at.exception
    at.button(key="packs_build").click().run()
    assert not at.exception, [e.value for e in at.exception]
    files = at.session_state["packs_built"][stem("KZ-23", "kk")]
    assert set(files) == {"pdf", "pptx", "xlsx"}
    assert files["pdf"][:5] == b"%PDF-" and files["pptx"][:2] == files["xlsx"][:2] == b"PK"


def test_a_line_break_in_a_figure_card_prints_as_a_space_not_a_missing_glyph(pack_db, tmp_path, caplog):
    """A card's label and note are one-line cells: a line break in them would print as a missing glyph."""
    from dialogue.packs import contents, pdf
    from dialogue.sections import Metric, Section

    con = duckdb.connect(str(pack_db), read_only=True)
    try:
        ctx = Context("KZ-19", periods.parse(PERIOD), "kk", AS_OF, partial(db.run, con))
        card = Metric(label="Медиана\nжүктеу", value="42", note="бірінші жол\nекінші жол")
        section = Section("quality.kpis", title="Сапа", metrics=(card,), source="Дереккөз", as_of=AS_OF)
        summary = Section("changes.summary", title="Қысқаша", source="Дереккөз", as_of=AS_OF)
        pack = contents.Pack(ctx, "Брифинг пакеті", ctx.region_name("KZ-19"), ctx.period.label("kk"), summary,
                             [contents.Chapter("quality", "Сапа", [section])])
        path = tmp_path / "card.pdf"
        with caplog.at_level("WARNING", logger="fpdf"):
            path.write_bytes(pdf.write(pack))
    finally:
        con.close()
    assert not [r for r in caplog.records if "missing" in r.getMessage()]
    assert "бірінші жол екінші жол" in pdf_text(path)
