//! Document-level rules: date, preceding documents for notes, item count and serial numbers
//! (reference §6.2, §6.7, §6.8).

use crate::messages::BEFORE_GO_LIVE;
use crate::{Context, RuleError};
use chrono::NaiveDate;
use openirp_model::Invoice;
use std::collections::HashSet;

/// The IRP went live on 1 October 2020; no e-invoice can be dated earlier.
pub const GO_LIVE: NaiveDate = match NaiveDate::from_ymd_opt(2020, 10, 1) {
    Some(d) => d,
    None => panic!("valid date"),
};

/// 2163: the document date must not be after today (IST).
pub fn doc_date_not_future(inv: &Invoice, ctx: &Context<'_>, errors: &mut Vec<RuleError>) {
    if inv.doc_date > ctx.today {
        errors.push(RuleError::new("2163", &[]));
    }
}

/// 2163: the document date must not precede the e-invoice start date 01/10/2020.
pub fn doc_date_not_before_go_live(inv: &Invoice, _ctx: &Context<'_>, errors: &mut Vec<RuleError>) {
    if inv.doc_date < GO_LIVE {
        errors.push(RuleError::with_message("2163", BEFORE_GO_LIVE));
    }
}

/// 2191: credit and debit notes must name the original invoice (`RefDtls.PrecDocDtls`). An invoice that
/// carries one is tolerated (2210 is not raised).
pub fn preceding_doc_for_notes(inv: &Invoice, _ctx: &Context<'_>, errors: &mut Vec<RuleError>) {
    if matches!(inv.doc_type.as_str(), "CRN" | "DBN") && !inv.has_preceding_docs {
        errors.push(RuleError::new("2191", &[]));
    }
}

/// 2228: at least one item.
pub fn items_not_empty(inv: &Invoice, _ctx: &Context<'_>, errors: &mut Vec<RuleError>) {
    if inv.items.is_empty() {
        errors.push(RuleError::new("2228", &[]));
    }
}

/// 2173: no more items than the taxpayer's limit.
pub fn item_count_within_limit(inv: &Invoice, ctx: &Context<'_>, errors: &mut Vec<RuleError>) {
    if inv.items.len() > ctx.max_items {
        errors.push(RuleError::new("2173", &[]));
    }
}

/// 2233: item serial numbers are unique. They are compared as sent (NIC's `SlNo` is a string).
pub fn unique_item_serials(inv: &Invoice, _ctx: &Context<'_>, errors: &mut Vec<RuleError>) {
    let mut seen = HashSet::new();
    if inv
        .items
        .iter()
        .any(|item| !seen.insert(item.sl_no.as_str()))
    {
        errors.push(RuleError::new("2233", &[]));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_live_is_the_first_of_october_2020() {
        assert_eq!(GO_LIVE.to_string(), "2020-10-01");
    }
}
