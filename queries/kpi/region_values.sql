-- purpose: every KPI for every region and for the country, in a period and the period before,
--          with target, regional minimum, RAG status and rank among the regions
-- grain:   one row per (region_code, kpi_code); region_code 'KZ' is the whole country
-- params:  $start_date, $end_date (the period, end exclusive), $prev_start_date, $prev_end_date,
--          $as_of_date (today: partial rollout progress counts only while the period runs)
-- units:   as kpi_definition.unit: pct (0-100), mbps, ms, km, households (formulas: models/kpi_values)
with
kpi_values as (
    select * from kpi_values('region', null, $start_date, $end_date, $prev_start_date, $prev_end_date,
                             $as_of_date)
),
scopes as (
    select 'KZ' as region_code union all select region_code from region
),
paired as (
    select s.region_code, d.kpi_code,
           max(v.kpi_value) filter (where v.is_current) as value,
           max(v.kpi_value) filter (where not v.is_current) as prev_value
    from scopes s
    cross join kpi_definition d
    left join kpi_values v on v.area_code = s.region_code and v.kpi_code = d.kpi_code
    group by all
),
-- The country's minimum is the mean of the regions' minimums.
minimums as (
    select kpi_code, region_code, minimum_value from kpi_threshold
    union all
    select kpi_code, 'KZ', avg(minimum_value) from kpi_threshold group by kpi_code
)
select p.region_code, p.kpi_code, d.domain, d.unit, d.direction, d.sort_order,
       p.value, p.prev_value, p.value - p.prev_value as change,
       d.national_target, d.target_date, d.source, m.minimum_value,
       kpi_rag(p.value, d.direction, d.national_target, m.minimum_value) as rag,
       case when p.region_code <> 'KZ' and p.value is not null then
           rank() over (partition by p.kpi_code, p.region_code = 'KZ', p.value is null
                        order by case when d.direction = 'higher' then -p.value else p.value end)
       end as rank_among_regions,
       count(p.value) over (partition by p.kpi_code, p.region_code = 'KZ') as regions_ranked
from paired p
join kpi_definition d using (kpi_code)
left join minimums m on m.kpi_code = p.kpi_code and m.region_code = p.region_code
order by p.region_code = 'KZ' desc, p.region_code, d.sort_order
