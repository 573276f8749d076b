//! The Try-it console: a signed-in developer picks one of their API users and an API, edits a sample
//! request and runs it against the live server in this process. The results page shows every step
//! (login before and after RSA, the SEK, plain and encrypted request, raw and decrypted answer, the
//! signed invoice and QR code verified, the QR image). Secrets typed into the form are used for the
//! one run and never stored, logged or shown again.

mod api;
mod crypto_api;
mod json;
mod qr;
mod run;
mod signed;

use crate::state::PortalState;
use crate::web::{Chrome, PortalError, SignedIn, Visitor, render};
use api::{Api, LastInvoice, SampleContext};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use openirp_model::time::{format_doc_date, ist_date};
use openirp_store::ApiUser;
use serde::Deserialize;

/// The console routes.
pub fn routes() -> Router<PortalState> {
    Router::new()
        .route("/console", get(page))
        .route("/console/run", post(run_form))
        .route(
            "/console/api/encrypt-login",
            post(crypto_api::encrypt_login),
        )
        .route("/console/api/aes-encrypt", post(crypto_api::aes_encrypt))
        .route("/console/api/aes-decrypt", post(crypto_api::aes_decrypt))
        .route("/console/api/verify-jws", post(crypto_api::verify_jws))
        .route("/console/api/qr", post(crypto_api::qr))
}

/// One option of a select.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// The console form as the page shows it. Password and client secret are never put back.
pub struct FormView {
    pub apis: Vec<Choice>,
    pub users: Vec<Choice>,
    pub client_id: String,
    pub request: String,
    pub help: &'static str,
    pub api: &'static str,
}

#[derive(Template)]
#[template(path = "console.html")]
struct ConsolePage {
    chrome: Chrome,
    form: FormView,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "console_result.html")]
struct ResultPage {
    chrome: Chrome,
    form: FormView,
    api_label: &'static str,
    username: String,
    gstin: String,
    notes: Vec<String>,
    trace: run::Trace,
    /// Follow-up calls on the IRN just returned: (api key, label, request).
    next: Vec<(&'static str, &'static str, String)>,
}

/// `GET /console?api=&user=`: the form, with the sample of the chosen API.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PageQuery {
    api: String,
    user: String,
}

/// `GET /console`.
async fn page(
    State(portal): State<PortalState>,
    signed_in: SignedIn,
    visitor: Visitor,
    Query(query): Query<PageQuery>,
) -> Result<Response, PortalError> {
    let users = owned_users(&portal, &signed_in).await?;
    let api = Api::from_key(&query.api).unwrap_or(Api::GenerateIrn);
    let user = users
        .iter()
        .find(|u| u.username == query.user)
        .or(users.first());
    let request = sample_for(&portal, api, user).await?;
    Ok(render(&ConsolePage {
        chrome: chrome(&portal, &visitor, &signed_in),
        form: form_view(api, &users, user, &signed_in.client_id, request),
        error: None,
    }))
}

/// What `POST /console/run` receives. The `csrf` field is checked (and ignored here) by the guard.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct RunForm {
    api: String,
    user: String,
    password: String,
    client_secret: String,
    request: String,
    /// `load` fills the request box with the API's sample, `load-request` with `request`, instead of
    /// running.
    action: String,
}

/// `POST /console/run`: runs the API and shows every step (or, with `action=load`, loads a sample).
async fn run_form(
    State(portal): State<PortalState>,
    signed_in: SignedIn,
    visitor: Visitor,
    Form(form): Form<RunForm>,
) -> Result<Response, PortalError> {
    let users = owned_users(&portal, &signed_in).await?;
    let user = match users.iter().find(|u| u.username == form.user) {
        Some(user) => user,
        None if form.user.trim().is_empty() => {
            return Ok(form_error(
                &portal,
                &visitor,
                &signed_in,
                &users,
                &form,
                None,
                "Choose one of your API users.",
            ));
        }
        // Checked before anything is sent: the console acts only for this developer's users.
        None => {
            return Err(PortalError::forbidden(
                "That API user is not one of yours. The console runs only your own users.",
            ));
        }
    };
    let Some(api) = Api::from_key(&form.api) else {
        return Ok(form_error(
            &portal,
            &visitor,
            &signed_in,
            &users,
            &form,
            Some(user),
            "Choose an API.",
        ));
    };
    if form.action == "load" || form.action == "load-request" {
        let request = if form.action == "load" {
            sample_for(&portal, api, Some(user)).await?
        } else {
            form.request.clone()
        };
        return Ok(render(&ConsolePage {
            chrome: chrome(&portal, &visitor, &signed_in),
            form: form_view(api, &users, Some(user), &signed_in.client_id, request),
            error: None,
        }));
    }
    if let Some(missing) = missing_secret(&form) {
        return Ok(form_error(
            &portal,
            &visitor,
            &signed_in,
            &users,
            &form,
            Some(user),
            missing,
        ));
    }
    let (request, filled) = request_or_sample(&portal, api, user, &form.request).await?;
    let planned = match api::plan(api, &request, &user.gstin) {
        Ok(mut planned) => {
            if filled {
                planned.notes.insert(
                    0,
                    "The request box was empty, so the sample request of this API was sent.".into(),
                );
            }
            planned
        }
        Err(explained) => {
            return Ok(form_error(
                &portal,
                &visitor,
                &signed_in,
                &users,
                &form,
                Some(user),
                &explained,
            ));
        }
    };
    let trace = run::execute(
        &portal,
        run::Inputs {
            api,
            username: &user.username,
            gstin: &user.gstin,
            password: &form.password,
            client_id: &signed_in.client_id,
            client_secret: &form.client_secret,
            call: planned.call,
        },
    )
    .await;
    let request = next_request_text(&request, &trace);
    Ok(render(&ResultPage {
        chrome: chrome(&portal, &visitor, &signed_in),
        form: form_view(api, &users, Some(user), &signed_in.client_id, request),
        api_label: api.label(),
        username: user.username.clone(),
        gstin: user.gstin.clone(),
        notes: planned.notes,
        next: follow_ups(&trace),
        trace,
    }))
}

fn chrome(portal: &PortalState, visitor: &Visitor, signed_in: &SignedIn) -> Chrome {
    Chrome::for_developer(portal, visitor, &signed_in.developer, "Try it")
}

/// The developer's API users.
async fn owned_users(
    portal: &PortalState,
    signed_in: &SignedIn,
) -> Result<Vec<ApiUser>, PortalError> {
    if signed_in.client_id.is_empty() {
        return Ok(Vec::new());
    }
    Ok(portal
        .app
        .store
        .list_users_by_owner(&signed_in.client_id)
        .await?)
}

/// The typed request, or the API's sample when the box was left empty (and whether it was).
async fn request_or_sample(
    portal: &PortalState,
    api: Api,
    user: &ApiUser,
    typed: &str,
) -> Result<(String, bool), PortalError> {
    if !typed.trim().is_empty() || api == Api::Authenticate {
        return Ok((typed.to_string(), false));
    }
    Ok((sample_for(portal, api, Some(user)).await?, true))
}

/// Which secret the form lacks, in words.
fn missing_secret(form: &RunForm) -> Option<&'static str> {
    if form.password.is_empty() {
        Some("Type the API user's password: the portal keeps only its hash.")
    } else if form.client_secret.is_empty() {
        Some("Type your client secret: the portal keeps only its hash.")
    } else {
        None
    }
}

/// The form again with an explanation of what to fix (400), keeping what was typed except secrets.
fn form_error(
    portal: &PortalState,
    visitor: &Visitor,
    signed_in: &SignedIn,
    users: &[ApiUser],
    form: &RunForm,
    user: Option<&ApiUser>,
    message: &str,
) -> Response {
    let api = Api::from_key(&form.api).unwrap_or(Api::GenerateIrn);
    let mut response = render(&ConsolePage {
        chrome: chrome(portal, visitor, signed_in),
        form: form_view(api, users, user, &signed_in.client_id, form.request.clone()),
        error: Some(message.to_string()),
    });
    if response.status().is_success() {
        *response.status_mut() = StatusCode::BAD_REQUEST;
    }
    response
}

fn form_view(
    api: Api,
    users: &[ApiUser],
    user: Option<&ApiUser>,
    client_id: &str,
    request: String,
) -> FormView {
    FormView {
        apis: Api::ALL
            .iter()
            .map(|a| Choice {
                value: a.key().to_string(),
                label: a.label().to_string(),
                selected: *a == api,
            })
            .collect(),
        users: users
            .iter()
            .map(|u| Choice {
                value: u.username.clone(),
                label: format!("{} — {}", u.username, u.gstin),
                selected: user.is_some_and(|s| s.username == u.username),
            })
            .collect(),
        client_id: client_id.to_string(),
        request,
        help: api.help(),
        api: api.key(),
    }
}

/// The sample request of `api` for `user`: today's date, a fresh document number, and the user's
/// latest IRN for the get and cancel APIs.
async fn sample_for(
    portal: &PortalState,
    api: Api,
    user: Option<&ApiUser>,
) -> Result<String, PortalError> {
    let last = match user {
        Some(user) if api != Api::GenerateIrn => portal
            .app
            .store
            .list_einvoices_by_seller(&user.gstin, 1)
            .await?
            .into_iter()
            .next()
            .map(|inv| LastInvoice {
                irn: inv.irn,
                doc_type: inv.doc_type,
                doc_no: inv.doc_no,
                doc_date: inv.doc_date,
            }),
        _ => None,
    };
    Ok(api::sample(
        api,
        &SampleContext {
            today: format_doc_date(ist_date(portal.now())),
            doc_no: fresh_doc_no(),
            last,
        },
    ))
}

/// `TRY/` and 8 random hex digits: valid as a NIC document number and unlikely to repeat.
fn fresh_doc_no() -> String {
    let mut bytes = [0u8; 4];
    // The number only needs to differ from the last run's; a fixed one is still a valid sample.
    let _ = getrandom::fill(&mut bytes);
    format!("TRY/{}", hex::encode_upper(bytes))
}

/// The request box after a run: the same text, but a new document number once an IRN was generated
/// for it, so sending the form again makes a new invoice instead of hitting 2150.
fn next_request_text(request: &str, trace: &run::Trace) -> String {
    if trace.generated_doc_no.is_empty() {
        request.to_string()
    } else {
        api::with_fresh_doc_no(request, &trace.generated_doc_no, &fresh_doc_no())
    }
}

/// Get, get-by-document and cancel requests for the IRN a run returned.
fn follow_ups(trace: &run::Trace) -> Vec<(&'static str, &'static str, String)> {
    if trace.irn.is_empty() {
        return Vec::new();
    }
    let irn = api::quoted(&trace.irn);
    vec![
        (
            Api::GetIrn.key(),
            "Get this IRN",
            format!("{{\"Irn\": {irn}}}"),
        ),
        (
            Api::GetEwb.key(),
            "Get this IRN's e-way bill",
            format!("{{\"Irn\": {irn}}}"),
        ),
        (
            Api::CancelIrn.key(),
            "Cancel this IRN",
            format!("{{\"Irn\": {irn}, \"CnlRsn\": \"1\", \"CnlRem\": \"Wrong entry\"}}"),
        ),
    ]
}
