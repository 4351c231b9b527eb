"""Loading files from the Data page, and undoing a load: choose, check, read the report, load; or pick a
load and roll it back. Streamlit glue like dialogue.forms; what may be loaded or rolled back is decided in
dialogue.ingest and dialogue.auth, whatever these offer.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dialogue import access, auth, datasets, db, ingest, screen, ui
from dialogue.sections import Context, Table
from dialogue.sections.data import dataset_name, when

ENCODINGS = {"utf-8": "UTF-8", "cp1251": "Windows-1251"}
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}
FLASH = "_data_flash"


def flash() -> None:
    """The outcome of the last load or rollback, shown once."""
    for level, message in st.session_state.pop(FLASH, []):
        getattr(st, level)(message)


def _done(level: str, message: str) -> None:
    st.session_state[FLASH] = [(level, message)]
    st.session_state.pop("_data_check", None)
    ui.data_changed()
    st.rerun()


def upload_form(ctx: Context, user: auth.User | None) -> None:
    """Choose a dataset and a file; the file is checked at once and the report shown; a clean file loads."""
    allowed = [d for d in datasets.NAMES if auth.can_upload(user, d)]
    if user is None:
        st.info(ctx.t("data.upload_sign_in"), icon=":material/login:")
        return
    if not allowed:
        st.info(ctx.t("data.upload_not_allowed"))
        return
    chosen = st.selectbox(ctx.t("data.upload_dataset"), allowed, format_func=lambda d: dataset_name(ctx, d),
                          key="data_upload_dataset")
    ds = datasets.get(chosen)
    st.caption(ctx.t(f"data.about_{chosen}"))
    st.caption(ctx.t("data.upload_expected", required=", ".join(ds.required),
                     optional=", ".join(c.name for c in ds.columns if not c.required) or "—"))
    if ds.key:
        st.caption(ctx.t("data.keyed_rule", columns=", ".join(ds.key)))
    if user.role == "operator":
        st.caption(ctx.t("data.upload_own_rows_operator", operator=user.operator_code or "—"))
    elif user.role == "akimat":
        st.caption(ctx.t("data.upload_own_rows_akimat", region=ctx.region_name(user.region_code)))
    tiles = ds.published_format is not None   # Ookla tiles: Parquet or CSV, up to a world file
    max_mb = (ingest.MAX_TILE_BYTES if tiles else ingest.MAX_BYTES) // (1024 * 1024)
    options = {}
    if tiles:
        c1, c2 = st.columns(2)
        options["tile_type"] = c1.segmented_control(ctx.t("data.tile_type_label"), ("fixed", "mobile"),
                                                    format_func=lambda k: ctx.t(f"data.tile_type_{k}"),
                                                    key="data_upload_tile_type")
        options["quarter"] = c2.text_input(ctx.t("data.tile_quarter_label"), key="data_upload_quarter").strip()
    upload = st.file_uploader(ctx.t("data.upload_file", mb=max_mb),
                              type=["parquet", "csv"] if tiles else ["csv", "txt", "tsv", "xlsx"],
                              max_upload_size=max_mb, key=f"data_upload_{chosen}")
    if upload is None:
        return
    # One check per (file, dataset, options, data version): reruns reuse it, a load elsewhere renews it.
    check_key = (upload.file_id, chosen, ui.data_key(), tuple(sorted(options.items())))
    if st.session_state.get("_data_check", (None,))[0] != check_key:
        with st.spinner(ctx.t("data.checking")), access.reading(db.db_path()) as cur:
            report = ingest.ingest_bytes(cur, chosen, upload.getvalue(), upload.name, loaded_by=user.username,
                                         user=user, load=False, options=options)
        st.session_state["_data_check"] = (check_key, report)
    report = st.session_state["_data_check"][1]
    _report(ctx, report, chosen)
    if report.status == "valid" and st.button(ctx.t("data.load_button", count=report.rows), type="primary",
                                              icon=":material/upload:", key="data_load"):
        with st.spinner(ctx.t("data.loading")):
            try:
                # Checked again as it loads, the writer role held only to move the checked rows in.
                with ingest.upload_file(upload.getvalue(), upload.name) as path:
                    loaded = ingest.load_file(db.db_path(), chosen, path, file_name=upload.name,
                                              loaded_by=user.username, user=user, options=options)
                level = "success" if loaded.status == "loaded" else "info" if loaded.accepted else "error"
                message = f"{ingest.safe_value(loaded.file_name)}: {loaded.summary(ctx.lang)}"
            except (ingest.IngestError, auth.PermissionDenied) as exc:
                level, message = "error", ctx.t("data.load_failed", error=ingest.safe_value(exc))
            except access.Busy:
                level, message = "error", ctx.t("common.warehouse_busy")
        _done(level, message)


def _report(ctx: Context, report: ingest.Report, dataset: str) -> None:
    """What the check found: the file, a preview, the verdict, totals and the rows to correct."""
    size = (ctx.t("data.size_mb", value=ctx.number(report.size_bytes / 1024 ** 2, 1)) if report.size_bytes >= 1024 ** 2
            else ctx.t("data.size_kb", value=ctx.number(report.size_bytes / 1024, 1)))
    st.caption(ctx.t("data.file_info", format=report.file_format.upper() or "—",
                     encoding=ENCODINGS.get(report.encoding, "—"), size=size, rows=ctx.number(report.rows),
                     delimiter=ctx.t(f"data.separator_{DELIMITERS[report.delimiter]}")
                     if report.delimiter in DELIMITERS else "—"))
    if report.scanned_rows:   # published tiles: the whole file read, the tiles in Kazakhstan kept
        st.caption(ctx.t("data.report_scanned", scanned=ctx.number(report.scanned_rows), kept=ctx.number(report.rows),
                         seconds=ctx.number(report.seconds, 1)))
    if report.preview is not None and len(report.preview):
        with st.expander(ctx.t("data.preview_title")):
            st.dataframe(report.preview, hide_index=True, width="stretch")
    st.markdown(f"**{ctx.t('data.report_title')}**")
    summary = f"{ingest.safe_value(report.file_name)}: {report.summary(ctx.lang)}"
    if report.status == "already_loaded":
        st.info(summary)
    elif report.status == "valid":
        st.success(ctx.t("data.report_ok", count=report.rows))
    else:
        st.error(summary)
        st.caption(ctx.t("data.upload_again"))
    if report.totals:
        st.caption(ctx.t("data.report_totals_title"))
        st.dataframe(report.totals_table(ctx.lang), hide_index=True, width="stretch")
    if report.issues:
        st.caption(ctx.t("data.report_rows_title", n=ctx.number(len(report.issues))))
        issues = report.table(ctx.lang)
        table = Table(issues, {c: c for c in issues.columns}, name=f"validation_{dataset}",
                      height="auto" if len(issues) <= 10 else 360)
        screen.show_table(table, "data_report")


def rollback_form(ctx: Context, user: auth.User | None, log: pd.DataFrame) -> None:
    """Pick one of the loads this user may undo, confirm, roll it back."""
    st.markdown(f"**{ctx.t('data.rollback_title')}**")
    st.caption(ctx.t("data.rollback_help"))
    if user is None:
        st.info(ctx.t("data.rollback_sign_in"), icon=":material/login:")
        return
    mine = log[[s == "loaded" and ingest.can_rollback(user, d, by, demo)
                for s, d, by, demo in zip(log.status, log.dataset, log.loaded_by, log.is_demo)]]
    if mine.empty:
        st.info(ctx.t("data.rollback_none"))
        return
    labels = {int(r.load_id): ctx.t("data.load_label", load_id=int(r.load_id), dataset=r.dataset_label, file=r.file,
                                    rows=ctx.number(r.row_count), when=when(ctx, r.loaded_at)) for r in mine.itertuples()}
    # Keyed by the newest load: after a new load the list opens on it, the one most likely undone.
    pick = st.selectbox(ctx.t("data.rollback_pick"), list(labels), format_func=labels.get,
                        key=f"data_rollback_pick_{max(labels)}")
    rows = int(mine.set_index("load_id").loc[pick, "row_count"])
    sure = st.checkbox(ctx.t("data.rollback_confirm", count=rows, load_id=pick), key=f"data_rollback_sure_{pick}")
    if st.button(ctx.t("data.rollback_button"), disabled=not sure, icon=":material/undo:", key="data_rollback"):
        try:
            with access.writer(db.db_path()) as con:
                removed = ingest.rollback(con, pick, by=user.username, user=user)
            _done("success", ctx.t("data.rollback_done", load_id=pick, count=removed))
        except (ingest.IngestError, auth.PermissionDenied) as exc:
            _done("error", ctx.t("data.rollback_failed", error=ingest.safe_value(exc)))
        except access.Busy:
            _done("error", ctx.t("common.warehouse_busy"))
