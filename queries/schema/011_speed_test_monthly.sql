-- Speed tests summarised by month, for the trend questions: a page reads a few thousand rows here instead
-- of every speed test of its window. Derived data only: queries/summaries/speed_test_monthly.sql fills it
-- (db.apply_models, right after this migration) and rebuilds it in every transaction that changes
-- speed_test (db.refresh_summaries).
create table speed_test_monthly (
    month                 date not null,      -- first day of the month the tests were measured in
    scope                 varchar not null,   -- 'KZ' for the whole country, else a region code
    dimension             varchar not null,   -- all, operator, technology
    member                varchar,            -- the operator code or the technology; null for 'all'
    median_download_mbps  double not null,
    median_upload_mbps    double,
    median_latency_ms     double,
    tests_under_10_pct    double not null,    -- share of tests under 10 Mbit/s, percent (0-100)
    tests                 bigint not null     -- speed tests behind the row
);
