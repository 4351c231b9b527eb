-- Every load of a dataset, demo builds included, so any load can be traced and rolled back.
create sequence load_id_seq start 1;
create table load_log (
    load_id         integer primary key default nextval('load_id_seq'),
    dataset         varchar not null,
    file_name       varchar not null,
    checksum_sha256 varchar not null,
    row_count       integer not null,
    loaded_by       varchar not null,
    loaded_at       timestamp not null,
    status          varchar not null check (status in ('loaded', 'rolled_back')),
    rolled_back_at  timestamp,
    rolled_back_by  varchar,
    is_demo         boolean not null default false
);

-- Bumped on every write (load, rollback, edit): part of every query cache key, so pages see new data.
create table warehouse_state (
    singleton     boolean primary key default true,
    data_version  bigint not null,
    built_at      timestamp not null,
    demo_scale    varchar               -- null when the warehouse holds no demo data
);
