-- Geography keyed on KATO codes (regions: ISO 3166-2 "KZ-" + 2-digit KATO prefix).
-- No foreign keys: DuckDB cannot delete a referenced row inside a transaction; loaders check codes instead.
-- Loaded from data/reference/ when the warehouse is built; names in kk/ru/en.
create table region (
    region_code       varchar primary key,      -- KZ-23
    kato2             varchar not null unique,  -- 23
    kato              varchar not null unique,  -- 230000000
    name_en           varchar not null,
    name_kk           varchar not null,
    name_ru           varchar not null,
    short_kk          varchar not null,
    short_ru          varchar not null,
    centre_en         varchar,
    centre_kk         varchar,
    centre_ru         varchar,
    is_city           boolean not null,
    population        integer not null,
    urban_population  integer not null,
    rural_population  integer not null,
    area_km2          double,
    label_lon         double,
    label_lat         double
);

create table district (
    district_kato           varchar primary key,
    region_code             varchar not null,
    name_kk                 varchar not null,
    name_ru                 varchar not null,
    name_en                 varchar,
    is_city_administration  boolean not null,
    population              integer,           -- BNS 1 Jan 2023; estimated where BNS has none
    population_estimated    boolean not null,
    has_boundary            boolean not null
);

create table settlement (
    kato             varchar primary key,
    district_kato    varchar not null,
    region_code      varchar not null,
    name_kk          varchar not null,
    name_ru          varchar not null,
    name_en          varchar,
    settlement_type  varchar not null check (settlement_type in ('urban', 'rural')),
    is_village       boolean not null,          -- one of the 6,179 rural settlements of the programme
    population_est   integer not null,          -- district population shared out; an estimate
    lon              double not null,
    lat              double not null,
    coords_source    varchar not null
);

-- Any KATO code a dataset may carry, resolved to its region and district.
create view kato_unit as
select kato, 'region' as level, region_code, null::varchar as district_kato from region
union all
select district_kato, 'district', region_code, district_kato from district
union all
select kato, 'settlement', region_code, district_kato from settlement;
