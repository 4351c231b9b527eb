-- purpose: the bottleneck headline of the scope: open now and at the end of the previous period,
--          opened and resolved in the period, overdue, median age, and what the akimat must act on
-- grain:   one row
-- params:  $region (null = whole country), $start_date, $end_date, $prev_end_date (ends exclusive)
-- units:   counts; overdue_pct = overdue / open (0-100); median_open_age_days = as-of day - opened_on;
--          as-of day = the period's last day, or today while the period is still running
with
cutoff as (
    select least($end_date::date - 1, current_date) as as_of_date,
           least($prev_end_date::date - 1, current_date) as prev_as_of_date
),
scoped as (
    select b.*, c.as_of_date,
           b.opened_on <= c.as_of_date and (b.resolved_on is null or b.resolved_on > c.as_of_date) as is_open,
           b.opened_on <= c.prev_as_of_date
               and (b.resolved_on is null or b.resolved_on > c.prev_as_of_date) as was_open
    from bottleneck b, cutoff c
    where $region is null or b.region_code = $region
)
select count(*) filter (where is_open) as open_bottlenecks,
       count(*) filter (where was_open) as prev_open_bottlenecks,
       count(*) filter (where is_open) - count(*) filter (where was_open) as open_change,
       count(*) filter (where opened_on >= $start_date and opened_on <= as_of_date) as opened_in_period,
       count(*) filter (where resolved_on >= $start_date and resolved_on <= as_of_date) as resolved_in_period,
       count(*) filter (where is_open and due_on < as_of_date) as overdue,
       100.0 * count(*) filter (where is_open and due_on < as_of_date) / nullif(count(*) filter (where is_open), 0)
           as overdue_pct,
       median(as_of_date - opened_on) filter (where is_open) as median_open_age_days,
       max(as_of_date - opened_on) filter (where is_open) as oldest_open_age_days,
       count(*) filter (where is_open and responsible = 'akimat') as akimat_open,
       count(*) filter (where is_open and responsible = 'akimat' and due_on < as_of_date) as akimat_overdue,
       min(as_of_date) as as_of_date
from scoped
