-- purpose: one mass event of the register as it stands: what, where, when, who entered it, its version
-- grain:   one row (none for an unknown event)
-- params:  $event_id
-- units:   times local (UTC+5); radius_m metres; attendance people
select e.*, coalesce(e.entered_by, l.loaded_by) as entered_by_name, coalesce(e.entered_at, l.loaded_at) as entered_on,
       coalesce(l.is_demo, false) as is_demo,
       d.name_kk as district_kk, d.name_ru as district_ru, d.name_en as district_en
from mass_event e
left join load_log l using (load_id)
left join district d on d.district_kato = e.district_kato
where e.event_id = $event_id
