//! GST state and union-territory codes (NIC state master, `data/states.csv`).

use crate::data::{self, rows};
use std::sync::OnceLock;

/// One state or UT of the state master.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct State {
    pub code: u8,
    pub name: &'static str,
    /// A representative PIN code (the capital's head post office), for dummy taxpayers.
    pub sample_pin: Option<u32>,
    /// A representative city, for the same purpose.
    pub sample_city: Option<&'static str>,
}

/// Every code that may appear as a party's state or place of supply.
pub fn states() -> &'static [State] {
    static STATES: OnceLock<Vec<State>> = OnceLock::new();
    STATES.get_or_init(|| {
        rows(data::STATES, ',')
            .filter_map(|r| {
                Some(State {
                    code: r[0].parse().ok()?,
                    name: r[1],
                    sample_pin: r[2].parse().ok(),
                    sample_city: Some(r[3]).filter(|c| !c.is_empty()),
                })
            })
            .collect()
    })
}

fn state(code: u8) -> Option<&'static State> {
    states().iter().find(|s| s.code == code)
}

/// The code exports use for a foreign buyer and its place of supply.
pub const OTHER_COUNTRY: u8 = 96;

/// Parses a state code string as sent (`"7"` and `"07"` are the same state); `None` if not a number.
pub fn parse_state_code(code: &str) -> Option<u8> {
    if code.is_empty() || code.len() > 2 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    code.parse().ok()
}

/// The state's name, if the code is in the master.
pub fn state_name(code: u8) -> Option<&'static str> {
    state(code).map(|s| s.name)
}

/// Whether the code is an Indian state or UT that can hold a GST registration (not 96/97).
pub fn is_domestic_state(code: u8) -> bool {
    code != OTHER_COUNTRY && code != 97 && state(code).is_some()
}

/// Two-digit form used in GSTINs.
pub fn two_digit(code: u8) -> String {
    format!("{code:02}")
}

/// A representative PIN code (the state capital's head post office) for making dummy taxpayers whose
/// address is consistent with their state.
pub fn sample_pin(code: u8) -> Option<u32> {
    state(code).and_then(|s| s.sample_pin)
}

/// A representative city for the same purpose as [`sample_pin`].
pub fn sample_city(code: u8) -> Option<&'static str> {
    state(code).and_then(|s| s.sample_city)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_and_two_digit_forms_are_the_same_state() {
        assert_eq!(parse_state_code("7"), Some(7));
        assert_eq!(parse_state_code("07"), Some(7));
        assert_eq!(parse_state_code("007"), None);
        assert_eq!(parse_state_code("x7"), None);
        assert_eq!(parse_state_code(""), None);
    }

    #[test]
    fn exports_and_centre_are_not_domestic() {
        assert!(is_domestic_state(29));
        assert!(!is_domestic_state(96));
        assert!(!is_domestic_state(97));
        assert!(!is_domestic_state(99));
        assert!(!is_domestic_state(0));
    }

    #[test]
    fn every_domestic_state_has_a_sample_address() {
        for code in states()
            .iter()
            .map(|s| s.code)
            .filter(|c| is_domestic_state(*c))
        {
            assert!(sample_pin(code).is_some(), "pin for {code}");
            assert!(sample_city(code).is_some(), "city for {code}");
        }
        assert_eq!(states().len(), 40);
        assert_eq!(state_name(29), Some("Karnataka"));
        assert_eq!(state_name(99), None);
    }
}
