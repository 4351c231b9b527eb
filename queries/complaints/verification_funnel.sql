-- purpose: the verification funnel of the complaints received in the period: received -> verified ->
--          violation confirmed -> fined -> resolved, with conversion rates
-- grain:   one row per stage (5 rows, in order)
-- params:  $region (null = whole country), $start_date, $end_date (end exclusive)
-- units:   complaints = number of complaints received in the period that reached the stage (so far);
--          pct_of_previous = percent (0-100) of the stage before it, pct_of_received = of all received;
--          'resolved' counts confirmed violations that were resolved (its previous stage is 'confirmed')
with
cohort as (
    select verified_at is not null as verified,
           coalesce(violation, false) as confirmed,
           coalesce(violation, false) and coalesce(fine_kzt, 0) > 0 as fined,
           coalesce(violation, false) and resolved_at is not null as resolved
    from complaint
    where received_at >= $start_date and received_at < $end_date
      and ($region is null or region_code = $region)
),
counts as (
    select count(*) as received, count(*) filter (where verified) as verified,
           count(*) filter (where confirmed) as confirmed, count(*) filter (where fined) as fined,
           count(*) filter (where resolved) as resolved
    from cohort
),
reached as (
    unpivot counts on received, verified, confirmed, fined, resolved into name stage value complaints
),
stages(stage_order, stage, previous_stage) as (
    values (1, 'received', null), (2, 'verified', 'received'), (3, 'confirmed', 'verified'),
           (4, 'fined', 'confirmed'), (5, 'resolved', 'confirmed')
)
select s.stage_order, s.stage, s.previous_stage, r.complaints,
       100.0 * r.complaints / nullif(p.complaints, 0) as pct_of_previous,
       100.0 * r.complaints / nullif(c.received, 0) as pct_of_received
from stages s
join reached r using (stage)
left join reached p on p.stage = s.previous_stage
cross join counts c
order by s.stage_order
