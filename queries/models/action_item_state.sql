-- model:   action_item_state(as_of_date)
-- purpose: every action item with its meeting's date and whether it is overdue on the as-of day
-- grain:   one row per action item
-- units:   overdue_days = as-of day - due_on while still open past its due date (null otherwise)
-- Every action-item question selects from here, so "overdue" means the same on every page and slide.
create or replace macro action_item_state(as_of_date) as table
select a.*, m.held_on,
       a.status = 'open' and a.due_on < as_of_date::date as is_overdue,
       case when a.status = 'open' and a.due_on < as_of_date::date then as_of_date::date - a.due_on end
           as overdue_days
from action_item a
join meeting m using (meeting_id);
