//! `openirp backup` of a SQLite node: taken while Generate IRN load runs, the copy is a data directory
//! (store and keys, private) on which a new node answers for every IRN acknowledged before the backup
//! began, byte for byte; taken from a stopped node it holds every acknowledged IRN; and it never
//! overwrites a folder or leaves a half-made one behind.

mod nodes;
mod support;

use nodes::{AfterTransportError, Ledger, Load, Node, check_acked, openirp, parties};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Output;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// `openirp backup --data-dir <from> --to <to>`, with none of the machine's `OPENIRP_*` settings.
async fn backup(from: &Path, to: &Path) -> Output {
    let mut cmd = openirp();
    cmd.arg("backup")
        .arg("--data-dir")
        .arg(from)
        .arg("--to")
        .arg(to);
    tokio::task::spawn_blocking(move || cmd.output().expect("the binary runs"))
        .await
        .unwrap()
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// The e-invoice count the backup reported ("backed up N e-invoices …").
fn reported_einvoices(out: &Output) -> usize {
    let text = String::from_utf8_lossy(&out.stdout);
    text.split_whitespace()
        .nth(2)
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no count in {text:?}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_under_load_restores_every_irn_acknowledged_before_it() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let log = dir.path().join("node.log");
    let mut node = Node::start(&data, None, &log).await;
    let parties = Arc::new(parties(&node.base).await);
    let ledger = Arc::new(Mutex::new(Ledger::default()));
    let load = Load::start(
        parties.client(&node.base).await,
        parties.clone(),
        ledger.clone(),
        "B",
        8,
        AfterTransportError::Stop,
    );
    tokio::time::sleep(Duration::from_millis(500)).await;

    // Taken while the node keeps registering.
    let before = ledger.lock().unwrap().acked.clone();
    let copy = dir.path().join("copy");
    let out = backup(&data, &copy).await;
    assert!(out.status.success(), "{out:?}");
    let in_copy = reported_einvoices(&out);
    tokio::time::sleep(Duration::from_millis(300)).await;
    load.stop(Duration::from_secs(30)).await;
    assert!(
        !before.is_empty(),
        "nothing was acknowledged before the backup"
    );
    assert!(in_copy >= before.len(), "{in_copy} < {}", before.len());
    assert_eq!(mode(&copy), 0o700);
    assert_eq!(mode(&copy.join("openirp.db")), 0o600);
    for key in ["auth-key.pem", "signing-key.pem", "signing-cert.pem"] {
        assert_eq!(mode(&copy.join("keys").join(key)), 0o600, "{key}");
    }

    // Never over an existing folder, which stays as it was.
    let again = backup(&data, &copy).await;
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("must not exist yet"));
    assert!(copy.join("openirp.db").is_file());

    // Restored: a node on the copy answers for every IRN acknowledged before the backup began.
    let restored_log = dir.path().join("restored.log");
    let restored = Node::start(&copy, None, &restored_log).await;
    let client = parties.client(&restored.base).await;
    let cert = reqwest::get(format!("{}/keys/signing-cert.pem", restored.base))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for a in &before {
        if let Err(e) = check_acked(&client, &cert, &parties.date, a).await {
            panic!("restored copy: {e}");
        }
    }
    drop(restored);

    // From a stopped node: every acknowledged IRN is in the copy.
    node.terminate();
    assert!(node.wait_exit(Duration::from_secs(20)).success());
    let all = ledger.lock().unwrap().acked.len();
    let cold = backup(&data, &dir.path().join("cold")).await;
    assert!(cold.status.success(), "{cold:?}");
    assert!(reported_einvoices(&cold) >= all);

    // A folder without a store is refused, and no copy is left.
    let nothing = backup(&dir.path().join("nowhere"), &dir.path().join("empty")).await;
    assert!(!nothing.status.success());
    assert!(String::from_utf8_lossy(&nothing.stderr).contains("has no store file"));
    assert!(!dir.path().join("empty").exists());
}
