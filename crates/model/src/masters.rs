//! NIC masters that rules and the schema read: units, GST rates, countries, currencies, ports, HSN
//! chapters, supply and document types (PIN codes: [`crate::pincode`]). The lists live in
//! `data/*.csv`, compiled in and parsed once on first use.

use crate::data::{self, rows};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::str::FromStr;
use std::sync::OnceLock;

/// A unit quantity code (GST UQC).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unit {
    pub code: &'static str,
    pub description: &'static str,
}

/// The unit master (GST UQC list as used by NIC).
pub fn units() -> &'static [Unit] {
    static UNITS: OnceLock<Vec<Unit>> = OnceLock::new();
    UNITS.get_or_init(|| {
        rows(data::UNITS, ',')
            .map(|r| Unit {
                code: r[0],
                description: r[1],
            })
            .collect()
    })
}

/// Whether `unit` is in the unit master (NIC compares upper case).
pub fn is_known_unit(unit: &str) -> bool {
    units().iter().any(|u| u.code.eq_ignore_ascii_case(unit))
}

/// A notified GST rate and the date it applies from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GstRate {
    /// The full (IGST-equivalent) rate in per cent.
    pub rate: Decimal,
    pub from: NaiveDate,
}

/// The notified GST rates (40 % from 22 September 2025, the rest from 1 July 2017).
pub fn gst_rates() -> &'static [GstRate] {
    static RATES: OnceLock<Vec<GstRate>> = OnceLock::new();
    RATES.get_or_init(|| {
        rows(data::GST_RATES, ',')
            .filter_map(|r| {
                Some(GstRate {
                    rate: Decimal::from_str(r[0]).ok()?,
                    from: NaiveDate::parse_from_str(r[1], "%Y-%m-%d").ok()?,
                })
            })
            .collect()
    })
}

/// Whether `rate` (the full IGST-equivalent rate) is a notified GST rate on any date.
pub fn is_notified_gst_rate(rate: Decimal) -> bool {
    gst_rates().iter().any(|r| r.rate == rate)
}

/// Whether `rate` is a GST rate in force on `date` (40 % only from 22 September 2025).
pub fn is_gst_rate_on(rate: Decimal, date: NaiveDate) -> bool {
    gst_rates().iter().any(|r| r.rate == rate && date >= r.from)
}

/// Reads a `code,name` master.
fn code_names(text: &'static str) -> Vec<(&'static str, &'static str)> {
    rows(text, ',').map(|r| (r[0], r[1])).collect()
}

/// ISO 3166-1 alpha-2 countries: (code, name).
pub fn countries() -> &'static [(&'static str, &'static str)] {
    static COUNTRIES: OnceLock<Vec<(&str, &str)>> = OnceLock::new();
    COUNTRIES.get_or_init(|| code_names(data::COUNTRIES))
}

/// The country's name, if `code` is an ISO 3166-1 alpha-2 code (upper case, as the schema requires).
pub fn country_name(code: &str) -> Option<&'static str> {
    countries()
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, n)| *n)
}

/// ISO 4217 currencies: (code, name).
pub fn currencies() -> &'static [(&'static str, &'static str)] {
    static CURRENCIES: OnceLock<Vec<(&str, &str)>> = OnceLock::new();
    CURRENCIES.get_or_init(|| code_names(data::CURRENCIES))
}

/// The currency's name, if `code` is an ISO 4217 code (compared ignoring case: `ForCur` allows lower case).
pub fn currency_name(code: &str) -> Option<&'static str> {
    currencies()
        .iter()
        .find(|(c, _)| c.eq_ignore_ascii_case(code))
        .map(|(_, n)| *n)
}

/// An Indian customs port.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Port {
    pub code: &'static str,
    pub name: &'static str,
    /// `sea`, `air` or `icd`.
    pub kind: &'static str,
}

/// The port master (the major ports in common use; not complete).
pub fn ports() -> &'static [Port] {
    static PORTS: OnceLock<Vec<Port>> = OnceLock::new();
    PORTS.get_or_init(|| {
        rows(data::PORTS, ',')
            .map(|r| Port {
                code: r[0],
                name: r[1],
                kind: r[2],
            })
            .collect()
    })
}

/// The port with `code` (ignoring case), if the master lists it.
pub fn port(code: &str) -> Option<&'static Port> {
    ports().iter().find(|p| p.code.eq_ignore_ascii_case(code))
}

/// Whether `code` has the shape of an Indian customs location code: `IN`, three letters or digits, and
/// one letter or digit (e.g. `INNSA1`, `INDEL4`, `INTKD6`), ignoring case.
pub fn has_port_code_shape(code: &str) -> bool {
    let b = code.as_bytes();
    b.len() == 6
        && b[..2].eq_ignore_ascii_case(b"IN")
        && b[2..].iter().all(u8::is_ascii_alphanumeric)
}

/// An HSN chapter (the first two digits of an HSN or SAC code).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HsnChapter {
    pub chapter: u8,
    pub title: &'static str,
}

/// The HSN chapters: 01–97 of the Customs Tariff (77 is reserved and absent), 98 and 99 (services).
pub fn hsn_chapters() -> &'static [HsnChapter] {
    static CHAPTERS: OnceLock<Vec<HsnChapter>> = OnceLock::new();
    CHAPTERS.get_or_init(|| {
        rows(data::HSN_CHAPTERS, '|')
            .filter_map(|r| {
                Some(HsnChapter {
                    chapter: r[0].parse().ok()?,
                    title: r[1],
                })
            })
            .collect()
    })
}

/// The chapter of an HSN/SAC code, if its first two digits name one.
pub fn hsn_chapter(hsn: &str) -> Option<&'static HsnChapter> {
    let chapter: u8 = hsn.get(..2)?.parse().ok()?;
    hsn_chapters().iter().find(|c| c.chapter == chapter)
}

/// Whether an HSN code is a services code (SAC: chapter 99).
pub fn is_service_code(hsn: &str) -> bool {
    hsn.starts_with("99")
}

/// The GST state codes a PIN code may belong to, from the PIN-code master ([`crate::pincode`]): the
/// PIN's own states, or for a PIN India Post does not list those seen under its first three digits;
/// `None` when the master cannot say (unknown prefix, foreign 999999), and the PIN is then not checked.
pub fn pin_states(pin: u32) -> Option<&'static [u8]> {
    crate::pincode::states_of(pin)
}

/// Whether `pin` may belong to `state`: `Some(false)` only when the PIN master knows the PIN (or its
/// prefix) and it belongs elsewhere.
pub fn pin_in_state(pin: u32, state: u8) -> Option<bool> {
    pin_states(pin).map(|states| states.contains(&state))
}

/// Supply types of INV-01.
pub const SUPPLY_TYPES: &[&str] = &["B2B", "SEZWP", "SEZWOP", "EXPWP", "EXPWOP", "DEXP"];

/// Document types of INV-01.
pub const DOC_TYPES: &[&str] = &["INV", "CRN", "DBN"];

/// IRN cancellation reasons (`CnlRsn`).
pub const CANCEL_REASONS: &[(&str, &str)] = &[
    ("1", "Duplicate"),
    ("2", "Data entry mistake"),
    ("3", "Order cancelled"),
    ("4", "Others"),
];

/// Whether a supply type is an export (buyer is URP, place of supply 96).
pub fn is_export(sup_typ: &str) -> bool {
    sup_typ == "EXPWP" || sup_typ == "EXPWOP"
}

/// Whether a supply type is to an SEZ.
pub fn is_sez(sup_typ: &str) -> bool {
    sup_typ == "SEZWP" || sup_typ == "SEZWOP"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn rates_compare_by_value_not_lexeme() {
        for r in [
            "0", "0.1", "0.25", "1", "1.5", "3", "5", "6", "7.5", "12", "12.000", "18", "28", "40",
        ] {
            assert!(is_notified_gst_rate(Decimal::from_str(r).unwrap()), "{r}");
        }
        for r in ["2", "9", "12.5", "100"] {
            assert!(!is_notified_gst_rate(Decimal::from_str(r).unwrap()), "{r}");
        }
        assert_eq!(gst_rates().len(), 13);
    }

    #[test]
    fn forty_per_cent_applies_from_22_september_2025() {
        let forty = Decimal::from(40);
        assert!(!is_gst_rate_on(forty, date(2025, 9, 21)));
        assert!(is_gst_rate_on(forty, date(2025, 9, 22)));
        assert!(is_gst_rate_on(Decimal::from(18), date(2020, 10, 1)));
        assert!(!is_gst_rate_on(Decimal::from(18), date(2017, 6, 30)));
    }

    #[test]
    fn units_are_case_insensitive() {
        assert!(is_known_unit("NOS"));
        assert!(is_known_unit("bag"));
        assert!(!is_known_unit("XYZ"));
        assert_eq!(units().len(), 45);
    }

    #[test]
    fn countries_and_currencies() {
        assert_eq!(countries().len(), 249);
        assert_eq!(country_name("AE"), Some("United Arab Emirates"));
        assert_eq!(country_name("IN"), Some("India"));
        assert_eq!(country_name("XX"), None);
        assert_eq!(country_name("us"), None, "the schema requires upper case");
        assert_eq!(currency_name("USD"), Some("US Dollar"));
        assert_eq!(currency_name("aed"), Some("UAE Dirham"));
        assert_eq!(currency_name("XYZ"), None);
        assert!(currencies().len() > 150);
    }

    #[test]
    fn ports_and_their_shape() {
        for code in [
            "INABG1", "INBOM1", "INMAA1", "INNSA1", "INDEL4", "INBLR4", "INCCU1", "INMUN1",
            "INCOK1", "INVTZ1", "inkat1",
        ] {
            assert!(port(code).is_some(), "{code}");
        }
        assert_eq!(port("INDEL4").unwrap().kind, "air");
        assert!(port("INXXX9").is_none());
        assert!(has_port_code_shape("INXXX9"));
        assert!(!has_port_code_shape("USNYC1"));
        assert!(!has_port_code_shape("INNSA"));
        for p in ports() {
            assert!(has_port_code_shape(p.code), "{}", p.code);
        }
    }

    #[test]
    fn hsn_chapters_are_those_of_the_tariff() {
        assert_eq!(hsn_chapters().len(), 98);
        assert_eq!(hsn_chapter("1001").unwrap().title, "Cereals");
        assert!(hsn_chapter("84713010").is_some());
        assert!(hsn_chapter("7701").is_none(), "chapter 77 is reserved");
        assert!(hsn_chapter("0001").is_none());
        assert!(hsn_chapter("9983").is_some());
        assert!(is_service_code("998314"));
        assert!(!is_service_code("8471"));
    }

    #[test]
    fn pin_prefixes_name_their_states() {
        assert_eq!(pin_in_state(560001, 29), Some(true));
        assert_eq!(pin_in_state(400001, 27), Some(true));
        assert_eq!(pin_in_state(400001, 29), Some(false));
        assert_eq!(pin_in_state(403001, 30), Some(true));
        assert_eq!(pin_in_state(160017, 4), Some(true));
        assert_eq!(pin_in_state(194101, 38), Some(true));
        assert_eq!(pin_in_state(999999, 29), None);
        assert_eq!(pin_in_state(100001, 7), None, "no PIN starts with 100");
        assert_eq!(
            pin_in_state(560999, 29),
            Some(true),
            "unknown PIN, known prefix"
        );
        assert_eq!(pin_in_state(560999, 27), Some(false));
        assert_eq!(
            pin_in_state(194101, 1),
            Some(true),
            "Ladakh was under J&K's code"
        );
        // Every state's sample address is consistent with the PIN master.
        for s in crate::states::states() {
            if let Some(pin) = s.sample_pin {
                assert_eq!(pin_in_state(pin, s.code), Some(true), "{}", s.code);
            }
        }
    }
}
