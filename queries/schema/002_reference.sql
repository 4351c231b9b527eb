-- Operators and KPI definitions: targets and regional minimums are data, not code.
create table operator (
    operator_code  varchar primary key,
    name           varchar not null,
    services       varchar not null,   -- e.g. 'mobile,fixed'
    is_demo        boolean not null    -- fictional operator of the demo dataset
);

create table kpi_definition (
    kpi_code         varchar primary key,
    domain           varchar not null check (domain in ('quality', 'coverage', 'rollout')),
    unit             varchar not null,   -- pct, mbps, ms, km
    direction        varchar not null check (direction in ('higher', 'lower')),
    national_target  double not null,
    target_date      date not null,
    source           varchar not null,   -- where the target comes from
    sort_order       integer not null
);

-- Regionally adapted minimums: below it a region is red, between it and the target amber.
create table kpi_threshold (
    kpi_code       varchar not null,
    region_code    varchar not null,
    minimum_value  double not null,
    primary key (kpi_code, region_code)
);
