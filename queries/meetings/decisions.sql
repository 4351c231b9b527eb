-- purpose: the decisions recorded at one meeting, in the order they were taken
-- grain:   one row per decision
-- params:  $meeting_id
-- units:   none (text)
select decision_id, meeting_id, position, text, region_code, recorded_at, recorded_by
from meeting_decision
where meeting_id = $meeting_id
order by position
