-- The six uploaded datasets (DESIGN.md). kato is as sent; region_code and district_kato are resolved
-- from it at load time so that pages filter without joins.
create table speed_test (
    measured_at    timestamp not null,
    kato           varchar not null,
    region_code    varchar not null,
    district_kato  varchar,
    is_rural       boolean,
    operator_code  varchar not null,
    technology     varchar not null,   -- fixed, 3g, 4g, 5g, satellite
    download_mbps  double not null,
    upload_mbps    double,
    latency_ms     double,
    source         varchar not null,   -- crowd, operator, regulator
    load_id        integer not null
);

create table coverage (
    period         date not null,      -- first day of the month
    kato           varchar not null,
    region_code    varchar not null,
    district_kato  varchar,
    operator_code  varchar not null,
    technology     varchar not null,
    covered        boolean not null,
    load_id        integer not null
);

create table complaint (
    complaint_id            varchar primary key,
    received_at             timestamp not null,
    kato                    varchar not null,
    region_code             varchar not null,
    district_kato           varchar,
    operator_code           varchar not null,
    service                 varchar not null,   -- mobile, fixed
    category                varchar not null,   -- no_coverage, low_speed, outage, dropped_calls, other
    status                  varchar not null,   -- received, verifying, confirmed, rejected, resolved
    verified_at             timestamp,
    measured_download_mbps  double,
    violation               boolean,
    fine_kzt                bigint,
    resolved_at             timestamp,
    load_id                 integer not null
);

create table rollout_item (
    item_id         varchar primary key,
    programme       varchar not null,   -- fibre_village, last_mile, 4g_settlement, 5g_city, road_4g, satellite
    kato            varchar not null,
    region_code     varchar not null,
    district_kato   varchar,
    operator_code   varchar not null,
    unit            varchar not null,   -- settlement, household, km, site
    planned_units   double not null,
    done_units      double not null,
    planned_date    date not null,
    status          varchar not null,   -- planned, design, construction, done, delayed, cancelled
    completed_date  date,
    load_id         integer not null
);

create table bottleneck (
    bottleneck_id    varchar primary key,
    kind             varchar not null,   -- mast_permit, land_plot, power_access, right_of_way, other
    kato             varchar not null,
    region_code      varchar not null,
    district_kato    varchar,
    operator_code    varchar not null,
    site_ref         varchar,
    responsible      varchar not null,   -- akimat, ministry, utility, operator, other
    opened_on        date not null,
    due_on           date,
    status           varchar not null,   -- open, in_progress, escalated, resolved
    resolved_on      date,
    rollout_item_id  varchar,
    description      varchar,
    notes            varchar,
    version          integer not null default 1,   -- optimistic locking for edits
    updated_at       timestamp,
    updated_by       varchar,
    load_id          integer not null
);

create table survey_response (
    response_id    varchar primary key,
    period         date not null,
    kato           varchar not null,
    region_code    varchar not null,
    district_kato  varchar,
    firm_size      varchar not null,   -- micro, small, medium, large
    sector         varchar not null,
    connection     varchar not null,   -- fixed, mobile, satellite, none
    download_mbps  double,
    satisfaction   integer,            -- 1..5
    barriers       varchar,            -- ';'-separated: cost, speed, availability, reliability, skills, other
    load_id        integer not null
);
