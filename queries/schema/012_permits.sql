-- Permit clocks: one row per round of a stage of a site's permit application (a return for completion and
-- the resubmission that follows make two rounds of one stage), the stages and their legal deadlines
-- (data/reference/permit_stages.csv), and the working-day calendar the deadlines are counted in. The
-- reference rows and the calendar are filled from Python right after this migration (dialogue.permit_reference).
create table permit_stage (
    stage               varchar not null,   -- land_request, land_allocation, sanitary, apz, design_approval,
                                            -- works_notice, power_conditions, grid_connection, on_air
    position            integer not null,   -- the order of the stages, 1 first
    name_kk             varchar not null,
    name_ru             varchar not null,
    name_en             varchar not null,
    authority_kind      varchar not null,   -- akimat, sanitary, architecture, expertise, construction_control,
                                            -- utility, operator
    deadline_days       integer,            -- null: no legal deadline
    day_kind            varchar not null check (day_kind in ('working', 'calendar')),
    silence_is_consent  boolean not null,   -- no decision by the deadline counts as approval
    power_from_kw       double,             -- power bands (power_conditions): above this ...
    power_to_kw         double,             -- ... up to and including this
    source              varchar not null    -- the legal act, or 'assumed'
);

-- Every day from 2000 to 2045: whether it is a working day in Kazakhstan, and how many working days the
-- calendar holds up to and including it (working days in (a, b] = working_days(b) - working_days(a)).
create table work_calendar (
    day           date primary key,
    is_working    boolean not null,
    holiday       varchar,              -- the holiday's or the transferred day off's name, if any
    working_days  integer not null
);

create table permit (
    site_ref         varchar not null,
    operator_code    varchar not null,
    kato             varchar not null,
    region_code      varchar not null,
    district_kato    varchar,
    stage            varchar not null,
    authority        varchar,            -- the office holding the stage, as the operator names it
    submitted_on     date not null,      -- submitted (or resubmitted: a new round)
    decided_on       date,
    outcome          varchar,            -- approved, refused, returned (for completion)
    resubmitted_on   date,               -- after a return: the day the applicant sent it back
    power_kw         double,             -- power asked (power_conditions)
    rollout_item_id  varchar,
    note             varchar,            -- a refusal's or a return's reason
    load_id          integer not null
);

-- An action item may be about a permit application (a site), besides a bottleneck or a programme.
alter table action_item add column site_ref varchar;
