//! Supply type × recipient × place of supply, and the e-commerce operator (reference §6.3, §6.4).

use crate::helpers::{buyer_is_urp, export, sez};
use crate::{Context, Hit};
use openirp_model::Invoice;
use openirp_model::states::{OTHER_COUNTRY, state_name};

/// Whether a master taxpayer type is an SEZ (unit or developer: `SEZ`, `SEZU`, `SEZD`).
pub fn is_sez_taxpayer(txp_type: &str) -> bool {
    txp_type.len() >= 3 && txp_type[..3].eq_ignore_ascii_case("SEZ")
}

/// Whether a master taxpayer type is an SEZ *unit* (which cannot issue e-invoices; developers can).
/// The master's plain `SEZ` is read as a unit.
pub fn is_sez_unit(txp_type: &str) -> bool {
    txp_type.eq_ignore_ascii_case("SEZ") || txp_type.eq_ignore_ascii_case("SEZU")
}

/// Whether a master taxpayer type is a TCS (e-commerce operator) registration.
pub fn is_tcs(txp_type: &str) -> bool {
    txp_type.eq_ignore_ascii_case("TCS")
}

/// 2212 / 2171: an unregistered recipient (`URP`) is allowed only for exports; deemed exports have their
/// own code.
pub fn urp_only_for_exports(inv: &Invoice, _ctx: &Context<'_>, out: &mut Vec<Hit>) {
    if !buyer_is_urp(inv) || export(inv) {
        return;
    }
    if inv.sup_typ == "DEXP" {
        out.push(Hit::new("2171", "/BuyerDtls/Gstin", &[]));
    } else {
        out.push(Hit::new("2212", "/BuyerDtls/Gstin", &[&inv.sup_typ]));
    }
}

/// 2248: the recipient of an export must be `URP`.
pub fn exports_to_urp(inv: &Invoice, _ctx: &Context<'_>, out: &mut Vec<Hit>) {
    if export(inv) && !buyer_is_urp(inv) {
        out.push(Hit::new("2248", "/BuyerDtls/Gstin", &[]));
    }
}

/// 2246: a B2B or deemed-export recipient must not be an SEZ (SEZ supplies use SEZWP/SEZWOP).
pub fn b2b_recipient_not_sez(inv: &Invoice, ctx: &Context<'_>, out: &mut Vec<Hit>) {
    if matches!(inv.sup_typ.as_str(), "B2B" | "DEXP")
        && ctx.buyer.is_some_and(|b| is_sez_taxpayer(&b.txp_type))
    {
        out.push(Hit::new("2246", "/BuyerDtls/Gstin", &[&inv.sup_typ]));
    }
}

/// 2247: the recipient of an SEZ supply must be an SEZ (checked when the master knows the recipient).
pub fn sez_supply_to_sez(inv: &Invoice, ctx: &Context<'_>, out: &mut Vec<Hit>) {
    if sez(inv) && !buyer_is_urp(inv) && ctx.buyer.is_some_and(|b| !is_sez_taxpayer(&b.txp_type)) {
        out.push(Hit::new("2247", "/BuyerDtls/Gstin", &[&inv.sup_typ]));
    }
}

/// 2231: an SEZ unit cannot issue e-invoices (an SEZ developer can).
pub fn seller_not_sez_unit(inv: &Invoice, ctx: &Context<'_>, out: &mut Vec<Hit>) {
    if ctx.seller.is_some_and(|s| is_sez_unit(&s.txp_type)) {
        out.push(Hit::new("2231", "/SellerDtls/Gstin", &[inv.seller_gstin()]));
    }
}

/// 2229: the place of supply of an export is 96 (other country).
pub fn export_pos_other_country(inv: &Invoice, _ctx: &Context<'_>, out: &mut Vec<Hit>) {
    if export(inv) && inv.pos != Some(OTHER_COUNTRY) {
        out.push(Hit::new("2229", "/BuyerDtls/Pos", &[&inv.sup_typ]));
    }
}

/// 2261: the recipient's state for an export is 96 (other country).
pub fn export_buyer_state_other_country(inv: &Invoice, _ctx: &Context<'_>, out: &mut Vec<Hit>) {
    if export(inv) && inv.buyer.state != Some(OTHER_COUNTRY) {
        out.push(Hit::new("2261", "/BuyerDtls/Stcd", &[&inv.sup_typ]));
    }
}

/// 2181: an export cannot be an intra-state supply (`IgstOnIntra=Y`).
pub fn export_not_intra_state(inv: &Invoice, _ctx: &Context<'_>, out: &mut Vec<Hit>) {
    if export(inv) && inv.igst_on_intra {
        out.push(Hit::new("2181", "/TranDtls/IgstOnIntra", &[]));
    }
}

/// 2242: only exports have place of supply 96.
pub fn domestic_pos_not_other_country(inv: &Invoice, _ctx: &Context<'_>, out: &mut Vec<Hit>) {
    if !export(inv) && inv.pos == Some(OTHER_COUNTRY) {
        out.push(Hit::new("2242", "/BuyerDtls/Pos", &[&inv.sup_typ]));
    }
}

/// 2243: the place of supply must be in the state master.
pub fn pos_valid(inv: &Invoice, _ctx: &Context<'_>, out: &mut Vec<Hit>) {
    if inv.pos.is_none_or(|p| state_name(p).is_none()) {
        out.push(Hit::new("2243", "/BuyerDtls/Pos", &[&inv.sup_typ]));
    }
}

/// 2162: reverse charge only for B2B and SEZ supplies.
pub fn reverse_charge_supply_type(inv: &Invoice, _ctx: &Context<'_>, out: &mut Vec<Hit>) {
    if inv.reverse_charge && !matches!(inv.sup_typ.as_str(), "B2B" | "SEZWP" | "SEZWOP") {
        out.push(Hit::new("2162", "/TranDtls/RegRev", &[]));
    }
}

/// 2262: an intra-state supply chargeable to IGST (`IgstOnIntra=Y`) needs supplier state == POS.
pub fn igst_on_intra_same_state(inv: &Invoice, _ctx: &Context<'_>, out: &mut Vec<Hit>) {
    if inv.igst_on_intra
        && !export(inv)
        && (inv.seller.state.is_none() || inv.seller.state != inv.pos)
    {
        out.push(Hit::new("2262", "/TranDtls/IgstOnIntra", &[]));
    }
}

/// Whether the caller is an e-commerce operator (a TCS registration in the master, not the supplier)
/// that did not name itself in `TranDtls.EcmGstin`.
pub fn ecom_caller_without_ecm_gstin(inv: &Invoice, ctx: &Context<'_>) -> bool {
    ctx.gstin_master
        && inv.ecm_gstin.is_none()
        && !ctx.caller_gstin.is_empty()
        && !ctx.caller_gstin.eq_ignore_ascii_case(inv.seller_gstin())
        && ctx
            .ecom
            .is_some_and(|e| is_tcs(&e.txp_type) && e.gstin.eq_ignore_ascii_case(ctx.caller_gstin))
}

/// 2195: the e-commerce operator named in `EcmGstin` must hold a TCS registration (when the master
/// knows it).
pub fn ecom_is_tcs(inv: &Invoice, ctx: &Context<'_>, out: &mut Vec<Hit>) {
    let Some(ecm) = inv.ecm_gstin.as_deref() else {
        return;
    };
    let a_party =
        ecm.eq_ignore_ascii_case(inv.seller_gstin()) || ecm.eq_ignore_ascii_case(inv.buyer_gstin());
    if !a_party
        && ctx
            .ecom
            .is_some_and(|e| e.gstin.eq_ignore_ascii_case(ecm) && !is_tcs(&e.txp_type))
    {
        out.push(Hit::new("2195", "/TranDtls/EcmGstin", &[]));
    }
}

/// 2197: an e-commerce operator generating on a supplier's behalf must give its GSTIN in `EcmGstin`.
pub fn ecom_gstin_given(inv: &Invoice, ctx: &Context<'_>, out: &mut Vec<Hit>) {
    if ecom_caller_without_ecm_gstin(inv, ctx) {
        out.push(Hit::new("2197", "/TranDtls/EcmGstin", &[]));
    }
}

/// 2224: the e-commerce GSTIN must not be the supplier's or the recipient's own GSTIN.
pub fn ecom_gstin_not_a_party(inv: &Invoice, _ctx: &Context<'_>, out: &mut Vec<Hit>) {
    let Some(ecm) = inv.ecm_gstin.as_deref() else {
        return;
    };
    if ecm.eq_ignore_ascii_case(inv.seller_gstin()) || ecm.eq_ignore_ascii_case(inv.buyer_gstin()) {
        out.push(Hit::new("2224", "/TranDtls/EcmGstin", &[]));
    }
}
