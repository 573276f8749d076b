//! PEM armour: DER bytes <-> "-----BEGIN <TAG>-----" text, with LF line
//! endings (the `pem` crate defaults to CRLF, which looks odd in key files on
//! Unix and in JSON strings).

use pem::{EncodeConfig, LineEnding, Pem};

use crate::CryptoError;

pub(crate) const TAG_PRIVATE_KEY: &str = "PRIVATE KEY";
pub(crate) const TAG_PUBLIC_KEY: &str = "PUBLIC KEY";
pub(crate) const TAG_CERTIFICATE: &str = "CERTIFICATE";

/// Wraps DER bytes in a PEM block.
pub(crate) fn encode(tag: &str, der: &[u8]) -> String {
    pem::encode_config(
        &Pem::new(tag, der),
        EncodeConfig::new().set_line_ending(LineEnding::LF),
    )
}

/// Parses the first PEM block and returns its tag and DER contents.
pub(crate) fn decode_any(text: &str) -> Result<(String, Vec<u8>), CryptoError> {
    let block = pem::parse(text).map_err(|e| CryptoError::KeyFormat(format!("bad PEM: {e}")))?;
    Ok((block.tag().to_owned(), block.into_contents()))
}

/// Parses a PEM block that must carry `tag` (e.g. "PRIVATE KEY").
pub(crate) fn decode(tag: &str, text: &str) -> Result<Vec<u8>, CryptoError> {
    let (found, der) = decode_any(text)?;
    if found != tag {
        return Err(CryptoError::KeyFormat(format!(
            "expected a PEM \"{tag}\" block, found \"{found}\""
        )));
    }
    Ok(der)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encode_decode_round_trip_with_lf_lines_of_64() {
        let der: Vec<u8> = (0..=255).collect();
        let text = encode(TAG_CERTIFICATE, &der);
        assert!(text.starts_with("-----BEGIN CERTIFICATE-----\n"));
        assert!(text.ends_with("-----END CERTIFICATE-----\n"));
        assert!(!text.contains('\r'));
        assert!(text.lines().all(|l| l.len() <= 64));
        assert_eq!(decode(TAG_CERTIFICATE, &text).unwrap(), der);
    }

    #[test]
    fn wrong_tag_and_garbage_are_key_format_errors() {
        let text = encode(TAG_PUBLIC_KEY, b"abc");
        assert!(matches!(
            decode(TAG_PRIVATE_KEY, &text),
            Err(CryptoError::KeyFormat(_))
        ));
        assert!(matches!(
            decode_any("hello"),
            Err(CryptoError::KeyFormat(_))
        ));
    }
}
