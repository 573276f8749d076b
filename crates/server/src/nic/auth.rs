//! `POST /eivital/v1.04/auth` (and the legacy v1.03 form): RSA-encrypted login, AuthToken, and a session
//! key (Sek) returned encrypted under the client's AppKey. A token is bound to client id, user and GSTIN;
//! asking again while it is valid returns the same token and key; a forced refresh is honoured only in
//! the last 10 minutes of its life.

use super::codes;
use super::envelope::{Failure, NicResult, Success};
use super::headers::header;
use super::payload::{envelope_data, member, read_body};
use super::session::check_client;
use crate::ids;
use crate::secrets::secret_matches_blocking;
use crate::state::Shared;
use axum::body::Body;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use openirp_crypto::{b64_decode, random_key};
use openirp_store::Session;
use serde::Serialize;
use serde_json::{Map, Value};

/// A forced refresh is honoured only this close to expiry.
const REFRESH_WINDOW_SECS: i64 = 600;

/// What the client asked for, after decryption.
struct Login {
    username: String,
    password: String,
    app_key: Vec<u8>,
    force_refresh: bool,
}

#[derive(Serialize)]
struct AuthData<'a> {
    #[serde(rename = "ClientId")]
    client_id: &'a str,
    #[serde(rename = "UserName")]
    user_name: &'a str,
    #[serde(rename = "AuthToken")]
    auth_token: &'a str,
    #[serde(rename = "Sek")]
    sek: String,
    #[serde(rename = "TokenExpiry")]
    token_expiry: String,
}

/// v1.04: the whole credential JSON, base64-encoded, is RSA-encrypted; header `Gstin` is required.
pub async fn auth_v104(State(state): State<Shared>, headers: HeaderMap, body: Body) -> Response {
    login(&state, &headers, body, false).await.into_response()
}

/// v1.03: password and AppKey are RSA-encrypted one by one inside `{"data":{…}}`; `Gstin` optional.
pub async fn auth_v103(State(state): State<Shared>, headers: HeaderMap, body: Body) -> Response {
    login(&state, &headers, body, true).await.into_response()
}

async fn login(state: &Shared, headers: &HeaderMap, body: Body, legacy: bool) -> NicResult {
    let client_id = header(headers, "client_id").ok_or(Failure::code(codes::CLIENT_ID_REQUIRED))?;
    let secret =
        header(headers, "client_secret").ok_or(Failure::code(codes::CLIENT_SECRET_REQUIRED))?;
    let gstin_header = header(headers, "gstin");
    if gstin_header.is_none() && !legacy {
        return Err(Failure::code(codes::HEADER_GSTIN_REQUIRED));
    }
    check_client(state, client_id, secret).await?;
    let bytes = read_body(body, state.config.max_body_bytes).await?;
    let login = if legacy {
        legacy_login(state, &bytes)?
    } else {
        v104_login(state, &bytes)?
    };
    let app_key: [u8; 32] = login.app_key.as_slice().try_into().map_err(|_| {
        Failure::code(codes::APP_KEY_DECRYPTION_FAILED)
            .explained("AppKey must be 32 random bytes, base64-encoded.")
    })?;

    let store = &state.store;
    let app_error = |_| Failure::code(codes::APPLICATION_ERROR);
    let user = store
        .get_user(&login.username)
        .await
        .map_err(app_error)?
        .ok_or(Failure::code(codes::UNKNOWN_USER))?;
    if !user.active {
        return Err(Failure::code(codes::INACTIVE_USER));
    }
    if !store
        .user_has_client(&user.username, client_id)
        .await
        .map_err(app_error)?
    {
        return Err(Failure::code(codes::CLIENT_NOT_MAPPED));
    }
    if !secret_matches_blocking(user.password_hash.clone(), login.password).await {
        return Err(Failure::code(codes::INCORRECT_PASSWORD));
    }
    if gstin_header.is_some_and(|g| !g.eq_ignore_ascii_case(&user.gstin)) {
        return Err(Failure::code(codes::INVALID_GSTIN_FOR_USER));
    }
    let registration = store.get_gstin(&user.gstin).await.map_err(app_error)?;
    if registration.is_none_or(|r| r.status != "ACT") {
        return Err(Failure::code(codes::INACTIVE_USER));
    }

    let now = state.now();
    let candidate = Session {
        token: ids::auth_token(),
        client_id: client_id.to_string(),
        username: user.username.clone(),
        gstin: user.gstin.clone(),
        sek: random_key(),
        issued_at: now,
        expires_at: now + state.config.token_minutes * 60,
    };
    let session = store
        .issue_session(&candidate, now, login.force_refresh, REFRESH_WINDOW_SECS)
        .await
        .map_err(app_error)?;
    Ok(Success::plain(&AuthData {
        client_id,
        user_name: &session.username,
        auth_token: &session.token,
        sek: openirp_crypto::aes_encrypt_b64(&app_key, &session.sek),
        token_expiry: openirp_model::time::format_ist(session.expires_at),
    }))
}

/// `Data` = base64(RSA(base64(JSON))). Accepts the JSON without the inner base64 step too.
fn v104_login(state: &Shared, body: &[u8]) -> Result<Login, Failure> {
    let data = envelope_data(body)?;
    let decryption_failed = || {
        Failure::code(codes::DECRYPTION_FAILED).explained(
            "Data must be base64 of the login JSON (itself base64-encoded) encrypted with RSA PKCS#1 v1.5 \
             under the key at /keys/auth-public.pem.",
        )
    };
    let cipher = b64_decode(&data).map_err(|_| decryption_failed())?;
    let plain = state
        .keys
        .auth
        .decrypt(&cipher)
        .map_err(|_| decryption_failed())?;
    let json = match b64_decode(std::str::from_utf8(&plain).unwrap_or_default()) {
        Ok(inner) => inner,
        Err(_) => plain,
    };
    let Ok(Value::Object(fields)) = serde_json::from_slice::<Value>(&json) else {
        return Err(Failure::code(codes::AUTH_FAILED)
            .explained("The decrypted login is not a JSON object."));
    };
    let app_key = b64_decode(&text(&fields, "AppKey")?)
        .map_err(|_| Failure::code(codes::APP_KEY_DECRYPTION_FAILED))?;
    Ok(Login {
        username: text(&fields, "UserName")?,
        password: text(&fields, "Password")?,
        app_key,
        force_refresh: flag(&fields, "ForceRefreshAccessToken"),
    })
}

/// `{"data":{"UserName","Password":b64(RSA(pw)),"AppKey":b64(RSA(key)),"ForceRefreshAccessToken"}}`.
fn legacy_login(state: &Shared, body: &[u8]) -> Result<Login, Failure> {
    let fields = match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => match member(&map, "data") {
            Some(Value::Object(inner)) => inner.clone(),
            _ => return Err(Failure::code(codes::DATA_EMPTY)),
        },
        _ => {
            return Err(Failure::code(codes::AUTH_FAILED)
                .explained("The request body is not a JSON object."));
        }
    };
    let rsa = |name: &str| -> Option<Vec<u8>> {
        state
            .keys
            .auth
            .decrypt(&b64_decode(&text(&fields, name).ok()?).ok()?)
            .ok()
    };
    let password = rsa("Password")
        .and_then(|p| String::from_utf8(p).ok())
        .ok_or(Failure::code(codes::PASSWORD_DECRYPTION_FAILED))?;
    let app_key = rsa("AppKey").ok_or(Failure::code(codes::APP_KEY_DECRYPTION_FAILED))?;
    // Old samples encrypted either the 32 key bytes or their base64 text.
    let app_key = match b64_decode(std::str::from_utf8(&app_key).unwrap_or_default()) {
        Ok(decoded) if decoded.len() == 32 && app_key.len() != 32 => decoded,
        _ => app_key,
    };
    Ok(Login {
        username: text(&fields, "UserName")?,
        password,
        app_key,
        force_refresh: flag(&fields, "ForceRefreshAccessToken"),
    })
}

/// A required text member of the login JSON (1007 if missing).
fn text(fields: &Map<String, Value>, name: &str) -> Result<String, Failure> {
    match member(fields, name) {
        Some(Value::String(s)) if !s.is_empty() => Ok(s.clone()),
        _ => {
            Err(Failure::code(codes::AUTH_FAILED)
                .explained(format!("The login JSON needs {name}.")))
        }
    }
}

/// `ForceRefreshAccessToken`: a JSON boolean, or the string `"true"` some clients send.
fn flag(fields: &Map<String, Value>, name: &str) -> bool {
    match member(fields, name) {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s.eq_ignore_ascii_case("true"),
        _ => false,
    }
}
