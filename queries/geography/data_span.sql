-- purpose: the first and last day with data, to offer reporting periods and pick the default one
-- grain:   one row
-- params:  none
-- units:   dates
with spans as (
    select min(measured_at)::date as first_day, max(measured_at)::date as last_day from speed_test
    union all
    select min(received_at)::date, max(received_at)::date from complaint
    union all
    select min(period), (max(period) + interval 1 month - interval 1 day)::date from coverage
),
demo as (
    select demo_scale from warehouse_state
)
select min(first_day) as first_day, max(last_day) as last_day,
       (select demo_scale from demo) as demo_scale,
       (select count(*) from load_log where status = 'loaded' and is_demo) as demo_loads
from spans
