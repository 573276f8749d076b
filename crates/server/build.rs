//! Compiles the end-to-end suite's PostgreSQL run (`tests/e2e_postgres.rs`) only where a test
//! database is named, so that `cargo test` without one does not run the suite a second time.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(openirp_test_postgres)");
    println!("cargo::rerun-if-env-changed=OPENIRP_TEST_DATABASE_URL");
    println!("cargo::rerun-if-changed=build.rs");
    if std::env::var_os("OPENIRP_TEST_DATABASE_URL").is_some_and(|url| !url.is_empty()) {
        println!("cargo::rustc-cfg=openirp_test_postgres");
    }
}
