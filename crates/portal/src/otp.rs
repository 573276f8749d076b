//! One-time passwords: six digits sent to the developer's mobile (and e-mail), stored only as an
//! argon2 hash, valid for ten minutes, spent on first use, dead after five wrong tries, and at most five
//! sent per purpose per hour.

use crate::state::PortalState;
use crate::web::PortalError;
use openirp_server::secrets;
use openirp_store::{Developer, Otp, OtpUse};

/// How long a code stays valid.
pub const OTP_TTL_SECS: i64 = 10 * 60;
/// Wrong codes after which an OTP is dead.
pub const MAX_ATTEMPTS: i64 = 5;
/// Codes that may be sent for one purpose in [`SEND_WINDOW_SECS`].
pub const MAX_SENDS: i64 = 5;
pub const SEND_WINDOW_SECS: i64 = 3600;

/// Six uniformly random digits.
fn six_digits() -> String {
    loop {
        let mut b = [0u8; 4];
        getrandom::fill(&mut b).expect("the OS random source is available");
        let n = u32::from_le_bytes(b);
        // Reject the top sliver so every code is equally likely.
        if n < u32::MAX - u32::MAX % 1_000_000 {
            return format!("{:06}", n % 1_000_000);
        }
    }
}

/// Sends a new code for `purpose` to the developer and returns the OTP id the next form carries.
/// `payload` is remembered with the code (never a plain secret).
pub async fn send(
    portal: &PortalState,
    dev: &Developer,
    purpose: &str,
    payload: &str,
) -> Result<String, PortalError> {
    let store = &portal.app.store;
    let now = portal.now();
    let sent = store
        .count_otps_since(&dev.id, purpose, now - SEND_WINDOW_SECS)
        .await?;
    if sent >= MAX_SENDS {
        return Err(PortalError::too_many(
            "Too many codes were sent in the last hour. Wait a while before asking for another.",
        ));
    }
    let code = six_digits();
    let code_hash = secrets::hash_secret_blocking(code.clone())
        .await
        .map_err(|_| PortalError::bad("Could not prepare a code; try again."))?;
    let otp = Otp {
        id: crate::web::random_hex(),
        purpose: purpose.to_string(),
        developer_id: dev.id.clone(),
        code_hash,
        payload: payload.to_string(),
        created_at: now,
        expires_at: now + OTP_TTL_SECS,
        attempts: 0,
        used: false,
    };
    store.create_otp(&otp).await?;
    let body = format!(
        "{code} is your OpenIRP one-time password to {}. It is valid for {} minutes. Do not share it.",
        purpose_text(purpose),
        OTP_TTL_SECS / 60
    );
    portal
        .messenger
        .notify(dev, "OpenIRP one-time password", &body, false)
        .await
        .map_err(|e| {
            tracing::warn!(error = %e, "OTP not delivered");
            PortalError::new(
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                "The code could not be sent just now; try again in a minute.",
            )
        })?;
    Ok(otp.id)
}

fn purpose_text(purpose: &str) -> &'static str {
    match purpose {
        "REGISTER" => "complete your registration",
        "LOGIN" => "log in to the portal",
        "CREATE_USER" => "create an API user",
        _ => "confirm your request",
    }
}

/// Checks `code` against OTP `otp_id` for `purpose` and spends it. Every refusal says what to do.
pub async fn verify(
    portal: &PortalState,
    otp_id: &str,
    code: &str,
    purpose: &str,
) -> Result<Otp, PortalError> {
    let store = &portal.app.store;
    let now = portal.now();
    let request_new = "Ask for a new code.";
    let otp = store
        .get_otp(otp_id)
        .await?
        .filter(|o| o.purpose == purpose)
        .ok_or_else(|| PortalError::bad(format!("This code request is unknown. {request_new}")))?;
    if otp.used {
        return Err(PortalError::bad(format!(
            "This code was already used. {request_new}"
        )));
    }
    if now >= otp.expires_at {
        return Err(PortalError::bad(format!(
            "This code has expired. {request_new}"
        )));
    }
    if otp.attempts >= MAX_ATTEMPTS {
        return Err(locked());
    }
    let code = code.trim();
    let well_formed = code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit());
    if !well_formed || !secrets::secret_matches_blocking(otp.code_hash.clone(), code.into()).await {
        let attempts = store.record_otp_failure(&otp.id).await?;
        if attempts >= MAX_ATTEMPTS {
            return Err(locked());
        }
        return Err(PortalError::bad(format!(
            "Wrong code. {} tries left.",
            MAX_ATTEMPTS - attempts
        )));
    }
    match store.consume_otp(&otp.id, now, MAX_ATTEMPTS).await? {
        OtpUse::Consumed => Ok(otp),
        OtpUse::Unusable => Err(PortalError::bad(format!(
            "This code was already used. {request_new}"
        ))),
    }
}

fn locked() -> PortalError {
    PortalError::too_many("Too many wrong codes: this code is locked. Ask for a new code.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_six_digits_and_vary() {
        let codes: std::collections::HashSet<String> = (0..50).map(|_| six_digits()).collect();
        assert!(
            codes
                .iter()
                .all(|c| c.len() == 6 && c.bytes().all(|b| b.is_ascii_digit()))
        );
        assert!(codes.len() > 40, "50 draws gave only {} codes", codes.len());
    }
}
