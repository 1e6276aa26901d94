-- Verwaltungsgemeinschaften and erfüllende Gemeinden (Thüringer Kommunalordnung) carry the
-- tasks of their member Gemeinden in the transferred sphere (Meldewesen, Standesamt,
-- Gewerbe- und Ordnungsamt). Each is an org unit of kind 'verband' under its Kreis; a member
-- Gemeinde names it here. Services of the level 'verband' are executed by the Verband for its
-- members and by every Gemeinde that belongs to none.
ALTER TABLE org_unit ADD COLUMN verband_id BIGINT REFERENCES org_unit (id);
CREATE INDEX org_unit_verband ON org_unit (verband_id);
