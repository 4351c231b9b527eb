-- model:   as_of_day(period_end, as_of_date)
-- purpose: the day a stock figure of a period is read at: the period's last day, or $as_of_date (today)
--          while the period is still running
-- grain:   a scalar macro
-- units:   a date (period_end is exclusive)
create or replace macro as_of_day(period_end, as_of_date) as least(period_end::date - 1, as_of_date::date);
