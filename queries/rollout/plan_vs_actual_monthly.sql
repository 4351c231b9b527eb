-- purpose: plan versus actual of one rollout programme over time: cumulative planned units by planned date
--          and cumulative done units by completion date, month by month
-- grain:   one row per month from $from_date to the last planned month (actual only up to the as-of day)
-- params:  $programme, $region (null = whole country), $from_date, $end_date (the period's end, exclusive),
--          $as_of_date (today)
-- units:   planned_cum_units, done_cum_units in the programme's unit; both include what came before
--          $from_date; done_cum_units is null after the as-of day (last day of the period, or today);
--          done = units of completed items by completion month, plus partial progress while running
with
cutoff as (
    select as_of_day($end_date, $as_of_date) as as_of_date, $end_date::date > $as_of_date::date as is_running
),
items as (
    select planned_date, completed_date, planned_units, done_units
    from rollout_item
    where programme = $programme and status <> 'cancelled'
      and ($region is null or region_code = $region)
),
planned as (
    select date_trunc('month', planned_date)::date as month, sum(planned_units) as units
    from items
    group by all
),
-- Partial progress of unfinished items is known only as of today: it counts in today's month while the
-- period is still running (as in kpi/region_values).
done as (
    select date_trunc('month', coalesce(completed_date, as_of_date))::date as month, sum(done_units) as units
    from items, cutoff
    where completed_date <= as_of_date or (completed_date is null and is_running)
    group by all
),
bounds as (
    select least((select min(month) from planned), (select min(month) from done),
                 date_trunc('month', $from_date::date)::date) as first_month,
           greatest((select max(month) from planned), date_trunc('month', as_of_date)::date) as last_month
    from cutoff
),
months as (
    select unnest(generate_series(first_month, last_month, interval 1 month))::date as month
    from bounds
    where (select count(*) from items) > 0
),
cumulative as (
    select m.month,
           sum(coalesce(p.units, 0)) over (order by m.month) as planned_cum_units,
           sum(coalesce(d.units, 0)) over (order by m.month) as done_cum_units
    from months m
    left join planned p using (month)
    left join done d using (month)
)
select month, planned_cum_units,
       case when month <= (select as_of_date from cutoff) then done_cum_units end as done_cum_units
from cumulative
where month >= date_trunc('month', $from_date::date)
order by month
