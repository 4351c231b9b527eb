-- purpose: the main quality KPI month by month: median download and share of slow tests,
--          for the country and (when $region is set) the chosen region
-- grain:   one row per (month, scope); scope 'KZ' is the country, else the region code
-- params:  $region (null = country only), $from_date, $end_date (end exclusive); the window is whole
--          months: every month that overlaps [$from_date, $end_date) (periods start on the first of a month)
-- units:   median_download_mbps in Mbit/s, tests_under_10_pct in percent (0-100)
select month, scope, median_download_mbps, tests_under_10_pct, tests
from speed_test_monthly
where month >= date_trunc('month', $from_date) and month < $end_date
  and (scope = 'KZ' or scope = $region)
  and dimension = 'all'
order by scope, month
