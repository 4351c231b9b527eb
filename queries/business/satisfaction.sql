-- purpose: how satisfied firms are with their connection (1 = very dissatisfied .. 5 = very satisfied):
--          the distribution and the mean, for all firms and by firm size, against the quarter(s) before
-- grain:   one row per (firm_size, score) with firm_size 'all' for every firm; scores 1-5 always present
-- params:  $region (null = whole country), $start_date, $end_date (the period, end exclusive)
-- units:   firms (responses); share_pct = firms / group_firms (0-100); mean_satisfaction on the 1-5 scale;
--          prev_mean_satisfaction over as many quarters just before (a month or quarter selects its
--          quarter, a year its four quarters; survey periods are the quarters' first months)
with
window_bounds as (
    select date_trunc('quarter', $start_date::date)::date as cur_from,
           (date_trunc('quarter', $end_date::date - 1) + interval 3 month)::date as cur_to
),
bounds as (
    select cur_from, cur_to, (cur_from - (cur_to - cur_from)::integer * interval 1 day)::date as prev_from
    from window_bounds
),
responses as (
    select r.firm_size, r.satisfaction, r.period >= b.cur_from as is_current
    from survey_response r, bounds b
    where r.period >= b.prev_from and r.period < b.cur_to
      and r.satisfaction between 1 and 5
      and ($region is null or r.region_code = $region)
),
groups as (
    select coalesce(firm_size, 'all') as firm_size,
           count(*) filter (where is_current) as group_firms,
           avg(satisfaction) filter (where is_current) as mean_satisfaction,
           avg(satisfaction) filter (where not is_current) as prev_mean_satisfaction
    from responses
    group by grouping sets ((firm_size), ())
),
scores as (
    select coalesce(firm_size, 'all') as firm_size, satisfaction as score, count(*) as firms
    from responses
    where is_current
    group by grouping sets ((firm_size, satisfaction), (satisfaction))
)
select g.firm_size, s.score, coalesce(c.firms, 0) as firms, g.group_firms,
       100.0 * coalesce(c.firms, 0) / nullif(g.group_firms, 0) as share_pct,
       g.mean_satisfaction, g.prev_mean_satisfaction,
       g.mean_satisfaction - g.prev_mean_satisfaction as mean_change
from groups g
cross join range(1, 6) as s(score)
left join scores c on c.firm_size = g.firm_size and c.score = s.score
where g.group_firms > 0
order by case g.firm_size when 'all' then 0 when 'micro' then 1 when 'small' then 2 when 'medium' then 3
                          when 'large' then 4 else 5 end, g.firm_size, s.score
