-- The mass-events register: concerts, matches, holidays, forums that bring a crowd to one place for a few hours,
-- entered on the Events page (ministry, regulator, operators) or loaded as the `events` dataset. Times are local
-- (UTC+5, naive), as speed_test.measured_at and complaint.received_at. An edit, a cancellation and a deletion
-- keep their history in change_event (entity 'mass_event'); a deleted event stays here with status 'deleted'.
create sequence mass_event_seq start 1;
create table mass_event (
    event_id       integer primary key default nextval('mass_event_seq'),
    name           varchar not null,
    kind           varchar not null,    -- concert, sport, holiday, forum, other
    kato           varchar not null,    -- the place as given (a point's district when only a point was given)
    region_code    varchar not null,
    district_kato  varchar,
    latitude       double,              -- the venue (WGS 84 degrees), null: the district only
    longitude      double,
    radius_m       double,              -- the tests within this distance of the venue count as near it
    starts_at      timestamp not null,  -- local time
    ends_at        timestamp not null,
    attendance     integer,             -- expected
    source         varchar,             -- who announced it
    status         varchar not null default 'active' check (status in ('active', 'cancelled', 'deleted')),
    version        integer not null default 1,
    entered_at     timestamp,           -- entered on the page (a loaded event: its load_log row says when)
    entered_by     varchar,
    updated_at     timestamp,
    updated_by     varchar,
    load_id        integer              -- null: entered on the page
);

-- The history now also covers mass events: the entity check is widened (DuckDB cannot alter a check
-- constraint, so the table is rebuilt with its rows and its sequence, as migration 010 did).
create table change_event_new (
    event_id    bigint primary key default nextval('change_event_seq'),
    entity      varchar not null check (entity in ('bottleneck', 'action_item', 'meeting', 'decision', 'mass_event')),
    entity_id   varchar not null,
    changed_at  timestamp not null,
    changed_by  varchar not null,
    field       varchar not null,
    old_value   varchar,
    new_value   varchar,
    note        varchar
);
insert into change_event_new select * from change_event;
drop table change_event;
alter table change_event_new rename to change_event;
