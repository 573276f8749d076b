//! An online, consistent copy of a SQLite store: `VACUUM INTO` reads the database in one read
//! transaction (WAL mode lets the server go on writing meanwhile) and writes a compact copy, which
//! is then checked and made durable before it counts as a backup.

use std::fs::{File, OpenOptions};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection, SqliteConnection};

use super::BUSY_TIMEOUT;
use crate::StoreError;
use crate::error::backend;

/// What a backup holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupSummary {
    pub einvoices: i64,
    /// The highest AckNo in the copy, if any e-invoice is.
    pub last_ack_no: Option<i64>,
    pub ewaybills: i64,
    pub bytes: u64,
}

/// Copies the store at `source` to the new file `target` (mode 0600; it must not exist), while
/// the server may keep running, and checks the copy's integrity. A failed copy leaves no file.
pub async fn backup_sqlite(source: &Path, target: &Path) -> Result<BackupSummary, StoreError> {
    if !source.is_file() {
        return Err(StoreError::Backend(format!(
            "{} is not a store file",
            source.display()
        )));
    }
    // Made here, empty and private, because VACUUM INTO would create it world-readable: it holds
    // session keys and password hashes.
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(target)
        .map_err(|e| StoreError::Backend(format!("creating {}: {e}", target.display())))?;
    let copied = copy_and_check(source, target).await;
    if copied.is_err() {
        let _ = std::fs::remove_file(target);
    }
    copied
}

async fn copy_and_check(source: &Path, target: &Path) -> Result<BackupSummary, StoreError> {
    let target_text = target
        .to_str()
        .ok_or_else(|| StoreError::Backend(format!("{} is not UTF-8", target.display())))?;
    let mut from = SqliteConnectOptions::new()
        .filename(source)
        .read_only(true)
        .busy_timeout(BUSY_TIMEOUT)
        .connect()
        .await
        .map_err(backend)?;
    sqlx::query("VACUUM INTO ?1")
        .bind(target_text)
        .execute(&mut from)
        .await
        .map_err(backend)?;
    from.close().await.map_err(backend)?;

    File::open(target)
        .and_then(|f| f.sync_all())
        .map_err(|e| StoreError::Backend(format!("syncing {}: {e}", target.display())))?;
    if let Some(dir) = target.parent() {
        let _ = File::open(dir).and_then(|d| d.sync_all());
    }
    summarize(target).await
}

/// Checks the copy page by page and counts what it holds.
async fn summarize(target: &Path) -> Result<BackupSummary, StoreError> {
    let mut copy: SqliteConnection = SqliteConnectOptions::new()
        .filename(target)
        .read_only(true)
        .connect()
        .await
        .map_err(backend)?;
    let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&mut copy)
        .await
        .map_err(backend)?;
    if integrity != "ok" {
        return Err(StoreError::Backend(format!(
            "the copy failed its integrity check: {integrity}"
        )));
    }
    let (einvoices, last_ack_no): (i64, Option<i64>) =
        sqlx::query_as("SELECT count(*), max(ack_no) FROM einvoices")
            .fetch_one(&mut copy)
            .await
            .map_err(backend)?;
    let ewaybills: i64 = sqlx::query_scalar("SELECT count(*) FROM ewaybills")
        .fetch_one(&mut copy)
        .await
        .map_err(backend)?;
    copy.close().await.map_err(backend)?;
    let bytes = std::fs::metadata(target).map_or(0, |m| m.len());
    Ok(BackupSummary {
        einvoices,
        last_ack_no,
        ewaybills,
        bytes,
    })
}
