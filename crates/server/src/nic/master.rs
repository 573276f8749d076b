//! `GET /eivital/v1.04/Master/gstin/{gstin}` and `/Master/syncgstin/{gstin}`: the GSTIN master record.
//! Any authenticated user may look up any GSTIN. There is no GST Common Portal to sync from here, so
//! sync returns the record as the master holds it.

use super::codes;
use super::envelope::{Failure, NicResult, Success};
use super::session::authenticate;
use crate::state::Shared;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use openirp_store::GstinRecord;
use serde::Serialize;

/// The v1.04 response shape (§9.1 of the reference), in NIC's member order.
#[derive(Serialize)]
pub struct GstinDetails<'a> {
    #[serde(rename = "Gstin")]
    pub gstin: &'a str,
    #[serde(rename = "TradeName")]
    pub trade_name: Option<&'a str>,
    #[serde(rename = "LegalName")]
    pub legal_name: &'a str,
    #[serde(rename = "AddrBnm")]
    pub addr_bnm: Option<&'a str>,
    #[serde(rename = "AddrBno")]
    pub addr_bno: Option<&'a str>,
    #[serde(rename = "AddrFlno")]
    pub addr_flno: Option<&'a str>,
    #[serde(rename = "AddrSt")]
    pub addr_st: Option<&'a str>,
    #[serde(rename = "AddrLoc")]
    pub addr_loc: Option<&'a str>,
    #[serde(rename = "StateCode")]
    pub state_code: u8,
    #[serde(rename = "AddrPncd")]
    pub addr_pncd: Option<u32>,
    #[serde(rename = "TxpType")]
    pub txp_type: &'a str,
    #[serde(rename = "Status")]
    pub status: &'a str,
    #[serde(rename = "BlkStatus")]
    pub blk_status: Option<&'a str>,
    #[serde(rename = "DtReg")]
    pub dt_reg: Option<&'a str>,
    #[serde(rename = "DtDReg")]
    pub dt_dreg: Option<&'a str>,
}

impl<'a> From<&'a GstinRecord> for GstinDetails<'a> {
    fn from(r: &'a GstinRecord) -> Self {
        GstinDetails {
            gstin: &r.gstin,
            trade_name: r.trade_name.as_deref(),
            legal_name: &r.legal_name,
            addr_bnm: r.addr_bnm.as_deref(),
            addr_bno: r.addr_bno.as_deref(),
            addr_flno: r.addr_flno.as_deref(),
            addr_st: r.addr_st.as_deref(),
            addr_loc: r.addr_loc.as_deref(),
            state_code: r.state_code,
            addr_pncd: r.pincode,
            txp_type: &r.txp_type,
            status: &r.status,
            blk_status: r.blk_status.as_deref(),
            dt_reg: r.dt_reg.as_deref(),
            dt_dreg: r.dt_dreg.as_deref(),
        }
    }
}

/// Get GSTIN details.
pub async fn gstin_details(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(gstin): Path<String>,
) -> Response {
    lookup(&state, &headers, &gstin).await.into_response()
}

/// Sync GSTIN from the Common Portal (answered from the master).
pub async fn sync_gstin(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(gstin): Path<String>,
) -> Response {
    lookup(&state, &headers, &gstin).await.into_response()
}

async fn lookup(state: &Shared, headers: &HeaderMap, gstin: &str) -> NicResult {
    let caller = authenticate(state, headers).await?;
    // Paths are matched in lower case; GSTINs are upper case.
    let gstin = gstin.to_ascii_uppercase();
    if !openirp_model::gstin::has_gstin_shape(&gstin) {
        return Err(Failure::code(codes::INVALID_GSTIN));
    }
    let record = state
        .store
        .get_gstin(&gstin)
        .await
        .map_err(|_| Failure::code(codes::APPLICATION_ERROR))?;
    let record = record.ok_or(Failure::code(codes::REQUESTED_DATA_NOT_AVAILABLE))?;
    let json = serde_json::to_vec(&GstinDetails::from(&record))
        .map_err(|_| Failure::code(codes::APPLICATION_ERROR))?;
    Ok(Success::encrypted(caller.sek(), &json))
}
