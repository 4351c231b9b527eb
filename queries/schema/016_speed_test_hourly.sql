-- Times: speed_test.measured_at (and every other timestamp of the warehouse) is a naive timestamp in
-- Kazakhstan's local time, UTC+5 (one time zone for the whole country since 1 March 2024). A file that gives
-- its times with a UTC offset or 'Z' is converted once, at load (dialogue/ingest/validate.py), so the hour of
-- a test is its local hour on every row: hour(measured_at) is the hour people lived it.
--
-- Speed tests by local hour of the day, month by month, for the busy-hour dip's trend: derived data only,
-- filled by queries/summaries/speed_test_hourly.sql (db.apply_models, right after this migration) and rebuilt
-- for the months a load or a rollback touches (db.refresh_summaries), like speed_test_monthly.
create table speed_test_hourly (
    month                 date not null,      -- first day of the month the tests were measured in
    scope                 varchar not null,   -- 'KZ' for the whole country, else a region code
    dimension             varchar not null,   -- all, operator, technology
    member                varchar,            -- the operator code or the technology; null for 'all'
    hour                  integer not null,   -- local hour of the day, 0-23
    median_download_mbps  double not null,
    p10_download_mbps     double not null,    -- 10th percentile download: the slow tenth
    tests                 bigint not null     -- speed tests behind the row
);
