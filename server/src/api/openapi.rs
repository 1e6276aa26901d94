//! The OpenAPI 3.1 description of `/api/v1` (served at `/api/v1/openapi.json`). The operations
//! and their parameters are written as data next to the handlers (the parameters from the
//! filters' own list, `Param`); the schemas of what the API sends and takes are derived from
//! the Rust types (utoipa), so they cannot drift from what is serialized. A test checks that
//! every route of the router is described; the HTTP tests check every answer against it.

use super::records::{BulkBody, Conflict, Invalid, RecordPatchBody};
use super::responsibility::ResponsibilityList;
use super::ServiceItem;
use crate::json_error::ErrorBody;
use app::domain::{
    BulkSummary, CatalogueImportReport, ChangeEntry, CoverageCategory, HistoryEntry, ImportReport,
    MapWeighting, NewService, OrgUnit, OrgUnitDetail, OrgUnitKind, Page, Param, RecordDetail,
    RecordList, ResponsibilityChange, ResponsibilityFigures, ResponsibilityImportReport,
    ResponsibilityOutcome, ServiceDetail, ServiceQuery, ServiceResponsibility,
    TerritoryImportReport,
};
use serde_json::{json, Value};
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::OpenApi;

/// The schemas of every answer and request body, with the schemas they use.
#[derive(OpenApi)]
#[openapi(components(schemas(
    ErrorBody,
    ServiceItem,
    Page<ServiceItem>,
    ServiceDetail,
    OrgUnit,
    OrgUnitDetail,
    RecordList,
    RecordDetail,
    RecordPatchBody,
    Conflict,
    Invalid,
    BulkBody,
    BulkSummary,
    HistoryEntry,
    ChangeEntry,
    Page<ChangeEntry>,
    ImportReport,
    CatalogueImportReport,
    TerritoryImportReport,
    ServiceResponsibility,
    ResponsibilityList,
    ResponsibilityChange,
    NewService,
    ResponsibilityFigures,
    ResponsibilityOutcome,
    ResponsibilityImportReport,
)))]
struct DerivedSchemas;

/// The derived schemas as they appear under `components.schemas`.
fn derived_schemas() -> Value {
    let components = DerivedSchemas::openapi()
        .components
        .expect("the derived document has components");
    serde_json::to_value(components.schemas).expect("schemas serialize")
}

/// The schema of a service's coverage code (`ServiceItem.stand`).
pub(super) fn coverage_code() -> Schema {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(CoverageCategory::ALL.map(CoverageCategory::code)))
        .description(Some(
            "Abdeckungskategorie (wie der Filter „stand“ sie nimmt)",
        ))
        .into()
}

fn ref_(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

fn json_response(description: &str, schema: Value) -> Value {
    json!({ "description": description, "content": { "application/json": { "schema": schema } } })
}

fn error(description: &str) -> Value {
    json_response(description, ref_("Error"))
}

fn query(name: &str, description: &str, schema: Value) -> Value {
    json!({ "name": name, "in": "query", "required": false, "description": description, "schema": schema })
}

/// A parameter of the filters (`app::domain::filter`), with an example value that exists in
/// the shipped reference data (a test calls every list endpoint with each one).
fn filter_param(p: Param) -> Value {
    let id = json!({"type": "integer", "minimum": 1, "maximum": i32::MAX});
    let code = json!({"type": "string", "pattern": "^[A-Za-z0-9_-]{0,40}$"});
    let yes_no = json!({"type": "string", "enum": ["", "ja", "nein"]});
    let (description, schema, example) = match p {
        Param::Themenfeld => ("Themenfeld-Nummer", id, json!(6)),
        Param::Lage => ("Lebens-/Unternehmenslage-Nummer", id, json!(1)),
        Param::Ressort => (
            "Schlüssel des federführenden Ressorts (der Leistung, sonst ihres Themenfelds)",
            code,
            json!("TMDI"),
        ),
        Param::Kreis => (
            "Schlüssel eines Kreises: seine und seiner Gemeinden Umsetzungsstände",
            code,
            json!("16051"),
        ),
        Param::LeikaTyp => (
            "LeiKa-Typ",
            json!({"type": "string", "enum": app::domain::LEIKA_TYPES}),
            json!("2/3"),
        ),
        Param::Efa => (
            "ja: mindestens eine Stelle nennt ihre EfA-Lösung; nein: keine",
            yes_no,
            json!("ja"),
        ),
        Param::Bestaetigt => (
            "ja: Leistungen mit bestätigter Zuständigkeit; nein: nur angenommene",
            yes_no,
            json!("nein"),
        ),
        Param::Stand => (
            "Abdeckungskategorie der Leistung (leer: alle)",
            json!({"type": "string", "enum": coverage_codes()}),
            json!(CoverageCategory::Partial.code()),
        ),
        Param::Am => (
            "Stand am (TT.MM.JJJJ oder JJJJ-MM-TT): die Zahlen zum Ende dieses Tages aus der Historie",
            json!({"type": "string", "maxLength": 20}),
            json!("31.12.2022"),
        ),
        Param::Karte => (
            "Was die Karte färbt: gemeinden (Vorgabe) oder einwohner",
            json!({"type": "string", "enum": ["", MapWeighting::Units.code(), MapWeighting::Inhabitants.code()]}),
            json!(MapWeighting::Inhabitants.code()),
        ),
        Param::Q => (
            "Suchtext (Name oder OZG-ID)",
            json!({"type": "string", "maxLength": ServiceQuery::MAX_SEARCH_LEN}),
            json!("Eltern"),
        ),
        Param::Seite => ("Seite (ab 1)", page_number(), json!(1)),
        Param::ProSeite => (
            "Einträge je Seite",
            json!({"type": "integer", "minimum": 1, "maximum": ServiceQuery::MAX_PER_PAGE}),
            json!(10),
        ),
    };
    let mut param = query(p.name(), description, schema);
    param["example"] = example;
    param
}

/// The query parameters of `params`.
fn filter_params(params: &[Param]) -> Vec<Value> {
    params.iter().copied().map(filter_param).collect()
}

fn path_param(name: &str, schema: Value) -> Value {
    json!({ "name": name, "in": "path", "required": true, "schema": schema })
}

/// An OZG-ID: five digits.
fn ozg_id() -> Value {
    json!({"type": "integer", "minimum": 10000, "maximum": 99999})
}

/// The number of an implementation record (a positive 64-bit integer).
fn record_id() -> Value {
    json!({"type": "integer", "format": "int64", "minimum": 1, "maximum": i64::MAX})
}

fn page_number() -> Value {
    json!({"type": "integer", "minimum": 1, "maximum": u32::MAX})
}

/// A day as the API reads it (`parse_date`: 2000–2100).
fn day() -> Value {
    json!({"type": "string", "format": "date", "pattern": "^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"})
}

/// The coverage categories' codes; empty means "all".
fn coverage_codes() -> Vec<&'static str> {
    std::iter::once("")
        .chain(CoverageCategory::ALL.map(CoverageCategory::code))
        .collect()
}

/// The kinds of org unit; empty means "all".
fn kind_codes() -> Vec<&'static str> {
    std::iter::once("")
        .chain(OrgUnitKind::ALL.map(OrgUnitKind::code))
        .collect()
}

/// The filter every export reads (the dashboard's service filter and the record list's),
/// followed by the format's own parameter.
fn export_filter_params(own: [Value; 1]) -> Vec<Value> {
    let code = json!({"type": "string", "pattern": "^[A-Za-z0-9_-]{0,40}$"});
    let mut params = filter_params(&Param::SERVICE);
    params.push(filter_param(Param::Kreis));
    params.extend([
        example(query("ozg_id", "OZG-ID", ozg_id()), json!(10000)),
        example(
            query(
                "org_unit",
                "Kennung einer Einheit; schließt ihre untergeordneten ein",
                code,
            ),
            json!("16051"),
        ),
        example(
            query("status", "Statuscode", json!({"type": "string"})),
            json!("online"),
        ),
    ]);
    params.extend(own);
    params
}

/// `own` parameters and the service filter's.
fn with_service_filter<const N: usize>(own: [Value; N]) -> Vec<Value> {
    let mut params = own.to_vec();
    params.extend(filter_params(&Param::SERVICE));
    params
}

/// A report's unit, the service filter, the dashboard's Kreis, Stand and Stand am.
fn report_params() -> Vec<Value> {
    let mut params = vec![example(
        path_param(
            "unit",
            json!({"type": "string", "pattern": "^[A-Za-z0-9_-]{1,40}$", "description": "land, das Kürzel eines Ressorts oder der Schlüssel eines Kreises; es setzt „ressort“ oder „kreis“ des Berichts"}),
        ),
        json!("land"),
    )];
    params.extend(filter_params(&Param::SERVICE));
    params.extend(filter_params(&[Param::Kreis, Param::Stand, Param::Am]));
    params
}

/// `param` with an example value.
fn example(mut param: Value, value: Value) -> Value {
    param["example"] = value;
    param
}

/// Every path and method the API serves, as `(path, method)`; compared with the router in tests.
pub const DOCUMENTED: &[(&str, &str)] = &[
    ("/services", "get"),
    ("/services/{ozg_id}", "get"),
    ("/org-units", "get"),
    ("/org-units/{code}", "get"),
    ("/records", "get"),
    ("/records/bulk", "post"),
    ("/records/{id}", "get"),
    ("/records/{id}", "patch"),
    ("/records/{id}/history", "get"),
    ("/records.csv", "get"),
    ("/records.xlsx", "get"),
    ("/federal-export.csv", "get"),
    ("/reports/{unit}.pdf", "get"),
    ("/imports/status", "post"),
    ("/imports/catalogue", "post"),
    ("/imports/org-units", "post"),
    ("/changes", "get"),
    ("/responsibilities", "get"),
    ("/responsibilities.csv", "get"),
    ("/responsibilities.xlsx", "get"),
    ("/imports/responsibilities", "post"),
    ("/services/{ozg_id}/responsibility", "get"),
    ("/services/{ozg_id}/responsibility", "put"),
    ("/services", "post"),
    ("/openapi.json", "get"),
];

pub fn document() -> Value {
    let read_errors = |v: &mut Value| {
        v["responses"]["400"] = error("Ungültige Parameter");
        v["responses"]["401"] = error("Nicht angemeldet (ohne öffentlichen Lesezugriff)");
        v["responses"]["503"] = error("Datenbank nicht erreichbar; Retry-After gesetzt");
    };
    let mut ops = vec![
        (
            "/services",
            "get",
            json!({
                "summary": "OZG-Leistungen mit Umsetzungsstand (gefiltert, seitenweise)",
                "parameters": filter_params(&ServiceQuery::PARAMS),
                "responses": { "200": json_response("Eine Seite OZG-Leistungen", ref_("Page_ServiceItem")) }
            }),
        ),
        (
            "/services/{ozg_id}",
            "get",
            json!({
                "summary": "Eine OZG-Leistung mit LeiKa-Leistungen und Umsetzungsständen",
                "parameters": [
                    example(path_param("ozg_id", ozg_id()), json!(10000)),
                    example(query("seite", "Seite der Umsetzungsstände", page_number()), json!(2)),
                    example(query("einheit", "nur die Umsetzungsstände einer Einheit (Schlüssel, mit den Gemeinden darunter) oder der Einheiten, deren Name dies enthält", json!({"type": "string", "maxLength": 100})), json!("Erfurt"))
                ],
                "responses": { "200": json_response("Die Leistung", ref_("ServiceDetail")), "404": error("Unbekannte OZG-ID") }
            }),
        ),
        (
            "/org-units",
            "get",
            json!({
                "summary": "Organisationseinheiten (Land, Ressorts, Kreise, Gemeinden)",
                "parameters": [
                    example(query("art", "Art (leer: alle)", json!({"type": "string", "enum": kind_codes()})), json!("kreis")),
                    example(query("uebergeordnet", "Kennung der übergeordneten Einheit", json!({"type": "string"})), json!("16051"))
                ],
                "responses": { "200": json_response("Liste", json!({"type": "array", "items": ref_("OrgUnit")})) }
            }),
        ),
        (
            "/org-units/{code}",
            "get",
            json!({
                "summary": "Eine Organisationseinheit mit ihren Umsetzungsständen",
                "parameters": [example(path_param("code", json!({"type": "string", "pattern": "^[A-Za-z0-9]{1,32}$"})), json!("16051"))],
                "responses": { "200": json_response("Die Einheit", ref_("OrgUnitDetail")), "404": error("Unbekannte Kennung") }
            }),
        ),
        (
            "/records",
            "get",
            json!({
                "summary": "Umsetzungsstände (mit id und version für Änderungen)",
                "parameters": with_service_filter([
                    example(query("ozg_id", "OZG-ID", ozg_id()), json!(10000)),
                    example(query("org_unit", "Kennung einer Einheit; schließt ihre untergeordneten ein (Kreis → Gemeinden)", json!({"type": "string"})), json!("16051")),
                    example(query("gebiet", "Regionalschlüssel-Präfix (2–12 Ziffern): Einheiten, deren ARS damit beginnt, und Einheiten ohne ARS direkt darunter (16: ganz Thüringen mit den Ressorts; 16051: ein Kreis mit seinen Gemeinden)", json!({"type": "string", "pattern": "^[0-9]{2,12}$"})), json!("16051")),
                    example(query("status", "Statuscode", json!({"type": "string"})), json!("online")),
                    example(query("seite", "Seite (ab 1); nicht mit „nach“", page_number()), json!(2)),
                    example(query("nach", "Die Seite nach diesem Umsetzungsstand (next_after der vorigen Seite): gleich schnell für jede Seite, auch die letzte; nicht mit „seite“", record_id()), json!(1)),
                    example(query("pro_seite", "Einträge je Seite (1–500)", json!({"type": "integer", "minimum": 1, "maximum": super::records::MAX_PER_PAGE})), json!(10))
                ]),
                "responses": { "200": json_response("Eine Seite Umsetzungsstände, nach OZG-ID, Name und Kennung der Einheit geordnet, mit den Anzahlen je Status und Themenfeld der ganzen Liste (ihre Summe ist total)", ref_("RecordList")), "400": error("Ungültiger Parameter, „seite“ zusammen mit „nach“ oder ein unbekannter Umsetzungsstand in „nach“"), "404": error("Eine Organisationseinheit „org_unit“ gibt es nicht") }
            }),
        ),
        (
            "/responsibilities",
            "get",
            json!({
                "summary": "Zuständigkeiten aller OZG-Leistungen (Ebene, Federführung, Bestätigung, Ausnahmen) und die Kennzahlen, die darauf beruhen",
                "responses": { "200": json_response("Alle aktiven Leistungen nach OZG-ID", ref_("ResponsibilityList")) }
            }),
        ),
        (
            "/services/{ozg_id}/responsibility",
            "get",
            json!({
                "summary": "Zuständigkeit einer OZG-Leistung",
                "parameters": [path_param("ozg_id", json!({"type": "integer", "minimum": 1}))],
                "responses": { "200": json_response("Die Zuständigkeit", ref_("ServiceResponsibility")), "404": error("Unbekannt") }
            }),
        ),
        (
            "/services/{ozg_id}/responsibility",
            "put",
            json!({
                "summary": "Zuständigkeit einer OZG-Leistung ändern (nur Administration). Einträge nicht mehr zuständiger Stellen werden geschlossen, nicht gelöscht; neu zuständige erhalten Einträge. Mit dry_run=true wird nur ermittelt, was geschähe.",
                "security": [{"bearer": []}, {"session": []}],
                "parameters": [
                    path_param("ozg_id", json!({"type": "integer", "minimum": 1})),
                    query("dry_run", "true: nur ermitteln, nichts speichern", json!({"type": "string", "enum": ["true", "false"]}))
                ],
                "requestBody": { "required": true, "content": { "application/json": { "schema": ref_("ResponsibilityChange") } } },
                "responses": {
                    "200": json_response("Was geändert wurde (oder würde) und die Kennzahlen vorher und nachher", ref_("ResponsibilityOutcome")),
                    "401": error("Nicht angemeldet"),
                    "403": error("Nur die Administration"),
                    "404": error("Unbekannte OZG-Leistung"),
                    "422": error("Unbekannte Ebene oder Einheit, oder sie passt nicht zur Ebene")
                }
            }),
        ),
        (
            "/services",
            "post",
            json!({
                "summary": "Eine OZG-Leistung ergänzen, die der Katalog nicht hat (nur Administration), mit ihrer Zuständigkeit: die zuständigen Stellen erhalten Einträge, ab heute gezählt. Ein Katalog-Import lässt sie stehen. Mit dry_run=true wird nur ermittelt, was geschähe.",
                "security": [{"bearer": []}, {"session": []}],
                "parameters": [
                    query("dry_run", "true: nur ermitteln, nichts speichern", json!({"type": "string", "enum": ["true", "false"]}))
                ],
                "requestBody": { "required": true, "content": { "application/json": { "schema": ref_("NewService") } } },
                "responses": {
                    "200": json_response("Probelauf: was angelegt würde", ref_("ResponsibilityOutcome")),
                    "201": json_response("Angelegt: die Leistung mit ihrer Zuständigkeit und den Kennzahlen vorher und nachher", ref_("ResponsibilityOutcome")),
                    "400": error("Ungültiger Parameter oder kein JSON"),
                    "401": error("Nicht angemeldet"),
                    "403": error("Nur die Administration"),
                    "422": error("OZG-ID vergeben, Lebenslage oder Einheit unbekannt, Einheit passt nicht zur Ebene, LeiKa-Schlüssel oder -Typ ungültig oder schon vergeben")
                }
            }),
        ),
        (
            "/records/{id}",
            "get",
            json!({
                "summary": "Ein Umsetzungsstand; ETag ist die Version",
                "parameters": [path_param("id", record_id())],
                "responses": { "200": json_response("Der Umsetzungsstand", ref_("RecordDetail")), "404": error("Unbekannt") }
            }),
        ),
        (
            "/records/{id}",
            "patch",
            json!({
                "summary": "Einen Umsetzungsstand ändern (nur geänderte Felder; null leert ein Feld)",
                "security": [{"bearer": []}, {"session": []}],
                "parameters": [
                    path_param("id", record_id()),
                    {"name": "If-Match", "in": "header", "required": false, "description": "Version als ETag (statt „version“ im Inhalt); 412 wenn veraltet", "schema": {"type": "string", "pattern": "^(W/)?\"[0-9]{1,18}\"$"}}
                ],
                "requestBody": { "required": true, "content": { "application/json": { "schema": ref_("RecordPatch") } } },
                "responses": {
                    "200": json_response("Gespeichert (oder unverändert)", ref_("RecordDetail")),
                    "403": error("Keine Berechtigung für diese Organisationseinheit"),
                    "404": error("Unbekannt"),
                    "409": json_response("Veraltete Version: nichts gespeichert", ref_("Conflict")),
                    "412": json_response("If-Match passt nicht: nichts gespeichert", ref_("Conflict")),
                    "422": json_response("Ungültiger Wert oder Statusübergang: nichts gespeichert", ref_("Invalid"))
                }
            }),
        ),
        (
            "/records/bulk",
            "post",
            json!({
                "summary": "Viele Umsetzungsstände in einem Schritt ändern (je Datensatz geprüft)",
                "security": [{"bearer": []}, {"session": []}],
                "requestBody": { "required": true, "content": { "application/json": { "schema": ref_("BulkRequest") } } },
                "responses": {
                    "200": json_response("Was geändert, unverändert oder abgelehnt wurde (mit Grund)", ref_("BulkSummary")),
                    "422": error("Kein Wert oder ungültiger Wert angegeben")
                }
            }),
        ),
        (
            "/records/{id}/history",
            "get",
            json!({
                "summary": "Historie eines Umsetzungsstands (älteste zuerst)",
                "parameters": [path_param("id", record_id())],
                "responses": { "200": json_response("Änderungen", json!({"type": "array", "items": ref_("HistoryEntry")})), "404": error("Unbekannt") }
            }),
        ),
        (
            "/records.csv",
            "get",
            json!({
                "summary": "Umsetzungsstände als CSV (gestreamt): für deutsches Excel (;, UTF-8 mit BOM, TT.MM.JJJJ) oder RFC 4180",
                "parameters": export_filter_params([example(query("dialect", "excel (Vorgabe) oder rfc4180", json!({"type": "string", "enum": ["", "excel", "rfc4180"]})), json!("rfc4180"))]),
                "responses": {
                    "200": {"description": "CSV-Datei; der Dateiname nennt Auswahl, Datenstand und ggf. Demo-Daten, Demo-Daten tragen zudem eine letzte Spalte „Datenbasis“ mit „DEMODATEN“ in jeder Zeile", "content": {"text/csv": {"schema": {"type": "string"}}}},
                    "404": error("Unbekannte Organisationseinheit")
                }
            }),
        ),
        (
            "/records.xlsx",
            "get",
            json!({
                "summary": "Umsetzungsstände als Excel-Arbeitsmappe (mit Blatt „Filter und Datenstand“)",
                "parameters": export_filter_params([example(query("blaetter", "eines (Vorgabe) oder je Themenfeld ein Blatt", json!({"type": "string", "enum": std::iter::once("").chain(super::exports::SHEETS).collect::<Vec<_>>()})), json!(super::exports::SHEETS[1]))]),
                "responses": {
                    "200": {"description": "XLSX-Datei", "content": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {"schema": {"type": "string", "format": "binary"}}}},
                    "404": error("Unbekannte Organisationseinheit"),
                    "422": error("Mehr Zeilen, als ein Excel-Blatt fasst")
                }
            }),
        ),
        (
            "/federal-export.csv",
            "get",
            json!({
                "summary": "Online verfügbare Umsetzungsstände im Feldformat der Daten-API des Bundes-Dashboards „Digitale Verwaltung“ (DvDataDto: leika_key, ars, ozgid, online_status, art_flaechendeckung …), je LeiKa-Leistung eine Zeile; gestreamt",
                "parameters": export_filter_params([example(query("dialect", "rfc4180 (Vorgabe) oder excel", json!({"type": "string", "enum": ["", "excel", "rfc4180"]})), json!("excel"))]),
                "responses": {
                    "200": {"description": "CSV-Datei", "content": {"text/csv": {"schema": {"type": "string"}}}},
                    "404": error("Unbekannte Organisationseinheit")
                }
            }),
        ),
        (
            "/reports/{unit}.pdf",
            "get",
            json!({
                "summary": "PDF-Bericht des Landes, eines Ressorts oder eines Kreises: Titelseite mit Datenstand und Filter, Kennzahlen mit Bezugsgrößen, die Diagramme der Übersicht als Vektorgrafik, alle Leistungen mit Umsetzungsstand; Seitenzahlen",
                "parameters": report_params(),
                "responses": {
                    "200": {"description": "PDF-Datei", "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}},
                    "404": error("Kein Land, Ressort oder Kreis dieses Namens")
                }
            }),
        ),
        (
            "/imports/status",
            "post",
            json!({
                "summary": "Statusimport: eine CSV- oder XLSX-Datei in den Spalten des Exports prüfen (Probelauf) oder übernehmen",
                "description": "Jede Zeile nennt ihren Umsetzungsstand über OZG-ID und „Einheit (Schlüssel)“ und trägt die Version des Exports; \
                                Zeilen, deren Datensatz seither geändert wurde, werden abgelehnt. Fehlende Spalten (außer den Pflichtspalten) lassen ihr Feld unverändert. \
                                Übernommen wird in einer Transaktion, ein Ereignis je Datensatz, der importierenden Person zugeschrieben.",
                "security": [{"bearer": []}, {"session": []}],
                "parameters": [
                    query("dry_run", "true (Standard): nur prüfen; false: übernehmen", json!({"type": "boolean"})),
                    query("all_or_nothing", "true: nichts schreiben, wenn eine Zeile einen Fehler hat; false (Standard): die fehlerfreien Zeilen schreiben", json!({"type": "boolean"})),
                    query("comment", "Kommentar für die Historie (Zeilen mit eigener Spalte „Kommentar“ behalten ihren)", json!({"type": "string", "maxLength": app::domain::MAX_COMMENT_LEN}))
                ],
                "requestBody": { "required": true, "content": {
                    "text/csv": { "schema": {"type": "string"} },
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": { "schema": {"type": "string", "format": "binary"} }
                } },
                "responses": {
                    "200": json_response("Bericht je Zeile: was sich ändert (oder geändert hat) und jeder Fehler", ref_("ImportReport")),
                    "403": error("Die Rolle darf nichts ändern"),
                    "413": error("Datei zu groß"),
                    "422": error("Datei nicht lesbar: Kodierung, fehlende Spalten, Formeln, zu viele Zeilen (details: alle Gründe)")
                }
            }),
        ),
        (
            "/imports/catalogue",
            "post",
            json!({
                "summary": "Katalogimport (nur Administration): einen neueren OZG-Leistungskatalog oder eine Liste der LeiKa-Leistungen als CSV oder XLSX prüfen (Probelauf) oder übernehmen",
                "description": "Eine Zeile je OZG-Leistung mit den Spalten ozg_id, ozg_leistung, lage, themenfeld, leika_typen (wie reference-data/ozg/leistungen.csv) \
                                oder OZG-ID, OZG-Leistung, Lebenslage, Themenfeld, LeiKa-Typen. Neue Leistungen werden mit den Umsetzungsständen angelegt, die die \
                                Zuständigkeitsregel verlangt (ab heute in der Historie), geänderte aktualisiert; Katalogleistungen, die die Datei nicht mehr nennt, \
                                werden inaktiv – nie gelöscht, Umsetzungsstände und Historie bleiben. Ein Katalog wird nur ganz übernommen: Zeilenfehler oder \
                                eine Datei, die mehr als die Hälfte der Leistungen deaktivieren würde, verhindern das Schreiben (blocked). \
                                Eine Datei mit der Spalte leika_schluessel (LeiKa-Schlüssel) ist eine Liste der LeiKa-Leistungen (wie reference-data/ozg/leika_leistungen.csv: \
                                leika_schluessel, leika_bezeichnung, ozg_id, leika_typ, optional rechtsgrundlage, sdg1_relevant, sdg2_relevant): sie legt fest, welche \
                                LeiKa-Leistungen zu jeder OZG-Leistung gehören (der Bundesexport listet sie je Umsetzungsstand); nicht mehr genannte werden entfernt.",
                "security": [{"bearer": []}, {"session": []}],
                "parameters": [
                    query("dry_run", "true (Standard): nur prüfen; false: übernehmen", json!({"type": "boolean"})),
                    query("deactivate_missing", "true (Standard): Katalogleistungen, die die Datei nicht nennt, werden inaktiv (LeiKa-Leistungen: entfernt); false: eine Teilliste, nichts wird deaktiviert", json!({"type": "boolean"}))
                ],
                "requestBody": { "required": true, "content": {
                    "text/csv": { "schema": {"type": "string"} },
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": { "schema": {"type": "string", "format": "binary"} }
                } },
                "responses": {
                    "200": json_response("Was neu ist, sich ändert, deaktiviert wird, und jeder Fehler", ref_("CatalogueImportReport")),
                    "403": error("Nur die Administration darf den Katalog importieren"),
                    "413": error("Datei zu groß"),
                    "422": error("Datei nicht lesbar: Kodierung, fehlende Spalten, Formeln, keine Zeilen (details: alle Gründe)")
                }
            }),
        ),
        (
            "/imports/org-units",
            "post",
            json!({
                "summary": "Gebietsimport (nur Administration): ein Gemeindeverzeichnis des Statistischen Bundesamts als CSV oder XLSX prüfen (Probelauf) oder übernehmen",
                "description": "Eine Zeile je Gemeinde mit den Spalten ags_8, gemeinde, einwohner_31_12_2019 (wie reference-data/gebiete/*_gemeinden_2020.csv) oder \
                                AGS, Gemeindename, Einwohner; freiwillig ARS, Kreis (Name eines neuen Kreises) und Vorgänger-AGS (die Gemeinden, die in der Zeile \
                                aufgehen). Zeilen anderer Länder werden übersprungen. Neue Gemeinden und Kreise erhalten ab heute ihre Umsetzungsstände (eine neue \
                                Gemeinde mit Vorgängern den Stand der einwohnerstärksten); Gemeinden und Kreise, die die Datei nicht mehr nennt, werden aufgelöst – \
                                nie gelöscht: Umsetzungsstände und Historie bleiben auf ihrer Seite lesbar und zählen für alle früheren Stichtage. Ein Verzeichnis wird \
                                nur ganz übernommen: Zeilenfehler oder eine Datei, die mehr als ein Viertel der Gemeinden auflösen würde, verhindern das Schreiben (blocked).",
                "security": [{"bearer": []}, {"session": []}],
                "parameters": [
                    query("dry_run", "true (Standard): nur prüfen; false: übernehmen", json!({"type": "boolean"}))
                ],
                "requestBody": { "required": true, "content": {
                    "text/csv": { "schema": {"type": "string"} },
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": { "schema": {"type": "string", "format": "binary"} }
                } },
                "responses": {
                    "200": json_response("Was neu ist, sich ändert, aufgelöst wird, und jeder Fehler", ref_("TerritoryImportReport")),
                    "403": error("Nur die Administration darf das Gemeindeverzeichnis importieren"),
                    "413": error("Datei zu groß"),
                    "422": error("Datei nicht lesbar: Kodierung, fehlende Spalten, Formeln, keine Zeilen (details: alle Gründe)")
                }
            }),
        ),
        (
            "/responsibilities.csv",
            "get",
            json!({
                "summary": "Die Zuständigkeitsmatrix als CSV (OZG-ID, OZG-Leistung, Themenfeld, Ebene, Federführung, Bestätigt, Ausnahmen, Einträge); der Matrix-Import liest sie zurück",
                "parameters": [example(query("dialect", "excel (Vorgabe: ;, UTF-8 mit BOM) oder rfc4180", json!({"type": "string", "enum": ["", "excel", "rfc4180"]})), json!("rfc4180"))],
                "responses": { "200": {"description": "CSV-Datei", "content": {"text/csv": {"schema": {"type": "string"}}}} }
            }),
        ),
        (
            "/responsibilities.xlsx",
            "get",
            json!({
                "summary": "Die Zuständigkeitsmatrix als Excel-Arbeitsmappe (dieselben Spalten)",
                "responses": { "200": {"description": "XLSX-Datei", "content": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {"schema": {"type": "string", "format": "binary"}}}} }
            }),
        ),
        (
            "/imports/responsibilities",
            "post",
            json!({
                "summary": "Matrix-Import (nur Administration): Zuständigkeiten vieler Leistungen als CSV oder XLSX prüfen (Probelauf) oder übernehmen",
                "description": "Eine Zeile je OZG-Leistung mit den Spalten ozg_id (OZG-ID) und ebene (bund, landesbehoerde, ressort, kreis, verband, gemeinde), \
                                freiwillig federfuehrung (Schlüssel des Ressorts oder der Landesbehörde), bestaetigt (ja/nein; leer: unverändert) und ausnahmen \
                                (Schlüssel, durch ; getrennt; leer: keine). Nicht genannte Leistungen bleiben, wie sie sind. Alle Änderungen in einer Transaktion; \
                                ein Zeilenfehler verhindert das Schreiben (failed). Einträge nicht mehr zuständiger Stellen werden geschlossen, nicht gelöscht.",
                "security": [{"bearer": []}, {"session": []}],
                "parameters": [
                    query("dry_run", "true (Standard): nur prüfen; false: übernehmen", json!({"type": "boolean"}))
                ],
                "requestBody": { "required": true, "content": {
                    "text/csv": { "schema": {"type": "string"} },
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": { "schema": {"type": "string", "format": "binary"} }
                } },
                "responses": {
                    "200": json_response("Was sich ändert (oder geändert hat), jeder Zeilenfehler, die Kennzahlen vorher und nachher", ref_("ResponsibilityImportReport")),
                    "403": error("Nur die Administration"),
                    "413": error("Datei zu groß"),
                    "422": error("Datei nicht lesbar: Kodierung, fehlende Spalten, Formeln, keine Zeilen")
                }
            }),
        ),
        (
            "/changes",
            "get",
            json!({
                "summary": "Alle Änderungen in einem Zeitraum (neueste zuerst)",
                "parameters": with_service_filter([
                    json!({"name": "since", "in": "query", "required": true, "description": "Ab diesem Tag (JJJJ-MM-TT, Jahr 2000–2100; TT.MM.JJJJ wird auch angenommen)", "schema": day(), "example": "2022-01-01"}),
                    example(query("until", "Bis einschließlich diesem Tag", day()), json!("2026-12-31")),
                    example(query("org_unit", "Kennung einer Einheit (mit untergeordneten)", json!({"type": "string"})), json!("16051")),
                    example(query("seite", "Seite (ab 1)", page_number()), json!(1))
                ]),
                "responses": { "200": json_response("Eine Seite Änderungen", ref_("Page_ChangeEntry")) }
            }),
        ),
        (
            "/openapi.json",
            "get",
            json!({
                "summary": "Diese Beschreibung",
                "security": [],
                "responses": { "200": json_response("OpenAPI 3.1", json!({"type": "object"})) }
            }),
        ),
    ];
    let mut paths = serde_json::Map::new();
    for (path, method, op) in &mut ops {
        if *path != "/openapi.json" {
            read_errors(op);
        }
        if op.get("requestBody").is_some() && op["responses"].get("413").is_none() {
            op["responses"]["413"] = error("Inhalt zu groß");
        }
        paths.entry(path.to_string()).or_insert_with(|| json!({}))[*method] = op.clone();
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "OZG-Monitor API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Umsetzungsstand der OZG-Leistungen. Lesen: angemeldet (oder öffentlich, wenn freigeschaltet). \
                            Ändern: mit persönlichem API-Token (Authorization: Bearer …) oder Sitzung; es gelten dieselben Regeln wie in der Oberfläche. \
                            Fehler: {\"error\": {\"code\", \"message\", \"details\"}} mit deutschem Text."
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}, {"session": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": "Persönliches API-Token (ozgm_…)"},
                "session": {"type": "apiKey", "in": "cookie", "name": crate::auth::SESSION_COOKIE}
            },
            "schemas": derived_schemas()
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_unit_in_the_record_list_is_a_documented_404() {
        // the API answers it (tests/http.rs); schemathesis found it undocumented
        let doc = document();
        assert!(doc["paths"]["/records"]["get"]["responses"]["404"].is_object());
    }

    #[test]
    fn every_documented_operation_is_in_the_document_and_refs_resolve() {
        let doc = document();
        for (path, method) in DOCUMENTED {
            assert!(
                doc["paths"][path][method].is_object(),
                "{method} {path} described"
            );
        }
        let text = doc.to_string();
        for part in text.split("#/components/schemas/").skip(1) {
            let name = part.split('"').next().unwrap();
            assert!(
                doc["components"]["schemas"][name].is_object(),
                "schema {name} exists"
            );
        }
    }
}
