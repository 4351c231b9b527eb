-- purpose: where the complaints received in the period stand now: count and share by status
-- grain:   one row per status (every status listed, in process order)
-- params:  $region (null = whole country), $start_date, $end_date (end exclusive)
-- units:   complaints = count of complaints received in the period; share_pct = percent (0-100) of them
with
statuses(status_order, status) as (
    values (1, 'received'), (2, 'verifying'), (3, 'confirmed'), (4, 'rejected'), (5, 'resolved')
),
counted as (
    select status, count(*) as complaints
    from complaint
    where received_at >= $start_date and received_at < $end_date
      and ($region is null or region_code = $region)
    group by status
)
select s.status_order, s.status, coalesce(c.complaints, 0) as complaints,
       100.0 * coalesce(c.complaints, 0) / nullif(sum(coalesce(c.complaints, 0)) over (), 0) as share_pct
from statuses s
left join counted c using (status)
order by s.status_order
