-- purpose: how long bottlenecks take to resolve, by kind: those resolved in the 12 months up to the
--          as-of day, next to those still open
-- grain:   one row per kind, plus kind 'all'
-- params:  $region (null = whole country), $end_date (the period's end, exclusive), $as_of_date (today)
-- units:   resolution days = resolved_on - opened_on (median, 75th percentile); open age days =
--          as-of day - opened_on; as-of day = the period's last day, or today while it is running
with
scoped as (
    select b.kind, b.opened_on, b.resolved_on, b.as_of_day as as_of_date, b.is_open,
           b.resolved_on <= b.as_of_day and b.resolved_on > b.as_of_day - interval 12 month as resolved_recently
    from bottleneck_state($end_date, $as_of_date) b
    where b.opened_on <= b.as_of_day
      and ($region is null or b.region_code = $region)
)
select coalesce(kind, 'all') as kind,
       count(*) filter (where resolved_recently) as resolved,
       median(resolved_on - opened_on) filter (where resolved_recently) as median_resolution_days,
       quantile_cont(resolved_on - opened_on, 0.75) filter (where resolved_recently) as p75_resolution_days,
       count(*) filter (where is_open) as still_open,
       median(as_of_date - opened_on) filter (where is_open) as median_open_age_days
from scoped
group by grouping sets ((kind), ())
having count(*) filter (where resolved_recently or is_open) > 0
order by kind is null desc, median_resolution_days desc nulls last, kind
