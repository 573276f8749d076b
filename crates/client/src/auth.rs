//! NIC v1.04 authentication, as pure functions: building the encrypted login
//! body and turning the response into a [`Session`] (unwrapping the SEK).

use chrono::{DateTime, Duration, FixedOffset, NaiveDateTime, TimeZone};
use openirp_crypto::{AuthPublicKey, aes_decrypt_b64, b64_encode, random_key};
use serde::Serialize;
use serde_json::Value;

use crate::ClientError;
use crate::envelope::{Envelope, get_ci};

/// NIC's `TokenExpiry` format; the time is IST.
const TOKEN_EXPIRY_FORMAT: &str = "%Y-%m-%d %H:%M:%S";
/// IST is UTC+05:30 all year (no DST).
const IST_OFFSET_SECONDS: i32 = 5 * 3600 + 30 * 60;

/// What an API user needs to log in.
#[derive(Clone)]
pub struct Credentials {
    pub client_id: String,
    pub client_secret: String,
    pub username: String,
    pub password: String,
    pub gstin: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("client_id", &self.client_id)
            .field("username", &self.username)
            .field("gstin", &self.gstin)
            .finish_non_exhaustive() // secret and password stay out of logs
    }
}

/// A logged-in session: the token and the SEK that encrypts every call.
#[derive(Clone)]
pub struct Session {
    pub auth_token: String,
    pub sek: [u8; 32],
    /// As sent by the IRP: `yyyy-MM-dd HH:mm:ss`, IST.
    pub token_expiry: String,
    pub username: String,
    pub gstin: String,
}

impl Session {
    /// `TokenExpiry` as a point in time, if it parses.
    pub fn expires_at(&self) -> Option<DateTime<FixedOffset>> {
        let naive =
            NaiveDateTime::parse_from_str(self.token_expiry.trim(), TOKEN_EXPIRY_FORMAT).ok()?;
        ist().from_local_datetime(&naive).single()
    }

    /// `true` if the token expires within `margin` of `now` (or its expiry is unknown).
    pub fn expires_within(&self, now: DateTime<FixedOffset>, margin: Duration) -> bool {
        self.expires_at()
            .is_none_or(|expiry| expiry - now <= margin)
    }
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("username", &self.username)
            .field("gstin", &self.gstin)
            .field("token_expiry", &self.token_expiry)
            .finish_non_exhaustive() // token and SEK stay out of logs
    }
}

/// Indian Standard Time.
pub(crate) fn ist() -> FixedOffset {
    FixedOffset::east_opt(IST_OFFSET_SECONDS).expect("+05:30 is a valid offset")
}

/// A ready-to-send auth request and the AppKey needed to read its answer.
pub struct AuthRequest {
    /// `{"Data":"<base64 RSA(base64(credential JSON))>"}`.
    pub body: String,
    /// The 32 random bytes sent as `AppKey`; the SEK comes back encrypted with them.
    pub app_key: [u8; 32],
}

/// The v1.04 credential JSON, in NIC's member order.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct LoginJson<'a> {
    user_name: &'a str,
    password: &'a str,
    app_key: &'a str,
    force_refresh_access_token: bool,
}

/// Builds the v1.04 auth body with a fresh AppKey:
/// JSON → base64 → RSA PKCS#1 v1.5 (server's auth key) → base64 → `{"Data":..}`.
pub fn build_auth_request(
    public_key: &AuthPublicKey,
    username: &str,
    password: &str,
    force_refresh: bool,
) -> Result<AuthRequest, ClientError> {
    let app_key = random_key();
    let login = LoginJson {
        user_name: username,
        password,
        app_key: &b64_encode(&app_key),
        force_refresh_access_token: force_refresh,
    };
    let json = serde_json::to_vec(&login)
        .map_err(|e| ClientError::Protocol(format!("cannot serialise login: {e}")))?;
    let ciphertext = public_key.encrypt(b64_encode(&json).as_bytes())?;
    Ok(AuthRequest {
        body: format!(r#"{{"Data":"{}"}}"#, b64_encode(&ciphertext)),
        app_key,
    })
}

/// Turns a parsed auth response into a [`Session`]: checks `Status`, reads
/// `AuthToken`/`Sek`/`TokenExpiry` and decrypts `Sek` with the AppKey.
pub fn session_from_auth_response(
    envelope: Envelope,
    app_key: &[u8; 32],
    username: &str,
    gstin: &str,
) -> Result<Session, ClientError> {
    let data = envelope.into_success_data()?;
    let Some(Value::Object(data)) = data else {
        return Err(ClientError::Protocol("auth Data is not an object".into()));
    };
    let text = |key: &str| get_ci(&data, key).and_then(Value::as_str);
    let auth_token = text("AuthToken")
        .filter(|t| !t.is_empty())
        .ok_or_else(|| ClientError::Protocol("auth response has no AuthToken".into()))?;
    let sek_b64 =
        text("Sek").ok_or_else(|| ClientError::Protocol("auth response has no Sek".into()))?;
    Ok(Session {
        auth_token: auth_token.to_owned(),
        sek: unwrap_sek(sek_b64, app_key)?,
        token_expiry: text("TokenExpiry").unwrap_or_default().to_owned(),
        username: text("UserName").unwrap_or(username).to_owned(),
        gstin: gstin.to_owned(),
    })
}

/// `Sek` = base64(AES-256-ECB(AppKey, SEK)); the SEK must be 32 bytes.
fn unwrap_sek(sek_b64: &str, app_key: &[u8; 32]) -> Result<[u8; 32], ClientError> {
    let sek = aes_decrypt_b64(app_key, sek_b64)
        .map_err(|e| ClientError::Protocol(format!("cannot decrypt Sek with the AppKey: {e}")))?;
    <[u8; 32]>::try_from(sek.as_slice())
        .map_err(|_| ClientError::Protocol(format!("SEK is {} bytes, expected 32", sek.len())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::envelope::parse_envelope;
    use openirp_crypto::{AuthKeyPair, aes_encrypt_b64, b64_decode};
    use std::sync::OnceLock;

    fn server_key() -> &'static AuthKeyPair {
        static KEY: OnceLock<AuthKeyPair> = OnceLock::new();
        KEY.get_or_init(|| AuthKeyPair::generate().unwrap())
    }

    /// What a server does with the body: base64 → RSA decrypt → base64 →
    /// the credential JSON bytes.
    fn server_side_decode(body: &str) -> Vec<u8> {
        let outer: Value = serde_json::from_str(body).unwrap();
        let data = outer["Data"].as_str().unwrap();
        assert_eq!(data.len(), 344, "256-byte RSA block");
        let inner_b64 = server_key().decrypt(&b64_decode(data).unwrap()).unwrap();
        b64_decode(std::str::from_utf8(&inner_b64).unwrap()).unwrap()
    }

    #[test]
    fn auth_body_carries_the_v104_login_json() {
        let public = AuthPublicKey::from_pem(&server_key().public_key_pem()).unwrap();
        let request = build_auth_request(&public, "API_ACME", "Pa$$w0rd#1", true).unwrap();
        let json = String::from_utf8(server_side_decode(&request.body)).unwrap();

        let login: Value = serde_json::from_str(&json).unwrap();
        let app_key = login["AppKey"].as_str().unwrap();
        assert_eq!(app_key.len(), 44);
        assert_eq!(b64_decode(app_key).unwrap(), request.app_key);
        // Compact, in NIC's member order, with a JSON boolean.
        assert_eq!(
            json,
            format!(
                r#"{{"UserName":"API_ACME","Password":"Pa$$w0rd#1","AppKey":"{app_key}","ForceRefreshAccessToken":true}}"#
            )
        );
    }

    #[test]
    fn each_auth_request_gets_a_fresh_app_key() {
        let public = AuthPublicKey::from_pem(&server_key().public_key_pem()).unwrap();
        let a = build_auth_request(&public, "u", "p", false).unwrap();
        let b = build_auth_request(&public, "u", "p", false).unwrap();
        assert_ne!(a.app_key, b.app_key);
        let login: Value = serde_json::from_slice(&server_side_decode(&a.body)).unwrap();
        assert_eq!(login["ForceRefreshAccessToken"], false);
    }

    #[test]
    fn overlong_credentials_are_a_crypto_error_not_a_truncation() {
        let public = AuthPublicKey::from_pem(&server_key().public_key_pem()).unwrap();
        let long_password = "x".repeat(100);
        let err = build_auth_request(&public, "user", &long_password, false)
            .err()
            .unwrap();
        assert!(matches!(err, ClientError::Crypto(_)), "{err}");
    }

    fn auth_response(sek_b64: &str) -> Vec<u8> {
        format!(
            r#"{{"Status":1,"Data":{{"ClientId":"AAACL07TXPJK4L8","UserName":"API_ACME","AuthToken":"1bpOWjGfMl9bQ5yC2wFgLeNTq","Sek":"{sek_b64}","TokenExpiry":"2021-04-08 17:58:00"}},"ErrorDetails":null,"InfoDtls":null}}"#
        )
        .into_bytes()
    }

    #[test]
    fn session_unwraps_the_sek_with_the_app_key() {
        let app_key = random_key();
        let sek = random_key();
        let sek_b64 = aes_encrypt_b64(&app_key, &sek);
        assert_eq!(sek_b64.len(), 64);
        let env = parse_envelope(&auth_response(&sek_b64)).unwrap();
        let session =
            session_from_auth_response(env, &app_key, "ignored", "29AAACL07TXPJK4").unwrap();
        assert_eq!(session.sek, sek);
        assert_eq!(session.auth_token, "1bpOWjGfMl9bQ5yC2wFgLeNTq");
        assert_eq!(session.username, "API_ACME");
        assert_eq!(session.gstin, "29AAACL07TXPJK4");
        assert_eq!(session.token_expiry, "2021-04-08 17:58:00");
        assert_eq!(
            session.expires_at().unwrap().to_rfc3339(),
            "2021-04-08T17:58:00+05:30"
        );
        assert!(
            !format!("{session:?}").contains("1bpOWj"),
            "token must not be logged"
        );
    }

    #[test]
    fn bad_sek_and_failed_auth_are_reported() {
        let app_key = random_key();
        // A 16-byte SEK is well-formed AES but the wrong size.
        let short = aes_encrypt_b64(&app_key, &[7u8; 16]);
        let env = parse_envelope(&auth_response(&short)).unwrap();
        let err = session_from_auth_response(env, &app_key, "u", "g").unwrap_err();
        assert!(err.to_string().contains("SEK is 16 bytes"), "{err}");

        let env = parse_envelope(&auth_response("not-base64")).unwrap();
        assert!(matches!(
            session_from_auth_response(env, &app_key, "u", "g"),
            Err(ClientError::Protocol(_))
        ));

        let failed = br#"{"Status":0,"ErrorDetails":[{"ErrorCode":"1008","ErrorMessage":"Invalid login credentials"}],"Data":null,"InfoDtls":null}"#;
        let err = session_from_auth_response(parse_envelope(failed).unwrap(), &app_key, "u", "g")
            .unwrap_err();
        assert!(err.has_nic_code("1008"));
    }

    #[test]
    fn expiry_margin_decides_refresh() {
        let session = Session {
            auth_token: "t".into(),
            sek: [0; 32],
            token_expiry: "2021-04-08 17:58:00".into(),
            username: "u".into(),
            gstin: "g".into(),
        };
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap();
        let margin = Duration::minutes(10);
        assert!(!session.expires_within(at("2021-04-08T17:47:59+05:30"), margin));
        assert!(session.expires_within(at("2021-04-08T17:48:00+05:30"), margin));
        // Same instant written in UTC.
        assert!(session.expires_within(at("2021-04-08T12:20:00+00:00"), margin));
        let unknown = Session {
            token_expiry: "soon".into(),
            ..session
        };
        assert!(unknown.expires_within(at("2000-01-01T00:00:00+05:30"), margin));
    }
}
