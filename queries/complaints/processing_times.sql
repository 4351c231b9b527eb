-- purpose: how long verification and resolution take, by operator and overall: median and 90th
--          percentile, for the complaints received in the period
-- grain:   one row per operator, plus operator_code 'all' for every operator together (first row)
-- params:  $region (null = whole country), $start_date, $end_date (end exclusive)
-- units:   *_days in days (fractional, from received_at); complaints, verified, resolved and open are
--          counts; open = neither resolved nor rejected yet
with
cohort as (
    select operator_code, status,
           epoch(verified_at - received_at) / 86400.0 as verify_days,
           epoch(resolved_at - received_at) / 86400.0 as resolve_days
    from complaint
    where received_at >= $start_date and received_at < $end_date
      and ($region is null or region_code = $region)
),
times as (
    select coalesce(operator_code, 'all') as operator_code,
           count(*) as complaints,
           count(verify_days) as verified,
           median(verify_days) as median_verify_days,
           quantile_cont(verify_days, 0.9) as p90_verify_days,
           count(resolve_days) as resolved,
           median(resolve_days) as median_resolve_days,
           quantile_cont(resolve_days, 0.9) as p90_resolve_days,
           count(*) filter (where resolve_days is null and status <> 'rejected') as open
    from cohort
    group by grouping sets ((operator_code), ())
)
select t.operator_code, o.name as operator_name, t.complaints, t.verified, t.median_verify_days,
       t.p90_verify_days, t.resolved, t.median_resolve_days, t.p90_resolve_days, t.open
from times t
left join operator o using (operator_code)
order by t.operator_code <> 'all', t.operator_code
