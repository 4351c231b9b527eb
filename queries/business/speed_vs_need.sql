-- purpose: the speeds firms get against what they need: median download by firm size and connection,
--          next to the speed a firm of that size needs, and the share of firms below it
-- grain:   one row per (firm_size, connection) with connection 'all' for every connected firm of a size
-- params:  $region (null = whole country), $start_date, $end_date (the period, end exclusive)
-- units:   median_download_mbps, need_mbps, gap_mbps (median - need) in Mbit/s; below_need_pct = firms
--          under the need / firms reporting a speed (0-100). A month or quarter selects its quarter's
--          responses (survey periods are the quarters' first months)
with
-- What a firm needs: 100 Mbit/s (the 2027 national target) for medium and large firms, which run
-- cloud software and video; 30 Mbit/s for micro and small firms (a working assumption of this view).
needs as (
    select * from (values ('micro', 30.0), ('small', 30.0), ('medium', 100.0), ('large', 100.0))
        as n(firm_size, need_mbps)
),
responses as (
    select firm_size, connection, download_mbps
    from survey_response
    where period >= date_trunc('quarter', $start_date::date) and period < $end_date
      and ($region is null or region_code = $region)
      and connection <> 'none' and download_mbps is not null
),
speeds as (
    select r.firm_size, coalesce(r.connection, 'all') as connection,
           count(*) as firms,
           median(r.download_mbps) as median_download_mbps,
           count(*) filter (where r.download_mbps < n.need_mbps) as firms_below_need,
           any_value(n.need_mbps) as need_mbps
    from responses r
    join needs n using (firm_size)
    group by grouping sets ((r.firm_size, r.connection), (r.firm_size))
)
select firm_size, connection, firms, median_download_mbps, need_mbps,
       median_download_mbps - need_mbps as gap_mbps,
       firms_below_need, 100.0 * firms_below_need / firms as below_need_pct
from speeds
order by case firm_size when 'micro' then 1 when 'small' then 2 when 'medium' then 3 else 4 end,
         connection = 'all' desc, connection
