//! Dates, thresholds and codes of rules whose details NIC does not publish. Each is a constant so a
//! choice can be changed in one place; the catalogue's notes say what was chosen and why.

use crate::Severity;
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// 2245 (ship-to state = POS on B2B): NIC lists it, enforcement unknown (reference §6.9 `[?]`).
pub const SHIP_TO_STATE_IS_POS: Severity = Severity::Warning;

/// 2249 (goods and services combined on an intra-state IGST supply): enforcement unknown (§6.4 `[?]`).
pub const GOODS_AND_SERVICES_MIXED: Severity = Severity::Warning;

/// 2208 (export details required): the schema keeps `ExpDtls` optional; NIC's condition is unpublished.
pub const EXPORT_DETAILS_REQUIRED: Severity = Severity::Warning;

/// 2210 (preceding document on an invoice): listed by NIC, tolerated in practice (§6.8 `[S]`).
pub const PRECEDING_DOC_ON_INVOICE: Severity = Severity::Warning;

/// 2192 (`TotAmt = Qty × UnitPrice`): temporarily withdrawn by NIC (§6.5).
pub const GROSS_AMOUNT: Severity = Severity::Warning;

/// 2201 for a well-formed port code missing from our (incomplete) port master.
pub const UNKNOWN_PORT: Severity = Severity::Warning;

const fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(y, m, d) {
        Some(d) => d,
        None => panic!("valid date"),
    }
}

/// The IRP went live on 1 October 2020; no e-invoice can be dated earlier.
pub const GO_LIVE: NaiveDate = date(2020, 10, 1);

/// The 30-day reporting window: (first reporting date, minimum AATO in ₹ crore), latest last.
pub const REPORTING_WINDOW_STEPS: &[(NaiveDate, i64)] =
    &[(date(2023, 11, 1), 100), (date(2025, 4, 1), 10)];

/// A document may be reported while `reporting date ≤ document date + REPORTING_WINDOW_DAYS - 1`
/// (GSTN's example: dated 1 April, reportable until 30 April).
pub const REPORTING_WINDOW_DAYS: i64 = 30;

/// A warning is given when this many days or fewer are left to report a document.
pub const REPORTING_WARNING_DAYS: i64 = 5;

/// NIC's code for a document older than the reporting window is not known (reference §6.2 `[?]`).
/// We use 2268, unused in NIC's published invoice list (which stops at 2267; 2270 is the next known).
pub const REPORTING_WINDOW_CODE: &str = "2268";

/// From this date taxpayers with AATO above [`HSN6_AATO_CRORE`] must use at least 6-digit HSN codes.
pub const HSN6_FROM: NaiveDate = date(2023, 12, 15);

/// AATO (₹ crore) above which 6-digit HSN codes are required.
pub const HSN6_AATO_CRORE: i64 = 5;

/// NIC's code for a too-short HSN is not known; it reports an invalid HSN, so 2176 is used.
pub const HSN6_CODE: &str = "2176";

/// The minimum AATO (₹ crore) for the 30-day window on `report_date`, if the window applies yet.
pub fn reporting_window_threshold(report_date: NaiveDate) -> Option<Decimal> {
    REPORTING_WINDOW_STEPS
        .iter()
        .rev()
        .find(|(from, _)| report_date >= *from)
        .map(|(_, crore)| Decimal::from(*crore))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_threshold_steps_down_over_time() {
        assert_eq!(reporting_window_threshold(date(2023, 10, 31)), None);
        assert_eq!(
            reporting_window_threshold(date(2023, 11, 1)),
            Some(Decimal::from(100))
        );
        assert_eq!(
            reporting_window_threshold(date(2025, 3, 31)),
            Some(Decimal::from(100))
        );
        assert_eq!(
            reporting_window_threshold(date(2025, 4, 1)),
            Some(Decimal::from(10))
        );
    }
}
