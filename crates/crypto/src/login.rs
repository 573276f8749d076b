//! The RSA-2048 "auth key pair". A client encrypts its login JSON with the
//! public half (RSAES-PKCS1-v1_5, as NIC's `RSA/ECB/PKCS1Padding`), and the
//! server decrypts it with the private half.

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rsa::{
    KeySize, Pkcs1PrivateDecryptingKey, Pkcs1PublicEncryptingKey, PrivateDecryptingKey,
    PublicEncryptingKey,
};

use crate::pem_text::{self, TAG_CERTIFICATE, TAG_PRIVATE_KEY, TAG_PUBLIC_KEY};
use crate::{CryptoError, der};

/// The server's login-decryption key.
pub struct AuthKeyPair {
    key: Pkcs1PrivateDecryptingKey,
    // Both PEM forms are kept because the private key cannot be re-exported
    // once wrapped for PKCS#1 decryption, and the public PEM is served often.
    private_pem: String,
    public_pem: String,
}

impl AuthKeyPair {
    /// A new random RSA-2048 key pair.
    pub fn generate() -> Result<Self, CryptoError> {
        let key = PrivateDecryptingKey::generate(KeySize::Rsa2048)
            .map_err(|_| CryptoError::KeyGeneration("RSA-2048 key generation failed".into()))?;
        Self::from_private_key(key)
    }

    /// Loads an unencrypted PKCS#8 "PRIVATE KEY" PEM.
    pub fn from_pkcs8_pem(pem: &str) -> Result<Self, CryptoError> {
        let der = pem_text::decode(TAG_PRIVATE_KEY, pem)?;
        let key = PrivateDecryptingKey::from_pkcs8(&der)
            .map_err(|e| CryptoError::KeyFormat(format!("not an RSA PKCS#8 key: {e}")))?;
        Self::from_private_key(key)
    }

    fn from_private_key(key: PrivateDecryptingKey) -> Result<Self, CryptoError> {
        let encode_failed = |_| CryptoError::KeyFormat("cannot encode RSA key".into());
        let private_der = key.as_der().map_err(encode_failed)?;
        let public_der = key.public_key().as_der().map_err(encode_failed)?;
        let private_pem = pem_text::encode(TAG_PRIVATE_KEY, private_der.as_ref());
        let public_pem = pem_text::encode(TAG_PUBLIC_KEY, public_der.as_ref());
        let key = Pkcs1PrivateDecryptingKey::new(key)
            .map_err(|_| CryptoError::KeyFormat("key unusable for PKCS#1 decryption".into()))?;
        Ok(Self {
            key,
            private_pem,
            public_pem,
        })
    }

    /// The private key as PKCS#8 PEM ("BEGIN PRIVATE KEY").
    pub fn to_pkcs8_pem(&self) -> String {
        self.private_pem.clone()
    }

    /// The public key as SubjectPublicKeyInfo PEM ("BEGIN PUBLIC KEY"), the
    /// format NIC publishes its own auth key in.
    pub fn public_key_pem(&self) -> String {
        self.public_pem.clone()
    }

    /// Decrypts one PKCS#1 v1.5 block. Every failure is the same
    /// [`CryptoError::Decrypt`] so that callers cannot build a padding oracle.
    pub fn decrypt(&self, ciphertext: &[u8]) -> Result<Vec<u8>, CryptoError> {
        if ciphertext.len() != self.key.key_size_bytes() {
            return Err(CryptoError::Decrypt);
        }
        let mut out = vec![0u8; self.key.min_output_size()];
        let len = self
            .key
            .decrypt(ciphertext, &mut out)
            .map_err(|_| CryptoError::Decrypt)?
            .len();
        out.truncate(len);
        Ok(out)
    }
}

impl std::fmt::Debug for AuthKeyPair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the private key.
        f.debug_struct("AuthKeyPair")
            .field("bits", &self.key.key_size_bits())
            .finish_non_exhaustive()
    }
}

/// A client's copy of the server's auth public key.
#[derive(Debug)]
pub struct AuthPublicKey {
    key: Pkcs1PublicEncryptingKey,
}

impl AuthPublicKey {
    /// Loads a "PUBLIC KEY" (SubjectPublicKeyInfo) PEM. A "CERTIFICATE" PEM is
    /// accepted too, since some portals hand out the key inside a certificate.
    pub fn from_pem(pem: &str) -> Result<Self, CryptoError> {
        let (tag, der) = pem_text::decode_any(pem)?;
        let spki = match tag.as_str() {
            TAG_PUBLIC_KEY => der.as_slice(),
            TAG_CERTIFICATE => der::spki_of_certificate(&der)?,
            other => {
                return Err(CryptoError::KeyFormat(format!(
                    "expected a PUBLIC KEY or CERTIFICATE PEM, found \"{other}\""
                )));
            }
        };
        let key = PublicEncryptingKey::from_der(spki)
            .map_err(|e| CryptoError::KeyFormat(format!("not an RSA public key: {e}")))?;
        let key = Pkcs1PublicEncryptingKey::new(key)
            .map_err(|_| CryptoError::KeyFormat("key unusable for PKCS#1 encryption".into()))?;
        Ok(Self { key })
    }

    /// Encrypts one PKCS#1 v1.5 block (at most 245 bytes for RSA-2048).
    pub fn encrypt(&self, plaintext: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let max = self.key.max_plaintext_size();
        if plaintext.len() > max {
            return Err(CryptoError::PlaintextTooLong {
                len: plaintext.len(),
                max,
            });
        }
        let mut out = vec![0u8; self.key.ciphertext_size()];
        let len = self
            .key
            .encrypt(plaintext, &mut out)
            .map_err(|_| CryptoError::KeyFormat("RSA encryption failed".into()))?
            .len();
        out.truncate(len);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encoding::b64_encode;
    use crate::test_keys::auth_pair as pair;

    /// The v1.04 login plaintext: base64 of the credential JSON (~180 bytes).
    fn login_payload() -> Vec<u8> {
        let app_key = b64_encode(&[0x5a; 32]);
        let json = format!(
            r#"{{"UserName":"API_TESTUSER","Password":"Secret#123","AppKey":"{app_key}","ForceRefreshAccessToken":false}}"#
        );
        b64_encode(json.as_bytes()).into_bytes()
    }

    #[test]
    fn login_round_trip_through_published_public_pem() {
        let public = AuthPublicKey::from_pem(&pair().public_key_pem()).unwrap();
        let payload = login_payload();
        assert!((170..=245).contains(&payload.len()), "{}", payload.len());
        let ct = public.encrypt(&payload).unwrap();
        assert_eq!(ct.len(), 256);
        assert_eq!(b64_encode(&ct).len(), 344);
        assert_eq!(pair().decrypt(&ct).unwrap(), payload);
        // PKCS#1 v1.5 encryption is randomised: same input, different block.
        assert_ne!(public.encrypt(&payload).unwrap(), ct);
    }

    #[test]
    fn pkcs8_pem_round_trip_keeps_the_key() {
        let pem = pair().to_pkcs8_pem();
        assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----\n"));
        let reloaded = AuthKeyPair::from_pkcs8_pem(&pem).unwrap();
        assert_eq!(reloaded.public_key_pem(), pair().public_key_pem());
        assert!(
            pair()
                .public_key_pem()
                .starts_with("-----BEGIN PUBLIC KEY-----\n")
        );
        let ct = AuthPublicKey::from_pem(&pair().public_key_pem())
            .unwrap()
            .encrypt(b"hello")
            .unwrap();
        assert_eq!(reloaded.decrypt(&ct).unwrap(), b"hello");
    }

    #[test]
    fn garbage_and_wrong_sizes_give_one_uniform_error() {
        // 0 decrypts to 0 (no 00 02 header); all-ones exceeds the modulus.
        for bad in [vec![0u8; 256], vec![0xff; 256], vec![1u8; 10], vec![]] {
            let err = pair().decrypt(&bad).unwrap_err();
            assert!(matches!(err, CryptoError::Decrypt));
            assert_eq!(err.to_string(), "decryption failed");
        }
    }

    #[test]
    fn tampered_ciphertext_never_yields_the_login() {
        let payload = login_payload();
        let mut ct = AuthPublicKey::from_pem(&pair().public_key_pem())
            .unwrap()
            .encrypt(&payload)
            .unwrap();
        ct[100] ^= 0x40;
        // A random block has valid PKCS#1 framing with probability ~2^-16, so
        // accept that rare outcome as long as it is not the original plaintext.
        match pair().decrypt(&ct) {
            Err(e) => assert!(matches!(e, CryptoError::Decrypt)),
            Ok(p) => assert_ne!(p, payload),
        }
    }

    #[test]
    fn oversized_plaintext_is_refused_before_encrypting() {
        let public = AuthPublicKey::from_pem(&pair().public_key_pem()).unwrap();
        assert!(public.encrypt(&[b'a'; 245]).is_ok());
        assert!(matches!(
            public.encrypt(&[b'a'; 246]),
            Err(CryptoError::PlaintextTooLong { len: 246, max: 245 })
        ));
    }

    #[test]
    fn bad_pem_inputs_are_key_format_errors() {
        assert!(matches!(
            AuthPublicKey::from_pem(&pair().to_pkcs8_pem()),
            Err(CryptoError::KeyFormat(_))
        ));
        assert!(matches!(
            AuthKeyPair::from_pkcs8_pem(&pair().public_key_pem()),
            Err(CryptoError::KeyFormat(_))
        ));
        let not_a_key = pem_text::encode(TAG_PUBLIC_KEY, b"junk");
        assert!(matches!(
            AuthPublicKey::from_pem(&not_a_key),
            Err(CryptoError::KeyFormat(_))
        ));
    }
}
