//! The server's signing identity (RSA-2048 key + self-signed X.509
//! certificate) and the compact RS256 JWS that NIC uses for `SignedInvoice`
//! and `SignedQRCode`.

mod certificate;
mod identity;
mod jws;
mod thumbprint;

pub use identity::SigningIdentity;
pub use jws::{JwsParts, decode_jws_unverified, nic_data_of, verify_jws_with_cert_pem};
pub use thumbprint::{kid_to_x5t, x5t_to_kid};

#[cfg(test)]
mod tests;
