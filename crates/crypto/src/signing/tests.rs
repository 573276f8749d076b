//! Cross-checks of the signing identity: JWS made here must verify with the
//! independent `jsonwebtoken` crate and with our own certificate verifier.

use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::Value;

use super::*;
use crate::encoding::{b64_decode, b64url_decode, b64url_encode};
use crate::test_keys::signing_identity as identity;
use crate::{CryptoError, der};

/// A SignedQRCode-shaped document (§7.5), with a `/` and a decimal lexeme.
const QR_DATA: &str = r#"{"SellerGstin":"01AMBPG7773M002","BuyerGstin":"36AMBPG7773M002","DocNo":"SINV/CFY-00067","DocTyp":"INV","DocDt":"16/09/2022","TotInvVal":100.0,"ItemCnt":1,"MainHsnCode":"61149090","Irn":"706daeccda0ef6f818da78f3a2a05a1288731057373002289b46c3229289a2e7","IrnDt":"2022-09-16 19:29:00"}"#;

/// RS256 validation with no registered claims required (NIC has no exp/iat).
fn nic_validation() -> Validation {
    let mut validation = Validation::new(Algorithm::RS256);
    validation.required_spec_claims.clear();
    validation.validate_exp = false;
    validation.validate_aud = false;
    validation
}

fn public_key_pem(identity: &SigningIdentity) -> String {
    let cert = crate::pem_text::decode("CERTIFICATE", &identity.cert_pem()).unwrap();
    let spki = der::spki_of_certificate(&cert).unwrap();
    crate::pem_text::encode("PUBLIC KEY", spki)
}

#[test]
fn sign_nic_verifies_with_jsonwebtoken_via_public_pem() {
    let jws = identity().sign_nic(QR_DATA, "NIC Sandbox");
    let key = DecodingKey::from_rsa_pem(public_key_pem(identity()).as_bytes()).unwrap();
    let token = jsonwebtoken::decode::<Value>(&jws, &key, &nic_validation()).unwrap();
    assert_eq!(token.header.alg, Algorithm::RS256);
    assert_eq!(token.header.kid.as_deref(), Some(identity().kid()));
    assert_eq!(token.header.x5t.as_deref(), Some(identity().x5t()));
    assert_eq!(token.header.typ.as_deref(), Some("JWT"));
    assert_eq!(token.claims["iss"], "NIC Sandbox");
    assert_eq!(token.claims["data"], QR_DATA);
}

#[test]
fn jwk_components_build_a_key_that_verifies() {
    let jwk = identity().jwk();
    assert_eq!(jwk["kty"], "RSA");
    assert_eq!(jwk["use"], "sig");
    assert_eq!(jwk["alg"], "RS256");
    assert_eq!(jwk["kid"], identity().kid());
    assert_eq!(jwk["x5t"], identity().x5t());
    assert_eq!(jwk["e"], "AQAB"); // 65537
    let n = b64url_decode(jwk["n"].as_str().unwrap()).unwrap();
    assert_eq!(n.len(), 256);
    assert!(n[0] & 0x80 != 0, "2048-bit modulus has its top bit set");
    let x5c = b64_decode(jwk["x5c"][0].as_str().unwrap()).unwrap();
    assert_eq!(x5c, identity().cert_der());

    let key =
        DecodingKey::from_rsa_components(jwk["n"].as_str().unwrap(), jwk["e"].as_str().unwrap())
            .unwrap();
    let jws = identity().sign_nic(QR_DATA, "NIC");
    jsonwebtoken::decode::<Value>(&jws, &key, &nic_validation()).unwrap();
}

#[test]
fn header_is_byte_exact_and_sizes_match_nic() {
    let jws = identity().sign_jws(b"{}");
    let segments: Vec<&str> = jws.split('.').collect();
    assert_eq!(segments.len(), 3);
    let header = String::from_utf8(b64url_decode(segments[0]).unwrap()).unwrap();
    assert_eq!(
        header,
        format!(
            r#"{{"alg":"RS256","kid":"{}","typ":"JWT","x5t":"{}"}}"#,
            identity().kid(),
            identity().x5t()
        )
    );
    assert_eq!(segments[1], "e30"); // b64url("{}")
    assert_eq!(segments[2].len(), 342); // 256-byte signature
    assert_eq!(identity().kid().len(), 40);
    assert_eq!(identity().x5t().len(), 27);
    assert!(
        identity()
            .kid()
            .bytes()
            .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
    );
    assert_eq!(kid_to_x5t(identity().kid()).unwrap(), identity().x5t());
}

#[test]
fn kid_is_sha1_of_certificate_der() {
    let sha1 = aws_lc_rs::digest::digest(
        &aws_lc_rs::digest::SHA1_FOR_LEGACY_USE_ONLY,
        identity().cert_der(),
    );
    assert_eq!(identity().x5t(), b64url_encode(sha1.as_ref()));
}

#[test]
fn signatures_are_deterministic_and_match_sign_raw() {
    let jws = identity().sign_jws(br#"{"a":1}"#);
    assert_eq!(jws, identity().sign_jws(br#"{"a":1}"#));
    let (signing_input, signature) = jws.rsplit_once('.').unwrap();
    let raw = identity().sign_raw(signing_input.as_bytes());
    assert_eq!(b64url_decode(signature).unwrap(), raw);
}

#[test]
fn verify_with_cert_pem_returns_the_parts() {
    let jws = identity().sign_nic(QR_DATA, "NIC");
    let parts = verify_jws_with_cert_pem(&jws, &identity().cert_pem()).unwrap();
    assert_eq!(parts.header["kid"], identity().kid());
    assert_eq!(parts.signing_input_len, jws.rfind('.').unwrap());
    let data = nic_data_of(&parts.payload).unwrap();
    assert_eq!(data, serde_json::from_str::<Value>(QR_DATA).unwrap());
    // arbitrary_precision keeps the lexeme: 100.0 stays 100.0.
    assert_eq!(data["TotInvVal"].to_string(), "100.0");
    assert_eq!(decode_jws_unverified(&jws).unwrap(), parts);
}

#[test]
fn tampered_or_foreign_jws_is_rejected() {
    let jws = identity().sign_nic(QR_DATA, "NIC");
    let cert = identity().cert_pem();
    let (head, payload_and_sig) = jws.split_once('.').unwrap();
    let (_, sig) = payload_and_sig.split_once('.').unwrap();

    // Swap in another payload but keep the signature.
    let forged_payload = b64url_encode(QR_DATA.replace("100.0", "1.0").as_bytes());
    let forged = format!("{head}.{forged_payload}.{sig}");
    assert!(matches!(
        verify_jws_with_cert_pem(&forged, &cert),
        Err(CryptoError::Jws(_))
    ));
    assert!(
        decode_jws_unverified(&forged).is_ok(),
        "decoding alone does not check"
    );

    // Flip one signature bit.
    let mut sig_bytes = b64url_decode(sig).unwrap();
    sig_bytes[10] ^= 1;
    let bad_sig = format!(
        "{}.{}",
        jws.rsplit_once('.').unwrap().0,
        b64url_encode(&sig_bytes)
    );
    assert!(verify_jws_with_cert_pem(&bad_sig, &cert).is_err());

    // A different alg in the header is refused before any RSA work.
    let none_header = b64url_encode(br#"{"alg":"none","typ":"JWT"}"#);
    let none = format!("{none_header}.{}", jws.split_once('.').unwrap().1);
    assert!(verify_jws_with_cert_pem(&none, &cert).is_err());

    // Correct JWS, wrong certificate.
    let other = SigningIdentity::generate("Someone Else").unwrap();
    assert!(verify_jws_with_cert_pem(&jws, &other.cert_pem()).is_err());
    assert!(verify_jws_with_cert_pem(&other.sign_nic(QR_DATA, "NIC"), &other.cert_pem()).is_ok());
}

#[test]
fn from_pem_round_trip_and_mismatch_detection() {
    let reloaded =
        SigningIdentity::from_pem(&identity().key_pem(), &identity().cert_pem()).unwrap();
    assert_eq!(reloaded.kid(), identity().kid());
    assert_eq!(reloaded.cert_der(), identity().cert_der());
    assert_eq!(reloaded.sign_jws(b"{}"), identity().sign_jws(b"{}"));

    let other = SigningIdentity::generate("Other").unwrap();
    let mismatch = SigningIdentity::from_pem(&identity().key_pem(), &other.cert_pem());
    assert!(matches!(mismatch, Err(CryptoError::KeyFormat(_))));
    assert!(SigningIdentity::from_pem(&identity().cert_pem(), &identity().cert_pem()).is_err());
}

#[test]
fn certificate_spki_is_the_signing_public_key() {
    use aws_lc_rs::rsa::PublicKey;
    use aws_lc_rs::signature::KeyPair as _;
    let key_der = crate::pem_text::decode("PRIVATE KEY", &identity().key_pem()).unwrap();
    let key = aws_lc_rs::rsa::KeyPair::from_pkcs8(&key_der).unwrap();
    let spki = der::spki_of_certificate(identity().cert_der()).unwrap();
    assert_eq!(
        PublicKey::from_der(spki).unwrap().as_ref(),
        key.public_key().as_ref()
    );
}

#[test]
fn signing_identity_is_shareable_across_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<SigningIdentity>();
    let jws: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|_| s.spawn(|| identity().sign_nic(QR_DATA, "NIC")))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(jws.windows(2).all(|w| w[0] == w[1]));
}
