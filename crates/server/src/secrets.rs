//! Client secrets and passwords are stored only as argon2id hashes. Verifying one costs ~11 ms of CPU,
//! and NIC clients send the client secret on every call, so a successful verification is remembered
//! (per node, in memory) as the SHA-256 of the secret next to the stored hash it matched.

use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Mutex;

/// The argon2id PHC string of `secret` with a fresh random salt.
pub fn hash_secret(secret: &str) -> Result<String, String> {
    Argon2::default()
        .hash_password(secret.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

/// Whether `secret` matches the PHC string `hash` (false for a malformed hash).
pub fn secret_matches(hash: &str, secret: &str) -> bool {
    Argon2::default()
        .verify_password(secret.as_bytes(), hash)
        .is_ok()
}

/// Hashes on tokio's blocking pool, off the async workers.
pub async fn hash_secret_blocking(secret: String) -> Result<String, String> {
    tokio::task::spawn_blocking(move || hash_secret(&secret))
        .await
        .map_err(|e| e.to_string())?
}

/// Verifies on tokio's blocking pool, off the async workers.
pub async fn secret_matches_blocking(hash: String, secret: String) -> bool {
    tokio::task::spawn_blocking(move || secret_matches(&hash, &secret))
        .await
        .unwrap_or(false)
}

/// Bound on remembered secrets; past it the memory is cleared and refilled on demand.
const CACHE_LIMIT: usize = 10_000;

/// Remembers secrets already verified against a stored hash.
#[derive(Default)]
pub struct VerifiedSecrets {
    by_hash: Mutex<HashMap<String, [u8; 32]>>,
}

impl VerifiedSecrets {
    /// Whether `secret` matches the stored `hash`; argon2 runs only the first time (or after a change).
    pub async fn verify(&self, hash: &str, secret: &str) -> bool {
        let digest: [u8; 32] = Sha256::digest(secret.as_bytes()).into();
        if self.remembered(hash) == Some(digest) {
            return true;
        }
        let ok = secret_matches_blocking(hash.to_string(), secret.to_string()).await;
        if ok {
            self.remember(hash, digest);
        }
        ok
    }

    fn remembered(&self, hash: &str) -> Option<[u8; 32]> {
        self.by_hash.lock().ok()?.get(hash).copied()
    }

    fn remember(&self, hash: &str, digest: [u8; 32]) {
        if let Ok(mut map) = self.by_hash.lock() {
            if map.len() >= CACHE_LIMIT {
                map.clear();
            }
            map.insert(hash.to_string(), digest);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn only_the_right_secret_verifies_and_is_remembered() {
        let hash = hash_secret("s3cret").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(!hash.contains("s3cret"));
        let cache = VerifiedSecrets::default();
        assert!(!cache.verify(&hash, "wrong").await);
        assert!(cache.verify(&hash, "s3cret").await);
        assert!(cache.remembered(&hash).is_some());
        // A remembered hash still refuses another secret.
        assert!(!cache.verify(&hash, "s3cret ").await);
        assert!(!cache.verify("not a phc string", "s3cret").await);
    }
}
