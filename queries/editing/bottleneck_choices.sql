-- purpose: the bottlenecks to pick from on the edit page: active in the period in the region (or one
--          district), the most overdue and the oldest first
-- grain:   one row per bottleneck, at most $limit rows; total repeats the number of matches on every row
-- params:  $region (null = whole country), $district (null = every district), $start_date, $end_date
--          (the period, end exclusive), $open_only (true: only those still unresolved), $as_of_date, $limit
-- units:   open_days = days from opened_on to resolved_on (or to $as_of_date while unresolved);
--          overdue_days = days past due_on while unresolved (null when not overdue)
with
active as (
    select *
    from bottleneck
    where ($region is null or region_code = $region)
      and ($district is null or district_kato = $district)
      and opened_on < $end_date
      and (resolved_on is null or resolved_on >= $start_date)
      and (not $open_only or status <> 'resolved')
)
select a.bottleneck_id, a.kind, a.status, a.responsible, a.region_code, a.district_kato,
       d.name_kk as district_kk, d.name_ru as district_ru, d.name_en as district_en,
       a.operator_code, o.name as operator_name, a.opened_on, a.due_on, a.resolved_on,
       coalesce(a.resolved_on, $as_of_date::date) - a.opened_on as open_days,
       case when a.status <> 'resolved' and a.due_on < $as_of_date::date
            then $as_of_date::date - a.due_on end as overdue_days,
       a.version, count(*) over () as total
from active a
left join district d on d.district_kato = a.district_kato
left join operator o on o.operator_code = a.operator_code
order by a.status = 'resolved', overdue_days desc nulls last, a.opened_on, a.bottleneck_id
limit $limit
