-- purpose: open bottlenecks past their due date, by the party responsible for acting, and in total
-- grain:   one row per responsible party, plus responsible 'all' for the scope
-- params:  $region (null = whole country), $end_date (the period's end, exclusive)
-- units:   counts; overdue_pct = overdue / open bottlenecks (0-100; one without a due date is never
--          overdue); median_overdue_days = median of as-of day - due_on over the overdue ones
with
cutoff as (
    select least($end_date::date - 1, current_date) as as_of_date
),
open_now as (
    select b.responsible, b.due_on, c.as_of_date,
           b.due_on < c.as_of_date as is_overdue
    from bottleneck b, cutoff c
    where b.opened_on <= c.as_of_date
      and (b.resolved_on is null or b.resolved_on > c.as_of_date)
      and ($region is null or b.region_code = $region)
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
