//! Helpers the rules share: money arithmetic and the supply-type classifications NIC's rules turn on.

use openirp_model::gstin::URP;
use openirp_model::masters::{is_export, is_sez};
use openirp_model::{Invoice, invoice::Item};
use rust_decimal::{Decimal, RoundingStrategy};

/// The pointer of `field` of item `index`: `/ItemList/{index}/{field}`.
pub fn item_ptr(index: usize, field: &str) -> String {
    format!("/ItemList/{index}/{field}")
}

/// Rounds to 2 decimals, halves away from zero (0.455 → 0.46), as invoices round tax amounts.
pub fn round2(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// Whether `given` is within `tol` of `expected`.
pub fn within(given: Decimal, expected: Decimal, tol: Decimal) -> bool {
    (given - expected).abs() <= tol
}

/// `base × rate / 100`, rounded to 2 decimals.
pub fn percent_of(base: Decimal, rate: Decimal) -> Decimal {
    round2(base * rate / Decimal::ONE_HUNDRED)
}

/// Whether the buyer is an unregistered person (`URP`).
pub fn buyer_is_urp(inv: &Invoice) -> bool {
    inv.buyer_gstin() == URP
}

/// Whether the supply is an export (`EXPWP`, `EXPWOP`).
pub fn export(inv: &Invoice) -> bool {
    is_export(&inv.sup_typ)
}

/// Whether the supply is to an SEZ (`SEZWP`, `SEZWOP`).
pub fn sez(inv: &Invoice) -> bool {
    is_sez(&inv.sup_typ)
}

/// Whether the supply is domestic to a regular recipient (`B2B`, `DEXP`): the only supply types where
/// the intra/inter-state split decides the tax heads.
pub fn domestic(inv: &Invoice) -> bool {
    inv.sup_typ == "B2B" || inv.sup_typ == "DEXP"
}

/// Intra-state: a B2B or deemed-export supply whose place of supply is the supplier's state and that is
/// not flagged as chargeable to IGST (`IgstOnIntra`). CGST + SGST apply; otherwise IGST does.
pub fn intra_state(inv: &Invoice) -> bool {
    domestic(inv) && !inv.igst_on_intra && inv.seller.state.is_some() && inv.seller.state == inv.pos
}

/// Whether IGST is the tax head: every supply that is not intra-state.
pub fn igst_applies(inv: &Invoice) -> bool {
    !intra_state(inv)
}

/// Whether the document is an invoice (tax amounts of credit and debit notes are not checked against
/// their rates).
pub fn is_invoice(inv: &Invoice) -> bool {
    inv.doc_type == "INV"
}

/// Whether an item carries any CGST or SGST.
pub fn has_cgst_or_sgst(item: &Item) -> bool {
    item.cgst > Decimal::ZERO || item.sgst > Decimal::ZERO
}

/// The sum of all of an item's taxes (GST heads and cesses).
pub fn item_taxes(item: &Item) -> Decimal {
    item.cgst
        + item.sgst
        + item.igst
        + item.ces_amt
        + item.ces_non_advl
        + item.state_ces_amt
        + item.state_ces_non_advl
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn round2_rounds_halves_away_from_zero() {
        assert_eq!(round2(d("0.455")), d("0.46"));
        assert_eq!(round2(d("0.456")), d("0.46"));
        assert_eq!(round2(d("0.454")), d("0.45"));
        assert_eq!(round2(d("-0.455")), d("-0.46"));
        assert_eq!(round2(d("1197.4608")), d("1197.46"));
        assert_eq!(round2(d("0.125")), d("0.13"));
    }

    #[test]
    fn within_is_inclusive() {
        assert!(within(d("10.00"), d("11.00"), d("1.00")));
        assert!(within(d("12.00"), d("11.00"), d("1.00")));
        assert!(!within(d("12.01"), d("11.00"), d("1.00")));
        assert!(!within(d("9.99"), d("11.00"), d("1.00")));
        assert!(within(d("5"), d("5"), Decimal::ZERO));
    }

    #[test]
    fn percent_of_matches_the_nic_sample() {
        assert_eq!(percent_of(d("9978.84"), d("12")), d("1197.46"));
        assert_eq!(percent_of(d("9978.84"), d("5")), d("498.94"));
        assert_eq!(percent_of(d("7.60"), d("6")), d("0.46"));
    }
}
