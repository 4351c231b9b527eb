-- purpose: the meetings run or recorded, newest first, with their kind, region, status and what was decided
-- grain:   one row per meeting, at most $limit rows
-- params:  $limit
-- units:   counts of action items and decisions recorded at the meeting
with
items as (
    select meeting_id, count(*) as items from action_item group by meeting_id
),
decisions as (
    select meeting_id, count(*) as decisions from meeting_decision group by meeting_id
)
select m.meeting_id, m.held_on, m.title, m.kind, m.region_code, m.period_key, m.lang, m.status, m.version,
       coalesce(i.items, 0) as items, coalesce(d.decisions, 0) as decisions
from meeting m
left join items i using (meeting_id)
left join decisions d using (meeting_id)
order by m.held_on desc, m.meeting_id desc
limit $limit
