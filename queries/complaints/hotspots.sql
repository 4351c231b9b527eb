-- purpose: where complaints cluster: the settlements with the most complaints in the period
-- grain:   one row per settlement, the $limit settlements with the most complaints (ties by code);
--          complaints filed against a district or region code, not a settlement, are not placed
-- params:  $region (null = whole country), $start_date, $end_date (end exclusive), $limit
-- units:   complaints, violations = counts of complaints received; lon/lat in degrees (WGS84);
--          top_category = the most frequent category code; population_est in persons (an estimate)
with
by_category as (
    select kato, category, count(*) as complaints, count(*) filter (where violation) as violations
    from complaint
    where received_at >= $start_date and received_at < $end_date
      and ($region is null or region_code = $region)
    group by kato, category
),
counted as (
    select kato, sum(complaints)::bigint as complaints, sum(violations)::bigint as violations,
           first(category order by complaints desc, category) as top_category
    from by_category
    group by kato
)
select s.kato, s.region_code, s.district_kato, s.name_kk, s.name_ru, s.name_en, s.settlement_type,
       s.population_est, s.lon, s.lat, c.complaints, c.violations, c.top_category
from counted c
join settlement s using (kato)
order by c.complaints desc, s.kato
limit $limit
