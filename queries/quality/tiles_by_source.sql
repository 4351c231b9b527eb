-- purpose: speed by source, per area: the Ookla tiles (test-weighted mean of the tiles' published averages)
--          beside the median download of the crowd, operator and regulator speed tests, fixed or mobile
-- grain:   one row per area: the scope (country or $region) first, then its regions or districts (level)
-- params:  $region (null = whole country), $start_date, $end_date (end exclusive), $tile_type (fixed|mobile)
-- units:   *_mbps in Mbit/s (tiles: published kbit/s / 1000), tile_latency_ms in ms; tile_tests = tests
--          behind the tiles, tiles = number of tiles; *_tests = speed tests behind each median (fixed: fixed
--          lines; mobile: 3g/4g/5g). A figure backed by fewer tests than min_tests (kpi_definition, the
--          fixed/mobile median download KPI) is null, its tests still counted. quarter_from / quarter_to:
--          the quarters of tiles used, those that overlap the period or, when none is published yet, the
--          latest one before the period's end
with
minimum as (
    select min_tests from kpi_definition where kpi_code = $tile_type || '_median_download_mbps'
),
overlapping as (
    select distinct quarter from speed_tile
    where tile_type = $tile_type and quarter < $end_date and quarter + interval 3 month > $start_date
),
chosen as (
    select quarter from overlapping
    union all
    select max(quarter) from speed_tile
    where tile_type = $tile_type and quarter < $end_date and not exists (select 1 from overlapping)
),
tiles as (
    select case when $region is null then region_code else district_kato end as area_code,
           avg_d_kbps, avg_u_kbps, avg_lat_ms, tests
    from speed_tile
    where tile_type = $tile_type and quarter in (select quarter from chosen)
      and ($region is null or region_code = $region)
),
tile_areas as (
    select case when grouping(area_code) = 1 then coalesce($region, 'KZ') else area_code end as area_code,
           sum(avg_d_kbps * tests) / sum(tests) / 1000 as tile_download_mbps,
           sum(avg_u_kbps * tests) / sum(tests) filter (where avg_u_kbps is not null) / 1000 as tile_upload_mbps,
           sum(avg_lat_ms * tests) / sum(tests) filter (where avg_lat_ms is not null) as tile_latency_ms,
           sum(tests)::bigint as tile_tests,
           count(*) as tiles
    from tiles
    group by grouping sets ((area_code), ())
),
tests as (
    select case when $region is null then region_code else district_kato end as area_code, source, download_mbps
    from speed_test
    where measured_at >= $start_date and measured_at < $end_date
      and ($region is null or region_code = $region)
      and (technology = 'fixed') = ($tile_type = 'fixed') and technology <> 'satellite'
),
test_areas as (
    select case when grouping(area_code) = 1 then coalesce($region, 'KZ') else area_code end as area_code,
           median(download_mbps) filter (where source = 'crowd') as crowd_median_download_mbps,
           median(download_mbps) filter (where source = 'operator') as operator_median_download_mbps,
           median(download_mbps) filter (where source = 'regulator') as regulator_median_download_mbps,
           count(*) filter (where source = 'crowd') as crowd_tests,
           count(*) filter (where source = 'operator') as operator_tests,
           count(*) filter (where source = 'regulator') as regulator_tests
    from tests
    group by grouping sets ((area_code), ())
    -- tests of an unknown district count in the region's total only
    having grouping(area_code) = 1 or area_code is not null
),
areas as (
    select coalesce($region, 'KZ') as area_code, case when $region is null then 'country' else 'region' end as level
    union all
    select region_code, 'region' from region where $region is null
    union all
    select district_kato, 'district' from district where region_code = $region
)
select a.area_code, a.level,
       case when m.min_tests is null or t.tile_tests >= m.min_tests then t.tile_download_mbps end as tile_download_mbps,
       case when m.min_tests is null or t.tile_tests >= m.min_tests then t.tile_upload_mbps end as tile_upload_mbps,
       case when m.min_tests is null or t.tile_tests >= m.min_tests then t.tile_latency_ms end as tile_latency_ms,
       coalesce(t.tile_tests, 0) as tile_tests, coalesce(t.tiles, 0) as tiles,
       case when m.min_tests is null or s.crowd_tests >= m.min_tests then s.crowd_median_download_mbps end
           as crowd_median_download_mbps,
       case when m.min_tests is null or s.operator_tests >= m.min_tests then s.operator_median_download_mbps end
           as operator_median_download_mbps,
       case when m.min_tests is null or s.regulator_tests >= m.min_tests then s.regulator_median_download_mbps end
           as regulator_median_download_mbps,
       coalesce(s.crowd_tests, 0) as crowd_tests, coalesce(s.operator_tests, 0) as operator_tests,
       coalesce(s.regulator_tests, 0) as regulator_tests,
       (select min(quarter) from chosen) as quarter_from, (select max(quarter) from chosen) as quarter_to,
       m.min_tests
from areas a
cross join minimum m
left join tile_areas t using (area_code)
left join test_areas s using (area_code)
order by a.level = 'district' or (a.level = 'region' and $region is null), a.area_code
