-- purpose: one meeting as run in the app: kind, region, reviewed period, language, status, attendees,
--          agenda (ordered), the figures frozen at closing, who created and closed it
-- grain:   one row (none for an unknown id)
-- params:  $meeting_id
-- units:   snapshot is JSON text; agenda and attendees are lists of text
select meeting_id, held_on, title, kind, region_code, period_key, lang, status, attendees, agenda, snapshot,
       created_at, created_by, closed_at, closed_by, version
from meeting
where meeting_id = $meeting_id
