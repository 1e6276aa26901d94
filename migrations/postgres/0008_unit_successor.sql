-- Territorial changes (the org-unit import, server/src/imports/territory.rs): a Gemeinde or
-- Kreis that merged into another keeps its row, records and history, ends at `valid_to`, and
-- names the unit it went into, so its history stays reachable from the successor's page.
ALTER TABLE org_unit ADD COLUMN successor_id BIGINT REFERENCES org_unit (id);
CREATE INDEX org_unit_successor ON org_unit (successor_id);
