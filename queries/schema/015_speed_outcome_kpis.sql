-- The outcome figures beside every median: the slow tenth (10th percentile download) and the shares of tests
-- fit for a video call, meeting the consistency floor and at or above 100 Mbit/s, month by month for the trends
-- (queries/summaries/speed_test_monthly.sql fills them: its text changed, so db.apply_models rebuilds every
-- month after this migration). The new KPI definitions and their regional minimums are reloaded from
-- data/reference right after this migration (warehouse.load_kpis): existing warehouses get them too.
alter table speed_test_monthly add column p10_download_mbps double;      -- 10th percentile download, Mbit/s
alter table speed_test_monthly add column tests_video_call_pct double;   -- share fit for a video call, percent
alter table speed_test_monthly add column tests_consistent_pct double;   -- share at the consistency floor, percent
alter table speed_test_monthly add column tests_at_least_100_pct double; -- share at 100 Mbit/s or more, percent
