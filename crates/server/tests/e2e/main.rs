//! End-to-end tests: a real OpenIRP server on loopback, a real SQLite file, and clients that speak NIC's
//! wire protocol (RSA-encrypted login with the published key, SEK unwrapped with the AppKey, AES payloads).
//! `e2e_postgres.rs` runs the same suite with every server on PostgreSQL.

/// Where this binary's servers keep their records.
const BACKEND: harness::Backend = harness::Backend::Sqlite;

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
