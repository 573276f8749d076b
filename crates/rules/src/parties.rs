//! Party rules: who may generate the IRN, GSTIN validity and registration status, state codes
//! (reference §6.3, §9.3, §9.4).

use crate::helpers::{buyer_is_urp, export};
use crate::{Context, GstinStatus, RuleError};
use openirp_model::Invoice;
use openirp_model::gstin::{has_valid_checksum, state_of};
use openirp_model::invoice::Party;
use openirp_model::states::{OTHER_COUNTRY, is_domestic_state, state_name, two_digit};

/// The codes a registration-status rule can raise.
pub const STATUS_CODES: &[&str] = &["3074", "3075", "3076", "3077", "3078", "3079"];

/// 2169: the caller must be the supplier, or the e-commerce operator named in `TranDtls.EcmGstin`.
pub fn caller_is_supplier_or_ecom(inv: &Invoice, ctx: &Context<'_>, errors: &mut Vec<RuleError>) {
    let caller = ctx.caller_gstin;
    let is_seller = caller.eq_ignore_ascii_case(inv.seller_gstin());
    let is_ecom = inv
        .ecm_gstin
        .as_deref()
        .is_some_and(|ecm| caller.eq_ignore_ascii_case(ecm));
    if !is_seller && !is_ecom {
        errors.push(RuleError::new("2169", &[]));
    }
}

/// A GSTIN is valid when the master knows it and, where enforced, its check character is right.
fn gstin_is_valid(gstin: &str, record: Option<&GstinStatus>, ctx: &Context<'_>) -> bool {
    match record {
        None => false,
        Some(r) => !ctx.enforce_checksum || r.checksum_exempt || has_valid_checksum(gstin),
    }
}

/// 3028: the supplier GSTIN must be in the GSTIN master and pass the checksum.
pub fn seller_gstin_valid(inv: &Invoice, ctx: &Context<'_>, errors: &mut Vec<RuleError>) {
    let gstin = inv.seller_gstin();
    if !gstin_is_valid(gstin, ctx.seller, ctx) {
        errors.push(RuleError::new("3028", &[gstin]));
    }
}

/// 3028: a registered recipient's GSTIN must be in the GSTIN master and pass the checksum.
pub fn buyer_gstin_valid(inv: &Invoice, ctx: &Context<'_>, errors: &mut Vec<RuleError>) {
    let gstin = inv.buyer_gstin();
    if !buyer_is_urp(inv) && !gstin_is_valid(gstin, ctx.buyer, ctx) {
        errors.push(RuleError::new("3028", &[gstin]));
    }
}

/// 3074–3079 for one party. Active, suspended and provisional registrations are accepted from their
/// registration date; cancelled ones only between registration and de-registration; anything else
/// (inactive, or a status the master does not list as usable) is inactive.
fn registration_status(
    gstin: &str,
    record: &GstinStatus,
    inv: &Invoice,
    errors: &mut Vec<RuleError>,
) {
    let doc = inv.doc_date;
    let doc_text = inv.doc_date_text.as_str();
    let error = match record.status.to_ascii_uppercase().as_str() {
        "ACT" | "SUS" | "PRO" => match record.dt_reg {
            Some(reg) if doc < reg => Some(RuleError::new("3079", &[])),
            _ => None,
        },
        "CNL" => match (record.dt_reg, record.dt_dreg) {
            (None, _) => Some(RuleError::new("3078", &[gstin])),
            (Some(reg), _) if doc < reg => Some(RuleError::new("3077", &[gstin, doc_text])),
            (_, None) => Some(RuleError::new("3075", &[gstin])),
            (_, Some(dreg)) if doc > dreg => Some(RuleError::new("3074", &[gstin, doc_text])),
            _ => None,
        },
        _ => Some(RuleError::new("3076", &[gstin])),
    };
    errors.extend(error);
}

/// 3074–3079 for the supplier (when the master knows it; an unknown supplier is 3028).
pub fn seller_registration_status(inv: &Invoice, ctx: &Context<'_>, errors: &mut Vec<RuleError>) {
    if let Some(record) = ctx.seller {
        registration_status(inv.seller_gstin(), record, inv, errors);
    }
}

/// 3074–3079 for a registered recipient (when the master knows it; an unknown recipient is 3028).
pub fn buyer_registration_status(inv: &Invoice, ctx: &Context<'_>, errors: &mut Vec<RuleError>) {
    if let Some(record) = ctx.buyer.filter(|_| !buyer_is_urp(inv)) {
        registration_status(inv.buyer_gstin(), record, inv, errors);
    }
}

/// 2211: supplier and recipient must differ.
pub fn seller_not_buyer(inv: &Invoice, _ctx: &Context<'_>, errors: &mut Vec<RuleError>) {
    if !buyer_is_urp(inv) && inv.seller_gstin().eq_ignore_ascii_case(inv.buyer_gstin()) {
        errors.push(RuleError::new("2211", &[]));
    }
}

/// 2258: the supplier GSTIN's first two digits must be `SellerDtls.Stcd`.
pub fn seller_state_matches_gstin(inv: &Invoice, _ctx: &Context<'_>, errors: &mut Vec<RuleError>) {
    if let Some(stcd) = inv.seller.state
        && state_of(inv.seller_gstin()) != Some(stcd)
    {
        errors.push(RuleError::new("2258", &[]));
    }
}

/// 2259: the supplier's state must be an Indian state or UT (not 96/97, and in the state master).
pub fn seller_state_valid(inv: &Invoice, _ctx: &Context<'_>, errors: &mut Vec<RuleError>) {
    if !inv.seller.state.is_some_and(is_domestic_state) {
        errors.push(RuleError::new("2259", &[]));
    }
}

/// 2260: the recipient's state must be in the state master; 96 (other country) only for exports.
pub fn buyer_state_valid(inv: &Invoice, _ctx: &Context<'_>, errors: &mut Vec<RuleError>) {
    let valid = match inv.buyer.state {
        Some(OTHER_COUNTRY) => export(inv),
        Some(code) => state_name(code).is_some(),
        None => false,
    };
    if !valid {
        errors.push(RuleError::new("2260", &[]));
    }
}

/// 2265: a registered recipient's GSTIN must belong to `BuyerDtls.Stcd` (not checked for exports).
pub fn buyer_state_matches_gstin(inv: &Invoice, _ctx: &Context<'_>, errors: &mut Vec<RuleError>) {
    if export(inv) || buyer_is_urp(inv) {
        return;
    }
    if let Some(stcd) = inv.buyer.state
        && state_of(inv.buyer_gstin()) != Some(stcd)
    {
        errors.push(RuleError::new("2265", &[]));
    }
}

/// 2200: dispatch-from and ship-to state codes must be in the state master; one error per bad code.
pub fn dispatch_ship_states_valid(inv: &Invoice, _ctx: &Context<'_>, errors: &mut Vec<RuleError>) {
    let blocks: [Option<&Party>; 2] = [inv.dispatch.as_ref(), inv.ship_to.as_ref()];
    for party in blocks.into_iter().flatten() {
        match party.state {
            Some(code) if state_name(code).is_some() => {}
            Some(code) => errors.push(RuleError::new("2200", &[&two_digit(code)])),
            None => errors.push(RuleError::new("2200", &[""])),
        }
    }
}
