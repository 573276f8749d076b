//! Issuing the self-signed X.509 certificate that publishes the signing key
//! (clients verify `SignedInvoice` against it, and `kid` is its thumbprint).

use chrono::{Datelike, Utc};
use rcgen::{CertificateParams, DistinguishedName, DnType, KeyUsagePurpose, PKCS_RSA_SHA256};

use crate::CryptoError;

/// How long a generated certificate is valid. A long life means clients
/// rarely need to fetch a new one, like NIC's multi-year signing certificates.
const VALIDITY_YEARS: i32 = 10;

/// A self-signed RSA-SHA256 certificate (DER) for the PKCS#8 key in `key_pem`.
pub(super) fn self_signed_certificate(
    key_pem: &str,
    common_name: &str,
) -> Result<Vec<u8>, CryptoError> {
    let key = rcgen::KeyPair::from_pkcs8_pem_and_sign_algo(key_pem, &PKCS_RSA_SHA256)
        .map_err(|e| CryptoError::KeyGeneration(format!("certificate key: {e}")))?;
    let cert = certificate_params(common_name)
        .self_signed(&key)
        .map_err(|e| CryptoError::KeyGeneration(format!("certificate: {e}")))?;
    Ok(cert.der().to_vec())
}

fn certificate_params(common_name: &str) -> CertificateParams {
    let mut params = CertificateParams::default();
    let mut name = DistinguishedName::new();
    name.push(DnType::CommonName, common_name);
    params.distinguished_name = name;
    params.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::ContentCommitment,
    ];
    let ((y, m, d), (y2, m2, d2)) = validity_window();
    params.not_before = rcgen::date_time_ymd(y, m, d);
    params.not_after = rcgen::date_time_ymd(y2, m2, d2);
    params
}

/// `(today, today + VALIDITY_YEARS)` in UTC as `(year, month, day)`.
/// 29 February maps to the 28th in the end year, which may not be a leap year
/// (`date_time_ymd` would panic on an invalid date).
fn validity_window() -> ((i32, u8, u8), (i32, u8, u8)) {
    let today = Utc::now().date_naive();
    // Month (1..=12) and day (1..=31) always fit in a u8.
    let (m, d) = (today.month() as u8, today.day() as u8);
    let end_day = if (m, d) == (2, 29) { 28 } else { d };
    (
        (today.year(), m, d),
        (today.year() + VALIDITY_YEARS, m, end_day),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validity_window_is_ten_years_from_today() {
        let ((y, m, d), (y2, m2, d2)) = validity_window();
        assert_eq!(y2 - y, VALIDITY_YEARS);
        assert_eq!(m, m2);
        assert!(d2 == d || (m, d, d2) == (2, 29, 28));
        assert_eq!(y, Utc::now().date_naive().year());
    }
}
