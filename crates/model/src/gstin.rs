//! GSTIN structure and the mod-36 check character, and PAN shape.
//!
//! Positions 1–2 state code, 3–12 PAN, 13 entity number, 14 `Z` by default, 15 check character.

const ALPHABET: &[u8; 36] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// The unregistered-person marker allowed as the buyer of an export.
pub const URP: &str = "URP";

fn char_value(c: u8) -> Option<u32> {
    ALPHABET.iter().position(|&a| a == c).map(|p| p as u32)
}

/// Whether `s` has the schema shape `[0-9]{2}[0-9A-Z]{13}` (the check character is not verified).
pub fn has_gstin_shape(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 15
        && b[..2].iter().all(u8::is_ascii_digit)
        && b[2..]
            .iter()
            .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
}

/// The check character for the first 14 characters of a GSTIN, or `None` if they hold a character
/// outside `0-9A-Z`.
pub fn check_char(first14: &str) -> Option<char> {
    let bytes = first14.as_bytes();
    if bytes.len() != 14 {
        return None;
    }
    let mut sum = 0u32;
    for (i, &c) in bytes.iter().enumerate() {
        let factor = if i % 2 == 0 { 1 } else { 2 };
        let p = char_value(c)? * factor;
        sum += p / 36 + p % 36;
    }
    let check = (36 - sum % 36) % 36;
    Some(ALPHABET[check as usize] as char)
}

/// Whether the GSTIN has the right shape and its 15th character is the correct check character.
pub fn has_valid_checksum(gstin: &str) -> bool {
    has_gstin_shape(gstin) && check_char(&gstin[..14]) == gstin[14..].chars().next()
}

/// The state code a GSTIN belongs to (its first two digits).
pub fn state_of(gstin: &str) -> Option<u8> {
    gstin.get(..2).and_then(|s| s.parse().ok())
}

/// The PAN inside a GSTIN.
pub fn pan_of(gstin: &str) -> Option<&str> {
    gstin.get(2..12)
}

/// Whether `s` has the PAN shape: five letters, four digits, one letter.
pub fn is_pan(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[..5].iter().all(u8::is_ascii_uppercase)
        && b[5..9].iter().all(u8::is_ascii_digit)
        && b[9].is_ascii_uppercase()
}

/// Builds a checksum-valid GSTIN for `pan` in `state`, with entity number `entity` (1–35: `1`–`9`
/// then `A`–`Z`, as GSTN numbers a PAN's registrations in one state).
pub fn make_gstin(state: u8, pan: &str, entity: u32) -> Option<String> {
    if !is_pan(pan) || !(1..=35).contains(&entity) || state > 99 {
        return None;
    }
    let first14 = format!("{state:02}{pan}{}Z", ALPHABET[entity as usize] as char);
    let check = check_char(&first14)?;
    Some(format!("{first14}{check}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_gstins_pass_the_checksum() {
        for g in ["27AAPFU0939F1ZV", "29AAGCB7383J1Z4", "24AAACC1206D1ZM"] {
            assert!(has_valid_checksum(g), "{g}");
        }
    }

    #[test]
    fn nic_sandbox_dummies_fail_with_the_documented_check_characters() {
        assert_eq!(check_char("29AWGPV7107B1Z"), Some('F'));
        assert_eq!(check_char("37ARZPT4384Q1M"), Some('X'));
        assert_eq!(check_char("02AMBPG7773M00"), Some('W'));
        for g in [
            "29AWGPV7107B1Z1",
            "37ARZPT4384Q1MT",
            "02AMBPG7773M002",
            "01AMBPG7773M002",
        ] {
            assert!(has_gstin_shape(g));
            assert!(!has_valid_checksum(g), "{g}");
        }
    }

    #[test]
    fn made_gstins_are_valid_and_carry_state_and_pan() {
        let g = make_gstin(29, "AAGCB7383J", 1).unwrap();
        assert_eq!(g, "29AAGCB7383J1Z4");
        let g = make_gstin(7, "ABCPE1234F", 12).unwrap();
        assert!(has_valid_checksum(&g));
        assert_eq!(state_of(&g), Some(7));
        assert_eq!(pan_of(&g), Some("ABCPE1234F"));
        assert_eq!(&g[12..13], "C");
        assert!(make_gstin(29, "bad", 1).is_none());
        assert!(make_gstin(29, "AAGCB7383J", 0).is_none());
    }

    #[test]
    fn shape_rejects_lower_case_and_wrong_length() {
        assert!(!has_gstin_shape("29aagcb7383j1z4"));
        assert!(!has_gstin_shape("29AAGCB7383J1Z"));
        assert!(!has_gstin_shape("AAAGCB7383J1Z4X"));
        assert!(!has_valid_checksum("29AAGCB7383J1Z5"));
    }
}
