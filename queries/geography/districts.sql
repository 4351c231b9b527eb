-- purpose: districts (and city districts) with names, population and whether a boundary exists
-- grain:   one row per district
-- params:  $region (null = every region)
-- units:   population in persons (1 Jan 2023; estimated for districts created since)
select district_kato, region_code, name_kk, name_ru, name_en, is_city_administration,
       population, population_estimated, has_boundary, label_lon, label_lat
from district
where ($region is null or region_code = $region)
order by region_code, district_kato
