-- purpose: complaints per 10,000 inhabitants by region (or by district of the chosen region), ranked,
--          in the period and the period before, with the total for the scope
-- grain:   one row per area: regions and 'KZ' when $region is null, else the region and its districts
-- params:  $region (null = whole country), $start_date, $end_date, $prev_start_date, $prev_end_date
-- units:   population in persons (1 Jan 2023); complaints, violations = counts of complaints received;
--          per_10k = complaints per 10,000 inhabitants; rank 1 = most complaints per person
--          (population_estimated: a district the 2023 census lacks; areas without complaints are listed
--          with 0; level tells an area's kind; periods end exclusive)
with
received as (
    select case when $region is null then region_code else district_kato end as area_code,
           received_at >= $start_date as is_current, coalesce(violation, false) as violation
    from complaint
    where received_at >= $prev_start_date and received_at < $end_date
      and (received_at < $prev_end_date or received_at >= $start_date)
      and ($region is null or region_code = $region)
),
counted as (
    select case when grouping(area_code) = 1 then coalesce($region, 'KZ') else area_code end as area_code,
           count(*) filter (where is_current) as complaints,
           count(*) filter (where is_current and violation) as violations,
           count(*) filter (where not is_current) as prev_complaints
    from received
    group by grouping sets ((area_code), ())
),
areas as (
    select region_code as area_code, 'region' as level, population, false as population_estimated,
           null::boolean as has_boundary
    from region where $region is null
    union all
    select 'KZ', 'country', sum(population)::bigint, false, null from region having $region is null
    union all
    select district_kato, 'district', population, population_estimated, has_boundary
    from district where region_code = $region
    union all
    select region_code, 'region', population, false, null from region where region_code = $region
),
rates as (
    select a.area_code, a.level, a.population, a.population_estimated, a.has_boundary,
           coalesce(c.complaints, 0) as complaints, coalesce(c.violations, 0) as violations,
           coalesce(c.prev_complaints, 0) as prev_complaints,
           1e4 * coalesce(c.complaints, 0) / nullif(a.population, 0) as per_10k,
           1e4 * coalesce(c.prev_complaints, 0) / nullif(a.population, 0) as prev_per_10k
    from areas a
    left join counted c using (area_code)
),
detail as (
    select case when $region is null then 'region' else 'district' end as level
)
select r.area_code, r.level, r.population, r.population_estimated, r.has_boundary, r.complaints, r.violations, r.prev_complaints,
       r.per_10k, r.prev_per_10k, r.per_10k - r.prev_per_10k as change_per_10k,
       case when r.level = d.level then rank() over (partition by r.level = d.level order by r.per_10k desc nulls last)
       end as rank,
       count(*) filter (where r.level = d.level) over () as areas_ranked
from rates r, detail d
order by r.level = d.level, r.per_10k desc nulls last, r.area_code
