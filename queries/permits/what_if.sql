-- purpose: what if every desk kept its deadline: the end-to-end days of the same sites had each stage's desk
--          time been capped at its legal deadline ("kept"), and had silence counted as approval at every desk
--          ("deemed": a stage ends at its deadline at the latest, and a return issued after it never happens),
--          against what they took ("actual")
-- grain:   one row per scenario (actual, kept, deemed)
-- params:  $region (null = whole country), $end_date (the period's end, exclusive), $as_of_date (today)
-- units:   days from the first request to on air, over the sites on air in the 12 months to the as-of day;
--          over_year_pct share of those sites over 365 days (0-100); saved_days = actual median - the scenario's median
--          (medians are whole days, rounded half away from zero as the charts write them)
with
sites as (
    select end_to_end_days, kept_saving_days, deemed_saving_days
    from permit_sites(as_of_day($end_date, $as_of_date))
    where is_on_air and on_air_on > as_of_day - interval 12 month
      and ($region is null or region_code = $region)
),
scenarios as (
    select 'actual' as scenario, 1 as position, end_to_end_days as days from sites
    union all
    select 'kept', 2, end_to_end_days - kept_saving_days from sites
    union all
    select 'deemed', 3, end_to_end_days - deemed_saving_days from sites
),
figures as (
    select scenario, position, count(*) as sites, round(median(days)) as median_days,
           quantile_cont(days, 0.9) as p90_days, avg(days) as mean_days,
           100.0 * count(*) filter (where days > 365) / nullif(count(*), 0) as over_year_pct
    from scenarios group by scenario, position
)
select f.scenario, f.sites, f.median_days, f.p90_days, f.mean_days, f.over_year_pct,
       a.median_days - f.median_days as saved_days
from figures f cross join (select median_days from figures where scenario = 'actual') a
order by f.position
