-- purpose: the urban-rural gap: median download in towns versus villages, by region (or by district
--          of the chosen region), with the total for the scope
-- grain:   one row per area: regions and 'KZ' when $region is null, else the region's districts and
--          the region itself (level tells which)
-- params:  $region (null = whole country), $start_date, $end_date (end exclusive)
-- units:   *_mbps in Mbit/s; gap_mbps = urban minus rural; rural_to_urban_pct = rural median as a
--          percent of the urban median; *_tests = number of tests behind each median
with
tests as (
    select case when $region is null then region_code else district_kato end as area_code,
           is_rural, download_mbps
    from speed_test
    where measured_at >= $start_date and measured_at < $end_date
      and ($region is null or region_code = $region)
      and is_rural is not null
),
medians as (
    select case when grouping(area_code) = 1 then coalesce($region, 'KZ') else area_code end as area_code,
           case when grouping(area_code) = 1 then (case when $region is null then 'country' else 'region' end)
                when $region is null then 'region' else 'district' end as level,
           median(download_mbps) filter (where not is_rural) as urban_median_download_mbps,
           median(download_mbps) filter (where is_rural) as rural_median_download_mbps,
           count(*) filter (where not is_rural) as urban_tests,
           count(*) filter (where is_rural) as rural_tests
    from tests
    group by grouping sets ((area_code), ())
    -- tests of an unknown district count in the region's total only
    having grouping(area_code) = 1 or area_code is not null
)
select area_code, level, urban_median_download_mbps, rural_median_download_mbps,
       urban_median_download_mbps - rural_median_download_mbps as gap_mbps,
       100.0 * rural_median_download_mbps / nullif(urban_median_download_mbps, 0) as rural_to_urban_pct,
       urban_tests, rural_tests
from medians
order by level = 'district' or (level = 'region' and $region is null), gap_mbps desc nulls last, area_code
