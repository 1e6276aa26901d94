-- Responsibility as data: which level executes each service, whether the Kompetenzzentrum has
-- confirmed it, and the units that execute it besides (server/src/storage/responsibility.rs).
-- A change closes the records of units no longer responsible instead of deleting them: they
-- keep their history and count until the day they were closed.

-- "Bund" is the level of the one informational record for the Land (formerly "land").
UPDATE service SET responsibility = 'bund' WHERE responsibility = 'land';
ALTER TABLE service ADD COLUMN responsibility_confirmed BOOLEAN NOT NULL DEFAULT FALSE;

-- Units that execute a service although its level says otherwise (e.g. a große
-- kreisangehörige Stadt executing a Kreis task itself).
CREATE TABLE responsibility_exception (
    ozg_id      BIGINT NOT NULL REFERENCES service (ozg_id),
    org_unit_id BIGINT NOT NULL REFERENCES org_unit (id),
    PRIMARY KEY (ozg_id, org_unit_id)
);

-- The first day a record no longer counts because its unit is no longer responsible.
ALTER TABLE implementation_record ADD COLUMN closed_on TEXT;

-- The periods in which a record counts, for records a responsibility change created, closed
-- or reopened; a record without rows counts for its unit's whole lifetime. `starts` NULL:
-- from the beginning; `ends` NULL: still counted.
CREATE TABLE record_period (
    id        INTEGER PRIMARY KEY,
    record_id BIGINT NOT NULL REFERENCES implementation_record (id),
    starts    TEXT,
    ends      TEXT
);
CREATE INDEX record_period_record ON record_period (record_id);

-- Every change of a service's level, so a past date's figures count the service at the level
-- it had then (the dashboard's municipal figures).
CREATE TABLE responsibility_change (
    id         INTEGER PRIMARY KEY,
    ozg_id     BIGINT NOT NULL REFERENCES service (ozg_id),
    changed_on TEXT NOT NULL,
    old_level  TEXT NOT NULL,
    new_level  TEXT NOT NULL
);
CREATE INDEX responsibility_change_service ON responsibility_change (ozg_id, changed_on);
