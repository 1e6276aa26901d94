//! Idempotent seeding of configuration, catalogue and org units, and creation of the
//! implementation records the responsibility rule asks for.

use super::catalogue::{CatalogueWrite, NewRecordHistory, CATALOGUE_IMPORTED};
use super::territory::TERRITORY_IMPORTED;
use super::{in_transaction, Result, Storage};
use crate::reference_data::ReferenceData;

/// The default status pipeline (docs/architecture.md): code, label, phase, order.
pub const DEFAULT_STATUSES: [(&str, &str, &str, i64); 8] = [
    ("nicht_begonnen", "nicht begonnen", "not_started", 10),
    ("in_planung", "in Planung", "planning", 20),
    ("in_umsetzung", "in Umsetzung", "implementation", 30),
    ("pilotbetrieb", "Pilotbetrieb", "pilot", 40),
    ("online", "online verfügbar", "online", 50),
    ("zurueckgestellt", "zurückgestellt", "deferred", 60),
    // a coordinator's request: counted like a deferred record until the administration
    // approves it (migration 0015)
    (
        "nicht_relevant_beantragt",
        "nicht relevant (beantragt)",
        "deferred",
        65,
    ),
    ("nicht_relevant", "nicht relevant", "not_relevant", 70),
];

/// Allowed transitions of the default pipeline: forward along it, one step back, and
/// into / out of "zurückgestellt" and "nicht relevant" — the latter only through the request
/// the administration approves or rejects.
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
    ("nicht_begonnen", "nicht_relevant_beantragt"),
    ("nicht_relevant_beantragt", "nicht_relevant"),
    ("nicht_relevant_beantragt", "nicht_begonnen"),
    ("nicht_relevant", "nicht_begonnen"),
];

/// Reifegrad models: 1.1 (0–4) in use by default; 2.0 (0–7, since 07/2025) available.
pub const DEFAULT_MATURITY_LABELS: &[(&str, i64, &str)] = &[
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
    /// An imported catalogue is in the database; the embedded one was not written.
    pub catalogue_kept: bool,
    pub records_created: u64,
    pub services_deactivated: u64,
}

impl Storage {
    /// Writes reference data and creates missing records. Unchanged data (same fingerprint)
    /// is skipped unless `force`; changed data updates rows in place, never duplicates them.
    /// After a catalogue import the embedded catalogue is left alone (the database's is newer),
    /// after an org-unit import the embedded Land, Kreise and Gemeinden.
    pub async fn seed(&self, data: &ReferenceData, force: bool) -> Result<SeedReport> {
        if !force
            && self.meta("seed_fingerprint").await?.as_deref() == Some(data.fingerprint.as_str())
        {
            return Ok(SeedReport {
                skipped_unchanged: true,
                ..Default::default()
            });
        }
        let catalogue_imported = self.meta(CATALOGUE_IMPORTED).await?.is_some();
        // an imported Gemeindeverzeichnis is newer than the embedded 2020 one
        let territory_imported = self.meta(TERRITORY_IMPORTED).await?.is_some();
        in_transaction!(self, tx => {
            // the pipeline and the Reifegrad labels are the administration's settings once
            // written: a later seed must not bring back a status step it removed
            let configured: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM status").fetch_one(&mut *tx).await?;
            let labelled: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM maturity_level").fetch_one(&mut *tx).await?;
            for (code, label, phase, order) in DEFAULT_STATUSES.into_iter().filter(|_| configured == 0) {
                sqlx::query("INSERT INTO status (code, label, phase, sort_order) VALUES ($1, $2, $3, $4) ON CONFLICT (code) DO NOTHING")
                    .bind(code).bind(label).bind(phase).bind(order).execute(&mut *tx).await?;
            }
            for (from, to) in DEFAULT_TRANSITIONS.iter().filter(|_| configured == 0) {
                sqlx::query("INSERT INTO status_transition (from_code, to_code) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                    .bind(*from).bind(*to).execute(&mut *tx).await?;
            }
            for (model, level, label) in DEFAULT_MATURITY_LABELS.iter().filter(|_| labelled == 0) {
                sqlx::query("INSERT INTO maturity_level (model, level, label) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
                    .bind(*model).bind(*level).bind(*label).execute(&mut *tx).await?;
            }
            sqlx::query("INSERT INTO meta (key, value) VALUES ('maturity_model', '1.1') ON CONFLICT (key) DO NOTHING")
                .execute(&mut *tx).await?;

            if !catalogue_imported {
                for t in &data.themenfelder {
                    // the lead ministry is editable data: only the first seed sets it
                    sqlx::query("INSERT INTO themenfeld (id, name, lead_unit_code) VALUES ($1, $2, $3) \
                         ON CONFLICT (id) DO UPDATE SET name = excluded.name WHERE themenfeld.name <> excluded.name")
                        .bind(t.id).bind(&t.name).bind(&t.lead_unit_code).execute(&mut *tx).await?;
                }
            }
            for o in &data.org_units {
                if territory_imported && matches!(o.kind, "land" | "kreis" | "gemeinde") {
                    continue;
                }
                let parent: Option<i64> = match &o.parent_code {
                    Some(code) => sqlx::query_scalar("SELECT id FROM org_unit WHERE code = $1").bind(code).fetch_optional(&mut *tx).await?,
                    None => None,
                };
                sqlx::query("INSERT INTO org_unit (code, kind, name, ags, ars, parent_id, population, valid_from) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                     ON CONFLICT (code) DO UPDATE SET name = excluded.name, ags = excluded.ags, ars = excluded.ars, \
                     parent_id = excluded.parent_id, population = excluded.population \
                     WHERE org_unit.kind IN ('land', 'kreis', 'verband', 'gemeinde') AND (org_unit.name <> excluded.name \
                     OR org_unit.ags IS DISTINCT FROM excluded.ags OR org_unit.ars IS DISTINCT FROM excluded.ars \
                     OR org_unit.parent_id IS DISTINCT FROM excluded.parent_id \
                     OR org_unit.population IS DISTINCT FROM excluded.population)")
                    .bind(&o.code).bind(o.kind).bind(&o.name).bind(&o.ags).bind(&o.ars).bind(parent)
                    .bind(o.population).bind(o.valid_from).execute(&mut *tx).await?;
            }
            // members name their Verwaltungsgemeinschaft or erfüllende Gemeinde (also after a
            // territory import: an imported Gemeinde the reference data does not know is in none)
            for o in data.org_units.iter().filter(|o| o.kind == "gemeinde") {
                sqlx::query("UPDATE org_unit SET verband_id = (SELECT v.id FROM org_unit v WHERE v.code = $1 AND v.kind = 'verband') \
                     WHERE code = $2 AND kind = 'gemeinde' AND verband_id IS DISTINCT FROM \
                     (SELECT v.id FROM org_unit v WHERE v.code = $1 AND v.kind = 'verband')")
                    .bind(&o.verband_code).bind(&o.code).execute(&mut *tx).await?;
            }
        });
        // An imported catalogue is newer than the embedded one: only records for new units.
        let catalogue = if catalogue_imported {
            CatalogueWrite::default()
        } else {
            CatalogueWrite {
                lagen: &data.lagen,
                services: &data.services,
                leika: &data.leika,
                deactivate_missing: true,
                // the 2019 extract's LeiKa-Leistungen stay as they are when a file drops one
                remove_missing_leika: false,
            }
        };
        let written = self
            .write_catalogue(&catalogue, NewRecordHistory::Rebuilt, None)
            .await?;
        let report = SeedReport {
            skipped_unchanged: false,
            catalogue_kept: catalogue_imported,
            records_created: written.records_created,
            services_deactivated: written.services_deactivated,
        };
        // New records or services need their rollup rows; a rebuild is exact and runs only here.
        self.rebuild_rollups().await?;
        self.rebuild_history().await?;
        self.set_meta("seed_fingerprint", &data.fingerprint).await?;
        Ok(report)
    }
}
