-- purpose: refusals and returns for completion decided in the period, with their reasons as the operators
--          recorded them: how many of each reason, at which stage
-- grain:   one row per (outcome, stage, reason)
-- params:  $region (null = whole country), $start_date, $end_date (the period, end exclusive), $as_of_date (today)
-- units:   counts of decisions
select outcome_at as outcome, stage, any_value(position) as position, any_value(authority_kind) as authority_kind,
       coalesce(note, '') as reason, count(*) as decisions
from permit_rounds(as_of_day($end_date, $as_of_date))
where outcome_at in ('refused', 'returned') and decided_at >= $start_date and decided_at < $end_date
  and ($region is null or region_code = $region)
group by outcome_at, stage, coalesce(note, '')
order by outcome_at = 'returned', decisions desc, position, reason
