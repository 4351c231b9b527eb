-- purpose: the bottleneck headline of the scope: open now and at the end of the previous period,
--          opened and resolved in the period, overdue, median age, and what the akimat must act on
-- grain:   one row
-- params:  $region (null = whole country), $start_date, $end_date, $prev_end_date (ends exclusive),
--          $as_of_date (today); open/overdue/age as in models/bottleneck_state
-- units:   counts; overdue_pct = overdue / open (0-100); median_open_age_days = as-of day - opened_on;
--          as-of day = the period's last day, or today while the period is still running
with
scoped as (
    select b.*, b.as_of_day as as_of_date, p.is_open as was_open
    from bottleneck_state($end_date, $as_of_date) b
    join bottleneck_state($prev_end_date, $as_of_date) p using (bottleneck_id)
    where $region is null or b.region_code = $region
)
select count(*) filter (where is_open) as open_bottlenecks,
       count(*) filter (where was_open) as prev_open_bottlenecks,
       count(*) filter (where is_open) - count(*) filter (where was_open) as open_change,
       count(*) filter (where opened_on >= $start_date and opened_on <= as_of_date) as opened_in_period,
       count(*) filter (where resolved_on >= $start_date and resolved_on <= as_of_date) as resolved_in_period,
       count(*) filter (where is_overdue) as overdue,
       100.0 * count(*) filter (where is_overdue) / nullif(count(*) filter (where is_open), 0)
           as overdue_pct,
       median(as_of_date - opened_on) filter (where is_open) as median_open_age_days,
       max(as_of_date - opened_on) filter (where is_open) as oldest_open_age_days,
       count(*) filter (where is_open and responsible = 'akimat') as akimat_open,
       count(*) filter (where is_overdue and responsible = 'akimat') as akimat_overdue,
       min(as_of_date) as as_of_date
from scoped
