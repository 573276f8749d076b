//! Supply type × recipient × place of supply (reference §6.4).

use crate::helpers::{buyer_is_urp, export, sez};
use crate::{Context, RuleError};
use openirp_model::Invoice;
use openirp_model::states::{OTHER_COUNTRY, state_name};

fn is_sez_taxpayer(txp_type: &str) -> bool {
    txp_type.eq_ignore_ascii_case("SEZ")
}

/// 2212 / 2171: an unregistered recipient (`URP`) is allowed only for exports; deemed exports have their
/// own code.
pub fn urp_only_for_exports(inv: &Invoice, _ctx: &Context<'_>, errors: &mut Vec<RuleError>) {
    if !buyer_is_urp(inv) || export(inv) {
        return;
    }
    if inv.sup_typ == "DEXP" {
        errors.push(RuleError::new("2171", &[]));
    } else {
        errors.push(RuleError::new("2212", &[&inv.sup_typ]));
    }
}

/// 2248: the recipient of an export must be `URP`.
pub fn exports_to_urp(inv: &Invoice, _ctx: &Context<'_>, errors: &mut Vec<RuleError>) {
    if export(inv) && !buyer_is_urp(inv) {
        errors.push(RuleError::new("2248", &[]));
    }
}

/// 2246: a B2B recipient must not be an SEZ (SEZ supplies use SEZWP/SEZWOP).
pub fn b2b_recipient_not_sez(inv: &Invoice, ctx: &Context<'_>, errors: &mut Vec<RuleError>) {
    if inv.sup_typ == "B2B" && ctx.buyer.is_some_and(|b| is_sez_taxpayer(&b.txp_type)) {
        errors.push(RuleError::new("2246", &[&inv.sup_typ]));
    }
}

/// 2247: the recipient of an SEZ supply must be an SEZ (checked when the master knows the recipient).
pub fn sez_supply_to_sez(inv: &Invoice, ctx: &Context<'_>, errors: &mut Vec<RuleError>) {
    if sez(inv) && !buyer_is_urp(inv) && ctx.buyer.is_some_and(|b| !is_sez_taxpayer(&b.txp_type)) {
        errors.push(RuleError::new("2247", &[&inv.sup_typ]));
    }
}

/// 2229: the place of supply of an export is 96 (other country).
pub fn export_pos_other_country(inv: &Invoice, _ctx: &Context<'_>, errors: &mut Vec<RuleError>) {
    if export(inv) && inv.pos != Some(OTHER_COUNTRY) {
        errors.push(RuleError::new("2229", &[&inv.sup_typ]));
    }
}

/// 2261: the recipient's state for an export is 96 (other country).
pub fn export_buyer_state_other_country(
    inv: &Invoice,
    _ctx: &Context<'_>,
    errors: &mut Vec<RuleError>,
) {
    if export(inv) && inv.buyer.state != Some(OTHER_COUNTRY) {
        errors.push(RuleError::new("2261", &[&inv.sup_typ]));
    }
}

/// 2242: only exports have place of supply 96.
pub fn domestic_pos_not_other_country(
    inv: &Invoice,
    _ctx: &Context<'_>,
    errors: &mut Vec<RuleError>,
) {
    if !export(inv) && inv.pos == Some(OTHER_COUNTRY) {
        errors.push(RuleError::new("2242", &[&inv.sup_typ]));
    }
}

/// 2243: the place of supply must be in the state master.
pub fn pos_valid(inv: &Invoice, _ctx: &Context<'_>, errors: &mut Vec<RuleError>) {
    if inv.pos.is_none_or(|p| state_name(p).is_none()) {
        errors.push(RuleError::new("2243", &[&inv.sup_typ]));
    }
}

/// 2162: reverse charge only for B2B and SEZ supplies.
pub fn reverse_charge_supply_type(inv: &Invoice, _ctx: &Context<'_>, errors: &mut Vec<RuleError>) {
    if inv.reverse_charge && !matches!(inv.sup_typ.as_str(), "B2B" | "SEZWP" | "SEZWOP") {
        errors.push(RuleError::new("2162", &[]));
    }
}

/// 2262: an intra-state supply chargeable to IGST (`IgstOnIntra=Y`) needs supplier state == POS.
pub fn igst_on_intra_same_state(inv: &Invoice, _ctx: &Context<'_>, errors: &mut Vec<RuleError>) {
    if inv.igst_on_intra && (inv.seller.state.is_none() || inv.seller.state != inv.pos) {
        errors.push(RuleError::new("2262", &[]));
    }
}
