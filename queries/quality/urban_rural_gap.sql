-- purpose: the urban-rural gap: median download in towns versus villages, by region (or by district
--          of the chosen region), with the total for the scope
-- grain:   one row per area: regions and 'KZ' when $region is null, else the region's districts and
--          the region itself (level tells which)
-- params:  $region (null = whole country), $start_date, $end_date (end exclusive)
-- units:   *_mbps in Mbit/s; gap_mbps = urban minus rural; rural_to_urban_pct = rural median as a
--          percent of the urban median; *_tests = number of tests behind each median
-- The class comes from the place: a test in a city or town akimat or a republican city is urban whatever
-- the settlement its KATO code names (KATO often lists a city's villages but not the city itself).
with
tests as (
    select case when $region is null then t.region_code else t.district_kato end as area_code,
           case when d.is_urban or r.is_city then false else t.is_rural end as is_rural, t.download_mbps
    from speed_test t
    join region r on r.region_code = t.region_code
    left join district d on d.district_kato = t.district_kato
    where t.measured_at >= $start_date and t.measured_at < $end_date
      and ($region is null or t.region_code = $region)
      and (t.is_rural is not null or d.is_urban or r.is_city)
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
