-- Crowd measurements as they are published: speed tests located by coordinates, Ookla open-data tiles,
-- and the urban class of a place taken from the place itself.

-- City and town akimats ("Г.А.") and the districts of the republican cities: a measurement there is urban,
-- whether or not KATO lists the city among its settlements (data/reference/districts.csv, is_urban).
alter table district add column is_urban boolean;
update district
set is_urban = is_city_administration or name_ru like '%Г.А.' or region_code in ('KZ-71', 'KZ-75', 'KZ-79');
-- Tests already loaded in such a district were counted rural when their KATO code was a village.
update speed_test set is_rural = false
where is_rural and district_kato in (select district_kato from district where is_urban);

-- A speed test may come with latitude and longitude (WGS 84) instead of a KATO code: the point decides its
-- district, and the row keeps that district's code as its kato (speed_test itself is unchanged).

-- Ookla open-data tiles (zoom 16, ~600 m), as published each quarter: the figures are the tile's averages
-- over its tests; each tile belongs to the district that holds its centre.
create table speed_tile (
    quarter        date not null,      -- first day of the quarter
    tile_type      varchar not null,   -- fixed, mobile
    quadkey        varchar not null,   -- 16 digits 0-3
    tile           varchar,            -- the tile polygon as published (WKT)
    lon            double not null,    -- tile centre, from the quadkey
    lat            double not null,
    region_code    varchar not null,
    district_kato  varchar not null,
    is_rural       boolean not null,
    avg_d_kbps     double not null,    -- average download over the tile's tests, kbit/s
    avg_u_kbps     double,
    avg_lat_ms     double,
    tests          integer not null,
    devices        integer,
    load_id        integer not null,
    primary key (quarter, tile_type, quadkey)
);
