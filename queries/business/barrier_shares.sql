-- purpose: what holds firms back: the share of firms citing each barrier (cost, speed, availability,
--          reliability, skills, other), for all firms and by firm size
-- grain:   one row per (firm_size, barrier) with firm_size 'all' for every firm
-- params:  $region (null = whole country), $start_date, $end_date (the period, end exclusive)
-- units:   firms_citing (responses); share_pct = firms citing / all firms asked in the group (0-100; a
--          firm may cite several, so shares add up to more than 100). A month or quarter selects its
--          quarter's responses (survey periods are the quarters' first months)
with
responses as (
    select response_id, firm_size, barriers
    from survey_response
    where period >= date_trunc('quarter', $start_date::date) and period < $end_date
      and ($region is null or region_code = $region)
),
group_sizes as (
    select coalesce(firm_size, 'all') as firm_size, count(*) as group_firms
    from responses
    group by grouping sets ((firm_size), ())
),
-- The barriers field is ';'-separated; a firm that repeats one counts once.
cited as (
    select distinct response_id, firm_size, trim(unnest(string_split(barriers, ';'))) as barrier
    from responses
    where barriers is not null and barriers <> ''
),
counted as (
    select coalesce(firm_size, 'all') as firm_size, barrier, count(*) as firms_citing
    from cited
    where barrier <> ''
    group by grouping sets ((firm_size, barrier), (barrier))
)
select c.firm_size, c.barrier, c.firms_citing, g.group_firms,
       100.0 * c.firms_citing / g.group_firms as share_pct,
       rank() over (partition by c.firm_size order by c.firms_citing desc) as rank_in_group
from counted c
join group_sizes g using (firm_size)
order by case c.firm_size when 'all' then 0 when 'micro' then 1 when 'small' then 2 when 'medium' then 3
                          when 'large' then 4 else 5 end, c.firm_size, c.firms_citing desc, c.barrier
