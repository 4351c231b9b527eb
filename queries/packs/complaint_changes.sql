-- purpose: complaints received in the period against the period before, by area and category, for the
--          "what changed" page of a briefing pack (the country: by region; a region: by district)
-- grain:   one row per (area_code, category) with complaints in either period; category 'all' sums
--          the categories, area_code 'total' the areas
-- params:  $region (null = whole country), $start_date, $end_date, $prev_start_date, $prev_end_date
--          (ends exclusive)
-- units:   complaints, prev_complaints = complaints received in the period / the period before;
--          ratio = complaints / prev_complaints (null when there were none before)
with
received as (
    select case when $region is null then region_code else coalesce(district_kato, region_code) end as area_code,
           category, received_at >= $start_date as is_current
    from complaint
    where received_at >= $prev_start_date and received_at < $end_date
      and ($region is null or region_code = $region)
),
counted as (
    select coalesce(area_code, 'total') as area_code, coalesce(category, 'all') as category,
           count(*) filter (where is_current) as complaints,
           count(*) filter (where not is_current) as prev_complaints
    from received
    group by grouping sets ((area_code, category), (area_code), (category), ())
)
select area_code, category, complaints, prev_complaints, complaints - prev_complaints as change,
       complaints / nullif(prev_complaints, 0) as ratio
from counted
order by area_code, category
