"""Bottlenecks that hold the rollout back, with the mast-permit story, and their edit history."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dialogue.demo.base import S_BOTTLENECK, START, _day, _days, _duration_days, _ids, _pick, _rng, _Span, _ts

DESCRIPTIONS = {
    ("mast_permit", "akimat"): "Antenna mast permit pending at the district akimat",
    ("mast_permit", "ministry"): "Mast construction permit awaiting ministry approval",
    ("land_plot", "akimat"): "Land plot for the equipment site not yet allocated by the akimat",
    ("power_access", "utility"): "Grid connection for the site awaiting the power utility",
    ("right_of_way", "ministry"): "Right of way along the highway awaiting a ministry decision",
    ("right_of_way", "akimat"): "Right of way across municipal land awaiting the akimat",
    ("other", "operator"): "Equipment delivery delayed by the supplier",
    ("other", "other"): "Building owner has not granted access for the cabling",
}
MINOR_KINDS = {"fibre_village": ([0.5, 0.3, 0.2], ["land_plot", "right_of_way", "power_access"]),
               "4g_settlement": ([0.5, 0.35, 0.15], ["mast_permit", "power_access", "land_plot"]),
               "road_4g": ([0.5, 0.3, 0.2], ["mast_permit", "power_access", "right_of_way"]),
               "last_mile": ([0.5, 0.2, 0.3], ["right_of_way", "power_access", "other"]),
               "5g_city": ([0.6, 0.4, 0.0], ["mast_permit", "power_access", "other"])}


def _bottlenecks(items: pd.DataFrame, span: _Span, seed: int, load_id: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Bottlenecks linked to rollout items, and the status history of each one."""
    rng = _rng(seed, S_BOTTLENECK)
    last = span.last
    # The blockers planned with the items ...
    b = items[items.blocked & ~items.baseline]
    b = b.assign(opened_on=b.block_opened, kind=b.block_kind, days=b.block_days)
    # ... and smaller hold-ups that cleared before the item finished (or are still open on work underway).
    pool = items[~items.blocked & ~items.baseline & ~items.cancelled & (items.programme != "satellite")]
    minor = pool[rng.random(len(pool)) < 0.2].copy()
    kinds = np.empty(len(minor), dtype=object)
    for prog, (p, names) in MINOR_KINDS.items():
        sel = (minor.programme == prog).to_numpy()
        kinds[sel] = np.array(names, dtype=object)[_pick(rng, p, int(sel.sum()))]
    minor["kind"] = kinds
    minor["opened_on"] = minor.start_date.to_numpy().astype("datetime64[D]") + _days(rng, 0, 90, len(minor))
    days = np.round(_duration_days(rng, kinds.astype(str), minor.region_code.to_numpy().astype(str)) * 0.85)
    room = (_day(minor.completion) - _day(minor.opened_on)).astype(np.int64)
    minor["days"] = np.minimum(days, room - rng.integers(5, 21, len(minor))).astype(np.int64)
    minor = minor[minor.days >= 3]
    b = pd.concat([b, minor], ignore_index=True)
    b = b[(_day(b.opened_on) <= last) & (_day(b.opened_on) >= np.datetime64(START))]
    b = b.sort_values(["opened_on", "item_id"], kind="stable").reset_index(drop=True)
    n = len(b)
    if n == 0:  # as_of in the first days of 2024
        return (pd.DataFrame(columns=["bottleneck_id", "kind", "kato", "region_code", "operator_code",
                                      "responsible", "opened_on", "status", "version", "load_id"]),
                pd.DataFrame(columns=["entity", "entity_id", "changed_at", "changed_by", "field", "old_value",
                                      "new_value", "note"]))

    kind = b.kind.to_numpy().astype(str)
    region = b.region_code.to_numpy().astype(str)
    r = rng.random(n)
    responsible = np.select(
        [kind == "land_plot", kind == "mast_permit", kind == "power_access", kind == "right_of_way"],
        [np.full(n, "akimat"), np.where(r < 0.8, "akimat", "ministry"), np.full(n, "utility"),
         np.where(r < 0.7, "ministry", "akimat")], np.where(r < 0.6, "operator", "other"))
    opened = _day(b.opened_on)
    due = opened + _days(rng, 60, 121, n)
    resolved = opened + b.days.to_numpy().astype("timedelta64[D]")
    # Status history: opened by the operator, taken up by whoever must act, escalated by the operator when
    # long overdue, resolved by the one who acted; story permits are never taken up.
    op = b.operator_code.to_numpy().astype(str)
    actor = np.select([responsible == "akimat", responsible == "utility", responsible == "operator",
                       responsible == "ministry"],
                      [np.char.add("akimat.", region), np.char.add("utility.", region),
                       np.char.add("operator.", op), np.full(n, "ministry")], "demo")
    reporter = np.char.add("operator.", op)
    story = b.story_permit.to_numpy()
    take_up = opened + _days(rng, 3, 40, n)
    escalate = due + _days(rng, 10, 60, n)
    t_open, t_take, t_esc, t_res = (_ts(x, rng) for x in (opened, take_up, escalate, resolved))
    has_take = ~story & (take_up < resolved) & (take_up <= last)
    has_esc = (escalate < resolved) & (escalate <= last) & (rng.random(n) < np.where(story, 0.6, 0.45))
    has_res = resolved <= last
    events = []
    for flag, when, who, new in ((np.ones(n, bool), t_open, reporter, "open"),
                                 (has_take, t_take, actor, "in_progress"),
                                 (has_esc, t_esc, reporter, "escalated"), (has_res, t_res, actor, "resolved")):
        events.append(pd.DataFrame({"row": np.flatnonzero(flag), "changed_at": when[flag], "changed_by": who[flag],
                                    "new_value": new}))
    ev = pd.concat(events, ignore_index=True).sort_values(["row", "changed_at"], kind="stable")
    ev["old_value"] = ev.groupby("row").new_value.shift(1)
    last_ev = ev.groupby("row").tail(1).set_index("row").reindex(np.arange(n))
    changes = ev.groupby("row").size().reindex(np.arange(n)).to_numpy()

    ids = _ids("B-", np.arange(1, n + 1), 5)
    kato2 = np.char.replace(region, "KZ-", "")
    seq = pd.Series(region).groupby(region).cumcount().to_numpy() + 1
    bottlenecks = pd.DataFrame({
        "bottleneck_id": ids, "kind": kind, "kato": b.kato, "region_code": region,
        "district_kato": b.district_kato, "operator_code": op,
        "site_ref": [f"SITE-{k}-{i:04d}" for k, i in zip(kato2, seq, strict=True)],
        "responsible": responsible, "opened_on": opened, "due_on": due, "status": last_ev.new_value.to_numpy(),
        "resolved_on": np.where(has_res, resolved, np.datetime64("NaT")).astype("datetime64[D]"),
        "rollout_item_id": b.item_id, "description": [DESCRIPTIONS[(k, r)] for k, r in zip(kind, responsible)],
        "notes": None, "version": changes, "updated_at": last_ev.changed_at.to_numpy(),
        "updated_by": last_ev.changed_by.to_numpy(), "load_id": load_id,
    })
    change = pd.DataFrame({"entity": "bottleneck", "entity_id": ids[ev.row.to_numpy()],
                           "changed_at": ev.changed_at, "changed_by": ev.changed_by, "field": "status",
                           "old_value": ev.old_value, "new_value": ev.new_value, "note": None})
    return bottlenecks, change


# ---- survey -----------------------------------------------------------------------------------
