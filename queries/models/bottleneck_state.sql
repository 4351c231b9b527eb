-- model:   bottleneck_state(period_end, as_of_date)
-- purpose: every bottleneck as it stood on the as-of day of a period: the period's last day, or
--          $as_of_date (today) while the period is still running
-- grain:   one row per bottleneck
-- units:   as_of_day a date; age_days = as_of_day - opened_on (for one still open on that day)
-- Every bottleneck question selects from here, so "open", "overdue" and "age" mean the same everywhere.
create or replace macro bottleneck_state(period_end, as_of_date) as table
select b.*, d.as_of_day,
       b.opened_on <= d.as_of_day and (b.resolved_on is null or b.resolved_on > d.as_of_day) as is_open,
       b.opened_on <= d.as_of_day and (b.resolved_on is null or b.resolved_on > d.as_of_day)
           and b.due_on < d.as_of_day as is_overdue,
       d.as_of_day - b.opened_on as age_days
from bottleneck b, (select as_of_day(period_end, as_of_date) as as_of_day) d;
