//! Item rules: which tax heads each supply may carry, notified rates, HSN codes, quantity and unit
//! (reference §6.4, §6.7). Each reports one finding per offending item, naming its HSN.

use crate::helpers::{domestic, export, has_cgst_or_sgst, intra_state, item_ptr, sez};
use crate::{Context, Hit};
use openirp_model::Invoice;
use openirp_model::invoice::Item;
use rust_decimal::Decimal;

/// Reports `code` at `/ItemList/{i}/{field}` (with the item's HSN as `{0}`) for every item `bad` picks.
fn per_item(
    inv: &Invoice,
    code: &'static str,
    field: impl Fn(&Item) -> &'static str,
    bad: impl Fn(&Item) -> bool,
    out: &mut Vec<Hit>,
) {
    for (i, item) in inv.items.iter().enumerate() {
        if bad(item) {
            out.push(Hit::new(code, item_ptr(i, field(item)), &[&item.hsn]));
        }
    }
}

/// The CGST/SGST field an item carries (CGST when both).
fn cgst_or_sgst(item: &Item) -> &'static str {
    if item.cgst > Decimal::ZERO {
        "CgstAmt"
    } else {
        "SgstAmt"
    }
}

/// 2172: an intra-state supply carries no IGST.
pub fn intra_state_no_igst(inv: &Invoice, _ctx: &Context<'_>, out: &mut Vec<Hit>) {
    if intra_state(inv) {
        per_item(inv, "2172", |_| "IgstAmt", |i| i.igst > Decimal::ZERO, out);
    }
}

/// 2227: on an intra-state supply CGST equals SGST.
pub fn intra_state_cgst_equals_sgst(inv: &Invoice, _ctx: &Context<'_>, out: &mut Vec<Hit>) {
    if intra_state(inv) {
        per_item(inv, "2227", |_| "CgstAmt", |i| i.cgst != i.sgst, out);
    }
}

/// 2241: a taxed item of an intra-state supply carries CGST and SGST.
pub fn intra_state_needs_cgst_sgst(inv: &Invoice, _ctx: &Context<'_>, out: &mut Vec<Hit>) {
    if intra_state(inv) {
        per_item(
            inv,
            "2241",
            |_| "CgstAmt",
            |i| i.gst_rt > Decimal::ZERO && i.cgst.is_zero() && i.sgst.is_zero(),
            out,
        );
    }
}

/// 2174: an inter-state B2B or deemed-export supply (including `IgstOnIntra=Y`) carries no CGST/SGST.
pub fn inter_state_no_cgst_sgst(inv: &Invoice, _ctx: &Context<'_>, out: &mut Vec<Hit>) {
    if domestic(inv) && !intra_state(inv) {
        per_item(inv, "2174", cgst_or_sgst, has_cgst_or_sgst, out);
    }
}

/// 2237: a supply to an SEZ carries no CGST/SGST.
pub fn sez_no_cgst_sgst(inv: &Invoice, _ctx: &Context<'_>, out: &mut Vec<Hit>) {
    if sez(inv) {
        per_item(inv, "2237", cgst_or_sgst, has_cgst_or_sgst, out);
    }
}

/// 2180: an export carries no CGST/SGST.
pub fn export_no_cgst_sgst(inv: &Invoice, _ctx: &Context<'_>, out: &mut Vec<Hit>) {
    if export(inv) {
        per_item(inv, "2180", cgst_or_sgst, has_cgst_or_sgst, out);
    }
}

/// 2240: `GstRt` is a GST rate notified on the document date, for every document type.
pub fn gst_rate_notified(inv: &Invoice, _ctx: &Context<'_>, out: &mut Vec<Hit>) {
    let date = inv.doc_date;
    per_item(
        inv,
        "2240",
        |_| "GstRt",
        |i| !openirp_model::masters::is_gst_rate_on(i.gst_rt, date),
        out,
    );
}

/// 2238: goods items carry a quantity.
pub fn goods_have_quantity(inv: &Invoice, _ctx: &Context<'_>, out: &mut Vec<Hit>) {
    per_item(
        inv,
        "2238",
        |_| "Qty",
        |i| !i.is_service && i.qty.is_none(),
        out,
    );
}

/// 2239: goods items carry a unit.
pub fn goods_have_unit(inv: &Invoice, _ctx: &Context<'_>, out: &mut Vec<Hit>) {
    per_item(
        inv,
        "2239",
        |_| "Unit",
        |i| !i.is_service && i.unit.is_none(),
        out,
    );
}

/// 2177: every unit given is in the unit master. One finding lists the distinct unknown units, as NIC's
/// "code(s)" text suggests; the pointer names the first item carrying one.
pub fn units_known(inv: &Invoice, _ctx: &Context<'_>, out: &mut Vec<Hit>) {
    let mut unknown: Vec<&str> = Vec::new();
    let mut first = None;
    for (i, item) in inv.items.iter().enumerate() {
        let Some(unit) = item.unit.as_deref() else {
            continue;
        };
        if !openirp_model::masters::is_known_unit(unit) {
            first.get_or_insert(i);
            if !unknown.contains(&unit) {
                unknown.push(unit);
            }
        }
    }
    if let Some(i) = first {
        out.push(Hit::new("2177", item_ptr(i, "Unit"), &[&unknown.join(",")]));
    }
}

/// 2176: the HSN code's chapter exists (01–97 of the Customs Tariff except the reserved 77, 98, and 99
/// for services).
pub fn hsn_in_master(inv: &Invoice, _ctx: &Context<'_>, out: &mut Vec<Hit>) {
    per_item(
        inv,
        "2176",
        |_| "HsnCd",
        |i| openirp_model::masters::hsn_chapter(&i.hsn).is_none(),
        out,
    );
}

/// 2176: a service (`IsServc=Y`) has a SAC code (starting 99); goods do not.
pub fn hsn_matches_service_flag(inv: &Invoice, _ctx: &Context<'_>, out: &mut Vec<Hit>) {
    per_item(
        inv,
        "2176",
        |_| "HsnCd",
        |i| {
            openirp_model::masters::hsn_chapter(&i.hsn).is_some()
                && i.is_service != openirp_model::masters::is_service_code(&i.hsn)
        },
        out,
    );
}

/// 2176 (see [`crate::policy::HSN6_CODE`]): from 15/12/2023 a supplier with AATO above ₹5 Cr uses HSN
/// codes of at least 6 digits (skipped when the AATO is unknown).
pub fn hsn_six_digits(inv: &Invoice, ctx: &Context<'_>, out: &mut Vec<Hit>) {
    use crate::policy::{HSN6_AATO_CRORE, HSN6_CODE, HSN6_FROM};
    let large = ctx
        .supplier_aato()
        .is_some_and(|a| a > Decimal::from(HSN6_AATO_CRORE));
    if large && inv.doc_date >= HSN6_FROM {
        per_item(inv, HSN6_CODE, |_| "HsnCd", |i| i.hsn.len() < 6, out);
    }
}

/// 2249 (warning): goods and services are not combined on a supply charged to IGST although the place
/// of supply is the supplier's state (`IgstOnIntra=Y`).
pub fn goods_and_services_not_mixed(inv: &Invoice, _ctx: &Context<'_>, out: &mut Vec<Hit>) {
    let intra_igst = inv.igst_on_intra && inv.seller.state.is_some() && inv.seller.state == inv.pos;
    let goods = inv.items.iter().any(|i| !i.is_service);
    let services = inv.items.iter().position(|i| i.is_service);
    if let (true, true, Some(i)) = (intra_igst, goods, services) {
        out.push(Hit::new("2249", item_ptr(i, "IsServc"), &[]));
    }
}
