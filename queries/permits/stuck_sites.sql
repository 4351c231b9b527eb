-- purpose: the stuck sites for the meeting: sites with a stage past the clock, oldest first, each with its
--          stages as bars (submitted → decided, or to the as-of day) against their deadline, and the rollout
--          item and open bottlenecks they block
-- grain:   one row per (site, stage) of the $limit oldest sites with a stage past the clock
-- params:  $region (null = whole country), $end_date (the period's end, exclusive), $as_of_date (today),
--          $limit (sites)
-- units:   dates; site_age_days = as-of day - the site's first request; past_clock_days = as-of day - due_on
with
stuck as (
    select site_ref, end_to_end_days as site_age_days, first_submitted_on
    from permit_sites(as_of_day($end_date, $as_of_date))
    where stages_past_clock > 0 and ($region is null or region_code = $region)
    order by site_age_days desc, site_ref
    limit $limit
),
blocking as (
    select b.site_ref as b_site, b.rollout_item_id as b_item, b.bottleneck_id
    from bottleneck_state($end_date, $as_of_date) b
    where b.is_open
)
select c.site_ref, s.site_age_days, s.first_submitted_on, c.stage, c.position, c.authority_kind, c.authority,
       c.state, c.first_submitted_on as stage_submitted_on,
       coalesce(c.decided_on, c.last_decided_on, c.as_of_day) as stage_end_on,
       c.due_on, c.deadline_days, c.day_kind, c.past_clock, c.deemed_candidate, c.past_clock_days,
       c.rounds, c.returns, c.last_note, c.as_of_day,
       c.region_code, c.district_kato, c.kato, c.operator_code, o.name as operator_name,
       c.rollout_item_id, r.programme, r.planned_date as item_planned_date, r.status as item_status,
       d.name_kk as district_kk, d.name_ru as district_ru, d.name_en as district_en,
       (select string_agg(distinct bottleneck_id, ', ' order by bottleneck_id) from blocking
        where b_site = c.site_ref or b_item = c.rollout_item_id) as bottleneck_ids
from permit_stage_clock(as_of_day($end_date, $as_of_date)) c
join stuck s using (site_ref)
left join operator o on o.operator_code = c.operator_code
left join rollout_item r on r.item_id = c.rollout_item_id
left join district d on d.district_kato = coalesce(c.district_kato, c.kato)
order by s.site_age_days desc, c.site_ref, c.position
