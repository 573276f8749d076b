//! Runs one test body on every store backend available here.
//!
//! * SQLite, always: a fresh `SqliteStore` in a temporary directory.
//! * PostgreSQL, when `OPENIRP_TEST_DATABASE_URL` names a database: a fresh schema per test from
//!   `openirp_testdb`, dropped again when the [`Backend`] goes away. When the variable is unset
//!   the PostgreSQL half is skipped with a note, unless `OPENIRP_REQUIRE_TOOLS` is set (as
//!   `.ci/run` does): then it fails.
//!
//! A test loops over [`backends`]; a failure names the backend it happened on.

// Each test file uses only part of this module.
#![allow(dead_code)]

pub mod records;

use std::cell::Cell;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use openirp_store::{CachedStore, PgStore, SqliteStore, Store};
use openirp_testdb::PgSchema;
use tempfile::TempDir;

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
    Postgres(PgSchema),
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
            Target::Postgres(schema) => Arc::new(
                PgStore::connect(schema.url())
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
            Target::Postgres(schema) => {
                let inner = PgStore::connect(schema.url())
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
    if let Some(schema) = PgSchema::fresh().await {
        all.push(postgres(schema).await);
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

async fn postgres(schema: PgSchema) -> Backend {
    let store = PgStore::connect(schema.url())
        .await
        .unwrap_or_else(|e| panic!("postgres: PgStore::connect({}): {e}", schema.url()));
    // The migrations must have landed in the test's own schema, not in `public`.
    assert!(
        schema.table_count().await > 0,
        "postgres: PgStore::connect created no tables in schema {}",
        schema.name()
    );
    Backend {
        name: "postgres",
        store: Arc::new(store),
        target: Target::Postgres(schema),
    }
}
