-- purpose: the load log, newest first: each load's file, rows, who and when, status and rollback, the
--          span of dates its rows cover, and how many of its rows fall in the chosen region
-- grain:   one row per load, at most $limit; with $region, loads with rows there (and rolled-back loads,
--          whose rows are gone)
-- params:  $region (null = every region), $limit
-- units:   row_count and region_rows in records; data_from / data_to are dates (each dataset's own date)
with fact_rows as (
    select load_id, measured_at::date as data_day from speed_test where ($region is null or region_code = $region)
    union all
    select load_id, period from coverage where ($region is null or region_code = $region)
    union all
    select load_id, received_at::date from complaint where ($region is null or region_code = $region)
    union all
    select load_id, planned_date from rollout_item where ($region is null or region_code = $region)
    union all
    select load_id, opened_on from bottleneck where ($region is null or region_code = $region)
    union all
    select load_id, period from survey_response where ($region is null or region_code = $region)
    union all
    select load_id, quarter from speed_tile where ($region is null or region_code = $region)
    union all
    select load_id, submitted_on from permit where ($region is null or region_code = $region)
    union all
    select load_id, starts_at::date from mass_event where load_id is not null and ($region is null or region_code = $region)
),
by_load as (
    select load_id, count(*) as region_rows, min(data_day) as data_from, max(data_day) as data_to
    from fact_rows
    group by load_id
)
select l.load_id, l.dataset, l.file_name, l.checksum_sha256, l.row_count, coalesce(b.region_rows, 0) as region_rows,
       b.data_from, b.data_to, l.loaded_by, l.loaded_at, l.status, l.rolled_back_at, l.rolled_back_by, l.is_demo
from load_log l
left join by_load b using (load_id)
where $region is null or b.region_rows > 0 or l.status = 'rolled_back'
order by l.load_id desc
limit $limit
