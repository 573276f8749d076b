//! `SigningIdentity`: the RSA signing key, its certificate, and RS256 compact
//! JWS signing exactly as NIC emits `SignedInvoice` / `SignedQRCode`.

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::{KeyPair as RsaKeyPair, KeySize, PublicKey as RsaPublicKey};
use aws_lc_rs::signature::{KeyPair as _, RSA_PKCS1_SHA256};
use serde::Serialize;
use serde_json::{Value, json};

use super::certificate::self_signed_certificate;
use super::thumbprint::kid_and_x5t;
use crate::encoding::{b64_encode, b64url_encode, b64url_encode_into, b64url_len};
use crate::pem_text::{self, TAG_CERTIFICATE, TAG_PRIVATE_KEY};
use crate::{CryptoError, der};

/// Largest RSA signature aws-lc-rs supports (8192-bit keys), so a signature
/// always fits in a stack buffer.
const MAX_SIGNATURE_LEN: usize = 1024;

/// The server's signing key and certificate. Cheap to share: `Send + Sync`,
/// and signing takes `&self`, so one instance serves all worker threads.
pub struct SigningIdentity {
    key: RsaKeyPair,
    key_pem: String,
    cert_der: Vec<u8>,
    cert_pem: String,
    kid: String,
    x5t: String,
    /// base64url of the fixed JWS header, computed once: it is the same for
    /// every signature this identity makes.
    header_b64: String,
}

/// The claims NIC signs: the document JSON as a *string*, plus the issuer.
#[derive(Serialize)]
struct NicPayload<'a> {
    data: &'a str,
    iss: &'a str,
}

impl SigningIdentity {
    /// A new RSA-2048 key and a self-signed certificate (CN = `common_name`,
    /// valid for ten years from today).
    pub fn generate(common_name: &str) -> Result<Self, CryptoError> {
        let key = RsaKeyPair::generate(KeySize::Rsa2048)
            .map_err(|_| CryptoError::KeyGeneration("RSA-2048 key generation failed".into()))?;
        let key_der = key
            .as_der()
            .map_err(|_| CryptoError::KeyGeneration("cannot encode the new key".into()))?;
        let key_pem = pem_text::encode(TAG_PRIVATE_KEY, key_der.as_ref());
        let cert_der = self_signed_certificate(&key_pem, common_name)?;
        Ok(Self::assemble(key, key_pem, cert_der))
    }

    /// Loads a PKCS#8 key and its certificate, and checks that they belong together.
    pub fn from_pem(key_pkcs8_pem: &str, cert_pem: &str) -> Result<Self, CryptoError> {
        let key_der = pem_text::decode(TAG_PRIVATE_KEY, key_pkcs8_pem)?;
        let key = RsaKeyPair::from_pkcs8(&key_der)
            .map_err(|e| CryptoError::KeyFormat(format!("not an RSA PKCS#8 key: {e}")))?;
        let cert_der = pem_text::decode(TAG_CERTIFICATE, cert_pem)?;
        ensure_certificate_matches_key(&cert_der, key.public_key())?;
        let key_pem = pem_text::encode(TAG_PRIVATE_KEY, &key_der);
        Ok(Self::assemble(key, key_pem, cert_der))
    }

    fn assemble(key: RsaKeyPair, key_pem: String, cert_der: Vec<u8>) -> Self {
        let (kid, x5t) = kid_and_x5t(&cert_der);
        // kid is hex and x5t base64url, so neither needs JSON escaping.
        let header = format!(r#"{{"alg":"RS256","kid":"{kid}","typ":"JWT","x5t":"{x5t}"}}"#);
        Self {
            header_b64: b64url_encode(header.as_bytes()),
            cert_pem: pem_text::encode(TAG_CERTIFICATE, &cert_der),
            key,
            key_pem,
            cert_der,
            kid,
            x5t,
        }
    }

    /// The private key, PKCS#8 PEM.
    pub fn key_pem(&self) -> String {
        self.key_pem.clone()
    }

    /// The certificate, PEM.
    pub fn cert_pem(&self) -> String {
        self.cert_pem.clone()
    }

    /// The certificate, DER.
    pub fn cert_der(&self) -> &[u8] {
        &self.cert_der
    }

    /// Upper-case hex SHA-1 of the certificate DER (40 characters).
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The same thumbprint as [`Self::kid`], base64url without padding.
    pub fn x5t(&self) -> &str {
        &self.x5t
    }

    /// The public key as a JWK (RFC 7517), with the certificate in `x5c`.
    pub fn jwk(&self) -> Value {
        let public = self.key.public_key();
        json!({
            "kty": "RSA",
            "use": "sig",
            "alg": "RS256",
            "kid": self.kid,
            "x5t": self.x5t,
            "n": b64url_encode(public.modulus().big_endian_without_leading_zero()),
            "e": b64url_encode(public.exponent().big_endian_without_leading_zero()),
            "x5c": [b64_encode(&self.cert_der)],
        })
    }

    /// Compact JWS over `payload_json` (bytes signed as given):
    /// `b64url(header).b64url(payload).b64url(RS256 signature)`.
    pub fn sign_jws(&self, payload_json: &[u8]) -> String {
        let sig_len = self.key.public_modulus_len();
        let mut jws = String::with_capacity(
            self.header_b64.len() + 2 + b64url_len(payload_json.len()) + b64url_len(sig_len),
        );
        jws.push_str(&self.header_b64);
        jws.push('.');
        b64url_encode_into(payload_json, &mut jws);
        let mut sig_buf = [0u8; MAX_SIGNATURE_LEN];
        let sig = &mut sig_buf[..sig_len];
        self.sign_into(jws.as_bytes(), sig);
        jws.push('.');
        b64url_encode_into(sig, &mut jws);
        jws
    }

    /// Signs like NIC: payload `{"data":"<data_json as a JSON string>","iss":"<iss>"}`.
    pub fn sign_nic(&self, data_json: &str, iss: &str) -> String {
        self.sign_jws(&nic_payload(data_json, iss))
    }

    /// RSASSA-PKCS1-v1_5 with SHA-256 over `message`.
    pub fn sign_raw(&self, message: &[u8]) -> Vec<u8> {
        let mut sig = vec![0u8; self.key.public_modulus_len()];
        self.sign_into(message, &mut sig);
        sig
    }

    /// `out` must be exactly the modulus length (callers size it from the key).
    fn sign_into(&self, message: &[u8], out: &mut [u8]) {
        // The key was validated on load and `out` has the modulus length, so
        // the remaining failure modes are internal to aws-lc (allocation).
        self.key
            .sign(&RSA_PKCS1_SHA256, &SystemRandom::new(), message, out)
            .expect("RS256 signing with a validated RSA key cannot fail");
    }
}

impl std::fmt::Debug for SigningIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the private key.
        f.debug_struct("SigningIdentity")
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

/// The NIC JWS payload bytes, serialised compactly.
fn nic_payload(data_json: &str, iss: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(data_json.len() + data_json.len() / 8 + iss.len() + 32);
    // Serialising two &str fields into a Vec cannot fail.
    serde_json::to_writer(
        &mut out,
        &NicPayload {
            data: data_json,
            iss,
        },
    )
    .expect("serialising strings into memory cannot fail");
    out
}

/// Refuses a certificate whose public key is not the one of `key`, so a
/// mismatched key/cert pair is caught at startup rather than by every client.
fn ensure_certificate_matches_key(cert_der: &[u8], key: &RsaPublicKey) -> Result<(), CryptoError> {
    let spki = der::spki_of_certificate(cert_der)?;
    let cert_key = RsaPublicKey::from_der(spki)
        .map_err(|e| CryptoError::KeyFormat(format!("certificate key is not RSA: {e}")))?;
    if cert_key.as_ref() != key.as_ref() {
        return Err(CryptoError::KeyFormat(
            "certificate does not belong to the signing key".into(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nic_payload_is_compact_with_data_as_escaped_string() {
        let payload = nic_payload(r#"{"Irn":"ab","No":"A/1"}"#, "NIC");
        assert_eq!(
            payload,
            br#"{"data":"{\"Irn\":\"ab\",\"No\":\"A/1\"}","iss":"NIC"}"#
        );
    }
}
