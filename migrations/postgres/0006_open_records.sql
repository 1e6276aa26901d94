-- "What is late": records neither online nor "nicht relevant" are open; the write path keeps
-- the flag current. The partial index holds only open records with a planned go-live, so the
-- dashboard reads just those planned before the reference date, never all records.
ALTER TABLE implementation_record ADD COLUMN is_open BOOLEAN NOT NULL DEFAULT TRUE;
UPDATE implementation_record SET is_open = (status_code IN
    (SELECT code FROM status WHERE phase NOT IN ('online', 'not_relevant')));
CREATE INDEX implementation_record_late ON implementation_record (planned_go_live)
    WHERE is_open AND planned_go_live IS NOT NULL;
