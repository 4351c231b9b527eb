-- purpose: rollout items behind plan at the as-of day (status delayed, or planned date passed and not
--          done), oldest planned date first, with the bottlenecks that block them
-- grain:   one row per delayed rollout item; total_items repeats the number of rows on every row
-- params:  $region (null = whole country), $programme (null = every programme), $end_date (period end, exclusive),
--          $as_of_date (today)
-- units:   delay_days = as-of day - planned_date (0 for items marked delayed before their planned date);
--          oldest_open_bottleneck_days = as-of day - opened_on of the oldest blocking bottleneck still open;
--          the as-of day is the period's last day, or today while the period is still running
with
cutoff as (
    select as_of_day($end_date, $as_of_date) as as_of_date
),
delayed as (
    select i.*, c.as_of_date
    from rollout_item i, cutoff c
    where i.status <> 'cancelled'
      and ($region is null or i.region_code = $region)
      and ($programme is null or i.programme = $programme)
      and (i.completed_date is null or i.completed_date > c.as_of_date)
      and (i.status = 'delayed' or i.planned_date < c.as_of_date)
),
blockers as (
    select b.rollout_item_id as item_id,
           count(*) as bottlenecks,
           count(*) filter (where b.resolved_on is null or b.resolved_on > d.as_of_date) as open_bottlenecks,
           list(distinct b.kind order by b.kind)
               filter (where b.resolved_on is null or b.resolved_on > d.as_of_date) as open_kinds,
           list(distinct b.responsible order by b.responsible)
               filter (where b.resolved_on is null or b.resolved_on > d.as_of_date) as open_responsible,
           string_agg(b.bottleneck_id, ', ' order by b.opened_on, b.bottleneck_id) as bottleneck_ids,
           max(d.as_of_date - b.opened_on)
               filter (where b.resolved_on is null or b.resolved_on > d.as_of_date) as oldest_open_bottleneck_days
    from bottleneck b
    join delayed d on d.item_id = b.rollout_item_id
    where b.opened_on <= d.as_of_date
    group by b.rollout_item_id
)
select d.item_id, d.programme, d.region_code, d.district_kato, d.kato,
       -- The settlement's names when the item is a settlement, else its district's (no mixing: a
       -- village without an English name falls back to Russian on the page, not to its district).
       case when s.kato is null then ds.name_kk else s.name_kk end as place_kk,
       case when s.kato is null then ds.name_ru else s.name_ru end as place_ru,
       case when s.kato is null then ds.name_en else s.name_en end as place_en,
       ds.name_kk as district_kk, ds.name_ru as district_ru, ds.name_en as district_en,
       d.operator_code, o.name as operator_name, d.unit, d.planned_units, d.done_units, d.planned_date,
       d.status, greatest(d.as_of_date - d.planned_date, 0) as delay_days,
       coalesce(b.bottlenecks, 0) as bottlenecks, coalesce(b.open_bottlenecks, 0) as open_bottlenecks,
       coalesce(b.open_kinds, []::varchar[]) as open_kinds,
       coalesce(b.open_responsible, []::varchar[]) as open_responsible, b.bottleneck_ids, b.oldest_open_bottleneck_days,
       count(*) over () as total_items
from delayed d
left join blockers b using (item_id)
left join settlement s on s.kato = d.kato
left join district ds on ds.district_kato = coalesce(d.district_kato, d.kato)
left join operator o on o.operator_code = d.operator_code
order by d.planned_date, d.item_id
