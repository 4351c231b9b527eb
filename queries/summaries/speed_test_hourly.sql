-- purpose: rebuild speed_test_hourly: exact median and 10th percentile download per local hour of the day,
--          month by month, for the country and each region, overall and by operator and by technology
-- grain:   one row per (month, scope, dimension, member, hour); scope 'KZ' is the country (its figures
--          are taken over the country's tests), else the region code
-- params:  $first_month, $last_month: the months to redo (first days of months; null = from the first,
--          to the last month)
-- units:   *_mbps in Mbit/s, hour = local hour (UTC+5) 0-23, tests = number of speed tests
-- A statement file run by db.refresh_summaries (every transaction that changes speed_test) and by
-- db.apply_models when the table is new or this text has changed. About 24 times the rows of
-- speed_test_monthly: 0.2 million rows for the three years of the default demo.
delete from speed_test_hourly
where ($first_month is null or month >= $first_month) and ($last_month is null or month <= $last_month);
insert into speed_test_hourly
with tests as (
    select date_trunc('month', measured_at)::date as month, hour(measured_at) as hour, region_code,
           operator_code, technology, download_mbps
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
       hour,
       median(download_mbps) as median_download_mbps,
       quantile_cont(download_mbps, 0.1) as p10_download_mbps,
       count(*) as tests
from tests
group by grouping sets ((month, hour), (month, operator_code, hour), (month, technology, hour),
                        (month, region_code, hour), (month, region_code, operator_code, hour),
                        (month, region_code, technology, hour))
order by month, scope, dimension, member, hour;
