//! Step 3 of a run: the SignedInvoice and SignedQRCode of an answer, decoded, checked against the
//! server's signing certificate, and the QR code drawn.

use super::json::pretty;
use base64::Engine as _;
use openirp_crypto::{b64url_decode, decode_jws_unverified};
use serde_json::Value;

/// One JWS, decoded for display.
pub struct SignedView {
    /// `SignedInvoice` or `SignedQRCode`.
    pub name: &'static str,
    pub jws: String,
    pub header: String,
    pub payload: String,
    /// The payload's `data` string, parsed and indented.
    pub data: String,
    pub valid: bool,
    /// Why the signature did not verify.
    pub reason: String,
}

/// One row of the decoded QR payload.
pub struct QrField {
    pub name: String,
    pub value: String,
    /// The element id the page gives the value (`qr-irn` for the IRN), or empty.
    pub id: &'static str,
}

/// The QR code image and what it carries.
pub struct QrView {
    pub data_url: String,
    pub side: u32,
    pub fields: Vec<QrField>,
}

/// The QR payload members, in NIC's order (reference §7.5).
const QR_FIELDS: [&str; 10] = [
    "SellerGstin",
    "BuyerGstin",
    "DocNo",
    "DocTyp",
    "DocDt",
    "TotInvVal",
    "ItemCnt",
    "MainHsnCode",
    "Irn",
    "IrnDt",
];

/// Decodes a JWS and checks its signature; malformed input is explained, not fatal.
pub fn inspect(name: &'static str, jws: &str, cert_pem: &str) -> SignedView {
    let (header, payload, data) = match decode(jws) {
        Ok(parts) => parts,
        Err(e) => (String::new(), String::new(), e),
    };
    let verdict = openirp_client::verify_signed(jws, cert_pem);
    SignedView {
        name,
        jws: jws.to_string(),
        header,
        payload,
        data,
        valid: verdict.is_ok(),
        reason: verdict.err().map(|e| e.to_string()).unwrap_or_default(),
    }
}

/// Header text, payload text and the payload's `data`, each indented, member order kept.
pub fn decode(jws: &str) -> Result<(String, String, String), String> {
    let parts = decode_jws_unverified(jws).map_err(|e| format!("Not a compact JWS: {e}."))?;
    let header_segment = jws.trim().split('.').next().unwrap_or_default();
    let header = b64url_decode(header_segment)
        .map(|bytes| pretty(&String::from_utf8_lossy(&bytes)))
        .unwrap_or_else(|_| parts.header.to_string());
    let payload_text = String::from_utf8_lossy(&parts.payload).into_owned();
    let data = data_text(&payload_text)
        .map(|d| pretty(&d))
        .unwrap_or_default();
    Ok((header, pretty(&payload_text), data))
}

/// The `data` member of a NIC payload as JSON text (it is a string holding JSON).
pub fn data_text(payload: &str) -> Option<String> {
    match serde_json::from_str::<Value>(payload).ok()?.get("data")? {
        Value::String(s) => Some(s.clone()),
        other @ Value::Object(_) => Some(other.to_string()),
        _ => None,
    }
}

/// The QR image and decoded fields of a SignedQRCode.
pub fn qr_view(signed_qr: &str) -> Result<QrView, String> {
    let (png, side) = super::qr::png(signed_qr)?;
    let parts = decode_jws_unverified(signed_qr).map_err(|e| format!("Not a compact JWS: {e}."))?;
    let data: Value = data_text(&String::from_utf8_lossy(&parts.payload))
        .and_then(|d| serde_json::from_str(&d).ok())
        .unwrap_or(Value::Null);
    let fields = QR_FIELDS
        .iter()
        .map(|name| QrField {
            name: name.to_string(),
            value: scalar(data.get(*name)),
            id: if *name == "Irn" { "qr-irn" } else { "" },
        })
        .collect();
    Ok(QrView {
        data_url: format!(
            "data:image/png;base64,{}",
            base64::engine::general_purpose::STANDARD.encode(png)
        ),
        side,
        fields,
    })
}

/// A string as is, anything else as its JSON text (numbers keep their lexeme).
fn scalar(value: Option<&Value>) -> String {
    match value {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}
