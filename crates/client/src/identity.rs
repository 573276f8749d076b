//! What makes two invoices "the same document" for duplicate recovery: the seller, the document
//! type, number and date, and the invoice total. A 2150 is accepted as "already registered" only if
//! the registered invoice matches on all of them.

use std::str::FromStr;

use rust_decimal::Decimal;
use serde_json::{Map, Value};

use crate::ClientError;
use crate::envelope::get_ci;

/// The identifying fields of an invoice; `None` where the invoice lacks them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct InvoiceIdentity {
    pub seller_gstin: Option<String>,
    pub doc_type: Option<String>,
    pub doc_no: Option<String>,
    pub doc_date: Option<String>,
    pub total: Option<Decimal>,
}

impl InvoiceIdentity {
    /// Reads the fields from an invoice (request JSON or the signed invoice's `data`).
    pub fn of(invoice: &Value) -> Self {
        let block = |name: &str| match invoice {
            Value::Object(o) => get_ci(o, name).and_then(Value::as_object),
            _ => None,
        };
        let text = |block: Option<&Map<String, Value>>, name: &str| {
            block
                .and_then(|b| get_ci(b, name))
                .and_then(Value::as_str)
                .map(|s| s.trim().to_owned())
        };
        let doc = block("DocDtls");
        InvoiceIdentity {
            seller_gstin: text(block("SellerDtls"), "Gstin"),
            doc_type: text(doc, "Typ"),
            doc_no: text(doc, "No"),
            doc_date: text(doc, "Dt"),
            total: block("ValDtls")
                .and_then(|v| get_ci(v, "TotInvVal"))
                .and_then(decimal_of),
        }
    }

    /// Parses invoice JSON bytes.
    pub fn of_json(invoice_json: &[u8]) -> Result<Self, ClientError> {
        let value: Value = serde_json::from_slice(invoice_json)
            .map_err(|e| ClientError::Protocol(format!("invoice is not JSON: {e}")))?;
        Ok(Self::of(&value))
    }

    /// `(Typ, No, Dt)` for Get IRN by document details, if all are present.
    pub fn doc_key(&self) -> Option<(&str, &str, &str)> {
        Some((
            self.doc_type.as_deref()?,
            self.doc_no.as_deref()?,
            self.doc_date.as_deref()?,
        ))
    }

    /// The fields where `registered` is not this invoice. A field missing on either side counts as a
    /// difference: recovery must be sure, never hopeful.
    pub fn differences(&self, registered: &InvoiceIdentity) -> Vec<String> {
        let nocase = |a: &str, b: &str| a.eq_ignore_ascii_case(b);
        let exact = |a: &str, b: &str| a == b;
        let mut out = Vec::new();
        for (name, ours, theirs, same) in [
            (
                "SellerDtls.Gstin",
                &self.seller_gstin,
                &registered.seller_gstin,
                nocase as fn(&str, &str) -> bool,
            ),
            ("DocDtls.Typ", &self.doc_type, &registered.doc_type, nocase),
            ("DocDtls.No", &self.doc_no, &registered.doc_no, nocase),
            ("DocDtls.Dt", &self.doc_date, &registered.doc_date, exact),
        ] {
            if !matches!((ours, theirs), (Some(a), Some(b)) if same(a, b)) {
                out.push(difference(name, ours.as_deref(), theirs.as_deref()));
            }
        }
        if !matches!((self.total, registered.total), (Some(a), Some(b)) if a == b) {
            out.push(difference(
                "ValDtls.TotInvVal",
                self.total.map(|d| d.to_string()).as_deref(),
                registered.total.map(|d| d.to_string()).as_deref(),
            ));
        }
        out
    }
}

fn difference(name: &str, ours: Option<&str>, theirs: Option<&str>) -> String {
    let show = |v: Option<&str>| v.map_or_else(|| "(missing)".to_owned(), |v| format!("{v:?}"));
    format!("{name}: sent {}, registered {}", show(ours), show(theirs))
}

/// A number (its exact lexeme, thanks to arbitrary_precision) or numeric string as a decimal, so
/// `1000.0` and `1000` are equal and no float rounding is involved.
fn decimal_of(value: &Value) -> Option<Decimal> {
    let text = match value {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.trim().to_owned(),
        _ => return None,
    };
    Decimal::from_str(&text)
        .or_else(|_| Decimal::from_scientific(&text))
        .ok()
}

/// The signed invoice inside a `SignedInvoice` JWS, without checking the signature: it arrived in a
/// SEK-encrypted answer of the IRP the client is logged in to. Use [`crate::verify_signed`] to check
/// it against the IRP's certificate.
pub(crate) fn signed_invoice_data(jws: &str) -> Result<Value, ClientError> {
    let parts = openirp_crypto::decode_jws_unverified(jws)?;
    Ok(openirp_crypto::nic_data_of(&parts.payload)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn invoice(no: &str, total: Value) -> Value {
        json!({"SellerDtls":{"Gstin":"29AAACL07TXPJK4"},"DocDtls":{"Typ":"INV","No":no,"Dt":"01/04/2025"},
               "ValDtls":{"TotInvVal":total}})
    }

    #[test]
    fn same_document_ignores_case_and_number_scale() {
        let sent = InvoiceIdentity::of(&invoice("abc/1", json!(1000)));
        let registered =
            InvoiceIdentity::of(&invoice("ABC/1", serde_json::from_str("1000.00").unwrap()));
        assert!(sent.differences(&registered).is_empty());
        assert_eq!(sent.doc_key(), Some(("INV", "abc/1", "01/04/2025")));
    }

    #[test]
    fn different_totals_or_missing_fields_are_differences() {
        let sent = InvoiceIdentity::of(&invoice("A/1", json!("1000.01")));
        let registered = InvoiceIdentity::of(&invoice("A/1", json!(1000)));
        let diffs = sent.differences(&registered);
        assert_eq!(diffs.len(), 1);
        assert!(diffs[0].starts_with("ValDtls.TotInvVal"), "{diffs:?}");
        let empty = InvoiceIdentity::of(&json!({}));
        assert_eq!(empty.differences(&empty).len(), 5);
        assert!(InvoiceIdentity::of_json(b"nope").is_err());
    }
}
