//! Document totals (`ValDtls`) against the items (reference §6.6), compared with the total tolerance.

use crate::helpers::within;
use crate::{Context, Hit};
use openirp_model::Invoice;
use openirp_model::invoice::Item;
use rust_decimal::Decimal;

/// Σ `amount(item)` over the items.
fn sum(inv: &Invoice, amount: impl Fn(&Item) -> Decimal) -> Decimal {
    inv.items.iter().map(amount).sum()
}

/// Reports `code` at `/ValDtls/{field}` unless `given` is within the total tolerance of `expected`.
fn check_total(
    code: &'static str,
    field: &str,
    given: Decimal,
    expected: Decimal,
    ctx: &Context<'_>,
    out: &mut Vec<Hit>,
) {
    if !within(given, expected, ctx.tolerances.total) {
        out.push(Hit::new(code, format!("/ValDtls/{field}"), &[]));
    }
}

/// 2182: `AssVal = Σ AssAmt`.
pub fn total_assessable_value(inv: &Invoice, ctx: &Context<'_>, out: &mut Vec<Hit>) {
    let expected = sum(inv, |i| i.ass_amt);
    check_total("2182", "AssVal", inv.totals.ass_val, expected, ctx, out);
}

/// 2183: `SgstVal = Σ SgstAmt`.
pub fn total_sgst(inv: &Invoice, ctx: &Context<'_>, out: &mut Vec<Hit>) {
    let expected = sum(inv, |i| i.sgst);
    check_total("2183", "SgstVal", inv.totals.sgst_val, expected, ctx, out);
}

/// 2184: `CgstVal = Σ CgstAmt`.
pub fn total_cgst(inv: &Invoice, ctx: &Context<'_>, out: &mut Vec<Hit>) {
    let expected = sum(inv, |i| i.cgst);
    check_total("2184", "CgstVal", inv.totals.cgst_val, expected, ctx, out);
}

/// 2185: `IgstVal = Σ IgstAmt`.
pub fn total_igst(inv: &Invoice, ctx: &Context<'_>, out: &mut Vec<Hit>) {
    let expected = sum(inv, |i| i.igst);
    check_total("2185", "IgstVal", inv.totals.igst_val, expected, ctx, out);
}

/// 2186: `CesVal = Σ (CesAmt + CesNonAdvlAmt)`.
pub fn total_cess(inv: &Invoice, ctx: &Context<'_>, out: &mut Vec<Hit>) {
    let expected = sum(inv, |i| i.ces_amt + i.ces_non_advl);
    check_total("2186", "CesVal", inv.totals.ces_val, expected, ctx, out);
}

/// 2187: `StCesVal = Σ (StateCesAmt + StateCesNonAdvlAmt)`.
pub fn total_state_cess(inv: &Invoice, ctx: &Context<'_>, out: &mut Vec<Hit>) {
    let expected = sum(inv, |i| i.state_ces_amt + i.state_ces_non_advl);
    check_total(
        "2187",
        "StCesVal",
        inv.totals.st_ces_val,
        expected,
        ctx,
        out,
    );
}

/// 2189: `TotInvVal = Σ TotItemVal + OthChrg − Discount + RndOffAmt` (document-level charges).
pub fn total_invoice_value(inv: &Invoice, ctx: &Context<'_>, out: &mut Vec<Hit>) {
    let t = &inv.totals;
    let expected = sum(inv, |i| i.tot_item_val) + t.oth_chrg - t.discount + t.rnd_off;
    check_total("2189", "TotInvVal", t.tot_inv_val, expected, ctx, out);
}

/// 2220: the document-level discount must be below the invoice value.
pub fn discount_below_invoice_value(inv: &Invoice, _ctx: &Context<'_>, out: &mut Vec<Hit>) {
    let t = &inv.totals;
    if t.tot_inv_val > Decimal::ZERO && t.discount >= t.tot_inv_val {
        out.push(Hit::new("2220", "/ValDtls/Discount", &[]));
    }
}
