-- A number that every write transaction raises (the `in_transaction!` macro,
-- server/src/storage/mod.rs). The dashboard keeps its last drawn views keyed by it
-- (server/src/dashboard_cache.rs): an unchanged number means unchanged figures, also when
-- another instance on the same PostgreSQL wrote.
CREATE TABLE data_generation (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    value BIGINT NOT NULL
);
INSERT INTO data_generation (id, value) VALUES (1, 0);
