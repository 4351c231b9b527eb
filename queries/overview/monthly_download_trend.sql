-- purpose: the main quality KPI month by month: median download and share of slow tests,
--          for the country and (when $region is set) the chosen region
-- grain:   one row per (month, scope); scope 'KZ' is the country, else the region code
-- params:  $region (null = country only), $from_date, $end_date (end exclusive)
-- units:   median_download_mbps in Mbit/s, tests_under_10_pct in percent (0-100)
with tests as (
    select date_trunc('month', measured_at)::date as month, region_code, download_mbps
    from speed_test
    where measured_at >= $from_date and measured_at < $end_date
)
select month, 'KZ' as scope,
       median(download_mbps) as median_download_mbps,
       100.0 * avg((download_mbps < 10)::int) as tests_under_10_pct,
       count(*) as tests
from tests
group by month
union all
select month, region_code as scope,
       median(download_mbps), 100.0 * avg((download_mbps < 10)::int), count(*)
from tests
where region_code = $region
group by month, region_code
order by scope, month
