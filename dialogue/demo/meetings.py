"""Council of Operators meetings and their action items, with their history."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dialogue.demo.base import S_MEETING, SPIKE_REGION, _day, _Geo, _ids, _pick, _rng, _Span, _ts

ACTIONS = {
    "quality": ("regulator", ["Measure fixed lines in {r} where tests fall under 10 Mbps and report by district",
                              "Publish the monthly speed league table including {r}"]),
    "complaints": ("operator", ["Explain the rise in outage complaints in {r} and the compensation offered",
                                "Close verified complaints older than 60 days in {r}"]),
    "rollout": ("ministry", ["Present a recovery plan for the delayed fibre villages in {r}",
                             "Confirm the 2027 schedule for 4G along the highways of {r}"]),
    "bottlenecks": ("akimat", ["Decide the oldest antenna mast permits in {r} within 30 days",
                               "Allocate the pending land plots for fibre nodes in {r}"]),
    "business": ("atameken", ["Share the business survey findings on connectivity in {r}",
                              "Collect examples of firms in {r} held back by slow connections"]),
}
# Where each topic comes up most: the regions of the demo's stories.
TOPIC_REGIONS = {"quality": {"KZ-61": 2.0, "KZ-62": 2.0, "KZ-15": 2.0}, "complaints": {"KZ-47": 3.0},
                 "rollout": {"KZ-61": 5.0, "KZ-43": 3.0, "KZ-19": 2.0, "KZ-33": 2.0},
                 "bottlenecks": {"KZ-19": 4.0, "KZ-33": 4.0, "KZ-61": 4.0}, "business": {}}


def _meetings(geo: _Geo, span: _Span, seed: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    rng = _rng(seed, S_MEETING)
    held = []
    month = span.last.astype("datetime64[M]")
    while len(held) < 12 and month >= np.datetime64("2024-01", "M"):
        first = month.astype("datetime64[D]")
        # The second Tuesday: 1970-01-01 was a Thursday, so weekday = (days + 3) % 7 with Monday = 0.
        tuesday = first + np.timedelta64((1 - (first.astype(np.int64) + 3) % 7) % 7 + 7, "D")
        if tuesday <= span.last:
            held.append(tuesday)
        month -= 1
    held = sorted(held)
    meetings = pd.DataFrame({"meeting_id": [f"M-{d.astype('datetime64[M]')}" for d in held], "held_on": held,
                             "title": [f"Council of Operators — {d.astype('datetime64[M]')}" for d in held]})
    if not held:  # as_of before the first meeting
        return (meetings, pd.DataFrame(columns=["action_id", "meeting_id", "topic", "text", "owner", "status"]),
                pd.DataFrame(columns=["entity", "entity_id", "changed_at", "changed_by", "field", "new_value"]))
    codes = geo.regions.region_code.to_numpy()
    names = geo.regions.set_index("region_code").name_en
    spike_month = span.last.astype("datetime64[M]") - 3
    after_spike = [d for d in held if d.astype("datetime64[M]") > spike_month]
    spike_meeting = f"M-{after_spike[0].astype('datetime64[M]')}" if after_spike else None
    rows = []
    for meeting in meetings.itertuples():
        story = meeting.meeting_id == spike_meeting
        for _ in range(int(rng.integers(3, 7)) - story):  # 3-6 items, the story's included
            topic = list(ACTIONS)[_pick(rng, [0.2, 0.2, 0.25, 0.25, 0.1], 1)[0]]
            owner, texts = ACTIONS[topic]
            national = rng.random() < 0.15
            weights = [TOPIC_REGIONS[topic].get(c, 1.0) for c in codes]
            region = None if national else codes[_pick(rng, weights, 1)[0]]
            text = texts[int(rng.integers(len(texts)))].format(r="all regions" if national else names[region])
            due = meeting.held_on + np.timedelta64(int(rng.integers(30, 62)), "D")
            rows.append({"meeting_id": meeting.meeting_id, "held_on": meeting.held_on, "region_code": region,
                         "topic": topic, "text": text, "owner": owner, "due_on": due, "u": rng.random(),
                         "lag": int(rng.integers(7, 45))})
        if story:
            # Story: the first council after the Mangystau outage asks Operator B to account for it.
            rows.append({"meeting_id": meeting.meeting_id, "held_on": meeting.held_on, "region_code": SPIKE_REGION,
                         "topic": "complaints", "text": f"Operator B to report on the mobile outage in "
                         f"{names[SPIKE_REGION]} and the compensation of its subscribers", "owner": "operator",
                         "due_on": meeting.held_on + np.timedelta64(30, "D"), "u": 0.5, "lag": 21})
    a = pd.DataFrame(rows)
    a["action_id"] = _ids("A-", np.arange(1, len(a) + 1), 4)
    overdue = a.due_on.to_numpy() < span.as_of
    a["status"] = np.where(overdue, np.select([a.u < 0.75, a.u < 0.82], ["done", "dropped"], "open"),
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
    events = pd.concat([created, closing], ignore_index=True)
    latest = events.sort_values(["entity_id", "changed_at"], kind="stable").groupby("entity_id").tail(1)
    latest = latest.set_index("entity_id").reindex(a.action_id)
    actions = a.assign(version=1 + (a.status != "open").to_numpy().astype(int),
                       updated_at=latest.changed_at.to_numpy(), updated_by=latest.changed_by.to_numpy())
    actions = actions[["action_id", "meeting_id", "region_code", "topic", "text", "owner", "due_on", "status",
                       "version", "updated_at", "updated_by"]]
    return meetings, actions, events


# ---- Ookla-style speed tiles ---------------------------------------------------------------------
