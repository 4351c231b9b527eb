-- purpose: bottlenecks open at the as-of day by age band and kind (how old is the backlog, and of what)
-- grain:   one row per (age band, kind) for every band and every kind open in the scope (zero counts kept)
-- params:  $region (null = whole country), $end_date (the period's end, exclusive), $as_of_date (today)
-- units:   bottlenecks (count); age = as-of day - opened_on in days; bands: lt30 < 30, 30_90 30-89,
--          90_180 90-179, 180_365 180-365, gt365 > 365; as-of day = period's last day, or today
with
open_now as (
    select kind, age_days
    from bottleneck_state($end_date, $as_of_date)
    where is_open and ($region is null or region_code = $region)
),
bands as (
    select * from (values ('lt30', 1, 0, 29), ('30_90', 2, 30, 89), ('90_180', 3, 90, 179),
                          ('180_365', 4, 180, 365), ('gt365', 5, 366, null)) as b(age_band, band_order, min_days, max_days)
),
kinds as (
    select distinct kind from open_now
)
select b.age_band, b.band_order, k.kind,
       count(o.kind) as bottlenecks
from bands b
cross join kinds k
left join open_now o on o.kind = k.kind and o.age_days >= b.min_days
                    and (b.max_days is null or o.age_days <= b.max_days)
group by all
order by b.band_order, k.kind
