-- purpose: the action items carried to a meeting by themselves: those of earlier meetings of the same kind
--          (and region) that are still open: overdue first, then the latest meeting's, then by due date
-- grain:   one row per action item, at most $limit rows: overdue first, then the latest meeting's first
-- params:  $meeting_id, $as_of_date (today: the meeting day counts when it is earlier), $limit
-- units:   overdue_days = days past due_on at the as-of day while still open (null when not overdue)
with
this as (
    select meeting_id, kind, region_code, held_on, least(held_on, $as_of_date::date) as as_of_day
    from meeting where meeting_id = $meeting_id
)
select a.action_id, a.meeting_id, a.held_on, a.region_code, a.topic, a.text, a.owner, a.due_on, a.status,
       a.bottleneck_id, a.programme, a.site_ref, a.is_overdue, a.overdue_days, a.version, a.updated_at, a.updated_by
from this t
join meeting p on p.kind = t.kind and p.region_code is not distinct from t.region_code
              and (p.held_on < t.held_on or (p.held_on = t.held_on and p.meeting_id < t.meeting_id))
join action_item_state((select as_of_day from this)) a on a.meeting_id = p.meeting_id
where a.status = 'open'
order by a.is_overdue desc, a.held_on desc, a.due_on nulls last, a.action_id
limit $limit
