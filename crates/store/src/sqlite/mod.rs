//! The embedded SQLite store. The design is documented on [`SqliteStore`].

mod backup;
mod rows;
mod store_impl;
mod writer;

use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteRow, SqliteSynchronous,
};
use sqlx::{AssertSqlSafe, Row, SqlitePool};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

use crate::StoreError;
use crate::error::backend;
use writer::WriteCmd;

pub use backup::{BackupSummary, backup_sqlite};

/// How every write transaction starts: take the write lock now, waiting up to
/// busy_timeout for another process, so reads inside the transaction are current.
pub(crate) const BEGIN_WRITE: &str = "BEGIN IMMEDIATE";

/// How long a connection waits for another process's write lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// How long a write waits for the single writer connection in this process.
const WRITER_ACQUIRE_TIMEOUT: Duration = Duration::from_secs(30);

/// Rows that may wait for the group-commit task before senders are slowed down.
const INSERT_QUEUE: usize = 8 * writer::MAX_BATCH;

/// Options for [`SqliteStore::open_with`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SqliteOptions {
    /// `synchronous=FULL` (an acknowledged write survives power loss). `false` gives
    /// `synchronous=NORMAL`, for tests that do not care about durability.
    pub durable: bool,
    /// Size of the read-only connection pool.
    pub read_connections: u32,
}

impl Default for SqliteOptions {
    fn default() -> Self {
        Self {
            durable: true,
            read_connections: 4,
        }
    }
}

/// The embedded store: one SQLite file (`<data_dir>/openirp.db`) in WAL mode with
/// `synchronous=FULL`, so an acknowledged write survives a crash or power loss.
///
/// Connections: a pool of read-only connections for lookups (WAL lets them run
/// beside the writer) and a pool of exactly ONE writer connection. Every write
/// goes through that one connection, so writes in this process queue fairly on
/// the pool instead of contending in SQLite's busy handler.
///
/// Group commit: `insert_einvoice` does not take the writer itself. It sends the
/// row and a oneshot reply over an mpsc channel to one writer task, which drains
/// everything waiting (up to 256 rows), inserts each row with its own
/// `INSERT .. ON CONFLICT (irn) DO NOTHING` inside ONE transaction on the writer
/// connection, commits once (one fsync) and only then answers every caller. A
/// failed commit answers every caller in the batch with an error. Other writes
/// (sessions, sequences, cancels, users) take the same writer connection between
/// batches.
///
/// Write transactions start with `BEGIN IMMEDIATE`, so another process sharing the
/// file waits for the write lock up front (busy_timeout) instead of failing on a
/// lock upgrade.
///
/// Dropping the store closes the channel and the writer task ends after its
/// current batch; [`SqliteStore::close`] does the same and waits for it.
pub struct SqliteStore {
    reader: SqlitePool,
    writer: SqlitePool,
    inserts: mpsc::Sender<WriteCmd>,
    writer_task: Mutex<Option<JoinHandle<()>>>,
}

impl SqliteStore {
    /// The file name the server uses inside its data directory.
    pub const FILE_NAME: &'static str = "openirp.db";

    /// Opens (creating if missing) a durable store at `path` and runs migrations.
    pub async fn open(path: &Path) -> Result<Self, StoreError> {
        Self::open_with(path, SqliteOptions::default()).await
    }

    /// Opens (creating if missing) the store at `path` with `options`.
    pub async fn open_with(path: &Path, options: SqliteOptions) -> Result<Self, StoreError> {
        let base = connect_options(path, options.durable);
        let writer = open_writer(base.clone()).await?;
        crate::migrations::migrator(&crate::migrations::SQLITE)
            .run(&writer)
            .await
            .map_err(|e| StoreError::Backend(format!("migrating {}: {e}", path.display())))?;
        let reader = open_reader(base, options.read_connections).await?;
        let (inserts, rx) = mpsc::channel(INSERT_QUEUE);
        let task = tokio::spawn(writer::run(writer.clone(), rx));
        Ok(Self {
            reader,
            writer,
            inserts,
            writer_task: Mutex::new(Some(task)),
        })
    }

    /// Commits every insert already queued, stops the group-commit task and closes
    /// all connections. Later calls fail with [`StoreError::Backend`].
    pub async fn close(&self) {
        let (done, acked) = oneshot::channel();
        if self.inserts.send(WriteCmd::Shutdown { done }).await.is_ok() {
            let _ = acked.await;
        }
        let task = self.writer_task.lock().ok().and_then(|mut t| t.take());
        if let Some(task) = task {
            let _ = task.await;
        }
        self.reader.close().await;
        self.writer.close().await;
    }

    /// Reads `PRAGMA <name>` on the writer connection, for diagnostics and tests
    /// (e.g. `journal_mode` -> "wal", `synchronous` -> "2" for FULL).
    pub async fn pragma(&self, name: &str) -> Result<String, StoreError> {
        let valid = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid {
            return Err(StoreError::Backend(format!("invalid pragma name {name:?}")));
        }
        // The name is checked above to be a bare identifier, so formatting it is safe.
        let row = sqlx::query(AssertSqlSafe(format!("PRAGMA {name}")))
            .fetch_optional(&self.writer)
            .await
            .map_err(backend)?;
        Ok(row.map(|r| pragma_value(&r)).unwrap_or_default())
    }
}

/// Settings shared by the writer and the readers.
fn connect_options(path: &Path, durable: bool) -> SqliteConnectOptions {
    let synchronous = if durable {
        SqliteSynchronous::Full
    } else {
        SqliteSynchronous::Normal
    };
    SqliteConnectOptions::new()
        .filename(path)
        .busy_timeout(BUSY_TIMEOUT)
        .foreign_keys(true)
        .synchronous(synchronous)
}

/// The single writer connection. It alone creates the file and switches it to WAL,
/// because changing the journal mode needs an exclusive lock.
async fn open_writer(base: SqliteConnectOptions) -> Result<SqlitePool, StoreError> {
    SqlitePoolOptions::new()
        .max_connections(1)
        .min_connections(1)
        .idle_timeout(None)
        .max_lifetime(None)
        .acquire_timeout(WRITER_ACQUIRE_TIMEOUT)
        // Pinging before every acquire would cost a round trip per batch.
        .test_before_acquire(false)
        .connect_with(
            base.create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal),
        )
        .await
        .map_err(backend)
}

/// Read-only connections: a stray write through them fails instead of bypassing
/// the single writer.
async fn open_reader(base: SqliteConnectOptions, size: u32) -> Result<SqlitePool, StoreError> {
    SqlitePoolOptions::new()
        .max_connections(size.max(1))
        .test_before_acquire(false)
        .connect_with(base.read_only(true))
        .await
        .map_err(backend)
}

/// A pragma answers either text (journal_mode) or an integer (synchronous).
fn pragma_value(row: &SqliteRow) -> String {
    row.try_get::<String, _>(0)
        .or_else(|_| row.try_get::<i64, _>(0).map(|v| v.to_string()))
        .unwrap_or_default()
}

/// The error every call gets once the store is closed.
pub(crate) fn closed() -> StoreError {
    StoreError::Backend("store is closed".to_string())
}
