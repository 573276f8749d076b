//! A fresh PostgreSQL schema for one test, on the database `OPENIRP_TEST_DATABASE_URL` names.
//!
//! Tests of every crate share one database: each works in a schema of its own (`t_<random hex>`),
//! reached through a URL whose `options=-c search_path=<schema>` every connection starts with, and
//! whose `application_name` marks the connections as that test's. The schema is dropped, with
//! everything in it, when its [`PgSchema`] goes away.
//!
//! Without the variable a test is skipped with a note, unless `OPENIRP_REQUIRE_TOOLS` is set (as
//! `.ci/run` does): then the missing database is a failure.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::io::Write;
use std::sync::Once;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use sqlx::{AssertSqlSafe, Connection, PgConnection};

/// The database the PostgreSQL tests run in, e.g. `postgres://postgres@127.0.0.1:55432/openirp_test`.
pub const DATABASE_URL_VAR: &str = "OPENIRP_TEST_DATABASE_URL";

/// `OPENIRP_TEST_DATABASE_URL`, or `None` after saying (once per test binary) that PostgreSQL is
/// skipped. With `OPENIRP_REQUIRE_TOOLS` set a missing URL is a failure, never a skip.
pub fn database_url() -> Option<String> {
    match std::env::var(DATABASE_URL_VAR) {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ => {
            assert!(
                std::env::var_os("OPENIRP_REQUIRE_TOOLS").is_none(),
                "OPENIRP_REQUIRE_TOOLS is set but {DATABASE_URL_VAR} is not: the PostgreSQL tests \
                 must run (start one as .ci/run does and export \
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

/// A schema of its own for one test, dropped (with everything in it) when this goes away.
pub struct PgSchema {
    base_url: String,
    name: String,
    url: String,
}

impl PgSchema {
    /// A fresh schema on the test database, or `None` (see [`database_url`]) without one.
    pub async fn fresh() -> Option<PgSchema> {
        Some(PgSchema::create(&database_url()?).await)
    }

    /// A fresh schema on the database at `base_url`; checks that its URL really selects it.
    pub async fn create(base_url: &str) -> PgSchema {
        let name = format!("t_{}", random_hex());
        let mut conn = PgConnection::connect(base_url)
            .await
            .unwrap_or_else(|e| panic!("postgres: connect to {base_url}: {e}"));
        // The name is [0-9a-z_] only, so formatting it into the statement is safe.
        sqlx::raw_sql(AssertSqlSafe(format!("CREATE SCHEMA {name}")))
            .execute(&mut conn)
            .await
            .unwrap_or_else(|e| panic!("postgres: CREATE SCHEMA {name}: {e}"));
        let _ = conn.close().await;

        // sqlx passes the URL's `options` to the server as the startup `options` parameter, so
        // every connection made from this URL starts with the schema as its search_path.
        let separator = if base_url.contains('?') { '&' } else { '?' };
        let url = format!(
            "{base_url}{separator}options=-c%20search_path%3D{name}&application_name={name}"
        );
        let schema = PgSchema {
            base_url: base_url.to_string(),
            name,
            url,
        };
        let mut probe = PgConnection::connect(&schema.url)
            .await
            .unwrap_or_else(|e| panic!("postgres: connect to {}: {e}", schema.url));
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
        schema
    }

    /// The URL whose connections work in this schema (and carry its name as application_name).
    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// A connection to the database without the schema's options, e.g. to watch or end the
    /// schema's own connections.
    pub async fn admin_connection(&self) -> PgConnection {
        PgConnection::connect(&self.base_url)
            .await
            .expect("postgres: admin connection")
    }

    /// The number of tables in the schema.
    pub async fn table_count(&self) -> i64 {
        let mut admin = self.admin_connection().await;
        let n = sqlx::query_scalar(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = $1",
        )
        .bind(&self.name)
        .fetch_one(&mut admin)
        .await
        .expect("postgres: count the schema's tables");
        let _ = admin.close().await;
        n
    }

    /// Every row of every table in the schema as text, one row per line: what a thief of the
    /// database would read.
    pub async fn all_rows_as_text(&self) -> String {
        let mut admin = self.admin_connection().await;
        let tables: Vec<String> = sqlx::query_scalar(
            "SELECT table_name::text FROM information_schema.tables \
             WHERE table_schema = $1 ORDER BY table_name",
        )
        .bind(&self.name)
        .fetch_all(&mut admin)
        .await
        .expect("postgres: list the schema's tables");
        let mut text = String::new();
        for table in tables {
            // Names come from the catalogue of a schema the tests made; quote them anyway.
            let rows: Vec<String> = sqlx::query_scalar(AssertSqlSafe(format!(
                "SELECT t::text FROM \"{}\".\"{}\" t",
                self.name,
                table.replace('"', "\"\"")
            )))
            .fetch_all(&mut admin)
            .await
            .unwrap_or_else(|e| panic!("postgres: read table {table}: {e}"));
            for row in rows {
                text.push_str(&row);
                text.push('\n');
            }
        }
        let _ = admin.close().await;
        text
    }

    /// Ends every connection that works in this schema (as a crashed server or a failover would),
    /// and says how many there were.
    pub async fn terminate_connections(&self) -> i64 {
        let mut admin = self.admin_connection().await;
        let n = sqlx::query_scalar(
            "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE application_name = $1 AND pid <> pg_backend_pid()) ended",
        )
        .bind(&self.name)
        .fetch_one(&mut admin)
        .await
        .expect("postgres: terminate the schema's connections");
        let _ = admin.close().await;
        n
    }
}

impl Drop for PgSchema {
    fn drop(&mut self) {
        // Drop is synchronous and may run on a test's runtime thread, so the cleanup gets a thread
        // and a small runtime of its own. While it waits, the test's runtime cannot run the tasks
        // sqlx spawns to return connections to their pool (which flush the ROLLBACK of a dropped
        // transaction), so a connection of this test may still sit idle in a transaction holding
        // a table lock: end this schema's connections first, then drop the schema.
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
