//! Portal-only crypto helpers for developers checking their own code step by step: browsers cannot do
//! RSA PKCS#1 v1.5 or AES-ECB, so the portal does it for them. Bound to the signed-in developer (and,
//! like every portal POST, to the `X-CSRF-Token` header the guard checks). Nothing sent here is logged.

use crate::state::PortalState;
use crate::web::SignedIn;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use openirp_crypto::{AuthPublicKey, aes_decrypt_b64, aes_encrypt_b64, b64_decode, b64_encode};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// A 400 with `{"error": "..."}`.
pub struct BadInput(String);

impl IntoResponse for BadInput {
    fn into_response(self) -> Response {
        (StatusCode::BAD_REQUEST, Json(json!({"error": self.0}))).into_response()
    }
}

/// The JSON body, or an explained 400.
fn body<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, BadInput> {
    serde_json::from_slice(bytes).map_err(|e| BadInput(format!("invalid request body: {e}")))
}

/// A base64 AES-256 key: exactly 32 bytes.
fn aes_key(key_b64: &str) -> Result<[u8; 32], BadInput> {
    let bytes = b64_decode(key_b64.trim())
        .map_err(|_| BadInput("key_b64 is not standard base64".into()))?;
    <[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| {
        BadInput(format!(
            "key_b64 decodes to {} bytes; AES-256 keys (AppKey, SEK) are 32 bytes",
            bytes.len()
        ))
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LoginJson {
    json: String,
}

/// `POST /console/api/encrypt-login` `{"json": "<login JSON>"}`: what the v1.04 auth body carries,
/// RSA PKCS#1 v1.5 under the server's auth public key over base64(JSON). PKCS#1 v1.5 is randomised,
/// so compare by sending the result, not by comparing bytes.
pub async fn encrypt_login(
    State(portal): State<PortalState>,
    _developer: SignedIn,
    bytes: Bytes,
) -> Result<Json<Value>, BadInput> {
    let input: LoginJson = body(&bytes)?;
    let public = AuthPublicKey::from_pem(&portal.app.keys.auth.public_key_pem())
        .map_err(|_| BadInput("the server's auth public key is unusable".into()))?;
    let inner = b64_encode(input.json.as_bytes());
    let cipher = public.encrypt(inner.as_bytes()).map_err(|e| {
        BadInput(format!(
            "{e}: the base64 of the login JSON must fit one RSA block"
        ))
    })?;
    let data = b64_encode(&cipher);
    Ok(Json(json!({
        "base64_json_length": inner.len(),
        "data": data,
        "body": format!(r#"{{"Data":"{data}"}}"#),
    })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AesEncrypt {
    key_b64: String,
    plain: String,
}

/// `POST /console/api/aes-encrypt` `{"key_b64", "plain"}` → `{"data_b64"}` (AES-256-ECB, PKCS#7).
pub async fn aes_encrypt(_developer: SignedIn, bytes: Bytes) -> Result<Json<Value>, BadInput> {
    let input: AesEncrypt = body(&bytes)?;
    let key = aes_key(&input.key_b64)?;
    Ok(Json(
        json!({"data_b64": aes_encrypt_b64(&key, input.plain.as_bytes())}),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AesDecrypt {
    key_b64: String,
    data_b64: String,
}

/// `POST /console/api/aes-decrypt` `{"key_b64", "data_b64"}` → `{"plain"}`.
pub async fn aes_decrypt(_developer: SignedIn, bytes: Bytes) -> Result<Json<Value>, BadInput> {
    let input: AesDecrypt = body(&bytes)?;
    let key = aes_key(&input.key_b64)?;
    let plain = aes_decrypt_b64(&key, input.data_b64.trim()).map_err(|_| {
        BadInput(
            "data_b64 does not decrypt under this key (wrong key, not base64, or bad padding)"
                .into(),
        )
    })?;
    let plain = String::from_utf8(plain)
        .map_err(|_| BadInput("the decrypted bytes are not UTF-8 text".into()))?;
    Ok(Json(json!({"plain": plain})))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Jws {
    jws: String,
}

/// `POST /console/api/verify-jws` `{"jws"}` → `{"valid", "header", "payload", "data", "reason"}`,
/// checked against this server's signing certificate.
pub async fn verify_jws(
    State(portal): State<PortalState>,
    _developer: SignedIn,
    bytes: Bytes,
) -> Result<Json<Value>, BadInput> {
    let input: Jws = body(&bytes)?;
    let parts = openirp_crypto::decode_jws_unverified(&input.jws)
        .map_err(|e| BadInput(format!("not a compact JWS: {e}")))?;
    let payload: Value = serde_json::from_slice(&parts.payload)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&parts.payload).into_owned()));
    let data = super::signed::data_text(&String::from_utf8_lossy(&parts.payload))
        .and_then(|d| serde_json::from_str::<Value>(&d).ok())
        .unwrap_or(Value::Null);
    let verdict = openirp_client::verify_signed(&input.jws, &portal.app.keys.signing.cert_pem());
    Ok(Json(json!({
        "valid": verdict.is_ok(),
        "reason": verdict.err().map(|e| e.to_string()),
        "header": parts.header,
        "payload": payload,
        "data": data,
    })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct QrText {
    text: String,
}

/// `POST /console/api/qr` `{"text"}` → `image/png`.
pub async fn qr(_developer: SignedIn, bytes: Bytes) -> Result<Response, BadInput> {
    let input: QrText = body(&bytes)?;
    if input.text.is_empty() {
        return Err(BadInput("text is empty".into()));
    }
    let (png, _) = super::qr::png(&input.text).map_err(BadInput)?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/png"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        png,
    )
        .into_response())
}
