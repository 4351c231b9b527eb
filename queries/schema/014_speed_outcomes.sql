-- What a speed test must reach to count toward an outcome share (data/reference/speed_outcomes.csv, with the
-- published source of each threshold); filled from Python right after this migration (warehouse.load_outcomes).
create table speed_outcome (
    outcome_code       varchar primary key,   -- consistent, video_call, target_100
    min_download_mbps  double not null,
    min_upload_mbps    double,                -- null: upload not needed
    max_latency_ms     double,                -- null: latency not needed
    source             varchar not null
);
