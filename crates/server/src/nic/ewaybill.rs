//! `POST /eiewb/v1.03/ewaybill` (Generate EWB by IRN) and `GET /eiewb/v1.03/ewaybill/irn/{irn}` (Get
//! EWB details by IRN), reference §8.1 and §8.5. Part-A is the registered e-invoice; the request
//! brings Part-B and may replace the dispatch-from and ship-to addresses.

use super::codes;
use super::envelope::{Failure, NicResult, Success};
use super::payload::{decrypt_json, envelope_data, read_body};
use super::session::{Caller, authenticate};
use crate::ewaybill::{Call, Made, Refused, Requester};
use crate::state::Shared;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use openirp_model::canonical::{Canon, canonicalise};
use openirp_model::invoice::{EwbDetails, Party};
use openirp_model::irn::is_irn_shape;
use openirp_model::schema::EWB_BY_IRN;
use openirp_model::time::format_ist;
use openirp_store::{EwayBill, StoreError};
use serde::Serialize;
use serde_json::{Value, json};

/// The answer of Generate EWB (and the e-way bill part of Generate IRN), in NIC's member order.
#[derive(Serialize)]
pub struct EwbGenerated {
    #[serde(rename = "EwbNo")]
    pub ewb_no: i64,
    #[serde(rename = "EwbDt")]
    pub ewb_dt: String,
    #[serde(rename = "EwbValidTill")]
    pub ewb_valid_till: Option<String>,
    #[serde(rename = "Remarks")]
    pub remarks: Option<String>,
}

impl From<&EwayBill> for EwbGenerated {
    fn from(b: &EwayBill) -> Self {
        EwbGenerated {
            ewb_no: b.ewb_no,
            ewb_dt: format_ist(b.ewb_dt),
            ewb_valid_till: b.valid_till.map(format_ist),
            remarks: None,
        }
    }
}

/// Get EWB details by IRN.
#[derive(Serialize)]
struct EwbDetailsReply {
    #[serde(rename = "EwbNo")]
    ewb_no: i64,
    #[serde(rename = "Status")]
    status: String,
    #[serde(rename = "GenGstin")]
    gen_gstin: String,
    #[serde(rename = "EwbDt")]
    ewb_dt: String,
    #[serde(rename = "EwbValidTill")]
    ewb_valid_till: Option<String>,
}

/// `EWBPPD`: the distance the IRP computed from the PIN codes.
pub fn computed_distance_info(km: u32) -> Value {
    json!({"InfCd": "EWBPPD", "Desc": format!("Pin-Pin calc distance: {km}KM")})
}

/// Generate EWB by IRN.
pub async fn generate(State(state): State<Shared>, headers: HeaderMap, body: Body) -> Response {
    generate_ewb(&state, &headers, body).await.into_response()
}

/// Get EWB details by IRN.
pub async fn by_irn(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(irn): Path<String>,
) -> Response {
    ewb_details(&state, &headers, &irn).await.into_response()
}

async fn generate_ewb(state: &Shared, headers: &HeaderMap, body: Body) -> NicResult {
    let caller = authenticate(state, headers).await?;
    let bytes = read_body(body, state.config.max_body_bytes).await?;
    let request = parse_request(decrypt_json(caller.sek(), &envelope_data(&bytes)?)?)?;
    let irn = request
        .str_at("Irn")
        .unwrap_or_default()
        .to_ascii_lowercase();
    if !is_irn_shape(&irn) {
        return Err(Failure::code(codes::IRN_INVALID));
    }
    let record = state
        .store
        .get_einvoice(&irn)
        .await
        .map_err(store_failure)?
        .ok_or(Failure::code(codes::EWB_IRN_NOT_AVAILABLE))?;
    if !record.seller_gstin.eq_ignore_ascii_case(caller.gstin()) {
        return Err(Failure::code(codes::NOT_OWNER));
    }
    if record.status != "ACT" {
        return Err(Failure::code(codes::EWB_IRN_NOT_ACTIVE));
    }
    let mut invoice = crate::registered::invoice_of(&record).ok_or_else(|| {
        tracing::error!(irn = %irn, "stored SignedInvoice does not decode");
        Failure::code(codes::APPLICATION_ERROR)
    })?;
    invoice.ewb = Some(EwbDetails::from_canonical(&request));
    if let Some(dispatch) = request.get("DispDtls") {
        invoice.dispatch = Some(Party::from_canonical(dispatch));
    }
    if let Some(ship_to) = request.get("ExpShipDtls") {
        invoice.ship_to = Some(Party::from_canonical(ship_to));
    }
    let by = requester(&caller);
    match crate::ewaybill::make(state, &invoice, &irn, &by, Call::ByIrn).await {
        Ok(made) => generated_reply(&caller, &made),
        Err(Refused::Errors(errors)) => Err(Failure::many(errors)),
        Err(Refused::Store(e)) => Err(store_failure(e)),
    }
}

/// The Generate EWB answer, with `EWBPPD` when the distance was computed.
fn generated_reply(caller: &Caller, made: &Made) -> NicResult {
    let json = serde_json::to_vec(&EwbGenerated::from(&made.bill))
        .map_err(|_| Failure::code(codes::APPLICATION_ERROR))?;
    let reply = Success::encrypted(caller.sek(), &json);
    Ok(match made.computed_km {
        Some(km) => reply.with_info(json!([computed_distance_info(km)])),
        None => reply,
    })
}

/// Who is asking, as the e-way bill records it.
pub fn requester(caller: &Caller) -> Requester<'_> {
    Requester {
        gstin: caller.gstin(),
        user: &caller.session.username,
        client: &caller.session.client_id,
    }
}

/// The request checked against its schema. `Distance` may come as a string (v1.02 typed it so).
fn parse_request(mut payload: Value) -> Result<Canon, Failure> {
    if let Value::Object(map) = &mut payload
        && let Some((key, Value::String(text))) = map
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("Distance"))
            .map(|(k, v)| (k.clone(), v.clone()))
        && let Ok(n) = text.trim().parse::<u64>()
    {
        map.insert(key, Value::from(n));
    }
    canonicalise(&EWB_BY_IRN, &payload).map_err(|errors| {
        Failure::many(
            errors
                .iter()
                .map(|e| super::envelope::ErrorDetail {
                    code: codes::SCHEMA_INVALID.to_string(),
                    message: format!("{}: {}", e.field(), e.message),
                })
                .collect(),
        )
    })
}

async fn ewb_details(state: &Shared, headers: &HeaderMap, irn: &str) -> NicResult {
    let caller = authenticate(state, headers).await?;
    let irn = irn.to_ascii_lowercase();
    if !is_irn_shape(&irn) {
        return Err(Failure::code(codes::IRN_INVALID));
    }
    let bills = state
        .store
        .ewaybills_for_irn(&irn)
        .await
        .map_err(store_failure)?;
    let Some(bill) = bills
        .iter()
        .find(|b| b.status == "ACT")
        .or_else(|| bills.first())
    else {
        return Err(Failure::code(codes::EWB_NOT_FOUND));
    };
    if !bill.gen_gstin.eq_ignore_ascii_case(caller.gstin()) {
        return Err(Failure::code(codes::EWB_NOT_AUTHORISED));
    }
    let json = serde_json::to_vec(&EwbDetailsReply {
        ewb_no: bill.ewb_no,
        status: bill.status.clone(),
        gen_gstin: bill.gen_gstin.clone(),
        ewb_dt: format_ist(bill.ewb_dt),
        ewb_valid_till: bill.valid_till.map(format_ist),
    })
    .map_err(|_| Failure::code(codes::APPLICATION_ERROR))?;
    Ok(Success::encrypted(caller.sek(), &json))
}

fn store_failure(e: StoreError) -> Failure {
    tracing::error!(error = %e, "store failure");
    Failure::code(codes::APPLICATION_ERROR)
}
