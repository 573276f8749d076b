//! Reading and verifying compact JWS (`SignedInvoice`, `SignedQRCode`).

use aws_lc_rs::signature::{RSA_PKCS1_2048_8192_SHA256, UnparsedPublicKey};
use serde_json::Value;

use crate::encoding::b64url_decode;
use crate::pem_text::{self, TAG_CERTIFICATE};
use crate::{CryptoError, der};

/// A decoded compact JWS.
#[derive(Debug, Clone, PartialEq)]
pub struct JwsParts {
    /// The protected header, e.g. `{"alg":"RS256","kid":..,"typ":"JWT","x5t":..}`.
    pub header: Value,
    /// The payload bytes exactly as signed.
    pub payload: Vec<u8>,
    /// Length of `b64url(header) "." b64url(payload)`, the bytes the signature covers.
    pub signing_input_len: usize,
}

/// The three base64url segments of a compact JWS.
struct Segments<'a> {
    signing_input: &'a str,
    header: &'a str,
    payload: &'a str,
    signature: &'a str,
}

/// Decodes header and payload without checking the signature (for reading
/// `kid` to pick a certificate, or for display). Do not trust the result.
pub fn decode_jws_unverified(jws: &str) -> Result<JwsParts, CryptoError> {
    decode_segments(&split(jws)?)
}

/// Decodes the JWS and checks its RS256 signature against the public key of
/// the PEM certificate (as NIC publishes its signing certificates).
pub fn verify_jws_with_cert_pem(jws: &str, cert_pem: &str) -> Result<JwsParts, CryptoError> {
    let cert_der = pem_text::decode(TAG_CERTIFICATE, cert_pem)?;
    let spki = der::spki_of_certificate(&cert_der)?;
    verify_with_spki(jws, spki)
}

/// Verification with a DER SubjectPublicKeyInfo.
fn verify_with_spki(jws: &str, spki: &[u8]) -> Result<JwsParts, CryptoError> {
    let segments = split(jws)?;
    let parts = decode_segments(&segments)?;
    // Only RS256 is acceptable; checking `alg` stops "none"/HS256 confusion.
    if parts.header.get("alg").and_then(Value::as_str) != Some("RS256") {
        return Err(CryptoError::Jws("header alg is not RS256".into()));
    }
    let signature = b64url_decode(segments.signature)
        .map_err(|_| CryptoError::Jws("signature is not base64url".into()))?;
    UnparsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, spki)
        .verify(segments.signing_input.as_bytes(), &signature)
        .map_err(|_| CryptoError::Jws("signature does not verify".into()))?;
    Ok(parts)
}

/// The inner document of a NIC payload `{"data":"<json string>","iss":..}`,
/// parsed. A `data` that is already an object is accepted as is.
pub fn nic_data_of(payload: &[u8]) -> Result<Value, CryptoError> {
    let payload: Value = serde_json::from_slice(payload)
        .map_err(|e| CryptoError::Jws(format!("payload is not JSON: {e}")))?;
    match payload.get("data") {
        Some(Value::String(data)) => serde_json::from_str(data)
            .map_err(|e| CryptoError::Jws(format!("payload data is not JSON: {e}"))),
        Some(data @ Value::Object(_)) => Ok(data.clone()),
        _ => Err(CryptoError::Jws("payload has no \"data\" member".into())),
    }
}

/// Splits `header.payload.signature`, ignoring surrounding whitespace (QR
/// scanners and copy-paste add newlines).
fn split(jws: &str) -> Result<Segments<'_>, CryptoError> {
    let jws = jws.trim();
    let mut dots = jws.match_indices('.').map(|(i, _)| i);
    let (Some(first), Some(second), None) = (dots.next(), dots.next(), dots.next()) else {
        return Err(CryptoError::Jws(
            "expected three dot-separated segments".into(),
        ));
    };
    Ok(Segments {
        signing_input: &jws[..second],
        header: &jws[..first],
        payload: &jws[first + 1..second],
        signature: &jws[second + 1..],
    })
}

fn decode_segments(segments: &Segments<'_>) -> Result<JwsParts, CryptoError> {
    let header_bytes = b64url_decode(segments.header)
        .map_err(|_| CryptoError::Jws("header is not base64url".into()))?;
    let header: Value = serde_json::from_slice(&header_bytes)
        .map_err(|e| CryptoError::Jws(format!("header is not JSON: {e}")))?;
    if !header.is_object() {
        return Err(CryptoError::Jws("header is not a JSON object".into()));
    }
    let payload = b64url_decode(segments.payload)
        .map_err(|_| CryptoError::Jws("payload is not base64url".into()))?;
    Ok(JwsParts {
        header,
        payload,
        signing_input_len: segments.signing_input.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_requires_exactly_three_segments() {
        assert!(split("a.b").is_err());
        assert!(split("a.b.c.d").is_err());
        let s = split(" a.bb.ccc\n").unwrap();
        assert_eq!((s.header, s.payload, s.signature), ("a", "bb", "ccc"));
        assert_eq!(s.signing_input, "a.bb");
    }

    #[test]
    fn nic_data_of_parses_the_string_form_and_accepts_an_object() {
        let from_string = nic_data_of(br#"{"data":"{\"Irn\":\"x\",\"AckNo\":1}","iss":"NIC"}"#);
        assert_eq!(from_string.unwrap()["Irn"], "x");
        let from_object = nic_data_of(br#"{"data":{"Irn":"y"},"iss":"NIC"}"#);
        assert_eq!(from_object.unwrap()["Irn"], "y");
        assert!(nic_data_of(br#"{"iss":"NIC"}"#).is_err());
        assert!(nic_data_of(br#"{"data":"not json"}"#).is_err());
        assert!(nic_data_of(b"[]").is_err());
    }
}
