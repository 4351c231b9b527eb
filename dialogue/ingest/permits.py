"""Checks across the rows of a permit file that no single row can fail: a site's stages in the order of the
reference, the rounds of one stage not overlapping (a new round starts when the applicant resubmits, not
while the return is still with them), one region per site (in the file and against the warehouse), and a
decision that names its outcome. Each is a SELECT of (row_no, ord, column_name, value, reason, detail) on
ingest_typed, as dialogue.ingest.validate expects; values are $params."""

from __future__ import annotations

from collections.abc import Callable

from dialogue import datasets


def checks(position: dict[str, int], param: Callable[[str, object], str]) -> list[str]:
    """The cross-row checks of the permits dataset."""
    order = param("permit_stage_order", list(datasets.PERMIT_STAGES))
    typed = "ingest_typed"
    queries = [
        # A decision says what it was; an outcome needs its decision's day.
        f"""select row_no, {position['outcome']} as ord, 'outcome' as column_name, decided_on__raw as value,
                   'outcome_missing' as reason, null as detail
            from {typed} where decided_on is not null and outcome is null and outcome__raw is null""",
        f"""select row_no, {position['decided_on']} as ord, 'decided_on' as column_name, outcome__raw as value,
                   'decision_missing' as reason, null as detail
            from {typed} where outcome is not null and decided_on is null and decided_on__raw is null""",
        # Only a return is resubmitted.
        f"""select row_no, {position['resubmitted_on']} as ord, 'resubmitted_on' as column_name,
                   resubmitted_on__raw as value, 'resubmitted_not_returned' as reason, outcome__raw as detail
            from {typed} where resubmitted_on is not null and outcome is distinct from 'returned'""",
        # Stages in order: no stage submitted before the first submission of a stage that comes before it.
        f"""with firsts as (
                select site_ref, stage, list_position({order}, stage) as pos, min(submitted_on) as first_on
                from {typed} where site_ref is not null and stage is not null and submitted_on is not null
                group by all)
            select t.row_no, {position['stage']} as ord, 'stage' as column_name, t.stage__raw as value,
                   'stage_out_of_order' as reason, arg_max(f.stage, f.pos) as detail
            from {typed} t join firsts f
              on f.site_ref = t.site_ref and f.pos < list_position({order}, t.stage) and f.first_on > t.submitted_on
            group by t.row_no, t.stage__raw""",
        # Rounds of one stage: the next starts on or after the previous one's resubmission (after its return).
        f"""with rounds as (
                select row_no, site_ref, stage, submitted_on, resubmitted_on__raw, submitted_on__raw,
                       lag(coalesce(resubmitted_on, decided_on)) over w as previous_end,
                       lag(decided_on is null or outcome = 'returned' and resubmitted_on is null) over w as previous_open,
                       lag(row_no) over w as previous_row
                from {typed} where site_ref is not null and stage is not null and submitted_on is not null
                window w as (partition by site_ref, stage order by submitted_on, row_no))
            select row_no, {position['submitted_on']} as ord, 'submitted_on' as column_name, submitted_on__raw as value,
                   'overlapping_pause' as reason, previous_row::varchar as detail
            from rounds where previous_open or submitted_on < previous_end""",
        # One site, one region: in the file, and against the permits already loaded.
        f"""with regions as (
                select site_ref, region_code, min(row_no) as first_row from {typed}
                where site_ref is not null and region_code is not null group by all
                union all
                select site_ref, region_code, null from permit
                where site_ref in (select site_ref from {typed}) group by all),
            sites as (select site_ref from regions group by site_ref having count(distinct region_code) > 1)
            select t.row_no, {position['kato']} as ord, 'kato' as column_name, t.kato__raw as value,
                   'site_in_two_regions' as reason, t.site_ref as detail
            from {typed} t join sites s using (site_ref)
            where t.region_code is not null""",
    ]
    # Each a subquery: the checks are joined by UNION ALL, where a WITH may not open a branch.
    return [f"select * from ({q})" for q in queries]
