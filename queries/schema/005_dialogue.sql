-- Council of Operators meetings, their action items, and the history of every edit.
create table meeting (
    meeting_id  varchar primary key,
    held_on     date not null,
    title       varchar not null
);

create table action_item (
    action_id    varchar primary key,
    meeting_id   varchar not null,
    region_code  varchar,              -- null: national
    topic        varchar not null,     -- quality, complaints, rollout, bottlenecks, business
    text         varchar not null,
    owner        varchar not null,     -- akimat, ministry, operator, regulator, atameken
    due_on       date,
    status       varchar not null,     -- open, done, dropped
    version      integer not null default 1,
    updated_at   timestamp,
    updated_by   varchar
);

-- One row per changed field: who, when, before, after. Nothing is ever updated in place here.
create sequence change_event_seq start 1;
create table change_event (
    event_id    bigint primary key default nextval('change_event_seq'),
    entity      varchar not null check (entity in ('bottleneck', 'action_item')),
    entity_id   varchar not null,
    changed_at  timestamp not null,
    changed_by  varchar not null,
    field       varchar not null,
    old_value   varchar,
    new_value   varchar,
    note        varchar
);
