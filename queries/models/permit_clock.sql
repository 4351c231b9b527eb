-- model:   permit_rounds(as_of_date), permit_stage_clock(as_of_date), permit_sites(as_of_date)
-- purpose: the permit clocks as they stood on a day. A stage's clock runs from submission to decision, stops
--          while the application is returned for completion and resumes on resubmission (a new round); the
--          applicant's time (return to resubmission) is counted apart. A working-day deadline skips weekends,
--          holidays and transferred days off (work_calendar). A stage still undecided past its deadline is
--          past the clock; where silence counts as approval it is a deemed-approval candidate.
--          What-if: each stage's desk time capped at its deadline ("kept"); with deemed approval the stage
--          ends at its deadline at the latest and a late return's pause disappears with it ("deemed").
-- grain:   permit_rounds: one row per round of a stage of a site; permit_stage_clock: one row per (site,
--          stage); permit_sites: one row per site
-- units:   *_days calendar days, clock_days in the stage's own unit (working or calendar days); dates as dates
-- Decisions and resubmissions after the day are not yet known on it. A returned round resubmitted without a
-- row for its next round counts as a round submitted on the resubmission day.
create or replace macro permit_rounds(as_of_date) as table
with known as (
    select p.site_ref, p.operator_code, p.kato, p.region_code, p.district_kato, p.stage, p.authority,
           p.submitted_on, p.power_kw, p.rollout_item_id, p.note,
           case when p.decided_on <= as_of_date::date then p.decided_on end as decided_at,
           case when p.decided_on <= as_of_date::date then p.outcome end as outcome_at,
           case when p.resubmitted_on <= as_of_date::date then p.resubmitted_on end as resubmitted_at,
           lead(p.submitted_on) over (partition by p.site_ref, p.stage order by p.submitted_on) as next_submitted
    from permit p
    where p.submitted_on <= as_of_date::date
),
rounds as (
    select * exclude (next_submitted) from known
    union all
    select site_ref, operator_code, kato, region_code, district_kato, stage, authority, resubmitted_at, power_kw,
           rollout_item_id, null, null, null, null
    from known
    where outcome_at = 'returned' and resubmitted_at is not null and next_submitted is null
),
clocked as (
    select r.*, s.position, s.authority_kind, s.authority_kind <> 'operator' as is_authority, s.deadline_days,
           s.day_kind, s.silence_is_consent,
           coalesce(r.decided_at, as_of_date::date) - r.submitted_on as authority_calendar_days,
           ce.working_days - cs.working_days as authority_working_days,
           case when r.outcome_at = 'returned' then coalesce(r.resubmitted_at, as_of_date::date) - r.decided_at
                else 0 end as applicant_days,
           cs.working_days as start_working_days,
           row_number() over (partition by r.site_ref, r.stage order by r.submitted_on) as round_no
    from rounds r
    join permit_stage s on s.stage = r.stage
         and (s.power_from_kw is null or coalesce(r.power_kw, 0) > s.power_from_kw)
         and (s.power_to_kw is null or coalesce(r.power_kw, 0) <= s.power_to_kw)
    left join work_calendar cs on cs.day = r.submitted_on
    left join work_calendar ce on ce.day = coalesce(r.decided_at, as_of_date::date)
),
used as (
    select *,
           case when day_kind = 'working' then authority_working_days else authority_calendar_days end as clock_days,
           coalesce(sum(case when day_kind = 'working' then authority_working_days else authority_calendar_days end)
                    over (partition by site_ref, stage order by round_no
                          rows between unbounded preceding and 1 preceding), 0) as clock_before
    from clocked
),
due as (
    -- The day this round's clock runs out: the deadline less what earlier rounds used, counted from submission.
    select u.*,
           case when u.deadline_days is null then null
                when u.day_kind = 'calendar'
                    then u.submitted_on + greatest(u.deadline_days - u.clock_before, 0)::integer
                when u.deadline_days <= u.clock_before then u.submitted_on
                else w.day end as due_on
    from used u
    left join work_calendar w
           on u.day_kind = 'working' and w.is_working
          and w.working_days = u.start_working_days + u.deadline_days - u.clock_before
)
select *,
       as_of_date::date as as_of_day,
       deadline_days is not null and clock_before >= deadline_days as after_clock,
       deadline_days is not null and clock_before < deadline_days and clock_before + clock_days > deadline_days
           as clock_ran_out,
       -- What-if: this round's desk time had the desk kept the deadline ...
       case when deadline_days is null then authority_calendar_days
            when clock_before >= deadline_days then 0
            when clock_before + clock_days > deadline_days then due_on - submitted_on
            else authority_calendar_days end as kept_authority_days,
       -- ... and its desk and pause time with deemed approval (nothing after the deadline happens).
       case when deadline_days is null then authority_calendar_days + applicant_days
            when clock_before >= deadline_days then 0
            when clock_before + clock_days > deadline_days then due_on - submitted_on
            else authority_calendar_days + applicant_days end as deemed_days
from due;

create or replace macro permit_stage_clock(as_of_date) as table
with stages as (
    select site_ref, stage,
           any_value(position) as position, any_value(authority_kind) as authority_kind,
           bool_and(is_authority) as is_authority,
           arg_max(authority, round_no) as authority, any_value(operator_code) as operator_code,
           any_value(kato) as kato, any_value(region_code) as region_code, any_value(district_kato) as district_kato,
           max(rollout_item_id) as rollout_item_id,
           arg_max(deadline_days, round_no) as deadline_days, any_value(day_kind) as day_kind,
           bool_or(silence_is_consent) as silence_is_consent,
           min(submitted_on) as first_submitted_on, max(submitted_on) as last_submitted_on,
           arg_max(case when decided_at is null then 'pending'
                        when outcome_at = 'returned' and resubmitted_at is null then 'returned'
                        else outcome_at end, round_no) as state,
           arg_max(decided_at, round_no) as last_decided_on,
           arg_max(note, round_no) as last_note,
           arg_max(due_on, round_no) as due_on,
           count(*) as rounds,
           count(*) filter (where outcome_at = 'returned') as returns,
           sum(authority_calendar_days) as authority_days,
           sum(applicant_days) as applicant_days,
           sum(clock_days) as clock_days,
           sum(kept_authority_days) as kept_authority_days,
           sum(deemed_days) as deemed_days,
           any_value(as_of_day) as as_of_day
    from permit_rounds(as_of_date)
    group by site_ref, stage
)
select *,
       case when state in ('approved', 'refused') then last_decided_on end as decided_on,
       authority_days + applicant_days as stage_days,
       authority_days + applicant_days - kept_authority_days - applicant_days as kept_saving_days,
       authority_days + applicant_days - deemed_days as deemed_saving_days,
       state = 'pending' and deadline_days is not null and clock_days > deadline_days as past_clock,
       state = 'pending' and deadline_days is not null and clock_days > deadline_days and silence_is_consent
           as deemed_candidate,
       state in ('approved', 'refused') and deadline_days is not null and clock_days > deadline_days
           as decided_late,
       case when state = 'pending' and due_on < as_of_day then as_of_day - due_on end as past_clock_days,
       case when state = 'pending' then as_of_day - last_submitted_on end as pending_age_days
from stages;

create or replace macro permit_sites(as_of_date) as table
select site_ref,
       any_value(operator_code) as operator_code, any_value(region_code) as region_code,
       any_value(district_kato) as district_kato, any_value(kato) as kato, max(rollout_item_id) as rollout_item_id,
       min(first_submitted_on) as first_submitted_on,
       max(decided_on) filter (where stage = 'on_air' and state = 'approved') as on_air_on,
       bool_or(stage = 'on_air' and state = 'approved') as is_on_air,
       bool_or(state = 'refused') as was_refused,
       -- End to end: from the first request to on air (or to the day, for a site still on its way).
       coalesce(max(decided_on) filter (where stage = 'on_air' and state = 'approved'), any_value(as_of_day))
           - min(first_submitted_on) as end_to_end_days,
       sum(authority_days) filter (where is_authority) as authority_days,
       sum(kept_saving_days) as kept_saving_days,
       sum(deemed_saving_days) as deemed_saving_days,
       count(*) filter (where past_clock) as stages_past_clock,
       count(*) filter (where deemed_candidate) as deemed_candidates,
       count(*) filter (where state = 'pending') as stages_pending,
       arg_max(stage, position) as last_stage,
       any_value(as_of_day) as as_of_day
from permit_stage_clock(as_of_date)
group by site_ref;
