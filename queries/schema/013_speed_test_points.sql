-- A speed test located by its point keeps the point (WGS 84 degrees; null when it came with a KATO code only),
-- so that the tests near a venue can be told from the rest of its district (the events report).
alter table speed_test add column latitude double;
alter table speed_test add column longitude double;
