-- Meetings run in the app: the national Council of Operators or a regional dialogue for one oblast, with
-- the period it reviews, its agenda of screens, attendees, decisions, and the figures frozen at closing.
-- Rows written before this migration are records of past Council meetings: kind 'council', closed.
alter table meeting add column kind varchar default 'council';        -- council, regional
alter table meeting add column region_code varchar;                    -- the oblast of a regional dialogue
alter table meeting add column period_key varchar;                     -- the reviewed period: 2026-10, 2026-Q3, 2026
alter table meeting add column lang varchar default 'ru';              -- the language of its minutes
alter table meeting add column status varchar default 'closed';        -- open, closed
alter table meeting add column attendees varchar[] default [];         -- one line per attendee
alter table meeting add column agenda varchar[] default [];            -- agenda item keys, in order
alter table meeting add column snapshot varchar;                       -- JSON: the figures shown, frozen at closing
alter table meeting add column created_at timestamp;
alter table meeting add column created_by varchar;
alter table meeting add column closed_at timestamp;
alter table meeting add column closed_by varchar;
alter table meeting add column version integer default 1;

-- What an action item is about, besides its region: a bottleneck or a rollout programme.
alter table action_item add column bottleneck_id varchar;
alter table action_item add column programme varchar;

-- Decisions are taken at a meeting and recorded as they are; they are not tracked like action items.
create table meeting_decision (
    decision_id  varchar primary key,
    meeting_id   varchar not null,
    position     integer not null,
    text         varchar not null,
    region_code  varchar,
    recorded_at  timestamp not null,
    recorded_by  varchar not null
);

-- The history now also covers meetings and decisions: the entity check is widened (DuckDB cannot alter a
-- check constraint, so the table is rebuilt with its rows and its sequence).
create table change_event_new (
    event_id    bigint primary key default nextval('change_event_seq'),
    entity      varchar not null check (entity in ('bottleneck', 'action_item', 'meeting', 'decision')),
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
