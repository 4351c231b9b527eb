-- purpose: where the days go, stage by stage: each stage's desk time and the applicant's own time (returned
--          for completion until resubmitted), median and 90th percentile, and how often the desk missed its
--          deadline, over the stages decided in the 12 months to the as-of day
-- grain:   one row per stage, in the order of the stages
-- params:  $region (null = whole country), $end_date (the period's end, exclusive), $as_of_date (today)
-- units:   *_days calendar days from submission to decision (desk) and from return to resubmission
--          (applicant); late_pct = decided past the deadline / decided (0-100); deadline in deadline_unit
--          (medians are whole days, rounded half away from zero as the charts write them)
with
decided as (
    select * from permit_stage_clock(as_of_day($end_date, $as_of_date))
    where decided_on is not null and decided_on > as_of_day - interval 12 month
      and ($region is null or region_code = $region)
)
select s.stage, s.position, s.authority_kind, s.deadline_days, s.day_kind as deadline_unit, s.silence_is_consent,
       count(d.site_ref) as decided,
       round(median(d.authority_days)) as median_authority_days,
       quantile_cont(d.authority_days, 0.9) as p90_authority_days,
       round(median(d.applicant_days)) as median_applicant_days,
       quantile_cont(d.applicant_days, 0.9) as p90_applicant_days,
       avg(d.applicant_days) as mean_applicant_days,
       100.0 * count(*) filter (where d.decided_late) / nullif(count(d.site_ref), 0) as late_pct,
       100.0 * count(*) filter (where d.returns > 0) / nullif(count(d.site_ref), 0) as returned_pct
from (select stage, min(position) as position, any_value(authority_kind) as authority_kind,
             min(deadline_days) as deadline_days, any_value(day_kind) as day_kind,
             bool_or(silence_is_consent) as silence_is_consent
      from permit_stage group by stage) s
left join decided d on d.stage = s.stage
group by all
order by s.position
