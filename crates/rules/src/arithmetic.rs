//! Item-level arithmetic (reference §6.5), compared with the item tolerance. Tax amounts are checked
//! against their rates on invoices only: credit and debit notes may carry any split.

use crate::helpers::{
    igst_applies, intra_state, is_invoice, item_ptr, item_taxes, percent_of, round2, within,
};
use crate::{Context, Hit};
use openirp_model::Invoice;
use openirp_model::invoice::Item;
use rust_decimal::Decimal;

/// 2192 (warning; NIC withdrew the check): `TotAmt = Qty × UnitPrice`.
pub fn gross_amount(inv: &Invoice, ctx: &Context<'_>, out: &mut Vec<Hit>) {
    for (i, item) in inv.items.iter().enumerate() {
        let Some(qty) = item.qty else { continue };
        if !within(
            item.tot_amt,
            round2(qty * item.unit_price),
            ctx.tolerances.item,
        ) {
            out.push(Hit::new("2192", item_ptr(i, "TotAmt"), &[&item.hsn]));
        }
    }
}

/// 2193: `AssAmt = TotAmt − Discount`.
pub fn taxable_value(inv: &Invoice, ctx: &Context<'_>, out: &mut Vec<Hit>) {
    for (i, item) in inv.items.iter().enumerate() {
        if !within(
            item.ass_amt,
            item.tot_amt - item.discount,
            ctx.tolerances.item,
        ) {
            out.push(Hit::new(
                "2193",
                item_ptr(i, "AssAmt"),
                &[&item.hsn, &item.sl_no],
            ));
        }
    }
}

/// Whether a zero IGST is accepted whatever the rate: supplies without payment of tax.
fn zero_igst_allowed(inv: &Invoice, item: &Item) -> bool {
    item.igst.is_zero() && matches!(inv.sup_typ.as_str(), "EXPWOP" | "SEZWOP")
}

/// 2235: `IgstAmt = AssAmt × GstRt / 100` where IGST is the tax head (invoices only).
pub fn igst_matches_rate(inv: &Invoice, ctx: &Context<'_>, out: &mut Vec<Hit>) {
    if !is_invoice(inv) || !igst_applies(inv) {
        return;
    }
    // An export with payment that carries no IGST at all is 2221's case.
    if inv.sup_typ == "EXPWP" && inv.items.iter().all(|i| i.igst.is_zero()) {
        return;
    }
    for (i, item) in inv.items.iter().enumerate() {
        if zero_igst_allowed(inv, item) {
            continue;
        }
        if !within(
            item.igst,
            percent_of(item.ass_amt, item.gst_rt),
            ctx.tolerances.item,
        ) {
            out.push(Hit::new("2235", item_ptr(i, "IgstAmt"), &[&item.hsn]));
        }
    }
}

/// 2234: `CgstAmt = SgstAmt = AssAmt × GstRt / 200` on intra-state invoices. Items with neither amount
/// are 2241's case and not reported again. The pointer names the first wrong amount.
pub fn cgst_sgst_match_rate(inv: &Invoice, ctx: &Context<'_>, out: &mut Vec<Hit>) {
    if !is_invoice(inv) || !intra_state(inv) {
        return;
    }
    let tol = ctx.tolerances.item;
    for (i, item) in inv.items.iter().enumerate() {
        if item.cgst.is_zero() && item.sgst.is_zero() {
            continue;
        }
        let half = percent_of(item.ass_amt, item.gst_rt / Decimal::TWO);
        let field = if !within(item.cgst, half, tol) {
            "CgstAmt"
        } else if !within(item.sgst, half, tol) {
            "SgstAmt"
        } else {
            continue;
        };
        out.push(Hit::new("2234", item_ptr(i, field), &[&item.hsn]));
    }
}

/// 2266: `CesAmt = AssAmt × CesRt / 100` (invoices only).
pub fn cess_matches_rate(inv: &Invoice, ctx: &Context<'_>, out: &mut Vec<Hit>) {
    if !is_invoice(inv) {
        return;
    }
    for (i, item) in inv.items.iter().enumerate() {
        if !within(
            item.ces_amt,
            percent_of(item.ass_amt, item.ces_rt),
            ctx.tolerances.item,
        ) {
            out.push(Hit::new("2266", item_ptr(i, "CesAmt"), &[&item.hsn]));
        }
    }
}

/// 2267: `StateCesAmt = AssAmt × StateCesRt / 100` (invoices only).
pub fn state_cess_matches_rate(inv: &Invoice, ctx: &Context<'_>, out: &mut Vec<Hit>) {
    if !is_invoice(inv) {
        return;
    }
    for (i, item) in inv.items.iter().enumerate() {
        if !within(
            item.state_ces_amt,
            percent_of(item.ass_amt, item.state_ces_rt),
            ctx.tolerances.item,
        ) {
            out.push(Hit::new("2267", item_ptr(i, "StateCesAmt"), &[&item.hsn]));
        }
    }
}

/// 2194: `TotItemVal = AssAmt + every tax + OthChrg`. Under reverse charge and for exports with payment
/// the value may also exclude the taxes.
pub fn item_total(inv: &Invoice, ctx: &Context<'_>, out: &mut Vec<Hit>) {
    let taxes_optional = inv.reverse_charge || inv.sup_typ == "EXPWP";
    let tol = ctx.tolerances.item;
    for (i, item) in inv.items.iter().enumerate() {
        let without_taxes = item.ass_amt + item.oth_chrg;
        let with_taxes = without_taxes + item_taxes(item);
        let ok = within(item.tot_item_val, with_taxes, tol)
            || (taxes_optional && within(item.tot_item_val, without_taxes, tol));
        if !ok {
            out.push(Hit::new("2194", item_ptr(i, "TotItemVal"), &[&item.hsn]));
        }
    }
}
