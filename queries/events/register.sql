-- purpose: the mass-events register of the scope: the events starting in the period and, while the period runs,
--          the coming ones (the 30 days after the as-of day); cancelled ones included (deleted ones: history only)
-- grain:   one row per event, the latest start first
-- params:  $region (null = every region), $start_date, $end_date (the period, end exclusive), $as_of_date (today)
-- units:   times local (UTC+5); radius_m metres; attendance people; is_coming: starts on or after the as-of day
select e.event_id, e.name, e.kind, e.region_code, e.district_kato, e.latitude, e.longitude, e.radius_m,
       e.starts_at, e.ends_at, e.attendance, e.source, e.status, e.version, e.updated_at, e.updated_by, e.load_id,
       coalesce(e.entered_by, l.loaded_by) as entered_by_name, coalesce(l.is_demo, false) as is_demo,
       e.starts_at >= $as_of_date::timestamp as is_coming,
       d.name_kk as district_kk, d.name_ru as district_ru, d.name_en as district_en
from mass_event e
left join load_log l using (load_id)
left join district d on d.district_kato = e.district_kato
where e.status <> 'deleted'
  and ($region is null or e.region_code = $region)
  and e.starts_at >= $start_date
  and e.starts_at < case when $end_date > $as_of_date
                         then greatest($end_date::timestamp, $as_of_date::timestamp + interval 30 day)
                         else $end_date::timestamp end
order by e.starts_at desc, e.event_id desc
