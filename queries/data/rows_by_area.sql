-- purpose: where each dataset has data in the period: records per region, or per district of $region,
--          so gaps (an area without speed tests or complaints this month) show at a glance
-- grain:   one row per area: every region (no $region) or every district of $region, plus a row for the
--          region itself when some records name only the region
-- params:  $region (null = every region), $start_date, $end_date (end exclusive)
-- units:   records dated in the period by each dataset's own date: speed tests measured, coverage month,
--          complaints received, rollout items planned, bottlenecks opened, survey month, speed tiles of a
--          quarter that overlaps the period, permit rounds submitted, mass events starting
with facts as (
    select dataset, region_code, district_kato from dataset_record
    where record_day < $end_date and record_until > $start_date and ($region is null or region_code = $region)
),
counted as (
    select case when $region is null then region_code else coalesce(district_kato, region_code) end as area_code,
           count(*) filter (where dataset = 'speed_tests') as speed_tests_rows,
           count(*) filter (where dataset = 'coverage') as coverage_rows,
           count(*) filter (where dataset = 'complaints') as complaints_rows,
           count(*) filter (where dataset = 'rollout') as rollout_rows,
           count(*) filter (where dataset = 'bottlenecks') as bottlenecks_rows,
           count(*) filter (where dataset = 'survey') as survey_rows,
           count(*) filter (where dataset = 'speed_tiles') as speed_tiles_rows,
           count(*) filter (where dataset = 'permits') as permits_rows,
           count(*) filter (where dataset = 'events') as events_rows
    from facts
    group by all
),
areas as (
    select region_code as area_code, 'region' as level, name_kk, name_ru, name_en from region
    where $region is null
    union all
    select district_kato, 'district', name_kk, name_ru, name_en from district
    where region_code = $region
    union all
    select region_code, 'region', name_kk, name_ru, name_en from region
    where region_code = $region and region_code in (select area_code from counted)
)
select a.area_code, a.level, a.name_kk, a.name_ru, a.name_en,
       coalesce(c.speed_tests_rows, 0) as speed_tests_rows, coalesce(c.coverage_rows, 0) as coverage_rows,
       coalesce(c.complaints_rows, 0) as complaints_rows, coalesce(c.rollout_rows, 0) as rollout_rows,
       coalesce(c.bottlenecks_rows, 0) as bottlenecks_rows, coalesce(c.survey_rows, 0) as survey_rows,
       coalesce(c.speed_tiles_rows, 0) as speed_tiles_rows, coalesce(c.permits_rows, 0) as permits_rows,
       coalesce(c.events_rows, 0) as events_rows
from areas a
left join counted c using (area_code)
order by a.level = 'region' and $region is not null, a.area_code
