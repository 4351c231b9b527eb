-- purpose: the distribution of download speeds: share of tests in each speed band, by technology
-- grain:   one row per (technology, band); technology 'all' is every test; every band is listed
-- params:  $region (null = whole country), $start_date, $end_date (end exclusive)
-- units:   lower_mbps/upper_mbps in Mbit/s (lower inclusive, upper exclusive, null = open),
--          tests = number of tests, share_pct = percent (0-100) of the technology's tests,
--          technology_tests = the technology's tests in every band
with
bands(band_order, band_code, lower_mbps, upper_mbps) as (
    values (1, 'lt_2', null, 2), (2, '2_10', 2, 10), (3, '10_25', 10, 25), (4, '25_50', 25, 50),
           (5, '50_100', 50, 100), (6, '100_250', 100, 250), (7, 'ge_250', 250, null)
),
tests as (
    select technology, download_mbps
    from speed_test
    where measured_at >= $start_date and measured_at < $end_date
      and ($region is null or region_code = $region)
),
counted as (
    select coalesce(t.technology, 'all') as technology, b.band_order, count(*) as tests
    from tests t
    join bands b on (b.lower_mbps is null or t.download_mbps >= b.lower_mbps)
                and (b.upper_mbps is null or t.download_mbps < b.upper_mbps)
    group by grouping sets ((t.technology, b.band_order), (b.band_order))
),
technologies as (
    select distinct technology from counted
)
select g.technology, b.band_order, b.band_code, b.lower_mbps, b.upper_mbps,
       coalesce(c.tests, 0) as tests,
       100.0 * coalesce(c.tests, 0) / sum(coalesce(c.tests, 0)) over (partition by g.technology) as share_pct,
       sum(coalesce(c.tests, 0)) over (partition by g.technology) as technology_tests
from technologies g
cross join bands b
left join counted c on c.technology = g.technology and c.band_order = b.band_order
order by g.technology = 'all' desc, g.technology, b.band_order
