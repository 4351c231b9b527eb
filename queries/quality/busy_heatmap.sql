-- purpose: when the network slows: the median and the slow tenth (10th percentile) of download speeds by
--          local hour of the day and day of the week, for a region, a district or an operator, over the
--          period's tests
-- grain:   one row per (weekday, hour) that has tests; weekday 1 = Monday .. 7 = Sunday (ISO), hour 0-23 in
--          Kazakhstan local time (UTC+5, as measured_at is stored)
-- params:  $region (null = whole country), $district (a district KATO, null = every district), $operator
--          (null = every operator), $start_date, $end_date (the period, end exclusive)
-- units:   *_mbps in Mbit/s, tests = number of speed tests; a cell with fewer tests than min_tests (the
--          median KPI's, kpi_definition) has null figures and keeps its tests
-- Raw rows, pruned by date (speed_test is stored in time order): the medians are exact for any period. On
-- the default demo a quarter of the country (~90,000 tests) takes ~20 ms, a year ~50 ms; ten times the rows
-- (the large demo) scale about linearly.
with
tests as (
    select isodow(measured_at) as weekday, hour(measured_at) as hour, download_mbps
    from speed_test
    where measured_at >= $start_date and measured_at < $end_date
      and ($region is null or region_code = $region)
      and ($district is null or district_kato = $district)
      and ($operator is null or operator_code = $operator)
),
floor as (
    select min_tests from kpi_definition where kpi_code = 'median_download_mbps'
),
cells as (
    select weekday, hour, count(*) as tests, median(download_mbps) as median_download_mbps,
           quantile_cont(download_mbps, 0.1) as p10_download_mbps
    from tests
    group by all
)
select c.weekday, c.hour, c.tests,
       case when c.tests >= coalesce(f.min_tests, 0) then c.median_download_mbps end as median_download_mbps,
       case when c.tests >= coalesce(f.min_tests, 0) then c.p10_download_mbps end as p10_download_mbps
from cells c
cross join floor f
order by c.weekday, c.hour
