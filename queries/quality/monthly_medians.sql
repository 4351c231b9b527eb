-- purpose: median download, upload and latency month by month, by operator and by technology, with the slow
--          tenth (10th percentile download) and the outcome shares beside them
-- grain:   one row per (month, dimension, member); dimension is 'operator' or 'technology'
-- params:  $region (null = whole country), $from_date, $end_date (end exclusive); the window is whole
--          months: every month that overlaps [$from_date, $end_date) (periods start on the first of a month)
-- units:   *_mbps in Mbit/s, median_latency_ms in milliseconds, tests_*_pct in percent (0-100) of the tests
--          that can be judged (models/speed_outcomes), tests = number of speed tests
with
medians as (
    select month, dimension, member, median_download_mbps, median_upload_mbps, median_latency_ms, tests,
           p10_download_mbps, tests_video_call_pct, tests_consistent_pct, tests_at_least_100_pct
    from speed_test_monthly
    where month >= date_trunc('month', $from_date) and month < $end_date
      and scope = coalesce($region, 'KZ')
      and dimension in ('operator', 'technology')
)
select m.month, m.dimension, m.member, o.name as operator_name,
       m.median_download_mbps, m.median_upload_mbps, m.median_latency_ms, m.tests,
       m.p10_download_mbps, m.tests_video_call_pct, m.tests_consistent_pct, m.tests_at_least_100_pct
from medians m
left join operator o on m.dimension = 'operator' and o.operator_code = m.member
-- technologies from fixed to satellite, so that lines and legend keep one order on every page
order by m.dimension,
         case m.member when 'fixed' then 1 when '5g' then 2 when '4g' then 3 when '3g' then 4
                       when 'satellite' then 5 else 6 end,
         m.member, m.month
