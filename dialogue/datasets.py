"""The datasets users upload: one definition each, the single source for the validator and the
data dictionary (columns, types, units, allowed values, limits, Russian and Kazakh header aliases).

Headers match case- and whitespace-insensitively ('Download Mbps', 'download_mbps' and 'Скорость
загрузки, Мбит/с' are the same column). Values are checked in SQL by dialogue.ingest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Column types: how a cell's text is read (see the data dictionary for the accepted spellings).
TYPES = ("timestamp", "date", "month", "kato", "operator", "choice", "multi", "number", "integer", "flag",
         "id", "text")
MAX_SPEED_MBPS = 10_000.0   # 10 Gbit/s: no consumer line measures more


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    required: bool = False
    unit: str | None = None                  # mbps, ms, kzt … (as in the column name)
    allowed: tuple[str, ...] = ()            # choice / multi: the codes a cell may hold
    minimum: float | None = None
    maximum: float | None = None
    above_minimum: bool = False              # the minimum itself is not allowed (latency > 0)
    future_ok: bool = False                  # dates: plans and deadlines may lie ahead
    max_length: int | None = None            # id / text
    multiline: bool = False                  # text: line breaks allowed (descriptions from Excel)
    aliases_ru: tuple[str, ...] = ()
    aliases_kk: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rule:
    """A check across two columns: `column` must not be before (or above) `other`."""

    column: str
    kind: str          # 'not_before' (dates) or 'not_above' (numbers)
    other: str


@dataclass(frozen=True)
class Dataset:
    name: str
    table: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()                 # unique within a file and against the warehouse
    rules: tuple[Rule, ...] = ()
    uploaded_by: tuple[str, ...] = field(default=())   # who usually sends it (for the dictionary)
    # Located by a KATO code or by latitude + longitude (WGS 84): a row needs one or the other.
    coordinates: bool = False
    # Read as published (Ookla tiles: Parquet or CSV, the whole world), not by the generic CSV/XLSX reader.
    published_format: str | None = None

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]


def _col(name, type_, required=False, ru=(), kk=(), **kw) -> Column:
    return Column(name, type_, required, aliases_ru=tuple(ru), aliases_kk=tuple(kk), **kw)


# The stages of a mast site's permits, in order (data/reference/permit_stages.csv holds their deadlines).
PERMIT_STAGES = ("land_request", "land_allocation", "sanitary", "apz", "design_approval", "works_notice",
                 "power_conditions", "grid_connection", "on_air")
TECHNOLOGIES = ("fixed", "3g", "4g", "5g", "satellite")
EVENT_KINDS = ("concert", "sport", "holiday", "forum", "other")
EVENT_NAME_MAX = 200
EVENT_RADIUS_M = (50.0, 20_000.0)      # a venue's surroundings: a square to a city's festival grounds
EVENT_ATTENDANCE_MAX = 5_000_000.0
EVENT_MAX_HOURS = 7 * 24               # longer, and the weeks before it would overlap it
_KATO = dict(ru=("като", "код като"), kk=("әаож", "әаож коды", "като коды"))
_OPERATOR = dict(ru=("оператор", "оператор связи"), kk=("байланыс операторы",))
_SPEED = dict(unit="mbps", minimum=0.0, maximum=MAX_SPEED_MBPS)
_KBPS = dict(unit="kbps", minimum=0.0, maximum=MAX_SPEED_MBPS * 1000)

DATASETS: dict[str, Dataset] = {d.name: d for d in (
    Dataset("speed_tests", "speed_test", (
        _col("measured_at", "timestamp", True, ru=("дата измерения", "время измерения"),
             kk=("өлшеу уақыты", "өлшеу күні")),
        _col("kato", "kato", **_KATO),
        _col("latitude", "number", unit="deg", minimum=-90.0, maximum=90.0, ru=("широта",), kk=("ендік",)),
        _col("longitude", "number", unit="deg", minimum=-180.0, maximum=180.0, ru=("долгота",), kk=("бойлық",)),
        _col("operator", "operator", True, **_OPERATOR),
        _col("technology", "choice", True, allowed=TECHNOLOGIES, ru=("технология",), kk=("технологиясы",)),
        _col("download_mbps", "number", True, ru=("скорость загрузки, мбит/с", "скорость загрузки"),
             kk=("жүктеу жылдамдығы, мбит/с", "жүктеу жылдамдығы"), **_SPEED),
        _col("upload_mbps", "number", ru=("скорость отдачи, мбит/с", "скорость отдачи"),
             kk=("жіберу жылдамдығы, мбит/с", "жіберу жылдамдығы"), **_SPEED),
        _col("latency_ms", "number", unit="ms", minimum=0.0, above_minimum=True, maximum=60_000.0,
             ru=("задержка, мс", "задержка"), kk=("кідіріс, мс", "кідіріс")),
        _col("source", "choice", True, allowed=("crowd", "operator", "regulator"), ru=("источник",),
             kk=("дереккөз",)),
    ), uploaded_by=("operator", "regulator"), coordinates=True),
    Dataset("coverage", "coverage", (
        _col("period", "month", True, ru=("период", "месяц"), kk=("кезең", "ай")),
        _col("kato", "kato", True, **_KATO),
        _col("operator", "operator", True, **_OPERATOR),
        _col("technology", "choice", True, allowed=TECHNOLOGIES, ru=("технология",), kk=("технологиясы",)),
        _col("covered", "flag", True, ru=("покрытие", "есть покрытие"), kk=("қамту", "қамтылған")),
    ), key=("period", "kato", "operator", "technology"), uploaded_by=("operator",)),
    Dataset("complaints", "complaint", (
        _col("complaint_id", "id", True, max_length=64, ru=("номер жалобы", "ид жалобы"), kk=("шағым нөмірі",)),
        _col("received_at", "timestamp", True, ru=("дата поступления", "дата получения"), kk=("түскен күні",)),
        _col("kato", "kato", True, **_KATO),
        _col("operator", "operator", True, **_OPERATOR),
        _col("service", "choice", True, allowed=("mobile", "fixed"), ru=("услуга", "вид услуги"),
             kk=("қызмет", "қызмет түрі")),
        _col("category", "choice", True, allowed=("no_coverage", "low_speed", "outage", "dropped_calls", "other"),
             ru=("категория",), kk=("санат",)),
        _col("status", "choice", True, allowed=("received", "verifying", "confirmed", "rejected", "resolved"),
             ru=("статус",), kk=("мәртебе",)),
        _col("verified_at", "timestamp", ru=("дата проверки",), kk=("тексерілген күні",)),
        _col("measured_download_mbps", "number", ru=("измеренная скорость, мбит/с", "измеренная скорость"),
             kk=("өлшенген жылдамдық, мбит/с", "өлшенген жылдамдық"), **_SPEED),
        _col("violation", "flag", ru=("нарушение",), kk=("бұзушылық",)),
        _col("fine_kzt", "integer", unit="kzt", minimum=0.0, maximum=1e12, ru=("штраф, тенге", "штраф"),
             kk=("айыппұл, теңге", "айыппұл")),
        _col("resolved_at", "timestamp", ru=("дата устранения", "дата решения"), kk=("шешілген күні",)),
    ), key=("complaint_id",), rules=(Rule("verified_at", "not_before", "received_at"),
                                     Rule("resolved_at", "not_before", "received_at")),
        uploaded_by=("regulator",)),
    Dataset("rollout", "rollout_item", (
        _col("item_id", "id", True, max_length=64, ru=("номер объекта", "ид объекта"), kk=("нысан нөмірі",)),
        _col("programme", "choice", True,
             allowed=("fibre_village", "last_mile", "4g_settlement", "5g_city", "road_4g", "satellite"),
             ru=("программа",), kk=("бағдарлама",)),
        _col("kato", "kato", True, **_KATO),
        _col("operator", "operator", True, **_OPERATOR),
        _col("unit", "choice", True, allowed=("settlement", "household", "km", "site"),
             ru=("единица измерения", "единица"), kk=("өлшем бірлігі",)),
        _col("planned_units", "number", True, minimum=0.0, above_minimum=True, maximum=1e9,
             ru=("план", "плановый объём"), kk=("жоспар", "жоспарлы көлем")),
        _col("done_units", "number", True, minimum=0.0, maximum=1e9, ru=("факт", "выполнено"),
             kk=("орындалды", "нақты")),
        _col("planned_date", "date", True, future_ok=True, ru=("плановая дата", "срок"),
             kk=("жоспарлы күні", "мерзімі")),
        _col("status", "choice", True, allowed=("planned", "design", "construction", "done", "delayed", "cancelled"),
             ru=("статус",), kk=("мәртебе",)),
        _col("completed_date", "date", ru=("дата завершения",), kk=("аяқталған күні",)),
    ), key=("item_id",), rules=(Rule("done_units", "not_above", "planned_units"),),
        uploaded_by=("operator", "ministry")),
    Dataset("bottlenecks", "bottleneck", (
        _col("bottleneck_id", "id", True, max_length=64, ru=("номер проблемы", "ид проблемы"),
             kk=("кедергі нөмірі",)),
        _col("kind", "choice", True, allowed=("mast_permit", "land_plot", "power_access", "right_of_way", "other"),
             ru=("вид проблемы", "вид"), kk=("кедергі түрі", "түрі")),
        _col("kato", "kato", True, **_KATO),
        _col("operator", "operator", True, **_OPERATOR),
        _col("site_ref", "text", max_length=100, ru=("код площадки", "площадка"), kk=("алаң коды", "алаң")),
        _col("responsible", "choice", True, allowed=("akimat", "ministry", "utility", "operator", "other"),
             ru=("ответственный",), kk=("жауапты",)),
        _col("opened_on", "date", True, ru=("дата открытия",), kk=("ашылған күні",)),
        _col("due_on", "date", future_ok=True, ru=("срок решения",), kk=("шешу мерзімі",)),
        _col("status", "choice", True, allowed=("open", "in_progress", "escalated", "resolved"),
             ru=("статус",), kk=("мәртебе",)),
        _col("resolved_on", "date", ru=("дата решения",), kk=("шешілген күні",)),
        _col("rollout_item_id", "id", max_length=64, ru=("номер объекта программы",),
             kk=("бағдарлама нысанының нөмірі",)),
        _col("description", "text", max_length=2000, multiline=True, ru=("описание",), kk=("сипаттама",)),
    ), key=("bottleneck_id",), rules=(Rule("due_on", "not_before", "opened_on"),
                                      Rule("resolved_on", "not_before", "opened_on")),
        uploaded_by=("operator", "akimat", "ministry")),
    Dataset("survey", "survey_response", (
        _col("response_id", "id", True, max_length=64, ru=("номер анкеты", "ид ответа"),
             kk=("сауалнама нөмірі", "жауап нөмірі")),
        _col("period", "month", True, ru=("период", "месяц"), kk=("кезең", "ай")),
        _col("kato", "kato", True, **_KATO),
        _col("firm_size", "choice", True, allowed=("micro", "small", "medium", "large"),
             ru=("размер предприятия",), kk=("кәсіпорын көлемі",)),
        _col("sector", "text", True, max_length=100, ru=("отрасль",), kk=("сала",)),
        _col("connection", "choice", True, allowed=("fixed", "mobile", "satellite", "none"),
             ru=("подключение", "тип подключения"), kk=("қосылым", "қосылым түрі")),
        _col("download_mbps", "number", ru=("скорость загрузки, мбит/с", "скорость загрузки"),
             kk=("жүктеу жылдамдығы, мбит/с", "жүктеу жылдамдығы"), **_SPEED),
        _col("satisfaction", "integer", minimum=1.0, maximum=5.0, ru=("удовлетворённость", "оценка"),
             kk=("қанағаттану", "баға")),
        _col("barriers", "multi", allowed=("cost", "speed", "availability", "reliability", "skills", "other"),
             ru=("барьеры", "препятствия"), kk=("кедергілер",)),
    ), key=("response_id",), uploaded_by=("atameken",)),
    # Ookla open data as published: quarterly files of zoom-16 tiles for the whole world. The quarter and
    # fixed/mobile come from the file name (2026-07-01_performance_fixed_tiles.parquet) or are given.
    Dataset("speed_tiles", "speed_tile", (
        _col("quarter", "date", True, ru=("квартал",), kk=("тоқсан",)),
        _col("tile_type", "choice", True, allowed=("fixed", "mobile"), ru=("тип тайла",), kk=("тайл түрі",)),
        _col("quadkey", "id", True, max_length=16, ru=("квадключ",), kk=("квадкілт",)),
        _col("tile", "text", max_length=1000, ru=("тайл", "полигон тайла"), kk=("тайл полигоны",)),
        _col("avg_d_kbps", "number", True, ru=("средняя загрузка, кбит/с",), kk=("орташа жүктеу, кбит/с",), **_KBPS),
        _col("avg_u_kbps", "number", ru=("средняя отдача, кбит/с",), kk=("орташа жіберу, кбит/с",), **_KBPS),
        _col("avg_lat_ms", "number", unit="ms", minimum=0.0, maximum=60_000.0, ru=("средняя задержка, мс",),
             kk=("орташа кідіріс, мс",)),
        _col("tests", "integer", True, minimum=1.0, maximum=1e9, ru=("тестов", "число тестов"),
             kk=("тест саны",)),
        _col("devices", "integer", minimum=1.0, maximum=1e9, ru=("устройств", "число устройств"),
             kk=("құрылғы саны",)),
    ), key=("quarter", "tile_type", "quadkey"), uploaded_by=("regulator", "ministry"),
        published_format="ookla_tiles"),
    # One row per round of a stage of a site's permit application (dialogue.ingest.permits checks the rows of a
    # site together: stages in order, rounds of a stage not overlapping, one region per site).
    Dataset("permits", "permit", (
        _col("site_ref", "id", True, max_length=100, ru=("код площадки", "площадка"), kk=("алаң коды", "алаң")),
        _col("operator", "operator", True, **_OPERATOR),
        _col("kato", "kato", True, **_KATO),
        _col("stage", "choice", True, allowed=PERMIT_STAGES, ru=("этап",), kk=("кезең",)),
        _col("authority", "text", max_length=200, ru=("орган", "уполномоченный орган"), kk=("орган", "уәкілетті орган")),
        _col("submitted_on", "date", True, ru=("дата подачи",), kk=("берілген күні",)),
        _col("decided_on", "date", ru=("дата решения",), kk=("шешім күні",)),
        _col("outcome", "choice", allowed=("approved", "refused", "returned"), ru=("результат", "решение"),
             kk=("нәтиже",)),
        _col("resubmitted_on", "date", ru=("дата повторной подачи",), kk=("қайта берілген күні",)),
        _col("power_kw", "number", unit="kw", minimum=0.0, maximum=1e6, ru=("мощность, квт", "мощность"),
             kk=("қуаты, квт", "қуаты")),
        _col("rollout_item_id", "id", max_length=64, ru=("номер объекта программы",),
             kk=("бағдарлама нысанының нөмірі",)),
        _col("note", "text", max_length=2000, multiline=True, ru=("примечание", "причина"), kk=("ескерту", "себебі")),
    ), key=("site_ref", "stage", "submitted_on"),
        rules=(Rule("decided_on", "not_before", "submitted_on"), Rule("resubmitted_on", "not_before", "decided_on")),
        uploaded_by=("operator", "akimat", "ministry")),
    # Mass events (concerts, matches, holidays, forums), local time (UTC+5); placed by a KATO code or by a venue's
    # point with the radius its crowd fills (dialogue.ingest.events: an end after the start, a week at most, a
    # radius only with a point). Entered on the Events page too (dialogue.events).
    Dataset("events", "mass_event", (
        _col("name", "text", True, max_length=EVENT_NAME_MAX, ru=("название", "мероприятие"),
             kk=("атауы", "іс-шара")),
        _col("kind", "choice", True, allowed=EVENT_KINDS, ru=("вид", "вид мероприятия"), kk=("түрі", "іс-шара түрі")),
        _col("kato", "kato", **_KATO),
        _col("latitude", "number", unit="deg", minimum=-90.0, maximum=90.0, ru=("широта",), kk=("ендік",)),
        _col("longitude", "number", unit="deg", minimum=-180.0, maximum=180.0, ru=("долгота",), kk=("бойлық",)),
        _col("radius_m", "number", unit="m", minimum=EVENT_RADIUS_M[0], maximum=EVENT_RADIUS_M[1],
             ru=("радиус, м", "радиус"), kk=("радиусы, м", "радиусы")),
        _col("starts_at", "timestamp", True, future_ok=True, ru=("начало", "время начала"),
             kk=("басталуы", "басталу уақыты")),
        _col("ends_at", "timestamp", True, future_ok=True, ru=("окончание", "время окончания"),
             kk=("аяқталуы", "аяқталу уақыты")),
        _col("attendance", "integer", minimum=0.0, maximum=EVENT_ATTENDANCE_MAX,
             ru=("ожидаемое число участников", "участников"), kk=("күтілетін қатысушылар саны", "қатысушылар")),
        _col("source", "text", max_length=200, ru=("источник",), kk=("дереккөз",)),
    ), key=("name", "starts_at"), uploaded_by=("ministry", "regulator", "operator"), coordinates=True),
)}

NAMES = tuple(DATASETS)


def get(name: str) -> Dataset:
    """The dataset of that name (KeyError with the known names otherwise)."""
    try:
        return DATASETS[name]
    except KeyError:
        raise KeyError(f"unknown dataset {name!r}; known: {', '.join(NAMES)}") from None


def normalise_header(text: str) -> str:
    """'  Download_Mbps ' → 'download mbps'; 'Удовлетворённость' → 'удовлетворенность'."""
    text = str(text).replace("\ufeff", "").lower().replace("ё", "е")
    return " ".join(re.sub(r"[_\-\s]+", " ", text).split())


def header_names(column: Column) -> list[str]:
    """Every accepted spelling of a column's header, normalised (English name first)."""
    names = [normalise_header(n) for n in (column.name, *column.aliases_ru, *column.aliases_kk)]
    return list(dict.fromkeys(names))


@dataclass
class HeaderMatch:
    columns: dict[int, str]            # position in the file → canonical column
    missing: list[str]                 # required columns not found
    unknown: list[tuple[int, str]]     # (position, header as given): ignored
    repeated: list[tuple[int, str]]    # a second header for a column already found


def match_headers(dataset: Dataset, headers: list[str]) -> HeaderMatch:
    """Map a file's header line to the dataset's columns."""
    lookup = {n: c.name for c in dataset.columns for n in header_names(c)}
    found: dict[int, str] = {}
    unknown, repeated = [], []
    for i, h in enumerate(headers):
        name = lookup.get(normalise_header(h or ""))
        if name is None:
            unknown.append((i, h or ""))
        elif name in found.values():
            repeated.append((i, h))
        else:
            found[i] = name
    missing = [c for c in dataset.required if c not in found.values()]
    return HeaderMatch(found, missing, unknown, repeated)


def best_match(headers: list[str], exclude: str | None = None) -> str | None:
    """The dataset whose required columns a header line carries completely, if any (a wrong-file hint)."""
    for name, ds in DATASETS.items():
        if name == exclude:
            continue
        m = match_headers(ds, headers)
        if not m.missing and len(m.columns) >= len(ds.required):
            return name
    return None


def dictionary() -> list[dict]:
    """The data dictionary: one row per (dataset, column), for the Data page and its download."""
    rows = []
    for ds in DATASETS.values():
        for position, c in enumerate(ds.columns, start=1):
            rows.append({
                "dataset": ds.name, "position": position, "column": c.name, "type": c.type,
                "required": c.required, "unit": c.unit or "", "key": c.name in ds.key,
                "allowed": "; ".join(c.allowed), "minimum": c.minimum, "maximum": c.maximum,
                "above_minimum": c.above_minimum, "future_ok": c.future_ok, "max_length": c.max_length,
                "aliases_ru": "; ".join(c.aliases_ru), "aliases_kk": "; ".join(c.aliases_kk),
            })
    return rows


def _limits(c: Column, lang: str) -> str:
    from dialogue import i18n

    parts = []
    if c.minimum is not None:
        key = "data.limit_above" if c.above_minimum else "data.limit_min"
        parts.append(i18n.t(key, lang, value=i18n.fmt_number(c.minimum, lang)))
    if c.maximum is not None:
        parts.append(i18n.t("data.limit_max", lang, value=i18n.fmt_number(c.maximum, lang)))
    if c.max_length:
        parts.append(i18n.t("data.limit_length", lang, value=i18n.fmt_number(c.max_length, lang)))
    if c.type in ("timestamp", "date", "month") and not c.future_ok:
        parts.append(i18n.t("data.limit_not_future", lang))
    return "; ".join(parts)


def _description(ds: Dataset, c: Column, lang: str) -> str:
    """A column's description: the dataset's own where a name means something else there (an event's kind)."""
    from dialogue import i18n

    own = f"data.field_{ds.name}_{c.name}"
    return i18n.t(own if own in i18n.catalogue("en") else f"data.field_{c.name}", lang)


def dictionary_table(lang: str, dataset: str | None = None) -> list[dict]:
    """The data dictionary in a language: one row per (dataset, column), keyed by the data.col_* headings."""
    from dialogue import i18n

    yes, no = i18n.t("data.yes", lang), i18n.t("data.no", lang)
    rows = []
    for ds in DATASETS.values():
        if dataset is not None and ds.name != dataset:
            continue
        for c in ds.columns:
            rows.append({
                "dataset": i18n.t(f"data.dataset_{ds.name}", lang), "column": c.name,
                "description": _description(ds, c, lang), "type": i18n.t(f"data.type_{c.type}", lang),
                "unit": c.unit or "", "required": yes if c.required else no, "key": yes if c.name in ds.key else "",
                "allowed": "; ".join(c.allowed), "limits": _limits(c, lang),
                "aliases_ru": "; ".join(c.aliases_ru), "aliases_kk": "; ".join(c.aliases_kk),
            })
    return rows
