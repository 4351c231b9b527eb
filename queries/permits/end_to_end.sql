-- purpose: the end-to-end distribution: how many sites went from the first request to on air in how many
--          months, with the share that took over a year; and the sites still on their way for over a year
-- grain:   one row per band of 30 days (band 0 = under 30 days, …, band 12 = a year or more), bands without
--          sites included up to the last one used
-- params:  $region (null = whole country), $end_date (the period's end, exclusive), $as_of_date (today)
-- units:   sites on air in the 12 months to the as-of day; over_year_pct 0-100 (> 365 days);
--          waiting_over_year = sites not on air, not refused, whose first request is over 365 days old
--          (medians are whole days, rounded half away from zero as the charts write them)
with
sites as (
    select * from permit_sites(as_of_day($end_date, $as_of_date))
    where $region is null or region_code = $region
),
done as (
    select least(end_to_end_days // 30, 12) as band, end_to_end_days from sites
    where is_on_air and on_air_on > as_of_day - interval 12 month
),
bands as (select range as band from range(0, 13))
select b.band, b.band * 30 as from_days, case when b.band < 12 then b.band * 30 + 29 end as to_days,
       count(d.end_to_end_days) as sites,
       (select count(*) from done) as total_sites,
       (select 100.0 * count(*) filter (where end_to_end_days > 365) / nullif(count(*), 0) from done)
           as over_year_pct,
       (select round(median(end_to_end_days)) from done) as median_days,
       (select count(*) from sites where not is_on_air and not was_refused and end_to_end_days > 365)
           as waiting_over_year
from bands b
left join done d using (band)
group by b.band
order by b.band
