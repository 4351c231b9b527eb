-- purpose: median download, upload and latency month by month, by operator and by technology
-- grain:   one row per (month, dimension, member); dimension is 'operator' or 'technology'
-- params:  $region (null = whole country), $from_date, $end_date (end exclusive)
-- units:   *_mbps in Mbit/s, median_latency_ms in milliseconds, tests = number of speed tests
with
tests as (
    select date_trunc('month', measured_at)::date as month, operator_code, technology,
           download_mbps, upload_mbps, latency_ms
    from speed_test
    where measured_at >= $from_date and measured_at < $end_date
      and ($region is null or region_code = $region)
),
medians as (
    select month,
           case when grouping(operator_code) = 0 then 'operator' else 'technology' end as dimension,
           coalesce(operator_code, technology) as member,
           median(download_mbps) as median_download_mbps,
           median(upload_mbps) as median_upload_mbps,
           median(latency_ms) as median_latency_ms,
           count(*) as tests
    from tests
    group by grouping sets ((month, operator_code), (month, technology))
)
select m.month, m.dimension, m.member, o.name as operator_name,
       m.median_download_mbps, m.median_upload_mbps, m.median_latency_ms, m.tests
from medians m
left join operator o on m.dimension = 'operator' and o.operator_code = m.member
-- technologies from fixed to satellite, so that lines and legend keep one order on every page
order by m.dimension,
         case m.member when 'fixed' then 1 when '5g' then 2 when '4g' then 3 when '3g' then 4
                       when 'satellite' then 5 else 6 end,
         m.member, m.month
