//! E-way bills through the IRP (NIC §8): Generate EWB by IRN and Get EWB by IRN speak the e-invoice
//! envelope (§4); Cancel EWB speaks the e-way bill system's own envelope (§4.4):
//! `{"action":"CANEWB","data":"<base64 AES(SEK, json)>"}` in, `{"status","data","error","info"}` out.
//!
//! Errors of the EWB system (`errorCodes` such as `312` or `"212,220"`) are reported as
//! [`ClientError::Nic`], one [`NicError`] per code with a human message (see
//! [`ewb_system_message`]) and the system's plain-text `info` as `info` (a JSON string), so
//! [`ClientError::has_nic_code`] and [`ClientError::nic_codes`] work for them too. The EWB system's
//! codes have three digits, the IRP's four: they cannot be mistaken for one another.

use std::future::Future;
use std::sync::Arc;

use openirp_crypto::{aes_decrypt_b64, aes_encrypt_b64, b64_decode};
use reqwest::header::CONTENT_TYPE;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value, json};

use crate::auth::Session;
use crate::client::{send_for_envelope, snippet};
use crate::envelope::{decrypt_data, encrypted_request_body, get_ci, parse_envelope};
use crate::types::{from_data, int_of};
use crate::wire::percent_encode;
use crate::{ClientError, NicClient, NicError};

/// Generate EWB by IRN (§8.1).
pub const GENERATE_EWB_PATH: &str = "/eiewb/v1.03/ewaybill";
/// Get EWB details by IRN (§8.5), followed by the IRN.
pub const EWB_BY_IRN_PREFIX: &str = "/eiewb/v1.03/ewaybill/irn/";
/// The e-way bill system's API (Cancel EWB, §8.6).
pub const EWB_SYSTEM_PATH: &str = "/ewaybillapi/v1.03/ewayapi";
/// The IRP's "Invalid Token".
const INVALID_TOKEN: &str = "1005";
/// The EWB system's "Invalid token".
const EWB_INVALID_TOKEN: &str = "105";

/// `/eiewb/v1.03/ewaybill/irn/{irn}`.
pub fn ewb_by_irn_path(irn: &str) -> String {
    format!("{EWB_BY_IRN_PREFIX}{}", percent_encode(irn))
}

/// `TransMode`: sent as `"1"`–`"4"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TransMode {
    #[serde(rename = "1")]
    Road,
    #[serde(rename = "2")]
    Rail,
    #[serde(rename = "3")]
    Air,
    #[serde(rename = "4")]
    Ship,
}

/// `VehType`: `R` regular, `O` over-dimensional cargo (ODC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum VehicleType {
    #[serde(rename = "R")]
    Regular,
    #[serde(rename = "O")]
    OverDimensional,
}

/// The request of Generate EWB by IRN, with NIC's member names; `None` members are left out.
///
/// Part-B (vehicle for road; transport document for rail, air, ship) gives an EWB with a validity;
/// only `trans_id` gives a Part-A slip (no validity until the transporter fills Part-B).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EwbRequest {
    /// The (active) IRN the EWB is for.
    pub irn: String,
    /// Kilometres, 0–4000; 0 lets the IRP compute the PIN-to-PIN distance.
    pub distance: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trans_mode: Option<TransMode>,
    /// Transporter GSTIN or TRANSIN.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trans_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trans_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trans_doc_no: Option<String>,
    /// `dd/mm/yyyy`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trans_doc_dt: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub veh_no: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub veh_type: Option<VehicleType>,
    /// Ship-to / export address for the EWB.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exp_ship_dtls: Option<EwbShipTo>,
    /// Dispatch-from address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disp_dtls: Option<EwbDispatchFrom>,
}

impl EwbRequest {
    /// A request for `irn` with `Distance` 0 and nothing else.
    pub fn new(irn: impl Into<String>) -> Self {
        EwbRequest {
            irn: irn.into(),
            ..EwbRequest::default()
        }
    }
}

/// `ExpShipDtls`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EwbShipTo {
    pub addr1: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub addr2: Option<String>,
    pub loc: String,
    pub pin: u32,
    /// State code, e.g. "29".
    pub stcd: String,
}

/// `DispDtls`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EwbDispatchFrom {
    pub nm: String,
    pub addr1: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub addr2: Option<String>,
    pub loc: String,
    pub pin: u32,
    pub stcd: String,
}

/// The answer of Generate EWB by IRN.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EwbGenerated {
    #[serde(rename = "EwbNo")]
    pub ewb_no: u64,
    /// `yyyy-MM-dd HH:mm:ss`, IST.
    #[serde(rename = "EwbDt")]
    pub ewb_date: String,
    /// `yyyy-MM-dd HH:mm:ss`, IST; `None` for a Part-A slip (no Part-B yet).
    #[serde(rename = "EwbValidTill")]
    pub valid_till: Option<String>,
    #[serde(rename = "Remarks")]
    pub remarks: Option<String>,
    /// The PIN-to-PIN distance the IRP computed (`InfoDtls` `EWBPPD`), when `Distance` was 0.
    #[serde(rename = "ComputedDistance")]
    pub computed_distance_km: Option<u32>,
    /// The envelope's `InfoDtls` as received.
    #[serde(rename = "InfoDtls")]
    pub info: Option<Value>,
}

impl EwbGenerated {
    /// `true` for a Part-A slip: an EWB number without validity until Part-B is filled.
    pub fn is_part_a_only(&self) -> bool {
        self.valid_till.is_none()
    }
}

/// The answer of Get EWB details by IRN (§8.5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EwbDetails {
    #[serde(rename = "EwbNo", deserialize_with = "lenient_u64")]
    pub ewb_no: u64,
    /// `ACT` or `CNL`.
    #[serde(rename = "Status", default)]
    pub status: Option<String>,
    /// The GSTIN that generated the EWB.
    #[serde(rename = "GenGstin", default)]
    pub gen_gstin: Option<String>,
    #[serde(rename = "EwbDt", default)]
    pub ewb_date: Option<String>,
    /// `None` for a Part-A slip.
    #[serde(rename = "EwbValidTill", default, deserialize_with = "non_empty")]
    pub valid_till: Option<String>,
}

impl EwbDetails {
    /// `true` when the EWB system reports it cancelled (`CNL`).
    pub fn is_cancelled(&self) -> bool {
        self.status
            .as_deref()
            .is_some_and(|s| s.trim().eq_ignore_ascii_case("CNL"))
    }
}

/// The answer of Cancel EWB, with the EWB system's names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EwbCancelled {
    #[serde(rename = "ewayBillNo", deserialize_with = "lenient_u64")]
    pub ewb_no: u64,
    /// The EWB system's format: `dd/MM/yyyy hh:mm:ss AM|PM`, IST.
    #[serde(rename = "cancelDate", default)]
    pub cancel_date: String,
}

/// The decrypted `Data` of Generate EWB by IRN.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct GeneratedData {
    #[serde(deserialize_with = "lenient_u64")]
    ewb_no: u64,
    #[serde(default)]
    ewb_dt: Option<String>,
    #[serde(default, deserialize_with = "non_empty")]
    ewb_valid_till: Option<String>,
    #[serde(default, deserialize_with = "non_empty")]
    remarks: Option<String>,
}

impl NicClient {
    /// Generate EWB by IRN (`POST /eiewb/v1.03/ewaybill`). NIC errors (4000–4040, 2251–2254, ...)
    /// come back as [`ClientError::Nic`].
    pub async fn generate_ewb(&self, request: &EwbRequest) -> Result<EwbGenerated, ClientError> {
        let bytes = serde_json::to_vec(request)
            .map_err(|e| ClientError::Protocol(format!("cannot serialise the EWB request: {e}")))?;
        self.generate_ewb_json(&bytes).await
    }

    /// [`Self::generate_ewb`] for a request given as raw JSON bytes, sent as they are.
    pub async fn generate_ewb_json(
        &self,
        request_json: &[u8],
    ) -> Result<EwbGenerated, ClientError> {
        let (data, info) = self
            .call(|session| self.post_keeping_info(GENERATE_EWB_PATH, request_json, session))
            .await?;
        ewb_generated(data, info)
    }

    /// Get EWB details by IRN (`GET /eiewb/v1.03/ewaybill/irn/{irn}`); 4005 when the IRN has none.
    pub async fn ewb_by_irn(&self, irn: &str) -> Result<EwbDetails, ClientError> {
        let data = self.get_encrypted(&ewb_by_irn_path(irn), &[]).await?;
        from_data(data, "Get EWB by IRN")
    }

    /// Cancel EWB through the EWB system (`action` `CANEWB`). `reason`: 1 duplicate, 2 order
    /// cancelled, 3 data entry mistake, 4 others; `remark` up to 50 characters. Both are sent as
    /// given (the EWB system checks them). Refusals (312 not yours or already cancelled, 315
    /// validity lapsed, 240 more than 24 hours after generation, ...) are [`ClientError::Nic`].
    pub async fn cancel_ewb(
        &self,
        ewb_no: u64,
        reason: u8,
        remark: &str,
    ) -> Result<EwbCancelled, ClientError> {
        let payload = json!({"ewbNo": ewb_no, "cancelRsnCode": reason, "cancelRmrk": remark});
        let data = self.ewb_system_call("CANEWB", &payload).await?;
        from_data(data, "Cancel EWB")
    }

    /// One call to the EWB system's API: `{"action":..,"data":AES(SEK, payload)}` with the session
    /// headers; returns the decrypted `data` of a `status` 1 answer. With session renewal on, an
    /// invalid token (EWB 105 or IRP 1005) is answered by logging in again and retrying once.
    pub async fn ewb_system_call(
        &self,
        action: &str,
        payload: &Value,
    ) -> Result<Value, ClientError> {
        let bytes = serde_json::to_vec(payload)
            .map_err(|e| ClientError::Protocol(format!("cannot serialise payload: {e}")))?;
        let bytes = bytes.as_slice();
        self.call_renewing_if(
            |session| self.ewb_system_once(action, bytes, session),
            |err| err.has_nic_code(EWB_INVALID_TOKEN) || err.has_nic_code(INVALID_TOKEN),
        )
        .await
    }

    /// Runs `op` with the session. With renewal on, a failure `stale` recognises (a token the
    /// server no longer accepts) makes one forced login and one retry; with renewal off, `op` runs
    /// once with the current session.
    pub(crate) async fn call_renewing_if<T, F, Fut>(
        &self,
        op: F,
        stale: impl Fn(&ClientError) -> bool,
    ) -> Result<T, ClientError>
    where
        F: Fn(Arc<Session>) -> Fut,
        Fut: Future<Output = Result<T, ClientError>>,
    {
        if !self.renew {
            return op(self.session().ok_or(ClientError::NotAuthenticated)?).await;
        }
        let session = self.ensure_session().await?;
        match op(session.clone()).await {
            Err(err) if stale(&err) => op(self.renew_rejected(&session).await?).await,
            result => result,
        }
    }

    /// [`NicClient::post_encrypted`] that also returns the success envelope's `InfoDtls`.
    async fn post_keeping_info(
        &self,
        path: &str,
        payload_json: &[u8],
        session: Arc<Session>,
    ) -> Result<(Value, Option<Value>), ClientError> {
        let request = self
            .with_session_headers(self.raw_http().post(self.url(path)), &session)
            .header(CONTENT_TYPE, "application/json")
            .body(encrypted_request_body(&session.sek, payload_json));
        let envelope = send_for_envelope(request).await?;
        let info = envelope.info.clone();
        let data = decrypt_data(envelope.into_success_data()?, &session.sek)?;
        Ok((data, info))
    }

    async fn ewb_system_once(
        &self,
        action: &str,
        payload_json: &[u8],
        session: Arc<Session>,
    ) -> Result<Value, ClientError> {
        let body = json!({"action": action, "data": aes_encrypt_b64(&session.sek, payload_json)});
        let response = self
            .with_session_headers(self.raw_http().post(self.url(EWB_SYSTEM_PATH)), &session)
            .header(CONTENT_TYPE, "application/json")
            .body(body.to_string())
            .send()
            .await?;
        let status = response.status();
        let body = response.bytes().await?;
        if !status.is_success() && !is_envelope(&body) {
            return Err(ClientError::Status {
                status: status.as_u16(),
                snippet: snippet(&body),
            });
        }
        parse_ewb_system_response(&body, &session.sek)
    }
}

/// Builds the typed Generate EWB answer from the decrypted `Data` and the envelope's `InfoDtls`.
fn ewb_generated(data: Value, info: Option<Value>) -> Result<EwbGenerated, ClientError> {
    let data: GeneratedData = from_data(data, "Generate EWB by IRN")?;
    Ok(EwbGenerated {
        ewb_no: data.ewb_no,
        ewb_date: data.ewb_dt.unwrap_or_default(),
        valid_till: data.ewb_valid_till,
        remarks: data.remarks,
        computed_distance_km: info.as_ref().and_then(computed_distance),
        info,
    })
}

/// The distance in the `EWBPPD` entry of `InfoDtls` (`"Pin-Pin calc distance: 2467KM"` → 2467),
/// whether `InfoDtls` is an array or a single entry.
pub fn computed_distance(info: &Value) -> Option<u32> {
    let entries = match info {
        Value::Array(items) => items.as_slice(),
        single => std::slice::from_ref(single),
    };
    entries.iter().find_map(|entry| {
        let entry = entry.as_object()?;
        let code = get_ci(entry, "InfCd")?.as_str()?;
        if !code.trim().eq_ignore_ascii_case("EWBPPD") {
            return None;
        }
        match get_ci(entry, "Desc")? {
            Value::Number(n) => n.to_string().parse().ok(),
            Value::String(text) => {
                let after = text.rsplit_once(':').map_or(text.as_str(), |(_, a)| a);
                let digits: String = after
                    .chars()
                    .skip_while(|c| !c.is_ascii_digit())
                    .take_while(char::is_ascii_digit)
                    .collect();
                digits.parse().ok()
            }
            _ => None,
        }
    })
}

/// A JSON object with a `status` the EWB system (or the IRP) could have sent.
fn is_envelope(body: &[u8]) -> bool {
    serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|v| v.as_object().and_then(|o| get_ci(o, "status").cloned()))
        .is_some_and(|s| parse_status(&s).is_some())
}

fn parse_status(status: &Value) -> Option<u8> {
    let n = match status {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }?;
    u8::try_from(n).ok().filter(|n| *n <= 1)
}

/// Reads an EWB-system answer (§4.4): on `status` 1 the decrypted `data` (JSON, or JSON under one
/// more base64 layer, as NIC documents); on `status` 0 a [`ClientError::Nic`] with one error per
/// code of the base64 `error` `{"errorCodes":"312,315"}` and the plain-text `info`. A `status` 0
/// in the IRP's own shape (`ErrorDetails`, from header checks shared with the e-invoice API) is
/// read as such. `status` may be a string or a number.
pub fn parse_ewb_system_response(body: &[u8], sek: &[u8; 32]) -> Result<Value, ClientError> {
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        ClientError::Protocol(format!(
            "EWB system response is not JSON: {e}: {}",
            snippet(body)
        ))
    })?;
    let Value::Object(object) = value else {
        return Err(ClientError::Protocol(
            "EWB system response is not a JSON object".into(),
        ));
    };
    let status = get_ci(&object, "status");
    match status.and_then(parse_status) {
        Some(1) => match get_ci(&object, "data") {
            None | Some(Value::Null) => Ok(Value::Null),
            Some(Value::String(ciphertext)) => decrypt_ewb_data(ciphertext, sek),
            Some(other) => Err(ClientError::Protocol(format!(
                "EWB system data is not an encrypted string: {other}"
            ))),
        },
        Some(_) => Err(ewb_system_error(&object, body)?),
        None => Err(ClientError::Protocol(format!(
            "EWB system status missing or not 0/1: {}",
            status.map_or_else(|| "absent".to_owned(), Value::to_string)
        ))),
    }
}

/// The error of a `status` 0 answer.
fn ewb_system_error(object: &Map<String, Value>, body: &[u8]) -> Result<ClientError, ClientError> {
    let error = get_ci(object, "error").filter(|v| !v.is_null());
    if error.is_none() && get_ci(object, "ErrorDetails").is_some_and(|v| !v.is_null()) {
        let envelope = parse_envelope(body)?;
        return Ok(ClientError::Nic {
            errors: envelope.errors,
            info: envelope.info,
        });
    }
    let codes = match error {
        Some(error) => error_codes(error)?,
        None => Vec::new(),
    };
    let info = match get_ci(object, "info") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.trim().is_empty() => None,
        Some(other) => Some(other.clone()),
    };
    let errors = codes
        .into_iter()
        .map(|code| NicError {
            message: ewb_system_message(&code)
                .unwrap_or("unknown e-way bill system error")
                .to_owned(),
            code,
        })
        .collect();
    Ok(ClientError::Nic { errors, info })
}

/// The codes of `error`: base64 of `{"errorCodes":"312"}` (as NIC sends it), or that object
/// as plain JSON; `errorCodes` a string (maybe comma-separated), a number or an array.
fn error_codes(error: &Value) -> Result<Vec<String>, ClientError> {
    let unreadable = || ClientError::Protocol(format!("unreadable EWB system error: {error}"));
    let object = match error {
        Value::Object(_) => error.clone(),
        Value::String(text) => b64_decode(text)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Value>(&bytes).ok())
            .filter(Value::is_object)
            .or_else(|| {
                serde_json::from_str::<Value>(text)
                    .ok()
                    .filter(Value::is_object)
            })
            .ok_or_else(unreadable)?,
        _ => return Err(unreadable()),
    };
    let codes = object
        .as_object()
        .and_then(|o| get_ci(o, "errorCodes"))
        .ok_or_else(unreadable)?;
    Ok(split_codes(codes))
}

fn split_codes(codes: &Value) -> Vec<String> {
    match codes {
        Value::String(list) => list
            .split(',')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_owned)
            .collect(),
        Value::Number(n) => vec![n.to_string()],
        Value::Array(items) => items.iter().flat_map(split_codes).collect(),
        _ => Vec::new(),
    }
}

/// Decrypts the EWB system's `data`: JSON, or base64 of JSON (one extra layer, as NIC documents).
fn decrypt_ewb_data(ciphertext: &str, sek: &[u8; 32]) -> Result<Value, ClientError> {
    let plain = aes_decrypt_b64(sek, ciphertext)
        .map_err(|e| ClientError::Protocol(format!("cannot decrypt data with the SEK: {e}")))?;
    if let Ok(value) = serde_json::from_slice(&plain) {
        return Ok(value);
    }
    std::str::from_utf8(&plain)
        .ok()
        .and_then(|text| b64_decode(text).ok())
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .ok_or_else(|| {
            ClientError::Protocol("decrypted EWB data is neither JSON nor base64 JSON".into())
        })
}

/// A human message for an e-way bill system error code (`None` for codes not listed here).
pub fn ewb_system_message(code: &str) -> Option<&'static str> {
    Some(match code.trim() {
        "100" => "Invalid JSON or request",
        "105" => "Invalid token",
        "106" => "Invalid user name or password",
        "109" => "Decryption of data failed",
        "110" => "Invalid client id or client secret",
        "116" => "Invalid credentials",
        "240" => "E-way bill can be cancelled only within 24 hours of generation",
        "312" => "This eway bill is either not generated by you or cancelled",
        "315" => "Validity period lapsed, you cannot cancel this eway bill",
        "316" => "Eway bill is already verified, you cannot cancel it",
        "325" => "Could not retrieve data",
        "393" => "The gstin header is missing",
        _ => return None,
    })
}

fn lenient_u64<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    let value = Value::deserialize(d)?;
    int_of(&value)
        .and_then(|n| u64::try_from(n).ok())
        .ok_or_else(|| serde::de::Error::custom(format!("expected an EWB number, got {value}")))
}

/// A string, with `null` and `""` as `None`.
fn non_empty<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(Option::<String>::deserialize(d)?.filter(|s| !s.trim().is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use openirp_crypto::{b64_encode, random_key};

    #[test]
    fn request_uses_nic_names_and_leaves_out_absent_members() {
        let minimal = EwbRequest {
            trans_id: Some("29AKLPM8755F1Z2".into()),
            ..EwbRequest::new("abc")
        };
        assert_eq!(
            serde_json::to_string(&minimal).unwrap(),
            r#"{"Irn":"abc","Distance":0,"TransId":"29AKLPM8755F1Z2"}"#
        );
        let full = EwbRequest {
            irn: "abc".into(),
            distance: 100,
            trans_mode: Some(TransMode::Road),
            trans_id: None,
            trans_name: Some("trans name".into()),
            trans_doc_no: Some("TRAN/DOC/11".into()),
            trans_doc_dt: Some("01/08/2020".into()),
            veh_no: Some("KA12ER1234".into()),
            veh_type: Some(VehicleType::Regular),
            exp_ship_dtls: Some(EwbShipTo {
                addr1: "7th block".into(),
                addr2: None,
                loc: "Bengaluru".into(),
                pin: 562160,
                stcd: "29".into(),
            }),
            disp_dtls: Some(EwbDispatchFrom {
                nm: "ABC".into(),
                addr1: "a".into(),
                addr2: Some("b".into()),
                loc: "Bengaluru".into(),
                pin: 560001,
                stcd: "29".into(),
            }),
        };
        let value = serde_json::to_value(&full).unwrap();
        assert_eq!(
            value,
            json!({"Irn":"abc","Distance":100,"TransMode":"1","TransName":"trans name",
                "TransDocNo":"TRAN/DOC/11","TransDocDt":"01/08/2020","VehNo":"KA12ER1234","VehType":"R",
                "ExpShipDtls":{"Addr1":"7th block","Loc":"Bengaluru","Pin":562160,"Stcd":"29"},
                "DispDtls":{"Nm":"ABC","Addr1":"a","Addr2":"b","Loc":"Bengaluru","Pin":560001,"Stcd":"29"}})
        );
        let back: EwbRequest = serde_json::from_value(value).unwrap();
        assert_eq!(back, full);
        for (mode, text) in [
            (TransMode::Rail, "\"2\""),
            (TransMode::Air, "\"3\""),
            (TransMode::Ship, "\"4\""),
        ] {
            assert_eq!(serde_json::to_string(&mode).unwrap(), text);
        }
        assert_eq!(
            serde_json::to_string(&VehicleType::OverDimensional).unwrap(),
            "\"O\""
        );
    }

    #[test]
    fn ewbppd_distance_is_read_from_every_shape() {
        let info = json!([{"InfCd":"EWBALERT","Desc":"x 12"},{"InfCd":"EWBPPD","Desc":"Pin-Pin calc distance: 2467KM"}]);
        assert_eq!(computed_distance(&info), Some(2467));
        assert_eq!(
            computed_distance(&json!({"infcd":"ewbppd","desc":"Pin-Pin calc distance: 981 KM"})),
            Some(981)
        );
        assert_eq!(
            computed_distance(&json!([{"InfCd":"EWBPPD","Desc":"1200KM"}])),
            Some(1200)
        );
        assert_eq!(
            computed_distance(&json!([{"InfCd":"EWBPPD","Desc":42}])),
            Some(42)
        );
        assert_eq!(
            computed_distance(&json!([{"InfCd":"EWBPPD","Desc":"unknown"}])),
            None
        );
        assert_eq!(
            computed_distance(&json!([{"InfCd":"DUPIRN","Desc":"5"}])),
            None
        );
        assert_eq!(computed_distance(&json!("text")), None);
    }

    #[test]
    fn generated_answer_is_typed_with_the_computed_distance() {
        let info = json!([{"InfCd":"EWBPPD","Desc":"Pin-Pin calc distance: 2467KM"}]);
        let g = ewb_generated(
            json!({"EwbNo":391009149369_u64,"EwbDt":"2026-11-25 19:29:00","EwbValidTill":"2026-11-27 23:59:00","Remarks":null}),
            Some(info.clone()),
        )
        .unwrap();
        assert_eq!(g.ewb_no, 391009149369);
        assert_eq!(g.ewb_date, "2026-11-25 19:29:00");
        assert_eq!(g.valid_till.as_deref(), Some("2026-11-27 23:59:00"));
        assert_eq!(g.computed_distance_km, Some(2467));
        assert_eq!(g.info, Some(info));
        assert!(!g.is_part_a_only());

        let part_a = ewb_generated(
            json!({"EwbNo":"391009149370","EwbDt":"2026-11-25 19:29:00","EwbValidTill":null}),
            None,
        )
        .unwrap();
        assert_eq!(part_a.ewb_no, 391009149370);
        assert!(part_a.is_part_a_only());
        assert_eq!(part_a.computed_distance_km, None);
        assert!(ewb_generated(json!({"EwbDt":"x"}), None).is_err());

        let details: EwbDetails = from_data(
            json!({"EwbNo":391009149369_u64,"Status":"CNL","GenGstin":"29AAA","EwbDt":"d","EwbValidTill":""}),
            "t",
        )
        .unwrap();
        assert!(details.is_cancelled());
        assert_eq!(details.valid_till, None);
    }

    fn encrypted(sek: &[u8; 32], plain: &[u8]) -> String {
        aes_encrypt_b64(sek, plain)
    }

    #[test]
    fn ewb_system_success_with_and_without_the_extra_base64_layer() {
        let sek = random_key();
        let inner = br#"{"ewayBillNo":391009149369,"cancelDate":"25/11/2026 07:29:00 PM"}"#;
        for plain in [inner.to_vec(), b64_encode(inner).into_bytes()] {
            for status in [json!("1"), json!(1)] {
                let body = json!({"status": status, "data": encrypted(&sek, &plain), "info": null});
                let data = parse_ewb_system_response(body.to_string().as_bytes(), &sek).unwrap();
                let cancelled: EwbCancelled = from_data(data, "t").unwrap();
                assert_eq!(
                    cancelled,
                    EwbCancelled {
                        ewb_no: 391009149369,
                        cancel_date: "25/11/2026 07:29:00 PM".into()
                    }
                );
            }
        }
        let garbage = json!({"status":"1","data": encrypted(&sek, b"not json at all")});
        assert!(matches!(
            parse_ewb_system_response(garbage.to_string().as_bytes(), &sek),
            Err(ClientError::Protocol(_))
        ));
    }

    #[test]
    fn ewb_system_failures_carry_every_code_with_a_message_and_the_info() {
        let sek = random_key();
        let failure = |error: Value, info: Value| {
            let body = json!({"status": "0", "error": error, "info": info}).to_string();
            parse_ewb_system_response(body.as_bytes(), &sek).unwrap_err()
        };
        let err = failure(
            json!(b64_encode(br#"{"errorCodes":"312"}"#)),
            json!("not yours"),
        );
        assert_eq!(err.nic_codes(), ["312"]);
        assert_eq!(
            err.to_string(),
            "NIC error 312: This eway bill is either not generated by you or cancelled"
        );
        assert_eq!(err.info(), Some(&json!("not yours")));

        let err = failure(
            json!(b64_encode(br#"{"errorCodes":"315, 240,"}"#)),
            Value::Null,
        );
        assert_eq!(err.nic_codes(), ["315", "240"]);
        assert!(err.has_nic_code("240"));
        assert!(err.info().is_none());
        assert!(err.to_string().contains("24 hours"), "{err}");

        // Numbers for status and code, plain JSON instead of base64, an unknown code.
        let body = json!({"status": 0, "error": {"errorCodes": 999}, "info": ""}).to_string();
        let err = parse_ewb_system_response(body.as_bytes(), &sek).unwrap_err();
        assert_eq!(err.nic_codes(), ["999"]);
        assert!(err.to_string().contains("unknown"));

        // The IRP's own envelope (shared header checks).
        let body =
            br#"{"Status":0,"ErrorDetails":[{"ErrorCode":"1005","ErrorMessage":"Invalid Token"}]}"#;
        let err = parse_ewb_system_response(body, &sek).unwrap_err();
        assert_eq!(err.nic_codes(), ["1005"]);

        for body in [
            &b"<html>"[..],
            b"[]",
            br#"{"status":"2"}"#,
            br#"{"data":"x"}"#,
            br#"{"status":"0","error":"%%%"}"#,
        ] {
            assert!(
                matches!(
                    parse_ewb_system_response(body, &sek),
                    Err(ClientError::Protocol(_))
                ),
                "{}",
                String::from_utf8_lossy(body)
            );
        }
        assert!(is_envelope(br#"{"status":"0","error":"x"}"#));
        assert!(!is_envelope(b"<html>502</html>"));
        assert_eq!(
            ewb_system_message("393"),
            Some("The gstin header is missing")
        );
        assert_eq!(ewb_system_message("1"), None);
    }

    #[test]
    fn ewb_by_irn_path_is_encoded() {
        assert_eq!(
            ewb_by_irn_path("706daecc"),
            "/eiewb/v1.03/ewaybill/irn/706daecc"
        );
    }
}
