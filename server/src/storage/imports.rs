//! What a status import needs to find the records its lines name: the known services and
//! units, and the records behind (OZG-ID, unit) pairs.

use super::{on_pool, Result, Storage};
use sqlx::QueryBuilder;
use std::collections::{HashMap, HashSet};

/// Services and org units by the keys a spreadsheet names them with.
#[derive(Debug, Clone, Default)]
pub struct ImportKeys {
    pub services: HashSet<i64>,
    /// Org unit id by code (AGS, ministry code, …).
    pub units: HashMap<String, i64>,
}

/// (OZG-ID, org unit id) pairs per statement: two binds each, far below both databases' limits.
const CHUNK: usize = 1000;

impl Storage {
    pub async fn import_keys(&self) -> Result<ImportKeys> {
        let (services, units): (Vec<(i64,)>, Vec<(String, i64)>) = on_pool!(self, pool => {
            (
                sqlx::query_as("SELECT ozg_id FROM service").fetch_all(pool).await?,
                sqlx::query_as("SELECT code, id FROM org_unit").fetch_all(pool).await?,
            )
        });
        Ok(ImportKeys {
            services: services.into_iter().map(|(id,)| id).collect(),
            units: units.into_iter().collect(),
        })
    }

    /// The record id for each (OZG-ID, org unit id) pair that has a record.
    pub async fn record_ids_by_key(&self, keys: &[(i64, i64)]) -> Result<HashMap<(i64, i64), i64>> {
        let mut out = HashMap::with_capacity(keys.len());
        for chunk in keys.chunks(CHUNK) {
            let rows: Vec<(i64, i64, i64)> = on_pool!(self, pool => {
                // a VALUES list, not `IN ((a, b), …)`: SQLite takes row values only from a subquery
                let mut qb = QueryBuilder::new(
                    "SELECT rec.ozg_id, rec.org_unit_id, rec.id FROM implementation_record rec \
                     WHERE (rec.ozg_id, rec.org_unit_id) IN (VALUES ",
                );
                let mut first = true;
                for (ozg_id, unit) in chunk {
                    if !first {
                        qb.push(", ");
                    }
                    first = false;
                    qb.push("(").push_bind(*ozg_id).push(", ").push_bind(*unit).push(")");
                }
                qb.push(")");
                qb.build_query_as().fetch_all(pool).await?
            });
            out.extend(rows.into_iter().map(|(o, u, id)| ((o, u), id)));
        }
        Ok(out)
    }
}
