//! `openirp migrate`: apply the store's migrations and stop, so an operator can migrate once before
//! starting (or upgrading) several nodes. `openirp serve` applies them too at start.

use crate::serve::without_credentials;
use anyhow::Context as _;
use clap::Args;
use std::path::PathBuf;

#[derive(Args)]
pub struct MigrateArgs {
    /// PostgreSQL URL; without it, the SQLite file in --data-dir.
    #[arg(
        long = "database",
        env = "OPENIRP_DATABASE_URL",
        hide_env_values = true
    )]
    pub database_url: Option<String>,
    /// Where the SQLite file lives (when no --database is given).
    #[arg(long, env = "OPENIRP_DATA_DIR", default_value = "./openirp-data")]
    pub data_dir: PathBuf,
}

pub fn run(args: MigrateArgs) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        match &args.database_url {
            Some(url) => {
                let shown = without_credentials(url);
                let applied = openirp_store::PgStore::migrate(url)
                    .await
                    .with_context(|| format!("migrating PostgreSQL {shown}"))?;
                report(&shown, &applied);
            }
            None => {
                std::fs::create_dir_all(&args.data_dir)
                    .with_context(|| format!("creating {}", args.data_dir.display()))?;
                let path = args.data_dir.join(openirp_store::SqliteStore::FILE_NAME);
                let store = openirp_store::SqliteStore::open(&path)
                    .await
                    .with_context(|| format!("migrating {}", path.display()))?;
                store.close().await;
                println!("{}: migrations applied", path.display());
            }
        }
        anyhow::Ok(())
    })
}

fn report(shown: &str, applied: &[i64]) {
    if applied.is_empty() {
        println!("PostgreSQL {shown}: already up to date");
    } else {
        let versions: Vec<String> = applied.iter().map(i64::to_string).collect();
        println!(
            "PostgreSQL {shown}: applied migrations {}",
            versions.join(", ")
        );
    }
}
