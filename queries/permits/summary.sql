-- purpose: the permit clocks' headline for the scope: sites in the permit process and on air, stages pending,
--          past the clock and deemed-approval candidates, end to end over the last 12 months
-- grain:   one row
-- params:  $region (null = whole country), $start_date, $end_date (the period, end exclusive), $as_of_date (today)
-- units:   counts; median_end_to_end_days and over_year_pct (0-100) over the sites on air in the 12 months to
--          the as-of day (the period's last day, or today while it runs)
--          (medians are whole days, rounded half away from zero as the charts write them)
with
sites as (
    select * from permit_sites(as_of_day($end_date, $as_of_date))
    where $region is null or region_code = $region
),
stages as (
    select * from permit_stage_clock(as_of_day($end_date, $as_of_date))
    where $region is null or region_code = $region
)
select (select count(*) from sites) as sites,
       (select count(*) from sites where not is_on_air and not was_refused) as sites_in_process,
       (select count(*) from sites where is_on_air and on_air_on >= $start_date) as on_air_in_period,
       (select count(*) from stages where state = 'pending') as stages_pending,
       (select count(*) from stages where past_clock) as past_clock,
       (select count(*) from stages where deemed_candidate) as deemed_candidates,
       (select count(*) from stages where state = 'returned') as with_applicant,
       (select count(distinct site_ref) from stages where past_clock) as sites_past_clock,
       (select round(median(end_to_end_days)) from sites where is_on_air and on_air_on > as_of_day - interval 12 month)
           as median_end_to_end_days,
       (select 100.0 * count(*) filter (where end_to_end_days > 365) / nullif(count(*), 0) from sites
        where is_on_air and on_air_on > as_of_day - interval 12 month) as over_year_pct,
       as_of_day($end_date, $as_of_date) as as_of_day
