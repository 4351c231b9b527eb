-- purpose: the history of one bottleneck or action item: who changed which field when, before and after
-- grain:   one row per changed field, newest first, at most $limit rows
-- params:  $entity ('bottleneck' or 'action_item'), $entity_id, $limit
-- units:   old_value/new_value as stored (codes and ISO dates; the page translates them)
select event_id, changed_at, changed_by, field, old_value, new_value, note
from change_event
where entity = $entity and entity_id = $entity_id
order by changed_at desc, event_id desc
limit $limit
