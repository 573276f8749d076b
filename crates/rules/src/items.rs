//! Item rules: which tax heads each supply may carry, notified rates, quantity and unit
//! (reference §6.4, §6.7). Each raises one error per offending item, naming its HSN.

use crate::helpers::{domestic, export, has_cgst_or_sgst, intra_state, sez};
use crate::{Context, RuleError};
use openirp_model::Invoice;
use openirp_model::invoice::Item;
use openirp_model::masters::{is_known_unit, is_notified_gst_rate};
use rust_decimal::Decimal;

/// Pushes `code` (with the item's HSN as `{0}`) for every item `bad` picks out.
fn per_item(
    inv: &Invoice,
    code: &'static str,
    bad: impl Fn(&Item) -> bool,
    errors: &mut Vec<RuleError>,
) {
    for item in inv.items.iter().filter(|i| bad(i)) {
        errors.push(RuleError::new(code, &[&item.hsn]));
    }
}

/// 2172: an intra-state supply carries no IGST.
pub fn intra_state_no_igst(inv: &Invoice, _ctx: &Context<'_>, errors: &mut Vec<RuleError>) {
    if intra_state(inv) {
        per_item(inv, "2172", |i| i.igst > Decimal::ZERO, errors);
    }
}

/// 2227: on an intra-state supply CGST equals SGST.
pub fn intra_state_cgst_equals_sgst(
    inv: &Invoice,
    _ctx: &Context<'_>,
    errors: &mut Vec<RuleError>,
) {
    if intra_state(inv) {
        per_item(inv, "2227", |i| i.cgst != i.sgst, errors);
    }
}

/// 2241: a taxed item of an intra-state supply carries CGST and SGST.
pub fn intra_state_needs_cgst_sgst(inv: &Invoice, _ctx: &Context<'_>, errors: &mut Vec<RuleError>) {
    if intra_state(inv) {
        per_item(
            inv,
            "2241",
            |i| i.gst_rt > Decimal::ZERO && i.cgst.is_zero() && i.sgst.is_zero(),
            errors,
        );
    }
}

/// 2174: an inter-state B2B or deemed-export supply (including `IgstOnIntra=Y`) carries no CGST/SGST.
pub fn inter_state_no_cgst_sgst(inv: &Invoice, _ctx: &Context<'_>, errors: &mut Vec<RuleError>) {
    if domestic(inv) && !intra_state(inv) {
        per_item(inv, "2174", has_cgst_or_sgst, errors);
    }
}

/// 2237: a supply to an SEZ carries no CGST/SGST.
pub fn sez_no_cgst_sgst(inv: &Invoice, _ctx: &Context<'_>, errors: &mut Vec<RuleError>) {
    if sez(inv) {
        per_item(inv, "2237", has_cgst_or_sgst, errors);
    }
}

/// 2180: an export carries no CGST/SGST.
pub fn export_no_cgst_sgst(inv: &Invoice, _ctx: &Context<'_>, errors: &mut Vec<RuleError>) {
    if export(inv) {
        per_item(inv, "2180", has_cgst_or_sgst, errors);
    }
}

/// 2240: `GstRt` is a notified GST rate, for every document type.
pub fn gst_rate_notified(inv: &Invoice, _ctx: &Context<'_>, errors: &mut Vec<RuleError>) {
    per_item(inv, "2240", |i| !is_notified_gst_rate(i.gst_rt), errors);
}

/// 2238: goods items carry a quantity.
pub fn goods_have_quantity(inv: &Invoice, _ctx: &Context<'_>, errors: &mut Vec<RuleError>) {
    per_item(inv, "2238", |i| !i.is_service && i.qty.is_none(), errors);
}

/// 2239: goods items carry a unit.
pub fn goods_have_unit(inv: &Invoice, _ctx: &Context<'_>, errors: &mut Vec<RuleError>) {
    per_item(inv, "2239", |i| !i.is_service && i.unit.is_none(), errors);
}

/// 2177: every unit given is in the unit master. One error lists the distinct unknown units, as NIC's
/// "code(s)" text suggests.
pub fn units_known(inv: &Invoice, _ctx: &Context<'_>, errors: &mut Vec<RuleError>) {
    let mut unknown: Vec<&str> = Vec::new();
    for unit in inv.items.iter().filter_map(|i| i.unit.as_deref()) {
        if !is_known_unit(unit) && !unknown.contains(&unit) {
            unknown.push(unit);
        }
    }
    if !unknown.is_empty() {
        errors.push(RuleError::new("2177", &[&unknown.join(",")]));
    }
}
