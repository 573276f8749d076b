//! End-to-end tests: a real OpenIRP server on loopback, a real SQLite file, and clients that speak NIC's
//! wire protocol (RSA-encrypted login with the published key, SEK unwrapped with the AppKey, AES payloads).

mod auth;
mod errors;
mod ewaybill;
mod generate;
mod gstr1;
mod harness;
mod keys;
mod lifecycle;
mod metrics;
mod postgres;
mod sandbox;
mod validate;
