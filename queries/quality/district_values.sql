-- purpose: the quality and coverage KPIs for every district of a region, in a period and the period
--          before, with the national target, the region's minimum, RAG status and rank in the region
-- grain:   one row per (district_kato, kpi_code); only the KPIs that exist at district level
-- params:  $region (null = districts of every region), $start_date, $end_date (the period, end
--          exclusive), $prev_start_date, $prev_end_date
-- units:   as kpi_definition.unit: pct (0-100), mbps, ms; tests = speed tests behind the value
--          same definitions as kpi/region_values, grouped by district instead of region: a speed KPI
--          backed by fewer tests than kpi_definition.min_tests is null, its tests still counted
with
tests as (
    select district_kato, technology, download_mbps, upload_mbps, latency_ms,
           measured_at >= $start_date as is_current
    from speed_test
    where measured_at >= $prev_start_date and measured_at < $end_date
      and (measured_at < $prev_end_date or measured_at >= $start_date)
      and ($region is null or region_code = $region)
      and district_kato is not null
),
speed as (
    select district_kato, is_current,
           count(*) as all_tests,
           count(*) filter (where technology = 'fixed') as fixed_tests,
           count(*) filter (where technology in ('3g', '4g', '5g')) as mobile_tests,
           median(download_mbps) as median_download_mbps,
           100.0 * avg((download_mbps < 10)::int) as tests_under_10_pct,
           100.0 * avg((download_mbps >= 100)::int) as tests_at_least_100_pct,
           median(download_mbps) filter (where technology = 'fixed') as fixed_median_download_mbps,
           median(download_mbps) filter (where technology in ('3g', '4g', '5g')) as mobile_median_download_mbps,
           median(upload_mbps) filter (where technology = 'fixed') as fixed_median_upload_mbps,
           median(upload_mbps) filter (where technology in ('3g', '4g', '5g')) as mobile_median_upload_mbps,
           median(latency_ms) as median_latency_ms
    from tests
    group by district_kato, is_current
),
-- Each speed KPI with the number of tests behind it: fixed_* KPIs count fixed tests, mobile_* mobile ones.
speed_counted as (
    select u.district_kato, u.is_current, u.kpi_code, u.kpi_value,
           case when starts_with(u.kpi_code, 'fixed_') then u.fixed_tests
                when starts_with(u.kpi_code, 'mobile_') then u.mobile_tests else u.all_tests end as tests
    from (unpivot speed on columns(* exclude (district_kato, is_current, all_tests, fixed_tests, mobile_tests))
          into name kpi_code value kpi_value) u
),
speed_long as (
    select s.district_kato, s.is_current, s.tests, s.kpi_code,
           case when d.min_tests is null or s.tests >= d.min_tests then s.kpi_value end as kpi_value
    from speed_counted s
    join kpi_definition d using (kpi_code)
),
coverage_months as (
    select max(period) filter (where period < $end_date) as current_month,
           max(period) filter (where period < $prev_end_date) as previous_month
    from coverage
    where technology = '4g'
),
settlement_4g as (
    select c.district_kato, c.kato, c.period = m.current_month as is_current, bool_or(c.covered) as covered
    from coverage c, coverage_months m
    where c.technology = '4g' and c.period in (m.current_month, m.previous_month)
      and ($region is null or c.region_code = $region) and c.district_kato is not null
    group by all
),
coverage_long as (
    select district_kato, is_current, null::bigint as tests, 'settlements_4g_pct' as kpi_code,
           100.0 * avg(covered::int) as kpi_value
    from settlement_4g
    group by district_kato, is_current
),
villages as (
    select district_kato, count(*) as villages
    from settlement
    where is_village and ($region is null or region_code = $region)
    group by district_kato
),
-- Rollout stock at a date counts completed items; in-flight progress only for a period still running.
rollout_done as (
    select district_kato, programme, is_current,
           sum(case when completed_date is not null then (completed_date < period_end)::int * done_units
                    when period_end > current_date then done_units else 0 end) as done_units,
           count(distinct kato) filter (where completed_date < period_end) as done_places,
           sum(planned_units) filter (where status <> 'cancelled') as planned_units
    from rollout_item,
         (values (true, $end_date::date), (false, $prev_end_date::date)) as p(is_current, period_end)
    where programme in ('fibre_village', '5g_city')
      and ($region is null or region_code = $region) and district_kato is not null
    group by district_kato, programme, is_current
),
rollout_long as (
    select r.district_kato, r.is_current, null::bigint as tests,
           case r.programme when 'fibre_village' then 'fibre_villages_pct' else 'city_5g_sites_pct' end as kpi_code,
           case r.programme when 'fibre_village' then 100.0 * r.done_places / nullif(v.villages, 0)
                            else 100.0 * r.done_units / nullif(r.planned_units, 0) end as kpi_value
    from rollout_done r
    left join villages v using (district_kato)
),
all_values as (
    select district_kato, is_current, tests, kpi_code, kpi_value from speed_long
    union all select * from coverage_long
    union all select * from rollout_long
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
           max(a.kpi_value) filter (where a.is_current) as value,
           max(a.kpi_value) filter (where not a.is_current) as prev_value,
           max(a.tests) filter (where a.is_current) as tests
    from districts s
    cross join kpis d
    left join all_values a on a.district_kato = s.district_kato and a.kpi_code = d.kpi_code
    group by all
)
select p.district_kato, p.region_code, p.kpi_code, d.unit, d.direction, d.sort_order,
       p.value, p.prev_value, p.value - p.prev_value as change, p.tests,
       d.national_target, m.minimum_value,
       case when p.value is null or m.minimum_value is null then null
            when d.direction = 'higher' then case when p.value >= d.national_target then 'green'
                                                  when p.value >= m.minimum_value then 'amber' else 'red' end
            else case when p.value <= d.national_target then 'green'
                      when p.value <= m.minimum_value then 'amber' else 'red' end
       end as rag,
       case when p.value is not null then
           rank() over (partition by p.kpi_code, p.region_code, p.value is null
                        order by case when d.direction = 'higher' then -p.value else p.value end)
       end as rank_in_region,
       count(p.value) over (partition by p.kpi_code, p.region_code) as districts_ranked
from paired p
join kpi_definition d using (kpi_code)
left join kpi_threshold m on m.kpi_code = p.kpi_code and m.region_code = p.region_code
order by p.region_code, p.district_kato, d.sort_order
