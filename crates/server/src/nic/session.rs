//! Header authentication of every NIC API call but auth itself, in NIC's order: client id and secret
//! present (1011, 1012), GSTIN and user name present (1004, 1006), client valid (1010), token valid for
//! this client and user (1005), token's GSTIN equals the header GSTIN (1015).

use super::codes;
use super::envelope::Failure;
use super::headers::header;
use crate::state::AppState;
use axum::http::HeaderMap;
use openirp_store::Session;

/// An authenticated caller.
#[derive(Debug, Clone)]
pub struct Caller {
    pub session: Session,
}

impl Caller {
    /// The caller's GSTIN.
    pub fn gstin(&self) -> &str {
        &self.session.gstin
    }

    /// The session key that protects this caller's payloads.
    pub fn sek(&self) -> &[u8; 32] {
        &self.session.sek
    }
}

/// Checks the NIC headers and returns the caller, or NIC's error for the first problem found.
pub async fn authenticate(state: &AppState, headers: &HeaderMap) -> Result<Caller, Failure> {
    let client_id = header(headers, "client_id").ok_or(Failure::code(codes::CLIENT_ID_REQUIRED))?;
    let secret =
        header(headers, "client_secret").ok_or(Failure::code(codes::CLIENT_SECRET_REQUIRED))?;
    let gstin = header(headers, "gstin").ok_or(Failure::code(codes::HEADER_GSTIN_REQUIRED))?;
    let user = header(headers, "user_name").ok_or(Failure::code(codes::USER_NAME_REQUIRED))?;
    let token = header(headers, "authtoken").ok_or(Failure::code(codes::INVALID_TOKEN))?;

    let found = state
        .store
        .session_by_token(token)
        .await
        .map_err(|_| Failure::code(codes::APPLICATION_ERROR))?;
    let Some(found) = found.filter(|f| f.session.client_id == client_id) else {
        // No session for this client: say whether the client itself is wrong before blaming the token.
        check_client(state, client_id, secret).await?;
        return Err(Failure::code(codes::INVALID_TOKEN));
    };
    if !state
        .secrets
        .verify(&found.client_secret_hash, secret)
        .await
    {
        return Err(Failure::code(codes::INVALID_CLIENT));
    }
    let session = found.session;
    if session.username != user || state.now() >= session.expires_at {
        return Err(Failure::code(codes::INVALID_TOKEN));
    }
    if !session.gstin.eq_ignore_ascii_case(gstin) {
        return Err(Failure::code(codes::INVALID_GSTIN_FOR_USER));
    }
    Ok(Caller { session })
}

/// 1010 unless `client_id` exists and `secret` is its secret.
pub async fn check_client(state: &AppState, client_id: &str, secret: &str) -> Result<(), Failure> {
    let client = state
        .store
        .get_client(client_id)
        .await
        .map_err(|_| Failure::code(codes::APPLICATION_ERROR))?;
    match client {
        Some(c) if state.secrets.verify(&c.secret_hash, secret).await => Ok(()),
        _ => Err(Failure::code(codes::INVALID_CLIENT)),
    }
}
