-- model:   outcome_thresholds() and meets_threshold(download_mbps, upload_mbps, latency_ms, min_download_mbps,
--          min_upload_mbps, max_latency_ms)
-- purpose: what a speed test must reach to count toward an outcome share (speed_outcome, from
--          data/reference/speed_outcomes.csv), as one row to cross join with the tests, and whether one test
--          reaches it: true, false, or null when the test lacks a measure the outcome needs (so that
--          avg(meets_threshold(...)::int) is the share among the tests that can be judged)
-- grain:   outcome_thresholds: one row, three thresholds per outcome; meets_threshold: a scalar macro
-- units:   *_mbps in Mbit/s, *_ms in milliseconds
-- A table of thresholds joined once, not a subquery per test: a scalar subquery in a macro is evaluated for
-- every row (twelve times slower on the default demo).
create or replace macro outcome_thresholds() as table
select max(min_download_mbps) filter (where outcome_code = 'consistent') as consistent_min_download_mbps,
       max(min_upload_mbps) filter (where outcome_code = 'consistent') as consistent_min_upload_mbps,
       max(max_latency_ms) filter (where outcome_code = 'consistent') as consistent_max_latency_ms,
       max(min_download_mbps) filter (where outcome_code = 'video_call') as video_call_min_download_mbps,
       max(min_upload_mbps) filter (where outcome_code = 'video_call') as video_call_min_upload_mbps,
       max(max_latency_ms) filter (where outcome_code = 'video_call') as video_call_max_latency_ms,
       max(min_download_mbps) filter (where outcome_code = 'target_100') as target_100_min_download_mbps
from speed_outcome;

create or replace macro meets_threshold(download_mbps, upload_mbps, latency_ms, min_download_mbps,
                                        min_upload_mbps, max_latency_ms) as
    download_mbps >= min_download_mbps
    and (min_upload_mbps is null or upload_mbps >= min_upload_mbps)
    and (max_latency_ms is null or latency_ms <= max_latency_ms);
