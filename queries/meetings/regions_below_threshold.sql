-- purpose: the regions whose KPIs are below the regional minimum (red) in the period: how many KPIs, which,
--          and how many were red in the period before
-- grain:   one row per region with at least one red KPI now or before, most red KPIs first
-- params:  $start_date, $end_date, $prev_start_date, $prev_end_date (periods, end exclusive), $as_of_date
-- units:   counts of KPIs; red_kpis is a list of KPI codes in definition order
with
values_now as (
    select * from kpi_values('region', null, $start_date, $end_date, $prev_start_date, $prev_end_date, $as_of_date)
),
paired as (
    select v.area_code as region_code, v.kpi_code,
           max(v.kpi_value) filter (where v.is_current) as value,
           max(v.kpi_value) filter (where not v.is_current) as prev_value
    from values_now v
    where v.area_code <> 'KZ'
    group by all
),
judged as (
    select p.region_code, p.kpi_code, d.sort_order,
           kpi_rag(p.value, d.direction, d.national_target, t.minimum_value) = 'red' as is_red,
           kpi_rag(p.prev_value, d.direction, d.national_target, t.minimum_value) = 'red' as was_red
    from paired p
    join kpi_definition d using (kpi_code)
    left join kpi_threshold t on t.kpi_code = p.kpi_code and t.region_code = p.region_code
)
select region_code,
       count(*) filter (where is_red) as red_now,
       count(*) filter (where was_red) as red_before,
       list(kpi_code order by sort_order) filter (where is_red) as red_kpis
from judged
group by region_code
having count(*) filter (where is_red) > 0 or count(*) filter (where was_red) > 0
order by red_now desc, region_code
