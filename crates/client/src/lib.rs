//! The OpenIRP SDK core: a NIC e-invoice wire client.
//!
//! It speaks the NIC IRP protocol as NIC's own clients do, so it works with
//! OpenIRP and with any NIC-compatible IRP:
//!
//! * [`NicClient::authenticate`]: v1.04 login (RSA-encrypted credentials,
//!   AppKey, SEK unwrapping).
//! * [`NicClient::post_encrypted`] / [`NicClient::get_encrypted`]: SEK-encrypted
//!   envelopes with the NIC headers, and typed helpers per endpoint.
//! * [`parse_envelope`]: lenient parsing of `Status`/`Data`/`ErrorDetails`/`InfoDtls`.
//! * [`verify_signed`]: offline check of `SignedInvoice` / `SignedQRCode`.
//! * Managed sessions: a token cache file ([`NicClient::with_session_file`]),
//!   renewal before expiry and on NIC 1005 ([`NicClient::with_session_renewal`]).
//! * E-way bills: [`NicClient::generate_ewb`], [`NicClient::ewb_by_irn`], [`NicClient::cancel_ewb`]
//!   (the EWB system's own envelope, [`parse_ewb_system_response`]).
//! * GSTR-1 of a month as JSON: [`NicClient::gstr1`].
//! * Typed results ([`IrnDetails`], [`Cancelled`], [`GstinDetails`]) and
//!   [`NicClient::generate_safely`], which never loses or duplicates an IRN.

mod auth;
mod client;
mod envelope;
mod error;
mod ewb;
mod gstr1;
mod identity;
mod retry;
mod session_file;
mod types;
mod verify;
pub mod wire;

pub use auth::{AuthRequest, Credentials, Session, build_auth_request, session_from_auth_response};
pub use client::{NicClient, Registered};
pub use envelope::{Envelope, decrypt_data, encrypted_request_body, parse_envelope};
pub use error::{ClientError, NicError};
pub use ewb::{
    EWB_BY_IRN_PREFIX, EWB_SYSTEM_PATH, EwbCancelled, EwbDetails, EwbDispatchFrom, EwbGenerated,
    EwbRequest, EwbShipTo, GENERATE_EWB_PATH, TransMode, VehicleType, computed_distance,
    ewb_by_irn_path, ewb_system_message, parse_ewb_system_response,
};
pub use gstr1::{GSTR1_PATH, gstr1_path};
pub use retry::RetryPolicy;
pub use types::{Cancelled, DuplicateIrn, GstinDetails, IrnDetails};
pub use verify::verify_signed;
