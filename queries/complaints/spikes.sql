-- purpose: complaint spikes: each region's monthly count against its own baseline, the median of its
--          previous 12 months; a spike is at least twice the baseline and at least 10 complaints
-- grain:   one row per (region_code, month) from $from_date to $end_date (end exclusive)
-- params:  $region (null = every region), $from_date (first month shown), $start_date (the period's
--          first day: in_period marks its months), $end_date (end exclusive)
-- units:   complaints = count received in the month; baseline_complaints = median monthly count of
--          the 12 months before (months without complaints count as 0; at least 6 months of history);
--          ratio = complaints / baseline (null when the baseline is 0); is_peak = the region's month
--          with the highest ratio within the period
with
-- The spine runs from the first to the last month with data: no invented zero months around it.
data_months as (
    select date_trunc('month', min(received_at))::date as first_month,
           date_trunc('month', max(received_at))::date + interval 1 month as after_last
    from complaint
),
months as (
    select unnest(range(greatest(date_trunc('month', $from_date::date) - interval 12 month, d.first_month),
                        least($end_date::date, d.after_last), interval 1 month))::date as month
    from data_months d
),
counted as (
    select region_code, date_trunc('month', received_at)::date as month, count(*) as complaints
    from complaint
    where received_at >= date_trunc('month', $from_date::date) - interval 12 month and received_at < $end_date
      and ($region is null or region_code = $region)
    group by all
),
series as (
    select r.region_code, m.month, coalesce(c.complaints, 0) as complaints
    from region r
    cross join months m
    left join counted c on c.region_code = r.region_code and c.month = m.month
    where ($region is null or r.region_code = $region)
),
baselines as (
    select region_code, month, complaints,
           median(complaints) over w as baseline_complaints,
           count(*) over w as baseline_months
    from series
    window w as (partition by region_code order by month rows between 12 preceding and 1 preceding)
),
flagged as (
    select region_code, month, complaints,
           case when baseline_months >= 6 then baseline_complaints end as baseline_complaints,
           complaints / nullif(case when baseline_months >= 6 then baseline_complaints end, 0) as ratio,
           baseline_months >= 6 and complaints >= 10 and complaints >= 2 * baseline_complaints as is_spike,
           month >= $start_date as in_period
    from baselines
    where month >= $from_date
)
select region_code, month, complaints, baseline_complaints, ratio, coalesce(is_spike, false) as is_spike,
       in_period,
       in_period and row_number() over (partition by region_code, in_period
                                        order by ratio desc nulls last, month desc) = 1 as is_peak
from flagged
order by region_code, month
