//! Registration with OTP, portal login (password or OTP), logout, and the home page.

use crate::otp;
use crate::state::PortalState;
use crate::web::{Chrome, PortalError, Visitor, render, sign_in, sign_out, start_session};
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use openirp_model::gstin::{has_gstin_shape, has_valid_checksum, is_pan, pan_of, state_of};
use openirp_server::{ids, sandbox, secrets};
use openirp_store::{ApiClient, Developer};
use serde::Deserialize;

/// Wrong portal passwords in a row before password login locks.
const LOCK_AFTER: i64 = 5;
/// How long it stays locked.
const LOCK_SECS: i64 = 15 * 60;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    chrome: Chrome,
}

/// `GET /`: what the portal is and the way through it.
pub async fn home(State(portal): State<PortalState>, visitor: Visitor) -> Response {
    render(&HomePage {
        chrome: Chrome::new(&portal, &visitor, "e-Invoice developer portal"),
    })
}

#[derive(Template)]
#[template(path = "register.html")]
struct RegisterPage {
    chrome: Chrome,
    form: RegisterForm,
    error: Option<String>,
}

/// The registration form.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct RegisterForm {
    pub category: String,
    /// PAN for a GSP, GSTIN for a taxpayer.
    pub identifier: String,
    pub name: String,
    pub mobile: String,
    pub email: String,
}

/// `GET /register`.
pub async fn register_form(State(portal): State<PortalState>, visitor: Visitor) -> Response {
    render(&RegisterPage {
        chrome: Chrome::new(&portal, &visitor, "Register"),
        form: RegisterForm {
            category: "TAXPAYER".into(),
            ..RegisterForm::default()
        },
        error: None,
    })
}

/// The "enter the code" page; `action` is where the code goes.
#[derive(Template)]
#[template(path = "otp.html")]
pub(crate) struct OtpPage {
    pub chrome: Chrome,
    pub heading: String,
    pub action: &'static str,
    pub otp_id: String,
    pub sent_to: String,
    pub next: String,
    pub error: Option<String>,
}

/// `POST /register`: checks the details, records the registration and sends an OTP to the mobile.
pub async fn register(
    State(portal): State<PortalState>,
    visitor: Visitor,
    Form(form): Form<RegisterForm>,
) -> Result<Response, PortalError> {
    let dev = match checked_registration(&portal, &form).await {
        Ok(dev) => dev,
        Err(message) => {
            let page = RegisterPage {
                chrome: Chrome::new(&portal, &visitor, "Register"),
                form,
                error: Some(message),
            };
            return Ok((axum::http::StatusCode::BAD_REQUEST, render(&page)).into_response());
        }
    };
    portal
        .app
        .store
        .create_developer(&dev)
        .await
        .map_err(|e| match e {
            openirp_store::StoreError::Conflict(_) => PortalError::conflict(format!(
                "This {} is already registered. Log in with its client id instead.",
                if dev.category == "GSP" {
                    "PAN"
                } else {
                    "PAN (through one of its GSTINs)"
                }
            )),
            other => other.into(),
        })?;
    let otp_id = otp::send(&portal, &dev, "REGISTER", "{}").await?;
    Ok(render(&OtpPage {
        chrome: Chrome::new(&portal, &visitor, "Verify your mobile"),
        heading: "Verify your mobile number".into(),
        action: "/register/verify",
        otp_id,
        sent_to: masked_mobile(&dev.mobile),
        next: String::new(),
        error: None,
    }))
}

/// The developer a registration form describes, or what is wrong with it.
async fn checked_registration(
    portal: &PortalState,
    form: &RegisterForm,
) -> Result<Developer, String> {
    let mobile = form.mobile.trim();
    if !is_mobile(mobile) {
        return Err("Give the 10-digit mobile number registered on the GST portal (it starts with 6, 7, 8 or 9).".into());
    }
    let email = form.email.trim();
    if !is_email(email) {
        return Err("Give a valid e-mail address.".into());
    }
    let identifier = form.identifier.trim().to_ascii_uppercase();
    let (category, pan, gstin, name) = match form.category.as_str() {
        "GSP" => {
            if !is_pan(&identifier) {
                return Err("A GSP registers with its PAN: 5 letters, 4 digits, 1 letter (e.g. AAACG1234K).".into());
            }
            let name = form.name.trim();
            if name.len() < 3 || name.len() > 100 {
                return Err("Give the GSP's name (3 to 100 characters).".into());
            }
            ("GSP", identifier.clone(), None, name.to_string())
        }
        "TAXPAYER" => {
            let record = taxpayer_master_record(portal, &identifier).await?;
            let pan = pan_of(&identifier).unwrap_or_default().to_string();
            ("TAXPAYER", pan, Some(identifier.clone()), record.legal_name)
        }
        _ => return Err("Choose a category: GSP or Taxpayer.".into()),
    };
    Ok(Developer {
        id: crate::web::random_hex(),
        category: category.into(),
        pan,
        gstin,
        name,
        mobile: mobile.into(),
        email: email.into(),
        status: "PENDING".into(),
        client_id: None,
        password_hash: None,
        failed_logins: 0,
        locked_until: 0,
        created_at: portal.now(),
    })
}

/// The master record of a registering taxpayer's GSTIN. The sandbox stands in for the GST common
/// portal: a checksum-valid GSTIN it has not seen becomes an active regular taxpayer.
async fn taxpayer_master_record(
    portal: &PortalState,
    gstin: &str,
) -> Result<openirp_store::GstinRecord, String> {
    if !has_gstin_shape(gstin) {
        return Err(
            "A taxpayer registers with its 15-character GSTIN (e.g. 29AAACR4849R1ZL).".into(),
        );
    }
    let store = &portal.app.store;
    let found = store
        .get_gstin(gstin)
        .await
        .map_err(|_| "The GSTIN master is unavailable; try again.".to_string())?;
    let record = match found {
        Some(r) => r,
        None if !has_valid_checksum(gstin) => {
            return Err(
                "This GSTIN's check character is wrong; check for a typing mistake.".into(),
            );
        }
        None if portal.sandbox() => {
            let code = state_of(gstin).unwrap_or(0);
            let pan = pan_of(gstin).unwrap_or_default();
            let name = format!("Sandbox Taxpayer {pan} Private Limited");
            let record =
                sandbox::taxpayer_record(gstin, code, &name, &format!("Sandbox Taxpayer {pan}"));
            store
                .put_gstin(&record)
                .await
                .map_err(|_| "The GSTIN master is unavailable; try again.".to_string())?;
            record
        }
        None => return Err("This GSTIN is not in the GSTIN master.".into()),
    };
    if record.status != "ACT" {
        return Err(format!(
            "This GSTIN's status is {} in the GSTIN master; only active GSTINs can register.",
            record.status
        ));
    }
    Ok(record)
}

fn is_mobile(s: &str) -> bool {
    s.len() == 10 && s.bytes().all(|b| b.is_ascii_digit()) && matches!(s.as_bytes()[0], b'6'..=b'9')
}

fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    s.len() <= 100
        && !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.contains(char::is_whitespace)
        && !domain.contains('@')
}

/// `98******21`: enough to recognise one's own number.
pub fn masked_mobile(mobile: &str) -> String {
    if mobile.len() < 4 {
        return "******".into();
    }
    format!("{}******{}", &mobile[..2], &mobile[mobile.len() - 2..])
}

/// The OTP form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct OtpForm {
    pub otp_id: String,
    pub code: String,
    pub next: String,
}

#[derive(Template)]
#[template(path = "credentials.html")]
struct CredentialsPage {
    chrome: Chrome,
    client_id: String,
    client_secret: String,
    sent_to: String,
    heading: String,
}

#[derive(Template)]
#[template(path = "notice.html")]
struct NoticePage {
    chrome: Chrome,
    heading: String,
    paragraphs: Vec<String>,
    links: Vec<(String, String)>,
}

/// `POST /register/verify`: on the right code, issues the client id and secret (sandbox) or queues the
/// registration for an administrator (production).
pub async fn register_verify(
    State(portal): State<PortalState>,
    visitor: Visitor,
    Form(form): Form<OtpForm>,
) -> Result<Response, PortalError> {
    let otp = otp::verify(&portal, &form.otp_id, &form.code, "REGISTER").await?;
    let store = &portal.app.store;
    let dev = store
        .get_developer(&otp.developer_id)
        .await?
        .filter(|d| d.status == "PENDING")
        .ok_or_else(|| PortalError::conflict("This registration is already complete. Log in."))?;
    if !portal.sandbox() {
        store
            .set_developer_status(&dev.id, "PENDING", "AWAITING_APPROVAL")
            .await?;
        return Ok(render(&NoticePage {
            chrome: Chrome::new(&portal, &visitor, "Registration received"),
            heading: "Registration received".into(),
            paragraphs: vec![
                "Your mobile number is verified. An administrator now reviews the registration."
                    .into(),
                format!(
                    "Once it is approved, your client id and client secret are sent to {} and {}.",
                    masked_mobile(&dev.mobile),
                    dev.email
                ),
            ],
            links: vec![("/docs".into(), "Read the guide meanwhile".into())],
        }));
    }
    let (client, secret) = new_client(&portal, &dev).await?;
    if !store
        .activate_developer(&dev.id, "PENDING", &client)
        .await?
    {
        return Err(PortalError::conflict(
            "This registration is already complete. Log in.",
        ));
    }
    send_credentials(&portal, &dev, &client.client_id, &secret).await;
    let cookie = start_session(&portal, "DEVELOPER", &dev.id).await?;
    let page = CredentialsPage {
        chrome: Chrome {
            signed_in: Some(dev.name.clone()),
            ..Chrome::new(&portal, &visitor, "Your API credentials")
        },
        client_id: client.client_id,
        client_secret: secret,
        sent_to: masked_mobile(&dev.mobile),
        heading: "Registration complete".into(),
    };
    Ok(([(header::SET_COOKIE, cookie)], render(&page)).into_response())
}

/// A fresh client for the developer, and its secret in clear (shown once, never stored).
pub async fn new_client(
    portal: &PortalState,
    dev: &Developer,
) -> Result<(ApiClient, String), PortalError> {
    let secret = ids::client_secret();
    let secret_hash = secrets::hash_secret_blocking(secret.clone())
        .await
        .map_err(|_| PortalError::bad("Could not prepare the credentials; try again."))?;
    let client = ApiClient {
        client_id: ids::client_id(),
        secret_hash,
        name: dev.name.clone(),
        pan: Some(dev.pan.clone()),
        created_at: portal.now(),
        allowed_ips: Vec::new(),
    };
    Ok((client, secret))
}

/// Sends the credentials to the registered mobile and e-mail. A delivery failure is logged, not fatal:
/// the page shows them too (sandbox), and the administrator can resend by resetting (production).
pub async fn send_credentials(
    portal: &PortalState,
    dev: &Developer,
    client_id: &str,
    secret: &str,
) {
    let body = format!(
        "Your OpenIRP e-Invoice API credentials. Client id: {client_id} Client secret: {secret} \
         Keep the secret safe; the portal cannot show it again."
    );
    if let Err(e) = portal
        .messenger
        .notify(dev, "OpenIRP API credentials", &body, true)
        .await
    {
        tracing::warn!(error = %e, developer = %dev.id, "credentials not delivered");
    }
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    chrome: Chrome,
    next: String,
    client_id: String,
    error: Option<String>,
}

/// `?next=` after a login.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NextQuery {
    pub next: String,
}

/// `GET /login`.
pub async fn login_form(
    State(portal): State<PortalState>,
    visitor: Visitor,
    Query(q): Query<NextQuery>,
) -> Response {
    render(&LoginPage {
        chrome: Chrome::new(&portal, &visitor, "Log in"),
        next: q.next,
        client_id: String::new(),
        error: None,
    })
}

/// The password login form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LoginForm {
    pub client_id: String,
    pub password: String,
    pub next: String,
}

/// `POST /login`: client id + portal password, with a lock after repeated wrong passwords.
pub async fn login(
    State(portal): State<PortalState>,
    visitor: Visitor,
    Form(form): Form<LoginForm>,
) -> Result<Response, PortalError> {
    let refuse = |message: String, status| {
        let page = LoginPage {
            chrome: Chrome::new(&portal, &visitor, "Log in"),
            next: form.next.clone(),
            client_id: form.client_id.clone(),
            error: Some(message),
        };
        Ok((status, render(&page)).into_response())
    };
    let bad = axum::http::StatusCode::BAD_REQUEST;
    let dev = match account_for_client(&portal, &form.client_id).await? {
        Ok(dev) => dev,
        Err(message) => return refuse(message, bad),
    };
    let now = portal.now();
    if dev.locked_until > now {
        return refuse(
            locked_message(dev.locked_until),
            axum::http::StatusCode::TOO_MANY_REQUESTS,
        );
    }
    let Some(hash) = dev.password_hash.clone() else {
        return refuse(
            "No portal password is set for this account yet: log in with an OTP, then set one in the workspace.".into(),
            bad,
        );
    };
    if !secrets::secret_matches_blocking(hash, form.password.clone()).await {
        let after = portal
            .app
            .store
            .record_login_failure(&dev.id, now, LOCK_AFTER, LOCK_SECS)
            .await?;
        return match after {
            Some(d) if d.locked_until > now => refuse(
                locked_message(d.locked_until),
                axum::http::StatusCode::TOO_MANY_REQUESTS,
            ),
            _ => refuse("Wrong client id or password.".into(), bad),
        };
    }
    portal.app.store.clear_login_failures(&dev.id).await?;
    sign_in(&portal, "DEVELOPER", &dev.id, &form.next).await
}

fn locked_message(until: i64) -> String {
    format!(
        "Too many wrong passwords: password login is locked until {} IST. Log in with an OTP instead.",
        openirp_model::time::format_ist(until)
    )
}

/// The active account holding `client_id`, or why it cannot log in.
async fn account_for_client(
    portal: &PortalState,
    client_id: &str,
) -> Result<Result<Developer, String>, PortalError> {
    let found = portal
        .app
        .store
        .get_developer_by_client(client_id.trim())
        .await?;
    Ok(match found {
        Some(d) if d.status == "ACTIVE" => Ok(d),
        Some(d) if d.status == "AWAITING_APPROVAL" => {
            Err("This registration still waits for an administrator's approval.".into())
        }
        _ => Err("Wrong client id or password.".into()),
    })
}

/// The "send me an OTP" form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct OtpRequestForm {
    pub client_id: String,
    pub next: String,
}

/// `POST /login/otp`: sends a login OTP to the account's registered mobile.
pub async fn login_otp_send(
    State(portal): State<PortalState>,
    visitor: Visitor,
    Form(form): Form<OtpRequestForm>,
) -> Result<Response, PortalError> {
    let dev = account_for_client(&portal, &form.client_id)
        .await?
        .map_err(|_| PortalError::bad("Unknown client id, or the account is not active yet."))?;
    let otp_id = otp::send(&portal, &dev, "LOGIN", "{}").await?;
    Ok(render(&OtpPage {
        chrome: Chrome::new(&portal, &visitor, "Log in with an OTP"),
        heading: "Enter the code sent to your mobile".into(),
        action: "/login/otp/verify",
        otp_id,
        sent_to: masked_mobile(&dev.mobile),
        next: form.next,
        error: None,
    }))
}

/// `POST /login/otp/verify`.
pub async fn login_otp_verify(
    State(portal): State<PortalState>,
    Form(form): Form<OtpForm>,
) -> Result<Response, PortalError> {
    let otp = otp::verify(&portal, &form.otp_id, &form.code, "LOGIN").await?;
    let dev = portal
        .app
        .store
        .get_developer(&otp.developer_id)
        .await?
        .filter(|d| d.status == "ACTIVE")
        .ok_or_else(|| PortalError::forbidden("This account is not active."))?;
    portal.app.store.clear_login_failures(&dev.id).await?;
    sign_in(&portal, "DEVELOPER", &dev.id, &form.next).await
}

/// `POST /logout`.
pub async fn logout(
    State(portal): State<PortalState>,
    headers: HeaderMap,
) -> Result<Response, PortalError> {
    sign_out(&portal, &headers).await
}
