//! Text encodings used on the NIC wire: standard base64 (envelopes, keys),
//! base64url without padding (JWS, x5t) and hex (kid).

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

use crate::CryptoError;

/// base64url decoding that accepts input with or without `=` padding:
/// RFC 7515 says "no padding", but being strict buys nothing when reading.
const URL_SAFE_LENIENT: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Standard base64 (`+/`, padded), as NIC uses for `Data`, `Sek` and `AppKey`.
pub fn b64_encode(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

/// Decodes standard base64, ignoring surrounding whitespace (copied-and-pasted
/// values and values read from files often carry a trailing newline).
pub fn b64_decode(s: &str) -> Result<Vec<u8>, CryptoError> {
    STANDARD.decode(s.trim()).map_err(|_| CryptoError::Base64)
}

/// base64url without padding (JWS segments, `x5t`, JWK `n`/`e`).
pub fn b64url_encode(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Appends the base64url (no padding) form of `bytes` to `out` without a
/// temporary allocation; used to assemble a JWS in one buffer.
pub(crate) fn b64url_encode_into(bytes: &[u8], out: &mut String) {
    URL_SAFE_NO_PAD.encode_string(bytes, out);
}

/// Length of the base64url (no padding) form of `len` bytes.
pub(crate) fn b64url_len(len: usize) -> usize {
    (len * 4).div_ceil(3)
}

/// Decodes base64url, with or without padding.
pub fn b64url_decode(s: &str) -> Result<Vec<u8>, CryptoError> {
    URL_SAFE_LENIENT.decode(s).map_err(|_| CryptoError::Base64)
}

/// Upper-case hex, as NIC prints certificate thumbprints (`kid`).
pub fn hex_upper(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

/// Decodes hex of either case; `None` for odd length or a non-hex character.
pub fn hex_decode(s: &str) -> Option<Vec<u8>> {
    let s = s.as_bytes();
    if !s.len().is_multiple_of(2) {
        return None;
    }
    s.chunks_exact(2)
        .map(|pair| Some((hex_digit(pair[0])? << 4) | hex_digit(pair[1])?))
        .collect()
}

fn hex_digit(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn b64_standard_round_trip_and_whitespace_tolerance() {
        // RFC 4648 §10 vector.
        assert_eq!(b64_encode(b"foobar"), "Zm9vYmFy");
        assert_eq!(b64_encode(b"fo"), "Zm8=");
        assert_eq!(b64_decode("  Zm8=\r\n").unwrap(), b"fo");
        assert!(matches!(b64_decode("Zm8"), Err(CryptoError::Base64)));
        assert!(matches!(b64_decode("Z m8="), Err(CryptoError::Base64)));
        // Standard decoding must not accept the URL alphabet.
        assert!(b64_decode("-_8=").is_err());
    }

    #[test]
    fn b64url_no_padding_and_lenient_decode() {
        assert_eq!(b64url_encode(&[0xfb, 0xff]), "-_8");
        assert_eq!(b64url_decode("-_8").unwrap(), [0xfb, 0xff]);
        assert_eq!(b64url_decode("-_8=").unwrap(), [0xfb, 0xff]);
        assert!(b64url_decode("+/8").is_err());
        for len in 0..10 {
            assert_eq!(b64url_len(len), b64url_encode(&vec![0u8; len]).len());
        }
    }

    #[test]
    fn hex_both_directions() {
        assert_eq!(hex_upper(&[0x00, 0xab, 0xff]), "00ABFF");
        assert_eq!(hex_decode("00abFF").unwrap(), [0x00, 0xab, 0xff]);
        assert_eq!(hex_decode("abc"), None);
        assert_eq!(hex_decode("zz"), None);
    }
}
