-- purpose: the busy-hour dip month by month, by operator and by technology, for the country or a region
-- grain:   one row per (month, dimension, member); dimension is 'operator' or 'technology'
-- params:  $region (null = whole country), $from_date, $end_date (end exclusive): every month that overlaps
--          [$from_date, $end_date)
-- units:   *_hour = local hour of the day (UTC+5), *_mbps in Mbit/s, dip_pct in percent of the quiet hour's
--          median (positive = slower when busy), *_tests = number of speed tests
-- The dip as in quality/busy_hour_dip, within each month (busiest hour = most tests; quietest = fewest tests
-- among the hours with at least a quarter of the busiest hour's tests and min_tests), read from
-- speed_test_hourly: exact monthly medians, a few thousand rows.
with
hours as (
    select month, dimension, member, hour, tests, median_download_mbps
    from speed_test_hourly
    where month >= date_trunc('month', $from_date) and month < $end_date
      and scope = coalesce($region, 'KZ')
      and dimension in ('operator', 'technology')
),
floor as (
    select coalesce(max(min_tests), 0) as min_tests from kpi_definition where kpi_code = 'median_download_mbps'
),
picked as (
    select h.month, h.dimension, h.member, f.min_tests,
           arg_max(h.hour, h.tests * 100 - h.hour) as busy_hour,   -- ties: the earlier hour
           arg_min(h.hour, h.tests * 100 + h.hour) filter (where h.tests >= f.min_tests and h.tests * 4 >= b.tests)
               as quiet_hour
    from hours h
    cross join floor f
    join (select month, dimension, member, max(tests) as tests from hours group by all) b
      using (month, dimension, member)
    group by all
)
select p.month, p.dimension, p.member, o.name as operator_name, p.busy_hour, b.tests as busy_tests,
       b.median_download_mbps as busy_median_download_mbps, p.quiet_hour, q.tests as quiet_tests,
       q.median_download_mbps as quiet_median_download_mbps,
       case when b.tests >= p.min_tests and p.quiet_hour <> p.busy_hour
            then 100.0 * (1 - b.median_download_mbps / q.median_download_mbps) end as dip_pct
from picked p
join hours b on b.month = p.month and b.dimension = p.dimension and b.member = p.member and b.hour = p.busy_hour
left join hours q on q.month = p.month and q.dimension = p.dimension and q.member = p.member
                 and q.hour = p.quiet_hour
left join operator o on p.dimension = 'operator' and o.operator_code = p.member
order by p.dimension,
         case p.member when 'fixed' then 1 when '5g' then 2 when '4g' then 3 when '3g' then 4
                       when 'satellite' then 5 else 6 end,
         p.member, p.month
