-- purpose: how firms connect (fixed, mobile, satellite, none) by firm size, by sector and by region (or,
--          with a region chosen, by district), from the business survey of the period's quarters
-- grain:   one row per (dimension, group_code, connection); dimension is 'all' (group_code 'all'),
--          'firm_size', 'sector' or 'area' (region code, or district KATO when $region is set)
-- params:  $region (null = whole country), $start_date, $end_date (the period, end exclusive)
-- units:   firms (responses); share_pct = firms / group_firms (0-100). Survey periods are quarters
--          (period = the quarter's first month): a month or quarter selects its quarter's responses
with
responses as (
    select firm_size, sector, connection,
           case when $region is null then region_code else coalesce(district_kato, kato) end as area_code
    from survey_response
    where period >= date_trunc('quarter', $start_date::date) and period < $end_date
      and ($region is null or region_code = $region)
),
counted as (
    select case when grouping(firm_size) = 0 then 'firm_size' when grouping(sector) = 0 then 'sector'
                when grouping(area_code) = 0 then 'area' else 'all' end as dimension,
           coalesce(firm_size, sector, area_code, 'all') as group_code,
           connection,
           count(*) as firms
    from responses
    group by grouping sets ((connection), (firm_size, connection), (sector, connection), (area_code, connection))
)
select dimension, group_code, connection, firms,
       (sum(firms) over (partition by dimension, group_code))::bigint as group_firms,
       100.0 * firms / sum(firms) over (partition by dimension, group_code) as share_pct
from counted
order by dimension, group_code, connection
