-- purpose: progress of each rollout programme (done / planned units) and the date its plan is complete at
--          the current pace, against the programme's deadline; for the scope, per area and per operator
-- grain:   one row per (programme, level, code): level 'total' (code null), 'area' (region code, or the
--          district KATO when $region is set) or 'operator' (operator code)
-- params:  $region (null = whole country), $end_date (the period's end, exclusive), $as_of_date (today)
-- units:   *_units in the programme's unit (villages, households, settlements, sites, km);
--          done = units of items completed by the as-of day (plus the partial progress of unfinished
--          items while the period is still running, as in kpi/region_values);
--          pace_units_per_month = units of items completed in the 12 months up to the as-of day / 12;
--          progress_pct = done / planned (0-100); forecast_date = as_of_date + remaining / pace months
--          (30.4375 days a month); days_late = forecast_date - target_date
with
-- Counted up to the period's last day, or today while the period is still running.
cutoff as (
    select as_of_day($end_date, $as_of_date) as as_of_date, $end_date::date > $as_of_date::date as is_running
),
-- The deadline is the programme's KPI target date; programmes without a KPI share the 2027 deadline.
deadlines as (
    select p.programme, coalesce(d.target_date, date '2027-12-31') as target_date
    from (values ('fibre_village', 'fibre_villages_pct'), ('last_mile', 'last_mile_households'),
                 ('4g_settlement', 'settlements_4g_pct'), ('5g_city', 'city_5g_sites_pct'),
                 ('road_4g', 'road_4g_km'), ('satellite', null)) as p(programme, kpi_code)
    left join kpi_definition d using (kpi_code)
),
items as (
    select i.programme, i.operator_code, i.planned_units, i.planned_date, i.status,
           case when $region is null then i.region_code else coalesce(i.district_kato, i.kato) end as area_code,
           -- Partial progress of unfinished items is known only as of today (as in kpi/region_values).
           case when i.completed_date <= c.as_of_date then i.done_units
                when i.completed_date is null and c.is_running then i.done_units else 0 end as done_units,
           case when i.completed_date <= c.as_of_date
                 and i.completed_date > c.as_of_date - interval 12 month then i.done_units else 0
           end as done_last_12m_units,
           i.completed_date <= c.as_of_date as is_done,
           i.planned_date < c.as_of_date as is_due
    from rollout_item i, cutoff c
    where i.status <> 'cancelled'
      and ($region is null or i.region_code = $region)
),
totals as (
    select programme,
           case when grouping(area_code) = 0 then 'area' when grouping(operator_code) = 0 then 'operator'
                else 'total' end as level,
           coalesce(area_code, operator_code) as code,
           count(*) as items,
           sum(planned_units) as planned_units,
           sum(planned_units) filter (where is_due) as due_units,
           sum(done_units) as done_units,
           sum(done_last_12m_units) as done_last_12m_units,
           count(*) filter (where not coalesce(is_done, false) and (status = 'delayed' or is_due)) as delayed_items
    from items
    group by grouping sets ((programme), (programme, area_code), (programme, operator_code))
),
paced as (
    select t.*, greatest(t.planned_units - t.done_units, 0) as remaining_units,
           t.done_last_12m_units / 12.0 as pace_units_per_month
    from totals t
),
forecast as (
    select p.*,
           -- Capped at a century so that a trickle of progress cannot overflow the date.
           case when p.remaining_units > 0 and p.pace_units_per_month > 0 then
               (c.as_of_date + to_days(least(round(p.remaining_units / p.pace_units_per_month * 30.4375),
                                             36525)::integer))::date
           end as forecast_date
    from paced p, cutoff c
)
select f.programme, f.level, f.code, o.name as operator_name, f.items,
       f.planned_units, coalesce(f.due_units, 0) as due_units, f.done_units, f.remaining_units,
       100.0 * f.done_units / nullif(f.planned_units, 0) as progress_pct,
       100.0 * f.done_units / nullif(f.due_units, 0) as done_of_due_pct,
       f.done_last_12m_units, f.pace_units_per_month, f.delayed_items,
       f.forecast_date, d.target_date, f.forecast_date - d.target_date as days_late,
       case when f.remaining_units = 0 then 'done'
            when f.pace_units_per_month = 0 then 'stalled'
            when f.forecast_date > d.target_date then 'late'
            else 'on_time' end as outlook,
       c.as_of_date
from forecast f
join deadlines d using (programme)
left join operator o on f.level = 'operator' and o.operator_code = f.code
cross join cutoff c
order by f.programme, f.level, progress_pct, f.code
