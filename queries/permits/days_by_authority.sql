-- purpose: where the days go, by authority: each kind of office's desk time per stage it decided (median and
--          90th percentile), how often it missed its deadline, and the applicant's time its returns cost
-- grain:   one row per authority kind, slowest first
-- params:  $region (null = whole country), $end_date (the period's end, exclusive), $as_of_date (today)
-- units:   calendar days per decided stage, in the 12 months to the as-of day; late_pct 0-100
--          (medians are whole days, rounded half away from zero as the charts write them)
select authority_kind, count(*) as decided,
       round(median(authority_days)) as median_authority_days, quantile_cont(authority_days, 0.9) as p90_authority_days,
       round(median(applicant_days)) as median_applicant_days, sum(applicant_days) as applicant_days,
       100.0 * count(*) filter (where decided_late) / count(*) as late_pct,
       count(*) filter (where state = 'refused') as refused
from permit_stage_clock(as_of_day($end_date, $as_of_date))
where decided_on is not null and decided_on > as_of_day - interval 12 month
  and ($region is null or region_code = $region)
group by authority_kind
order by median_authority_days desc, authority_kind
