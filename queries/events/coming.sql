-- purpose: the mass events coming in the 30 days after the as-of day, each with the last event held at the same
--          venue in the year before (within 300 m of its point when both have one, else in the same district) and
--          what the network did then: the worst operator's drop of its median and the median for all operators
-- grain:   one row per coming event (not cancelled, not deleted), the soonest first
-- params:  $region (null = every region), $as_of_date (today), $min_tests
-- units:   *_pct 0-100 (a change in percent of the baseline); times local (UTC+5)
with
coming as (
    select * from mass_event
    where status = 'active' and starts_at >= $as_of_date::timestamp
      and starts_at < $as_of_date::timestamp + interval 30 day and ($region is null or region_code = $region)
),
held as (
    select * from mass_event
    where status = 'active' and ends_at <= $as_of_date::timestamp
      and starts_at >= $as_of_date::timestamp - interval 366 day
),
previous as (
    select c.event_id, arg_max(h.event_id, h.starts_at) as previous_id
    from coming c
    join held h on h.region_code = c.region_code
     and case when c.latitude is not null and h.latitude is not null
              then haversine_m(c.latitude, c.longitude, h.latitude, h.longitude) <= 300
              else h.district_kato is not distinct from c.district_kato end
    group by c.event_id
),
figures as (
    select * from event_figures($as_of_date::timestamp - interval 400 day, $as_of_date::timestamp, $min_tests)
    where event_id in (select previous_id from previous)
),
worst as (
    select event_id, arg_min(operator_code, median_change_pct) as worst_operator_code,
           min(median_change_pct) as worst_change_pct
    from figures where not is_all and median_change_pct is not null
    group by event_id
)
select c.event_id, c.name, c.kind, c.region_code, c.district_kato, c.starts_at, c.ends_at, c.attendance,
       d.name_kk as district_kk, d.name_ru as district_ru, d.name_en as district_en,
       p.previous_id, h.name as previous_name, h.starts_at as previous_starts_at,
       a.median_change_pct as previous_change_pct, coalesce(a.event_tests, 0) as previous_tests,
       w.worst_operator_code as previous_worst_operator_code, o.name as previous_worst_operator_name,
       w.worst_change_pct as previous_worst_change_pct
from coming c
left join previous p using (event_id)
left join mass_event h on h.event_id = p.previous_id
left join figures a on a.event_id = p.previous_id and a.is_all
left join worst w on w.event_id = p.previous_id
left join operator o on o.operator_code = w.worst_operator_code
left join district d on d.district_kato = c.district_kato
order by c.starts_at, c.event_id
