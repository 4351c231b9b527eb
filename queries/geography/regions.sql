-- purpose: the 20 regions with names in kk/ru/en, population and label position
-- grain:   one row per region
-- params:  none
-- units:   population in persons, area in km2
select region_code, kato2, name_en, name_kk, name_ru, short_kk, short_ru, is_city,
       population, urban_population, rural_population, area_km2, label_lon, label_lat
from region
order by region_code
