-- The reference of the dashboard benchmark (BENCHMARKS.md): the figures the dashboard's KPIs,
-- federal table and bars are made of — per service and phase the records, inhabitants and
-- Reifegrad — computed the naive way, by one GROUP BY over every record of today's units.
SELECT rec.ozg_id, st.phase, COUNT(*) AS records,
       SUM(COALESCE(o.population, 0)) AS inhabitants,
       SUM(COALESCE(rec.maturity, 0)) AS maturity_sum
FROM implementation_record rec
JOIN status st ON st.code = rec.status_code
JOIN org_unit o ON o.id = rec.org_unit_id
WHERE o.valid_to IS NULL
GROUP BY rec.ozg_id, st.phase
ORDER BY rec.ozg_id, st.phase;
