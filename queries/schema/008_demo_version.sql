-- The data version the demo build left behind. Every write (load, rollback, edit, meeting) bumps
-- data_version, so data_version > demo_version means something was written since the demo was built,
-- and rebuilding the demo data would lose it (the `demo` command refuses). The releases before this
-- column built their demo warehouses at data version 2 (creation, then the demo facts).
alter table warehouse_state add column demo_version bigint;
update warehouse_state set demo_version = 2 where demo_scale is not null;
