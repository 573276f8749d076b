//! `openirp admin create` as an operator runs it: the real binary on a real data directory.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn admin_create(data_dir: &std::path::Path, username: &str, password_stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_openirp"))
        .args(["admin", "create", "--username", username, "--data-dir"])
        .arg(data_dir)
        .env_remove("OPENIRP_ADMIN_PASSWORD")
        .env("OPENIRP_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(password_stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[tokio::test]
async fn creates_an_administrator_whose_password_is_stored_only_as_a_hash() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let out = admin_create(&data, "root", "a long admin password\n");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("administrator root created"));

    // A second one with the same name, and a short password, are refused with a reason.
    let again = admin_create(&data, "root", "another long password\n");
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
    let short = admin_create(&data, "ops", "short\n");
    assert!(!short.status.success());
    assert!(String::from_utf8_lossy(&short.stderr).contains("12 characters"));

    let db = data.join(openirp_store::SqliteStore::FILE_NAME);
    let store = openirp_store::SqliteStore::open(&db).await.unwrap();
    let admin = openirp_store::Store::get_admin(&store, "root")
        .await
        .unwrap()
        .expect("stored");
    assert!(admin.password_hash.starts_with("$argon2id$"));
    assert!(openirp_server::secrets::secret_matches(
        &admin.password_hash,
        "a long admin password"
    ));
    assert!(
        openirp_store::Store::get_admin(&store, "ops")
            .await
            .unwrap()
            .is_none()
    );
    // Creating an admin leaves the GSTIN master alone (no sandbox test GSTINs in production data).
    let nic_sandbox_gstin = "29AWGPV7107B1Z1";
    assert!(
        openirp_store::Store::get_gstin(&store, nic_sandbox_gstin)
            .await
            .unwrap()
            .is_none()
    );
    openirp_store::Store::close(&store).await;
}
