//! Runs one test body on every store backend available here.
//!
//! * SQLite, always: a fresh `SqliteStore` in a temporary directory.
//! * PostgreSQL, when `OPENIRP_TEST_DATABASE_URL` names a database: a fresh schema per test
//!   (`t_<random hex>`), created through a plain connection and dropped again when the
//!   [`Backend`] goes away, with the store connected to it through the URL's
//!   `options=-c search_path=<schema>`. When the variable is unset the PostgreSQL half is skipped
//!   with a note, unless `OPENIRP_REQUIRE_TOOLS` is set (as `.ci/run` does): then it fails.
//!
//! A test loops over [`backends`]; a failure names the backend it happened on.

// Each test file uses only part of this module.
#![allow(dead_code)]

use std::cell::Cell;
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::Once;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use openirp_store::{CachedStore, PgStore, SqliteStore, Store};
use sqlx::{AssertSqlSafe, Connection, PgConnection};
use tempfile::TempDir;

/// The database the PostgreSQL half runs in, e.g. `postgres://postgres@127.0.0.1:55432/openirp_test`.
pub const DATABASE_URL_VAR: &str = "OPENIRP_TEST_DATABASE_URL";

/// One store to run a test body on.
pub struct Backend {
    /// "sqlite" or "postgres".
    pub name: &'static str,
    pub store: Arc<dyn Store>,
    /// Declared after `store`, so the store is released before its database goes.
    target: Target,
}

enum Target {
    Sqlite { _dir: TempDir, path: PathBuf },
    Postgres { url: String, _schema: PgSchema },
}

impl Backend {
    /// Another handle on the same database, as a second node (or a restarted one) would open it.
    pub async fn second_handle(&self) -> Arc<dyn Store> {
        match &self.target {
            Target::Sqlite { path, .. } => Arc::new(
                SqliteStore::open(path)
                    .await
                    .expect("sqlite: second handle on the same file"),
            ),
            Target::Postgres { url, .. } => Arc::new(
                PgStore::connect(url)
                    .await
                    .expect("postgres: second handle on the same schema"),
            ),
        }
    }

    /// A [`CachedStore`] with this `ttl` over a second handle on the same database.
    pub async fn cached_second_handle(&self, ttl: Duration) -> Arc<dyn Store> {
        match &self.target {
            Target::Sqlite { path, .. } => {
                let inner = SqliteStore::open(path)
                    .await
                    .expect("sqlite: second handle on the same file");
                Arc::new(CachedStore::new(inner, ttl))
            }
            Target::Postgres { url, .. } => {
                let inner = PgStore::connect(url)
                    .await
                    .expect("postgres: second handle on the same schema");
                Arc::new(CachedStore::new(inner, ttl))
            }
        }
    }
}

thread_local! {
    /// Whether this thread has named the backend of its current failure.
    static FAILURE_NAMED: Cell<bool> = const { Cell::new(false) };
}

impl Drop for Backend {
    fn drop(&mut self) {
        // A failing test body unwinds through its loop variable first, then through the backends
        // it had not reached yet: name the first only (printed after the panic message, in the
        // test's captured output).
        if std::thread::panicking() && !FAILURE_NAMED.replace(true) {
            eprintln!("^^^ this failure happened on the {} backend", self.name);
        }
    }
}

/// A fresh store on every available backend: SQLite first, then PostgreSQL if configured.
pub async fn backends() -> Vec<Backend> {
    // A failure while the backends are being made names itself ("sqlite: …", "postgres: …"); the
    // ones already made must not claim it.
    FAILURE_NAMED.set(true);
    let mut all = vec![sqlite().await];
    if let Some(url) = database_url() {
        all.push(postgres(&url).await);
    }
    FAILURE_NAMED.set(false);
    all
}

async fn sqlite() -> Backend {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(SqliteStore::FILE_NAME);
    let store = SqliteStore::open(&path).await.expect("sqlite: open store");
    Backend {
        name: "sqlite",
        store: Arc::new(store),
        target: Target::Sqlite { _dir: dir, path },
    }
}

/// `OPENIRP_TEST_DATABASE_URL`, or `None` after saying (once per test binary) that PostgreSQL is
/// skipped. With `OPENIRP_REQUIRE_TOOLS` set a missing URL is a failure, never a skip.
fn database_url() -> Option<String> {
    match std::env::var(DATABASE_URL_VAR) {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ => {
            assert!(
                std::env::var_os("OPENIRP_REQUIRE_TOOLS").is_none(),
                "OPENIRP_REQUIRE_TOOLS is set but {DATABASE_URL_VAR} is not: the store tests must \
                 also run on PostgreSQL (start one as .ci/run does and export \
                 {DATABASE_URL_VAR}=postgres://postgres@127.0.0.1:55432/openirp_test)"
            );
            static SKIP_NOTE: Once = Once::new();
            SKIP_NOTE.call_once(|| {
                // Straight to the process's stderr, past the test harness's output capture.
                let _ = writeln!(
                    std::io::stderr(),
                    "SKIPPED postgres: {DATABASE_URL_VAR} is not set"
                );
            });
            None
        }
    }
}

async fn postgres(base_url: &str) -> Backend {
    let schema = PgSchema::create(base_url).await;
    // sqlx passes the URL's `options` to the server as the startup `options` parameter, so every
    // connection of the store's pool starts with this search_path (checked below). The
    // application_name marks the connections as this test's, for the cleanup.
    let separator = if base_url.contains('?') { '&' } else { '?' };
    let url = format!(
        "{base_url}{separator}options=-c%20search_path%3D{name}&application_name={name}",
        name = schema.name
    );

    let mut probe = PgConnection::connect(&url)
        .await
        .unwrap_or_else(|e| panic!("postgres: connect to {url}: {e}"));
    let current: Option<String> = sqlx::query_scalar("SELECT current_schema()")
        .fetch_one(&mut probe)
        .await
        .expect("postgres: current_schema()");
    assert_eq!(
        current.as_deref(),
        Some(schema.name.as_str()),
        "postgres: the URL's options did not set the search_path"
    );
    let _ = probe.close().await;

    let store = PgStore::connect(&url)
        .await
        .unwrap_or_else(|e| panic!("postgres: PgStore::connect({url}): {e}"));

    // The migrations must have landed in the test's own schema, not in `public`.
    let mut admin = PgConnection::connect(base_url)
        .await
        .expect("postgres: admin connection");
    let tables: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = $1",
    )
    .bind(&schema.name)
    .fetch_one(&mut admin)
    .await
    .expect("postgres: count the schema's tables");
    assert!(
        tables > 0,
        "postgres: PgStore::connect created no tables in schema {}",
        schema.name
    );
    let _ = admin.close().await;

    Backend {
        name: "postgres",
        store: Arc::new(store),
        target: Target::Postgres {
            url,
            _schema: schema,
        },
    }
}

/// A schema of its own for one test, dropped (with everything in it) when this goes away.
struct PgSchema {
    base_url: String,
    name: String,
}

impl PgSchema {
    async fn create(base_url: &str) -> PgSchema {
        let name = format!("t_{}", random_hex());
        let mut conn = PgConnection::connect(base_url)
            .await
            .unwrap_or_else(|e| panic!("postgres: connect to {DATABASE_URL_VAR}={base_url}: {e}"));
        sqlx::raw_sql(AssertSqlSafe(format!("CREATE SCHEMA {name}")))
            .execute(&mut conn)
            .await
            .unwrap_or_else(|e| panic!("postgres: CREATE SCHEMA {name}: {e}"));
        let _ = conn.close().await;
        PgSchema {
            base_url: base_url.to_string(),
            name,
        }
    }
}

impl Drop for PgSchema {
    fn drop(&mut self) {
        // Drop is synchronous and runs on the test's runtime thread, so the cleanup gets a thread
        // and a small runtime of its own. While it waits, the test's runtime cannot run the tasks
        // sqlx spawns to return connections to their pool (which flush the ROLLBACK of a dropped
        // transaction), so a connection of this test may still sit idle in a transaction holding
        // a table lock: end this test's connections first, then drop the schema.
        let base_url = self.base_url.clone();
        let name = self.name.clone();
        let outcome = std::thread::spawn(move || -> Result<(), String> {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| e.to_string())?;
            runtime.block_on(async {
                let mut conn = PgConnection::connect(&base_url)
                    .await
                    .map_err(|e| e.to_string())?;
                sqlx::query(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                     WHERE application_name = $1 AND pid <> pg_backend_pid()",
                )
                .bind(&name)
                .execute(&mut conn)
                .await
                .map_err(|e| e.to_string())?;
                sqlx::raw_sql(AssertSqlSafe(format!(
                    "SET lock_timeout = '10s'; DROP SCHEMA IF EXISTS {name} CASCADE"
                )))
                .execute(&mut conn)
                .await
                .map_err(|e| e.to_string())?;
                conn.close().await.map_err(|e| e.to_string())
            })
        })
        .join();
        match outcome {
            Ok(Ok(())) => {}
            Ok(Err(e)) => eprintln!("postgres: could not drop schema {}: {e}", self.name),
            Err(_) => eprintln!("postgres: dropping schema {} panicked", self.name),
        }
    }
}

/// 64 random bits as hex: the process's randomly keyed hasher over the time, the pid and a counter.
fn random_hex() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = RandomState::new().build_hasher();
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    hasher.write_u128(nanos);
    hasher.write_u32(std::process::id());
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    format!("{:016x}", hasher.finish())
}
