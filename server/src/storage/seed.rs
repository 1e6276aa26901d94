//! Idempotent seeding of configuration, catalogue and org units, and creation of the
//! implementation records the responsibility rule asks for.

use super::{in_transaction, Result, Storage};
use crate::reference_data::ReferenceData;
use sqlx::QueryBuilder;

/// The default status pipeline (DESIGN.md): code, label, phase, order.
pub const DEFAULT_STATUSES: [(&str, &str, &str, i64); 7] = [
    ("nicht_begonnen", "nicht begonnen", "not_started", 10),
    ("in_planung", "in Planung", "planning", 20),
    ("in_umsetzung", "in Umsetzung", "implementation", 30),
    ("pilotbetrieb", "Pilotbetrieb", "pilot", 40),
    ("online", "online verfügbar", "online", 50),
    ("zurueckgestellt", "zurückgestellt", "deferred", 60),
    ("nicht_relevant", "nicht relevant", "not_relevant", 70),
];

/// Allowed transitions of the default pipeline: forward along it, one step back, and
/// into / out of "zurückgestellt" and "nicht relevant".
pub const DEFAULT_TRANSITIONS: &[(&str, &str)] = &[
    ("nicht_begonnen", "in_planung"),
    ("nicht_begonnen", "in_umsetzung"),
    ("in_planung", "in_umsetzung"),
    ("in_planung", "nicht_begonnen"),
    ("in_umsetzung", "pilotbetrieb"),
    ("in_umsetzung", "online"),
    ("in_umsetzung", "in_planung"),
    ("pilotbetrieb", "online"),
    ("pilotbetrieb", "in_umsetzung"),
    ("online", "pilotbetrieb"),
    ("online", "in_umsetzung"),
    ("nicht_begonnen", "zurueckgestellt"),
    ("in_planung", "zurueckgestellt"),
    ("in_umsetzung", "zurueckgestellt"),
    ("zurueckgestellt", "in_planung"),
    ("zurueckgestellt", "nicht_begonnen"),
    ("nicht_begonnen", "nicht_relevant"),
    ("nicht_relevant", "nicht_begonnen"),
];

/// Reifegrad models: 1.1 (0–4) in use by default; 2.0 (0–7, since 07/2025) available.
pub const MATURITY_LEVELS: &[(&str, i64, &str)] = &[
    ("1.1", 0, "Offline"),
    ("1.1", 1, "Information"),
    ("1.1", 2, "Formular-Assistent"),
    ("1.1", 3, "Online-Leistung"),
    ("1.1", 4, "Online-Transaktion (Once-Only)"),
    ("2.0", 0, "Stufe 0"),
    ("2.0", 1, "Stufe 1"),
    ("2.0", 2, "Stufe 2"),
    ("2.0", 3, "Stufe 3"),
    ("2.0", 4, "Stufe 4"),
    ("2.0", 5, "Stufe 5"),
    ("2.0", 6, "Stufe 6"),
    ("2.0", 7, "Stufe 7"),
];

/// What a seed run did, for the log line at start.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SeedReport {
    pub skipped_unchanged: bool,
    pub records_created: u64,
    pub services_deactivated: u64,
}

impl Storage {
    /// Writes reference data and creates missing records. Unchanged data (same fingerprint)
    /// is skipped unless `force`; changed data updates rows in place, never duplicates them.
    pub async fn seed(&self, data: &ReferenceData, force: bool) -> Result<SeedReport> {
        if !force
            && self.meta("seed_fingerprint").await?.as_deref() == Some(data.fingerprint.as_str())
        {
            return Ok(SeedReport {
                skipped_unchanged: true,
                ..Default::default()
            });
        }
        let report = in_transaction!(self, tx => {
            for (code, label, phase, order) in DEFAULT_STATUSES {
                sqlx::query("INSERT INTO status (code, label, phase, sort_order) VALUES ($1, $2, $3, $4) ON CONFLICT (code) DO NOTHING")
                    .bind(code).bind(label).bind(phase).bind(order).execute(&mut *tx).await?;
            }
            for (from, to) in DEFAULT_TRANSITIONS {
                sqlx::query("INSERT INTO status_transition (from_code, to_code) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                    .bind(*from).bind(*to).execute(&mut *tx).await?;
            }
            for (model, level, label) in MATURITY_LEVELS {
                sqlx::query("INSERT INTO maturity_level (model, level, label) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
                    .bind(*model).bind(*level).bind(*label).execute(&mut *tx).await?;
            }
            sqlx::query("INSERT INTO meta (key, value) VALUES ('maturity_model', '1.1') ON CONFLICT (key) DO NOTHING")
                .execute(&mut *tx).await?;

            for t in &data.themenfelder {
                // the lead ministry is editable data: only the first seed sets it
                sqlx::query("INSERT INTO themenfeld (id, name, lead_unit_code) VALUES ($1, $2, $3) \
                     ON CONFLICT (id) DO UPDATE SET name = excluded.name WHERE themenfeld.name <> excluded.name")
                    .bind(t.id).bind(&t.name).bind(&t.lead_unit_code).execute(&mut *tx).await?;
            }
            for l in &data.lagen {
                sqlx::query("INSERT INTO lage (id, name, themenfeld_id) VALUES ($1, $2, $3) \
                     ON CONFLICT (id) DO UPDATE SET name = excluded.name, themenfeld_id = excluded.themenfeld_id \
                     WHERE lage.name <> excluded.name OR lage.themenfeld_id <> excluded.themenfeld_id")
                    .bind(l.id).bind(&l.name).bind(l.themenfeld_id).execute(&mut *tx).await?;
            }
            for o in &data.org_units {
                let parent: Option<i64> = match &o.parent_code {
                    Some(code) => sqlx::query_scalar("SELECT id FROM org_unit WHERE code = $1").bind(code).fetch_optional(&mut *tx).await?,
                    None => None,
                };
                sqlx::query("INSERT INTO org_unit (code, kind, name, ags, ars, parent_id, population, valid_from) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                     ON CONFLICT (code) DO UPDATE SET name = excluded.name, ags = excluded.ags, ars = excluded.ars, \
                     parent_id = excluded.parent_id, population = excluded.population \
                     WHERE org_unit.kind IN ('land', 'kreis', 'gemeinde') AND (org_unit.name <> excluded.name \
                     OR org_unit.ags IS DISTINCT FROM excluded.ags OR org_unit.ars IS DISTINCT FROM excluded.ars \
                     OR org_unit.parent_id IS DISTINCT FROM excluded.parent_id \
                     OR org_unit.population IS DISTINCT FROM excluded.population)")
                    .bind(&o.code).bind(o.kind).bind(&o.name).bind(&o.ags).bind(&o.ars).bind(parent)
                    .bind(o.population).bind(o.valid_from).execute(&mut *tx).await?;
            }
            for s in &data.services {
                let search = format!("{} {}", s.ozg_id, s.name.to_lowercase());
                // responsibility and lead unit are the Kompetenzzentrum's to change: set on insert only
                sqlx::query("INSERT INTO service (ozg_id, name, search_text, lage_id, themenfeld_id, leika_types, \
                     responsibility, lead_unit_id, active, source) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, \
                       CASE WHEN $7 = 'ressort' THEN (SELECT o.id FROM org_unit o JOIN themenfeld t ON t.lead_unit_code = o.code WHERE t.id = $5) END, \
                       TRUE, 'katalog') \
                     ON CONFLICT (ozg_id) DO UPDATE SET name = excluded.name, search_text = excluded.search_text, \
                     lage_id = excluded.lage_id, themenfeld_id = excluded.themenfeld_id, leika_types = excluded.leika_types, active = TRUE \
                     WHERE service.name <> excluded.name OR service.lage_id <> excluded.lage_id \
                     OR service.themenfeld_id <> excluded.themenfeld_id OR service.leika_types <> excluded.leika_types \
                     OR NOT service.active")
                    .bind(i64::from(s.ozg_id)).bind(&s.name).bind(&search).bind(s.lage_id).bind(s.themenfeld_id)
                    .bind(s.leika_types.to_string()).bind(s.responsibility.code()).execute(&mut *tx).await?;
            }
            // Catalogue services missing from the file stay with their history, marked inactive.
            let ids: Vec<i64> = data.services.iter().map(|s| i64::from(s.ozg_id)).collect();
            let mut qb = QueryBuilder::new("UPDATE service SET active = FALSE WHERE source = 'katalog' AND active AND ozg_id NOT IN (");
            let mut sep = qb.separated(", ");
            for id in &ids {
                sep.push_bind(*id);
            }
            qb.push(")");
            let services_deactivated = qb.build().execute(&mut *tx).await?.rows_affected();

            for chunk in data.leika.chunks(500) {
                let mut qb = QueryBuilder::new(
                    "INSERT INTO leika_service (natural_key, leika_key, name, ozg_id, leika_type, legal_basis, sdg_relevant) ");
                qb.push_values(chunk, |mut b, l| {
                    b.push_bind(&l.natural_key).push_bind(l.key.key()).push_bind(&l.name).push_bind(l.ozg_id.map(i64::from))
                        .push_bind(&l.leika_type).push_bind(&l.legal_basis).push_bind(l.sdg_relevant);
                });
                qb.push(" ON CONFLICT (natural_key) DO UPDATE SET leika_key = excluded.leika_key, name = excluded.name, \
                     ozg_id = excluded.ozg_id, leika_type = excluded.leika_type, legal_basis = excluded.legal_basis, \
                     sdg_relevant = excluded.sdg_relevant \
                     WHERE leika_service.name <> excluded.name OR leika_service.ozg_id <> excluded.ozg_id \
                     OR leika_service.leika_type <> excluded.leika_type OR leika_service.legal_basis <> excluded.legal_basis \
                     OR leika_service.sdg_relevant <> excluded.sdg_relevant");
                qb.build().execute(&mut *tx).await?;
            }

            // One record per (service, responsible unit). `WHERE TRUE` keeps SQLite's parser
            // from reading ON CONFLICT as a join constraint.
            let now = chrono::Utc::now();
            let mut records_created = 0;
            for (responsibility, unit_condition) in [
                ("gemeinde", "o.kind = 'gemeinde' AND o.valid_to IS NULL"),
                ("kreis", "o.kind = 'kreis' AND o.valid_to IS NULL"),
                ("land", "o.kind = 'land'"),
                ("ressort", "o.id = s.lead_unit_id"),
            ] {
                let sql = format!(
                    "INSERT INTO implementation_record (ozg_id, org_unit_id, status_code, version, updated_at) \
                     SELECT s.ozg_id, o.id, 'nicht_begonnen', 1, $1 FROM service s JOIN org_unit o ON {unit_condition} \
                     WHERE s.active AND s.responsibility = '{responsibility}' \
                     ON CONFLICT (ozg_id, org_unit_id) DO NOTHING"
                );
                records_created += sqlx::query(sqlx::AssertSqlSafe(sql)).bind(now).execute(&mut *tx).await?.rows_affected();
            }
            SeedReport { skipped_unchanged: false, records_created, services_deactivated }
        });
        // New records or services need their rollup rows; a rebuild is exact and runs only here.
        self.rebuild_rollups().await?;
        self.rebuild_history().await?;
        self.set_meta("seed_fingerprint", &data.fingerprint).await?;
        Ok(report)
    }
}
