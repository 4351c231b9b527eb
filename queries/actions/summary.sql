-- purpose: the action items in figures: recorded at the period's meetings against the period before,
--          done share, and what is still open and overdue today (for a region: its own and national items)
-- grain:   one row
-- params:  $region (null = whole country), $start_date, $end_date, $prev_start_date, $prev_end_date
--          (periods, end exclusive), $as_of_date (today: overdue is counted to it)
-- units:   counts of action items; done_pct = done / (recorded - dropped) * 100 for the period's items;
--          open_now / overdue_now over every meeting held before $end_date, as they stand on $as_of_date
with
items as (
    select status, held_on, is_overdue
    from action_item_state($as_of_date)
    where $region is null or region_code = $region or region_code is null
)
select count(*) filter (where held_on >= $start_date and held_on < $end_date) as recorded,
       count(*) filter (where held_on >= $prev_start_date and held_on < $prev_end_date) as recorded_prev,
       count(*) filter (where held_on >= $start_date and held_on < $end_date)
           - count(*) filter (where held_on >= $prev_start_date and held_on < $prev_end_date) as recorded_change,
       100.0 * count(*) filter (where held_on >= $start_date and held_on < $end_date and status = 'done')
           / nullif(count(*) filter (where held_on >= $start_date and held_on < $end_date
                                       and status <> 'dropped'), 0) as done_pct,
       count(*) filter (where held_on < $end_date and status = 'open') as open_now,
       count(*) filter (where held_on < $end_date and is_overdue) as overdue_now
from items
