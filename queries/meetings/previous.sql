-- purpose: the previous meeting of the same kind (and, for a regional dialogue, of the same region) held
--          before a meeting: what "changed since the last meeting" compares with
-- grain:   at most one row
-- params:  $meeting_id
-- units:   snapshot is JSON text (null while that meeting is open or when it predates meetings in the app)
select p.meeting_id, p.held_on, p.title, p.kind, p.region_code, p.period_key, p.status, p.snapshot
from meeting m
join meeting p on p.kind = m.kind and p.region_code is not distinct from m.region_code
              and (p.held_on < m.held_on or (p.held_on = m.held_on and p.meeting_id < m.meeting_id))
where m.meeting_id = $meeting_id
order by p.held_on desc, p.meeting_id desc
limit 1
