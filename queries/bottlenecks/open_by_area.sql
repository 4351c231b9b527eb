-- purpose: open bottlenecks by region (or, with a region chosen, by district): how many, how many the
--          akimat must act on, how many are overdue, how old; areas without any show zero
-- grain:   one row per area (region code, or district KATO when $region is set)
-- params:  $region (null = whole country), $end_date (the period's end, exclusive), $as_of_date (today)
-- units:   counts; ages in days = as-of day - opened_on (as-of day = period's last day, or today)
with
open_now as (
    select case when $region is null then region_code else coalesce(district_kato, kato) end as area_code,
           responsible, age_days, is_overdue
    from bottleneck_state($end_date, $as_of_date)
    where is_open and ($region is null or region_code = $region)
),
-- Every area of the scope, so that a map shows the whole region; plus any code the data carries.
areas as (
    select region_code as area_code from region where $region is null
    union
    select district_kato from district where region_code = $region
    union
    select area_code from open_now
)
select a.area_code,
       count(o.area_code) as open_bottlenecks,
       count(o.area_code) filter (where o.responsible = 'akimat') as akimat_open,
       count(o.area_code) filter (where o.is_overdue) as overdue,
       count(o.area_code) filter (where o.is_overdue and o.responsible = 'akimat') as akimat_overdue,
       median(o.age_days) as median_age_days,
       max(o.age_days) as oldest_age_days
from areas a
left join open_now o using (area_code)
group by a.area_code
order by open_bottlenecks desc, a.area_code
