//! GST state and union-territory codes (NIC state master).

/// (code, name) for every code that may appear as a party's state or place of supply.
pub const STATES: &[(u8, &str)] = &[
    (1, "Jammu and Kashmir"),
    (2, "Himachal Pradesh"),
    (3, "Punjab"),
    (4, "Chandigarh"),
    (5, "Uttarakhand"),
    (6, "Haryana"),
    (7, "Delhi"),
    (8, "Rajasthan"),
    (9, "Uttar Pradesh"),
    (10, "Bihar"),
    (11, "Sikkim"),
    (12, "Arunachal Pradesh"),
    (13, "Nagaland"),
    (14, "Manipur"),
    (15, "Mizoram"),
    (16, "Tripura"),
    (17, "Meghalaya"),
    (18, "Assam"),
    (19, "West Bengal"),
    (20, "Jharkhand"),
    (21, "Odisha"),
    (22, "Chhattisgarh"),
    (23, "Madhya Pradesh"),
    (24, "Gujarat"),
    (25, "Daman and Diu"),
    (26, "Dadra and Nagar Haveli and Daman and Diu"),
    (27, "Maharashtra"),
    (28, "Andhra Pradesh (old)"),
    (29, "Karnataka"),
    (30, "Goa"),
    (31, "Lakshadweep"),
    (32, "Kerala"),
    (33, "Tamil Nadu"),
    (34, "Puducherry"),
    (35, "Andaman and Nicobar Islands"),
    (36, "Telangana"),
    (37, "Andhra Pradesh"),
    (38, "Ladakh"),
    (96, "Other Country"),
    (97, "Other Territory"),
];

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
    STATES.iter().find(|(c, _)| *c == code).map(|(_, n)| *n)
}

/// Whether the code is an Indian state or UT that can hold a GST registration (not 96/97).
pub fn is_domestic_state(code: u8) -> bool {
    code != OTHER_COUNTRY && code != 97 && state_name(code).is_some()
}

/// Two-digit form used in GSTINs.
pub fn two_digit(code: u8) -> String {
    format!("{code:02}")
}

/// A representative PIN code (the state capital's head post office) for making dummy taxpayers whose
/// address is consistent with their state.
pub fn sample_pin(code: u8) -> Option<u32> {
    let pin = match code {
        1 => 190001,
        2 => 171001,
        3 => 147001,
        4 => 160017,
        5 => 248001,
        6 => 122001,
        7 => 110001,
        8 => 302001,
        9 => 226001,
        10 => 800001,
        11 => 737101,
        12 => 791111,
        13 => 797001,
        14 => 795001,
        15 => 796001,
        16 => 799001,
        17 => 793001,
        18 => 781001,
        19 => 700001,
        20 => 834001,
        21 => 751001,
        22 => 492001,
        23 => 462001,
        24 => 382010,
        25 | 26 => 396210,
        27 => 400001,
        28 | 37 => 520001,
        29 => 560001,
        30 => 403001,
        31 => 682555,
        32 => 695001,
        33 => 600001,
        34 => 605001,
        35 => 744101,
        36 => 500001,
        38 => 194101,
        _ => return None,
    };
    Some(pin)
}

/// A representative city for the same purpose as [`sample_pin`].
pub fn sample_city(code: u8) -> Option<&'static str> {
    let city = match code {
        1 => "Srinagar",
        2 => "Shimla",
        3 => "Patiala",
        4 => "Chandigarh",
        5 => "Dehradun",
        6 => "Gurugram",
        7 => "New Delhi",
        8 => "Jaipur",
        9 => "Lucknow",
        10 => "Patna",
        11 => "Gangtok",
        12 => "Itanagar",
        13 => "Kohima",
        14 => "Imphal",
        15 => "Aizawl",
        16 => "Agartala",
        17 => "Shillong",
        18 => "Guwahati",
        19 => "Kolkata",
        20 => "Ranchi",
        21 => "Bhubaneswar",
        22 => "Raipur",
        23 => "Bhopal",
        24 => "Gandhinagar",
        25 | 26 => "Daman",
        27 => "Mumbai",
        28 | 37 => "Vijayawada",
        29 => "Bengaluru",
        30 => "Panaji",
        31 => "Kavaratti",
        32 => "Thiruvananthapuram",
        33 => "Chennai",
        34 => "Puducherry",
        35 => "Port Blair",
        36 => "Hyderabad",
        38 => "Leh",
        _ => return None,
    };
    Some(city)
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
        for (code, _) in STATES.iter().filter(|(c, _)| is_domestic_state(*c)) {
            assert!(sample_pin(*code).is_some(), "pin for {code}");
            assert!(sample_city(*code).is_some(), "city for {code}");
        }
    }
}
