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
    districts = geo.districts.set_index("district_kato").name_ru.to_dict()
    centres = geo.regions.set_index("region_code").centre_ru.to_dict()
    last = span.last
    rows = []
    for s in sites.itertuples():
        region = s.region_code
        plan = []     # per stage: (authority days of each round, applicant pauses, outcome, note)
        for stage in STAGES:
            factor = FAST.get(region, 1.0)
            if stage == "land_allocation":
                factor *= LAND_SLOW.get(region, 1.0)
            if stage == "grid_connection":
                factor *= GRID_SLOW.get(region, 1.0)
            first = max(1, round(MEDIAN_DAYS[stage] * factor * np.exp(rng.normal(0, 0.55))))
            rounds, pauses = [first], []
            if rng.random() < RETURN_P[stage]:
                pauses.append(int(rng.integers(5, 31)))
                rounds.append(max(1, round(first * rng.uniform(0.3, 0.7))))
            refused = rng.random() < REFUSE_P.get(stage, 0.0)
            note = str(rng.choice(REFUSAL_NOTES[stage])) if refused else None
            plan.append((stage, rounds, pauses, "refused" if refused else "approved", note))
            if refused:
                break
        gaps = rng.integers(1, 6, len(plan)).tolist()
        # Construction between the notice of works and the power request.
        if len(plan) > 6:
            gaps[6] = int(rng.integers(12, 35))
        # Where a bottleneck holds the site, its stage runs from just before the bottleneck opened until it
        # was resolved (or is still pending).
        stuck = s.stuck_stage if isinstance(s.stuck_stage, str) else None
        stuck_i = next((i for i, p in enumerate(plan) if p[0] == stuck), None)
        if stuck_i is not None:
            lead = int(rng.integers(10, 40))
            sub = _day(s.stuck_opened) - np.timedelta64(lead, "D")
            resolved = _day(s.stuck_resolved) if pd.notna(s.stuck_resolved) else None
            days = (resolved - sub).astype(int) if resolved is not None else 10**5
            stage, _, _, outcome, note = plan[stuck_i]
            plan[stuck_i] = (stage, [max(1, int(days))], [], outcome, note)
            before = sum(sum(p[1]) + sum(p[2]) + g for p, g in zip(plan[:stuck_i], gaps[:stuck_i]))
            t0 = sub - np.timedelta64(before, "D")
        else:
            total = sum(sum(p[1]) + sum(p[2]) + g for p, g in zip(plan, gaps))
            t0 = _day(s.completion) - np.timedelta64(total, "D")
        if t0 < np.datetime64(START) or t0 > last:
            continue
        t = t0
        area = districts.get(s.district_kato) if isinstance(s.district_kato, str) else None
        for (stage, rounds, pauses, outcome, note), gap in zip(plan, gaps):
            place = centres.get(region) if stage in REGION_LEVEL or not area else area
            authority = f"{OFFICES[stage]} — {place}" if stage != "on_air" else OFFICES[stage]
            stop = False
            for r, days in enumerate(rounds):
                if t > last:
                    stop = True
                    break
                decided = t + np.timedelta64(int(min(days, 10**4)), "D")
                returned = r < len(pauses)
                resub = decided + np.timedelta64(pauses[r], "D") if returned else None
                known = decided <= last
                rows.append({
                    "site_ref": s.site_ref, "operator_code": s.operator_code, "kato": s.kato, "region_code": region,
                    "district_kato": s.district_kato, "stage": stage, "authority": authority, "submitted_on": t,
                    "decided_on": decided if known else None,
                    "outcome": ("returned" if returned else outcome) if known else None,
                    "resubmitted_on": resub if known and returned and resub <= last else None,
                    "power_kw": s.power_kw if stage == "power_conditions" else None,
                    "rollout_item_id": s.item_id,
                    "note": (RETURN_NOTES[stage] if returned else note) if known else None,
                    "load_id": load_id})
                if not known or (returned and resub > last):
                    stop = True
                    break
                t = resub if returned else decided
            if stop or outcome == "refused":
                break
            t = t + np.timedelta64(int(gap), "D")
    frame = pd.DataFrame(rows)
    for col in ("submitted_on", "decided_on", "resubmitted_on"):
        frame[col] = pd.to_datetime(frame[col]).dt.date if len(frame) else frame.get(col)
    return frame
