-- A median of a handful of tests says little: a speed KPI is shown only when at least min_tests speed
-- tests stand behind it (null = no minimum; coverage and rollout KPIs are counts, not samples).
alter table kpi_definition add column min_tests integer;
