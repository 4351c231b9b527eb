-- purpose: the Council of Operators meetings up to the end of the period, with the state of the action
--          items each one decided (for the region: its own items and the national ones)
-- grain:   one row per meeting held before $end_date, newest first, at most $limit rows
-- params:  $region (null = whole country), $start_date, $end_date (the period, end exclusive),
--          $as_of_date (today: overdue is counted to it), $limit
-- units:   counts of action items; overdue = still open with due_on before $as_of_date;
--          done_pct = done / (items - dropped) * 100
with
items as (
    select meeting_id, status, is_overdue
    from action_item_state($as_of_date)
    where $region is null or region_code = $region or region_code is null
)
select m.meeting_id, m.held_on, m.title, m.held_on >= $start_date as in_period,
       count(i.status) as items,
       count(*) filter (where i.status = 'open' and not i.is_overdue) as open_on_time,
       count(*) filter (where i.is_overdue) as overdue,
       count(*) filter (where i.status = 'done') as done,
       count(*) filter (where i.status = 'dropped') as dropped,
       100.0 * count(*) filter (where i.status = 'done')
           / nullif(count(*) filter (where i.status <> 'dropped'), 0) as done_pct
from meeting m
left join items i using (meeting_id)
where m.held_on < $end_date
group by all
order by m.held_on desc, m.meeting_id desc
limit $limit
