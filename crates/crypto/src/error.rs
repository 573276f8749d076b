//! The one error type of this crate.

use std::path::PathBuf;

/// Everything that can go wrong in NIC envelope crypto.
///
/// `Decrypt` deliberately carries no detail: telling a caller *why* an RSA
/// PKCS#1 v1.5 or AES/PKCS#7 decryption failed (bad length, bad padding, ...)
/// hands an attacker a padding oracle (Bleichenbacher). Log it, map it to one
/// NIC error code, and move on.
#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    /// Input that should be base64 (or base64url) is not.
    #[error("invalid base64")]
    Base64,

    /// Decryption failed. Intentionally uniform, see the type docs.
    #[error("decryption failed")]
    Decrypt,

    /// The plaintext does not fit in one RSA PKCS#1 v1.5 block.
    #[error("plaintext is {len} bytes but this RSA key can encrypt at most {max}")]
    PlaintextTooLong { len: usize, max: usize },

    /// A key, certificate or PEM file could not be parsed or does not fit.
    #[error("key format: {0}")]
    KeyFormat(String),

    /// Generating a key or a certificate failed.
    #[error("key generation: {0}")]
    KeyGeneration(String),

    /// The key directory is in a state we refuse to touch.
    #[error("key store {dir}: {reason}")]
    KeyStore { dir: PathBuf, reason: String },

    /// File system error (key store).
    #[error("I/O: {0}")]
    Io(#[from] std::io::Error),

    /// A compact JWS is malformed, uses another algorithm, or its signature is wrong.
    #[error("JWS: {0}")]
    Jws(String),
}
