-- purpose: the action items recorded at one meeting, in the order they were taken down
-- grain:   one row per action item
-- params:  $meeting_id, $as_of_date (today: overdue is counted to it)
-- units:   overdue_days = days past due_on while still open (null when not overdue)
select a.action_id, a.meeting_id, a.held_on, a.region_code, a.topic, a.text, a.owner, a.due_on, a.status,
       a.bottleneck_id, a.programme, a.site_ref, a.is_overdue, a.overdue_days, a.version, a.updated_at, a.updated_by
from action_item_state($as_of_date) a
where a.meeting_id = $meeting_id
order by a.action_id
