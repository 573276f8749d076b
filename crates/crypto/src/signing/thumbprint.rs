//! Certificate thumbprints as they appear in NIC's JWS header: `kid` is the
//! SHA-1 of the certificate DER in upper-case hex, `x5t` the same 20 bytes in
//! base64url without padding.

use aws_lc_rs::digest::{SHA1_FOR_LEGACY_USE_ONLY, digest};

use crate::CryptoError;
use crate::encoding::{b64url_decode, b64url_encode, hex_decode, hex_upper};

/// Size of a SHA-1 thumbprint.
const SHA1_LEN: usize = 20;

/// `(kid, x5t)` of a DER certificate.
pub(crate) fn kid_and_x5t(cert_der: &[u8]) -> (String, String) {
    // SHA-1 is what the JOSE `x5t` header is defined with; it identifies a
    // certificate here, it does not protect anything.
    let sha1 = digest(&SHA1_FOR_LEGACY_USE_ONLY, cert_der);
    (hex_upper(sha1.as_ref()), b64url_encode(sha1.as_ref()))
}

/// Converts a `kid` (40 hex digits, any case) to the matching `x5t`.
pub fn kid_to_x5t(kid_hex: &str) -> Result<String, CryptoError> {
    match hex_decode(kid_hex.trim()) {
        Some(bytes) if bytes.len() == SHA1_LEN => Ok(b64url_encode(&bytes)),
        _ => Err(CryptoError::Jws(format!(
            "kid must be {} hex digits, got {kid_hex:?}",
            SHA1_LEN * 2
        ))),
    }
}

/// Converts an `x5t` (base64url of 20 bytes) to the matching upper-case `kid`.
pub fn x5t_to_kid(x5t: &str) -> Result<String, CryptoError> {
    match b64url_decode(x5t.trim()) {
        Ok(bytes) if bytes.len() == SHA1_LEN => Ok(hex_upper(&bytes)),
        _ => Err(CryptoError::Jws(format!(
            "x5t must be base64url of {SHA1_LEN} bytes, got {x5t:?}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The three NIC signing-certificate thumbprints seen in the wild (§14.7).
    const NIC_VECTORS: [(&str, &str); 3] = [
        (
            "EDC57DE1358B300BA9F79340A6696831F3C85047",
            "7cV94TWLMAup95NApmloMfPIUEc",
        ),
        (
            "1513B821EE46C749A63B86E318BF711099287D1F",
            "FRO4Ie5Gx0mmO4bjGL9xEJkofR8",
        ),
        (
            "4DE1544AE695BDC84EC7BC12F2F57F813F44E301",
            "TeFUSuaVvchOx7wS8vV_gT9E4wE",
        ),
    ];

    #[test]
    fn nic_kid_x5t_vectors_both_directions() {
        for (kid, x5t) in NIC_VECTORS {
            assert_eq!(kid_to_x5t(kid).unwrap(), x5t);
            assert_eq!(kid_to_x5t(&kid.to_lowercase()).unwrap(), x5t);
            assert_eq!(x5t_to_kid(x5t).unwrap(), kid);
        }
    }

    #[test]
    fn malformed_kid_and_x5t_are_rejected() {
        assert!(kid_to_x5t("EDC57DE1358B300BA9F79340A6696831F3C8504").is_err()); // 39
        assert!(kid_to_x5t("EDC57DE1358B300BA9F79340A6696831F3C850").is_err()); // 38
        assert!(kid_to_x5t("XDC57DE1358B300BA9F79340A6696831F3C85047").is_err());
        assert!(x5t_to_kid("7cV94TWLMAup95NApmloMfPIUE").is_err());
        assert!(x5t_to_kid("7cV94TWLMAup95NApmloMfPIUE+").is_err());
    }

    #[test]
    fn thumbprint_is_sha1_of_der() {
        // SHA-1("abc") = A9993E36 4706816A BA3E2571 7850C26C 9CD0D89D (FIPS 180-1).
        let (kid, x5t) = kid_and_x5t(b"abc");
        assert_eq!(kid, "A9993E364706816ABA3E25717850C26C9CD0D89D");
        assert_eq!(kid_to_x5t(&kid).unwrap(), x5t);
    }
}
