//! Offline verification of `SignedInvoice` / `SignedQRCode`.

use serde_json::Value;

use crate::ClientError;

/// Checks the RS256 signature of a NIC JWS against the IRP's signing
/// certificate (PEM) and returns the inner `data` document, parsed.
pub fn verify_signed(jws: &str, signing_cert_pem: &str) -> Result<Value, ClientError> {
    let parts = openirp_crypto::verify_jws_with_cert_pem(jws, signing_cert_pem)?;
    Ok(openirp_crypto::nic_data_of(&parts.payload)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use openirp_crypto::SigningIdentity;

    #[test]
    fn returns_the_signed_document_only_for_the_right_certificate() {
        let irp = SigningIdentity::generate("Test IRP").unwrap();
        let data = r#"{"AckNo":232210036743849,"Irn":"706d","TotInvVal":100.0}"#;
        let jws = irp.sign_nic(data, "NIC");
        let doc = verify_signed(&jws, &irp.cert_pem()).unwrap();
        assert_eq!(doc["Irn"], "706d");
        assert_eq!(doc["TotInvVal"].to_string(), "100.0");

        let impostor = SigningIdentity::generate("Impostor").unwrap();
        let err = verify_signed(&jws, &impostor.cert_pem()).unwrap_err();
        assert!(matches!(err, ClientError::Crypto(_)), "{err}");
    }
}
