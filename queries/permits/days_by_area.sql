-- purpose: end to end by region (or, with a region chosen, by district): median and 90th-percentile days from
--          the first request to on air, split into the authorities' time and the applicant's own time
-- grain:   one row per area (region code, or district KATO when $region is set) with a site on air in the 12
--          months to the as-of day, slowest first
-- params:  $region (null = whole country), $end_date (the period's end, exclusive), $as_of_date (today)
-- units:   calendar days; applicant = end to end - the authorities' desk time (returns, preparing the next
--          stage, building, the operator's own stage); over_year_pct 0-100
--          (medians are whole days, rounded half away from zero as the charts write them)
with
sites as (
    select case when $region is null then region_code else coalesce(district_kato, kato) end as area_code,
           end_to_end_days, authority_days, end_to_end_days - authority_days as applicant_days
    from permit_sites(as_of_day($end_date, $as_of_date))
    where is_on_air and on_air_on > as_of_day - interval 12 month
      and ($region is null or region_code = $region)
)
select area_code, count(*) as sites,
       round(median(end_to_end_days)) as median_days, quantile_cont(end_to_end_days, 0.9) as p90_days,
       round(median(authority_days)) as median_authority_days, round(median(applicant_days)) as median_applicant_days,
       quantile_cont(authority_days, 0.9) as p90_authority_days,
       100.0 * count(*) filter (where end_to_end_days > 365) / count(*) as over_year_pct
from sites
group by area_code
order by median_days desc, area_code
