//! Binding records to PostgreSQL statements and decoding PostgreSQL rows (the code is shared:
//! [`crate::rows`]).

pub(crate) use crate::rows::join_ips;

crate::rows::record_rows!(
    sqlx::Postgres,
    sqlx::postgres::PgArguments,
    sqlx::postgres::PgRow
);
