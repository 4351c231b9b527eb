-- purpose: every KPI for every region and for the country, in a period and the period before,
--          with target, regional minimum, RAG status and rank among the regions
-- grain:   one row per (region_code, kpi_code); region_code 'KZ' is the whole country
-- params:  $start_date, $end_date (the period, end exclusive), $prev_start_date, $prev_end_date
-- units:   as kpi_definition.unit: pct (0-100), mbps, ms, km, households
--          speed KPIs are medians/shares of the tests measured in the period; rollout and coverage
--          KPIs are stock figures at the end of the period (completed items, latest coverage month);
--          a speed KPI backed by fewer tests than its kpi_definition.min_tests is null (too few to judge)
with
tests as (
    select region_code, technology, download_mbps, upload_mbps, latency_ms,
           measured_at >= $start_date as is_current
    from speed_test
    where measured_at >= $prev_start_date and measured_at < $end_date
      and (measured_at < $prev_end_date or measured_at >= $start_date)
),
speed as (
    select coalesce(region_code, 'KZ') as region_code, is_current,
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
    group by grouping sets ((region_code, is_current), (is_current))
),
-- Each speed KPI with the number of tests behind it: fixed_* KPIs count fixed tests, mobile_* mobile ones.
speed_counted as (
    select u.region_code, u.is_current, u.kpi_code, u.kpi_value,
           case when starts_with(u.kpi_code, 'fixed_') then u.fixed_tests
                when starts_with(u.kpi_code, 'mobile_') then u.mobile_tests else u.all_tests end as tests
    from (unpivot speed on columns(* exclude (region_code, is_current, all_tests, fixed_tests, mobile_tests))
          into name kpi_code value kpi_value) u
),
speed_long as (
    select s.region_code, s.is_current, s.kpi_code,
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
    select c.region_code, c.kato, c.period = m.current_month as is_current, bool_or(c.covered) as covered
    from coverage c, coverage_months m
    where c.technology = '4g' and c.period in (m.current_month, m.previous_month)
    group by all
),
coverage_long as (
    select coalesce(region_code, 'KZ') as region_code, is_current, 'settlements_4g_pct' as kpi_code,
           100.0 * avg(covered::int) as kpi_value
    from settlement_4g
    group by grouping sets ((region_code, is_current), (is_current))
),
villages as (
    select coalesce(region_code, 'KZ') as region_code, count(*) as villages
    from settlement
    where is_village
    group by grouping sets ((region_code), ())
),
-- Rollout stock at a date counts completed items; in-flight progress only for a period still running.
rollout_done as (
    select coalesce(region_code, 'KZ') as region_code, programme, is_current,
           sum(case when completed_date is not null then (completed_date < period_end)::int * done_units
                    when period_end > current_date then done_units else 0 end) as done_units,
           count(distinct kato) filter (where completed_date < period_end) as done_places,
           sum(planned_units) filter (where status <> 'cancelled') as planned_units
    from rollout_item,
         (values (true, $end_date::date), (false, $prev_end_date::date)) as p(is_current, period_end)
    where programme in ('fibre_village', '5g_city', 'road_4g', 'last_mile')
    group by grouping sets ((region_code, programme, is_current), (programme, is_current))
),
rollout_long as (
    select r.region_code, r.is_current,
           case r.programme when 'fibre_village' then 'fibre_villages_pct' when '5g_city' then 'city_5g_sites_pct'
                            when 'road_4g' then 'road_4g_km' else 'last_mile_households' end as kpi_code,
           case r.programme when 'fibre_village' then 100.0 * r.done_places / nullif(v.villages, 0)
                            when '5g_city' then 100.0 * r.done_units / nullif(r.planned_units, 0)
                            else r.done_units end as kpi_value
    from rollout_done r
    left join villages v using (region_code)
),
all_values as (
    select region_code, is_current, kpi_code, kpi_value from speed_long
    union all select * from coverage_long
    union all select * from rollout_long
),
scopes as (
    select 'KZ' as region_code union all select region_code from region
),
paired as (
    select s.region_code, d.kpi_code,
           max(a.kpi_value) filter (where a.is_current) as value,
           max(a.kpi_value) filter (where not a.is_current) as prev_value
    from scopes s
    cross join kpi_definition d
    left join all_values a on a.region_code = s.region_code and a.kpi_code = d.kpi_code
    group by all
),
minimums as (
    select kpi_code, region_code, minimum_value from kpi_threshold
    union all
    select kpi_code, 'KZ', avg(minimum_value) from kpi_threshold group by kpi_code
)
select p.region_code, p.kpi_code, d.domain, d.unit, d.direction, d.sort_order,
       p.value, p.prev_value, p.value - p.prev_value as change,
       d.national_target, d.target_date, d.source, m.minimum_value,
       case when p.value is null or m.minimum_value is null then null
            when d.direction = 'higher' then case when p.value >= d.national_target then 'green'
                                                  when p.value >= m.minimum_value then 'amber' else 'red' end
            else case when p.value <= d.national_target then 'green'
                      when p.value <= m.minimum_value then 'amber' else 'red' end
       end as rag,
       case when p.region_code <> 'KZ' and p.value is not null then
           rank() over (partition by p.kpi_code, p.region_code = 'KZ', p.value is null
                        order by case when d.direction = 'higher' then -p.value else p.value end)
       end as rank_among_regions,
       count(p.value) over (partition by p.kpi_code, p.region_code = 'KZ') as regions_ranked
from paired p
join kpi_definition d using (kpi_code)
left join minimums m on m.kpi_code = p.kpi_code and m.region_code = p.region_code
order by p.region_code = 'KZ' desc, p.region_code, d.sort_order
