# page: order=80 title=data.page_title icon=:material/database: url=data
"""Data: how fresh each feed is, where data exists in the period, the upload flow (check, report, load),
the load log with rollback, and the data dictionary. What may be loaded or rolled back is decided in
dialogue.ingest and dialogue.auth, whatever this page shows."""

import pandas as pd
import streamlit as st

from dialogue import access, auth, charts, datasets, db, i18n, ingest, ui

f = ui.filters()
lang = f.lang
ss = st.session_state
user = ui.current_user()
ui.page_title("data.page_title")
LOG_LIMIT = 200
ENCODINGS = {"utf-8": "UTF-8", "cp1251": "Windows-1251"}
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}


def dataset_name(code: str) -> str:
    return ui.t(f"data.dataset_{code}") if code in datasets.DATASETS else code


def when(value) -> str:
    return "—" if value is None or pd.isna(value) else f"{i18n.fmt_date(value, lang)} {value:%H:%M}"


def day(value) -> str:
    return i18n.fmt_date(value, lang) if value is not None and pd.notna(value) else "—"


def count(value) -> str:
    return i18n.fmt_number(value, lang)


def plain(value) -> str:
    return value if isinstance(value, str) and value else "—"


# The outcome of the last load or rollback, shown once; in a container that is always there, so that the
# tabs below keep their place (and the chosen tab) from one run to the next.
with st.container():
    for level, message in ss.pop("_data_flash", []):
        getattr(st, level)(message)

fresh_tab, upload_tab, log_tab, dictionary_tab = st.tabs(
    [ui.t("data.tab_freshness"), ui.t("data.tab_upload"), ui.t("data.tab_log"), ui.t("data.tab_dictionary")],
    key="data_tab", on_change="rerun")

# ---- freshness of each feed, and where data exists in the period ---------------------------------------
with fresh_tab:
    st.subheader(ui.t("data.freshness_title"))
    st.caption(ui.t("data.freshness_caption"))
    fresh = ui.query("data/freshness", region=f.region, as_of_date=ui.today())
    fresh["dataset_label"] = fresh.dataset.map(dataset_name)
    fresh["source_label"] = [
        op if isinstance(op, str) else ui.t(f"data.source_{src}") if isinstance(src, str) else ui.t("data.source_all")
        for op, src in zip(fresh.operator_name, fresh.source_code)]
    fresh["stale_label"] = [("⚠ " + ui.t("data.yes")) if s else ui.t("data.no") for s in fresh.stale]
    stale = fresh[fresh.stale]
    if len(stale):
        feeds = [f"{r.dataset_label} ({r.source_label if r.rows else ui.t('data.never_loaded')})"
                 for r in stale.itertuples()]
        st.warning(ui.t("data.stale_warning", feeds="; ".join(feeds)), icon=":material/schedule:")
    else:
        st.success(ui.t("data.all_fresh"), icon=":material/check_circle:")
    columns = {"dataset_label": ui.t("data.col_dataset"), "source_label": ui.t("data.col_source"),
               "last_data_day": ui.t("data.col_last_data_day"), "data_age_days": ui.t("data.col_age_days"),
               "stale_label": ui.t("data.col_stale"), "rows": ui.t("data.col_rows")}
    if f.region:
        columns |= {"region_rows": ui.t("data.col_region_rows"), "region_last_data_day": ui.t("data.col_region_last_day")}
    columns |= {"stale_after_days": ui.t("data.col_due_days"), "last_load_id": ui.t("data.col_last_load"),
                "last_loaded_by": ui.t("data.col_loaded_by"), "last_loaded_at": ui.t("data.col_loaded_at")}
    formats = {"rows": count, "region_rows": count, "last_data_day": day, "region_last_data_day": day,
               "data_age_days": count, "stale_after_days": count, "last_load_id": count, "last_loaded_at": when}
    ui.table(fresh, columns, "data_freshness", "data_fresh", formats={c: formats[c] for c in columns if c in formats})

    areas = ui.query("data/rows_by_area", region=f.region, start_date=f.period.start, end_date=f.period.end)
    value_columns = {f"{d}_rows": dataset_name(d) for d in datasets.NAMES}
    if len(areas) == 0 or areas[list(value_columns)].to_numpy().sum() == 0:
        ui.empty_state()
    else:
        areas["area"] = [ui.t("data.area_region_wide", region=ui.region_label(r.area_code, short=True))
                         if f.region and r.level == "region" else i18n.place_name(r._asdict(), lang)
                         for r in areas.itertuples()]
        title = (ui.t("data.area_title_districts", period=f.period.label(lang), region=ui.region_label(f.region))
                 if f.region else ui.t("data.area_title_regions", period=f.period.label(lang)))
        st.subheader(title)   # above the chart, where a long region name wraps on a narrow screen
        ui.chart(charts.count_matrix(areas, "area", value_columns, lang), key="data_areas")
        st.caption(ui.t("data.area_caption"))
        ui.downloads(areas[["area_code", "area", *value_columns]].rename(
            columns={"area_code": "code", "area": ui.t("data.col_area"), **value_columns}), "data_by_area", "data_areas")

# ---- upload: choose, check, read the report, load -------------------------------------------------------
with upload_tab:
    st.subheader(ui.t("data.upload_title"))
    allowed = [d for d in datasets.NAMES if auth.can_upload(user, d)]
    if user is None:
        st.info(ui.t("data.upload_sign_in"), icon=":material/login:")
    elif not allowed:
        st.info(ui.t("data.upload_not_allowed"))
    else:
        chosen = st.selectbox(ui.t("data.upload_dataset"), allowed, format_func=dataset_name, key="data_upload_dataset")
        ds = datasets.get(chosen)
        st.caption(ui.t(f"data.about_{chosen}"))
        st.caption(ui.t("data.upload_expected", required=", ".join(ds.required),
                        optional=", ".join(c.name for c in ds.columns if not c.required) or "—"))
        if ds.key:
            st.caption(ui.t("data.keyed_rule", key=", ".join(ds.key)))
        if user.role == "operator":
            st.caption(ui.t("data.upload_own_rows_operator", operator=user.operator_code or "—"))
        elif user.role == "akimat":
            st.caption(ui.t("data.upload_own_rows_akimat", region=ui.region_label(user.region_code)))
        max_mb = ingest.MAX_BYTES // (1024 * 1024)
        upload = st.file_uploader(ui.t("data.upload_file", mb=max_mb), type=["csv", "txt", "tsv", "xlsx"],
                                  max_upload_size=max_mb, key=f"data_upload_{chosen}")
        if upload is not None:
            # One check per (file, dataset, data version): reruns reuse it, a load elsewhere renews it.
            with access.reading(db.db_path()) as cur:
                check_key = (upload.file_id, chosen, db.data_version(cur))
            if ss.get("_data_check", (None,))[0] != check_key:
                with st.spinner(ui.t("data.checking")), access.reading(db.db_path()) as cur:
                    report = ingest.ingest_bytes(cur, chosen, upload.getvalue(), upload.name,
                                                 loaded_by=user.username, user=user, load=False)
                ss["_data_check"] = (check_key, report)
            report = ss["_data_check"][1]
            size = (ui.t("data.size_mb", value=i18n.fmt_number(report.size_bytes / 1024 ** 2, lang, 1))
                    if report.size_bytes >= 1024 ** 2 else
                    ui.t("data.size_kb", value=i18n.fmt_number(report.size_bytes / 1024, lang, 1)))
            st.caption(ui.t("data.file_info", format=report.file_format.upper() or "—",
                            encoding=ENCODINGS.get(report.encoding, "—"), size=size, rows=count(report.rows),
                            delimiter=ui.t(f"data.separator_{DELIMITERS[report.delimiter]}")
                            if report.delimiter in DELIMITERS else "—"))
            if report.preview is not None and len(report.preview):
                with st.expander(ui.t("data.preview_title")):
                    st.dataframe(report.preview, hide_index=True, width="stretch")
            st.markdown(f"**{ui.t('data.report_title')}**")
            summary = f"{ingest.safe_value(report.file_name)}: {report.summary(lang)}"
            if report.status == "already_loaded":
                st.info(summary)
            elif report.status == "valid":
                st.success(ui.t("data.report_ok", count=report.rows))
            else:
                st.error(summary)
                st.caption(ui.t("data.upload_again"))
            if report.totals:
                st.caption(ui.t("data.report_totals_title"))
                st.dataframe(report.totals_table(lang), hide_index=True, width="stretch")
            if report.issues:
                st.caption(ui.t("data.report_rows_title", n=count(len(report.issues))))
                issues = report.table(lang)
                st.dataframe(issues, hide_index=True, width="stretch", height="auto" if len(issues) <= 10 else 360)
                ui.downloads(issues, f"validation_{chosen}", "data_report")
            if report.status == "valid" and st.button(ui.t("data.load_button", count=report.rows),
                                                      type="primary", icon=":material/upload:", key="data_load"):
                with st.spinner(ui.t("data.loading")):
                    try:
                        with access.writer(db.db_path()) as con:   # the writer role for this load only
                            loaded = ingest.ingest_bytes(con, chosen, upload.getvalue(), upload.name,
                                                         loaded_by=user.username, user=user)
                        level = "success" if loaded.status == "loaded" else "info" if loaded.accepted else "error"
                        message = f"{ingest.safe_value(loaded.file_name)}: {loaded.summary(lang)}"
                    except (ingest.IngestError, auth.PermissionDenied) as exc:
                        level, message = "error", ui.t("data.load_failed", error=ingest.safe_value(exc))
                    except access.Busy:
                        level, message = "error", ui.t("common.warehouse_busy")
                ss["_data_flash"] = [(level, message)]
                ss.pop("_data_check", None)
                ui.data_changed()
                st.rerun()

# ---- the load log, and rollback for those allowed ---------------------------------------------------------
with log_tab:
    st.subheader(ui.t("data.log_title"))
    st.caption(ui.t("data.log_caption", n=LOG_LIMIT))
    log = ui.query("data/load_log", region=f.region, limit=LOG_LIMIT)
    if len(log) == 0:
        ui.empty_state()
    else:
        log["dataset_label"] = log.dataset.map(dataset_name)
        log["file"] = log.file_name.map(ingest.safe_value)
        log["status_label"] = [ui.t(f"data.status_{s}") + (f" · {ui.t('data.log_demo')}" if demo else "")
                               for s, demo in zip(log.status, log.is_demo)]
        columns = {"load_id": ui.t("data.col_load_id"), "dataset_label": ui.t("data.col_dataset"),
                   "file": ui.t("data.col_file"), "status_label": ui.t("data.col_status"),
                   "row_count": ui.t("data.col_rows")}
        if f.region:
            columns["region_rows"] = ui.t("data.col_region_rows")
        columns |= {"data_from": ui.t("data.col_data_from"), "data_to": ui.t("data.col_data_to"),
                    "loaded_by": ui.t("data.col_loaded_by"), "loaded_at": ui.t("data.col_loaded_at"),
                    "rolled_back_by": ui.t("data.col_rolled_back_by"),
                    "rolled_back_at": ui.t("data.col_rolled_back_at")}
        formats = {"load_id": str, "row_count": count, "region_rows": count, "data_from": day, "data_to": day,
                   "loaded_at": when, "rolled_back_at": when, "rolled_back_by": plain}
        ui.table(log, columns, "load_log", "data_log", formats={c: formats[c] for c in columns if c in formats})

        st.markdown(f"**{ui.t('data.rollback_title')}**")
        st.caption(ui.t("data.rollback_help"))
        if user is None:
            st.info(ui.t("data.rollback_sign_in"), icon=":material/login:")
        else:
            allowed_rows = [s == "loaded" and ingest.can_rollback(user, d, by, demo)
                            for s, d, by, demo in zip(log.status, log.dataset, log.loaded_by, log.is_demo)]
            mine = log[allowed_rows]
            if len(mine) == 0:
                st.info(ui.t("data.rollback_none"))
            else:
                labels = {int(r.load_id): ui.t("data.load_label", load_id=int(r.load_id), dataset=r.dataset_label,
                                               file=r.file, rows=count(r.row_count), when=when(r.loaded_at))
                          for r in mine.itertuples()}
                # Keyed by the newest load: after a new load the list opens on it, the one most likely undone.
                pick = st.selectbox(ui.t("data.rollback_pick"), list(labels), format_func=labels.get,
                                    key=f"data_rollback_pick_{max(labels)}")
                rows = int(mine.set_index("load_id").loc[pick, "row_count"])
                sure = st.checkbox(ui.t("data.rollback_confirm", count=rows, load_id=pick),
                                   key=f"data_rollback_sure_{pick}")
                if st.button(ui.t("data.rollback_button"), disabled=not sure, icon=":material/undo:",
                             key="data_rollback"):
                    try:
                        with access.writer(db.db_path()) as con:
                            removed = ingest.rollback(con, pick, by=user.username, user=user)
                        ss["_data_flash"] = [("success", ui.t("data.rollback_done", load_id=pick, count=removed))]
                    except (ingest.IngestError, auth.PermissionDenied) as exc:
                        ss["_data_flash"] = [("error", ui.t("data.rollback_failed", error=ingest.safe_value(exc)))]
                    except access.Busy:
                        ss["_data_flash"] = [("error", ui.t("common.warehouse_busy"))]
                    ui.data_changed()
                    st.rerun()

# ---- the data dictionary, generated from dialogue.datasets ------------------------------------------------
with dictionary_tab:
    st.subheader(ui.t("data.dictionary_title"))
    st.caption(ui.t("data.dictionary_caption"))
    which = st.selectbox(ui.t("data.dictionary_pick"), [None, *datasets.NAMES], key="data_dictionary_pick",
                         format_func=lambda d: ui.t("data.all_datasets") if d is None else dataset_name(d))
    if which:
        st.caption(ui.t(f"data.about_{which}"))
        if datasets.get(which).key:
            st.caption(ui.t("data.keyed_rule", key=", ".join(datasets.get(which).key)))
    dictionary = pd.DataFrame(datasets.dictionary_table(lang, which))
    ui.table(dictionary, {c: ui.t(f"data.col_{c}") for c in
                          ("dataset", "column", "description", "type", "unit", "required", "key", "allowed",
                           "limits", "aliases_ru", "aliases_kk")},
             "data_dictionary", "data_dictionary", height=560)
