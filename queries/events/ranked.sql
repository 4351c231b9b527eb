-- purpose: the mass events held in the period ranked by their worst drop: the operator whose median download near
--          the event fell most against the same hours of the four previous same weekdays (operators with too few
--          tests are not judged), with the figures for all operators and the district's complaints
-- grain:   one row per event that started in the period and ended by the as-of day (not cancelled, not deleted);
--          the worst drop first, events without enough tests last
-- params:  $region (null = every region), $start_date, $end_date (the period, end exclusive), $as_of_date (today),
--          $min_tests
-- units:   *_pct 0-100 (a change in percent of the baseline); *_mbps Mbit/s; video_call_change_pts percentage
--          points; complaints counted, baseline_* a mean per week
with
held as (
    select * from mass_event
    where status = 'active' and starts_at >= $start_date and starts_at < $end_date
      and ends_at <= $as_of_date::timestamp and ($region is null or region_code = $region)
),
-- The span to read: from four weeks before the period to a week and a day after it (an event lasts a week at most).
figures as (
    select * from event_figures($start_date::timestamp - interval 28 day, $end_date::timestamp + interval 8 day,
                                $min_tests)
    where event_id in (select event_id from held)
),
complaints as (
    select * from event_complaints($start_date::timestamp - interval 28 day, $end_date::timestamp + interval 8 day)
    where is_all and event_id in (select event_id from held)
),
worst as (
    select event_id, arg_min(operator_code, median_change_pct) as worst_operator_code,
           min(median_change_pct) as worst_change_pct, arg_max(operator_code, median_change_pct) as best_operator_code,
           max(median_change_pct) as best_change_pct, count(*) as operators_judged
    from figures where not is_all and median_change_pct is not null
    group by event_id
)
select h.event_id, h.name, h.kind, h.region_code, h.district_kato, h.starts_at, h.ends_at, h.attendance,
       d.name_kk as district_kk, d.name_ru as district_ru, d.name_en as district_en,
       a.place_mode, coalesce(a.event_tests, 0) as event_tests, coalesce(a.baseline_tests, 0) as baseline_tests,
       a.event_median_mbps, a.baseline_median_mbps, a.median_change_pct, a.p10_change_pct, a.video_call_change_pts,
       w.worst_operator_code, wo.name as worst_operator_name, w.worst_change_pct,
       w.best_operator_code, bo.name as best_operator_name, w.best_change_pct, coalesce(w.operators_judged, 0)
           as operators_judged,
       coalesce(c.complaints_during, 0) + coalesce(c.complaints_after, 0) as complaints,
       coalesce(c.baseline_complaints_during, 0) + coalesce(c.baseline_complaints_after, 0) as baseline_complaints
from held h
left join figures a on a.event_id = h.event_id and a.is_all
left join worst w on w.event_id = h.event_id
left join operator wo on wo.operator_code = w.worst_operator_code
left join operator bo on bo.operator_code = w.best_operator_code
left join complaints c on c.event_id = h.event_id
left join district d on d.district_kato = h.district_kato
order by w.worst_change_pct asc nulls last, h.starts_at desc, h.event_id
