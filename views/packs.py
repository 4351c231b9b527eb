# page: order=85 title=packs.page_title icon=:material/description: url=packs
"""Briefing packs: the chosen region, period and language as a PDF, a PowerPoint deck and an Excel
workbook, built from the same sections as the pages, with progress shown, offered for download; and, for
a signed-in user, every pack for a Council (the country and each region in kk, ru and en) in one zip."""

import time
from pathlib import Path

import streamlit as st

from dialogue import db, i18n, packs, screen, ui
from dialogue.packs import council
from dialogue.sections import overview

ctx = screen.context()
screen.page("packs.page_title", ctx)
st.markdown(ctx.t("packs.page_intro"))
if not overview.has_data(ctx):
    screen.show(overview.headline(ctx), heading=False)  # says there is nothing to put in a pack yet
    st.stop()

stem = packs.file_stem(ctx.region, ctx.period.key, ctx.lang)
built = st.session_state.setdefault("packs_built", {})

if st.button(ctx.t("packs.build"), type="primary", icon=":material/description:", key="packs_build"):
    started = time.perf_counter()
    with st.status(ctx.t("packs.building"), expanded=True) as status:
        bar = st.progress(0.0)
        steps = len(packs.FORMATS)

        def progress(done: int, total: int, name: str) -> None:
            bar.progress(done / (total + steps), text=ctx.t("packs.step", done=done, total=total, name=name))

        try:
            pack = packs.build(ctx, is_demo=ui.data_span()[2], progress=progress)
            files = {}
            for i, fmt in enumerate(packs.FORMATS):
                bar.progress((len(pack.sections()) + 1 + i) / (len(pack.sections()) + 1 + steps),
                             text=ctx.t("packs.writing", format=fmt.upper()))
                files[fmt] = packs.writer(fmt)(pack)
        except Exception as exc:  # the reader gets a message, the log the traceback
            ui.log.exception("pack %s failed", stem)
            status.update(label=ctx.t("packs.failed", error=type(exc).__name__), state="error")
            st.stop()
        bar.progress(1.0)
        built.clear()  # one pack at a time in a session: packs are a few hundred kilobytes each
        built[stem] = files
        status.update(label=ctx.t("packs.ready", seconds=ctx.number(time.perf_counter() - started, 1)),
                      state="complete", expanded=False)

files = built.get(stem)
if files:
    for column, fmt in zip(st.columns(len(packs.FORMATS)), packs.FORMATS):
        column.download_button(ctx.t(f"packs.download_{fmt}"), files[fmt], file_name=f"{stem}.{fmt}",
                               mime=packs.MIME[fmt], key=f"packs_download_{fmt}", width="stretch",
                               icon=":material/download:", on_click="ignore")

# Every pack for a Council: minutes of both cores, so only for a signed-in user; the files are written beside
# the warehouse and the zip is read when its button is clicked.
st.subheader(ctx.t("packs.council_build"))
st.caption(ctx.t("packs.council_intro"))
if ui.current_user() is None:
    st.info(ctx.t("packs.council_sign_in"), icon=":material/lock:")
    st.stop()
if st.button(ctx.t("packs.council_build"), icon=":material/folder_zip:", key="packs_council"):
    with st.status(ctx.t("packs.council_building"), expanded=True) as status:
        bar = st.progress(0.0)

        def council_progress(done: int, total: int, record: dict) -> None:
            bar.progress(done / total, text=ctx.t("packs.council_step", done=done, total=total,
                                                  name=Path(record["files"][0]).stem))

        try:
            result = council.write_all(db.db_path(), [None, *ui.regions().region_code], list(i18n.LANGUAGES),
                                       db.db_path().parent / "packs" / ctx.period.key, ctx.period, ctx.as_of_date,
                                       progress=council_progress)
        except Exception as exc:  # the reader gets a message, the log the traceback
            ui.log.exception("council packs failed")
            status.update(label=ctx.t("packs.failed", error=type(exc).__name__), state="error")
            st.stop()
        st.session_state["packs_council_zip"] = result["zip"]
        status.update(label=ctx.t("packs.council_ready", count=len(result["packs"]),
                                  seconds=ctx.number(result["seconds"], 0)), state="complete", expanded=False)
archive = st.session_state.get("packs_council_zip")
if archive and Path(archive).is_file():
    st.download_button(ctx.t("packs.council_download"), lambda: Path(archive).read_bytes(),
                       file_name=Path(archive).name, mime="application/zip", key="packs_council_download",
                       icon=":material/download:", on_click="ignore")
