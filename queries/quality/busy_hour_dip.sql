-- purpose: the busy-hour dip: how much slower the median download is at the busiest hour of the day than at
--          the quietest, by operator and by technology, for the country and every region, ranked across
--          the regions
-- grain:   one row per (area_code, dimension, member); area_code 'KZ' is the whole country, else a region;
--          dimension is 'operator' or 'technology'
-- params:  $start_date, $end_date (the period, end exclusive; whole months)
-- units:   *_hour = local hour of the day (UTC+5) 0-23, *_mbps in Mbit/s, dip_pct in percent of the quiet
--          hour's median (positive = slower when busy), *_tests = number of speed tests
-- Busiest hour = the hour of the day with the most tests in the period (tests stand for use: people test
-- when they use the network); quietest = the hour with the fewest tests among the hours with at least a
-- quarter of the busiest hour's tests and at least min_tests (the median KPI's, kpi_definition): the quiet
-- hour of the waking day, not a handful of night tests whose median says little. No dip without min_tests at
-- the busiest hour. rank_among_regions: 1 = the largest dip among the regions with a figure for that
-- operator or technology.
-- Read from speed_test_hourly (a few thousand rows a month, whatever the warehouse's size). The hours are
-- picked on the period's exact counts; an hour's median over a period of several months is the mean of its
-- monthly medians weighted by tests (exact for a month; the raw rows took 0.2 s for a year of the default
-- demo, 2 s of the large one).
with
floor as (
    select coalesce(max(min_tests), 0) as min_tests from kpi_definition where kpi_code = 'median_download_mbps'
),
hours as (
    select scope as area_code, dimension, member, hour, sum(tests) as tests,
           sum(median_download_mbps * tests) / sum(tests) as median_download_mbps
    from speed_test_hourly
    where month >= $start_date and month < $end_date and dimension in ('operator', 'technology')
    group by all
),
picked as (
    select h.area_code, h.dimension, h.member, f.min_tests,
           arg_max(h.hour, h.tests * 100 - h.hour) as busy_hour,   -- ties: the earlier hour
           arg_min(h.hour, h.tests * 100 + h.hour) filter (where h.tests >= f.min_tests and h.tests * 4 >= b.tests)
               as quiet_hour
    from hours h
    cross join floor f
    join (select area_code, dimension, member, max(tests) as tests from hours group by all) b
      using (area_code, dimension, member)
    group by all
),
dips as (
    select p.area_code, p.dimension, p.member, p.busy_hour, b.tests as busy_tests,
           b.median_download_mbps as busy_median_download_mbps, p.quiet_hour, q.tests as quiet_tests,
           q.median_download_mbps as quiet_median_download_mbps,
           case when b.tests >= p.min_tests and p.quiet_hour <> p.busy_hour
                then 100.0 * (1 - b.median_download_mbps / q.median_download_mbps) end as dip_pct
    from picked p
    join hours b on b.area_code = p.area_code and b.dimension = p.dimension and b.member = p.member
                and b.hour = p.busy_hour
    left join hours q on q.area_code = p.area_code and q.dimension = p.dimension and q.member = p.member
                     and q.hour = p.quiet_hour
)
select d.*, o.name as operator_name,
       case when d.area_code <> 'KZ' and d.dip_pct is not null then
           rank() over (partition by d.dimension, d.member, d.area_code = 'KZ', d.dip_pct is null
                        order by d.dip_pct desc)
       end as rank_among_regions,
       count(d.dip_pct) filter (where d.area_code <> 'KZ') over (partition by d.dimension, d.member)
           as regions_ranked
from dips d
left join operator o on d.dimension = 'operator' and o.operator_code = d.member
order by d.area_code <> 'KZ', d.area_code, d.dimension,
         case d.member when 'fixed' then 1 when '5g' then 2 when '4g' then 3 when '3g' then 4
                       when 'satellite' then 5 else 6 end,
         d.member
