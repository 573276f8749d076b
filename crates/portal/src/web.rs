//! What every portal page shares: the visitor cookie and CSRF guard, the signed-in extractors, page
//! chrome, rendering, and the 4xx error page.

use crate::state::PortalState;
use askama::Template;
use aws_lc_rs::{constant_time, hmac};
use axum::body::{Body, to_bytes};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use openirp_store::{Admin, Developer, PortalSession, StoreError};
use sha2::{Digest, Sha256};

/// Random per browser; the CSRF token is an HMAC of it.
pub const VISITOR_COOKIE: &str = "openirp_visitor";
/// Random per sign-in; the store keeps only its SHA-256.
pub const SESSION_COOKIE: &str = "openirp_session";
/// The form field (or `X-CSRF-Token` header) that carries the CSRF token.
pub const CSRF_FIELD: &str = "csrf";
/// Largest form the guard reads.
const MAX_FORM_BYTES: usize = 2 * 1024 * 1024;

/// 32 random bytes as lower-case hex.
pub fn random_hex() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the OS random source is available");
    hex::encode(bytes)
}

/// Hex SHA-256 of a cookie value: what the store keeps.
pub fn digest_hex(value: &str) -> String {
    hex::encode(Sha256::digest(value.as_bytes()))
}

/// The visitor behind a request, put in the request extensions by [`guard`].
#[derive(Debug, Clone)]
pub struct Visitor {
    pub id: String,
    /// The token forms must echo in their `csrf` field.
    pub csrf: String,
    /// Who is signed in on this browser, if anyone.
    pub account: Option<Account>,
}

/// A signed-in browser session and whom it belongs to.
#[derive(Debug, Clone)]
pub enum Account {
    Developer(PortalSession, Box<Developer>),
    Admin(PortalSession, Admin),
}

impl<S: Send + Sync> FromRequestParts<S> for Visitor {
    type Rejection = PortalError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Visitor>()
            .cloned()
            .ok_or_else(|| PortalError::forbidden("no visitor cookie"))
    }
}

fn csrf_token(portal: &PortalState, visitor_id: &str) -> String {
    let key = hmac::Key::new(hmac::HMAC_SHA256, &portal.cookie_key);
    hex::encode(hmac::sign(&key, visitor_id.as_bytes()).as_ref())
}

/// Reads one cookie from the request headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// A `Set-Cookie` value with the portal's attributes; `max_age` 0 deletes the cookie.
pub fn set_cookie(portal: &PortalState, name: &str, value: &str, max_age: i64) -> HeaderValue {
    let secure = if portal.settings.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    let text =
        format!("{name}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}");
    HeaderValue::from_str(&text).expect("cookie values are hex")
}

fn is_hex_64(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// In front of every portal page: gives each browser a visitor cookie, and refuses any state-changing
/// request whose CSRF token (form field `csrf` or header `X-CSRF-Token`) is not the visitor's, or whose
/// `Origin` is another site. Handlers therefore never see a forged form.
pub async fn guard(State(portal): State<PortalState>, request: Request, next: Next) -> Response {
    let known = cookie(request.headers(), VISITOR_COOKIE)
        .filter(|v| is_hex_64(v))
        .map(str::to_string);
    let is_new = known.is_none();
    let id = known.unwrap_or_else(random_hex);
    let account = match signed_in_account(&portal, request.headers()).await {
        Ok(account) => account,
        Err(e) => return e.into_response(),
    };
    let visitor = Visitor {
        csrf: csrf_token(&portal, &id),
        id: id.clone(),
        account,
    };
    let (mut parts, body) = request.into_parts();
    let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
    let body = if safe {
        body
    } else {
        match checked_body(&parts.headers, body, &visitor, is_new).await {
            Ok(bytes) => Body::from(bytes),
            Err(e) => return e.into_response(),
        }
    };
    parts.extensions.insert(visitor);
    let mut response = next.run(Request::from_parts(parts, body)).await;
    if is_new {
        let max_age = 365 * 24 * 3600;
        response.headers_mut().append(
            header::SET_COOKIE,
            set_cookie(&portal, VISITOR_COOKIE, &id, max_age),
        );
    }
    response
}

/// The body of a state-changing request, once its origin and CSRF token are checked.
async fn checked_body(
    headers: &HeaderMap,
    body: Body,
    visitor: &Visitor,
    is_new: bool,
) -> Result<axum::body::Bytes, PortalError> {
    let expired = || {
        PortalError::forbidden(
            "This form has expired or did not come from this site. Reload the page and send it again.",
        )
    };
    if is_new {
        return Err(expired());
    }
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()) {
        // Behind a reverse proxy the browser's host may arrive as X-Forwarded-Host; a cross-site form
        // cannot set that header, so accepting it opens nothing.
        let text = |name: &str| headers.get(name).and_then(|h| h.to_str().ok());
        let hosts = [text(header::HOST.as_str()), text("x-forwarded-host")];
        let origin_host = origin.split_once("://").map(|(_, rest)| rest);
        if origin != "null" && (origin_host.is_none() || !hosts.contains(&origin_host)) {
            return Err(PortalError::forbidden(
                "Cross-site form submissions are refused.",
            ));
        }
    }
    let bytes = to_bytes(body, MAX_FORM_BYTES)
        .await
        .map_err(|_| PortalError::bad("The form is too large."))?;
    let sent = match headers.get("x-csrf-token").and_then(|v| v.to_str().ok()) {
        Some(token) => Some(token.to_string()),
        None => form_field(&bytes, CSRF_FIELD),
    };
    match sent {
        Some(token)
            if constant_time::verify_slices_are_equal(
                token.as_bytes(),
                visitor.csrf.as_bytes(),
            )
            .is_ok() =>
        {
            Ok(bytes)
        }
        _ => Err(expired()),
    }
}

/// The first value of `name` in an `application/x-www-form-urlencoded` body.
fn form_field(body: &[u8], name: &str) -> Option<String> {
    let pairs: Vec<(String, String)> = serde_urlencoded_pairs(body)?;
    pairs.into_iter().find(|(k, _)| k == name).map(|(_, v)| v)
}

fn serde_urlencoded_pairs(body: &[u8]) -> Option<Vec<(String, String)>> {
    serde_urlencoded::from_bytes(body).ok()
}

/// What the page frame shows: who is signed in, the mode, and the visitor's CSRF token for forms.
#[derive(Debug, Clone)]
pub struct Chrome {
    pub csrf: String,
    /// Name shown in the header when a developer or admin is signed in.
    pub signed_in: Option<String>,
    pub admin: bool,
    pub sandbox: bool,
    pub version: &'static str,
    pub title: String,
}

impl Chrome {
    /// The frame for a page, naming whoever is signed in on this browser.
    pub fn new(portal: &PortalState, visitor: &Visitor, title: impl Into<String>) -> Self {
        let (signed_in, admin) = match &visitor.account {
            Some(Account::Developer(_, d)) => (Some(d.name.clone()), false),
            Some(Account::Admin(_, a)) => (Some(a.username.clone()), true),
            None => (None, false),
        };
        Chrome {
            csrf: visitor.csrf.clone(),
            signed_in,
            admin,
            sandbox: portal.sandbox(),
            version: env!("CARGO_PKG_VERSION"),
            title: title.into(),
        }
    }

    /// The frame with the signed-in developer named.
    pub fn for_developer(
        portal: &PortalState,
        visitor: &Visitor,
        dev: &Developer,
        title: impl Into<String>,
    ) -> Self {
        Chrome {
            signed_in: Some(dev.name.clone()),
            ..Chrome::new(portal, visitor, title)
        }
    }
}

/// Renders a template into an HTML response.
pub fn render(template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed to render");
            PortalError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "This page could not be shown.",
            )
            .into_response()
        }
    }
}

/// A portal error: an HTML page with a status code and a plain explanation.
#[derive(Debug)]
pub struct PortalError {
    pub status: StatusCode,
    pub message: String,
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    status: u16,
    reason: &'a str,
    message: &'a str,
}

impl PortalError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        PortalError {
            status,
            message: message.into(),
        }
    }

    pub fn bad(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, message)
    }

    pub fn too_many(message: impl Into<String>) -> Self {
        Self::new(StatusCode::TOO_MANY_REQUESTS, message)
    }
}

impl From<StoreError> for PortalError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict(what) => PortalError::conflict(format!("Already exists: {what}.")),
            StoreError::Backend(_) => {
                tracing::error!(error = %e, "store failure");
                PortalError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "The store is unavailable; try again in a moment.",
                )
            }
        }
    }
}

impl IntoResponse for PortalError {
    fn into_response(self) -> Response {
        let page = ErrorPage {
            status: self.status.as_u16(),
            reason: self.status.canonical_reason().unwrap_or("Error"),
            message: &self.message,
        };
        let html = page
            .render()
            .unwrap_or_else(|_| format!("<p>{}</p>", self.status));
        (self.status, Html(html)).into_response()
    }
}

/// A signed-in developer with an active account.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub developer: Developer,
    /// The client id of the account (always set for an active developer).
    pub client_id: String,
    pub session: PortalSession,
}

/// Where an unsigned visitor is sent instead.
pub struct SignInFirst(Response);

impl IntoResponse for SignInFirst {
    fn into_response(self) -> Response {
        self.0
    }
}

impl From<PortalError> for SignInFirst {
    fn from(e: PortalError) -> Self {
        SignInFirst(e.into_response())
    }
}

/// The account signed in with the request's session cookie, if the session is live.
async fn signed_in_account(
    portal: &PortalState,
    headers: &HeaderMap,
) -> Result<Option<Account>, PortalError> {
    let Some(value) = cookie(headers, SESSION_COOKIE).filter(|v| is_hex_64(v)) else {
        return Ok(None);
    };
    let store = &portal.app.store;
    let Some(session) = store
        .get_portal_session(&digest_hex(value), portal.now())
        .await?
    else {
        return Ok(None);
    };
    Ok(match session.kind.as_str() {
        "DEVELOPER" => store
            .get_developer(&session.subject)
            .await?
            .filter(|d| d.status == "ACTIVE" && d.client_id.is_some())
            .map(|d| Account::Developer(session, Box::new(d))),
        "ADMIN" => store
            .get_admin(&session.subject)
            .await?
            .map(|a| Account::Admin(session, a)),
        _ => None,
    })
}

fn login_redirect(parts: &Parts, to: &str) -> SignInFirst {
    let next = parts.uri.path();
    SignInFirst(Redirect::to(&format!("{to}?next={next}")).into_response())
}

fn visitor_of(parts: &Parts) -> Option<&Visitor> {
    parts.extensions.get::<Visitor>()
}

impl<S: Send + Sync> FromRequestParts<S> for SignedIn {
    type Rejection = SignInFirst;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        match visitor_of(parts).and_then(|v| v.account.clone()) {
            Some(Account::Developer(session, developer)) => Ok(SignedIn {
                client_id: developer.client_id.clone().unwrap_or_default(),
                developer: *developer,
                session,
            }),
            _ => Err(login_redirect(parts, "/login")),
        }
    }
}

/// A signed-in portal administrator.
#[derive(Debug, Clone)]
pub struct AdminSignedIn {
    pub admin: Admin,
    pub session: PortalSession,
}

impl<S: Send + Sync> FromRequestParts<S> for AdminSignedIn {
    type Rejection = SignInFirst;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        match visitor_of(parts).and_then(|v| v.account.clone()) {
            Some(Account::Admin(session, admin)) => Ok(AdminSignedIn { admin, session }),
            _ => Err(login_redirect(parts, "/admin/login")),
        }
    }
}

/// Starts a signed-in session of `kind` for `subject` and redirects to `to` with its cookie set.
pub async fn sign_in(
    portal: &PortalState,
    kind: &str,
    subject: &str,
    to: &str,
) -> Result<Response, PortalError> {
    let cookie = start_session(portal, kind, subject).await?;
    let mut response = Redirect::to(safe_next(to)).into_response();
    response.headers_mut().append(header::SET_COOKIE, cookie);
    Ok(response)
}

/// Stores a new signed-in session (only its digest) and returns the `Set-Cookie` value that carries it.
pub async fn start_session(
    portal: &PortalState,
    kind: &str,
    subject: &str,
) -> Result<HeaderValue, PortalError> {
    let value = random_hex();
    let now = portal.now();
    let lifetime = portal.settings.session_minutes * 60;
    portal
        .app
        .store
        .create_portal_session(&PortalSession {
            id_hash: digest_hex(&value),
            kind: kind.to_string(),
            subject: subject.to_string(),
            created_at: now,
            expires_at: now + lifetime,
        })
        .await?;
    Ok(set_cookie(portal, SESSION_COOKIE, &value, lifetime))
}

/// Ends the browser's signed-in session, if any, and clears its cookie.
pub async fn sign_out(portal: &PortalState, headers: &HeaderMap) -> Result<Response, PortalError> {
    if let Some(value) = cookie(headers, SESSION_COOKIE) {
        portal
            .app
            .store
            .delete_portal_session(&digest_hex(value))
            .await?;
    }
    let mut response = Redirect::to("/").into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(portal, SESSION_COOKIE, "", 0),
    );
    Ok(response)
}

/// A `next` target only if it is a path on this site (no open redirect).
pub fn safe_next(next: &str) -> &str {
    if next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') {
        next
    } else {
        "/workspace"
    }
}
