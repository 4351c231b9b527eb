-- model:   event_figures(window_from, window_to, min_tests)
-- purpose: a mass event's tests (event_tests, queries/models/event_windows.sql) against the same hours of the four
--          previous same weekdays pooled, per operator and for all: median download, slow tenth (10th percentile,
--          quantile_cont 0.1) and the share of tests fit for a video call (outcome_thresholds(), speed_outcome
--          'video_call': never hard-coded); each figure null when fewer than min_tests tests stand behind it, each
--          change null unless both sides have min_tests. (Its own file: models are applied in name order, and
--          this one needs speed_outcomes' macros.)
-- grain:   one row per (event, operator) and one per event with operator_code null (is_all)
-- params:  window_from, window_to: the span of speed tests to read (see event_tests); min_tests
-- units:   *_mbps Mbit/s; *_pct 0-100 (median_change_pct and p10_change_pct: the change in percent of the
--          baseline); video_call_change_pts in percentage points; baseline_weeks: weeks (of 4) with tests
create or replace macro event_figures(window_from, window_to, min_tests) as table
with judged as (
    select t.*, meets_threshold(t.download_mbps, t.upload_mbps, t.latency_ms, o.video_call_min_download_mbps,
                                o.video_call_min_upload_mbps, o.video_call_max_latency_ms)::integer as video_ok
    from event_tests(window_from, window_to) t, outcome_thresholds() o
),
raw as (
    select event_id, operator_code, grouping(operator_code) = 1 as is_all, any_value(place_mode) as place_mode,
           count(*) filter (where not is_baseline) as event_tests,
           count(*) filter (where is_baseline) as baseline_tests,
           count(distinct week_back) filter (where is_baseline) as baseline_weeks,
           median(download_mbps) filter (where not is_baseline) as e_median,
           median(download_mbps) filter (where is_baseline) as b_median,
           quantile_cont(download_mbps, 0.1) filter (where not is_baseline) as e_p10,
           quantile_cont(download_mbps, 0.1) filter (where is_baseline) as b_p10,
           100.0 * avg(video_ok) filter (where not is_baseline) as e_video,
           100.0 * avg(video_ok) filter (where is_baseline) as b_video
    from judged
    group by grouping sets ((event_id, operator_code), (event_id))
)
select event_id, operator_code, is_all, place_mode, event_tests, baseline_tests, baseline_weeks,
       event_tests >= min_tests and baseline_tests >= min_tests as enough_tests,
       case when event_tests >= min_tests then e_median end as event_median_mbps,
       case when baseline_tests >= min_tests then b_median end as baseline_median_mbps,
       case when event_tests >= min_tests and baseline_tests >= min_tests and b_median > 0
            then 100.0 * (e_median - b_median) / b_median end as median_change_pct,
       case when event_tests >= min_tests then e_p10 end as event_p10_mbps,
       case when baseline_tests >= min_tests then b_p10 end as baseline_p10_mbps,
       case when event_tests >= min_tests and baseline_tests >= min_tests and b_p10 > 0
            then 100.0 * (e_p10 - b_p10) / b_p10 end as p10_change_pct,
       case when event_tests >= min_tests then e_video end as event_video_call_pct,
       case when baseline_tests >= min_tests then b_video end as baseline_video_call_pct,
       case when event_tests >= min_tests and baseline_tests >= min_tests then e_video - b_video end
           as video_call_change_pts
from raw;
