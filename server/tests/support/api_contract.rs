//! Every answer of the API in the HTTP tests is checked against the OpenAPI document the
//! server serves: its status must be documented for the operation, its content type must be
//! one documented for that status, and a JSON body must validate against the documented schema.
//! The spawned test servers run every `/api/v1` answer through [`check_answers`]; a
//! [`super::TestServer`] that saw an undocumented answer fails its test when it is dropped.

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::header::{CONTENT_ENCODING, CONTENT_TYPE};
use axum::middleware::Next;
use axum::response::Response;
use serde_json::{json, Value};
use std::sync::{Arc, LazyLock, Mutex};

const API_PREFIX: &str = "/api/v1";

/// The document the server serves (the same function answers `GET /api/v1/openapi.json`).
static DOCUMENT: LazyLock<Value> = LazyLock::new(server::api::openapi::document);

/// What a server's answers broke of the document, kept until the test ends.
#[derive(Clone, Default)]
pub struct Violations(Arc<Mutex<Vec<String>>>);

impl Violations {
    pub fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.0.lock().expect("violations lock"))
    }

    fn push(&self, violation: String) {
        self.0.lock().expect("violations lock").push(violation);
    }
}

/// Middleware of the test servers: buffers each API answer, checks it, and passes it on as it
/// was.
pub async fn check_answers(
    State(violations): State<Violations>,
    request: Request,
    next: Next,
) -> Response {
    let method = request.method().as_str().to_ascii_lowercase();
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    let Some(api_path) = path.strip_prefix(API_PREFIX) else {
        return response;
    };
    let (parts, body) = response.into_parts();
    let bytes = to_bytes(body, usize::MAX)
        .await
        .expect("a test server's answer can be read");
    let header = |name| {
        parts
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    };
    let plain = match header(CONTENT_ENCODING) {
        "" => Some(bytes.to_vec()),
        "gzip" => {
            let mut plain = Vec::new();
            std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&bytes[..]), &mut plain)
                .expect("a gzip answer unpacks");
            Some(plain)
        }
        // brotli: the status and content type are checked, the body is not unpacked here
        _ => None,
    };
    let checked = answer_is_documented(
        &method,
        api_path,
        parts.status.as_u16(),
        header(CONTENT_TYPE),
        plain.as_deref(),
    );
    if let Err(violation) = checked {
        eprintln!("OpenAPI: {violation}");
        violations.push(violation);
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// Checks one answer of `method path` (below `/api/v1`) against the served document; `body`
/// is `None` when it came compressed in a way the check does not unpack.
pub fn answer_is_documented(
    method: &str,
    path: &str,
    status: u16,
    content_type: &str,
    body: Option<&[u8]>,
) -> Result<(), String> {
    let doc = &*DOCUMENT;
    let what = format!("{} {API_PREFIX}{path} → {status}", method.to_uppercase());
    let Some(template) = documented_path(doc, path) else {
        // the API's own 404 for unknown endpoints
        return if status == 404 {
            Ok(())
        } else {
            Err(format!("{what}: no such path in the document"))
        };
    };
    let Some(operation) = doc["paths"][template].get(method) else {
        // axum answers an undocumented method of a known path itself
        return if status == 405 {
            Ok(())
        } else {
            Err(format!("{what}: method not documented for {template}"))
        };
    };
    let Some(response) = operation["responses"].get(status.to_string()) else {
        return Err(format!("{what}: status not documented for {template}"));
    };
    let Some(content) = response.get("content").and_then(Value::as_object) else {
        return if body.is_none_or(<[u8]>::is_empty) {
            Ok(())
        } else {
            Err(format!("{what}: a body, but the document names none"))
        };
    };
    let media_type = content_type.split(';').next().unwrap_or("").trim();
    let Some(documented) = content.get(media_type) else {
        return Err(format!(
            "{what}: content type „{content_type}“, documented: {:?}",
            content.keys().collect::<Vec<_>>()
        ));
    };
    let Some(body) = body.filter(|_| media_type == "application/json") else {
        return Ok(());
    };
    let instance: Value =
        serde_json::from_slice(body).map_err(|e| format!("{what}: the body is not JSON ({e})"))?;
    // The schema with the document's components beside it, so `#/components/schemas/…`
    // resolves; JSON Schema ignores the extra member.
    let schema = json!({
        "allOf": [documented["schema"].clone()],
        "components": doc["components"].clone(),
    });
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .build(&schema)
        .map_err(|e| format!("{what}: the documented schema does not compile: {e}"))?;
    let errors: Vec<String> = validator
        .iter_errors(&instance)
        .take(5)
        .map(|e| format!("{} at „{}“", e, e.instance_path()))
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(format!("{what}: {}", errors.join("; ")))
    }
}

/// The document's path template that `path` matches: a literal path before a templated one
/// (`/records/bulk` before `/records/{id}`).
pub fn documented_path<'d>(doc: &'d Value, path: &str) -> Option<&'d str> {
    let paths = doc["paths"].as_object()?;
    if paths.contains_key(path) {
        return paths.get_key_value(path).map(|(k, _)| k.as_str());
    }
    paths
        .keys()
        .find(|template| matches_template(template, path))
        .map(String::as_str)
}

/// Whether `path` fills `template`: segment by segment, `{name}` stands for a non-empty text
/// without `/`, with the segment's literal text before and after it (`{unit}.pdf`).
pub fn matches_template(template: &str, path: &str) -> bool {
    let (t, p): (Vec<_>, Vec<_>) = (template.split('/').collect(), path.split('/').collect());
    t.len() == p.len()
        && t.iter()
            .zip(&p)
            .all(|(t, p)| match (t.find('{'), t.find('}')) {
                (Some(open), Some(close)) => {
                    let (prefix, suffix) = (&t[..open], &t[close + 1..]);
                    p.len() > prefix.len() + suffix.len()
                        && p.starts_with(prefix)
                        && p.ends_with(suffix)
                }
                _ => t == p,
            })
}

/// Reads an API answer of a server the test started as a separate process (the in-process
/// test servers check their answers themselves) and checks it against the document; panics
/// on an answer the document does not describe. The status and the body as JSON (`Null` when
/// it is not JSON).
pub async fn checked(method: &str, response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let path = response.url().path().to_owned();
    let content_type = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let body = response.bytes().await.expect("the answer can be read");
    let api_path = path.strip_prefix(API_PREFIX).expect("an answer of the API");
    if let Err(violation) =
        answer_is_documented(method, api_path, status, &content_type, Some(&body))
    {
        panic!("an answer the OpenAPI document does not describe: {violation}");
    }
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}
