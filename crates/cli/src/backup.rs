//! `openirp backup`: a copy of a SQLite node's data directory that is itself a data directory —
//! the store copied online and checked, and the key folder beside it — so restoring is starting
//! `openirp serve --data-dir` on it. PostgreSQL deployments back up with PostgreSQL's own tools
//! (docs/DEPLOYMENT.md) and copy the key folder.

use anyhow::{Context as _, bail};
use clap::Args;
use std::fs::DirBuilder;
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::path::{Path, PathBuf};

#[derive(Args)]
pub struct BackupArgs {
    /// The data directory of the node to back up (it may be serving).
    #[arg(long, env = "OPENIRP_DATA_DIR", default_value = "./openirp-data")]
    pub data_dir: PathBuf,
    /// A new folder for the copy (it must not exist yet).
    #[arg(long)]
    pub to: PathBuf,
}

pub fn run(args: BackupArgs) -> anyhow::Result<()> {
    let source = args.data_dir.join(openirp_store::SqliteStore::FILE_NAME);
    if !source.is_file() {
        bail!(
            "{} has no store file ({}): nothing to back up here (a PostgreSQL deployment backs up \
             with pg_basebackup or pg_dump, see docs/DEPLOYMENT.md)",
            args.data_dir.display(),
            openirp_store::SqliteStore::FILE_NAME
        );
    }
    DirBuilder::new()
        .mode(0o700)
        .create(&args.to)
        .with_context(|| {
            format!(
                "creating {}: the copy goes into a new folder (which must not exist yet) inside an \
                 existing one",
                args.to.display()
            )
        })?;
    let copied = copy_into(&args.data_dir, &source, &args.to);
    if copied.is_err() {
        // Nothing half-made stays behind to be mistaken for a backup.
        let _ = std::fs::remove_dir_all(&args.to);
    }
    let summary = copied?;
    println!(
        "backed up {} e-invoices (last AckNo {}) and {} e-way bills, {} bytes, to {}",
        summary.einvoices,
        summary
            .last_ack_no
            .map_or_else(|| "none".to_string(), |n| n.to_string()),
        summary.ewaybills,
        summary.bytes,
        args.to.display()
    );
    println!(
        "restore: openirp serve --data-dir {} (the copy holds the store and the keys)",
        args.to.display()
    );
    Ok(())
}

fn copy_into(
    data_dir: &Path,
    source: &Path,
    to: &Path,
) -> anyhow::Result<openirp_store::BackupSummary> {
    copy_keys(&data_dir.join("keys"), &to.join("keys"))?;
    let target = to.join(openirp_store::SqliteStore::FILE_NAME);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime
        .block_on(openirp_store::backup_sqlite(source, &target))
        .with_context(|| format!("copying {}", source.display()))
}

/// The key folder's files, private as in the original (the store's fingerprints need these keys).
fn copy_keys(from: &Path, to: &Path) -> anyhow::Result<()> {
    DirBuilder::new()
        .mode(0o700)
        .create(to)
        .with_context(|| format!("creating {}", to.display()))?;
    for entry in std::fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        std::fs::copy(entry.path(), &target)
            .with_context(|| format!("copying {}", entry.path().display()))?;
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o600))?;
        std::fs::File::open(&target)?.sync_all()?;
    }
    Ok(())
}
