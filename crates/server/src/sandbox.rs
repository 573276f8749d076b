//! The sandbox test-data API (sandbox mode only): make a complete test taxpayer in one call, add GSTIN
//! master records with any status to exercise error paths, and move the clock to test time windows.
//! Errors are plain 4xx JSON `{"error": "…"}`.

use crate::nic::master::GstinDetails;
use crate::state::Shared;
use crate::{ids, secrets};
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use openirp_model::gstin::{has_gstin_shape, has_valid_checksum, is_pan, make_gstin, state_of};
use openirp_model::states::{
    is_domestic_state, parse_state_code, sample_city, sample_pin, state_name, two_digit,
};
use openirp_model::time::format_ist;
use openirp_store::{ApiClient, ApiUser, GstinRecord, StoreError, TaxpayerBundle};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

/// A 4xx answer with a reason.
pub struct ApiError(StatusCode, String);

impl ApiError {
    fn bad(message: impl Into<String>) -> Self {
        ApiError(StatusCode::BAD_REQUEST, message.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.0, Json(json!({"error": self.1}))).into_response()
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict(what) => {
                ApiError(StatusCode::CONFLICT, format!("already exists: {what}"))
            }
            StoreError::Backend(_) => {
                tracing::error!(error = %e, "store failure");
                ApiError(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "the store is unavailable; try again".into(),
                )
            }
        }
    }
}

/// Parses a JSON body strictly (unknown fields are refused).
fn parse_body<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(|e| ApiError::bad(format!("invalid request body: {e}")))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewTaxpayer {
    state_code: Value,
    pan: Option<String>,
    legal_name: Option<String>,
    trade_name: Option<String>,
    /// Aggregate annual turnover in crore rupees (drives the 30-day reporting window).
    aato_crore: Option<serde_json::Number>,
}

/// `POST /sandbox/v1/taxpayers`: a checksum-valid dummy GSTIN for the state, its master record, a client
/// id and secret, and an API user for that GSTIN. Secret and password appear only in this response.
pub async fn create_taxpayer(
    State(state): State<Shared>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let req: NewTaxpayer = parse_body(&body)?;
    let code = match &req.state_code {
        Value::String(s) => parse_state_code(s.trim()),
        Value::Number(n) => n.as_u64().and_then(|n| u8::try_from(n).ok()),
        _ => None,
    }
    .filter(|c| is_domestic_state(*c))
    .ok_or_else(|| ApiError::bad("state_code must be an Indian GST state code such as \"29\""))?;
    let pan = match req.pan {
        Some(p) if is_pan(&p.to_ascii_uppercase()) => p.to_ascii_uppercase(),
        Some(_) => {
            return Err(ApiError::bad(
                "pan must have the PAN shape: 5 letters, 4 digits, 1 letter",
            ));
        }
        None => ids::pan(),
    };
    let legal_name = checked_name(req.legal_name, "legal_name")?
        .unwrap_or_else(|| format!("Sandbox Traders {pan} Private Limited"));
    let trade_name = checked_name(req.trade_name, "trade_name")?
        .unwrap_or_else(|| format!("Sandbox Traders {pan}"));

    let aato = aato_text(req.aato_crore)?;

    let client_secret = ids::client_secret();
    let password = ids::password();
    let (secret_hash, password_hash) = tokio::try_join!(
        secrets::hash_secret_blocking(client_secret.clone()),
        secrets::hash_secret_blocking(password.clone())
    )
    .map_err(|e| ApiError(StatusCode::SERVICE_UNAVAILABLE, e))?;
    let now = state.now();
    for entity in 1..=35 {
        let Some(gstin) = make_gstin(code, &pan, entity) else {
            break;
        };
        if state.store.get_gstin(&gstin).await?.is_some() {
            continue;
        }
        let bundle = TaxpayerBundle {
            gstin: GstinRecord {
                aato_crore: aato.clone(),
                ..taxpayer_record(&gstin, code, &legal_name, &trade_name)
            },
            client: ApiClient {
                client_id: ids::client_id(),
                secret_hash: secret_hash.clone(),
                name: trade_name.clone(),
                pan: Some(pan.clone()),
                created_at: now,
                allowed_ips: Vec::new(),
            },
            user: ApiUser {
                username: ids::username(),
                gstin: gstin.clone(),
                password_hash: password_hash.clone(),
                active: true,
                created_at: now,
                owner_client: None,
            },
        };
        match state.store.create_taxpayer(&bundle).await {
            Ok(()) => {
                let body = json!({
                    "gstin": gstin,
                    "client_id": bundle.client.client_id,
                    "client_secret": client_secret,
                    "username": bundle.user.username,
                    "password": password,
                    "state_code": two_digit(code),
                    "state_name": state_name(code),
                    "pan": pan,
                    "legal_name": legal_name,
                    "trade_name": trade_name,
                    "address": {"addr1": bundle.gstin.addr_st, "loc": bundle.gstin.addr_loc, "pin": bundle.gstin.pincode},
                    "auth_public_key_url": "/keys/auth-public.pem",
                    "signing_certificate_url": "/keys/signing-cert.pem",
                    "token_minutes": state.config.token_minutes,
                });
                return Ok((StatusCode::CREATED, Json(body)).into_response());
            }
            // Someone took this GSTIN (or the generated names) meanwhile: try the next entity number.
            Err(StoreError::Conflict(_)) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(ApiError(
        StatusCode::CONFLICT,
        format!("PAN {pan} has no free registration number left in state {code:02}"),
    ))
}

fn checked_name(name: Option<String>, field: &str) -> Result<Option<String>, ApiError> {
    match name {
        Some(n) if (3..=100).contains(&n.chars().count()) && !n.contains(['"', '\\']) => {
            Ok(Some(n))
        }
        Some(_) => Err(ApiError::bad(format!(
            "{field} must be 3 to 100 characters without \" or \\"
        ))),
        None => Ok(None),
    }
}

/// An active regular taxpayer with an address in its own state.
pub fn taxpayer_record(gstin: &str, code: u8, legal_name: &str, trade_name: &str) -> GstinRecord {
    GstinRecord {
        gstin: gstin.to_string(),
        legal_name: legal_name.to_string(),
        trade_name: Some(trade_name.to_string()),
        addr_bnm: Some("Sandbox House".to_string()),
        addr_bno: Some("1".to_string()),
        addr_flno: Some("Ground Floor".to_string()),
        addr_st: Some("Main Road".to_string()),
        addr_loc: sample_city(code).map(str::to_string),
        state_code: code,
        pincode: sample_pin(code),
        txp_type: "REG".to_string(),
        status: "ACT".to_string(),
        blk_status: Some("U".to_string()),
        dt_reg: Some("2017-07-01".to_string()),
        dt_dreg: None,
        checksum_exempt: false,
        aato_crore: None,
    }
}

/// A turnover as the store keeps it: non-negative decimal text.
fn aato_text(aato: Option<serde_json::Number>) -> Result<Option<String>, ApiError> {
    let Some(number) = aato else { return Ok(None) };
    match number.to_string().parse::<rust_decimal::Decimal>() {
        Ok(a) if !a.is_sign_negative() => Ok(Some(a.normalize().to_string())),
        _ => Err(ApiError::bad(
            "aato_crore must be a non-negative number of crore rupees",
        )),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewGstin {
    gstin: String,
    status: Option<String>,
    txp_type: Option<String>,
    legal_name: Option<String>,
    trade_name: Option<String>,
    pincode: Option<u32>,
    dt_reg: Option<String>,
    dt_dreg: Option<String>,
    blk_status: Option<String>,
    checksum_exempt: Option<bool>,
    aato_crore: Option<serde_json::Number>,
}

const STATUSES: &[&str] = &["ACT", "CNL", "INA", "PRO", "SUS"];
/// `SEZ` and `SEZU` are SEZ units (they cannot issue e-invoices, 2231); `SEZD` is an SEZ developer.
const TAXPAYER_TYPES: &[&str] = &[
    "REG", "COM", "SEZ", "SEZU", "SEZD", "TCS", "TDS", "ISD", "NRT", "UNB",
];

/// `POST /sandbox/v1/gstins`: adds (or replaces) a GSTIN master record with a chosen status and type.
pub async fn put_gstin(State(state): State<Shared>, body: Bytes) -> Result<Response, ApiError> {
    let req: NewGstin = parse_body(&body)?;
    let gstin = req.gstin.trim().to_ascii_uppercase();
    let exempt = req.checksum_exempt.unwrap_or(false);
    if !has_gstin_shape(&gstin) {
        return Err(ApiError::bad(
            "gstin must be 2 digits then 13 digits or capital letters",
        ));
    }
    if !exempt && !has_valid_checksum(&gstin) {
        return Err(ApiError::bad(
            "gstin fails the GSTIN check character; send \"checksum_exempt\": true to store it on purpose",
        ));
    }
    let code = state_of(&gstin)
        .filter(|c| is_domestic_state(*c))
        .ok_or_else(|| ApiError::bad("gstin must start with an Indian state code"))?;
    let status = one_of(req.status, "ACT", STATUSES, "status")?;
    let txp_type = one_of(req.txp_type, "REG", TAXPAYER_TYPES, "txp_type")?;
    for (field, date) in [("dt_reg", &req.dt_reg), ("dt_dreg", &req.dt_dreg)] {
        if date
            .as_deref()
            .is_some_and(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_err())
        {
            return Err(ApiError::bad(format!("{field} must be a date yyyy-mm-dd")));
        }
    }
    if req
        .pincode
        .is_some_and(|p| !(100_000..=999_999).contains(&p))
    {
        return Err(ApiError::bad("pincode must have 6 digits"));
    }
    let legal_name = checked_name(req.legal_name, "legal_name")?
        .unwrap_or_else(|| format!("Test Taxpayer {gstin}"));
    let record = GstinRecord {
        gstin: gstin.clone(),
        legal_name,
        trade_name: checked_name(req.trade_name, "trade_name")?,
        addr_bnm: None,
        addr_bno: None,
        addr_flno: None,
        addr_st: None,
        addr_loc: sample_city(code).map(str::to_string),
        state_code: code,
        pincode: req.pincode.or(sample_pin(code)),
        txp_type,
        status,
        blk_status: req.blk_status,
        dt_reg: req.dt_reg.or(Some("2017-07-01".to_string())),
        dt_dreg: req.dt_dreg,
        checksum_exempt: exempt,
        aato_crore: aato_text(req.aato_crore)?,
    };
    state.store.put_gstin(&record).await?;
    Ok((StatusCode::CREATED, Json(GstinDetails::from(&record))).into_response())
}

fn one_of(
    value: Option<String>,
    default: &str,
    allowed: &[&str],
    field: &str,
) -> Result<String, ApiError> {
    let v = value
        .map(|v| v.trim().to_ascii_uppercase())
        .unwrap_or_else(|| default.to_string());
    if allowed.contains(&v.as_str()) {
        Ok(v)
    } else {
        Err(ApiError::bad(format!(
            "{field} must be one of {}",
            allowed.join(", ")
        )))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClockChange {
    advance_seconds: Option<i64>,
    reset: Option<bool>,
}

/// `GET /sandbox/v1/clock`: the server's "now" and how far it is shifted from the machine clock.
pub async fn get_clock(State(state): State<Shared>) -> Json<Value> {
    Json(clock_view(&state))
}

/// `POST /sandbox/v1/clock` with `{"advance_seconds": n}` or `{"reset": true}`.
pub async fn move_clock(State(state): State<Shared>, body: Bytes) -> Result<Json<Value>, ApiError> {
    let change: ClockChange = parse_body(&body)?;
    match (change.advance_seconds, change.reset) {
        (Some(secs), None) => state.clock.advance(secs),
        (None, Some(true)) => state.clock.reset(),
        _ => {
            return Err(ApiError::bad(
                "send either {\"advance_seconds\": n} or {\"reset\": true}",
            ));
        }
    }
    Ok(Json(clock_view(&state)))
}

fn clock_view(state: &Shared) -> Value {
    json!({"now": format_ist(state.now()), "offset_seconds": state.clock.offset()})
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Faults {
    drop_next_generate_response: Option<bool>,
    generate_delay_ms: Option<u64>,
    gstin: Option<String>,
}

/// The longest a sandbox Generate IRN may be held: past NIC's usual client timeouts, short of
/// tying up a connection for good.
const MAX_GENERATE_DELAY_MS: u64 = 120_000;

/// GSTINs with a hold at once: a bound on what unauthenticated callers can make a node remember.
const MAX_HELD_GSTINS: usize = 10_000;

/// Sandbox "slow IRP" holds, per GSTIN, so that a developer slows only their own taxpayer's
/// Generate IRN and never another tenant's.
#[derive(Default)]
pub struct GenerateHolds {
    /// Whether any hold is set: the one read Generate IRN pays when none is.
    any: AtomicBool,
    by_gstin: Mutex<HashMap<String, u64>>,
}

impl GenerateHolds {
    /// Holds `gstin`'s Generate IRN for `ms` milliseconds from now on; 0 ends the hold.
    fn set(&self, gstin: &str, ms: u64) -> Result<(), ApiError> {
        let mut held = self
            .by_gstin
            .lock()
            .map_err(|_| ApiError::bad("the holds are unavailable"))?;
        if ms == 0 {
            held.remove(gstin);
        } else if held.len() < MAX_HELD_GSTINS || held.contains_key(gstin) {
            held.insert(gstin.to_string(), ms);
        } else {
            return Err(ApiError::bad(format!(
                "{MAX_HELD_GSTINS} GSTINs are held already: end a hold first"
            )));
        }
        self.any.store(!held.is_empty(), Ordering::SeqCst);
        Ok(())
    }

    /// How long `gstin`'s Generate IRN is held (0: not at all).
    pub fn for_gstin(&self, gstin: &str) -> u64 {
        if !self.any.load(Ordering::Relaxed) {
            return 0;
        }
        self.by_gstin
            .lock()
            .ok()
            .and_then(|held| held.get(gstin).copied())
            .unwrap_or(0)
    }
}

/// `POST /sandbox/v1/faults`, at least one switch given:
/// * `{"drop_next_generate_response": true}`: the next Generate IRN is committed and then its
///   connection is dropped without an answer, to test client recovery from the "timeout, then 2150"
///   trap. `false` disarms it.
/// * `{"gstin": "29…", "generate_delay_ms": 5000}`: every Generate IRN of that GSTIN's sessions is
///   held that long before it is stored, to test a client's timeouts against a slow IRP (and a
///   node's graceful shutdown). `0` ends the hold.
pub async fn arm_faults(State(state): State<Shared>, body: Bytes) -> Result<Json<Value>, ApiError> {
    let faults: Faults = parse_body(&body)?;
    if faults.drop_next_generate_response.is_none() && faults.generate_delay_ms.is_none() {
        return Err(ApiError::bad(
            "give drop_next_generate_response, generate_delay_ms (with gstin) or both",
        ));
    }
    let mut answer = serde_json::Map::new();
    if let Some(ms) = faults.generate_delay_ms {
        let gstin = faults
            .gstin
            .as_deref()
            .filter(|g| has_gstin_shape(g))
            .ok_or_else(|| {
                ApiError::bad("generate_delay_ms needs the gstin whose Generate IRN to hold")
            })?;
        if ms > MAX_GENERATE_DELAY_MS {
            return Err(ApiError::bad(format!(
                "generate_delay_ms is at most {MAX_GENERATE_DELAY_MS}"
            )));
        }
        state.generate_holds.set(gstin, ms)?;
        answer.insert("gstin".into(), json!(gstin));
        answer.insert("generate_delay_ms".into(), json!(ms));
    } else if faults.gstin.is_some() {
        return Err(ApiError::bad("gstin goes with generate_delay_ms"));
    }
    if let Some(drop) = faults.drop_next_generate_response {
        state
            .drop_next_generate_response
            .store(drop, Ordering::SeqCst);
    }
    answer.insert(
        "drop_next_generate_response".into(),
        json!(state.drop_next_generate_response.load(Ordering::SeqCst)),
    );
    Ok(Json(Value::Object(answer)))
}

/// NIC's own sandbox GSTINs, which fail the checksum; preloaded so NIC's sample payloads work.
pub const NIC_SANDBOX_GSTINS: &[(&str, &str)] = &[
    ("29AWGPV7107B1Z1", "VIKAS EXPORTS"),
    ("37ARZPT4384Q1MT", "NIC SAMPLE SUPPLIER"),
    ("02AMBPG7773M002", "NIC SANDBOX TAXPAYER"),
    ("01AMBPG7773M002", "NIC SANDBOX TAXPAYER"),
    ("36AMBPG7773M002", "NIC SANDBOX TAXPAYER"),
    ("09AAAPG7885R002", "NIC SANDBOX TAXPAYER"),
    ("05AAAPG7885R002", "NIC SANDBOX TAXPAYER"),
];

/// Upserts the NIC sandbox GSTINs as active regular taxpayers exempt from the checksum.
pub async fn preload_nic_sandbox_gstins(state: &Shared) -> Result<(), StoreError> {
    for (gstin, name) in NIC_SANDBOX_GSTINS {
        let code = state_of(gstin).unwrap_or(0);
        let mut record = taxpayer_record(gstin, code, name, name);
        record.checksum_exempt = true;
        state.store.put_gstin(&record).await?;
    }
    Ok(())
}
