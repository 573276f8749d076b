//! The end-to-end suite of `e2e/` again, with every server in a fresh schema of the test PostgreSQL
//! (`OPENIRP_TEST_DATABASE_URL`), so that both backends pass the same journeys. The modules are
//! compiled here only when that variable was set for the build (see `build.rs`); otherwise the one
//! test left says SKIPPED, and fails under `OPENIRP_REQUIRE_TOOLS`.
//!
//! Left out: `postgres.rs` (already on PostgreSQL in `e2e`).

/// Where this binary's servers keep their records.
#[cfg(openirp_test_postgres)]
const BACKEND: harness::Backend = harness::Backend::Postgres;

#[cfg(openirp_test_postgres)]
#[path = "e2e/auth.rs"]
mod auth;
#[cfg(openirp_test_postgres)]
#[path = "e2e/errors.rs"]
mod errors;
#[cfg(openirp_test_postgres)]
#[path = "e2e/ewaybill.rs"]
mod ewaybill;
#[cfg(openirp_test_postgres)]
#[path = "e2e/generate.rs"]
mod generate;
#[cfg(openirp_test_postgres)]
#[path = "e2e/gstr1.rs"]
mod gstr1;
#[cfg(openirp_test_postgres)]
#[path = "e2e/harness.rs"]
mod harness;
#[cfg(openirp_test_postgres)]
#[path = "e2e/keys.rs"]
mod keys;
#[cfg(openirp_test_postgres)]
#[path = "e2e/lifecycle.rs"]
mod lifecycle;
#[cfg(openirp_test_postgres)]
#[path = "e2e/metrics.rs"]
mod metrics;
#[cfg(openirp_test_postgres)]
#[path = "e2e/sandbox.rs"]
mod sandbox;
#[cfg(openirp_test_postgres)]
#[path = "e2e/validate.rs"]
mod validate;

#[cfg(not(openirp_test_postgres))]
#[test]
fn skipped_without_a_test_database() {
    assert!(
        std::env::var_os("OPENIRP_REQUIRE_TOOLS").is_none(),
        "OPENIRP_REQUIRE_TOOLS is set but this suite was built without OPENIRP_TEST_DATABASE_URL: \
         export it before building, as .ci/run does"
    );
    eprintln!("SKIPPED e2e on postgres: OPENIRP_TEST_DATABASE_URL was not set for the build");
}
