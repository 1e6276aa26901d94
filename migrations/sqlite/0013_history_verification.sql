-- `ozg-monitor audit verify` also finds events added outside the write path and records that
-- are not what their events add up to (server/src/storage/chain.rs, replay.rs).
--
-- Events without a chain position can only be older than the chain (migration 0003): the
-- newest of them is noted, so an event inserted later without a position is found.
ALTER TABLE event_chain ADD COLUMN unchained_up_to BIGINT NOT NULL DEFAULT 0;
UPDATE event_chain
SET unchained_up_to = (SELECT COALESCE(MAX(id), 0) FROM record_event WHERE chain_seq IS NULL);

-- The state a record started from when a territory import started it from a predecessor's
-- record (server/src/storage/territory.rs); every other record starts as "nicht begonnen".
CREATE TABLE record_baseline (
    record_id       BIGINT PRIMARY KEY REFERENCES implementation_record (id),
    status_code     TEXT NOT NULL,
    maturity        BIGINT,
    planned_go_live TEXT,
    actual_go_live  TEXT,
    online_url      TEXT,
    efa_solution    TEXT,
    note            TEXT
);
-- Records taken over before this migration: those of units that succeeded others and that
-- have no event since, whose state is the one they were started from.
INSERT INTO record_baseline (record_id, status_code, maturity, planned_go_live, actual_go_live,
                             online_url, efa_solution, note)
SELECT r.id, r.status_code, r.maturity, r.planned_go_live, r.actual_go_live, r.online_url,
       r.efa_solution, r.note
FROM implementation_record r
WHERE r.org_unit_id IN (SELECT successor_id FROM org_unit WHERE successor_id IS NOT NULL)
  AND NOT EXISTS (SELECT 1 FROM record_event e WHERE e.record_id = r.id);
