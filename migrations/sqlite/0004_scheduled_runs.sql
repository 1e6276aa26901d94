-- Scheduled work (session clean-up, daily check of the history's hash chain). Each job runs
-- once per time slot however many instances share the database: an instance runs a job only
-- if its INSERT of the (job, slot) row succeeds; the others find the row and skip the slot.
CREATE TABLE scheduled_run (
    job         TEXT NOT NULL,
    -- start of the slot, in seconds since 1970-01-01 UTC (a multiple of the job's period)
    slot        BIGINT NOT NULL,
    -- which process claimed the slot (host name and process id), for the operator
    instance    TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    -- a short summary of what the run did, or why it failed
    outcome     TEXT,
    PRIMARY KEY (job, slot)
);
