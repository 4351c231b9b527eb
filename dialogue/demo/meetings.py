"""Council of Operators meetings and their action items, with their history: a year of closed Councils, a regional
dialogue in Kazakh, and the next Council scheduled with its agenda. Their records are written in the meeting's
language, as the Council writes them (Russian; Kazakh for the regional dialogue)."""

from __future__ import annotations

import datetime as dt
import json

import duckdb
import numpy as np
import pandas as pd

from dialogue.demo.base import S_MEETING, SPIKE_REGION, _day, _Geo, _ids, _pick, _rng, _Span, _ts
from dialogue.meetings import AGENDA_ITEMS

# topic: (owner, {lang: the item's wording}); the register names its region beside it.
ACTIONS = {
    "quality": ("regulator", {
        "ru": ["измерить скорость фиксированных линий там, где тесты ниже 10 Мбит/с, и доложить по районам",
               "опубликовать ежемесячный рейтинг скорости по операторам"],
        "kk": ["тесттер 10 Мбит/с-тан төмен жерлерде тіркелген желілердің жылдамдығын өлшеп, аудандар бойынша баяндау",
               "операторлар бойынша ай сайынғы жылдамдық рейтингін жариялау"]}),
    "complaints": ("operator", {
        "ru": ["объяснить рост жалоб на перебои связи и предложенную абонентам компенсацию",
               "закрыть проверенные жалобы старше 60 дней"],
        "kk": ["байланыс үзілістері туралы шағымдардың өсуін және абоненттерге ұсынылған өтемақыны түсіндіру",
               "60 күннен асқан тексерілген шағымдарды жабу"]}),
    "rollout": ("ministry", {
        "ru": ["представить план восстановления графика по отстающим сёлам с ВОЛС",
               "подтвердить график 4G вдоль автодорог на 2027 год"],
        "kk": ["ТОБЖ жүргізу кешіккен ауылдар бойынша кестені қалпына келтіру жоспарын ұсыну",
               "2027 жылға автожолдар бойындағы 4G кестесін растау"]}),
    "bottlenecks": ("akimat", {
        "ru": ["принять решения по самым старым заявкам на разрешения для опор в течение 30 дней",
               "выделить ожидающие земельные участки под узлы ВОЛС"],
        "kk": ["ең ескі мачта рұқсаттары өтінімдері бойынша 30 күн ішінде шешім қабылдау",
               "ТОБЖ тораптары үшін күтудегі жер учаскелерін бөлу"]}),
    "business": ("atameken", {
        "ru": ["представить результаты опроса бизнеса о качестве связи",
               "собрать примеры предприятий, которым мешает медленная связь"],
        "kk": ["бизнес сауалнамасының байланыс сапасы бойынша нәтижелерін ұсыну",
               "баяу байланыс кедергі келтіретін кәсіпорындардың мысалдарын жинау"]}),
}
ALL_REGIONS = {"ru": "Всем регионам", "kk": "Барлық өңірлерге"}
# Where each topic comes up most: the regions of the demo's stories.
TOPIC_REGIONS = {"quality": {"KZ-61": 2.0, "KZ-62": 2.0, "KZ-15": 2.0}, "complaints": {"KZ-47": 3.0},
                 "rollout": {"KZ-61": 5.0, "KZ-43": 3.0, "KZ-19": 2.0, "KZ-33": 2.0},
                 "bottlenecks": {"KZ-19": 4.0, "KZ-33": 4.0, "KZ-61": 4.0}, "business": {}}
AGENDA = AGENDA_ITEMS   # the agenda a new meeting gets, permits past the clock included
MONTHS = {"ru": ["январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь",
                 "ноябрь", "декабрь"],
          "kk": ["қаңтар", "ақпан", "наурыз", "сәуір", "мамыр", "маусым", "шілде", "тамыз", "қыркүйек", "қазан",
                 "қараша", "желтоқсан"]}
COUNCIL_ATTENDEES = ["Министерство цифрового развития (председатель)", "Комитет телекоммуникаций (регулятор)",
                     "Оператор A", "Оператор B", "Оператор C", "Оператор D", "Оператор E (спутниковая связь)",
                     "НПП «Атамекен»", "Секретарь Совета"]
COUNCIL_DECISIONS = [
    "Принять к сведению национальные показатели качества связи за отчётный период.",
    "Регионам ниже порогового значения представить планы мер к следующему заседанию.",
    "Регулятору провести выборочные замеры скорости по регионам с ростом жалоб.",
    "Рассмотреть на следующем заседании отстающие проекты программы «Доступный интернет».",
    "Акиматам рассматривать заявки на разрешения для опор связи не дольше 30 дней.",
    "Операторам публиковать сведения о плановых работах и перебоях за сутки до начала работ.",
]
# The regional dialogue: Turkistan region, where land plots hold fibre back; its record is in Kazakh.
DIALOGUE_REGION = "KZ-61"
DIALOGUE_ATTENDEES = ["Түркістан облысының әкімдігі (төраға)", "Цифрлық даму министрлігі",
                      "Телекоммуникациялар комитеті (реттеуші)", "Оператор A", "Оператор C",
                      "«Атамекен» ҰКП өңірлік палатасы"]
DIALOGUE_DECISIONS = ["Өңірдің байланыс сапасының көрсеткіштері назарға алынсын.",
                      "ТОБЖ тораптарына жер учаскелерін бөлу мерзімі 30 күннен аспасын.",
                      "Операторлар кешіккен нысандар бойынша жаңартылған кестені келесі кездесуге ұсынсын."]
DIALOGUE_ITEMS = [("bottlenecks", "akimat", "ТОБЖ тораптары үшін күтудегі жер учаскелерін бөлу", 21, "done"),
                  ("rollout", "operator", "Кешіккен ауылдар бойынша ТОБЖ жүргізу кестесін жаңарту", 35, "open"),
                  ("quality", "regulator", "Шағым түскен аудандарда тіркелген желілердің жылдамдығын өлшеу", 40,
                   "open")]
# The item the Council carries over twice: decided three Councils back, still open and overdue.
CARRIED = ("bottlenecks", "akimat", "KZ-19", "принять решения по 12 заявкам на разрешения для опор связи, "
           "ожидающим больше года")


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _second_tuesday(month: np.datetime64) -> np.datetime64:
    first = month.astype("datetime64[M]").astype("datetime64[D]")
    # 1970-01-01 was a Thursday, so weekday = (days + 3) % 7 with Monday = 0.
    return first + np.timedelta64((1 - (first.astype(np.int64) + 3) % 7) % 7 + 7, "D")


def _title(kind: str, lang: str, day: np.datetime64, region_name: str | None = None) -> str:
    month = day.astype("datetime64[M]")
    label = f"{MONTHS[lang][int(str(month)[5:]) - 1]} {str(month)[:4]}"
    if kind == "regional":
        return f"{region_name}: өңірлік диалог, {label}"
    return f"Совет операторов связи, {label}"


def _meetings(geo: _Geo, span: _Span, seed: int, names: dict[str, dict[str, str]] | None = None
              ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(meetings, action items, their history, decisions); names: region short names by language."""
    rng = _rng(seed, S_MEETING)
    held = []
    month = span.last.astype("datetime64[M]")
    while len(held) < 12 and month >= np.datetime64("2024-01", "M"):
        tuesday = _second_tuesday(month)
        if tuesday <= span.last:
            held.append(tuesday)
        month -= 1
    held = sorted(held)
    codes = geo.regions.region_code.to_numpy()
    names = names or {lang: dict(zip(codes, geo.regions.name_en, strict=True)) for lang in ("ru", "kk")}
    meetings = pd.DataFrame({
        "meeting_id": [f"M-{d.astype('datetime64[M]')}" for d in held], "held_on": held,
        "title": [_title("council", "ru", d) for d in held], "kind": "council", "region_code": None,
        "period_key": [str(d.astype("datetime64[M]") - 1) for d in held], "lang": "ru", "status": "closed",
        "attendees": [list(COUNCIL_ATTENDEES)] * len(held), "agenda": [list(AGENDA)] * len(held)})
    empty = (pd.DataFrame(columns=["action_id", "meeting_id", "topic", "text", "owner", "status"]),
             pd.DataFrame(columns=["entity", "entity_id", "changed_at", "changed_by", "field", "new_value"]),
             pd.DataFrame(columns=["decision_id", "meeting_id", "position", "text", "region_code", "recorded_at",
                                   "recorded_by"]))
    if not held:  # as_of before the first meeting
        return (meetings, *empty)
    spike_month = span.last.astype("datetime64[M]") - 3
    after_spike = [d for d in held if d.astype("datetime64[M]") > spike_month]
    spike_meeting = f"M-{after_spike[0].astype('datetime64[M]')}" if after_spike else None
    # Open items come from the last two Councils only (older ones were done or dropped), besides the one
    # carried over twice, so the carried list tells one story.
    recent = set(meetings.meeting_id.iloc[-2:])
    carried_meeting = meetings.meeting_id.iloc[-3] if len(held) >= 3 else None
    rows = []
    for meeting in meetings.itertuples():
        story = meeting.meeting_id == spike_meeting
        for _ in range(int(rng.integers(3, 7)) - story - (meeting.meeting_id == carried_meeting)):
            topic = list(ACTIONS)[_pick(rng, [0.2, 0.2, 0.25, 0.25, 0.1], 1)[0]]
            owner, texts = ACTIONS[topic]
            national = rng.random() < 0.15
            weights = [TOPIC_REGIONS[topic].get(c, 1.0) for c in codes]
            region = None if national else codes[_pick(rng, weights, 1)[0]]
            wording = texts["ru"][int(rng.integers(len(texts["ru"])))]
            # The register names the region beside the text; a national item says so in its wording.
            text = _sentence(f"{ALL_REGIONS['ru'].lower()}: {wording}" if national else wording)
            due = meeting.held_on + np.timedelta64(int(rng.integers(30, 62)), "D")
            if meeting.meeting_id == meetings.meeting_id.iloc[-2] and len(held) >= 2:
                due = meeting.held_on + np.timedelta64(28, "D")  # due before the next Council: some are overdue
            rows.append({"meeting_id": meeting.meeting_id, "held_on": meeting.held_on, "region_code": region,
                         "topic": topic, "text": text, "owner": owner, "due_on": due, "u": rng.random(),
                         "lag": int(rng.integers(7, 45)), "recent": meeting.meeting_id in recent})
        if story:
            # Story: the first council after the Mangystau outage asks Operator B to account for it.
            rows.append({"meeting_id": meeting.meeting_id, "held_on": meeting.held_on, "region_code": SPIKE_REGION,
                         "topic": "complaints", "text": "Оператор B — доложить о сбое мобильной связи и "
                         "компенсации абонентам", "owner": "operator",
                         "due_on": meeting.held_on + np.timedelta64(30, "D"), "u": 0.5, "lag": 21, "recent": True})
        if meeting.meeting_id == carried_meeting:
            topic, owner, region, wording = CARRIED
            rows.append({"meeting_id": meeting.meeting_id, "held_on": meeting.held_on, "region_code": region,
                         "topic": topic, "text": _sentence(wording), "owner": owner,
                         "due_on": meeting.held_on + np.timedelta64(30, "D"), "u": 0.99, "lag": 0, "recent": True})
    # The regional dialogue, two days after the last Council (when that day has passed).
    dialogue_day = held[-1] + np.timedelta64(2, "D")
    regional = []
    if dialogue_day <= span.last:
        rid = f"R-{DIALOGUE_REGION[3:]}-{dialogue_day.astype('datetime64[M]')}"
        regional = [{"meeting_id": rid, "held_on": dialogue_day,
                     "title": _title("regional", "kk", dialogue_day, names["kk"][DIALOGUE_REGION]),
                     "kind": "regional", "region_code": DIALOGUE_REGION,
                     "period_key": str(dialogue_day.astype("datetime64[M]") - 1), "lang": "kk", "status": "closed",
                     "attendees": list(DIALOGUE_ATTENDEES), "agenda": list(AGENDA)}]
        for topic, owner, wording, days, status in DIALOGUE_ITEMS:
            rows.append({"meeting_id": rid, "held_on": dialogue_day, "region_code": DIALOGUE_REGION, "topic": topic,
                         "text": wording, "owner": owner, "due_on": dialogue_day + np.timedelta64(days, "D"),
                         "u": 0.01 if status == "done" else 0.99, "lag": 5, "recent": True})
    # The next Council, scheduled with its agenda: the shared screen presents it on the first run.
    following = _second_tuesday(held[-1].astype("datetime64[M]") + 1)
    upcoming = {"meeting_id": f"M-{following.astype('datetime64[M]')}", "held_on": following,
                "title": _title("council", "ru", following), "kind": "council", "region_code": None,
                "period_key": str(following.astype("datetime64[M]") - 1), "lang": "ru", "status": "open",
                "attendees": list(COUNCIL_ATTENDEES), "agenda": list(AGENDA)}
    meetings = pd.concat([meetings, pd.DataFrame([*regional, upcoming])], ignore_index=True)
    meetings["held_on"] = pd.to_datetime(meetings.held_on).dt.date
    meetings["created_at"] = [pd.Timestamp(d) - pd.Timedelta(days=14) + pd.Timedelta(hours=10) for d in meetings.held_on]
    # An upcoming meeting is written down a week before the as-of day at the latest.
    meetings.loc[meetings.status == "open", "created_at"] = min(
        meetings.created_at.iloc[-1], pd.Timestamp(span.as_of) - pd.Timedelta(days=7) + pd.Timedelta(hours=10))
    meetings["created_by"] = "demo"
    closed_at = [pd.Timestamp(d) + pd.Timedelta(hours=17) for d in meetings.held_on]
    meetings["closed_at"] = [c if s == "closed" else pd.NaT for c, s in zip(closed_at, meetings.status, strict=True)]
    meetings["closed_by"] = np.where(meetings.status == "closed", "demo", None)
    meetings["version"] = np.where(meetings.status == "closed", 2, 1)

    a = pd.DataFrame(rows)
    a["action_id"] = _ids("A-", np.arange(1, len(a) + 1), 4)
    overdue = a.due_on.to_numpy() < span.as_of
    # The Council before the last handed out items due before the next one: half of them still open, overdue.
    second = (a.meeting_id == f"M-{held[-2].astype('datetime64[M]')}").to_numpy() if len(held) >= 2 else False
    a["status"] = np.where(overdue, np.select([a.u < np.where(second, 0.5, 0.75), (a.u < 0.82) & ~second | ~a.recent],
                                              ["done", "dropped"], "open"),
                           np.where(a.u < 0.15, "done", "open"))
    created = pd.DataFrame({"entity": "action_item", "entity_id": a.action_id,
                            "changed_at": _day(a.held_on).astype("datetime64[us]") + np.timedelta64(15, "h")
                                          + a.groupby("meeting_id").cumcount().to_numpy() * np.timedelta64(7, "m"),
                            "changed_by": "demo",
                            "field": "status", "old_value": None, "new_value": "open", "note": "created"})
    closed = a[a.status != "open"]
    when = np.minimum(closed.held_on.to_numpy() + closed.lag.to_numpy().astype("timedelta64[D]"), span.last)
    akimat = closed.region_code.notna() & (closed.owner == "akimat")
    closing = pd.DataFrame({"entity": "action_item", "entity_id": closed.action_id, "changed_at": _ts(when, rng),
                            "changed_by": np.where(akimat, "akimat." + closed.region_code.fillna(""),
                                                   closed.owner),
                            "field": "status", "old_value": "open",
                            "new_value": closed.status.to_numpy(), "note": None})
    # Closed at least an hour after it was written down (a meeting held on the last day).
    created_at = created.set_index("entity_id").changed_at.reindex(closing.entity_id).to_numpy()
    closing["changed_at"] = np.maximum(closing.changed_at.to_numpy(), created_at + np.timedelta64(1, "h"))
    # The meetings' own history: written down, then closed at the end of their day.
    m_events = [{"entity": "meeting", "entity_id": m.meeting_id, "changed_at": m.created_at, "changed_by": "demo",
                 "field": "status", "old_value": None, "new_value": "open", "note": "created"}
                for m in meetings.itertuples()]
    m_events += [{"entity": "meeting", "entity_id": m.meeting_id, "changed_at": m.closed_at, "changed_by": "demo",
                  "field": "status", "old_value": "open", "new_value": "closed", "note": None}
                 for m in meetings.itertuples() if m.status == "closed"]
    decisions = []
    for m in meetings[meetings.status == "closed"].itertuples():
        regional_meeting = m.kind == "regional"
        pool = DIALOGUE_DECISIONS if regional_meeting else COUNCIL_DECISIONS
        chosen = pool if regional_meeting else [pool[0]] + [pool[i] for i in sorted(
            rng.choice(np.arange(1, len(pool)), size=int(rng.integers(1, 3)), replace=False))]
        for position, text in enumerate(chosen, 1):
            decisions.append({"meeting_id": m.meeting_id, "position": position, "text": text,
                              "region_code": m.region_code,
                              "recorded_at": pd.Timestamp(m.held_on) + pd.Timedelta(hours=15, minutes=3 * position),
                              "recorded_by": "demo"})
    decisions = pd.DataFrame(decisions)
    decisions.insert(0, "decision_id", _ids("D-", np.arange(1, len(decisions) + 1), 4))
    d_events = pd.DataFrame({"entity": "decision", "entity_id": decisions.decision_id,
                             "changed_at": decisions.recorded_at, "changed_by": "demo", "field": "text",
                             "old_value": None, "new_value": decisions.text, "note": decisions.meeting_id})
    for frame in (created, closing):
        frame["changed_at"] = pd.to_datetime(frame.changed_at)
    events = pd.concat([created, closing, pd.DataFrame(m_events), d_events], ignore_index=True)
    events["changed_at"] = pd.to_datetime(events.changed_at).astype("datetime64[us]")
    item_events = events[events.entity == "action_item"]
    latest = item_events.sort_values(["entity_id", "changed_at"], kind="stable").groupby("entity_id").tail(1)
    latest = latest.set_index("entity_id").reindex(a.action_id)
    actions = a.assign(version=1 + (a.status != "open").to_numpy().astype(int),
                       updated_at=latest.changed_at.to_numpy(), updated_by=latest.changed_by.to_numpy())
    actions = actions[["action_id", "meeting_id", "region_code", "topic", "text", "owner", "due_on", "status",
                       "version", "updated_at", "updated_by"]]
    return meetings, actions, events, decisions


def region_names(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, str]]:
    """The regions' names by language, as the records write them."""
    frame = con.execute("select region_code, name_ru, name_kk from region order by region_code").df()
    return {"ru": dict(zip(frame.region_code, frame.name_ru, strict=True)),
            "kk": dict(zip(frame.region_code, frame.name_kk, strict=True))}


def freeze(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> int:
    """Freeze the record of every closed meeting, oldest first (each compares with the one before), as closing
    it in the app does; return how many were frozen."""
    from dialogue import db, periods
    from dialogue.sections import Context, agenda, register

    answers: dict = {}

    def run(name: str, **params) -> pd.DataFrame:
        # Every meeting asks the same questions of geography and many of the same period: ask each once.
        key = (name, tuple(sorted((k, v) for k, v in params.items() if k in db.declared_parameters(name))))
        if key not in answers:
            answers[key] = db.run(con, name, **params)
        return answers[key].copy()

    closed = con.execute("select meeting_id from meeting where status = 'closed' order by held_on, meeting_id"
                         ).fetchall()
    for (meeting_id,) in closed:
        base = Context(None, periods.parse(str(as_of)[:7]), "ru", as_of, run)
        row = register.meeting(base, meeting_id)
        ctx = register.meeting_context(base, row, row["lang"])
        frozen = json.dumps(agenda.snapshot(ctx, row), ensure_ascii=False, default=_json_default)
        con.execute("update meeting set snapshot = $s where meeting_id = $id", {"s": frozen, "id": meeting_id})
        answers = {k: v for k, v in answers.items() if not k[0].startswith("meetings/")}
    return len(closed)


def _json_default(value):
    from dialogue import meetings
    return meetings._json_default(value)


# ---- Ookla-style speed tiles ---------------------------------------------------------------------
