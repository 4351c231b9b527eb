-- purpose: open bottlenecks by region (or, with a region chosen, by district): how many, how many the
--          akimat must act on, how many are overdue, how old
-- grain:   one row per area (region code, or district KATO when $region is set) with open bottlenecks
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
)
select area_code,
       count(*) as open_bottlenecks,
       count(*) filter (where responsible = 'akimat') as akimat_open,
       count(*) filter (where is_overdue) as overdue,
       count(*) filter (where is_overdue and responsible = 'akimat') as akimat_overdue,
       median(age_days) as median_age_days,
       max(age_days) as oldest_age_days
from open_now
group by area_code
order by open_bottlenecks desc, area_code
