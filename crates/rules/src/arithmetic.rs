//! Item-level arithmetic (reference §6.5), compared with the item tolerance. Tax amounts are checked
//! against their rates on invoices only: credit and debit notes may carry any split.

use crate::helpers::{igst_applies, intra_state, is_invoice, item_taxes, percent_of, within};
use crate::{Context, RuleError};
use openirp_model::Invoice;
use openirp_model::invoice::Item;
use rust_decimal::Decimal;

/// 2193: `AssAmt = TotAmt − Discount`.
pub fn taxable_value(inv: &Invoice, ctx: &Context<'_>, errors: &mut Vec<RuleError>) {
    for item in &inv.items {
        if !within(
            item.ass_amt,
            item.tot_amt - item.discount,
            ctx.tolerances.item,
        ) {
            errors.push(RuleError::new("2193", &[&item.hsn, &item.sl_no]));
        }
    }
}

/// Whether a zero IGST is accepted whatever the rate: supplies without payment of tax.
fn zero_igst_allowed(inv: &Invoice, item: &Item) -> bool {
    item.igst.is_zero() && matches!(inv.sup_typ.as_str(), "EXPWOP" | "SEZWOP")
}

/// 2235: `IgstAmt = AssAmt × GstRt / 100` where IGST is the tax head (invoices only).
pub fn igst_matches_rate(inv: &Invoice, ctx: &Context<'_>, errors: &mut Vec<RuleError>) {
    if !is_invoice(inv) || !igst_applies(inv) {
        return;
    }
    for item in inv.items.iter().filter(|i| !zero_igst_allowed(inv, i)) {
        if !within(
            item.igst,
            percent_of(item.ass_amt, item.gst_rt),
            ctx.tolerances.item,
        ) {
            errors.push(RuleError::new("2235", &[&item.hsn]));
        }
    }
}

/// 2234: `CgstAmt = SgstAmt = AssAmt × GstRt / 200` on intra-state invoices. Items with neither amount
/// are 2241's case and not reported again.
pub fn cgst_sgst_match_rate(inv: &Invoice, ctx: &Context<'_>, errors: &mut Vec<RuleError>) {
    if !is_invoice(inv) || !intra_state(inv) {
        return;
    }
    let tol = ctx.tolerances.item;
    for item in inv
        .items
        .iter()
        .filter(|i| !(i.cgst.is_zero() && i.sgst.is_zero()))
    {
        let half = percent_of(item.ass_amt, item.gst_rt / Decimal::TWO);
        if !within(item.cgst, half, tol) || !within(item.sgst, half, tol) {
            errors.push(RuleError::new("2234", &[&item.hsn]));
        }
    }
}

/// 2266: `CesAmt = AssAmt × CesRt / 100` (invoices only).
pub fn cess_matches_rate(inv: &Invoice, ctx: &Context<'_>, errors: &mut Vec<RuleError>) {
    if !is_invoice(inv) {
        return;
    }
    for item in &inv.items {
        if !within(
            item.ces_amt,
            percent_of(item.ass_amt, item.ces_rt),
            ctx.tolerances.item,
        ) {
            errors.push(RuleError::new("2266", &[&item.hsn]));
        }
    }
}

/// 2267: `StateCesAmt = AssAmt × StateCesRt / 100` (invoices only).
pub fn state_cess_matches_rate(inv: &Invoice, ctx: &Context<'_>, errors: &mut Vec<RuleError>) {
    if !is_invoice(inv) {
        return;
    }
    for item in &inv.items {
        if !within(
            item.state_ces_amt,
            percent_of(item.ass_amt, item.state_ces_rt),
            ctx.tolerances.item,
        ) {
            errors.push(RuleError::new("2267", &[&item.hsn]));
        }
    }
}

/// 2194: `TotItemVal = AssAmt + every tax + OthChrg`. Under reverse charge and for exports with payment
/// the value may also exclude the taxes.
pub fn item_total(inv: &Invoice, ctx: &Context<'_>, errors: &mut Vec<RuleError>) {
    let taxes_optional = inv.reverse_charge || inv.sup_typ == "EXPWP";
    let tol = ctx.tolerances.item;
    for item in &inv.items {
        let without_taxes = item.ass_amt + item.oth_chrg;
        let with_taxes = without_taxes + item_taxes(item);
        let ok = within(item.tot_item_val, with_taxes, tol)
            || (taxes_optional && within(item.tot_item_val, without_taxes, tol));
        if !ok {
            errors.push(RuleError::new("2194", &[&item.hsn]));
        }
    }
}
