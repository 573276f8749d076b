//! Binding records to SQLite statements and decoding SQLite rows (the code is shared: [`crate::rows`]).

pub(crate) use crate::rows::join_ips;

crate::rows::record_rows!(
    sqlx::Sqlite,
    sqlx::sqlite::SqliteArguments,
    sqlx::sqlite::SqliteRow
);
