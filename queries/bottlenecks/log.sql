-- purpose: the bottleneck log of the scope: bottlenecks open at the as-of day or resolved in the period,
--          with their age, due date, who must act and the rollout item each blocks; oldest open first
-- grain:   one row per bottleneck; total_rows and open_rows repeat the counts on every row
-- params:  $region (null = whole country), $start_date, $end_date (the period, end exclusive),
--          $kind, $responsible (null = all), $open_only (true: only those open at the as-of day),
--          $as_of_date (today)
-- units:   age_days: open = as-of day - opened_on, resolved = resolved_on - opened_on;
--          overdue_days = as-of day - due_on for open bottlenecks past their due date;
--          the as-of day is the period's last day, or today while the period is still running
with
scoped as (
    select b.* exclude (as_of_day, age_days), b.as_of_day as as_of_date
    from bottleneck_state($end_date, $as_of_date) b
    where b.opened_on <= b.as_of_day
      and ($region is null or b.region_code = $region)
      and ($kind is null or b.kind = $kind)
      and ($responsible is null or b.responsible = $responsible)
),
listed as (
    select *,
           -- The status as it stood at the as-of day: one resolved later was still open then.
           case when not is_open then 'resolved' when status = 'resolved' then 'open' else status end as status_at_date,
           case when is_open then as_of_date - opened_on else resolved_on - opened_on end as age_days,
           case when is_overdue then as_of_date - due_on end as overdue_days
    from scoped
    where is_open or (resolved_on >= $start_date and not coalesce($open_only, false))
)
select l.bottleneck_id, l.kind, l.responsible, l.status_at_date as status, l.is_open,
       l.opened_on, l.due_on, case when not l.is_open then l.resolved_on end as resolved_on,
       l.age_days, l.overdue_days, l.overdue_days is not null as is_overdue,
       l.region_code, l.district_kato, l.kato,
       -- The settlement's names when the site is in one, else its district's (no mixing: a village
       -- without an English name falls back to Russian on the page, not to its district).
       case when s.kato is null then d.name_kk else s.name_kk end as place_kk,
       case when s.kato is null then d.name_ru else s.name_ru end as place_ru,
       case when s.kato is null then d.name_en else s.name_en end as place_en,
       d.name_kk as district_kk, d.name_ru as district_ru, d.name_en as district_en,
       l.site_ref, l.operator_code, o.name as operator_name,
       l.rollout_item_id, r.programme, r.planned_date as item_planned_date, l.description,
       count(*) over () as total_rows,
       count(*) filter (where l.is_open) over () as open_rows
from listed l
left join settlement s on s.kato = l.kato
left join district d on d.district_kato = coalesce(l.district_kato, l.kato)
left join operator o on o.operator_code = l.operator_code
left join rollout_item r on r.item_id = l.rollout_item_id
order by l.is_open desc, l.age_days desc, l.bottleneck_id
