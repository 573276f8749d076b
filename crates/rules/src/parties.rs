//! Party rules: who may generate the IRN, GSTIN validity and registration status, state codes and PIN
//! codes (reference §6.3, §6.9, §9.3, §9.4).

use crate::helpers::{buyer_is_urp, export};
use crate::{Context, GstinStatus, Hit};
use openirp_model::Invoice;
use openirp_model::gstin::{has_valid_checksum, state_of};
use openirp_model::invoice::Party;
use openirp_model::states::{OTHER_COUNTRY, is_domestic_state, state_name, two_digit};

/// The codes a registration-status rule can raise.
pub const STATUS_CODES: &[&str] = &["3074", "3075", "3076", "3077", "3078", "3079"];

/// 2169: the caller must be the supplier, or the e-commerce operator named in `TranDtls.EcmGstin`.
/// Skipped offline (no caller) and when 2197 applies (an operator calling without naming itself).
pub fn caller_is_supplier_or_ecom(inv: &Invoice, ctx: &Context<'_>, out: &mut Vec<Hit>) {
    let caller = ctx.caller_gstin;
    if caller.is_empty() || crate::supply::ecom_caller_without_ecm_gstin(inv, ctx) {
        return;
    }
    let is_seller = caller.eq_ignore_ascii_case(inv.seller_gstin());
    let is_ecom = inv
        .ecm_gstin
        .as_deref()
        .is_some_and(|ecm| caller.eq_ignore_ascii_case(ecm));
    if !is_seller && !is_ecom {
        out.push(Hit::new("2169", "/SellerDtls/Gstin", &[]));
    }
}

/// Whether a GSTIN fails its check character where that is enforced.
fn checksum_fails(gstin: &str, record: Option<&GstinStatus>, ctx: &Context<'_>) -> bool {
    ctx.enforce_checksum && !record.is_some_and(|r| r.checksum_exempt) && !has_valid_checksum(gstin)
}

/// 3028: the supplier GSTIN must be in the GSTIN master.
pub fn seller_gstin_known(inv: &Invoice, ctx: &Context<'_>, out: &mut Vec<Hit>) {
    if ctx.seller.is_none() {
        out.push(Hit::new("3028", "/SellerDtls/Gstin", &[inv.seller_gstin()]));
    }
}

/// 3028: the supplier GSTIN must pass the checksum (unless unknown to the master: reported above).
pub fn seller_gstin_checksum(inv: &Invoice, ctx: &Context<'_>, out: &mut Vec<Hit>) {
    let gstin = inv.seller_gstin();
    let unknown = ctx.gstin_master && ctx.seller.is_none();
    if !unknown && checksum_fails(gstin, ctx.seller, ctx) {
        out.push(Hit::new("3028", "/SellerDtls/Gstin", &[gstin]));
    }
}

/// 3028: a registered recipient's GSTIN must be in the GSTIN master.
pub fn buyer_gstin_known(inv: &Invoice, ctx: &Context<'_>, out: &mut Vec<Hit>) {
    if !buyer_is_urp(inv) && ctx.buyer.is_none() {
        out.push(Hit::new("3028", "/BuyerDtls/Gstin", &[inv.buyer_gstin()]));
    }
}

/// 3028: a registered recipient's GSTIN must pass the checksum.
pub fn buyer_gstin_checksum(inv: &Invoice, ctx: &Context<'_>, out: &mut Vec<Hit>) {
    let gstin = inv.buyer_gstin();
    let unknown = ctx.gstin_master && ctx.buyer.is_none();
    if !buyer_is_urp(inv) && !unknown && checksum_fails(gstin, ctx.buyer, ctx) {
        out.push(Hit::new("3028", "/BuyerDtls/Gstin", &[gstin]));
    }
}

/// 3074–3079 for one party. Active, suspended and provisional registrations are accepted from their
/// registration date; cancelled ones only between registration and de-registration; anything else
/// (inactive, or a status the master does not list as usable) is inactive.
fn registration_status(
    gstin: &str,
    pointer: &str,
    record: &GstinStatus,
    inv: &Invoice,
    out: &mut Vec<Hit>,
) {
    let doc = inv.doc_date;
    let doc_text = inv.doc_date_text.as_str();
    let hit = |code, args: &[&str]| Some(Hit::new(code, pointer, args));
    let found = match record.status.to_ascii_uppercase().as_str() {
        "ACT" | "SUS" | "PRO" => match record.dt_reg {
            Some(reg) if doc < reg => hit("3079", &[]),
            _ => None,
        },
        "CNL" => match (record.dt_reg, record.dt_dreg) {
            (None, _) => hit("3078", &[gstin]),
            (Some(reg), _) if doc < reg => hit("3077", &[gstin, doc_text]),
            (_, None) => hit("3075", &[gstin]),
            (_, Some(dreg)) if doc > dreg => hit("3074", &[gstin, doc_text]),
            _ => None,
        },
        _ => hit("3076", &[gstin]),
    };
    out.extend(found);
}

/// 3074–3079 for the supplier (when the master knows it; an unknown supplier is 3028).
pub fn seller_registration_status(inv: &Invoice, ctx: &Context<'_>, out: &mut Vec<Hit>) {
    if let Some(record) = ctx.seller {
        registration_status(inv.seller_gstin(), "/SellerDtls/Gstin", record, inv, out);
    }
}

/// 3074–3079 for a registered recipient (when the master knows it; an unknown recipient is 3028).
pub fn buyer_registration_status(inv: &Invoice, ctx: &Context<'_>, out: &mut Vec<Hit>) {
    if let Some(record) = ctx.buyer.filter(|_| !buyer_is_urp(inv)) {
        registration_status(inv.buyer_gstin(), "/BuyerDtls/Gstin", record, inv, out);
    }
}

/// 2211: supplier and recipient must differ.
pub fn seller_not_buyer(inv: &Invoice, _ctx: &Context<'_>, out: &mut Vec<Hit>) {
    if !buyer_is_urp(inv) && inv.seller_gstin().eq_ignore_ascii_case(inv.buyer_gstin()) {
        out.push(Hit::new("2211", "/BuyerDtls/Gstin", &[]));
    }
}

/// 2258: the supplier GSTIN's first two digits must be `SellerDtls.Stcd`.
pub fn seller_state_matches_gstin(inv: &Invoice, _ctx: &Context<'_>, out: &mut Vec<Hit>) {
    if let Some(stcd) = inv.seller.state
        && state_of(inv.seller_gstin()) != Some(stcd)
    {
        out.push(Hit::new("2258", "/SellerDtls/Stcd", &[]));
    }
}

/// 2259: the supplier's state must be an Indian state or UT (not 96/97, and in the state master).
pub fn seller_state_valid(inv: &Invoice, _ctx: &Context<'_>, out: &mut Vec<Hit>) {
    if !inv.seller.state.is_some_and(is_domestic_state) {
        out.push(Hit::new("2259", "/SellerDtls/Stcd", &[]));
    }
}

/// 2260: the recipient's state must be in the state master; 96 (other country) only for exports.
pub fn buyer_state_valid(inv: &Invoice, _ctx: &Context<'_>, out: &mut Vec<Hit>) {
    let valid = match inv.buyer.state {
        Some(OTHER_COUNTRY) => export(inv),
        Some(code) => state_name(code).is_some(),
        None => false,
    };
    if !valid {
        out.push(Hit::new("2260", "/BuyerDtls/Stcd", &[]));
    }
}

/// 2265: a registered recipient's GSTIN must belong to `BuyerDtls.Stcd` (not checked for exports).
pub fn buyer_state_matches_gstin(inv: &Invoice, _ctx: &Context<'_>, out: &mut Vec<Hit>) {
    if export(inv) || buyer_is_urp(inv) {
        return;
    }
    if let Some(stcd) = inv.buyer.state
        && state_of(inv.buyer_gstin()) != Some(stcd)
    {
        out.push(Hit::new("2265", "/BuyerDtls/Stcd", &[]));
    }
}

/// 2200: dispatch-from and ship-to state codes must be in the state master; one error per bad code.
pub fn dispatch_ship_states_valid(inv: &Invoice, _ctx: &Context<'_>, out: &mut Vec<Hit>) {
    let blocks: [(&str, Option<&Party>); 2] = [
        ("/DispDtls/Stcd", inv.dispatch.as_ref()),
        ("/ShipDtls/Stcd", inv.ship_to.as_ref()),
    ];
    for (pointer, party) in blocks {
        match party.map(|p| p.state) {
            None => {}
            Some(Some(code)) if state_name(code).is_some() => {}
            Some(Some(code)) => out.push(Hit::new("2200", pointer, &[&two_digit(code)])),
            Some(None) => out.push(Hit::new("2200", pointer, &[""])),
        }
    }
}

/// 2178 for one party: its PIN must belong to its state in the PIN master (a prefix the master does not
/// know, foreign addresses and state codes outside India are not checked).
fn pin_in_state(party: Option<&Party>, block: &str, out: &mut Vec<Hit>) {
    let Some(party) = party else { return };
    let (Some(pin), Some(state)) = (party.pin, party.state) else {
        return;
    };
    if is_domestic_state(state) && openirp_model::masters::pin_in_state(pin, state) == Some(false) {
        out.push(Hit::new(
            "2178",
            format!("/{block}/Pin"),
            &[&two_digit(state)],
        ));
    }
}

/// 2178: the supplier's PIN belongs to its state.
pub fn seller_pin_in_state(inv: &Invoice, _ctx: &Context<'_>, out: &mut Vec<Hit>) {
    pin_in_state(Some(&inv.seller), "SellerDtls", out);
}

/// 2178: the recipient's PIN belongs to its state (not checked for exports).
pub fn buyer_pin_in_state(inv: &Invoice, _ctx: &Context<'_>, out: &mut Vec<Hit>) {
    if !export(inv) {
        pin_in_state(Some(&inv.buyer), "BuyerDtls", out);
    }
}

/// 2178: the dispatch-from PIN belongs to its state.
pub fn dispatch_pin_in_state(inv: &Invoice, _ctx: &Context<'_>, out: &mut Vec<Hit>) {
    pin_in_state(inv.dispatch.as_ref(), "DispDtls", out);
}

/// 2178: the ship-to PIN belongs to its state.
pub fn ship_pin_in_state(inv: &Invoice, _ctx: &Context<'_>, out: &mut Vec<Hit>) {
    pin_in_state(inv.ship_to.as_ref(), "ShipDtls", out);
}

/// 2244: the recipient's PIN is given (exports excepted).
pub fn buyer_pin_required(inv: &Invoice, _ctx: &Context<'_>, out: &mut Vec<Hit>) {
    if !export(inv) && inv.buyer.pin.is_none() {
        out.push(Hit::new("2244", "/BuyerDtls/Pin", &[&inv.sup_typ]));
    }
}

/// 2245 (warning by default): on a B2B supply the ship-to state is the place of supply.
pub fn ship_to_state_is_pos(inv: &Invoice, _ctx: &Context<'_>, out: &mut Vec<Hit>) {
    if inv.sup_typ != "B2B" {
        return;
    }
    if let Some(ship) = &inv.ship_to
        && ship.state.is_some()
        && ship.state != inv.pos
    {
        out.push(Hit::new("2245", "/ShipDtls/Stcd", &[]));
    }
}
