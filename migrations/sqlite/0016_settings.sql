-- The target dates drawn into the trend are the Kompetenzzentrum's settings, kept here and
-- changed by the administration on the settings page, each change audited (before: the
-- --deadlines option of every instance). The old option's default is the first entry.
CREATE TABLE trend_deadline (
    day   TEXT PRIMARY KEY,
    label TEXT NOT NULL
);
INSERT INTO trend_deadline (day, label) VALUES ('2022-12-31', 'OZG-Umsetzungsfrist 31.12.2022');
