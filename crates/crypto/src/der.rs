//! Just enough DER reading to pull the SubjectPublicKeyInfo out of an X.509
//! certificate, so we can verify JWS signatures with a published certificate
//! without another ASN.1 dependency.
//!
//! Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signature }
//! TBSCertificate ::= SEQUENCE { [0] version OPTIONAL, serialNumber, signature,
//!                               issuer, validity, subject, subjectPublicKeyInfo, ... }

use crate::CryptoError;

const TAG_SEQUENCE: u8 = 0x30;
const TAG_INTEGER: u8 = 0x02;
const TAG_VERSION: u8 = 0xa0; // [0] EXPLICIT, constructed

/// One DER element: its tag, its content bytes, and the whole encoding
/// (header + content), which is what key parsers want for an SPKI.
struct Element<'a> {
    tag: u8,
    content: &'a [u8],
    encoded: &'a [u8],
}

/// Returns the DER SubjectPublicKeyInfo of a DER certificate.
pub(crate) fn spki_of_certificate(cert_der: &[u8]) -> Result<&[u8], CryptoError> {
    let (cert, _) = read_expected(cert_der, TAG_SEQUENCE, "Certificate")?;
    let (tbs, _) = read_expected(cert.content, TAG_SEQUENCE, "TBSCertificate")?;
    let mut rest = tbs.content;
    let (first, after_first) = read_element(rest)?;
    if first.tag == TAG_VERSION {
        rest = after_first;
    }
    let (_, rest) = read_expected(rest, TAG_INTEGER, "serialNumber")?;
    let mut rest = rest;
    for field in ["signature", "issuer", "validity", "subject"] {
        rest = read_expected(rest, TAG_SEQUENCE, field)?.1;
    }
    let (spki, _) = read_expected(rest, TAG_SEQUENCE, "subjectPublicKeyInfo")?;
    Ok(spki.encoded)
}

fn read_expected<'a>(
    input: &'a [u8],
    tag: u8,
    what: &str,
) -> Result<(Element<'a>, &'a [u8]), CryptoError> {
    let (element, rest) = read_element(input)?;
    if element.tag != tag {
        return Err(malformed(&format!(
            "{what}: unexpected tag 0x{:02x}",
            element.tag
        )));
    }
    Ok((element, rest))
}

/// Reads one element (single-byte tags only, which covers X.509) and returns
/// it with the bytes that follow it.
fn read_element(input: &[u8]) -> Result<(Element<'_>, &[u8]), CryptoError> {
    let (&tag, after_tag) = input.split_first().ok_or_else(|| malformed("truncated"))?;
    let (len, after_len) = read_length(after_tag)?;
    if after_len.len() < len {
        return Err(malformed("length runs past the end"));
    }
    let header_len = input.len() - after_len.len();
    let element = Element {
        tag,
        content: &after_len[..len],
        encoded: &input[..header_len + len],
    };
    Ok((element, &after_len[len..]))
}

/// Definite-length encoding: short form, or long form with up to 4 length bytes.
fn read_length(input: &[u8]) -> Result<(usize, &[u8]), CryptoError> {
    let (&first, rest) = input.split_first().ok_or_else(|| malformed("truncated"))?;
    if first < 0x80 {
        return Ok((usize::from(first), rest));
    }
    let count = usize::from(first & 0x7f);
    if count == 0 || count > 4 || rest.len() < count {
        return Err(malformed("unsupported length"));
    }
    let len = rest[..count]
        .iter()
        .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
    Ok((len, &rest[count..]))
}

fn malformed(detail: &str) -> CryptoError {
    CryptoError::KeyFormat(format!("malformed certificate DER: {detail}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_short_and_long_lengths() {
        let (e, rest) = read_element(&[0x04, 0x02, 0xaa, 0xbb, 0xcc]).unwrap();
        assert_eq!(
            (e.tag, e.content, rest),
            (0x04, &[0xaa, 0xbb][..], &[0xcc][..])
        );
        assert_eq!(e.encoded, &[0x04, 0x02, 0xaa, 0xbb]);

        let mut long = vec![0x04, 0x82, 0x01, 0x00];
        long.extend(std::iter::repeat_n(7u8, 256));
        let (e, rest) = read_element(&long).unwrap();
        assert_eq!(e.content.len(), 256);
        assert!(rest.is_empty());
    }

    #[test]
    fn rejects_truncated_and_indefinite_input() {
        assert!(read_element(&[]).is_err());
        assert!(read_element(&[0x30]).is_err());
        assert!(read_element(&[0x30, 0x05, 0x00]).is_err());
        assert!(read_element(&[0x30, 0x80, 0x00, 0x00]).is_err());
        assert!(spki_of_certificate(&[0x30, 0x03, 0x02, 0x01, 0x01]).is_err());
    }
}
