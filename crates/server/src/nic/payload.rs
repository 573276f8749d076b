//! The request side of the envelope: `{"Data":"<base64 AES(SEK, JSON)>"}`, size-limited and decrypted.

use super::codes;
use super::envelope::Failure;
use axum::body::{Body, Bytes};
use serde_json::{Map, Value};

/// The body, or 5002 if it is larger than `limit` bytes.
pub async fn read_body(body: Body, limit: usize) -> Result<Bytes, Failure> {
    axum::body::to_bytes(body, limit).await.map_err(|_| {
        Failure::code(codes::BODY_TOO_LARGE)
            .explained(format!("The request body may be at most {limit} bytes."))
    })
}

/// Member `name` of a JSON object, matching the key ignoring case (clients send `Data` and `data`).
pub fn member<'a>(map: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    map.get(name).or_else(|| {
        map.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    })
}

/// The `Data` member of the envelope: 5001 if the body is not a JSON object, 5003 if `Data` is
/// missing, empty or not a string.
pub fn envelope_data(body: &[u8]) -> Result<String, Failure> {
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        Failure::code(codes::APPLICATION_ERROR).explained(format!(
            "The request body is not JSON ({e}); send {{\"Data\":\"<base64>\"}}."
        ))
    })?;
    let Value::Object(map) = value else {
        return Err(Failure::code(codes::APPLICATION_ERROR)
            .explained("The request body must be a JSON object: {\"Data\":\"<base64>\"}."));
    };
    match member(&map, "Data") {
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.trim().to_string()),
        _ => Err(Failure::code(codes::DATA_EMPTY)),
    }
}

/// Decrypts `Data` with the session key: the JSON text inside (1020 if it does not decrypt, 5001 if it
/// is not UTF-8 text).
pub fn decrypt_text(sek: &[u8; 32], data: &str) -> Result<String, Failure> {
    let plain = openirp_crypto::aes_decrypt_b64(sek, data).map_err(|_| decryption_failed())?;
    String::from_utf8(plain).map_err(|_| {
        Failure::code(codes::APPLICATION_ERROR)
            .explained("The decrypted payload is not UTF-8 text.")
    })
}

/// The JSON answer for a payload that is not JSON.
pub fn not_json(e: &serde_json::Error) -> Failure {
    Failure::code(codes::APPLICATION_ERROR)
        .explained(format!("The decrypted payload is not valid JSON: {e}."))
}

fn decryption_failed() -> Failure {
    Failure::code(codes::DECRYPTION_FAILED).explained(
        "Data must be base64 of the payload encrypted with AES-256-ECB (PKCS#7) under the session key (Sek).",
    )
}

/// Decrypts `Data` with the session key and parses the JSON inside (number lexemes kept):
/// 1020 if it does not decrypt, 5001 if what it holds is not JSON.
pub fn decrypt_json(sek: &[u8; 32], data: &str) -> Result<Value, Failure> {
    serde_json::from_str(&decrypt_text(sek, data)?).map_err(|e| not_json(&e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_is_found_in_any_case_and_must_be_a_non_empty_string() {
        assert_eq!(envelope_data(br#"{"Data":"abc"}"#).unwrap(), "abc");
        assert_eq!(envelope_data(br#"{"data":" abc "}"#).unwrap(), "abc");
        assert_eq!(envelope_data(br#"{}"#).unwrap_err().errors[0].code, "5003");
        assert_eq!(
            envelope_data(br#"{"Data":""}"#).unwrap_err().errors[0].code,
            "5003"
        );
        assert_eq!(
            envelope_data(br#"{"Data":12}"#).unwrap_err().errors[0].code,
            "5003"
        );
        assert_eq!(
            envelope_data(b"not json").unwrap_err().errors[0].code,
            "5001"
        );
        assert_eq!(envelope_data(b"[1]").unwrap_err().errors[0].code, "5001");
    }

    #[test]
    fn payload_must_decrypt_under_the_session_key() {
        let sek = [7u8; 32];
        let data = openirp_crypto::aes_encrypt_b64(&sek, br#"{"Qty":1.50}"#);
        let v = decrypt_json(&sek, &data).unwrap();
        assert_eq!(v["Qty"].to_string(), "1.50");
        assert_eq!(
            decrypt_json(&[8u8; 32], &data).unwrap_err().errors[0].code,
            "1020"
        );
        assert_eq!(
            decrypt_json(&sek, "%%%").unwrap_err().errors[0].code,
            "1020"
        );
        let not_json = openirp_crypto::aes_encrypt_b64(&sek, b"{oops");
        assert_eq!(
            decrypt_json(&sek, &not_json).unwrap_err().errors[0].code,
            "5001"
        );
    }
}
