-- The record list's counts per status and Themenfeld (server/src/storage/records.rs,
-- record_facets) read every record of the chosen units: by unit, its status and service.
-- The index of 0001 (unit, service) found the records but not their status, so each of them
-- also cost a read of the table (all of Thüringen: about 256,000). This one answers from the
-- index alone. Its first column serves every lookup by unit of the old one; a unit's page
-- now sorts its few hundred records by service itself.
DROP INDEX implementation_record_unit;
CREATE INDEX implementation_record_unit ON implementation_record (org_unit_id, status_code, ozg_id);
