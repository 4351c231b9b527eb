-- purpose: rebuild speed_test_monthly from every speed test: exact medians per month, for the country and
--          for each region, overall and by operator and by technology
-- grain:   one row per (month, scope, dimension, member); scope 'KZ' is the country (its medians are taken
--          over the country's tests, never from the regions' medians), else the region code
-- params:  $first_month, $last_month: the months to redo (first days of months; null = from the first,
--          to the last month): a load or a rollback redoes only the months its rows fall in
-- units:   *_mbps in Mbit/s (p10_download_mbps: the 10th percentile, the slow tenth), median_latency_ms in
--          milliseconds, tests_*_pct in percent (0-100): under 10 Mbit/s, and the outcome shares among the tests
--          that can be judged (models/speed_outcomes: video call, consistency floor, 100 Mbit/s target),
--          tests = number of speed tests
-- A statement file, not a model: DuckDB macros and views cannot write. db.refresh_summaries runs it inside
-- every transaction that changes speed_test, and db.apply_models runs it for every month when the table is
-- new or this text has changed. Every month is one pass over speed_test (2 to 5 s on ten million rows); a
-- month of a large warehouse, what a monthly file touches, a tenth of a second.
delete from speed_test_monthly
where ($first_month is null or month >= $first_month) and ($last_month is null or month <= $last_month);
insert into speed_test_monthly
with tests as (
    select date_trunc('month', measured_at)::date as month, region_code, operator_code, technology,
           download_mbps, upload_mbps, latency_ms,
           meets_threshold(download_mbps, upload_mbps, latency_ms, o.video_call_min_download_mbps,
                           o.video_call_min_upload_mbps, o.video_call_max_latency_ms) as video_call,
           meets_threshold(download_mbps, upload_mbps, latency_ms, o.consistent_min_download_mbps,
                           o.consistent_min_upload_mbps, o.consistent_max_latency_ms) as consistent,
           download_mbps >= o.target_100_min_download_mbps as at_least_100
    from speed_test
    cross join outcome_thresholds() o
    where ($first_month is null or measured_at >= $first_month)
      and ($last_month is null or measured_at < $last_month::date + interval 1 month)
)
select month,
       case when grouping(region_code) = 0 then region_code else 'KZ' end as scope,
       case when grouping(operator_code) = 0 then 'operator'
            when grouping(technology) = 0 then 'technology'
            else 'all' end as dimension,
       coalesce(operator_code, technology) as member,
       median(download_mbps) as median_download_mbps,
       median(upload_mbps) as median_upload_mbps,
       median(latency_ms) as median_latency_ms,
       100.0 * avg((download_mbps < 10)::int) as tests_under_10_pct,
       count(*) as tests,
       quantile_cont(download_mbps, 0.1) as p10_download_mbps,
       100.0 * avg(video_call::int) as tests_video_call_pct,
       100.0 * avg(consistent::int) as tests_consistent_pct,
       100.0 * avg(at_least_100::int) as tests_at_least_100_pct
from tests
group by grouping sets ((month), (month, operator_code), (month, technology),
                        (month, region_code), (month, region_code, operator_code), (month, region_code, technology))
order by month, scope, dimension, member;
