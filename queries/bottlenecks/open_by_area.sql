-- purpose: open bottlenecks by region (or, with a region chosen, by district): how many, how many the
--          akimat must act on, how many are overdue, how old; areas without any show zero
-- grain:   one row per area (region code, or district KATO when $region is set)
-- params:  $region (null = whole country), $end_date (the period's end, exclusive)
-- units:   counts; ages in days = as-of day - opened_on (as-of day = period's last day, or today)
with
cutoff as (
    select least($end_date::date - 1, current_date) as as_of_date
),
open_now as (
    select case when $region is null then b.region_code else coalesce(b.district_kato, b.kato) end as area_code,
           b.responsible, c.as_of_date - b.opened_on as age_days, b.due_on < c.as_of_date as is_overdue
    from bottleneck b, cutoff c
    where b.opened_on <= c.as_of_date
      and (b.resolved_on is null or b.resolved_on > c.as_of_date)
      and ($region is null or b.region_code = $region)
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
