-- purpose: the quality and coverage KPIs for every district of a region, in a period and the period
--          before, with the national target, the region's minimum, RAG status and rank in the region
-- grain:   one row per (district_kato, kpi_code); only the KPIs that exist at district level
-- params:  $region (null = districts of every region), $start_date, $end_date (the period, end
--          exclusive), $prev_start_date, $prev_end_date, $as_of_date (today)
-- units:   as kpi_definition.unit: pct (0-100), mbps, ms; tests = speed tests behind the value
--          (formulas: models/kpi_values, the same as kpi/region_values at district grain)
with
kpi_values as (
    select * from kpi_values('district', $region, $start_date, $end_date, $prev_start_date, $prev_end_date,
                             $as_of_date)
),
districts as (
    select district_kato, region_code from district where ($region is null or region_code = $region)
),
kpis as (
    select * from kpi_definition
    where domain in ('quality', 'coverage') or kpi_code in ('fibre_villages_pct', 'city_5g_sites_pct')
),
paired as (
    select s.district_kato, s.region_code, d.kpi_code,
           max(v.kpi_value) filter (where v.is_current) as value,
           max(v.kpi_value) filter (where not v.is_current) as prev_value,
           max(v.tests) filter (where v.is_current) as tests
    from districts s
    cross join kpis d
    left join kpi_values v on v.area_code = s.district_kato and v.kpi_code = d.kpi_code
    group by all
)
select p.district_kato, p.region_code, p.kpi_code, d.unit, d.direction, d.sort_order,
       p.value, p.prev_value, p.value - p.prev_value as change, p.tests,
       d.national_target, m.minimum_value,
       kpi_rag(p.value, d.direction, d.national_target, m.minimum_value) as rag,
       case when p.value is not null then
           rank() over (partition by p.kpi_code, p.region_code, p.value is null
                        order by case when d.direction = 'higher' then -p.value else p.value end)
       end as rank_in_region,
       count(p.value) over (partition by p.kpi_code, p.region_code) as districts_ranked
from paired p
join kpi_definition d using (kpi_code)
left join kpi_threshold m on m.kpi_code = p.kpi_code and m.region_code = p.region_code
order by p.region_code, p.district_kato, d.sort_order
