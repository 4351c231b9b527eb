-- purpose: open bottlenecks past their due date, by the party responsible for acting, and in total
-- grain:   one row per responsible party, plus responsible 'all' for the scope
-- params:  $region (null = whole country), $end_date (the period's end, exclusive), $as_of_date (today)
-- units:   counts; overdue_pct = overdue / open bottlenecks (0-100; one without a due date is never
--          overdue); median_overdue_days = median of as-of day - due_on over the overdue ones
with
open_now as (
    select responsible, due_on, as_of_day as as_of_date, is_overdue
    from bottleneck_state($end_date, $as_of_date)
    where is_open and ($region is null or region_code = $region)
)
select coalesce(responsible, 'all') as responsible,
       count(*) as open_bottlenecks,
       count(due_on) as with_due_date,
       count(*) filter (where is_overdue) as overdue,
       100.0 * count(*) filter (where is_overdue) / nullif(count(*), 0) as overdue_pct,
       median(as_of_date - due_on) filter (where is_overdue) as median_overdue_days
from open_now
group by grouping sets ((responsible), ())
order by responsible is null desc, overdue desc, responsible
