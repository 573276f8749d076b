//! `openirp cancel IRN --reason 1..4 --remark TEXT`: cancels an IRN (within 24 hours of its
//! acknowledgement) and shows the IRP's answer.

use anyhow::{Context as _, bail};
use clap::Args;

#[derive(Args)]
pub struct CancelArgs {
    /// The IRN to cancel (64 hex characters).
    pub irn: String,
    /// 1 duplicate, 2 data entry mistake, 3 order cancelled, 4 other.
    #[arg(long, value_parser = clap::value_parser!(u8).range(1..=4))]
    pub reason: u8,
    /// Why (1 to 100 characters).
    #[arg(long)]
    pub remark: String,
    #[command(flatten)]
    pub profile: crate::profile::ProfileArgs,
}

pub fn run(args: CancelArgs) -> anyhow::Result<std::process::ExitCode> {
    if !(1..=100).contains(&args.remark.chars().count()) {
        bail!("--remark must have 1 to 100 characters");
    }
    let profile = args.profile.resolve()?;
    crate::profile::block_on(async {
        // Logs in on the first call unless the token cache holds a live session.
        let client = profile.client().await?;
        let answer = client
            .cancel_irn(args.irn.trim(), &args.reason.to_string(), &args.remark)
            .await
            .with_context(|| format!("cancelling {}", args.irn))?;
        println!("{}", serde_json::to_string_pretty(&answer)?);
        Ok(std::process::ExitCode::SUCCESS)
    })
}
