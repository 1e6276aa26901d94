-- A Kreis's Gemeinden at a past date ("Stand am" zoomed into a Kreis) read each record's last
-- event up to that day: one seek per record (server/src/storage/dashboard.rs, gemeinde_map).
-- The index of 0001 found the event but not its status, so every seek also read the table.
-- This one answers the seek from the index alone; its prefix serves every use of the old one.
DROP INDEX record_event_record;
CREATE INDEX record_event_record ON record_event (record_id, occurred_at, id, new_status, old_status);
