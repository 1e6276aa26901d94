//! The one translation of a [`ServiceFilter`] into SQL: every list, chart, export and report
//! that filters OZG-Leistungen selects them here, on `service s`.

use super::{Bind, Filter};
use app::domain::ServiceFilter;

/// The lead ministry's code of service `s`: its own lead unit, else its Themenfeld's.
pub(crate) const RESSORT_OF_SERVICE: &str =
    "COALESCE((SELECT code FROM org_unit WHERE id = s.lead_unit_id), \
     (SELECT lead_unit_code FROM themenfeld WHERE id = s.themenfeld_id))";

/// Services where some unit names its EfA solution (or none does), from the maintained rollup.
fn efa_condition(uses: bool) -> &'static str {
    if uses {
        "(SELECT r2.records_efa FROM service_rollup r2 WHERE r2.ozg_id = s.ozg_id) > 0"
    } else {
        "(SELECT r2.records_efa FROM service_rollup r2 WHERE r2.ozg_id = s.ozg_id) = 0"
    }
}

/// The conditions of `f` on `service s`, each with a `?` for each of its binds.
fn conditions(f: &ServiceFilter) -> Vec<(String, Vec<Bind>)> {
    let mut out: Vec<(String, Vec<Bind>)> = Vec::new();
    if let Some(t) = f.themenfeld {
        out.push(("s.themenfeld_id = ?".into(), vec![Bind::Int(t.0)]));
    }
    if let Some(l) = f.lage {
        out.push(("s.lage_id = ?".into(), vec![Bind::Int(l.0)]));
    }
    if let Some(r) = &f.ressort {
        out.push((
            format!("{RESSORT_OF_SERVICE} = ?"),
            vec![Bind::Text(r.as_str().to_owned())],
        ));
    }
    if let Some(t) = f.leika_typ {
        // the catalogue keeps a service's types as `1;2/3`
        out.push((
            "(';' || s.leika_types || ';') LIKE ?".into(),
            vec![Bind::Text(format!("%;{};%", t.as_str()))],
        ));
    }
    if let Some(uses) = f.efa {
        out.push((efa_condition(uses).into(), Vec::new()));
    }
    if let Some(confirmed) = f.bestaetigt {
        let condition = if confirmed {
            "s.responsibility_confirmed"
        } else {
            "NOT s.responsibility_confirmed"
        };
        out.push((condition.into(), Vec::new()));
    }
    out
}

/// Adds the conditions of `f` on `service s` to `sql`.
pub(crate) fn and_service_conditions(sql: &mut Filter, f: &ServiceFilter) {
    for (condition, binds) in conditions(f) {
        sql.and(&condition, binds);
    }
}

/// Adds the conditions of `f` on the records `rec` whose service it keeps (for queries that
/// read the records without joining their service).
pub(crate) fn and_record_services(sql: &mut Filter, f: &ServiceFilter) {
    let parts = conditions(f);
    if parts.is_empty() {
        return;
    }
    let (texts, binds): (Vec<String>, Vec<Vec<Bind>>) = parts.into_iter().unzip();
    sql.and(
        &format!(
            "rec.ozg_id IN (SELECT s.ozg_id FROM service s WHERE {})",
            texts.join(" AND ")
        ),
        binds.into_iter().flatten(),
    );
}
