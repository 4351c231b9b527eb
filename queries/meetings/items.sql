-- purpose: the action items recorded at one meeting, in the order they were taken down
-- grain:   one row per action item
-- params:  $meeting_id, $as_of_date (today: overdue is counted to it)
-- units:   overdue_days = days past due_on while still open (null when not overdue)
select a.action_id, a.meeting_id, m.held_on, a.region_code, a.topic, a.text, a.owner, a.due_on, a.status,
       a.bottleneck_id, a.programme,
       a.status = 'open' and a.due_on < $as_of_date::date as is_overdue,
       case when a.status = 'open' and a.due_on < $as_of_date::date then $as_of_date::date - a.due_on end
           as overdue_days,
       a.version, a.updated_at, a.updated_by
from action_item a
join meeting m using (meeting_id)
where a.meeting_id = $meeting_id
order by a.action_id
