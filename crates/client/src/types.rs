//! Typed results of the NIC calls, with NIC's PascalCase names. Numbers are read leniently: NIC
//! documents some as strings and sends them as numbers (AckNo, EwbNo, StateCode, AddrPncd), so either
//! form is accepted.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use crate::ClientError;

/// The answer of Generate IRN, Get e-invoice by IRN and Get IRN by document details (§7.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct IrnDetails {
    pub irn: String,
    /// 15 digits in practice; NIC sends a number, some gateways a string.
    #[serde(default, deserialize_with = "lenient_i64")]
    pub ack_no: i64,
    /// `yyyy-MM-dd HH:mm:ss`, IST.
    #[serde(default)]
    pub ack_dt: String,
    /// JWS (RS256) whose `data` claim is the signed invoice JSON.
    #[serde(default)]
    pub signed_invoice: String,
    #[serde(default, rename = "SignedQRCode", alias = "SignedQrCode")]
    pub signed_qr_code: String,
    /// `ACT` or `CNL`.
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default, deserialize_with = "lenient_opt_i64")]
    pub ewb_no: Option<i64>,
    #[serde(default)]
    pub ewb_dt: Option<String>,
    #[serde(default)]
    pub ewb_valid_till: Option<String>,
    #[serde(default)]
    pub remarks: Option<String>,
}

/// The answer of Cancel IRN (§12.4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Cancelled {
    pub irn: String,
    /// `yyyy-MM-dd HH:mm:ss`, IST.
    #[serde(default)]
    pub cancel_date: String,
}

/// A GSTIN master record (§9.1), from Get GSTIN details or Sync GSTIN.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GstinDetails {
    pub gstin: String,
    #[serde(default)]
    pub trade_name: Option<String>,
    #[serde(default)]
    pub legal_name: Option<String>,
    #[serde(default)]
    pub addr_bnm: Option<String>,
    #[serde(default)]
    pub addr_bno: Option<String>,
    #[serde(default)]
    pub addr_flno: Option<String>,
    #[serde(default)]
    pub addr_st: Option<String>,
    #[serde(default)]
    pub addr_loc: Option<String>,
    #[serde(default, deserialize_with = "lenient_opt_i64")]
    pub state_code: Option<i64>,
    #[serde(default, deserialize_with = "lenient_opt_i64")]
    pub addr_pncd: Option<i64>,
    #[serde(default)]
    pub txp_type: Option<String>,
    /// `ACT`, `CNL`, `INA`, `PRO` or `SUS`.
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub blk_status: Option<String>,
    #[serde(default)]
    pub dt_reg: Option<String>,
    #[serde(default, rename = "DtDReg")]
    pub dt_dreg: Option<String>,
}

/// The `DUPIRN` information NIC sends with error 2150: the document's existing acknowledgement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DuplicateIrn {
    pub irn: String,
    #[serde(default, deserialize_with = "lenient_opt_i64")]
    pub ack_no: Option<i64>,
    #[serde(default)]
    pub ack_dt: Option<String>,
}

/// Decodes a decrypted `Data` into a typed result.
pub(crate) fn from_data<T: serde::de::DeserializeOwned>(
    data: Value,
    what: &str,
) -> Result<T, ClientError> {
    serde_json::from_value(data)
        .map_err(|e| ClientError::Protocol(format!("unexpected {what} response: {e}")))
}

/// The Rejected IRNs answer: an array of IRN strings (or of objects with an `Irn`).
pub(crate) fn irn_list(data: Value) -> Result<Vec<String>, ClientError> {
    let items = match data {
        Value::Null => return Ok(Vec::new()),
        Value::Array(items) => items,
        other => {
            return Err(ClientError::Protocol(format!(
                "rejected IRNs is not an array: {other}"
            )));
        }
    };
    items
        .into_iter()
        .map(|item| match item {
            Value::String(irn) => Ok(irn),
            Value::Object(ref o) => o
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("Irn"))
                .and_then(|(_, v)| v.as_str())
                .map(str::to_owned)
                .ok_or_else(|| ClientError::Protocol(format!("rejected IRN entry: {item}"))),
            other => Err(ClientError::Protocol(format!(
                "rejected IRN entry: {other}"
            ))),
        })
        .collect()
}

/// An integer sent as a JSON number or as a numeric string.
pub(crate) fn int_of(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64().or_else(|| n.to_string().parse().ok()),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

// Read through `Value` because serde_json's arbitrary_precision numbers do not survive untagged enums.
fn lenient_opt_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(v) => int_of(&v)
            .map(Some)
            .ok_or_else(|| serde::de::Error::custom(format!("expected an integer, got {v}"))),
    }
}

fn lenient_i64<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    lenient_opt_i64(d).map(Option::unwrap_or_default)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn irn_details_read_numbers_or_strings_and_nulls() {
        let numeric: IrnDetails = serde_json::from_str(
            r#"{"AckNo":232210036743849,"AckDt":"2022-09-16 19:29:00","Irn":"706d","SignedInvoice":"a.b.c",
                "SignedQRCode":"d.e.f","Status":"ACT","EwbNo":391009149369,"EwbDt":"2022-09-16 19:29:00",
                "EwbValidTill":null,"Remarks":null}"#,
        )
        .unwrap();
        assert_eq!(numeric.ack_no, 232210036743849);
        assert_eq!(numeric.ewb_no, Some(391009149369));
        assert_eq!(numeric.ewb_valid_till, None);
        assert_eq!(numeric.signed_qr_code, "d.e.f");
        let text: IrnDetails =
            from_data(json!({"AckNo":"112010000002315","Irn":"x","EwbNo":""}), "t").unwrap();
        assert_eq!(text.ack_no, 112010000002315);
        assert_eq!(text.ewb_no, None);
        assert!(from_data::<IrnDetails>(json!({"AckNo":"12x","Irn":"x"}), "t").is_err());
    }

    #[test]
    fn gstin_details_and_rejected_lists() {
        let g: GstinDetails = from_data(
            json!({"Gstin":"29AWGPV7107B1Z1","StateCode":"29","AddrPncd":562160,"DtDReg":null,"Status":"ACT"}),
            "g",
        )
        .unwrap();
        assert_eq!((g.state_code, g.addr_pncd), (Some(29), Some(562160)));
        assert_eq!(
            irn_list(json!(["a", {"Irn": "b"}])).unwrap(),
            vec!["a".to_owned(), "b".to_owned()]
        );
        assert!(irn_list(json!({"x":1})).is_err());
        assert!(irn_list(Value::Null).unwrap().is_empty());
    }
}
