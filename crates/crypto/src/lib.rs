//! NIC e-invoice crypto for OpenIRP.
//!
//! * [`aes`]: AES-256-ECB/PKCS#7 for the SEK and every encrypted `Data` field.
//! * [`login`]: the RSA auth key pair (PKCS#1 v1.5 login encryption).
//! * [`signing`]: the RS256 signing identity and NIC-style compact JWS.
//! * [`keystore`]: the server keys on disk.
//!
//! All RSA, AES and hashing runs on aws-lc-rs. Everything is re-exported at
//! the crate root.

pub mod aes;
mod der;
mod encoding;
mod error;
pub mod keystore;
pub mod login;
mod pem_text;
pub mod signing;

#[cfg(test)]
mod test_keys;

pub use aes::{aes_decrypt, aes_decrypt_b64, aes_encrypt, aes_encrypt_b64, random_key};
pub use encoding::{b64_decode, b64_encode, b64url_decode, b64url_encode};
pub use error::CryptoError;
pub use keystore::{ServerKeys, load_or_create_server_keys, server_keys_present};
pub use login::{AuthKeyPair, AuthPublicKey};
pub use signing::{
    JwsParts, SigningIdentity, decode_jws_unverified, kid_to_x5t, nic_data_of,
    verify_jws_with_cert_pem, x5t_to_kid,
};
