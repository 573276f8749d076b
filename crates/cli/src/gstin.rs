//! `openirp gstin GSTIN [--sync]`: a GSTIN's details from the IRP's master, or synced from the
//! common portal, as pretty JSON.

use anyhow::Context as _;
use clap::Args;

#[derive(Args)]
pub struct GstinArgs {
    /// The GSTIN to look up (the profile's own `--gstin` is the one asking).
    #[arg(value_name = "GSTIN")]
    pub lookup: String,
    /// Refresh the IRP's copy from the common portal first (Sync GSTIN).
    #[arg(long)]
    pub sync: bool,
    #[command(flatten)]
    pub profile: crate::profile::ProfileArgs,
}

pub fn run(args: GstinArgs) -> anyhow::Result<std::process::ExitCode> {
    crate::profile::check_gstin(&args.lookup)?;
    let gstin = args.lookup.to_ascii_uppercase();
    let profile = args.profile.resolve()?;
    crate::profile::block_on(async {
        // Logs in on the first call unless the token cache holds a live session.
        let client = profile.client().await?;
        let details = if args.sync {
            client.sync_gstin(&gstin).await
        } else {
            client.gstin_details(&gstin).await
        }
        .with_context(|| format!("GSTIN {gstin}"))?;
        println!("{}", serde_json::to_string_pretty(&details)?);
        Ok(std::process::ExitCode::SUCCESS)
    })
}
