//! The NIC-compatible e-Invoice API: the wire contract of `nic-irp-api.md`.

pub mod allow_list;
pub mod auth;
pub mod cancel;
pub mod codes;
pub mod envelope;
pub mod ewayapi;
pub mod ewaybill;
pub mod findings;
pub mod generate;
pub mod headers;
pub mod irn_data;
pub mod lookup;
pub mod master;
pub mod payload;
pub mod session;
pub mod validate;

use crate::state::Shared;
use axum::Router;
use axum::routing::{get, post};

/// The NIC routes, written in lower case: [`crate::normalise_path`] folds incoming paths to match.
/// Every one of them sits behind the client's IP allow-list.
pub fn routes(state: Shared) -> Router<Shared> {
    Router::new()
        .route("/eivital/v1.04/auth", post(auth::auth_v104))
        .route("/eivital/v1.03/auth", post(auth::auth_v103))
        .route(
            "/eivital/v1.04/master/gstin/{gstin}",
            get(master::gstin_details),
        )
        .route(
            "/eivital/v1.03/master/gstin/{gstin}",
            get(master::gstin_details),
        )
        .route(
            "/eivital/v1.04/master/syncgstin/{gstin}",
            get(master::sync_gstin),
        )
        .route(
            "/eivital/v1.03/master/syncgstin/{gstin}",
            get(master::sync_gstin),
        )
        .route("/eivital/v1.04/heartbeat/ping", get(heartbeat))
        .route("/eicore/v1.03/invoice", post(generate::generate))
        .route("/eicore/v1.03/invoice/validate", post(validate::validate))
        .route("/eicore/v1.03/invoice/cancel", post(cancel::cancel))
        .route("/eicore/v1.03/cancel", post(cancel::cancel))
        .route("/eicore/v1.03/invoice/irn/{irn}", get(lookup::by_irn))
        .route("/eicore/v1.03/invoice/irnbydocdetails", get(lookup::by_doc))
        .route("/eicore/v1.03/invoice/rejectedirns", get(lookup::rejected))
        .route("/eiewb/v1.03/ewaybill", post(ewaybill::generate))
        .route("/eiewb/v1.03/ewaybill/irn/{irn}", get(ewaybill::by_irn))
        .route("/ewaybillapi/v1.03/ewayapi", post(ewayapi::ewayapi))
        .layer(axum::middleware::from_fn_with_state(
            state,
            allow_list::enforce,
        ))
}

/// Liveness for clients that ping before calling.
async fn heartbeat() -> axum::Json<serde_json::Value> {
    axum::Json(serde_json::json!({"Status": 1}))
}
