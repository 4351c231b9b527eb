-- model:   haversine_m(lat1, lon1, lat2, lon2); event_windows(); event_tests(window_from, window_to);
--          event_complaints(window_from, window_to) (event_figures: queries/models/venue_figures.sql)
-- purpose: what a mass event did to the network near it. Each event (mass_event, not deleted) has five
--          windows: the event itself (week_back 0) and the same hours of the four previous same weekdays
--          (week_back 1-4: the event's times shifted back by 7, 14, 21 and 28 days), each followed by the 24
--          hours after it (complaints). A baseline week in which another event (not cancelled) took place in the
--          same district, or in the 24 hours after, is not a usual week: is_clean false, left out of the baseline. The tests of a window are those near the venue (within radius_m of its
--          point, by haversine distance) when the event has a point and the tests of its district carry
--          coordinates, else those of its district (of its region when the event names a region only).
--          event_figures sets the event's tests against the four baseline weeks pooled, per operator and for
--          all: median download, slow tenth (10th percentile, quantile_cont 0.1), the share of tests fit for a
--          video call (outcome_thresholds(): speed_outcome 'video_call', never hard-coded), figures blank
--          (null) when fewer than min_tests tests stand behind them; event_complaints counts the complaints of
--          the district during each window and in the 24 hours after, the baseline as a mean over its clean weeks.
-- grain:   event_windows: one row per (event, week_back), is_clean; event_tests: one row per (event, week_back, test);
--          event_figures: one row per (event, operator) and one per event with operator_code null (is_all);
--          event_complaints: like event_figures
-- params:  window_from, window_to: the span of measured_at / received_at to read (an event's windows and its
--          baseline must lie inside it: from its start less 28 days to its end plus 24 hours). Speed tests are
--          stored in time order, so this range is what lets DuckDB skip the rest of the table (zone maps);
--          the place is matched after (region and day by hash join, then district or distance).
-- units:   times local (UTC+5, naive, as speed_test.measured_at); *_mbps Mbit/s; *_pct 0-100 (a change in
--          percent of the baseline); video_call_change_pts in percentage points; distances in metres
create or replace macro haversine_m(lat1, lon1, lat2, lon2) as
    2 * 6371008.8 * asin(sqrt(pow(sin(radians(lat2 - lat1) / 2), 2)
                              + cos(radians(lat1)) * cos(radians(lat2)) * pow(sin(radians(lon2 - lon1) / 2), 2)));

create or replace macro event_windows() as table
with windows as (
    select e.event_id, e.region_code, e.district_kato, e.latitude, e.longitude, e.radius_m, w.week_back,
           e.starts_at - to_days(7 * w.week_back) as window_start,
           e.ends_at - to_days(7 * w.week_back) as window_end,
           e.ends_at - to_days(7 * w.week_back) + interval 24 hour as after_end
    from mass_event e
    cross join (select unnest(range(5))::integer as week_back) w
    where e.status <> 'deleted'
),
-- A baseline week in which another event (not cancelled) filled the same district is no usual week: left out.
busy as (
    select distinct w.event_id, w.week_back
    from windows w
    join mass_event o on o.region_code = w.region_code and o.event_id <> w.event_id and o.status = 'active'
     and (o.district_kato is not distinct from w.district_kato or o.district_kato is null or w.district_kato is null)
     and o.starts_at < w.after_end and o.ends_at + interval 24 hour > w.window_start
    where w.week_back > 0
)
select w.*, b.event_id is null as is_clean
from windows w
left join busy b using (event_id, week_back);

create or replace macro event_tests(window_from, window_to) as table
with windows as (
    select * from event_windows() where window_start < window_to and window_end > window_from and is_clean
),
-- A window meets the tests of its region on each day it covers (an equality join, not a range join).
window_days as (
    select w.*, unnest(generate_series(window_start::date, (window_end - interval 1 microsecond)::date,
                                       interval 1 day))::date as day
    from windows w
),
tests as (
    select measured_at, measured_at::date as day, region_code, district_kato, operator_code, download_mbps,
           upload_mbps, latency_ms, latitude, longitude
    from speed_test
    where measured_at >= window_from and measured_at < window_to
),
candidates as (
    select d.event_id, d.week_back, t.measured_at, t.operator_code, t.download_mbps, t.upload_mbps, t.latency_ms,
           t.latitude is not null as located,
           d.district_kato is null or t.district_kato = d.district_kato as in_district,
           d.latitude is not null and t.latitude is not null
               and haversine_m(d.latitude, d.longitude, t.latitude, t.longitude) <= d.radius_m as near_point,
           d.latitude is not null as has_point
    from window_days d
    join tests t on t.region_code = d.region_code and t.day = d.day
    where t.measured_at >= d.window_start and t.measured_at < d.window_end
),
modes as (
    select event_id, bool_or(has_point and located and in_district) as by_point from candidates group by event_id
)
select c.event_id, c.week_back, c.week_back > 0 as is_baseline, c.measured_at, c.operator_code, c.download_mbps,
       c.upload_mbps, c.latency_ms, case when m.by_point then 'point' else 'district' end as place_mode
from candidates c
join modes m using (event_id)
where case when m.by_point then c.near_point else c.in_district end;

create or replace macro event_complaints(window_from, window_to) as table
with windows as (
    select * from event_windows() where window_start < window_to and after_end > window_from and is_clean
),
weeks as (
    select event_id, greatest(count(*) filter (where week_back > 0), 1) as baseline_weeks from windows group by all
),
found as (
    select w.event_id, w.week_back, c.operator_code, c.received_at < w.window_end as during
    from windows w
    join complaint c on c.region_code = w.region_code
    where c.received_at >= window_from and c.received_at < window_to
      and c.received_at >= w.window_start and c.received_at < w.after_end
      and (w.district_kato is null or c.district_kato = w.district_kato)
)
select f.event_id, f.operator_code, grouping(f.operator_code) = 1 as is_all,
       count(*) filter (where f.week_back = 0 and f.during) as complaints_during,
       count(*) filter (where f.week_back = 0 and not f.during) as complaints_after,
       count(*) filter (where f.week_back > 0 and f.during) / any_value(k.baseline_weeks) as baseline_complaints_during,
       count(*) filter (where f.week_back > 0 and not f.during) / any_value(k.baseline_weeks)
           as baseline_complaints_after
from found f
join weeks k using (event_id)
group by grouping sets ((f.event_id, f.operator_code), (f.event_id));
