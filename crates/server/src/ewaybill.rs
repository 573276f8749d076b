//! Making an e-way bill from a registered e-invoice (reference §8): Part-A is the e-invoice, Part-B
//! (transporter, vehicle or transport document, distance) comes from the request. Shared by Generate
//! IRN with `EwbDtls` and by Generate EWB by IRN.

use crate::nic::envelope::ErrorDetail;
use crate::state::AppState;
use chrono::{Days, NaiveTime, TimeZone};
use openirp_model::Invoice;
use openirp_model::time::{ist, ist_date};
use openirp_rules::{Context, Finding};
use openirp_store::{EwayBill, EwbInsertOutcome, StoreError};

/// Kilometres a regular consignment may cover per day of validity (CGST rule 138(10), from 2021).
const KM_PER_DAY: u32 = 200;
/// Kilometres per day for over-dimensional cargo.
const ODC_KM_PER_DAY: u32 = 20;

/// Who asks for the e-way bill.
pub struct Requester<'a> {
    pub gstin: &'a str,
    pub user: &'a str,
    pub client: &'a str,
}

/// An e-way bill made and stored, and the distance the IRP computed for it (Distance 0).
#[derive(Debug)]
pub struct Made {
    pub bill: EwayBill,
    pub computed_km: Option<u32>,
}

/// Why no e-way bill was made.
#[derive(Debug)]
pub enum Refused {
    /// NIC's errors, in the codes of the call that asked.
    Errors(Vec<ErrorDetail>),
    Store(StoreError),
}

/// Which API asks: the same rule reports different codes inside Generate IRN (`EWBERR`) and in
/// Generate EWB by IRN.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Call {
    WithIrn,
    ByIrn,
}

/// The last instant an e-way bill made at `ewb_dt` is valid: the end (23:59:00 IST) of the day that is
/// ⌈distance / km-per-day⌉ days (at least one) after the day of generation.
pub fn validity_end(ewb_dt: i64, distance_km: u32, over_dimensional: bool) -> i64 {
    let per_day = if over_dimensional {
        ODC_KM_PER_DAY
    } else {
        KM_PER_DAY
    };
    let days = distance_km.div_ceil(per_day).max(1);
    let last_day = ist_date(ewb_dt)
        .checked_add_days(Days::new(u64::from(days)))
        .unwrap_or(chrono::NaiveDate::MAX);
    let end = last_day.and_time(NaiveTime::from_hms_opt(23, 59, 0).unwrap_or_default());
    ist()
        .from_local_datetime(&end)
        .single()
        .map_or(i64::MAX, |t| t.timestamp())
}

/// Checks `invoice` (whose `ewb` holds Part-B, and whose dispatch-from and ship-to are the ones the
/// e-way bill uses), allocates a number and records the bill against `irn`.
pub async fn make(
    state: &AppState,
    invoice: &Invoice,
    irn: &str,
    by: &Requester<'_>,
    call: Call,
) -> Result<Made, Refused> {
    let made = prepare(state, invoice, irn, by, call).await?;
    let outcome = state
        .store
        .insert_ewaybill(&made.bill)
        .await
        .map_err(Refused::Store)?;
    recorded(made, outcome)
}

/// Everything of [`make`] but storing: the rules, the distance, the number and the record, ready to
/// be stored (alone, or in one write with the IRN it belongs to).
pub async fn prepare(
    state: &AppState,
    invoice: &Invoice,
    irn: &str,
    by: &Requester<'_>,
    call: Call,
) -> Result<Made, Refused> {
    let today = ist_date(state.now());
    let ctx = Context::new(by.gstin, today);
    let findings = openirp_rules::validate_ewb(invoice, &ctx);
    if !findings.is_empty() {
        return Err(Refused::Errors(
            findings.iter().map(|f| error_of(f, call)).collect(),
        ));
    }
    check_not_blocked(state, invoice.seller_gstin()).await?;
    let Some((distance_km, computed)) = openirp_rules::ewb::effective_distance(invoice) else {
        // The rules report 4030 for an unmeasurable pair; reaching here means no Distance at all.
        return Err(refused(crate::nic::codes::EWB_PARAMETER_EMPTY));
    };
    let part_b = invoice.ewb.as_ref().is_some_and(|e| {
        e.vehicle_no.as_deref().is_some_and(|v| !v.is_empty())
            || e.trans_doc_no.as_deref().is_some_and(|d| !d.is_empty())
    });
    let over_dimensional = invoice
        .ewb
        .as_ref()
        .is_some_and(|e| e.vehicle_type.as_deref() == Some("O"));
    let now = state.now();
    let ewb_no = state
        .ewb_numbers
        .next(state.store.as_ref())
        .await
        .map_err(Refused::Store)?;
    let (from_pin, to_pin) = openirp_rules::ewb::route_pins(invoice);
    let details = invoice.ewb.clone().unwrap_or_default();
    let bill = EwayBill {
        ewb_no,
        irn: irn.to_string(),
        gen_gstin: invoice.seller_gstin().to_string(),
        ewb_dt: now,
        valid_till: part_b.then(|| validity_end(now, distance_km, over_dimensional)),
        status: "ACT".to_string(),
        distance_km: i64::from(distance_km),
        trans_mode: details.trans_mode,
        trans_id: details.trans_id,
        trans_name: details.trans_name,
        trans_doc_no: details.trans_doc_no,
        trans_doc_dt: details.trans_doc_date,
        vehicle_no: details.vehicle_no,
        vehicle_type: details.vehicle_type,
        from_pin: from_pin.map(i64::from),
        to_pin: to_pin.map(i64::from),
        cancel_reason: None,
        cancel_remark: None,
        cancelled_at: None,
        created_by_user: by.user.to_string(),
        created_by_client: by.client.to_string(),
    };
    Ok(Made {
        bill,
        computed_km: computed.then_some(distance_km),
    })
}

/// A prepared bill as the store's answer left it: made, or NIC's reason why not.
pub fn recorded(made: Made, outcome: EwbInsertOutcome) -> Result<Made, Refused> {
    match outcome {
        EwbInsertOutcome::Inserted => {
            crate::metrics::ewb_committed();
            Ok(made)
        }
        EwbInsertOutcome::IrnNotFound => Err(refused(crate::nic::codes::EWB_IRN_NOT_AVAILABLE)),
        EwbInsertOutcome::IrnNotActive => Err(refused(crate::nic::codes::EWB_IRN_NOT_ACTIVE)),
        EwbInsertOutcome::AlreadyActive(_) => {
            Err(refused(crate::nic::codes::EWB_ALREADY_GENERATED))
        }
    }
}

/// 4015: the EWB system refuses suppliers blocked for not filing returns (`BlkStatus` `B`).
async fn check_not_blocked(state: &AppState, seller: &str) -> Result<(), Refused> {
    let record = state
        .store
        .get_gstin(seller)
        .await
        .map_err(Refused::Store)?;
    if record.is_some_and(|r| r.blk_status.as_deref() == Some("B")) {
        let (code, template) = crate::nic::codes::EWB_BLOCKED_USER;
        return Err(Refused::Errors(vec![detail(
            code,
            &template.replace("{0}", seller),
        )]));
    }
    Ok(())
}

fn refused(code: crate::nic::codes::Code) -> Refused {
    Refused::Errors(vec![detail(code.0, code.1)])
}

fn detail(code: &str, message: &str) -> ErrorDetail {
    ErrorDetail {
        code: code.to_string(),
        message: message.to_string(),
    }
}

/// A rule finding as NIC reports it. Generate EWB by IRN has codes of its own for the checks Generate
/// IRN reports as 2251–2254.
fn error_of(finding: &Finding, call: Call) -> ErrorDetail {
    let code = match (call, finding.code) {
        (Call::ByIrn, "2251") => "4009",
        (Call::ByIrn, "2252") => "4010",
        (Call::ByIrn, "2253") if finding.pointer.ends_with("VehType") => "4022",
        (Call::ByIrn, "2253") => "4011",
        (Call::ByIrn, "2254") if finding.pointer.ends_with("TransDocDt") => "4023",
        (Call::ByIrn, "2254") => "4012",
        (_, code) => code,
    };
    let message = if code == finding.code {
        finding.message.clone()
    } else {
        openirp_rules::messages::template(code)
            .unwrap_or_default()
            .to_string()
    };
    detail(code, &message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use openirp_model::time::format_ist;

    fn at(text: &str) -> i64 {
        let t = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S").unwrap();
        ist().from_local_datetime(&t).single().unwrap().timestamp()
    }

    #[test]
    fn validity_matches_nics_worked_example() {
        // Reference §14.5: 2467 km from 2022-09-16 19:29 is valid till 2022-09-29 23:59:00.
        let end = validity_end(at("2022-09-16 19:29:00"), 2467, false);
        assert_eq!(format_ist(end), "2022-09-29 23:59:00");
    }

    #[test]
    fn validity_boundaries() {
        let t = at("2026-11-25 10:00:00");
        let till = |km, odc| format_ist(validity_end(t, km, odc));
        assert_eq!(till(1, false), "2026-11-26 23:59:00");
        assert_eq!(till(200, false), "2026-11-26 23:59:00");
        assert_eq!(till(201, false), "2026-11-27 23:59:00");
        assert_eq!(till(4000, false), "2026-12-15 23:59:00");
        assert_eq!(till(20, true), "2026-11-26 23:59:00");
        assert_eq!(till(21, true), "2026-11-27 23:59:00");
        assert_eq!(till(200, true), "2026-12-05 23:59:00");
    }

    #[test]
    fn a_bill_made_just_before_midnight_ist_counts_from_that_day() {
        let end = validity_end(at("2026-11-25 23:58:00"), 150, false);
        assert_eq!(format_ist(end), "2026-11-26 23:59:00");
    }
}
