//! `openirp login`: logs in to the IRP and shows who it is for and until when. The token and the
//! session key are never printed.

use anyhow::Context as _;
use clap::Args;

#[derive(Args)]
pub struct LoginArgs {
    #[command(flatten)]
    pub profile: crate::profile::ProfileArgs,
}

pub fn run(args: LoginArgs) -> anyhow::Result<std::process::ExitCode> {
    let profile = args.profile.resolve()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let mut client = profile.client().await?;
        let session = client
            .authenticate(false)
            .await
            .context("logging in to the IRP")?;
        println!("logged in to {}", profile.base_url);
        println!("  user          {}", session.username);
        println!("  GSTIN         {}", session.gstin);
        println!("  token expiry  {} (IST)", session.token_expiry);
        Ok(std::process::ExitCode::SUCCESS)
    })
}
