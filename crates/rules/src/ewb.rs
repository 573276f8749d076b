//! E-way bill requested inside Generate IRN (`EwbDtls`, reference §6.11, §8.3, §8.4, §8.7). NIC issues
//! the IRN even when the e-way bill part fails and returns these as `EWBERR`, so every rule here is a
//! warning. Distance 0–4000 is enforced by the schema.

use crate::{Context, Hit};
use openirp_model::Invoice;
use openirp_model::gstin::{has_gstin_shape, has_valid_checksum};
use openirp_model::invoice::EwbDetails;
use openirp_model::masters::is_service_code;
use openirp_model::states::OTHER_COUNTRY;
use openirp_model::time::parse_doc_date;

const FOREIGN_PIN: u32 = 999_999;

fn ewb(inv: &Invoice) -> Option<&EwbDetails> {
    inv.ewb.as_ref()
}

fn ptr(field: &str) -> String {
    format!("/EwbDtls/{field}")
}

fn given(v: &Option<String>) -> bool {
    v.as_deref().is_some_and(|s| !s.is_empty())
}

/// 2251: at least one item is goods (HSN not 99…).
pub fn has_goods(inv: &Invoice, _ctx: &Context<'_>, out: &mut Vec<Hit>) {
    if ewb(inv).is_some()
        && inv.doc_type == "INV"
        && inv
            .items
            .iter()
            .all(|i| i.is_service || is_service_code(&i.hsn))
    {
        out.push(Hit::new("2251", "/EwbDtls", &[]));
    }
}

/// 2252: no e-way bill for credit or debit notes.
pub fn not_for_notes(inv: &Invoice, _ctx: &Context<'_>, out: &mut Vec<Hit>) {
    if ewb(inv).is_some() && inv.doc_type != "INV" {
        out.push(Hit::new("2252", "/EwbDtls", &[]));
    }
}

/// 4019: without Part-B (vehicle or transport document) a transporter id is needed for Part-A.
pub fn transporter_for_part_a(inv: &Invoice, _ctx: &Context<'_>, out: &mut Vec<Hit>) {
    let Some(e) = ewb(inv) else { return };
    let part_b = given(&e.vehicle_no) || given(&e.trans_doc_no);
    if !part_b && !given(&e.trans_id) {
        out.push(Hit::new("4019", ptr("TransId"), &[]));
    }
}

/// 4018: the transporter id (a GSTIN or TRANSIN) passes the mod-36 check where checksums are enforced.
pub fn transporter_id_valid(inv: &Invoice, ctx: &Context<'_>, out: &mut Vec<Hit>) {
    let Some(id) = ewb(inv).and_then(|e| e.trans_id.as_deref()) else {
        return;
    };
    if ctx.enforce_checksum && (!has_gstin_shape(id) || !has_valid_checksum(id)) {
        out.push(Hit::new("4018", ptr("TransId"), &[]));
    }
}

/// 4028: a vehicle number or transport document needs a transport mode.
pub fn mode_for_part_b(inv: &Invoice, _ctx: &Context<'_>, out: &mut Vec<Hit>) {
    let Some(e) = ewb(inv) else { return };
    if !given(&e.trans_mode) && (given(&e.vehicle_no) || given(&e.trans_doc_no)) {
        out.push(Hit::new("4028", ptr("TransMode"), &[]));
    }
}

/// 2253: by road, the vehicle number and type are given.
pub fn road_needs_vehicle(inv: &Invoice, _ctx: &Context<'_>, out: &mut Vec<Hit>) {
    let Some(e) = ewb(inv) else { return };
    if e.trans_mode.as_deref() == Some("1") {
        if !given(&e.vehicle_no) {
            out.push(Hit::new("2253", ptr("VehNo"), &[]));
        } else if !given(&e.vehicle_type) {
            out.push(Hit::new("2253", ptr("VehType"), &[]));
        }
    }
}

/// 2254: by rail or air, the transport document number and date are given.
pub fn rail_air_need_document(inv: &Invoice, _ctx: &Context<'_>, out: &mut Vec<Hit>) {
    let Some(e) = ewb(inv) else { return };
    if matches!(e.trans_mode.as_deref(), Some("2" | "3")) {
        if !given(&e.trans_doc_no) {
            out.push(Hit::new("2254", ptr("TransDocNo"), &[]));
        } else if !given(&e.trans_doc_date) {
            out.push(Hit::new("2254", ptr("TransDocDt"), &[]));
        }
    }
}

/// 4040: by ship, a vehicle number or a transport document number is given.
pub fn ship_needs_vehicle_or_document(inv: &Invoice, _ctx: &Context<'_>, out: &mut Vec<Hit>) {
    let Some(e) = ewb(inv) else { return };
    if e.trans_mode.as_deref() == Some("4") && !given(&e.vehicle_no) && !given(&e.trans_doc_no) {
        out.push(Hit::new("4040", ptr("VehNo"), &[]));
    }
}

/// 4024: over-dimensional cargo only by road or ship.
pub fn odc_only_by_road_or_ship(inv: &Invoice, _ctx: &Context<'_>, out: &mut Vec<Hit>) {
    let Some(e) = ewb(inv) else { return };
    if e.vehicle_type.as_deref() == Some("O") && matches!(e.trans_mode.as_deref(), Some("2" | "3"))
    {
        out.push(Hit::new("4024", ptr("VehType"), &[]));
    }
}

/// 4039: by ship, the vehicle type is not "regular" (NIC's rule as listed).
pub fn ship_not_regular(inv: &Invoice, _ctx: &Context<'_>, out: &mut Vec<Hit>) {
    let Some(e) = ewb(inv) else { return };
    if e.trans_mode.as_deref() == Some("4") && e.vehicle_type.as_deref() == Some("R") {
        out.push(Hit::new("4039", ptr("VehType"), &[]));
    }
}

/// 4017 / 4016 / 4021: the transport document date is dd/mm/yyyy, not in the future, and not before
/// the invoice date.
pub fn transport_document_date(inv: &Invoice, ctx: &Context<'_>, out: &mut Vec<Hit>) {
    let Some(text) = ewb(inv).and_then(|e| e.trans_doc_date.as_deref()) else {
        return;
    };
    match parse_doc_date(text) {
        None => out.push(Hit::new("4017", ptr("TransDocDt"), &[])),
        Some(d) if d > ctx.today => out.push(Hit::new("4016", ptr("TransDocDt"), &[])),
        Some(d) if d < inv.doc_date => out.push(Hit::new("4021", ptr("TransDocDt"), &[])),
        Some(_) => {}
    }
}

/// 4031 / 4032 / 4033: an e-way bill for an export needs ship-to details inside India (the port).
pub fn export_ship_to(inv: &Invoice, _ctx: &Context<'_>, out: &mut Vec<Hit>) {
    if ewb(inv).is_none() || !crate::helpers::export(inv) {
        return;
    }
    match &inv.ship_to {
        None => out.push(Hit::new("4031", "/ShipDtls", &[])),
        Some(s) if s.state == Some(OTHER_COUNTRY) => {
            out.push(Hit::new("4032", "/ShipDtls/Stcd", &[]))
        }
        Some(s) if s.pin == Some(FOREIGN_PIN) => out.push(Hit::new("4033", "/ShipDtls/Pin", &[])),
        Some(_) => {}
    }
}

/// 4035 / 4036: the dispatch-from place is in India.
pub fn dispatch_in_india(inv: &Invoice, _ctx: &Context<'_>, out: &mut Vec<Hit>) {
    let (Some(_), Some(d)) = (ewb(inv), &inv.dispatch) else {
        return;
    };
    if d.state == Some(OTHER_COUNTRY) {
        out.push(Hit::new("4035", "/DispDtls/Stcd", &[]));
    } else if d.pin == Some(FOREIGN_PIN) {
        out.push(Hit::new("4036", "/DispDtls/Pin", &[]));
    }
}

/// The PINs the distance runs between: dispatch-from (else supplier) and ship-to (else recipient).
fn from_to(inv: &Invoice) -> (Option<u32>, Option<u32>) {
    let from = inv.dispatch.as_ref().unwrap_or(&inv.seller).pin;
    let to = inv.ship_to.as_ref().unwrap_or(&inv.buyer).pin;
    (from, to)
}

/// 4034 / 4029: distance 0 ("compute it") is not possible from or to PIN 999999, nor between equal PINs.
pub fn distance_computable(inv: &Invoice, _ctx: &Context<'_>, out: &mut Vec<Hit>) {
    let Some(e) = ewb(inv) else { return };
    if !e.distance.is_some_and(|d| d.is_zero()) {
        return;
    }
    let (from, to) = from_to(inv);
    if from == Some(FOREIGN_PIN) || to == Some(FOREIGN_PIN) {
        out.push(Hit::new("4034", ptr("Distance"), &[]));
    } else if from.is_some() && from == to {
        out.push(Hit::new("4029", ptr("Distance"), &[]));
    }
}

/// Most a declared distance may exceed the computed PIN-to-PIN distance, in per cent.
const DISTANCE_SLACK_PERCENT: u64 = 10;

/// Most a declared distance may be between two places with the same PIN.
const SAME_PIN_MAX_KM: u64 = 100;

/// 4030 / 4038 / 4013: distance 0 needs a PIN pair the PIN master can measure; a declared distance may
/// be at most 10 % above the computed one, and at most 100 km within one PIN.
pub fn distance_plausible(inv: &Invoice, _ctx: &Context<'_>, out: &mut Vec<Hit>) {
    let Some(declared) = ewb(inv).and_then(|e| e.distance) else {
        return;
    };
    let declared = u64::try_from(declared.trunc().mantissa()).unwrap_or(0);
    let (Some(from), Some(to)) = from_to(inv) else {
        return;
    };
    if from == FOREIGN_PIN || to == FOREIGN_PIN {
        return;
    }
    if from == to {
        if declared > SAME_PIN_MAX_KM {
            out.push(Hit::new("4013", ptr("Distance"), &[]));
        }
        return;
    }
    match openirp_model::pincode::road_distance_km(from, to) {
        None if declared == 0 => out.push(Hit::new(
            "4030",
            ptr("Distance"),
            &[&from.to_string(), &to.to_string()],
        )),
        Some(computed) if declared * 100 > u64::from(computed) * (100 + DISTANCE_SLACK_PERCENT) => {
            out.push(Hit::new("4038", ptr("Distance"), &[]));
        }
        None | Some(_) => {}
    }
}

/// The distance an e-way bill runs: the declared one, or (declared 0) the PIN-to-PIN distance, and
/// whether it was computed. `None` when 0 was declared and the PIN master cannot measure the pair.
pub fn effective_distance(inv: &Invoice) -> Option<(u32, bool)> {
    let declared = ewb(inv)?.distance?;
    let declared = u32::try_from(declared.trunc().mantissa()).ok()?;
    if declared > 0 {
        return Some((declared, false));
    }
    let (Some(from), Some(to)) = from_to(inv) else {
        return None;
    };
    openirp_model::pincode::road_distance_km(from, to).map(|km| (km, true))
}

/// The PINs an e-way bill runs between (see [`from_to`]), public for the IRP's record.
pub fn route_pins(inv: &Invoice) -> (Option<u32>, Option<u32>) {
    from_to(inv)
}

/// Whether `v` looks like an Indian vehicle registration number: a state series such as `KA01AB1234`
/// (two letters, one or two digits, up to three letters, one to four digits), a Bharat series such as
/// `22BH1234AA`, or a temporary or trade number starting `TR`/`TM` followed by letters and digits.
pub fn is_vehicle_number(v: &str) -> bool {
    let b = v.as_bytes();
    let letters = |s: &[u8]| s.iter().all(u8::is_ascii_uppercase);
    let digits = |s: &[u8]| s.iter().all(u8::is_ascii_digit);
    let state_series = || {
        if b.len() < 4 || !letters(&b[..2]) {
            return false;
        }
        let rest = &b[2..];
        let d1 = rest.iter().take_while(|c| c.is_ascii_digit()).count();
        let rest = &rest[d1..];
        let l = rest.iter().take_while(|c| c.is_ascii_uppercase()).count();
        let tail = &rest[l..];
        if l == 0 {
            // No series letters: district (1–2 digits) and number (1–4 digits) run together.
            return tail.is_empty() && (2..=6).contains(&d1);
        }
        (1..=2).contains(&d1) && l <= 3 && (1..=4).contains(&tail.len()) && digits(tail)
    };
    let bharat = || {
        b.len() >= 9
            && b.len() <= 10
            && digits(&b[..2])
            && &b[2..4] == b"BH"
            && digits(&b[4..8])
            && letters(&b[8..])
    };
    let temporary = || {
        b.len() >= 6
            && (b.starts_with(b"TR") || b.starts_with(b"TM"))
            && b.iter().all(u8::is_ascii_alphanumeric)
    };
    state_series() || bharat() || temporary()
}

/// 4014: the vehicle number has the shape of an Indian registration number (upper case, no spaces).
pub fn vehicle_number_valid(inv: &Invoice, _ctx: &Context<'_>, out: &mut Vec<Hit>) {
    if let Some(v) = ewb(inv).and_then(|e| e.vehicle_no.as_deref())
        && !is_vehicle_number(v)
    {
        out.push(Hit::new("4014", ptr("VehNo"), &[]));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vehicle_numbers() {
        for ok in [
            "KA01AB1234",
            "DL1CAB1234",
            "MH12A1",
            "GJ05X9999",
            "22BH1234AA",
            "TR01AB12345",
            "KA011234",
        ] {
            assert!(is_vehicle_number(ok), "{ok}");
        }
        for bad in [
            "ka01ab1234",
            "KA-01-AB-1234",
            "1234",
            "KA01ABCD1234",
            "KAAB1234",
            "KA0112345",
        ] {
            assert!(!is_vehicle_number(bad), "{bad}");
        }
    }
}
