//! The e-invoice domain: the INV-01 schema as data, its canonical form, the typed invoice the rules read,
//! GSTIN, IRN, state codes, masters and IST time. Pure code: no I/O.

pub mod canonical;
mod data;
pub mod gstin;
pub mod invoice;
pub mod irn;
pub mod masters;
pub mod parse;
pub mod payload;
pub mod pincode;
pub mod schema;
pub mod states;
pub mod time;

pub use canonical::{SchemaError, canonicalise_invoice};
pub use invoice::Invoice;
pub use parse::canonicalise_invoice_text;

/// The INV-01 JSON Schema (draft 2020-12) published for clients, kept in step with [`schema`].
pub const INV01_JSON_SCHEMA: &str = include_str!("../data/inv-01.schema.json");
