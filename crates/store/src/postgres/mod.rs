//! The PostgreSQL store. The design is documented on [`PgStore`].

mod rows;
mod store_impl;

use std::time::Duration;

use sqlx::migrate::Migrate;
use sqlx::postgres::{PgConnectOptions, PgConnection, PgPoolOptions};
use sqlx::{ConnectOptions, Connection, PgPool};

use crate::StoreError;

/// How long an operation waits for a pooled connection before the attempt fails (and is retried).
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(10);

/// The first pause before a retry; each further retry waits twice as long.
const FIRST_PAUSE: Duration = Duration::from_millis(20);

/// The table sqlx records applied migrations in (its default).
const MIGRATIONS_TABLE: &str = "_sqlx_migrations";

/// Options for [`PgStore::connect_with`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PgOptions {
    /// Size of the connection pool.
    pub max_connections: u32,
    /// How many times an operation is tried again after a transient failure (serialization
    /// failure, deadlock, a dropped connection); 0 disables retries.
    pub retries: u32,
}

impl Default for PgOptions {
    fn default() -> Self {
        Self {
            max_connections: 16,
            retries: 3,
        }
    }
}

/// The PostgreSQL store: one connection pool, every write its own transaction (or a single
/// autocommit statement), durable as the server's `synchronous_commit` says (never turned off
/// here). There is no group-commit task: PostgreSQL already flushes the WAL of concurrent
/// commits together.
///
/// Concurrency is decided by rows, never by code or advisory locks, so the same SQL works on
/// PostgreSQL-compatible distributed engines (no advisory locks in any operation, no
/// LISTEN/NOTIFY, no extensions):
/// * `insert_einvoice`: `INSERT .. ON CONFLICT (irn) DO NOTHING`, then the existing row is read
///   (Duplicate); an AckNo unique violation is a Conflict.
/// * `issue_session`, `reserve_sequence`: one UPSERT each (a row lock).
/// * `consume_otp`, `cancel_ewaybill`, `set_developer_status`: conditional UPDATEs, one winner.
/// * `insert_ewaybill`, `insert_einvoice_with_ewaybill` and `cancel_einvoice` all lock the
///   e-invoice row (`SELECT .. FOR UPDATE`) before they look at its e-way bills, so the two can
///   never both succeed; the partial unique index `ewaybills (irn) WHERE status = 'ACT'` backs
///   "one active bill per IRN".
///
/// Retries: every operation is tried again, up to [`PgOptions::retries`] times with a growing
/// pause, on serialization failure (40001), deadlock (40P01), a broken or refused connection
/// (I/O errors, SQLSTATE class 08, 57P01..57P03) and a pool timeout. A failed transaction did not
/// commit, so retrying it cannot apply it twice. The one unknowable case is a connection lost
/// while COMMIT (or a lone autocommit write) was in flight: only writes that are idempotent
/// (`insert_einvoice`, `issue_session`, `put_gstin`, plain setters ...) are retried then; the
/// others answer an error that says the outcome is unknown. See `store_impl::Fail`.
///
/// Migrations: sqlx's migrator takes `pg_advisory_lock` while it runs, so that several servers
/// starting together against one database apply each migration once. That lock is taken only at
/// start-up (or by `openirp migrate`), never in an operation. CockroachDB has no
/// `pg_advisory_lock`: running there needs `Migrator::set_locking(false)` and a single migration
/// runner; we keep the lock because safe concurrent start-up on PostgreSQL matters more today.
pub struct PgStore {
    pool: PgPool,
    retries: u32,
}

impl PgStore {
    /// Connects, runs the migrations, returns the store.
    pub async fn connect(url: &str) -> Result<PgStore, StoreError> {
        Self::connect_with(url, PgOptions::default()).await
    }

    /// Connects with `options`, runs the migrations, returns the store.
    pub async fn connect_with(url: &str, options: PgOptions) -> Result<PgStore, StoreError> {
        let connect = connect_options(url)?;
        let pool = PgPoolOptions::new()
            .max_connections(options.max_connections.max(1))
            .acquire_timeout(ACQUIRE_TIMEOUT)
            // No ping before each use: a connection that turns out broken fails its attempt and
            // the retry takes another one, which costs nothing on the common path.
            .test_before_acquire(false)
            .connect_with(connect)
            .await
            .map_err(|e| StoreError::Backend(format!("connecting to PostgreSQL: {e}")))?;
        crate::migrations::migrator(&crate::migrations::POSTGRES)
            .run(&pool)
            .await
            .map_err(|e| StoreError::Backend(format!("migrating PostgreSQL: {e}")))?;
        Ok(PgStore {
            pool,
            retries: options.retries,
        })
    }

    /// Runs the migrations only (for `openirp migrate`); returns the versions applied now.
    pub async fn migrate(url: &str) -> Result<Vec<i64>, StoreError> {
        let mut conn: PgConnection = connect_options(url)?
            .connect()
            .await
            .map_err(|e| StoreError::Backend(format!("connecting to PostgreSQL: {e}")))?;
        let migrate_err = |e: sqlx::migrate::MigrateError| {
            StoreError::Backend(format!("migrating PostgreSQL: {e}"))
        };
        conn.ensure_migrations_table(MIGRATIONS_TABLE)
            .await
            .map_err(migrate_err)?;
        let before: Vec<i64> = conn
            .list_applied_migrations(MIGRATIONS_TABLE)
            .await
            .map_err(migrate_err)?
            .into_iter()
            .map(|m| m.version)
            .collect();
        let migrator = crate::migrations::migrator(&crate::migrations::POSTGRES);
        migrator.run(&mut conn).await.map_err(migrate_err)?;
        let _ = conn.close().await;
        Ok(migrator
            .iter()
            .map(|m| m.version)
            .filter(|v| !before.contains(v))
            .collect())
    }

    /// Closes the pool; later calls fail.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Parses the URL (it may carry `?options=-c search_path=..` and the like).
fn connect_options(url: &str) -> Result<PgConnectOptions, StoreError> {
    url.parse::<PgConnectOptions>()
        .map_err(|e| StoreError::Backend(format!("invalid PostgreSQL URL: {e}")))
}

/// The pause before retry number `attempt` (1-based): 20 ms, 40 ms, 80 ms, .. capped at 1 s.
fn pause(attempt: u32) -> Duration {
    FIRST_PAUSE
        .saturating_mul(1 << attempt.saturating_sub(1).min(6))
        .min(Duration::from_secs(1))
}
