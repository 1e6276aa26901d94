-- The dashboard's default view reads today's figures of every (service, scope) pair, and the
-- late records. Both indexes of 0005/0006 found the rows but not their columns, so every row
-- cost a random read of the table (measured: 180 ms of 232 ms for `/`, docs/results.md).
-- These cover what the dashboard reads, ordered so that a scope (the Land, or all Kreise) is
-- one range of the index.
DROP INDEX rollup_history_latest;
CREATE INDEX rollup_history_latest_by_scope ON rollup_history (scope_id, ozg_id, day,
    records_applicable, records_online, records_in_progress, population_applicable,
    population_online, maturity_0, maturity_1, maturity_2, maturity_3, maturity_4, maturity_5,
    maturity_6, maturity_7) WHERE is_latest;

DROP INDEX implementation_record_late;
CREATE INDEX implementation_record_late ON implementation_record (planned_go_live, ozg_id,
    org_unit_id) WHERE is_open AND planned_go_live IS NOT NULL;
