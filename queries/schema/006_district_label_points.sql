-- A point inside each district for markers and labels (districts without a polygon: their region's).
alter table district add column label_lon double;
alter table district add column label_lat double;
