//! The request pipeline in front of every route: who is asking, may they reach this path,
//! is a state-changing request same-origin, and the security headers on every answer.

use super::{action, hash_secret, ClientAddr, SecureTransport, SessionToken, SESSION_COOKIE};
use crate::json_error::ApiError;
use crate::state::AppState;
use crate::storage::AuditEntry;
use app::domain::CurrentUser;
use app::error::AppError;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use std::net::SocketAddr;

/// Paths anyone may reach: the login and legal pages and what they need, the language
/// switch, health, the API description and the static assets.
fn is_public(path: &str) -> bool {
    matches!(
        path,
        "/anmelden"
            | "/impressum"
            | "/datenschutz"
            | "/barrierefreiheit"
            | "/auth/anmelden"
            | "/healthz"
            | "/api/v1/openapi.json"
            | "/api/fn/site-info"
            | "/api/fn/current-user"
    ) || path.starts_with("/sprache/")
        || is_static_asset(path)
}

/// Compiled assets and fonts: public, the same for everyone, fetched with every page.
fn is_static_asset(path: &str) -> bool {
    path.starts_with("/pkg/") || path.starts_with("/fonts/") || path == "/favicon.svg"
}

pub async fn authenticate(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    // no session lookup for the assets every page load fetches
    if is_static_asset(req.uri().path()) {
        return finish(next.run(req).await);
    }
    let client = client_addr(&req, state.auth.trust_proxy);
    let secure = state.auth.secure_cookies
        || (state.auth.trust_proxy
            && req
                .headers()
                .get("x-forwarded-proto")
                .and_then(|v| v.to_str().ok())
                == Some("https"));
    req.extensions_mut().insert(ClientAddr(client.clone()));
    req.extensions_mut().insert(SecureTransport(secure));
    let storage = &state.backend.storage;

    let mut user: Option<CurrentUser> = None;
    let mut by_token = false;
    if let Some(secret) = bearer_token(req.headers()) {
        match storage.token_user(&hash_secret(&secret)).await {
            Ok(Some(found)) => {
                user = Some(found.user);
                by_token = true;
            }
            Ok(None) => {
                let mut res = ApiError(AppError::Unauthorized).into_response();
                res.headers_mut()
                    .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
                return finish(res);
            }
            Err(e) => return finish(ApiError(e.into()).into_response()),
        }
    }
    let session_cookie = cookie(req.headers(), SESSION_COOKIE);
    if let (false, Some(secret)) = (by_token, &session_cookie) {
        let token_hash = hash_secret(secret);
        match storage.session_user(&token_hash).await {
            Ok(Some(found)) => {
                user = Some(found.user);
                req.extensions_mut().insert(SessionToken(token_hash));
            }
            // expired or ended: the visitor is anonymous again
            Ok(None) => {}
            Err(e) => return finish(ApiError(e.into()).into_response()),
        }
    }

    // CSRF: a state-changing request carrying the browser's cookie (and every login or logout)
    // must come from our own pages. SameSite=Strict already keeps the cookie off cross-site
    // requests; this also covers browsers that do not honour it, and login CSRF.
    let ambient = session_cookie.is_some() || req.uri().path().starts_with("/auth/");
    if !is_safe(req.method()) && !by_token && ambient && !same_origin(req.headers()) {
        super::audit(
            storage,
            &AuditEntry {
                action: action::CSRF_REFUSED,
                actor: user.as_ref().map(|u| u.email.as_str()),
                subject: Some(req.uri().path()),
                client_addr: Some(&client),
                detail: req
                    .headers()
                    .get(header::ORIGIN)
                    .and_then(|v| v.to_str().ok()),
            },
        )
        .await;
        return finish(
            ApiError(AppError::forbidden(
                "Anfrage abgewiesen: Sie kam nicht von einer Seite des OZG-Monitors.",
            ))
            .into_response(),
        );
    }

    let path = req.uri().path().to_owned();
    if user.is_none() && !state.auth.public_read && !is_public(&path) {
        if path.starts_with("/api/") {
            return finish(ApiError(AppError::Unauthorized).into_response());
        }
        let target = req
            .uri()
            .path_and_query()
            .map_or("/", axum::http::uri::PathAndQuery::as_str);
        return finish(
            Redirect::to(&format!(
                "/anmelden?weiter={}",
                app::domain::urlencode(target)
            ))
            .into_response(),
        );
    }
    let signed_in = user.is_some();
    if let Some(u) = user {
        req.extensions_mut().insert(u);
    }
    let mut res = next.run(req).await;
    if signed_in && !path.starts_with("/pkg/") {
        // pages and data of a signed-in user are not for shared caches
        res.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-store"),
        );
    }
    finish(res)
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// `Origin` (or, without it, `Referer`) names the host the request was sent to.
fn same_origin(headers: &HeaderMap) -> bool {
    let Some(host) = headers.get(header::HOST).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let source = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
        .and_then(|v| v.to_str().ok());
    match source.and_then(|s| s.split_once("://")) {
        Some((scheme, rest)) if scheme == "http" || scheme == "https" => {
            rest.split('/').next() == Some(host)
        }
        _ => false,
    }
}

fn bearer_token(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
}

/// The value of one cookie of the request.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| cookie::Cookie::parse(pair.trim().to_owned()).ok())
        .find(|c| c.name() == name)
        .map(|c| c.value().to_owned())
}

fn client_addr(req: &Request, trust_proxy: bool) -> String {
    if trust_proxy {
        if let Some(forwarded) = req
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next_back())
        {
            return forwarded.trim().to_owned();
        }
    }
    req.extensions()
        .get::<axum::extract::ConnectInfo<SocketAddr>>()
        .map_or_else(|| "unbekannt".into(), |c| c.0.ip().to_string())
}

/// Security headers on every response. HTML pages get their Content-Security-Policy (with
/// the per-request script nonce) from the page renderer; everything else gets a closed one.
fn finish(mut res: Response) -> Response {
    let h = res.headers_mut();
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), payment=()"),
    );
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
            ),
        );
    }
    res
}

/// The policy of HTML pages: only this origin, scripts only with the request's nonce (the
/// hydration script) or from /pkg; WebAssembly compilation allowed.
pub fn page_csp(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
         object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn origin_must_match_host() {
        assert!(same_origin(&headers(&[
            ("host", "127.0.0.1:3000"),
            ("origin", "http://127.0.0.1:3000")
        ])));
        assert!(!same_origin(&headers(&[
            ("host", "127.0.0.1:3000"),
            ("origin", "http://evil.example")
        ])));
        assert!(!same_origin(&headers(&[
            ("host", "127.0.0.1:3000"),
            ("origin", "null")
        ])));
        assert!(same_origin(&headers(&[
            ("host", "a.de"),
            ("referer", "https://a.de/leistungen?x=1")
        ])));
        assert!(!same_origin(&headers(&[
            ("host", "a.de"),
            ("referer", "https://a.de.evil.example/")
        ])));
        assert!(
            !same_origin(&headers(&[("host", "a.de")])),
            "no evidence, no state change"
        );
    }

    #[test]
    fn cookies_and_bearer_tokens_are_read() {
        let h = headers(&[
            ("cookie", "a=1; ozg_session=abc; b=2"),
            ("authorization", "Bearer ozgm_x"),
        ]);
        assert_eq!(cookie(&h, SESSION_COOKIE).as_deref(), Some("abc"));
        assert_eq!(cookie(&h, "c"), None);
        assert_eq!(bearer_token(&h).as_deref(), Some("ozgm_x"));
    }
}
