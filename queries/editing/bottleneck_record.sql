-- purpose: one bottleneck as the edit page shows it: its place, operator, state, version and age
-- grain:   one row (none when the id is unknown)
-- params:  $bottleneck_id, $as_of_date (today: the day ages and overdue flags are counted to)
-- units:   open_days = days from opened_on to resolved_on (or to $as_of_date while unresolved);
--          overdue_days = days past due_on while unresolved (null when not overdue);
--          due_in_days = days left until due_on while unresolved (null when overdue, resolved or no due date)
select b.bottleneck_id, b.kind, b.status, b.responsible, b.region_code, b.district_kato, b.kato,
       d.name_kk as district_kk, d.name_ru as district_ru, d.name_en as district_en,
       s.name_kk as place_kk, s.name_ru as place_ru, s.name_en as place_en,
       b.operator_code, o.name as operator_name, b.site_ref, b.rollout_item_id, b.description, b.notes,
       b.opened_on, b.due_on, b.resolved_on,
       coalesce(b.resolved_on, $as_of_date::date) - b.opened_on as open_days,
       case when b.status <> 'resolved' and b.due_on < $as_of_date::date
            then $as_of_date::date - b.due_on end as overdue_days,
       case when b.status <> 'resolved' and b.due_on >= $as_of_date::date
            then b.due_on - $as_of_date::date end as due_in_days,
       b.version, b.updated_at, b.updated_by
from bottleneck b
left join district d on d.district_kato = b.district_kato
left join settlement s on s.kato = b.kato
left join operator o on o.operator_code = b.operator_code
where b.bottleneck_id = $bottleneck_id
