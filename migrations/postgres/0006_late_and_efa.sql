-- "What is late": records neither online nor "nicht relevant" are open; the write path keeps
-- the flag current. The partial index holds only open records with a planned go-live, so the
-- dashboard reads just those planned before the reference date, never all records.
ALTER TABLE implementation_record ADD COLUMN is_open BOOLEAN NOT NULL DEFAULT TRUE;
UPDATE implementation_record SET is_open = (status_code IN
    (SELECT code FROM status WHERE phase NOT IN ('online', 'not_relevant')));
CREATE INDEX implementation_record_late ON implementation_record (planned_go_live)
    WHERE is_open AND planned_go_live IS NOT NULL;

-- The dashboard's EfA filter: per service, the records that name the EfA solution they use,
-- kept current on every write like the rest of the rollup.
ALTER TABLE service_rollup ADD COLUMN records_efa BIGINT NOT NULL DEFAULT 0;
UPDATE service_rollup SET records_efa = (SELECT COUNT(*) FROM implementation_record rec
    WHERE rec.ozg_id = service_rollup.ozg_id AND rec.efa_solution IS NOT NULL AND rec.efa_solution <> '');
