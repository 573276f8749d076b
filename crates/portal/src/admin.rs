//! Production onboarding: administrators (made with `openirp admin create`) approve or reject
//! registrations. Approval issues the client id and secret and sends them to the registered mobile and
//! e-mail, the only places the secret ever appears in production.

use crate::account::{new_client, send_credentials};
use crate::state::PortalState;
use crate::web::{AdminSignedIn, Chrome, PortalError, Visitor, render, sign_in};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use openirp_model::time::format_ist;
use openirp_server::secrets;
use openirp_store::Admin;
use serde::Deserialize;

/// The admin routes.
pub fn routes() -> Router<PortalState> {
    Router::new()
        .route("/admin/login", get(login_form).post(login))
        .route("/admin", get(queue))
        .route("/admin/registrations/{id}/approve", post(approve))
        .route("/admin/registrations/{id}/reject", post(reject))
}

/// Creates an administrator (the CLI's `openirp admin create`).
pub async fn create_admin(
    store: &dyn openirp_store::Store,
    username: &str,
    password: &str,
    now: i64,
) -> Result<(), String> {
    let ok_name = (3..=32).contains(&username.len())
        && username
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b));
    if !ok_name {
        return Err("the username has 3 to 32 letters, digits, '_', '.' or '-'".into());
    }
    if password.len() < 12 {
        return Err("the password needs at least 12 characters".into());
    }
    let password_hash = secrets::hash_secret_blocking(password.to_string()).await?;
    store
        .create_admin(&Admin {
            username: username.to_string(),
            password_hash,
            created_at: now,
        })
        .await
        .map_err(|e| match e {
            openirp_store::StoreError::Conflict(_) => {
                format!("the admin {username} already exists")
            }
            other => other.to_string(),
        })
}

#[derive(Template)]
#[template(path = "admin_login.html")]
struct LoginPage {
    chrome: Chrome,
    next: String,
    error: Option<String>,
}

/// `GET /admin/login`.
pub async fn login_form(
    State(portal): State<PortalState>,
    visitor: Visitor,
    Query(q): Query<crate::account::NextQuery>,
) -> Response {
    render(&LoginPage {
        chrome: Chrome::new(&portal, &visitor, "Administrator login"),
        next: q.next,
        error: None,
    })
}

/// The admin login form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AdminLoginForm {
    pub username: String,
    pub password: String,
    pub next: String,
}

/// Wrong admin passwords per username before admin login pauses, and for how long.
const ADMIN_LOCK_AFTER: i64 = 5;
const ADMIN_LOCK_SECS: i64 = 15 * 60;

/// `POST /admin/login`: five wrong passwords for a name pause its login for fifteen minutes.
pub async fn login(
    State(portal): State<PortalState>,
    visitor: Visitor,
    Form(form): Form<AdminLoginForm>,
) -> Result<Response, PortalError> {
    let name = form.username.trim();
    let now = portal.now();
    // Counted in the database, so the pause holds on every node behind the load balancer.
    let store = &portal.app.store;
    if let Some(until) = store.admin_login_paused_until(name, now).await? {
        return Err(PortalError::too_many(format!(
            "Too many wrong passwords for this name: admin login is paused until {} IST.",
            format_ist(until)
        )));
    }
    let admin = store.get_admin(name).await?;
    let ok = match admin {
        Some(a) => secrets::secret_matches_blocking(a.password_hash, form.password.clone()).await,
        // Spend the same time on an unknown name, so the answer does not tell names apart.
        None => {
            let _ = secrets::hash_secret_blocking(form.password.clone()).await;
            false
        }
    };
    if !ok {
        store
            .record_admin_login_failure(name, now, ADMIN_LOCK_AFTER, ADMIN_LOCK_SECS)
            .await?;
        let page = LoginPage {
            chrome: Chrome::new(&portal, &visitor, "Administrator login"),
            next: form.next,
            error: Some("Wrong username or password.".into()),
        };
        return Ok((axum::http::StatusCode::BAD_REQUEST, render(&page)).into_response());
    }
    store.clear_admin_login_failures(name).await?;
    let next = if form.next.starts_with("/admin") {
        form.next.as_str()
    } else {
        "/admin"
    };
    sign_in(&portal, "ADMIN", name, next).await
}

struct Pending {
    id: String,
    category: String,
    identifier: String,
    name: String,
    mobile: String,
    email: String,
    since: String,
}

#[derive(Template)]
#[template(path = "admin.html")]
struct QueuePage {
    chrome: Chrome,
    pending: Vec<Pending>,
    active: usize,
}

/// `GET /admin`: registrations waiting for approval.
pub async fn queue(
    State(portal): State<PortalState>,
    visitor: Visitor,
    _admin: AdminSignedIn,
) -> Result<Response, PortalError> {
    let store = &portal.app.store;
    let pending = store
        .list_developers("AWAITING_APPROVAL")
        .await?
        .into_iter()
        .map(|d| Pending {
            identifier: d.gstin.clone().unwrap_or_else(|| d.pan.clone()),
            id: d.id,
            category: d.category,
            name: d.name,
            mobile: d.mobile,
            email: d.email,
            since: format_ist(d.created_at),
        })
        .collect();
    let active = store.list_developers("ACTIVE").await?.len();
    Ok(render(&QueuePage {
        chrome: Chrome::new(&portal, &visitor, "Onboarding approvals"),
        pending,
        active,
    }))
}

/// `POST /admin/registrations/{id}/approve`: issues the credentials and sends them to the developer.
pub async fn approve(
    State(portal): State<PortalState>,
    _admin: AdminSignedIn,
    Path(id): Path<String>,
) -> Result<Response, PortalError> {
    let store = &portal.app.store;
    let dev = store
        .get_developer(&id)
        .await?
        .filter(|d| d.status == "AWAITING_APPROVAL")
        .ok_or_else(|| PortalError::not_found("No registration waits under that id."))?;
    let (client, secret) = new_client(&portal, &dev).await?;
    if !store
        .activate_developer(&dev.id, "AWAITING_APPROVAL", &client)
        .await?
    {
        return Err(PortalError::conflict(
            "Another administrator decided on it first.",
        ));
    }
    send_credentials(&portal, &dev, &client.client_id, &secret).await;
    tracing::info!(developer = %dev.id, client_id = %client.client_id, "registration approved");
    Ok(Redirect::to("/admin").into_response())
}

/// `POST /admin/registrations/{id}/reject`.
pub async fn reject(
    State(portal): State<PortalState>,
    _admin: AdminSignedIn,
    Path(id): Path<String>,
) -> Result<Response, PortalError> {
    let store = &portal.app.store;
    let dev = store
        .get_developer(&id)
        .await?
        .ok_or_else(|| PortalError::not_found("No registration under that id."))?;
    if !store
        .set_developer_status(&id, "AWAITING_APPROVAL", "REJECTED")
        .await?
    {
        return Err(PortalError::conflict(
            "It is no longer waiting for a decision.",
        ));
    }
    let body =
        "Your OpenIRP API registration was not approved. Contact the operator for the reason.";
    if let Err(e) = portal
        .messenger
        .notify(&dev, "OpenIRP registration", body, false)
        .await
    {
        tracing::warn!(error = %e, "rejection notice not delivered");
    }
    Ok(Redirect::to("/admin").into_response())
}
