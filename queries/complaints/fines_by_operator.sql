-- purpose: fines for confirmed violations, by operator, in the period and the period before
-- grain:   one row per operator with a fine in either period, plus operator_code 'all' (first row)
-- params:  $region (null = whole country), $start_date, $end_date (the period, end exclusive),
--          $prev_start_date, $prev_end_date
-- units:   *_kzt in tenge; fines = number of fined complaints; share_pct = percent (0-100) of the
--          period's fines in tenge; complaints are counted in the period they were received
with
fined as (
    select operator_code, fine_kzt, received_at >= $start_date as is_current
    from complaint
    where received_at >= $prev_start_date and received_at < $end_date
      and (received_at < $prev_end_date or received_at >= $start_date)
      and ($region is null or region_code = $region)
      and violation and fine_kzt > 0
),
totals as (
    select coalesce(operator_code, 'all') as operator_code,
           count(*) filter (where is_current) as fines,
           coalesce(sum(fine_kzt) filter (where is_current), 0) as fines_kzt,
           avg(fine_kzt) filter (where is_current) as avg_fine_kzt,
           count(*) filter (where not is_current) as prev_fines,
           coalesce(sum(fine_kzt) filter (where not is_current), 0) as prev_fines_kzt
    from fined
    group by grouping sets ((operator_code), ())
)
select t.operator_code, o.name as operator_name, t.fines, t.fines_kzt, t.avg_fine_kzt,
       100.0 * t.fines_kzt / nullif(max(t.fines_kzt) filter (where t.operator_code = 'all') over (), 0) as share_pct,
       t.prev_fines, t.prev_fines_kzt, t.fines_kzt - t.prev_fines_kzt as change_kzt
from totals t
left join operator o using (operator_code)
order by t.operator_code <> 'all', t.fines_kzt desc, t.operator_code
