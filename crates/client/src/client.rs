//! `NicClient`: talks to any NIC-compatible IRP over HTTP, the way NIC's own
//! clients do (v1.04 auth, SEK-encrypted envelopes, NIC headers).

use std::time::Duration;

use chrono::Utc;
use openirp_crypto::AuthPublicKey;
use reqwest::header::CONTENT_TYPE;
use reqwest::{RequestBuilder, Url};
use serde_json::{Value, json};

use crate::ClientError;
use crate::auth::{Credentials, Session, build_auth_request, ist, session_from_auth_response};
use crate::envelope::{Envelope, decrypt_data, encrypted_request_body, parse_envelope};
use crate::wire::{self, join_url};

/// NIC allows a forced token refresh only in the last 10 minutes before expiry.
const REFRESH_MARGIN_MINUTES: i64 = 10;
/// How much of a non-envelope error body to quote in an error message.
const ERROR_SNIPPET_CHARS: usize = 200;

/// A client for one API user at one IRP. Cheap calls share one pooled,
/// keep-alive `reqwest::Client`; the encrypted calls take `&self`, so a
/// client can be shared across tasks once authenticated.
pub struct NicClient {
    base_url: String,
    http: reqwest::Client,
    auth_public_key: AuthPublicKey,
    creds: Credentials,
    session: Option<Session>,
}

impl NicClient {
    /// A client with a default HTTP stack (rustls, connection pool, timeouts).
    pub fn new(
        base_url: &str,
        auth_public_key_pem: &str,
        creds: Credentials,
    ) -> Result<Self, ClientError> {
        Self::with_http_client(base_url, auth_public_key_pem, creds, default_http_client()?)
    }

    /// A client on a caller-built `reqwest::Client` (custom roots for a
    /// self-signed IRP, proxies, other timeouts).
    pub fn with_http_client(
        base_url: &str,
        auth_public_key_pem: &str,
        creds: Credentials,
        http: reqwest::Client,
    ) -> Result<Self, ClientError> {
        Ok(Self {
            base_url: validated_base_url(base_url)?,
            http,
            auth_public_key: AuthPublicKey::from_pem(auth_public_key_pem)?,
            creds,
            session: None,
        })
    }

    /// Downloads an OpenIRP server's auth public key (`GET {base}/keys/auth-public.pem`).
    pub async fn fetch_auth_public_key(base_url: &str) -> Result<String, ClientError> {
        let url = join_url(&validated_base_url(base_url)?, wire::AUTH_PUBLIC_KEY_PATH);
        let response = default_http_client()?.get(&url).send().await?;
        let status = response.status();
        let text = response.text().await?;
        if !status.is_success() {
            return Err(ClientError::Protocol(format!(
                "HTTP {status} from {url}: {}",
                snippet(text.as_bytes())
            )));
        }
        Ok(text)
    }

    /// Logs in (`POST /eivital/v1.04/auth`) with a fresh AppKey and stores
    /// the session. `force_refresh` sets `ForceRefreshAccessToken`.
    pub async fn authenticate(&mut self, force_refresh: bool) -> Result<&Session, ClientError> {
        let request = build_auth_request(
            &self.auth_public_key,
            &self.creds.username,
            &self.creds.password,
            force_refresh,
        )?;
        let http_request = self
            .with_client_headers(self.http.post(self.url(wire::AUTH_PATH)))
            .header(CONTENT_TYPE, "application/json")
            .body(request.body);
        let envelope = send_for_envelope(http_request).await?;
        let session = session_from_auth_response(
            envelope,
            &request.app_key,
            &self.creds.username,
            &self.creds.gstin,
        )?;
        Ok(self.session.insert(session))
    }

    /// Returns a usable session, logging in first if there is none and
    /// refreshing (forced) when the token is within 10 minutes of expiry.
    pub async fn ensure_session(&mut self) -> Result<&Session, ClientError> {
        let now = Utc::now().with_timezone(&ist());
        let margin = chrono::Duration::minutes(REFRESH_MARGIN_MINUTES);
        let expiring = self.session.as_ref().map(|s| s.expires_within(now, margin));
        match expiring {
            None => self.authenticate(false).await,
            Some(true) => self.authenticate(true).await,
            Some(false) => self.require_session(),
        }
    }

    /// The current session, if authenticated.
    pub fn session(&self) -> Option<&Session> {
        self.session.as_ref()
    }

    /// Installs a session obtained earlier (e.g. from a token cache), so a
    /// new process need not log in again while the token is valid.
    pub fn set_session(&mut self, session: Session) {
        self.session = Some(session);
    }

    /// POSTs `payload_json` (sent byte for byte, encrypted with the SEK) and
    /// returns the decrypted `Data` of a `Status 1` answer.
    pub async fn post_encrypted(
        &self,
        path: &str,
        payload_json: &[u8],
    ) -> Result<Value, ClientError> {
        let session = self.require_session()?;
        let request = self
            .with_session_headers(self.http.post(self.url(path)), session)
            .header(CONTENT_TYPE, "application/json")
            .body(encrypted_request_body(&session.sek, payload_json));
        decrypt_data(
            send_for_envelope(request).await?.into_success_data()?,
            &session.sek,
        )
    }

    /// [`Self::post_encrypted`] for a JSON value.
    pub async fn post_encrypted_json(
        &self,
        path: &str,
        payload: &Value,
    ) -> Result<Value, ClientError> {
        let bytes = serde_json::to_vec(payload)
            .map_err(|e| ClientError::Protocol(format!("cannot serialise payload: {e}")))?;
        self.post_encrypted(path, &bytes).await
    }

    /// GETs `path_and_query` (already URL-encoded) with the session headers
    /// plus `extra_headers` (e.g. `sup_gstin`) and decrypts the `Data`.
    pub async fn get_encrypted(
        &self,
        path_and_query: &str,
        extra_headers: &[(&str, &str)],
    ) -> Result<Value, ClientError> {
        let session = self.require_session()?;
        let mut request =
            self.with_session_headers(self.http.get(self.url(path_and_query)), session);
        for (name, value) in extra_headers {
            request = request.header(*name, *value);
        }
        decrypt_data(
            send_for_envelope(request).await?.into_success_data()?,
            &session.sek,
        )
    }

    /// Generate IRN. Takes the invoice as raw JSON bytes so number lexemes
    /// (`1000.0`) reach the IRP unchanged; they are signed as sent.
    pub async fn generate_irn(&self, invoice_json: &[u8]) -> Result<Value, ClientError> {
        self.post_encrypted(wire::GENERATE_IRN_PATH, invoice_json)
            .await
    }

    /// Cancel IRN (`reason` "1"–"4", `remark` 1–100 characters).
    pub async fn cancel_irn(
        &self,
        irn: &str,
        reason: &str,
        remark: &str,
    ) -> Result<Value, ClientError> {
        let body = json!({"Irn": irn, "CnlRsn": reason, "CnlRem": remark});
        self.post_encrypted_json(wire::CANCEL_IRN_PATH, &body).await
    }

    /// Get e-invoice by IRN.
    pub async fn get_irn(&self, irn: &str) -> Result<Value, ClientError> {
        self.get_encrypted(&wire::get_irn_path(irn), &[]).await
    }

    /// Get IRN by document details (`doc_date` as `dd/mm/yyyy`).
    pub async fn get_irn_by_doc(
        &self,
        doc_type: &str,
        doc_no: &str,
        doc_date: &str,
    ) -> Result<Value, ClientError> {
        self.get_encrypted(&wire::irn_by_doc_path(doc_type, doc_no, doc_date), &[])
            .await
    }

    /// Get GSTIN details from the IRP's master.
    pub async fn gstin_details(&self, gstin: &str) -> Result<Value, ClientError> {
        self.get_encrypted(&wire::gstin_details_path(gstin), &[])
            .await
    }

    /// Sync GSTIN details from the common portal.
    pub async fn sync_gstin(&self, gstin: &str) -> Result<Value, ClientError> {
        self.get_encrypted(&wire::sync_gstin_path(gstin), &[]).await
    }

    /// Rejected IRNs for a date (`dd/mm/yyyy`).
    pub async fn rejected_irns(&self, date: &str) -> Result<Value, ClientError> {
        self.get_encrypted(&wire::rejected_irns_path(date), &[])
            .await
    }

    /// The underlying HTTP client (for calls this SDK does not wrap).
    pub fn raw_http(&self) -> &reqwest::Client {
        &self.http
    }

    /// The IRP base URL, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    fn url(&self, path: &str) -> String {
        join_url(&self.base_url, path)
    }

    fn require_session(&self) -> Result<&Session, ClientError> {
        self.session.as_ref().ok_or(ClientError::NotAuthenticated)
    }

    /// `client_id`, `client_secret`, `Gstin`: sent on every call, auth included.
    fn with_client_headers(&self, request: RequestBuilder) -> RequestBuilder {
        request
            .header(wire::HEADER_CLIENT_ID, &self.creds.client_id)
            .header(wire::HEADER_CLIENT_SECRET, &self.creds.client_secret)
            .header(wire::HEADER_GSTIN, &self.creds.gstin)
    }

    /// The client headers plus `user_name` and `AuthToken` of the session.
    fn with_session_headers(&self, request: RequestBuilder, session: &Session) -> RequestBuilder {
        self.with_client_headers(request)
            .header(wire::HEADER_USER_NAME, &session.username)
            .header(wire::HEADER_AUTH_TOKEN, &session.auth_token)
    }
}

impl std::fmt::Debug for NicClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NicClient")
            .field("base_url", &self.base_url)
            .field("creds", &self.creds)
            .field("session", &self.session)
            .finish_non_exhaustive()
    }
}

/// One pooled keep-alive client. Timeouts are generous because the IRP can
/// be slow under load, but a hung connection must not block a caller forever.
fn default_http_client() -> Result<reqwest::Client, ClientError> {
    Ok(reqwest::Client::builder()
        .user_agent(concat!("openirp-client/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(60))
        .pool_idle_timeout(Duration::from_secs(90))
        .tcp_keepalive(Duration::from_secs(60))
        .build()?)
}

/// Checks that `base_url` is an absolute http(s) URL and drops trailing slashes.
fn validated_base_url(base_url: &str) -> Result<String, ClientError> {
    let trimmed = base_url.trim().trim_end_matches('/');
    match Url::parse(trimmed) {
        Ok(url) if matches!(url.scheme(), "http" | "https") => Ok(trimmed.to_owned()),
        _ => Err(ClientError::Protocol(format!(
            "base URL must be an absolute http(s) URL, got {base_url:?}"
        ))),
    }
}

/// Sends the request and parses the NIC envelope. NIC reports business
/// errors with HTTP 200, but gateways may answer 4xx/5xx: an envelope is
/// used whatever the HTTP status, and a non-envelope body becomes a
/// protocol error that quotes the status.
async fn send_for_envelope(request: RequestBuilder) -> Result<Envelope, ClientError> {
    let response = request.send().await?;
    let status = response.status();
    let body = response.bytes().await?;
    match parse_envelope(&body) {
        Ok(envelope) => Ok(envelope),
        Err(err) if status.is_success() => Err(err),
        Err(_) => Err(ClientError::Protocol(format!(
            "HTTP {status}: {}",
            snippet(&body)
        ))),
    }
}

/// The start of a body, for error messages.
fn snippet(body: &[u8]) -> String {
    String::from_utf8_lossy(body)
        .chars()
        .take(ERROR_SNIPPET_CHARS)
        .collect()
}
