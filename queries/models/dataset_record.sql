-- model:   dataset_record (a view)
-- purpose: every record of every uploaded dataset, in one shape, for freshness and coverage questions
-- grain:   one row per record (speed test, coverage row, complaint, rollout item, bottleneck, response, tile,
--          permit round, mass event loaded from a file: those entered on the Events page belong to no load)
-- units:   record_day .. record_until (exclusive) = the days a record speaks for: its day (measured,
--          received, planned, opened, submitted), its month (coverage, survey) or its quarter (speed tiles);
--          data_day = the day its data speaks of (a rollout item's completion, else record_day);
--          source_code = a speed test's source or a tile's type (fixed/mobile); operator_code where the
--          operator sends the file (coverage, rollout, bottlenecks, permits); a permit round's data_day is its
--          decision (else its submission)
create or replace view dataset_record as
select 'speed_tests' as dataset, source as source_code, null::varchar as operator_code, region_code,
       district_kato, measured_at::date as record_day, measured_at::date + 1 as record_until,
       measured_at::date as data_day, load_id
from speed_test
union all
select 'coverage', null, operator_code, region_code, district_kato, period, (period + interval 1 month)::date,
       period, load_id
from coverage
union all
select 'complaints', null, null, region_code, district_kato, received_at::date, received_at::date + 1,
       received_at::date, load_id
from complaint
union all
select 'rollout', null, operator_code, region_code, district_kato, planned_date, planned_date + 1, completed_date,
       load_id
from rollout_item
union all
select 'bottlenecks', null, operator_code, region_code, district_kato, opened_on, opened_on + 1, opened_on, load_id
from bottleneck
union all
select 'survey', null, null, region_code, district_kato, period, (period + interval 1 month)::date, period, load_id
from survey_response
union all
select 'speed_tiles', tile_type, null, region_code, district_kato, quarter, (quarter + interval 3 month)::date,
       quarter, load_id
from speed_tile
union all
select 'permits', null, operator_code, region_code, district_kato, submitted_on, submitted_on + 1,
       coalesce(decided_on, submitted_on), load_id
from permit
union all
select 'events', null, null, region_code, district_kato, starts_at::date, ends_at::date + 1, starts_at::date, load_id
from mass_event
where load_id is not null;
