-- purpose: pendency per desk (as India's GatiShakti Sanchar publishes it): the stages each office holds now,
--          how many are past the clock and deemed-approval candidates, their median age, and what it decided in
--          the period (approved, refused, returned for completion)
-- grain:   one row per desk: the kind of office and where it sits (the district for akimat, architecture and
--          construction control; the region for the sanitary service, the expertise and the utility)
-- params:  $region (null = whole country: every desk; a region: its own desks), $start_date, $end_date (the
--          period, end exclusive), $as_of_date (today)
-- units:   counts; median_pending_age_days = as-of day - the pending round's submission (calendar days)
--          (medians are whole days, rounded half away from zero as the charts write them)
with
stages as (
    select *, case when authority_kind in ('akimat', 'architecture', 'construction_control')
                   then coalesce(district_kato, region_code) else region_code end as desk_area
    from permit_stage_clock(as_of_day($end_date, $as_of_date))
    where authority_kind <> 'operator' and ($region is null or region_code = $region)
),
rounds as (
    select r.*, case when authority_kind in ('akimat', 'architecture', 'construction_control')
                     then coalesce(district_kato, region_code) else region_code end as desk_area
    from permit_rounds(as_of_day($end_date, $as_of_date)) r
    where is_authority and decided_at >= $start_date and decided_at < $end_date
      and ($region is null or region_code = $region)
),
decided as (
    select authority_kind, desk_area, region_code,
           count(*) as decided_in_period,
           count(*) filter (where outcome_at = 'approved') as approved_in_period,
           count(*) filter (where outcome_at = 'refused') as refused_in_period,
           count(*) filter (where outcome_at = 'returned') as returned_in_period
    from rounds group by all
),
pending as (
    select authority_kind, desk_area, any_value(region_code) as region_code,
           count(*) filter (where state = 'pending') as pending,
           count(*) filter (where past_clock) as past_clock,
           count(*) filter (where deemed_candidate) as deemed_candidates,
           round(median(pending_age_days) filter (where state = 'pending')) as median_pending_age_days,
           max(pending_age_days) filter (where state = 'pending') as oldest_pending_days
    from stages group by authority_kind, desk_area
)
select coalesce(p.authority_kind, d.authority_kind) as authority_kind,
       coalesce(p.desk_area, d.desk_area) as desk_area,
       coalesce(p.region_code, d.region_code) as region_code,
       coalesce(p.pending, 0) as pending, coalesce(p.past_clock, 0) as past_clock,
       coalesce(p.deemed_candidates, 0) as deemed_candidates,
       p.median_pending_age_days, p.oldest_pending_days,
       coalesce(d.decided_in_period, 0) as decided_in_period,
       coalesce(d.approved_in_period, 0) as approved_in_period,
       coalesce(d.refused_in_period, 0) as refused_in_period,
       coalesce(d.returned_in_period, 0) as returned_in_period
from pending p
full join decided d on d.authority_kind = p.authority_kind and d.desk_area = p.desk_area
where coalesce(p.pending, 0) > 0 or coalesce(d.decided_in_period, 0) > 0
order by past_clock desc, pending desc, decided_in_period desc, authority_kind, desk_area
