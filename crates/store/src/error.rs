//! The one error type every backend returns.

/// Errors from a [`Store`](crate::Store). Backend details are flattened into text so
/// callers never depend on the database driver.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// A unique key already holds this value (create_* calls, or an AckNo collision).
    #[error("conflict: {0}")]
    Conflict(String),
    /// Anything else: I/O, a closed store, a corrupt row, a bad argument.
    #[error("store backend error: {0}")]
    Backend(String),
}

/// Wraps a driver error as [`StoreError::Backend`].
pub(crate) fn backend(err: sqlx::Error) -> StoreError {
    StoreError::Backend(err.to_string())
}

/// True when the driver reports a unique or primary key violation.
pub(crate) fn is_unique_violation(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(db) if db.is_unique_violation())
}

/// Maps a unique violation to [`StoreError::Conflict`] with `what` as the message.
pub(crate) fn conflict_or_backend(err: sqlx::Error, what: &str) -> StoreError {
    if is_unique_violation(&err) {
        StoreError::Conflict(what.to_string())
    } else {
        backend(err)
    }
}
