-- model:   kpi_values(grain, region, start_date, end_date, prev_start_date, prev_end_date, as_of_date)
-- purpose: every KPI's value in a period and the period before, at one grain, rolled up to the country
-- grain:   one row per (area_code, is_current, kpi_code); area_code is the region code (grain 'region')
--          or the district KATO (grain 'district'); 'KZ' is the roll-up of every area in scope
-- units:   as kpi_definition.unit: pct (0-100), mbps, ms, km, households; tests = speed tests behind a
--          speed KPI (fixed_* count fixed tests, mobile_* mobile ones, others all tests)
-- Each formula lives here once. Speed KPIs are medians/shares of the tests measured in the period (the outcome
-- shares count among the tests that can be judged, at the thresholds of models/speed_outcomes) and
-- are null when fewer than kpi_definition.min_tests stand behind them; coverage and rollout KPIs are
-- stock figures at the end of the period (latest coverage month, completed items). Partial progress of
-- unfinished rollout items is known only as of $as_of_date, so it counts only while the period runs.
create or replace macro kpi_values(grain, region, start_date, end_date, prev_start_date, prev_end_date,
                                   as_of_date) as table
with
tests as (
    select case when grain = 'district' then district_kato else region_code end as area_code,
           technology, download_mbps, upload_mbps, latency_ms, measured_at >= start_date as is_current,
           meets_threshold(download_mbps, upload_mbps, latency_ms, o.video_call_min_download_mbps,
                           o.video_call_min_upload_mbps, o.video_call_max_latency_ms) as video_call,
           meets_threshold(download_mbps, upload_mbps, latency_ms, o.consistent_min_download_mbps,
                           o.consistent_min_upload_mbps, o.consistent_max_latency_ms) as consistent,
           download_mbps >= o.target_100_min_download_mbps as at_least_100
    from speed_test
    cross join outcome_thresholds() o
    where measured_at >= prev_start_date and measured_at < end_date
      and (measured_at < prev_end_date or measured_at >= start_date)
      and (region is null or region_code = region)
      and (grain <> 'district' or district_kato is not null)
),
speed as (
    select coalesce(area_code, 'KZ') as area_code, is_current,
           count(*) as all_tests,
           count(*) filter (where technology = 'fixed') as fixed_tests,
           count(*) filter (where technology in ('3g', '4g', '5g')) as mobile_tests,
           median(download_mbps) as median_download_mbps,
           100.0 * avg((download_mbps < 10)::int) as tests_under_10_pct,
           100.0 * avg(at_least_100::int) as tests_at_least_100_pct,
           quantile_cont(download_mbps, 0.1) as p10_download_mbps,
           100.0 * avg(video_call::int) as tests_video_call_pct,
           100.0 * avg(consistent::int) as tests_consistent_pct,
           median(download_mbps) filter (where technology = 'fixed') as fixed_median_download_mbps,
           median(download_mbps) filter (where technology in ('3g', '4g', '5g')) as mobile_median_download_mbps,
           median(upload_mbps) filter (where technology = 'fixed') as fixed_median_upload_mbps,
           median(upload_mbps) filter (where technology in ('3g', '4g', '5g')) as mobile_median_upload_mbps,
           median(latency_ms) as median_latency_ms
    from tests
    group by grouping sets ((area_code, is_current), (is_current))
),
speed_counted as (
    select u.area_code, u.is_current, u.kpi_code, u.kpi_value,
           case when starts_with(u.kpi_code, 'fixed_') then u.fixed_tests
                when starts_with(u.kpi_code, 'mobile_') then u.mobile_tests else u.all_tests end as tests
    from (unpivot speed on columns(* exclude (area_code, is_current, all_tests, fixed_tests, mobile_tests))
          into name kpi_code value kpi_value) u
),
speed_long as (
    select s.area_code, s.is_current, s.kpi_code,
           case when d.min_tests is null or s.tests >= d.min_tests then s.kpi_value end as kpi_value, s.tests
    from speed_counted s
    join kpi_definition d using (kpi_code)
),
coverage_months as (
    select max(period) filter (where period < end_date) as current_month,
           max(period) filter (where period < prev_end_date) as previous_month
    from coverage
    where technology = '4g'
),
settlement_4g as (
    select case when grain = 'district' then c.district_kato else c.region_code end as area_code, c.kato,
           c.period = m.current_month as is_current, bool_or(c.covered) as covered
    from coverage c, coverage_months m
    where c.technology = '4g' and c.period in (m.current_month, m.previous_month)
      and (region is null or c.region_code = region)
      and (grain <> 'district' or c.district_kato is not null)
    group by all
),
coverage_long as (
    select coalesce(area_code, 'KZ') as area_code, is_current, 'settlements_4g_pct' as kpi_code,
           100.0 * avg(covered::int) as kpi_value, null::bigint as tests
    from settlement_4g
    group by grouping sets ((area_code, is_current), (is_current))
),
villages as (
    select coalesce(case when grain = 'district' then district_kato else region_code end, 'KZ') as area_code,
           count(*) as villages
    from settlement
    where is_village and (region is null or region_code = region)
    group by grouping sets ((case when grain = 'district' then district_kato else region_code end), ())
),
rollout_done as (
    select coalesce(area_code, 'KZ') as area_code, programme, is_current,
           sum(case when completed_date is not null then (completed_date < period_end)::int * done_units
                    when period_end > as_of_date then done_units else 0 end) as done_units,
           count(distinct kato) filter (where completed_date < period_end) as done_places,
           sum(planned_units) filter (where status <> 'cancelled') as planned_units
    from (select case when grain = 'district' then district_kato else region_code end as area_code, *
          from rollout_item
          where programme in ('fibre_village', '5g_city', 'road_4g', 'last_mile')
            and (region is null or region_code = region)
            and (grain <> 'district' or district_kato is not null)),
         (values (true, end_date::date), (false, prev_end_date::date)) as p(is_current, period_end)
    group by grouping sets ((area_code, programme, is_current), (programme, is_current))
),
rollout_long as (
    select r.area_code, r.is_current,
           case r.programme when 'fibre_village' then 'fibre_villages_pct' when '5g_city' then 'city_5g_sites_pct'
                            when 'road_4g' then 'road_4g_km' else 'last_mile_households' end as kpi_code,
           case r.programme when 'fibre_village' then 100.0 * r.done_places / nullif(v.villages, 0)
                            when '5g_city' then 100.0 * r.done_units / nullif(r.planned_units, 0)
                            else r.done_units end as kpi_value,
           null::bigint as tests
    from rollout_done r
    left join villages v using (area_code)
)
select area_code, is_current, kpi_code, kpi_value, tests from speed_long
union all select area_code, is_current, kpi_code, kpi_value, tests from coverage_long
union all select area_code, is_current, kpi_code, kpi_value, tests from rollout_long;

-- The RAG status of a KPI value: green at or beyond the national target, amber at or beyond the area's
-- minimum (a maximum where lower is better), red otherwise; null without a value or a minimum.
create or replace macro kpi_rag(value, direction, national_target, minimum_value) as
    case when value is null or minimum_value is null then null
         when direction = 'higher' then case when value >= national_target then 'green'
                                             when value >= minimum_value then 'amber' else 'red' end
         else case when value <= national_target then 'green'
                   when value <= minimum_value then 'amber' else 'red' end
    end;
