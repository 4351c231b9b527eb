-- purpose: the action items of one meeting (or of every meeting up to the period end), with owner, due
--          date and overdue flag; for a region its own items and the national ones
-- grain:   one row per action item, overdue first then by due date, at most $limit rows
-- params:  $region (null = whole country), $meeting_id (null = every meeting held before $end_date),
--          $end_date (the period end, exclusive), $as_of_date (today), $limit
-- units:   overdue_days = days past due_on while still open (null when not overdue)
select a.action_id, a.meeting_id, a.held_on, a.region_code, a.topic, a.text, a.owner, a.due_on, a.status,
       a.is_overdue, a.overdue_days, a.version, a.updated_at, a.updated_by
from action_item_state($as_of_date) a
where ($region is null or a.region_code = $region or a.region_code is null)
  and ($meeting_id is null or a.meeting_id = $meeting_id)
  and a.held_on < $end_date
order by is_overdue desc, a.status <> 'open', a.due_on nulls last, a.action_id
limit $limit
