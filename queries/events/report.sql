-- purpose: the event report: the speed tests near a mass event against the same hours of the four previous same
--          weekdays (median download, slow tenth, video-call share, tests behind each), per operator and for all,
--          with the complaints of its district during the event and in the 24 hours after against the same
--          windows of the baseline weeks (queries/models/event_windows.sql, venue_figures.sql)
-- grain:   one row per operator with tests or complaints near the event or in its baseline, and one for all
--          operators (is_all, operator_code null) first
-- params:  $event_id; $window_from, $window_to: the span to read (the event's start less 28 days, its end plus
--          24 hours: lets the scan skip the rest of the tests); $min_tests: fewer tests and a figure is null
-- units:   *_mbps Mbit/s; *_pct 0-100; video_call_change_pts percentage points; complaints counted, the baseline
--          ones a mean per week
with
figures as (
    select * from event_figures($window_from, $window_to, $min_tests) where event_id = $event_id
),
complaints as (
    select * from event_complaints($window_from, $window_to) where event_id = $event_id
),
joined as (
    select coalesce(f.operator_code, c.operator_code) as operator_code, coalesce(f.is_all, c.is_all) as is_all,
           f.place_mode, coalesce(f.event_tests, 0) as event_tests, coalesce(f.baseline_tests, 0) as baseline_tests,
           coalesce(f.baseline_weeks, 0) as baseline_weeks, coalesce(f.enough_tests, false) as enough_tests,
           f.event_median_mbps, f.baseline_median_mbps, f.median_change_pct, f.event_p10_mbps, f.baseline_p10_mbps,
           f.p10_change_pct, f.event_video_call_pct, f.baseline_video_call_pct, f.video_call_change_pts,
           coalesce(c.complaints_during, 0) as complaints_during, coalesce(c.complaints_after, 0) as complaints_after,
           coalesce(c.baseline_complaints_during, 0) as baseline_complaints_during,
           coalesce(c.baseline_complaints_after, 0) as baseline_complaints_after
    from figures f
    full join complaints c on f.is_all = c.is_all and f.operator_code is not distinct from c.operator_code
)
select j.*, o.name as operator_name
from joined j
left join operator o using (operator_code)
order by j.is_all desc, o.name, j.operator_code
