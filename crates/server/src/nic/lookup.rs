//! Get e-invoice by IRN, get IRN by document details, and rejected IRNs. Records are served for the
//! life of the data; NIC's 2-day cliff (2283) is emulated only when the server is asked to.

use super::codes;
use super::envelope::{Failure, NicResult, Success};
use super::headers::header;
use super::irn_data::IrnData;
use super::session::{Caller, authenticate};
use crate::state::Shared;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use openirp_model::irn::{compute_irn, financial_year, is_irn_shape};
use openirp_model::time::{ist_date, parse_doc_date};
use openirp_store::EInvoice;
use std::collections::HashMap;

const TWO_DAYS_SECS: i64 = 2 * 24 * 3600;

/// `GET /eicore/v1.03/Invoice/irn/{irn}`.
pub async fn by_irn(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(irn): Path<String>,
) -> Response {
    irn_details(&state, &headers, &irn).await.into_response()
}

/// `GET /eicore/v1.03/Invoice/irnbydocdetails?doctype=&docnum=&docdate=` (docnum and docdate may
/// come as headers instead, as one GSP wrapper sends them).
pub async fn by_doc(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    doc_details(&state, &headers, &query).await.into_response()
}

/// `GET /eicore/v1.03/Invoice/rejectedirns?date=dd/mm/yyyy`: a single IRP never has IRNs rejected by
/// the cross-IRP de-duplication, so the list is empty for every valid date.
pub async fn rejected(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    rejected_irns(&state, &headers, &query)
        .await
        .into_response()
}

async fn irn_details(state: &Shared, headers: &HeaderMap, irn: &str) -> NicResult {
    let caller = authenticate(state, headers).await?;
    let irn = irn.to_ascii_lowercase();
    if !is_irn_shape(&irn) {
        return Err(Failure::code(codes::IRN_INVALID));
    }
    let record = find(state, &irn)
        .await?
        .ok_or(Failure::code(codes::IRN_DATA_NOT_AVAILABLE))?;
    reply(state, &caller, &record).await
}

async fn doc_details(
    state: &Shared,
    headers: &HeaderMap,
    query: &HashMap<String, String>,
) -> NicResult {
    let caller = authenticate(state, headers).await?;
    let param = |name: &str| {
        query
            .iter()
            .find(|(k, v)| k.eq_ignore_ascii_case(name) && !v.trim().is_empty())
            .map(|(_, v)| v.trim())
            .or_else(|| header(headers, name))
    };
    let (Some(doc_type), Some(doc_no), Some(doc_date)) =
        (param("doctype"), param("docnum"), param("docdate"))
    else {
        return Err(Failure::code(codes::INCOMPLETE_PARAMETERS)
            .explained("doctype, docnum and docdate are required."));
    };
    let doc_type = doc_type.to_ascii_uppercase();
    if !openirp_model::masters::DOC_TYPES.contains(&doc_type.as_str()) {
        return Err(Failure::code(codes::INVALID_DOC_TYPE));
    }
    let date = parse_doc_date(doc_date).ok_or(Failure::code(codes::DOC_DATE_FORMAT))?;
    let irn = compute_irn(caller.gstin(), &financial_year(date), &doc_type, doc_no);
    let record = find(state, &irn)
        .await?
        .filter(|r| parse_doc_date(&r.doc_date) == Some(date))
        .ok_or(Failure::code(codes::IRN_DATA_NOT_AVAILABLE))?;
    reply(state, &caller, &record).await
}

async fn rejected_irns(
    state: &Shared,
    headers: &HeaderMap,
    query: &HashMap<String, String>,
) -> NicResult {
    let caller = authenticate(state, headers).await?;
    let date = query
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("date"))
        .and_then(|(_, v)| parse_doc_date(v.trim()));
    match date {
        Some(d) if d <= ist_date(state.now()) => Ok(Success::encrypted(caller.sek(), b"[]")),
        _ => Err(Failure::code(codes::DATE_INVALID)),
    }
}

async fn find(state: &Shared, irn: &str) -> Result<Option<EInvoice>, Failure> {
    state.store.get_einvoice(irn).await.map_err(|e| {
        tracing::error!(error = %e, "store failure");
        Failure::code(codes::APPLICATION_ERROR)
    })
}

/// Only the supplier may read its e-invoices. The answer names the IRN's active e-way bill, if any.
async fn reply(state: &Shared, caller: &Caller, record: &EInvoice) -> NicResult {
    if !record.seller_gstin.eq_ignore_ascii_case(caller.gstin()) {
        return Err(Failure::code(codes::NOT_AUTHORISED_TO_GET));
    }
    if state.config.emulate_two_day_limit && state.now() - record.ack_dt > TWO_DAYS_SECS {
        return Err(Failure::code(codes::OLDER_THAN_TWO_DAYS));
    }
    let mut data = IrnData::from(record);
    let bills = state
        .store
        .ewaybills_for_irn(&record.irn)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "store failure");
            Failure::code(codes::APPLICATION_ERROR)
        })?;
    if let Some(bill) = bills.iter().find(|b| b.status == "ACT") {
        data.set_ewb(bill);
    }
    let json = serde_json::to_vec(&data).map_err(|_| Failure::code(codes::APPLICATION_ERROR))?;
    Ok(Success::encrypted(caller.sek(), &json))
}
