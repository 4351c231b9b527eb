-- purpose: which regions (or, with a region chosen, which districts) settle a kind of bottleneck fast
--          and which are slow: median resolution time of those resolved in the 12 months up to the
--          as-of day, ranked, next to the scope's median
-- grain:   one row per area (region code, or district KATO when $region is set) with a resolution
-- params:  $region (null = whole country), $kind (null = every kind), $end_date (period end, exclusive),
--          $as_of_date (today)
-- units:   median_resolution_days = median of resolved_on - opened_on; rank 1 = fastest;
--          scope_median_days = the median over every area together; still_open = open at the as-of day
with
scoped as (
    select case when $region is null then b.region_code else coalesce(b.district_kato, b.kato) end as area_code,
           b.opened_on, b.resolved_on,
           b.resolved_on <= b.as_of_day and b.resolved_on > b.as_of_day - interval 12 month as resolved_recently,
           b.is_open
    from bottleneck_state($end_date, $as_of_date) b
    where b.opened_on <= b.as_of_day
      and ($region is null or b.region_code = $region)
      and ($kind is null or b.kind = $kind)
),
by_area as (
    select area_code,
           count(*) filter (where resolved_recently) as resolved,
           median(resolved_on - opened_on) filter (where resolved_recently) as median_resolution_days,
           count(*) filter (where is_open) as still_open
    from scoped
    group by area_code
)
select a.area_code, a.resolved, a.median_resolution_days, a.still_open,
       rank() over (order by a.median_resolution_days) as rank,
       count(*) over () as areas_ranked,
       (select median(resolved_on - opened_on) filter (where resolved_recently) from scoped) as scope_median_days
from by_area a
where a.resolved > 0
order by a.median_resolution_days, a.area_code
