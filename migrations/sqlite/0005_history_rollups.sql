-- History rollups for the trend charts and "Stand am" (state at a past date), kept current on
-- every write like service_rollup (server/src/storage/history.rs).
--
-- For every service and scope — the whole Land (scope 0) or one Kreis (scope = the Kreis's
-- org_unit id: its own records and its Gemeinden's) — the figures as they stood at the end of
-- each day (UTC) on which they changed, plus a baseline row dated 1970-01-01 with the state
-- before the first recorded event. The state at a date is one index seek per (service, scope),
-- however long the history grows.
CREATE TABLE rollup_history (
    ozg_id                BIGINT NOT NULL,
    scope_id              BIGINT NOT NULL,
    day                   DATE NOT NULL,
    records_applicable    BIGINT NOT NULL,
    records_online        BIGINT NOT NULL,
    records_in_progress   BIGINT NOT NULL,
    population_applicable BIGINT NOT NULL,
    population_online     BIGINT NOT NULL,
    -- applicable records per Reifegrad 0–7 (the largest scale, model 2.0)
    maturity_0            BIGINT NOT NULL,
    maturity_1            BIGINT NOT NULL,
    maturity_2            BIGINT NOT NULL,
    maturity_3            BIGINT NOT NULL,
    maturity_4            BIGINT NOT NULL,
    maturity_5            BIGINT NOT NULL,
    maturity_6            BIGINT NOT NULL,
    maturity_7            BIGINT NOT NULL,
    -- the pair's newest row, i.e. its state today (kept by the write path)
    is_latest             BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (ozg_id, scope_id, day)
) WITHOUT ROWID;

-- Today's state of every pair without a seek per pair: the dashboard's default view.
CREATE INDEX rollup_history_latest ON rollup_history (ozg_id, scope_id) WHERE is_latest;

-- The days on which a (service, scope) entered a coverage category (the baseline included):
-- what the trend counts month by month. A few rows per service, however many edits.
CREATE TABLE category_history (
    ozg_id   BIGINT NOT NULL,
    scope_id BIGINT NOT NULL,
    day      DATE NOT NULL,
    category TEXT NOT NULL,
    PRIMARY KEY (ozg_id, scope_id, day)
) WITHOUT ROWID;
