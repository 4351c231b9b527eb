-- purpose: complaints received month by month, split by category, by operator and by service
-- grain:   one row per (month, dimension, member); dimension is 'category', 'operator' or 'service';
--          months without complaints of a member are listed with 0 (from the first month with data)
-- params:  $region (null = whole country), $from_date, $end_date (end exclusive)
-- units:   complaints = number of complaints received
with
received as (
    select date_trunc('month', received_at)::date as month, category, operator_code, service
    from complaint
    where received_at >= $from_date and received_at < $end_date
      and ($region is null or region_code = $region)
),
counted as (
    select month,
           case when grouping(category) = 0 then 'category'
                when grouping(operator_code) = 0 then 'operator' else 'service' end as dimension,
           coalesce(category, operator_code, service) as member,
           count(*) as complaints
    from received
    group by grouping sets ((month, category), (month, operator_code), (month, service))
),
-- The spine runs from the first to the last month with data: no invented zero months around it.
data_months as (
    select date_trunc('month', min(received_at))::date as first_month,
           date_trunc('month', max(received_at))::date + interval 1 month as after_last
    from complaint
),
months as (
    select unnest(range(greatest(date_trunc('month', $from_date::date), d.first_month),
                        least($end_date::date, d.after_last), interval 1 month))::date as month
    from data_months d
),
members as (
    select distinct dimension, member from counted
)
select m.month, s.dimension, s.member, o.name as operator_name, coalesce(c.complaints, 0) as complaints
from months m
cross join members s
left join counted c on c.month = m.month and c.dimension = s.dimension and c.member = s.member
left join operator o on s.dimension = 'operator' and o.operator_code = s.member
order by s.dimension, s.member, m.month
