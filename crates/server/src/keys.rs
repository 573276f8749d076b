//! Key publication, no authentication needed: the login-encryption public key, the signing certificate,
//! and the signing key as a JWK set (with `kid` = upper-hex SHA-1 of the certificate, `x5t` = base64url).

use crate::state::Shared;
use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use serde_json::json;

const PEM: &str = "application/x-pem-file";

/// `GET /keys/auth-public.pem`: clients RSA-encrypt their login with this key.
pub async fn auth_public_key(State(state): State<Shared>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, PEM)],
        state.keys.auth.public_key_pem(),
    )
}

/// `GET /keys/signing-cert.pem`: verifies SignedInvoice and SignedQRCode.
pub async fn signing_certificate(State(state): State<Shared>) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, PEM)], state.keys.signing.cert_pem())
}

/// `GET /.well-known/jwks.json`.
pub async fn jwks(State(state): State<Shared>) -> impl IntoResponse {
    Json(json!({"keys": [state.keys.signing.jwk()]}))
}
