//! Document-level rules: date, reporting window, preceding documents for notes, item count and serial
//! numbers (reference §6.2, §6.7, §6.8).

use crate::messages::BEFORE_GO_LIVE;
use crate::policy::{
    GO_LIVE, REPORTING_WARNING_DAYS, REPORTING_WINDOW_CODE, REPORTING_WINDOW_DAYS,
    reporting_window_threshold,
};
use crate::{Context, Hit};
use chrono::{Duration, NaiveDate};
use openirp_model::Invoice;
use openirp_model::time::format_doc_date;
use rust_decimal::Decimal;
use std::collections::HashSet;

const DOC_DATE: &str = "/DocDtls/Dt";

/// 2163: the document date must not be after today (IST).
pub fn doc_date_not_future(inv: &Invoice, ctx: &Context<'_>, out: &mut Vec<Hit>) {
    if inv.doc_date > ctx.today {
        out.push(Hit::new("2163", DOC_DATE, &[]));
    }
}

/// 2163: the document date must not precede the e-invoice start date 01/10/2020.
pub fn doc_date_not_before_go_live(inv: &Invoice, _ctx: &Context<'_>, out: &mut Vec<Hit>) {
    if inv.doc_date < GO_LIVE {
        out.push(Hit::with_template("2163", DOC_DATE, BEFORE_GO_LIVE, &[]));
    }
}

/// The last date a document dated `doc_date` may be reported under the 30-day window.
pub fn last_reporting_date(doc_date: NaiveDate) -> NaiveDate {
    doc_date + Duration::days(REPORTING_WINDOW_DAYS - 1)
}

/// Whether the 30-day window binds the supplier today: `Some(threshold)` when its AATO is known and at
/// least the threshold in force; `None` otherwise.
fn window_binds(ctx: &Context<'_>) -> Option<Decimal> {
    let threshold = reporting_window_threshold(ctx.today)?;
    ctx.supplier_aato()
        .filter(|aato| *aato >= threshold)
        .map(|_| threshold)
}

/// The reporting-window code (see [`REPORTING_WINDOW_CODE`]): a supplier whose AATO is at or above the
/// threshold in force (₹100 Cr from 01/11/2023, ₹10 Cr from 01/04/2025) reports a document within 30
/// days of its date.
pub fn reporting_window(inv: &Invoice, ctx: &Context<'_>, out: &mut Vec<Hit>) {
    let Some(threshold) = window_binds(ctx) else {
        return;
    };
    let last = last_reporting_date(inv.doc_date);
    if ctx.today > last {
        out.push(Hit::with_template(
            REPORTING_WINDOW_CODE,
            DOC_DATE,
            crate::messages::REPORTING_WINDOW,
            &[
                &inv.doc_date_text,
                &format_doc_date(last),
                &threshold.to_string(),
            ],
        ));
    }
}

/// Warning: the document must be reported within the next few days.
pub fn reporting_window_closing(inv: &Invoice, ctx: &Context<'_>, out: &mut Vec<Hit>) {
    if window_binds(ctx).is_none() {
        return;
    }
    let last = last_reporting_date(inv.doc_date);
    let left = (last - ctx.today).num_days();
    if (0..=REPORTING_WARNING_DAYS).contains(&left) && inv.doc_date <= ctx.today {
        out.push(Hit::with_template(
            REPORTING_WINDOW_CODE,
            DOC_DATE,
            crate::messages::REPORTING_WINDOW_CLOSING,
            &[
                &inv.doc_date_text,
                &format_doc_date(last),
                &left.to_string(),
            ],
        ));
    }
}

/// Warning: a document older than 30 days from a supplier the window does not bind (or whose AATO is
/// unknown) would be refused for a larger taxpayer.
pub fn reporting_window_not_applied(inv: &Invoice, ctx: &Context<'_>, out: &mut Vec<Hit>) {
    if window_binds(ctx).is_some() {
        return;
    }
    let last = last_reporting_date(inv.doc_date);
    if ctx.today > last {
        out.push(Hit::with_template(
            REPORTING_WINDOW_CODE,
            DOC_DATE,
            crate::messages::REPORTING_WINDOW_NOT_APPLIED,
            &[&inv.doc_date_text, &format_doc_date(last)],
        ));
    }
}

/// 2191: credit and debit notes must name the original invoice (`RefDtls.PrecDocDtls`).
pub fn preceding_doc_for_notes(inv: &Invoice, _ctx: &Context<'_>, out: &mut Vec<Hit>) {
    if matches!(inv.doc_type.as_str(), "CRN" | "DBN") && !inv.has_preceding_docs {
        out.push(Hit::new("2191", "/RefDtls/PrecDocDtls", &[]));
    }
}

/// 2210 (warning): an invoice does not need the original invoice number; NIC tolerates it.
pub fn preceding_doc_not_for_invoices(inv: &Invoice, _ctx: &Context<'_>, out: &mut Vec<Hit>) {
    if inv.doc_type == "INV" && inv.has_preceding_docs {
        out.push(Hit::new("2210", "/RefDtls/PrecDocDtls", &[]));
    }
}

/// 2228: at least one item.
pub fn items_not_empty(inv: &Invoice, _ctx: &Context<'_>, out: &mut Vec<Hit>) {
    if inv.items.is_empty() {
        out.push(Hit::new("2228", "/ItemList", &[]));
    }
}

/// 2173: no more items than the taxpayer's limit.
pub fn item_count_within_limit(inv: &Invoice, ctx: &Context<'_>, out: &mut Vec<Hit>) {
    if inv.items.len() > ctx.max_items {
        out.push(Hit::new("2173", "/ItemList", &[]));
    }
}

/// 2233: item serial numbers are unique. They are compared as sent (NIC's `SlNo` is a string); the
/// pointer names the first repeated one.
pub fn unique_item_serials(inv: &Invoice, _ctx: &Context<'_>, out: &mut Vec<Hit>) {
    let mut seen = HashSet::new();
    if let Some(i) = inv
        .items
        .iter()
        .position(|item| !seen.insert(item.sl_no.as_str()))
    {
        out.push(Hit::new("2233", format!("/ItemList/{i}/SlNo"), &[]));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_live_is_the_first_of_october_2020() {
        assert_eq!(GO_LIVE.to_string(), "2020-10-01");
    }

    #[test]
    fn a_document_of_1_april_is_reportable_until_30_april() {
        let d = NaiveDate::from_ymd_opt(2025, 4, 1).unwrap();
        assert_eq!(last_reporting_date(d).to_string(), "2025-04-30");
    }
}
