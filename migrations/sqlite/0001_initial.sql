-- OZG-Monitor schema for SQLite (dates and timestamps as ISO-8601 text).

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE themenfeld (
    id             BIGINT PRIMARY KEY,
    name           TEXT NOT NULL UNIQUE,
    -- code of the ministry leading the Themenfeld; editable data, not code (DESIGN.md)
    lead_unit_code TEXT
);

CREATE TABLE lage (
    id            BIGINT PRIMARY KEY,
    name          TEXT NOT NULL,
    themenfeld_id BIGINT NOT NULL REFERENCES themenfeld (id)
);

CREATE TABLE org_unit (
    id         INTEGER PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE,
    kind       TEXT NOT NULL,
    name       TEXT NOT NULL,
    ags        TEXT,
    ars        TEXT,
    parent_id  BIGINT REFERENCES org_unit (id),
    population BIGINT,
    valid_from TEXT,
    valid_to   TEXT
);
CREATE INDEX org_unit_parent ON org_unit (parent_id);
CREATE INDEX org_unit_kind ON org_unit (kind, name);

CREATE TABLE service (
    ozg_id         BIGINT PRIMARY KEY,
    name           TEXT NOT NULL,
    -- lower-cased name and id, so search is case-insensitive (umlauts included) on both backends
    search_text    TEXT NOT NULL,
    lage_id        BIGINT NOT NULL REFERENCES lage (id),
    themenfeld_id  BIGINT NOT NULL REFERENCES themenfeld (id),
    leika_types    TEXT NOT NULL,
    responsibility TEXT NOT NULL,
    lead_unit_id   BIGINT REFERENCES org_unit (id),
    active         BOOLEAN NOT NULL DEFAULT TRUE,
    source         TEXT NOT NULL
);
CREATE INDEX service_themenfeld ON service (themenfeld_id, ozg_id);
CREATE INDEX service_lage ON service (lage_id, ozg_id);

CREATE TABLE leika_service (
    id           INTEGER PRIMARY KEY,
    -- the 14-digit key, or "<ozg_id>:<name>" for entries "nicht im LeiKa"
    natural_key  TEXT NOT NULL UNIQUE,
    leika_key    TEXT,
    name         TEXT NOT NULL,
    -- 26 LeiKa-Leistungen of the 2019 extract belong to no OZG-Leistung
    ozg_id       BIGINT REFERENCES service (ozg_id),
    leika_type   TEXT NOT NULL,
    legal_basis  TEXT NOT NULL,
    sdg_relevant BOOLEAN NOT NULL
);
CREATE INDEX leika_service_ozg ON leika_service (ozg_id);

-- The configurable status pipeline; `phase` is the fixed meaning dashboards count by.
CREATE TABLE status (
    code       TEXT PRIMARY KEY,
    label      TEXT NOT NULL,
    phase      TEXT NOT NULL,
    sort_order BIGINT NOT NULL
);

CREATE TABLE status_transition (
    from_code TEXT NOT NULL REFERENCES status (code),
    to_code   TEXT NOT NULL REFERENCES status (code),
    PRIMARY KEY (from_code, to_code)
);

-- The configurable Reifegrad scale (model 1.1: 0–4; model 2.0: 0–7).
CREATE TABLE maturity_level (
    model TEXT NOT NULL,
    level BIGINT NOT NULL,
    label TEXT NOT NULL,
    PRIMARY KEY (model, level)
);

CREATE TABLE implementation_record (
    id              INTEGER PRIMARY KEY,
    ozg_id          BIGINT NOT NULL REFERENCES service (ozg_id),
    org_unit_id     BIGINT NOT NULL REFERENCES org_unit (id),
    status_code     TEXT NOT NULL REFERENCES status (code),
    maturity        BIGINT,
    planned_go_live TEXT,
    actual_go_live  TEXT,
    online_url      TEXT,
    efa_solution    TEXT,
    note            TEXT,
    version         BIGINT NOT NULL DEFAULT 1,
    updated_at      TEXT NOT NULL,
    UNIQUE (ozg_id, org_unit_id)
);
CREATE INDEX implementation_record_unit ON implementation_record (org_unit_id, ozg_id);

-- Append-only history: the state at any past date is derivable from it.
CREATE TABLE record_event (
    id           INTEGER PRIMARY KEY,
    record_id    BIGINT NOT NULL REFERENCES implementation_record (id),
    occurred_at  TEXT NOT NULL,
    recorded_at  TEXT NOT NULL,
    actor        TEXT NOT NULL,
    old_status   TEXT,
    new_status   TEXT,
    old_maturity BIGINT,
    new_maturity BIGINT,
    changes      TEXT NOT NULL,
    comment      TEXT,
    is_demo      BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX record_event_record ON record_event (record_id, occurred_at);
CREATE INDEX record_event_time ON record_event (occurred_at);

-- Maintained on every write in the same transaction, so dashboards never scan records.
CREATE TABLE service_rollup (
    ozg_id                BIGINT PRIMARY KEY REFERENCES service (ozg_id),
    records_applicable    BIGINT NOT NULL DEFAULT 0,
    records_online        BIGINT NOT NULL DEFAULT 0,
    records_in_progress   BIGINT NOT NULL DEFAULT 0,
    population_applicable BIGINT NOT NULL DEFAULT 0,
    population_online     BIGINT NOT NULL DEFAULT 0,
    maturity_sum          BIGINT NOT NULL DEFAULT 0,
    maturity_count        BIGINT NOT NULL DEFAULT 0
);
