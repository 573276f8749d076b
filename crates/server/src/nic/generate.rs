//! `POST /eicore/v1.03/Invoice`: Generate IRN. Decrypt, check the schema, run every business rule,
//! compute the IRN, sign the invoice and the QR code, and store the acknowledgement durably before
//! answering. The store's unique key on the IRN decides duplicates, also under concurrency.

use super::codes;
use super::envelope::{ErrorDetail, Failure, NicResult, Success};
use super::findings::{info_of, warning_entries};
use super::irn_data::{IrnData, dupirn_info};
use super::session::Caller;
use super::validate::checked_invoice;
use crate::ewaybill::{Call, Made, Refused};
use crate::state::Shared;
use axum::body::Body;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use chrono::Datelike;
use openirp_model::Invoice;
use openirp_model::canonical::Canon;
use openirp_model::payload::{invoice_part, signed_invoice_data, signed_qr_data};
use openirp_model::time::{format_ist, ist_datetime};
use openirp_rules::Finding;
use openirp_store::{EInvoice, InsertOutcome};
use serde_json::json;

/// Generate IRN.
pub async fn generate(State(state): State<Shared>, headers: HeaderMap, body: Body) -> Response {
    match generate_irn(&state, &headers, body).await {
        // Only a committed IRN arms the trap: the client must find it registered afterwards.
        Ok(_committed) if take_drop_fault(&state) => dropped_connection(),
        result => result.into_response(),
    }
}

async fn generate_irn(state: &Shared, headers: &HeaderMap, body: Body) -> NicResult {
    let (caller, accepted) = checked_invoice(state, headers, body).await?;
    let record = acknowledge(state, &caller, &accepted.canon, &accepted.invoice).await?;
    let (ewb_warnings, warnings): (Vec<_>, Vec<_>) = accepted
        .warnings
        .into_iter()
        .partition(openirp_rules::is_ewb_finding);
    // The e-way bill asked for with the IRN is prepared first, so that both are stored in one write.
    let ewb = match &accepted.invoice.ewb {
        None => None,
        Some(_) if !ewb_warnings.is_empty() => {
            Some(Err(Refused::Errors(rule_errors(&ewb_warnings))))
        }
        Some(_) => {
            let by = super::ewaybill::requester(&caller);
            Some(
                crate::ewaybill::prepare(state, &accepted.invoice, &record.irn, &by, Call::WithIrn)
                    .await,
            )
        }
    };
    hold_if_sandbox_delays(state, &caller.session.gstin).await;
    let (record, stored) = store_acknowledgement(state, record, ewb).await?;
    let mut data = IrnData::from(&record);
    let mut info = warning_entries(&warnings);
    info.extend(ewb_outcome(state, &record, stored, &mut data).await);
    let json = serde_json::to_vec(&data).map_err(|_| Failure::code(codes::APPLICATION_ERROR))?;
    let reply = Success::encrypted(caller.sek(), &json);
    Ok(match info_of(info) {
        Some(info) => reply.with_info(info),
        None => reply,
    })
}

/// Consumes the sandbox "drop the next Generate IRN answer" switch (one shot). A plain read comes
/// first, so the usual unarmed case writes nothing to the shared flag on the hot path.
fn take_drop_fault(state: &Shared) -> bool {
    use std::sync::atomic::Ordering;
    let armed = &state.drop_next_generate_response;
    state.config.mode == crate::config::Mode::Sandbox
        && armed.load(Ordering::Relaxed)
        && armed.swap(false, Ordering::SeqCst)
}

/// Waits out the sandbox "slow IRP" fault for `gstin`, if one is set (one relaxed read if none is).
async fn hold_if_sandbox_delays(state: &Shared, gstin: &str) {
    let ms = state.generate_holds.for_gstin(gstin);
    if ms > 0 && state.config.mode == crate::config::Mode::Sandbox {
        tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
    }
}

/// An answer that promises more bytes than it sends, so the HTTP server closes the connection when
/// the body ends early: the client sees a broken connection, as after a network cut, and never the
/// acknowledgement.
fn dropped_connection() -> Response {
    let mut response = Response::new(Body::from("{"));
    response.headers_mut().insert(
        axum::http::header::CONTENT_LENGTH,
        axum::http::HeaderValue::from_static("4096"),
    );
    response
}

/// Mints the IRN, AckNo and AckDt and signs the invoice and its QR code: the record to store.
async fn acknowledge(
    state: &Shared,
    caller: &Caller,
    canon: &Canon,
    invoice: &Invoice,
) -> Result<EInvoice, Failure> {
    let irn = invoice.irn();
    let now = state.now();
    let ack_no = state
        .acks
        .next(state.store.as_ref(), ist_datetime(now).year())
        .await
        .map_err(store_failure)?;
    let ack_dt = format_ist(now);
    let invoice_data = signed_invoice_data(canon, ack_no, &ack_dt, &irn);
    let qr_data = signed_qr_data(canon, invoice, &irn, &ack_dt);
    let (signed_invoice, signed_qr) = sign_both(state, invoice_data, qr_data).await?;
    Ok(EInvoice {
        irn,
        seller_gstin: invoice.seller_gstin().to_string(),
        buyer_gstin: invoice.buyer_gstin().to_string(),
        doc_type: invoice.doc_type.clone(),
        doc_no: invoice.doc_no.clone(),
        doc_date: invoice.doc_date_text.clone(),
        fin_year: invoice.financial_year(),
        ack_no: i64::try_from(ack_no).unwrap_or(i64::MAX),
        ack_dt: now,
        signed_invoice,
        signed_qr,
        status: "ACT".to_string(),
        cancel_reason: None,
        cancel_remark: None,
        cancelled_at: None,
        total_inv_value: canon
            .get("ValDtls")
            .and_then(|v| v.lexeme_at("TotInvVal"))
            .unwrap_or("0")
            .to_string(),
        created_by_user: caller.session.username.clone(),
        created_by_client: caller.session.client_id.clone(),
    })
}

/// What became of the e-way bill asked for with the IRN.
#[expect(
    clippy::large_enum_variant,
    reason = "one short-lived value per request; boxing would only complicate matching"
)]
enum EwbStored {
    NotAsked,
    /// Made with the IRN, or why not (an IRN is never undone by its e-way bill).
    Fresh(Result<Made, Refused>),
    /// The IRN was an identical resend: its e-way bill, if any, was made the first time.
    Resend,
}

/// Stores the record (and the e-way bill prepared with it) durably. There is no read before the
/// insert: the store's unique key on the IRN decides, and a resent document costs only the two
/// signatures it turns out not to need. Returns the record: the new one, or the first
/// acknowledgement of an identical resend.
async fn store_acknowledgement(
    state: &Shared,
    record: EInvoice,
    ewb: Option<Result<Made, Refused>>,
) -> Result<(EInvoice, EwbStored), Failure> {
    let started = std::time::Instant::now();
    let (outcome, stored) = match ewb {
        None => {
            let outcome = state.store.insert_einvoice(record.clone()).await;
            (outcome.map_err(store_failure)?, EwbStored::NotAsked)
        }
        Some(Err(refused)) => {
            let outcome = state.store.insert_einvoice(record.clone()).await;
            (
                outcome.map_err(store_failure)?,
                EwbStored::Fresh(Err(refused)),
            )
        }
        Some(Ok(made)) => {
            let both = state
                .store
                .insert_einvoice_with_ewaybill(record.clone(), made.bill.clone())
                .await
                .map_err(store_failure)?;
            let ewb = match both.ewb {
                Some(Ok(outcome)) => crate::ewaybill::recorded(made, outcome),
                Some(Err(e)) => Err(Refused::Store(e)),
                None => Err(Refused::Errors(Vec::new())),
            };
            (both.invoice, EwbStored::Fresh(ewb))
        }
    };
    crate::metrics::irn_commit_took(started.elapsed());
    crate::metrics::irn_committed(&outcome);
    match outcome {
        InsertOutcome::Inserted => Ok((record, stored)),
        InsertOutcome::Duplicate(existing)
            if state.config.replay_identical_resends && same_content(&existing, &record) =>
        {
            let stored = match stored {
                EwbStored::NotAsked => EwbStored::NotAsked,
                _ => EwbStored::Resend,
            };
            Ok((existing, stored))
        }
        InsertOutcome::Duplicate(existing) => Err(duplicate(&existing)),
    }
}

fn store_failure<E: std::fmt::Display>(e: E) -> Failure {
    tracing::error!(error = %e, "store failure");
    Failure::code(codes::APPLICATION_ERROR)
}

/// 2150 with the original acknowledgement, or 2278 if the document's IRN was cancelled.
fn duplicate(existing: &EInvoice) -> Failure {
    if existing.status == "CNL" {
        Failure::code(codes::CANCELLED_DOC_NUMBER)
    } else {
        Failure::code(codes::DUPLICATE_IRN).with_info(dupirn_info(existing))
    }
}

/// Whether `new` carries exactly the invoice `existing` acknowledged (and `existing` is still active).
fn same_content(existing: &EInvoice, new: &EInvoice) -> bool {
    let invoice_part = |jws: &str| {
        let payload = openirp_crypto::decode_jws_unverified(jws).ok()?.payload;
        let data = serde_json::from_slice::<serde_json::Value>(&payload).ok()?;
        Some(invoice_part(data.get("data")?.as_str()?)?.to_string())
    };
    existing.status == "ACT"
        && invoice_part(&existing.signed_invoice)
            .is_some_and(|a| Some(a) == invoice_part(&new.signed_invoice))
}

/// Signs the invoice and the QR code on the signing pool.
async fn sign_both(
    state: &Shared,
    invoice_data: String,
    qr_data: String,
) -> Result<(String, String), Failure> {
    let issuer = state.config.issuer.clone();
    state
        .signers
        .run(move |signer| {
            (
                signer.sign_nic(&invoice_data, &issuer),
                signer.sign_nic(&qr_data, &issuer),
            )
        })
        .await
        .ok_or(Failure::code((
            "2147",
            "Unable to sign invoice, Pl try after some time",
        )))
}

/// Puts the e-way bill made with the IRN into `data`; returns the `InfoDtls` entries to add: `EWBPPD`
/// for a computed distance, `EWBERR` with every reason when none was made (reference §6.11).
async fn ewb_outcome(
    state: &Shared,
    record: &EInvoice,
    stored: EwbStored,
    data: &mut IrnData<'_>,
) -> Vec<serde_json::Value> {
    match stored {
        EwbStored::NotAsked => Vec::new(),
        EwbStored::Resend => {
            if let Ok(bills) = state.store.ewaybills_for_irn(&record.irn).await
                && let Some(bill) = bills.iter().find(|b| b.status == "ACT")
            {
                data.set_ewb(bill);
            }
            Vec::new()
        }
        EwbStored::Fresh(Ok(made)) => {
            data.set_ewb(&made.bill);
            made.computed_km
                .map(super::ewaybill::computed_distance_info)
                .into_iter()
                .collect()
        }
        EwbStored::Fresh(Err(Refused::Errors(errors))) => vec![ewb_error(
            errors
                .iter()
                .map(|e| json!({"ErrorCode": e.code, "ErrorMessage": e.message}))
                .collect(),
        )],
        EwbStored::Fresh(Err(Refused::Store(e))) => {
            tracing::error!(error = %e, irn = %record.irn, "e-way bill not stored");
            vec![ewb_error(vec![json!({"ErrorCode": "4001",
                "ErrorMessage": "Error ocurred while creating Eway Bill"})])]
        }
    }
}

/// The e-way bill rules' findings as NIC errors.
fn rule_errors(findings: &[Finding]) -> Vec<ErrorDetail> {
    findings
        .iter()
        .map(|f| ErrorDetail {
            code: f.code.to_string(),
            message: f.message.clone(),
        })
        .collect()
}

/// `EWBERR`: the IRN was issued, the e-way bill was not, and why.
fn ewb_error(errors: Vec<serde_json::Value>) -> serde_json::Value {
    json!({"InfCd": "EWBERR", "Desc": errors})
}
