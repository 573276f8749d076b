//! `openirp admin create`: a portal administrator, who approves registrations in production mode.

use anyhow::Context as _;
use clap::{Args, Subcommand};
use std::io::BufRead as _;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum AdminCommand {
    /// Create an administrator. The password comes from OPENIRP_ADMIN_PASSWORD or the first line of
    /// standard input, never from the command line (it would show in the process list).
    Create(CreateArgs),
}

#[derive(Args)]
pub struct CreateArgs {
    /// The administrator's login name.
    #[arg(long)]
    pub username: String,
    /// The data directory of the server.
    #[arg(long, env = "OPENIRP_DATA_DIR", default_value = "./openirp-data")]
    pub data_dir: PathBuf,
}

pub fn run(cmd: AdminCommand) -> anyhow::Result<()> {
    let AdminCommand::Create(args) = cmd;
    let password = match std::env::var("OPENIRP_ADMIN_PASSWORD") {
        Ok(p) => p,
        Err(_) => read_password_line()?,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        // Production mode: opening must not add the sandbox's test GSTINs to a production master.
        let mut config = openirp_server::Config::new(&args.data_dir);
        config.mode = openirp_server::Mode::Production;
        let state = openirp_server::open(config)
            .await
            .context("opening the data directory")?;
        let made = openirp_portal::admin::create_admin(
            &*state.store,
            &args.username,
            &password,
            state.now(),
        )
        .await;
        state.store.close().await;
        made.map_err(anyhow::Error::msg)?;
        println!("administrator {} created", args.username);
        Ok(())
    })
}

fn read_password_line() -> anyhow::Result<String> {
    eprintln!("password for the new administrator (one line on standard input):");
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("reading the password")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}
