//! `NicClient`: talks to any NIC-compatible IRP over HTTP, the way NIC's own
//! clients do (v1.04 auth, SEK-encrypted envelopes, NIC headers).

use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use chrono::Utc;
use openirp_crypto::AuthPublicKey;
use reqwest::header::CONTENT_TYPE;
use reqwest::{RequestBuilder, Url};
use serde_json::{Value, json};

use crate::ClientError;
use crate::auth::{Credentials, Session, build_auth_request, ist, session_from_auth_response};
use crate::envelope::{Envelope, decrypt_data, encrypted_request_body, parse_envelope};
use crate::identity::{InvoiceIdentity, signed_invoice_data};
use crate::retry::{RetryPolicy, is_transient};
use crate::session_file::{self, SessionKey};
use crate::types::{Cancelled, GstinDetails, IrnDetails, from_data, irn_list};
use crate::wire::{self, join_url};

/// NIC allows a forced token refresh only in the last 10 minutes before expiry.
const REFRESH_MARGIN_MINUTES: i64 = 10;
/// How much of a non-envelope error body to quote in an error message.
const ERROR_SNIPPET_CHARS: usize = 200;
/// NIC's "Invalid Token": expired, replaced by a forced refresh, or revoked.
const INVALID_TOKEN: &str = "1005";
/// NIC's "Duplicate IRN".
const DUPLICATE_IRN: &str = "2150";
/// An IRN registered by [`NicClient::generate_safely`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registered {
    pub details: IrnDetails,
    /// `true` if the IRN was registered by an earlier send of the same invoice (a lost answer or a
    /// resend after a crash) and was fetched back; `false` if this call registered it.
    pub recovered: bool,
}

/// A client for one API user at one IRP. One pooled, keep-alive
/// `reqwest::Client`; every call takes `&self`, so one client (in an `Arc`)
/// can serve many concurrent tasks. With [`NicClient::with_session_renewal`]
/// the client logs in by itself, renews before expiry and recovers from
/// NIC 1005, doing a renewal once however many calls are waiting for it.
pub struct NicClient {
    base_url: String,
    http: reqwest::Client,
    auth_public_key: AuthPublicKey,
    creds: Credentials,
    /// Held only to copy or replace the `Arc`, never across an await.
    session: RwLock<Option<Arc<Session>>>,
    /// Serialises logins, so concurrent calls that find the session stale renew it once.
    login_lock: tokio::sync::Mutex<()>,
    session_file: Option<PathBuf>,
    pub(crate) renew: bool,
    retry: RetryPolicy,
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
    /// self-signed IRP, proxies, other timeouts). Give it a request timeout:
    /// a hung IRP must not block a caller forever.
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
            session: RwLock::new(None),
            login_lock: tokio::sync::Mutex::new(()),
            session_file: None,
            renew: true,
            retry: RetryPolicy::default(),
        })
    }

    /// Caches the session in `path` (JSON, mode 0600, it holds the token and
    /// the SEK): a still-valid session saved there for this IRP, client id,
    /// user and GSTIN is used at once, and every login saves its session.
    /// A missing, unreadable or foreign file is ignored.
    pub fn with_session_file(mut self, path: impl Into<PathBuf>) -> Self {
        let path = path.into();
        if let Some(session) =
            session_file::load(&path, &self.session_key()).filter(|s| !expires_soon(s))
        {
            self.store_session(Arc::new(session));
        }
        self.session_file = Some(path);
        self
    }

    /// With `true` (the default), every call logs in when there is no
    /// session, renews the token before it expires, and on NIC 1005 logs in
    /// again (forced refresh) and retries the call once. With `false` the
    /// calls need [`Self::authenticate`] first and report 1005 as they get
    /// it: what a test of the IRP's own token handling wants.
    pub fn with_session_renewal(mut self, renew: bool) -> Self {
        self.renew = renew;
        self
    }

    /// The retries of [`Self::generate_safely`].
    pub fn with_retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
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
        self.login(force_refresh).await?;
        self.session
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner)
            .as_deref()
            .ok_or(ClientError::NotAuthenticated)
    }

    /// [`Self::authenticate`] for a shared client: logs in, stores the
    /// session (and saves it to the session file, if any) and returns it.
    pub async fn login(&self, force_refresh: bool) -> Result<Arc<Session>, ClientError> {
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
        let session = Arc::new(session_from_auth_response(
            envelope,
            &request.app_key,
            &self.creds.username,
            &self.creds.gstin,
        )?);
        self.store_session(session.clone());
        self.save_session_file(session.clone()).await;
        Ok(session)
    }

    /// Returns a usable session, logging in first if there is none and
    /// refreshing (forced) when the token is within 10 minutes of expiry.
    /// Concurrent callers share one login.
    pub async fn ensure_session(&self) -> Result<Arc<Session>, ClientError> {
        if let Some(session) = self.session().filter(|s| !expires_soon(s)) {
            return Ok(session);
        }
        let _login = self.login_lock.lock().await;
        // Another caller may have logged in while this one waited.
        match self.session() {
            Some(session) if !expires_soon(&session) => Ok(session),
            Some(_) => self.login(true).await,
            None => self.login(false).await,
        }
    }

    /// The current session, if authenticated.
    pub fn session(&self) -> Option<Arc<Session>> {
        self.session
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Installs a session obtained earlier (e.g. from a token cache), so a
    /// new process need not log in again while the token is valid.
    pub fn set_session(&self, session: Session) {
        self.store_session(Arc::new(session));
    }

    /// POSTs `payload_json` (sent byte for byte, encrypted with the SEK) and
    /// returns the decrypted `Data` of a `Status 1` answer.
    pub async fn post_encrypted(
        &self,
        path: &str,
        payload_json: &[u8],
    ) -> Result<Value, ClientError> {
        self.call(|session| self.post_once(path, payload_json, session))
            .await
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
        self.call(|session| self.get_once(path_and_query, extra_headers, session))
            .await
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

    /// [`Self::generate_irn`], typed. For an ERP, prefer [`Self::generate_safely`].
    pub async fn generate(&self, invoice_json: &[u8]) -> Result<IrnDetails, ClientError> {
        from_data(self.generate_irn(invoice_json).await?, "Generate IRN")
    }

    /// [`Self::cancel_irn`], typed.
    pub async fn cancel(
        &self,
        irn: &str,
        reason: &str,
        remark: &str,
    ) -> Result<Cancelled, ClientError> {
        from_data(self.cancel_irn(irn, reason, remark).await?, "Cancel IRN")
    }

    /// [`Self::get_irn`], typed.
    pub async fn irn_details(&self, irn: &str) -> Result<IrnDetails, ClientError> {
        from_data(self.get_irn(irn).await?, "Get IRN")
    }

    /// [`Self::get_irn_by_doc`], typed.
    pub async fn irn_details_by_doc(
        &self,
        doc_type: &str,
        doc_no: &str,
        doc_date: &str,
    ) -> Result<IrnDetails, ClientError> {
        let data = self.get_irn_by_doc(doc_type, doc_no, doc_date).await?;
        from_data(data, "Get IRN by document details")
    }

    /// [`Self::gstin_details`], typed.
    pub async fn gstin_record(&self, gstin: &str) -> Result<GstinDetails, ClientError> {
        from_data(self.gstin_details(gstin).await?, "Get GSTIN details")
    }

    /// [`Self::sync_gstin`], typed.
    pub async fn synced_gstin_record(&self, gstin: &str) -> Result<GstinDetails, ClientError> {
        from_data(self.sync_gstin(gstin).await?, "Sync GSTIN")
    }

    /// [`Self::rejected_irns`], as the list of IRNs.
    pub async fn rejected_irn_list(&self, date: &str) -> Result<Vec<String>, ClientError> {
        irn_list(self.rejected_irns(date).await?)
    }

    /// Generate IRN without ever losing an IRN or making a second one:
    /// transport errors, timeouts and gateway 5xx are retried with backoff
    /// (the [`RetryPolicy`]), and a 2150 "Duplicate IRN" (a lost answer, or
    /// a resend after a crash) is answered by fetching the registered IRN and
    /// checking that it holds this invoice (seller, document type, number,
    /// date, total): then it is returned with `recovered: true`, otherwise
    /// [`ClientError::DuplicateMismatch`]. Other NIC errors return at once.
    /// Sessions are managed (login, renewal, 1005) whatever
    /// [`Self::with_session_renewal`] says.
    pub async fn generate_safely(&self, invoice_json: &[u8]) -> Result<Registered, ClientError> {
        let sent = InvoiceIdentity::of_json(invoice_json)?;
        let result = self
            .retrying(move || {
                self.call_renewing(move |s| {
                    self.post_once(wire::GENERATE_IRN_PATH, invoice_json, s)
                })
            })
            .await;
        match result {
            Ok(data) => Ok(Registered {
                details: from_data(data, "Generate IRN")?,
                recovered: false,
            }),
            Err(err) if err.has_nic_code(DUPLICATE_IRN) => self.recover_duplicate(err, &sent).await,
            Err(err) => Err(err),
        }
    }

    /// The IRN behind a 2150, if it holds the invoice that was sent.
    async fn recover_duplicate(
        &self,
        duplicate: ClientError,
        sent: &InvoiceIdentity,
    ) -> Result<Registered, ClientError> {
        let path = match (duplicate.duplicate_irn_info(), sent.doc_key()) {
            (Some(dup), _) => wire::get_irn_path(&dup.irn),
            (None, Some((typ, no, dt))) => wire::irn_by_doc_path(typ, no, dt),
            (None, None) => return Err(duplicate),
        };
        let path = path.as_str();
        let registered = self
            .retrying(move || self.call_renewing(move |s| self.get_once(path, &[], s)))
            .await?;
        let details: IrnDetails = from_data(registered, "Get IRN")?;
        let signed = signed_invoice_data(&details.signed_invoice)?;
        let differences = sent.differences(&InvoiceIdentity::of(&signed));
        if differences.is_empty() {
            Ok(Registered {
                details,
                recovered: true,
            })
        } else {
            Err(ClientError::DuplicateMismatch {
                irn: details.irn,
                differences,
            })
        }
    }

    /// Runs `op` again after transient failures, as the [`RetryPolicy`] says.
    async fn retrying<T, F, Fut>(&self, op: F) -> Result<T, ClientError>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<T, ClientError>>,
    {
        let mut attempt = 1;
        loop {
            match op().await {
                Err(err) if is_transient(&err) && attempt < self.retry.attempts => {
                    tokio::time::sleep(self.retry.delay_after(attempt)).await;
                    attempt += 1;
                }
                result => return result,
            }
        }
    }

    /// The underlying HTTP client (for calls this SDK does not wrap).
    pub fn raw_http(&self) -> &reqwest::Client {
        &self.http
    }

    /// The IRP base URL, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The session file, if one was set.
    pub fn session_file(&self) -> Option<&Path> {
        self.session_file.as_deref()
    }

    /// Runs `op` with the session: managed (see [`Self::call_renewing`]) if
    /// renewal is on, else with the current session as is.
    pub(crate) async fn call<T, F, Fut>(&self, op: F) -> Result<T, ClientError>
    where
        F: Fn(Arc<Session>) -> Fut,
        Fut: Future<Output = Result<T, ClientError>>,
    {
        if self.renew {
            self.call_renewing(op).await
        } else {
            op(self.require_session()?).await
        }
    }

    /// Runs `op` with a fresh session; on 1005 logs in again and retries
    /// once. Safe for Generate IRN too: a 1005 is refused before any work.
    async fn call_renewing<T, F, Fut>(&self, op: F) -> Result<T, ClientError>
    where
        F: Fn(Arc<Session>) -> Fut,
        Fut: Future<Output = Result<T, ClientError>>,
    {
        let session = self.ensure_session().await?;
        match op(session.clone()).await {
            Err(err) if err.has_nic_code(INVALID_TOKEN) => {
                op(self.renew_rejected(&session).await?).await
            }
            result => result,
        }
    }

    /// A session to replace `rejected` (refused with 1005): the one another
    /// caller already got, or a forced login.
    pub(crate) async fn renew_rejected(
        &self,
        rejected: &Session,
    ) -> Result<Arc<Session>, ClientError> {
        let _login = self.login_lock.lock().await;
        match self.session() {
            Some(current) if current.auth_token != rejected.auth_token => Ok(current),
            _ => self.login(true).await,
        }
    }

    async fn post_once(
        &self,
        path: &str,
        payload_json: &[u8],
        session: Arc<Session>,
    ) -> Result<Value, ClientError> {
        let request = self
            .with_session_headers(self.http.post(self.url(path)), &session)
            .header(CONTENT_TYPE, "application/json")
            .body(encrypted_request_body(&session.sek, payload_json));
        decrypt_data(
            send_for_envelope(request).await?.into_success_data()?,
            &session.sek,
        )
    }

    async fn get_once(
        &self,
        path_and_query: &str,
        extra_headers: &[(&str, &str)],
        session: Arc<Session>,
    ) -> Result<Value, ClientError> {
        let mut request =
            self.with_session_headers(self.http.get(self.url(path_and_query)), &session);
        for (name, value) in extra_headers {
            request = request.header(*name, *value);
        }
        decrypt_data(
            send_for_envelope(request).await?.into_success_data()?,
            &session.sek,
        )
    }

    pub(crate) fn url(&self, path: &str) -> String {
        join_url(&self.base_url, path)
    }

    fn require_session(&self) -> Result<Arc<Session>, ClientError> {
        self.session().ok_or(ClientError::NotAuthenticated)
    }

    fn store_session(&self, session: Arc<Session>) {
        *self.session.write().unwrap_or_else(PoisonError::into_inner) = Some(session);
    }

    fn session_key(&self) -> SessionKey {
        SessionKey {
            base_url: self.base_url.clone(),
            client_id: self.creds.client_id.clone(),
            username: self.creds.username.clone(),
            gstin: self.creds.gstin.clone(),
        }
    }

    /// Best effort: a cache that cannot be written costs one login later,
    /// and must not fail the call that just logged in. The write (with its
    /// fsync) runs off the async workers.
    async fn save_session_file(&self, session: Arc<Session>) {
        let Some(path) = self.session_file.clone() else {
            return;
        };
        let key = self.session_key();
        let _ =
            tokio::task::spawn_blocking(move || session_file::save(&path, &key, &session)).await;
    }

    /// `client_id`, `client_secret`, `Gstin`: sent on every call, auth included.
    fn with_client_headers(&self, request: RequestBuilder) -> RequestBuilder {
        request
            .header(wire::HEADER_CLIENT_ID, &self.creds.client_id)
            .header(wire::HEADER_CLIENT_SECRET, &self.creds.client_secret)
            .header(wire::HEADER_GSTIN, &self.creds.gstin)
    }

    /// The client headers plus `user_name` and `AuthToken` of the session.
    pub(crate) fn with_session_headers(
        &self,
        request: RequestBuilder,
        session: &Session,
    ) -> RequestBuilder {
        self.with_client_headers(request)
            .header(wire::HEADER_USER_NAME, &session.username)
            .header(wire::HEADER_AUTH_TOKEN, &session.auth_token)
    }
}

/// Whether `session` is within the refresh margin of its expiry, by this machine's clock.
fn expires_soon(session: &Session) -> bool {
    let now = Utc::now().with_timezone(&ist());
    session.expires_within(now, chrono::Duration::minutes(REFRESH_MARGIN_MINUTES))
}

impl std::fmt::Debug for NicClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NicClient")
            .field("base_url", &self.base_url)
            .field("creds", &self.creds)
            .field("session", &self.session())
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
pub(crate) async fn send_for_envelope(request: RequestBuilder) -> Result<Envelope, ClientError> {
    let response = request.send().await?;
    let status = response.status();
    let body = response.bytes().await?;
    match parse_envelope(&body) {
        Ok(envelope) => Ok(envelope),
        Err(err) if status.is_success() => Err(err),
        Err(_) => Err(ClientError::Status {
            status: status.as_u16(),
            snippet: snippet(&body),
        }),
    }
}

/// The start of a body, for error messages.
pub(crate) fn snippet(body: &[u8]) -> String {
    String::from_utf8_lossy(body)
        .chars()
        .take(ERROR_SNIPPET_CHARS)
        .collect()
}
