"""Permit applications of the 4G-settlement and 5G-city sites, stage by stage, calibrated to what is
published: most sites go from the land request to on air within a few months, a tail takes over a year
("a single antenna mast can take up to a year"); land allocation and grid connection are the slowest in
some regions; some applications are returned for completion and resubmitted, a few are refused with a
reason. A site held up by a mast-permit, land-plot or power bottleneck waits at the matching stage from
just before the bottleneck was opened until it was resolved, so the two logs tell the same story."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dialogue import datasets
from dialogue.demo.base import START, _day, _rng, _Span

S_PERMIT = 20   # the RNG stream of this dataset (base.py numbers the others 1-8)
STAGES = datasets.PERMIT_STAGES
# Median calendar days at each desk, before the regions' factors.
MEDIAN_DAYS = {"land_request": 5, "land_allocation": 13, "sanitary": 7, "apz": 7, "design_approval": 9,
               "works_notice": 3, "power_conditions": 4, "grid_connection": 10, "on_air": 4}
RETURN_P = {"land_request": 0.06, "land_allocation": 0.16, "sanitary": 0.10, "apz": 0.10, "design_approval": 0.20,
            "works_notice": 0.04, "power_conditions": 0.06, "grid_connection": 0.08, "on_air": 0.0}
REFUSE_P = {"land_allocation": 0.025, "sanitary": 0.012, "design_approval": 0.012}
# Land allocation drags in the south and in Zhetysu, grid connection in the east and in Ulytau; the big cities
# are quick.
LAND_SLOW = {"KZ-19": 2.6, "KZ-33": 2.3, "KZ-61": 2.8, "KZ-31": 1.6}
GRID_SLOW = {"KZ-63": 2.6, "KZ-10": 2.4, "KZ-62": 2.8, "KZ-43": 1.8}
FAST = {"KZ-71": 0.6, "KZ-75": 0.6, "KZ-79": 0.75}
# The stage a bottleneck of each kind holds a site at (a ministry's mast permit: the design approval).
STUCK_STAGE = {("mast_permit", "akimat"): "works_notice", ("mast_permit", "ministry"): "design_approval",
               ("land_plot", "akimat"): "land_allocation", ("power_access", "utility"): "grid_connection"}
OFFICES = {"land_request": "Отдел земельных отношений", "land_allocation": "Акимат района",
           "sanitary": "Департамент санитарно-эпидемиологического контроля", "apz": "Отдел архитектуры и градостроительства",
           "design_approval": "Государственная экспертиза проектов", "works_notice": "Отдел государственного архитектурно-строительного контроля",
           "power_conditions": "Региональная электросетевая компания", "grid_connection": "Региональная электросетевая компания",
           "on_air": "Оператор"}
REGION_LEVEL = {"sanitary", "design_approval", "power_conditions", "grid_connection"}
RETURN_NOTES = {
    "land_request": "Returned: the site plan lacks the plot's coordinates",
    "land_allocation": "Returned: the land survey and the owner's consent are missing",
    "sanitary": "Returned: the sanitary protection zone calculation to be corrected",
    "apz": "Returned: the topographic survey is out of date",
    "design_approval": "Returned: the mast's foundation design to be revised",
    "works_notice": "Returned: the contractor's licence is missing",
    "power_conditions": "Returned: the requested load to be confirmed",
    "grid_connection": "Returned: the metering point to be moved",
}
REFUSAL_NOTES = {
    "land_allocation": ["Refused: the plot is reserved for other use in the master plan",
                        "Refused: the plot lies in a water protection zone"],
    "sanitary": ["Refused: the sanitary protection zone overlaps a school"],
    "design_approval": ["Refused: residents objected to the mast's height"],
}


def _sites(items: pd.DataFrame, bottlenecks: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """One site per 4G settlement item, three per 5G city item, with the bottleneck that holds it, if any."""
    pool = items[items.programme.isin(["4g_settlement", "5g_city"]) & ~items.baseline & ~items.cancelled]
    pool = pool.sort_values("item_id", kind="stable")
    g5 = pool[pool.programme == "5g_city"]
    sites = pd.concat([pool[pool.programme == "4g_settlement"].assign(n=1),
                       *(g5.assign(n=k) for k in (1, 2, 3))], ignore_index=True)
    sites = sites.sort_values(["item_id", "n"], kind="stable").reset_index(drop=True)
    wanted = ["rollout_item_id", "site_ref", "kind", "responsible", "opened_on", "resolved_on"]
    if not set(wanted) <= set(bottlenecks.columns):     # as_of in the first days: no bottleneck yet
        bottlenecks = pd.DataFrame({c: pd.Series(dtype=object) for c in wanted})
    held = bottlenecks[bottlenecks.kind.isin(["mast_permit", "land_plot", "power_access"])]
    held = held.assign(stage=[STUCK_STAGE.get((k, r)) for k, r in zip(held.kind, held.responsible)])
    held = held[held.stage.notna()].sort_values(["rollout_item_id", "opened_on"], kind="stable") \
        .groupby("rollout_item_id").head(1)
    sites = sites.merge(held[["rollout_item_id", "site_ref", "stage", "opened_on", "resolved_on"]]
                        .rename(columns={"rollout_item_id": "item_id", "stage": "stuck_stage",
                                         "opened_on": "stuck_opened", "resolved_on": "stuck_resolved"}),
                        on="item_id", how="left")
    sites.loc[sites.n > 1, ["site_ref", "stuck_stage"]] = None   # the bottleneck holds the item's first site
    code = sites.item_id.str.replace("R-", "", regex=False)
    sites["site_ref"] = sites.site_ref.where(sites.site_ref.notna(), "MAST-" + code + "-" + sites.n.astype(str))
    sites["power_kw"] = np.where(rng.random(len(sites)) < 0.03, 250.0,
                                 np.where(sites.programme == "5g_city", 18.0, 8.0))
    return sites


def _permits(items: pd.DataFrame, bottlenecks: pd.DataFrame, geo, span: _Span, seed: int,
             load_id: int) -> pd.DataFrame:
    """The rows of the permits dataset: one per round of a stage of each site, as known the day before as_of."""
    rng = _rng(seed, S_PERMIT)
    sites = _sites(items, bottlenecks, rng)
    n, k = len(sites), len(STAGES)
    districts = geo.districts.set_index("district_kato").name_ru.to_dict()
    centres = geo.regions.set_index("region_code").centre_ru.to_dict()
    # Every draw at once (a site, a stage per column); the loop below only assembles the rows. Days are
    # counted as integers from 1970-01-01.
    region = sites.region_code.to_numpy().astype(str)
    factor = np.tile(pd.Series(region).map(FAST).fillna(1.0).to_numpy()[:, None], (1, k))
    factor[:, STAGES.index("land_allocation")] *= pd.Series(region).map(LAND_SLOW).fillna(1.0).to_numpy()
    factor[:, STAGES.index("grid_connection")] *= pd.Series(region).map(GRID_SLOW).fillna(1.0).to_numpy()
    median = np.array([MEDIAN_DAYS[st] for st in STAGES], float)
    first = np.maximum(1, np.round(median * factor * np.exp(rng.normal(0, 0.55, (n, k))))).astype(int)
    returned = rng.random((n, k)) < np.array([RETURN_P[st] for st in STAGES])
    pause = rng.integers(5, 31, (n, k))
    second = np.maximum(1, np.round(first * rng.uniform(0.3, 0.7, (n, k)))).astype(int)
    refused = rng.random((n, k)) < np.array([REFUSE_P.get(st, 0.0) for st in STAGES])
    pick = rng.integers(0, 2, (n, k))
    gaps = rng.integers(1, 6, (n, k))
    gaps[:, STAGES.index("works_notice")] = rng.integers(12, 35, n)   # building, before the power request
    lead = rng.integers(10, 40, n)
    epoch = np.datetime64("1970-01-01", "D")
    day = lambda v: int((_day(v) - epoch).astype(int))  # noqa: E731
    last, start = day(span.last), day(START)
    rows = []
    for i, s in enumerate(sites.itertuples()):
        plan = []     # per stage: (authority days of each round, applicant pauses, outcome, note)
        for j, stage in enumerate(STAGES):
            rounds, pauses = ([first[i, j], second[i, j]], [pause[i, j]]) if returned[i, j] else ([first[i, j]], [])
            note = None
            if refused[i, j]:
                reasons = REFUSAL_NOTES[stage]
                note = reasons[pick[i, j] % len(reasons)]
            plan.append((stage, rounds, pauses, "refused" if refused[i, j] else "approved", note))
            if refused[i, j]:
                break
        # Where a bottleneck holds the site, its stage runs from just before the bottleneck opened until it
        # was resolved (or is still pending).
        stuck = s.stuck_stage if isinstance(s.stuck_stage, str) else None
        stuck_i = next((x for x, p in enumerate(plan) if p[0] == stuck), None)
        if stuck_i is not None:
            sub = day(s.stuck_opened) - int(lead[i])
            held = day(s.stuck_resolved) - sub if pd.notna(s.stuck_resolved) else 10**5
            stage, _, _, outcome, note = plan[stuck_i]
            plan[stuck_i] = (stage, [max(1, held)], [], outcome, note)
            t0 = sub - sum(sum(p[1]) + sum(p[2]) + int(gaps[i, x]) for x, p in enumerate(plan[:stuck_i]))
        else:
            t0 = day(s.completion) - sum(sum(p[1]) + sum(p[2]) + int(gaps[i, x]) for x, p in enumerate(plan))
        if t0 < start or t0 > last:
            continue
        t = t0
        area = districts.get(s.district_kato) if isinstance(s.district_kato, str) else None
        for x, (stage, rounds, pauses, outcome, note) in enumerate(plan):
            place = centres.get(s.region_code) if stage in REGION_LEVEL or not area else area
            authority = f"{OFFICES[stage]} — {place}" if stage != "on_air" else OFFICES[stage]
            stop = False
            for r, days in enumerate(rounds):
                if t > last:
                    stop = True
                    break
                decided = t + int(days)
                is_return = r < len(pauses)
                resub = decided + int(pauses[r]) if is_return else None
                known = decided <= last
                rows.append((s.site_ref, s.operator_code, s.kato, s.region_code, s.district_kato, stage, authority, t,
                             decided if known else None, ("returned" if is_return else outcome) if known else None,
                             resub if known and is_return and resub <= last else None,
                             s.power_kw if stage == "power_conditions" else None, s.item_id,
                             (RETURN_NOTES[stage] if is_return else note) if known else None))
                if not known or (is_return and resub > last):
                    stop = True
                    break
                t = resub if is_return else decided
            if stop or outcome == "refused":
                break
            t += int(gaps[i, x])
    frame = pd.DataFrame(rows, columns=["site_ref", "operator_code", "kato", "region_code", "district_kato", "stage",
                                        "authority", "submitted_on", "decided_on", "outcome", "resubmitted_on",
                                        "power_kw", "rollout_item_id", "note"])
    for col in ("submitted_on", "decided_on", "resubmitted_on"):
        frame[col] = (epoch + pd.to_numeric(frame[col]).to_numpy(dtype="float64").astype("timedelta64[D]")) \
            if len(frame) else pd.Series(dtype="datetime64[s]")
    frame["power_kw"] = frame.power_kw.astype("float64")
    return frame.assign(load_id=load_id)
