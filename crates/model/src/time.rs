//! IST time: NIC formats and the injected clock every time rule reads.

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone, Utc};
use std::sync::atomic::{AtomicI64, Ordering};

/// India Standard Time, +05:30 all year (no daylight saving).
pub fn ist() -> FixedOffset {
    FixedOffset::east_opt(5 * 3600 + 1800).expect("constant offset is in range")
}

/// Parses an invoice date in NIC's `dd/mm/yyyy` form (a real calendar date).
pub fn parse_doc_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    let digits_at = [0, 1, 3, 4, 6, 7, 8, 9];
    if b.len() != 10
        || b[2] != b'/'
        || b[5] != b'/'
        || !digits_at.iter().all(|&i| b[i].is_ascii_digit())
    {
        // chrono's %d and %m would also take " 1": only the exact dd/mm/yyyy shape is a date here.
        return None;
    }
    NaiveDate::parse_from_str(s, "%d/%m/%Y").ok()
}

/// Formats a date as `dd/mm/yyyy`.
pub fn format_doc_date(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// `yyyy-MM-dd HH:mm:ss` in IST, the form of AckDt, TokenExpiry and CancelDate.
pub fn format_ist(epoch_secs: i64) -> String {
    ist_datetime(epoch_secs)
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// The same, rounded to the nearest minute as NIC's responses show AckDt.
pub fn format_ist_minute(epoch_secs: i64) -> String {
    format_ist((epoch_secs + 30).div_euclid(60) * 60)
}

/// An epoch second as an IST date-time.
pub fn ist_datetime(epoch_secs: i64) -> DateTime<FixedOffset> {
    ist()
        .timestamp_opt(epoch_secs, 0)
        .single()
        .unwrap_or_else(|| Utc.timestamp_opt(0, 0).unwrap().with_timezone(&ist()))
}

/// Today's date in IST at the given instant.
pub fn ist_date(epoch_secs: i64) -> NaiveDate {
    ist_datetime(epoch_secs).date_naive()
}

/// The source of "now" for every time rule (token expiry, 24-hour cancel, future dates).
pub trait Clock: Send + Sync {
    /// Seconds since the Unix epoch.
    fn now(&self) -> i64;
}

/// The machine clock, plus an offset the sandbox can move so developers can test time windows.
#[derive(Debug, Default)]
pub struct ShiftableClock {
    offset_secs: AtomicI64,
}

impl ShiftableClock {
    /// A clock that reads the machine time.
    pub fn new() -> Self {
        Self::default()
    }

    /// Moves the clock forward (or back, with a negative value) by `secs`.
    pub fn advance(&self, secs: i64) {
        self.offset_secs.fetch_add(secs, Ordering::SeqCst);
    }

    /// The current shift against the machine clock.
    pub fn offset(&self) -> i64 {
        self.offset_secs.load(Ordering::SeqCst)
    }

    /// Puts the clock back on machine time.
    pub fn reset(&self) {
        self.offset_secs.store(0, Ordering::SeqCst);
    }
}

impl Clock for ShiftableClock {
    fn now(&self) -> i64 {
        Utc::now().timestamp() + self.offset()
    }
}

/// A clock standing still at one instant (tests).
#[derive(Debug)]
pub struct FixedClock(pub i64);

impl Clock for FixedClock {
    fn now(&self) -> i64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_dates_must_be_real_calendar_dates() {
        assert_eq!(
            parse_doc_date("16/09/2022"),
            NaiveDate::from_ymd_opt(2022, 9, 16)
        );
        assert_eq!(parse_doc_date("31/02/2022"), None);
        assert_eq!(parse_doc_date("2022-09-16"), None);
        assert_eq!(parse_doc_date("1/9/2022"), None);
        assert_eq!(parse_doc_date(" 1/09/2022"), None);
        assert_eq!(parse_doc_date("01/ 9/2022"), None);
    }

    #[test]
    fn ist_formats() {
        // 2022-09-16 13:59:39 UTC is 19:29:39 IST.
        let t = Utc
            .with_ymd_and_hms(2022, 9, 16, 13, 59, 39)
            .unwrap()
            .timestamp();
        assert_eq!(format_ist(t), "2022-09-16 19:29:39");
        assert_eq!(format_ist_minute(t), "2022-09-16 19:30:00");
        assert_eq!(format_ist_minute(t - 10), "2022-09-16 19:29:00");
        assert_eq!(ist_date(t), NaiveDate::from_ymd_opt(2022, 9, 16).unwrap());
    }

    #[test]
    fn shiftable_clock_moves() {
        let c = ShiftableClock::new();
        let before = c.now();
        c.advance(86_400);
        assert!(c.now() - before >= 86_400);
        c.reset();
        assert!(c.now() - before < 60);
    }
}
