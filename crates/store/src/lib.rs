//! The OpenIRP store.
//!
//! One backend-neutral [`Store`] trait with plain record types, and the embedded
//! [`SqliteStore`] (one WAL-mode SQLite file, durable commits, group-committed IRN
//! inserts). A PostgreSQL implementation will sit beside it behind the same trait,
//! which is why every shared statement (`src/sql.rs`) is portable SQL.

mod cached;
mod error;
mod migrations;
mod postgres;
mod records;
mod rows;
mod sql;
mod sqlite;
mod store;

pub use cached::CachedStore;
pub use error::StoreError;
pub use postgres::{PgOptions, PgStore};
pub use records::{
    Admin, ApiClient, ApiUser, CancelOutcome, Developer, EInvoice, EwayBill, EwbCancelOutcome,
    EwbInsertOutcome, GstinRecord, InsertOutcome, InsertWithEwb, Otp, OtpUse, OutboxMessage,
    PoolUsage, PortalSession, Session, SessionAuth, TaxpayerBundle,
};
pub use sqlite::{BackupSummary, SqliteOptions, SqliteStore, backup_sqlite};
pub use store::Store;
