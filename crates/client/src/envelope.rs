//! NIC's JSON envelope: requests `{"Data":"<base64 AES(SEK, json)>"}`,
//! responses `{"Status":1|0,"Data":..,"ErrorDetails":[..],"InfoDtls":..}`.
//!
//! Responses are parsed leniently because real IRPs and their documentation
//! disagree: `Status` comes as `1` or `"1"`, keys as `Data` or `data`,
//! `InfoDtls` as `null`, `""` or an array.

use openirp_crypto::{aes_decrypt_b64, aes_encrypt_b64};
use serde_json::{Map, Value};

use crate::{ClientError, NicError};

/// A parsed response envelope.
#[derive(Debug, Clone, PartialEq)]
pub struct Envelope {
    /// 1 = success, 0 = failure.
    pub status: u8,
    /// `Data` as received (ciphertext string, or a plain object for auth); `None` if null/absent.
    pub data: Option<Value>,
    /// `ErrorDetails`, empty if null/absent.
    pub errors: Vec<NicError>,
    /// `InfoDtls`; `None` when null, absent, `""` or `[]`.
    pub info: Option<Value>,
}

impl Envelope {
    /// `Data` on success; the NIC errors (with `InfoDtls`) on `Status 0`.
    pub fn into_success_data(self) -> Result<Option<Value>, ClientError> {
        if self.status == 1 {
            Ok(self.data)
        } else {
            Err(ClientError::Nic {
                errors: self.errors,
                info: self.info,
            })
        }
    }
}

/// Parses a response body into an [`Envelope`].
pub fn parse_envelope(body: &[u8]) -> Result<Envelope, ClientError> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| ClientError::Protocol(format!("response is not JSON: {e}")))?;
    let Value::Object(object) = value else {
        return Err(ClientError::Protocol(
            "response is not a JSON object".into(),
        ));
    };
    let status = parse_status(get_ci(&object, "Status"))?;
    let data = get_ci(&object, "Data").filter(|v| !v.is_null()).cloned();
    let errors = parse_error_details(get_ci(&object, "ErrorDetails"))?;
    let info = get_ci(&object, "InfoDtls")
        .filter(|v| !is_empty_info(v))
        .cloned();
    Ok(Envelope {
        status,
        data,
        errors,
        info,
    })
}

/// Request body for the encrypted POST APIs: `{"Data":"<base64 AES(SEK, json)>"}`.
/// The JSON bytes are encrypted as given, so number lexemes like `1000.0` survive.
pub fn encrypted_request_body(sek: &[u8; 32], payload_json: &[u8]) -> String {
    // Standard base64 never contains characters that need JSON escaping.
    format!(r#"{{"Data":"{}"}}"#, aes_encrypt_b64(sek, payload_json))
}

/// Decrypts a success envelope's `Data` (base64 AES(SEK, JSON)) and parses the JSON.
/// A success without `Data` yields `Value::Null`.
pub fn decrypt_data(data: Option<Value>, sek: &[u8; 32]) -> Result<Value, ClientError> {
    let Some(data) = data else {
        return Ok(Value::Null);
    };
    let Value::String(ciphertext) = data else {
        return Err(ClientError::Protocol(
            "Data is not an encrypted string".into(),
        ));
    };
    let plain = aes_decrypt_b64(sek, &ciphertext)
        .map_err(|e| ClientError::Protocol(format!("cannot decrypt Data with the SEK: {e}")))?;
    serde_json::from_slice(&plain)
        .map_err(|e| ClientError::Protocol(format!("decrypted Data is not JSON: {e}")))
}

/// Case-insensitive member lookup (`Status`, `status`, `STATUS`, ...).
pub(crate) fn get_ci<'a>(object: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    object.get(key).or_else(|| {
        object
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    })
}

/// `Status` as a number (`1`) or a string (`"1"`); only 0 and 1 are valid.
fn parse_status(status: Option<&Value>) -> Result<u8, ClientError> {
    let parsed = match status {
        Some(Value::Number(n)) => n.as_u64(),
        Some(Value::String(s)) => s.trim().parse::<u64>().ok(),
        _ => None,
    };
    match parsed {
        Some(0) => Ok(0),
        Some(1) => Ok(1),
        _ => Err(ClientError::Protocol(format!(
            "envelope Status missing or not 0/1: {}",
            status.map_or_else(|| "absent".to_owned(), Value::to_string)
        ))),
    }
}

/// `ErrorDetails`: null/absent/"" → none; an array (or a single object) of
/// `{"ErrorCode","ErrorMessage"}`, where `ErrorCode` may be a number or a string.
fn parse_error_details(details: Option<&Value>) -> Result<Vec<NicError>, ClientError> {
    match details {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(Vec::new()),
        Some(Value::Array(items)) => items.iter().map(parse_error_item).collect(),
        Some(item @ Value::Object(_)) => Ok(vec![parse_error_item(item)?]),
        Some(other) => Err(ClientError::Protocol(format!(
            "unexpected ErrorDetails: {other}"
        ))),
    }
}

fn parse_error_item(item: &Value) -> Result<NicError, ClientError> {
    let Value::Object(object) = item else {
        return Err(ClientError::Protocol(format!(
            "ErrorDetails entry is not an object: {item}"
        )));
    };
    Ok(NicError {
        code: scalar_text(get_ci(object, "ErrorCode")),
        message: scalar_text(get_ci(object, "ErrorMessage")),
    })
}

/// A string member as is, a number as its lexeme, anything else empty.
fn scalar_text(value: Option<&Value>) -> String {
    match value {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

fn is_empty_info(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Array(items) => items.is_empty(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use openirp_crypto::random_key;
    use serde_json::json;

    #[test]
    fn success_with_numeric_status_and_null_extras() {
        let env =
            parse_envelope(br#"{"Status":1,"Data":"abc=","ErrorDetails":null,"InfoDtls":null}"#)
                .unwrap();
        assert_eq!(
            env,
            Envelope {
                status: 1,
                data: Some(json!("abc=")),
                errors: vec![],
                info: None
            }
        );
    }

    #[test]
    fn string_status_lower_case_keys_and_empty_string_info() {
        // The shape of NIC's own Get-Rejected-IRNs sample.
        let env = parse_envelope(br#"{"status":"1","data":"abc=","infodtls":""}"#).unwrap();
        assert_eq!(env.status, 1);
        assert_eq!(env.data, Some(json!("abc=")));
        assert_eq!(env.info, None);
        assert_eq!(env.errors, vec![]);
        assert_eq!(parse_envelope(br#"{"Status":" 0 "}"#).unwrap().status, 0);
    }

    #[test]
    fn failure_keeps_every_error_and_the_dupirn_info() {
        let body = br#"{"Status":0,"ErrorDetails":[
            {"ErrorCode":"2150","ErrorMessage":"Duplicate IRN"},
            {"ErrorCode":2189,"ErrorMessage":"Second"}],
            "Data":null,
            "InfoDtls":[{"InfCd":"DUPIRN","Desc":{"AckNo":232210036743849,"AckDt":"2023-10-02 16:26:00","Irn":"706d"}}]}"#;
        let env = parse_envelope(body).unwrap();
        assert_eq!(env.data, None);
        assert_eq!(
            env.errors,
            vec![
                NicError {
                    code: "2150".into(),
                    message: "Duplicate IRN".into()
                },
                NicError {
                    code: "2189".into(),
                    message: "Second".into()
                },
            ]
        );
        let info = env.info.clone().unwrap();
        assert_eq!(info[0]["InfCd"], "DUPIRN");
        // arbitrary_precision: the 15-digit AckNo keeps its exact digits.
        assert_eq!(info[0]["Desc"]["AckNo"].to_string(), "232210036743849");

        match env.into_success_data() {
            Err(ClientError::Nic { errors, info }) => {
                assert_eq!(errors.len(), 2);
                assert_eq!(info.unwrap()[0]["Desc"]["Irn"], "706d");
            }
            other => panic!("expected a NIC error, got {other:?}"),
        }
    }

    #[test]
    fn single_error_object_empty_info_array_and_production_auth_error() {
        let env = parse_envelope(
            br#"{"Status":0,"ErrorDetails":{"errorcode":"1005","errormessage":"Invalid Token"},"InfoDtls":[]}"#,
        )
        .unwrap();
        assert_eq!(
            env.errors,
            vec![NicError {
                code: "1005".into(),
                message: "Invalid Token".into()
            }]
        );
        assert_eq!(env.info, None);

        // Captured live from production (§3.4), key order as received.
        let env = parse_envelope(
            br#"{"Status":0,"ErrorDetails":[{"ErrorCode":"5003","ErrorMessage":"Data cannot be null or empty"}],"Data":null,"InfoDtls":null}"#,
        )
        .unwrap();
        assert_eq!(env.errors[0].code, "5003");
    }

    #[test]
    fn info_on_success_is_kept() {
        let env = parse_envelope(
            br#"{"Status":1,"Data":"x","InfoDtls":[{"InfCd":"EWBPPD","Desc":"Pin-Pin calc distance: 2467KM"}]}"#,
        )
        .unwrap();
        assert_eq!(env.info.unwrap()[0]["InfCd"], "EWBPPD");
    }

    #[test]
    fn non_envelopes_are_protocol_errors() {
        for body in [
            &b"<html>502</html>"[..],
            b"[]",
            br#"{"Data":"x"}"#,
            br#"{"Status":2}"#,
            br#"{"Status":"ok"}"#,
            br#"{"Status":0,"ErrorDetails":[1]}"#,
        ] {
            assert!(
                matches!(parse_envelope(body), Err(ClientError::Protocol(_))),
                "{}",
                String::from_utf8_lossy(body)
            );
        }
    }

    #[test]
    fn request_body_decrypts_to_the_exact_payload_bytes() {
        let sek = random_key();
        let payload = br#"{"Version":"1.1","ValDtls":{"TotInvVal":1000.0}}"#;
        let body = encrypted_request_body(&sek, payload);
        let parsed: Value = serde_json::from_str(&body).unwrap();
        let data = parsed["Data"].as_str().unwrap();
        assert_eq!(
            openirp_crypto::aes_decrypt_b64(&sek, data).unwrap(),
            payload
        );
    }

    #[test]
    fn response_data_is_decrypted_and_parsed() {
        let sek = random_key();
        let inner = br#"{"Irn":"a5c1","CancelDate":"2022-09-17 18:09:00"}"#;
        let data = Some(json!(aes_encrypt_b64(&sek, inner)));
        let value = decrypt_data(data.clone(), &sek).unwrap();
        assert_eq!(value["CancelDate"], "2022-09-17 18:09:00");
        assert_eq!(decrypt_data(None, &sek).unwrap(), Value::Null);

        let mut wrong = sek;
        wrong[31] ^= 0xff;
        assert!(matches!(
            decrypt_data(data, &wrong),
            Err(ClientError::Protocol(_))
        ));
        assert!(matches!(
            decrypt_data(Some(json!({"a":1})), &sek),
            Err(ClientError::Protocol(_))
        ));
        let not_json = Some(json!(aes_encrypt_b64(&sek, b"not json")));
        assert!(matches!(
            decrypt_data(not_json, &sek),
            Err(ClientError::Protocol(_))
        ));
    }
}
