-- purpose: rebuild speed_test_monthly from every speed test: exact medians per month, for the country and
--          for each region, overall and by operator and by technology
-- grain:   one row per (month, scope, dimension, member); scope 'KZ' is the country (its medians are taken
--          over the country's tests, never from the regions' medians), else the region code
-- params:  $first_month, $last_month: the months to redo (first days of months; null = from the first,
--          to the last month): a load or a rollback redoes only the months its rows fall in
-- units:   *_mbps in Mbit/s, median_latency_ms in milliseconds, tests_under_10_pct in percent (0-100),
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
           download_mbps, upload_mbps, latency_ms
    from speed_test
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
       count(*) as tests
from tests
group by grouping sets ((month), (month, operator_code), (month, technology),
                        (month, region_code), (month, region_code, operator_code), (month, region_code, technology))
order by month, scope, dimension, member;
