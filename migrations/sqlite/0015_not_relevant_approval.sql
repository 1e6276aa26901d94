-- "nicht relevant" leaves the denominator only once the Kompetenzzentrum approved it. A
-- coordinator applies for it with a reason ("nicht relevant (beantragt)", counted like a
-- deferred record); the administration approves (→ nicht relevant) or rejects (→ nicht
-- begonnen). Every direct way into a "nicht relevant" status becomes a way into the request.
-- Records already "nicht relevant" stay as they are. On a new database the status table is
-- still empty here: the seed writes the same pipeline (server/src/storage/seed.rs).
INSERT INTO status (code, label, phase, sort_order)
SELECT 'nicht_relevant_beantragt', 'nicht relevant (beantragt)', 'deferred', 65
WHERE EXISTS (SELECT 1 FROM status)
ON CONFLICT (code) DO NOTHING;

INSERT INTO status_transition (from_code, to_code)
SELECT tr.from_code, 'nicht_relevant_beantragt' FROM status_transition tr
JOIN status t ON t.code = tr.to_code
WHERE t.phase = 'not_relevant' AND tr.from_code <> 'nicht_relevant_beantragt'
  AND EXISTS (SELECT 1 FROM status WHERE code = 'nicht_relevant_beantragt')
ON CONFLICT DO NOTHING;

DELETE FROM status_transition
WHERE from_code <> 'nicht_relevant_beantragt'
  AND to_code IN (SELECT code FROM status WHERE phase = 'not_relevant')
  AND EXISTS (SELECT 1 FROM status WHERE code = 'nicht_relevant_beantragt');

INSERT INTO status_transition (from_code, to_code)
SELECT 'nicht_relevant_beantragt', code FROM status
WHERE (phase = 'not_relevant' OR code = 'nicht_begonnen')
  AND EXISTS (SELECT 1 FROM status WHERE code = 'nicht_relevant_beantragt')
ON CONFLICT DO NOTHING;
