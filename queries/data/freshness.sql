-- purpose: how fresh each uploaded feed is: last day with data, rows (also in $region), last load, stale or not
-- grain:   one row per (dataset, source): the speed-test source, else the operator for operators' files
--          (coverage, rollout, bottlenecks, permits), fixed or mobile for speed tiles, else none (complaints,
--          survey); a dataset never loaded: one row
-- params:  $region (null = every region: region_rows = rows), $as_of_date (today)
-- units:   rows in records, *_days in days; last_data_day a date (coverage, survey: first day of the month)
-- Feeds are national, so staleness is judged on the whole feed; rollout and bottlenecks are registers
-- re-sent in full, so their age counts from their last load.
with facts as (
    select dataset, source_code, operator_code, region_code, data_day, load_id from dataset_record
),
-- How often each dataset is due: monthly files at most a month late; the survey once a quarter; Ookla
-- publishes a quarter's tiles a few weeks after it ends (the data day is the quarter's first day).
cadence (dataset, sort_order, stale_after_days, is_register) as (
    values ('speed_tests', 1, 45, false), ('coverage', 2, 75, false), ('complaints', 3, 45, false),
           ('rollout', 4, 45, true), ('bottlenecks', 5, 45, true), ('survey', 6, 135, false),
           ('speed_tiles', 7, 200, false), ('permits', 8, 45, true), ('events', 9, 45, true)
),
by_source as (
    select dataset, source_code, operator_code, count(*) as rows, max(data_day) as last_data_day,
           max(load_id) as last_load_id,
           count(*) filter (where $region is null or region_code = $region) as region_rows,
           max(data_day) filter (where $region is null or region_code = $region) as region_last_data_day
    from facts
    group by all
),
described as (
    select c.dataset, c.sort_order, c.stale_after_days, b.source_code, b.operator_code, o.name as operator_name,
           coalesce(b.rows, 0) as rows, coalesce(b.region_rows, 0) as region_rows, b.last_data_day,
           b.region_last_data_day, b.last_load_id, l.file_name as last_file_name,
           l.loaded_by as last_loaded_by, l.loaded_at as last_loaded_at,
           case when c.is_register then l.loaded_at::date else b.last_data_day end as age_from
    from cadence c
    left join by_source b using (dataset)
    left join load_log l on l.load_id = b.last_load_id
    left join operator o on o.operator_code = b.operator_code
)
select dataset, source_code, operator_code, operator_name, rows, region_rows, last_data_day,
       region_last_data_day, last_load_id, last_file_name, last_loaded_by, last_loaded_at, stale_after_days,
       ($as_of_date::date - age_from) as data_age_days,
       coalesce(($as_of_date::date - age_from) > stale_after_days, true) as stale
from described
order by sort_order, coalesce(operator_name, source_code)
