//! AES-256-ECB with PKCS#7 padding: the cipher NIC uses for the SEK (wrapped
//! with the client's AppKey) and for every encrypted `Data` field (with the SEK).
//!
//! ECB is weak (equal blocks give equal ciphertext), but it is the wire
//! contract, so we implement exactly that and nothing more.

use aws_lc_rs::cipher::{
    AES_256, DecryptionContext, PaddedBlockDecryptingKey, PaddedBlockEncryptingKey,
    UnboundCipherKey,
};

use crate::CryptoError;

pub use crate::encoding::{b64_decode, b64_encode};

/// AES block size in bytes.
const BLOCK: usize = 16;

/// A fresh 256-bit key from the OS CSPRNG (an AppKey or a SEK).
pub fn random_key() -> [u8; 32] {
    let mut key = [0u8; 32];
    // Without a working system RNG no key may be made at all; there is no
    // sensible fallback, so this is the one place we stop instead of erroring.
    aws_lc_rs::rand::fill(&mut key).expect("system random number generator failed");
    key
}

/// Encrypts `plaintext` (PKCS#7-padded to a whole number of blocks, so the
/// output is always 1–16 bytes longer than the input).
pub fn aes_encrypt(key: &[u8; 32], plaintext: &[u8]) -> Vec<u8> {
    let mut buf = Vec::with_capacity(padded_len(plaintext.len()));
    buf.extend_from_slice(plaintext);
    // Neither step can fail: the key length is fixed by the type, and ECB
    // needs no IV, so the only error paths of aws-lc-rs are unreachable.
    encrypting_key(key)
        .encrypt(&mut buf)
        .expect("AES-256-ECB encryption with a 32-byte key cannot fail");
    buf
}

/// Decrypts and strips the PKCS#7 padding. Wrong key, wrong length and bad
/// padding all give the same [`CryptoError::Decrypt`].
pub fn aes_decrypt(key: &[u8; 32], ciphertext: &[u8]) -> Result<Vec<u8>, CryptoError> {
    if ciphertext.is_empty() || !ciphertext.len().is_multiple_of(BLOCK) {
        return Err(CryptoError::Decrypt);
    }
    let mut buf = ciphertext.to_vec();
    let plain_len = decrypting_key(key)?
        .decrypt(&mut buf, DecryptionContext::None)
        .map_err(|_| CryptoError::Decrypt)?
        .len();
    buf.truncate(plain_len);
    Ok(buf)
}

/// `base64(AES(key, plaintext))`: the form of NIC's `Data` and `Sek` fields.
pub fn aes_encrypt_b64(key: &[u8; 32], plaintext: &[u8]) -> String {
    b64_encode(&aes_encrypt(key, plaintext))
}

/// Inverse of [`aes_encrypt_b64`].
pub fn aes_decrypt_b64(key: &[u8; 32], b64: &str) -> Result<Vec<u8>, CryptoError> {
    aes_decrypt(key, &b64_decode(b64)?)
}

/// Ciphertext length for `len` bytes of plaintext (PKCS#7 always adds 1..=16).
fn padded_len(len: usize) -> usize {
    (len / BLOCK + 1) * BLOCK
}

fn encrypting_key(key: &[u8; 32]) -> PaddedBlockEncryptingKey {
    UnboundCipherKey::new(&AES_256, key)
        .and_then(PaddedBlockEncryptingKey::ecb_pkcs7)
        .expect("a 32-byte key is always a valid AES-256 ECB key")
}

fn decrypting_key(key: &[u8; 32]) -> Result<PaddedBlockDecryptingKey, CryptoError> {
    UnboundCipherKey::new(&AES_256, key)
        .and_then(PaddedBlockDecryptingKey::ecb_pkcs7)
        .map_err(|_| CryptoError::Decrypt)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encoding::hex_decode;

    /// FIPS-197 appendix C.3 key: 00 01 02 .. 1f.
    fn fips197_key() -> [u8; 32] {
        std::array::from_fn(|i| i as u8)
    }

    fn hex(s: &str) -> Vec<u8> {
        hex_decode(s).unwrap()
    }

    #[test]
    fn fips197_c3_known_answer_with_pkcs7_block() {
        let key = fips197_key();
        let ct = aes_encrypt(&key, &hex("00112233445566778899aabbccddeeff"));
        assert_eq!(ct.len(), 32);
        assert_eq!(ct[..16], hex("8ea2b7ca516745bfeafc49904b496089")[..]);
        // A full block of plaintext gets a whole block of padding (16 x 0x10);
        // its encryption under the same key is the second block.
        let pad_block = aes_encrypt(&key, &[]);
        assert_eq!(pad_block.len(), 16);
        assert_eq!(ct[16..], pad_block[..]);
        assert_eq!(
            aes_decrypt(&key, &ct).unwrap(),
            hex("00112233445566778899aabbccddeeff")
        );
    }

    #[test]
    fn round_trips_for_every_length_around_block_boundaries() {
        let key = random_key();
        for len in 0..=50 {
            let plain: Vec<u8> = (0..len).map(|i| (i * 7) as u8).collect();
            let ct = aes_encrypt(&key, &plain);
            assert_eq!(ct.len(), padded_len(len));
            assert_eq!(aes_decrypt(&key, &ct).unwrap(), plain);
            assert_eq!(
                aes_decrypt_b64(&key, &aes_encrypt_b64(&key, &plain)).unwrap(),
                plain
            );
        }
    }

    #[test]
    fn sek_wrapped_with_app_key_has_nic_sizes() {
        let app_key = random_key();
        let sek = random_key();
        let wrapped = aes_encrypt(&app_key, &sek);
        assert_eq!(wrapped.len(), 48);
        let b64 = aes_encrypt_b64(&app_key, &sek);
        assert_eq!(b64.len(), 64);
        assert_eq!(aes_decrypt_b64(&app_key, &b64).unwrap(), sek);
        assert_eq!(b64_encode(&app_key).len(), 44);
    }

    #[test]
    fn wrong_key_fails_or_never_yields_the_plaintext() {
        let key = random_key();
        let mut other = key;
        other[0] ^= 1;
        let plain = br#"{"Irn":"abc","CnlRsn":"1","CnlRem":"Wrong entry"}"#;
        let ct = aes_encrypt(&key, plain);
        // With a wrong key the padding check fails with probability ~255/256;
        // either way the original plaintext must never come back.
        match aes_decrypt(&other, &ct) {
            Err(CryptoError::Decrypt) => {}
            Err(e) => panic!("unexpected error {e}"),
            Ok(p) => assert_ne!(p, plain),
        }
    }

    #[test]
    fn malformed_ciphertext_gives_the_uniform_error() {
        let key = fips197_key();
        let ct = aes_encrypt(&key, b"a payload of two blocks");
        for bad in [&ct[..0], &ct[..15], &ct[..17]] {
            assert!(matches!(aes_decrypt(&key, bad), Err(CryptoError::Decrypt)));
        }
        // A valid block whose plaintext ends in 0x00 is bad PKCS#7 padding.
        let zero_tail = {
            let mut block = aes_encrypt(&key, &[0u8; 16]);
            block.truncate(16);
            block
        };
        assert!(matches!(
            aes_decrypt(&key, &zero_tail),
            Err(CryptoError::Decrypt)
        ));
        assert!(matches!(
            aes_decrypt_b64(&key, "not base64!"),
            Err(CryptoError::Base64)
        ));
    }
}
