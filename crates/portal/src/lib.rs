//! The OpenIRP developer portal, served by `openirp serve` beside the NIC API: registration with OTP,
//! portal login, the GSP and taxpayer workspaces (dummy GSTINs, API users, GSP links, credentials),
//! production onboarding approval, the API documentation, the Try-it console and the status page.
//! Pages are rendered on the server (askama) and every form works without JavaScript.

pub mod account;
pub mod admin;
pub mod assets;
pub mod console;
pub mod docs;
pub mod messaging;
pub mod otp;
pub mod state;
pub mod status;
pub mod web;
pub mod workspace;

pub use state::{Portal, PortalSettings, PortalState};

use axum::Router;
use axum::routing::{get, post};

/// The whole server as `openirp serve` runs it: the NIC API and the server's own routes, the portal,
/// and the answer counter of the status page in front of all of them.
pub fn app(portal: PortalState) -> Router {
    openirp_server::router_with(portal.app.clone(), routes(portal.clone())).layer(
        axum::middleware::from_fn_with_state(portal, status::count_answers),
    )
}

/// Every portal route, with the visitor-cookie and CSRF guard in front of them.
pub fn routes(portal: PortalState) -> Router {
    let pages = Router::new()
        .route("/", get(account::home))
        .route(
            "/register",
            get(account::register_form).post(account::register),
        )
        .route("/register/verify", post(account::register_verify))
        .route("/login", get(account::login_form).post(account::login))
        .route("/login/otp", post(account::login_otp_send))
        .route("/login/otp/verify", post(account::login_otp_verify))
        .route("/logout", post(account::logout))
        .merge(workspace::routes())
        .merge(admin::routes())
        .merge(docs::routes())
        .merge(console::routes())
        .merge(status::routes())
        .route("/sandbox/outbox", get(messaging::outbox_page));
    pages
        .layer(axum::middleware::from_fn_with_state(
            portal.clone(),
            web::guard,
        ))
        .route("/static/{*path}", get(assets::serve))
        .with_state(portal)
}
