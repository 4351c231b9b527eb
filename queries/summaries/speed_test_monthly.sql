-- purpose: rebuild speed_test_monthly from every speed test: exact medians per month, for the country and
--          for each region, overall and by operator and by technology
-- grain:   one row per (month, scope, dimension, member); scope 'KZ' is the country (its medians are taken
--          over the country's tests, never from the regions' medians), else the region code
-- params:  none
-- units:   *_mbps in Mbit/s, median_latency_ms in milliseconds, tests_under_10_pct in percent (0-100),
--          tests = number of speed tests
-- A statement file, not a model: DuckDB macros and views cannot write. db.refresh_summaries runs it inside
-- every transaction that changes speed_test, and db.apply_models runs it once when the table is new or
-- this text has changed. A full rebuild is one pass over speed_test (2 to 5 s on ten million rows),
-- simpler and surer than patching the months a load or a rollback touched.
delete from speed_test_monthly;
insert into speed_test_monthly
with tests as (
    select date_trunc('month', measured_at)::date as month, region_code, operator_code, technology,
           download_mbps, upload_mbps, latency_ms
    from speed_test
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
