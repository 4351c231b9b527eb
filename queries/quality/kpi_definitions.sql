-- purpose: how each KPI is defined and judged: unit, direction, national target, source, and the
--          regional minimum of the chosen region (or the range of minimums across regions)
-- grain:   one row per kpi_code
-- params:  $region (null = whole country: region_minimum is null, the range is given)
-- units:   national_target and the minimums in the KPI's unit (pct, mbps, ms, km, households);
--          min_tests: speed tests needed before a value is shown (null = no minimum)
select d.kpi_code, d.domain, d.unit, d.direction, d.national_target, d.target_date, d.source, d.sort_order, d.min_tests,
       max(t.minimum_value) filter (where t.region_code = $region) as region_minimum,
       min(t.minimum_value) as lowest_minimum,
       max(t.minimum_value) as highest_minimum
from kpi_definition d
left join kpi_threshold t using (kpi_code)
group by all
order by d.sort_order
